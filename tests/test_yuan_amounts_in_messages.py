"""Amounts written in 元 are shown in 万元 with the digits they need: a 9,000元 gap is 0.900万元, not 1万元.

A money table in 元 (宁波-style 部门支出决算表, invented here) whose 其中 rows
overshoot their parent by 9,000元: the message must give the figures exactly.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review


def _report(goods: str) -> list:
    return [
        "梅溪区卫生健康局2024年度部门整体支出绩效自评报告",
        "表1 部门支出决算情况",
        [
            ["项目", "年初预算数（元）", "决算数（元）"],
            ["支出合计", "48,626,000", "49,862,310"],
            ["一、基本支出", "31,256,000", "32,298,450"],
            ["其中：工资福利支出", "27,120,000", "28,046,300"],
            ["商品和服务支出", "3,686,000", goods],
            ["对个人和家庭的补助", "450,000", "440,000"],
            ["二、项目支出", "17,370,000", "17,563,860"],
        ],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_gap_of_nine_thousand_yuan_is_shown_exactly(fmt, tmp_path):
    _, findings = review(_report("3,821,150"), fmt, tmp_path)
    sums = [line for line in lines(findings) if line.startswith("SUM")]
    assert len(sums) == 1, sums
    assert sums[0].endswith("3229.845万元，与其下各行合计3230.745万元不一致（差0.900万元）"), sums


def test_round_yuan_amounts_keep_their_short_form(tmp_path):
    # 3,821,150 → 3,812,150 adds up: silent; and whole 万元 amounts in 元 stay without decimals elsewhere.
    _, findings = review(_report("3,812,150"), "md", tmp_path)
    assert [line for line in lines(findings) if line.startswith("SUM")] == []
