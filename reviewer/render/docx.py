"""Word output: the reviewed document with one comment per finding, anchored on the text it concerns.

A .docx input is reopened from its original bytes and commented (the input
file itself is never written). Any other input (.doc/.wps converted by
LibreOffice included) is rebuilt as a new .docx
(paragraphs and tables, merged cells merged) and commented the same way.
Runs are split so that a comment covers exactly the quoted characters; when
the quote cannot be placed, the whole paragraph or cell is covered. Findings
without a location are commented on the first block of the document.
A list number Word draws before a paragraph ("一、") is part of the ingested
text but not of any run: it counts as a run-less prefix when offsets are mapped.
"""

from __future__ import annotations

import copy
import io
import re
import unicodedata

import docx
from docx.exceptions import InvalidSpanError
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.text.run import Run
from lxml import etree

from reviewer.document import Document, Paragraph, Table
from reviewer.errors import InputError
from reviewer.finding import Finding, Review
from reviewer.ingest.docx import table_and_nested
from reviewer.ingest.numbering import paragraph_prefixes
from reviewer.render.layout import (
    AUTHOR,
    INITIALS,
    block_index,
    cell_at,
    comment_text,
    find_span,
    located_evidence,
    owning_cell,
    table_grid,
)

# Run children and the text each stands for, as the docx ingester reads them (None: the element's text).
_PIECES = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
# Elements that only wrap content; the ingester reads through them, and so must the anchoring.
_WRAPPERS = {
    qn(f"w:{tag}")
    for tag in ("sdt", "sdtContent", "customXml", "smartTag", "hyperlink", "ins", "moveTo", "fldSimple", "dir", "bdo")
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_docx(review: Review, document: Document, source_bytes: bytes | None = None) -> bytes:
    """A .docx carrying one Word comment per finding of ``review``."""
    # A .doc/.wps read through LibreOffice is also a "docx" Document, but its bytes are not a
    # Word package: those are rebuilt like any other input.
    if document.format == "docx" and source_bytes and source_bytes[:2] == b"PK":
        try:
            word = docx.Document(io.BytesIO(source_bytes))
        except Exception as exc:  # python-docx raises several unrelated types for a bad package
            raise InputError(document.path, f"无法重新打开原始 Word 文件以添加批注（{exc}）") from exc
        targets = _original_targets(word, document)
    else:
        word, targets = _rebuild(document)
    for finding in review.sorted_findings():
        _comment(word, finding, document, targets)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


class _Targets:
    """Maps Document locations to the Word paragraphs that hold them."""

    def __init__(
        self,
        blocks: dict[int, etree._Element],
        cells: dict[tuple[int, int, int], etree._Element],
        numbers: dict[etree._Element, str] | None = None,
    ):
        self.blocks = blocks  # Document block index -> w:p or w:tbl
        self.cells = cells  # (block, row, col) -> w:tc, for rebuilt tables only
        self.numbers = numbers or {}  # w:p -> list number shown before it (original documents only)

    def paragraphs(self, document: Document, ev_loc) -> tuple[list[CT_P], str | None] | None:
        """The w:p elements and the Document's text for a location, or None if it cannot be found."""
        index = block_index(ev_loc, document)
        if index is None:
            return None
        block = document.blocks[index]
        element = self.blocks.get(index)
        if element is None:
            return None
        if isinstance(block, Paragraph):
            return [element], block.text
        cell = cell_at(block, ev_loc)
        if cell is None:
            return list(element.iter(qn("w:p"))), None
        tc = self._cell(index, block, element, ev_loc.row, ev_loc.col)
        if tc is None:
            return None
        return _cell_paragraphs(tc), cell.text

    def _cell(self, index: int, table: Table, tbl: etree._Element, row: int, col: int) -> etree._Element | None:
        """The w:tc of a cell: from the rebuild map, or by tc ordinal in the original table."""
        if self.cells:
            row, col = owning_cell(table, table_grid(table), row, col)
            return self.cells.get((index, row, col))
        rows = list(_children(tbl, qn("w:tr")))
        if row >= len(rows):
            return None
        tcs = list(_children(rows[row], qn("w:tc")))
        return tcs[col] if col < len(tcs) else None

    def first(self) -> list[CT_P]:
        """The paragraphs of the first block, where unlocated findings are commented."""
        for index in sorted(self.blocks):
            element = self.blocks[index]
            if element.tag == qn("w:p"):
                return [element]
            first_tc = next(element.iter(qn("w:tc")), None)
            if first_tc is not None:
                return _cell_paragraphs(first_tc)
        return []


def _children(element: etree._Element, wanted: str):
    """Children of ``element`` with tag ``wanted``, looking through wrapper elements."""
    for child in element:
        if child.tag == wanted:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, wanted)


def _blocks_in(container: etree._Element):
    """Paragraphs and tables directly in ``container`` (looking through wrappers), in order."""
    for child in container:
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _blocks_in(child)


def _body_blocks(body: etree._Element):
    """The elements that become Document blocks: non-empty paragraphs and tables with rows, in order.

    Nested tables follow their outer table, as the docx ingester lists them.
    """
    for element in _blocks_in(body):
        if element.tag == qn("w:p"):
            if _text(element).strip():
                yield element
            continue
        for tbl in table_and_nested(element):
            if next(_children(tbl, qn("w:tr")), None) is not None:
                yield tbl


def _squash(text: str) -> str:
    """Text without whitespace, NFKC-normalized, to compare paragraphs loosely."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _original_targets(word, document: Document) -> _Targets:
    """Align the Document's blocks with the original body elements.

    Blocks normally map one to one; the alignment searches forward for a
    paragraph with the same text so that an ingester skipping or adding a
    block does not shift every later comment.
    """
    numbers = paragraph_prefixes(word)
    elements = list(_body_blocks(word.element.body))
    mapping: dict[int, etree._Element] = {}
    j = 0
    for i, block in enumerate(document.blocks):
        tag = qn("w:tbl") if isinstance(block, Table) else qn("w:p")
        want = None if isinstance(block, Table) else _squash(block.text)
        k = j
        while k < len(elements) and not (
            elements[k].tag == tag and (want is None or _squash(_shown(elements[k], numbers)) == want)
        ):
            k += 1
        if k == len(elements) and j < len(elements) and elements[j].tag == tag:
            k = j  # text differs (ingester normalized it): fall back to position
        if k < len(elements):
            mapping[i] = elements[k]
            j = k + 1
    return _Targets(mapping, {}, numbers)


def _clean(text: str) -> str:
    """Text with the control characters XML cannot carry removed."""
    return _CONTROL.sub("", text)


def _rebuild(document: Document):
    """A new Word document showing the Document's paragraphs and tables, with the location map."""
    word = docx.Document()
    normal = word.styles["Normal"]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    blocks: dict[int, etree._Element] = {}
    cells: dict[tuple[int, int, int], etree._Element] = {}
    for i, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            para = word.add_paragraph(_clean(block.text))
            if block.style:
                try:
                    para.style = word.styles[block.style]
                except KeyError:
                    pass  # a style of the source that the default template lacks: keep Normal
            blocks[i] = para._p
            continue
        grid = table_grid(block)
        if not grid.width or not block.rows:
            continue
        table = word.add_table(rows=len(block.rows), cols=grid.width)
        table.style = word.styles["Table Grid"]
        for (r, c), slot in grid.slots.items():
            if slot.owner is None and (slot.rowspan > 1 or slot.colspan > 1):
                last_row = slot.grid_row + slot.rowspan - 1
                last_col = min(slot.grid_col + slot.colspan, grid.width) - 1
                try:
                    table.cell(slot.grid_row, slot.grid_col).merge(table.cell(last_row, last_col))
                except InvalidSpanError:  # overlapping spans in a malformed table: leave the cells unmerged
                    pass
        for (r, c), slot in grid.slots.items():
            if slot.owner is None:
                target = table.cell(slot.grid_row, slot.grid_col)
                target.text = _clean(block.rows[r][c].text)
                cells[(i, r, c)] = target._tc
        blocks[i] = table._tbl
    return word, _Targets(blocks, cells)


def _comment(word, finding: Finding, document: Document, targets: _Targets) -> None:
    """Attach one comment for ``finding`` at its first locatable evidence (else on the first block)."""
    paragraphs: list[CT_P] = []
    span = None
    for ev in located_evidence(finding, document):
        found = targets.paragraphs(document, ev.loc)
        if found and found[0]:
            paragraphs, source_text = found
            text = _joined_text(paragraphs, targets.numbers)
            span = find_span(text, ev, source_text)
            break
    if not paragraphs:
        paragraphs = targets.first()
    if not paragraphs:
        paragraphs = [word.add_paragraph("审阅意见")._p]
    first, last = _anchor(paragraphs, span, targets.numbers)
    word.add_comment([Run(first, word.part), Run(last, word.part)], text=_clean(comment_text(finding, document)),
                     author=AUTHOR, initials=INITIALS)


def _cell_paragraphs(tc: etree._Element) -> list[CT_P]:
    """A cell's own paragraphs in reading order (a nested table is a block of its own)."""
    return [child for child in _blocks_in(tc) if child.tag == qn("w:p")]


def _runs(paragraph: CT_P) -> list[CT_R]:
    """The runs whose text makes up the paragraph, including those inside wrappers."""
    return list(_children(paragraph, qn("w:r")))


def _piece(child: etree._Element) -> str:
    """The text a run child contributes."""
    if child.tag not in _PIECES:
        return ""
    fixed = _PIECES[child.tag]
    return (child.text or "") if fixed is None else fixed


def _run_text(run: CT_R) -> str:
    """A run's text, as the docx ingester reads it."""
    return "".join(_piece(child) for child in run)


def _text(paragraph: CT_P) -> str:
    """A paragraph's text, as the docx ingester reads it (before stripping)."""
    return "".join(_run_text(r) for r in _runs(paragraph))


def _shown(paragraph: CT_P, numbers: dict[etree._Element, str]) -> str:
    """A paragraph's text with its list number in front, as the docx ingester reads it."""
    return numbers.get(paragraph, "") + _text(paragraph)


def _joined_text(paragraphs: list[CT_P], numbers: dict[etree._Element, str]) -> str:
    """Paragraph texts (list numbers included) joined by newlines, as a cell's text is."""
    return "\n".join(_shown(p, numbers) for p in paragraphs)


def _extents(paragraphs: list[CT_P], numbers: dict[etree._Element, str]) -> list[tuple[CT_R, int, int]]:
    """Each run with its char range in the joined text; a list number occupies chars but no run."""
    out = []
    pos = 0
    for n, p in enumerate(paragraphs):
        if n:
            pos += 1
        pos += len(numbers.get(p, ""))
        for r in _runs(p):
            length = len(_run_text(r))
            out.append((r, pos, pos + length))
            pos += length
    return out


def _split(run: CT_R, offset: int) -> CT_R:
    """Split ``run`` so that its first ``offset`` chars stay and the rest move to a new following run."""
    tail = copy.deepcopy(run)
    pos = 0
    for head_child, tail_child in zip(list(run), list(tail)):
        if head_child.tag == qn("w:rPr"):
            continue
        length = len(_piece(head_child))
        if pos + length <= offset and not (length == 0 and pos >= offset):
            tail.remove(tail_child)
        elif pos >= offset:
            run.remove(head_child)
        else:  # a w:t straddling the split point
            cut = offset - pos
            text = head_child.text or ""
            head_child.text, tail_child.text = text[:cut], text[cut:]
            for t in (head_child, tail_child):
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        pos += length
    run.addnext(tail)
    return tail


def _cut_at(paragraphs: list[CT_P], offset: int, numbers: dict[etree._Element, str]) -> None:
    """Make ``offset`` fall on a run boundary."""
    for run, start, end in _extents(paragraphs, numbers):
        if start < offset < end:
            _split(run, offset - start)
            return


def _anchor(
    paragraphs: list[CT_P], span: tuple[int, int] | None, numbers: dict[etree._Element, str]
) -> tuple[CT_R, CT_R]:
    """First and last run covering ``span`` (the whole text when None), splitting runs as needed.

    A span that covers only a list number (which has no run) falls back to the whole text.
    """
    if span is not None:
        _cut_at(paragraphs, span[0], numbers)
        _cut_at(paragraphs, span[1], numbers)
        inside = [r for r, s, e in _extents(paragraphs, numbers) if span[0] <= s and e <= span[1] and e > s]
        if inside:
            return inside[0], inside[-1]
    texted = [r for r, s, e in _extents(paragraphs, numbers) if e > s]
    if texted:
        return texted[0], texted[-1]
    empty = paragraphs[0].add_r()  # an empty paragraph or cell: anchor on an empty run inside it
    return empty, empty
