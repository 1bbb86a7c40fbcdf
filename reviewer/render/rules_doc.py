"""The rule catalogue as text (``reviewer rules``) and as docs/rules.md."""

from __future__ import annotations

from reviewer.crosscheck import BATCH_RULES
from reviewer.finding import CATEGORY_LABELS, SEVERITY_LABELS
from reviewer.rules import REGISTRY

BATCH_ONLY = "仅批量审阅 `reviewer batch`"

# What the rules apply to on forms nobody described: how tables are read, and what READ001 means.
READING_NOTE = """## 没见过的表格怎样审

规则不依赖某个省份的模板。每张表格按其网格读取（Word 的合并单元格、嵌套表格，Excel 的合并区域；
从 Word 或网页粘贴的文字按内容对齐到表头各列），再由表头文字确定各列含义（年初预算数、全年执行数、
执行率、分值、得分、年度指标值、指标性质＋指标值＋度量单位、实际完成值、偏差原因……），由行标签确定
各行含义（一级指标标题及其“（50分）”、指标行、“其中”分解行、模板占位行、合计／总分行、标签：值）。
因此资金、指标、评分和金额表的规则在各地表格上同样适用：总分与分值以表格自己写明的为准（总分行的分值，
或“预算执行情况(10分)”“绩效指标(90分)”“得分(20分*执行率)”这类标题），表格没写时不假定为100分；
金额表的合计行、合计列只与能确定的组成部分比较（编号明细行、以合计结尾的明细清单、按单位列示的各单位，
“其中”列，基本支出＋项目支出、人员经费＋公用经费）。

读得不可靠的表格不出错误：某一块读出的列与内容矛盾（如“分值”列出现“≥95%”、各行分值合计数百分），
或表格有数字却无法识别版式时，这张表不做检查，并以一条提示 READ001 列出表号和页码，请人工核对。
`reviewer extract` 的“表格识别情况”和 JSON 输出的 `document.coverage` 给出每张表读作什么、是否检查。"""


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


def render_rule_details(codes: list[str]) -> str:
    """The full description of each rule in ``codes`` (any case): its line, its scope and its documentation.

    Raises KeyError naming the codes no rule has (a one-line Chinese message).
    """
    by_code = {r.code: r for r in all_rules()}
    wanted = [code.strip().upper() for code in codes]
    unknown = [code for code in wanted if code not in by_code]
    if unknown:
        raise KeyError(f"没有这条规则：{'、'.join(unknown)}（`reviewer rules` 列出全部规则）")
    rules = [by_code[code] for code in dict.fromkeys(wanted)]
    return "\n".join(f"{r.code} {r.summary}（{_about(r)}）\n\n{r.doc}\n" for r in rules)


def _about(rule) -> str:
    """"警告，文字表述" and, for a batch rule, that only ``reviewer batch`` runs it."""
    scope = f"，{BATCH_ONLY}" if rule.code in BATCH_RULES else ""
    return f"{SEVERITY_LABELS[rule.severity]}，{CATEGORY_LABELS.get(rule.category, rule.category)}{scope}"


def render_rules_markdown() -> str:
    """docs/rules.md, generated from the registry."""
    out = [
        "# 审阅规则",
        "",
        "本文件由 `reviewer rules --markdown > docs/rules.md` 从规则注册表生成，请勿手工修改；"
        "测试会在它与代码不一致时失败。",
        "",
        READING_NOTE,
        "",
        "| 代码 | 级别 | 类别 | 说明 |",
        "|---|---|---|---|",
    ]
    rules = all_rules()
    for r in rules:
        out.append(f"| [{r.code}](#{r.code.lower()}) | {SEVERITY_LABELS[r.severity]} | {CATEGORY_LABELS.get(r.category, r.category)} | {r.summary} |")
    for r in rules:
        out += ["", f"## {r.code}", "", f"**{r.summary}**（{_about(r)}）", "", r.doc]
    return "\n".join(out) + "\n"
