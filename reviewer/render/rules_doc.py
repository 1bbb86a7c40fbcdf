"""The rule catalogue as text (``reviewer rules``) and as docs/rules.md."""

from __future__ import annotations

from reviewer.crosscheck import BATCH_RULES
from reviewer.finding import CATEGORY_LABELS, SEVERITY_LABELS
from reviewer.rules import REGISTRY

BATCH_ONLY = "仅批量审阅 `reviewer batch`"


def all_rules() -> list:
    """Every rule, single-report and batch, ordered by code."""
    return sorted([*REGISTRY.values(), *BATCH_RULES.values()], key=lambda r: r.code)


def render_rules_text() -> str:
    """One line per rule: code, severity, category, summary."""
    lines = [
        f"{r.code:<9}{SEVERITY_LABELS[r.severity]}  {CATEGORY_LABELS.get(r.category, r.category):<8}{r.summary}"
        for r in all_rules()
    ]
    return "\n".join(lines) + "\n"


def render_rules_markdown() -> str:
    """docs/rules.md, generated from the registry."""
    out = [
        "# 审阅规则",
        "",
        "本文件由 `reviewer rules --markdown > docs/rules.md` 从规则注册表生成，请勿手工修改；"
        "测试会在它与代码不一致时失败。",
        "",
        "| 代码 | 级别 | 类别 | 说明 |",
        "|---|---|---|---|",
    ]
    rules = all_rules()
    for r in rules:
        out.append(f"| [{r.code}](#{r.code.lower()}) | {SEVERITY_LABELS[r.severity]} | {CATEGORY_LABELS.get(r.category, r.category)} | {r.summary} |")
    for r in rules:
        scope = f"，{BATCH_ONLY}" if r.code in BATCH_RULES else ""
        out += ["", f"## {r.code}", "", f"**{r.summary}**（{SEVERITY_LABELS[r.severity]}，{CATEGORY_LABELS.get(r.category, r.category)}{scope}）", "", r.doc]
    return "\n".join(out) + "\n"
