"""Where each cell of a row sits on the table's column grid.

.docx, .xlsx and ruled .pdf tables know their grid (``Cell.grid_col`` and
``colspan``); text pasted from Word or a web page does not: a horizontally
merged cell shows once, so a row can have fewer cells than its header. Such a
row is aligned to its header's columns by content: numbers go to numeric
columns (分值, 得分, amounts), words to label columns, and a cell that must
span several columns is preferably the row's label ("总分") or its last cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from reviewer.document import Cell
from reviewer.quantity import Quantity, parse_quantity
from reviewer.tables.vocabulary import NUMERIC_ROLES, TEXT_ROLES, squash


@dataclass(slots=True, init=False)
class Placed:
    """A cell with the grid columns it covers: ``start`` up to, not including, ``end``; never changed once made."""

    cell: Cell
    start: int
    end: int
    text: str  # the cell's text, stripped (read many times while a table is read)

    def __init__(self, cell: Cell, start: int, end: int) -> None:
        # Written out (not the dataclass's __init__ and a __post_init__): one is made for every cell a table reads.
        self.cell, self.start, self.end, self.text = cell, start, end, cell.text.strip()


def has_grid(row: list[Cell]) -> bool:
    """Whether the format gave every cell of the row its grid column."""
    for c in row:  # a plain loop: asked of every row, more than once, where a generator costs twice as much
        if c.grid_col is None:
            return False
    return bool(row)


def place(row: list[Cell]) -> list[Placed]:
    """The row's cells on the grid: by their known grid column, else one column each in order."""
    if has_grid(row):
        return [Placed(c, c.grid_col, c.grid_col + (c.colspan if c.colspan > 1 else 1)) for c in row]
    return [Placed(c, i, i + 1) for i, c in enumerate(row)]


# Points written with their unit or their column's word: "20分", "18.5 分", "得分：18分", "自评得分18", "分值:10分".
_POINTS = re.compile(r"(?:[\u4e00-\u9fff]{0,4}(?:得分|分值|权重|评分|满分)[:]?)?(\d+(?:\.(\d+))?)分?")
_SCORE_POINTS_ROLES = frozenset({"weight", "score", "review"})


@lru_cache(maxsize=4096)
def read_points(text: str) -> Quantity:
    """A 分值 / 得分 cell's value: "18", "20分", "18.5 分", "得分：18分", "１８分" -> 18 with no unit.

    Full-width digits and colons count as half-width. A text that is not points
    written one of these ways ("≥95%", "18分（扣2分）") is read as
    :func:`parse_quantity` reads it, so the column's sanity check still sees it.
    """
    m = _POINTS.fullmatch(squash(text))
    if m is None:
        return parse_quantity(text)
    return Quantity(raw=text, value=Decimal(m.group(1)), decimals=len(m.group(2) or ""))


@lru_cache(maxsize=8192)  # asked of the same texts while headers, rows and bands are read
def cell_kind(text: str) -> str:
    """'empty', 'blank' (a dash or 无 standing for nothing), 'number' (a bare amount, score or percentage),
    'points' (a score with its unit or label: "20分", "得分：18分"), 'quantity' (≥95%, 90人) or 'text'."""
    if not text:
        return "empty"
    q = parse_quantity(text)
    if q.blank:
        return "blank"
    if q.value is None:
        return "text"
    if q.comparator is None and q.unit in (None, "%") and not q.qualifier:
        return "number"
    if _POINTS.fullmatch(squash(text)):
        return "points"
    return "quantity"


def is_number(text: str) -> bool:
    """A bare amount, score or percentage (not "≥95%", not "改造200处")."""
    return cell_kind(text) == "number"


def fit(kind: str, role: str | None) -> float:
    """How well a cell of this kind fits a column of this role (higher is better)."""
    if kind in ("empty", "blank") or role is None:
        return 0.0  # a dash fits a 得分 column as well as a 原因 column
    numeric, text = role in NUMERIC_ROLES, role in TEXT_ROLES
    if kind == "number":
        return 2.0 if numeric else (1.0 if role in ("target", "actual", "seq") else -2.0)
    if kind == "points":
        return 2.0 if role in _SCORE_POINTS_ROLES else (1.0 if role in ("target", "actual") else -1.0)
    if kind == "quantity":
        return 2.0 if role in ("target", "actual") else -1.0
    return -2.0 if numeric else (1.0 if text else 0.5)


def _span_cost(index: int, count: int, extra: int, empty: bool = False) -> float:
    """Penalty for a cell covering ``extra`` more columns: cheapest for the row label, then the last cell.

    An empty cell is seldom merged across: it is the blank of a merged block
    title (资金情况, 绩效指标) one column wide.
    """
    if extra == 0:
        return 0.0
    if empty:
        return 0.3 * extra
    if index == 0:
        return 0.1 * extra
    if index == count - 1:
        return 0.15 * extra
    return 0.3 * extra


def align(row: list[Cell], roles: list[str | None]) -> list[Placed]:
    """Place a row of a grid-less table on its header's columns (``roles``: the role of each column).

    A row as wide as the header is placed one cell per column. A narrower row
    (merged cells lost in a text export) is spread by dynamic programming so
    that each cell lands in the column its content fits best.
    """
    m, n = len(row), len(roles)
    if has_grid(row) or m >= n or m == 0:
        return place(row)
    kinds = [cell_kind(c.text.strip()) for c in row]
    neg = float("-inf")
    # best[i][s]: best score of cells 0..i with cell i starting in column s.
    best = [[neg] * n for _ in range(m)]
    back = [[0] * n for _ in range(m)]
    best[0][0] = fit(kinds[0], roles[0])
    for i in range(1, m):
        for s in range(i, n - (m - 1 - i)):
            score_here = fit(kinds[i], roles[s])
            for p in range(i - 1, s):
                if best[i - 1][p] == neg:
                    continue
                score = best[i - 1][p] - _span_cost(i - 1, m, s - p - 1, kinds[i - 1] == "empty") + score_here
                if score > best[i][s]:
                    best[i][s], back[i][s] = score, p
    last = max(range(m - 1, n), key=lambda s: best[m - 1][s] - _span_cost(m - 1, m, n - s - 1, kinds[m - 1] == "empty"))
    starts = [0] * m
    starts[m - 1] = last
    for i in range(m - 1, 0, -1):
        starts[i - 1] = back[i][starts[i]]
    ends = starts[1:] + [n]
    return [Placed(c, s, e) for c, s, e in zip(row, starts, ends)]
