"""An indicator table with both 年初指标值 and 调整后指标值 (or 全年指标值): the actual answers the adjusted target.

A target raised during the year (≥120亩 → ≥150亩) is what 实际完成值 is judged
against: 156亩 is no overshoot of it, 136亩 with full marks is a missed target.
Forms are invented; every format.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review


def _form(actual: str, adjusted_header: str = "调整后指标值") -> list:
    return [
        "项目支出绩效自评表（2024年度）",
        [
            ["项目名称", "河岸生态修复巡护", "", "", "", "", "", ""],
            ["一级指标", "二级指标", "三级指标", "年初指标值", adjusted_header, "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "巡护河岸里程", "≥18公里", "≥18公里", "18公里", "50", "50"],
            ["产出指标", "数量指标", "植被修复面积", "≥120亩", "≥150亩", actual, "50", "50"],
        ],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("header", ["调整后指标值", "全年指标值"])
def test_the_actual_is_judged_against_the_adjusted_target(header, fmt, tmp_path):
    # 156亩 is 104% of ≥150亩: no SCORE010 "为年度指标值≥120亩的130%".
    _, findings = review(_form("156亩", header), fmt, tmp_path)
    assert [line for line in lines(findings) if line.startswith("SCORE")] == []
    # 136亩 meets the original ≥120亩 but misses the adjusted ≥150亩, with full marks.
    _, findings = review(_form("136亩", header), fmt, tmp_path)
    missed = [line for line in lines(findings, "error") if line.startswith("SCORE007")]
    assert len(missed) == 1 and missed[0].endswith("「植被修复面积」实际完成值136亩未达到年度指标值≥150亩，却得满分50分"), missed
