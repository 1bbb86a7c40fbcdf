"""Plain-text input: the three layouts reviewers paste, detected automatically.

- cells: a Word export where each cell is a tab-prefixed line and a blank
  line ends a table row (read by ``text_cells``);
- tsv: tab-separated rows, as Excel and WPS copy-paste gives them (rows may
  have fewer cells than the widest; a total label alone on the line under
  them, "总分（100分）", is the table's last row);
- markdown: pipe tables (``| a | b |``), with or without the ``|---|`` line.

Every step is linear in the input: lines are split and compared with string
methods, never with regular expressions that backtrack over a long run. Input
past ``MAX_LINES`` lines, ``MAX_LINE_CHARS`` characters on one line or
``MAX_CHARS`` characters in all is refused with an InputError naming the file
and the limit.
"""

from __future__ import annotations

import csv
import io
import re

from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.errors import InputError
from reviewer.ingest import MAX_CELLS, TOO_MANY_CELLS, half_width_numbers, lone_total, strip_residue
from reviewer.ingest.text_cells import read_cells

MAX_LINES = 200_000  # a long report is a few thousand lines
MAX_LINE_CHARS = 100_000  # a Word paragraph of this length is some fifty pages
MAX_CHARS = 1_000_000  # as the .docx reader; a long report has some 200,000
# An Excel-quoted cell spanning more lines than this is an unclosed quote, not a cell.
_MAX_QUOTED_LINES = 200


def decode(data: bytes, name: str) -> str:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 (with BOM, or without when its zero bytes tell), or GB18030 (GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif (encoding := _utf16_order(data)) is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            pass
        else:
            if not _CONTROL.search(text):
                return text
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" in text:
                break
            return text
    raise InputError(name, "无法识别的文本编码，或这不是文本文件（请提供 UTF-8 或 GBK 编码的文本）")


# Characters no text file holds (tab, line breaks and form feed aside): the sign of a wrong decoding.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _utf16_order(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when ``data`` looks like UTF-16 saved without a byte-order mark, else None.

    In such text every ASCII character (digits, line breaks, punctuation)
    has a zero byte on the same side of its pair, and only a few Chinese
    characters (U+4E00 一 and the like) one on the other side; UTF-8 and
    GBK text has no zero bytes at all, random bytes as many on both sides.
    The decoded text is checked for control characters by the caller.
    """
    if len(data) % 2 or b"\x00" not in data:
        return None
    odd, even = data[1::2].count(0), data[0::2].count(0)
    if odd > 10 * even:
        return "utf-16-le"
    if even > 10 * odd:
        return "utf-16-be"
    return None


def _pipe_cells(line: str) -> list[str] | None:
    """The cells of a markdown pipe row, or None when the line is not one.

    ``| a | b |`` with the closing pipe optional; full-width pipes (｜) as a
    Chinese web page or input method writes them; and, as markdown allows,
    ``a | b | c`` without the outer pipes when it has at least three cells.
    """
    if "|" not in line and "｜" not in line:  # most lines, asked of every line to tell the layout
        return None
    s = line.strip().replace("｜", "|")
    if len(s) >= 5 and s[0] != "|" and s.count(" | ") >= 2 and "\t" not in line:
        s = "|" + s
    if len(s) < 3 or s[0] != "|" or "|" not in s[1:]:
        return None
    return _split_pipes(s[1:-1] if s[-1] == "|" and s[-2] != "\\" else s[1:])


def _split_pipes(inner: str) -> list[str]:
    """Cells between unescaped pipes (``\\|`` is a pipe inside a cell), stripped; ``<br>`` is a line break."""
    cells, current, escaped = [], [], False
    for ch in inner:
        if escaped:
            current.append(ch if ch == "|" else "\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
    cells.append("".join(current) + ("\\" if escaped else ""))
    return [c.strip().replace("<br>", "\n") for c in cells]


def _outer_pipes(line: str) -> bool:
    """Whether a pipe row opens with an outer pipe (``| a | b |``), not a cell (``a | b | c``)."""
    return line.strip().replace("｜", "|").startswith("|")


def _is_separator(cells: list[str], min_dashes: int) -> bool:
    """Whether pipe cells form a ``|---|:--:|`` alignment row."""
    for cell in cells:
        core = cell.removeprefix(":").removesuffix(":")
        if len(core) < min_dashes or core.strip("-"):
            return False
    return True


def _has_internal_tab(line: str) -> bool:
    """Whether text stands before some tab of the line (tab-separated cells, not a tab-prefixed cell line)."""
    return any(field.strip() for field in line.split("\t")[:-1])


def detect_layout(lines: list[str]) -> str:
    """Which of the three layouts the text uses."""
    previous = None
    for line in lines:
        cells = _pipe_cells(line)
        if cells is not None and len(cells) >= 2 and previous is not None:
            return "markdown"  # two pipe rows of two cells in a row: a markdown table
        previous = cells if cells is not None and len(cells) >= 2 else None
    # A Word export's cell lines are a tab and one cell's text; a cell that itself holds a tab
    # gives such a line an inner tab, but those are few beside the plain cell lines.
    internal = sum(1 for line in lines if "\t" in line and _has_internal_tab(line))
    cell_lines = sum(1 for line in lines if line.startswith("\t") and "\t" not in line[1:])
    return "tsv" if internal >= 2 and cell_lines <= 3 * internal else "cells"


def read_text_bytes(data: bytes, name: str, digest: str) -> Document:
    """Read text bytes into a Document, detecting the layout; InputError past the size limits."""
    return read_text(decode(data, name), name, digest)


def read_text(text: str, name: str, digest: str) -> Document:
    """Read a text string into a Document, detecting the layout; InputError past the size limits."""
    if len(text) > MAX_CHARS:
        raise InputError(name, f"文本共 {len(text)} 个字符，超过 {MAX_CHARS} 个字符的上限")
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    count = len(raw_lines) - (raw_lines[-1] == "")  # a final newline ends the last line, not starts one
    if count > MAX_LINES:
        raise InputError(name, f"文本共 {count} 行，超过 {MAX_LINES} 行的上限")
    lines: list[str] = []
    numbers: list[int] = []  # the 1-based source line of each kept line
    for number, line in enumerate(raw_lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError(name, f"第 {number} 行有 {len(line)} 个字符，超过每行 {MAX_LINE_CHARS} 个字符的上限")
        clean = strip_residue(line)
        if len(clean) < len(line) and not clean.strip():
            continue  # a line that held only converter residue is no line of the report
        lines.append(half_width_numbers(clean))
        numbers.append(number)
    layout = detect_layout(lines)
    builder = _Builder(numbers, name)
    if layout == "markdown":
        _read_markdown(lines, builder)
    elif layout == "tsv":
        _read_tsv(lines, builder)
    else:
        read_cells(lines, builder)
    if not builder.blocks:
        raise InputError(name, "文件中没有可读的文字")
    return Document(path=name, sha256=digest, format=f"text-{layout}", blocks=builder.blocks, warnings=builder.warnings)


class _Builder:
    """Accumulates blocks with consistent locations; ``line`` arguments are 0-based indexes of kept lines."""

    def __init__(self, numbers: list[int], name: str) -> None:
        self.blocks: list = []
        self.warnings: list[str] = []  # what could not be read for sure (Document.warnings)
        self.table_count = 0
        self.cells = 0
        self.numbers = numbers
        self.name = name

    def paragraph(self, text: str, line: int, markdown: bool = False) -> None:
        text, style = _unmarked(text.strip(), markdown)
        if text:
            self.blocks.append(Paragraph(text=text, style=style, loc=Location(block=len(self.blocks), line=self.numbers[line])))

    def table(self, rows: list[list[tuple[str, int]]], grid: bool = False) -> None:
        """Add a table from rows of (text, line) pairs; ``grid``: a cell's ordinal is its grid column."""
        rows = [r for r in rows if r]
        if not rows:
            return
        self.cells += sum(len(r) for r in rows)
        if self.cells > MAX_CELLS:  # before the Cell objects, which cost far more than their text
            raise InputError(self.name, TOO_MANY_CELLS)
        block = len(self.blocks)
        index = self.table_count
        self.table_count += 1
        cells = [
            [
                Cell(
                    text=text,
                    row=r,
                    col=c,
                    grid_col=c if grid else None,
                    loc=Location(block=block, table=index, row=r, col=c, line=self.numbers[line]),
                )
                for c, (text, line) in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ]
        first = self.numbers[rows[0][0][1]]
        self.blocks.append(Table(index=index, rows=cells, loc=Location(block=block, table=index, line=first)))


def _read_tsv(lines: list[str], b: _Builder) -> None:
    """Tab-separated rows; quoted cells may hold newlines (Excel copy-paste)."""
    records = _tsv_records(lines)
    rows: list[list[tuple[str, int]]] = []
    for record, start in records:
        if len(record) == 1 and rows and lone_total(record[0]):
            # "总分（100分）" typed alone under the table: its total row with blank figures, not a note.
            rows.append([(record[0].strip(), start)])
            continue
        if len(record) <= 1:
            _emit_tsv_table(rows, b)
            rows = []
            if record and record[0].strip():
                b.paragraph(record[0], start)
            continue
        rows.append([(cell.strip(), start) for cell in record])
    _emit_tsv_table(rows, b)


def _tsv_records(lines: list[str]) -> list[tuple[list[str], int]]:
    """Records with the 0-based kept line each starts on; Excel quoting honoured unless a quote never closes."""
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter="\t", quotechar='"', strict=False)
    records, start = [], 0
    try:
        for record in reader:
            if reader.line_num - start > _MAX_QUOTED_LINES:
                break
            records.append((record, start))
            start = reader.line_num
        else:
            return records
    except csv.Error:  # a quoted cell past csv's field size limit: an unclosed quote
        pass
    return [(line.split("\t") if line else [], i) for i, line in enumerate(lines)]


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
    b.table([r[:width] for r in rows], grid=True)


def _read_markdown(lines: list[str], b: _Builder) -> None:
    """Markdown with pipe tables (alignment row optional); headings and text become paragraphs."""
    rows: list[list[tuple[str, int]]] = []
    for i, raw in enumerate(lines):
        cells = _pipe_cells(raw)
        if cells is not None and not _outer_pipes(lines[rows[0][0][1]] if rows else raw):
            # A table written without outer pipes (a | b | c): a pipe at a row's edge is a cell's,
            # and the empty cell beside it is kept (" | 质量指标 | …" under a merged first column).
            cells = _split_pipes(raw.strip().replace("｜", "|"))
        if cells is not None:
            # The alignment row follows the header row; elsewhere only a clear ``---`` row is one
            # (a row of "-" or "--" cells is a row of blank values).
            if _is_separator(cells, 1 if len(rows) == 1 else 3):
                continue
            rows.append([(c, i) for c in cells])
            continue
        if rows:
            b.table(rows, grid=True)
            rows = []
        b.paragraph(raw, i, markdown=True)
    if rows:
        b.table(rows, grid=True)


def _unmarked(text: str, markdown: bool) -> tuple[str, str | None]:
    """A paragraph's words without markdown's marks, and the heading style its ``#`` gives.

    "## 三、存在问题" -> ("三、存在问题", "Heading 2") in any layout (text pasted
    from a markdown editor is read the same whatever its tables look like);
    in a markdown file "##标题" too. A bold opening "**（一）预算执行**：…" loses
    its marks, so the numbering starts the line as in Word's text.
    """
    style = None
    hashes = len(text) - len(text.lstrip("#"))
    if 1 <= hashes <= 6 and (markdown or text[hashes : hashes + 1].isspace()):
        text, style = text[hashes:].strip(), f"Heading {hashes}"
    for mark in ("**", "__"):
        close = text.find(mark, len(mark)) if text.startswith(mark) else -1
        if close > len(mark):
            text = (text[len(mark) : close] + text[close + len(mark) :]).strip()
            break
    return text, style
