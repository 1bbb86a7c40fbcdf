"""Plain text output: findings grouped by severity, one block per finding, sorted.

The same text is printed in colour on a terminal and plain otherwise, so
golden tests can compare it. Control characters from file names and report
text (an ESC starting a terminal escape sequence, a bell, a carriage
return) are shown as visible \\xNN escapes, never sent raw to the terminal.
"""

from __future__ import annotations

import re

from reviewer.document import Document
from reviewer.finding import SEVERITY_LABELS, Finding, Review
from reviewer.render.layout import figures, finding_label, places

# C0 controls except tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), and the
# bidirectional overrides that make a terminal show text in another order than it is.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character shown as a visible escape (ESC → \\x1b)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def header(review: Review) -> str:
    """The first line: file, counts and what the report is."""
    s = review.summary
    doc = review.document
    about = printable("；".join(x for x in (doc.unit and f"单位：{doc.unit}", doc.year and f"年度：{doc.year}", f"格式：{doc.template}") if x))
    return f"{printable(doc.path)}  错误 {s['error']}，警告 {s['warning']}，提示 {s['info']}（{about}）"


def finding_lines(f: Finding, document: Document | None = None) -> list[str]:
    """The lines that show one finding (control characters made visible); with the Document, paragraphs are named by their first words."""
    tag = "" if f.source == "rule" else ("［大模型·已核验］" if f.verification == "verified" else "［大模型·需人工复核］")
    lines = [f"  {f.rule:<9}{tag}{f.message}"]
    pad = " " * 11
    where = places(f, document)
    if where:
        head = where[0] if document is None else finding_label(f, document)
        rest = [w for w in where if w != head]
        shown = "；".join([head, *rest[:2]]) + (f" 等{len(where)}处" if len(rest) > 2 else "")
        lines.append(f"{pad}位置：{shown}")
    shown_figures = figures(f, document)
    if shown_figures:
        lines.append(pad + "；".join(f"{label}：{value}" for label, value in shown_figures))
    quotes = [e.quote.strip().replace("\n", " ") for e in f.evidence if e.quote.strip()]
    if quotes:
        shown = "；".join(f"“{q[:60]}{'…' if len(q) > 60 else ''}”" for q in quotes[:3])
        lines.append(f"{pad}原文：{shown}")
    if f.suggestion:
        lines.append(f"{pad}建议：{f.suggestion}")
    return [printable(line) for line in lines]


def render_text(review: Review, document: Document | None = None) -> list[tuple[str, str | None]]:
    """The review as (line, style) pairs; style is a rich style name or None."""
    out: list[tuple[str, str | None]] = [(header(review), "bold")]
    for note in review.notes:
        out.append((printable(f"  注：{note}"), "dim"))
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
            lines = finding_lines(f, document)
            out.append((lines[0], STYLES[severity]))
            out.extend((line, None) for line in lines[1:])
    if review.rejected:
        out.append(("", None))
        out.append((f"未通过核验的大模型意见（{len(review.rejected)}，不计入问题）：", "dim"))
        for r in review.rejected:
            out.append((printable(f"  - {r.reason}"), "dim"))
    return out


def render_plain(review: Review, document: Document | None = None) -> str:
    """The review as plain text."""
    return "\n".join(line for line, _ in render_text(review, document)) + "\n"

