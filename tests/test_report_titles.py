"""The reporting unit read from report titles of every shape: unit first or year first, a submission
letter ("关于…的报告", "{单位}关于…的报告"), a qualifier ("（本级）"), a title over two or three lines,
a cover whose title names no unit and puts it on the next line, in text and in a Word document.
"""

from __future__ import annotations

import docx
import pytest

from reviewer.extract import extract
from reviewer.ingest import load, load_bytes

BODY = "\n\n一、部门基本情况\n\n本局负责全县农业农村工作，2024年度部门预算120万元。\n\n二、存在的问题\n\n无。\n"
UNIT = "清河县农业农村局"

TITLES = [
    f"{UNIT}2024年度部门整体支出绩效自评报告",
    f"附件4\n\n{UNIT}2024年度部门整体支出绩效自评报告",
    f"2024年度{UNIT}部门整体支出绩效自评报告",
    f"关于{UNIT}2024年度部门整体支出绩效自评的报告",
    f"关于报送{UNIT}2024年度整体支出绩效自评报告的函",
    f"{UNIT}关于2024年度部门整体支出绩效自评情况的报告",
    f"{UNIT}（本级）2024年度部门整体支出绩效自评报告",
    f"{UNIT}2024年度部门整体支出绩效自我评价报告",
    f"{UNIT}2024年度部门整体支出绩效的自评报告",
    f"{UNIT}\n2024年度部门整体支出绩效自评报告",
    f"{UNIT}2024年度部门整体\n支出绩效自评报告",
    f"{UNIT}\n2024年度部门整体\n支出绩效自评报告",
    "关于清河县\n农业农村局2024年度部门整体支出绩效自评情况的报告",
    f"{UNIT}\n关于2024年度部门整体支出绩效自评情况的报告",
    f"2024年度部门整体支出绩效自评报告\n\n{UNIT}\n\n2025年3月",
    f"2024年度部门整体支出绩效自评报告\n\n单位：{UNIT}",
]


@pytest.mark.parametrize("title", TITLES)
def test_the_unit_of_every_title_shape(title):
    report = extract(load_bytes((title + BODY).encode("utf-8"), "report.txt", ".txt"))
    assert (report.unit, report.year) == (UNIT, 2024)


@pytest.mark.parametrize("title", [TITLES[9], TITLES[12], TITLES[14]])
def test_the_same_titles_in_a_word_document(title, tmp_path):
    document = docx.Document()
    for line in (title + BODY).split("\n"):
        if line:
            document.add_paragraph(line)
    document.save(tmp_path / "report.docx")
    assert extract(load(tmp_path / "report.docx")).unit == UNIT


@pytest.mark.parametrize(
    "title",
    [
        "2024年度部门整体支出绩效自评报告\n\n根据县财政局要求开展自评",  # the line under the title is a sentence
        "关于清河县2024年度农业农村局部门整体支出绩效自评情况的报告",  # the year inside the name: not guessed
        "附件四\n\n2024年度部门整体支出绩效自评报告",
    ],
)
def test_no_unit_is_made_up(title):
    assert extract(load_bytes((title + BODY).encode("utf-8"), "report.txt", ".txt")).unit is None
