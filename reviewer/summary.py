"""The batch overview: summary.json and summary.xlsx, one row per document, failed ones included.

A Row is all the batch keeps of a document once its summaries are written
(until then, its summary.xlsx rows too); the batch fills it (this module
knows nothing of the batch, so the imports go one way: batch → summary).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Iterable

from reviewer.document import Document
from reviewer.finding import SEVERITY_LABELS, Review

if TYPE_CHECKING:  # the workbook writer loads with its first use
    from reviewer.render.xlsx import ReviewRows

OVERVIEW_SHEET = "文件概况"
TOP_ISSUES = 3
STATUS_LABELS = {"ok": "已审阅", "failed": "失败"}
# (header, width in characters)
OVERVIEW_COLUMNS = [
    ("文件", 30), ("状态", 8), ("失败原因", 40), ("单位", 24), ("年度", 8), ("模板", 16),
    ("错误", 7), ("警告", 7), ("提示", 7), ("已忽略", 8), ("主要问题", 60), ("审阅结果文件", 30),
]
FAILED_COLOR = "FFD6D6"


def result_link(row: Row) -> str | None:
    """The output a summary row links to: its .html result (else its first output), a name beside summary.xlsx."""
    pages = [name for name in row.outputs if name.endswith(".html")]
    return (pages or row.outputs or [None])[0]


def top_issues(review: Review) -> list[dict[str, str]]:
    """The first findings in display order (errors first), as short dicts."""
    return [
        {"rule": f.rule, "severity": f.severity, "message": f.message, "location": f.location_label}
        for f in review.sorted_findings()[:TOP_ISSUES]
    ]


def _no_findings() -> dict[str, int]:
    return dict.fromkeys(SEVERITY_LABELS, 0)


@dataclass
class Row:
    """One document's line of summary.json and of the 文件概况 sheet."""

    path: str
    status: str = "ok"  # ok | failed
    reason: str = ""
    unit: str | None = None
    year: int | None = None
    template: str | None = None
    sha256: str | None = None
    counts: dict[str, int] = field(default_factory=_no_findings)  # findings by severity
    suppressed: int = 0  # dropped by the baseline
    top_issues: list[dict[str, str]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)  # file names in the output folder
    cached: bool = False
    seconds: float = 0.0  # review time (of the run that filled the cache, when cached)

    def describe(self, review: Review) -> None:
        """Take what the row shows of a document's final review."""
        info = review.document
        self.unit, self.year, self.template, self.sha256 = info.unit, info.year, info.template, info.sha256
        self.counts = review.summary
        self.top_issues = top_issues(review)

    def take(self, described: Row) -> None:
        """Take what ``describe`` and the baseline's count put into a row described elsewhere (a batch worker's)."""
        self.unit, self.year, self.template, self.sha256 = described.unit, described.year, described.template, described.sha256
        self.counts, self.top_issues, self.suppressed = described.counts, described.top_issues, described.suppressed

    def fail(self, reason: str) -> None:
        """Mark the document failed: only the reason is shown."""
        self.status, self.reason = "failed", reason
        self.unit = self.year = self.template = self.sha256 = None
        self.counts, self.top_issues, self.outputs = _no_findings(), [], []

    def to_json(self) -> dict[str, Any]:
        """The row as summary.json writes it."""
        return {
            "path": self.path,
            "status": self.status,
            "reason": self.reason,
            "unit": self.unit,
            "year": self.year,
            "template": self.template,
            "sha256": self.sha256,
            "summary": self.counts,
            "suppressed": self.suppressed,
            "top_issues": self.top_issues,
            "outputs": self.outputs,
            "cached": self.cached,
            "seconds": round(self.seconds, 3),
        }


def render_summary_json(rows: list[Row], build: str, reviewed: int, cached: int) -> str:
    """summary.json: totals and one row per document, in input order; ``reviewed`` and ``cached`` count this run's documents."""
    rows = [r.to_json() for r in rows]
    totals = {
        "documents": len(rows),
        "ok": sum(1 for r in rows if r["status"] == "ok"),
        "failed": sum(1 for r in rows if r["status"] == "failed"),
        **{s: sum(r["summary"][s] for r in rows) for s in SEVERITY_LABELS},
        "suppressed": sum(r["suppressed"] for r in rows),
        "reviewed": reviewed,
        "cached": cached,
    }
    data = {"schema_version": 1, "reviewer": build, "totals": totals, "documents": rows}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def shown_names(paths: list[str]) -> list[str]:
    """The paths as the overview shows them: relative to the folder they all share ("2024/甲局.docx"), so no row is a long absolute path."""
    posix = [PurePosixPath(path.replace("\\", "/")) for path in paths]
    try:
        common = os.path.commonpath([str(p.parent) for p in posix]) if posix else ""
    except ValueError:  # absolute and relative paths mixed
        common = ""
    if common in ("", ".", "/"):
        return list(paths)
    return [str(p.relative_to(common)) for p in posix]


def _overview_cells(row: Row, shown: str) -> list[object]:
    """The cells of one document in OVERVIEW_COLUMNS order, its path shown as ``shown``."""
    row = row.to_json()
    issues = "\n".join(f"[{i['rule']}] {i['message']}" for i in row["top_issues"])
    return [
        shown, STATUS_LABELS[row["status"]], row["reason"], row["unit"] or "", row["year"] or "",
        row["template"] or "", *(row["summary"][s] for s in SEVERITY_LABELS), row["suppressed"], issues,
        "\n".join(row["outputs"]),
    ]


def render_summary_xlsx(rows: list[Row], documents: Iterable[tuple[Review, Document]]) -> bytes:
    """summary.xlsx of ``rows`` and the reviewed ``documents`` with their final reviews (see ``render_summary_sheets``)."""
    # Loaded here, not with the module: writing a workbook is the only use.
    from reviewer.render.xlsx import review_rows

    return render_summary_sheets(rows, (review_rows(review, document) for review, document in documents))


def render_summary_sheets(rows: list[Row], sheets: Iterable[ReviewRows]) -> bytes:
    """summary.xlsx: a 文件概况 sheet with every document (failed ones in red), then the findings and counts sheets.

    A document's name (its path inside the folder all inputs share) links
    to its result (``result_link``) by a path relative to the workbook; rows
    are as tall as their text.

    ``sheets`` are the workbook rows of the reviewed documents' final
    reviews, iterated once: a batch can make them one at a time.
    """
    from reviewer.render.xlsx import Book, write_findings

    book = Book()
    sheet = book.sheet(OVERVIEW_SHEET, [t for t, _ in OVERVIEW_COLUMNS], [w for _, w in OVERVIEW_COLUMNS])
    for row, shown in zip(rows, shown_names([r.path for r in rows])):
        # The link is on the name only (LibreOffice shows a linked cell on one line: the outputs column keeps
        # its lines), relative to the workbook, so the output folder can be moved or shared as a whole.
        sheet.write(_overview_cells(row, shown), fills={1: FAILED_COLOR} if row.status == "failed" else None, link=result_link(row))
    sheet.filter()
    write_findings(book, sheets)
    return book.close()
