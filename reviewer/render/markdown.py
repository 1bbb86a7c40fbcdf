"""Markdown output: the findings grouped by severity, ready to paste into a ticket or an email."""

from __future__ import annotations

import re

from reviewer.document import Document
from reviewer.finding import SEVERITY_LABELS, Finding, Review
from reviewer.render.layout import UNVERIFIED_LABEL, category_label, document_name, figures, finding_label

COLUMNS = ["#", "规则", "类别", "位置", "问题说明", "报告值与核对值", "原文", "建议"]
# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that change rendering.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!])")


def escape_markdown(text: str) -> str:
    """Text safe inside a Markdown table cell: specials backslash-escaped, one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_markdown(review: Review, document: Document, source_bytes: bytes | None = None) -> str:
    """The review as Markdown: header, counts, one table per severity, notes and rejected count."""
    info = review.document
    lines = [f"## 审阅结果：{escape_markdown(document_name(info.path))}", ""]
    facts = [f"单位：{info.unit}" if info.unit else "", f"年度：{info.year}" if info.year else "",
             f"模板：{info.template}" if info.template else ""]
    if any(facts):
        lines += [escape_markdown(" · ".join(f for f in facts if f)), ""]
    counts = review.summary
    tally = " · ".join(f"{label} {counts[sev]}" for sev, label in SEVERITY_LABELS.items())
    lines += [f"**{tally}**（合计 {len(review.findings)} 条）", ""]
    for note in review.notes:
        lines += [f"> {escape_markdown(note)}", ""]
    findings = review.sorted_findings()
    if not findings:
        lines += ["未发现问题。", ""]
    for severity, label in SEVERITY_LABELS.items():
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        lines += [f"### {label}（{len(group)}）", ""]
        lines.append("| " + " | ".join(COLUMNS) + " |")
        lines.append("|" + "|".join("---" for _ in COLUMNS) + "|")
        for n, finding in enumerate(group, start=1):
            lines.append("| " + " | ".join(_row(n, finding, document)) + " |")
        lines.append("")
    if review.rejected:
        lines += [f"另有 {len(review.rejected)} 条大模型发现未通过核验，未列入（原因见 JSON 或 HTML 输出）。", ""]
    return "\n".join(lines)


def _row(n: int, finding: Finding, document: Document) -> list[str]:
    """The escaped cells of one finding."""
    message = finding.message + (f"（{UNVERIFIED_LABEL}）" if finding.verification == "unverified" else "")
    quotes = "；".join(f"「{e.quote}」" for e in finding.evidence if e.quote)
    shown = "；".join(f"{label}：{value}" for label, value in figures(finding, document))
    cells = [finding.rule, category_label(finding.category), finding_label(finding, document), message,
             shown, quotes, finding.suggestion or ""]
    return [str(n)] + [escape_markdown(c) for c in cells]
