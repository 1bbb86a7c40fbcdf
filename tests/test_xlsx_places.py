"""A workbook's findings name the sheet and the row number Excel shows, in every output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.pipeline import ReviewOptions, review_path

ROOT = Path(__file__).resolve().parents[1]
SHEET = "绩效自评表"
# The form starts on Excel row 4 (a title, its year and a blank row above it); 入户探访率 is on row 9.
ROWS = [
    ["项目名称", "社区养老服务"],
    ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", 50, 50, 50, 10, "100%", 10],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "服务老人", "≥300人", "320人", 50, 50, ""],
    ["效益指标", "社会效益指标", "入户探访率", "≥90%", "85%", 30, 30, ""],
    ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "95%", 10, 10, ""],
    ["总分", "", "", "", "", 100, 100, ""],
]
PLACE = f"工作表「{SHEET}」第9行"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本工作簿由项目单位填报。"])
    sheet = book.create_sheet(SHEET)
    sheet.append(["项目支出绩效自评表"])
    sheet.append(["（2024年度）"])
    sheet.append([])
    for row in ROWS:
        sheet.append(row)
    path = tmp_path_factory.mktemp("book") / "自评.xlsx"
    book.save(path)
    return path


def test_the_finding_and_its_evidence_name_the_sheet_and_excel_row(workbook):
    review, document = review_path(workbook, ReviewOptions())
    missed = [f for f in review.findings if f.rule in ("SCORE007", "SCORE009")]
    assert sorted(f.rule for f in missed) == ["SCORE007", "SCORE009"]
    for finding in missed:
        assert f"{PLACE}「入户探访率」" in finding.message
        assert all(ev.loc.label.startswith(f"项目支出绩效自评表「社区养老服务」 {PLACE}「") for ev in finding.evidence if ev.loc)
        assert all(ev.loc.sheet == SHEET and ev.loc.line == 9 for ev in finding.evidence if ev.loc)
    (table,) = document.tables
    assert table.loc.line == 4 and table.rows[5][2].text == "入户探访率"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "xlsx"])
def test_every_output_names_the_same_place(workbook, fmt, tmp_path):
    out = tmp_path / f"out.{fmt}"
    subprocess.run(
        [sys.executable, "-m", "reviewer", "review", str(workbook), "--no-llm", "--format", fmt, "-o", str(out)],
        cwd=ROOT, capture_output=True, timeout=120,
    )
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(out)
        shown = "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)
    else:
        shown = out.read_text(encoding="utf-8")
    assert PLACE in shown and " 表1 第6行" not in shown
    if fmt == "json":
        labels = [ev["loc"]["label"] for f in json.loads(shown)["findings"] for ev in f["evidence"] if ev.get("loc")]
        assert labels and all(PLACE in label for label in labels)
