"""Tables printed without ruling lines, found from where their text stands.

A table without borders is still laid out in columns: each printed line
breaks into segments at gaps wider than a character, and the segments of
successive lines stand in the same columns. This module finds such runs of
lines among the characters that no ruled table holds and returns, for each
table, the boxes of its cells (the shape a ruled table has, from pdf_pages),
so that the PDF reader places their characters and rebuilds their grid the
same way.

- A run starts at a line of two or more segments; a line of one segment
  joins it only as a wrapped continuation of a cell (narrow, close below);
  a wide line, a wide gap or a page end closes it. A lone row or a run whose
  first column holds only list numbers (1、 （一）) is narrative, not a table.
- Lines are grouped into rows by their spacing: where the gaps between lines
  fall into two sizes, the small one is a wrap inside a cell and the large one
  separates rows. The gap is measured in each column, from the text above in
  the same column: a cell merged down over two rows prints its lines centred
  between them, beside the first line of the next row, and those lines stay
  in its cell. Where the gaps are all alike, a line is a row unless each of
  its pieces continues a cell above, one that was full (a line break, not a
  new cell), or the line holds no number under a row's first line that
  does: a continuation holds no amount, 分值 or 得分. The one number a
  continuation holds is the tail of a number its narrow column wrapped
  ("2000.0" over "0"), told by clear signs only (_number_tail); digits
  under a number that are not its tail start a row, never glued to it.
- A row whose cells do not stand where the table's columns are (left edges,
  right edges or centres) starts a new table: forms often put a key-value
  block, a funds block and an indicator block one under another.
- Columns are the spans covered by the cells of the rows with the most cells;
  a cell reaching over several of them spans them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reviewer.ingest.pdf_glyphs import printed_rows

GAP = 1.0  # × font size: a gap at least this wide between two glyphs separates cells
WRAP_STEP = 0.5  # × font size: a gap between lines this much above the smallest one separates rows
MAX_GAP = 3.0  # × font size: a wider gap between lines ends a table
ALIGN = 0.35  # × font size: edges or centres this close stand in the same column
_NUMBER = re.compile(r"^[-−]?[\d,，]+(?:\.\d+)?[%％]?$")  # an amount, a score or a rate, nothing else
_TAIL = re.compile(r"^(?:\d+[%％]?|[%％])$")  # the digits a narrow column moved to the next line, or a rate's sign
_HEAD = re.compile(r"^[-−]?[\d,，]+(?:\.\d*)?$")  # what such a number printed before: "2000.0", "2000."
_OPENING = set("（(《“‘〔【[")
_CLOSING = set("）)》”’〕】]，。、；：！？,.;:%％")
_LIST_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|[①-⑳])$")


@dataclass
class _Segment:
    """Glyphs of one printed line standing together: a cell's text on that line."""

    chars: list[dict]
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)


@dataclass
class _Row:
    """One table row: the segments of its printed lines, merged into cells standing side by side."""

    lines: list[list[_Segment]]
    cells: list[tuple[float, float]] = field(default_factory=list)  # (x0, x1) of each cell, left to right
    up: list[tuple[float, float]] = field(default_factory=list)  # (x0, x1) of its text that is the cell above's (merged down)

    @property
    def top(self) -> float:
        return min(s.top for s in self.lines[0])

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.lines[-1])


def unruled_tables(chars: list[dict]) -> list[list[tuple[float, float, float, float]]]:
    """Cell boxes (x0, top, x1, bottom) of each borderless table among ``chars`` (one page's, as pdf_layer gives them)."""
    tables: list[list[tuple[float, float, float, float]]] = []
    for run in _runs(_segment_lines(chars)):
        for lines in _heads_joined(_split_by_columns(run)):
            rows = _rows(lines)
            if _is_table(rows):
                tables.append(_cell_boxes(rows))
    return tables


def _segment_lines(chars: list[dict]) -> list[list[_Segment]]:
    """Printed lines top to bottom, each as its segments left to right (whitespace glyphs only widen gaps)."""
    lines = []
    for row in printed_rows([c for c in chars if not c["text"].isspace()]):
        pieces: list[list[dict]] = [[row[0]]]
        for previous, char in zip(row, row[1:]):
            if char["x0"] - previous["x1"] >= GAP * max(char["size"], previous["size"]):
                pieces.append([char])
            else:
                pieces[-1].append(char)
        lines.append([_segment(piece) for piece in pieces])
    return lines


def _segment(chars: list[dict]) -> _Segment:
    return _Segment(
        chars=chars,
        x0=chars[0]["x0"],
        x1=max(c["x1"] for c in chars),
        top=min(c["top"] for c in chars),
        bottom=max(c["bottom"] for c in chars),
        size=max(c["size"] for c in chars),
    )


def _size(line: list[_Segment]) -> float:
    return max(s.size for s in line)


def _runs(lines: list[list[_Segment]]) -> list[list[list[_Segment]]]:
    """Maximal runs of lines that may be a table: a multi-segment line, then multi-segment lines or narrow wraps."""
    runs: list[list[list[_Segment]]] = []
    current: list[list[_Segment]] = []
    for line in lines:
        if current:
            gap = line[0].top - max(s.bottom for s in current[-1])
            close = gap <= MAX_GAP * _size(line)
            if close and (len(line) > 1 or _wraps_in_a_cell(line[0], current)):
                current.append(line)
                continue
            runs.append(current)
            current = []
        if len(line) > 1:
            current = [line]
    if current:
        runs.append(current)
    return runs


def _wraps_in_a_cell(segment: _Segment, run: list[list[_Segment]]) -> bool:
    """Whether a lone segment is the next line of a cell above: it stands under one segment of the last line
    with text in its column, close below it, and no wider (a line of a cell beside it may stand between them)."""
    line = next((ln for ln in reversed(run) if any(s.x0 < segment.x1 and segment.x0 < s.x1 for s in ln)), [])
    above = [s for s in line if s.x0 < segment.x1 and segment.x0 < s.x1]
    if len(above) != 1 or segment.top - above[0].bottom > segment.size:
        return False
    tolerance = ALIGN * segment.size
    return above[0].x0 - tolerance <= segment.x0 and segment.x1 <= above[0].x1 + tolerance + segment.size


def _rows(lines: list[list[_Segment]]) -> list[_Row]:
    """Group a table's lines into rows (see the module docstring)."""
    gaps = [b[0].top - max(s.bottom for s in a) for a, b in zip(lines, lines[1:])]
    split = _row_gap(gaps, max(_size(line) for line in lines))
    rows = [_Row(lines=[lines[0]])]
    for line, gap in zip(lines[1:], gaps):
        row = rows[-1]
        if split is None:
            new_row = not _continues(line, row, lines)
            up: list[_Segment] = []
        else:
            # The gap from the text above in each piece's own column; None where the row has none there.
            column_gaps = [_column_gap(segment, row) for segment in line]
            new_row = len(line) > 1 and gap > split or any(g is not None and g > split for g in column_gaps)
            # Digits a narrow column wrapped stand a Latin line below, not a wrap's gap: they go on all the same.
            new_row = new_row and not all(_number_tail(s, row, lines) for s in line)
            up = [s for s, g in zip(line, column_gaps) if g is not None and g <= split and not _NUMBER.match(s.text)]
        if new_row:
            rows.append(_Row(lines=[line], up=[(s.x0, s.x1) for s in up]))
        else:
            row.lines.append(line)
    for row in rows:
        row.cells = _merge_spans([(s.x0, s.x1) for line in row.lines for s in line])
    return rows


def _row_gap(gaps: list[float], size: float) -> float | None:
    """The gap that separates rows when the gaps fall into two sizes (None when they are all alike).

    The split is the first jump of at least WRAP_STEP × size between the
    sorted gaps, with two gaps or more above it: wraps inside a cell and
    lines of cells centred in a taller row stand below it, rows above it.
    Lines that overlap (a negative gap) are one row whatever the rest.
    """
    ordered = sorted(g for g in gaps if g >= 0)
    for k, (low, high) in enumerate(zip(ordered, ordered[1:])):
        if high - low >= WRAP_STEP * size:
            # One wide gap is a gap above a row, not a size of gaps: rows must be told apart by it twice.
            return (low + high) / 2 if len(ordered) - k - 1 >= 2 else None
    return None


def _column_gap(segment: _Segment, row: _Row) -> float | None:
    """The gap between a piece of a line and the row's last text above it in its column (None: none there)."""
    for line in reversed(row.lines):
        above = [s for s in line if s.x0 < segment.x1 and segment.x0 < s.x1]
        if above:
            return segment.top - max(s.bottom for s in above)
    return None


def _continues(line: list[_Segment], row: _Row, table: list[list[_Segment]]) -> bool:
    """Whether ``line`` is the next line of the row's cells above it (their text wrapped), not a row of its own.

    Each piece must stand under one piece of the line above, and either every
    such cell was full, or the row's first line holds numbers and this line
    none (numbers are a row's own: the 分值 and 得分 of an indicator, the
    amounts of a funds line; a wrapped cell goes on with words or a unit).
    A cell is full when the first glyph below would not have fitted after its
    text before its column's right limit (_column_limit). The tail of a wrapped
    number (_number_tail) goes on with it wherever the other pieces stand;
    other digits under a number never do. An opening bracket moves to the next line
    with the glyph after it, and a glyph with the closing punctuation after
    it (a line may not end with "（" nor start with "）"), so those count
    together; a piece that opens with closing punctuation ("%", "）") never
    starts a cell.
    """
    # A line of digit tails stands between a cell's lines without ending them (its Latin lines step further).
    above = next(ln for ln in reversed(row.lines) if ln is row.lines[0] or not all(_TAIL.match(s.text) for s in ln))
    full = True
    tails = [s for s in line if _number_tail(s, row, table)]
    for segment in line:
        if segment in tails:
            continue  # the end of a number above, full in its column: goes on with it whatever stands between
        over = [s for s in above if s.x0 < segment.x1 and segment.x0 < s.x1]
        digits = segment.text[0].isdigit() and _TAIL.match(segment.text)
        if len(over) != 1 or digits and (_NUMBER.match(over[0].text) or _HEAD.match(over[0].text)):
            return False  # digits under a number that are not its tail would be glued to it into a wrong number
        limit = _column_limit(over[0], table)
        if over[0].x1 + _first_unit(segment) <= limit + 0.3 * segment.size and segment.text[0] not in _CLOSING:
            full = False
    if full:
        return True
    numbers = [s for s in line if _NUMBER.match(s.text) and s not in tails]
    return any(_NUMBER.match(s.text) for s in row.lines[0]) and not numbers


def _number_tail(segment: _Segment, row: _Row, table: list[list[_Segment]]) -> bool:
    """Whether ``segment`` is the last digits of a number in the row above it that its narrow column wrapped.

    "2000.00" in a column as wide as "2000.0" prints "0" on the next line. The
    evidence must be clear, as a wrong number is worse than none: the piece is
    digits only (or a rate's "0%" or "%"), it stands directly below the row's
    last text in its column, within its span and no more than a line lower;
    that text is one number, not a rate, and full: its column's right limit
    (_column_limit) is nearer its end than the piece's first digit is wide;
    and the joined number has at most two decimals, as amounts, rates and
    scores do.
    """
    if not _TAIL.match(segment.text):
        return False
    over: list[_Segment] = []
    for line in reversed(row.lines):
        over = [s for s in line if s.x0 < segment.x1 and segment.x0 < s.x1]
        if over:
            break
    if len(over) != 1:
        return False
    number = over[0]
    tolerance = ALIGN * segment.size
    if not _HEAD.match(number.text) or segment.top - number.bottom > segment.size:
        return False
    if not (number.x0 - tolerance <= segment.x0 and segment.x1 <= number.x1 + tolerance):
        return False
    joined = number.text + segment.text
    if "." in joined and len(joined.split(".")[1].rstrip("%％")) > 2:
        return False
    # No slack: digits after digits stand with no gap.
    return number.x1 + _first_unit(segment) > _column_limit(number, table)


def _column_limit(segment: _Segment, table: list[list[_Segment]]) -> float:
    """How far right the text of ``segment``'s column reaches in the table (points).

    The furthest any text starting in the column reaches, counting only text
    sure to be the column's own: text followed on its line by text in the next
    column (a cell merged over the next columns is wider), or failing any such,
    text ending before the next column's first text.
    """
    tolerance = ALIGN * segment.size
    end = min((s.x0 for line in table for s in line if s.x0 >= segment.x1), default=float("inf"))

    def starts_here(s: _Segment) -> bool:
        return segment.x0 - tolerance <= s.x0 < segment.x1

    own = [s.x1 for line in table for s, after in zip(line, line[1:]) if starts_here(s) and after.x0 <= end + tolerance]
    inside = [s.x1 for line in table for s in line if starts_here(s) and s.x1 < end]
    return max([segment.x1, *(own or inside)])


def _first_unit(segment: _Segment) -> float:
    """Width of the glyphs that open a line and could not have been split: "（万", "分）"."""
    chars = segment.chars
    k = 1 if chars[0]["text"] not in _OPENING or len(chars) == 1 else 2
    while k < len(chars) and chars[k]["text"] in _CLOSING:
        k += 1
    return chars[k - 1]["x1"] - chars[0]["x0"]


def _merge_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping horizontal spans merged, left to right."""
    merged: list[tuple[float, float]] = []
    for x0, x1 in sorted(spans):
        if merged and x0 < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _aligned(cell: tuple[float, float], columns: list[tuple[float, float]], tolerance: float) -> bool:
    """Whether a cell's left edge, right edge or centre matches a cell already in the table."""
    centre = (cell[0] + cell[1]) / 2
    return any(
        abs(cell[0] - c[0]) <= tolerance or abs(cell[1] - c[1]) <= tolerance or abs(centre - (c[0] + c[1]) / 2) <= tolerance
        for c in columns
    )


def _split_by_columns(run: list[list[_Segment]]) -> list[list[list[_Segment]]]:
    """Split a run's lines into tables where a line's segments stop standing in the columns of the lines above."""
    tables: list[list[list[_Segment]]] = []
    seen: list[tuple[float, float]] = []
    for line in run:
        spans = [(s.x0, s.x1) for s in line]
        if tables:
            matched = sum(_aligned(span, seen, ALIGN * _size(line)) for span in spans)
            if 2 * matched > len(spans):
                tables[-1].append(line)
                seen.extend(spans)
                continue
        tables.append([line])
        seen = spans
    return tables


def _heads_joined(parts: list[list[list[_Segment]]]) -> list[list[list[_Segment]]]:
    """A one-row part over the next part whose columns it names is that table's first header row.

    The upper row of a two-row header ("项目 | 2024年 | 2023年 | 增减率" over
    "预算数 | 执行数 | 预算数 | 执行数") has fewer cells than the rows below it, so
    it does not stand in their columns line for line; it belongs to them when
    two or more of its cells, and at least half, stand where the table's cells
    do (left or right edges or centres).
    """
    joined: list[list[list[_Segment]]] = []
    for part in parts:
        if joined and len(joined[-1][0]) > 1 and len(_rows(joined[-1])) == 1:
            head = joined[-1][0]
            spans = [(s.x0, s.x1) for line in part for s in line]
            matched = sum(_aligned((s.x0, s.x1), spans, ALIGN * _size(head)) for s in head)
            if matched >= 2 and 2 * matched >= len(head):
                joined[-1] = [*joined[-1], *part]
                continue
        joined.append(part)
    return joined


def _is_table(rows: list[_Row]) -> bool:
    """Two rows or more, some with two cells or more, and not a list whose first column only numbers items."""
    if len(rows) < 2 or max(len(r.cells) for r in rows) < 2:
        return False
    firsts = [_first_text(row) for row in rows if len(row.cells) > 1]
    return not all(_LIST_NUMBER.match(text) for text in firsts)


def _first_text(row: _Row) -> str:
    x1 = row.cells[0][1]
    return "".join(s.text for line in row.lines for s in line if s.x1 <= x1)


def _cell_boxes(rows: list[_Row]) -> list[tuple[float, float, float, float]]:
    """Boxes of every grid cell, empty ones included, so that they tile the table like a ruled one."""
    widest = max(len(r.cells) for r in rows)
    columns = _merge_spans([cell for row in rows if len(row.cells) == widest for cell in row.cells])
    left = min(r.cells[0][0] for r in rows) - 1
    right = max(r.cells[-1][1] for r in rows) + 1
    bounds = [left] + [(a[1] + b[0]) / 2 for a, b in zip(columns, columns[1:])] + [right]
    tops = [rows[0].top - 1] + [(a.bottom + b.top) / 2 for a, b in zip(rows, rows[1:])]
    bottoms = tops[1:] + [rows[-1].bottom + 1]
    boxes: list[tuple[float, float, float, float]] = []
    above: dict[int, int] = {}  # column -> index in ``boxes`` of the box that holds it in the row above
    for row, top, bottom in zip(rows, tops, bottoms):
        taken: set[int] = set()
        here: dict[int, int] = {}
        for x0, x1 in row.cells:
            # The columns whose share of the width holds the centre of one of its glyphs: those its text
            # would land in ("建设产业基地6个。" over three of them, its "。" past the middle of a gap).
            low, high = _centres(row, x0, x1)
            covered = [i for i in range(len(columns)) if low < bounds[i + 1] and bounds[i] <= high]
            first, last = min(covered), max(covered)
            if taken & set(range(first, last + 1)):
                continue  # two cells of a row in one column: the first one's box holds both
            taken.update(range(first, last + 1))
            if first in above and any(u0 < x1 and x0 < u1 for u0, u1 in row.up):
                # Text of the cell above, merged down beside this row's first line: that cell reaches down here.
                k = above[first]
                boxes[k] = (*boxes[k][:3], bottom)
            else:
                k = len(boxes)
                boxes.append((bounds[first], top, bounds[last + 1], bottom))
            here.update((i, k) for i in range(first, last + 1))
        for i in range(len(columns)):
            if i not in taken:
                here[i] = len(boxes)
                boxes.append((bounds[i], top, bounds[i + 1], bottom))
        above = here
    return boxes


def _centres(row: _Row, x0: float, x1: float) -> tuple[float, float]:
    """The leftmost and rightmost glyph centres of the row's text between ``x0`` and ``x1``."""
    centres = [(c["x0"] + c["x1"]) / 2 for line in row.lines for s in line if x0 <= s.x0 and s.x1 <= x1 for c in s.chars]
    return min(centres), max(centres)
