"""Table layouts of the same kinds as ../shared/cases, written the way other provinces write them.

Each form below is one layout: headings on rows of their own, points in the
分值 column, totals with only their 分值, Sichuan split targets, pipe tables,
goal blocks, score sheets, targets in many spellings. Every form is reviewed
as the text a user pastes (tab-separated rows, Word's cell-per-line export,
markdown pipes) and rebuilt as .docx and .xlsx; a few are built with real
merged cells. What a careful reviewer finds must come out in every format,
and nothing else: a false error is worse than a missed one.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.report import Report
from reviewer.rules import run_rules
from samples.build_samples import text_to_docx, text_to_xlsx


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.split("|")]


def as_tsv(rows: list[str]) -> str:
    """Rows as Excel copies them: cells between tabs, a merged row as its text and a tab."""
    out = []
    for row in rows:
        if "|" not in row:
            out.append(row)
            continue
        cells = [c for c in _cells(row)]
        out.append("\t".join(cells if len(cells) > 1 else [cells[0], ""]))
    return "\n".join(out) + "\n"


def as_word_cells(rows: list[str]) -> str:
    """Rows as Word's text export writes them: a tab-prefixed line per cell, a blank line after each row.

    Trailing empty cells are left out, as when the last cell spans the rest of the row.
    """
    out = []
    for row in rows:
        if "|" not in row:
            out.append(row)
            continue
        cells = _cells(row)
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        out += ["\t" + c for c in cells] + [""]
    return "\n".join(out) + "\n"


def as_pipes(rows: list[str]) -> str:
    """Rows as a markdown pipe table copied from a web page, without the |---| line."""
    return "\n".join(f"| {' | '.join(_cells(r))} |" if "|" in r else r for r in rows) + "\n"


TEXT = {"tsv": as_tsv, "cells": as_word_cells, "pipes": as_pipes}
FORMATS = ["tsv", "cells", "pipes", "docx", "xlsx"]


def review(rows: list[str], fmt: str, tmp_path: Path) -> tuple[Report, list]:
    """Write the form in one format and review it."""
    if fmt in TEXT:
        path = tmp_path / f"form.{'md' if fmt == 'pipes' else 'txt'}"
        path.write_text(TEXT[fmt](rows), encoding="utf-8")
    else:
        source = tmp_path / "form.txt"
        source.write_text(as_tsv(rows), encoding="utf-8")
        path = (text_to_docx if fmt == "docx" else text_to_xlsx)(source, tmp_path / f"form.{fmt}")
    report = extract(load(path))
    return report, run_rules(report)


def codes(findings) -> list[str]:
    """The codes of the errors and warnings, sorted."""
    return sorted(f.rule for f in findings if f.severity in ("error", "warning"))


def level1_points(report: Report) -> dict[str, int]:
    return {f.label.removesuffix("分值"): int(f.quantity.value) for e in report.evaluations if e.indicators for f in e.indicators.level1_points}


def names_of(findings, rule: str) -> list[str]:
    """The indicator names a rule's findings speak of («…「name」…»)."""
    return sorted(f.message.split("「")[-1].split("」")[0] for f in findings if f.rule == rule)


FUNDS = [
    "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
    "年度资金总额 | 50 | 50 | 50 | 10 | 100% | 10",
]
PROJECT = ["项目支出绩效自评表（2024年度）", "项目名称 | 圩堤加固 |  | ", "实施单位 | 清河县水利局 |  | "]
INDICATOR_HEADER = "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施"

# --- level headings on rows of their own (case 01) ------------------------------------------------

HEADINGS_ALONE = [
    *PROJECT, *FUNDS, INDICATOR_HEADER,
    "产出指标（50分） |  |  |  |  |  |  | ",
    " | 数量指标 | 加固堤段 | ≥6公里 | 6.2公里 | 30 | 30 | ",
    " | 质量指标 | 验收合格率 | ≥95% | 98% | 20 | 20 | ",
    "效益指标（30分） |  |  |  |  |  |  | ",
    " | 社会效益指标 | 受保护人口 | ≥2万人 | 2.1万人 | 30 | 30 | ",
    "满意度指标（10分） |  |  |  |  |  |  | ",
    " | 服务对象满意度指标 | 群众满意度 | ≥90% | 94% | 10 | 10 | ",
    "合计 |  |  |  |  | 100 | 100 | ",
]
# The block's points in its heading row's 分值 (and 得分) columns instead of its label.
POINTS_IN_WEIGHT_COLUMN = [
    *PROJECT, *FUNDS, INDICATOR_HEADER,
    "产出指标 |  |  |  |  | 50 | 50 | ",
    " | 数量指标 | 加固堤段 | ≥6公里 | 6.2公里 | 30 | 30 | ",
    " | 质量指标 | 验收合格率 | ≥95% | 98% | 20 | 20 | ",
    "效益指标 |  |  |  |  | 30 | 30 | ",
    " | 社会效益指标 | 受保护人口 | ≥2万人 | 2.1万人 | 30 | 30 | ",
    "满意度指标 |  |  |  |  | 10 | 10 | ",
    " | 服务对象满意度指标 | 群众满意度 | ≥90% | 94% | 10 | 10 | ",
    "总分 |  |  |  |  | 100 | 100 | ",
]
# Numbered headings written across the whole row, a 序号 column, 二级 points, a short 总计 row.
NUMBERED_FULL_ROW_HEADINGS = [
    *PROJECT, *FUNDS,
    "序号 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
    "一、产出指标（50分） |",
    "1 |  | 数量指标（30分） | 加固堤段 | ≥6公里 | 6.2公里 | 30 | 30 | ",
    "2 |  | 质量指标（20分） | 验收合格率 | ≥95% | 98% | 20 | 20 | ",
    "二、效益指标（30分） |",
    "3 |  | 社会效益指标 | 受保护人口 | ≥2万人 | 2.1万人 | 30 | 30 | ",
    "三、满意度指标（10分） |",
    "4 |  | 服务对象满意度指标 | 群众满意度 | ≥90% | 94% | 10 | 10 | ",
    "总计 | 100 | 100",
]
# Points written "(50)" and "30分"; a 小计 row closing each block.
OTHER_POINTS_AND_SUBTOTALS = [
    *PROJECT, *FUNDS, INDICATOR_HEADER,
    "产出指标(50) | 数量指标 | 加固堤段 | ≥6公里 | 6.2公里 | 30 | 30 | ",
    " | 质量指标 | 验收合格率 | ≥95% | 98% | 20 | 20 | ",
    " | 小计 |  |  |  | 50 | 50 | ",
    "效益指标 30分 | 社会效益指标 | 受保护人口 | ≥2万人 | 2.1万人 | 30 | 30 | ",
    " | 小计 |  |  |  | 30 | 30 | ",
    "满意度指标 10分 | 服务对象满意度指标 | 群众满意度 | ≥90% | 94% | 10 | 10 | ",
    " | 小计 |  |  |  | 10 | 10 | ",
    "总分 |  |  |  |  | 100 | 100 | ",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "rows",
    [HEADINGS_ALONE, POINTS_IN_WEIGHT_COLUMN, NUMBERED_FULL_ROW_HEADINGS, OTHER_POINTS_AND_SUBTOTALS],
    ids=["alone", "weight-column", "numbered", "subtotals"],
)
def test_level_headings_give_their_points_and_a_consistent_form_no_finding(rows, fmt, tmp_path):
    report, findings = review(rows, fmt, tmp_path)
    assert level1_points(report) == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert [i.name for i in report.evaluations[0].indicators.indicators] == ["加固堤段", "验收合格率", "受保护人口", "群众满意度"]
    assert codes(findings) == [], [f.message for f in findings]


@pytest.mark.parametrize("fmt", FORMATS)
def test_points_in_a_heading_row_are_compared_with_the_rows_below(fmt, tmp_path):
    rows = [r.replace("效益指标 |  |  |  |  | 30 | 30 | ", "效益指标 |  |  |  |  | 30 | 25 | ") for r in POINTS_IN_WEIGHT_COLUMN]
    rows = [r.replace("受保护人口 | ≥2万人 | 2.1万人 | 30 | 30", "受保护人口 | ≥2万人 | 2.1万人 | 25 | 25").replace("总分 |  |  |  |  | 100 | 100", "总分 |  |  |  |  | 100 | 95") for r in rows]
    _, findings = review(rows, fmt, tmp_path)
    # 效益指标 states 30 over rows of 25: the heading mismatch, the total of weights, the unusual split.
    assert codes(findings) == ["SCORE001", "SCORE002", "SCORE003"]
    assert "「效益指标」标注30分" in next(f.message for f in findings if f.rule == "SCORE002")


# --- a total with its 分值 and a blank 得分 (case 03) ------------------------------------------------

SCORED_ROWS = [
    *PROJECT,
    "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
    "年度资金总额 | 30 | 30 | 27 | 10 | 90% | 9",
    INDICATOR_HEADER,
    "产出指标 | 数量指标 | 培训人次 | ≥600人次 | 540人次 | 50 | 45 | 部分乡镇培训延期",
    "效益指标 | 经济效益指标 | 带动网销额 | ≥200万元 | 230万元 | 30 | 30 | ",
    "满意度指标 | 服务对象满意度指标 | 学员满意度 | ≥90% | 92% | 10 | 10 | ",
]  # the scores add up to 9 + 45 + 30 + 10 = 94


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "total",
    ["合计 | 100 | ", "总分 |  |  |  |  | 100 | — | ", "总分（100分） |  |  |  |  |  |  | "],
    ids=["short-row", "dash", "points-in-label"],
)
def test_total_with_only_its_weight_asks_for_the_total(total, fmt, tmp_path):
    _, findings = review([*SCORED_ROWS, total], fmt, tmp_path)
    assert codes(findings) == ["SCORE014"], [f.message for f in findings]
    assert findings[0].expected == "94分" and "总分应为94分" in findings[0].message


@pytest.mark.parametrize("fmt", ["tsv", "cells", "pipes"])
def test_pasted_block_title_over_an_empty_cell_keeps_the_columns_in_place(fmt, tmp_path):
    # Word copies "资金情况" (merged over two columns) once; the data rows keep the empty cell it covers.
    rows = [
        "2024年度部门整体支出绩效自评表",
        "预算部门、单位名称 | 南坪县商务局",
        "资金情况 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
        " | 年度资金总额 | 30 | 30 | 27 | 10 | 90% | 9",
        "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 自评得分 | 偏差原因分析及改进措施",
        *[" | " + r for r in SCORED_ROWS[-3:]],
        "综合得分 | 100 |  | ",
    ]
    report, findings = review(rows, fmt, tmp_path)
    assert report.evaluations[0].funds.total.cells["rate"].quote == "90%"
    assert codes(findings) == ["SCORE014"] and findings[0].expected == "94分"


# --- Sichuan: target split over 指标性质 | 指标值 | 度量单位 (case 04) ----------------------------------

SICHUAN_HEAD = [
    "部门预算项目支出绩效自评表(2023年度)",
    "项目名称 | 城乡供水保障",
    "主管部门 | 西川县水务局 | 实施单位 | 西川县水务局",
    "预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因",
    " | 总额 | 60.00 | 60.00 | 60.00 | 100.00% | 10 | 10 | ",
]


def sichuan(header: str, rows: list[tuple[str, ...]]) -> list[str]:
    return [*SICHUAN_HEAD, header, *(" | " + " | ".join(r) + " | " for r in rows), "合计 |  |  |  |  |  |  |  | 100 | 100 | "]


SPLIT_HEADER = "绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析"
WORD_COMPARATORS = sichuan(SPLIT_HEADER, [
    ("产出指标", "数量指标", "新建管网", "大于等于", "12", "公里", "12.5", "30", "30"),
    ("产出指标", "质量指标", "水质合格率", "＞＝", "98", "%", "97", "10", "10"),
    ("产出指标", "成本指标", "吨水成本", "小于等于", "2.5", "元", "2.8", "10", "10"),
    ("效益指标", "社会效益指标", "供水保障情况", "定性", "好", "", "好", "30", "30"),
    ("满意度指标", "服务对象满意度指标", "用户满意度", "≧", "90", "%", "93", "10", "10"),
])
UNIT_WRITTEN_TWICE = sichuan(SPLIT_HEADER, [
    ("产出指标", "数量指标", "新建管网", "≥", "12公里", "公里", "12.5公里", "30", "30"),
    ("产出指标", "质量指标", "水质合格率", "≥", "98%", "%", "97%", "10", "10"),
    ("产出指标", "成本指标", "吨水成本", "≤", "2.5", "元", "2.8元", "10", "10"),
    ("效益指标", "社会效益指标", "新增供水户", "≥", "3000", "宗", "3100", "30", "30"),
    ("满意度指标", "服务对象满意度指标", "用户满意度", "≥", "90", "%", "93%", "10", "10"),
])
DIRECTIONS = sichuan(
    "绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标方向 | 度量单位 | 指标值 | 实际完成值 | 分值 | 得分 | 偏差原因",
    [
        ("产出指标", "数量指标", "新建管网", "正向", "公里", "12", "12.5", "30", "30"),
        ("产出指标", "质量指标", "水质合格率", "正向", "%", "98", "97", "10", "10"),
        ("产出指标", "成本指标", "吨水成本", "反向", "元", "2.5", "2.8", "10", "10"),
        ("效益指标", "社会效益指标", "受益人口", "正向", "人", "8000", "8200", "30", "30"),
        ("满意度指标", "服务对象满意度指标", "用户满意度", "正向", "%", "90", "93", "10", "10"),
    ],
)
TWO_ROW_HEADER = [
    *SICHUAN_HEAD,
    "绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 年度指标值 |  |  | 完成值 | 权重 | 得分 | 未完成原因分析",
    " |  |  |  | 指标性质 | 指标值 | 度量单位 |  |  |  | ",
    *sichuan(SPLIT_HEADER, [
        ("产出指标", "数量指标", "新建管网", "≥", "12", "公里", "12.5", "30", "30"),
        ("产出指标", "质量指标", "水质合格率", "≥", "98", "%", "97", "10", "10"),
        ("产出指标", "成本指标", "吨水成本", "≤", "2.5", "元", "2.8", "10", "10"),
        ("效益指标", "社会效益指标", "受益人口", "≥", "8000", "人", "8200", "30", "30"),
        ("满意度指标", "服务对象满意度指标", "用户满意度", "≥", "90", "%", "93", "10", "10"),
    ])[len(SICHUAN_HEAD) + 1 :],
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "rows", [WORD_COMPARATORS, UNIT_WRITTEN_TWICE, DIRECTIONS, TWO_ROW_HEADER], ids=["words", "unit-twice", "directions", "two-row-header"]
)
def test_split_targets_are_one_target_and_missed_ones_lose_full_marks(rows, fmt, tmp_path):
    report, findings = review(rows, fmt, tmp_path)
    targets = {i.name: (i.target.comparator, i.target.value, i.target.unit) for i in report.evaluations[0].indicators.indicators}
    assert targets["水质合格率"] == (">=", Decimal(98), "%")
    assert targets["吨水成本"] == ("<=", Decimal("2.5"), "元")
    assert names_of(findings, "SCORE007") == ["吨水成本", "水质合格率"]
    assert codes(findings) == ["SCORE007", "SCORE007", "SCORE009", "SCORE009"], [f.message for f in findings]


# --- pipe tables (case 06) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table",
    [
        ["一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分", "产出指标 | 质量指标 | 验收合格率 | ≥95% | 90% | 50 | 50"],
        ["｜一级指标｜二级指标｜三级指标｜年度指标值｜实际完成值｜分值｜得分｜", "｜产出指标｜质量指标｜验收合格率｜≥95%｜90%｜50｜50｜"],
    ],
    ids=["no-outer-pipes", "full-width-pipes"],
)
def test_pipe_rows_as_web_pages_write_them_are_a_table(table, tmp_path):
    path = tmp_path / "form.md"
    path.write_text("\n".join(["项目支出绩效自评表（2024年度）", *table]) + "\n", encoding="utf-8")
    findings = run_rules(extract(load(path)))
    assert codes(findings) == ["SCORE007", "SCORE009"] and names_of(findings, "SCORE007") == ["验收合格率"]


# --- goal blocks (case 08) ------------------------------------------------------------------------

GOAL_FUNDS = ["资金情况(万元) | 全年预算数(A) | 全年执行数(B) | 分值 | 执行率(B/A) | 得分", "年度资金总额: | 300 | 300 | 10 | 100.00% | 10"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "goal",
    [
        ["年初绩效目标 |  | 全年目标实际完成情况 |  | ", "改造老旧小区12个 |  | 完成改造老旧小区10个 |  | "],
        ["年度绩效目标 | 改造老旧小区12个", "年度绩效目标完成情况 | 完成改造老旧小区10个"],
        ["年度总体目标 | 预期目标：改造老旧小区12个 | 实际完成情况：完成改造老旧小区10个"],
    ],
    ids=["column-headers", "label-rows", "labels-in-cells"],
)
def test_goal_and_result_are_read_whatever_their_labels_and_a_shortfall_is_flagged(goal, fmt, tmp_path):
    report, findings = review([*PROJECT, *GOAL_FUNDS, *goal], fmt, tmp_path)
    evaluation = report.evaluations[0]
    assert evaluation.goal_expected.text.endswith("改造老旧小区12个")
    assert evaluation.goal_actual.text.endswith("完成改造老旧小区10个")
    # The goal rows are no funds rows: no sum of "12个" and "10个" against the budget.
    assert codes(findings) == ["IND010"], [f.message for f in findings]


# --- score sheets (case 10) -----------------------------------------------------------------------

SHEET_TITLE = ["2023年度部门整体支出绩效评价自评表", "单位 | 西城区民政局 |  |  |  | "]


@pytest.mark.parametrize("fmt", FORMATS)
def test_score_sheet_with_points_in_the_weight_column_of_its_level_rows(fmt, tmp_path):
    rows = [
        *SHEET_TITLE,
        "序号 | 一级指标 | 二级指标 | 三级指标 | 分值 | 得分",
        "一 | 决策 |  |  | 12 | 13",
        " |  | 目标设定 |  | 6 | 6",
        "1 |  |  | 绩效目标合理性 | 3 | 3",
        "2 |  |  | 绩效指标明确性 | 3 | 3",
        " |  | 预算编制 |  | 6 | 7",
        "3 |  |  | 预算编制科学性 | 4 | 4",
        "4 |  |  | 资金分配合理性 | 2 | 3",
        "二 | 过程 |  |  | 8 | 8",
        " |  | 资金管理 |  | 8 | 8",
        "5 |  |  | 资金使用合规性 | 8 | 8",
    ]
    report, findings = review(rows, fmt, tmp_path)
    assert report.evaluations[0].funds is None
    assert level1_points(report) == {"决策": 12, "过程": 8}
    assert len(report.evaluations[0].indicators.indicators) == 5
    assert codes(findings) == ["SCORE004"] and "资金分配合理性" in findings[0].message


@pytest.mark.parametrize("fmt", FORMATS)
def test_score_sheet_total_stated_above_it_is_checked(fmt, tmp_path):
    rows = [
        *SHEET_TITLE,
        "自评总分 | 22 |  | ",
        "序号 | 一级指标 | 二级指标 | 三级指标 | 指标分值 | 自评得分",
        "1 | 决策(12分) | 目标设定(6分) | 绩效目标合理性 | 3 | 3",
        "2 |  |  | 绩效指标明确性 | 3 | 3",
        "3 |  | 预算编制(6分) | 预算编制科学性 | 4 | 4",
        "4 |  |  | 资金分配合理性 | 2 | 2",
        "5 | 过程(8分) | 资金管理(8分) | 资金使用合规性 | 8 | 8",
        "合计 |  |  |  | 20 |  | ",
    ]
    _, findings = review(rows, fmt, tmp_path)
    assert codes(findings) == ["SCORE005"], [f.message for f in findings]
    assert findings[0].message.endswith("总分22分，与各指标得分之和20分不一致")


# --- targets and actuals in many spellings (case 17) --------------------------------------------


def target_form(rows: list[tuple[str, str, str]]) -> list[str]:
    """A form of 10-point indicators with full marks (target, actual as given), padded to 100."""
    out = [*PROJECT, *FUNDS, INDICATOR_HEADER]
    out += [f"产出指标 | 质量指标 | {name} | {target} | {actual} | 10 | 10 | " for name, target, actual in rows]
    rest = 90 - 10 * len(rows)
    out += [f"效益指标 | 社会效益指标 | 受益农户 | ≥500户 | 520户 | {rest} | {rest} | "] if rest else []
    return [*out, "总分 |  |  |  |  | 100 | 100 | "]


MET = [
    ("验收合格率", "不低于95%", "96%"),
    ("灌溉保证率", "≥95.0 %", "95.0%"),
    ("亩均投入", "不超过3万元", "28000元"),
    ("审批时限", "≤ 3个工作日", "2个工作日"),
    ("渠系配套", "≥1.5万亩", "1.6万亩"),
    ("安全事故", "0起", "0起"),
    ("土壤含水率", "60%-80%", "70%"),
    ("验收达标", "是", "是"),
]
MISSED = [
    ("验收合格率", "95%及以上", "93%"),
    ("亩均投入", "不超过3万元", "32000元"),
    ("渠系配套", "≥1.5万亩", "1.2万亩"),
    ("安全事故", "0起", "1起"),
    ("水质达标率", "90%~95%", "85%"),
    ("示范户数", "≥50(户)", "45"),
    ("按期完工", "是", "否"),
    ("优良率", ">90%", "90%"),
]


@pytest.mark.parametrize("fmt", ["tsv", "xlsx"])
def test_targets_met_in_any_spelling_give_no_finding(fmt, tmp_path):
    _, findings = review(target_form(MET), fmt, tmp_path)
    assert codes(findings) == [], [f.message for f in findings]


@pytest.mark.parametrize("fmt", ["tsv", "xlsx"])
def test_targets_missed_in_any_spelling_lose_full_marks(fmt, tmp_path):
    _, findings = review(target_form(MISSED), fmt, tmp_path)
    assert names_of(findings, "SCORE007") == sorted(name for name, _, _ in MISSED)
    assert codes(findings) == ["SCORE007"] * 8 + ["SCORE009"] * 8


def test_a_fraction_beside_a_percentage_is_read_both_ways_before_it_is_called_a_miss(tmp_path):
    rows = [
        ("验收合格率", "≥95%", "0.96"),  # 96% as Excel shows a ratio: met
        ("完好率", "≥0.9", "92%"),  # met, and not 10000% of its target
        ("损耗率", "≤5%", "0.06"),  # 6% or 0.06%: not a sure miss
        ("到位率", "≥95%", "0.9"),  # missed read either way
    ]
    _, findings = review(target_form(rows), "tsv", tmp_path)
    assert codes(findings) == ["SCORE007", "SCORE009"] and names_of(findings, "SCORE007") == ["到位率"]


# --- the same forms with real merged cells --------------------------------------------------------


def word_table(path: Path, above: list[str], grid: list[list[str]], merges: list[tuple[int, int, int, int]]) -> Path:
    """A .docx with paragraphs and one table; ``merges`` are (row, col, last row, last col) ranges."""
    import docx

    document = docx.Document()
    for text in above:
        document.add_paragraph(text)
    table = document.add_table(rows=len(grid), cols=len(grid[0]))
    for r0, c0, r1, c1 in merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    hidden = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)}
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text and (r, c) not in hidden:
                table.cell(r, c).text = text
    document.save(path)
    return path


def excel_table(path: Path, above: list[str], grid: list[list[str]], merges: list[tuple[int, int, int, int]]) -> Path:
    """The same as an .xlsx sheet with merged ranges (numbers as numbers)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for r, text in enumerate(above, start=1):
        sheet.cell(row=r, column=1, value=text)
    top = len(above) + 1
    hidden = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)}
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text and (r, c) not in hidden:
                sheet.cell(row=top + r, column=c + 1, value=int(text) if text.isdigit() else text)
    for r0, c0, r1, c1 in merges:
        sheet.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
    book.save(path)
    return path


MERGED_HEADINGS = (
    ["项目支出绩效自评表（2024年度）", "项目名称：圩堤加固"],
    [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["产出指标（50分）", "", "", "", "", "", "", ""],
        ["", "数量指标", "加固堤段", "≥6公里", "6.2公里", "30", "30", ""],
        ["", "质量指标", "验收合格率", "≥95%", "90%", "20", "20", ""],
        ["效益指标（30分）", "", "", "", "", "", "", ""],
        ["", "社会效益指标", "受保护人口", "≥2万人", "2.1万人", "30", "30", ""],
        ["满意度指标（10分）", "", "", "", "", "", "", ""],
        ["", "服务对象满意度指标", "群众满意度", "≥90%", "94%", "10", "10", ""],
        ["总分", "", "", "", "", "90", "90", ""],
    ],
    [(1, 0, 1, 7), (4, 0, 4, 7), (6, 0, 6, 7), (8, 0, 8, 4)],
)
MERGED_SICHUAN = (
    ["部门预算项目支出绩效自评表(2023年度)", "项目名称：城乡供水保障"],
    [
        ["绩效指标(90分)", "一级指标", "二级指标", "三级指标", "年度指标值", "", "", "完成值", "权重", "得分", "未完成原因分析"],
        ["", "", "", "", "指标性质", "指标值", "度量单位", "", "", "", ""],
        ["", "产出指标", "数量指标", "新建管网", "≥", "12", "公里", "12.5", "30", "30", ""],
        ["", "", "质量指标", "水质合格率", "≥", "98", "%", "97", "10", "10", ""],
        ["", "", "成本指标", "吨水成本", "≤", "2.5", "元", "2.4", "10", "10", ""],
        ["", "效益指标", "社会效益指标", "受益人口", "≥", "8000", "人", "8200", "30", "30", ""],
        ["", "满意度指标", "服务对象满意度指标", "用户满意度", "≥", "90", "%", "93", "10", "10", ""],
        ["合计", "", "", "", "", "", "", "", "90", "90", ""],
    ],
    [(0, 4, 0, 6), *[(0, c, 1, c) for c in (1, 2, 3, 7, 8, 9, 10)], (0, 0, 6, 0), (2, 1, 4, 1), (7, 0, 7, 7)],
)


@pytest.mark.parametrize("build", [word_table, excel_table], ids=["docx", "xlsx"])
@pytest.mark.parametrize("form", [MERGED_HEADINGS, MERGED_SICHUAN], ids=["headings", "sichuan-two-row-header"])
def test_real_merged_cells_read_like_the_pasted_forms(form, build, tmp_path):
    above, grid, merges = form
    report = extract(load(build(tmp_path / f"form.{'docx' if build is word_table else 'xlsx'}", above, grid, merges)))
    findings = run_rules(report)
    # One missed target with full marks in each (验收合格率 90 < 95; 水质合格率 97 < 98), nothing else.
    assert codes(findings) == ["SCORE007", "SCORE009"], [f.message for f in findings]
    if form is MERGED_HEADINGS:
        assert level1_points(report) == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
