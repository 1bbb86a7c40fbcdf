"""A form's last row that holds only its total label ("总分（100分）"), its 分值 and 得分 blank.

Written in every format a report arrives in: a workbook (one cell, or merged
across the row), a Word table (one cell spanning the row), and the three
pasted layouts. The row is the form's total row, not a note below the
table: the reviewer asks for the blank total (SCORE014, 9 + 88 = 97) and
nothing else; a signature line under it stays a note, and a sentence that
states the score stays text.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.rules import run_rules

ROWS = [
    ["项目名称", "社区养老服务"],
    ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "50", "50", "45", "10", "90%", "9"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "服务老人", "≥300人", "320人", "50", "50", ""],
    ["效益指标", "社会效益指标", "入户探访率", "≥90%", "92%", "30", "28", "个别老人外出未能探访"],
    ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "95%", "10", "10", ""],
]
TITLE = "项目支出绩效自评表（2024年度）"
TOTAL = "总分（100分）"
SIGNED = "填表人：王五  填报日期：2025年1月10日  联系电话：0731-1234567"
WIDTH = 8


def review(path: Path):
    report = extract(load(path))
    return report, [(f.rule, f.expected) for f in run_rules(report) if f.severity in ("error", "warning")]


def workbook(tmp_path: Path, merged: bool) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "自评表"
    sheet.append([TITLE])
    for row in ROWS:
        sheet.append([float(c) if c.isdigit() else c for c in row])
    sheet.append([TOTAL])
    if merged:
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=WIDTH)
    sheet.append([SIGNED])
    path = tmp_path / "form.xlsx"
    book.save(path)
    return path


def word_document(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=len(ROWS) + 1, cols=WIDTH)
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    last = table.cell(len(ROWS), 0).merge(table.cell(len(ROWS), WIDTH - 1))
    last.text = TOTAL
    document.add_paragraph(SIGNED)
    path = tmp_path / "form.docx"
    document.save(path)
    return path


def pasted(tmp_path: Path, layout: str) -> Path:
    if layout == "tsv":  # typed under an Excel paste: the label alone, no tabs after it
        lines = [TITLE, *("\t".join(r) for r in ROWS), TOTAL, SIGNED]
    elif layout == "markdown":
        lines = [TITLE, *(f"| {' | '.join(r)} |" for r in ROWS), f"| {TOTAL} |", "", SIGNED]
    else:  # Word's text export: one tab line per cell, two blank lines after the table
        lines = [TITLE, *(line for r in ROWS for line in [*("\t" + c for c in r), ""]), "\t" + TOTAL, "", "", SIGNED]
    path = tmp_path / ("form.md" if layout == "markdown" else "form.txt")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


MAKERS = {
    "xlsx-one-cell": lambda tmp: workbook(tmp, merged=False),
    "xlsx-merged": lambda tmp: workbook(tmp, merged=True),
    "docx-merged": word_document,
    "tsv": lambda tmp: pasted(tmp, "tsv"),
    "markdown": lambda tmp: pasted(tmp, "markdown"),
    "word-text": lambda tmp: pasted(tmp, "cells"),
}


@pytest.mark.parametrize("kind", list(MAKERS))
def test_a_last_row_holding_only_the_total_label_is_the_total_row(kind, tmp_path):
    report, found = review(MAKERS[kind](tmp_path))
    assert found == [("SCORE014", "97分")]
    table = report.evaluations[0]
    assert table.indicators is not None and len(table.indicators.indicators) == 3
    paragraphs = [p.text for p in load(MAKERS[kind](tmp_path)).paragraphs]
    assert TOTAL not in paragraphs and SIGNED in [p.replace("\u3000", " ") for p in paragraphs]


@pytest.mark.parametrize("layout", ["xlsx", "tsv"])
def test_a_sentence_stating_the_score_under_the_table_stays_text(layout, tmp_path):
    stated = "总分：97分"
    if layout == "xlsx":
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        for row in [[TITLE], *ROWS, [stated]]:
            book.active.append(row)
        path = tmp_path / "form.xlsx"
        book.save(path)
    else:
        path = tmp_path / "form.txt"
        path.write_text("\n".join([TITLE, *("\t".join(r) for r in ROWS), stated]) + "\n", encoding="utf-8")
    document = load(path)
    assert stated in [p.text for p in document.paragraphs]
    assert all(stated not in c.text for t in document.tables for row in t.rows for c in row)
