"""Excel output: one findings sheet for all reviewed files and a summary sheet of counts per file.

A single review is the one-element case: ``render_xlsx([(review, document)])``.
The findings sheet is a working document: 处置状态, 备注 and 处置人 columns
(filled from the web app's confirm/dismiss decisions when given, else 待处理),
rows tall enough for their wrapped text, and printing on as many pages down as
needed with the header row repeated on each.

Workbooks are written with XlsxWriter, which writes each cell straight into
the sheet's XML: openpyxl, which builds a cell object per value and styles
each on saving, took three times as long on a batch's summary (tens of
thousands of cells).
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from reviewer.document import Document
from reviewer.finding import BASIS_LABELS, CATEGORY_LABELS, REPORTED_LABEL, SEVERITY_LABELS, DocumentInfo, Finding, Review
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
HEADER_FILL = "DDE3EA"
LINK_COLOR = "0563C1"
_BORDER_COLOR = "B0B7C0"  # every cell: wrapped, top-aligned, a thin border in this colour
_CELL_LIMIT = 32767  # Excel's maximum characters in a cell
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # control characters XML 1.0 cannot hold
_A4 = 9  # Excel's paper size code
_PADDING = 5 / 7  # character widths XlsxWriter adds to a column's width


def render_xlsx(reviews: Iterable[tuple[Review, Document]], decisions: Mapping[str, Decision] | None = None) -> bytes:
    """An .xlsx workbook with the findings of every review and a per-file summary.

    ``decisions`` maps finding ids to what a reviewer decided; their 处置状态,
    备注 and 处置人 columns are filled, the others say 待处理.
    """
    book = Book()
    write_findings(book, (review_rows(review, document, decisions) for review, document in reviews))
    return book.close()


class Book:
    """An .xlsx workbook being written, in memory: sheets in the order they are added, the first one shown."""

    def __init__(self) -> None:
        """An empty workbook; text is always stored as text (a quote like "=56人" must not become a formula)."""
        import xlsxwriter  # loaded here: only the commands that write a workbook need it

        self._out = io.BytesIO()
        options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        self.book = xlsxwriter.Workbook(self._out, options)
        self._formats: dict[tuple, object] = {}

    def sheet(self, title: str, titles: list[str], widths: list[int]) -> Sheet:
        """A new sheet with a bold, shaded, frozen header row of ``titles`` and columns ``widths`` characters wide."""
        return Sheet(self, title, titles, widths)

    def style(self, fill: str | None = None, bold: bool = False, link: bool = False):
        """The cell format: wrapped, top-aligned, thin border, with an optional solid ``fill`` (RRGGBB), bold or link font."""
        key = (fill, bold, link)
        found = self._formats.get(key)
        if found is None:
            props: dict[str, object] = {"text_wrap": True, "valign": "top", "border": 1, "border_color": f"#{_BORDER_COLOR}"}
            if fill:
                props.update(pattern=1, bg_color=f"#{fill}")  # a solid pattern's colour
            if bold:
                props["bold"] = True
            if link:
                props.update(font_color=f"#{LINK_COLOR}", underline=1)
            found = self._formats[key] = self.book.add_format(props)
        return found

    def close(self) -> bytes:
        """The workbook's bytes (nothing can be added afterwards)."""
        self.book.close()
        return self._out.getvalue()


class Sheet:
    """One sheet of a Book, written row after row below its header."""

    def __init__(self, book: Book, title: str, titles: list[str], widths: list[int]) -> None:
        """Add the sheet, its columns, print setup and header row."""
        self.book, self.widths, self.rows = book, widths, 0
        self.sheet = sheet = book.book.add_worksheet(title)
        for col, width in enumerate(widths):
            # XlsxWriter adds the cell padding Excel shows no text in (5 of the default font's 7-pixel
            # digits); the widths here were set as stored widths: stored as given, they look as before.
            sheet.set_column(col, col, width - _PADDING)
        sheet.freeze_panes(1, 0)
        # Printed: landscape A4, the columns scaled to the page width, as many pages down as the
        # rows need (0 = automatic), the header row repeated on every page.
        sheet.set_landscape()
        sheet.set_paper(_A4)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        self.write(titles, bold=range(len(titles)), fills=dict.fromkeys(range(len(titles)), HEADER_FILL), fit=False)

    def write(
        self, values: list[object], *, fills: Mapping[int, str] | None = None, bold: Iterable[int] = (), link: str | None = None,
        fit: bool = True,
    ) -> None:
        """Add a row of ``values`` (text, numbers or None); ``fills`` colours cells by column (0-based), ``bold`` cells
        get a bold font, ``link`` (a path relative to the workbook) goes on the first cell; with ``fit`` the row is as
        tall as its wrapped text (Excel does not grow rows written by a program)."""
        sheet, row, fills, bold = self.sheet, self.rows, fills or {}, set(bold)
        shown = []
        for col, value in enumerate(values):
            style = self.book.style(fills.get(col), col in bold, link is not None and col == 0)
            if isinstance(value, str):
                value = _ILLEGAL.sub("", value)[:_CELL_LIMIT]
                if link is not None and col == 0:
                    sheet.write_url(row, col, f"external:{link}", style, value)
                elif value:
                    sheet.write_string(row, col, value, style)
                else:
                    sheet.write_blank(row, col, None, style)
            elif value is None:
                sheet.write_blank(row, col, None, style)
            else:
                sheet.write_number(row, col, value, style)
            shown.append(value)
        if fit:
            sheet.set_row(row, row_height(shown, self.widths))
        self.rows += 1

    def filter(self) -> None:
        """A filter on the header over every row written."""
        self.sheet.autofilter(0, 0, max(self.rows - 1, 0), len(self.widths) - 1)


def display_width(text: str) -> int:
    """Width of a line in column units: a CJK or full-width character counts two."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


@lru_cache(maxsize=8192)  # reports use a few thousand distinct characters
def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def row_height(values: list[object], widths: list[int]) -> int:
    """The height in points of a row of ``values`` in columns ``widths`` characters wide: enough for its wrapped text."""
    lines = 1
    for value, width in zip(values, widths):
        if isinstance(value, str) and value:
            lines = max(lines, _wrapped_lines(value, width))
    return min(_MAX_ROW_HEIGHT, lines * _LINE_HEIGHT)


@lru_cache(maxsize=4096)  # a summary repeats names, labels and default suggestions on many rows
def _wrapped_lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide."""
    usable = max(int(width * 0.9) - 1, 1)  # LibreOffice and Excel fit a little less than the width
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


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


@dataclass
class _Counts:
    """What the 汇总 sheet shows of one review: its document's info and its finding counts."""

    info: DocumentInfo
    severities: list[int]
    findings: int
    categories: Counter
    rejected: int


@dataclass
class ReviewRows:
    """What the workbook shows of one review: its 问题清单 rows as (cells, severity), and its 汇总 counts.

    Small and picklable: a batch's worker makes it while it holds the
    review's Document, so the process writing the workbook reads none.
    """

    findings: list[tuple[list[str], str]]
    counts: _Counts


def review_rows(review: Review, document: Document, decisions: Mapping[str, Decision] | None = None) -> ReviewRows:
    """The rows of one review and its Document; ``decisions`` (by finding id) fill 处置状态, 备注 and 处置人."""
    decisions = decisions or {}
    findings = [
        (_finding_row(finding, review, document, decisions.get(finding.id, Decision())), finding.severity)
        for finding in review.sorted_findings()
    ]
    severities = [review.summary[s] for s in SEVERITY_LABELS]
    categories = Counter(f.category for f in review.findings)
    return ReviewRows(findings, _Counts(review.document, severities, len(review.findings), categories, len(review.rejected)))


def write_findings(book: Book, reviews: Iterable[ReviewRows]) -> None:
    """Add the 问题清单 sheet (one row per finding of every file, filterable, each as tall as its text) and the 汇总 sheet.

    ``reviews`` is iterated once, so a batch can make them one at a time.
    """
    sheet = book.sheet(FINDINGS_SHEET, [t for t, _ in FINDING_COLUMNS], [w for _, w in FINDING_COLUMNS])
    counts = []
    for shown in reviews:
        for cells, severity in shown.findings:
            sheet.write(cells, fills={2: SEVERITY_FILLS[severity]})
        counts.append(shown.counts)
    sheet.filter()
    _write_summary(book, counts)


def _categories(counts: list[_Counts]) -> list[str]:
    """Known categories in their usual order, then any other category that occurs."""
    seen = [c for review in counts for c in review.categories]
    return list(CATEGORY_LABELS) + [c for c in dict.fromkeys(seen) if c not in CATEGORY_LABELS]


def _write_summary(book: Book, counts: list[_Counts]) -> None:
    """The 汇总 sheet: counts by severity and by category for each file, and a total row."""
    categories = _categories(counts)
    titles = ["文件", "单位", "年度", "模板", *SEVERITY_LABELS.values(), "合计",
              *(category_label(c) for c in categories), "未采纳的模型发现"]
    # A CJK character is about two width units.
    widths = [26, 24, 8, 12] + [8] * (len(SEVERITY_LABELS) + 1) + [2 * len(t) + 2 for t in titles[-len(categories) - 1 :]]
    sheet = book.sheet(SUMMARY_SHEET, titles, widths)
    totals = [0] * (len(titles) - 4)
    for review in counts:
        info = review.info
        numbers = [*review.severities, review.findings, *(review.categories[c] for c in categories), review.rejected]
        sheet.write([document_name(info.path), info.unit or "", info.year or "", info.template, *numbers], fit=False)
        totals = [a + b for a, b in zip(totals, numbers)]
    sheet.filter()  # the files, not the total row
    if len(counts) > 1:
        sheet.write([f"合计（{len(counts)}个文件）", "", "", "", *totals], bold=[0, *range(4, 4 + len(totals))], fit=False)
