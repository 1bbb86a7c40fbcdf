"""SUM011: a money table's 增减率 column against this year's and last year's figures of its row, in every format.

The reports are written for these tests (a fictional 文化旅游局). Each table
compares two years of one measure; the rate column is read from its header
(增减率, 增长率, 比上年增减(%)) and checked only when most of its rows agree
with (本年 − 上年) ÷ 上年.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review

TITLE = "青溪县文化旅游局2024年度部门整体支出绩效自评报告"


def spending(rate_for_office: str, header: str = "2024年执行数比上年增减率") -> list:
    """A spending table by kind: 2023 and 2024 执行数, a 2024 预算数 between them, and the change rate."""
    return [
        TITLE,
        "一、部门支出情况（单位：万元）",
        [
            ["支出项目", "2023年执行数", "2024年预算数", "2024年执行数", header],
            ["合计", "1500.00", "1580.00", "1560.00", "4.00%"],
            ["人员经费", "800.00", "850.00", "840.00", "5.00%"],
            ["公用经费", "200.00", "190.00", "180.00", rate_for_office],
            ["项目支出", "500.00", "540.00", "540.00", "8.00%"],
        ],
    ]


def change_lines(parts, fmt, tmp_path) -> list[str]:
    _, findings = review(parts, fmt, tmp_path)
    return [line for line in lines(findings) if line.startswith("SUM011")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_rate_is_named_with_both_years_figures(fmt, tmp_path):
    # 公用经费: (180 − 200) ÷ 200 = −10.00%, the table says −5.00%.
    assert change_lines(spending("-5.00%"), fmt, tmp_path) == [
        "SUM011 自评报告 表1「公用经费」增减率填报-5.00%，按2024年执行数180.00万元与2023年执行数200.00万元计算应为-10.00%"
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_table_whose_rates_all_hold_is_silent(fmt, tmp_path):
    assert change_lines(spending("-10.00%"), fmt, tmp_path) == []


def test_a_decrease_written_without_its_sign_is_not_held_against_the_table(tmp_path):
    assert change_lines(spending("10.00%"), "md", tmp_path) == []


def test_the_rate_compares_the_measure_its_header_names_not_the_budget(tmp_path):
    # Against the 2024 budget 公用经费 would be (180 − 190) ÷ 190 = −5.26%: the header names 执行数.
    assert change_lines(spending("-5.26%"), "md", tmp_path) != []


def test_a_header_with_percent_and_plain_figures_is_a_rate_column(tmp_path):
    parts = spending("-5.00", header="比上年增减（%）")
    for row in parts[2][1:]:
        row[4] = row[4].rstrip("%")
    assert change_lines(parts, "tsv.txt", tmp_path) == [
        "SUM011 自评报告 表1「公用经费」增减率填报-5.00%，按2024年执行数180.00万元与2023年执行数200.00万元计算应为-10.00%"
    ]


def test_this_year_and_last_year_named_in_words(tmp_path):
    parts = [
        TITLE,
        "三公经费支出情况（单位：万元）",
        [
            ["项目", "上年数", "本年数", "增长率"],
            ["合计", "20.00", "18.00", "-10.00%"],
            ["公务接待费", "5.00", "4.00", "-20.00%"],
            ["公务用车运行维护费", "15.00", "14.00", "-3.00%"],
        ],
    ]
    assert change_lines(parts, "md", tmp_path) == [
        "SUM011 自评报告 表1「公务用车运行维护费」增减率填报-3.00%，按本年数14.00万元与上年数15.00万元计算应为-6.67%"
    ]


def test_a_rate_column_computed_some_other_way_is_left_alone(tmp_path):
    # Every row disagrees with (本年 − 上年) ÷ 上年: the column means something else (a share, a rate over
    # the budget), so no row is called wrong.
    parts = [
        TITLE,
        [
            ["支出项目", "2023年执行数", "2024年执行数", "增减率"],
            ["人员经费", "800.00", "840.00", "52.50%"],
            ["公用经费", "200.00", "180.00", "11.25%"],
            ["项目支出", "500.00", "540.00", "33.75%"],
        ],
    ]
    assert change_lines(parts, "md", tmp_path) == []


def test_two_candidate_pairs_leave_the_column_unchecked(tmp_path):
    # 预算数 and 执行数 of both years, and a rate header that names neither: which pair it compares is unknown.
    parts = [
        TITLE,
        [
            ["支出项目", "2023年预算数", "2023年执行数", "2024年预算数", "2024年执行数", "增减率"],
            ["人员经费", "800.00", "790.00", "850.00", "840.00", "1.00%"],
            ["公用经费", "200.00", "195.00", "190.00", "180.00", "1.00%"],
            ["项目支出", "500.00", "480.00", "540.00", "540.00", "1.00%"],
        ],
    ]
    report, findings = review(parts, "md", tmp_path)
    assert report.money_tables and not report.money_tables[0].changes
    assert [line for line in lines(findings) if line.startswith("SUM011")] == []


def test_a_change_amount_column_is_an_amount_not_a_rate(tmp_path):
    parts = [
        TITLE,
        [
            ["支出项目", "2023年执行数", "2024年执行数", "增减额"],
            ["合计", "1000.00", "1020.00", "20.00"],
            ["人员经费", "800.00", "840.00", "40.00"],
            ["公用经费", "200.00", "180.00", "-20.00"],
        ],
    ]
    report, _ = review(parts, "md", tmp_path)
    (table,) = report.money_tables
    assert not table.changes and [c.header for c in table.columns][-1] == "增减额"
