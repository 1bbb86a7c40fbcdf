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
from dataclasses import dataclass, field
from decimal import Decimal

from reviewer.document import Cell, Table
from reviewer.quantity import parse_quantity
from reviewer.tables.grid import Placed, align, cell_kind, fit, has_grid, place
from reviewer.tables.vocabulary import (
    FUNDS_ROLES,
    FUNDS_ROW_WORDS,
    GRADE_LABELS,
    NOT_AMOUNT_WORDS,
    is_money_total,
    GOAL_LABELS,
    INDICATOR_VALUE_ROLES,
    LEVEL_ROLES,
    NUMERIC_ROLES,
    column_role,
    formula_points,
    is_breakdown,
    is_placeholder,
    is_total_label,
    split_points,
    squash,
)

# "其中：基本支出：205.88" is an amount with its label, not a row label.
_LABELLED_AMOUNT = re.compile(r"[:：]\s*-?[\d,]+(?:\.\d*)?\s*(?:万元|元)?$")
_PAIR_IN_CELL = re.compile(r"^([^:：\d]{2,14})[:：]\s*(\S.*)$", re.S)
_TABLE_UNIT = re.compile(r"(?:单位|金额单位)[:：]\s*(万元|元)|[（(](万元|元)[）)]")
# Labels that are never a value: "主管部门 | 实施单位" are two labels, not a label and its value.
_LABEL_WORDS = {"主管部门", "实施单位", "主管单位", "项目单位", "单位名称", "部门名称", "项目名称", "填表人", "联系人", "联系电话", "填报日期"}


@dataclass
class Column:
    """A grid column range of a band with its role and header text."""

    role: str | None
    start: int
    end: int
    header: str


@dataclass
class Row:
    """One data row of a band: its cells by role, and what kind of row it is.

    ``kind``: ``indicator``, ``heading`` (a level heading with no indicator of
    its own, e.g. "效益指标（30分）" on a row whose other cells are empty),
    ``breakdown`` ("其中：…", not scored), ``placeholder`` ("指标2", "……"),
    ``total`` (总分 / 合计) or ``data`` (any row of a funds, goal or money band).
    """

    index: int
    cells: dict[str, Cell]  # the first column of each role
    placed: list[Placed]
    by_column: list[Cell | None] = field(default_factory=list)  # aligned with the band's columns
    kind: str = "data"

    def text(self, role: str) -> str:
        """The stripped text of the cell in ``role``'s column ('' when absent)."""
        cell = self.cells.get(role)
        return cell.text.strip() if cell is not None else ""

    @property
    def label(self) -> str:
        """The row's first non-empty text (its label in funds and money bands)."""
        return next((p.text for p in self.placed if p.text), "")


@dataclass
class Band:
    """A block of a table under one header: ``kind`` is ``indicators``, ``funds``, ``goals`` or ``money``."""

    kind: str
    header_rows: list[int]
    columns: list[Column]
    label: str = ""  # the band's own title cell, e.g. "绩效指标(90分)", "预算执行情况(10分)"
    points: Decimal | None = None  # points its title states
    unit: str | None = None  # 万元 or 元, when the header or table says so
    rows: list[Row] = field(default_factory=list)
    status: str = "ok"  # ok | doubtful
    problems: list[str] = field(default_factory=list)

    def roles(self) -> set[str]:
        """The roles of the band's columns."""
        return {c.role for c in self.columns if c.role}

    def column(self, role: str) -> Column | None:
        """The band's first column of a role."""
        return next((c for c in self.columns if c.role == role), None)

    @property
    def width(self) -> int:
        """Grid columns the band's header covers."""
        return max((c.end for c in self.columns), default=0)


@dataclass
class Pair:
    """A label and its value outside any band: "项目名称 | 测试项目" or "单位名称：区商务局" in one cell."""

    label: str
    value: str
    cell: Cell  # the cell holding the value
    row: int


@dataclass
class TableReading:
    """What one table was read as: its bands and the label/value pairs around them."""

    table: Table
    bands: list[Band] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    unit: str | None = None

    @property
    def described(self) -> str:
        """What the table was read as, in Chinese, for `reviewer extract` and coverage."""
        names = {"indicators": "绩效指标", "funds": "资金", "goals": "年度总体目标", "money": "金额表"}
        parts = [names[b.kind] + ("（存疑，未检查）" if b.status != "ok" else "") for b in self.bands]
        if self.pairs:
            parts.append("基本信息")
        return "、".join(dict.fromkeys(parts)) or "未识别"


def read_table(table: Table, unit: str | None = None) -> TableReading:
    """Read a table into bands and pairs; never raises on odd layouts (unknown rows become pairs or nothing).

    ``unit`` (万元 or 元) is what the text just above the table says ("单位：元");
    a unit stated in the table's own first rows or a band's header wins.
    """
    reading = TableReading(table=table, unit=_table_unit(table) or unit)
    band: Band | None = None
    rows = table.rows
    for r, row in enumerate(rows):
        placed = place(row)
        if not any(p.text for p in placed):
            continue
        if band is not None and r in band.header_rows:
            continue
        header = _header(r, placed, rows, in_band=band is not None)
        if header is not None:
            if band is not None and band.kind == header.kind and not band.rows and _is_subheader(header):
                _merge_header(band, header)
                continue
            band = header
            band.unit = band.unit or reading.unit
            reading.bands.append(band)
            continue
        if band is not None and not _ends_band(band, placed):
            band.rows.append(_row(band, r, row))
            continue
        band = None
        reading.pairs.extend(_pairs(r, placed))
    for b in reading.bands:
        _funds_or_money(b)
        _demote_label_columns(b, rows)
        _classify_rows(b)
        _check(b)
    return reading


# --- headers --------------------------------------------------------------------------------


def _is_number(text: str) -> bool:
    """A bare amount, score or percentage (not "≥95%", not "改造200处")."""
    return cell_kind(text) == "number"


def _header(r: int, placed: list[Placed], rows: list[list[Cell]], in_band: bool) -> Band | None:
    """A band opened by this row, when its words name the columns of a known block.

    Inside a band only a known block's header opens a new one; a money
    table's header (plain labels over amounts) is recognised outside bands.
    """
    filled = [p for p in placed if p.text]
    if any(_is_number(p.text) for p in filled):
        return None
    columns = [Column(column_role(p.text), p.start, p.end, squash(p.text)) for p in filled]
    kind = _known_kind(columns)
    if kind is None:
        return None if in_band else _money_header(r, placed, rows)
    band = Band(kind=kind, header_rows=[r], columns=columns)
    titled = [c for c in columns if c.role is None or split_points(c.header)[1] is not None]
    for c in titled:
        name, points = split_points(c.header)
        if points is not None and c.role not in LEVEL_ROLES:
            band.label, band.points = name, points
            break
    if not band.label and columns[0].role is None:
        band.label = split_points(columns[0].header)[0]
    band.unit = _unit_in(" ".join(c.header for c in columns))
    if kind == "funds":
        # "得分(20分*执行率)": the 执行率 weight stated in the score header.
        score = band.column("score")
        if score is not None and band.points is None:
            band.points = formula_points(score.header)
    _widen_for_rows(band, r, rows)
    return band


def _known_kind(columns: list[Column]) -> str | None:
    """The block a header's roles name: indicators, goals or funds (None for anything else)."""
    roles = {c.role for c in columns if c.role}
    first = columns[0].header if columns else ""
    if roles & set(LEVEL_ROLES) and roles & set(INDICATOR_VALUE_ROLES) or {"target", "actual"} <= roles:
        return "indicators"
    if "goal_expected" in roles or ("goal_actual" in roles and first.startswith(GOAL_LABELS)):
        return "goals"
    if len(roles & set(FUNDS_ROLES)) >= 2 and not roles & set(LEVEL_ROLES):
        return "funds"
    return None


def _money_header(r: int, placed: list[Placed], rows: list[list[Cell]]) -> Band | None:
    """A header over rows of amounts with a total somewhere (a 合计 column, or a 合计 / 汇总 row).

    "机构名称 | 收入合计 | 财政拨款 | 其他收入" over "汇总 | 1、局机关 | …", or
    "支出内容 | 实际支出数 | 会计凭证号" over detail lines ending in 支出合计.
    A second all-text row under the header refines it (multi-row headers).
    """
    filled = [p for p in placed if p.text]
    if len(filled) < 2 or any(cell_kind(p.text) != "text" or len(squash(p.text)) > 20 for p in filled):
        return None
    header_rows = [r]
    sub: list[Placed] = []
    below = [(i, place(x)) for i, x in enumerate(rows[r + 1 :], start=r + 1) if any(c.text.strip() for c in x)]
    if below and not any(_is_number(p.text) for p in below[0][1] if p.text) and len(below) > 1:
        sub = below[0][1]
        sub_columns = [Column(column_role(p.text), p.start, p.end, squash(p.text)) for p in sub if p.text]
        if _known_kind(sub_columns) is not None or any(len(squash(p.text)) > 20 for p in sub) or not any(p.text for p in sub):
            return None
        header_rows.append(below[0][0])
        below = below[1:]
    data = [ps for _, ps in below[:3]]
    if not data or not all(sum(_is_number(p.text) for p in ps) >= 1 for ps in data[:2]):
        return None
    columns = _money_columns(filled, sub, has_grid(rows[r]))
    if not any(c.role in ("total", "amount") for c in columns):
        return None
    labels = [next((p.text for p in ps if p.text), "") for _, ps in below]
    if not any(c.role == "total" for c in columns) and not any(is_money_total(t) for t in labels):
        return None
    return Band(kind="money", header_rows=header_rows, columns=columns, unit=_unit_in(" ".join(p.text for p in filled)))


def _money_columns(top: list[Placed], sub: list[Placed], grid: bool) -> list[Column]:
    """Columns of a money header: leaf headers (the sub-row where it names one), with their parent's words."""
    if grid:
        leaves: list[tuple[str, int, int]] = []
        for p in top:
            under = [s for s in sub if s.text and p.start <= s.start < p.end]
            if len(under) > 1:
                leaves.extend((f"{squash(p.text)}/{squash(s.text)}", s.start, s.end) for s in under)
            else:
                leaves.append((squash(p.text), p.start, p.end))
    else:
        leaves = _gridless_leaves(top, sub)
    columns = []
    for header, start, end in leaves:
        own = header.rsplit("/", 1)[-1]
        if any(w in own for w in NOT_AMOUNT_WORDS) or start == 0:
            role = None
        elif is_money_total(own):
            role = "total"
        else:
            role = "amount"
        columns.append(Column(role, start, end, header))
    return columns


def _gridless_leaves(top: list[Placed], sub: list[Placed]) -> list[tuple[str, int, int]]:
    """Leaf headers of a two-row header pasted from Word, where merged cells show once.

    The sub-row is as wide as the data: an empty sub cell sits under a header
    merged down from the top row (机构名称, 收入合计), and a run of filled sub
    cells sits under the one top cell spanning them (其中 over 财政拨款 |
    上年结转 | 其他收入; 基本支出 over 人员支出 | 公用支出).
    """
    if not sub:
        return [(squash(p.text), p.start, p.end) for p in top]
    width = max(p.end for p in sub)
    by_start = {p.start: p for p in sub}
    leaves, j, inside = [], 0, False
    for i in range(width):
        cell = by_start.get(i)
        parent = squash(top[j].text) if j < len(top) else ""
        if cell is None or not cell.text:
            if inside:
                j, inside = j + 1, False
                parent = squash(top[j].text) if j < len(top) else ""
            leaves.append((parent, i, i + 1))
            j += 1
        else:
            leaves.append((f"{parent}/{squash(cell.text)}" if parent else squash(cell.text), i, i + 1))
            inside = True
    return leaves


def _is_subheader(band: Band) -> bool:
    return bool(band.roles())


def _merge_header(band: Band, sub: Band) -> None:
    """A second header row refines the first: its roles win where it names one."""
    band.header_rows += sub.header_rows
    kept = [c for c in band.columns if not any(s.role and s.start < c.end and c.start < s.end for s in sub.columns)]
    band.columns = sorted(kept + [s for s in sub.columns if s.role], key=lambda c: c.start)


def _widen_for_rows(band: Band, r: int, rows: list[list[Cell]]) -> None:
    """In a grid-less table whose data rows are wider than the header, the header's first cell spanned the extra cells.

    Word's text export writes a merged header cell once ("绩效指标 | 一级指标 …")
    while the data rows keep the cell it covers: shift the named columns right.
    """
    header_row = rows[r]
    if has_grid(header_row):
        return
    following = next((x for x in rows[r + 1 :] if any(c.text.strip() for c in x)), [])
    extra = len(following) - len(header_row)
    if extra <= 0 or not band.columns or band.columns[0].start != 0:
        return
    for c in band.columns[1:]:
        c.start += extra
        c.end += extra
    band.columns[0].end += extra


def _table_unit(table: Table) -> str | None:
    for row in table.rows[:3]:
        for c in row:
            unit = _unit_in(c.text)
            if unit:
                return unit
    return None


def unit_stated(text: str) -> str | None:
    """The money unit a line states: "单位：元", "（万元）"."""
    return _unit_in(text)


def _unit_in(text: str) -> str | None:
    m = _TABLE_UNIT.search(squash(text))
    return (m.group(1) or m.group(2)) if m else None


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
    first = squash(next(p.text for p in placed if p.text))
    if band.kind != "goals" and first.startswith(GOAL_LABELS) and not split_points(first)[1]:
        return True
    if first.startswith(("项目名称", "单位名称", "部门名称", "主管部门", "实施单位")):
        return True
    if band.kind == "goals":
        # A goal band holds text rows; a row of numbers belongs to something else.
        return any(_is_number(p.text) for p in placed if p.text)
    return False


def _lead_text(row: Row, lead: Column) -> str:
    """The text a row has in the band's first column (empty beside a merged block title)."""
    return next((p.text for p in row.placed if p.start == lead.start and p.text), "")


def _row(band: Band, r: int, row: list[Cell]) -> Row:
    """A data row with its cells assigned to the band's columns by grid position."""
    if has_grid(row):
        placed = place(row)
    else:
        roles = [None] * band.width
        for c in band.columns:
            for g in range(c.start, c.end):
                roles[g] = c.role
        placed = align(row, roles)
    by_column: list[Cell | None] = []
    for column in band.columns:
        inside = [p for p in placed if column.start <= p.start < column.end]
        if len(inside) > 1:
            # The header cell was merged above data cells that stay split ("一级指标" over 序号 and
            # the level): the cell whose content fits the column's role is its cell.
            owner = max(inside, key=lambda p: (fit(cell_kind(p.text), column.role) if p.text else -1.0, -p.start))
        else:
            owner = inside[0] if inside else None
        by_column.append(owner.cell if owner is not None else None)
    cells: dict[str, Cell] = {}
    for column, cell in zip(band.columns, by_column):
        if column.role is not None and cell is not None:
            cells.setdefault(column.role, cell)
    return Row(index=r, cells=cells, placed=placed, by_column=by_column)


def _funds_or_money(band: Band) -> None:
    """A block headed 预算数 | 决算数 whose rows are not funding sources (三公经费 by kind) is a money table."""
    if band.kind != "funds" or not band.rows:
        return
    labels = [squash(r.label) for r in band.rows]
    if any(w in label for label in labels for w in FUNDS_ROW_WORDS) or any("性质" in label for label in labels):
        return
    band.kind = "money"
    for c in band.columns:
        if c.role in FUNDS_ROLES:
            c.role = "amount"
        elif c.role is not None:
            c.role = None


def _demote_label_columns(band: Band, rows: list[list[Cell]]) -> None:
    """A numeric column whose cells are row labels is the label column ("年度预算数(万元) | 总额 …"): re-read without its role."""
    if band.kind == "goals" or not band.rows:
        return
    demoted = False
    for column in band.columns:
        if column.role not in NUMERIC_ROLES:
            continue
        texts = [p.text for r in band.rows for p in r.placed if p.start == column.start and p.text]
        words = [t for t in texts if parse_quantity(t).qualitative and not _LABELLED_AMOUNT.search(t)]
        if texts and len(words) * 2 > len(texts):
            column.role = None
            demoted = True
    if demoted:
        band.rows = [_row(band, r.index, rows[r.index]) for r in band.rows]


def _classify_rows(band: Band) -> None:
    if band.kind != "indicators":
        return
    for row in band.rows:
        labels = [row.text(role) for role in ("seq", *LEVEL_ROLES)]
        first = next((p.text for p in row.placed if p.text and cell_kind(p.text) != "number"), "")
        values = [row.text(role) for role in ("target", "actual", "weight", "score")]
        name = row.text("level3")
        if is_total_label(first) and first not in (row.text("target"), row.text("actual")):
            row.kind = "total"
        elif name and is_breakdown(name):
            row.kind = "breakdown"
        elif name and is_placeholder(name) and not any(v for v in values[:2]):
            row.kind = "placeholder"
        elif not name and not any(values):
            row.kind = "heading" if any(labels) else "empty"
        else:
            row.kind = "indicator"


def _pairs(r: int, placed: list[Placed]) -> list[Pair]:
    """Label/value pairs of a row outside any band."""
    pairs: list[Pair] = []
    filled = [p for p in placed if p.text]
    i = 0
    while i < len(filled):
        p = filled[i]
        text = squash(p.text)
        inside = _PAIR_IN_CELL.match(p.text.strip())
        if inside and len(filled) == 1 or inside and "\n" not in p.text and i + 1 == len(filled):
            pairs.append(Pair(squash(inside.group(1)), inside.group(2).strip(), p.cell, r))
            i += 1
            continue
        if i + 1 < len(filled) and _label_like(text) and not _label_like(squash(filled[i + 1].text), strict=True):
            pairs.append(Pair(text.rstrip(":："), filled[i + 1].text, filled[i + 1].cell, r))
            i += 2
            continue
        i += 1
    return pairs


def _label_like(text: str, strict: bool = False) -> bool:
    """A short label ("项目名称", "人员编制", "实施单位："), not a value."""
    if not text or len(text) > 20 or _is_number(text):
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
                if text and not _is_number(text) and parse_quantity(text).value is not None:
                    band.problems.append(f"{name}列出现“{text}”")
                    break
        weights = [q.value for r in rows if (q := parse_quantity(r.text("weight"))).value is not None]
        cap = max(Decimal(100), band.points or 0) * Decimal("1.5")
        if weights and sum(weights) > cap:
            band.problems.append(f"各行分值合计{sum(weights)}分，不像分值列")
        labels_in_numbers = sum(
            1 for r in rows for role in ("weight", "score") if r.text(role) and parse_quantity(r.text(role)).qualitative
        )
        if rows and labels_in_numbers > len(rows) // 2:
            band.problems.append("分值或得分列多为文字")
    elif band.kind == "funds":
        for row in band.rows:
            for role in NUMERIC_ROLES & band.roles():
                text = row.text(role)
                if text and parse_quantity(text).qualitative and not _PAIR_IN_CELL.match(text) and len(text) > 12:
                    band.problems.append(f"资金数字列出现文字“{text[:12]}”")
                    break
    if band.problems:
        band.status = "doubtful"
