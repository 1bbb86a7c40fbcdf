"""Plain-text input: the three layouts reviewers paste, detected automatically.

- cells: a Word export where each cell is a tab-prefixed line, lines without a
  tab continue the previous cell, and a blank line ends a table row (a cell
  whose text holds or starts with blank lines stays one cell). Word leaves two
  blank lines after a table; text after only one, between table rows, is told
  from a cell's last paragraphs by the row widths and by how the file ends
  its other tables; when nothing tells, it is read as text between two tables
  and named in ``Document.warnings``;
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
        _read_cells(lines, builder)
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


def _clean_cell(parts: list[str]) -> str:
    return "\n".join(p.rstrip() for p in parts).strip()


def _read_cells(lines: list[str], b: _Builder) -> None:
    """The Word-export layout: tab-prefixed cell lines, blank line ends a row."""
    rows: list[list[tuple[str, int]]] = []
    row: list[tuple[list[str], int]] = []
    widest = 0  # cells in the widest row of the current table
    blanks = 0  # blank lines seen since the last content line
    convention: str | None = None  # how the file ends its tables, looked up at the first doubt
    n = len(lines)

    def close_row() -> None:
        nonlocal row, widest
        if row:
            rows.append([(_clean_cell(parts), line) for parts, line in row])
            widest = max(widest, len(row))
            row = []

    def close_table() -> None:
        nonlocal rows, widest
        close_row()
        b.table(rows)
        rows, widest = [], 0

    i = 0
    while i < n:
        raw = lines[i]
        if raw.startswith("\t"):
            if blanks:
                close_row()
            blanks = 0
            row.append(([raw[1:].replace("\t", " ")], i))
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
        end = _run_end(lines, i) if row else i  # only with a row open: each run is scanned once
        verdict = _run_in_cell(lines, i, end, row, rows, widest, blanks) if row else _TITLE
        if verdict == _UNSURE:
            if convention is None:
                convention = _table_ends(lines)
            verdict = convention or _UNSURE
        if verdict == _UNSURE:
            b.warnings.append(_unsure_warning(raw, b.numbers[i]))
        if verdict == _CELL:
            # Blank paragraphs inside a cell export as blank lines: the run belongs to the
            # last cell when the row goes on directly after it.
            row[-1][0].extend(["", *lines[i:end]])
            blanks = 0
            i = end
            continue
        close_table()
        blanks = 0
        b.paragraph(raw, i)
        i += 1
    close_table()


def _run_end(lines: list[str], i: int) -> int:
    """Index of the first line after the run of non-blank, non-tab lines starting at ``i``."""
    j = i
    while j < len(lines) and lines[j].strip() and not lines[j].startswith("\t"):
        j += 1
    return j


# What a run of text lines between table rows is (see _run_in_cell).
_CELL, _UNSURE, _TITLE = "cell", "unsure", "title"


def _run_in_cell(lines: list[str], start: int, end: int, row: list, rows: list, widest: int, blanks: int) -> str:
    """Whether the text run ``lines[start:end]`` (after ``blanks`` blank lines) is the rest of the row's last cell.

    _CELL (the cell's rest), _TITLE (the table ends and the run is text of
    its own) or _UNSURE (read as _TITLE, and said: two tables read as one give
    false sums, a table cut in two at most unread rows). The run must be
    followed by the row's next cell (a tab line), or, after one blank line,
    by the next row: a cell's last paragraphs end its row. Word leaves two
    blank lines after a table, but a hand-edited export may leave one: then a
    complete row (as wide as the widest so far) followed by a one-line run
    and a row of two or more cells is a table, a title and the next table; so
    is a run followed by a row that starts as the table's first row did (the
    next form of a series). A run followed by a row of its own as wide as the
    table's widest is the table going on. Any other run after one blank line
    that is followed by a row of its own may be either: _UNSURE.
    """
    complete = bool(rows) and len(row) >= widest
    if end < len(lines) and lines[end].startswith("\t"):
        coming = _row_length(lines, end)
        if blanks != 1:
            if _cell_goes_on(row, rows, widest, coming) and not _new_table_width(lines, end, coming, widest):
                return _CELL
            return _TITLE
        if not complete:
            return _CELL
        if _starts_again(lines[end], rows):
            return _TITLE
        # A title is one line; a cell's rest may be several paragraphs.
        return _TITLE if coming >= 2 and end - start == 1 else _UNSURE
    if blanks != 1 or end + 1 >= len(lines) or lines[end].strip() or not lines[end + 1].startswith("\t"):
        return _TITLE
    if _starts_again(lines[end + 1], rows):
        return _TITLE
    if rows and _row_length(lines, end + 1) == widest:
        return _CELL  # the table goes on with a row of its width
    return _UNSURE


def _new_table_width(lines: list[str], start: int, coming: int, widest: int) -> bool:
    """Whether the row of ``coming`` cells at ``start`` heads rows of its own width, narrower than the table.

    "总分 | 100 | 99.65 | 等级：优" (4 cells), a title, then "项目 | 2023年 | 2024年 | 增减额 | 增减率"
    (5) and "合计 | …" (5) make 9 cells as the form's widest row by chance: the next row,
    as wide as the coming one, shows a new table under the title.
    """
    k = start
    while k < len(lines) and (lines[k].startswith("\t") or lines[k].strip()):
        k += 1  # the coming row's cells and their paragraphs, up to the blank line that ends it
    while k < len(lines) and not lines[k].strip() and not lines[k].startswith("\t"):
        k += 1
    return coming < widest and k < len(lines) and lines[k].startswith("\t") and _row_length(lines, k) == coming


def _starts_again(cell_line: str, rows: list) -> bool:
    """Whether a cell line repeats the first cell of the table's first row: the next form of a series."""
    text = cell_line[1:].strip()
    return bool(rows) and bool(text) and text == rows[0][0][0].split("\n")[0]


def _table_ends(lines: list[str]) -> str:
    """How the file ends its tables where that is sure: _CELL when always with two blank lines
    (Word's export: a single one is then inside a cell), _TITLE when always with one, "" otherwise.

    Sure ends are a cell line followed by blank lines and then a text line that
    cannot go on a cell: one after two blank lines, or, after one, a run
    followed by more text or the end of the input, not by a cell line.
    """

    def blank(k: int) -> bool:
        return k < len(lines) and not lines[k].strip() and not lines[k].startswith("\t")

    def text(k: int) -> bool:
        return k < len(lines) and bool(lines[k].strip()) and not lines[k].startswith("\t")

    two = one = False
    for i, line in enumerate(lines):
        if not line.startswith("\t") or not blank(i + 1):
            continue
        if blank(i + 2):
            j = i + 2
            while blank(j):
                j += 1
            two = two or text(j)
        elif text(i + 2):
            j = _run_end(lines, i + 2)
            while blank(j):
                j += 1
            one = one or j == len(lines) or text(j)
    return _CELL if two and not one else _TITLE if one and not two else ""


def _unsure_warning(text: str, line: int) -> str:
    """The READ002 line for a run that may be a cell's last paragraphs or a title between two tables."""
    words = text.strip()
    words = words if len(words) <= 20 else words[:20] + "…"
    return (
        f"第 {line} 行“{words}”与前后的表格行只隔一个空行，无法确定是单元格的内容还是两张表格之间的文字，"
        "已按表格之间的文字读取，表格在此分为两张；如它是上一单元格的内容，请核对这两张表格"
    )


def _row_length(lines: list[str], start: int) -> int:
    """Number of cell lines (tab lines) from ``start`` up to the next blank line."""
    count = 0
    for line in lines[start:]:
        if line.startswith("\t"):
            count += 1
        elif not line.strip():
            break
    return count


def _cell_goes_on(row: list[tuple[list[str], int]], rows: list, widest: int, coming: int) -> bool:
    """Whether text after two or more blank lines, followed by ``coming`` cells, continues the last cell of ``row``.

    The text is the rest of a cell whose own first paragraph was empty (Word
    puts a cell's first paragraph on its tab line) in a row that is not
    complete yet: shorter than the table's widest row, or, as the first row, all
    empty. A complete row is the end of the table and the text a title.
    A last cell with text may also hold two blank paragraphs in a row: the run
    is its rest when the ``coming`` cells then complete the row to exactly the
    table's width (a title over a new table seldom does).
    """
    if any(part.strip() for part in row[-1][0]):
        return bool(rows) and len(row) + coming == widest
    if rows:
        return len(row) < widest
    return not any(part.strip() for parts, _ in row for part in parts)


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
