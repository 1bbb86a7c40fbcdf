"""Scores and weights written with their unit or their column's word ("20分", "得分：18分", "18.5 分", "１０分").

Such a cell is a score like a bare "20": the form is read and checked, in
every layout a user sends (tab-separated, Word's cell-per-line export,
markdown pipes, .docx, .xlsx), and nothing is left unchecked for it.
"""

from __future__ import annotations

import pytest

from reviewer.tables.grid import cell_kind, read_points
from tests.test_variants_tables import FORMATS, codes, names_of, review

PROJECT = ["项目支出绩效自评表（2024年度）", "项目名称 | 农房修缮补助 |  | ", "实施单位 | 南岭县住建局 |  | "]
FUNDS = [
    "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
    "年度资金总额 | 50 | 50 | 50 | 10分 | 100% | 10分",
]
HEADER = "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施"
# 群众满意度 scores 12 of 10; the total 100.5 = 10 + 30 + 18.5 + 30 + 12 adds up.
POINTS_WITH_UNITS = [
    *PROJECT, *FUNDS, HEADER,
    "产出指标 | 数量指标 | 修缮农房 | ≥20户 | 20户 | 30分 | 得分：30分 | ",
    "产出指标 | 质量指标 | 验收合格率 | ≥98% | 96% | 20 分 | 18.5 分 | 两户返工后验收",
    "效益指标 | 社会效益指标 | 受益群众 | ≥80人 | 85人 | 30分 | 30分 | ",
    "满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 95% | １０分 | １２分 | ",
    "总分 |  |  |  |  | 100分 | 100.5分 | ",
]
# Level points in the heading rows' 分值 column, written with 分; the total 得分 is one off (10 + 30 + 20 + 25 + 10 = 95, not 96).
HEADING_POINTS_WITH_UNITS = [
    *PROJECT, *FUNDS, HEADER,
    "产出指标 |  |  |  |  | 50分 | 50分 | ",
    " | 数量指标 | 修缮农房 | ≥20户 | 20户 | 30分 | 30分 | ",
    " | 质量指标 | 验收合格率 | ≥95% | 98% | 20分 | 20分 | ",
    "效益指标 |  |  |  |  | 30分 | 25分 | ",
    " | 社会效益指标 | 受益群众 | ≥80人 | 70人 | 30分 | 25分 | 部分农户外出务工，受益人数少于计划",
    "满意度指标 |  |  |  |  | 10分 | 10分 | ",
    " | 服务对象满意度指标 | 群众满意度 | ≥90% | 95% | 10分 | 10分 | ",
    "总分 |  |  |  |  | 100分 | 96分 | ",
]
# Anhui score sheet: 指标分值 | 自评得分 written with 分; 预算编制科学性 scores 6 of 4.
SCORE_SHEET_WITH_UNITS = [
    "2023年度部门整体支出绩效评价自评表",
    "单位 | 东湖区商务局 |  |  |  | ",
    "序号 | 一级指标 | 二级指标 | 三级指标 | 指标分值 | 自评得分",
    "1 | 决策(12分) | 目标设定(6分) | 绩效目标合理性 | 3分 | 3分",
    "2 |  |  | 绩效指标明确性 | 3分 | 3分",
    "3 |  | 预算编制(6分) | 预算编制科学性 | 4分 | 6分",
    "4 |  |  | 资金分配合理性 | 2分 | 2分",
]


def read001(findings) -> list[str]:
    return [f.message for f in findings if f.rule == "READ001"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_scores_written_with_their_unit_are_checked_like_bare_scores(fmt, tmp_path):
    report, findings = review(POINTS_WITH_UNITS, fmt, tmp_path)
    assert read001(findings) == []
    form = report.evaluations[0]
    rows = form.indicators.indicators
    assert [(str(i.weight.value), str(i.score.value)) for i in rows] == [
        ("30", "30"), ("20", "18.5"), ("30", "30"), ("10", "12"),
    ]
    assert form.indicators.total_score.quantity.value == 100.5 and form.funds.execution_weight() == 10
    assert codes(findings) == ["SCORE004"] and names_of(findings, "SCORE004") == ["群众满意度"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_heading_points_with_their_unit_are_the_blocks_points(fmt, tmp_path):
    report, findings = review(HEADING_POINTS_WITH_UNITS, fmt, tmp_path)
    assert read001(findings) == []
    points = {f.label: int(f.quantity.value) for f in report.evaluations[0].indicators.level1_points}
    assert points == {"产出指标分值": 50, "效益指标分值": 30, "满意度指标分值": 10}
    total = [f for f in findings if f.rule == "SCORE005"]
    assert codes(findings) == ["SCORE005"] and total[0].expected == "95分"


@pytest.mark.parametrize("fmt", FORMATS)
def test_score_sheet_points_with_their_unit(fmt, tmp_path):
    _, findings = review(SCORE_SHEET_WITH_UNITS, fmt, tmp_path)
    assert read001(findings) == []
    assert names_of(findings, "SCORE004") == ["预算编制科学性"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("20分", "20"), ("得分：18分", "18"), ("18.5 分", "18.5"), ("１８．５分", "18.5"), ("自评得分 9", "9"), ("分值:10分", "10"), ("7", "7")],
)
def test_points_are_read_without_their_unit(text, value):
    q = read_points(text)
    assert str(q.value) == value and q.unit is None and q.raw == text


@pytest.mark.parametrize("text", ["≥95%", "18分（扣2分）", "30分钟", "约20分", "第2分", "90%"])
def test_anything_else_is_not_points(text):
    assert cell_kind(text) != "points"
    assert read_points(text).unit is not None or read_points(text).value is None or text == "90%"


def test_a_target_in_the_weight_column_is_still_doubtful(tmp_path):
    rows = [*PROJECT, *FUNDS, HEADER, "产出指标 | 数量指标 | 修缮农房 | 20户 | 20户 | ≥95% | 30分 | "]
    _, findings = review(rows, "tsv", tmp_path)
    assert any("≥95%" in m for m in read001(findings))


def test_a_funds_total_whose_header_was_lost_may_write_its_points_with_their_unit(tmp_path):
    rows = [
        "2024年度部门整体支出绩效自评表", "预算部门、单位名称 | 白河县档案馆",
        " | 年度资金总额 | 80.00 | 100.00 | 85.00 | 10分 | 85% | 8.5分",
        "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 自评得分 | 偏差原因分析及改进措施",
        " | 产出指标 | 数量指标 | 整理档案 | ≥1000卷 | 1200卷 | 50分 | 50分 | ",
        " | 效益指标 | 社会效益指标 | 查档人次 | ≥300人次 | 320人次 | 30分 | 30分 | ",
        " | 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 95% | 10分 | 10分 | ",
        "总分 | 100分 | 97.5分 | ",
    ]
    report, findings = review(rows, "tsv", tmp_path)
    total = report.evaluations[0].funds.total
    assert {k: str(f.quantity.value) for k, f in total.cells.items() if k in ("weight", "score")} == {"weight": "10", "score": "8.5"}
    assert codes(findings) == ["SCORE005"]  # 8.5 + 90 = 98.5, not 97.5
