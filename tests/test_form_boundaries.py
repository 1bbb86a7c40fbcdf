"""Two forms pasted one under the other, the second without a title of its own, are read as two forms.

A report may paste a 部门整体 form right under a 项目支出 form (or two project
forms back to back) so that they make one table. The second form starts at
its own identity row (项目名称 / 部门名称 …), at a second funds block after the
first form's indicators, or at an indicator header after a 总分 row; read as
one form, the two blocks would give sums and scores that never were written.
Each layout is written in every format a user sends (tab-separated text,
Word's cell-per-line export, a markdown pipe table, .docx, .xlsx).
"""

from __future__ import annotations

import pytest

from reviewer.extract import extract
from reviewer.extract.parts import segment
from reviewer.ingest import load
from reviewer.rules import run_rules
from samples.build_samples import text_to_docx, text_to_xlsx
from tests.test_variants_tables import FORMATS, as_tsv, review

INDICATOR_HEADER = "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施"


def funds(amount: int) -> list[str]:
    """A funds block whose total is spent in full and scores its 10 points."""
    return [
        "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
        f"年度资金总额 | {amount} | {amount} | {amount} | 10 | 100% | 10",
    ]


def indicators(names: tuple[str, str, str], points=(50, 30, 10), total: str | None = "100 | 100") -> list[str]:
    """An indicator block with every target met; ``total`` is the 总分 row's 分值 | 得分 (None: no 总分 row)."""
    (a, b, c), (p, q, r) = names, points
    rows = [
        INDICATOR_HEADER,
        f"产出指标 | 数量指标 | {a} | ≥8座 | 8座 | {p} | {p} | ",
        f"效益指标 | 社会效益指标 | {b} | ≥1200人 | 1260人 | {q} | {q} | ",
        f"满意度指标 | 服务对象满意度指标 | {c} | ≥85% | 91% | {r} | {r} | ",
    ]
    return rows + ([f"总分 |  |  |  |  | {total} | "] if total else [])


FIRST_NAME, SECOND_NAME, DEPARTMENT = "山塘清淤", "社区食堂运营", "白沙县民政局"
FIRST_ID = ["项目支出绩效自评表（2024年度）", f"项目名称 | {FIRST_NAME} |  | ", "实施单位 | 白沙县水务局 |  | "]
FIRST = [*FIRST_ID, *funds(60), *indicators(("清淤山塘", "受益农户", "农户满意度"))]
SECOND_ID = [f"项目名称 | {SECOND_NAME} |  | ", "主管部门 | 白沙县民政局 | 实施单位 | 白沙县养老服务中心"]
SECOND_INDICATORS = ("开办食堂", "就餐老人", "老人满意度")
DEPARTMENT_FORM = [f"部门名称 | {DEPARTMENT} |  | ", *funds(900), *indicators(("救助对象", "困难群众覆盖", "群众满意度"))]

# name -> (the first form's rows, the second's, the two forms' (kind, name))
VARIANTS = {
    "project-then-department": (FIRST, DEPARTMENT_FORM, [("project", FIRST_NAME), ("department", DEPARTMENT)]),
    "two-projects": (FIRST, [*SECOND_ID, *funds(25), *indicators(SECOND_INDICATORS)], [("project", FIRST_NAME), ("project", SECOND_NAME)]),
    "two-projects-no-total": (
        FIRST[:-1], [*SECOND_ID, *funds(25), *indicators(SECOND_INDICATORS, total=None)], [("project", FIRST_NAME), ("project", SECOND_NAME)],
    ),
    "second-without-funds": (
        FIRST, [*SECOND_ID, *indicators(SECOND_INDICATORS, points=(60, 30, 10))], [("project", FIRST_NAME), ("project", SECOND_NAME)],
    ),
    "second-starts-at-its-funds": (FIRST, [*funds(25), *indicators(SECOND_INDICATORS)], [("project", FIRST_NAME), ("project", "")]),
    "second-starts-at-its-indicators": (FIRST, indicators(SECOND_INDICATORS, points=(60, 30, 10)), [("project", FIRST_NAME), ("project", "")]),
    "department-titled-then-project": (
        ["部门整体支出绩效自评表（2024年度）", *DEPARTMENT_FORM], [*SECOND_ID, *funds(25), *indicators(SECOND_INDICATORS)],
        [("department", DEPARTMENT), ("project", SECOND_NAME)],
    ),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_second_form_without_a_title_is_a_form_of_its_own_and_gives_no_false_error(variant, fmt, tmp_path):
    first, second, forms = VARIANTS[variant]
    report, findings = review(first + second, fmt, tmp_path)
    assert [(e.kind, e.name) for e in report.evaluations] == forms
    assert all(len(e.indicators.indicators) == 3 for e in report.evaluations)
    assert [f.rule for f in findings if f.severity == "error"] == []
    # Each form has its own funds block (or none): never two totals in one.
    assert all(e.funds is None or len(e.funds.rows) == 1 for e in report.evaluations)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_total_in_the_second_form_is_still_found_and_placed_in_it(fmt, tmp_path):
    rows = FIRST + [*SECOND_ID, *funds(25), *indicators(SECOND_INDICATORS, total="100 | 96")]
    report, findings = review(rows, fmt, tmp_path)
    errors = [f for f in findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["SCORE005"]
    assert SECOND_NAME in errors[0].message and FIRST_NAME not in errors[0].message


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_execution_rate_in_the_second_form_is_found_as_when_the_form_stands_alone(fmt, tmp_path):
    # 20 of 25 spent is 80%, not the 100% written.
    wrong = [funds(25)[0], "年度资金总额 | 25 | 25 | 20 | 10 | 100% | 10"]
    second = [*SECOND_ID, *wrong, *indicators(SECOND_INDICATORS)]
    (tmp_path / "alone").mkdir(), (tmp_path / "pasted").mkdir()
    _, alone = review(["项目支出绩效自评表（2024年度）", *second], fmt, tmp_path / "alone")
    report, pasted = review(FIRST + second, fmt, tmp_path / "pasted")
    assert len(report.evaluations) == 2
    assert sorted(f.rule for f in pasted) == sorted(f.rule for f in alone) == ["SUM006"]
    assert SECOND_NAME in pasted[0].message


def test_an_indicator_header_repeated_without_a_total_between_continues_the_same_form(tmp_path):
    # A header repeated at a page break: the rows below it are the same form's.
    rows = [*FIRST_ID, *funds(60), *indicators(("清淤山塘", "受益农户", "农户满意度"), total=None)[:3],
            *indicators(("", "", "农户满意度"), total="100 | 100")[:1],
            "满意度指标 | 服务对象满意度指标 | 农户满意度 | ≥85% | 91% | 10 | 10 | ", "总分 |  |  |  |  | 100 | 100 | "]
    path = tmp_path / "form.txt"
    path.write_text(as_tsv(rows), encoding="utf-8")
    parts = [p for p in segment(load(path)) if p.kind in ("project", "department")]
    assert len(parts) == 1
    report, findings = review(rows, "tsv", tmp_path)
    assert len(report.evaluations) == 1 and [f.rule for f in findings if f.severity == "error"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_forms_nothing_tells_apart_are_left_unchecked_and_said_so(fmt, tmp_path):
    # No 总分 row closes the first form and the second has no name, units or funds of its own: the
    # repeated header may be a page break, but each side holds a whole form's points.
    rows = FIRST[:-1] + indicators(SECOND_INDICATORS, points=(60, 30, 10))
    report, findings = review(rows, fmt, tmp_path)
    assert [f.rule for f in findings if f.severity in ("error", "warning")] == []
    notes = [f for f in findings if f.rule == "READ001"]
    assert len(notes) == 1 and "两张自评表" in notes[0].message


@pytest.mark.parametrize("fmt", ["tsv", "docx", "xlsx"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_second_form_in_a_table_of_its_own_starts_a_form_the_same_way(variant, fmt, tmp_path):
    # A blank line between the two forms makes two tables (two Word tables, two sheets); nothing else changes.
    first, second, forms = VARIANTS[variant]
    source = tmp_path / "forms.txt"
    source.write_text(as_tsv(first) + "\n" + as_tsv(second), encoding="utf-8")
    path = source if fmt == "tsv" else (text_to_docx if fmt == "docx" else text_to_xlsx)(source, tmp_path / f"forms.{fmt}")
    document = load(path)
    report = extract(document)
    assert len(document.tables) == 2
    assert [(e.kind, e.name) for e in report.evaluations] == forms
    assert [f.rule for f in run_rules(report) if f.severity == "error"] == []
