"""Plain text output: findings grouped by severity, one block per finding, sorted.

The same text is printed in colour on a terminal and plain otherwise, so
golden tests can compare it.
"""

from __future__ import annotations

from reviewer.finding import SEVERITY_LABELS, Finding, Review

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def header(review: Review) -> str:
    """The first line: file, counts and what the report is."""
    s = review.summary
    doc = review.document
    about = "；".join(x for x in (doc.unit and f"单位：{doc.unit}", doc.year and f"年度：{doc.year}", f"格式：{doc.template}") if x)
    return f"{doc.path}  错误 {s['error']}，警告 {s['warning']}，提示 {s['info']}（{about}）"


def finding_lines(f: Finding) -> list[str]:
    """The lines that show one finding."""
    tag = "" if f.source == "rule" else ("［大模型·已核验］" if f.verification == "verified" else "［大模型·需人工复核］")
    lines = [f"  {f.rule:<9}{tag}{f.message}"]
    pad = " " * 11
    if f.location_label:
        lines.append(f"{pad}位置：{f.location_label}")
    quotes = [e.quote.strip().replace("\n", " ") for e in f.evidence if e.quote.strip()]
    if quotes:
        shown = "；".join(f"“{q[:60]}{'…' if len(q) > 60 else ''}”" for q in quotes[:3])
        lines.append(f"{pad}原文：{shown}")
    if f.suggestion:
        lines.append(f"{pad}建议：{f.suggestion}")
    return lines


def render_text(review: Review) -> list[tuple[str, str | None]]:
    """The review as (line, style) pairs; style is a rich style name or None."""
    out: list[tuple[str, str | None]] = [(header(review), "bold")]
    for note in review.notes:
        out.append((f"  注：{note}", "dim"))
    findings = review.sorted_findings()
    if not findings:
        out.append(("  未发现问题。", "green"))
    for severity in ("error", "warning", "info"):
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        out.append(("", None))
        out.append((f"{SEVERITY_LABELS[severity]}（{len(group)}）", STYLES[severity]))
        for f in group:
            lines = finding_lines(f)
            out.append((lines[0], STYLES[severity]))
            out.extend((line, None) for line in lines[1:])
    if review.rejected:
        out.append(("", None))
        out.append((f"未通过核验的大模型意见（{len(review.rejected)}，不计入问题）：", "dim"))
        for r in review.rejected:
            out.append((f"  - {r.reason}", "dim"))
    return out


def render_plain(review: Review) -> str:
    """The review as plain text."""
    return "\n".join(line for line, _ in render_text(review)) + "\n"

