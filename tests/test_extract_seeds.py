"""Extraction of the real reports in ../shared/seeds, checked against values written down by reading them.

Every indicator row of every indicator table (levels, target, actual, weight,
score), every funds row and split, the 基础数据表 lines and columns, and the
narrative's section titles (levels 一、 and （一）). Skipped when ../shared is
absent (the seeds are not part of the project).
"""

from __future__ import annotations

import pytest

from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.report import Evaluation, Report

from tests.seeds import ABSENT, SEEDS

if not SEEDS.is_dir():
    pytest.skip(ABSENT, allow_module_level=True)

FUNDS_COLUMNS = ("initial", "budget", "actual", "weight", "rate", "score")


def hunan_funds(*rows: tuple[str, tuple[str, ...]]) -> list[tuple[str, dict[str, str]]]:
    """Funds rows of the Hunan forms: label and the six columns in the form's order."""
    return [(label, dict(zip(FUNDS_COLUMNS, values))) for label, values in rows]


def project_funds(initial: str, budget: str, actual: str) -> list[tuple[str, dict[str, str]]]:
    """The Hunan project form's funds block: total row, then 当年财政拨款 with only the budget filled."""
    return hunan_funds(
        ("年度资金总额", (initial, budget, actual, "10", "100%", "10")),
        ("当年财政拨款", ("", budget, "", "", "", "")),
        ("上年结转资金", ("",) * 6),
        ("其他资金", ("",) * 6),
    )


# Indicator rows are (level1, level2, level3, 年度指标值, 实际完成值, 分值, 自评得分), None where the form has no such column.
def project_output_rows(year: int, cost: str, quality: tuple[str, str]) -> list[tuple]:
    """The four 产出指标 rows the Hunan project forms share (they differ in year, cost and quality)."""
    return [
        ("产出指标", "数量指标", "完成项目数量", "1项", "提升明显", "15", "15"),
        ("产出指标", "质量指标", "完成项目质量", quality[0], quality[1], "15", "15"),
        ("产出指标", "时效指标", "完成时效", f"按期完成，截止{year}年12月", "按期完成", "10", "10"),
        ("产出指标", "成本指标", "支出安排金额", "按照项目所需金额", cost, "10", "10"),
    ]


SATISFACTION = ("满意度指标", "服务对象满意度指标", "受益群众满意度情况", "受益群众满意度，95%以上", "90%以上", "10", "9")


def department_rows(year: int, benefit_weights: tuple[str, str]) -> list[tuple]:
    """The department form's nine indicators (the two Hunan seeds differ in year and two weights)."""
    w = benefit_weights
    return [
        ("产出指标", "数量指标", "完成项目数量", "1个", "1个", "15", "15"),
        ("产出指标", "质量指标", "完成项目质量", "统筹推进全县政务服务大厅的标准化建设", "组织集中开展行政审批和便民服务。", "15", "15"),
        ("产出指标", "时效指标", "完成时效", f"按期完成，截止{year}年12月", "按期完成", "10", "10"),
        ("产出指标", "成本指标", "支出安排金额", "按照项目所需金额", "按照项目所需金额", "10", "9"),
        ("效益指标", "经济效益指标", "达到的经济效益", "保障单位在职人员14人的正常办公，统筹推进全县政务服务大厅标准化建设", "良好有序运转", w[0], w[0]),
        ("效益指标", "社会效益指标", "社会效益影响情况", "牵头负责县“放管服”改革工作", "提升明显", w[1], w[1]),
        ("效益指标", "生态效益指标", "生态效益影响情况", "", "提升明显", "10", "10"),
        ("效益指标", "可持续影响指标", "负责整合优化各职能部门投诉举报热线", "项目持续发挥作用", "提升明显", "10", "9"),
        SATISFACTION,
    ]


SEED_000 = {
    "file": "000_4257dff646f14663.txt",
    "unit": "衡山县数据局",
    "year": 2024,
    "staff": ("25", "14", "56%"),
    "columns": ["2023 年决算数", "2024 年预算数", "2024 年决算数"],
    # (label, kind, number, parent label, values per column)
    "lines": [
        ("三公经费", "group", None, None, ["0", "2", "0.57"]),
        ("公务用车购置和维护经费", "item", 1, "三公经费", ["0", "0", "0"]),
        ("公车购置", "sub", None, "公务用车购置和维护经费", ["0", "0", "0"]),
        ("公车运行维护", "sub", None, "公务用车购置和维护经费", ["0", "0", "0"]),
        ("出国经费", "item", 2, "三公经费", ["0", "0", "0"]),
        ("公务接待", "item", 4, "三公经费", ["0", "2", "0.57"]),
        ("项目支出", "group", None, None, ["816.73", "426", "471.28"]),
        ("运行维护经费", "item", 1, "项目支出", ["243.79", "", "99.44"]),
        ("政务公开审批", "item", 2, "项目支出", ["170.44", "16", "48.17"]),
        ("政务中心运行经费", "item", 3, "项目支出", ["266", "260", "182"]),
        ("综合窗口人员工资", "item", 4, "项目支出", ["136.5", "150", "141.67"]),
        ("公用经费", "group", None, None, ["33.68", "21", "24.94"]),
        ("办公经费", "sub", None, "公用经费", ["22.68", "7", "10.37"]),
        ("水费、电费、差旅费", "sub", None, "公用经费", ["7", "14", "14.57"]),
        ("会议费、培训费", "sub", None, "公用经费", ["4", "0", "0"]),
        ("政府采购金额", "group", None, None, ["——", "179.8", "145.97"]),
        ("部门基本支出预算调整", "group", None, None, ["——", "", ""]),
    ],
    "evaluations": [
        {
            "kind": "department",
            "name": "衡山县数据局",
            "funds": hunan_funds(("年度资金总额", ("606.04", "677.16", "677.16", "10", "100%", "10"))),
            "income": [("一般公共预算", "677.16"), ("政府性基金拨款", "0"), ("纳入专户管理的非税收入拨款", "0"), ("其他资金", "0")],
            "expense": [("基本支出", "205.88"), ("项目支出", "471.28")],
            "points": [("产出指标", "50"), ("效益指标", "40"), ("满意度指标", "10")],
            "total": ("100", "97"),
            "indicators": department_rows(2024, ("10", "10")),
        },
        {
            "kind": "project",
            "name": "政务中心运行经费",
            "funds": project_funds("0", "182", "182"),
            "points": [("产出指标", "50"), ("效益指标", "30"), ("满意度指标", "10")],
            "total": ("100", "98"),
            "indicators": project_output_rows(2024, "182万元", ("保障政务中心大楼正常有序运转", "保障政务中心大楼正常有序运转"))
            + [
                ("效益指标", "经济效益指标", "产生经济效益", "优化营商环境", "提升明显", "", ""),
                ("效益指标", "社会效益指标", "社会效益影响情况", "优化营商环境", "提升明显", "10", "10"),
                ("效益指标", "生态效益指标", "生态效益影响情况", "优化营商环境", "提升明显", "10", "10"),
                ("效益指标", "可持续影响指标", "可持续性情况项目持续发挥作用", "项目持续发挥作用", "一件事一次办持续发挥作用明显", "10", "9"),
                SATISFACTION,
            ],
        },
        {
            "kind": "project",
            "name": "大综窗标准化运行经费",
            "funds": project_funds("0", "150", "150"),
            "points": [("产出指标", "50"), ("效益指标", "30"), ("满意度指标", "10")],
            "total": ("100", "98"),
            "indicators": project_output_rows(2024, "150万元", ("为公众提供更规范、高效、满意的服务", "提升明显"))
            + [
                ("效益指标", "经济效益指标", "产出经济效益", "促进审批部门机构、人员、业务的优化、整合，再造，提高政务服务效", "提升明显", "5", "5"),
                ("效益指标", "社会效益指标", "社会效益影响情况", "群众办事流程优化", "公众满意", "5", "5"),
                ("效益指标", "生态效益指标", "生态效益影响情况", "优化营商环境", "提升明显", "10", "10"),
                ("效益指标", "可持续影响指标", "可持续性情况项目持续发挥作用", "项目持续发挥作用", "持续推进", "10", "9"),
                SATISFACTION,
            ],
        },
    ],
    # (number, title, level); the export lost the numbering of three level-1 titles.
    "sections": [
        ("", "部门基本情况", 1),
        ("（一）", "主要职责是", 2),
        ("（二）", "内设机构", 2),
        ("（三）", "人员情况", 2),
        ("", "一般公共预算支出情况", 1),
        ("（一）", "基本支出情况", 2),
        ("（二）", "项目支出情况", 2),
        ("", "政府性基金预算支出情况", 1),
        ("四、", "国有资本经营预算支出情况", 1),
        ("五、", "社会保险基金预算支出情况", 1),
        ("六、", "部门整体支出绩效情况", 1),
        ("七、", "存在的问题及原因分析", 1),
        ("八、", "下一步改进措施", 1),
        ("九、", "部门整体支出绩效自评结果拟应用和公开情况", 1),
        ("十、", "其他需要说明的情况", 1),
    ],
}

SEED_002 = {
    "file": "002_4685530a366cbd25.txt",
    "unit": "衡山县行政审批服务局",
    "year": 2023,
    "staff": ("25", "14", "56%"),
    "columns": ["2022 年决算数", "2023 年预算数", "2023 年决算数"],
    "lines": [
        ("三公经费", "group", None, None, ["0", "0", "0"]),
        ("公务用车购置和维护经费", "item", 1, "三公经费", ["0", "0", "0"]),
        ("公车购置", "sub", None, "公务用车购置和维护经费", ["0", "0", "0"]),
        ("公车运行维护", "sub", None, "公务用车购置和维护经费", ["0", "0", "0"]),
        ("出国经费", "item", 2, "三公经费", ["0", "0", "0"]),
        ("公务接待", "item", 3, "三公经费", ["0", "0", "0"]),
        ("项目支出", "group", None, None, ["639.91", "423.00", "816.23"]),
        ("业务工作经费", "item", 1, "项目支出", ["324.08", "", "144.42"]),
        ("运行维护经费", "item", 2, "项目支出", ["181.92", "", "97.87"]),
        ("政务公开审批", "item", 3, "项目支出", ["133.91", "7.00", "177.44"]),
        ("政务中心运行经费", "item", 4, "项目支出", ["", "266.00", "266.00"]),
        ("综合窗口人员工作经费", "item", 5, "项目支出", ["", "150.00", "136.5"]),
        ("公用经费", "group", None, None, ["26.62", "25.5", "33.68"]),
        ("办公经费", "sub", None, "公用经费", ["11.3", "10.5", "22.68"]),
        ("水费、电费、差旅费", "sub", None, "公用经费", ["6.82", "5.00", "7.00"]),
        ("会议费、培训费", "sub", None, "公用经费", ["4.00", "5.00", "4.00"]),
        ("政府采购金额", "group", None, None, ["152.85", "0", "0"]),
        ("部门基本支出预算调整", "group", None, None, ["135.84", "78.02", "78.02"]),
    ],
    "evaluations": [
        {
            "kind": "department",
            "name": "衡山县行政审批服务局",
            "funds": hunan_funds(("年度资金总额", ("180.96", "1068.21", "1068.21", "10", "100%", "10"))),
            "income": [("一般公共预算", "915.35"), ("政府性基金拨款", "152.85"), ("纳入专户管理的非税收入拨款", "0.00"), ("其他资金", "0.00")],
            "expense": [("基本支出", "251.98"), ("项目支出", "816.23")],
            "points": [("产出指标", "50"), ("效益指标", "30"), ("满意度指标", "10")],
            "total": ("100", "97"),
            "indicators": department_rows(2023, ("5", "5")),
        },
        {
            "kind": "project",
            "name": "政务中心运行经费",
            "funds": project_funds("0", "266", "266"),
            "points": [("产出指标", "50"), ("效益指标", "30"), ("满意度指标", "10")],
            "total": ("100", "98"),
            "indicators": project_output_rows(2023, "266万元", ("保障政务中心大楼正常有序运转", "保障政务中心大楼正常有序运转"))
            + [
                ("效益指标", "经济效益指标", "产生经济效益", "优化营商环境", "提升明显", "", ""),
                ("效益指标", "社会效益指标", "社会效益影响情况", "优化营商环境", "提升明显", "10", "10"),
                ("效益指标", "生态效益指标", "生态效益影响情况", "优化营商环境", "提升明显", "10", "10"),
                ("效益指标", "可持续影响指标", "可持续性情况项目持续发挥作用", "项目持续发挥作用", "一件事一次办持续发挥作用明显", "10", "9"),
                SATISFACTION,
            ],
        },
        {
            "kind": "project",
            "name": "大综窗标准化运行经费",
            "funds": project_funds("0", "150", "150"),
            "points": [("产出指标", "50"), ("效益指标", "30"), ("满意度指标", "10")],
            "total": ("100", "98"),
            "indicators": project_output_rows(2023, "150万元", ("为公众提供更规范、高效、满意的服务", "提升明显"))
            + [
                # This row's 三级指标 cell is empty: the text sits in 年度指标值.
                ("效益指标", "经济效益指标", "", "促进审批部门机构、人员、业务的优化、整合，再造，提高政务服务效", "提升明显", "5", "5"),
                ("效益指标", "社会效益指标", "社会效益影响情况", "群众办事流程优化", "公众满意", "5", "5"),
                ("效益指标", "生态效益指标", "生态效益影响情况", "优化营商环境", "提升明显", "10", "10"),
                ("效益指标", "可持续影响指标", "可持续性情况项目持续发挥作用", "项目持续发挥作用", "持续推进", "10", "9"),
                SATISFACTION,
            ],
        },
    ],
    "sections": [
        ("", "部门基本情况", 1),
        ("（一）", "职能职责", 2),
        ("（二）", "机构设置", 2),
        ("二、", "一般公共预算支出情况", 1),
        ("三、", "政府性基金预算支出情况", 1),
        ("四、", "国有资本经营预算支出情况", 1),
        ("五、", "社会保险基金预算支出情况", 1),
        ("六、", "部门整体支出绩效情况", 1),
        ("", "存在的问题及原因分析", 1),
        ("八、", "下一步改进措施", 1),
        ("九、", "部门整体支出绩效自评结果拟应用和公开情况", 1),
        ("十、", "其他需要说明的情况", 1),
    ],
}

SEED_004 = {
    "file": "004_5b8724f7b2e95a37.txt",
    "unit": "柳河县政务服务和数字化建设管理局",
    "year": 2024,
    "evaluations": [
        {
            "kind": "project",
            "name": "2024年政数局综合类项目",
            "funds": [
                (label, dict(zip(("initial", "budget", "actual", "rate"), values)))
                for label, values in (
                    ("当年财政拨款", ("212.40", "212.40", "172.18", "81.06%")),
                    ("上年结转资金", ("0.00", "0.00", "0.00", "0.00%")),
                    ("其他资金", ("0.00", "0.00", "0.00", "0.00%")),
                    ("年度资金总和", ("212.40", "212.40", "172.18", "81.06%")),
                )
            ],
            "points": [],
            "total": None,
            "indicators": [
                ("成本指标", "经济成本指标", "费用指标", "=56人", "56人", None, None),
                ("产出指标", "数量指标", "费用成本", ">=148.万元", "148万元", None, None),
                ("产出指标", "质量指标", "使用覆盖率", ">=100%", "100%", None, None),
                ("产出指标", "时效指标", "完成时间", "=2025年", "2025年", None, None),
                ("效益指标", "经济效益指标", "优化政府部门", ">=64.4万元", "14.4万元", None, None),
                ("满意度指标", "服务对象满意度指标", "职工满意度", ">=98%", "98%", None, None),
            ],
        },
        {
            "kind": "department",
            "name": "柳河县政务服务和数字化建设管理局",
            "funds": None,
            "points": [],
            "total": None,
            "indicators": [
                ("产出指标", "数量指标", "费用人数", ">=70人", "70人", None, None),
                ("产出指标", "质量指标", "使用覆盖率", ">=100%", "100%", None, None),
                ("产出指标", "成本指标", "指标金额", "=212.39万元", "172.18万元", None, None),
                ("产出指标", "时效指标", "完成时间", "=2024年", "2025年", None, None),
                ("效益指标", "社会效益指标", "社会效益", ">95%", "95%", None, None),
                # The form leaves 一级指标 empty here: 满意度指标 is written as the second level.
                ("效益指标", "满意度指标", "发放满意度", ">=98%", "98%", None, None),
            ],
        },
    ],
    "sections": [
        ("一、", "部门概况", 1),
        ("（一）", "机构职能及组成", 2),
        ("（二）", "人员情况", 2),
        ("（三）", "收支情况", 2),
        ("二、", "部门绩效情况", 1),
        ("（二）", "部门重点工作任务完成情况", 2),
        ("三、", "部分指标情况说明", 1),
        ("四、", "存在的问题和建议", 1),
    ],
}

SEEDS_EXPECTED = [SEED_000, SEED_002, SEED_004]


@pytest.fixture(scope="module", params=SEEDS_EXPECTED, ids=lambda s: s["file"][:3])
def seed(request) -> tuple[dict, Report]:
    """A seed's expected values and its extracted Report."""
    expected = request.param
    return expected, extract(load(SEEDS / expected["file"]))


def _raw(q) -> str | None:
    return None if q is None else q.raw.strip()


def test_unit_and_year(seed):
    expected, report = seed
    assert (report.unit, report.year) == (expected["unit"], expected["year"])


def test_basic_data(seed):
    expected, report = seed
    if "lines" not in expected:
        assert report.basic_data is None
        return
    data = report.basic_data
    staff = data.staff
    assert (staff.quota.quote, staff.actual.quote, staff.control_rate.quote) == expected["staff"]
    assert [c.label for c in data.columns] == expected["columns"]
    got = [
        (
            line.label,
            line.kind,
            line.number,
            data.lines[line.parent].label if line.parent is not None else None,
            [v.quote for v in line.values],
        )
        for line in data.lines
    ]
    assert got == expected["lines"]


def _evaluation(report: Report, kind: str, name: str) -> Evaluation:
    matches = [e for e in report.evaluations if e.kind == kind and e.name == name]
    assert len(matches) == 1, f"{kind}「{name}」 found {len(matches)} times"
    return matches[0]


def test_evaluations_in_order(seed):
    expected, report = seed
    assert [(e.kind, e.name) for e in report.evaluations] == [(e["kind"], e["name"]) for e in expected["evaluations"]]


def test_funds_rows_and_splits(seed):
    expected, report = seed
    for want in expected["evaluations"]:
        evaluation = _evaluation(report, want["kind"], want["name"])
        if want["funds"] is None:
            assert evaluation.funds is None
            continue
        got = [(row.label, {column: fact.quote for column, fact in row.cells.items()}) for row in evaluation.funds.rows]
        assert got == want["funds"], evaluation.label
        income = [(f.label, f.quantity.raw) for f in evaluation.funds.income_splits]
        expense = [(f.label, f.quantity.raw) for f in evaluation.funds.expense_splits]
        assert income == want.get("income", []), evaluation.label
        assert expense == want.get("expense", []), evaluation.label


def test_every_indicator_row(seed):
    expected, report = seed
    for want in expected["evaluations"]:
        table = _evaluation(report, want["kind"], want["name"]).indicators
        got = [
            (i.level1, i.level2, i.level3, i.target.raw.strip(), i.actual.raw.strip(), _raw(i.weight), _raw(i.score))
            for i in table.indicators
        ]
        assert len(got) == len(want["indicators"]), f"{want['name']}: {len(got)} indicator rows"
        for row, (g, w) in enumerate(zip(got, want["indicators"]), start=1):
            assert g == w, f"{want['name']} indicator {row}"


def test_level1_points_and_total(seed):
    expected, report = seed
    for want in expected["evaluations"]:
        table = _evaluation(report, want["kind"], want["name"]).indicators
        points = [(f.label.removesuffix("分值"), str(f.quantity.value)) for f in table.level1_points]
        assert points == want["points"], want["name"]
        total = (table.total_weight.quote, table.total_score.quote) if table.total_score else None
        assert total == want["total"], want["name"]


def test_level1_section_titles(seed):
    expected, report = seed
    want = [s for s in expected["sections"] if s[2] == 1]
    assert [(s.number, s.title, s.level) for s in report.sections if s.level == 1] == want


def test_section_titles(seed):
    expected, report = seed
    assert [(s.number, s.title, s.level) for s in report.sections] == expected["sections"]
