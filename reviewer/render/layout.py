"""Shared helpers for the marked-up renderers: table grids, location labels, spans, comment text."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import NamedTuple

from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.extract.narrative import heading
from reviewer.finding import CATEGORY_LABELS, REPORTED_LABEL, SEVERITY_LABELS, Evidence, Finding

AUTHOR = "绩效审阅"
INITIALS = "审"
UNVERIFIED_LABEL = "需人工复核"


class Slot(NamedTuple):  # a tuple: a grid holds one per cell, made for every table shown
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
            colspan = cell.colspan if cell.colspan > 1 else 1
            cursor = gc + colspan
            if cell.continued and (r, gc) in covered:
                slots[(r, c)] = Slot(r, gc, 1, colspan, owner=covered[(r, gc)])
                continue
            rowspan = min(cell.rowspan, height - r) if cell.rowspan > 1 else 1  # height - r is at least 1
            if rowspan > 1 or colspan > 1:  # most cells span nothing
                for dr in range(rowspan):
                    for dc in range(colspan):
                        if dr or dc:
                            covered.setdefault((r + dr, gc + dc), (r, c))
            slots[(r, c)] = Slot(r, gc, rowspan, colspan)
            if cursor > width:
                width = cursor
    return Grid(slots, width)


def owning_cell(table: Table, grid: Grid, row: int, col: int) -> tuple[int, int]:
    """The (row, col) of the visible cell that shows position (row, col)."""
    slot = grid.slots.get((row, col))
    return slot.owner if slot and slot.owner else (row, col)


def document_name(path: str) -> str:
    """The report's name as a reader knows it: the file name of a path (either separator), never its folders."""
    return PurePosixPath(path.replace("\\", "/")).name or path


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


FIRST_WORDS = 12  # characters of a paragraph quoted to find it in Word
_PARAGRAPH_ORDINAL = re.compile(r"\s*第\d+段$")


def first_words(text: str, limit: int = FIRST_WORDS) -> str:
    """The opening characters of a paragraph, as a reader searches for them in Word."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def _heading_before(document: Document, index: int) -> str:
    """The nearest heading above block ``index`` ("二、绩效目标实现情况"), or ""."""
    for block in reversed(document.blocks[:index]):
        if isinstance(block, Paragraph):
            styled = block.style and (block.style.lower().startswith(("heading", "title")) or "标题" in block.style)
            found = heading(block.text)
            if found or styled:
                return f"{found.number}{found.title}" if found else first_words(block.text, 30)
    return ""


def paragraph_label(loc: Location, document: Document) -> str:
    """A paragraph named so that it can be found: its section (or heading) and first words, never "第85段"."""
    index = block_index(loc, document)
    block = document.blocks[index] if index is not None else None
    if not isinstance(block, Paragraph):
        return loc.label
    words = f"“{first_words(block.text)}”一段"
    if loc.label and "」" in loc.label:  # the extractor named the section: keep it, drop the ordinal
        return _PARAGRAPH_ORDINAL.sub("", loc.label) + words
    title = _heading_before(document, index)
    return f"「{title}」下{words}" if title else words


def location_label(loc: Location | None, document: Document | None = None) -> str:
    """A human label for a location: the extractor's label (a paragraph's with its first words), else one from the indexes."""
    if loc is None:
        return ""
    if document is not None and isinstance(block_of(loc, document), Paragraph) and (not loc.label or _PARAGRAPH_ORDINAL.search(loc.label)):
        return paragraph_label(loc, document)
    if loc.label:
        return loc.label
    parts: list[str] = []
    if loc.sheet:
        parts.append(f"工作表「{loc.sheet}」")
    elif loc.page is not None:
        parts.append(f"第{loc.page}页")
    block = block_of(loc, document) if document else None
    if loc.sheet and loc.line is not None:  # a workbook's cell: the row Excel shows
        parts.append(f"第{loc.line}行")
        if loc.col is not None:
            parts.append(f"第{loc.col + 1}列")
    elif isinstance(block, Table) or (block is None and loc.table is not None):
        number = block.index if isinstance(block, Table) else loc.table
        parts.append(f"表{number + 1}")
        if loc.row is not None:
            parts.append(f"第{loc.row + 1}行")
        if loc.col is not None:
            parts.append(f"第{loc.col + 1}列")
    elif loc.block is not None:
        parts.append(f"第{loc.block + 1}块")
    if loc.line is not None and not parts:
        parts.append(f"第{loc.line}行")
    return " ".join(parts)


def primary_evidence(finding: Finding, document: Document | None = None) -> Evidence | None:
    """The evidence a finding is about: a narrative sentence when it quotes one, else its first located evidence.

    A finding comparing a sentence with a table figure is about the sentence
    (that is what gets rewritten), so links, highlights and comments start there.
    """
    located = [ev for ev in finding.evidence if ev.loc is not None]
    if document is not None:
        in_text = [ev for ev in located if isinstance(block_of(ev.loc, document), Paragraph)]
        if in_text and len(in_text) < len(located):
            return in_text[0]
    return located[0] if located else None


def finding_label(finding: Finding, document: Document | None = None) -> str:
    """The label of a finding's primary evidence (else any located one), or "全文" when it has none."""
    primary = primary_evidence(finding, document)
    ordered = ([primary] if primary else []) + [ev for ev in finding.evidence if ev is not primary]
    for ev in ordered:
        if ev.loc is not None:
            label = location_label(ev.loc, document)
            if label:
                return label
    return "全文"


def places(finding: Finding, document: Document | None = None) -> list[str]:
    """Every distinct place a finding points at, in evidence order (several ×× lines: several places)."""
    labels = [location_label(ev.loc, document) for ev in finding.evidence if ev.loc is not None]
    return list(dict.fromkeys(label for label in labels if label))


def figures(finding: Finding, document: Document | None = None) -> list[tuple[str, str]]:
    """The finding's figures as (label, value): 报告值 and then 计算值, 要求 or 对照值, each compared value with its place."""
    out: list[tuple[str, str]] = []
    labels = [location_label(ev.loc, document) for ev in finding.evidence if ev.loc is not None]
    if finding.actual:
        out.append((REPORTED_LABEL, finding.actual))
    if finding.expected:
        label = finding.expected_label
        if finding.basis == "compared" and len(labels) > 1 and labels[1]:
            label = f"{label}（{labels[1]}）"
        out.append((label, finding.expected))
    return out


def located_evidence(finding: Finding, document: Document) -> list[Evidence]:
    """The evidence items whose location resolves to a block of ``document``, the primary one first, each settled on the cell holding its quote."""
    primary = primary_evidence(finding, document)
    found = [ev for ev in finding.evidence if ev.loc is not None and block_of(ev.loc, document) is not None]
    found.sort(key=lambda ev: ev is not primary)
    return [settled(ev, document) for ev in found]


def settled(evidence: Evidence, document: Document) -> Evidence:
    """``evidence`` moved to the cell of its table row that holds its quote, when the cell it names does not.

    A quote is what the finding is about: a finding about 实际完成值 whose
    location says 年度指标值, or a date finding pointing at 联系电话, or at an
    empty cell, is shown on the cell that has the quoted text. Nearest
    cell in the same row first, then the nearest row. Unchanged when the
    quote is empty, already in the named cell, or nowhere in the table.
    """
    loc = evidence.loc
    quote = evidence.quote.strip()
    table = block_of(loc, document) if loc is not None else None
    if not quote or not isinstance(table, Table) or loc.row is None or loc.col is None:
        return evidence
    named = cell_at(table, loc)
    if named is not None and _contains(named.text, quote):
        return evidence
    rows = sorted(range(len(table.rows)), key=lambda r: (abs(r - loc.row), r))
    flat = _flat(quote)  # _contains, with the quote normalized once for the whole table
    for r in rows:
        cols = sorted(range(len(table.rows[r])), key=lambda c: (abs(c - loc.col), c))
        for c in cols:
            text = table.rows[r][c].text
            if quote in text or flat in _flat(text):
                return dataclasses.replace(evidence, loc=loc.replaced(row=r, col=c, start=None, end=None))
    return evidence


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
    """For a model finding "大模型·已核验" or "需人工复核"; a rule finding is computed, not verified: ""."""
    if finding.source == "rule":
        return ""
    return UNVERIFIED_LABEL if finding.verification == "unverified" else "大模型·已核验"


def comment_text(finding: Finding, document: Document | None = None) -> str:
    """The text of the Word comment (or tooltip) describing a finding."""
    lines = [f"[{finding.rule}] {finding.message}"]
    lines += [f"{label}：{value}" for label, value in figures(finding, document)]
    if finding.suggestion:
        lines.append(f"建议：{finding.suggestion}")
    if finding.verification == "unverified":
        lines.append(f"（大模型发现，{UNVERIFIED_LABEL}）")
    primary = primary_evidence(finding, document)
    here = location_label(primary.loc, document) if primary else ""
    others = [label for label in places(finding, document) if label != here]
    if others:
        lines.append("相关位置：" + "；".join(others))
    return "\n".join(lines)


_IGNORED = re.compile(r"[\s\u3000]")


@lru_cache(maxsize=8192)  # reports use a few thousand distinct characters
def _kept(ch: str) -> str:
    """What one character becomes in normalized text: its NFKC form, or "" for whitespace."""
    norm = unicodedata.normalize("NFKC", ch)
    return "" if _IGNORED.fullmatch(ch) or not norm or _IGNORED.fullmatch(norm) else norm


def _normalized(text: str) -> tuple[str, list[int]]:
    """NFKC text without whitespace, with each kept char's index in the original."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for n in _kept(ch):
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
    """Whether ``needle`` occurs in ``haystack``, ignoring whitespace and width differences.

    Text is normalized character by character, so a verbatim occurrence is
    also a normalized one: only the others need the normalized texts.
    """
    return needle in haystack or _flat(needle) in _flat(haystack)


def _flat(text: str) -> str:
    """``text`` normalized character by character (NFKC, without whitespace)."""
    return "".join(map(_kept, text))


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
