"""Plain-text input: the three layouts reviewers paste, detected automatically.

- cells: a Word export where each cell is a tab-prefixed line, lines without a
  tab continue the previous cell, and a blank line ends a table row;
- tsv: tab-separated rows, as Excel and WPS copy-paste gives them;
- markdown: pipe tables (``| a | b |``) between paragraphs.
"""

from __future__ import annotations

import csv
import io
import re

from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.errors import InputError

_MD_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_INTERNAL_TAB = re.compile(r"[^\t\s][^\t]*\t|\t[^\t]*[^\t\s][^\t]*\t")


def decode(data: bytes, name: str) -> str:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise InputError(name, "无法识别的文本编码，或这不是文本文件（请提供 UTF-8 或 GBK 编码的文本）")


def detect_layout(lines: list[str]) -> str:
    """Which of the three layouts the text uses."""
    md_rows = sum(1 for ln in lines if _MD_ROW.match(ln))
    md_seps = sum(1 for ln in lines if _MD_SEPARATOR.match(ln) and "|" in ln)
    if md_rows >= 2 and md_seps >= 1:
        return "markdown"
    internal = sum(1 for ln in lines if "\t" in ln.strip("\n") and _INTERNAL_TAB.search(ln))
    if internal >= 2:
        return "tsv"
    return "cells"


def read_text_bytes(data: bytes, name: str, digest: str) -> Document:
    """Read text bytes into a Document, detecting the layout."""
    return read_text(decode(data, name), name, digest)


def read_text(text: str, name: str, digest: str) -> Document:
    """Read a text string into a Document, detecting the layout."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    layout = detect_layout(lines)
    builder = _Builder()
    if layout == "markdown":
        _read_markdown(lines, builder)
    elif layout == "tsv":
        _read_tsv(lines, builder)
    else:
        _read_cells(lines, builder)
    if not builder.blocks:
        raise InputError(name, "文件中没有可读的文字")
    return Document(path=name, sha256=digest, format=f"text-{layout}", blocks=builder.blocks)


class _Builder:
    """Accumulates blocks with consistent locations."""

    def __init__(self) -> None:
        self.blocks: list = []
        self.table_count = 0

    def paragraph(self, text: str, line: int) -> None:
        text = text.strip()
        if text:
            self.blocks.append(Paragraph(text=text, loc=Location(block=len(self.blocks), line=line)))

    def table(self, rows: list[list[tuple[str, int]]]) -> None:
        """Add a table from rows of (text, line) pairs."""
        rows = [r for r in rows if r]
        if not rows:
            return
        block = len(self.blocks)
        index = self.table_count
        self.table_count += 1
        grid = [
            [
                Cell(
                    text=text,
                    row=r,
                    col=c,
                    loc=Location(block=block, table=index, row=r, col=c, line=line),
                )
                for c, (text, line) in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ]
        self.blocks.append(Table(index=index, rows=grid, loc=Location(block=block, table=index, line=rows[0][0][1])))


def _clean_cell(parts: list[str]) -> str:
    return "\n".join(p.rstrip() for p in parts).strip()


def _read_cells(lines: list[str], b: _Builder) -> None:
    """The Word-export layout: tab-prefixed cell lines, blank line ends a row."""
    rows: list[list[tuple[str, int]]] = []
    row: list[tuple[list[str], int]] = []
    blanks = 0  # blank lines seen since the last content line
    n = len(lines)

    def close_row() -> None:
        nonlocal row
        if row:
            rows.append([(_clean_cell(parts), line) for parts, line in row])
            row = []

    def close_table() -> None:
        nonlocal rows
        close_row()
        b.table(rows)
        rows = []

    i = 0
    while i < n:
        raw = lines[i]
        lineno = i + 1
        if raw.startswith("\t"):
            if blanks:
                close_row()
            blanks = 0
            row.append(([raw[1:].replace("\t", " ")], lineno))
            i += 1
            continue
        if not raw.strip():
            blanks += 1
            i += 1
            continue
        # A non-tab line: continuation of the current cell, or a paragraph.
        if row and blanks == 0:
            row[-1][0].append(raw)
            i += 1
            continue
        if row and blanks == 1 and _continues_row(lines, i):
            # A cell holding several paragraphs exports as text, blank, text:
            # the run belongs to the last cell when a cell line follows it directly.
            row[-1][0].extend(["", raw])
            blanks = 0
            i += 1
            while i < n and lines[i].strip() and not lines[i].startswith("\t"):
                row[-1][0].append(lines[i])
                i += 1
            continue
        close_table()
        blanks = 0
        b.paragraph(raw, lineno)
        i += 1
    close_table()


def _continues_row(lines: list[str], i: int) -> bool:
    """True when the non-tab run starting at ``i`` is followed directly by a cell line."""
    j = i
    while j < len(lines) and lines[j].strip() and not lines[j].startswith("\t"):
        j += 1
    return j < len(lines) and lines[j].startswith("\t")


def _read_tsv(lines: list[str], b: _Builder) -> None:
    """Tab-separated rows; quoted cells may hold newlines (Excel copy-paste)."""
    text = "\n".join(lines)
    # csv handles Excel's quoting of multi-line cells; track line numbers by counting.
    reader = csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')
    rows: list[list[tuple[str, int]]] = []
    line = 1

    def flush() -> None:
        nonlocal rows
        _emit_tsv_table(rows, b)
        rows = []

    for record in reader:
        start = line
        line = reader.line_num + 1
        if len(record) <= 1:
            flush()
            if record and record[0].strip():
                b.paragraph(record[0], start)
            continue
        rows.append([(cell.strip(), start) for cell in record])
    flush()


def _emit_tsv_table(rows: list[list[tuple[str, int]]], b: _Builder) -> None:
    """Trim empty trailing columns; leading rows with one filled cell are titles."""
    while rows and sum(1 for t, _ in rows[0] if t) <= 1:
        title = next(((t, ln) for t, ln in rows[0] if t), None)
        if title:
            b.paragraph(*title)
        rows = rows[1:]
    if not rows:
        return
    width = max((max((c for c, (t, _) in enumerate(r) if t), default=-1) + 1) for r in rows)
    b.table([r[:width] for r in rows])


def _read_markdown(lines: list[str], b: _Builder) -> None:
    """Markdown with pipe tables; headings and text become paragraphs."""
    rows: list[list[tuple[str, int]]] = []
    for i, raw in enumerate(lines, start=1):
        if _MD_ROW.match(raw):
            if _MD_SEPARATOR.match(raw):
                continue
            inner = raw.strip()[1:-1]
            cells = [c.strip().replace("<br>", "\n").replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]
            rows.append([(c, i) for c in cells])
            continue
        if rows:
            b.table(rows)
            rows = []
        stripped = raw.strip()
        if stripped:
            b.paragraph(re.sub(r"^#{1,6}\s*", "", stripped), i)
    if rows:
        b.table(rows)
