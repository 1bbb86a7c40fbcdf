"""A money table whose 执行率 column is headed "(%)" and holds bare numbers ("执行率（%）| 93").

The header's % makes the figures percentages: each row's rate is recomputed
from its 执行数 ÷ 预算数 (SUM013) in every format, as when the cells carry
their own % sign; rates written to whole percents are compared to whole percents.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, review

HEADER = ["功能科目", "预算数（万元）", "执行数（万元）", "执行率（%）"]


def sum013(rate: str, fmt: str, folder) -> list[str]:
    rows = [["行政运行", "1240.00", "1227.60", "99"], ["一般行政管理事务", "380.00", "353.40", rate], ["机关服务", "96.00", "91.20", "95"],
            ["合计", "1716.00", "1672.20", "97.45"]]
    _, findings = review(["青溪县发展和改革局2024年度部门预算执行情况表", [HEADER, *rows]], fmt, folder)
    return [f.message for f in findings if f.rule == "SUM013"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_bare_rate_is_found(fmt, tmp_path):
    assert len(messages := sum013("96", fmt, tmp_path)) == 1 and "「一般行政管理事务」执行率填报96%" in messages[0] and "应为93.00%" in messages[0]


@pytest.mark.parametrize("fmt", ("word.txt", "xlsx"))
def test_right_bare_rates_pass(fmt, tmp_path):
    assert sum013("93", fmt, tmp_path) == []
