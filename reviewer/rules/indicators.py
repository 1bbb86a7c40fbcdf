"""IND: how indicator targets and actual values are written (指标)."""

from __future__ import annotations

import re
from decimal import Decimal

from reviewer.finding import Evidence
from reviewer.quantity import years_mentioned
from reviewer.report import Indicator, Report
from reviewer.rules import Context, rule
from reviewer.rules.numbers import fmt
from reviewer.rules.targets import is_cost, is_execution_score

_SURVEY = re.compile(r"问卷|调查|测评|调研|回访|抽样")


def _indicators(report: Report):
    for e in report.evaluations:
        if e.indicators:
            for i in e.indicators.indicators:
                yield e, i


def _at(i: Indicator, field: str, quote: str) -> Evidence:
    return Evidence(quote=quote, loc=i.locs.get(field, i.loc))


_PUNCTUATION_AND_SPACE = re.compile(r"[\s，,。、；;：:]")


def _squash(text: str) -> str:
    return _PUNCTUATION_AND_SPACE.sub("", text)


@rule("IND001", "warning", "indicator", "年度指标值缺少数值或数值格式错误")
def malformed_target(report: Report, ctx: Context):
    """指标值 is written as comparator + number + unit (财预〔2021〕101号).

    A target with the number missing ("≤万元") or malformed ("148.万元")
    cannot be checked against the actual value.

    Example: 年度指标值 ">=148.万元" → warning (数值格式错误).
    """
    for _, i in _indicators(report):
        for field, q in (("target", i.target), ("actual", i.actual)):
            if q.problem:
                name = "年度指标值" if field == "target" else "实际完成值"
                yield ctx.finding(
                    f"{i.loc.label}「{i.name}」{name}“{q.raw.strip()}”{q.problem}",
                    [_at(i, field, q.raw)],
                    actual=q.raw.strip(),
                    suggestion="按“比较符+数值+单位”填写，如≥95%、≤50万元。",
                )


@rule("IND002", "warning", "indicator", "年度指标值为“≥100%”")
def target_at_least_hundred(report: Report, ctx: Context):
    """A target of "≥100%" cannot be exceeded for rates and shares; it means "=100%".

    Example: 使用覆盖率 ≥100% → warning; write =100%.
    """
    for _, i in _indicators(report):
        t = i.target
        if t.unit == "%" and t.value is not None and t.value >= 100 and t.comparator in (">=", ">"):
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」年度指标值“{t.raw.strip()}”，比率不可能超过100%",
                [_at(i, "target", t.raw)],
                expected="=100%",
                basis="required",
                actual=t.raw.strip(),
                suggestion="写作“=100%”，或改用可以衡量的目标值。",
            )


@rule("IND003", "warning", "indicator", "实际完成值是区间或照抄年度指标值")
def actual_not_measured(report: Report, ctx: Context):
    """Actual values must be measured results, not bounds or copies of the target.

    "90%以上" or "≥95%" as an actual value says nothing about what was
    achieved; an actual identical to the target text was copied, not measured.

    Example: 实际完成值 "90%以上" → warning.
    """
    for _, i in _indicators(report):
        a = i.actual
        if a.blank:
            continue
        if a.value is not None and a.is_range and not a.qualitative:
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」实际完成值“{a.raw.strip()}”是一个区间，不是实测结果",
                [_at(i, "actual", a.raw)],
                actual=a.raw.strip(),
                suggestion="填写实际测得的数值，如92.5%。",
            )
        elif len(_squash(a.raw)) >= 4 and _squash(a.raw) == _squash(i.target.raw) and a.qualitative:
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」实际完成值与年度指标值完全相同（“{a.raw.strip()}”），未反映实际完成情况",
                [_at(i, "actual", a.raw), _at(i, "target", i.target.raw)],
                actual=a.raw.strip(),
                suggestion="写明实际完成的内容或数值。",
            )


_NUMBER_BEFORE_UNIT = r"(?<![\d.])(\d+(?:\.\d+)?)\s*"
_NUMBER = re.compile(_NUMBER_BEFORE_UNIT)
_CALENDAR_YEAR = re.compile(r"\d{4}")


def _carries_unit(text: str, unit: str | None) -> bool:
    """Whether text states a number in ``unit`` ("已签订3年运营协议" in 年; a calendar year "2024年" is none).

    The numbers are found once with one pattern and the unit looked for
    after each (a match ends where the unit does, as the number followed by
    the unit would): no pattern is compiled for each unit a review meets. A
    unit that opens with what a number may hold (a digit, a point, a space)
    would let the two readings differ: that one gets its own pattern.
    """
    if not unit:
        return False
    if unit[0].isdecimal() or unit[0] == "." or unit[0].isspace():
        return any(not _CALENDAR_YEAR.fullmatch(m.group(1))
                   for m in re.finditer(_NUMBER_BEFORE_UNIT + re.escape(unit), text))
    end = 0
    for m in _NUMBER.finditer(text):
        if m.start() >= end and text.startswith(unit, m.end()):
            if not _CALENDAR_YEAR.fullmatch(m.group(1)):
                return True
            end = m.end() + len(unit)
    return False


@rule("IND004", "warning", "indicator", "定量的年度指标值对应定性的实际完成值")
def quantitative_target_qualitative_actual(report: Report, ctx: Context):
    """A quantitative target must be answered with a number.

    An actual written as a sentence that carries a number in the target's
    unit ("已签订3年运营协议" for ≥3年) answers it.

    Example: 年度指标值 "1项", 实际完成值 "提升明显" → warning.
    """
    for _, i in _indicators(report):
        t, a = i.target, i.actual
        if _carries_unit(a.raw, t.unit):
            continue
        if t.value is not None and not t.qualitative and a.qualitative and not a.blank:
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」年度指标值为定量“{t.raw.strip()}”，实际完成值却是定性描述“{a.raw.strip()}”",
                [_at(i, "actual", a.raw), _at(i, "target", t.raw)],
                expected=f"与“{t.raw.strip()}”同单位的数值",
                basis="required",
                actual=a.raw.strip(),
                suggestion="填写与年度指标值同单位的实际数值。",
            )


@rule("IND005", "warning", "indicator", "年度指标值或实际完成值空白")
def blank_values(report: Report, ctx: Context):
    """An indicator needs both a target and an actual value; a blank target scored with points scores nothing.

    Only columns the form has are checked: a score sheet without a target
    column (评价内容 | 指标分值 | 自评得分) has no blank targets.

    Example: 生态效益影响情况: 年度指标值 blank, 实际完成值 "提升明显", 得分 10 → warning.
    """
    for e, i in _indicators(report):
        scored = i.score is not None and i.score.value is not None and i.score.value > 0
        if "target" not in i.locs or "actual" not in i.locs or is_execution_score(i, e.indicators.indicators):
            continue
        if i.target.blank and (scored or not i.actual.blank):
            extra = f"，却得{fmt(i.score.value)}分" if scored else ""
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」年度指标值空白{extra}",
                [_at(i, "target", i.target.raw)],
                suggestion="补填年度指标值；无目标的指标不应计分。",
            )
        elif i.actual.blank and not i.target.blank:
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」实际完成值空白",
                [_at(i, "actual", i.actual.raw)],
                suggestion="补填实际完成值。",
            )


@rule("IND006", "warning", "indicator", "指标未填分值或得分")
def unweighted_indicator(report: Report, ctx: Context):
    """In a scored form every indicator carries a 分值 and a 得分.

    A form without a 分值 column whose headings state the points
    ("效益指标（30分）") scores by group: its rows need no 分值 of their own.

    Example: 经济效益指标 row with target and actual but blank 分值 and 得分 → warning.
    """
    for e, i in _indicators(report):
        if not e.indicators.has_scores or i.weight is None and e.indicators.level1_points:
            continue
        if (i.weight is None or i.weight.value is None) and (not i.target.blank or not i.actual.blank):
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」未填分值和得分",
                [_at(i, "weight", i.weight.raw if i.weight else "")],
                suggestion="补填分值和得分，或删除该指标。",
            )


@rule("IND007", "warning", "indicator", "时效指标的年份晚于报告年度")
def timeliness_year(report: Report, ctx: Context):
    """A report on year N cannot set or claim completion in year N+1.

    Example: 2024年度报告, 完成时间 年度指标值 "=2025年" → warning; 实际完成值
    "2025年" means the work was not done within the year.
    """
    if report.year is None:
        return
    for _, i in _indicators(report):
        if "时效" not in i.level2 and "时间" not in i.level3 and "时效" not in i.level3:
            continue
        for field, q in (("target", i.target), ("actual", i.actual)):
            late = [y for y in years_mentioned(q.raw) if y > report.year]
            if late:
                name = "年度指标值" if field == "target" else "实际完成值"
                yield ctx.finding(
                    f"{i.loc.label}「{i.name}」{name}“{q.raw.strip()}”晚于报告年度{report.year}年",
                    [_at(i, field, q.raw)],
                    expected=f"≤{report.year}年",
                    basis="required",
                    actual=q.raw.strip(),
                    suggestion="时效指标应在本年度内完成；未完成的须说明原因。",
                )


@rule("IND008", "warning", "indicator", "成本指标使用“≥”")
def cost_lower_bound(report: Report, ctx: Context):
    """Cost indicators are upper bounds: a cost target written with ≥ rewards spending more.

    Example: 费用成本 ">=148万元" → warning; write ≤148万元.
    """
    for _, i in _indicators(report):
        if is_cost(i) and i.target.comparator in (">=", ">") and i.target.unit in ("万元", "元", "亿元"):
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」为成本指标，年度指标值“{i.target.raw.strip()}”却使用下限",
                [_at(i, "target", i.target.raw)],
                expected="≤",
                basis="required",
                actual=i.target.raw.strip(),
                suggestion="成本指标应写作“≤金额”。",
            )


@rule("IND009", "warning", "indicator", "满意度为100%但报告未提及调查依据")
def satisfaction_without_survey(report: Report, ctx: Context):
    """A satisfaction of 100% (target or actual) needs a survey behind it.

    Without 问卷/调查/测评 in the report, a perfect satisfaction figure is an
    assertion, not a measurement.

    Example: 满意度 实际完成值 100%, no survey mentioned → warning.
    """
    perfect = []
    for _, i in _indicators(report):
        if "满意" not in i.name + i.level2:
            continue
        for field, q in (("actual", i.actual), ("target", i.target)):
            if q.unit == "%" and q.value is not None and q.value >= 100:
                perfect.append((i, field, q))
                break
    # The text is searched for a survey only when there is a perfect satisfaction to explain.
    if not perfect or any(_SURVEY.search(s.text) for s in report.texts):
        return
    for i, field, q in perfect:
        name = "实际完成值" if field == "actual" else "年度指标值"
        yield ctx.finding(
            f"{i.loc.label}「{i.name}」{name}为{q.raw.strip()}，报告未提及满意度调查（问卷、测评）依据",
            [_at(i, field, q.raw)],
            suggestion="说明满意度调查的方式、样本量和结果。",
        )


# A counted result in a goal text: "改造供水计量设施200处", "培训1200人次". Money and rates are
# spending and execution, not the goal's output, and are left to the funds rules.
_GOAL_COUNT = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(人次|处|个|项|人|次|件|户|家|公里|千米|亩|公顷|平方米|吨|台|套|所|条|座|辆|场|期|篇|份|间|栋|批|册|张|名|村)"
)


def _counts(text: str) -> dict[str, list[tuple[re.Match, Decimal]]]:
    found: dict[str, list[tuple[re.Match, Decimal]]] = {}
    for m in _GOAL_COUNT.finditer(text):
        found.setdefault(m.group(2), []).append((m, Decimal(m.group(1))))
    return found


def _brief(text: str, m: re.Match) -> str:
    """The goal text when short, else the clause around the count."""
    if len(text) <= 40:
        return text
    start = max(text.rfind(p, 0, m.start()) for p in "，。；,;\n") + 1
    ends = [i for p in "，。；,;\n" if (i := text.find(p, m.end())) >= 0]
    return text[start : min(ends, default=len(text))]


@rule("IND010", "warning", "indicator", "年度总体目标的实际完成数量低于预期目标")
def goal_shortfall(report: Report, ctx: Context):
    """The 实际完成情况 of the 年度总体目标 must reach what the 预期目标 promised.

    When the goal and its result each state one count in the same unit, a
    smaller result is a shortfall that the form's scores and the narrative
    must explain. Counts in several places or other units are not compared.

    Example: 预期目标 "改造供水计量设施200处", 实际完成 "完成计量设施改造180处"
    → warning (90%).
    """
    for e in report.evaluations:
        if e.goal_expected is None or e.goal_actual is None:
            continue
        expected, actual = _counts(e.goal_expected.text), _counts(e.goal_actual.text)
        for unit, planned in expected.items():
            done = actual.get(unit, [])
            if len(planned) != 1 or len(done) != 1:
                continue
            (pm, pv), (am, av) = planned[0], done[0]
            if pv > 0 and av < pv:
                yield ctx.finding(
                    f"{e.display}年度总体目标预期“{_brief(e.goal_expected.text, pm)}”，实际完成“{_brief(e.goal_actual.text, am)}”，"
                    f"完成{fmt(av / pv * 100, 1)}%，未达到预期目标",
                    [
                        Evidence(quote=am.group(0), loc=e.goal_actual.loc.with_span(am.start(), am.end())),
                        Evidence(quote=pm.group(0), loc=e.goal_expected.loc.with_span(pm.start(), pm.end())),
                    ],
                    expected=pm.group(0),
                    actual=am.group(0),
                    suggestion="说明未完成的原因，并核对相关指标的得分是否相应扣减。",
                )
