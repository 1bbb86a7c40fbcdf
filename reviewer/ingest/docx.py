"""Read a .docx file into a Document: body paragraphs and tables in order, merges resolved.

python-docx's ``row.cells`` repeats a merged cell once per grid column and per
row it covers, so the table grid is read from the ``w:tc`` elements directly:
a horizontal merge (gridSpan) is one cell with ``colspan``, a vertical merge
(vMerge) is one cell with ``rowspan`` followed by empty ``continued`` cells in
the rows below, which is what Word's own text export shows.

Automatic list numbering ("一、", "（一）", "1.") is not in the runs; it is
rendered from numbering.xml (reviewer.ingest.numbering) and put in front of
the paragraph's text, as Word displays it, in the body and in table cells.

A table nested inside a cell (forms that put the indicator block in one cell
of an outer table) is a table of its own: it follows its outer table as a
separate Table block, and the outer cell keeps only its own paragraphs.

Bounds, each an InputError naming the limit: the package unpacks to at most
``MAX_UNPACKED`` bytes, the document part to ``MAX_PART`` bytes and
``MAX_TAGS`` tags (checked on the bytes, before the XML parser builds a tree
of them), and the text read to ``MAX_CHARS`` characters and MAX_CELLS table
cells.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.errors import InputError
from reviewer.ingest import MAX_CELLS, TOO_MANY_CELLS
from reviewer.ingest.numbering import paragraph_prefixes

OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
# What zipfile, zlib, lxml and the readers raise on a damaged or truncated package.
BROKEN_PACKAGE = (
    zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, AttributeError, OSError, EOFError, etree.LxmlError,
)
OLE2_PROBLEM = "文件已加密，或是另存为新扩展名的旧版 .doc/.xls 文件：请解除密码或另存为 {suffix}"
BROKEN = "不是有效的 .docx 文件（文件损坏或被截断）"
MAX_UNPACKED = 512 << 20  # bytes all parts may unpack to (declared sizes); pictures make most of it
MAX_PART = 64 << 20  # bytes of word/document.xml; a 500-page report with tables has some 20 MB
MAX_TAGS = 4_000_000  # "<" in word/document.xml: the parsed tree costs some 150 bytes per element
MAX_CHARS = 1_000_000  # characters of text read; a long report has some 200,000
# Grid columns a cell may span or a row skip: a Word table has at most 63. Bounded, since the
# renderers lay a table out slot by slot (a gridSpan of 10^9 ran the HTML writer out of memory).
_MAX_SPAN = 64

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P = f"{{{W_NS}}}p"
_TBL = f"{{{W_NS}}}tbl"
_TR = f"{{{W_NS}}}tr"
_TC = f"{{{W_NS}}}tc"
_R = f"{{{W_NS}}}r"
_VAL = f"{{{W_NS}}}val"
# Elements that only wrap content (content controls, custom XML, tracked
# insertions, hyperlinks ...): their children are read as if they stood in place.
_WRAPPERS = {
    f"{{{W_NS}}}{tag}"
    for tag in ("sdt", "sdtContent", "customXml", "smartTag", "hyperlink", "ins", "moveTo", "fldSimple", "dir", "bdo")
}
_RUN_TEXT = {f"{{{W_NS}}}t": None, f"{{{W_NS}}}tab": "\t", f"{{{W_NS}}}br": "\n", f"{{{W_NS}}}cr": "\n"}
_NO_BREAK_HYPHEN = f"{{{W_NS}}}noBreakHyphen"


def read_docx(data: bytes, name: str, digest: str) -> Document:
    """Read .docx bytes into a Document; raise InputError when the file is not a usable .docx."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.exceptions import PackageNotFoundError

    if data[:4] == OLE2_MAGIC:
        raise InputError(name, OLE2_PROBLEM.format(suffix=".docx"))
    _check_package(data, name)
    try:
        word = docx.Document(io.BytesIO(data))
        styles = _style_names(word.styles.element)
        default = word.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        numbers = paragraph_prefixes(word)
    except (*BROKEN_PACKAGE, PackageNotFoundError) as exc:
        raise InputError(name, BROKEN) from exc
    doc = Document(path=name, sha256=digest, format="docx")
    chars = cells = 0
    for element in _body_blocks(word.element.body):
        if element.tag == _P:
            own = _paragraph_text(element)
            text = (numbers.get(element, "") + own).strip()
            if own.strip():  # a numbered paragraph without text shows only its number: not a block
                style_id = _style_id(element)
                style = styles.get(style_id, style_id) if style_id else (default.name if default else None)
                doc.blocks.append(Paragraph(text=text, style=style, loc=Location(block=len(doc.blocks))))
                chars += len(text)
        else:
            for tbl in table_and_nested(element):
                index, table_index = len(doc.blocks), len(doc.tables)
                rows = _table_rows(tbl, index, table_index, numbers)
                if rows:
                    doc.blocks.append(Table(index=table_index, rows=rows, loc=Location(block=index, table=table_index)))
                    chars += sum(len(cell.text) for row in rows for cell in row)
                    cells += sum(len(row) for row in rows)
        if cells > MAX_CELLS:
            raise InputError(name, TOO_MANY_CELLS)
        if chars > MAX_CHARS:
            raise InputError(name, f"文档文字超过 {MAX_CHARS} 个字符的上限")
    return doc


def _style_names(styles: etree._Element) -> dict[str | None, str | None]:
    """Style id -> the name Word shows (python-docx's ``Style.name``), read from w:styles directly.

    Building python-docx's style objects for every style of the part only to
    read two attributes cost 5% of reading a report.
    """
    from docx.styles import BabelFish

    names: dict[str | None, str | None] = {}
    for style in styles.iterchildren(f"{{{W_NS}}}style"):
        name = style.find(f"{{{W_NS}}}name")
        val = None if name is None else name.get(_VAL)
        names[style.get(f"{{{W_NS}}}styleId")] = None if val is None else BabelFish.internal2ui(val)
    return names


def _check_package(data: bytes, name: str) -> None:
    """Refuse a package past the size bounds before python-docx unpacks and parses it (InputError)."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
        if sum(info.file_size for info in infos) > MAX_UNPACKED:
            raise InputError(name, f"解压后超过 {MAX_UNPACKED >> 20} MB 的上限")
        part = package.getinfo("word/document.xml")
        if part.file_size > MAX_PART:
            raise InputError(name, f"正文部分（word/document.xml）解压后超过 {MAX_PART >> 20} MB 的上限")
        with package.open(part) as stream:  # the declared size may lie: read one byte past the bound at most
            body = stream.read(MAX_PART + 1)
    except BROKEN_PACKAGE as exc:
        raise InputError(name, BROKEN) from exc
    if len(body) > MAX_PART:
        raise InputError(name, f"正文部分（word/document.xml）解压后超过 {MAX_PART >> 20} MB 的上限")
    if body.count(b"<") > MAX_TAGS:
        raise InputError(name, f"正文的 XML 标记超过 {MAX_TAGS} 个的上限")


def table_and_nested(tbl: etree._Element) -> Iterator[etree._Element]:
    """A table followed by the tables nested in its cells (depth first), in document order.

    The Word renderer walks the original package with this same order, so its
    comments land on the table a finding names.
    """
    yield tbl
    for tr in _children(tbl, _TR):
        for tc in _children(tr, _TC):
            for child in _body_blocks(tc):
                if child.tag == _TBL:
                    yield from table_and_nested(child)


def _children(element: etree._Element, wanted: str) -> Iterator[etree._Element]:
    """Children of ``element`` with tag ``wanted``, looking through wrapper elements."""
    for child in element:
        tag = child.tag  # lxml builds the "{namespace}name" string anew at each reading
        if tag == wanted:
            yield child
        elif tag in _WRAPPERS:
            yield from _children(child, wanted)


def _body_blocks(body: etree._Element) -> Iterator[etree._Element]:
    """Top-level paragraphs and tables of the body, in document order."""
    for child in body:
        tag = child.tag
        if tag == _P or tag == _TBL:
            yield child
        elif tag in _WRAPPERS:
            yield from _body_blocks(child)


def _style_id(p: etree._Element) -> str | None:
    """The paragraph's explicit style id (w:pPr/w:pStyle), or None."""
    found = p.find(f"{{{W_NS}}}pPr/{{{W_NS}}}pStyle")
    return None if found is None else found.get(_VAL)


def _paragraph_text(p: etree._Element) -> str:
    """Visible text of a paragraph: runs, including inside hyperlinks, insertions and content controls."""
    parts: list[str] = []
    for run in _children(p, _R):
        for item in run:
            tag = item.tag
            if tag in _RUN_TEXT:
                fixed = _RUN_TEXT[tag]
                parts.append((item.text or "") if fixed is None else fixed)
            elif tag == _NO_BREAK_HYPHEN:
                parts.append("-")
    return "".join(parts)


def _cell_text(tc: etree._Element, numbers: dict[etree._Element, str]) -> str:
    """A cell's own paragraphs (with their list numbers) joined with newlines; nested tables are tables of their own."""
    lines = ((numbers.get(p, "") + _paragraph_text(p)).rstrip() for p in _body_blocks(tc) if p.tag == _P)
    return "\n".join(lines).strip()


# Compiled once: a path given to find() is parsed again on every call, twice per table cell.
_XPATH_NS = {"w": W_NS}
_GRID_BEFORE = etree.XPath("w:trPr/w:gridBefore", namespaces=_XPATH_NS)
_GRID_SPAN = etree.XPath("w:tcPr/w:gridSpan", namespaces=_XPATH_NS)
_VMERGE = etree.XPath("w:tcPr/w:vMerge", namespaces=_XPATH_NS)


def _int_attr(element: etree._Element, path: etree.XPath, default: int) -> int:
    """Integer w:val of the first element ``path`` finds below ``element``."""
    found = path(element)
    if not found or found[0].get(_VAL) is None:
        return default
    try:
        return int(found[0].get(_VAL))
    except ValueError:
        return default


def _vmerge(tc: etree._Element) -> str | None:
    """'restart', 'continue' or None: the cell's vertical merge state."""
    found = _VMERGE(tc)
    if not found:
        return None
    return found[0].get(_VAL) or "continue"


def _table_rows(tbl: etree._Element, block: int, table: int, numbers: dict[etree._Element, str]) -> list[list[Cell]]:
    """The grid of one table: merged cells once, vertical continuations as empty cells."""
    # First pass: each row's cells with their grid position and merge state.
    layout: list[list[tuple[etree._Element, int, int, str | None]]] = []
    for tr in _children(tbl, _TR):
        grid = min(max(0, _int_attr(tr, _GRID_BEFORE, 0)), _MAX_SPAN)
        cells = []
        for tc in _children(tr, _TC):
            span = min(max(1, _int_attr(tc, _GRID_SPAN, 1)), _MAX_SPAN)
            cells.append((tc, grid, span, _vmerge(tc)))
            grid += span
        layout.append(cells)
    # Second pass: build cells; a restart's rowspan counts the continuations below it.
    rows: list[list[Cell]] = []
    for r, cells in enumerate(layout):
        row: list[Cell] = []
        for c, (tc, grid, span, merge) in enumerate(cells):
            loc = Location(block=block, table=table, row=r, col=c)
            if merge == "continue":
                row.append(Cell(text="", row=r, col=c, grid_col=grid, colspan=span, continued=True, loc=loc))
                continue
            rowspan = 1
            if merge == "restart":
                for below in layout[r + 1 :]:
                    if not any(g == grid and m == "continue" for _, g, _, m in below):
                        break
                    rowspan += 1
            row.append(
                Cell(text=_cell_text(tc, numbers), row=r, col=c, grid_col=grid, colspan=span, rowspan=rowspan, loc=loc)
            )
        rows.append(row)
    return rows
