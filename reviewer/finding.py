"""Findings and the Review that collects them: what every renderer consumes."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from dataclasses import dataclass, field
from typing import Any, Literal

from reviewer.document import Location
from reviewer.report import TableCoverage

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}

CATEGORY_LABELS: dict[str, str] = {
    "arithmetic": "表内勾稽",
    "scoring": "评分",
    "indicator": "指标",
    "crossref": "表间表文一致性",
    "form": "完整性与格式",
    "narrative": "文字表述",
}


# What ``Finding.expected`` is, by ``Finding.basis``; ``Finding.actual`` is always the 报告值.
BASIS_LABELS: dict[str, str] = {"computed": "计算值", "required": "要求", "compared": "对照值"}
REPORTED_LABEL = "报告值"

# The 建议 of a finding whose rule gives none: what a reviewer does about that kind of problem.
DEFAULT_SUGGESTIONS: dict[str, str] = {
    "arithmetic": "核对相关数字的填报与计算，使合计、明细和比率一致。",
    "scoring": "按评分规则核对分值、得分和总分，更正不一致之处。",
    "indicator": "按“比较符+数值+单位”填写年度指标值，实际完成值写实际测得的数值。",
    "crossref": "核对两处的同一数据，更正错误的一处，使表格与文字一致。",
    "form": "按模板补全或更正这一处的内容。",
    "narrative": "核实这段文字所述是否属实，与表格数据保持一致。",
}
FALLBACK_SUGGESTION = "核实这一处内容，必要时更正。"


@dataclass(kw_only=True, slots=True)
class Evidence:
    """A quoted piece of the source supporting a finding."""

    quote: str
    loc: Location | None = None


@dataclass(kw_only=True, slots=True)
class Finding:
    """One issue a reviewer should look at.

    The two figures have one meaning everywhere: ``actual`` is the 报告值,
    what the report itself gives at the finding's first located evidence;
    ``expected`` is what it was checked against, and ``basis`` says which
    kind: a 计算值 recomputed from the report's other figures ("computed"),
    a 要求 of the template or the scoring rules ("required"), or the 对照值
    the report gives for the same quantity elsewhere ("compared": its place is
    the location of the evidence after the first). Every finding has a
    ``suggestion``; a rule that gives none gets its category's default.
    """

    id: str = ""
    rule: str
    severity: Severity
    category: str
    message: str
    evidence: list[Evidence] = field(default_factory=list)
    expected: str | None = None
    actual: str | None = None
    source: Literal["rule", "llm"] = "rule"
    verification: Literal["verified", "unverified"] = "verified"
    suggestion: str | None = None
    basis: Literal["computed", "required", "compared"] = "computed"

    def __post_init__(self) -> None:
        """Derive a stable id from the rule, the message and where it points; fill a missing suggestion."""
        if not (self.suggestion or "").strip():
            self.suggestion = DEFAULT_SUGGESTIONS.get(self.category, FALLBACK_SUGGESTION)
        if not self.id:
            where = ";".join(
                f"{e.loc.block},{e.loc.row},{e.loc.col}" if e.loc else e.quote for e in self.evidence
            )
            digest = hashlib.sha1(f"{self.rule}|{self.message}|{where}".encode()).hexdigest()[:10]
            self.id = f"{self.rule}-{digest}"

    @property
    def location_label(self) -> str:
        """The human label of the first located evidence."""
        for e in self.evidence:
            if e.loc and e.loc.label:
                return e.loc.label
        return ""

    @property
    def expected_label(self) -> str:
        """计算值, 要求 or 对照值: what ``expected`` is."""
        return BASIS_LABELS[self.basis]

    def sort_key(self) -> tuple:
        """Order: severity, then position in the document, then rule code."""
        loc = next((e.loc for e in self.evidence if e.loc), None)
        block = loc.block if loc and loc.block is not None else 10**9
        row = loc.row if loc and loc.row is not None else -1
        col = loc.col if loc and loc.col is not None else -1
        return (SEVERITY_ORDER[self.severity], block, row, col, self.rule, self.message)


@dataclass(kw_only=True, slots=True)
class Rejected:
    """A model finding that failed verification, with the reason."""

    candidate: dict[str, Any]
    reason: str


@dataclass(kw_only=True, slots=True)
class DocumentInfo:
    """What the review says about the reviewed document."""

    path: str
    sha256: str
    unit: str | None = None
    year: int | None = None
    template: str = "未识别"
    format: str = ""
    coverage: list[TableCoverage] = field(default_factory=list)  # what each table was read as (see READ001)


@dataclass(kw_only=True, slots=True)
class Review:
    """The result of reviewing one document."""

    document: DocumentInfo
    findings: list[Finding] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "未配置大模型，跳过文字审阅"

    @property
    def summary(self) -> dict[str, int]:
        """Counts by severity."""
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            counts[f.severity] += 1
        return counts

    def sorted_findings(self) -> list[Finding]:
        """Findings in display order."""
        return sorted(self.findings, key=Finding.sort_key)

    def to_json_dict(self) -> dict[str, Any]:
        """The documented JSON shape (schema_version 1)."""
        return {
            "schema_version": 1,
            "document": {k: v for k, v in _as_dict(self.document).items() if k != "format"},
            "summary": self.summary,
            "findings": [_as_dict(f) for f in self.sorted_findings()],
            "rejected": [_as_dict(r) for r in self.rejected],
            "notes": list(self.notes),  # e.g. LLM requests that failed: the review is then incomplete
        }


def _as_dict(value: Any) -> dict[str, Any]:
    """``dataclasses.asdict(value)``, made by pydantic's serializer where pydantic is loaded already (batch workers, the web app).

    The dicts are equal (the dataclasses here hold only JSON values) and
    made about ten times faster; this module never loads pydantic itself.
    """
    core = sys.modules.get("pydantic_core")
    return dataclasses.asdict(value) if core is None else core.to_jsonable_python(value)
