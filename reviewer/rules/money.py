"""SUM (continued): totals of money tables on any form, by rows and by columns."""

from __future__ import annotations

from decimal import Decimal

from reviewer.finding import Evidence
from reviewer.report import Fact, MoneyTable, Report
from reviewer.rules import Context, rule
from reviewer.rules.arithmetic import sum_mismatch
from reviewer.levels import complete_levels, gov_level, unit_level
from reviewer.rules.numbers import fmt, places_of, sum_disagrees, tol, value


def _filled(fact: Fact | None) -> bool:
    return fact is not None and fact.quantity.value is not None


def _total_and_items(table: MoneyTable):
    """The table's one total row and the rows that add into it, or None when the rows' structure is unclear."""
    totals = [r for r in table.rows if r.kind == "total"]
    items = [r for r in table.rows if r.kind == "item"]
    return (totals[0], items) if len(totals) == 1 and len(items) >= 2 else None


def _column_name(table: MoneyTable, index: int) -> str:
    return table.columns[index].header.replace("/", "").replace("其中:", "").replace("其中：", "")


@rule("SUM008", "error", "arithmetic", "金额表的合计行与各明细行之和不一致")
def table_row_totals(report: Report, ctx: Context):
    """A table's 合计 / 汇总 row equals the sum of the rows it totals, column by column.

    The rows are the numbered ones ("1、局机关", "2、二级机构") at the first
    list level, or every line of a detail list that ends in its total
    (支出合计), or every unit of a table by unit. Tables whose row structure
    is not clear are not checked.

    A row detailed by the rows under it ("一、基本支出" over "其中：人员经费 /
    公用经费", "项目支出" over "1、… 2、…") is checked the same way: exactly
    when the details make it up by definition (人员经费 + 公用经费), else they
    may not add up to more.

    Example: 汇总 收入合计 500.00, 局机关 300.00 + 二级机构 210.00 = 510.00
    → error, 差 10.00万元.
    """
    for table in report.money_tables:
        yield from _detail_rows(table, ctx)
        if (found := _total_and_items(table)) is None:
            continue
        total, items = found
        for c in range(len(table.columns)):
            t = total.values[c]
            parts = [r.values[c] for r in items if _filled(r.values[c])]
            if not _filled(t) or len(parts) < 2:
                continue
            if sum_disagrees(t, parts, ctx.settings.tolerance):
                yield sum_mismatch(
                    ctx, f"{table.part} {table.name}「{total.label}」「{_column_name(table, c)}」", t, parts,
                    "各明细行合计", "核对各明细行与合计行，补列遗漏的行或更正合计数。",
                )


def _detail_rows(table: MoneyTable, ctx: Context):
    """SUM008 for the rows that detail another row (see table_row_totals)."""
    for i, parent in enumerate(table.rows):
        children = [r for r in table.rows if r.parent == i]
        for c in range(len(table.columns)):
            t = parent.values[c]
            parts = [r.values[c] for r in children if _filled(r.values[c])]
            if not _filled(t) or not parts or parent.exhaustive and len(parts) < 2:
                continue
            subject = f"{table.part} {table.name}「{parent.label}」「{_column_name(table, c)}」"
            if parent.exhaustive and sum_disagrees(t, parts, ctx.settings.tolerance):
                yield sum_mismatch(ctx, subject, t, parts, "其下各行合计", "核对其下各行与该行的数字。")
            elif not parent.exhaustive and _exceeds(t, parts, ctx):
                yield sum_mismatch(ctx, subject, t, parts, "其下各行合计", "其下各行之和不能超过该行，请核对。")


def _exceeds(total: Fact, parts: list[Fact], ctx: Context) -> bool:
    s = sum((value(p) for p in parts), Decimal(0))
    return s - value(total) > tol(total) + sum((tol(p) for p in parts), Decimal(0)) + ctx.settings.tolerance


@rule("SUM009", "error", "arithmetic", "金额表的合计列与其组成列不一致，或“其中”列之和超过合计")
def table_column_totals(report: Report, ctx: Context):
    """A total column equals the columns that make it up; its "其中" columns never add up to more.

    Exact: 支出合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费, a
    "其中" breakdown that ends in a residual column (其他收入, 上年结转), and one
    by level of government (中央、省级、县级) reaching down to the unit's own level.
    Otherwise a "其中" breakdown may add up to less, never to more.

    Example: 收入合计 500.00, 其中 财政拨款 450.00 + 其他收入 60.00 = 510.00
    → error.
    """
    bottom = unit_level(report.unit)
    for table in report.money_tables:
        for group in table.groups:
            levels = [gov_level(table.columns[p].header.rpartition("/")[2]) for p in group.parts]
            exhaustive = group.exhaustive or (None not in levels and complete_levels(levels, bottom))
            for row in table.rows:
                t = row.values[group.total]
                parts = [row.values[p] for p in group.parts if _filled(row.values[p])]
                if not _filled(t) or len(parts) < (2 if exhaustive else 1):
                    continue
                subject = f"{table.part} {table.name}「{row.label}」「{_column_name(table, group.total)}」"
                names = "、".join(_column_name(table, p) for p in group.parts)
                if exhaustive:
                    if sum_disagrees(t, parts, ctx.settings.tolerance):
                        yield sum_mismatch(ctx, subject, t, parts, f"{names}合计", f"核对{names}与合计数。")
                    continue
                if _exceeds(t, parts, ctx):
                    yield sum_mismatch(ctx, subject, t, parts, f"其中各列（{names}）合计", "“其中”各列之和不能超过合计，请核对。")


@rule("SUM010", "warning", "arithmetic", "合计栏空白，而其组成部分已填")
def blank_totals(report: Report, ctx: Context):
    """A total left blank while the figures it totals are filled hides the total from every check.

    Example: 汇总 row blank in 支出合计 while 局机关 280.00 and 二级机构 200.00
    are filled → warning: the total should read 480.00.
    """
    for table in report.money_tables:
        if (found := _total_and_items(table)) is None:
            continue
        total, items = found
        for c in range(len(table.columns)):
            parts = [r.values[c] for r in items if _filled(r.values[c])]
            t = total.values[c]
            if len(parts) < 2 or (t is not None and t.quantity.value is not None):
                continue
            s = sum((value(p) for p in parts), Decimal(0))
            yield ctx.finding(
                f"{table.part} {table.name}「{total.label}」「{_column_name(table, c)}」空白，各明细行合计为{fmt(s, 2)}万元",
                [Evidence(quote="", loc=t.loc if t is not None else total.loc)] + [Evidence(quote=p.quote, loc=p.loc) for p in parts],
                expected=f"{fmt(s, 2)}万元",
                actual="（空白）",
                suggestion="填写合计数。",
            )


def _against_consensus(checked: list[tuple]) -> list[tuple]:
    """The rows of a recomputed rate column that disagree, when most of its rows, at least two, agree.

    ``checked`` holds one tuple per row, its last item whether the stated rate
    matched; the rows are returned without that flag. A column most of whose
    rows disagree was computed another way and is left alone (SUM011, SUM013).
    """
    agree = sum(1 for *_, ok in checked if ok)
    if agree < 2 or agree * 2 <= len(checked):
        return []
    return [row[:-1] for row in checked if not row[-1]]


@rule("SUM011", "error", "arithmetic", "金额表的增减率与本年、上年数不符")
def table_change_rates(report: Report, ctx: Context):
    """A 增减率 / 增长率 column equals (本年 − 上年) ÷ 上年 of its row, in %.

    The two columns are this year's and last year's figure of one measure
    (2024年执行数 and 2023年执行数, 本年数 and 上年数). A column is checked
    only when most of its rows, at least two, agree with that reading: a
    rate computed another way is left alone. A rate written without its sign
    (下降 shown as 7.98) is not held against the table.

    Example: 公用经费 2023年执行数 186.20, 2024年执行数 171.35, 增减率 −3.98%
    → error: (171.35 − 186.20) ÷ 186.20 = −7.98%.
    """
    for table in report.money_tables:
        for k, change in enumerate(table.changes):
            checked = []
            for row in table.rows:
                rate, base, current = row.changes[k], row.values[change.base], row.values[change.current]
                if not (_filled(rate) and _filled(base) and _filled(current)) or value(base) == 0:
                    continue
                computed = (value(current) - value(base)) / value(base) * 100
                # The amounts' own rounding moves the rate too.
                slack = tol(rate) + (tol(current) + tol(base) * abs(value(current) / value(base))) * 100 / abs(value(base))
                checked.append((row, rate, base, current, computed, abs(abs(computed) - abs(rate.value)) <= slack))
            for row, rate, base, current, computed in _against_consensus(checked):
                places = max(rate.quantity.decimals, 2)
                stated = fmt(rate.value, rate.quantity.decimals)
                yield ctx.finding(
                    f"{table.part} {table.name}「{row.label}」增减率填报{stated}%，按{_column_name(table, change.current)}"
                    f"{fmt(value(current), 2)}万元与{_column_name(table, change.base)}{fmt(value(base), 2)}万元计算应为{fmt(computed, places)}%",
                    [Evidence(quote=f.quote, loc=f.loc) for f in (rate, current, base)],
                    expected=f"{fmt(computed, places)}%",
                    actual=f"{stated}%",
                    suggestion="按（本年数−上年数）÷上年数重新计算增减率，或核对两年的数字。",
                )


@rule("SUM013", "error", "arithmetic", "金额表的执行率与执行数÷预算数不符")
def table_execution_rates(report: Report, ctx: Context):
    """An 执行率 column of a money table equals 执行数 (决算数) ÷ 预算数 of its row, in %.

    The budget is the table's one 预算 column, or the adjusted one (调整后预算数,
    全年预算数) beside the first (年初预算数). As with 增减率, a column is checked
    only when most of its rows, at least two, agree with that reading.

    Example: 临时救助 全年预算数 340.00, 全年执行数 322.30, 执行率 97.80% →
    error: 322.30 ÷ 340.00 = 94.79%.
    """
    for table in report.money_tables:
        for k, ratio in enumerate(table.ratios):
            checked = []
            for row in table.rows:
                rate, spent, budget = row.ratios[k], row.values[ratio.spent], row.values[ratio.budget]
                if not (_filled(rate) and _filled(spent) and _filled(budget)) or value(budget) <= 0:
                    continue
                computed = value(spent) / value(budget) * 100
                slack = tol(rate) + (tol(spent) + tol(budget) * value(spent) / value(budget)) * 100 / value(budget)
                checked.append((row, rate, spent, budget, computed, abs(computed - rate.value) <= slack))
            for row, rate, spent, budget, computed in _against_consensus(checked):
                places = max(rate.quantity.decimals, 2)
                money_places = max(2, places_of(spent, budget))
                stated = fmt(rate.value, rate.quantity.decimals)
                yield ctx.finding(
                    f"{table.part} {table.name}「{row.label}」执行率填报{stated}%，按{_column_name(table, ratio.spent)}"
                    f"{fmt(value(spent), money_places)}万元÷{_column_name(table, ratio.budget)}{fmt(value(budget), money_places)}万元"
                    f"计算应为{fmt(computed, places)}%",
                    [Evidence(quote=f.quote, loc=f.loc) for f in (rate, spent, budget)],
                    expected=f"{fmt(computed, places)}%",
                    actual=f"{stated}%",
                    suggestion="按执行数÷预算数重新计算执行率，或核对两列的数字。",
                )
