"""Excel output: one findings sheet for all reviewed files and a summary sheet of counts per file.

A single review is the one-element case: ``render_xlsx([(review, document)])``.
The findings sheet is a working document: 处置状态, 备注 and 处置人 columns
(filled from the web app's confirm/dismiss decisions when given, else 待处理),
rows tall enough for their wrapped text, and printing on as many pages down as
needed with the header row repeated on each.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from functools import lru_cache
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reviewer.document import Document
from reviewer.finding import BASIS_LABELS, CATEGORY_LABELS, REPORTED_LABEL, SEVERITY_LABELS, Finding, Review
from reviewer.render.layout import category_label, document_name, finding_label, places, severity_label, verification_label

FINDINGS_SHEET = "问题清单"
SUMMARY_SHEET = "汇总"
# (header, width in characters); the figure columns carry Finding's fixed meanings.
FINDING_COLUMNS = [
    ("文件", 22), ("规则", 9), ("严重程度", 9), ("类别", 12), ("位置", 30), ("问题说明", 44),
    (REPORTED_LABEL, 14), (BASIS_LABELS["computed"], 14), (BASIS_LABELS["required"], 14), (BASIS_LABELS["compared"], 20),
    ("原文摘录", 26), ("修改建议", 28), ("模型核验", 9), ("处置状态", 9), ("备注", 24), ("处置人", 8),
]
STATUS_LABELS = {"confirmed": "已确认", "dismissed": "已忽略", "": "待处理"}
_LINE_HEIGHT = 16  # points per wrapped line at the default 11-point font (LibreOffice sets CJK lines 16 apart)
_MAX_ROW_HEIGHT = 409  # Excel's limit in points


@dataclass(frozen=True)
class Decision:
    """What a reviewer decided about one finding: status "confirmed" | "dismissed" | "" (open), note, who."""

    status: str = ""
    note: str = ""
    who: str = ""
SEVERITY_FILLS = {"error": "FFD6D6", "warning": "FFEFC2", "info": "DCEBFF"}
_CELL_LIMIT = 32767  # Excel's maximum characters in a cell
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
_THIN = Side(style="thin", color="B0B7C0")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
CELL_STYLE = "审阅单元格"  # every written cell: wrapped, top-aligned, thin border
# CELL_STYLE as a cell of each workbook stores it. Setting ``cell.style`` by name looks the name up
# in lists openpyxl rebuilds on every call; a batch's summary writes tens of thousands of cells.
_CELL_STYLE_ARRAYS: WeakKeyDictionary = WeakKeyDictionary()


def render_xlsx(reviews: list[tuple[Review, Document]], decisions: Mapping[str, Decision] | None = None) -> bytes:
    """An .xlsx workbook with the findings of every review and a per-file summary.

    ``decisions`` maps finding ids to what a reviewer decided; their 处置状态,
    备注 and 处置人 columns are filled, the others say 待处理.
    """
    out = io.BytesIO()
    findings_workbook(reviews, decisions).save(out)
    return out.getvalue()


def findings_workbook(reviews: Sequence[tuple[Review, Document]], decisions: Mapping[str, Decision] | None = None) -> Workbook:
    """The workbook ``render_xlsx`` saves, for a caller that adds sheets before saving (summary.xlsx); ``reviews`` is iterated more than once."""
    book = Workbook()
    findings = book.active
    findings.title = FINDINGS_SHEET
    _write_findings(findings, reviews, decisions or {})
    _write_summary(book.create_sheet(SUMMARY_SHEET), reviews)
    return book


def _put(sheet: Worksheet, row: int, col: int, value: object):
    """Write a value; text is always stored as text (a quote like "=56人" must not become a formula)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:_CELL_LIMIT]
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    # One named style instead of setting alignment and border on each cell: openpyxl hashes
    # every style object it is given, which cost more than the rest of the workbook.
    book = sheet.parent
    array = _CELL_STYLE_ARRAYS.get(book)
    if array is None:
        if CELL_STYLE not in book.named_styles:
            book.add_named_style(NamedStyle(CELL_STYLE, alignment=_WRAP, border=_BORDER))
        cell.style = CELL_STYLE
        _CELL_STYLE_ARRAYS[book] = copy(cell._style)
    else:
        cell._style = copy(array)  # what setting the style by name stores
    return cell


def _header(sheet: Worksheet, titles: list[str], widths: list[int]) -> None:
    """A bold, shaded, frozen header row with column widths."""
    for col, (title, width) in enumerate(zip(titles, widths), start=1):
        cell = _put(sheet, 1, col, title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    # Printed: landscape A4, the columns scaled to the page width, as many pages down as the
    # rows need (fitToHeight 0 = automatic), the header row repeated on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def display_width(text: str) -> int:
    """Width of a line in column units: a CJK or full-width character counts two."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


@lru_cache(maxsize=8192)  # reports use a few thousand distinct characters
def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def fit_row_height(sheet: Worksheet, row: int, widths: list[int]) -> None:
    """Make a row tall enough for its wrapped text (Excel does not grow rows written by a program)."""
    lines = 1
    for col, width in enumerate(widths, start=1):
        value = sheet.cell(row=row, column=col).value
        if isinstance(value, str) and value:
            usable = max(int(width * 0.9) - 1, 1)  # LibreOffice and Excel fit a little less than the width
            lines = max(lines, sum(max(1, math.ceil(display_width(part) / usable)) for part in value.split("\n")))
    sheet.row_dimensions[row].height = min(_MAX_ROW_HEIGHT, lines * _LINE_HEIGHT)


def _finding_row(finding: Finding, review: Review, document: Document, decision: Decision) -> list[str]:
    """The cells of one finding, in FINDING_COLUMNS order."""
    quotes = "\n".join(f"「{e.quote}」" for e in finding.evidence if e.quote)
    figures = {basis: "" for basis in BASIS_LABELS}
    if finding.expected:
        figures[finding.basis] = finding.expected
    where = places(finding, document)
    if finding.basis == "compared" and finding.expected and len(where) > 1:
        figures["compared"] += f"\n（{where[1]}）"
    location = finding_label(finding, document)
    others = [w for w in where if w != location]
    if others:
        location += f"\n另{len(others)}处：" + "；".join(others)
    return [
        document_name(review.document.path),
        finding.rule,
        severity_label(finding),
        category_label(finding.category),
        location,
        finding.message,
        finding.actual or "",
        *figures.values(),
        quotes,
        finding.suggestion or "",
        verification_label(finding),
        STATUS_LABELS.get(decision.status, decision.status),
        decision.note,
        decision.who,
    ]


def _write_findings(sheet: Worksheet, reviews: list[tuple[Review, Document]], decisions: Mapping[str, Decision]) -> None:
    """One row per finding of every file, filterable, each as tall as its text."""
    widths = [w for _, w in FINDING_COLUMNS]
    _header(sheet, [t for t, _ in FINDING_COLUMNS], widths)
    row = 1
    for review, document in reviews:
        for finding in review.sorted_findings():
            row += 1
            cells = _finding_row(finding, review, document, decisions.get(finding.id, Decision()))
            for col, value in enumerate(cells, start=1):
                _put(sheet, row, col, value)
            sheet.cell(row=row, column=3).fill = PatternFill("solid", fgColor=SEVERITY_FILLS[finding.severity])
            fit_row_height(sheet, row, widths)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_COLUMNS))}{row}"


def _categories(reviews: list[tuple[Review, Document]]) -> list[str]:
    """Known categories in their usual order, then any other category that occurs."""
    seen = [f.category for review, _ in reviews for f in review.findings]
    return list(CATEGORY_LABELS) + [c for c in dict.fromkeys(seen) if c not in CATEGORY_LABELS]


def _write_summary(sheet: Worksheet, reviews: list[tuple[Review, Document]]) -> None:
    """Counts by severity and by category for each file, and a total row."""
    categories = _categories(reviews)
    titles = ["文件", "单位", "年度", "模板", *SEVERITY_LABELS.values(), "合计",
              *(category_label(c) for c in categories), "未采纳的模型发现"]
    # A CJK character is about two width units.
    widths = [26, 24, 8, 12] + [8] * (len(SEVERITY_LABELS) + 1) + [2 * len(t) + 2 for t in titles[-len(categories) - 1 :]]
    _header(sheet, titles, widths)
    totals = [0] * (len(titles) - 4)
    for row, (review, _) in enumerate(reviews, start=2):
        info = review.document
        severity_counts = [review.summary[s] for s in SEVERITY_LABELS]
        category_counts = [sum(1 for f in review.findings if f.category == c) for c in categories]
        numbers = [*severity_counts, len(review.findings), *category_counts, len(review.rejected)]
        for col, value in enumerate([document_name(info.path), info.unit or "", info.year or "", info.template, *numbers], start=1):
            _put(sheet, row, col, value)
        totals = [a + b for a, b in zip(totals, numbers)]
    if len(reviews) > 1:
        row = len(reviews) + 2
        _put(sheet, row, 1, f"合计（{len(reviews)}个文件）").font = Font(bold=True)
        for col in range(2, 5):
            _put(sheet, row, col, "")
        for col, value in enumerate(totals, start=5):
            _put(sheet, row, col, value).font = Font(bold=True)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{len(reviews) + 1}"
