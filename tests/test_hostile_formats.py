"""Files in an unexpected encoding or under another format's name: read as what they are, or refused with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.hostile import _docx_with_body, docx_bytes, pdf_bytes, sheet_xml, xlsx_bytes

from reviewer.errors import InputError
from reviewer.ingest import load_bytes
from reviewer.ingest.text import decode

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = (ROOT / "samples" / "hunan_department.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "gb18030", "gbk", "utf-8-sig"])
def test_text_in_every_usual_encoding_reads_as_written(encoding):
    # UTF-16 without a byte-order mark comes from some exporters; GBK / GB18030 from Chinese Windows.
    assert decode(SAMPLE.encode(encoding), "a.txt") == SAMPLE


def test_gb18030_four_byte_characters_read_as_written():
    text = "单位：𠀀𠀁䶮㐀，欧元€。支出 12.5 万元。\n"
    assert decode(text.encode("gb18030"), "a.txt") == text


@pytest.mark.parametrize("data", [
    bytes(2000),  # zeros on both sides of every pair
    b"\x00\x01\x02" * 1000,
    "预算 100 万元\x07\n".encode("utf-16-le"),  # a control character: not text
    bytes(range(256)) * 40,
])
def test_binary_with_zero_bytes_is_not_taken_for_utf16(data):
    with pytest.raises(InputError, match="无法识别的文本编码"):
        decode(data, "a.txt")


_PDF = pdf_bytes([" ".join(f"BT /F1 10 Tf 40 {800 - 14 * n} Td (Budget {n}00.00 spent 98.50 of the plan) Tj ET" for n in range(20))])
_XLSX = xlsx_bytes(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
                             '<row r="2"><c r="A2"><v>10</v></c><c r="B2"><v>20</v></c></row>'))


@pytest.mark.parametrize(("data", "name", "kind"), [
    (docx_bytes(), "a.pdf", "docx"), (docx_bytes(), "a.xlsx", "docx"), (docx_bytes(), "a.txt", "docx"),
    (_PDF, "a.docx", "pdf"), (_PDF, "a.txt", "pdf"),
    (_XLSX, "a.docx", "xlsx"),
])
def test_a_file_under_another_formats_name_is_read_as_what_it_is(data, name, kind):
    document = load_bytes(data, name, Path(name).suffix)
    assert document.format == kind
    assert document.tables or document.blocks


@pytest.mark.parametrize(("name", "says"), [
    ("a.docx", "文件内容是网页（HTML），不是 .docx 文件：请用 Word 或 WPS 打开后另存为 .docx"),
    ("a.xlsx", "文件内容是网页（HTML），不是 .xlsx 文件：请用 Excel 或 WPS 打开后另存为 .xlsx"),
    ("a.pdf", "文件内容是网页（HTML），不是 .pdf 文件：请用 Word 或 WPS 打开后另存为 .docx"),
])
def test_a_web_page_under_an_office_name_is_refused_with_what_it_is(name, says):
    page = "\ufeff<!DOCTYPE html>\n<html><body><p>2024年度绩效自评报告</p></body></html>".encode("utf-8")
    with pytest.raises(InputError) as refused:
        load_bytes(page, name, Path(name).suffix)
    assert refused.value.problem == says


def test_a_pdf_page_larger_than_the_format_allows_is_refused_before_its_text_is_read():
    # pdfium's text page grows with the page's area: 270 MB for this 600-byte file before the bound.
    page = pdf_bytes(["BT /F1 10 Tf 40 800 Td (Budget 100.00 spent 98.50 of the plan) Tj ET"], 10**9, 10**9)
    with pytest.raises(InputError) as refused:
        load_bytes(page, "a.pdf", ".pdf")
    assert refused.value.problem == "PDF 第 1 页的尺寸 1000000000×1000000000 磅，超过每边 14400 磅（200 英寸）的上限"


def _formula_book(*formulas: str) -> bytes:
    """A workbook whose third row holds ``formulas`` without cached values, after a two-row table."""
    cells = "".join(f'<c r="{chr(65 + n)}3"><f>{f}</f></c>' for n, f in enumerate(formulas))
    return xlsx_bytes(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
                                f'<row r="2"><c r="A2"><v>10</v></c><c r="B2"><v>20</v></c></row><row r="3">{cells}</row>'))


def test_formulas_nested_past_excels_limit_are_named_not_a_crash():
    # Before the bound, the recursive parser ran out of Python's stack: a traceback.
    book = _formula_book("(" * 5000 + "1" + ")" * 5000, "-" * 5000 + "1", "(" * 60 + "B2*2" + ")" * 60)
    document = load_bytes(book, "f.xlsx", ".xlsx")
    (warning,) = document.warnings
    assert "A3（" in warning and "B3（" in warning and "嵌套超过 64 层" in warning
    assert [c.text for c in document.tables[0].rows[-1]][2] == "40"  # 60 levels are computed


def test_a_word_cell_spanning_a_billion_columns_spans_no_more_than_a_word_table_has():
    # The renderers lay a table out slot by slot: the HTML writer ran out of memory on this file.
    from reviewer.render.html import render_html
    from reviewer.pipeline import review_document

    row = ('<w:tr><w:trPr><w:gridBefore w:val="-5"/></w:trPr>'
           '<w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc>'
           '<w:tc><w:p><w:r><w:t>120.00</w:t></w:r></w:p></w:tc></w:tr>')
    document = load_bytes(_docx_with_body(f"<w:tbl>{row}</w:tbl>"), "a.docx", ".docx")
    cells = document.tables[0].rows[0]
    assert [(c.colspan, c.grid_col) for c in cells] == [(64, 0), (1, 64)]
    review, _ = review_document(document)
    assert "120.00" in render_html(review, document)
