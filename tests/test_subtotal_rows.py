"""A money table of 小计 groups under one 合计, the 合计 on top or at the bottom.

Each 小计 adds up exactly the rows of its group (the rows under it when the
小计 heads its group, the rows above it when it closes it), and the 合计 adds
up the 小计 rows (SUM008) — in every format. A group broken down with "其中"
is nested deeper and left unchecked rather than added twice.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, review

HEADER = ["支出项目", "预算数", "决算数"]


def sum008(rows, fmt, folder) -> list[str]:
    _, findings = review(["青溪县城市管理局2024年度支出执行情况（单位：万元）", [HEADER, *rows]], fmt, folder)
    return sorted(f.message for f in findings if f.rule.startswith("SUM"))


HEADS = [["合计", "900.00", "850.00"], ["基本支出小计", "500.00", "480.00"], ["工资福利支出", "400.00", "390.00"], ["商品和服务支出", "100.00", "90.00"],
         ["项目支出小计", "400.00", "370.00"], ["执法专项", "250.00", "230.00"], ["平台运维", "150.00", "140.00"]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_total_on_top_over_heading_subtotals(fmt, tmp_path):
    assert sum008(HEADS, fmt, tmp_path) == []
    wrong = [r if r[0] != "项目支出小计" else ["项目支出小计", "400.00", "390.00"] for r in HEADS]
    assert sum008(wrong, fmt, tmp_path) == [
        "正文 表1「合计」「决算数」850.00万元，与各明细行合计870.00万元不一致（差20.00万元）",
        "正文 表1「项目支出小计」「决算数」390.00万元，与其下各行合计370.00万元不一致（差20.00万元）",
    ]


@pytest.mark.parametrize("fmt", ("word.txt", "xlsx"))
def test_total_at_the_bottom_under_closing_subtotals(fmt, tmp_path):
    rows = [HEADS[2], HEADS[3], ["小计", "500.00", "480.00"], HEADS[5], HEADS[6], ["小计", "400.00", "380.00"], HEADS[0]]
    assert [m.split("」")[0] for m in sum008(rows, fmt, tmp_path)] == ["正文 表1「合计", "正文 表1「小计"]


@pytest.mark.parametrize("fmt", ("word.txt", "md"))
def test_a_group_with_a_breakdown_is_left_alone(fmt, tmp_path):
    rows = HEADS[:3] + [["其中：基本工资", "200.00", "195.00"], HEADS[3]] + HEADS[4:]
    assert sum008(rows, fmt, tmp_path) == []
