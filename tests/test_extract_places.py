"""`reviewer extract` names a workbook's tables by sheet and row, as findings do; documents keep 表N（第N页）."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from reviewer.cli import app
from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.rules import run_rules
from samples.build_samples import text_to_xlsx
from tests import forms


def _workbook(tmp_path: Path, text: str) -> Path:
    source = tmp_path / "form.txt"
    source.write_text(text, encoding="utf-8")
    return text_to_xlsx(source, tmp_path / "form.xlsx")


def test_extract_names_a_workbooks_tables_by_sheet_and_row(tmp_path):
    book = _workbook(tmp_path, forms.GOAL_HEADERS)
    result = CliRunner().invoke(app, ["extract", str(book)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "读作「" in line]
    report = extract(load(book))
    sheet, line = report.coverage[0].loc.sheet, report.coverage[0].loc.line
    assert lines and lines[0].startswith(f"  工作表「{sheet}」第{line}行起 ") and "（第" not in lines[0]


def test_a_doubtful_table_in_a_workbook_is_named_by_its_sheet(tmp_path):
    report = extract(load(_workbook(tmp_path, forms.DOUBTFUL_WEIGHTS)))
    found = [f for f in run_rules(report) if f.rule == "READ001"]
    sheet = report.coverage[0].loc.sheet
    assert len(found) == 1 and f"工作表「{sheet}」第" in found[0].message and "页）" not in found[0].message


def test_extract_of_a_text_report_keeps_table_ordinals(tmp_path):
    source = tmp_path / "form.txt"
    source.write_text(forms.GOAL_HEADERS, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(source)])
    assert any(line.startswith("  表1 ") for line in result.output.splitlines() if "读作「" in line)
