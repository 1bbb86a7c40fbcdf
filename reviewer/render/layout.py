"""Shared helpers for the marked-up renderers: table grids, location labels, spans, comment text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.finding import CATEGORY_LABELS, SEVERITY_LABELS, Evidence, Finding

AUTHOR = "绩效审阅"
INITIALS = "审"
UNVERIFIED_LABEL = "需人工复核"


@dataclass(frozen=True)
class Slot:
    """Where one Table cell sits in the layout grid; ``owner`` is set for a covered continuation cell."""

    grid_row: int
    grid_col: int
    rowspan: int
    colspan: int
    owner: tuple[int, int] | None = None  # (row, col) of the merged cell that covers this one


@dataclass(frozen=True)
class Grid:
    """The layout of a Table: one Slot per (row, col) ordinal and the grid width."""

    slots: dict[tuple[int, int], Slot]
    width: int


def table_grid(table: Table) -> Grid:
    """Place every cell of ``table`` on a rectangular grid, honouring row and column spans.

    Ingesters that know the layout give ``grid_col``; otherwise cells fill the
    row left to right, skipping slots covered by a row span from above unless
    the cell is itself the explicit continuation of that span.
    """
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    slots: dict[tuple[int, int], Slot] = {}
    height = len(table.rows)
    width = 0
    for r, row in enumerate(table.rows):
        cursor = 0
        for c, cell in enumerate(row):
            if cell.grid_col is not None:
                gc = cell.grid_col
            else:
                gc = cursor
                if not cell.continued:
                    while (r, gc) in covered:
                        gc += 1
            colspan = max(1, cell.colspan)
            cursor = gc + colspan
            if cell.continued and (r, gc) in covered:
                slots[(r, c)] = Slot(r, gc, 1, colspan, owner=covered[(r, gc)])
                continue
            rowspan = max(1, min(cell.rowspan, height - r))
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr or dc:
                        covered.setdefault((r + dr, gc + dc), (r, c))
            slots[(r, c)] = Slot(r, gc, rowspan, colspan)
            width = max(width, gc + colspan)
    return Grid(slots, width)


def owning_cell(table: Table, grid: Grid, row: int, col: int) -> tuple[int, int]:
    """The (row, col) of the visible cell that shows position (row, col)."""
    slot = grid.slots.get((row, col))
    return slot.owner if slot and slot.owner else (row, col)


def block_index(loc: Location, document: Document) -> int | None:
    """The index in ``document.blocks`` a location points into, by block index or else by table index."""
    if loc.block is not None and 0 <= loc.block < len(document.blocks):
        return loc.block
    if loc.table is not None and 0 <= loc.table < len(document.tables):
        wanted = document.tables[loc.table]
        return next(i for i, b in enumerate(document.blocks) if b is wanted)
    return None


def block_of(loc: Location, document: Document) -> Paragraph | Table | None:
    """The block a location points into, if any."""
    index = block_index(loc, document)
    return None if index is None else document.blocks[index]


def cell_at(table: Table, loc: Location) -> Cell | None:
    """The cell a location names inside ``table``, if it exists."""
    if loc.row is None or not 0 <= loc.row < len(table.rows):
        return None
    row = table.rows[loc.row]
    if loc.col is None or not 0 <= loc.col < len(row):
        return None
    return row[loc.col]


def location_label(loc: Location | None, document: Document | None = None) -> str:
    """A human label for a location: the extractor's label, else one built from the indexes."""
    if loc is None:
        return ""
    if loc.label:
        return loc.label
    parts: list[str] = []
    if loc.sheet:
        parts.append(f"工作表「{loc.sheet}」")
    elif loc.page is not None:
        parts.append(f"第{loc.page}页")
    block = block_of(loc, document) if document else None
    if isinstance(block, Table) or (block is None and loc.table is not None):
        number = block.index if isinstance(block, Table) else loc.table
        parts.append(f"表{number + 1}")
        if loc.row is not None:
            parts.append(f"第{loc.row + 1}行")
        if loc.col is not None:
            parts.append(f"第{loc.col + 1}列")
    elif isinstance(block, Paragraph) and document is not None:
        ordinal = sum(1 for b in document.blocks[: loc.block] if isinstance(b, Paragraph)) + 1
        parts.append(f"第{ordinal}段")
    elif loc.block is not None:
        parts.append(f"第{loc.block + 1}块")
    if loc.line is not None and not parts:
        parts.append(f"第{loc.line}行")
    return " ".join(parts)


def finding_label(finding: Finding, document: Document | None = None) -> str:
    """The label of a finding's first located evidence, or "全文" when it has none."""
    for ev in finding.evidence:
        if ev.loc is not None:
            label = location_label(ev.loc, document)
            if label:
                return label
    return "全文"


def located_evidence(finding: Finding, document: Document) -> list[Evidence]:
    """The evidence items whose location resolves to a block of ``document``."""
    return [ev for ev in finding.evidence if ev.loc is not None and block_of(ev.loc, document) is not None]


def first_quote(finding: Finding) -> str:
    """The first non-empty quote of a finding."""
    return next((ev.quote for ev in finding.evidence if ev.quote), "")


def severity_label(finding: Finding) -> str:
    """Chinese severity label."""
    return SEVERITY_LABELS.get(finding.severity, finding.severity)


def category_label(category: str) -> str:
    """Chinese category label (the code itself when unknown)."""
    return CATEGORY_LABELS.get(category, category)


def verification_label(finding: Finding) -> str:
    """"已核验" or "需人工复核"."""
    return UNVERIFIED_LABEL if finding.verification == "unverified" else "已核验"


def comment_text(finding: Finding, document: Document | None = None) -> str:
    """The text of the Word comment (or tooltip) describing a finding."""
    lines = [f"[{finding.rule}] {finding.message}"]
    if finding.suggestion:
        lines.append(f"建议：{finding.suggestion}")
    if finding.verification == "unverified":
        lines.append(f"（大模型发现，{UNVERIFIED_LABEL}）")
    others = [location_label(ev.loc, document) for ev in finding.evidence[1:] if ev.loc is not None]
    others = [o for o in others if o]
    if others:
        lines.append("相关位置：" + "；".join(others))
    return "\n".join(lines)


_IGNORED = re.compile(r"[\s\u3000]")


def _normalized(text: str) -> tuple[str, list[int]]:
    """NFKC text without whitespace, with each kept char's index in the original."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch)
        if _IGNORED.fullmatch(ch) or not norm or _IGNORED.fullmatch(norm):
            continue
        for n in norm:
            chars.append(n)
            index.append(i)
    return "".join(chars), index


def find_span(text: str, evidence: Evidence, source_text: str | None = None) -> tuple[int, int] | None:
    """The char span of ``evidence`` inside ``text``; None when it cannot be placed.

    ``source_text`` is the text the Document recorded for the same block; when
    it equals ``text`` the location's own start/end are trusted, otherwise the
    recorded substring (or the quote) is searched, tolerating whitespace and
    full-width differences.
    """
    loc = evidence.loc
    source = text if source_text is None else source_text
    start = loc.start if loc else None
    end = loc.end if loc else None
    quote = evidence.quote
    recorded = None
    if start is not None and end is not None and 0 <= start < end <= len(source):
        if source == text:
            recorded = (start, end)
        elif source == text.strip():  # ingesters strip; the offsets shift by the leading whitespace
            shift = len(text) - len(text.lstrip())
            recorded = (start + shift, end + shift)
        else:
            recorded = _search(text, source[start:end], start)
    if recorded and (not quote.strip() or _contains(text[recorded[0] : recorded[1]], quote)):
        return recorded
    return _search(text, quote, start) or recorded


def _contains(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack``, ignoring whitespace and width differences."""
    return _normalized(needle)[0] in _normalized(haystack)[0]


def _search(text: str, needle: str, near: int | None) -> tuple[int, int] | None:
    """Find ``needle`` in ``text`` (exact, then whitespace/width-insensitive); prefer the hit nearest ``near``."""
    if not needle.strip():
        return None
    hits = [m.start() for m in re.finditer(re.escape(needle), text)]
    if hits:
        best = min(hits, key=lambda h: abs(h - near)) if near is not None else hits[0]
        return best, best + len(needle)
    norm_text, index = _normalized(text)
    norm_needle, _ = _normalized(needle)
    if not norm_needle:
        return None
    pos = norm_text.find(norm_needle)
    if pos < 0:
        return None
    return index[pos], index[pos + len(norm_needle) - 1] + 1
