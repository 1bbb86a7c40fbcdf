"""Glyph-level clean-up of a PDF page before it is read."""

from __future__ import annotations

from operator import itemgetter


def dedupe_chars(chars: list[dict]) -> list[dict]:
    """The characters of a page without glyphs drawn twice at the same place (fake bold), in their order.

    Clusters as pdfplumber's ``Page.dedupe_chars`` with its defaults (same
    text, font and size; positions chained within 1 pt, first vertically, then
    horizontally) and keeps the topmost, leftmost copy of each cluster, in
    O(n log n): pdfplumber restores the order with ``list.index``, quadratic in
    the characters of a page.
    """
    same = itemgetter("upright", "text", "fontname", "size")
    groups: dict[tuple, list[dict]] = {}
    for char in chars:
        groups.setdefault(same(char), []).append(char)
    drop: set[int] = set()  # ids of the copies not kept: most pages have none
    first = itemgetter("top", "x0")
    for group in groups.values():
        if len(group) == 1:  # most characters: nothing to cluster
            continue
        for line in _chained(group, "top"):
            if len(line) == 1:
                continue
            for copies in _chained(line, "x0"):
                if len(copies) > 1:
                    kept = min(copies, key=first)
                    drop.update(id(char) for char in copies if char is not kept)
    return [char for char in chars if id(char) not in drop] if drop else list(chars)


def _chained(chars: list[dict], key: str, tolerance: float = 1.0) -> list[list[dict]]:
    """Characters split where the sorted ``key`` values step by more than ``tolerance``."""
    ordered = sorted(chars, key=itemgetter(key))
    clusters = [[ordered[0]]]
    for previous, char in zip(ordered, ordered[1:]):
        if char[key] > previous[key] + tolerance:
            clusters.append([char])
        else:
            clusters[-1].append(char)
    return clusters


def printed_rows(chars: list[dict]) -> list[list[dict]]:
    """Glyphs grouped into printed lines, top to bottom, each sorted left to right.

    A glyph joins the current line when its vertical middle falls within the
    line's first glyph, so superscripts and mixed fonts stay on their line.
    """
    rows: list[list[dict]] = []
    top = bottom = 0.0  # of the current line's first glyph
    for char in sorted(chars, key=itemgetter("top", "x0")):
        if rows and top <= (char["top"] + char["bottom"]) / 2 <= bottom:
            rows[-1].append(char)
        else:
            rows.append([char])
            top, bottom = char["top"], char["bottom"]
    x0 = itemgetter("x0")
    for row in rows:
        row.sort(key=x0)
    return rows
