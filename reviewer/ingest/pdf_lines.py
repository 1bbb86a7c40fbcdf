"""Printed lines of a PDF page: glyphs grouped into lines, and whether a line break is a wrap.

A line break is a wrap, and is joined, when the next line's first word would
not have fitted on the line: this re-joins "816.2 / 3" in a narrow cell and
wrapped Chinese sentences (without a space), and keeps real breaks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

from reviewer.ingest.pdf_glyphs import printed_rows

_LATIN = re.compile(r"[A-Za-z0-9.,%‰+\-]")
# Punctuation a line may not start with: line breaking keeps it with the character before.
_NO_LINE_START = set("，。、；：？！）》」』】〕”’％,.;:?!)]}%…")
# Punctuation a line may not end with: line breaking keeps it with the character after.
_NO_LINE_END = set("（《「『【〔“‘([{")
_SIZE, _TOP, _BOTTOM = itemgetter("size"), itemgetter("top"), itemgetter("bottom")
# Quotation marks: UAX #14 (rule LB19, followed by LibreOffice) breaks on neither side of them.
_QUOTES = set("“”‘’\"'")


@dataclass
class Line:
    """One printed line: its text and geometry."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    first_word: float  # width of the leading unbreakable piece
    page: int


def printed_lines(chars: list[dict], page: int) -> list[Line]:
    """Group characters into printed lines, top to bottom, each read left to right."""
    lines = []
    if not chars:  # an empty cell
        return lines
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
        sizes = list(map(_SIZE, visible))
        mixed = len(set(sizes)) > 1
        size = Counter(round(s, 1) for s in sizes).most_common(1)[0][0] if mixed else round(sizes[0], 1)
        lines.append(
            Line(
                text="".join(parts).strip(),
                x0=visible[0]["x0"],
                x1=visible[-1]["x1"],
                top=min(map(_TOP, visible)),
                bottom=max(map(_BOTTOM, visible)),
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


def wrapped(line: Line, following: Line, limit: float) -> bool:
    """Whether ``following`` continues ``line``: its first word would not have fitted before ``limit``."""
    # The slack covers the small gap layout engines put between Chinese and Latin text.
    return line.x1 + following.first_word + 0.3 * line.size > limit


def glue(before: str, after: str) -> str:
    """Join two wrapped pieces: a space only between two Latin words."""
    if before[-1:].isascii() and before[-1:].isalpha() and after[:1].isascii() and after[:1].isalpha():
        return before + " " + after
    return before + after


def cell_text(lines: list[Line], limit: float) -> str:
    """Text of a cell: wrapped lines joined, real line breaks kept as newlines."""
    if not lines:
        return ""
    text = lines[0].text
    for previous, line in zip(lines, lines[1:]):
        text = glue(text, line.text) if wrapped(previous, line, limit) else text + "\n" + line.text
    return text
