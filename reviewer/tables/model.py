"""What a table is read as: bands under header rows, their columns and rows, and label/value pairs.

Plain containers filled by :mod:`reviewer.tables.reader`; the extractors
(:mod:`reviewer.extract`) read them and never the grid again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reviewer.document import Cell, Table
from reviewer.tables.grid import Placed
from reviewer.tables.vocabulary import is_unit_note


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
    ``subtotal`` (a block's 小计), ``total`` (总分 / 合计), ``note`` (a row of
    the indicator block that names no indicator: "填表人：… 联系电话：…" typed
    into the grid, a goal's text) or ``data`` (any row of a funds, goal or
    money band).
    """

    index: int
    cells: dict[str, Cell]  # the first column of each role
    placed: list[Placed]
    by_column: list[Cell | None] = field(default_factory=list)  # aligned with the band's columns
    kind: str = "data"
    guessed: bool = False  # a short row without grid positions, placed on the columns by its content

    def text(self, role: str) -> str:
        """The stripped text of the cell in ``role``'s column ('' when absent)."""
        cell = self.cells.get(role)
        return cell.text.strip() if cell is not None else ""

    @property
    def label(self) -> str:
        """The row's first non-empty text (its label in funds and money bands).

        A unit alone ("（万元）") is the end of a block title merged down beside
        the row (资金情况（万元） printed over two rows without ruling lines), not its label.
        """
        return next((p.text for p in self.placed if p.text and not is_unit_note(p.text)), "")


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
