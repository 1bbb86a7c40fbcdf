"""The .xlsx reader: formulas saved without values, true grid positions, bounds and malformed parts."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from reviewer.errors import InputError
from reviewer.ingest import load, load_bytes
from reviewer.ingest.xlsx import MAX_GRID
from tests.fixtures.hostile import sheet_xml, xlsx_bytes

CASES = Path(__file__).resolve().parents[2] / "shared" / "cases"
BROKEN = "不是有效的 .xlsx 文件（文件损坏或被截断）"


def workbook(fill) -> bytes:
    """A workbook built by ``fill(sheet)`` and saved by openpyxl, which stores formulas without values."""
    book = openpyxl.Workbook()
    fill(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def texts(doc) -> list[list[str]]:
    return [[c.text for c in row] for row in doc.tables[0].rows]


def funds(sheet) -> None:
    sheet.append(["资金", "年初预算数", "全年预算数", "全年执行数", "执行率", "得分"])
    sheet.append(["合计", "=B3+B4", "=SUM(C3:C4)", "=D3+D4", "=D2/C2", "=10*E2"])
    sheet.append(["财政拨款", 100, 100, 80.5])
    sheet.append(["其他资金", 20, 20, 9.5])


def test_uncached_sums_and_products_are_computed():
    doc = load_bytes(workbook(funds), "f.xlsx", ".xlsx")
    assert texts(doc)[1] == ["合计", "120", "120", "90", "0.75", "7.5"]
    assert doc.warnings == []


def test_percent_format_applies_to_a_computed_rate():
    def fill(sheet):
        funds(sheet)
        sheet["E2"].number_format = "0.00%"

    assert load_bytes(workbook(fill), "f.xlsx", ".xlsx").tables[0].rows[1][4].text == "75.00%"


@pytest.mark.parametrize(
    ("formula", "shown"),
    [
        ("=-B2+(C2-1)*200%", "2"),  # unary minus, parentheses, percent
        ("=PRODUCT(B2,C2,2)", "12"),
        ("=SUM(B2:C2, 4) / 2", "4.5"),
        ("=SUM(A1:D100)", "5"),  # text and blank cells in a range are skipped
        ("=B2+D2", "2"),  # a blank cell is 0
        ("=$B$2*C2", "6"),
    ],
)
def test_supported_formula_forms(formula, shown):
    def fill(sheet):
        sheet.append(["甲", "乙", "丙", "丁"])
        sheet.append(["值", 2, 3, None, formula])

    assert texts(load_bytes(workbook(fill), "f.xlsx", ".xlsx"))[1][4] == shown


def test_formulas_that_cannot_be_computed_are_named_in_a_warning_and_kept_as_written():
    def fill(sheet):
        sheet.append(["指标", "值", "结果"])
        sheet.append(["查找", 1, "=VLOOKUP(B2,Sheet2!A:B,2,0)"])
        sheet.append(["除零", 0, "=1/B3"])
        sheet.append(["循环", "=C4", "=B4"])
        sheet.append(["文字", "=A5*2", "=B2+1"])

    doc = load_bytes(workbook(fill), "f.xlsx", ".xlsx")
    assert [row[2] for row in texts(doc)[1:]] == ["=VLOOKUP(B2,Sheet2!A:B,2,0)", "=1/B3", "=B4", "2"]
    assert len(doc.warnings) == 1
    warning = doc.warnings[0]
    assert warning.startswith("工作表「Sheet」的公式没有保存计算结果，也无法计算，按公式原文读取，不参与核对：")
    for cell in ("C2", "C3", "B4", "C4", "B5"):
        assert f"{cell}（" in warning
    assert "不支持函数 VLOOKUP" in warning and "除数为零" in warning and "循环引用" in warning


def test_cached_values_are_used_as_saved():
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f>A2+1</f><v>41</v></c></row>'
    )
    doc = load_bytes(xlsx_bytes(sheet_xml(sheet)), "c.xlsx", ".xlsx")
    assert texts(doc)[1] == ["1", "41"]  # what Excel showed when it saved, not recomputed


def test_cells_carry_their_grid_column_and_merged_spans():
    def fill(sheet):
        sheet["B2"], sheet["D2"] = "指标", "分值"
        sheet.merge_cells("B2:C2")
        sheet["B3"], sheet["C3"], sheet["D3"] = "产出", "数量", 10
        sheet["B4"], sheet["C4"], sheet["D4"] = "", "质量", 20
        sheet.merge_cells("B3:B4")

    table = load_bytes(workbook(fill), "g.xlsx", ".xlsx").tables[0]
    assert [[(c.text, c.grid_col, c.colspan, c.rowspan, c.continued) for c in row] for row in table.rows] == [
        [("指标", 0, 2, 1, False), ("分值", 2, 1, 1, False)],
        [("产出", 0, 1, 2, False), ("数量", 1, 1, 1, False), ("10", 2, 1, 1, False)],
        [("", 0, 1, 1, True), ("质量", 1, 1, 1, False), ("20", 2, 1, 1, False)],
    ]


def test_a_merged_range_to_the_end_of_the_sheet_is_clipped_to_the_values():
    start = time.perf_counter()
    doc = load_bytes(
        xlsx_bytes(sheet_xml(
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1"><v>7</v></c></row>'
            '<row r="2"><c r="A2"><v>10</v></c><c r="B2"><v>20</v></c><c r="C2"><v>99</v></c></row>',
            '<mergeCell ref="C2:XFD1048576"/>',
        )),
        "m.xlsx",
        ".xlsx",
    )
    assert time.perf_counter() - start < 10
    assert texts(doc) == [["项目名称", "测试项目", "7"], ["10", "20", "99"]]


def test_far_apart_cells_are_refused_with_the_area_and_limit():
    data = xlsx_bytes(sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="s"><v>1</v></c></row>'
    ))
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        load_bytes(data, "far.xlsx", ".xlsx")
    assert time.perf_counter() - start < 10
    assert err.value.problem == f"工作表「Sheet1」使用的区域 A1:XFD1048576 超过 {MAX_GRID} 个单元格的上限"


def test_empty_styled_cells_far_away_do_not_widen_the_grid():
    data = xlsx_bytes(sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="900000"><c r="XFD900000" s="0"/></row>'
    ))
    assert texts(load_bytes(data, "s.xlsx", ".xlsx")) == [["项目名称", "测试项目"]]


@pytest.mark.parametrize(
    "data",
    [
        xlsx_bytes(sheet_xml('<row r="1"><c r="A1"><v>1</v></c>')),  # sheet cut short
        xlsx_bytes(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), "<sst><si><t>甲</t>"),
        xlsx_bytes('<!DOCTYPE x [<!ENTITY a "aaaa">]>' + sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row>')),
        xlsx_bytes(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), '<!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><sst><si><t>&a;</t></si></sst>'),
        xlsx_bytes(sheet_xml('<row r="1"><c r="A1" t="s"><v>7</v></c></row>')),  # no such shared string
    ],
    ids=["sheet", "shared-strings", "entity", "external-entity", "bad-index"],
)
def test_malformed_xml_is_the_one_line_broken_file_error(data):
    with pytest.raises(InputError) as err:
        load_bytes(data, "bad.xlsx", ".xlsx")
    assert err.value.problem == BROKEN


def test_case_x1_formulas_without_cached_values():
    path = CASES / "x1_formulas_no_cache.xlsx"
    if not path.exists():
        pytest.skip(f"{path} 不存在（../shared 不可用）")
    doc = load(path)
    totals = next(row for row in texts(doc) if row[0] == "年度资金总额")
    assert totals[1:7] == ["120", "120", "90", "10", "0.75", "7.5"]
    assert doc.warnings == []


def test_review_names_uncomputable_formulas_in_a_finding(tmp_path):
    def fill(sheet):
        sheet.append(["指标", "值", "结果"])
        sheet.append(["查找", 1, "=VLOOKUP(B2,A1:B2,2,0)"])

    path = tmp_path / "公式.xlsx"
    path.write_bytes(workbook(fill))
    done = subprocess.run(
        [sys.executable, "-m", "reviewer", "review", "--no-llm", "--format", "json", str(path)],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0
    findings = json.loads(done.stdout)["findings"]
    assert [(f["rule"], f["severity"], f["message"]) for f in findings if f["rule"] == "READ002"] == [
        ("READ002", "info", "工作表「Sheet」的公式没有保存计算结果，也无法计算，按公式原文读取，不参与核对："
         "C2（=VLOOKUP(B2,A1:B2,2,0)：不支持函数 VLOOKUP）")
    ]


def test_every_cell_type_reads_as_openpyxl_reads_it():
    # The sheet stream is parsed with lxml, not openpyxl's parser: the values must stay openpyxl's.
    data = xlsx_bytes(sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><r><t>甲</t></r><r><t xml:space="preserve">乙 </t></r></is></c>'
        '<c r="B1" t="inlineStr"><is><t>丙</t></is></c><c r="C1" t="b"><v>1</v></c><c r="D1" t="e"><v>#DIV/0!</v></c>'
        '<c r="E1" t="str"><v>文字</v></c><c r="F1" t="d"><v>2024-01-02T00:00:00</v></c></row>'
        '<row><c><v>1.5</v></c><!-- a comment --><c><v>2E3</v></c><c t="s"><v>0</v></c>'
        '<c r="F2"><f t="shared" ref="F2:G2" si="0">A2*2</f></c><c r="G2"><f t="shared" si="0"/></c></row>'
    ))
    openpyxl_rows = [
        [cell.value for cell in row]
        for row in openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).active.iter_rows()
    ]
    assert openpyxl_rows[0] == ["甲乙 ", "丙", True, "#DIV/0!", "文字", openpyxl_rows[0][5]]
    assert texts(load_bytes(data, "types.xlsx", ".xlsx")) == [
        ["甲乙", "丙", "TRUE", "#DIV/0!", "文字", "2024-01-02", ""],
        ["1.5", "2000", "项目名称", "", "", "3", "4000"],
    ]
