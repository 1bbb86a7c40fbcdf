"""PDF pages into Document blocks, joining what page breaks split.

- a paragraph ends at a first-line indent, at a gap wider than the line
  spacing inside paragraphs, and where a line that finishes a clause (。；：)
  is followed by a numbered heading or item (十、 （一） 2、), full or not;
- a table that goes on at the top of the next page with the same columns, or
  with some of them (the last block of a form whose blocks differ), or with
  more of them between the same outer edges (a block of more columns goes on
  there: the table takes the finer grid), is one table: a repeated header row is dropped, a row split by the page break is
  rejoined (also where a cell was cut at one of its own line breaks), a
  vertical merge cut by it is continued; a paragraph split by a page break is
  one paragraph; page numbers and running headers are left out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from reviewer.document import Cell, Location, Paragraph, Table
from reviewer.ingest.pdf_lines import Line, glue, wrapped
from reviewer.ingest.pdf_pages import column_map, continue_merges, merge_origin, same_row_key

SNAP = 1.5  # points: ruling positions closer than this are the same grid line
_PAGE_NUMBER = re.compile(r"^[-—–·\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d+|\s*共\s*\d+\s*页)?[-—–·\s]*$")
# A paragraph that ends a sentence or clause (closing quotes or brackets may follow the mark).
_CLAUSE_END = re.compile(r"[。！？；：!?;:][”’」』）)]*$")
# Numbering that opens a heading or list item: 一、 （一） (1) 1、 1. 第一条.
_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d)"
    r"|第[一二三四五六七八九十百零〇\d]+[章节条部分])"
)


@dataclass
class GridCell:
    """A detected cell: its box, grid position and spans, and its printed lines."""

    bbox: tuple[float, float, float, float]
    row: int
    col: int
    rowspan: int
    colspan: int
    chars: list[dict] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    limit: float = 0.0  # right edge available to text (box minus padding)
    text: str = ""


@dataclass
class PageTable:
    """A table found on one page, with its grid column boundaries."""

    top: float
    bottom: float
    columns: list[float]
    rows: list[float]
    cells: list[GridCell]
    page: int
    at: dict[tuple[int, int], GridCell]  # grid position -> the cell covering it
    ruled: bool = True  # False: placed from where its text stands (no ruling lines)

    @property
    def nrows(self) -> int:
        return len(self.rows) - 1

    def cell_at(self, x: float, y: float) -> GridCell | None:
        """The cell containing a point, if any."""
        return self.at.get((bisect_right(self.rows, y) - 1, bisect_right(self.columns, x) - 1))


@dataclass
class Page:
    """One page's content in reading order: lines outside tables, and tables."""

    height: float
    items: list[Line | PageTable]
    text_chars: int


def drop_running_lines(pages: list[Page]) -> None:
    """Remove page numbers, and headers/footers printed at the same place on nearly every page."""

    def key(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text), round(line.top / 2)

    edges: Counter[tuple[str, int]] = Counter()
    for page in pages:
        ends = {id(i): i for i in (page.items[:1] + page.items[-1:]) if isinstance(i, Line)}
        edges.update(key(line) for line in ends.values())
    # A title that starts a few pages is not a running header: demand nearly every page.
    repeated = {k for k, n in edges.items() if n >= 3 and n >= 0.8 * len(pages)}
    for page in pages:
        while page.items and isinstance(page.items[0], Line) and key(page.items[0]) in repeated:
            page.items.pop(0)
        while page.items and isinstance(page.items[-1], Line):
            last = page.items[-1]
            in_footer = last.top > page.height * 0.85
            if key(last) in repeated or (in_footer and _PAGE_NUMBER.match(last.text)):
                page.items.pop()
            else:
                break


class Assembler:
    """Turns the pages' lines and tables into Document blocks, joining what page breaks split."""

    def __init__(self, pages: list[Page]) -> None:
        lines = [i for p in pages for i in p.items if isinstance(i, Line)]
        self.right = max((ln.x1 for ln in lines), default=0.0)
        self.spacing = _usual_spacing(pages, self.right)
        self.blocks: list[Paragraph | Table] = []
        self.pending: list[Line] = []  # lines of the paragraph being built
        self.source: dict[int, GridCell] = {}  # id(Cell) -> the detected cell it came from
        # The table that ended the previous item, its grid column boundaries, its last page, whether ruled.
        last: tuple[Table, list[float], int, bool] | None = None
        for page in pages:
            for position, item in enumerate(page.items):
                if isinstance(item, Line):
                    if self.pending and self._new_paragraph(self.pending[-1], item):
                        self._flush()
                    self.pending.append(item)
                    last = None
                    continue
                self._flush()
                goes_on = position == 0 and last is not None and item.page == last[2] + 1
                columns = column_map(last[1], item.columns, SNAP, loose=not (last[3] or item.ruled)) if goes_on else None
                finer = column_map(item.columns, last[1], SNAP) if goes_on and columns is None and last[3] and item.ruled else None
                if finer is not None:
                    # The next page splits some of the table's columns (a block with more of them goes on
                    # there): the table takes the finer grid, its cells spanning the new boundaries.
                    _refine(last[0], finer)
                    last = (last[0], item.columns, last[2], last[3])
                    columns = list(range(len(item.columns)))
                if columns is not None:
                    # Placed from where text stands, a page whose first columns hold no text has no boundary
                    # between them: its cells are put back on the columns their text stands in.
                    self._extend(last[0], item, columns, None if last[3] or item.ruled else last[1])
                    last = (last[0], last[1], item.page, last[3])
                    continue
                index = sum(1 for b in self.blocks if isinstance(b, Table))
                table = Table(index=index, rows=self._rows(item, len(self.blocks), index), loc=Location(
                    block=len(self.blocks), table=index, page=item.page))
                self.blocks.append(table)
                last = (table, item.columns, item.page, item.ruled)
        self._flush()

    def _flush(self) -> None:
        """Close the paragraph being built."""
        if not self.pending:
            return
        text = self.pending[0].text
        for line in self.pending[1:]:
            text = glue(text, line.text)
        self.blocks.append(Paragraph(text=text, loc=Location(block=len(self.blocks), page=self.pending[0].page)))
        self.pending = []

    def _new_paragraph(self, line: Line, following: Line) -> bool:
        """Whether ``following`` starts a new paragraph rather than continuing ``line``."""
        if abs(line.size - following.size) >= 0.5:
            return True
        if _indented(line, following):
            return True
        if line.page == following.page and (following.top - line.bottom) / line.size > self.spacing + 0.5:
            return True
        # A full line can end a paragraph too: then a numbered heading or item follows a finished clause.
        if _CLAUSE_END.search(line.text) and _NUMBERED.match(following.text):
            return True
        return not wrapped(line, following, self.right)

    def _rows(
        self, found: PageTable, block: int, index: int, columns: list[int] | None = None, boundaries: list[float] | None = None
    ) -> list[list[Cell]]:
        """Rows of one page's grid: merged cells once, continuations as empty cells.

        ``columns`` maps the page's grid boundaries to those of the table it goes on (grid columns of that table);
        ``boundaries`` (points), that table's, when both were placed from where their text stands.
        """
        edge = columns or list(range(len(found.columns)))
        starting: dict[int, list[GridCell]] = {}
        for cell in found.cells:
            starting.setdefault(cell.row, []).append(cell)
        tall = [c for c in found.cells if c.rowspan > 1]
        rows: list[list[Cell]] = []
        for grid_row in range(found.nrows):
            present = [(c, False) for c in starting.get(grid_row, [])]
            present += [(c, True) for c in tall if c.row < grid_row < c.row + c.rowspan]
            if not present:
                continue
            r = len(rows)
            row = []
            for cell, continued in sorted(present, key=lambda p: p[0].col):
                start, end = edge[cell.col], edge[cell.col + cell.colspan]
                if boundaries is not None and not continued and end - start > cell.colspan:
                    start = _first_text_column(cell, boundaries, start, end)
                    if start > edge[cell.col]:  # the columns left of its text: empty on this page
                        row.append(Cell(text="", row=r, col=len(row), grid_col=edge[cell.col], colspan=start - edge[cell.col],
                                        loc=Location(block=block, table=index, row=r, col=len(row), page=found.page)))
                ordinal = len(row)
                made = Cell(
                    text="" if continued else cell.text,
                    row=r,
                    col=ordinal,
                    grid_col=start,
                    colspan=end - start,
                    rowspan=1 if continued else cell.rowspan,
                    continued=continued,
                    loc=Location(block=block, table=index, row=r, col=ordinal, page=found.page),
                )
                if not continued:
                    self.source[id(made)] = cell
                row.append(made)
            rows.append(row)
        return rows

    def _extend(self, table: Table, found: PageTable, columns: list[int], boundaries: list[float] | None = None) -> None:
        """Append a page's continuation of ``table`` (``columns``: its boundaries among the table's; ``boundaries``: see _rows)."""
        more = self._rows(found, table.loc.block or 0, table.index, columns, boundaries)
        repeated = 0  # header rows Word repeats at the top of each page
        while repeated < min(len(more) - 1, len(table.rows)) and same_row_key(more[repeated]) == same_row_key(
            table.rows[repeated]
        ):
            repeated += 1
        more = more[repeated:]
        breaks = self._split_row(table, more[0])
        if breaks is not None:
            self._join_rows(table, more.pop(0), breaks)
        elif more:
            continue_merges(table, more[0])
        for r, row in enumerate(more, start=len(table.rows)):
            for cell in row:
                cell.row = r
                cell.loc = cell.loc.replaced(row=r)
            table.rows.append(row)

    def _split_row(self, table: Table, first: list[Cell]) -> set[int] | None:
        """If ``first`` is the rest of the table's last row, cut in two by the page break, the columns it cut at a line break.

        Every cell with text must carry on a filled cell above (or the top of a
        vertical merge that reaches the cut: "年度预算（万" / "元）"), and the row must
        look cut. Either every carried cell wraps (its last line above was full)
        and a cell was emptied or several wrap; or some cell wraps and more cells
        were emptied than carried, so that a cell cut at one of its own line
        breaks (a merged label "产出指标" / "(50 分)") still carries on.
        Returns None when ``first`` is a row of its own.
        """
        last = table.rows[-1]
        if [(c.grid_col, c.colspan) for c in last] != [(c.grid_col, c.colspan) for c in first]:
            return None
        wraps: set[int] = set()
        breaks: set[int] = set()
        emptied = 0
        for column, (above, below) in enumerate(zip(last, first)):
            if not below.text:
                emptied += bool(above.text)
                continue
            if above.continued:
                above = merge_origin(table, above.grid_col)
            top, rest = self.source.get(id(above)), self.source.get(id(below))
            if top is None or rest is None or not top.lines or not rest.lines:
                return None
            (wraps if wrapped(top.lines[-1], rest.lines[0], top.limit) else breaks).add(column)
        carried = len(wraps) + len(breaks)
        # Line breaks alone prove nothing: a row of its own also starts each cell on a new line.
        cut = (not breaks and (emptied > 0 or carried > 1)) or emptied > carried
        return breaks if wraps and cut else None

    def _join_rows(self, table: Table, rest: list[Cell], breaks: set[int]) -> None:
        """Put the texts of a row's second half into its first half (after a newline in the ``breaks`` columns)."""
        for column, (above, below) in enumerate(zip(table.rows[-1], rest)):
            if below.text:
                held = merge_origin(table, above.grid_col) if above.continued else above
                held.text = held.text + "\n" + below.text if column in breaks else glue(held.text, below.text)
            if below.rowspan > 1:  # a merge that goes on below the cut row
                origin = above if not above.continued else merge_origin(table, above.grid_col)
                if origin is not None:
                    origin.rowspan += below.rowspan - 1


def _first_text_column(cell: GridCell, boundaries: list[float], start: int, end: int) -> int:
    """The first of the columns ``start``..``end`` of a table (``boundaries``, points) that a cell's text stands in."""
    centres = [(c["x0"] + c["x1"]) / 2 for c in cell.chars if not c["text"].isspace()]
    if not centres:
        return start
    return max((k for k in range(start, end) if boundaries[k] <= min(centres)), default=start)


def _refine(table: Table, mapping: list[int]) -> None:
    """Put a table's cells on a finer grid (``mapping``: where each of its boundaries is among the finer ones)."""
    for row in table.rows:
        for cell in row:
            start = cell.grid_col or 0
            cell.grid_col, cell.colspan = mapping[start], mapping[start + cell.colspan] - mapping[start]


def _indented(line: Line, following: Line) -> bool:
    """Whether ``following`` starts further right than ``line``: a first-line indent, or centred text."""
    return following.x0 - line.x0 > 1.5 * following.size


def _usual_spacing(pages: list[Page], right: float) -> float:
    """The gap between the lines of one paragraph, relative to the font size.

    Measured below full lines (whose next line's first word would not have
    fitted) that do not finish a clause, which go on in the next line: the gap
    below any line would be the gap between paragraphs in a report of one-line
    paragraphs. Without such lines, the smallest gap that occurs twice.
    """
    full: Counter[float] = Counter()
    every: Counter[float] = Counter()
    for page in pages:
        for a, b in zip(page.items, page.items[1:]):
            if isinstance(a, Line) and isinstance(b, Line) and abs(a.size - b.size) < 0.5:
                gap = round((b.top - a.bottom) / a.size, 1)
                every[gap] += 1
                if wrapped(a, b, right) and not _indented(a, b) and not _CLAUSE_END.search(a.text):
                    full[gap] += 1
    if full:
        return full.most_common(1)[0][0]
    repeated = [gap for gap, n in every.items() if n > 1]
    return min(repeated or every, default=0.3)
