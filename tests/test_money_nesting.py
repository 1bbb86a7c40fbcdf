"""Money tables with two levels (合计 → 基本支出 / 项目支出 → 其中 or 1、2、) and a 执行率 column, in every format.

Each table is invented and adds up unless a test changes one figure.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review

TITLE = ["青溪县测试局2024年度部门整体支出绩效自评报告", "附表  部门支出执行情况表（单位：万元）"]


def _sum_errors(rows: list[list[str]], fmt: str, tmp_path) -> list[str]:
    _, findings = review([*TITLE, rows], fmt, tmp_path)
    # The 执行率 column's own check (SUM013) is not what these tables test: their rows change amounts without it.
    return [line for line in lines(findings) if line.startswith("SUM") and not line.startswith("SUM013")]


def _numbered_parts_with_qizhong(staff="81.00") -> list[list[str]]:
    """合计 over 一、基本支出 (其中 人员经费 / 公用经费) and 二、项目支出, with a 执行率 column."""
    return [
        ["科目", "全年预算数", "全年执行数", "执行率"],
        ["合计", "500.00", "480.00", "96.00%"],
        ["一、基本支出", "150.00", "144.00", "96.00%"],
        ["其中：人员经费", "120.00", staff, "97.50%"],
        ["公用经费", "30.00", "27.00", "90.00%"],
        ["二、项目支出", "350.00", "336.00", "96.00%"],
    ]


def _unnumbered_parts_with_projects(project="75.00") -> list[list[str]]:
    """支出合计 over 基本支出 / 项目支出, and the projects "1、2、" under 项目支出."""
    return [
        ["项目", "全年预算数", "全年执行数", "执行率"],
        ["支出合计", "400.00", "388.00", "97.00%"],
        ["基本支出", "160.00", "157.00", "98.13%"],
        ["项目支出", "240.00", "231.00", "96.25%"],
        ["1、农村道路养护", "150.00", "146.00", "97.33%"],
        ["2、桥梁检测", "90.00", project, "94.44%"],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_rate_column_of_a_numbered_money_table_is_not_summed(fmt, tmp_path):
    # 144 + 336 = 480 and 117 + 27 = 144: nothing to say; 96% + 96% is no sum of 96%.
    rows = _numbered_parts_with_qizhong(staff="117.00")
    assert _sum_errors(rows, fmt, tmp_path) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_numbered_projects_under_xiangmu_zhichu_are_its_detail_not_parts_of_the_total(fmt, tmp_path):
    # 400 = 160 + 240 and 240 = 150 + 90: the projects do not add up to 支出合计.
    rows = _unnumbered_parts_with_projects(project="85.00")
    assert _sum_errors(rows, fmt, tmp_path) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_total_against_its_unnumbered_parts_is_still_checked(fmt, tmp_path):
    rows = _unnumbered_parts_with_projects(project="85.00")
    rows[1][2] = "398.00"  # 157 + 231 = 388
    assert _sum_errors(rows, fmt, tmp_path) == [
        "SUM008 自评报告 表1「支出合计」「全年执行数」398.00万元，与各明细行合计388.00万元不一致（差10.00万元）"
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_projects_adding_up_to_more_than_xiangmu_zhichu_are_an_error(fmt, tmp_path):
    rows = _unnumbered_parts_with_projects(project="95.00")  # 146 + 95 = 241 > 231
    assert _sum_errors(rows, fmt, tmp_path) == [
        "SUM008 自评报告 表1「项目支出」「全年执行数」231.00万元，与其下各行合计241.00万元不一致（差10.00万元）"
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_qizhong_rows_under_jiben_zhichu_must_make_it_up(fmt, tmp_path):
    # 人员经费 + 公用经费 is 基本支出 by definition: 81 + 27 = 108 ≠ 144, though less.
    errors = _sum_errors(_numbered_parts_with_qizhong(staff="81.00"), fmt, tmp_path)
    assert errors == ["SUM008 自评报告 表1「基本支出」「全年执行数」144.00万元，与其下各行合计108.00万元不一致（差36.00万元）"]


@pytest.mark.parametrize("fmt", ["word.txt", "docx"])
def test_money_table_locations_name_the_table_once(fmt, tmp_path):
    report, _ = review([*TITLE, _numbered_parts_with_qizhong()], fmt, tmp_path)
    labels = [f.loc.label for t in report.money_tables for r in t.rows for f in r.values if f is not None]
    assert labels and all("表1 表1" not in label for label in labels)
    assert "自评报告 表1 第2行「合计」「全年预算数」" in labels
