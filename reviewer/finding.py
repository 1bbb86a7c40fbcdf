"""Findings and the Review that collects them: what every renderer consumes."""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, Field

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


class Evidence(BaseModel):
    """A quoted piece of the source supporting a finding."""

    quote: str
    loc: Location | None = None


class Finding(BaseModel):
    """One issue a reviewer should look at."""

    id: str = ""
    rule: str
    severity: Severity
    category: str
    message: str
    evidence: list[Evidence] = Field(default_factory=list)
    expected: str | None = None
    actual: str | None = None
    source: Literal["rule", "llm"] = "rule"
    verification: Literal["verified", "unverified"] = "verified"
    suggestion: str | None = None

    def model_post_init(self, __context: Any) -> None:
        """Derive a stable id from the rule, the message and where it points."""
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

    def sort_key(self) -> tuple:
        """Order: severity, then position in the document, then rule code."""
        loc = next((e.loc for e in self.evidence if e.loc), None)
        block = loc.block if loc and loc.block is not None else 10**9
        row = loc.row if loc and loc.row is not None else -1
        col = loc.col if loc and loc.col is not None else -1
        return (SEVERITY_ORDER[self.severity], block, row, col, self.rule, self.message)


class Rejected(BaseModel):
    """A model finding that failed verification, with the reason."""

    candidate: dict[str, Any]
    reason: str


class DocumentInfo(BaseModel):
    """What the review says about the reviewed document."""

    path: str
    sha256: str
    unit: str | None = None
    year: int | None = None
    template: str = "未识别"
    format: str = ""
    coverage: list[TableCoverage] = Field(default_factory=list)  # what each table was read as (see READ001)


class Review(BaseModel):
    """The result of reviewing one document."""

    document: DocumentInfo
    findings: list[Finding] = Field(default_factory=list)
    rejected: list[Rejected] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # e.g. "未配置大模型，跳过文字审阅"

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
            "document": self.document.model_dump(mode="json", exclude={"format"}),
            "summary": self.summary,
            "findings": [f.model_dump(mode="json") for f in self.sorted_findings()],
            "rejected": [r.model_dump(mode="json") for r in self.rejected],
        }
