"""NARR002: shares and execution rates the narrative states, recomputed from the amounts it names.

A rate's budget is any amount the sentence names as the year's money for
the purpose — 预算, or funds put at its disposal (项目资金, 项目总资金, 资金总额,
下达资金, 安排的补助资金, 到位资金, 经费) — and its spending any amount named as
spent (执行, 支出, 使用, 拨付 …). A figure of other years (总投资 of a
multi-year project, 上年结转, 结余) is neither, and money invested or
accumulated (计划投资, 累计安排) is no budget of the year, so such a sentence
is not recomputed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reviewer.finding import Evidence
from reviewer.quantity import parse_quantity
from reviewer.report import Report, TextSpan
from reviewer.rules import Context, rule
from reviewer.rules.narrative import HUNDRED, OTHER_YEARS
from reviewer.rules.text_amounts import CLAUSE_END, Amount, amounts, occurrences, sentence_bounds
from reviewer.rules.numbers import fmt

# The base's amount may be written inside the share: "占部门总支出632.00万元的45.66%".
_SHARE = re.compile(
    r"占(?P<base>[^，,。；;%％\d]{1,16}?)(?P<inline>\d[\d,]*(?:\.\d+)?\s*(?:亿元|万元|元))?"
    r"(?:的)?(?:比重|比例)?(?:为|达|约)?\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％]"
)
_RATE = re.compile(r"执行率(?:[（(]B/A[)）])?(?:为|达到|达|是)?\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％]")
_BUDGET_WORDS = ("预算",)
_SPENT_WORDS = ("执行", "支出", "决算", "使用", "完成", "拨付", "支付", "花费", "用款")
# Money put at the purpose's disposal for the year: 项目资金, 项目总资金, 资金总额, 下达资金, 补助经费, 财政拨款.
_FUNDS_WORDS = ("资金", "经费", "拨款", "安排", "下达", "批复", "到位")
# Money that may span several years: spent so far (累计支出) is still spending, but no budget of the year.
_NOT_A_YEARS_FUNDS = ("投资", "累计")
# The whole (adjusted) budget, when it stands alone in the sentence before the rate; not 年初预算数.
_BUDGET_TOTAL = re.compile(r"(?<!年初)(?:预算数|预算总额|预算资金)")
_CHANGE = re.compile(r"比上年|较上年|同比|增加|减少|增长|下降")
# What may stand between a base's name and its amount: no clause end, no other kind of figure (预算/年初).
_NOT_THE_BASE = re.compile(r"[，,。；;]|预算|年初|调整")


@rule("NARR002", "error", "narrative", "文字中的占比或执行率无法由同一段所列金额算出")
def text_shares(report: Report, ctx: Context):
    """A share or an execution rate the text states must recompute from the amounts it names.

    "其中信息化支出120.5万元，占项目支出的35.0%" is recomputed when the same
    paragraph states 项目支出 with an amount, or writes it inside the share
    ("占部门总支出632.00万元的45.66%"); "预算数200万元，实际支出172万元，
    执行率86%" from the two amounts of the sentence (or from the spent amount of
    the sentence and the budget the sentence before states alone: "全年预算数1250万元。
    全年执行数1212.5万元，执行率96%"; beside 年初预算 and 调整后预算数 the
    rate may be of either; 预算执行数 is spent, and 执行率（B/A） a rate), whose budget may also be
    named as the year's funds (项目资金, 项目总资金, 资金总额, 下达资金, 经费) but
    not as a multi-year figure (项目总投资, 计划投资, 累计安排, 上年结转), nor as a 其中 part of
    the spending ("使用资金30400万元，其中专项债券资金24000万元"). The result is compared
    within the decimals written (35.0% stands for 34.95–35.05%). Change rates
    ("比上年减少…占比4.84%") are XREF004's.

    A satisfaction survey's figures recompute the same way: 回收率 = 回收 ÷
    发放, and 满意度 = the favourable answers ÷ the valid questionnaires, when
    the answers counted by kind (满意 / 比较满意 / 不满意 …) add up to them; the
    favourable ones are 满意 and 比较满意 (with 非常满意, and 基本满意 where a
    report counts it: any of these readings is accepted).

    Example: 项目支出344.29万元 … 其中信息化支出120.5万元，占项目支出的36.2%
    (120.5 ÷ 344.29 = 35.0%) → error; 回收784份，满意612份、比较满意140份、
    不满意32份，综合满意度94.90% ((612 + 140) ÷ 784 = 95.92%) → error.
    """
    for span in report.texts:
        text = span.text
        if "问卷" in text and "份" in text:
            yield from _survey(ctx, span)
        # Only a text with the patterns' words (占, 执行率) is searched: most cells have neither.
        for m in _SHARE.finditer(text) if "占" in text else ():
            finding = _share(ctx, span, m)
            if finding is not None:
                yield finding
        for m in _RATE.finditer(text) if "执行率" in text else ():
            finding = _rate(ctx, span, m)
            if finding is not None:
                yield finding


def _share(ctx: Context, span: TextSpan, m: re.Match):
    text = span.text
    clause_start = max((c.end() for c in CLAUSE_END.finditer(text, 0, m.start())), default=0)
    previous_start = max((c.end() for c in CLAUSE_END.finditer(text, 0, max(0, clause_start - 1))), default=0)
    if _CHANGE.search(text, previous_start, m.start()):
        return None  # a change rate: XREF004 recomputes it
    parts = amounts(text, clause_start, m.start()) or amounts(text, previous_start, clause_start)
    base_name = m.group("base").strip()
    if len(parts) != 1 or len(base_name) < 2:
        return None
    if m.group("inline"):
        (base,) = amounts(text, m.start("inline"), m.end("inline"))
        return _ratio_finding(ctx, span, parts[0], base, m, f"{parts[0].text}÷{base_name}{base.text}")
    # The base's amount follows its name closely, with no other figure kind (预算/年初) in between.
    bases = [a for at, after in occurrences(text, base_name) if after <= parts[0].start or at > m.end()
             for a in amounts(text, after, min(len(text), after + 24))[:1]
             if a.start - after <= 4 and not _NOT_THE_BASE.search(text, after, a.start)]
    if len({a.value for a in bases}) != 1:
        return None
    return _ratio_finding(ctx, span, parts[0], bases[0], m, f"{parts[0].text}占{base_name}{bases[0].text}的比例")


def _rate(ctx: Context, span: TextSpan, m: re.Match):
    """The rate's sentence must name its budget and spent amounts, or the spent amount alone right after
    a sentence naming only the budget, perhaps with its 其中 parts ("全年预算数1250.00万元，其中…。
    全年执行数1212.50万元，执行率96.00%")."""
    text = span.text
    start, end = sentence_bounds(text, m.start())
    found = amounts(text, start, end)
    initial = [a for a in found if "年初" in _words_before(text, a.start, start)]
    if len(found) == 3 and len(initial) == 1:
        # "年初预算800万元，调整后预算数845.6万元，预算执行数813.89万元，预算执行率…": the other two are the rate's.
        found = [a for a in found if a is not initial[0]]
    else:
        initial = []
    roles = _roles(text, found, start)
    if len(found) == 1 and set(roles) == {"spent"} and start > 0:
        # The sentence before: one amount before any 其中 (its parts may follow), named as the whole budget.
        previous_start, previous_end = sentence_bounds(text, start - 1)
        opener = text.find("其中", previous_start, previous_end)
        head = (previous_start, previous_end if opener < 0 else opener)
        before = amounts(text, *head)
        budget = _roles(text, before, previous_start)
        if len(before) == 1 and set(budget) == {"budget"} and _BUDGET_TOTAL.search(text[head[0] : head[1]]):
            roles.update(budget)
    elif len(found) != 2:
        return None
    if set(roles) != {"budget", "spent"}:
        return None
    finding = _ratio_finding(ctx, span, roles["spent"], roles["budget"], m, f"执行数{roles['spent'].text}÷预算数{roles['budget'].text}")
    if finding is not None and initial and _ratio_finding(ctx, span, roles["spent"], initial[0], m, "") is None:
        return None  # a rate of the initial budget, as some reports compute it
    return finding


def _words_before(text: str, at: int, start: int) -> str:
    """The words of an amount's clause before it."""
    return text[max((c.end() for c in CLAUSE_END.finditer(text, 0, at)), default=start) : at]


def _roles(text: str, found: list[Amount], start: int) -> dict[str, Amount]:
    """Each amount's role by the words of its clause before it (see _role); the first of each role counts."""
    roles: dict[str, Amount] = {}
    for amount in found:
        words = _words_before(text, amount.start, start)
        role = _role(words)
        if role == "budget" and words.lstrip().startswith("其中"):
            # "使用资金30400万元，其中专项债券资金24000万元": a part of the figure before it, never the
            # budget that figure is spent from (a part may still be the spending: "其中已支出450万元").
            continue
        if role is not None:
            roles.setdefault(role, amount)
    return roles


def _ratio_finding(ctx: Context, span: TextSpan, part: Amount, base: Amount, m: re.Match, what: str):
    if not base.value:
        return None
    stated = parse_quantity(m.group("pct") + "%")
    assert stated.value is not None
    computed = part.value / base.value * HUNDRED
    spread = computed * ((part.slack / part.value if part.value else 0) + base.slack / base.value)
    if abs(computed - stated.value) <= stated.tolerance() + spread + Decimal("0.000001"):
        return None
    places = max(stated.decimals, 2)
    return ctx.finding(
        f"文字称“{m.group(0)}”，但按{what}计算为{fmt(computed, places)}%",
        [Evidence(quote=m.group(0), loc=span.loc.with_span(m.start(), m.end())), part.evidence(span), base.evidence(span)],
        expected=f"{fmt(computed, places)}%",
        actual=f"{fmt(stated.value)}%",
        suggestion="按所列金额重新计算比例，或更正金额。",
    )


def _role(words: str) -> str | None:
    """What the words before an amount name it: "budget", "spent", or None (anything else, or another year's figure)."""
    if any(w in words for w in OTHER_YEARS):
        return None
    if "预算执行" in words:
        return "spent"  # 预算执行数: what was spent of the budget
    if any(w in words for w in _BUDGET_WORDS):
        return "budget"
    if any(w in words for w in _SPENT_WORDS):
        return "spent"
    if any(w in words for w in _FUNDS_WORDS) and not any(w in words for w in _NOT_A_YEARS_FUNDS):
        return "budget"
    return None


_SENT = re.compile(r"发放(?:[^，,。；;\d]{0,10}?)(?P<n>\d+)\s*份")
_BACK = re.compile(r"(?:回收(?:有效)?(?:问卷)?|有效问卷)(?:共)?(?P<n>\d+)\s*份")
_BACK_RATE = re.compile(r"回收率(?:为|达|达到)?\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％]")
_ANSWERS = re.compile(r"[“\"「]?(?P<kind>非常不满意|非常满意|比较满意|较满意|基本满意|不满意|满意|一般)[”\"」]?(?:的|有|为|共)?\s*(?P<n>\d+)\s*份")
_SATISFACTION = re.compile(r"满意度(?:为|达|达到|是)?\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％]")
# Readings of the favourable answers, most common first.
_FAVOURABLE = (("非常满意", "满意", "比较满意", "较满意"), ("非常满意", "满意", "比较满意", "较满意", "基本满意"), ("非常满意", "满意"))


def _survey(ctx: Context, span: TextSpan):
    """回收率 and 满意度 of one paragraph's survey, recomputed from its counts of questionnaires."""
    text = span.text
    sent, back = _SENT.search(text), _BACK.search(text)
    if sent and back and (rate := _BACK_RATE.search(text, back.start())):
        found = _counted(ctx, span, rate, Decimal(back["n"]), [Decimal(sent["n"])], f"回收{back['n']}份÷发放{sent['n']}份")
        if found is not None:
            yield found
    answers = list(_ANSWERS.finditer(text))
    satisfaction = _SATISFACTION.search(text, answers[-1].end()) if answers else None
    if back is None or satisfaction is None or len({a["kind"] for a in answers}) != len(answers):
        return
    valid = Decimal(back["n"])
    if sum(Decimal(a["n"]) for a in answers) != valid:
        return  # the answers are not the valid questionnaires split by kind
    readings = [[a for a in answers if a["kind"] in kinds] for kinds in _FAVOURABLE]
    parts = [sum((Decimal(a["n"]) for a in r), Decimal(0)) for r in readings]
    what = "（" + "+".join(f"{a['kind']}{a['n']}份" for a in readings[0]) + f"）÷有效问卷{back['n']}份"
    found = _counted(ctx, span, satisfaction, valid, parts, what, divide=True)
    if found is not None:
        yield found


def _counted(ctx: Context, span: TextSpan, m: re.Match, whole: Decimal, parts: list[Decimal], what: str, divide: bool = False):
    """A finding when no reading of ``parts`` (÷ whole, or whole ÷ part) gives the stated percentage, else None."""
    stated = parse_quantity(m["pct"] + "%")
    assert stated.value is not None
    values = [p / whole * HUNDRED if divide else whole / p * HUNDRED for p in parts if (whole if divide else p)]
    if not values or any(abs(v - stated.value) <= stated.tolerance() + Decimal("0.000001") for v in values):
        return None
    places = max(stated.decimals, 2)
    return ctx.finding(
        f"文字称“{m.group(0)}”，但按{what}计算为{fmt(values[0], places)}%",
        [Evidence(quote=m.group(0), loc=span.loc.with_span(m.start(), m.end()))],
        expected=f"{fmt(values[0], places)}%",
        actual=f"{fmt(stated.value, stated.decimals)}%",
        suggestion="按问卷份数重新计算比例，或更正份数。",
    )
