"""The sample reports: planted mistakes are found, nothing else is an error, and every format reads alike."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.report import Report
from reviewer.rules import REGISTRY, run_rules
from samples.build_samples import text_to_docx, text_to_xlsx

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
# Sample -> the text layout it is written in. The first three follow the layouts
# of ../shared/seeds; the others are families 3-8 of ../shared/TEMPLATES.md, which
# only a reader that understands tables from their headers can review.
PLANTED_SAMPLES = {
    "hunan_department.txt": "text-cells",
    "project_tables.tsv.txt": "text-tsv",
    "markdown_report.md": "text-markdown",
    "hunan_prefecture.txt": "text-cells",  # family 3: cover page, money tables by unit, 定量目标 without scores
    "national_project.txt": "text-cells",  # family 4: 财预〔2020〕10号 form, no points in the level-1 cells
    "sichuan_project.tsv.txt": "text-tsv",  # family 5: target split over 指标性质 / 指标值 / 度量单位
    "anhui_scoresheet.md": "text-markdown",  # family 6: points in the level headings, 指标分值 / 自评得分
    "guangdong_project.md": "text-markdown",  # family 7: pipe rows without the |---| line, 得分(20分*执行率)
    "transfer_payment.tsv.txt": "text-tsv",  # family 8: funds by level of government, no scores
}
# Samples of families 3-8 -> (unit, year): each form names its unit in another place.
SAMPLE_UNITS = {
    "hunan_prefecture.txt": ("岚江市林业局", 2023),  # cover: 部门（单位）名称：…（盖章）
    "national_project.txt": ("青禾县农村供水管理站", 2023),  # 实施单位; the year only in "（2023年度）"
    "sichuan_project.tsv.txt": ("蓉溪区就业服务中心", 2023),  # 实施单位 beside 主管部门
    "anhui_scoresheet.md": ("淮溪县市场监督管理局", 2023),  # "单位名称（盖章）：…" in a line above the table
    "guangdong_project.md": ("海澄市澄岭区教育局", 2023),  # "单位名称（盖章）：…" in the title row of the table
    "transfer_payment.tsv.txt": ("琅川县交通运输局", 2023),  # 填报单位, not the 实施单位
}


def expected_file(sample: str) -> Path:
    """samples/<name>.expected.txt for samples/<name>.<ext>."""
    return SAMPLES / f"{sample.split('.')[0]}.expected.txt"


def planted(sample: str) -> Counter:
    """Rule codes of the mistakes planted in a sample, with how often each was planted."""
    codes = Counter()
    for line in expected_file(sample).read_text(encoding="utf-8").splitlines():
        if line.strip():
            code, description = line.split("\t", 1)
            assert code in REGISTRY, f"{code} is not a rule code"
            assert description.strip(), f"{code} has no description"
            codes[code] += 1
    return codes


def review(path: Path) -> tuple[Report, list]:
    """Extraction and rules on one file."""
    report = extract(load(path))
    return report, run_rules(report)


@pytest.mark.parametrize("sample", sorted(PLANTED_SAMPLES))
def test_planted_mistakes_are_found_and_nothing_else_is_an_error(sample):
    report, findings = review(SAMPLES / sample)
    assert report.format == PLANTED_SAMPLES[sample]
    expected = planted(sample)
    found = Counter(f.rule for f in findings)
    missed = {code: n - found[code] for code, n in expected.items() if found[code] < n}
    assert not missed, f"{sample}: planted mistakes not found: {missed}"
    errors = Counter(f.rule for f in findings if f.severity == "error")
    unexpected = [
        f"{f.rule} {f.message}"
        for f in findings
        if f.severity == "error" and errors[f.rule] > expected[f.rule]
    ]
    assert not unexpected, f"{sample}: errors that were not planted: {unexpected}"


@pytest.mark.parametrize("sample", sorted(SAMPLE_UNITS))
def test_unit_and_year_are_read_wherever_the_form_puts_them(sample):
    report = extract(load(SAMPLES / sample))
    assert (report.unit, report.year) == SAMPLE_UNITS[sample]


def test_clean_report_has_no_findings():
    report, findings = review(SAMPLES / "clean_department.txt")
    # Guard against a vacuous pass: the whole report was understood.
    assert report.basic_data is not None and len(report.basic_data.lines) == 16
    assert [len(e.indicators.indicators) for e in report.evaluations] == [9, 7]
    assert [s.title for s in report.sections if s.level == 1][-1] == "其他需要说明的情况"
    assert len([s for s in report.sections if s.level == 1]) == 10
    assert findings == [], "\n".join(f"{f.severity} {f.rule} {f.message}" for f in findings)


def test_every_planted_sample_has_its_expected_file():
    on_disk = {p.name for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md") and ".expected" not in p.name}
    assert on_disk == set(PLANTED_SAMPLES) | {"clean_department.txt"}
    for sample in PLANTED_SAMPLES:
        assert sum(planted(sample).values()) >= 2
    # Issue 10: at least four samples in layouts other than the Hunan four-attachment one.
    assert len(SAMPLE_UNITS) >= 4 and set(SAMPLE_UNITS) <= set(PLANTED_SAMPLES)


# --- the same report in every format ------------------------------------------------


def _flat(text: str | None) -> str:
    """Text without whitespace: formats differ in where they break lines."""
    return re.sub(r"\s+", "", text or "")


def _quantity(q) -> tuple[str, str | None] | None:
    return None if q is None else (_flat(q.raw), None if q.value is None else str(q.value))


def essentials(report: Report) -> dict:
    """What must not depend on the file format: unit, year, funds, indicators, basic data, sections."""
    evaluations = []
    for e in report.evaluations:
        item: dict = {"kind": e.kind, "name": e.name}
        if e.funds:
            item["funds"] = [
                (_flat(row.label), {column: _flat(fact.quote) for column, fact in sorted(row.cells.items())})
                for row in e.funds.rows
            ]
            item["splits"] = [(f.label, str(f.value)) for f in e.funds.income_splits + e.funds.expense_splits]
        if e.indicators:
            table = e.indicators
            item["indicators"] = [
                (i.level1, i.level2, i.level3, _flat(i.target.raw), _flat(i.actual.raw), _quantity(i.weight), _quantity(i.score))
                for i in table.indicators
            ]
            item["points"] = [(f.label, str(f.quantity.value)) for f in table.level1_points]
            item["total"] = [_flat(f.quote) if f else None for f in (table.total_weight, table.total_score)]
        evaluations.append(item)
    basic = report.basic_data
    return {
        "unit": report.unit,
        "year": report.year,
        "template": report.template,
        "evaluations": evaluations,
        "staff": [_flat(f.quote) if f else None for f in (basic.staff.quota, basic.staff.actual, basic.staff.control_rate)],
        "columns": [_flat(c.label) for c in basic.columns],
        "lines": [(ln.label, ln.kind, ln.number, ln.parent, [_flat(v.quote) for v in ln.values]) for ln in basic.lines],
        "sections": [(s.number, s.title, s.level) for s in report.sections],
    }


@pytest.fixture(scope="module")
def text_essentials() -> dict:
    report = extract(load(SAMPLES / "hunan_department.txt"))
    found = essentials(report)
    # The comparison is only meaningful if the text itself was read completely.
    assert [len(e["indicators"]) for e in found["evaluations"]] == [9, 7, 7]
    assert len(found["lines"]) == 17 and len(found["sections"]) == 15
    return found


def _ingester(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"reviewer.ingest.{name}") is not None


@pytest.mark.parametrize(
    "suffix",
    [
        ".docx",
        pytest.param(".xlsx", marks=pytest.mark.skipif(not _ingester("xlsx"), reason="reviewer.ingest.xlsx not written yet")),
        pytest.param(
            ".pdf",
            marks=[pytest.mark.skipif(not _ingester("pdf"), reason="reviewer.ingest.pdf not written yet")],
        ),
    ],
)
def test_every_format_gives_the_same_report(suffix, text_essentials):
    other = essentials(extract(load(SAMPLES / f"hunan_department{suffix}")))
    for key, value in text_essentials.items():
        assert other[key] == value, f"{suffix}: {key} differs"


def test_rebuilt_docx_has_real_merges_and_reads_like_the_text(tmp_path, text_essentials):
    out = text_to_docx(SAMPLES / "hunan_department.txt", tmp_path / "rebuilt.docx")
    document = load(out)
    form = next(t for t in document.tables if any(c.text == "一级指标" for row in t.rows for c in row))
    header = next(r for r, row in enumerate(form.rows) if any(c.text == "一级指标" for c in row))
    label = form.rows[header][0]
    output = form.rows[header + 1][1]
    total = form.rows[-1]
    assert label.text == "绩效指标" and label.rowspan == 10  # the header and its nine indicator rows
    assert output.text.startswith("产出指标") and output.rowspan == 5
    assert all(row[1].continued for row in form.rows[header + 2 : header + 6])
    assert [c.text for c in total][:3] == ["总分", "100", "98.92"] and total[-1].colspan == 6
    assert essentials(extract(document)) == text_essentials


def test_rebuilt_xlsx_has_merged_ranges_and_reads_like_the_text(tmp_path, text_essentials):
    import openpyxl

    out = text_to_xlsx(SAMPLES / "hunan_department.txt", tmp_path / "rebuilt.xlsx")
    book = openpyxl.load_workbook(out)
    department = book.worksheets[1]
    ranges = {str(r) for r in department.merged_cells.ranges}
    # 产出指标 merged down over its five rows, the 自评得分 of the funds row across two columns.
    assert any(re.fullmatch(r"B(\d+):B(\d+)", r) and int(r.split(":")[1][1:]) - int(r.split(":")[0][1:]) == 4 for r in ranges)
    assert "H4:I4" in ranges
    assert department["H5"].value == 9.92 and department["H5"].number_format == "0.00"
    assert department["G5"].value == pytest.approx(0.9917) and department["G5"].number_format == "0.00%"
    if _ingester("xlsx"):
        assert essentials(extract(load(out))) == text_essentials


def test_rebuilt_xlsx_keeps_values_that_look_like_formulas(tmp_path):
    source = tmp_path / "form.txt"
    source.write_text(
        "2024年度项目支出绩效自评表\n"
        "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\n"
        "\t产出指标\t时效指标\t完成时间\t=2024年\t2024年\n"
        "\t\t数量指标\t培训人数\t=56人\t56人\n",
        encoding="utf-8",
    )
    out = text_to_xlsx(source, tmp_path / "form.xlsx")
    import openpyxl

    cell = openpyxl.load_workbook(out).worksheets[0]["E3"]
    assert (cell.value, cell.data_type) == ("=2024年", "s")
    if _ingester("xlsx"):
        indicators = extract(load(out)).projects[0].indicators.indicators
        assert [i.target.raw for i in indicators] == ["=2024年", "=56人"]
