"""A 基础数据表 with one year's columns headed only 预算数 | 决算数, and “三公”经费 split into its three parts as 其中 lines.

Such a table (northeastern provinces' layout, invented here) was read as a
基础数据表 with no columns at all, so none of its figures was checked. The
three parts of 三公经费 make it up by definition, so they must add up to it.
"""

from __future__ import annotations

import pytest

from tests.table_formats import FORMATS, lines, review


def _report(sangong_final: str = "8.28", car_rows: list | None = None) -> list:
    car_rows = car_rows if car_rows is not None else [["公务用车购置费", "0.00", "0.00"], ["公务用车运行维护费", "6.80", "6.12"]]
    return [
        "北林区自然资源局2024年度部门整体支出绩效评价基础数据表",
        [
            ["指标", "预算数", "决算数"],
            ["“三公”经费（万元）", "9.20", sangong_final],
            ["其中：因公出国（境）费", "0.00", "0.00"],
            *car_rows,
            ["公务接待费", "2.40", "1.86"],
            ["公用经费（万元）", "96.50", "93.26"],
            ["其中：办公经费", "38.00", "36.42"],
            ["水电费", "21.50", "20.84"],
        ],
    ]


def _sums(parts, fmt, tmp_path) -> list[str]:
    _, findings = review(parts, fmt, tmp_path)
    return [line for line in lines(findings) if line.startswith("SUM")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_three_parts_of_sangong_must_make_it_up(fmt, tmp_path):
    assert _sums(_report("8.58"), fmt, tmp_path) == ["SUM001 “三公”经费（万元）决算数8.58万元，与明细合计7.98万元不一致（差0.60万元）"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_table_that_adds_up_is_silent(fmt, tmp_path):
    assert _sums(_report("7.98"), fmt, tmp_path) == []


def test_the_car_in_one_line_counts_as_its_part(tmp_path):
    one_car = [["公务用车购置及运行维护费", "6.80", "6.12"]]
    assert len(_sums(_report("8.58", one_car), "md", tmp_path)) == 1
    assert _sums(_report("7.98", one_car), "md", tmp_path) == []


def test_a_partial_list_of_parts_may_add_up_to_less(tmp_path):
    # Only the car is listed: a 其中 that names part of 三公经费 is not summed to it.
    assert _sums(_report("8.58", []), "md", tmp_path) == []


def test_the_other_sub_items_are_read_against_their_parent(tmp_path):
    # 公用经费 93.26 with 其中 36.42 + 60.00 = 96.42: parts above the parent (SUM002), now that the columns are read.
    parts = _report("7.98")
    parts[1] = [row[:] for row in parts[1]]
    parts[1][-1][2] = "60.00"
    found = _sums(parts, "md", tmp_path)
    assert len(found) == 1 and found[0].startswith("SUM002 公用经费（万元）决算数93.26万元"), found


def test_a_basic_table_whose_columns_are_not_found_says_it_was_not_read(tmp_path):
    parts = _report()
    parts[1] = [["指标", "A栏", "B栏"]] + parts[1][1:]
    _, findings = review(parts, "md", tmp_path)
    read = [line for line in lines(findings) if line.startswith("READ001")]
    assert len(read) == 1 and "未找到预算数、决算数等金额列" in read[0], lines(findings)


def test_a_document_of_a_basic_table_alone_is_named_by_it(tmp_path):
    report, _ = review(_report(), "md", tmp_path)
    assert report.template == "分表格式（基础数据表）"
