"""Which clause a figure of the text belongs to: 其中 lists, changes, counts near 满意度, scores, matched indicators.

Each report is written once as paragraphs and tables, then given in every
format it arrives in: Word's text export (one tab-prefixed line per cell),
markdown pipe tables, tab-separated text, a .docx (real tables) and, for
forms without narrative, an .xlsx. The units, names and figures are invented
for these tests. Each test states what a careful reviewer says: nothing for a
sentence read right, the error for a planted one.
"""

from __future__ import annotations

import io

import docx
import pytest

from reviewer.extract import extract
from reviewer.ingest import load_bytes
from reviewer.rules import run_rules
from tests.reports import table

Block = str | list[list[str]]  # a paragraph, or a table's rows


def word_text(blocks: list[Block]) -> bytes:
    return "\n".join(b if isinstance(b, str) else table(b) for b in blocks).encode("utf-8")


def markdown(blocks: list[Block]) -> bytes:
    out = []
    for b in blocks:
        if isinstance(b, str):
            out.append(b + "\n")
            continue
        width = max(len(r) for r in b)
        rows = [r + [""] * (width - len(r)) for r in b]
        out.append("\n".join(["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width] + ["| " + " | ".join(r) + " |" for r in rows[1:]]) + "\n")
    return "\n".join(out).encode("utf-8")


def tab_separated(blocks: list[Block]) -> bytes:
    return "\n".join(b if isinstance(b, str) else "\n".join("\t".join(r) for r in b) + "\n" for b in blocks).encode("utf-8")


def word_document(blocks: list[Block]) -> bytes:
    document = docx.Document()
    for b in blocks:
        if isinstance(b, str):
            document.add_paragraph(b)
            continue
        width = max(len(r) for r in b)
        grid = document.add_table(rows=len(b), cols=width)
        for r, row in enumerate(b):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def workbook(blocks: list[Block]) -> bytes:
    """Each table on a sheet of its own; the paragraphs before a table are its sheet's first rows."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for b in blocks:
        if isinstance(b, str):
            sheet.append([b])
            continue
        for row in b:
            sheet.append([float(c) if _number(c) else c for c in row])
        sheet = book.create_sheet()
    book.remove(sheet)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


FORMATS = {"word.txt": word_text, "report.md": markdown, "tsv.txt": tab_separated, "report.docx": word_document, "book.xlsx": workbook}
NARRATIVE_FORMATS = ("word.txt", "report.md", "report.docx")  # a narrative is written in these
TABLE_FORMATS = tuple(FORMATS)


def review(blocks: list[Block], name: str) -> list:
    data = FORMATS[name](blocks)
    report = extract(load_bytes(data, name, "." + name.rsplit(".", 1)[1]))
    return run_rules(report)


def found(blocks: list[Block], name: str, code: str) -> list:
    return [f for f in review(blocks, name) if f.rule == code]


def narrative(*paragraphs: str, title: str = "青溪县林业局2024年度项目支出绩效自评报告") -> list[Block]:
    return [title, "一、基本情况", *paragraphs]


# ---------------------------------------------------------------- K1: a 其中 list ends with its enumeration

LIST_THEN_OWN_CLAUSE = [
    # 、 list closed by ；, the next clause names 全年执行数
    "本项目全年预算数520.00万元，其中当年财政拨款490.00万元、上年结转资金30.00万元；全年执行数507.00万元，预算执行率97.50%。",
    # one part, then a comma and 全年执行数
    "本项目全年预算数1860.00万元，其中省级补助1500.00万元，全年执行数1822.80万元，执行率98.00%。",
    # 基本支出's parts closed by ；, then its sibling 项目支出
    "全年支出2400.00万元，其中基本支出1600.00万元，其中人员经费1200.00万元、公用经费400.00万元；项目支出执行800.00万元。",
]


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
@pytest.mark.parametrize("sentence", LIST_THEN_OWN_CLAUSE)
def test_a_qizhong_list_ends_where_a_clause_names_its_own_quantity(sentence, name):
    assert found(narrative(sentence), name, "NARR001") == []


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
def test_parts_above_their_total_before_a_semicolon_are_still_an_error(name):
    wrong = "本项目全年预算数520.00万元，其中当年财政拨款500.00万元、上年结转资金30.00万元；全年执行数507.00万元。"
    (f,) = found(narrative(wrong), name, "NARR001")
    assert f.actual == "520.00万元" and f.expected == "530.00万元"


# ---------------------------------------------------------------- K11: a change after several 其中 parts


CHANGE_AFTER_PARTS = "2024年“三公”经费支出24.80万元，其中公务接待费8.30万元、公务用车运行维护费16.50万元，比上年减少3.10万元，下降{rate}。"


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
def test_a_change_after_a_list_of_parts_is_the_heads(name):
    # 3.10 ÷ (24.80 + 3.10) = 11.11%: of the 三公经费, not of the 用车费's 16.50.
    assert found(narrative(CHANGE_AFTER_PARTS.format(rate="11.11%")), name, "XREF004") == []
    (f,) = found(narrative(CHANGE_AFTER_PARTS.format(rate="15.82%")), name, "XREF004")
    assert f.expected == "11.11%" and f.actual == "15.82%"


# ---------------------------------------------------------------- K5: a count near 满意度 is no percentage


def department_form(satisfaction: str = "94.2%") -> list[Block]:
    return [
        "部门整体支出绩效自评表",
        [
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["满意度指标", "服务对象满意度指标", "学生家长满意度", "≥90%", satisfaction, "10", "10"],
        ],
    ]


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
@pytest.mark.parametrize(
    "sentence",
    ["开展学生家长满意度调查，回收有效问卷4200份，满意度94.2%。", "发放满意度调查问卷860份，回收有效问卷812份，家长满意度94.2%。"],
)
def test_a_questionnaire_count_near_satisfaction_is_not_a_percentage(sentence, name):
    blocks = narrative(sentence, title="青溪县教育局2024年度部门整体支出绩效自评报告") + department_form()
    assert found(blocks, name, "XREF003") == []
    (f,) = found(narrative(sentence.replace("94.2%", "97.2%"), title="青溪县教育局2024年度部门整体支出绩效自评报告") + department_form(), name, "XREF003")
    assert f.actual == "97.2%" and f.expected == "94.2%"


# ---------------------------------------------------------------- K12: each score of a sentence has its own owner


def scored_forms(department_total: str, project_total: str) -> list[Block]:
    funds = ["", "年度资金总额", "300.00", "300.00", "294.00", "10", "98.00%", "9.80", ""]
    head = ["年度预算（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""]
    indicators = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    return [
        "附表1 部门整体支出绩效自评表",
        [
            ["部门（单位）名称", "青溪县水利局", "", "", "", "", "", "", ""],
            head,
            funds,
            indicators,
            ["", "产出指标（50分）", "数量指标", "堤防加固长度", "≥20公里", "21公里", "50", "50", "无"],
            ["", "效益指标（30分）", "社会效益指标", "防洪达标率", "≥95%", "96.0%", "30", "30", "无"],
            ["", "满意度指标（10分）", "服务对象满意度指标", "群众满意度", "≥90%", "94.0%", "10", "10", "无"],
            ["总分", "", "", "", "", "", "100", department_total, ""],
        ],
        "附表2 项目支出绩效自评表",
        [
            ["项目名称", "山塘水库除险加固", "", "", "", "", "", "", ""],
            ["主管部门", "青溪县水利局", "", "", "", "实施单位", "青溪县水利局", "", ""],
            ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""],
            ["", "年度资金总额", "120.00", "120.00", "117.60", "10", "98.00%", "9.80", ""],
            indicators,
            ["", "产出指标（50分）", "数量指标", "除险加固山塘", "≥12座", "12座", "50", "50", "无"],
            ["", "效益指标（30分）", "社会效益指标", "受益农田面积", "≥3000亩", "2900亩", "30", "29", "个别山塘渠系未配套"],
            ["", "满意度指标（10分）", "服务对象满意度指标", "受益群众满意度", "≥90%", "93.0%", "10", "10", "无"],
            ["总分", "", "", "", "", "", "100", project_total, ""],
        ],
    ]


SCORES = "部门整体支出绩效自评得分{dept}分；山塘水库除险加固项目自评得分{proj}分。"


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
def test_a_department_score_beside_a_projects_is_compared_with_the_department_form(name):
    title = "青溪县水利局2024年度部门整体支出绩效自评报告"
    right = narrative(SCORES.format(dept="99.80", proj="98.80"), title=title) + scored_forms("99.80", "98.80")
    assert found(right, name, "NARR003") == []
    wrong = narrative(SCORES.format(dept="99.50", proj="98.80"), title=title) + scored_forms("99.80", "98.80")
    (f,) = found(wrong, name, "NARR003")
    assert f.actual == "99.5分" and f.expected == "99.8分" and "部门整体" in f.message
    # a clause that names no owner is the sentence's: here the project's
    unnamed = narrative("山塘水库除险加固全面完工；自评得分97.00分。", title=title) + scored_forms("99.80", "98.80")
    (f,) = found(unnamed, name, "NARR003")
    assert f.expected == "98.8分" and "山塘水库除险加固" in f.message


# ---------------------------------------------------------------- K4: indicators match by their own name


def counted_forms(project_indicator: str, project_actual: str) -> list[Block]:
    head = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    return [
        "2024年度部门整体支出绩效自评表",
        [
            ["部门（单位）名称", "青溪县民政局", "", "", "", "", ""],
            ["年度预算（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["年度资金总额", "500.00", "500.00", "490.00", "10", "98.00%", "9.80"],
            head,
            ["产出指标", "数量指标", "特困人员供养人数", "≥1500人", "1620人", "50", "50"],
            ["满意度指标", "服务对象满意度指标", "供养对象满意度", "≥90%", "95.0%", "10", "10"],
            ["总分", "", "", "", "", "100", "99.80"],
        ],
        "2024年度项目支出绩效自评表",
        [
            ["项目名称", "困难老人助餐服务补助", "", "", "", "", ""],
            ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["年度资金总额", "80.00", "80.00", "78.40", "10", "98.00%", "9.80"],
            head,
            ["产出指标", "数量指标", project_indicator, "≥700人", project_actual, "50", "50"],
            ["满意度指标", "服务对象满意度指标", "助餐老人满意度", "≥90%", "96.0%", "10", "10"],
            ["总分", "", "", "", "", "100", "99.80"],
        ],
    ]


@pytest.mark.parametrize("name", TABLE_FORMATS)
def test_indicators_sharing_only_a_generic_word_are_not_the_same(name):
    assert found(counted_forms("助餐服务老年人数", "742人"), name, "XREF005") == []
    # the same indicator named in other words still must agree
    (f,) = found(counted_forms("特困供养人员人数", "742人"), name, "XREF005")
    assert f.actual == "1620人" and f.expected == "742人"


# ---------------------------------------------------------------- M2: the budget in the sentence before the rate


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
@pytest.mark.parametrize(
    "said",
    [
        "2024年乡村护林员补助资金全年预算数860.00万元。全年执行数834.20万元，预算执行率{rate}。",
        "2024年乡村护林员补助资金全年预算数860.00万元，其中中央资金600.00万元、省级资金260.00万元。全年执行数834.20万元，预算执行率{rate}。",
    ],
)
def test_execution_rate_with_its_budget_in_the_previous_sentence(said, name):
    assert found(narrative(said.format(rate="97.00%")), name, "NARR002") == []
    (f,) = found(narrative(said.format(rate="96.00%")), name, "NARR002")
    assert f.expected == "97.00%" and f.actual == "96%"
    # 年初预算数 is not the budget an execution rate is taken on: nothing is said
    assert found(narrative(said.format(rate="96.00%").replace("全年预算数", "年初预算数")), name, "NARR002") == []


# ---------------------------------------------------------------- M4: the text's budget and spending against the form


def project_report(budget: str, spent: str, unit: str = "万元") -> list[Block]:
    figures = ("3,000,000.00", "3,600,000.00", "3,456,000.00") if unit == "元" else ("300.00", "360.00", "345.60")
    return narrative(f"本项目全年预算数{budget}万元，全年执行数{spent}万元。", title="青溪县生态环境局2024年度项目支出绩效自评报告") + [
        "项目支出绩效自评表",
        [
            ["项目名称", "农村生活污水治理", "", "", "", ""],
            [f"项目资金（{unit}）", "", "年初预算数", "全年预算数", "全年执行数", "执行率"],
            ["", "年度资金总额", *figures, "96.00%"],
        ],
    ]


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
@pytest.mark.parametrize("unit", ["万元", "元"])
def test_the_texts_budget_and_spending_against_the_funds_row(name, unit):
    assert found(project_report("360.00", "345.60", unit), name, "XREF003") == []
    wrong = found(project_report("370.00", "355.20", unit), name, "XREF003")
    assert sorted((f.actual, f.expected) for f in wrong) == [("355.20万元", "345.60万元"), ("370.00万元", "360.00万元")]


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
def test_a_projects_budget_in_a_department_report_is_not_the_departments(name):
    title = "青溪县水利局2024年度部门整体支出绩效自评报告"
    said = "本项目全年预算数120.00万元，全年执行数117.60万元。"
    assert found(narrative(said, title=title) + scored_forms("99.80", "98.80"), name, "XREF003") == []
    (f,) = found(narrative("2024年全年预算数310.00万元。", title=title) + scored_forms("99.80", "98.80"), name, "XREF003")
    assert f.actual == "310.00万元" and f.expected == "300.00万元"
    # a department's report with one project form attached: the department's figures are not the project's
    department_text = narrative("2024年全年预算数370.00万元，全年执行数355.20万元。", title=title)
    assert found(department_text + project_report("360.00", "345.60")[3:], name, "XREF003") == []


@pytest.mark.parametrize("unit", ["万元", "元"])
def test_a_workbooks_report_sheet_without_a_title_is_read_as_the_narrative(unit):
    # The form on one sheet, the report on a sheet named 自评报告 that opens with "一、基本情况".
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    form = book.active
    form.title = "资金情况"
    for row in project_report("360.00", "345.60", unit)[-1]:  # 元 as numbers (3600000), 万元 as typed text ("360.00")
        form.append([float(c.replace(",", "")) if "," in c else c for c in row])
    text = book.create_sheet("自评报告")
    for line in ("一、基本情况", "本项目全年预算数370.00万元，全年执行数355.20万元。", "二、存在的问题", "无。"):
        text.append([line])
    data = io.BytesIO()
    book.save(data)
    report = extract(load_bytes(data.getvalue(), "book.xlsx", ".xlsx"))
    assert [s.title for s in report.sections] == ["基本情况", "存在的问题"]
    wrong = [f for f in run_rules(report) if f.rule == "XREF003"]
    assert sorted((f.actual, f.expected) for f in wrong) == [("355.20万元", "345.60万元"), ("370.00万元", "360.00万元")]
