"""Rows whose empty first cell was lost in export, so every figure sits one column to the left.

A tab-separated export that trims each line loses a row's leading tab. Such a
form must be reported as not read (READ001), never checked with its figures
in the wrong columns. Markdown written without outer pipes keeps that cell:
in such a table " | 年度资金总额 | …" opens with an empty cell, not an outer
pipe (GitHub would shift the row; the writer, as the header's width shows,
did not mean it).
"""

from __future__ import annotations

from reviewer.extract import extract
from reviewer.ingest import load_bytes
from reviewer.rules import run_rules

ROWS = [
    ["项目名称", "棉花目标价格补贴资金发放", "", "", "", "", "", ""],
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["", "年度资金总额", "0.00", "8650.40", "8650.40", "10", "100.00%", "10.00"],
    ["", "其中：中央财政资金", "0.00", "8650.40", "8650.40", "—", "—", "—"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["", "产出指标（50分）", "数量指标", "补贴棉农户数", "≥3.2万户", "3.26万户", "50", "50"],
    ["", "效益指标（30分）", "经济效益指标", "棉花种植面积", "≥90万亩", "92.3万亩", "30", "30"],
    ["", "满意度指标（10分）", "服务对象满意度指标", "棉农满意度", "≥90%", "95.5%", "10", "10"],
    ["总分", "", "", "", "", "", "100", "100"],
]


def _markdown_without_outer_pipes() -> str:
    return "\n".join(" | ".join(row) for row in ROWS)


def _trimmed_tsv() -> str:
    return "\n".join("\t".join(row).strip() for row in ROWS)


def test_shifted_rows_are_not_read_rather_than_checked():
    text = "2024年度项目支出绩效自评表\n\n" + _trimmed_tsv() + "\n"
    findings = run_rules(extract(load_bytes(text.encode("utf-8"), "report.txt", ".txt")))
    assert [f.rule for f in findings] == ["READ001"]
    assert "分值列出现“100.00%”" in findings[0].message


def test_markdown_without_outer_pipes_keeps_a_row_s_empty_first_cell():
    text = "2024年度项目支出绩效自评表\n\n" + _markdown_without_outer_pipes() + "\n"
    document = load_bytes(text.encode("utf-8"), "report.md", ".md")
    assert [c.text for c in document.tables[0].rows[2]] == ROWS[2]
    assert [c.text for c in document.tables[0].rows[8]] == ROWS[8]  # 总分 | … | 100 | 100: the trailing cells too
    assert run_rules(extract(document)) == []
    # One planted mistake is found where it is, as in any other layout.
    wrong = text.replace("| 50 | 50", "| 50 | 55")
    assert [f.rule for f in run_rules(extract(load_bytes(wrong.encode("utf-8"), "report.md", ".md")))] == ["SCORE004", "SCORE005"]
