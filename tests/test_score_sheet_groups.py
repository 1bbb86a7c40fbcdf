"""Score sheets whose first column is 一级指标 (no 序号), with the headings merged down their groups, in every format."""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, UP, lines, review

TITLE = ["青溪县测试局2024年度部门整体支出绩效评价自评表"]


def _sheet(second_weight="5") -> list[list[str]]:
    """投入（15分）: 5 + ``second_weight`` + 5; 产出（85分）: 80 + 5. The second row is 绩效目标合理性."""
    total = str(95 + int(second_weight))
    return [
        ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "自评得分", "扣分原因"],
        ["投入（15分）", "预算编制", "预算编制科学性", "5", "科学合理得满分", "5", ""],
        [UP, UP, "绩效目标合理性", second_weight, "目标明确得满分", second_weight, ""],
        [UP, "预算执行", "预算执行率", "5", "按执行率计分", "5", ""],
        ["产出（85分）", "职责履行", "重点工作完成率", "80", "全部完成得满分", "80", ""],
        [UP, UP, "工作完成及时性", "5", "按时完成得满分", "5", ""],
        ["合计", "", "", total, "", total, ""],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_first_heading_group_keeps_all_its_rows(fmt, tmp_path):
    report, findings = review([*TITLE, _sheet()], fmt, tmp_path)
    assert lines(findings, "error") == []
    names = [i.name for e in report.evaluations for i in e.indicators.indicators]
    assert names[:3] == ["预算编制科学性", "绩效目标合理性", "预算执行率"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_group_that_does_not_add_up_is_still_found(fmt, tmp_path):
    _, findings = review([*TITLE, _sheet(second_weight="4")], fmt, tmp_path)
    assert "SCORE002 部门整体支出绩效自评表「投入」标注15分，其下各指标分值合计14分" in lines(findings, "error")
