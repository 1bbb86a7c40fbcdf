"""What the narrative says of the year's money against the tables: a change against last year (XREF003)
and a denial of carry-over (XREF002).

XREF003: when a sentence's amount is a table line's figure of the
report's year ("“三公”经费支出2.68万元" and 基础数据表 三公经费 2024年决算数 2.68),
the change it states must lead to the same line's figure of the year before
(2023年决算数). An amount that is no table figure of the year, or a line
without last year's figure, is left alone: the change may be of something else.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reviewer.finding import Evidence
from reviewer.report import Fact, Report
from reviewer.rules import Context
from reviewer.rules.arithmetic import ev
from reviewer.rules.numbers import fmt, tol
from reviewer.rules.text_amounts import sentence_bounds
from reviewer.scopes import TEXT_PLACE

_CHANGE_LABELS = ("变动基数", "比上年减少", "比上年增加")


def changes_against_tables(report: Report, ctx: Context):
    """Findings for changes whose last-year amount is not the table's (see the module's text)."""
    if report.year is None:
        return
    groups: dict[tuple, dict[str, Fact]] = {}
    for f in report.facts:
        if f.source == "narrative" and f.key is None and f.label in _CHANGE_LABELS:
            groups.setdefault((TEXT_PLACE(f.loc), f.loc.start), {})[f.label] = f
    keyed: dict[tuple, list[Fact]] = {}  # by the text they are in, in the report's order
    for f in report.facts:
        if f.source == "narrative" and f.key and f.polarity == "asserts" and f.value is not None:
            keyed.setdefault(TEXT_PLACE(f.loc), []).append(f)
    figures: dict[tuple[str, int], list[Fact]] = {}  # the department tables' 决算 figures by key and year
    for f in report.facts:
        if f.source == "table" and f.key and f.year is not None and f.measure == "决算" and f.value is not None and not f.part.startswith("项目"):
            figures.setdefault((f.key, f.year), []).append(f)
    for group in groups.values():
        base, change = group.get("变动基数"), group.get("比上年减少") or group.get("比上年增加")
        if base is None or change is None or base.value is None or change.value is None:
            continue
        claim = next((k for k in keyed.get(TEXT_PLACE(base.loc), ()) if _holds(k, base)), None)
        if claim is None:
            continue
        this, last = (_table_figure(figures, claim.key, year) for year in (report.year, report.year - 1))  # type: ignore[arg-type]
        if this is None or last is None or abs(this.value - base.value) > tol(this) + tol(base) + ctx.settings.tolerance:  # type: ignore[operator]
            continue  # not the table line's figure of the year: the change may be of another quantity
        sign = Decimal(-1) if "减少" in change.label else Decimal(1)
        implied = base.value - sign * change.value
        slack = tol(base) + tol(change) + tol(last) + ctx.settings.tolerance
        if abs(implied - last.value) <= slack:  # type: ignore[operator]
            continue
        actual = this.value - last.value  # type: ignore[operator]
        word = "增加" if actual >= 0 else "减少"
        yield ctx.finding(
            f"报告称“{change.quote}”，但{last.loc.label}{claim.key}上年为{fmt(last.value, 2)}万元、本年为{fmt(this.value, 2)}万元，"
            f"应为比上年{word}{fmt(abs(actual), 2)}万元",
            [Evidence(quote=change.quote, loc=change.loc), ev(last), ev(this)],
            expected=f"比上年{word}{fmt(abs(actual), 2)}万元",
            actual=f"{change.label}{fmt(change.value)}万元",
            basis="compared",
            suggestion="核对文字中的增减额与基础数据表的上年、本年数。",
        )


def _holds(keyed: Fact, base: Fact) -> bool:
    """Whether the keyed figure (in the change's text) is the change's amount: the amount inside the keyed quote."""
    return keyed.loc.start is not None and base.loc.start is not None and keyed.loc.start <= base.loc.start < keyed.loc.end  # type: ignore[operator]


def _table_figure(figures: dict[tuple[str, int], list[Fact]], key: str, year: int) -> Fact | None:
    """The one 决算 figure of ``key`` and ``year`` among the department's table ``figures`` (None if none or several disagree)."""
    found = figures.get((key, year), [])
    if not found or len({f.value for f in found}) > 1:
        return None
    return found[0]


_NO_CARRY = re.compile(r"(?:无|没有|不存在|未产生|未形成)(?:资金)?(?:结转结余|结余结转|结转和结余|结转或结余|结转|结余)(?:资金)?")
# The paragraph says where unspent money went: returned, not carried over.
_RETURNED = re.compile(r"收回|上缴|交回|缴回|收缴|统筹|注销")
_LAST_YEARS = re.compile(r"上年|以前年度|往年|历年")


def no_carry_over_claim(report: Report, ctx: Context):
    """XREF002's denial of carry-over ("无结转结余") against a 年度资金总额 whose spending is below its budget.

    A warning, not an error: money the 财政 took back at the year's end (收回)
    leaves nothing to carry over, and a report need not say so where it
    denies carry-over.
    """
    forms = [e for e in report.evaluations if e.funds and e.funds.total]
    form = next((e for e in forms if e.kind == "department"), forms[0] if len(forms) == 1 else None)
    total = form.funds.total if form else None  # type: ignore[union-attr]
    budget, actual = (total.cells.get(c) for c in ("budget", "actual")) if total else (None, None)
    if budget is None or actual is None or budget.value is None or actual.value is None:
        return
    left = budget.value - actual.value
    if left <= tol(budget) + tol(actual) + ctx.settings.tolerance:
        return
    scopes = ctx.scopes(report)
    for span in report.texts:
        if "结" not in span.text or _RETURNED.search(span.text):
            continue
        for m in _NO_CARRY.finditer(span.text):
            before = span.text[sentence_bounds(span.text, m.start())[0] : m.start()]
            if _LAST_YEARS.search(before + m.group(0)) or not scopes.about_form(form, before, span.loc):  # type: ignore[arg-type]
                continue
            yield ctx.finding(
                f"报告称“{m.group(0)}”，但{budget.loc.label}{fmt(budget.value, 2)}万元、{actual.loc.label}{fmt(actual.value, 2)}万元，"
                f"有{fmt(left, 2)}万元未执行",
                [Evidence(quote=m.group(0), loc=span.loc.with_span(m.start(), m.end())), ev(budget), ev(actual)],
                expected=f"结转结余{fmt(left, 2)}万元",
                basis="compared",
                actual=m.group(0),
                severity="warning",
                suggestion="如实说明未执行资金的结转结余或收回情况，或核对表格数据。",
            )
            return  # one claim is enough
