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
  separates rows; where they are all alike, every line is a row.
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
        for lines in _split_by_columns(run):
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
    """Whether a lone segment is the next line of a cell above: it stands under one segment of the previous line, and no wider."""
    above = [s for s in run[-1] if s.x0 < segment.x1 and segment.x0 < s.x1]
    if len(above) != 1:
        return False
    tolerance = ALIGN * segment.size
    return above[0].x0 - tolerance <= segment.x0 and segment.x1 <= above[0].x1 + tolerance + segment.size


def _rows(lines: list[list[_Segment]]) -> list[_Row]:
    """Group a table's lines into rows (see the module docstring)."""
    gaps = [b[0].top - max(s.bottom for s in a) for a, b in zip(lines, lines[1:])]
    size = max(_size(line) for line in lines)
    split = min(gaps, default=0.0) + WRAP_STEP * size
    two_sizes = bool(gaps) and max(gaps) > split
    rows = [_Row(lines=[lines[0]])]
    for line, gap in zip(lines[1:], gaps):
        if two_sizes:
            new_row = len(line) > 1 and gap > split
        else:
            new_row = not _continues(line, rows[-1].lines[-1], lines)
        if new_row:
            rows.append(_Row(lines=[line]))
        else:
            rows[-1].lines.append(line)
    for row in rows:
        row.cells = _merge_spans([(s.x0, s.x1) for line in row.lines for s in line])
    return rows


def _continues(line: list[_Segment], above: list[_Segment], table: list[list[_Segment]]) -> bool:
    """Whether every segment of ``line`` is the next line of a cell above that was full (its text wrapped).

    A cell is full when the first glyph below would not have fitted after its
    text: its column's right limit is taken as the furthest any text of the
    table reaches in that column.
    """
    for segment in line:
        over = [s for s in above if s.x0 < segment.x1 and segment.x0 < s.x1]
        if len(over) != 1:
            return False
        limit = max(s.x1 for other in table for s in other if s.x0 < over[0].x1 and over[0].x0 < s.x1)
        first = segment.chars[0]["x1"] - segment.chars[0]["x0"]
        if over[0].x1 + first <= limit + 0.3 * segment.size:
            return False
    return True


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
    boxes = []
    for row, top, bottom in zip(rows, tops, bottoms):
        taken: set[int] = set()
        for x0, x1 in row.cells:
            covered = [i for i, c in enumerate(columns) if x0 < c[1] and c[0] < x1] or [_nearest_column(columns, x0, x1)]
            first, last = min(covered), max(covered)
            if taken & set(range(first, last + 1)):
                continue  # two cells of a row in one column: the first one's box holds both
            taken.update(range(first, last + 1))
            boxes.append((bounds[first], top, bounds[last + 1], bottom))
        boxes.extend((bounds[i], top, bounds[i + 1], bottom) for i in range(len(columns)) if i not in taken)
    return boxes


def _nearest_column(columns: list[tuple[float, float]], x0: float, x1: float) -> int:
    centre = (x0 + x1) / 2
    return min(range(len(columns)), key=lambda i: abs((columns[i][0] + columns[i][1]) / 2 - centre))
