"""Excel output: one findings sheet for all reviewed files and a summary sheet of counts per file.

A single review is the one-element case: ``render_xlsx([(review, document)])``.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reviewer.document import Document
from reviewer.finding import CATEGORY_LABELS, SEVERITY_LABELS, Finding, Review
from reviewer.render.layout import category_label, finding_label, severity_label, verification_label

FINDINGS_SHEET = "问题清单"
SUMMARY_SHEET = "汇总"
# (header, width in characters)
FINDING_COLUMNS = [
    ("文件", 26), ("规则", 10), ("严重程度", 10), ("类别", 14), ("位置", 36), ("问题说明", 60),
    ("应为", 18), ("实为", 18), ("原文摘录", 36), ("核验状态", 12), ("修改建议", 40),
]
SEVERITY_FILLS = {"error": "FFD6D6", "warning": "FFEFC2", "info": "DCEBFF"}
_CELL_LIMIT = 32767  # Excel's maximum characters in a cell
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
_THIN = Side(style="thin", color="B0B7C0")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


def render_xlsx(reviews: list[tuple[Review, Document]]) -> bytes:
    """An .xlsx workbook with the findings of every review and a per-file summary."""
    book = Workbook()
    findings = book.active
    findings.title = FINDINGS_SHEET
    _write_findings(findings, reviews)
    _write_summary(book.create_sheet(SUMMARY_SHEET), reviews)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(sheet: Worksheet, row: int, col: int, value: object):
    """Write a value; text is always stored as text (a quote like "=56人" must not become a formula)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:_CELL_LIMIT]
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    cell.alignment = _WRAP
    cell.border = _BORDER
    return cell


def _header(sheet: Worksheet, titles: list[str], widths: list[int]) -> None:
    """A bold, shaded, frozen header row with column widths."""
    for col, (title, width) in enumerate(zip(titles, widths), start=1):
        cell = _put(sheet, 1, col, title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    # Printed: landscape, all columns on one page width, the header repeated on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _finding_row(finding: Finding, review: Review, document: Document) -> list[str]:
    """The cells of one finding, in FINDING_COLUMNS order."""
    quotes = "\n".join(f"「{e.quote}」" for e in finding.evidence if e.quote)
    return [
        review.document.path,
        finding.rule,
        severity_label(finding),
        category_label(finding.category),
        finding_label(finding, document),
        finding.message,
        finding.expected or "",
        finding.actual or "",
        quotes,
        verification_label(finding),
        finding.suggestion or "",
    ]


def _write_findings(sheet: Worksheet, reviews: list[tuple[Review, Document]]) -> None:
    """One row per finding of every file, filterable."""
    _header(sheet, [t for t, _ in FINDING_COLUMNS], [w for _, w in FINDING_COLUMNS])
    row = 1
    for review, document in reviews:
        for finding in review.sorted_findings():
            row += 1
            for col, value in enumerate(_finding_row(finding, review, document), start=1):
                _put(sheet, row, col, value)
            sheet.cell(row=row, column=3).fill = PatternFill("solid", fgColor=SEVERITY_FILLS[finding.severity])
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
        for col, value in enumerate([info.path, info.unit or "", info.year or "", info.template, *numbers], start=1):
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
