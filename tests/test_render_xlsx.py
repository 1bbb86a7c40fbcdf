"""Excel: expected columns, one row per finding, filters and frozen header, a per-file summary."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from tests.render_helpers import sample_document, sample_review

from reviewer.document import Document, Location
from reviewer.finding import DocumentInfo, Evidence, Finding, Review
from reviewer.render.xlsx import render_xlsx

COLUMNS = ["文件", "规则", "严重程度", "类别", "位置", "问题说明", "报告值", "计算值", "要求", "对照值",
           "原文摘录", "修改建议", "模型核验", "处置状态", "备注", "处置人"]


def _open(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _formula_review() -> tuple[Review, Document]:
    """A second file whose quote looks like a formula and contains a control character."""
    finding = Finding(rule="I602", severity="warning", category="indicator", message="指标值写成\x07“=56人”",
                      evidence=[Evidence(quote="=56人", loc=Location(block=0, label="附件二 第3行「指标值」"))],
                      actual="=56人")
    review = Review(document=DocumentInfo(path="b/第二份.txt", sha256="1"), findings=[finding])
    return review, Document(path="b/第二份.txt", sha256="1", format="text-tsv")


def test_findings_sheet_has_the_columns_and_one_row_per_finding():
    review = sample_review()
    book = _open(render_xlsx([(review, sample_document())]))
    sheet = book["问题清单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert len(rows) - 1 == len(review.findings)
    by_code = {r[1]: r for r in rows[1:]}
    a101 = by_code["A101"]
    assert a101[:6] == ("样例.docx", "A101", "错误", "表内勾稽", "附件二 自评表 第3行「执行」",
                        "项目支出执行数471.28万元高于预算426万元")
    assert a101[6:] == ("471.28", "≤426", None, None, "「471.28」", "核对执行数", None, "待处理", None, None)
    assert by_code["N401"][12] == "需人工复核"  # only model findings carry a verification
    assert all(by_code[code][11] for code in by_code)  # every finding has a 建议
    assert by_code["F501"][4] == "全文"
    assert [r[2] for r in rows[1:]] == sorted((r[2] for r in rows[1:]), key=["错误", "警告", "提示"].index)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:P{len(rows)}"
    assert sheet.column_dimensions["F"].width >= 40 and sheet.cell(2, 6).alignment.wrap_text
    assert sheet.cell(2, 6).alignment.vertical == "top" and sheet.cell(2, 6).border.left.style == "thin"


def test_batch_puts_all_files_on_one_sheet_and_counts_them_in_the_summary():
    second = _formula_review()
    data = render_xlsx([(sample_review(), sample_document()), second])
    book = _open(data)
    rows = list(book["问题清单"].iter_rows(values_only=True))
    assert len(rows) - 1 == len(sample_review().findings) + 1
    last = rows[-1]
    assert last[0] == "第二份.txt"  # the report's name, not its path
    assert last[10] == "「=56人」" and last[6] == "=56人" and last[5] == "指标值写成“=56人”"
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # text that starts with "=" stays text
    summary = list(book["汇总"].iter_rows(values_only=True))
    head = list(summary[0])
    assert head[:8] == ["文件", "单位", "年度", "模板", "错误", "警告", "提示", "合计"]
    assert head[-1] == "未采纳的模型发现"
    first = dict(zip(head, summary[1]))
    assert (first["文件"], first["单位"], first["年度"]) == ("样例.docx", "示例单位", 2024)
    assert (first["错误"], first["警告"], first["提示"], first["合计"]) == (3, 3, 2, 8)
    assert (first["表内勾稽"], first["完整性与格式"], first["指标"], first["未采纳的模型发现"]) == (1, 3, 1, 1)
    total = dict(zip(head, summary[3]))
    assert total["文件"] == "合计（2个文件）" and total["合计"] == 9 and total["指标"] == 2 and total["警告"] == 4


def test_a_review_without_findings_still_has_both_sheets():
    review = Review(document=DocumentInfo(path="空.txt", sha256="0"))
    book = _open(render_xlsx([(review, Document(path="空.txt", sha256="0", format="text-cells"))]))
    assert book.sheetnames == ["问题清单", "汇总"]
    assert book["问题清单"].max_row == 1
    assert list(book["汇总"].iter_rows(min_row=2, values_only=True))[0][4:8] == (0, 0, 0, 0)


def test_the_findings_sheet_prints_and_reads_as_a_working_document():
    from reviewer.render.xlsx import Decision

    review = sample_review()
    a101 = next(f for f in review.findings if f.rule == "A101")
    data = render_xlsx([(review, sample_document())], {a101.id: Decision("dismissed", "执行数含上年结转，\n无需修改", "王五")})
    sheet = _open(data)["问题清单"]
    rows = list(sheet.iter_rows(values_only=True))
    columns = {title: n for n, title in enumerate(rows[0])}
    row = next(r for r in rows if r[1] == "A101")
    assert (row[columns["处置状态"]], row[columns["备注"]], row[columns["处置人"]]) == ("已忽略", "执行数含上年结转，\n无需修改", "王五")
    assert all(r[columns["处置状态"]] == "待处理" for r in rows[1:] if r[1] != "A101")
    # Rows grow with their wrapped text: a long message gets more lines than a short one.
    heights = {r[1]: sheet.row_dimensions[n].height for n, r in enumerate(rows[1:], start=2)}
    assert all(h and h >= 15 for h in heights.values())
    assert heights["A101"] >= 30  # two lines of 备注 at least
    # Printing: landscape, one page wide, as many pages down as needed, header row on every page.
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)  # fitToWidth left out: the schema's default, 1
    assert sheet.print_title_rows == "$1:$1"
