"""SUM: arithmetic inside one table (表内勾稽)."""

from __future__ import annotations

from decimal import Decimal

from reviewer.finding import Evidence
from reviewer.extract.vocabulary import canonical_key
from reviewer.report import FUNDS_COLUMN_LABELS, Fact, FundsRow, FundsTable, Report
from reviewer.rules import Context, rule
from reviewer.levels import COUNTY, complete_levels, gov_level, unit_level
from reviewer.rules.numbers import fmt, places_of, sum_disagrees, tol, value


def ev(fact: Fact) -> Evidence:
    """Evidence pointing at a fact's cell or text."""
    return Evidence(quote=fact.quote or fact.quantity.raw, loc=fact.loc)


def sum_mismatch(ctx: Context, subject: str, total: Fact, parts: list[Fact], parts_text: str, suggestion: str):
    """The finding for a total that its parts do not add up to, naming both figures and the difference."""
    places = places_of(total, *parts)
    t = value(total)
    s = sum((value(p) or Decimal(0) for p in parts), Decimal(0))
    return ctx.finding(
        f"{subject}{fmt(t, places)}万元，与{parts_text}{fmt(s, places)}万元不一致（差{fmt(abs(s - t), places)}万元）",
        [ev(total)] + [ev(p) for p in parts if p.quantity.value is not None],
        expected=f"{fmt(s, places)}万元",
        actual=f"{fmt(t, places)}万元",
        suggestion=suggestion,
    )


@rule("SUM001", "error", "arithmetic", "合计数与所列明细（1、2、3…）之和不一致")
def enumerated_items(report: Report, ctx: Context):
    """Totals must equal the sum of their enumerated items.

    The 基础数据表 lists 项目支出 and 三公经费 with numbered items ("1、2、3…");
    the form's note says 项目支出 must list all project spending, so the items
    add up to the total. A wrong total usually means an item was left out or
    a figure was changed in one place only.

    Example: 项目支出 2023年决算数 816.23, items 144.42 + 97.87 + 177.44 +
    266.00 + 136.5 = 822.23 → error, 差 6.00万元.

    “三公”经费 is by definition 因公出国（境）费 + 公务用车购置及运行维护费 +
    公务接待费: written as "其中" lines that name all three (the car either
    as one line or as 购置费 and 运行维护费), they add up to it exactly too.
    """
    data = report.basic_data
    if data is None:
        return
    for i, group in enumerate(data.lines):
        items = [ln for ln in data.lines if ln.parent == i and ln.kind == "item"]
        if not items and canonical_key(group.label) == "三公经费":
            items = _sangong_parts([ln for ln in data.lines if ln.parent == i and ln.kind == "sub"])
        if group.kind != "group" or not items:
            continue
        for col, total in enumerate(group.values):
            parts = [ln.values[col] for ln in items if col < len(ln.values)]
            if total.quantity.value is None or all(p.quantity.value is None for p in parts):
                continue
            if sum_disagrees(total, parts, ctx.settings.tolerance):
                column = data.columns[col].label.replace(" ", "") if col < len(data.columns) else ""
                yield sum_mismatch(
                    ctx, f"{group.label}{column}", total, parts, "明细合计", "核对各明细项目与合计数，补列遗漏项目或更正合计数。"
                )


def _sangong_kind(label: str) -> str | None:
    if "出国" in label or "出境" in label:
        return "abroad"
    if "接待" in label:
        return "reception"
    if "车" in label:
        buy, run = "购置" in label, "运行" in label or "维护" in label
        return "car" if buy and run else "car_buy" if buy else "car_run" if run else None
    return None


def _sangong_parts(subs: list) -> list:
    """The 其中 lines of 三公经费 when they are exactly its three parts (the car in one line or two), else []."""
    kinds = sorted(str(_sangong_kind(ln.label)) for ln in subs)
    return subs if kinds in (["abroad", "car", "reception"], ["abroad", "car_buy", "car_run", "reception"]) else []


@rule("SUM002", "error", "arithmetic", "“其中”项之和超过其所属项目")
def sub_items_within_parent(report: Report, ctx: Context):
    """"其中" items are parts of their parent and can never add up to more.

    They may add up to less (not every component is listed), but a sum above
    the parent shows a wrong figure.

    Example: 公用经费 24.94, 其中 办公经费 10.37 + 水电差旅 14.57 + 会议培训 1.00
    = 25.94 → error.
    """
    data = report.basic_data
    if data is None:
        return
    for i, parent in enumerate(data.lines):
        subs = [ln for ln in data.lines if ln.parent == i and ln.kind == "sub"]
        if not subs:
            continue
        for col, total in enumerate(parent.values):
            parts = [ln.values[col] for ln in subs if col < len(ln.values) and ln.values[col].quantity.value is not None]
            t = value(total)
            if t is None or not parts:
                continue
            s = sum((value(p) for p in parts), Decimal(0))
            slack = tol(total) + sum((tol(p) for p in parts), Decimal(0)) + ctx.settings.tolerance
            if s - t > slack:
                places = places_of(total, *parts)
                column = data.columns[col].label.replace(" ", "") if col < len(data.columns) else ""
                yield ctx.finding(
                    f"{parent.label}{column}{fmt(t, places)}万元，其中各项合计{fmt(s, places)}万元，超过所属项目"
                    f"（超{fmt(s - t, places)}万元）",
                    [ev(total)] + [ev(p) for p in parts],
                    actual=f"{fmt(t, places)}万元",  # 报告值: the parent's figure; its items add up to more
                    expected=f"{fmt(s, places)}万元",
                    suggestion="核对“其中”各项金额是否归属正确、是否重复填列。",
                )


def _split(funds: FundsTable, key: str, side: str) -> Fact | None:
    splits = funds.expense_splits if side == "expense" else funds.income_splits
    return next((f for f in splits if f.key == key and f.quantity.value is not None), None)


def _total_candidates(funds: FundsTable) -> list[Fact]:
    total = funds.total
    if total is None:
        return []
    return [total.cells[c] for c in ("actual", "budget") if c in total.cells and total.cells[c].quantity.value is not None]


@rule("SUM003", "error", "arithmetic", "按支出性质分的各项之和与年度资金总额不一致")
def expense_split_total(report: Report, ctx: Context):
    """基本支出 + 项目支出 must equal the 年度资金总额 (and 人员经费 + 公用经费 = 基本支出).

    The department form splits the year's money by kind of spending; the two
    sides describe the same money.

    Example: 年度资金总额 677.16, 基本支出 205.88 + 项目支出 461.28 = 667.16
    → error, 差 10.00万元.
    """
    yield from _split_checks(report, ctx, "expense")


@rule("SUM004", "error", "arithmetic", "按收入性质分的各项之和与年度资金总额不一致")
def income_split_total(report: Report, ctx: Context):
    """一般公共预算 + 政府性基金 + 非税收入 + 其他资金 must equal the 年度资金总额.

    Example: 年度资金总额 1068.21, 一般公共预算 915.35 + 政府性基金 100.00 →
    1015.35 → error.
    """
    yield from _split_checks(report, ctx, "income")


def _split_checks(report: Report, ctx: Context, side: str):
    for evaluation in report.evaluations:
        funds = evaluation.funds
        if funds is None:
            continue
        splits = [f for f in (funds.expense_splits if side == "expense" else funds.income_splits) if f.quantity.value is not None]
        totals = _total_candidates(funds)
        if side == "expense":
            # 人员经费 + 公用经费 = 基本支出, when the form states all three.
            basic = _split(funds, "基本支出", side)
            staff, public = _split(funds, "人员经费", side), _split(funds, "公用经费", side)
            if basic and staff and public and sum_disagrees(basic, [staff, public], ctx.settings.tolerance):
                yield sum_mismatch(
                    ctx,
                    f"{evaluation.display}基本支出",
                    basic,
                    [staff, public],
                    f"人员经费{fmt(value(staff))}加公用经费{fmt(value(public))}之和",
                    "核对人员经费、公用经费与基本支出的填报。",
                )
            splits = [f for f in splits if f.key in ("基本支出", "项目支出")]
        if len(splits) < 2 or not totals:
            continue
        if all(sum_disagrees(t, splits, ctx.settings.tolerance) for t in totals):
            side_name = "按支出性质分" if side == "expense" else "按收入性质分"
            names = "+".join(f"{f.label}{fmt(value(f))}" for f in splits)
            yield sum_mismatch(
                ctx,
                f"{evaluation.display}年度资金总额",
                totals[0],
                splits,
                f"{side_name}各项合计（{names}）",
                "核对各项资金来源或支出性质的金额，使其合计等于年度资金总额。",
            )


@rule("SUM005", "error", "arithmetic", "当年财政拨款、上年结转与其他资金（或各级财政资金）之和不等于年度资金总额或其所属资金")
def funds_rows_total(report: Report, ctx: Context):
    """当年财政拨款 + 上年结转资金 + 其他资金 = 年度资金总额, column by column.

    Checked only in columns where at least one source row is filled in (many
    forms fill only the total). A split by level of government (中央、省级、
    市级、县级资金) that reaches down to the unit's own level is a whole: it
    must add up to the row it details (the total, or 当年财政拨款 above it);
    a "其中" naming only some levels is a part and is not summed.

    Example: 全年预算数: 年度资金总额 212.40, 当年财政拨款 200.00, 上年结转 0,
    其他资金 0 → error.
    """
    for evaluation in report.evaluations:
        funds = evaluation.funds
        total = funds.total if funds else None
        if total is None:
            continue
        bottom = unit_level(_unit_name(evaluation, report))
        sources = [r for r in funds.rows if r is not total]
        for column in ("initial", "adjust", "budget", "actual"):
            t = total.cells.get(column)
            if t is None or t.quantity.value is None:
                continue
            readings = breakdowns(sources, column, ctx.settings.tolerance, bottom)
            if readings and readings[0] and all(sum_disagrees(t, parts, ctx.settings.tolerance) for parts in readings):
                yield sum_mismatch(
                    ctx, f"{evaluation.display}「{total.label}」「{FUNDS_COLUMN_LABELS[column]}」", t, readings[0], "各资金来源合计",
                    "核对当年财政拨款、上年结转资金和其他资金的填报。",
                )
            for row, parent, run in level_details(sources, column, bottom):
                # Levels adding up to the total itself break the total down, whatever row they follow.
                if sum_disagrees(parent, run, ctx.settings.tolerance) and sum_disagrees(t, run, ctx.settings.tolerance):
                    names = "、".join(p.label.removesuffix(FUNDS_COLUMN_LABELS[column]) for p in run)
                    yield sum_mismatch(
                        ctx, f"{evaluation.display}「{row.label}」「{FUNDS_COLUMN_LABELS[column]}」", parent, run,
                        f"其下{names}合计", "核对各级财政资金与其所属资金的填报。",
                    )


# Rows of a funds block that break the total down by nature (按支出性质), not by source (按收入性质).
_BY_NATURE = ("基本支出", "项目支出", "人员经费", "公用经费")


def _unit_name(evaluation, report: Report) -> str | None:
    """The name of the unit a form reports on: its own 实施单位 / 单位名称 first, else the report's."""
    units = evaluation.units
    return next((units[k] for k in ("实施单位", "单位名称", "部门(单位)名称", "项目单位", "填报单位") if units.get(k)), report.unit)


def _filled(rows: list[FundsRow], column: str) -> list[tuple[FundsRow, Fact]]:
    return [(r, r.cells[column]) for r in rows if column in r.cells and r.cells[column].quantity.value is not None]


def _level_runs(filled: list[tuple[FundsRow, Fact]]) -> list[tuple[int, int, list[int]]]:
    """Runs of consecutive rows naming a level of government: (start, end, their levels)."""
    runs: list[tuple[int, int, list[int]]] = []
    levels = [gov_level(r.label) for r, _ in filled]
    i = 0
    while i < len(levels):
        if levels[i] is None:
            i += 1
            continue
        j = i
        while j < len(levels) and levels[j] is not None:
            j += 1
        runs.append((i, j, [lv for lv in levels[i:j] if lv is not None]))  # all of them: the filter only narrows the type
        i = j
    return runs


def level_details(rows: list[FundsRow], column: str, bottom: int) -> list[tuple[FundsRow, Fact, list[Fact]]]:
    """Rows (当年财政拨款, 财政资金) whose cell in ``column`` is detailed by a complete list of levels under them."""
    filled = _filled(rows, column)
    return [
        (filled[a - 1][0], filled[a - 1][1], [f for _, f in filled[a:b]])
        for a, b, levels in _level_runs(filled)
        if a > 0 and complete_levels(levels, bottom)
    ]


def breakdowns(rows: list[FundsRow], column: str, slack: Decimal, bottom: int = COUNTY) -> list[list[Fact]]:
    """The ways the filled cells of ``column`` under 年度资金总额 may add up to it, the likeliest first.

    The usual form lists one breakdown (当年财政拨款, 上年结转资金, 其他资金).
    Some provinces list a second one below it (by source, then by nature:
    基本支出, 项目支出), or the detail of one row under it (基本支出, then
    人员经费 and 公用经费, then 项目支出). So the rows by source and the
    rows by nature are readings too, and so are all rows but a run that adds
    up to the row just above it (its detail): the total must agree with one.
    Rows naming levels of government (中央、省级、县级资金) are siblings,
    never one another's detail: under a row they detail that row, and right
    under the total they are its breakdown when they reach ``bottom`` (the
    unit's level, :func:`reviewer.levels.unit_level`). A list right
    under the total that does not (其中：中央资金 alone) gives no reading at
    all: an empty list means the column cannot be checked.
    """
    filled = _filled(rows, column)
    cells = [fact for _, fact in filled]
    runs = _level_runs(filled)
    if any(a == 0 and not complete_levels(levels, bottom) for a, _, levels in runs):
        return []
    readings: list[list[Fact]] = []
    detailed = [(a, b) for a, b, _ in runs if a > 0]
    if detailed:
        readings.append([f for k, f in enumerate(cells) if not any(a <= k < b for a, b in detailed)])
    readings += [cells[a:b] for a, b, _ in runs if a == 0 and b < len(cells)]
    readings.append(cells)
    by_nature = [any(word in r.label for word in _BY_NATURE) for r, _ in filled]
    nature = [fact for fact, flag in zip(cells, by_nature) if flag]
    source = [fact for fact, flag in zip(cells, by_nature) if not flag]
    readings += [source, nature] if source and nature else []
    in_runs = {k for a, b, _ in runs for k in range(a, b)}
    for i, parent in enumerate(cells):
        if i in in_runs:
            continue  # a level is no parent of the levels after it
        detail_end = _detail_end(cells, i, slack)
        if detail_end is not None:
            readings.append(cells[: i + 1] + cells[detail_end:])
    return readings


def _detail_end(cells: list[Fact], i: int, slack: Decimal) -> int | None:
    """The first ``j`` > i + 1 whose cells[i + 1 : j] add up to cells[i] (``not sum_disagrees``), or None.

    The sums of the growing runs are carried from one to the next (the same
    additions in the same order as :func:`sum_disagrees` makes for each run),
    so trying every run costs one pass, not one pass per run.
    """
    t = value(cells[i])
    if t is None:
        return i + 2 if i + 2 <= len(cells) else None  # sum_disagrees never holds without a total
    summed, tolerance = Decimal(0), Decimal(0)
    for j in range(i + 1, len(cells)):
        v = value(cells[j])
        summed += v or Decimal(0)
        if v is not None:
            tolerance += tol(cells[j])
        if not abs(t - summed) > tol(cells[i]) + tolerance + slack:
            return j + 1
    return None


@rule("SUM006", "error", "arithmetic", "执行率与全年执行数÷全年预算数不符")
def execution_rate(report: Report, ctx: Context):
    """执行率 = 全年执行数 / 全年预算数.

    A rate that does not recompute is either a typo or copied from another
    row. A 全年预算数 of 0 with money spent cannot give a rate at all.

    Example: 全年预算数 212.40, 全年执行数 172.18, 执行率 100% (should be
    81.06%) → error.
    """
    for evaluation in report.evaluations:
        funds = evaluation.funds
        if funds is None:
            continue
        for row in funds.rows:
            rate, budget, actual = row.cells.get("rate"), row.cells.get("budget"), row.cells.get("actual")
            if not (rate and budget and actual) or None in (rate.quantity.value, budget.quantity.value, actual.quantity.value):
                continue
            b, a, r = value(budget), value(actual), rate.quantity.value
            if b == 0:
                if a and a > 0:
                    yield ctx.finding(
                        f"{evaluation.display}「{row.label}」全年预算数为0，但全年执行数为{fmt(a)}万元，执行率无法计算",
                        [ev(budget), ev(actual), ev(rate)],
                        suggestion="核对全年预算数是否漏填。",
                    )
                continue
            computed = a / b * 100
            # Interval of a/b given the rounding of a and b, plus the rate's own rounding.
            hi = (a + tol(actual)) / max(b - tol(budget), Decimal("1e-9")) * 100
            lo = (a - tol(actual)) / (b + tol(budget)) * 100
            slack = tol(rate)
            if r < lo - slack or r > hi + slack:
                places = max(rate.quantity.decimals, 2)
                money_places = places_of(budget, actual)
                yield ctx.finding(
                    f"{evaluation.display}「{row.label}」执行率填报{fmt(r)}%，按全年执行数{fmt(a, money_places)}÷全年预算数{fmt(b, money_places)}"
                    f"计算应为{fmt(computed, places)}%",
                    [ev(rate), ev(budget), ev(actual)],
                    expected=f"{fmt(computed, places)}%",
                    actual=f"{fmt(r)}%",
                    suggestion="按全年执行数÷全年预算数重新计算执行率。",
                )


@rule("SUM012", "error", "arithmetic", "年初预算数加调整数不等于调整后（全年）预算数")
def adjusted_budget(report: Report, ctx: Context):
    """年初预算数 + 调整数 = 调整后预算数 (全年预算数), row by row.

    Forms that show the year's budget changes (年初预算数 | 调整预算数 |
    调整后预算数) state the change itself; a change that does not lead from
    the first budget to the adjusted one is a typo in one of the three.

    Example: 事业收入 年初预算数 680.00, 调整数 25.40, 调整后预算数 732.40
    (680.00 + 25.40 = 705.40) → error.
    """
    for evaluation in report.evaluations:
        if evaluation.funds is None:
            continue
        for row in evaluation.funds.rows:
            initial, change, budget = (row.cells.get(k) for k in ("initial", "adjust", "budget"))
            if not all(f is not None and f.quantity.value is not None for f in (initial, change, budget)):
                continue
            if sum_disagrees(budget, [initial, change], ctx.settings.tolerance):
                places = places_of(initial, change, budget)
                computed = value(initial) + value(change)
                yield ctx.finding(
                    f"{evaluation.display}「{row.label}」年初预算数{fmt(value(initial), places)}万元加调整数{fmt(value(change), places)}万元"
                    f"为{fmt(computed, places)}万元，与调整后预算数{fmt(value(budget), places)}万元不一致",
                    [ev(budget), ev(initial), ev(change)],
                    expected=f"{fmt(computed, places)}万元",
                    actual=f"{fmt(value(budget), places)}万元",
                    suggestion="核对年初预算数、调整数和调整后预算数，三者应满足“年初+调整=调整后”。",
                )


@rule("SUM007", "error", "arithmetic", "人员控制率与实际在职人数÷编制数不符")
def staff_control_rate(report: Report, ctx: Context):
    """控制率 = 实际在职人数 / 编制数.

    Example: 编制数 25, 实际在职人数 14, 控制率 65% (should be 56%) → error.
    """
    data = report.basic_data
    if data is None:
        return
    quota, actual, rate = data.staff.quota, data.staff.actual, data.staff.control_rate
    if not (quota and actual and rate) or None in (quota.value, actual.value, rate.value) or quota.value == 0:
        return
    computed = actual.value / quota.value * 100
    if abs(computed - rate.value) > tol(rate) + Decimal("0.5"):
        yield ctx.finding(
            f"人员控制率填报{fmt(rate.value)}%，按实际在职人数{fmt(actual.value)}÷编制数{fmt(quota.value)}计算应为{fmt(computed, 2)}%",
            [ev(rate), ev(actual), ev(quota)],
            expected=f"{fmt(computed, 2)}%",
            actual=f"{fmt(rate.value)}%",
        )
