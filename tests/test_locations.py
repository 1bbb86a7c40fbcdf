"""Places name the table and its row as a reader counts them in Word: 表N 第M行, rows from the table's top, the same in
every format but workbooks, where they name the sheet and the row Excel shows."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest
from tests.seeds import sample_texts, seed_params

from reviewer.document import Location
from reviewer.jsonio import dump_json
from reviewer.pipeline import ReviewOptions, review_path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _review(path: Path):
    return review_path(path, ReviewOptions())


def test_a_form_printed_as_two_tables_names_each_so_rows_never_restart():
    review, document = _review(SAMPLES / "markdown_report.md")
    cells = [ev.loc for f in review.findings for ev in f.evidence if ev.loc is not None and ev.loc.row is not None]
    assert {loc.table for loc in cells} == {0, 1}  # the funds table and the indicators table of one project form
    for loc in cells:
        assert f" 表{loc.table + 1} 第{loc.row + 1}行" in loc.label
        assert document.tables[loc.table].rows[loc.row]  # the row counted from that table's top exists there
    by_rule = {f.rule: f for f in review.findings}
    assert "表2 第9行「读者满意度」" in by_rule["SCORE004"].message


def _places(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    review, _ = _review(path)
    return sorted((f.rule, tuple(ev.loc.label for ev in f.evidence if ev.loc)) for f in review.findings)


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_every_format_names_the_same_places(suffix):
    assert _places(SAMPLES / f"hunan_department{suffix}") == _places(SAMPLES / "hunan_department.txt")


_TABLE_ROW = re.compile(r"表\d+ 第\d+行")
_SHEET_ROW = re.compile(r"工作表「([^」]+)」第(\d+)行")


def test_workbook_places_are_the_sheet_and_the_row_excel_shows():
    """In a workbook, 表N 第M行 becomes the sheet and its row number; the row holds the quoted figures."""
    openpyxl = pytest.importorskip("openpyxl")
    from reviewer.ingest.xlsx import display

    path = SAMPLES / "hunan_department.xlsx"
    book = openpyxl.load_workbook(path)
    review, _ = _review(path)
    in_text = _places(SAMPLES / "hunan_department.txt")
    assert sorted((rule, tuple(_SHEET_ROW.sub("·", p) for p in places)) for rule, places in _places(path)) == sorted(
        (rule, tuple(_TABLE_ROW.sub("·", p) for p in places)) for rule, places in in_text
    )
    checked = 0
    for finding in review.findings:
        for evidence in finding.evidence:
            if evidence.loc is None or evidence.loc.row is None:
                continue
            assert not _TABLE_ROW.search(evidence.loc.label), evidence.loc.label
            sheet, row = _SHEET_ROW.search(evidence.loc.label).groups()
            shown = set().union(*(_numbers(display(cell.value, cell.number_format)) for cell in book[sheet][int(row)]))
            assert _numbers(evidence.quote) <= shown, (evidence.loc.label, evidence.quote)
            checked += 1
    assert checked >= 20


def _numbers(text: str) -> set[Decimal]:
    return {Decimal(x).normalize() for x in re.findall(r"\d+(?:\.\d+)?", text or "")}


@pytest.mark.parametrize("path", [*sample_texts(), *seed_params()])
def test_the_reported_figure_is_at_the_findings_place_and_the_checked_one_where_named(path):
    """报告值 is what the first place says (beside a 计算值, 对照值 or 要求); a 对照值 is what the second place (named beside it) says."""
    review, _ = _review(path)
    for finding in review.findings:
        located = [ev for ev in finding.evidence if ev.loc is not None]
        if finding.basis not in ("computed", "compared", "required") or not located or not finding.actual:
            continue
        reported, checked = _numbers(finding.actual), _numbers(finding.expected)
        if reported and _numbers(located[0].quote):
            assert reported & _numbers(located[0].quote), (finding.rule, finding.actual, located[0].quote)
        if finding.basis == "compared" and len(located) > 1 and checked and _numbers(located[1].quote):
            assert checked & _numbers(located[1].quote), (finding.rule, finding.expected, located[1].quote)


def test_a_relabelled_location_is_the_copy_dataclasses_replace_makes():
    # Location.replaced copies the slots by hand (extraction makes hundreds): it must be dataclasses.replace's copy.
    loc = Location(block=3, table=1, row=2, col=4, line=9, sheet="自评表", page=2, start=1, end=5)
    changes = {"label": "附件二 表2 第3行", "col": None}
    copy = loc.replaced(**changes)
    expected = dataclasses.replace(loc, **changes)
    assert copy == expected and dataclasses.astuple(copy) == dataclasses.astuple(expected)
    assert dump_json(copy) == dump_json(expected)
    with pytest.raises(AttributeError):
        loc.replaced(colum=1)  # a misspelt field is refused, as dataclasses.replace refuses it
    assert loc.label == "" and loc.col == 4  # the original is untouched
    copy.row = 7
    assert loc.row == 2
