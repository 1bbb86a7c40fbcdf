"""A money table whose header takes two rows: a year over the measures it spans ("2024年" over 预算数 | 执行数).

The year is read with each measure under it, so 2023年执行数 and 2024年执行数
are two columns and the 增减率 column (SUM011) is checked against them, as with
a one-row header. The span is read in every form it arrives in: a merged cell
(.docx, .xlsx), the label followed by empty cells (text, or a file written
without merges), and a merged cell written once (Word's text export). The
tables are invented (a fictional 文化旅游局); the rates are exact except the one
planted.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.rules import run_rules
from tests.table_formats import FORMATS, LEFT, UP, lines, review, write

FIXTURES = Path(__file__).parent / "fixtures"

TITLE = "青溪县文化旅游局2024年度部门整体支出绩效自评报告"


def one_year_measure(rate_for_office: str, span: str = "") -> list:
    """2023年 over 执行数 alone, 2024年 over 预算数 | 执行数 (``span``: what stands in the cell 2024年 spans)."""
    return [
        TITLE,
        "一、部门支出情况（单位：万元）",
        [
            ["支出项目", "2023年", "2024年", span, "2024年执行数比上年增减率"],
            [UP, "执行数", "预算数", "执行数", UP],
            ["合计", "1500.00", "1580.00", "1560.00", "4.00%"],
            ["人员经费", "800.00", "850.00", "840.00", "5.00%"],
            ["公用经费", "200.00", "190.00", "180.00", rate_for_office],
            ["项目支出", "500.00", "540.00", "540.00", "8.00%"],
        ],
    ]


def both_years_measures(rate_for_office: str, span: str = "", rate_header: str = "执行数增减率") -> list:
    """Each year over 预算数 | 执行数, 2024 first (the order some templates use)."""
    return [
        TITLE,
        "一、部门支出情况（单位：万元）",
        [
            ["项目", "2024年", span, "2023年", span, rate_header],
            [UP, "预算数", "执行数", "预算数", "执行数", UP],
            ["合计", "1580.00", "1560.00", "1450.00", "1500.00", "4.00%"],
            ["人员经费", "850.00", "840.00", "790.00", "800.00", "5.00%"],
            ["公用经费", "190.00", "180.00", "210.00", "200.00", rate_for_office],
            ["项目支出", "540.00", "540.00", "450.00", "500.00", "8.00%"],
        ],
    ]


WRONG = "SUM011 自评报告 表1「公用经费」增减率填报-5.00%，按2024年执行数180.00万元与2023年执行数200.00万元计算应为-10.00%"


def change_lines(parts, fmt, tmp_path) -> list[str]:
    _, findings = review(parts, fmt, tmp_path)
    return [line for line in lines(findings) if line.startswith("SUM011")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_year_over_its_measures_written_with_an_empty_cell_is_read(fmt, tmp_path):
    assert change_lines(one_year_measure("-5.00%"), fmt, tmp_path) == [WRONG]


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_years_over_the_same_measures_are_told_apart(fmt, tmp_path):
    report, findings = review(both_years_measures("-5.00%"), fmt, tmp_path)
    (table,) = report.money_tables
    assert [c.header for c in table.columns] == ["2024年/预算数", "2024年/执行数", "2023年/预算数", "2023年/执行数"]
    (finding,) = [f for f in findings if f.rule == "SUM011"]
    # Two columns are headed 执行数: each place names its year.
    assert [e.loc.label.rsplit("「", 1)[-1] for e in finding.evidence] == ["执行数增减率」", "2024年执行数」", "2023年执行数」"]
    assert [line for line in lines(findings) if line.startswith("SUM011")] == [WRONG]


def test_a_label_with_its_value_across_the_table_is_no_header(tmp_path):
    # "转移支付名称 | 农村饮水工程补助" over the funds by level: a name and its value, not a year over its columns.
    parts = [
        "2024年度中央对地方转移支付区域绩效自评表",
        [
            ["转移支付名称", "农村饮水工程补助", LEFT, LEFT, LEFT],
            ["资金（万元）", "合计", "中央", "省级", "县级"],
            ["全年预算数", "300.00", "200.00", "60.00", "40.00"],
            ["全年执行数", "290.00", "195.00", "57.00", "38.00"],
        ],
    ]
    for fmt in ("tsv.txt", "xlsx"):
        report, _ = review(parts, fmt, tmp_path)
        assert report.evaluations[0].name == "农村饮水工程补助", fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_merged_year_cell_is_read_the_same(fmt, tmp_path):
    # .docx and .xlsx merge 2024年 over its two columns; Word's text export writes it once.
    assert change_lines(both_years_measures("-5.00%", span=LEFT), fmt, tmp_path) == [WRONG]


@pytest.mark.parametrize("fmt", FORMATS)
def test_rates_that_hold_under_a_two_row_header_are_silent(fmt, tmp_path):
    assert change_lines(one_year_measure("-10.00%"), fmt, tmp_path) == []
    assert change_lines(both_years_measures("-10.00%", span=LEFT), fmt, tmp_path) == []


def test_a_rate_that_names_no_measure_over_two_pairs_is_left_unchecked(tmp_path):
    # 预算数 and 执行数 of both years and a rate header naming neither: which pair it compares is unknown.
    report, findings = review(both_years_measures("-5.00%", rate_header="增减率"), "md", tmp_path)
    assert report.money_tables and not report.money_tables[0].changes
    assert [line for line in lines(findings) if line.startswith("SUM011")] == []


def test_a_merged_cell_written_once_over_an_uneven_run_is_not_guessed(tmp_path):
    # Word's text export of 2024年 merged over 预算数 | 执行数 beside 2023年 over 执行数 alone: "2023年 | 2024年"
    # over "执行数 | 预算数 | 执行数" could be split 1 + 2 or 2 + 1, so no year is given to any column.
    report, findings = review(one_year_measure("-5.00%", span=LEFT), "word.txt", tmp_path)
    assert all("2023年" not in c.header and "2024年" not in c.header for t in report.money_tables for c in t.columns)
    assert [line for line in lines(findings) if line.startswith("SUM011")] == []


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
@pytest.mark.parametrize("span", ["", LEFT], ids=["empty", "merged"])
def test_a_pdf_of_the_table_is_read_the_same(span, ruled, tmp_path):
    # Without ruling lines the upper header row has fewer cells than the rows under it (a year centred
    # over its two columns): it is still their header.
    import docx

    sys.path.insert(0, str(FIXTURES))
    try:
        from make_fixtures import convert
    finally:
        sys.path.remove(str(FIXTURES))
    document = docx.Document(str(write(both_years_measures("-5.00%", span=span), "docx", tmp_path)))
    if not ruled:
        for table in document.tables:
            table.style = document.styles["Normal Table"]
    document.save(str(tmp_path / "report.docx"))
    convert((tmp_path / "report.docx").read_bytes(), "pdf", tmp_path / "report.pdf")
    findings = run_rules(extract(load(tmp_path / "report.pdf")))
    # The PDF's title is a paragraph like the others: the part is named 正文, the table and the figures the same.
    assert [line for line in lines(findings) if line.startswith("SUM011")] == [WRONG.replace("自评报告", "正文")]
