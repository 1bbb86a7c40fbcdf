"""Glyph-level clean-up of a PDF page before it is read."""

from __future__ import annotations

from operator import itemgetter


def dedupe_chars(chars: list[dict]) -> list[dict]:
    """The characters of a page without glyphs drawn twice at the same place (fake bold), in their order.

    Clusters as pdfplumber's ``Page.dedupe_chars`` with its defaults (same
    text, font and size; positions chained within 1 pt, first vertically, then
    horizontally) and keeps the topmost, leftmost copy of each cluster, in
    O(n log n): pdfplumber restores the order with ``list.index``, quadratic in
    the characters of a page. Grouped in the order of their tops, each
    group's lines are found without sorting it again.
    """
    same = itemgetter("upright", "text", "fontname", "size")
    groups: dict[tuple, list[dict]] = {}
    for char in sorted(chars, key=_TOP):
        groups.setdefault(same(char), []).append(char)
    drop: set[int] = set()  # ids of the copies not kept: most pages have none
    first = itemgetter("top", "x0")
    for group in groups.values():
        if len(group) == 1:  # most characters: nothing to cluster
            continue
        for line in _chained(group, _TOP, ordered=True):
            for copies in _chained(line, _X0):
                kept = min(copies, key=first)
                drop.update(id(char) for char in copies if char is not kept)
    return [char for char in chars if id(char) not in drop] if drop else list(chars)


_TOP, _X0 = itemgetter("top"), itemgetter("x0")


def _chained(chars: list[dict], key: itemgetter, tolerance: float = 1.0, ordered: bool = False) -> list[list[dict]]:
    """The clusters of two or more ``chars`` whose ``key`` values (points), sorted stably, step by at most ``tolerance``.

    ``ordered``: the characters are in that order already. A character alone
    in its cluster (nearly all: a glyph recurs on other lines, not within a
    point) is left out, so that no list is made for it.
    """
    if not ordered:
        chars = sorted(chars, key=key)
    values = list(map(key, chars))
    clusters: list[list[dict]] = []
    start = 0
    for k in range(1, len(values)):
        if values[k] > values[k - 1] + tolerance:
            if k - start > 1:
                clusters.append(chars[start:k])
            start = k
    if len(values) - start > 1:
        clusters.append(chars[start:])
    return clusters


def printed_rows(chars: list[dict]) -> list[list[dict]]:
    """Glyphs grouped into printed lines, top to bottom, each sorted left to right.

    A glyph joins the current line when its vertical middle falls within the
    line's first glyph, so superscripts and mixed fonts stay on their line.
    """
    rows: list[list[dict]] = []
    top = bottom = 0.0  # of the current line's first glyph
    for char in sorted(chars, key=_TOP_X0):
        if rows and top <= (char["top"] + char["bottom"]) / 2 <= bottom:
            rows[-1].append(char)
        else:
            rows.append([char])
            top, bottom = char["top"], char["bottom"]
    for row in rows:
        if len(row) > 1:
            row.sort(key=_X0)
    return rows


_TOP_X0 = itemgetter("top", "x0")
