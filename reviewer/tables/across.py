"""Funds blocks in other shapes than the form's, turned into the usual funds band so they are checked the same.

- Written across: transfer-payment forms may write "资金（万元）| 合计 | 中央 |
  省级 | 市级 | 县级" over the rows 全年预算数 / 全年执行数 / 执行率. Read across,
  each column is a funds row (合计 the total, each level a source) and each row
  label names a funds column.
- As label/value pairs: a project's 基本概况 may write "计划安排资金（万元）| 180
  | 实际到位资金（万元）| 180" over rows "其中：中央财政 | 0 | 其中：中央财政 | 0",
  "省财政 | 60 | 省财政 | 60" …: each pair column is a funds column, its first
  pair the total and the pairs under it the levels.
"""

from __future__ import annotations

from reviewer.document import Cell
from reviewer.levels import gov_level
from reviewer.tables.grid import Placed, is_number, place
from reviewer.tables.model import Band, Column, Row
from reviewer.tables.vocabulary import column_role, squash

_FUNDS_ROW_ROLES = ("initial", "budget", "spent", "rate")


def funds_across(band: Band, rows: list[list[Cell]]) -> Band | None:
    """The funds band a money band written across stands for, or None when it is not one.

    Every row label must name a funds column (年初预算数, 全年预算数, 全年执行数,
    执行率), with at least a budget and a spent row, and the header must name
    a 合计 column and two or more parts.
    """
    if band.kind != "money" or not band.rows:
        return None
    roles = [column_role(squash(r.label)) for r in band.rows]
    if any(role not in _FUNDS_ROW_ROLES for role in roles) or not {"budget", "spent"} <= set(roles) or len(set(roles)) < len(roles):
        return None
    sources = [c for c in band.columns if c.role in ("total", "amount")]
    if not any(c.role == "total" for c in sources) or len(sources) < 3:
        return None
    # The sources are named in the header's last row (a name row above may have been taken for a first header row).
    header = {p.start: p.cell for p in place(rows[band.header_rows[-1]]) if p.text}
    columns = [Column(None, 0, 1, "资金来源")] + [Column(role, k + 1, k + 2, squash(r.label)) for k, (role, r) in enumerate(zip(roles, band.rows))]
    turned = Band(kind="funds", header_rows=band.header_rows, columns=columns, unit=band.unit)
    for source in sources:
        label = header.get(source.start)
        if label is None:
            return None
        index = band.columns.index(source)
        cells = [r.by_column[index] if index < len(r.by_column) else None for r in band.rows]
        placed = [Placed(label, 0, 1)] + [Placed(c, k + 1, k + 2) for k, c in enumerate(cells) if c is not None]
        by_role = {role: c for role, c in zip(roles, cells) if c is not None}
        turned.rows.append(Row(index=label.row, cells=by_role, placed=placed, by_column=[label, *cells]))
    return turned


def funds_in_pairs(outside: list[int], placements: list[list[Placed]]) -> Band | None:
    """The funds band of label/value rows that name funds amounts over their levels, or None.

    ``outside``: the rows read as pairs (no band's), in order. The first row's
    pairs must each name a funds column (计划安排资金 → 全年预算数, 实际到位资金 → 全年执行数)
    with a number, and the rows right under it, two or more, pairs in the same
    places naming one level of government each with a number. The first row is
    the band's total row (``kind = "total"``).
    """
    for k, r in enumerate(outside):
        head = _pairs_of(placements[r])
        roles = [column_role(squash(label.text)) for label, _ in head]
        if not head or any(role not in ("budget", "spent") for role in roles) or len(set(roles)) < len(roles):
            continue
        levels: list[list[tuple[Placed, Placed]]] = []
        for below in outside[k + 1 :]:
            pairs = _pairs_of(placements[below])
            if below != r + len(levels) + 1 or [(a.start, b.start) for a, b in pairs] != [(a.start, b.start) for a, b in head]:
                break
            names = {squash(label.text).removeprefix("其中:") for label, _ in pairs}
            if len(names) != 1 or not all(gov_level(label.text) is not None for label, _ in pairs):
                break
            levels.append(pairs)
        if len(levels) >= 2:
            return _pairs_band(r, head, roles, levels)
    return None


def _pairs_of(placed: list[Placed]) -> list[tuple[Placed, Placed]]:
    """A row's (label, number) pairs, when the row is nothing else: label, number, label, number …"""
    filled = [p for p in placed if p.text]
    if len(filled) % 2 or not filled:
        return []
    pairs = list(zip(filled[::2], filled[1::2]))
    ok = all(not is_number(label.text) and is_number(value.text) for label, value in pairs)
    return pairs if ok else []


def _pairs_band(r: int, head: list[tuple[Placed, Placed]], roles: list[str], levels: list[list[tuple[Placed, Placed]]]) -> Band:
    """The funds band of a pairs block: 资金来源 | one column per pair column, the head row its total."""
    columns = [Column(None, 0, 1, "资金来源")] + [Column(role, k + 1, k + 2, squash(label.text)) for k, (role, (label, _)) in enumerate(zip(roles, head))]
    band = Band(kind="funds", header_rows=[], columns=columns, label="资金")
    for index, pairs in enumerate([head, *levels]):
        label = pairs[0][0].cell
        cells = [value.cell for _, value in pairs]
        placed = [Placed(label, 0, 1)] + [Placed(c, k + 1, k + 2) for k, c in enumerate(cells)]
        row = Row(index=r + index, cells=dict(zip(roles, cells)), placed=placed, by_column=[label, *cells])
        row.kind = "total" if index == 0 else "data"
        band.rows.append(row)
    return band
