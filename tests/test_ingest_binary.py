"""Binary ingesters (.docx, .xlsx, .pdf, legacy office via LibreOffice) produce the same Document grid."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx import Document as WordDocument
from docx.oxml import parse_xml

from reviewer.document import Document, Table
from reviewer.errors import InputError
from reviewer.extract import extract
from reviewer.ingest import load, load_bytes
from reviewer.ingest import office
from reviewer.ingest.xlsx import display
from reviewer.rules import run_rules

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

needs_soffice = pytest.mark.skipif(
    office.soffice() is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
)

# The merged table of fixtures.build_merged_docx as every reader must give it:
# (text, grid_col, colspan, rowspan, continued) per cell.
MERGED_GRID = [
    [("项目名称", 0, 1, 1, False), ("示范单位信息化运维", 1, 6, 1, False)],
    [("年度资金（万元）", 0, 1, 3, False), ("", 1, 1, 1, False), ("年初预算数", 2, 1, 1, False),
     ("全年预算数", 3, 1, 1, False), ("全年执行数", 4, 1, 1, False), ("执行率", 5, 1, 1, False),
     ("得分", 6, 1, 1, False)],
    [("", 0, 1, 1, True), ("年度资金总额", 1, 1, 1, False), ("1000", 2, 1, 1, False), ("1007.20", 3, 1, 1, False),
     ("816.23", 4, 1, 1, False), ("81.06%", 5, 1, 1, False), ("8.1", 6, 1, 1, False)],
    [("", 0, 1, 1, True), ("其中：财政拨款", 1, 1, 1, False), ("900", 2, 1, 1, False), ("907.2", 3, 1, 1, False),
     ("716.23", 4, 1, 1, False), ("78.95%", 5, 1, 1, False), ("——", 6, 1, 1, False)],
    [("绩效指标", 0, 1, 3, False), ("产出指标", 1, 1, 2, False), ("数量指标", 2, 1, 1, False),
     ("完成巡检次数", 3, 1, 1, False), ("≥120次", 4, 1, 1, False), ("126次", 5, 1, 1, False), ("10", 6, 1, 1, False)],
    [("", 0, 1, 1, True), ("", 1, 1, 1, True), ("质量指标", 2, 1, 1, False), ("系统可用率", 3, 1, 1, False),
     ("≥99%", 4, 1, 1, False), ("99.5%", 5, 1, 1, False), ("10", 6, 1, 1, False)],
    [("", 0, 1, 1, True), ("效益指标", 1, 1, 1, False), ("社会效益指标", 2, 1, 1, False),
     ("群众办事平均等待时间明显缩短，满意度持续提升", 3, 1, 1, False), ("明显缩短", 4, 1, 1, False),
     ("由二十分钟缩短至八分钟", 5, 1, 1, False), ("20", 6, 1, 1, False)],
    [("说明", 0, 1, 2, False), ("本表金额单位为万元。\n执行率保留两位小数。", 1, 6, 2, False)],
    [("", 0, 1, 1, True), ("", 1, 6, 1, True)],
]
MERGED_PARAGRAPHS = [
    "附件二",
    "2024年度示范单位整体支出绩效自评表",
    "（一）部门基本情况",
    fixtures.LONG_PARAGRAPH,
    "填表人：张三    联系电话：0731-0000000",
]


def grid(table: Table) -> list[list[tuple]]:
    """The table as (text, grid_col, colspan, rowspan, continued) tuples."""
    return [[(c.text, c.grid_col, c.colspan, c.rowspan, c.continued) for c in row] for row in table.rows]


def assert_locations(doc: Document) -> None:
    """Every block and cell says where it is: block index, table ordinal, row and column."""
    for index, block in enumerate(doc.blocks):
        assert block.loc.block == index
        if isinstance(block, Table):
            assert block.loc.table == block.index == doc.tables.index(block)
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    assert (cell.row, cell.col) == (r, c)
                    assert (cell.loc.block, cell.loc.table, cell.loc.row, cell.loc.col) == (index, block.index, r, c)


# --- .docx -------------------------------------------------------------------------------------


def test_docx_reads_merged_cells_once_and_blocks_in_order():
    doc = load_bytes(fixtures.build_merged_docx(), "report.docx", ".docx")
    assert doc.format == "docx"
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph", "table", "paragraph", "paragraph", "paragraph"]
    assert [p.text for p in doc.paragraphs] == MERGED_PARAGRAPHS
    assert [p.style for p in doc.paragraphs] == ["Normal", "Heading 1", "Heading 2", "Normal", "Normal"]
    assert grid(doc.tables[0]) == MERGED_GRID
    assert_locations(doc)


def test_docx_reads_text_inside_insertions_hyperlinks_and_content_controls_but_not_deletions():
    word = WordDocument()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    word.element.body.insert(
        0,
        parse_xml(
            f"<w:p {w}><w:r><w:t>执行率</w:t></w:r>"
            f'<w:del w:id="1" w:author="a"><w:r><w:delText>81%</w:delText></w:r></w:del>'
            f'<w:ins w:id="2" w:author="a"><w:r><w:t>100%</w:t></w:r></w:ins>'
            f"<w:hyperlink><w:r><w:t>（见附件）</w:t></w:r></w:hyperlink>"
            f"<w:sdt><w:sdtContent><w:r><w:tab/><w:t>完成</w:t></w:r></w:sdtContent></w:sdt></w:p>",
        ),
    )
    buffer = io.BytesIO()
    word.save(buffer)
    doc = load_bytes(buffer.getvalue(), "tracked.docx", ".docx")
    assert [p.text for p in doc.paragraphs] == ["执行率100%（见附件）\t完成"]


def test_docx_reads_nested_table_as_a_table_and_honours_grid_before():
    word = WordDocument()
    table = word.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "外层"
    inner = table.cell(0, 0).add_table(rows=2, cols=2)
    for r, row in enumerate(inner.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"内{r}{c}"
    table.cell(0, 1).text = "乙"
    table.cell(1, 1).text = "丙"
    # Row 1 starts at grid column 1: drop its first cell and declare gridBefore=1.
    tr = table.rows[1]._tr
    tr.remove(tr.tc_lst[0])
    tr.get_or_add_trPr().append(parse_xml('<w:gridBefore xmlns:w="http://schemas.openxmlformats.org/'
                                          'wordprocessingml/2006/main" w:val="1"/>'))
    buffer = io.BytesIO()
    word.save(buffer)
    doc = load_bytes(buffer.getvalue(), "nested.docx", ".docx")
    assert grid(doc.tables[0]) == [
        [("外层", 0, 1, 1, False), ("乙", 1, 1, 1, False), ("", 2, 1, 1, False)],
        [("丙", 1, 1, 1, False), ("", 2, 1, 1, False)],
    ]
    # The nested table follows its outer table as a table of its own, with its own grid.
    assert len(doc.tables) == 2
    assert grid(doc.tables[1]) == [
        [("内00", 0, 1, 1, False), ("内01", 1, 1, 1, False)],
        [("内10", 0, 1, 1, False), ("内11", 1, 1, 1, False)],
    ]


# --- .xlsx -------------------------------------------------------------------------------------


def build_xlsx() -> bytes:
    """A funds sheet with merged ranges, percent and fixed-decimal formats, a date, a note; a text sheet; a hidden sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "附件二"
    sheet["A1"] = "2024年度示范单位整体支出绩效自评表"
    sheet.merge_cells("A1:F1")
    sheet.append(["预算部门", "示范单位", None, None, None, None])
    sheet.merge_cells("B2:F2")
    sheet.append(["年度资金", "年初预算数", "全年预算数", "全年执行数", "执行率", "得分"])
    sheet.append([None, 1000, 1007.2, 816.23, 0.8106, 8.1])
    sheet.append([None, 900, 907.2000000000001, 471.28000000000003, 0.7895, None])
    sheet.merge_cells("A3:A5")
    for ref in ("E4", "E5"):
        sheet[ref].number_format = "0.00%"
    sheet["C4"].number_format = "0.00"
    sheet.append(["填报日期", dt.datetime(2024, 6, 19)])
    sheet.append(["说明：本表金额单位为万元。"])
    text = book.create_sheet("文字说明")
    text["A1"] = "一、部门基本情况"
    text["A2"] = "本单位负责政务服务工作。\n全年运行平稳。"
    hidden = book.create_sheet("下拉选项")
    hidden.append(["是", "否"])
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_sheet_is_a_table_with_merges_and_displayed_values():
    doc = load_bytes(build_xlsx(), "report.xlsx", ".xlsx")
    assert doc.format == "xlsx"
    assert [b.kind for b in doc.blocks] == ["paragraph", "table", "paragraph", "paragraph", "paragraph", "paragraph"]
    assert grid(doc.tables[0]) == [
        [("预算部门", 0, 1, 1, False), ("示范单位", 1, 5, 1, False)],
        [("年度资金", 0, 1, 3, False), ("年初预算数", 1, 1, 1, False), ("全年预算数", 2, 1, 1, False),
         ("全年执行数", 3, 1, 1, False), ("执行率", 4, 1, 1, False), ("得分", 5, 1, 1, False)],
        [("", 0, 1, 1, True), ("1000", 1, 1, 1, False), ("1007.20", 2, 1, 1, False), ("816.23", 3, 1, 1, False),
         ("81.06%", 4, 1, 1, False), ("8.1", 5, 1, 1, False)],
        [("", 0, 1, 1, True), ("900", 1, 1, 1, False), ("907.2", 2, 1, 1, False), ("471.28", 3, 1, 1, False),
         ("78.95%", 4, 1, 1, False), ("", 5, 1, 1, False)],
        [("填报日期", 0, 1, 1, False), ("2024-06-19", 1, 1, 1, False)] + [("", c, 1, 1, False) for c in range(2, 6)],
    ]
    assert_locations(doc)
    table = doc.tables[0]
    assert (table.loc.sheet, table.loc.page) == ("附件二", 1)
    assert {(c.loc.sheet, c.loc.page) for row in table.rows for c in row} == {("附件二", 1)}
    title, note, *narrative = doc.paragraphs
    assert (title.text, title.loc.sheet) == ("2024年度示范单位整体支出绩效自评表", "附件二")
    assert note.text == "说明：本表金额单位为万元。"
    # A sheet of one-cell rows is narrative: one paragraph per line, the hidden sheet left out.
    assert [(p.text, p.loc.sheet, p.loc.page) for p in narrative] == [
        ("一、部门基本情况", "文字说明", 2),
        ("本单位负责政务服务工作。", "文字说明", 2),
        ("全年运行平稳。", "文字说明", 2),
    ]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (816.23, "General", "816.23"),
        (471.28000000000003, "General", "471.28"),
        (0.1 + 0.2, "General", "0.3"),
        (100.0, "General", "100"),
        (42, "General", "42"),
        (0.8106, "0.00%", "81.06%"),
        (1, "0%", "100%"),
        (0.8106, "0.0%", "81.1%"),
        (10.5, "0.00", "10.50"),
        (1234.5, "#,##0.00_ ", "1234.50"),
        (3.14159, '"¥"#,##0.00;[Red]-"¥"#,##0.00', "3.14"),
        (dt.datetime(2024, 6, 19), "yyyy-mm-dd h:mm:ss", "2024-06-19"),
        (dt.date(2025, 1, 2), "yyyy/m/d", "2025-01-02"),
        ("  ≥95%  ", "@", "≥95%"),
        (None, "General", ""),
    ],
)
def test_xlsx_values_display_as_excel_shows_them(value, number_format, shown):
    assert display(value, number_format) == shown


# --- .pdf --------------------------------------------------------------------------------------


def read_fixture(name: str) -> Document:
    """Load a committed fixture PDF through the dispatcher."""
    return load(FIXTURES / name)


def test_pdf_table_has_docx_grid_with_rejoined_numbers_and_wrapped_text():
    doc = read_fixture("merged.pdf")
    assert doc.format == "pdf"
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph", "table", "paragraph", "paragraph", "paragraph"]
    assert [p.text for p in doc.paragraphs] == MERGED_PARAGRAPHS
    # LibreOffice drops the last row, which only continues merges: the PDF has no such row.
    expected = [list(row) for row in MERGED_GRID[:-1]]
    expected[-1] = [("说明", 0, 1, 1, False), ("本表金额单位为万元。\n执行率保留两位小数。", 1, 6, 1, False)]
    assert grid(doc.tables[0]) == expected
    assert_locations(doc)
    assert {b.loc.page for b in doc.blocks} == {1}
    assert {c.loc.page for row in doc.tables[0].rows for c in row} == {1}


def test_pdf_same_grid_as_docx_for_the_same_document():
    docx = load_bytes(fixtures.build_merged_docx(), "report.docx", ".docx")
    pdf = read_fixture("merged.pdf")
    texts = [[c.text for c in row] for row in docx.tables[0].rows if not all(c.continued for c in row)]
    assert [[c.text for c in row] for row in pdf.tables[0].rows] == texts


@pytest.mark.parametrize("name", ["continued.pdf", "continued_header.pdf"])
def test_pdf_table_continued_on_next_page_is_one_table(name):
    doc = read_fixture(name)
    assert [b.kind for b in doc.blocks] == ["paragraph", "table", "paragraph"]
    table = doc.tables[0]
    assert len(table.rows) == 60  # header once, even when Word repeats it on page 2
    assert table.texts(0) == ["序号", "三级指标", "年度指标值", "实际完成值"]
    assert [table.texts(i)[1] for i in range(1, 60)] == [f"指标{i}" for i in range(1, 60)]
    assert {c.loc.page for c in table.rows[1]} == {1} and {c.loc.page for c in table.rows[59]} == {2}
    assert_locations(doc)
    # The category merged over rows 42-51 straddles the page break: still one merged cell.
    first = table.rows[42][0]
    assert (first.text, first.rowspan, first.continued) == ("类别甲", 10, False)
    assert all(table.rows[r][0].continued and table.rows[r][0].text == "" for r in range(43, 52))
    assert not table.rows[52][0].continued and table.rows[52][0].text == "52"
    assert (doc.paragraphs[-1].text, doc.paragraphs[-1].loc.page) == ("表后说明文字。", 2)


def test_pdf_row_cut_by_page_break_is_rejoined():
    docx = load_bytes(fixtures.build_split_docx(), "split.docx", ".docx")
    pdf = read_fixture("split_row.pdf")
    assert len(pdf.tables) == 1
    assert [[c.text for c in r] for r in pdf.tables[0].rows] == [[c.text for c in r] for r in docx.tables[0].rows]
    long_row = pdf.tables[0].rows[39]
    assert long_row[1].text == fixtures.LONG_PARAGRAPH * 2
    assert (long_row[0].loc.page, pdf.tables[0].rows[40][0].loc.page) == (1, 2)


def test_pdf_row_cut_at_a_line_break_of_its_merged_label_is_rejoined():
    import pdfplumber

    with pdfplumber.open(FIXTURES / "cut_label.pdf") as raw:
        # The fixture must really be cut there: the label's second line opens page 2.
        assert raw.pages[1].extract_text().startswith("(50 分)")
    docx = load_bytes(fixtures.build_cut_label_docx(), "cut.docx", ".docx")
    pdf = read_fixture("cut_label.pdf")
    assert len(pdf.tables) == 1
    assert grid(pdf.tables[0]) == grid(docx.tables[0])
    table = pdf.tables[0]
    cut = next(r for r, row in enumerate(table.rows) if row[0].text == fixtures.CUT_LABEL)
    assert table.rows[cut][1].text == fixtures.CUT_NAME
    assert table.rows[cut][0].rowspan == 3 and [table.rows[cut + i][0].continued for i in (1, 2)] == [True, True]
    assert table.texts(cut + 1)[1:] == ["培训人次", "≥800人次", "836人次", "10", "10"]
    assert (table.rows[cut][0].loc.page, table.rows[cut + 1][0].loc.page) == (1, 2)
    assert_locations(pdf)


def test_pdf_form_cut_in_a_row_whose_next_page_has_more_columns_is_one_table():
    # Page 1 ends in the funds block (得分 over two grid columns) inside "年度资" / "金总额"; page 2
    # goes on with the indicator block's nine columns: one table on the finer grid, the row rejoined.
    docx = load_bytes(fixtures.build_cut_funds_docx(), "cut.docx", ".docx")
    pdf = read_fixture("cut_funds.pdf")
    assert len(pdf.tables) == 1
    assert grid(pdf.tables[0]) == grid(docx.tables[0])
    total = pdf.tables[0].rows[2]
    assert [c.text for c in total][:3] == ["", "年度资金总额", "300.00"] and total[1].loc.page == 1
    assert [f.rule for f in run_rules(extract(pdf))] == [f.rule for f in run_rules(extract(docx))] == ["SCORE004"]


def test_pdf_one_line_paragraphs_are_told_apart_by_the_gap_between_paragraphs():
    # Most gaps are gaps between paragraphs; the full lines end their paragraphs all the same.
    pdf = read_fixture("spaced.pdf")
    assert [p.text for p in pdf.paragraphs] == fixtures.SPACED_TEXTS
    docx = load_bytes(fixtures.build_spaced_docx(), "spaced.docx", ".docx")
    assert [p.text for p in pdf.paragraphs] == [p.text for p in docx.paragraphs]


def test_pdf_full_line_before_a_numbered_heading_ends_its_paragraph():
    # No indent and no spacing: a finished clause before 十、 or 2、 ends the paragraph,
    # a full line inside a sentence goes on even before "一、二季度".
    pdf = read_fixture("numbered.pdf")
    assert [p.text for p in pdf.paragraphs] == fixtures.NUMBERED_TEXTS


def test_pdf_narrative_paragraphs_match_docx_without_running_header_or_page_numbers():
    docx = load_bytes(fixtures.build_narrative_docx(), "narrative.docx", ".docx")
    pdf = read_fixture("narrative.pdf")
    assert all(b.kind == "paragraph" for b in pdf.blocks)
    # Indented, 1.5-spaced paragraphs, some running over a page break, each come out whole.
    assert [p.text for p in pdf.paragraphs] == [p.text for p in docx.paragraphs]
    assert len(pdf.paragraphs) == 20
    assert [p.loc.page for p in pdf.paragraphs if p.text in fixtures.NARRATIVE_HEADINGS] == [1, 1, 2, 3]
    assert not any("绩效自评报告" in p.text or p.text.startswith("第 ") for p in pdf.paragraphs)


# --- errors ------------------------------------------------------------------------------------


def problem(path: Path) -> str:
    """The one-line problem load() reports for a file."""
    with pytest.raises(InputError) as caught:
        load(path)
    assert caught.value.path == str(path)
    return caught.value.problem


def test_truncated_docx_and_xlsx(tmp_path):
    data = fixtures.build_merged_docx()
    (tmp_path / "cut.docx").write_bytes(data[: len(data) // 2])
    assert problem(tmp_path / "cut.docx") == "不是有效的 .docx 文件（文件损坏或被截断）"
    book = build_xlsx()
    (tmp_path / "cut.xlsx").write_bytes(book[: len(book) // 2])
    assert problem(tmp_path / "cut.xlsx") == "不是有效的 .xlsx 文件（文件损坏或被截断）"
    # A whole .docx package saved under .xlsx is read as the Word document it is.
    (tmp_path / "word.xlsx").write_bytes(data)
    assert load(tmp_path / "word.xlsx").format == "docx"


def test_ole_file_named_docx_or_xlsx_is_reported_as_encrypted_or_legacy(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    (tmp_path / "locked.docx").write_bytes(ole)
    assert problem(tmp_path / "locked.docx") == "文件已加密，或是另存为新扩展名的旧版 .doc/.xls 文件：请解除密码或另存为 .docx"
    (tmp_path / "locked.xlsx").write_bytes(ole)
    assert problem(tmp_path / "locked.xlsx") == "文件已加密，或是另存为新扩展名的旧版 .doc/.xls 文件：请解除密码或另存为 .xlsx"


def test_bad_pdfs(tmp_path):
    (tmp_path / "random.pdf").write_bytes(bytes(range(256)) * 20)
    assert problem(tmp_path / "random.pdf") == "不是有效的 PDF 文件"
    data = (FIXTURES / "merged.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 2])
    assert problem(tmp_path / "cut.pdf") == "不是有效的 PDF 文件"
    assert problem(FIXTURES / "encrypted.pdf") == "PDF 文件已加密，无法读取"
    assert problem(FIXTURES / "scanned.pdf") == (
        "PDF 中没有可提取的文字（可能是扫描件），请提供 Word 版本或先做文字识别（OCR）"
    )


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".pdf", ".doc"])
def test_empty_file(tmp_path, suffix):
    (tmp_path / f"empty{suffix}").write_bytes(b"")
    assert problem(tmp_path / f"empty{suffix}") == "文件为空"


# --- legacy office via LibreOffice -------------------------------------------------------------


def test_doc_without_libreoffice_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert problem(tmp_path / "old.doc") == (
        "读取 .doc/.wps 需要 LibreOffice：请安装 libreoffice-writer-nogui"
        "（apt-get install libreoffice-writer-nogui）或将文件另存为 .docx"
    )
    (tmp_path / "old.et").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert "libreoffice-calc-nogui" in problem(tmp_path / "old.et")


def test_docx_saved_as_doc_is_read_without_conversion(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    (tmp_path / "renamed.doc").write_bytes(fixtures.build_merged_docx())
    assert grid(load(tmp_path / "renamed.doc").tables[0]) == MERGED_GRID


def _soffice_convert(source: Path, target: str) -> Path:
    """Convert a file with LibreOffice for a test input."""
    subprocess.run(
        [office.soffice(), f"-env:UserInstallation={(source.parent / 'profile').as_uri()}", "--headless",
         "--convert-to", target, "--outdir", str(source.parent), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return source.with_suffix(f".{target}")


@needs_soffice
def test_doc_and_wps_are_converted_with_libreoffice(tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(fixtures.build_merged_docx())
    doc_file = _soffice_convert(source, "doc")
    doc = load(doc_file)
    assert doc.sha256 == __import__("hashlib").sha256(doc_file.read_bytes()).hexdigest()
    assert grid(doc.tables[0]) == MERGED_GRID
    assert [p.text for p in doc.paragraphs] == MERGED_PARAGRAPHS
    wps = tmp_path / "report.wps"  # WPS Office's .wps is a Word binary file under another name
    shutil.copy(doc_file, wps)
    assert grid(load(wps).tables[0]) == MERGED_GRID


@needs_soffice
def test_xls_is_converted_with_libreoffice(tmp_path):
    source = tmp_path / "report.xlsx"
    source.write_bytes(build_xlsx())
    xls = _soffice_convert(source, "xls")
    doc = load(xls)
    assert doc.tables[0].texts(2) == ["", "1000", "1007.20", "816.23", "81.06%", "8.1"]
    assert doc.paragraphs[0].text == "2024年度示范单位整体支出绩效自评表"


@needs_soffice
def test_unconvertible_doc_is_a_clear_error(tmp_path):
    (tmp_path / "broken.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert problem(tmp_path / "broken.doc").startswith("LibreOffice 无法转换此文件")


def test_docx_full_width_figures_read_like_half_width():
    word = WordDocument()
    word.add_paragraph("预算执行率为９９．５％")
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "年度资金总额", "１２０．００"
    buffer = io.BytesIO()
    word.save(buffer)
    doc = load_bytes(buffer.getvalue(), "fullwidth.docx", ".docx")
    assert doc.blocks[0].text == "预算执行率为99.5%"
    assert doc.tables[0].rows[0][1].text == "120.00"
