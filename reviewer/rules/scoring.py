"""SCORE: the form's weights, totals, 执行率 score and grade (评分); each indicator's own score is in scoring_rows."""

from __future__ import annotations

import re
from decimal import Decimal

from reviewer.finding import Evidence
from reviewer.quantity import Quantity
from reviewer.report import Evaluation, Fact, FundsRow, Indicator, Report
from reviewer.rules import Context, rule
from reviewer.rules.arithmetic import ev
from reviewer.rules.numbers import fmt, tol

USUAL_SPLIT = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
USUAL_EXECUTION_POINTS = Decimal(10)  # 预算执行率's share of the usual split
# The points forms give 预算执行率: 10 (财预〔2020〕10号), 20 in some provinces (Guangdong).
EXECUTION_POINTS = (Decimal(10), Decimal(20))
GRADES = (("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)), ("差", Decimal(0)))
_GRADE_TEXT = re.compile(r"(?:评价等级|自评等级|绩效等级|评价等次|自评等次|等级|等次|评价结果)\s*(?:为|是|：|:|评定为)?\s*[“\"「]?(优秀|优|良好|良|中等|中|合格|差|不合格)")


def scored(evaluation: Evaluation) -> bool:
    """Whether the form has indicators with a 得分 column."""
    return bool(evaluation.indicators and evaluation.indicators.has_scores)


def cell_evidence(indicator: Indicator, field: str, quote: str = "") -> Evidence:
    """Evidence pointing at one cell of an indicator row (the row itself when that cell is absent)."""
    loc = indicator.locs.get(field, indicator.loc)
    return Evidence(quote=quote, loc=loc)


def weight_of(indicator: Indicator) -> Decimal | None:
    """The indicator's 分值, None when blank or the form has no 分值 column."""
    return indicator.weight.value if indicator.weight is not None else None


def score_of(indicator: Indicator) -> Decimal | None:
    """The indicator's 得分, None when blank or the form has no 得分 column."""
    return indicator.score.value if indicator.score is not None else None


def unknown(quantity: Quantity | None) -> bool:
    """Whether a cell holds something that is not a number yet is not blank either.

    "见附件", a score written as a grade, a formula saved without its value: the
    figure is unknown, so a sum it belongs to cannot be checked (counting it as 0
    would report a sound total as wrong).
    """
    return quantity is not None and quantity.value is None and not quantity.blank


def funds_part_missing(evaluation: Evaluation, shortfall: Decimal) -> bool:
    """Whether weights falling ``shortfall`` points short of the stated total are a 预算执行率 part not read.

    A form read without its funds block, or without the funds total row that
    carries the 执行率 分值 (cut by a page break, or in a table of its own that
    was read as something else), whose indicators fall short of the stated
    total by exactly the points forms give 预算执行率 has lost that part in the
    reading: its weights and total cannot be checked.
    """
    funds = evaluation.funds
    lost = funds is None or funds.total is None and funds.points is None  # a blank 分值 in a total row read is the form's own
    return lost and shortfall in EXECUTION_POINTS


def lost_execution_points(evaluation: Evaluation) -> tuple[Decimal, Decimal, Decimal] | None:
    """(stated total, Σ indicator weights, shortfall) of a form whose 预算执行率 part the reading lost (funds_part_missing).

    None when the form is not scored, states no total, has a weight holding no
    number, or falls short of its total by anything but an 执行率 share.
    """
    if not scored(evaluation):
        return None
    stated, _ = _stated_total(evaluation)
    indicators = evaluation.indicators.indicators
    weights = [w for i in indicators if (w := weight_of(i)) is not None]
    if stated is None or not weights or any(unknown(i.weight) for i in indicators):
        return None
    total = sum(weights, Decimal(0))
    return (stated, total, stated - total) if funds_part_missing(evaluation, stated - total) else None


def _execution_row(evaluation: Evaluation) -> FundsRow | None:
    """The funds block's total row, which carries the 执行率, its 分值 and its 得分."""
    return evaluation.funds.total if evaluation.funds else None


def _stated_total(evaluation: Evaluation) -> tuple[Decimal | None, Evidence | None]:
    """The full score the form states: its 总分 row's 分值, else the points its block headings add up to.

    Returns (None, None) when the form states neither: 100 is never assumed.
    """
    table = evaluation.indicators
    if table.total_weight is not None and table.total_weight.quantity.value is not None:
        return table.total_weight.quantity.value, ev(table.total_weight)
    funds_points = evaluation.funds.points if evaluation.funds else None
    if table.points and funds_points is not None:
        return sum(table.points, Decimal(0)) + funds_points, Evidence(quote="", loc=table.loc)
    return None, None


@rule("SCORE001", "error", "scoring", "各项分值（含预算执行率）合计不等于总分分值")
def weights_total(report: Report, ctx: Context):
    """The weights of all indicators plus the 预算执行率 weight must add up to the full score the form states.

    A form whose weights add to 110 cannot produce a meaningful score out of
    100; usually one first-level block was given too many points. The full
    score is the 总分 row's 分值, or the points the block headings state
    (预算执行情况(10分) + 绩效指标(90分)); a form that states neither is not
    checked. The 预算执行率 weight is the funds total row's 分值, or the
    points its heading states (得分(20分*执行率)). Weights that fall short by
    exactly an 执行率 share (10 or 20) on a form read without its funds total
    row are a part the reading lost (a page break, a separate table), not an
    error; a weight cell holding no number leaves the form unchecked.

    Example: 产出 50 + 效益 40 + 满意度 10 + 预算执行率 10 = 110 ≠ 100 → error.
    """
    for e in report.evaluations:
        if not scored(e):
            continue
        table = e.indicators
        stated, where = _stated_total(e)
        weights = [w for i in table.indicators if (w := weight_of(i)) is not None]
        if stated is None or not weights or any(unknown(i.weight) for i in table.indicators):
            continue
        total_row = _execution_row(e)
        rate_weight = total_row.cells.get("weight") if total_row else None
        if rate_weight is not None and unknown(rate_weight.quantity):
            continue
        rw = e.funds.execution_weight() if e.funds else None
        rw = rw if rw is not None else Decimal(0)
        s = sum(weights, Decimal(0)) + rw
        if s != stated and not funds_part_missing(e, stated - s):
            evidence = [where]
            if rate_weight and rate_weight.quantity.value is not None:
                evidence.append(ev(rate_weight))
            parts = f"加预算执行率分值{fmt(rw)}分共{fmt(s)}分，" if e.funds is not None else ""
            yield ctx.finding(
                f"{e.display}各指标分值合计{fmt(sum(weights, Decimal(0)))}分，{parts}与总分分值{fmt(stated)}分不一致",
                evidence,
                actual=f"{fmt(stated)}分",  # 报告值: the full score the form states, where the finding points
                expected=f"{fmt(s)}分",
                suggestion=f"调整各级指标分值，使指标与预算执行率分值合计为{fmt(stated)}分。",
            )


@rule("SCORE002", "error", "scoring", "一级（或二级）指标标注的分值与其下各指标分值之和不一致")
def header_points(report: Report, ctx: Context):
    """A first- or second-level header that states "(40分)" must carry 40 points in its rows.

    Score sheets (Anhui 部门整体支出绩效评价自评表) state points on both levels:
    "规划(15分)" over "工作计划(6分)".

    Example: 效益指标（30分）whose rows carry 10 + 10 + 5 = 25 → error.
    """
    for e in report.evaluations:
        if not scored(e):
            continue
        table = e.indicators
        for stated, level in [(f, "level1") for f in table.level1_points] + [(f, "level2") for f in table.level2_points]:
            name = stated.label.removesuffix("分值")
            rows = [i for i in table.indicators if getattr(i, level) == name]
            weights = [w for i in rows if (w := weight_of(i)) is not None]
            if not weights or any(unknown(i.weight) for i in rows):
                continue
            s = sum(weights, Decimal(0))
            if s != stated.quantity.value:
                yield ctx.finding(
                    f"{e.display}「{name}」标注{fmt(stated.quantity.value)}分，其下各指标分值合计{fmt(s)}分",
                    [ev(stated)] + [cell_evidence(i, "weight", i.weight.raw) for i in rows if i.weight is not None and i.weight.value is not None],
                    actual=f"{fmt(stated.quantity.value)}分",  # 报告值: the points the header states
                    expected=f"{fmt(s)}分",
                    suggestion="核对该级指标标注的分值与其下各指标分值。",
                )


@rule("SCORE017", "error", "scoring", "一级指标小计得分与其下各指标得分之和不一致")
def block_scores(report: Report, ctx: Context):
    """A 小计 row closing a first-level block states the block's score: the sum of its rows' 得分.

    Score sheets total each block (投入 / 过程 / 产出 / 效益) in a 小计 row, often by a
    formula, and the 合计 adds the 小计 rows: a 小计 typed over its formula goes unseen in
    the 合计. A block with a score that is not a number (见附件) is not added up.

    Example: 过程 rows scored 9.62 + 4 + 5 + 4 = 22.62, 过程小计 23.62 → error.
    """
    for e in report.evaluations:
        if not scored(e):
            continue
        table = e.indicators
        for stated in table.level1_scores:
            name = stated.label.removesuffix("得分")
            rows = [i for i in table.indicators if i.level1 == name]
            scores = [score_of(i) for i in rows]
            if not rows or any(x is None for x in scores) or any(unknown(i.score) for i in rows):
                continue
            s = sum(scores, Decimal(0))
            if abs(s - stated.quantity.value) > tol(stated) + ctx.settings.tolerance:
                yield ctx.finding(
                    f"{e.display}「{name}」小计得分{fmt(stated.quantity.value)}分，其下各指标得分合计{fmt(s)}分",
                    [ev(stated)] + [cell_evidence(i, "score", i.score.raw) for i in rows],
                    actual=f"{fmt(stated.quantity.value)}分",
                    expected=f"{fmt(s)}分",
                    suggestion="重新合计该级指标的得分，或更正各指标得分。",
                )


@rule("SCORE003", "warning", "scoring", "项目支出一级指标分值偏离产出50、效益30、满意度10、预算执行率10的通常设置")
def usual_split(report: Report, ctx: Context):
    """A project's first-level weights in principle: 产出 50, 效益 30, 满意度 10, 预算执行率 10.

    The split is set for 项目支出 self-evaluation (财预〔2020〕10号《项目支出
    绩效评价管理办法》第二十一条); other splits are allowed with a reason but
    deserve a second look. Department-wide forms (部门整体支出) follow each
    province's own weights and are not compared, nor are project forms
    without the national 产出 / 效益 / 满意度 blocks, nor forms whose 执行率
    carries other than 10 points (the province's own split: Guangdong gives
    it 20).

    Example: a 项目支出绩效自评表 with 产出 50, 效益 40, 满意度 10 → warning.
    """
    for e in report.evaluations:
        if e.kind != "project" or not scored(e):
            continue
        if e.funds is not None and (weight := e.funds.execution_weight()) is not None and weight != USUAL_EXECUTION_POINTS:
            continue
        table = e.indicators
        sums: dict[str, Decimal] = {}
        for i in table.indicators:
            if (w := weight_of(i)) is not None:
                sums[i.level1] = sums.get(i.level1, Decimal(0)) + w
        if "满意度指标" not in sums or "产出指标" not in sums:
            # Not the national 产出/效益/满意度 structure (provincial forms set their own split).
            continue
        expected = dict(USUAL_SPLIT)
        odd = [(name, sums[name], want) for name, want in expected.items() if name in sums and sums[name] != want]
        if odd:
            stated = {f.label.removesuffix("分值"): f for f in table.level1_points}
            evidence = [ev(stated[n]) for n, _, _ in odd if n in stated] or [Evidence(quote="", loc=table.loc)]
            detail = "，".join(f"{n}{fmt(got)}分（通常{fmt(want)}分）" for n, got, want in odd)
            yield ctx.finding(
                f"{e.display}一级指标分值为{detail}",
                evidence,
                expected="产出50、效益30、满意度10、预算执行率10",
                basis="required",
                actual=detail,
                suggestion="按财预〔2020〕10号的权重设置，或在报告中说明调整理由。",
            )


def _score_parts(e: Evaluation) -> tuple[Fact | None, Decimal, Decimal] | None:
    """What 总分 is made of: the 执行率 score cell (if any), its value (0 when blank) and Σ 指标得分; None without scores."""
    scores = [s for i in e.indicators.indicators if (s := score_of(i)) is not None]
    if not scores or any(unknown(i.score) for i in e.indicators.indicators):
        return None
    total_row = _execution_row(e)
    rate_score = total_row.cells.get("score") if total_row else None
    if rate_score is not None and unknown(rate_score.quantity):
        return None
    rs = rate_score.quantity.value if rate_score and rate_score.quantity.value is not None else Decimal(0)
    return rate_score, rs, sum(scores, Decimal(0))


def _sum_of_scores(e: Evaluation, rate_score: Decimal, indicator_sum: Decimal) -> str:
    """What the total is made of, in words: "预算执行率得分9分加各指标得分85分之和" (no 执行率 part on forms without one)."""
    if e.funds is None:
        return "各指标得分之和"
    return f"预算执行率得分{fmt(rate_score)}分加各指标得分{fmt(indicator_sum)}分之和"


@rule("SCORE005", "error", "scoring", "总分不等于预算执行率得分与各指标得分之和")
def total_score(report: Report, ctx: Context):
    """总分 = 预算执行率得分 + Σ 指标得分.

    Example: 执行率得分 10, indicator scores adding to 87, 总分 98 (should be
    97) → error.
    """
    for e in report.evaluations:
        if not scored(e) or e.indicators.total_score is None or e.indicators.total_score.quantity.value is None:
            continue
        table = e.indicators
        if (parts := _score_parts(e)) is None:
            continue
        rate_score, rs, indicator_sum = parts
        if rate_score is not None and rate_score.quantity.value is None and e.funds.execution_weight():
            continue  # the 执行率 score could not be read (blank, or a formula never calculated): the total cannot be checked
        computed = indicator_sum + rs
        stated = table.total_score.quantity.value
        if abs(computed - stated) <= table.total_score.quantity.tolerance():
            continue
        full, _ = _stated_total(e)
        weights = sum((w for i in table.indicators if (w := weight_of(i)) is not None), Decimal(0))
        if full is not None and funds_part_missing(e, full - weights) and computed <= stated <= computed + full - weights:
            continue  # the difference can be the 执行率 score of a funds block the reading lost
        evidence = [ev(table.total_score)] + ([ev(rate_score)] if rate_score else [])
        yield ctx.finding(
            f"{e.display}总分{fmt(stated)}分，与{_sum_of_scores(e, rs, indicator_sum)}{fmt(computed)}分不一致",
            evidence,
            expected=f"{fmt(computed)}分",
            actual=f"{fmt(stated)}分",
            suggestion="重新合计总分（包括预算执行率得分）。",
        )


@rule("SCORE006", "error", "scoring", "预算执行率得分不等于执行率×分值")
def execution_score(report: Report, ctx: Context):
    """预算执行率得分 = 执行率 × 分值 (capped at the 分值), rounded no further than the score's written decimals.

    The 分值 is the funds total row's weight, or the points a heading states
    (预算执行情况(10分), 得分(20分*执行率)). A score written with two
    decimals may differ from the product by half a hundredth, one written as
    a whole number by half a point, plus what the rate's own rounding allows;
    a score rounded up beyond that is wrong.

    Example: 执行率 81.06%, 分值 10, 得分 10 (should be 8.11) → error;
    执行率 81.06%, 分值 10, 得分 8.2 (8.106 rounds to 8.1) → error.
    """
    for e in report.evaluations:
        row = _execution_row(e)
        if row is None or e.funds is None:
            continue
        rate, score = row.cells.get("rate"), row.cells.get("score")
        weight = e.funds.execution_weight()
        if not (rate and score) or weight is None or None in (rate.quantity.value, score.quantity.value):
            continue
        r = min(rate.quantity.value, Decimal(100))
        computed = r / 100 * weight
        slack = score.quantity.tolerance() + rate.quantity.tolerance() / 100 * weight
        if abs(computed - score.quantity.value) > slack:
            weight_cell = row.cells.get("weight")
            yield ctx.finding(
                f"{e.display}预算执行率得分{fmt(score.quantity.value)}分，按执行率{fmt(rate.quantity.value)}%×分值"
                f"{fmt(weight)}分应为{fmt(computed, 2)}分",
                [ev(score), ev(rate)] + ([ev(weight_cell)] if weight_cell and weight_cell.quantity.value is not None else []),
                expected=f"{fmt(computed, 2)}分",
                actual=f"{fmt(score.quantity.value)}分",
                suggestion="按执行率×分值计算预算执行率得分，不要向上取整。",
            )


def _grade_of(total: Decimal) -> str:
    return next(name for name, floor in GRADES if total >= floor)


_GRADE_WORDS = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "不合格": "差"}


@rule("SCORE011", "error", "scoring", "评价等级与总分不符")
def grade_matches_score(report: Report, ctx: Context):
    """The grade must follow the score: 优 ≥ 90, 良 80–89, 中 60–79, 差 < 60.

    A grade written in a table is checked against the score the same table
    states (综合得分 | 88.5 | 评价等次 | 优), a grade in a table's 评价等级
    column against the same row's 评价得分 (a summary of several projects),
    else against the form's 总分; a
    grade in the text against the department form's (or the only form's) 总分.

    Example: 总分 97 but the text says "自评等级为良" → error.
    """
    target = report.scored_form
    for stated in report.grades:
        word = stated.grade.text.strip()
        said = _GRADE_WORDS.get(word, word)
        score = stated.score or (target.indicators.total_score if target else None)
        if said not in dict(GRADES) or score is None or score.quantity.value is None:
            continue
        expected = _grade_of(score.quantity.value)
        if said != expected:
            yield ctx.finding(
                f"评价等次填“{word}”，但{score.part}{score.label}为{fmt(score.quantity.value)}分，应评为“{expected}”",
                [Evidence(quote=word, loc=stated.grade.loc), ev(score)],
                expected=expected,
                actual=word,
                suggestion="按优≥90、良80–89、中60–79、差<60确定评价等次。",
            )
    if target is None:
        return
    total = target.indicators.total_score.quantity.value
    expected = _grade_of(total)
    for span in report.texts:
        # Every grade's label holds 等 (等级, 等次) or is 评价结果: other texts are not searched.
        for m in _GRADE_TEXT.finditer(span.text) if "等" in span.text or "评价结果" in span.text else ():
            word = m.group(1)
            said = _GRADE_WORDS.get(word, word)
            if said != expected:
                yield ctx.finding(
                    f"文中评价等级为“{word}”，但{target.display}总分为{fmt(total)}分，应评为“{expected}”",
                    [Evidence(quote=m.group(0), loc=span.loc.with_span(m.start(), m.end())), ev(target.indicators.total_score)],
                    expected=expected,
                    actual=word,
                )


@rule("SCORE012", "error", "scoring", "执行率超过100%")
def execution_above_full(report: Report, ctx: Context):
    """Spending cannot exceed the full-year budget: an execution rate above 100% needs correction.

    Example: 全年预算数 100, 全年执行数 120, 执行率 120% → error.
    """
    for e in report.evaluations:
        funds = e.funds
        if funds is None:
            continue
        for row in funds.rows:
            rate = row.cells.get("rate")
            if rate and rate.quantity.value is not None and rate.quantity.value > 100:
                yield ctx.finding(
                    f"{e.display}「{row.label}」执行率{fmt(rate.quantity.value)}%，超过100%",
                    [ev(rate)],
                    expected="≤100%",
                    basis="required",
                    actual=f"{fmt(rate.quantity.value)}%",
                    suggestion="核对全年预算数是否包含预算调整，执行数是否超预算支出。",
                )


@rule("SCORE014", "warning", "scoring", "总分一栏只填了分值，得分空白")
def blank_total_score(report: Report, ctx: Context):
    """A scored form whose 总分 row has its 分值 but no 得分 leaves the result of the evaluation unstated.

    The finding gives the total the form's own scores add up to (预算执行率得分 +
    Σ 指标得分), so the reviewer can ask for it to be filled in.

    Example: 总分 row "100 | (blank)", 执行率得分 10, indicator scores 50 + 26 + 10
    → warning: the total should read 96.
    """
    for e in report.evaluations:
        if not scored(e):
            continue
        table = e.indicators
        total = table.total_score
        if table.total_weight is None or total is not None and not total.quantity.blank:
            continue
        if (parts := _score_parts(e)) is None:
            continue
        _, rs, indicator_sum = parts
        computed = indicator_sum + rs
        yield ctx.finding(
            f"{e.display}总分一栏的得分空白；按{_sum_of_scores(e, rs, indicator_sum)}，总分应为{fmt(computed)}分",
            [Evidence(quote="", loc=(total or table.total_weight).loc), ev(table.total_weight)],
            expected=f"{fmt(computed)}分",
            actual="（空白）",
            suggestion=f"填写总分得分（{fmt(computed)}分）。",
        )
