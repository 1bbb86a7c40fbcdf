"""Money tables (收支情况 by unit, 项目支出明细, 三公经费 …) from the reader's ``money`` bands.

Which rows add into which total, and which columns into which total column,
is decided here from labels, so that the SUM rules only compare figures:

- rows: the 合计 / 汇总 row against the rows at the first list level
  ("1、局机关", "2、…"); a new kind of list marker, or "其中", opens a level
  under the row above it ("项目支出" over "1、… 2、…", "一、基本支出" over
  "其中：人员经费 / 公用经费"), and those rows are checked against that row,
  not the total. An unnumbered first level counts when it ends in its total
  (支出合计), is a table by unit (机构名称 / 单位), or is 基本支出 + 项目支出. A 合计 over
  小计 rows (on top or at the bottom) adds up the 小计 rows, each the exact sum of the
  rows it heads or closes;
- columns: a total column against the columns headed "其中…" after it (a
  breakdown that may add up to less), or against columns that by definition
  make it up (基本支出 + 项目支出; 人员经费 + 公用经费), which must add up
  exactly. A column of percentages (执行率) is no amount. Anything else is
  left unchecked rather than guessed;
- change rates: a 增减率 / 增长率 column (percentages, or headed %) compares
  this year's figure with last year's of the same measure (2024年执行数 with
  2023年执行数, 本年数 with 上年数), when exactly one such pair is found.
"""

from __future__ import annotations

import dataclasses
import re

from reviewer.document import Cell, Location, row_place
from reviewer.extract.vocabulary import canonical_key, normalize_label
from reviewer.quantity import parse_quantity
from reviewer.report import ChangeColumn, Fact, MoneyColumn, MoneyGroup, MoneyRow, MoneyTable, RatioColumn
from reviewer.tables import Band, TableReading
from reviewer.tables.vocabulary import EXHAUSTIVE_PARTS, enumeration, is_money_total, is_subtotal_label, squash

_MEASURES = (("年初预算", "年初预算"), ("预算", "预算"), ("决算", "决算"), ("执行", "执行"), ("实际", "执行"), ("支出数", "执行"))
_BY_UNIT = ("机构", "单位")
_RESIDUAL = ("其他", "结转", "结余")
_CHANGE_WORDS = ("增减", "增长", "增幅", "变动", "增降")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def _measure(header: str) -> str | None:
    """Which figure a column header names: 预算, 年初预算, 决算 or 执行 (None: no measure)."""
    return next((m for word, m in _MEASURES if word in header), None)


def _cell_loc(cell: Cell, part: str, name: str, label: str, column: str) -> Location:
    """A value cell's place as messages name it: part, row, 「row label」「column」 (``column``: see :func:`_shown`)."""
    return cell.loc.with_label(f"{part} {row_place(cell.loc) or name}「{label}」「{column}」")


def _shown(header: str, headers: list[str]) -> str:
    """A column's name in a place: its own words ("其中/财政拨款" -> 财政拨款), with the header above
    them when another column has the same ("2023年/执行数" beside "2024年/执行数" -> 2023年执行数)."""
    own = header.rsplit("/", 1)[-1]
    return header.replace("/", "") if sum(h.rsplit("/", 1)[-1] == own for h in headers) > 1 else own


def money_tables(reading: TableReading, part: str, year: int | None) -> tuple[list[MoneyTable], list[Fact]]:
    """The money tables of one table reading (its ``money`` bands that passed the reader's checks)."""
    tables, facts = [], []
    for band in reading.bands:
        if band.kind == "money" and band.status == "ok" and band.rows:
            table, found = read_money(band, part, f"表{reading.table.index + 1}", year)
            tables.append(table)
            facts.extend(found)
    return tables, facts


def read_money(band: Band, part: str, name: str, year: int | None) -> tuple[MoneyTable, list[Fact]]:
    """The money table of a band and a Fact for every amount in it."""
    rate_columns = [i for i, c in enumerate(band.columns) if c.role in (None, "total", "amount") and _change_column(band, i)]
    value_columns = [i for i, c in enumerate(band.columns)
                     if c.role in ("total", "amount") and i not in rate_columns and not _percent_column(band, i)]
    columns = [MoneyColumn(header=band.columns[i].header, total=band.columns[i].role == "total") for i in value_columns]
    first = band.rows[0].placed[0].cell if band.rows and band.rows[0].placed else None
    table = MoneyTable(part=part, name=name, columns=columns, loc=first.loc if first else Location())
    headers = [c.header for c in band.columns]
    compared = [(i, pair) for i in rate_columns if (pair := _compared(band.columns[i].header, columns)) is not None]
    table.changes = [ChangeColumn(header=band.columns[i].header, base=base, current=current) for i, (base, current) in compared]
    divided = [(i, pair) for i, c in enumerate(band.columns)
               if "执行率" in c.header and _rate_column(band, i) and (pair := _divided(columns)) is not None]
    table.ratios = [RatioColumn(header=band.columns[i].header, spent=spent, budget=budget) for i, (spent, budget) in divided]
    facts: list[Fact] = []
    for row in band.rows:
        label_cell = next((p.cell for p in row.placed if p.text and not parse_quantity(p.text).is_number), None)
        label = normalize_label(label_cell.text) if label_cell else ""
        total_row = is_money_total(label)
        values: list[Fact | None] = []
        for column, i in zip(columns, value_columns):
            cell = row.by_column[i] if i < len(row.by_column) else None
            if cell is None:
                values.append(None)
                continue
            quantity = parse_quantity(cell.text)
            if band.unit not in (None, "万元") and quantity.value is not None and quantity.unit is None:
                quantity = dataclasses.replace(quantity, unit=band.unit)
            own = column.header.rsplit("/", 1)[-1]
            key = canonical_key(own) if total_row or not label else canonical_key(label)
            fact = Fact(
                label=label or own,
                key=key,
                quantity=quantity,
                measure=_measure(column.header),
                year=year,
                part=part,
                quote=cell.text.strip(),
                column=column.header,
                loc=_cell_loc(cell, part, name, label, _shown(column.header, headers)),
            )
            values.append(fact)
            if quantity.value is not None:
                facts.append(fact)
        if label_cell is None or not any(v is not None and v.quantity.value is not None for v in values) and not total_row:
            continue
        changes = [_rate_fact(row.by_column[i] if i < len(row.by_column) else None, label, band.columns[i].header, part, name, year)
                   for i, _ in compared]
        ratios = [_rate_fact(row.by_column[i] if i < len(row.by_column) else None, label, band.columns[i].header, part, name, year)
                  for i, _ in divided]
        table.rows.append(MoneyRow(label=label, kind="total" if total_row else "other", values=values, changes=changes, ratios=ratios,
                                   loc=label_cell.loc.with_label(f"{part} {row_place(label_cell.loc) or name}「{label}」")))
    _mark_items(table, band)
    table.groups = _groups(columns)
    return table, facts


def _percent_column(band: Band, i: int) -> bool:
    """A column whose figures are mostly percentages (执行率, 占比) holds rates, whatever its header says."""
    units = [q.unit for r in band.rows if i < len(r.by_column) and (c := r.by_column[i]) is not None
             and (q := parse_quantity(c.text)).value is not None]
    return bool(units) and units.count("%") * 2 > len(units)


def _rate_column(band: Band, i: int) -> bool:
    """A column of rates: holding percentages, or headed "%" ("执行率（%）| 93.00" writes them bare)."""
    header = band.columns[i].header
    return "%" in header or "％" in header or _percent_column(band, i)


def _change_column(band: Band, i: int) -> bool:
    """A column of change rates: headed 增减率 / 增长率 / 增幅 …, holding percentages or headed "%"."""
    return any(w in band.columns[i].header for w in _CHANGE_WORDS) and _rate_column(band, i)


def _compared(header: str, columns: list[MoneyColumn]) -> tuple[int, int] | None:
    """The (base, current) value columns a change-rate column compares, or None unless exactly one pair fits.

    Current: the rate header's measure (执行, 决算, 预算) and year when it names them, else the
    latest year; base: the same measure a year earlier. Without years, 本年/当年 against 上年.
    """
    measure = _measure(header)
    named = [int(y) for y in _YEAR.findall(header)]
    found = []
    for i, column in enumerate(columns):
        own = column.header
        m = _measure(own)
        if measure is not None and m != measure or any(w in own for w in _CHANGE_WORDS):
            continue
        years = [int(y) for y in _YEAR.findall(own)]
        year = years[-1] if len(set(years)) == 1 else None
        when = "base" if "上年" in own else "current" if ("本年" in own or "当年" in own) else None
        found.append((i, m, year, when))
    by_year = [f for f in found if f[2] is not None]
    if by_year:
        current_year = named[-1] if named else max(f[2] for f in by_year)
        current = [f for f in by_year if f[2] == current_year]
        base = [f for f in by_year if f[2] == current_year - 1]
    else:
        current = [f for f in found if f[3] == "current"]
        base = [f for f in found if f[3] == "base"]
    # The two years' figures share a measure: 2023年执行数 pairs with 2024年执行数, not 2024年预算数.
    pairs = [(b[0], c[0]) for b in base for c in current if b[1] == c[1]]
    return pairs[0] if len(pairs) == 1 else None


def _divided(columns: list[MoneyColumn]) -> tuple[int, int] | None:
    """The (spent, budget) value columns an 执行率 column divides, or None unless each is clear.

    Spent: the one column of 执行 / 决算 figures. Budget: the one 预算 column
    (not 年初预算), or among several the adjusted one (调整后, 全年).
    """
    spent = [i for i, c in enumerate(columns) if _measure(c.header) in ("执行", "决算")]
    budgets = [i for i, c in enumerate(columns) if _measure(c.header) == "预算"]
    if len(budgets) > 1:
        budgets = [i for i in budgets if "调整后" in columns[i].header or "全年" in columns[i].header]
    return (spent[0], budgets[0]) if len(spent) == 1 and len(budgets) == 1 else None


def _rate_fact(cell: Cell | None, label: str, header: str, part: str, name: str, year: int | None) -> Fact | None:
    """The stated rate (增减率 or 执行率) of one row, in %, or None for an empty cell."""
    if cell is None:
        return None
    quantity = parse_quantity(cell.text)
    if quantity.value is None:
        return None
    if quantity.unit is None:
        quantity = dataclasses.replace(quantity, unit="%")  # the header says %
    return Fact(label=label, key=None, quantity=quantity, year=year, part=part, quote=cell.text.strip(), column=header,
                loc=_cell_loc(cell, part, name, label, header.rsplit("/", 1)[-1]))


def _mark_items(table: MoneyTable, band: Band) -> None:
    """Which rows add into the total row and which detail another row (see the module docstring)."""
    if _mark_subtotals(table, band):
        return
    totals = [i for i, r in enumerate(table.rows) if r.kind == "total"]
    if len(totals) != 1:
        return
    t = totals[0]
    rest = [i for i in range(len(table.rows)) if i != t]
    depths = _depths(table, band, rest)
    top = [i for i in rest if depths[i] == 0]
    kind = _marker(_raw_label(band, table.rows[top[0]])) if top else None
    if kind is None:
        # An unnumbered top level counts when it is a detail list ending in its total, a table by
        # unit, or parts that make up a total by definition (基本支出 + 项目支出).
        label_header = squash(band.columns[0].header) if band.columns else ""
        keys = {canonical_key(table.rows[i].label) for i in top}
        if not (t == len(table.rows) - 1 and len(top) == len(rest) or (t == 0 and any(w in label_header for w in _BY_UNIT))
                or any(keys == s for s in EXHAUSTIVE_PARTS)):
            return
    for i in top:
        table.rows[i].kind = "item"
    _mark_details(table, band, rest, depths)


def _mark_subtotals(table: MoneyTable, band: Band) -> bool:
    """A 合计 over 小计 rows, each heading (or closing) the rows it adds up: whether the rows were marked so.

    "合计 / 基本支出小计 / 工资福利支出 / … / 项目支出小计 / 专项一 / …": every 小计 is an item
    of the 合计 and the exact sum of its group. The 小计 rows must all open their groups (the
    first row after the 合计 is one) or all close them (the last row before it is one); a group
    with a "其中" breakdown or mixed list markers is nested deeper and left unchecked.
    """
    subs = [i for i, r in enumerate(table.rows) if r.kind == "total" and is_subtotal_label(r.label)]
    grand = [i for i, r in enumerate(table.rows) if r.kind == "total" and i not in subs]
    if not subs or len(grand) != 1 or grand[0] not in (0, len(table.rows) - 1):
        return False
    rest = [i for i in range(len(table.rows)) if i != grand[0]]
    opens, closes = rest[0] in subs, rest[-1] in subs
    if opens == closes:
        return False
    groups: list[list[int]] = []
    for i in rest:
        if i in subs and opens or not groups or closes and groups[-1][-1] in subs:
            groups.append([])
        groups[-1].append(i)
    for group in groups:
        sub = group[0] if opens else group[-1]
        items = [i for i in group if i != sub]
        markers = {_marker(_raw_label(band, table.rows[i])) for i in items}
        if sub not in subs or not items or "其中" in markers or len(markers) > 1 or any(i in subs for i in items):
            return False
    for group in groups:
        sub = group[0] if opens else group[-1]
        table.rows[sub].kind, table.rows[sub].exhaustive = "item", True
        for i in group:
            if i != sub:
                table.rows[i].parent = sub
    return True


def _marker(label: str) -> str | None:
    """A row's list marker: "chinese" (一、), "paren" (（一）), "arabic" (1、), "其中", or None."""
    return "其中" if squash(label).startswith("其中") else enumeration(label)


def _depths(table: MoneyTable, band: Band, rest: list[int]) -> dict[int, int]:
    """How deep each row sits: a new kind of list marker opens a level under the row above it.

    "一、基本支出 / 其中：人员经费 / 公用经费 / 二、项目支出" and "基本支出 / 项目支出 /
    1、… / 2、…" have two levels. An unnumbered row after a "其中" row continues that
    breakdown, unless it completes a pair of parts with a row above (项目支出 after 基本支出).
    """
    kinds: list[str | None] = []  # the marker of each level, outermost first
    depths: dict[int, int] = {}
    for i in rest:
        m = _marker(_raw_label(band, table.rows[i]))
        key = canonical_key(table.rows[i].label)
        if m is None and "其中" in kinds:
            shallower = [j for j in depths if depths[j] < kinds.index("其中")]
            pair = any({key, canonical_key(table.rows[j].label)} in EXHAUSTIVE_PARTS for j in shallower)
            depth = kinds.index(None) if pair and None in kinds else kinds.index("其中")
        elif m in kinds and m != "其中":
            depth = kinds.index(m)
        else:
            depth = len(kinds)
        kinds[depth:] = [m]
        depths[i] = depth
    return depths


def _mark_details(table: MoneyTable, band: Band, rest: list[int], depths: dict[int, int]) -> None:
    """Link the rows of a "其中" breakdown or a numbered list to the row above them that they detail.

    An unnumbered list under a numbered row may be siblings written without numbers, so it is
    left unlinked unless it opens with "其中".
    """
    for k, i in enumerate(rest):
        children: list[int] = []
        for j in rest[k + 1 :]:
            if depths[j] <= depths[i]:
                break
            if depths[j] == depths[i] + 1:
                children.append(j)
        if not children:
            continue
        opener = _marker(_raw_label(band, table.rows[children[0]]))
        if opener is None:
            continue
        keys = {canonical_key(table.rows[j].label) for j in children}
        for j in children:
            table.rows[j].parent = i
        table.rows[i].exhaustive = any(keys == s for s in EXHAUSTIVE_PARTS)


def _raw_label(band: Band, row: MoneyRow) -> str:
    """A row's label as written (with its "1、" marker), found back in the band."""
    for r in band.rows:
        for p in r.placed:
            if p.cell.row == row.loc.row and p.text and normalize_label(p.text) == row.label:
                return p.text
    return row.label


def _column_key(header: str) -> str | None:
    """The quantity a column holds: its own words, or its parent's for a subtotal ("基本支出/小计")."""
    parent, _, own = header.rpartition("/")
    if parent and is_money_total(own):
        return canonical_key(parent)
    return canonical_key(own)


def _groups(columns: list[MoneyColumn]) -> list[MoneyGroup]:
    """Total columns and the columns that make them up (see the module docstring)."""
    groups: list[MoneyGroup] = []
    keys = [_column_key(c.header) for c in columns]
    parents = [c.header.rpartition("/")[0] for c in columns]
    for i, column in enumerate(columns):
        if not column.total:
            continue
        # A top-level total spans the columns up to the next top-level total; a subtotal, its siblings.
        following = []
        for j in range(i + 1, len(columns)):
            if parents[i] and parents[j] != parents[i]:
                break
            if not parents[i] and columns[j].total and not parents[j]:
                break
            following.append(j)
        # Under a top-level total, a group with its own subtotal counts once, through that subtotal.
        same_level = [j for j in following if parents[i] or parents[j] in ("", "其中") or columns[j].total]
        breakdown = [j for j in same_level if "其中" in columns[j].header]
        present = {keys[j] for j in same_level}
        exhaustive_set = next((s for s in EXHAUSTIVE_PARTS if s <= present), None)
        if exhaustive_set and not breakdown:
            parts = [j for j in same_level if keys[j] in exhaustive_set]
            groups.append(MoneyGroup(total=i, parts=parts, exhaustive=True))
        elif breakdown:
            exhaustive = any(w in columns[j].header for j in breakdown for w in _RESIDUAL)
            groups.append(MoneyGroup(total=i, parts=breakdown, exhaustive=exhaustive))
    for i, key in enumerate(keys):
        if key == "基本支出" and not columns[i].total:
            parts = [j for j in range(i + 1, len(columns)) if keys[j] in ("人员经费", "公用经费")]
            if len(parts) == 2:
                groups.append(MoneyGroup(total=i, parts=parts, exhaustive=True))
    return groups
