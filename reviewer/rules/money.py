"""SUM (continued): totals of money tables on any form, by rows and by columns."""

from __future__ import annotations

from decimal import Decimal

from reviewer.finding import Evidence
from reviewer.report import Fact, MoneyTable, Report
from reviewer.rules import Context, rule
from reviewer.rules.arithmetic import sum_mismatch
from reviewer.rules.numbers import fmt, sum_disagrees, tol, value


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

    Exact: 支出合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费, and a
    "其中" breakdown that ends in a residual column (其他收入, 上年结转).
    Otherwise a "其中" breakdown may add up to less, never to more.

    Example: 收入合计 500.00, 其中 财政拨款 450.00 + 其他收入 60.00 = 510.00
    → error.
    """
    for table in report.money_tables:
        for group in table.groups:
            for row in table.rows:
                t = row.values[group.total]
                parts = [row.values[p] for p in group.parts if _filled(row.values[p])]
                if not _filled(t) or len(parts) < (2 if group.exhaustive else 1):
                    continue
                subject = f"{table.part} {table.name}「{row.label}」「{_column_name(table, group.total)}」"
                names = "、".join(_column_name(table, p) for p in group.parts)
                if group.exhaustive:
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
