"""What a PDF page draws, read with pdfium: its characters and its ruling lines, in pdfplumber's shapes.

pdfium (through pypdfium2's raw ctypes API) parses the file, interprets the
content streams and maps glyphs to text (ToUnicode, CJK CMaps) in C; this
module only asks it, page by page, for:

- each character: a dict with ``text``, its box ``x0``/``x1``/``top``/
  ``bottom`` (points from the page's left and top edges: pdfminer's box, the
  advance width by the font size, from the font's descent below the
  baseline), ``size`` (the font size as drawn), ``fontname`` and ``upright``.
  Characters pdfium adds between words and lines are left out, and so are
  glyphs without a Unicode mapping (pdfminer's "(cid:N)");
- the ruling lines: each straight piece of every painted path, on the page or
  in a form XObject, as pdfplumber's edges (``orientation`` "h" or "v"). A path
  is split into subpaths and read as pdfminer reads it: a lone segment is a
  line, anything else (rectangles, thin filled bars, polygons) gives its
  sides, curves their end points; stroke or fill does not matter.

A page whose /Rotate turns it for viewing is read in the frame it is viewed
in, unless its text then stands sideways (a page rotated for viewing whose
text was written upright): then it is read as written.

pdfium is not thread-safe, not even across documents, and the web app reviews
uploads in threads: every call into it is made under one process-wide lock,
and everything opened is closed before the lock is released.
"""

from __future__ import annotations

import ctypes
import math
import threading
from dataclasses import dataclass
from typing import NamedTuple

from reviewer.ingest.pdf_bounds import check_chars, check_pages, check_segments, check_size

PDFIUM = threading.Lock()


@dataclass
class PageLayer:
    """One page's characters and edges (pdfplumber-shaped dicts), and its height in points."""

    chars: list[dict]
    edges: list[dict]
    height: float


def read_layers(data: bytes, name: str) -> list[PageLayer]:
    """Every page of the PDF ``data``, read with pdfium.

    Raises InputError (through pdf_bounds) past the page and character
    limits, and ``pypdfium2.PdfiumError`` when pdfium cannot open the file
    (``err_code`` tells a password from damage).
    """
    import pypdfium2

    with PDFIUM:
        pdf = pypdfium2.PdfDocument(data)
        try:
            check_pages(len(pdf), name)
            layers, total = [], 0
            for number in range(len(pdf)):
                page = pdf[number]
                try:
                    layer, count = _read_page(page, number + 1, name, total)
                finally:
                    page.close()
                total += count
                layers.append(layer)
            return layers
        finally:
            pdf.close()


def _read_page(page, number: int, name: str, total: int) -> tuple[PageLayer, int]:
    """A page's layer and its count of pdfium characters (generated ones too, as the limits count them)."""
    import pypdfium2.raw as pdfium_c

    check_size(*page.get_size(), number, name)
    text = pdfium_c.FPDFText_LoadPage(page.raw)
    try:
        count = pdfium_c.FPDFText_CountChars(text)
        check_chars(count, number, total + count, name)
        glyphs = _glyphs(text, count)
    finally:
        pdfium_c.FPDFText_ClosePage(text)
    edges = _edges(page.raw, number, name)
    turns = pdfium_c.FPDFPage_GetRotation(page.raw) % 4
    if turns and 2 * sum(style.upright[turns % 2] for _, style, _, _ in glyphs) < len(glyphs):
        turns = 0  # the text stands upright only as written: read it so
    frame = _Frame(turns, *page.get_mediabox())
    for edge in edges:
        edge["x0"], edge["x1"], edge["top"], edge["bottom"] = frame.box(*edge.pop("box"))
        _orient(edge)
    return PageLayer(chars=frame.chars(glyphs), edges=edges, height=frame.height), count


def _upright(matrix: tuple[float, float, float, float], turns: int) -> bool:
    """pdfminer's ``upright`` of a glyph drawn with ``matrix`` (a, b, c, d) on a page turned ``turns`` quarters."""
    a, b, c, d = matrix
    if turns % 2:
        return b * c < 0 and a * d >= 0
    return a * d > 0 and b * c <= 0


class _Frame:
    """pdfplumber's page frame: user-space points to (x, top) from the viewed page's left and top edges.

    pdfminer turns a page by its /Rotate (quarter turns clockwise) before measuring.
    """

    def __init__(self, turns: int, x0: float, y0: float, x1: float, y1: float) -> None:
        left, right, bottom, top = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)  # a MediaBox may run backwards
        self.turns, self.left, self.bottom, self.right, self.top = turns, left, bottom, right, top
        self.height = (right - left) if turns % 2 else (top - bottom)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """The user-space box (x0, y0, x1, y1) as seen: (x0, x1, top, bottom) in points."""
        if self.turns == 0:
            return x0 - self.left, x1 - self.left, self.top - y1, self.top - y0
        if self.turns == 1:
            return y0 - self.bottom, y1 - self.bottom, x0 - self.left, x1 - self.left
        if self.turns == 2:
            return self.right - x1, self.right - x0, y0 - self.bottom, y1 - self.bottom
        return self.top - y1, self.top - y0, self.right - x1, self.right - x0

    def chars(self, glyphs: list[_Glyph]) -> list[dict]:
        """The glyphs as pdfplumber's character dicts on the page as seen."""
        if self.turns == 0:  # nearly every page: the box as ``box`` places it, without a call per character
            left, top = self.left, self.top
            return [
                {"text": text, "x0": x0 - left, "x1": x1 - left, "top": top - y1, "bottom": top - y0, "doctop": top - y1,
                 "size": style.size, "fontname": style.font, "upright": style.upright[0]}
                for text, style, _, (x0, y0, x1, y1) in glyphs
            ]
        chars = []
        for text, style, _, box in glyphs:
            x0, x1, top, bottom = self.box(*box)
            chars.append({"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                          "size": style.size, "fontname": style.font, "upright": style.upright[self.turns % 2]})
        return chars


# --- characters -----------------------------------------------------------------------------------


class _Style(NamedTuple):
    """What the characters of one text object share."""

    matrix: tuple[float, float, float, float]  # text matrix by the graphics state's, without the font size
    font_size: float
    size: float  # the font size as drawn: by the text's vertical scale
    descent: float  # the font's descent per point of font size (negative)
    font: str
    upright: tuple[bool, bool]  # pdfminer's ``upright`` on a page turned an even, an odd number of quarters
    # The bottom and top of the box of upright text (matrix a, d > 0, b = c = 0) above the origin; None for other text.
    low: float | None
    high: float | None


# A character as pdfium gives it, in user space (points, y up): its text, style, baseline and box
# (x0, y0, x1, y1). A plain tuple: a named one costs more to make than pdfium's calls for the character.
_Glyph = tuple[str, _Style, float, tuple[float, float, float, float]]


def _bare(function, restype):
    """The pypdfium2 function ``function`` without its declared argument types, returning ``restype``.

    pypdfium2's bindings convert each argument to its declared type, which
    costs as much as pdfium's own work in the calls made for every character
    and path segment. A bare function is given what ctypes passes as it is:
    pypdfium2's handles (or a ``c_void_p``), ``byref`` pointers, and Python
    ints, passed as C ints: only for functions whose integer parameters are ints.
    """
    bare = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    bare.restype = restype
    return bare


def _glyphs(text, count: int) -> list[_Glyph]:
    """The page's drawn, mapped characters in content order."""
    import pypdfium2.raw as pdfium_c

    handle = ctypes.cast(text, ctypes.c_void_p)
    unicode = _bare(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
    generated = _bare(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)
    map_error = _bare(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int)
    text_object = _bare(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p)  # the object's address: the style's key
    get_loose = _bare(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
    get_origin = _bare(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int)
    rect, x, y = pdfium_c.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    rect_at, x_at, y_at = ctypes.byref(rect), ctypes.byref(x), ctypes.byref(y)
    styles = _Styles(text, handle)
    known = styles.by_object  # looked up here: a call per character costs as much as a pdfium call
    isfinite = math.isfinite
    glyphs: list[_Glyph] = []
    space: _Glyph | None = None  # the glyph before, if a space
    for index in range(count):
        code = unicode(handle, index)
        if code in (0x20, 0x0D, 0x0A) and generated(handle, index):
            continue  # spaces and line ends pdfium adds between words and lines
        if code < 0x20 or (code >= 0xD800 and _unmapped(code)):
            if code != 0x02 or not pdfium_c.FPDFText_IsHyphen(text, index):
                continue
            code = 0x2D  # pdfium marks a hyphen that ends a line
        if map_error(handle, index):
            continue  # pdfium shows the glyph code itself; pdfminer "(cid:N)", which was never read
        get_loose(handle, index, rect_at)
        get_origin(handle, index, x_at, y_at)
        obj = text_object(handle, index)
        style = known.get(obj) or styles.of(index, obj)
        baseline = y.value
        if style.low is not None:  # upright text, nearly all of it
            box = rect.left, baseline + style.low, rect.right, baseline + style.high
        else:
            box = _box(style, x.value, baseline, rect)
        if not isfinite(box[0] + box[1] + box[2] + box[3] + style.size):
            continue  # drawn past any page (pdfium's single-precision coordinates overflowed)
        glyph = (chr(code), style, baseline, box)
        if space is not None:
            glyphs.extend(_collapsed_spaces(space, glyph))
        glyphs.append(glyph)
        space = glyph if code == 0x20 else None
    return glyphs


class _Styles:
    """The styles of one page's text objects, read once per object; what a font gives, once per font."""

    def __init__(self, text, handle: ctypes.c_void_p) -> None:
        import pypdfium2.raw as pdfium_c

        self.text, self.handle = text, handle
        self.by_object: dict[int | None, _Style] = {}
        self.made: dict[tuple, _Style] = {}  # by matrix, font size and font: text objects of one run share them
        self.fonts: dict[int | None, tuple[float, str]] = {}
        self.matrix = pdfium_c.FS_MATRIX()
        self.get_matrix = _bare(pdfium_c.FPDFText_GetMatrix, ctypes.c_int)
        self.font_size = _bare(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
        self.get_font = _bare(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p)

    def of(self, index: int, obj: int | None) -> _Style:
        """The style of character ``index``, drawn by the text object at address ``obj`` (None: no object)."""
        style = self.by_object.get(obj)
        if style is None:
            matrix = self.matrix
            self.get_matrix(self.handle, index, ctypes.byref(matrix))
            font = self.get_font(ctypes.c_void_p(obj)) if obj else None
            key = (matrix.a, matrix.b, matrix.c, matrix.d, self.font_size(self.handle, index), font)
            style = self.made.get(key)
            if style is None:
                style = self.made[key] = _style(*key[:5], *self._font(index, font))
            self.by_object[obj] = style
        return style

    def _font(self, index: int, font: int | None) -> tuple[float, str]:
        """The descent per point of font size (negative) and the base font name of ``font``, the font of character ``index``."""
        import pypdfium2.raw as pdfium_c

        if font not in self.fonts:
            descent, name = ctypes.c_float(), ctypes.create_string_buffer(256)
            if not font or not pdfium_c.FPDFFont_GetDescent(ctypes.cast(font, pdfium_c.FPDF_FONT), ctypes.c_float(1.0), descent):
                descent.value = 0.0
            # The base font name, without a subset's prefix.
            pdfium_c.FPDFText_GetFontInfo(self.text, index, name, len(name), None)
            self.fonts[font] = min(0.0, descent.value), name.value.decode("latin-1")
        return self.fonts[font]


def _style(a: float, b: float, c: float, d: float, font_size: float, descent: float, font: str) -> _Style:
    """The style of text drawn with the matrix (a, b, c, d) in ``font`` at ``font_size``, the font's ``descent``."""
    low, high = descent * font_size, (descent + 1) * font_size  # text space, up from the baseline
    axes = b == 0 and c == 0 and a > 0 and d > 0
    return _Style((a, b, c, d), font_size, font_size * math.hypot(c, d), descent, font,
                  (_upright((a, b, c, d), 0), _upright((a, b, c, d), 1)),
                  low * d if axes else None, high * d if axes else None)


MAX_SPACES = 40  # spaces restored in one run: a form's blank to fill in holds some 20


def _collapsed_spaces(space: _Glyph, after: _Glyph) -> list[_Glyph]:
    """The space glyphs pdfium dropped between ``space`` and ``after``: it keeps one of a run of spaces.

    pdfminer read each (a Word blank "填表人：张三    联系电话" keeps its four):
    they are restored where the gap after a horizontal space is a whole number
    of its widths, on its baseline.
    """
    text, style, baseline, (x0, y0, x1, y1) = space
    a, b, c, _ = style.matrix
    width = x1 - x0
    if b or c or a <= 0 or width < 0.1 * style.size or after[2] != baseline:
        return []
    gap = after[3][0] - x1
    count = round(gap / width)
    if not 1 <= count <= MAX_SPACES or abs(gap - count * width) > 0.25 * width:
        return []
    return [(text, style, baseline, (x0 + k * width, y0, x1 + k * width, y1)) for k in range(1, count + 1)]


def _unmapped(code: int) -> bool:
    """Whether a code point is no text: a replacement or non-character, or half a surrogate pair."""
    return code in (0xFFFD, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF


def _box(style: _Style, x: float, y: float, loose) -> tuple[float, float, float, float]:
    """A glyph's box in user space (x0, y0, x1, y1): pdfminer's, the advance by the font size from the descent.

    (x, y) is the glyph's origin, ``loose`` pdfium's loose box, whose extent
    along the text is the advance. Only glyphs drawn along an axis have it
    computed; a slanted one keeps the loose box. (Upright text, whose box
    is ``style.low`` and ``style.high`` above the origin, is placed by the caller.)
    """
    a, b, c, d = style.matrix
    low, high = style.descent * style.font_size, (style.descent + 1) * style.font_size  # text space, up from the baseline
    if b == 0 and c == 0 and a and d:
        advance = (loose.right - loose.left) / abs(a)
    elif a == 0 and d == 0 and b and c:
        advance = (loose.top - loose.bottom) / abs(b)
    else:
        return loose.left, loose.bottom, loose.right, loose.top
    xs = [x + along * a + up * c for along in (0.0, advance) for up in (low, high)]
    ys = [y + along * b + up * d for along in (0.0, advance) for up in (low, high)]
    return min(xs), min(ys), max(xs), max(ys)


# --- ruling lines ---------------------------------------------------------------------------------


def _edges(page, number: int, name: str) -> list[dict]:
    """Straight pieces of every painted path on page ``number``, in user space; pdfplumber's edges before orientation.

    Raises InputError (naming ``name``) past MAX_PAGE_SEGMENTS path segments.
    """
    edges: list[dict] = []
    paths = _Paths(number, name)
    objects = [paths.page_object(page, index) for index in range(paths.count_objects(page))]
    _collect(objects, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), edges, 0, paths)
    return edges


class _Paths:
    """pdfium's calls for the page objects and path segments of one page, and the segments read so far, checked as they grow.

    Every object of the page is asked its type, and every segment of a path
    its point: the calls are bare (see ``_bare``), objects and segments
    pypdfium2's pointers, indices ints.
    """

    def __init__(self, number: int, name: str) -> None:
        import pypdfium2.raw as pdfium_c

        self.count, self.number, self.name = 0, number, name
        self.count_objects = _bare(pdfium_c.FPDFPage_CountObjects, ctypes.c_int)
        self.page_object = _bare(pdfium_c.FPDFPage_GetObject, pdfium_c.FPDF_PAGEOBJECT)
        self.kind = _bare(pdfium_c.FPDFPageObj_GetType, ctypes.c_int)
        self.matrix = _bare(pdfium_c.FPDFPageObj_GetMatrix, ctypes.c_int)
        self.count_segments = _bare(pdfium_c.FPDFPath_CountSegments, ctypes.c_int)
        self.segment = _bare(pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDF_PATHSEGMENT)
        self.point = _bare(pdfium_c.FPDFPathSegment_GetPoint, ctypes.c_int)
        self.segment_kind = _bare(pdfium_c.FPDFPathSegment_GetType, ctypes.c_int)
        self.closes = _bare(pdfium_c.FPDFPathSegment_GetClose, ctypes.c_int)

    def add(self, more: int) -> None:
        self.count += more
        check_segments(self.count, self.number, self.name)


MAX_FORM_DEPTH = 16  # form XObjects nest this deep at most (pdfium itself refuses cycles)


def _collect(objects: list, outer: tuple, edges: list[dict], depth: int, paths: _Paths) -> None:
    """Add the edges of page objects (a page's, or a form XObject's under its matrix ``outer``), in their order."""
    import pypdfium2.raw as pdfium_c

    path, form = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
    for obj in objects:
        kind = paths.kind(obj)
        if kind != path and kind != form:  # text and images: most objects, skipped in this loop
            continue
        own = pdfium_c.FS_MATRIX()
        if not paths.matrix(obj, ctypes.byref(own)):
            continue
        matrix = _times((own.a, own.b, own.c, own.d, own.e, own.f), outer)
        if kind == form:
            if depth < MAX_FORM_DEPTH:
                inner = [pdfium_c.FPDFFormObj_GetObject(obj, index) for index in range(pdfium_c.FPDFFormObj_CountObjects(obj))]
                _collect(inner, matrix, edges, depth + 1, paths)
            continue
        paths.add(paths.count_segments(obj))
        for subpath in _subpaths(obj, matrix, paths):
            edges.extend(_subpath_edges(subpath))


def _times(m: tuple, n: tuple) -> tuple:
    """The matrix product m × n (PDF's row-vector convention: apply m, then n)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u


def _subpaths(obj, matrix: tuple, paths: _Paths) -> list[list[tuple[str, float, float]]]:
    """A path object's subpaths as pdfminer sees them: ("m" | "l" | "c" | "h", x, y) in user space.

    pdfium gives a curve as three points (two controls and the end): pdfminer keeps the end.
    A closed segment is followed by "h" at the subpath's start.
    """
    import pypdfium2.raw as pdfium_c

    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    x_at, y_at = ctypes.byref(x), ctypes.byref(y)
    subpaths: list[list[tuple[str, float, float]]] = []
    bezier = 0
    for index in range(paths.count_segments(obj)):
        segment = paths.segment(obj, index)
        if not segment or not paths.point(segment, x_at, y_at):
            continue
        kind = paths.segment_kind(segment)
        point = (x.value * a + y.value * c + e, x.value * b + y.value * d + f)
        if not math.isfinite(point[0] + point[1]):
            return []  # a path drawn past any page
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([("m", *point)])
            bezier = 0
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3 == 0:
                subpaths[-1].append(("c", *point))
        else:
            subpaths[-1].append(("l", *point))
        if paths.closes(segment):
            subpaths[-1].append(("h", *subpaths[-1][0][1:]))
    return subpaths


def _subpath_edges(path: list[tuple[str, float, float]]) -> list[dict]:
    """The edges of one subpath: pdfminer's line for a lone segment, else each side between consecutive points."""
    shape = "".join(op for op, _, _ in path)
    points = [(x, y) for _, x, y in path]
    if len(shape) > 3 and shape.endswith("lh") and points[-2] == points[0]:
        shape, points = shape[:-2] + "h", points[:-1]  # pdfminer drops the redundant closing "l"
    if shape in ("ml", "mlh"):
        (x0, y0), (x1, y1) = points[:2]
        return [{"box": (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), "object_type": "line"}]
    return [
        {"box": (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), "object_type": "curve_edge"}
        for (x0, y0), (x1, y1) in zip(points, points[1:])
        if x0 == x1 or y0 == y1  # a slanted side is no edge
    ]


def _orient(edge: dict) -> None:
    """Give a placed edge its width, height and orientation on the page as viewed."""
    edge["width"], edge["height"] = edge["x1"] - edge["x0"], edge["bottom"] - edge["top"]
    if edge["object_type"] == "line":
        # pdfplumber calls a line that is not horizontal vertical, slanted or not.
        edge["orientation"] = "h" if edge["height"] == 0 else "v"
    else:
        edge["orientation"] = "v" if edge["width"] == 0 else "h"
