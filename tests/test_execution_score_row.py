"""The 预算执行率 score written as a row of the indicator table ("执行率得分 | | | | | 10 | 9.8").

Its 0.2 lost follows from the rate (97.99%), so it owes no deviation reason
and has no target of its own. Forms are invented; every format.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review


def _form(label: str) -> list:
    return [
        "项目支出绩效自评表（2024年度）",
        [
            ["项目名称", "老旧小区改造", "", "", "", "", "", ""],
            ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "执行率", "", ""],
            ["", "年度资金总额", "2400.00", "2560.00", "2508.48", "97.99%", "", ""],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
            ["产出指标", "数量指标", "改造老旧小区", "≥42个", "43个", "50", "50", "无"],
            ["效益指标", "社会效益指标", "惠及居民户数", "≥1.1万户", "1.16万户", "30", "30", "无"],
            ["满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "92.1%", "10", "10", "无"],
            [label, "", "", "", "", "10", "9.8", ""],
            ["总分", "", "", "", "", "100", "99.8", "自评等级：优"],
        ],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("label", ["执行率得分", "预算执行率（10分）", "预算执行情况"])
def test_the_execution_score_row_owes_no_reason_and_no_target(label, fmt, tmp_path):
    _, findings = review(_form(label), fmt, tmp_path)
    assert lines(findings) == []
