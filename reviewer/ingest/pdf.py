"""Read a .pdf file into a Document: tables as grids, other text as paragraphs.

A PDF has no paragraphs or cells, only positioned characters and ruling
lines, so this module rebuilds them from geometry. pdfium reads the file, its
characters and its ruling lines (pdf_layer); pdfplumber's table finder turns
the ruling lines into cells (pdf_pages); the rest is done here:

- glyphs drawn twice (fake bold) are read once (pdf_glyphs);
- tables come from the ruling lines, and tables printed
  without ruling lines from where their text stands (pdf_unruled); a cell covering
  several grid columns is one cell with ``colspan``, a cell covering several
  rows appears at its top with ``rowspan`` and as an empty ``continued`` cell
  in the rows below (the same grid the .docx reader gives);
- a line break is a wrap, and is joined, when the next line's first word
  would not have fitted on the line: this re-joins "816.2 / 3" in a narrow
  cell and wrapped Chinese sentences (without a space), and keeps real breaks;
- a paragraph also ends at a first-line indent, at a gap wider than the line
  spacing inside paragraphs, and where a line that finishes a clause (。；：)
  is followed by a numbered heading or item (十、 （一） 2、), full or not;
- a table that goes on at the top of the next page with the same columns, or
  with some of them (the last block of a form whose blocks differ), is one
  table: a repeated header row is dropped, a row split by the page break is
  rejoined (also where a cell was cut at one of its own line breaks), a
  vertical merge cut by it is continued; a paragraph split by a page break is
  one paragraph; page numbers and running headers are left out.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.errors import InputError
from reviewer.ingest.pdf_glyphs import dedupe_chars, printed_rows
from reviewer.ingest.pdf_layer import PageLayer, read_layers
from reviewer.ingest.pdf_pages import column_map, continue_merges, merge_origin, ruled_tables, same_row_key
from reviewer.ingest.pdf_unruled import unruled_tables

NOT_PDF = "不是有效的 PDF 文件"
ENCRYPTED = "PDF 文件已加密，无法读取"
NO_TEXT = "PDF 中没有可提取的文字（可能是扫描件），请提供 Word 版本或先做文字识别（OCR）"

SNAP = 1.5  # points: ruling positions closer than this are the same grid line
MIN_PAGE_TEXT = 10  # characters; a page with fewer has no usable text layer
_PAGE_NUMBER = re.compile(r"^[-—–·\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d+|\s*共\s*\d+\s*页)?[-—–·\s]*$")
_LATIN = re.compile(r"[A-Za-z0-9.,%‰+\-]")
# Punctuation a line may not start with: line breaking keeps it with the character before.
_NO_LINE_START = set("，。、；：？！）》」』】〕”’％,.;:?!)]}%…")
# Punctuation a line may not end with: line breaking keeps it with the character after.
_NO_LINE_END = set("（《「『【〔“‘([{")
# Quotation marks: UAX #14 (rule LB19, followed by LibreOffice) breaks on neither side of them.
_QUOTES = set("“”‘’\"'")
# A paragraph that ends a sentence or clause (closing quotes or brackets may follow the mark).
_CLAUSE_END = re.compile(r"[。！？；：!?;:][”’」』）)]*$")
# Numbering that opens a heading or list item: 一、 （一） (1) 1、 1. 第一条.
_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d)"
    r"|第[一二三四五六七八九十百零〇\d]+[章节条部分])"
)


def read_pdf(data: bytes, name: str, digest: str) -> Document:
    """Read PDF bytes into a Document; raise InputError for invalid, encrypted, scanned or too large PDFs."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    if b"%PDF-" not in data[:1024]:
        raise InputError(name, NOT_PDF)
    try:
        layers = read_layers(data, name)
    except pypdfium2.PdfiumError as exc:
        # A password, or a security handler pdfium lacks (certificates): encrypted either way.
        locked = getattr(exc, "err_code", None) in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)
        raise InputError(name, ENCRYPTED if locked else NOT_PDF) from exc
    pages = [_read_page(layer, number, name) for number, layer in enumerate(layers, start=1)]
    if all(page.text_chars < MIN_PAGE_TEXT for page in pages):
        raise InputError(name, NO_TEXT)
    _drop_running_lines(pages)
    return Document(path=name, sha256=digest, format="pdf", blocks=_Assembler(pages).blocks)


@dataclass
class _Line:
    """One printed line: its text and geometry."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    first_word: float  # width of the leading unbreakable piece
    page: int


@dataclass
class _GridCell:
    """A detected cell: its box, grid position and spans, and its printed lines."""

    bbox: tuple[float, float, float, float]
    row: int
    col: int
    rowspan: int
    colspan: int
    chars: list[dict] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    limit: float = 0.0  # right edge available to text (box minus padding)
    text: str = ""


@dataclass
class _PageTable:
    """A table found on one page, with its grid column boundaries."""

    top: float
    bottom: float
    columns: list[float]
    rows: list[float]
    cells: list[_GridCell]
    page: int
    at: dict[tuple[int, int], _GridCell]  # grid position -> the cell covering it
    ruled: bool = True  # False: placed from where its text stands (no ruling lines)

    @property
    def nrows(self) -> int:
        return len(self.rows) - 1

    def cell_at(self, x: float, y: float) -> _GridCell | None:
        """The cell containing a point, if any."""
        return self.at.get((bisect_right(self.rows, y) - 1, bisect_right(self.columns, x) - 1))


@dataclass
class _Page:
    """One page's content in reading order: lines outside tables, and tables."""

    height: float
    items: list[_Line | _PageTable]
    text_chars: int


def _read_page(page: PageLayer, number: int, name: str) -> _Page:
    """Find the page's tables, put characters into cells, and group the rest into lines."""
    chars = dedupe_chars(page.chars)
    text_chars = sum(1 for c in chars if not c["text"].isspace())
    tables = [t for t in (_grid(cells, number) for cells in ruled_tables(page.edges, number, name)) if t is not None]
    centres = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in chars]
    boxes = [_box(t) for t in tables]
    loose = [c for c, (x, y) in zip(chars, centres) if not _in_any(boxes, x, y)]
    unruled = [t for t in (_grid(cells, number) for cells in unruled_tables(loose)) if t is not None]
    for table in unruled:
        table.ruled = False
    tables += unruled
    tables.sort(key=lambda t: t.top)
    boxes = [_box(t) for t in tables]
    outside: list[dict] = []
    for char, (x, y) in zip(chars, centres):
        # A table nested in a cell of another lies inside that cell: its own cell, the smallest, holds the text.
        cells = [c for t in tables if (c := t.cell_at(x, y)) is not None]
        if cells:
            min(cells, key=_area).chars.append(char)
        elif not _in_any(boxes, x, y):
            outside.append(char)
    for table in tables:
        for cell in table.cells:
            cell.lines = _lines(cell.chars, number)
            # The padding is unknown: estimate it from the text's left inset.
            inset = min((ln.x0 for ln in cell.lines), default=cell.bbox[0] + 1) - cell.bbox[0]
            cell.limit = cell.bbox[2] - min(6.0, max(1.0, inset))
            cell.text = _cell_text(cell.lines, cell.limit)
    items: list[_Line | _PageTable] = [*_lines(outside, number), *tables]
    items.sort(key=lambda item: item.top)
    return _Page(height=page.height, items=items, text_chars=text_chars)


def _area(cell: _GridCell) -> float:
    return (cell.bbox[2] - cell.bbox[0]) * (cell.bbox[3] - cell.bbox[1])


def _box(table: _PageTable) -> tuple[float, float, float, float]:
    return table.columns[0], table.top, table.columns[-1], table.bottom


def _in_any(boxes: list[tuple[float, float, float, float]], x: float, y: float) -> bool:
    """Whether the point lies in one of the boxes (x0, top, x1, bottom)."""
    for x0, top, x1, bottom in boxes:
        if x0 <= x <= x1 and top <= y <= bottom:
            return True
    return False


def _snap(values: list[float]) -> list[float]:
    """Sorted distinct positions, merging those within SNAP of each other."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > SNAP:
            out.append(value)
    return out


def _nearest(bounds: list[float], value: float) -> int:
    """Index of the boundary nearest to ``value`` (``bounds`` sorted; the lower one of two as near)."""
    at = bisect_left(bounds, value)
    return max(0, at - 1) if at == len(bounds) or (at and value - bounds[at - 1] <= bounds[at] - value) else at


def _grid(bboxes: list[tuple], page: int) -> _PageTable | None:
    """Place detected cell boxes on a grid; None for a lone box (a frame, not a table)."""
    if len(bboxes) < 2:
        return None
    xs = _snap([b[0] for b in bboxes] + [b[2] for b in bboxes])
    ys = _snap([b[1] for b in bboxes] + [b[3] for b in bboxes])
    cells = []
    for bbox in bboxes:
        c0, c1 = _nearest(xs, bbox[0]), _nearest(xs, bbox[2])
        r0, r1 = _nearest(ys, bbox[1]), _nearest(ys, bbox[3])
        cells.append(_GridCell(bbox=bbox, row=r0, col=c0, rowspan=max(1, r1 - r0), colspan=max(1, c1 - c0)))
    cells.sort(key=lambda c: (c.row, c.col))
    at = {
        (r, c): cell
        for cell in cells
        for r in range(cell.row, cell.row + cell.rowspan)
        for c in range(cell.col, cell.col + cell.colspan)
    }
    return _PageTable(top=ys[0], bottom=ys[-1], columns=xs, rows=ys, cells=cells, page=page, at=at)


def _lines(chars: list[dict], page: int) -> list[_Line]:
    """Group characters into printed lines, top to bottom, each read left to right."""
    lines = []
    for row in printed_rows(chars):
        visible = [c for c in row if not c["text"].isspace()]
        if not visible:
            continue
        parts = [row[0]["text"]]
        for previous, char in zip(row, row[1:]):
            # A visible gap without a space glyph is a space (e.g. between two numbers).
            if char["x0"] - previous["x1"] > 0.25 * char["size"]:
                if not parts[-1].isspace() and not char["text"].isspace():
                    parts.append(" ")
            parts.append(char["text"])
        # The most common size to 0.1 pt, the first of those as common (counted only in the rare line of several sizes).
        mixed = len({c["size"] for c in visible}) > 1
        size = Counter(round(c["size"], 1) for c in visible).most_common(1)[0][0] if mixed else round(visible[0]["size"], 1)
        lines.append(
            _Line(
                text="".join(parts).strip(),
                x0=visible[0]["x0"],
                x1=visible[-1]["x1"],
                top=min(c["top"] for c in visible),
                bottom=max(c["bottom"] for c in visible),
                size=size,
                first_word=_first_word_width(visible),
                page=page,
            )
        )
    return lines


def _first_word_width(chars: list[dict]) -> float:
    """Width of the leading unbreakable piece: a CJK character or a Latin/digit run, with the punctuation it holds."""
    end = chars[0]
    for char in chars[1:]:
        if char["x0"] - end["x1"] > 0.25 * char["size"]:
            break
        before, after = end["text"], char["text"]
        held = (
            after in _NO_LINE_START
            or before in _NO_LINE_END
            or before in _QUOTES
            or after in _QUOTES
            or (_LATIN.match(before) and _LATIN.match(after))
        )
        if not held:
            break
        end = char
    return end["x1"] - chars[0]["x0"]


def _wrapped(line: _Line, following: _Line, limit: float) -> bool:
    """Whether ``following`` continues ``line``: its first word would not have fitted before ``limit``."""
    # The slack covers the small gap layout engines put between Chinese and Latin text.
    return line.x1 + following.first_word + 0.3 * line.size > limit


def _glue(before: str, after: str) -> str:
    """Join two wrapped pieces: a space only between two Latin words."""
    if before[-1:].isascii() and before[-1:].isalpha() and after[:1].isascii() and after[:1].isalpha():
        return before + " " + after
    return before + after


def _cell_text(lines: list[_Line], limit: float) -> str:
    """Text of a cell: wrapped lines joined, real line breaks kept as newlines."""
    if not lines:
        return ""
    text = lines[0].text
    for previous, line in zip(lines, lines[1:]):
        text = _glue(text, line.text) if _wrapped(previous, line, limit) else text + "\n" + line.text
    return text


def _drop_running_lines(pages: list[_Page]) -> None:
    """Remove page numbers, and headers/footers printed at the same place on nearly every page."""

    def key(line: _Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text), round(line.top / 2)

    edges: Counter[tuple[str, int]] = Counter()
    for page in pages:
        ends = {id(i): i for i in (page.items[:1] + page.items[-1:]) if isinstance(i, _Line)}
        edges.update(key(line) for line in ends.values())
    # A title that starts a few pages is not a running header: demand nearly every page.
    repeated = {k for k, n in edges.items() if n >= 3 and n >= 0.8 * len(pages)}
    for page in pages:
        while page.items and isinstance(page.items[0], _Line) and key(page.items[0]) in repeated:
            page.items.pop(0)
        while page.items and isinstance(page.items[-1], _Line):
            last = page.items[-1]
            in_footer = last.top > page.height * 0.85
            if key(last) in repeated or (in_footer and _PAGE_NUMBER.match(last.text)):
                page.items.pop()
            else:
                break


class _Assembler:
    """Turns the pages' lines and tables into Document blocks, joining what page breaks split."""

    def __init__(self, pages: list[_Page]) -> None:
        lines = [i for p in pages for i in p.items if isinstance(i, _Line)]
        self.right = max((ln.x1 for ln in lines), default=0.0)
        self.spacing = _usual_spacing(pages, self.right)
        self.blocks: list[Paragraph | Table] = []
        self.pending: list[_Line] = []  # lines of the paragraph being built
        self.source: dict[int, _GridCell] = {}  # id(Cell) -> the detected cell it came from
        # The table that ended the previous item, its grid column boundaries, its last page, whether ruled.
        last: tuple[Table, list[float], int, bool] | None = None
        for page in pages:
            for position, item in enumerate(page.items):
                if isinstance(item, _Line):
                    if self.pending and self._new_paragraph(self.pending[-1], item):
                        self._flush()
                    self.pending.append(item)
                    last = None
                    continue
                self._flush()
                goes_on = position == 0 and last is not None and item.page == last[2] + 1
                columns = column_map(last[1], item.columns, SNAP, loose=not (last[3] or item.ruled)) if goes_on else None
                if columns is not None:
                    self._extend(last[0], item, columns)
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
            text = _glue(text, line.text)
        self.blocks.append(Paragraph(text=text, loc=Location(block=len(self.blocks), page=self.pending[0].page)))
        self.pending = []

    def _new_paragraph(self, line: _Line, following: _Line) -> bool:
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
        return not _wrapped(line, following, self.right)

    def _rows(self, found: _PageTable, block: int, index: int, columns: list[int] | None = None) -> list[list[Cell]]:
        """Rows of one page's grid: merged cells once, continuations as empty cells.

        ``columns`` maps the page's grid boundaries to those of the table it goes on (grid columns of that table).
        """
        edge = columns or list(range(len(found.columns)))
        starting: dict[int, list[_GridCell]] = {}
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
            for ordinal, (cell, continued) in enumerate(sorted(present, key=lambda p: p[0].col)):
                made = Cell(
                    text="" if continued else cell.text,
                    row=r,
                    col=ordinal,
                    grid_col=edge[cell.col],
                    colspan=edge[cell.col + cell.colspan] - edge[cell.col],
                    rowspan=1 if continued else cell.rowspan,
                    continued=continued,
                    loc=Location(block=block, table=index, row=r, col=ordinal, page=found.page),
                )
                if not continued:
                    self.source[id(made)] = cell
                row.append(made)
            rows.append(row)
        return rows

    def _extend(self, table: Table, found: _PageTable, columns: list[int]) -> None:
        """Append a page's continuation of ``table`` (``columns``: its boundaries among the table's)."""
        more = self._rows(found, table.loc.block or 0, table.index, columns)
        repeated = 0  # header rows Word repeats at the top of each page
        while repeated < min(len(more) - 1, len(table.rows)) and same_row_key(more[repeated]) == same_row_key(
            table.rows[repeated]
        ):
            repeated += 1
        more = more[repeated:]
        breaks = self._split_row(table.rows[-1], more[0])
        if breaks is not None:
            self._join_rows(table, more.pop(0), breaks)
        elif more:
            continue_merges(table, more[0])
        for r, row in enumerate(more, start=len(table.rows)):
            for cell in row:
                cell.row = r
                cell.loc = cell.loc.replaced(row=r)
            table.rows.append(row)

    def _split_row(self, last: list[Cell], first: list[Cell]) -> set[int] | None:
        """If ``first`` is the rest of ``last``, a row the page break cut in two, the columns it cut at a line break.

        Every cell with text must carry on a filled cell above, and the row must
        look cut. Either every carried cell wraps (its last line above was full)
        and a cell was emptied or several wrap; or some cell wraps and more cells
        were emptied than carried, so that a cell cut at one of its own line
        breaks (a merged label "产出指标" / "(50 分)") still carries on.
        Returns None when ``first`` is a row of its own.
        """
        if [(c.grid_col, c.colspan) for c in last] != [(c.grid_col, c.colspan) for c in first]:
            return None
        wraps: set[int] = set()
        breaks: set[int] = set()
        emptied = 0
        for column, (above, below) in enumerate(zip(last, first)):
            if not below.text:
                emptied += bool(above.text)
                continue
            top, rest = self.source.get(id(above)), self.source.get(id(below))
            if above.continued or top is None or rest is None or not top.lines or not rest.lines:
                return None
            (wraps if _wrapped(top.lines[-1], rest.lines[0], top.limit) else breaks).add(column)
        carried = len(wraps) + len(breaks)
        # Line breaks alone prove nothing: a row of its own also starts each cell on a new line.
        cut = (not breaks and (emptied > 0 or carried > 1)) or emptied > carried
        return breaks if wraps and cut else None

    def _join_rows(self, table: Table, rest: list[Cell], breaks: set[int]) -> None:
        """Put the texts of a row's second half into its first half (after a newline in the ``breaks`` columns)."""
        for column, (above, below) in enumerate(zip(table.rows[-1], rest)):
            if below.text:
                above.text = above.text + "\n" + below.text if column in breaks else _glue(above.text, below.text)
            if below.rowspan > 1:  # a merge that goes on below the cut row
                origin = above if not above.continued else merge_origin(table, above.grid_col)
                if origin is not None:
                    origin.rowspan += below.rowspan - 1


def _indented(line: _Line, following: _Line) -> bool:
    """Whether ``following`` starts further right than ``line``: a first-line indent, or centred text."""
    return following.x0 - line.x0 > 1.5 * following.size


def _usual_spacing(pages: list[_Page], right: float) -> float:
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
            if isinstance(a, _Line) and isinstance(b, _Line) and abs(a.size - b.size) < 0.5:
                gap = round((b.top - a.bottom) / a.size, 1)
                every[gap] += 1
                if _wrapped(a, b, right) and not _indented(a, b) and not _CLAUSE_END.search(a.text):
                    full[gap] += 1
    if full:
        return full.most_common(1)[0][0]
    repeated = [gap for gap, n in every.items() if n > 1]
    return min(repeated or every, default=0.3)
