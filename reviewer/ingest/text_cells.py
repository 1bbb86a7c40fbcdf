"""Word's text export: a cell per tab-prefixed line, a blank line ends a table row.

Lines without a tab continue the previous cell, and a cell whose text holds
or starts with blank lines stays one cell. Word leaves two blank lines after
a table; text after only one, between table rows, is told from a cell's last
paragraphs by the row widths and by how the file ends its other tables; when
nothing tells, it is read as text between two tables and named in the
document's warnings. Every step is linear in the input (see ingest.text).
"""

from __future__ import annotations

from typing import Protocol


class Blocks(Protocol):
    """Where the reader puts what it reads (ingest.text's builder); ``line`` arguments are 0-based indexes of kept lines."""

    numbers: list[int]  # the 1-based source line of each kept line
    warnings: list[str]

    def paragraph(self, text: str, line: int, markdown: bool = False) -> None:
        """Add a paragraph."""

    def table(self, rows: list[list[tuple[str, int]]], grid: bool = False) -> None:
        """Add a table of rows of (text, line) pairs."""


def _clean_cell(parts: list[str]) -> str:
    return "\n".join(p.rstrip() for p in parts).strip()


def read_cells(lines: list[str], b: Blocks) -> None:
    """The Word-export layout: tab-prefixed cell lines, blank line ends a row."""
    rows: list[list[tuple[str, int]]] = []
    row: list[tuple[list[str], int]] = []
    widest = 0  # cells in the widest row of the current table
    blanks = 0  # blank lines seen since the last content line
    convention: str | None = None  # how the file ends its tables, looked up at the first doubt
    n = len(lines)

    def close_row() -> None:
        nonlocal row, widest
        if row:
            rows.append([(_clean_cell(parts), line) for parts, line in row])
            widest = max(widest, len(row))
            row = []

    def close_table() -> None:
        nonlocal rows, widest
        close_row()
        b.table(rows)
        rows, widest = [], 0

    i = 0
    while i < n:
        raw = lines[i]
        if raw.startswith("\t"):
            if blanks:
                close_row()
            blanks = 0
            row.append(([raw[1:].replace("\t", " ")], i))
            i += 1
            continue
        if not raw.strip():
            blanks += 1
            i += 1
            continue
        # A non-tab line: continuation of the current cell, or a paragraph.
        if row and blanks == 0:
            row[-1][0].append(raw)
            i += 1
            continue
        end = _run_end(lines, i) if row else i  # only with a row open: each run is scanned once
        verdict = _run_in_cell(lines, i, end, row, rows, widest, blanks) if row else _TITLE
        if verdict == _UNSURE:
            if convention is None:
                convention = _table_ends(lines)
            verdict = convention or _UNSURE
        if verdict == _UNSURE:
            b.warnings.append(_unsure_warning(raw, b.numbers[i]))
        if verdict == _CELL:
            # Blank paragraphs inside a cell export as blank lines: the run belongs to the
            # last cell when the row goes on directly after it.
            row[-1][0].extend(["", *lines[i:end]])
            blanks = 0
            i = end
            continue
        close_table()
        blanks = 0
        b.paragraph(raw, i)
        i += 1
    close_table()


def _run_end(lines: list[str], i: int) -> int:
    """Index of the first line after the run of non-blank, non-tab lines starting at ``i``."""
    j = i
    while j < len(lines) and lines[j].strip() and not lines[j].startswith("\t"):
        j += 1
    return j


# What a run of text lines between table rows is (see _run_in_cell).
_CELL, _UNSURE, _TITLE = "cell", "unsure", "title"


def _run_in_cell(lines: list[str], start: int, end: int, row: list, rows: list, widest: int, blanks: int) -> str:
    """Whether the text run ``lines[start:end]`` (after ``blanks`` blank lines) is the rest of the row's last cell.

    _CELL (the cell's rest), _TITLE (the table ends and the run is text of
    its own) or _UNSURE (read as _TITLE, and said: two tables read as one give
    false sums, a table cut in two at most unread rows). The run must be
    followed by the row's next cell (a tab line), or, after one blank line,
    by the next row: a cell's last paragraphs end its row. Word leaves two
    blank lines after a table, but a hand-edited export may leave one: then a
    complete row (as wide as the widest so far) followed by a one-line run
    and a row of two or more cells is a table, a title and the next table; so
    is a run followed by a row that starts as the table's first row did (the
    next form of a series). A run followed by a row of its own as wide as the
    table's widest is the table going on. Any other run after one blank line
    that is followed by a row of its own may be either: _UNSURE.
    """
    complete = bool(rows) and len(row) >= widest
    if end < len(lines) and lines[end].startswith("\t"):
        coming = _row_length(lines, end)
        if blanks != 1:
            if _cell_goes_on(row, rows, widest, coming) and not _new_table_width(lines, end, coming, widest):
                return _CELL
            return _TITLE
        if not complete:
            return _CELL
        if _starts_again(lines[end], rows):
            return _TITLE
        # A title is one line; a cell's rest may be several paragraphs.
        return _TITLE if coming >= 2 and end - start == 1 else _UNSURE
    if blanks != 1 or end + 1 >= len(lines) or lines[end].strip() or not lines[end + 1].startswith("\t"):
        return _TITLE
    if _starts_again(lines[end + 1], rows):
        return _TITLE
    if rows and _row_length(lines, end + 1) == widest:
        return _CELL  # the table goes on with a row of its width
    return _UNSURE


def _new_table_width(lines: list[str], start: int, coming: int, widest: int) -> bool:
    """Whether the row of ``coming`` cells at ``start`` heads rows of its own width, narrower than the table.

    "总分 | 100 | 99.65 | 等级：优" (4 cells), a title, then "项目 | 2023年 | 2024年 | 增减额 | 增减率"
    (5) and "合计 | …" (5) make 9 cells as the form's widest row by chance: the next row,
    as wide as the coming one, shows a new table under the title.
    """
    k = start
    while k < len(lines) and (lines[k].startswith("\t") or lines[k].strip()):
        k += 1  # the coming row's cells and their paragraphs, up to the blank line that ends it
    while k < len(lines) and not lines[k].strip() and not lines[k].startswith("\t"):
        k += 1
    return coming < widest and k < len(lines) and lines[k].startswith("\t") and _row_length(lines, k) == coming


def _starts_again(cell_line: str, rows: list) -> bool:
    """Whether a cell line repeats the first cell of the table's first row: the next form of a series."""
    text = cell_line[1:].strip()
    return bool(rows) and bool(text) and text == rows[0][0][0].split("\n")[0]


def _table_ends(lines: list[str]) -> str:
    """How the file ends its tables where that is sure: _CELL when always with two blank lines
    (Word's export: a single one is then inside a cell), _TITLE when always with one, "" otherwise.

    Sure ends are a cell line followed by blank lines and then a text line that
    cannot go on a cell: one after two blank lines, or, after one, a run
    followed by more text or the end of the input, not by a cell line.
    """

    def blank(k: int) -> bool:
        return k < len(lines) and not lines[k].strip() and not lines[k].startswith("\t")

    def text(k: int) -> bool:
        return k < len(lines) and bool(lines[k].strip()) and not lines[k].startswith("\t")

    two = one = False
    for i, line in enumerate(lines):
        if not line.startswith("\t") or not blank(i + 1):
            continue
        if blank(i + 2):
            j = i + 2
            while blank(j):
                j += 1
            two = two or text(j)
        elif text(i + 2):
            j = _run_end(lines, i + 2)
            while blank(j):
                j += 1
            one = one or j == len(lines) or text(j)
    return _CELL if two and not one else _TITLE if one and not two else ""


def _unsure_warning(text: str, line: int) -> str:
    """The READ002 line for a run that may be a cell's last paragraphs or a title between two tables."""
    words = text.strip()
    words = words if len(words) <= 20 else words[:20] + "…"
    return (
        f"第 {line} 行“{words}”与前后的表格行只隔一个空行，无法确定是单元格的内容还是两张表格之间的文字，"
        "已按表格之间的文字读取，表格在此分为两张；如它是上一单元格的内容，请核对这两张表格"
    )


def _row_length(lines: list[str], start: int) -> int:
    """Number of cell lines (tab lines) from ``start`` up to the next blank line."""
    count = 0
    for line in lines[start:]:
        if line.startswith("\t"):
            count += 1
        elif not line.strip():
            break
    return count


def _cell_goes_on(row: list[tuple[list[str], int]], rows: list, widest: int, coming: int) -> bool:
    """Whether text after two or more blank lines, followed by ``coming`` cells, continues the last cell of ``row``.

    The text is the rest of a cell whose own first paragraph was empty (Word
    puts a cell's first paragraph on its tab line) in a row that is not
    complete yet: shorter than the table's widest row, or, as the first row, all
    empty. A complete row is the end of the table and the text a title.
    A last cell with text may also hold two blank paragraphs in a row: the run
    is its rest when the ``coming`` cells then complete the row to exactly the
    table's width (a title over a new table seldom does).
    """
    if any(part.strip() for part in row[-1][0]):
        return bool(rows) and len(row) + coming == widest
    if rows:
        return len(row) < widest
    return not any(part.strip() for parts, _ in row for part in parts)
