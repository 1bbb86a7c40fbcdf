"""Read a .xlsx workbook into a Document: each visible sheet one table, values as a person sees them.

Merged ranges follow the .docx convention: the merged cell appears once, at
its top-left, with ``colspan``/``rowspan``; each row below it holds one empty
``continued`` cell. Title lines above the grid and notes below it (rows with
a single filled cell) become paragraphs, as they are in the Word form, and a
sheet that holds only such rows (narrative pasted into Excel) is all
paragraphs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.errors import InputError
from reviewer.ingest.docx import BROKEN_PACKAGE, OLE2_MAGIC, OLE2_PROBLEM

_DECIMALS = re.compile(r"\.([0#?]+)")
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')  # quoted text, escapes, colours, padding


def read_xlsx(data: bytes, name: str, digest: str) -> Document:
    """Read .xlsx bytes into a Document; raise InputError when the file is not a usable workbook."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if data[:4] == OLE2_MAGIC:
        raise InputError(name, OLE2_PROBLEM.format(suffix=".xlsx"))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (*BROKEN_PACKAGE, InvalidFileException) as exc:
        raise InputError(name, "不是有效的 .xlsx 文件（文件损坏或被截断）") from exc
    doc = Document(path=name, sha256=digest, format="xlsx")
    for ordinal, sheet in enumerate(book.worksheets, start=1):
        if sheet.sheet_state == "visible":
            _read_sheet(sheet, ordinal, doc)
    if not doc.blocks:
        raise InputError(name, "工作簿中没有内容")
    return doc


def display(value: object, number_format: str = "General") -> str:
    """A cell value as Excel shows it: no float noise, percentages and fixed decimals applied, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, (int, float)):
        return _number(value, number_format)
    return str(value).replace("\r\n", "\n").strip()


def _number(value: int | float, number_format: str) -> str:
    """Format a number by the positive section of its number format (digits, not grouping)."""
    # Excel keeps 15 significant digits; repr-level float noise (471.28000000000003) is not shown.
    exact = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
    section = _LITERAL.sub("", number_format.split(";")[0])
    if section.lower() in ("general", "@", ""):
        return _plain(exact)
    percent = "%" in section
    if percent:
        exact *= 100
    found = _DECIMALS.search(section)
    places = len(found.group(1)) if found else 0
    text = f"{exact:.{places}f}" if "0" in section or "#" in section else _plain(exact)
    return text + ("%" if percent else "")


def _plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 816.23, 100, 0.05."""
    text = f"{number.normalize():f}"
    return "0" if text in ("-0", "") else text


def _read_sheet(sheet, ordinal: int, doc: Document) -> None:
    """Add one sheet's paragraphs and table to the document."""
    merged = {(r.min_row, r.min_col): r for r in sheet.merged_cells.ranges}
    covered: dict[tuple[int, int], tuple[int, int]] = {}  # cell -> top-left of its merged range
    for (top, left), rng in merged.items():
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                if (row, col) != (top, left):
                    covered[(row, col)] = (top, left)
    texts: dict[tuple[int, int], str] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if (cell.row, cell.column) in covered:
                continue  # openpyxl's MergedCell: no value of its own
            text = display(cell.value, cell.number_format)
            if text:
                texts[(cell.row, cell.column)] = text
    if not texts:
        return

    def rows_of(key: tuple[int, int]) -> range:
        rng = merged.get(key)
        return range(key[0], key[0] + 1) if rng is None else range(rng.min_row, rng.max_row + 1)

    # A row is a table row when two filled cells (merged ranges count on every row they cover) share it.
    per_row: dict[int, int] = {}
    for key in texts:
        for row in rows_of(key):
            per_row[row] = per_row.get(row, 0) + 1
    table_rows = [row for row, n in per_row.items() if n >= 2]
    where = {"sheet": sheet.title, "page": ordinal}
    if not table_rows:
        _paragraphs(doc, [texts[k] for k in sorted(texts)], where)
        return
    head, tail = min(table_rows), max(table_rows)
    # Merged ranges crossing the table's edge belong to it (a label merged down from above, ...).
    changed = True
    while changed:
        changed = False
        for key in texts:
            span = rows_of(key)
            if span.start < head <= span.stop - 1 or span.start <= tail < span.stop - 1:
                head, tail = min(head, span.start), max(tail, span.stop - 1)
                changed = True
    inside = [k for k in texts if head <= k[0] <= tail]
    left = min(c for _, c in inside)
    right = max(merged[k].max_col if k in merged else k[1] for k in inside)
    # Titles above the table and notes below it (rows with a single filled cell) are paragraphs.
    _paragraphs(doc, [texts[k] for k in sorted(texts) if k[0] < head], where)
    _table(doc, texts, merged, covered, (head, tail, left, right), where)
    _paragraphs(doc, [texts[k] for k in sorted(texts) if k[0] > tail], where)


def _paragraphs(doc: Document, texts: list[str], where: dict) -> None:
    """Add each non-empty line of the texts as a paragraph."""
    for text in texts:
        for line in text.split("\n"):
            if line.strip():
                doc.blocks.append(Paragraph(text=line.strip(), loc=Location(block=len(doc.blocks), **where)))


def _table(doc: Document, texts: dict, merged: dict, covered: dict, box: tuple[int, int, int, int], where: dict) -> None:
    """Add the sheet's grid as a table, merged ranges resolved."""
    top, bottom, left, right = box
    block, index = len(doc.blocks), len(doc.tables)
    rows: list[list[Cell]] = []
    for sheet_row in range(top, bottom + 1):
        r = len(rows)
        row: list[Cell] = []
        for col in range(left, right + 1):
            origin = covered.get((sheet_row, col))
            if origin is not None and (origin[0] == sheet_row or origin[1] != col):
                continue  # inside a merged range, not its first column: shown by the range's own cell
            rng = merged.get(origin or (sheet_row, col))
            colspan = 1 if rng is None else min(rng.max_col, right) - col + 1
            loc = Location(block=block, table=index, row=r, col=len(row), **where)
            if origin is not None:
                row.append(Cell(text="", row=r, col=len(row), grid_col=col - left, colspan=colspan, continued=True, loc=loc))
                continue
            rowspan = 1 if rng is None else min(rng.max_row, bottom) - sheet_row + 1
            row.append(
                Cell(
                    text=texts.get((sheet_row, col), ""),
                    row=r,
                    col=len(row),
                    grid_col=col - left,
                    colspan=colspan,
                    rowspan=rowspan,
                    loc=loc,
                )
            )
        rows.append(row)
    doc.blocks.append(Table(index=index, rows=rows, loc=Location(block=block, table=index, **where)))
