"""Read a .xlsx workbook into a Document: each visible sheet one table, values as a person sees them.

Every place records its sheet (``Location.sheet``) and the row number Excel
shows (``Location.line``), so that findings name them. Merged ranges follow
the .docx convention: the merged cell appears once, at
its top-left, with ``colspan``/``rowspan``; each row below it holds one empty
``continued`` cell. Title lines above the grid and notes below it (rows with
a single filled cell) become paragraphs, as they are in the Word form, but a
single-cell row right below the grid that names a total ("总分（100分）") is
the table's last row; a sheet that holds only such rows (narrative pasted
into Excel) is all paragraphs. Formulas saved without their value are computed when simple
(reviewer.ingest.formula), also from other sheets, and otherwise named in
``Document.warnings``. Hidden rows are left out (they are not on the form
as seen or printed) and named there too.

Bounded: sheets are streamed (cells typed as openpyxl's read-only mode types
them, XML through lxml without entity expansion; a sheet declaring entities is
refused, as defusedxml refuses it), only cells that hold something are kept, merged ranges
are clipped to the area the values span, and a workbook past MAX_CELLS
values, MAX_CELL_ELEMENTS cell elements, MAX_GRID cells of used area on a
sheet or MAX_MERGES merged ranges is refused with an InputError naming the
limit. Malformed XML anywhere is the one-line "文件损坏" InputError.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from decimal import Decimal
from typing import NamedTuple

from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.errors import InputError
from reviewer.ingest import half_width_numbers, lone_total, strip_residue
from reviewer.ingest.docx import BROKEN_PACKAGE, OLE2_MAGIC, OLE2_PROBLEM
from reviewer.ingest.formula import Evaluator, FormulaError, coordinate

_DECIMALS = re.compile(r"\.([0#?]+)")
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')  # quoted text, escapes, colours, padding

MAX_UNPACKED = 512 << 20  # bytes the package's parts may unpack to (declared sizes)
MAX_CELLS = 200_000  # cells holding a value, whole workbook
MAX_CELL_ELEMENTS = 2_000_000  # cell elements parsed, empty styled ones included, whole workbook
MAX_GRID = 200_000  # cells in the rectangle one sheet's values span
MAX_MERGES = 20_000  # merged ranges, whole workbook
_FORMULA_BUDGET = 1_000_000  # cell reads for computing uncached formulas, per sheet
_BROKEN = "不是有效的 .xlsx 文件（文件损坏或被截断）"


class _Range(NamedTuple):
    """A merged range, 1-based and inclusive."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int


class _Budget:
    """What the workbook has used of its limits so far."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cells = self.elements = self.merges = 0

    def charge(self, cells: int = 0, elements: int = 0, merges: int = 0) -> None:
        self.cells += cells
        self.elements += elements
        self.merges += merges
        if self.cells > MAX_CELLS:
            raise InputError(self.name, f"工作簿中有内容的单元格超过 {MAX_CELLS} 个的上限")
        if self.elements > MAX_CELL_ELEMENTS:
            raise InputError(self.name, f"工作簿中的单元格（含空白格式单元格）超过 {MAX_CELL_ELEMENTS} 个的上限")
        if self.merges > MAX_MERGES:
            raise InputError(self.name, f"工作簿中的合并单元格超过 {MAX_MERGES} 个的上限")


def read_xlsx(data: bytes, name: str, digest: str) -> Document:
    """Read .xlsx bytes into a Document; raise InputError when the file is not a usable workbook or passes a limit."""
    from openpyxl.utils.exceptions import InvalidFileException

    if data[:4] == OLE2_MAGIC:
        raise InputError(name, OLE2_PROBLEM.format(suffix=".xlsx"))
    try:
        unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise InputError(name, _BROKEN) from exc
    if unpacked > MAX_UNPACKED:
        raise InputError(name, f"解压后超过 {MAX_UNPACKED >> 20} MB 的上限")
    doc = Document(path=name, sha256=digest, format="xlsx")
    budget = _Budget(name)
    try:
        with warnings.catch_warnings():  # openpyxl warns on stderr about extensions it drops
            warnings.simplefilter("ignore")
            book, sheets = _open(data)
            try:
                # Every sheet is scanned, hidden ones too, so that a formula may read another sheet.
                scanned = [(ordinal, sheet, _scan(sheet, budget)) for ordinal, sheet in enumerate(sheets, start=1)]
                evaluators: dict[str, Evaluator] = {}
                for _, sheet, found in scanned:
                    values = {key: value for key, (value, _) in found.values.items()}
                    evaluators[sheet.title] = Evaluator(values, found.formulas, _FORMULA_BUDGET, evaluators)
                for ordinal, sheet, found in scanned:
                    if sheet.sheet_state == "visible":
                        _read_sheet(sheet, ordinal, doc, found, evaluators[sheet.title])
            finally:
                book.close()
    except (*BROKEN_PACKAGE, IndexError, InvalidFileException, SyntaxError) as exc:
        # SyntaxError: the ParseError of malformed XML; ValueError covers defusedxml's refusals;
        # IndexError a shared string that is not there.
        raise InputError(name, _BROKEN) from exc
    if not doc.blocks:
        raise InputError(name, "工作簿中没有内容")
    return doc


class _Sheet(NamedTuple):
    """A worksheet of the workbook: its title, state (visible, hidden, veryHidden), part, the workbook and its shared strings."""

    title: str
    sheet_state: str
    path: str
    parent: object  # the openpyxl Workbook: its styles give each cell's number format
    strings: list


def _open(data: bytes):
    """The workbook's parts that reading needs (shared strings, styles, sheet list) and its worksheets, in order.

    ``openpyxl.load_workbook(read_only=True)`` also parses every sheet once
    just to find its size when the file does not record it (WPS and many
    scripts do not): here each sheet is parsed once, by ``_scan``. The
    returned ExcelReader's archive must be closed.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    reader.read_properties()
    reader.read_custom()
    reader.read_theme()
    apply_stylesheet(reader.archive, reader.wb)
    sheets = [
        _Sheet(sheet.name, sheet.state, rel.target, reader.wb, reader.shared_strings)
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type
    ]
    return reader.archive, sheets


def display(value: object, number_format: str = "General") -> str:
    """A cell value as Excel shows it: no float noise, percentages and fixed decimals applied, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, (int, float, Decimal)):
        return _number(value, number_format)
    return half_width_numbers(strip_residue(str(value))).replace("\r\n", "\n").strip()


def _number(value: int | float | Decimal, number_format: str) -> str:
    """Format a number by the positive section of its number format (digits, not grouping)."""
    # Excel keeps 15 significant digits; repr-level float noise (471.28000000000003) is not shown.
    exact = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
    if not exact.is_finite():
        return str(value)
    section = _LITERAL.sub("", number_format.split(";")[0])
    if section.lower() in ("general", "@", ""):
        return _plain(exact)
    percent = "%" in section
    if percent:
        exact *= 100
    found = _DECIMALS.search(section)
    places = len(found.group(1)) if found else 0
    text = f"{exact:.{places}f}" if "0" in section or "#" in section else _plain(exact)
    return text + ("%" if percent else "")


def _plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 816.23, 100, 0.05."""
    text = f"{number.normalize():f}"
    return "0" if text in ("-0", "") else text


class _Scan(NamedTuple):
    """What one sheet holds: values (row, col) -> (value, number format), the value None for a
    formula cell saved without one; formulas (row, col) -> "=..." for those cells; merged
    ranges; the numbers of hidden rows."""

    values: dict[tuple[int, int], tuple[object, str]]
    formulas: dict[tuple[int, int], str]
    ranges: list[_Range]
    hidden: set[int]


def _scan(sheet, budget: _Budget) -> _Scan:
    """Stream one sheet; only cells holding something are kept.

    Cells are read as openpyxl's streaming parser (what read-only mode uses)
    reads them, values typed the same way, but through lxml: openpyxl's
    stream goes through defusedxml's pure-Python ElementTree handlers, most of
    the cost of reading a workbook. Entities are not resolved, and a sheet
    that declares any is refused (ValueError), as defusedxml refuses it.
    """
    from lxml import etree
    from openpyxl.cell.text import Text
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.worksheet._reader import _cast_number
    from openpyxl.worksheet.merge import MergeCells

    book = sheet.parent
    formats = _number_formats(sheet)
    values: dict[tuple[int, int], tuple[object, str]] = {}
    formulas: dict[tuple[int, int], str] = {}
    shared: dict[str, object] = {}  # shared formulas by si: openpyxl's Translator of the first one read
    dimensions: dict[int, dict] = {}  # row -> its attributes, when they say more than r and spans
    ranges = []
    row_number = 0
    with book._archive.open(sheet.path) as source:  # read-only mode gives no public access to merged ranges
        events = etree.iterparse(
            source, events=("end",), tag=(_ROW, _MERGES), resolve_entities=False, no_network=True,
            remove_comments=True, remove_pis=True,
        )
        for _, element in events:
            if element.tag == _ROW:
                attrs = dict(element.attrib)
                row_number = _row_number(attrs["r"]) if "r" in attrs else row_number + 1
                if {k for k in attrs if not k.startswith("{")} - {"r", "spans"}:
                    dimensions[row_number] = attrs
                budget.charge(elements=len(element))
                column = 0
                for c in element:
                    data_type = c.get("t", "n")
                    style = c.get("s", 0)
                    style = int(style) if style else style
                    coordinate = c.get("r")
                    if coordinate:
                        row, column = coordinate_to_tuple(coordinate)
                    else:
                        row, column = row_number, column + 1
                    value = None if data_type == "inlineStr" else (c.findtext(_VALUE) or None)
                    if value is not None:
                        if data_type == "n":
                            value = _cast_number(value)
                            if style in book._date_formats:
                                try:
                                    value = from_excel(value, book.epoch, timedelta=style in book._timedelta_formats)
                                except (OverflowError, ValueError):
                                    value = "#VALUE!"  # a serial past the dates' limits: an error cell
                        elif data_type == "s":
                            value = sheet.strings[int(value)]
                        elif data_type == "b":
                            value = bool(int(value))
                        elif data_type == "d":
                            value = from_ISO8601(value)
                    elif data_type == "inlineStr":
                        child = c.find(_INLINE)
                        if child is not None and not child.attrib and len(child) == 1 and child[0].tag == _TEXT:
                            value = child[0].text or ""  # plain text, what Text.content is of <is><t>…</t></is>
                        elif child is not None:
                            value = Text.from_tree(child).content
                    key = (row, column)
                    formula = _formula(c, shared) if value is None and c.find(_FORMULA) is not None else None
                    if isinstance(formula, str) and len(formula) > 1:
                        formulas[key] = formula
                    elif value is None or value == "":
                        continue
                    values[key] = (value, formats(style))
                    budget.charge(cells=1)
                element.clear()
            else:
                ranges = MergeCells.from_tree(element).mergeCell
                element.clear()
        dtd = events.root.getroottree().docinfo.internalDTD if events.root is not None else None
        if dtd is not None and any(True for _ in dtd.iterentities()):
            raise ValueError(f"{sheet.path} declares XML entities")
        budget.charge(merges=len(ranges))
    hidden = {row for row, attrs in dimensions.items() if attrs.get("hidden") in ("1", "true")}
    merges = []
    for merge in ranges:
        left, top, right, bottom = merge.bounds
        merges.append(_Range(top, left, bottom, right))
    return _Scan(values, formulas, merges, hidden)


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _VALUE, _FORMULA, _INLINE, _TEXT, _MERGES = (f"{{{_MAIN_NS}}}{tag}" for tag in ("row", "v", "f", "is", "t", "mergeCells"))


def _row_number(written: str) -> int:
    """A row element's r attribute: an integer, written as such or as a whole float ("3.0"); else ValueError."""
    try:
        return int(written)
    except ValueError:
        number = float(written)
        if not number.is_integer():
            raise ValueError(f"{written} is not a valid row number") from None
        return int(number)


def _number_formats(sheet):
    """A function giving the number format of a cell style id, each looked up once (as openpyxl's read-only cell does)."""
    from openpyxl.cell.read_only import ReadOnlyCell

    known: dict[int, str] = {}

    def number_format(style: int) -> str:
        if style not in known:
            known[style] = ReadOnlyCell(sheet, None, None, None, "n", style).number_format
        return known[style]

    return number_format


def _formula(cell, shared: dict) -> object:
    """The formula of a cell saved without its value, as openpyxl reads it: "=..." (a shared one translated to
    the cell), an ArrayFormula or a DataTableFormula."""
    from openpyxl.formula.translate import Translator
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    formula = cell.find(_FORMULA)
    kind = formula.get("t")
    text = "=" + (formula.text or "")
    if kind == "array":
        return ArrayFormula(ref=formula.get("ref"), text=text)
    if kind == "shared":
        index = formula.get("si")
        if index in shared:
            return shared[index].translate_formula(cell.get("r"))
        if text != "=":
            shared[index] = Translator(text, cell.get("r"))
    elif kind == "dataTable":
        return DataTableFormula(**formula.attrib)
    return text


def _texts(sheet, values: dict, formulas: dict, evaluator: Evaluator, doc: Document) -> dict[tuple[int, int], str]:
    """The displayed text of every cell holding something; uncached formulas computed or warned about."""
    texts = {key: text for key, (value, fmt) in values.items() if (text := display(value, fmt))}
    if not formulas:
        return texts
    failed = []
    for key in sorted(formulas):
        try:
            text = display(evaluator.cell(key), values[key][1])
        except FormulaError as exc:
            failed.append(f"{coordinate(key)}（{formulas[key]}：{exc}）")
            # The cell keeps its formula: it is not blank, and its value is unknown, so
            # the checks that need it are left out rather than run on an empty cell.
            texts[key] = formulas[key]
            continue
        if text:
            texts[key] = text
    if failed:
        shown = "、".join(failed[:5]) + (f" 等 {len(failed)} 个" if len(failed) > 5 else "")
        doc.warnings.append(f"工作表「{sheet.title}」的公式没有保存计算结果，也无法计算，按公式原文读取，不参与核对：{shown}")
    return texts


def _read_sheet(sheet, ordinal: int, doc: Document, found: _Scan, evaluator: Evaluator) -> None:
    """Add one sheet's paragraphs and table to the document."""
    texts = _texts(sheet, found.values, found.formulas, evaluator, doc)
    ranges = found.ranges
    # Hidden rows are not part of the form as it is seen or printed (old figures, workings):
    # left out, and said. Formulas still read them, as Excel does.
    unseen = sorted({row for row, _ in texts if row in found.hidden})
    if unseen:
        texts = {key: text for key, text in texts.items() if key[0] not in found.hidden}
        shown = "、".join(str(row) for row in unseen[:5]) + (f" 等 {len(unseen)} 行" if len(unseen) > 5 else "")
        doc.warnings.append(f"工作表「{sheet.title}」第 {shown} 行是隐藏行，未读取，其中的内容未做检查")
    if not texts:
        return
    # The area the values span bounds everything after: merged ranges are clipped to it.
    top, bottom = min(r for r, _ in texts), max(r for r, _ in texts)
    first, last = min(c for _, c in texts), max(c for _, c in texts)
    if (bottom - top + 1) * (last - first + 1) > MAX_GRID:
        area = f"{coordinate((top, first))}:{coordinate((bottom, last))}"
        raise InputError(doc.path, f"工作表「{sheet.title}」使用的区域 {area} 超过 {MAX_GRID} 个单元格的上限")
    merged: dict[tuple[int, int], _Range] = {}
    covered: dict[tuple[int, int], tuple[int, int]] = {}  # cell -> top-left of its merged range
    for rng in ranges:
        clipped = _Range(max(rng.min_row, top), max(rng.min_col, first), min(rng.max_row, bottom), min(rng.max_col, last))
        if clipped.min_row > clipped.max_row or clipped.min_col > clipped.max_col:
            continue
        origin = (clipped.min_row, clipped.min_col)
        if origin != (rng.min_row, rng.min_col):
            texts.pop(origin, None)  # the range's own top-left is outside the values: it shows nothing
        merged[origin] = clipped
        for row in range(clipped.min_row, clipped.max_row + 1):
            for col in range(clipped.min_col, clipped.max_col + 1):
                if (row, col) != origin:
                    covered[(row, col)] = origin
                    texts.pop((row, col), None)  # Excel hides what a merged range covers
    if not texts:
        return

    def rows_of(key: tuple[int, int]) -> range:
        rng = merged.get(key)
        return range(key[0], key[0] + 1) if rng is None else range(rng.min_row, rng.max_row + 1)

    # A row is a table row when two filled cells (merged ranges count on every row they cover) share it.
    per_row: dict[int, int] = {}
    for key in texts:
        for row in rows_of(key):
            per_row[row] = per_row.get(row, 0) + 1
    table_rows = [row for row, n in per_row.items() if n >= 2]
    where = {"sheet": sheet.title, "page": ordinal}
    if not table_rows:
        _paragraphs(doc, [(k[0], texts[k]) for k in sorted(texts)], where)
        return
    # Merged ranges crossing the table's edge belong to it (a label merged down from above, ...):
    # the table spans the run of overlapping row spans that holds its rows.
    head, tail = min(table_rows), max(table_rows)
    spans = sorted((merged[k].min_row, merged[k].max_row) for k in texts if k in merged)
    changed = True
    while changed:
        changed = False
        for start, stop in spans:
            if start <= tail and stop >= head and (start < head or stop > tail):
                head, tail, changed = min(head, start), max(tail, stop), True
    # A total row whose 分值 and 得分 are blank ("总分（100分）" alone, or merged across) is the
    # table's last row, not a note below it.
    below = [k for k in texts if k[0] == tail + 1]
    if len(below) == 1 and lone_total(texts[below[0]]):
        tail = max(rows_of(below[0]))
    inside = [k for k in texts if head <= k[0] <= tail]
    left = min(c for _, c in inside)
    right = max(merged[k].max_col if k in merged else k[1] for k in inside)
    # Titles above the table and notes below it (rows with a single filled cell) are paragraphs.
    _paragraphs(doc, [(k[0], texts[k]) for k in sorted(texts) if k[0] < head], where)
    _table(doc, texts, merged, covered, (head, tail, left, right), where)
    _paragraphs(doc, [(k[0], texts[k]) for k in sorted(texts) if k[0] > tail], where)


def _paragraphs(doc: Document, texts: list[tuple[int, str]], where: dict) -> None:
    """Add each non-empty line of the (sheet row, text) pairs as a paragraph."""
    for sheet_row, text in texts:
        for line in text.split("\n"):
            if line.strip():
                doc.blocks.append(Paragraph(text=line.strip(), loc=Location(block=len(doc.blocks), line=sheet_row, **where)))


def _table(doc: Document, texts: dict, merged: dict, covered: dict, box: tuple[int, int, int, int], where: dict) -> None:
    """Add the sheet's grid as a table, merged ranges resolved."""
    top, bottom, left, right = box
    block, index = len(doc.blocks), len(doc.tables)
    rows: list[list[Cell]] = []
    for sheet_row in range(top, bottom + 1):
        r = len(rows)
        row: list[Cell] = []
        for col in range(left, right + 1):
            origin = covered.get((sheet_row, col))
            if origin is not None and (origin[0] == sheet_row or origin[1] != col):
                continue  # inside a merged range, not its first column: shown by the range's own cell
            rng = merged.get(origin or (sheet_row, col))
            colspan = 1 if rng is None else min(rng.max_col, right) - col + 1
            loc = Location(block=block, table=index, row=r, col=len(row), line=sheet_row, **where)
            if origin is not None:
                row.append(Cell(text="", row=r, col=len(row), grid_col=col - left, colspan=colspan, continued=True, loc=loc))
                continue
            rowspan = 1 if rng is None else min(rng.max_row, bottom) - sheet_row + 1
            row.append(
                Cell(
                    text=texts.get((sheet_row, col), ""),
                    row=r,
                    col=len(row),
                    grid_col=col - left,
                    colspan=colspan,
                    rowspan=rowspan,
                    loc=loc,
                )
            )
        rows.append(row)
    doc.blocks.append(Table(index=index, rows=rows, loc=Location(block=block, table=index, line=top, **where)))
