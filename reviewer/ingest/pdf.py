"""Read a .pdf file into a Document: tables as grids, other text as paragraphs.

A PDF has no paragraphs or cells, only positioned characters and ruling
lines, so this module rebuilds them from geometry. pdfium reads the file, its
characters and its ruling lines (pdf_layer); pdfplumber's table finder turns
the ruling lines into cells (pdf_pages); this module places each page's
characters in its tables' cells and the rest in printed lines (pdf_lines),
and pdf_assemble joins the pages into paragraphs and tables:

- glyphs drawn twice (fake bold) are read once (pdf_glyphs);
- tables come from the ruling lines, and tables printed
  without ruling lines from where their text stands (pdf_unruled); a cell covering
  several grid columns is one cell with ``colspan``, a cell covering several
  rows appears at its top with ``rowspan`` and as an empty ``continued`` cell
  in the rows below (the same grid the .docx reader gives);
- a cell's lines are joined where they wrap, and keep their real line breaks.
"""

from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter

from reviewer.document import Document
from reviewer.errors import InputError
from reviewer.ingest.pdf_assemble import SNAP, Assembler, GridCell, Page, PageTable, drop_running_lines
from reviewer.ingest.pdf_glyphs import dedupe_chars
from reviewer.ingest.pdf_layer import PageLayer, read_layers
from reviewer.ingest.pdf_lines import Line, cell_text, printed_lines
from reviewer.ingest.pdf_pages import ruled_tables
from reviewer.ingest.pdf_unruled import unruled_tables

NOT_PDF = "不是有效的 PDF 文件"
ENCRYPTED = "PDF 文件已加密，无法读取"
NO_TEXT = "PDF 中没有可提取的文字（可能是扫描件），请提供 Word 版本或先做文字识别（OCR）"

_TEXT = itemgetter("text")
MIN_PAGE_TEXT = 10  # characters; a page with fewer has no usable text layer


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
    drop_running_lines(pages)
    return Document(path=name, sha256=digest, format="pdf", blocks=Assembler(pages).blocks)


def _read_page(page: PageLayer, number: int, name: str) -> Page:
    """Find the page's tables, put characters into cells, and group the rest into lines."""
    chars = dedupe_chars(page.chars)
    text_chars = len(chars) - sum(map(str.isspace, map(_TEXT, chars)))
    ruled = [t for t in (_grid(cells, number) for cells in ruled_tables(page.edges, number, name)) if t is not None]
    centres = _centres(chars) if ruled else []  # made only for a page with tables: they place its characters
    boxes = [_box(t) for t in ruled]
    loose = [c for c, (x, y) in zip(chars, centres) if not _in_any(boxes, x, y)] if ruled else chars
    unruled = [t for t in (_grid(cells, number) for cells in unruled_tables(loose)) if t is not None]
    for table in unruled:
        table.ruled = False
    tables = sorted(ruled + unruled, key=lambda t: t.top)
    outside = _place(chars, centres or _centres(chars), tables) if tables else list(chars)  # a page of text only: all outside
    for table in tables:
        for cell in table.cells:
            cell.lines = printed_lines(cell.chars, number)
            # The padding is unknown: estimate it from the text's left inset.
            inset = min((ln.x0 for ln in cell.lines), default=cell.bbox[0] + 1) - cell.bbox[0]
            cell.limit = cell.bbox[2] - min(6.0, max(1.0, inset))
            cell.text = cell_text(cell.lines, cell.limit)
    items: list[Line | PageTable] = [*printed_lines(outside, number), *tables]
    items.sort(key=lambda item: item.top)
    return Page(height=page.height, items=items, text_chars=text_chars)


def _place(chars: list[dict], centres: list[tuple[float, float]], tables: list[PageTable]) -> list[dict]:
    """Put each character in the cell of ``tables`` its centre lies in; the characters outside every table, in order."""
    boxes = [_box(t) for t in tables]
    outside: list[dict] = []
    for char, (x, y) in zip(chars, centres):
        # A table nested in a cell of another lies inside that cell: its own cell, the smallest, holds the text.
        cells = [c for t in tables if (c := t.cell_at(x, y)) is not None]
        if len(cells) == 1:  # nearly always: no nested table
            cells[0].chars.append(char)
        elif cells:
            min(cells, key=_area).chars.append(char)
        elif not _in_any(boxes, x, y):
            outside.append(char)
    return outside


def _centres(chars: list[dict]) -> list[tuple[float, float]]:
    """The centre (x, y) of each character's box, in points: what places it in a cell."""
    return [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in chars]


def _area(cell: GridCell) -> float:
    return (cell.bbox[2] - cell.bbox[0]) * (cell.bbox[3] - cell.bbox[1])


def _box(table: PageTable) -> tuple[float, float, float, float]:
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


def _grid(bboxes: list[tuple], page: int) -> PageTable | None:
    """Place detected cell boxes on a grid; None for a lone box (a frame, not a table)."""
    if len(bboxes) < 2:
        return None
    xs = _snap([b[0] for b in bboxes] + [b[2] for b in bboxes])
    ys = _snap([b[1] for b in bboxes] + [b[3] for b in bboxes])
    cells = []
    for bbox in bboxes:
        c0, c1 = _nearest(xs, bbox[0]), _nearest(xs, bbox[2])
        r0, r1 = _nearest(ys, bbox[1]), _nearest(ys, bbox[3])
        cells.append(GridCell(bbox=bbox, row=r0, col=c0, rowspan=max(1, r1 - r0), colspan=max(1, c1 - c0)))
    cells.sort(key=lambda c: (c.row, c.col))
    at = {
        (r, c): cell
        for cell in cells
        for r in range(cell.row, cell.row + cell.rowspan)
        for c in range(cell.col, cell.col + cell.colspan)
    }
    return PageTable(top=ys[0], bottom=ys[-1], columns=xs, rows=ys, cells=cells, page=page, at=at)


