"""PDF pages read with pdfium: ruling lines however they are drawn, turned pages, unmapped glyphs, threads."""

from __future__ import annotations

import dataclasses
import io
import random
import sys
import threading
import time
from pathlib import Path

import pytest

from reviewer.errors import InputError
from reviewer.ingest import load, load_bytes
from reviewer.ingest.pdf import NO_TEXT
from reviewer.ingest.pdf_layer import read_layers
from reviewer.ingest.pdf_pages import cells_from_crossings, ruled_tables

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from make_fixtures import pdf_file  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "hunan_department.pdf"
ROWS = [["Item", "Budget", "Spent"], ["Roads", "120.5", "98.0"], ["Total", "120.5", "98.0"]]
XS = [0, 100, 200, 300]  # column boundaries from the grid's left edge, points
YS = [0, 20, 40, 60]  # row boundaries from the grid's bottom edge, points
LEFT, BOTTOM = 72, 640  # where the grid stands on an upright A4 page


def _lines() -> list[tuple[float, float, float, float]]:
    """The grid's ruling lines (x0, y0, x1, y1) in the grid's own coordinates."""
    return [(0, y, XS[-1], y) for y in YS] + [(x, 0, x, YS[-1]) for x in XS]


def _text(dx: float = LEFT, dy: float = BOTTOM) -> bytes:
    """The cells' text, in Helvetica 10 pt, for a grid whose bottom left corner is at (dx, dy)."""
    out = b""
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            out += b"BT /F1 10 Tf %.1f %.1f Td (%s) Tj ET\n" % (dx + XS[c] + 4, dy + YS[-1] - 20 * r - 14, text.encode())
    return out


def _pdf(content: bytes, rotate: int = 0, width: int = 595, height: int = 842, forms: list[bytes] = ()) -> bytes:
    """A one-page PDF: ``content`` with font /F1 and form XObjects /Fm1, /Fm2 … (objects 6, 7 …) on the page."""
    names = b" ".join(b"/Fm%d %d 0 R" % (n + 1, 6 + n) for n in range(len(forms)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Rotate %d /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << %s >> >> >>" % (width, height, rotate, names),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *forms,
    ]
    return pdf_file(objects)


def _form(body: bytes, matrix: str, inner: bytes = b"") -> bytes:
    """A form XObject drawing ``body`` under /Matrix ``matrix``; ``inner``: the forms its resources name."""
    resources = b"/Resources << /XObject << %s >> >>" % inner if inner else b""
    return (b"<< /Type /XObject /Subtype /Form /BBox [-1000 -1000 2000 2000] /Matrix [%s] %s /Length %d >>\n"
            b"stream\n%s\nendstream" % (matrix.encode(), resources, len(body), body))


def _stroked(dx: float = LEFT, dy: float = BOTTOM) -> bytes:
    """Each ruling line its own stroked path, as Word and LibreOffice draw them."""
    return b"".join(b"%.1f %.1f m %.1f %.1f l S\n" % (x0 + dx, y0 + dy, x1 + dx, y1 + dy) for x0, y0, x1, y1 in _lines())


VARIANTS = {
    "one path per line": _pdf(_stroked() + _text()),
    "the whole grid one path of many subpaths": _pdf(
        b"".join(b"%.1f %.1f m %.1f %.1f l " % (x0 + LEFT, y0 + BOTTOM, x1 + LEFT, y1 + BOTTOM) for x0, y0, x1, y1 in _lines())
        + b"S\n" + _text()),
    "thin filled rectangles": _pdf(
        b"".join(b"%.2f %.2f %.2f %.2f re f\n" % (x0 + LEFT - 0.25, y0 + BOTTOM - 0.25, x1 - x0 + 0.5, y1 - y0 + 0.5)
                 for x0, y0, x1, y1 in _lines()) + _text()),
    "a form in a form, moved by cm and by the forms' matrices": _pdf(
        b"q 1 0 0 1 36 0 cm /Fm1 Do Q\n" + _text(),
        forms=[_form(b"/Fm2 Do", f"1 0 0 1 {LEFT - 36 - 10} {BOTTOM}", inner=b"/Fm2 7 0 R"), _form(_stroked(10, 0), "1 0 0 1 0 0")]),
    "a page turned by /Rotate 90 whose drawing is turned back": _pdf(
        b"q 0 1 -1 0 595 0 cm\n" + _stroked(LEFT, 400) + _text(LEFT, 400) + b"Q\n", rotate=90),
    "a page turned by /Rotate 90 for viewing, its text written upright": _pdf(_stroked() + _text(), rotate=90),
    "a page upside down (/Rotate 180) drawn upside down": _pdf(b"q -1 0 0 -1 595 842 cm\n" + _stroked() + _text() + b"Q\n", rotate=180),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_ruled_table_reads_the_same_however_its_lines_are_drawn(variant):
    document = load_bytes(VARIANTS[variant], "table.pdf", ".pdf")
    assert len(document.tables) == 1
    assert [[c.text for c in row] for row in document.tables[0].rows] == ROWS


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_cells_are_those_pdfplumber_finds_on_the_same_page(variant):
    import pdfplumber

    data = VARIANTS[variant]
    ours = ruled_tables(read_layers(data, "table.pdf")[0].edges, 1, "table.pdf")
    # A page turned for viewing whose text is written upright is read as written: as the same page unturned.
    same = VARIANTS["one path per line"] if variant.endswith("its text written upright") else data
    with pdfplumber.open(io.BytesIO(same)) as pdf:
        theirs = [t.cells for t in pdf.pages[0].find_tables()]

    def rounded(tables):
        return sorted(sorted(tuple(round(v, 1) for v in cell) for cell in table) for table in tables)

    assert rounded(ours) == rounded(theirs) and len(ours) == 1 and len(ours[0]) == 9


def _grid_edges(rng: random.Random) -> list[dict]:
    """The ruling lines of a random form: rows and columns on a grid, some sides missing (merged cells),
    ends overshooting or falling short, lines a little off the grid, and stray lines."""
    xs = sorted(rng.sample(range(0, 500, 7), rng.randint(2, 9)))
    ys = sorted(rng.sample(range(0, 700, 9), rng.randint(2, 12)))
    boxes = [(a + rng.choice([0, 0, 0.4, -1]), y + rng.choice([0, 0, 0.5]), b + rng.choice([0, 0, 2]), None)
             for y in ys for a, b in zip(xs, xs[1:]) if rng.random() < 0.85]
    boxes += [(x + rng.choice([0, 0, 0.5]), a + rng.choice([0, 0, -1]), None, b + rng.choice([0, 0, 2]))
              for x in xs for a, b in zip(ys, ys[1:]) if rng.random() < 0.85]
    for _ in range(rng.randint(0, 5)):
        x, y, length = rng.uniform(0, 500), rng.uniform(0, 700), rng.uniform(3, 200)
        boxes.append((x, y, x + length, None) if rng.random() < 0.5 else (x, y, None, y + length))
    edges = []
    for x0, top, x1, bottom in boxes:
        x1, bottom = (x1, top) if bottom is None else (x0, bottom)
        edges.append({"x0": x0, "top": top, "x1": x1, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
                      "orientation": "h" if bottom == top else "v"})
    return edges


def test_the_cell_search_finds_pdfplumbers_cells_in_its_order():
    from pdfplumber.table import edges_to_intersections, intersections_to_cells, merge_edges

    rng = random.Random(15)
    for _ in range(300):
        crossings = edges_to_intersections(merge_edges(_grid_edges(rng), 3, 3, 3, 3), 3, 3)
        assert cells_from_crossings(crossings) == intersections_to_cells(crossings)


def test_characters_have_pdfminers_box_size_and_font():
    import pdfplumber

    data = _pdf(b"BT /F1 1 Tf 12 0 0 12 100 700 Tm (Ab) Tj ET BT /F1 10 Tf 2 0 0 1 100 600 Tm (E F) Tj ET")
    ours = read_layers(data, "chars.pdf")[0].chars
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        theirs = pdf.pages[0].chars
    assert [c["text"] for c in ours] == [c["text"] for c in theirs] == list("AbE F")
    for mine, plumb in zip(ours, theirs):
        assert mine["size"] == pytest.approx(plumb["size"])
        assert mine["upright"] and plumb["upright"]
        assert mine["fontname"] == plumb["fontname"] == "Helvetica"
        for key in ("x0", "x1"):
            assert mine[key] == pytest.approx(plumb[key], abs=0.01)
        # The box is one font size tall from the font's descent, which pdfium takes from the font's metrics.
        assert mine["bottom"] - mine["top"] == pytest.approx(plumb["bottom"] - plumb["top"])
        assert mine["bottom"] == pytest.approx(plumb["bottom"], abs=0.05 * plumb["size"])


def _cid_pdf(mapped: bool) -> bytes:
    """A page of twelve glyphs of a CID font (Identity-H), with or without a ToUnicode map to 一丁丂七."""
    content = b"BT /F1 12 Tf 72 700 Td <002100220023002400210022002300240021002200230024> Tj ET"
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def 1 begincodespacerange"
            b" <0000> <FFFF> endcodespacerange 1 beginbfrange <0021> <0024> <4E00> endbfrange endcmap"
            b" CMapName currentdict /CMap defineresource pop end end")
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R]"
        + (b" /ToUnicode 7 0 R" if mapped else b"") + b" >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ])


def test_cjk_glyphs_are_read_through_their_tounicode_map_and_unmapped_ones_are_no_text():
    assert [p.text for p in load_bytes(_cid_pdf(mapped=True), "cid.pdf", ".pdf").paragraphs] == ["一丁丂七" * 3]
    # pdfium would show the glyph codes (!"#$): pdfminer's "(cid:33)", never text.
    with pytest.raises(InputError) as caught:
        load_bytes(_cid_pdf(mapped=False), "cid.pdf", ".pdf")
    assert caught.value.problem == NO_TEXT


def test_a_run_of_spaces_pdfium_keeps_one_of_is_read_whole():
    data = _pdf(b"BT /F1 10 Tf 72 700 Td (Name:    Tel: 0731) Tj ET\nBT /F1 10 Tf 72 680 Td (Filled in by the unit office) Tj ET")
    assert [p.text for p in load_bytes(data, "spaces.pdf", ".pdf").paragraphs][0] == "Name:    Tel: 0731"


def test_pdfs_read_in_threads_at_once_read_as_one_at_a_time():
    # pdfium is not thread-safe; the web app reviews uploads in threads.
    expected = dataclasses.asdict(load(SAMPLE))
    results: list[dict] = []

    def read() -> None:
        results.append(dataclasses.asdict(load(SAMPLE)))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r == expected for r in results)


def test_a_page_of_too_many_ruling_lines_is_refused_before_its_cells_are_looked_for():
    # Short dashes 7 pt apart stay apart when joined: 80 x 60 of each way are 9,600 lines, some 10 s of
    # pdfplumber's crossing search; from a form drawn 60 times the file stays small.
    dashes = b"".join(b"%d 0 m %d 3.5 l S 0 %d m 3.5 %d l S\n" % (7 * i, 7 * i, 7 * i, 7 * i) for i in range(80))
    rows = b"".join(b"q 1 0 0 1 %d %d cm /Fm1 Do Q\n" % (7 * (j % 8), 7 * j) for j in range(60))
    data = _pdf(rows + _text(), forms=[_form(dashes, "1 0 0 1 0 0")])
    start = time.process_time()
    with pytest.raises(InputError) as caught:
        load_bytes(data, "lines.pdf", ".pdf")
    assert caught.value.problem.startswith("PDF 第 1 页有 ") and caught.value.problem.endswith("条表格线，超过每页 5000 条的上限")
    assert time.process_time() - start < 5


def test_a_page_drawing_too_many_path_segments_is_refused_as_they_are_read():
    # Forms drawn ten times in forms drawn ten times …: 10^5 copies of a 10-segment path from a file of 2 KB.
    forms = [_form(b"".join(b"q 1 0 0 1 %d 0 cm /Fm%d Do Q " % (k, n + 2) for k in range(10)), "1 0 0 1 0 0",
                   inner=b"/Fm%d %d 0 R" % (n + 2, 7 + n)) for n in range(5)]
    forms.append(_form(b"0 0 m 1 0 l 2 0 l 3 0 l 4 0 l 5 0 l 6 0 l 7 0 l 8 0 l 9 0 l S", "1 0 0 1 0 0"))
    start = time.process_time()
    with pytest.raises(InputError) as caught:
        load_bytes(_pdf(b"/Fm1 Do\n" + _text(), forms=forms), "paths.pdf", ".pdf")
    assert caught.value.problem == "PDF 第 1 页的图形超过 200000 段线条的上限"
    assert time.process_time() - start < 10


def test_an_invisible_text_layer_is_read_as_the_text_of_a_scan_made_searchable():
    # OCR writes its text in render mode 3 (neither filled nor stroked) over the page image.
    data = _pdf(b"BT 3 Tr /F1 12 Tf 72 700 Td (Total budget 120.5 spent 98.0) Tj ET")
    assert [p.text for p in load_bytes(data, "ocr.pdf", ".pdf").paragraphs] == ["Total budget 120.5 spent 98.0"]
