"""Forms the reader was not built on: read from their headers, labels and numbers, in every format.

Each form in tests/forms.py stands for a kind of layout seen in other
provinces; the test states what a careful reviewer finds in it, and that the
same form pasted as text, rebuilt as a Word table and as an Excel sheet gives
the same findings.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from reviewer.extract import extract
from reviewer.ingest import load, load_bytes
from reviewer.report import Report
from reviewer.rules import run_rules
from samples.build_samples import docx_to_pdf, text_to_docx, text_to_xlsx
from tests import forms


def read(text: str) -> tuple[Report, list]:
    report = extract(load_bytes(text.encode("utf-8"), "form.txt", ".txt"))
    return report, run_rules(report)


def codes(findings, severity: str | None = None) -> list[str]:
    return sorted(f.rule for f in findings if severity is None or f.severity == severity)


def indicators(report: Report):
    return [i for e in report.evaluations if e.indicators for i in e.indicators.indicators]


def test_heading_on_a_row_of_its_own_heads_the_rows_below_it():
    report, findings = read(forms.HEADING_ON_EMPTY_ROW)
    rows = indicators(report)
    assert [(i.level1, i.name, str(i.weight.value)) for i in rows] == [
        ("产出指标", "养护河岸长度", "50"),
        ("效益指标", "沿岸受益居民", "30"),
        ("满意度指标", "居民满意度", "10"),
    ]
    points = {f.label: f.quantity.value for f in report.evaluations[0].indicators.level1_points}
    assert points == {"产出指标分值": 50, "效益指标分值": 30, "满意度指标分值": 10}
    # The form is consistent: no weight, heading or total finding.
    assert findings == [], [f.message for f in findings]


def test_total_row_with_only_its_weight_asks_for_the_total_not_a_mismatch():
    report, findings = read(forms.TOTAL_WEIGHT_ONLY)
    table = report.evaluations[0].indicators
    assert table.total_weight.quantity.value == 100 and table.total_score.quantity.value is None
    assert "SCORE005" not in codes(findings)
    blank = [f for f in findings if f.rule == "SCORE014"]
    assert len(blank) == 1 and "96分" in blank[0].message and blank[0].expected == "96分"
    assert codes(findings) == ["SCORE014"]


def test_sichuan_split_target_is_read_as_one_target_and_missed_targets_lose_full_marks():
    report, findings = read(forms.SICHUAN_SPLIT_TARGET)
    rows = indicators(report)
    assert [(i.name, i.target.comparator, i.target.value, i.target.unit) for i in rows] == [
        ("新建供水点", ">=", Decimal(12), "个"),
        ("水质检测合格率", ">=", Decimal(98), "%"),
        ("单点建设成本", "<=", Decimal(6), "万元"),
        ("受益人口", ">=", Decimal(5000), "人"),
    ]
    # The actual takes the unit of the 度量单位 column.
    assert rows[1].actual.value == 96 and rows[1].actual.unit == "%"
    funds = report.evaluations[0].funds
    assert funds.points == 10 and funds.total.label == "总额" and funds.total.cells["budget"].quote == "80.00"
    assert report.evaluations[0].indicators.points == [Decimal(90)]
    full_marks = sorted(f.evidence[0].loc.row for f in findings if f.rule == "SCORE007")
    assert full_marks == [6, 7]  # rows 7 and 8: 水质检测合格率 96 < 98, 单点建设成本 6.8 > 6 万元
    assert {"SCORE001", "SCORE003", "SCORE005"}.isdisjoint(codes(findings))
    assert report.unit == "白河县水利局" and report.year == 2023


def test_anhui_score_sheet_is_indicators_not_funds():
    report, findings = read(forms.ANHUI_SCORE_SHEET)
    evaluation = report.evaluations[0]
    assert evaluation.kind == "department" and evaluation.funds is None
    assert [(i.level1, i.level2, i.name) for i in indicators(report)][:3] == [
        ("决策", "目标设定", "绩效目标合理性"),
        ("决策", "目标设定", "绩效指标明确性"),
        ("决策", "预算编制", "预算编制科学性"),
    ]
    # 预算编制(6分) carries 4 + 2 = 6; the one real mistake is a score above its weight.
    assert codes(findings) == ["SCORE004"]
    assert "预算编制科学性" in findings[0].message
    assert report.unit == "东湖区商务局"


def test_goal_headers_are_not_the_goals_and_a_short_result_is_flagged():
    report, findings = read(forms.GOAL_HEADERS)
    evaluation = report.evaluations[0]
    assert evaluation.goal_expected.text == "维修农村学校校舍40所"
    assert evaluation.goal_actual.text == "完成校舍维修36所"
    assert codes(findings) == ["IND010"]
    assert "90.0%" in findings[0].message


def test_money_tables_add_up_by_rows_and_by_columns():
    report, findings = read(forms.MONEY_TABLES)
    assert report.unit == "青山县文化馆"
    found = sorted((f.rule, f.expected, f.actual) for f in findings)
    assert found == [
        ("SUM008", "16.00万元", "16.50万元"),  # 12.40 + 3.60 under 支出合计 16.50
        ("SUM008", "330.00万元", "320.00万元"),  # 汇总 收入合计 vs 200 + 130
        ("SUM009", "120.00万元", "130.00万元"),  # 流动服务站 130 vs 110 + 10
    ]
    # Every amount is a fact with its row and column.
    assert any(f.label == "流动服务站" and f.column == "其中:财政拨款" and f.quote == "110.00" for f in report.facts)


def test_a_block_that_fails_its_sanity_check_gives_no_error_and_is_reported():
    report, findings = read(forms.DOUBTFUL_WEIGHTS)
    assert not [f for f in findings if f.severity == "error"]
    assert report.coverage[0].status == "doubtful" and "分值列出现" in report.coverage[0].problems[0]
    read_finding = [f for f in findings if f.rule == "READ001"]
    assert len(read_finding) == 1 and read_finding[0].severity == "info"


@pytest.mark.parametrize(
    ("title", "unit"),
    [
        ("白河县财政局2020年度机关整体支出绩效评价报告", "白河县财政局"),
        ("2021年白河县发展和改革局整体支出绩效自评报告", "白河县发展和改革局"),
        ("关于2022年度白河县档案馆部门整体支出绩效自评的报告", "白河县档案馆"),
    ],
)
def test_unit_from_a_title_in_either_order(title, unit):
    text = f"{title}\n根据《关于开展2022年绩效自评工作的通知》要求，我单位认真开展自评。\n一、基本情况\n编制10人。\n"
    report, _ = read(text)
    assert report.unit == unit


def test_unit_is_never_a_sentence_fragment():
    text = "根据《关于开展2022年市级财政资金绩效自评工作的通知》要求，现将2021年白河县水利局整体支出绩效自评报告如下：\n一、基本情况\n"
    report, _ = read(text)
    assert report.unit is None


FORMS = {
    "heading": forms.HEADING_ON_EMPTY_ROW,
    "total": forms.TOTAL_WEIGHT_ONLY,
    "sichuan": forms.SICHUAN_SPLIT_TARGET,
    "anhui": forms.ANHUI_SCORE_SHEET,
    "goal": forms.GOAL_HEADERS,
}


def _signature(findings) -> list[tuple[str, str]]:
    """Findings as (rule, severity): what must not depend on the file format."""
    return sorted((f.rule, f.severity) for f in findings)


def _pdf(source: Path, out: Path) -> Path:
    return docx_to_pdf(text_to_docx(source, out.with_suffix(".docx")), out.parent)


BUILDERS = {
    "docx": text_to_docx,
    "xlsx": text_to_xlsx,
    "pdf": pytest.param(
        _pdf, marks=pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice (soffice) is not installed")
    ),
}


@pytest.mark.parametrize("name", sorted(FORMS))
@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_same_form_as_word_excel_and_pdf_gives_the_same_findings(name, build, tmp_path: Path):
    source = tmp_path / f"{name}.txt"
    source.write_text(FORMS[name], encoding="utf-8")
    _, from_text = read(FORMS[name])
    suffix = {text_to_docx: ".docx", text_to_xlsx: ".xlsx"}.get(build, ".pdf")
    rebuilt = extract(load(build(source, tmp_path / f"{name}{suffix}")))
    assert _signature(run_rules(rebuilt)) == _signature(from_text)
    assert from_text or name == "heading"  # every form but the consistent one has findings to compare


def test_cover_page_with_a_two_line_title_and_a_unit_label():
    text = "2024年度部门（单位）整体支出\n绩效评价自评报告\n部门（单位）名称：白河县林业局（盖章）\n评价方式：单位自评\n一、基本情况\n编制12人。\n"
    report, _ = read(text)
    assert report.unit == "白河县林业局" and report.year == 2024


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("部门预算项目支出绩效自评表(2023年度)", "project"),
        ("2023年中央对地方转移支付项目绩效自评表", "project"),
        ("2023年度部门整体支出绩效评价自评表", "department"),
        ("2024年度单位整体支出绩效评分表", "department"),
        ("2024年度白河县林业局整体支出绩效自评报告", "narrative"),
        ("附表", None),
    ],
)
def test_form_titles_of_other_provinces(title, kind):
    from reviewer.extract.parts import title_kind

    assert title_kind(title) == kind


def test_key_value_table_figures_are_checked_against_the_narrative():
    text = forms.tsv(
        "2024年度白河县林业局部门整体支出绩效自评报告",
        "一、基本情况",
        "单位名称 | 白河县林业局 | 单位性质 | 行政单位",
        "人员编制 | 21 | 实有人数 | 23",
        "",
        "本局编制数18人，实有人数23人。",
    )
    report, findings = read(text)
    assert {f.key: f.quantity.value for f in report.facts if f.source == "table"} == {"编制数": 21, "在职人数": 23}
    assert codes(findings) == ["XREF003"] and "18" in findings[0].message and "21" in findings[0].message


def test_score_follows_its_coefficient():
    text = forms.tsv(
        "项目支出绩效自评表（2024年度）",
        "项目名称 | 林下经济示范 |  | ",
        "实施单位 | 白河县林业局 |  | ",
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分系数(%) | 得分 | 偏差原因分析及改进措施",
        "产出指标 | 数量指标 | 示范基地 | ≥5个 | 4个 | 50 | 80 | 40 | 一个基地用地手续未办结",
        "效益指标 | 经济效益指标 | 带动增收 | ≥100万元 | 90万元 | 40 | 90 | 38 | 价格下行",
        "满意度指标 | 服务对象满意度指标 | 农户满意度 | ≥90% | 95% | 10 | 100 | 10 | ",
    )
    report, findings = read(text)
    assert [str(i.coef.value) for i in indicators(report)] == ["80", "90", "100"]
    errors = [f for f in findings if f.severity == "error"]
    assert codes(errors) == ["SCORE015"] and errors[0].expected == "36.00分"
