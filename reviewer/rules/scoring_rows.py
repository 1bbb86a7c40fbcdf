"""SCORE: each indicator's score against its 分值, target and deviation text (评分, row by row)."""

from __future__ import annotations

import re
from decimal import Decimal

from reviewer.finding import Evidence
from reviewer.report import Evaluation, Indicator, Report
from reviewer.rules import Context, rule
from reviewer.rules.numbers import fmt, tol
from reviewer.rules.scoring import cell_evidence, score_of, scored, weight_of
from reviewer.rules.targets import assess, has_reason, is_execution_score
from reviewer.rules.text_amounts import sentence_bounds


@rule("SCORE004", "error", "scoring", "指标得分超过分值")
def score_above_weight(report: Report, ctx: Context):
    """A row's 得分 can never exceed its 分值, nor a group's 得分 the points its heading states.

    A form without a 分值 column states each group's points in its heading
    ("效益指标（30分）") and scores the group in one 得分 cell merged over its
    rows (or row by row): the group's 得分 are added up.

    Example: 分值 10, 自评得分 12 → error; 效益指标（30分）scored 32 → error.
    """
    for e in report.evaluations:
        if not scored(e):
            continue
        yield from _group_scores(e, ctx)
        for i in e.indicators.indicators:
            w, s = weight_of(i), score_of(i)
            if w is not None and s is not None and s > w:
                yield ctx.finding(
                    f"{i.loc.label}「{i.name}」自评得分{fmt(s)}分，超过分值{fmt(w)}分",
                    [cell_evidence(i, "score", i.score.raw), cell_evidence(i, "weight", i.weight.raw)],
                    expected=f"≤{fmt(w)}分",
                    basis="required",
                    actual=f"{fmt(s)}分",
                )


def _group_scores(e: Evaluation, ctx: Context):
    """SCORE004 for the groups of a form whose weights are only in its headings (see score_above_weight)."""
    table = e.indicators
    if any(weight_of(i) is not None for i in table.indicators):
        return
    for stated, level in [(f, "level1") for f in table.level1_points] + [(f, "level2") for f in table.level2_points]:
        name = stated.label.removesuffix("分值")
        rows = [i for i in table.indicators if getattr(i, level) == name and score_of(i) is not None]
        got = sum((score_of(i) for i in rows), Decimal(0))
        if rows and got > stated.quantity.value:
            yield ctx.finding(
                f"{e.display}「{name}」得分{fmt(got)}分，超过标注的分值{fmt(stated.quantity.value)}分",
                [cell_evidence(i, "score", i.score.raw) for i in rows] + [Evidence(quote=stated.quote, loc=stated.loc)],
                expected=f"≤{fmt(stated.quantity.value)}分",
                basis="required",
                actual=f"{fmt(got)}分",
            )


@rule("SCORE007", "error", "scoring", "未完成年度指标值却给满分")
def full_marks_on_miss(report: Report, ctx: Context):
    """An indicator whose actual misses its target cannot keep full marks.

    Positive (≥) indicators score actual/target × 分值 when missed.

    Example: 年度指标值 ≥95%, 实际完成值 90%, 分值 10, 得分 10 → error.
    """
    for e in report.evaluations:
        if not scored(e):
            continue
        for i in e.indicators.indicators:
            a = assess(i)
            w, s = weight_of(i), score_of(i)
            if a and not a.met and w is not None and s is not None and s >= w and w > 0:
                yield ctx.finding(
                    f"{i.loc.label}「{i.name}」{a.explanation}，却得满分{fmt(s)}分",
                    # The 得分 cell first: it is what must change, and 报告值 is its figure.
                    [cell_evidence(i, "score", i.score.raw), cell_evidence(i, "actual", i.actual.raw), cell_evidence(i, "target", i.target.raw)],
                    expected=f"<{fmt(w)}分",
                    basis="required",
                    actual=f"{fmt(s)}分",
                    suggestion="按完成比例扣分，并在偏差原因分析中说明未完成原因。",
                )


@rule("SCORE008", "warning", "scoring", "扣分但未说明原因")
def deduction_without_reason(report: Report, ctx: Context):
    """Every deducted point needs a reason in 偏差原因分析及改进措施.

    A score below the 分值 with "无" or nothing in the deviation column leaves
    the reader unable to tell why points were lost; when the target was met,
    the deduction itself may be wrong.

    A score sheet (指标分值 / 评分标准 / 自评得分, as Anhui prints it) has no
    column for reasons and no target to judge a row by: its deductions follow
    the 评分标准 and are not flagged. A met target that lost points is flagged
    whatever the form.

    Example: 年度指标值 "按照项目所需金额", 实际 "按照项目所需金额", 分值 10,
    得分 9, 偏差原因 "无" → warning.
    """
    for e in report.evaluations:
        if not scored(e):
            continue
        # Whether the form has a reason column at all: a row's cell may be missing when a pasted row is short.
        has_column = any("deviation" in i.locs for i in e.indicators.indicators)
        for i in e.indicators.indicators:
            w, s = weight_of(i), score_of(i)
            if w is None or s is None or s >= w or has_reason(i) or is_execution_score(i, e.indicators.indicators):
                continue
            a = assess(i)
            if a is not None and not a.met:
                continue  # SCORE009 reports a missed target without a reason
            if a is None and not has_column:
                continue
            state = "，且年度指标值已完成" if a is not None and a.met else ""
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」分值{fmt(w)}分、得分{fmt(s)}分{state}，偏差原因分析未说明扣分原因",
                [cell_evidence(i, "score", i.score.raw), cell_evidence(i, "deviation", i.deviation)],
                expected="说明扣分原因",
                basis="required",
                actual=i.deviation or "（空白）",
                suggestion="在偏差原因分析及改进措施中写明扣分原因，或核实扣分是否应当。",
            )


@rule("SCORE009", "error", "scoring", "未完成年度指标值且未说明偏差原因")
def missed_without_reason(report: Report, ctx: Context):
    """A missed target requires an explanation in 偏差原因分析 ("无" is not one).

    财预〔2020〕10号 asks for deviation analysis of every unmet target. Strict
    comparators count: ">95%" is not met by 95%. Forms without a deviation
    column still owe the explanation: in a note under the form, or in a sentence
    of the report that names the indicator and gives its cause (原因, 由于, 受…影响).

    Example: 优化政府部门 ≥64.4万元, 实际完成值 14.4万元, no explanation → error.
    """
    for e in report.evaluations:
        if e.indicators is None:
            continue
        has_column = any("deviation" in i.locs for i in e.indicators.indicators)
        for i in e.indicators.indicators:
            a = assess(i)
            if a is None or a.met or has_reason(i):
                continue
            if not has_column and _explained_in_text(report, i.name):
                continue
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」{a.explanation}，未说明偏差原因",
                [cell_evidence(i, "actual", i.actual.raw), cell_evidence(i, "target", i.target.raw)],
                expected=i.target.raw.strip(),
                actual=i.actual.raw.strip(),
                basis="required",
                suggestion="在偏差原因分析及改进措施中说明未完成原因和改进措施，并相应扣分。",
            )


# Words that give a cause: "原因是部分厂房招租晚于预期", "由于…", and "受拆迁影响" but not "受益".
_CAUSE = re.compile(r"原因|由于|因为|导致|受[^，。；]{0,12}?(?:影响|制约|限制|冲击)")


def _explained_in_text(report: Report, name: str) -> bool:
    """Whether a sentence of the report names the indicator and gives a cause (for forms without a reason column)."""
    name = "".join(name.split())
    if len(name) < 4:
        return False  # "满意度" alone names too many things to tie a sentence to one row
    for span in report.texts:
        text = span.text
        at = text.find(name)
        while at >= 0:
            start, end = sentence_bounds(text, at)
            if _CAUSE.search(text, start, end):
                return True
            at = text.find(name, end)
    return False


@rule("SCORE010", "warning", "scoring", "实际完成值远超年度指标值（≥130%）未说明原因")
def far_above_target(report: Report, ctx: Context):
    """An actual far above its target (≥130%) suggests a target set too low.

    财预〔2020〕10号 asks for an explanation of large over-achievement as well
    as of shortfalls.

    Example: 年度指标值 ≥1000次, 实际完成值 2237次, no explanation → warning.
    """
    ratio = ctx.settings.far_above_ratio
    for e in report.evaluations:
        if e.indicators is None:
            continue
        for i in e.indicators.indicators:
            a = assess(i)
            if a is None or not a.met or a.comparator not in (">=", ">") or a.target <= 0 or i.target.unit == "%":
                continue
            if a.actual >= a.target * ratio and not has_reason(i):
                yield ctx.finding(
                    f"{i.loc.label}「{i.name}」实际完成值{i.actual.raw.strip()}为年度指标值{i.target.raw.strip()}的"
                    f"{fmt(a.actual / a.target * 100, 0)}%，未说明原因",
                    [cell_evidence(i, "actual", i.actual.raw), cell_evidence(i, "target", i.target.raw)],
                    suggestion="说明超额完成的原因；若目标设定偏低，下一年度应调整。",
                )


def proportional_score(indicator: Indicator, formula: str) -> Decimal | None:
    """The score a missed quantitative target earns: actual/target × 分值 (≥), or the configured formula (≤)."""
    a, w = assess(indicator), weight_of(indicator)
    if a is None or a.met or w is None or a.comparator == "=":
        return None
    if a.comparator in (">=", ">"):
        return max(a.actual, Decimal(0)) / a.target * w if a.target > 0 else None
    if formula == "zero":
        return Decimal(0)
    if a.target <= 0 or a.actual <= 0:
        return None
    if formula == "deviation":
        return max(Decimal(0), 1 - (a.actual - a.target) / a.target) * w
    return a.target / a.actual * w


@rule("SCORE013", "warning", "scoring", "未完成指标的得分高于按完成比例计算的分数")
def score_above_proportion(report: Report, ctx: Context):
    """A missed quantitative target earns at most its completion ratio of the 分值 (财预〔2020〕10号).

    Positive (≥) indicators: actual ÷ target × 分值. Negative (≤) indicators
    follow the formula set in reviewer.toml ([rules] negative_scoring): ratio
    (target ÷ actual × 分值, the default), deviation ((1 − overrun ÷ target) ×
    分值) or zero. Rounding of up to half a point is allowed; full marks are
    SCORE007's business.

    Example: 年度指标值 ≥100次, 实际完成值 60次, 分值 10, 得分 9 (should be ≤6)
    → warning.
    """
    for e in report.evaluations:
        if not scored(e):
            continue
        for i in e.indicators.indicators:
            expected = proportional_score(i, ctx.settings.negative_scoring)
            w, s = weight_of(i), score_of(i)
            if expected is None or s is None or s >= w or s - expected <= Decimal("0.5"):
                continue
            yield ctx.finding(
                f"{i.loc.label}「{i.name}」实际完成值{i.actual.raw.strip()}、年度指标值{i.target.raw.strip()}，"
                f"按完成比例得分应不高于{fmt(expected, 2)}分，实际给{fmt(s)}分",
                [cell_evidence(i, "score", i.score.raw), cell_evidence(i, "actual", i.actual.raw), cell_evidence(i, "target", i.target.raw)],
                expected=f"≤{fmt(expected, 2)}分",
                actual=f"{fmt(s)}分",
                suggestion="按完成比例重新计算得分。",
            )


@rule("SCORE015", "error", "scoring", "指标得分不等于分值×得分系数")
def score_by_coefficient(report: Report, ctx: Context):
    """On forms with a 得分系数 column, 得分 = 分值 × 得分系数.

    The coefficient is a percentage ("80%" or "80") or a fraction ("0.8").
    Rounding is allowed to the score's written decimals.

    Example: 分值 20, 得分系数 80%, 得分 18 (should be 16) → error.
    """
    for e in report.evaluations:
        if not scored(e):
            continue
        for i in e.indicators.indicators:
            w, s = weight_of(i), score_of(i)
            c = i.coef.value if i.coef is not None else None
            if w is None or s is None or c is None:
                continue
            ratio = c / 100 if i.coef.unit == "%" or c > 1 else c
            computed = w * ratio
            if abs(computed - s) > i.score.tolerance() + w * i.coef.tolerance() / (100 if ratio != c else 1):
                yield ctx.finding(
                    f"{i.loc.label}「{i.name}」得分{fmt(s)}分，按分值{fmt(w)}分×得分系数{i.coef.raw.strip()}应为{fmt(computed, 2)}分",
                    [cell_evidence(i, "score", i.score.raw), cell_evidence(i, "coef", i.coef.raw), cell_evidence(i, "weight", i.weight.raw)],
                    expected=f"{fmt(computed, 2)}分",
                    actual=f"{fmt(s)}分",
                    suggestion="按分值×得分系数重新计算得分，或核对得分系数。",
                )


@rule("SCORE016", "error", "scoring", "扣分与分值减得分不符")
def deduction_against_score(report: Report, ctx: Context):
    """A 扣分 column states the points taken off: 分值 − 得分.

    Score sheets that show the deduction beside the score must agree with
    themselves; a deduction that does not match shows a changed score or a
    copied row.

    Example: 分值 40, 得分 38, 扣分 3 (should be 2) → error.
    """
    for e in report.evaluations:
        if e.indicators is None:
            continue
        for i in e.indicators.indicators:
            w, s, d = weight_of(i), score_of(i), i.deduction.value if i.deduction is not None else None
            if None in (w, s, d):
                continue
            if abs((w - s) - d) > tol(i.deduction) + tol(i.score) + tol(i.weight):
                yield ctx.finding(
                    f"{i.loc.label}「{i.name}」扣分{fmt(d)}分，按分值{fmt(w)}分减得分{fmt(s)}分应为{fmt(w - s)}分",
                    [cell_evidence(i, "deduction", i.deduction.raw), cell_evidence(i, "weight", i.weight.raw), cell_evidence(i, "score", i.score.raw)],
                    expected=f"{fmt(w - s)}分",
                    actual=f"{fmt(d)}分",
                    suggestion="核对分值、得分和扣分，三者应满足“分值−得分=扣分”。",
                )
