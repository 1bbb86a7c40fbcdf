"""A funds block written across: amounts by source in columns, 预算数 / 执行数 / 执行率 in the rows.

Transfer-payment forms may write "资金（万元）| 合计 | 中央 | 省级 | 市级 | 县级"
over the rows 全年预算数 / 全年执行数 / 执行率. Read across, each column is a
funds row (合计 the total, each level a source) and each row label names a
funds column; turned the usual way, the block is checked like any other.
"""

from __future__ import annotations

from reviewer.document import Cell
from reviewer.tables.grid import Placed, place
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
