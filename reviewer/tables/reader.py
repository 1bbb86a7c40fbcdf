"""Read a table without knowing its template: bands under header rows, column roles, row roles.

A form's table is usually several blocks stacked in one grid, each under a
header row of its own: the funds block (年初预算数 | 全年预算数 | 全年执行数 |
分值 | 执行率 | 得分), the goal block (预期目标 | 实际完成情况), the indicator
block (一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
偏差原因). Each block is a :class:`Band`: its header row(s), the role of each
column (from the header's words, see :mod:`reviewer.tables.vocabulary`), and
its data rows with their cells by role. Rows outside any band are read as
label/value pairs ("项目名称 | …", "单位名称：区商务局").

Every band is checked for sanity after reading (numbers where numbers
belong, weights that can add up to a total): a band that fails is kept with
``status = "doubtful"`` and its reasons, and is not used for checks.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reviewer.document import Cell, Table
from reviewer.quantity import parse_quantity
from reviewer.tables.across import funds_across, funds_in_pairs
from reviewer.tables.grid import Placed, align, cell_kind, fit, has_grid, is_number, place, read_points
from reviewer.tables.headers import header_band, headerless_funds, is_subheader, merge_header, sub_header, table_unit, unit_stated
from reviewer.tables.model import Band, Column, Pair, Row, TableReading
from reviewer.tables.vocabulary import (
    FUNDS_ROLES,
    FUNDS_ROW_WORDS,
    GRADE_LABELS,
    LEVEL_ROLES,
    NUMERIC_ROLES,
    is_breakdown,
    is_goal_label,
    is_money_total,
    is_placeholder,
    is_subtotal_label,
    is_total_label,
    level_points,
    split_points,
    squash,
)

# "其中：基本支出：205.88" is an amount with its label, not a row label.
_LABELLED_AMOUNT = re.compile(r"[:：]\s*-?[\d,]+(?:\.\d*)?\s*(?:万元|元)?$")
_PAIR_IN_CELL = re.compile(r"^([^:：\d]{2,14})[:：]\s*(\S.*)$", re.S)
# A signature field: 填表人：, 项目负责人：, 联系电话：, 填报日期：.
_SIGNED = re.compile(r"^[^\s:：\d]{0,6}(?:人|电话|日期)\s*[:：]")
# Labels that are never a value: "主管部门 | 实施单位" are two labels, not a label and its value.
# A cell that opens with a comparator or a digit is a value ("≥5.2万户", "93.6%"), not a name ("养护路段1").
_VALUE_START = re.compile(r"^\s*(?:[≥≤<>=＞＜≦≧]|\d)")
_FUNDS_NAMES = {"weight": "分值", "score": "得分", "rate": "执行率", "initial": "年初预算数", "budget": "全年预算数", "spent": "全年执行数"}
_LABEL_WORDS = {"主管部门", "实施单位", "主管单位", "项目单位", "单位名称", "部门名称", "项目名称", "填表人", "联系人", "联系电话", "填报日期"}


def read_table(table: Table, unit: str | None = None) -> TableReading:
    """Read a table into bands and pairs; never raises on odd layouts (unknown rows become pairs or nothing).

    ``unit`` (万元 or 元) is what the text just above the table says ("单位：元");
    a unit stated in the table's own first rows or a band's header wins.
    """
    reading = TableReading(table=table, unit=table_unit(table) or unit)
    band: Band | None = None
    line_unit: str | None = None  # "单位：千元" on a row of its own: the unit of the tables below it in a sheet
    rows = table.rows
    # Each row placed once: a header looks at the rows below it, and a band may read its rows again.
    placements = [place(row) for row in rows]
    outside: list[int] = []  # the rows read as label/value pairs
    for r, placed in enumerate(placements):
        if not any(p.text for p in placed):
            continue
        stated = _unit_line(placed)
        if stated:
            line_unit, band = stated, None
            continue
        if band is not None and r in band.header_rows:
            continue
        header = header_band(r, placements, rows, in_band=band is not None)
        if header is None and band is not None and not band.rows:
            header = sub_header(r, placed, band)
        if header is not None:
            if band is not None and band.kind == header.kind and not band.rows and is_subheader(header):
                merge_header(band, header)
                continue
            band = header
            band.unit = band.unit or line_unit or reading.unit
            reading.bands.append(band)
            continue
        if band is not None and not _ends_band(band, placed):
            band.rows.append(_row(band, r, rows[r], placed))
            continue
        band = None
        inferred = headerless_funds(r, placed)
        if inferred is not None:
            inferred.rows.append(_row(inferred, r, rows[r], placed))
            reading.bands.append(inferred)
            continue
        reading.pairs.extend(_pairs(r, placed))
        outside.append(r)
    reading.bands = [funds_across(b, rows) or b for b in reading.bands]
    in_pairs = funds_in_pairs(outside, placements)
    if in_pairs is not None:
        reading.bands.append(in_pairs)
    for b in reading.bands:
        _funds_or_money(b)
        _demote_label_columns(b, rows, placements)
        _classify_rows(b)
        _check(b)
    return reading


def _unit_line(placed: list[Placed]) -> str | None:
    """The unit a row states and nothing else ("单位：千元", "（金额单位：元）"), as sheets write it above a table."""
    filled = [p.text for p in placed if p.text]
    if len(filled) != 1 or len(squash(filled[0])) > 12:
        return None
    return unit_stated(filled[0])


# --- data rows --------------------------------------------------------------------------------


def _ends_band(band: Band, placed: list[Placed]) -> bool:
    """A row that starts something else: a goal or name label, or a new block's title.

    Forms put each block's title in their first column (资金情况, 年度总体目标,
    绩效指标, 资金管理情况 …), left empty (merged) beside the block's rows: a
    band whose first column names no field ends at a row that writes a title
    there, unless that title is the band's total (合计, 总分).
    """
    lead = band.columns[0] if band.columns else None
    if band.kind != "money" and lead is not None and lead.role is None and band.rows and not _lead_text(band.rows[0], lead):
        title = next((p.text for p in placed if p.start == lead.start and p.text), "")
        if title and cell_kind(title) == "text" and not is_total_label(title) and not is_money_total(title):
            return True
    lead_cell = next(p for p in placed if p.text)
    first = squash(lead_cell.text)
    if band.kind != "goals" and is_goal_label(first) and not split_points(first)[1]:
        # "绩效目标合理性" in the 三级指标 column (the 一级 / 二级 cells left blank beside it) names an indicator.
        named = any(c.role in ("level2", "level3") and c.start <= lead_cell.start < c.end for c in band.columns)
        if not named:
            return True
    if first.startswith(("项目名称", "单位名称", "部门名称", "主管部门", "实施单位")):
        return True
    if band.kind == "goals":
        # A goal band holds text rows; a row of numbers belongs to something else.
        return any(is_number(p.text) for p in placed if p.text)
    return False


def _lead_text(row: Row, lead: Column) -> str:
    """The text a row has in the band's first column (empty beside a merged block title)."""
    return next((p.text for p in row.placed if p.start == lead.start and p.text), "")


def _row(band: Band, r: int, row: list[Cell], placed: list[Placed]) -> Row:
    """A data row with its cells assigned to the band's columns by grid position (``placed``: the row's own placing)."""
    grid = has_grid(row)
    if not grid and 0 < len(row) < band.width:
        # Narrower than its header without grid positions (merged cells lost): placed by content.
        roles = [None] * band.width
        for c in band.columns:
            for g in range(c.start, c.end):
                roles[g] = c.role
        placed = align(row, roles)
    by_column: list[Cell | None] = []
    cells: dict[str, Cell] = {}  # the first column of each role
    for column in band.columns:
        start, end = column.start, column.end
        inside = [p for p in placed if start <= p.start < end]
        if not inside:
            by_column.append(None)
            continue
        if len(inside) > 1:
            # The header cell was merged above data cells that stay split ("一级指标" over 序号 and
            # the level): the cell whose content fits the column's role is its cell.
            owner = max(inside, key=lambda p: (fit(cell_kind(p.text), column.role) if p.text else -1.0, -p.start))
        else:
            owner = inside[0]
        by_column.append(owner.cell)
        if column.role is not None and column.role not in cells:
            cells[column.role] = owner.cell
    return Row(index=r, cells=cells, placed=placed, by_column=by_column, guessed=not grid and len(row) < band.width)


def _funds_or_money(band: Band) -> None:
    """A block headed 预算数 | 决算数 whose rows are not funding sources (三公经费 by kind) is a money table."""
    if band.kind != "funds" or not band.rows:
        return
    labels = [squash(r.label) for r in band.rows]
    if any(w in label for label in labels for w in FUNDS_ROW_WORDS) or any("性质" in label for label in labels):
        return
    band.kind = "money"
    for c in band.columns:
        # A 执行率 column is recomputed from two amounts, never added up like one.
        c.role = "amount" if c.role in FUNDS_ROLES and c.role != "rate" else None


def _demote_label_columns(band: Band, rows: list[list[Cell]], placements: list[list[Placed]]) -> None:
    """A numeric column whose cells are row labels is the label column ("年度预算数(万元) | 总额 …"): re-read without its role."""
    if band.kind == "goals" or not band.rows:
        return
    demoted = False
    numeric = {c.start for c in band.columns if c.role in NUMERIC_ROLES}
    starting: dict[int, list[str]] = {}  # numeric column's grid column -> texts of the cells starting there, row by row
    for r in band.rows if numeric else ():
        for p in r.placed:
            if p.text and p.start in numeric:
                starting.setdefault(p.start, []).append(p.text)
    for column in band.columns:
        if column.role not in NUMERIC_ROLES:
            continue
        texts = starting.get(column.start, [])
        words = [t for t in texts if parse_quantity(t).qualitative and not _LABELLED_AMOUNT.search(t)]
        if texts and len(words) * 2 > len(texts):
            column.role = None
            demoted = True
    if demoted:
        band.rows = [_row(band, r.index, rows[r.index], placements[r.index]) for r in band.rows]


def _classify_rows(band: Band) -> None:
    if band.kind != "indicators":
        return
    for k, row in enumerate(band.rows):
        labels = [row.text(role) for role in ("seq", *LEVEL_ROLES)]
        first = next((p.text for p in row.placed if p.text and cell_kind(p.text) != "number"), "")
        values = [row.text(role) for role in ("target", "actual", "weight", "score")]
        name = row.text("level3")
        texts = [p.text for p in row.placed if p.text]
        if texts and all(_SIGNED.match(t) for t in texts):
            row.kind = "note"  # "填表人：… 联系电话：…" in the grid's last row
        elif is_total_label(first) and first not in (row.text("target"), row.text("actual")):
            row.kind = "total"
        elif is_subtotal_label(first) and not any(values[:2]):
            row.kind = "subtotal"
        elif name and is_breakdown(name):
            row.kind = "breakdown"
        elif name and is_placeholder(name) and not any(v for v in values[:2]):
            row.kind = "placeholder"
        elif not name and not any(values):
            row.kind = "heading" if _heading_level1(row) or any(labels) else "empty"
        elif not name and not any(values[:2]) and _opens_group(band, k):
            row.kind = "heading"  # "效益指标 | | | | | 30 | 30": the block's points in its 分值 column
        elif not name and not any(labels) and not any(values[2:]):
            row.kind = "note"  # text with no indicator's name, 分值 or 得分 (a goal written inside the block)
        else:
            row.kind = "indicator"


def _heading_level1(row: Row) -> bool:
    """A row of one short text and nothing else is a level-1 heading wherever its cell landed.

    "一、产出指标（50分）" written across the whole row (one merged cell read as
    the 序号 column's), or a heading pasted into a short row that alignment put
    in another text column: its text becomes the row's 一级指标.
    """
    filled = [p for p in row.placed if p.text]
    if row.text("level1") or row.text("level2") or len(filled) != 1:
        return False
    text = squash(filled[0].text)
    name, points = level_points(text)
    if cell_kind(text) != "text" or len(text) > 20 or not (points is not None or name.endswith("指标") or name != text):
        return False  # a heading states points, is a 指标 block or is numbered ("一、产出"); a stray note is none of these
    row.cells = {role: c for role, c in row.cells.items() if c is not filled[0].cell}
    row.cells["level1"] = filled[0].cell
    return True


def _opens_group(band: Band, k: int) -> bool:
    """Whether row ``k`` (level names but no indicator name, target or actual) heads the rows after it.

    The rows it heads leave its level column blank (a merged cell) and name a
    deeper level: "产出指标 | | | | | 50 | 50" over " | 数量指标 | 养护里程 …",
    "决策 | | | 12" over " | 目标设定 | | 6".
    A row whose next row names its own level is an indicator of its own.
    """
    row = band.rows[k]
    level = next((role for role in ("level2", "level1") if row.text(role)), None)
    if level is None or "level3" not in band.roles():
        return False
    rows = band.rows
    following = next((rows[j] for j in range(k + 1, len(rows)) if any(p.text for p in rows[j].placed)), None)
    deeper = ("level2", "level3") if level == "level1" else ("level3",)
    return following is not None and not following.text(level) and any(following.text(d) for d in deeper)


def _pairs(r: int, placed: list[Placed]) -> list[Pair]:
    """Label/value pairs of a row outside any band."""
    pairs: list[Pair] = []
    filled = [p for p in placed if p.text]
    i = 0
    while i < len(filled):
        p = filled[i]
        text = squash(p.text)
        inside = _PAIR_IN_CELL.match(p.text.strip())
        if inside and (len(filled) == 1 or "\n" not in p.text.strip()):
            pairs.append(Pair(squash(inside.group(1)), inside.group(2).strip(), p.cell, r))
            i += 1
            continue
        figures = filled[i + 1 :]
        if "分" in text and is_total_label(text) and len(figures) == 2 and all(cell_kind(f.text) in ("number", "points") for f in figures):
            # "总分 | 100 | 90.5分" above a score sheet, in its 分值 and 得分 columns as in a total row: the
            # score is the second figure. Figures in the other order (a score above the full score) are
            # not told apart from a misplaced one, so the row states no total then.
            full, score = (read_points(f.text).value for f in figures)
            if full is not None and score is not None and full >= score:
                pairs.append(Pair(text.rstrip(":："), figures[1].text, figures[1].cell, r))
            break
        following = filled[i + 1].text.strip() if i + 1 < len(filled) else ""
        if following and _label_like(text) and not _label_like(squash(following), strict=True) and not _PAIR_IN_CELL.match(following):
            pairs.append(Pair(text.rstrip(":："), filled[i + 1].text, filled[i + 1].cell, r))
            i += 2
            continue
        i += 1
    return pairs


def _label_like(text: str, strict: bool = False) -> bool:
    """A short label ("项目名称", "人员编制", "实施单位："), not a value."""
    if not text or len(text) > 20 or is_number(text):
        return False
    if strict:
        return text in _LABEL_WORDS or text.endswith((":", "：")) or is_total_label(text) or text in GRADE_LABELS
    return True


# --- sanity -----------------------------------------------------------------------------------


def _check(band: Band) -> None:
    """Mark a band doubtful when what its columns hold contradicts their roles."""
    if band.kind == "indicators":
        rows = [r for r in band.rows if r.kind == "indicator"]
        for role, name in (("weight", "分值"), ("score", "得分")):
            for row in rows:
                text = row.text(role)
                if text and cell_kind(text) not in ("number", "points") and parse_quantity(text).value is not None:
                    band.problems.append(f"{name}列出现“{text}”")
                    break
        weights = [q.value for r in rows if (q := read_points(r.text("weight"))).value is not None]
        cap = max(Decimal(100), band.points or 0) * Decimal("1.5")
        if weights and sum(weights) > cap:
            band.problems.append(f"各行分值合计{sum(weights)}分，不像分值列")
        labels_in_numbers = sum(
            1 for r in rows for role in ("weight", "score") if r.text(role) and parse_quantity(r.text(role)).qualitative
        )
        if rows and labels_in_numbers > len(rows) // 2:
            band.problems.append("分值或得分列多为文字")
        # "≥5.2万户" read as the indicator's name: the row's cells were shifted by one column.
        names = [t for r in rows if (t := r.text("level3"))]
        if names and sum(1 for t in names if _VALUE_START.match(t) and cell_kind(t) in ("number", "quantity")) * 2 > len(names):
            band.problems.append("三级指标列多为数值")
    elif band.kind == "funds":
        for row in band.rows:
            for role in NUMERIC_ROLES & band.roles():
                text = row.text(role)
                q = read_points(text) if role in ("weight", "score") else parse_quantity(text)
                if text and q.qualitative and not _PAIR_IN_CELL.match(text) and len(text) > 12:
                    band.problems.append(f"资金数字列出现文字“{text[:12]}”")
                    break
                if role in _FUNDS_NAMES and role != "rate" and q.value is not None and q.unit == "%":
                    band.problems.append(f"{_FUNDS_NAMES[role]}列出现“{text[:12]}”")  # "100.00%" as a 分值: a shifted row
                    break
                if q.value is not None and q.unit not in (None, "%", "万元", "千元", "元", "亿元"):
                    band.problems.append(f"资金数字列出现“{text[:12]}”")  # "改造老旧小区12个": a goal's text, not an amount
                    break
    if band.problems:
        band.status = "doubtful"
