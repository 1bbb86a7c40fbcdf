"""A funds block written across: "资金（万元）| 合计 | 中央 | 省级 | 市级 | 县级" over 全年预算数 / 全年执行数 / 执行率.

Each column is a source and 合计 their total; each row names a funds column.
The block is checked like one written down: the levels add up to 合计 and
each 执行率 recomputes. Figures are invented (2548.00 ÷ 2600.00 = 98.00%);
every format.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review


def _form(spent_total: str = "3238.30", rate_total: str = "97.69%") -> list:
    return [
        "2024年度中央对地方转移支付区域绩效自评表",
        [
            ["转移支付（项目）名称", "农村供水工程维修补助", "", "", "", ""],
            ["资金（万元）", "合计", "中央", "省级", "市级", "县级"],
            ["全年预算数", "3315.00", "2600.00", "520.00", "130.00", "65.00"],
            ["全年执行数", spent_total, "2548.00", "504.40", "124.80", "61.10"],
            ["执行率", rate_total, "98.00%", "97.00%", "96.00%", "94.00%"],
        ],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_funds_written_across_are_checked_like_funds_written_down(fmt, tmp_path):
    report, findings = review(_form(), fmt, tmp_path)
    assert lines(findings) == []
    assert [row.label for row in report.evaluations[0].funds.rows] == ["合计", "中央", "省级", "市级", "县级"]
    _, findings = review(_form(spent_total="3248.90", rate_total="97.53%"), fmt, tmp_path)
    assert sorted(line.split(" ")[0] for line in lines(findings, "error")) == ["SUM005", "SUM006"], lines(findings)
    (total,) = [line for line in lines(findings) if line.startswith("SUM005")]
    assert "「合计」「全年执行数」3248.90万元，与各资金来源合计3238.30万元不一致" in total
