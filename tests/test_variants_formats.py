"""The same faults in the shapes other reports give them: text exports, Word quirks, PDF pages, titles, 其中 sums.

Each input is built here, the way a county's report would arrive; the test
states what a careful reviewer finds. The planted mistake is always the same
kind: an indicator that missed its target yet got full marks (SCORE007) with
no reason given (SCORE009); nothing else may be reported.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from reviewer.extract import extract
from reviewer.ingest import load, load_bytes
from reviewer.rules import run_rules
from samples.build_samples import docx_to_pdf

MISSED_WITH_FULL_MARKS = ["SCORE007", "SCORE009"]


def review_text(text: str):
    report = extract(load_bytes(text.encode("utf-8"), "report.txt", ".txt"))
    return report, sorted(f.rule for f in run_rules(report))


def review_file(path: Path):
    report = extract(load(path))
    return report, sorted(f.rule for f in run_rules(report))


# --- Word's text export: one tab-prefixed line per cell paragraph, a blank line ends a row -------------

HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "自评得分", "偏差原因分析及改进措施"]


def indicator_rows() -> list[list]:
    """A department form's indicator block; 病历归档及时率 96% against ≥98% with full marks and no reason."""
    return [
        HEADER,
        ["产出指标（50分）", "数量指标", "巡诊村数", "≥40个", "42个", "25", "25", ""],
        ["", "时效指标", "病历归档及时率", "≥98%", "96%", "25", "25", ""],
        ["效益指标（30分）", "社会效益指标", "门诊服务人次", "≥3000人次", "3150人次", "30", "30", ""],
        ["满意度指标（10分）", "服务对象满意度指标", "患者满意度", "≥90%", "94%", "10", "10", ""],
        ["总分", "", "", "", "", "100", "99", ""],
    ]


def word_export(rows: list[list]) -> str:
    """The form as Word's text export: a cell given as a list is several paragraphs (blank ones included)."""
    head = [
        "2024年度部门整体支出绩效自评表",
        "\t预算部门、单位名称",
        "\t白沙镇卫生院",
        "",
        "",
    ]
    funds = [["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
             ["年度资金总额", "80.00", "100.00", "90.00", "10", "90%", "9"]]
    lines = head
    for table in (funds, rows):
        for row in table:
            for cell in row:
                paragraphs = cell if isinstance(cell, list) else [cell]
                lines.append("\t" + paragraphs[0])
                lines.extend(paragraphs[1:])
            lines.append("")
        lines.append("")  # Word leaves a second blank line after a table
    return "\n".join(lines) + "\n"


def test_a_last_cell_that_starts_with_blank_paragraphs_stays_in_its_row():
    rows = indicator_rows()
    rows[1][7] = ["", "", "提前完成巡诊任务"]  # the row's last cell: an empty first paragraph, then text
    report, found = review_text(word_export(rows))
    assert found == MISSED_WITH_FULL_MARKS
    assert len(report.evaluations[0].indicators.indicators) == 4


def test_a_cell_with_two_blank_lines_inside_does_not_cut_the_table():
    rows = indicator_rows()
    rows[2][1] = ["时效指标", "", "", "（按季度抽查）"]
    _, found = review_text(word_export(rows))
    assert found == MISSED_WITH_FULL_MARKS


def test_cells_holding_tabs_keep_the_word_layout():
    rows = indicator_rows()
    rows[1][2], rows[3][2], rows[4][2] = "巡诊\t村数", "门诊\t服务人次", "患者\t满意度"
    document = load_bytes(word_export(rows).encode("utf-8"), "report.txt", ".txt")
    assert document.format == "text-cells"
    report, found = review_text(word_export(rows))
    assert found == MISSED_WITH_FULL_MARKS
    assert report.unit == "白沙镇卫生院"


def test_a_heading_right_above_a_table_starts_the_table():
    text = word_export(indicator_rows()).replace("\n\t一级指标", "\n绩效指标完成情况\n\t一级指标")
    _, found = review_text(text)
    assert found == MISSED_WITH_FULL_MARKS


# --- Word tables: nesting and grid quirks ------------------------------------------------------------------

INFO = [["项目名称", "乡村道路养护"], ["实施单位", "石门县交通运输局"]]
FUNDS = [["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
         ["年度资金总额", "60", "60", "60", "10", "100%", "10"]]
PROJECT = [
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "养护里程", "≥120公里", "125公里", "20", "20", ""],
    ["产出指标", "质量指标", "路面优良率", "≥85%", "80%", "30", "30", ""],
    ["效益指标", "社会效益指标", "通行村民", "≥5000人", "5200人", "30", "30", ""],
    ["满意度指标", "服务对象满意度指标", "村民满意度", "≥90%", "93%", "10", "10", ""],
    ["总分", "", "", "", "", "100", "100", ""],
]


def fill(table, rows) -> None:
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text


def project_document():
    document = docx.Document()
    document.add_paragraph("项目支出绩效自评表（2024年度）")
    for rows in (INFO, FUNDS):
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        fill(table, rows)
        document.add_paragraph("")
    return document


def nested_beside_text() -> docx.document.Document:
    """The indicator table two tables deep, with a paragraph above and below it in the same cell."""
    document = project_document()
    outer = document.add_table(rows=2, cols=1)
    outer.cell(0, 0).text = "绩效指标"
    middle = outer.cell(1, 0).add_table(rows=1, cols=1)
    cell = middle.cell(0, 0)
    cell.paragraphs[0].text = "年度绩效指标完成情况如下："
    inner = cell.add_table(rows=len(PROJECT), cols=8)
    fill(inner, PROJECT)
    cell.add_paragraph("满意度由第三方调查得出。")
    return document


def test_indicator_table_two_levels_deep_beside_text(tmp_path: Path):
    nested_beside_text().save(tmp_path / "nested.docx")
    _, found = review_file(tmp_path / "nested.docx")
    assert found == MISSED_WITH_FULL_MARKS


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice (soffice) is not installed")
def test_pdf_of_a_table_nested_beside_text_reads_the_inner_table(tmp_path: Path):
    # The outer cell's box holds the inner table's text too: each glyph goes to the innermost cell.
    nested_beside_text().save(tmp_path / "nested.docx")
    _, found = review_file(docx_to_pdf(tmp_path / "nested.docx", tmp_path))
    assert found == MISSED_WITH_FULL_MARKS


def test_rows_with_grid_before_and_after_and_no_table_grid(tmp_path: Path):
    document = project_document()
    table = document.add_table(rows=len(PROJECT), cols=8)
    fill(table, PROJECT[:-1] + [["", "总分", "", "", "", "100", "100", ""]])
    table.cell(1, 0).merge(table.cell(2, 0))  # 产出指标 merged down over its two rows
    table._tbl.remove(table._tbl.find(qn("w:tblGrid")))
    rows = table._tbl.findall(qn("w:tr"))

    def skip(tr, tag: str) -> None:
        element = OxmlElement(tag)
        element.set(qn("w:val"), "1")
        tr.get_or_add_trPr().insert(0, element)

    for tr in rows[1:-1]:  # the empty reason cell left out: the rows end one grid column early
        tr.remove(tr.findall(qn("w:tc"))[-1])
        skip(tr, "w:gridAfter")
    tr = rows[-1]  # the total row starts one grid column in: its label cell is the first one left
    tr.remove(tr.findall(qn("w:tc"))[0])
    skip(tr, "w:gridBefore")
    document.save(tmp_path / "grid.docx")
    _, found = review_file(tmp_path / "grid.docx")
    assert found == MISSED_WITH_FULL_MARKS


# --- PDF: a form whose indicator block goes on over the next page --------------------------------------------

@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_pdf_table_over_two_pages_below_blocks_with_other_columns(tmp_path: Path, ruled: bool):
    # The funds and indicator blocks are one table with different columns; the page
    # break falls in the indicator block, so page 2 has only the indicator columns.
    document = docx.Document()
    document.add_paragraph("项目支出绩效自评表（2024年度）")
    villages = [["产出指标", "数量指标", f"养护路段{i}", "≥2公里", "2公里", "1", "1", ""] for i in range(1, 41)]
    indicators = PROJECT[:1] + [PROJECT[1][:5] + ["5", "5", ""]] + villages[:25]
    indicators += [PROJECT[2][:5] + ["5", "5", ""]] + villages[25:] + PROJECT[3:]
    for block in (INFO, FUNDS, indicators):  # three tables with no paragraph between: one table
        table = document.add_table(rows=len(block), cols=len(block[0]))
        if ruled:  # without ruling lines the page-2 columns are placed from the text: the empty last one is missing
            table.style = "Table Grid"
        fill(table, block)
    document.save(tmp_path / "long.docx")
    pdf = docx_to_pdf(tmp_path / "long.docx", tmp_path)
    report, found = review_file(pdf)
    assert found == MISSED_WITH_FULL_MARKS
    assert len(report.evaluations[0].indicators.indicators) == 44


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice (soffice) is not installed")
def test_pdf_page_rotated_for_viewing_reads_as_written(tmp_path: Path):
    document = project_document()
    table = document.add_table(rows=len(PROJECT), cols=8)
    table.style = "Table Grid"
    fill(table, PROJECT)
    document.save(tmp_path / "form.docx")
    pdf = docx_to_pdf(tmp_path / "form.docx", tmp_path)
    # Turning the page in a viewer adds /Rotate 90: the text is then sideways on the page.
    data, turned = re.subn(rb"/Type\s*/Page(?![s\w])", b"/Type/Page/Rotate 90", pdf.read_bytes())
    assert turned == 1
    (tmp_path / "turned.pdf").write_bytes(data)
    report, found = review_file(tmp_path / "turned.pdf")
    assert found == MISSED_WITH_FULL_MARKS
    assert report.unit == "石门县交通运输局"


# --- Excel: formulas that read other sheets, hidden rows ------------------------------------------------------

def project_sheet(sheet, funds_row: list, indicators: list[list]) -> None:
    """The project form on one sheet; the 总分 row sums the scores by formula (saved without values)."""
    sheet.append(["项目支出绩效自评表（2024年度）"])
    for row in INFO + FUNDS[:1] + [funds_row] + PROJECT[:1] + indicators:
        sheet.append(row)
    first, last = 7, sheet.max_row
    sheet.append(["总分", "", "", "", "", f"=SUM(F{first}:F{last})+E5", f"=SUM(G{first}:G{last})+G5", ""])


def numbers(rows: list[list]) -> list[list]:
    return [[int(c) if c.isdigit() else c for c in row] for row in rows]


def test_formulas_reading_another_sheet_are_computed(tmp_path: Path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    form = book.active
    form.title = "自评表"
    figures = book.create_sheet("资金明细")
    figures.append(["全年预算数", 60])
    figures.append(["全年执行数", 45])
    figures.sheet_state = "hidden"  # a hidden sheet of workings the form reads
    project_sheet(form, ["年度资金总额", "='资金明细'!B1", "=资金明细!B1", "=资金明细!B2", 10, "=D5/C5", "=E5*F5"],
                  numbers(PROJECT[1:-1]))
    form["F5"].number_format = "0.00%"
    book.save(tmp_path / "book.xlsx")
    report, found = review_file(tmp_path / "book.xlsx")
    assert found == MISSED_WITH_FULL_MARKS  # 7.5 + 90 = 97.5 on both sides: no blank total, no READ002
    funds = report.evaluations[0].funds
    assert funds.total.cells["rate"].quote == "75.00%"


def test_hidden_rows_are_left_out_and_named(tmp_path: Path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    rows = numbers(PROJECT[1:-1])
    rows.insert(1, ["产出指标", "质量指标", "路面优良率（旧）", "≥85%", "70%", 30, 0, ""])
    project_sheet(book.active, numbers(FUNDS[1:])[0], rows)
    book.active.row_dimensions[8].hidden = True  # the old copy of an indicator, hidden by its author
    book.active["F12"], book.active["G12"] = 100, 100
    book.save(tmp_path / "hidden.xlsx")
    _, found = review_file(tmp_path / "hidden.xlsx")
    assert found == ["READ002", *MISSED_WITH_FULL_MARKS]
    report = extract(load(tmp_path / "hidden.xlsx"))
    assert any("第 8 行是隐藏行" in w for w in report.reader_warnings)


# --- Unit and year in titles ----------------------------------------------------------------------------------

BODY = "一、基本情况\n本单位编制20人，实有人数18人。\n二、绩效目标完成情况\n全年预算执行率95%，自评得分92分。\n"


@pytest.mark.parametrize(
    ("opening", "unit", "year"),
    [
        ("白沙镇人民政府二〇二三年度部门整体支出绩效自评报告", "白沙镇人民政府", 2023),
        ("二零二三年度白沙镇卫生院部门整体支出绩效自评报告", "白沙镇卫生院", 2023),
        ("白沙镇农业综合服务中心\n2023年度部门整体支出绩效自评报告", "白沙镇农业综合服务中心", 2023),
        ("关于报送白沙镇财政所2023年度整体支出绩效自评报告的报告\n县财政局：", "白沙镇财政所", 2023),
        ("部门整体支出绩效自评报告\n填报单位：白沙镇文化站\n填报时间：2024年2月\n现将2023年度自评情况报告如下。", "白沙镇文化站", 2023),
    ],
)
def test_unit_and_year_from_the_opening_lines(opening, unit, year):
    report, _ = review_text(f"{opening}\n{BODY}")
    assert (report.unit, report.year) == (unit, year)


@pytest.mark.parametrize(
    "cover",
    [
        [["部门（单位）名称", "白沙镇林业站"], ["评价方式", "单位自评"], ["报告日期", "2024年3月1日"]],
        [["单位名称（盖章）：白沙镇林业站", ""], ["填报日期：2024年3月1日", ""]],
    ],
    ids=["label-and-value", "label-in-one-cell"],
)
def test_unit_from_a_cover_page_table(tmp_path: Path, cover):
    document = docx.Document()
    document.add_paragraph("2023年度部门（单位）整体支出")
    document.add_paragraph("绩效评价自评报告")
    table = document.add_table(rows=len(cover), cols=2)
    fill(table, cover)
    for line in BODY.splitlines():
        document.add_paragraph(line)
    document.save(tmp_path / "cover.docx")
    report, _ = review_file(tmp_path / "cover.docx")
    assert (report.unit, report.year) == ("白沙镇林业站", 2023)


# --- 其中 amounts in a paragraph ------------------------------------------------------------------------------

OPENING = "白沙镇卫生院2024年度部门整体支出绩效自评报告\n一、基本情况\n"


@pytest.mark.parametrize(
    "sentence",
    [
        "全年支出合计120万元，其中人员支出80万元、公用支出25万元、项目支出20万元。",
        "收入合计1,250,000.00元，其中：财政拨款1,000,000.00元；上年结转200,000.00元；其他收入80,000.00元。",
        "项目资金共计89.97万元，其中中央、省级和县级资金分别为30万元、30万元和29.99万元。",
    ],
)
def test_parts_above_their_total_are_an_error_whatever_the_separators(sentence):
    _, found = review_text(OPENING + sentence + "\n")
    assert found == ["NARR001"]


@pytest.mark.parametrize(
    "sentence",
    [
        "全年下达资金100万元，其中：设备购置60万元，比上年增长5万元；培训费40万元。",
        "全年支出合计120万元，其中人员支出80万元、公用支出25万元、项目支出15万元。",
        "年度预算200万元，其中财政拨款180万元（占90%），单位自有资金20万元。",
    ],
)
def test_parts_that_add_up_or_are_no_parts_give_nothing(sentence):
    _, found = review_text(OPENING + sentence + "\n")
    assert found == []
