"""Tables of a PDF page from its ruling lines, and joining what page breaks split: a table going on over the next page.

Helpers of reviewer.ingest.pdf; grids are lists of boundary positions in points.
"""

from __future__ import annotations

from operator import itemgetter

from reviewer.document import Cell, Table
from reviewer.ingest.pdf_bounds import check_lines


def ruled_tables(edges: list[dict], number: int, name: str) -> list[list[tuple[float, float, float, float]]]:
    """Cell boxes (x0, top, x1, bottom) of each table its ruling lines draw, from the edges of page ``number`` (pdf_layer).

    pdfplumber's table finder with its default settings (the "lines" strategy):
    edges of at least 1 pt, snapped and joined within 3 pt, of at least 3 pt
    then, meet where they cross within 3 pt; the smallest boxes those crossings
    close are cells, and cells touching at a corner one table. A lone cell (a
    frame) is no table. Raises InputError (naming ``name``) past MAX_PAGE_LINES
    joined lines.
    """
    from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges

    edges = [e for e in edges if (e["height"] if e["orientation"] == "v" else e["width"]) >= 1]
    if not edges:
        return []
    edges = merge_edges(edges, snap_x_tolerance=3, snap_y_tolerance=3, join_x_tolerance=3, join_y_tolerance=3)
    edges = [e for e in edges if (e["height"] if e["orientation"] == "v" else e["width"]) >= 3]
    check_lines(len(edges), number, name)
    return cells_to_tables(cells_from_crossings(edges_to_intersections(edges, 3, 3)))


def cells_from_crossings(crossings: dict[tuple[float, float], dict[str, list[dict]]]) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``: for each crossing (x, top), the smallest box it opens.

    ``crossings`` maps each crossing to the "v" and "h" edges through it. The
    same search in the same order, but each crossing's edges are made boxes
    once, not at every test of whether two crossings share an edge (that,
    with the annotations pdfplumber evaluates at each test, was most of a
    ruled page's reading), and the crossings below and to the right of each
    are found by column and by row, not by scanning all that follow it.
    """
    box = itemgetter("x0", "top", "x1", "bottom")
    points = sorted(crossings)
    verticals = {p: {box(e) for e in crossings[p]["v"]} for p in points}
    horizontals = {p: {box(e) for e in crossings[p]["h"]} for p in points}
    columns: dict[float, list[tuple[float, float]]] = {}
    rows: dict[float, list[tuple[float, float]]] = {}
    for point in points:  # sorted by x, then top: each column top to bottom, each row left to right
        columns.setdefault(point[0], []).append(point)
        rows.setdefault(point[1], []).append(point)

    def connects(p: tuple[float, float], q: tuple[float, float]) -> bool:
        """Whether an edge runs from one crossing to the other."""
        return (p[0] == q[0] and not verticals[p].isdisjoint(verticals[q])) or (
            p[1] == q[1] and not horizontals[p].isdisjoint(horizontals[q])
        )

    # Where each crossing stands in its column and in its row.
    down = {point: k for column in columns.values() for k, point in enumerate(column, start=1)}
    across = {point: k for row in rows.values() for k, point in enumerate(row, start=1)}

    def smallest(point: tuple[float, float]) -> tuple[float, float, float, float] | None:
        below, right = columns[point[0]][down[point] :], rows[point[1]][across[point] :]
        for below_point in below:
            if not connects(point, below_point):
                continue
            for right_point in right:
                if not connects(point, right_point):
                    continue
                corner = (right_point[0], below_point[1])
                if corner in crossings and connects(corner, right_point) and connects(corner, below_point):
                    return point[0], point[1], corner[0], corner[1]
        return None

    return [cell for point in points if (cell := smallest(point)) is not None]


def column_map(previous: list[float], found: list[float], snap: float, loose: bool = False) -> list[int] | None:
    """Where each grid boundary (``found``, points) of a table at the top of a page stands among ``previous``.

    The table goes on when its outer edges are the other's and each of its
    column boundaries is one of the other's: a form whose earlier blocks had
    other columns (a funds block over an indicator block) goes on with the
    last block's columns only. None when it is another table. ``loose``: both
    tables were placed from where their text stands, so a boundary may move a
    quarter of the narrowest column, and the last columns may be empty on
    this page (the right edge then falls inside the other's last column).
    """
    tolerance = 2 * snap
    if loose:
        tolerance = max(tolerance, min(b - a for a, b in zip(previous, previous[1:])) / 4)
    mapping = []
    for x in found[:-1] if loose else found:
        nearest = min(range(len(previous)), key=lambda k: abs(previous[k] - x))
        if abs(previous[nearest] - x) > tolerance:
            return None
        mapping.append(nearest)
    if loose:  # the right edge of the text: the boundary after the last column that has some
        edge = found[-1] - tolerance
        mapping.append(next((k for k, x in enumerate(previous) if x >= edge), len(previous) - 1))
    full = mapping[-1] == len(previous) - 1 or loose
    if mapping[0] != 0 or not full or any(a >= b for a, b in zip(mapping, mapping[1:])):
        return None
    return mapping


def same_row_key(row: list[Cell]) -> list[tuple[str, int | None, int, bool]]:
    """What makes two rows the same row (a header Word repeats on each page)."""
    return [(c.text, c.grid_col, c.colspan, c.continued) for c in row]


def continue_merges(table: Table, first: list[Cell]) -> None:
    """Mark empty cells that go on a vertical merge cut by the page break as continuations."""
    last = table.rows[-1]
    for cell in first:
        above = next((c for c in last if c.grid_col == cell.grid_col and c.colspan == cell.colspan), None)
        if above is None or cell.text or not (above.continued or cell.rowspan > 1):
            continue
        origin = merge_origin(table, cell.grid_col)
        if origin is not None:
            origin.rowspan += cell.rowspan
            cell.continued, cell.rowspan = True, 1


def merge_origin(table: Table, grid_col: int | None) -> Cell | None:
    """The cell at the top of the vertical merge that reaches the table's last row in ``grid_col``."""
    for row in reversed(table.rows):
        cell = next((c for c in row if c.grid_col == grid_col), None)
        if cell is None:
            return None
        if not cell.continued:
            return cell
    return None
