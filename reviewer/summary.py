"""The batch overview: summary.json and summary.xlsx, one row per document, failed ones included."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from reviewer.document import Document
from reviewer.finding import SEVERITY_LABELS, Review
from reviewer.render.xlsx import _header, _put, render_xlsx

if TYPE_CHECKING:
    from reviewer.batch import BatchResult, Outcome

OVERVIEW_SHEET = "文件概况"
TOP_ISSUES = 3
STATUS_LABELS = {"ok": "已审阅", "failed": "失败"}
# (header, width in characters)
OVERVIEW_COLUMNS = [
    ("文件", 30), ("状态", 8), ("失败原因", 40), ("单位", 24), ("年度", 8), ("模板", 16),
    ("错误", 7), ("警告", 7), ("提示", 7), ("已忽略", 8), ("主要问题", 60), ("审阅结果文件", 30),
]
_FAILED_FILL = PatternFill("solid", fgColor="FFD6D6")


def top_issues(review: Review) -> list[dict[str, str]]:
    """The first findings in display order (errors first), as short dicts."""
    return [
        {"rule": f.rule, "severity": f.severity, "message": f.message, "location": f.location_label}
        for f in review.sorted_findings()[:TOP_ISSUES]
    ]


def summary_row(outcome: "Outcome") -> dict[str, Any]:
    """One document's line of summary.json."""
    review = outcome.review
    info = review.document if review else None
    return {
        "path": outcome.source.display,
        "status": outcome.status,
        "reason": outcome.reason,
        "unit": info.unit if info else None,
        "year": info.year if info else None,
        "template": info.template if info else None,
        "sha256": info.sha256 if info else None,
        "summary": review.summary if review else {"error": 0, "warning": 0, "info": 0},
        "suppressed": outcome.suppressed,
        "top_issues": top_issues(review) if review else [],
        "outputs": outcome.outputs,
        "cached": outcome.cached,
        "seconds": round(outcome.seconds, 3),  # review time (of the run that filled the cache, when cached)
    }


def render_summary_json(result: "BatchResult") -> str:
    """summary.json: totals and one row per document, in input order."""
    rows = [summary_row(o) for o in result.outcomes]
    totals = {
        "documents": len(rows),
        "ok": sum(1 for r in rows if r["status"] == "ok"),
        "failed": sum(1 for r in rows if r["status"] == "failed"),
        **{s: sum(r["summary"][s] for r in rows) for s in SEVERITY_LABELS},
        "suppressed": sum(r["suppressed"] for r in rows),
        "reviewed": result.reviewed,
        "cached": result.cached,
    }
    data = {"schema_version": 1, "reviewer": result.build, "totals": totals, "documents": rows}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _overview_cells(outcome: "Outcome") -> list[object]:
    """The cells of one document in OVERVIEW_COLUMNS order."""
    row = summary_row(outcome)
    issues = "\n".join(f"[{i['rule']}] {i['message']}" for i in row["top_issues"])
    return [
        row["path"], STATUS_LABELS[row["status"]], row["reason"], row["unit"] or "", row["year"] or "",
        row["template"] or "", *(row["summary"][s] for s in SEVERITY_LABELS), row["suppressed"], issues,
        "\n".join(row["outputs"]),
    ]


def render_summary_xlsx(result: "BatchResult", documents: list[tuple[Review, Document]]) -> bytes:
    """summary.xlsx: a 文件概况 sheet with every document (failed ones in red), then the findings and counts sheets."""
    book = load_workbook(io.BytesIO(render_xlsx(documents)))
    sheet = book.create_sheet(OVERVIEW_SHEET, 0)
    book.active = 0
    for ws in book.worksheets:  # only one selected tab, or Excel opens the sheets grouped
        ws.sheet_view.tabSelected = ws is sheet
    _header(sheet, [t for t, _ in OVERVIEW_COLUMNS], [w for _, w in OVERVIEW_COLUMNS])
    for number, outcome in enumerate(result.outcomes, start=2):
        for col, value in enumerate(_overview_cells(outcome), start=1):
            _put(sheet, number, col, value)
        if outcome.status == "failed":
            sheet.cell(row=number, column=2).fill = _FAILED_FILL
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(OVERVIEW_COLUMNS))}{len(result.outcomes) + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
