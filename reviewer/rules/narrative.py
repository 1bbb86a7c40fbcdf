"""NARR: what the narrative's own figures fix — its sums, shares, scores and claims — checked without a model.

Every text of the report is read (paragraphs and text cells alike: a
project form's 实际完成情况 cell is prose too). A check speaks only when the
sentence leaves no doubt about what it adds up or compares; anything less
certain is skipped or, at most, a warning.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reviewer.finding import Evidence
from reviewer.quantity import parse_quantity
from reviewer.report import Evaluation, Fact, Report, TextSpan
from reviewer.rules import Context, rule
from reviewer.rules.arithmetic import ev
from reviewer.levels import complete_levels, gov_level, unit_level
from reviewer.rules.numbers import fmt, shown
from reviewer.rules.targets import assess
from reviewer.rules.text_amounts import (
    CHANGE,
    CLAUSE_END,
    COMPLETE_SPLITS,
    PART_END,
    Amount,
    amounts,
    clauses,
    list_end,
    named,
    occurrences,
    part_amounts,
    sentence_bounds,
    show,
)

SEMICOLON = re.compile(r"[；;]")
SUM_WORDS = re.compile(r"合计|共计|总计")  # not 累计: "累计完成" is a running total of other years
_QIZHONG = re.compile(r"其中[:：]?")
# An amount per person, place or unit ("每公里", "平均", "人均", "单个村补助标准"), not a total.
_PER_UNIT = re.compile(r"每|平均|[人户亩村站]均|单个|标准")
# Before the amount, a use the project's money went to ("用于设备购置48万元") or what it did not spend ("节约资金"):
# a part or a remainder ("98.10万元已全部用于年度任务" is the whole).
_PART_OR_LEFT = ("用于", "节约", "节省", "节余", "剩余", "未使用", "未执行", "差额")
_DIGIT = re.compile(r"\d")
HUNDRED = Decimal(100)
# Figures of other years or of what is left (a multi-year project's 总投资, 上年结转): never one year's budget or spending.
OTHER_YEARS = ("总投资", "概算", "结转", "结余", "上年", "以前年度", "历年")


@rule("NARR001", "error", "narrative", "文字中的合计或总数与“其中”所列各项之和不一致")
def text_sums(report: Report, ctx: Context):
    """A total the text states must equal the parts it lists with it.

    Two shapes are read, in any paragraph or text cell: a total followed by
    "其中" and one amount per clause ("共完成89.97万元。其中：30万元…；30万元…；
    29.99万元…"), and parts followed by "合计/共计" and the total. Parts above
    the total are always wrong (the list ends with its enumeration: at a
    clause naming its own quantity such as "；全年执行数…", or a sibling of
    the total); parts below it are wrong only when the
    "合计" closes the list or the parts are a complete split (人员经费 + 公用经费
    of 基本支出, 基本支出 + 项目支出 of 支出, or levels of government — 中央、省级、
    县级资金 — reaching down to the unit's own level), since a "其中" may name
    some items only. The total may be followed by what it is for before
    its parts ("基本支出418.80万元，主要用于人员工资和机关运转，其中…": a
    clause without figures). Whole amounts are taken as exact, "29.99" as ±0.005.

    Example: 共完成预算资金89.97万元。其中：30万元用于预算编制；30万元用于审计；
    29.99万元用于设计测绘 → 30 + 30 + 29.99 = 89.99 ≠ 89.97 → error.
    """
    bottom = unit_level(report.unit)
    for span in report.texts:
        text = span.text
        # Only a text with the patterns' words (其中; 合计, 共计, 总计) is searched: most cells have none.
        for m in _QIZHONG.finditer(text) if "其中" in text else ():
            finding = _qizhong(ctx, span, m.start(), m.end(), bottom)
            if finding is not None:
                yield finding
        for m in SUM_WORDS.finditer(text) if "计" in text else ():
            finding = _closing_total(ctx, span, m.start(), m.end())
            if finding is not None:
                yield finding


def _qizhong(ctx: Context, span: TextSpan, at: int, after: int, bottom: int):
    """"TOTAL，其中：a，b" or "TOTAL。其中：a；b；c。" — the total must be the only amount where it is looked for.

    Mid-sentence, that is the clause just before 其中; when 其中 opens a
    sentence, the whole sentence before. Two amounts there ("支出480万元，结余20万元。
    其中…") leave the parent unclear, and nothing is checked.
    """
    text = span.text
    start, _ = sentence_bounds(text, at)
    if text[start:at].strip(" ，,：:"):
        before_qizhong = [c for c in clauses(text, start, at) if text[c[0] : c[1]].strip(" ：:")]
        # "基本支出418.80万元，主要用于人员工资和机关运转，其中…": a clause without figures that only
        # says what the total is for stands between the total and its parts.
        while len(before_qizhong) > 1 and not _DIGIT.search(text, *before_qizhong[-1]):
            before_qizhong.pop()
        region = before_qizhong[-1]
    else:  # 其中 opens a sentence: the total is the previous sentence's
        region = sentence_bounds(text, max(0, start - 1))
    before = amounts(text, *region)
    if len(before) != 1 or CHANGE.search(text, *region):
        return None
    total = before[0]
    clause_start = region[0]
    _, end = sentence_bounds(text, after)
    closing = SUM_WORDS.search(text, after, end)
    end = list_end(text, after, closing.start() if closing else end, text[clause_start : total.start])
    parts = part_amounts(text, after, end)
    if not parts or len(parts) < 2:
        return None
    names = {named(text, before[-1][0] if (before := clauses(text, after, p.start, PART_END)) else after, p.start) for p in parts}
    complete = any(names == split and key in text[clause_start : total.start] for key, split in COMPLETE_SPLITS.items())
    levels = [gov_level(n) for n in names]
    if None not in levels and complete_levels(levels, bottom):
        complete = True  # 中央、省级、县级资金 down to the unit's level: the whole, not some items
    return _mismatch(ctx, span, total, parts, complete=complete)


def _closing_total(ctx: Context, span: TextSpan, at: int, after: int):
    """"a，b，合计TOTAL" — the parts are the amounts since the sentence start (or the last 其中)."""
    text = span.text
    start, end = sentence_bounds(text, at)
    totals = amounts(text, after, min(end, after + 12))
    if not totals or not text[after : totals[0].start].strip(" ：:为是达") == "":
        return None
    opener = text.rfind("其中", start, at)
    first = opener + 2 if opener >= 0 else start
    parts = part_amounts(text, first, at)
    if not parts or len(parts) < 2:
        return None
    return _mismatch(ctx, span, totals[0], parts, complete=True)


def _mismatch(ctx: Context, span: TextSpan, total: Amount, parts: list[Amount], complete: bool):
    """The finding when the parts and the total cannot meet within rounding (None when they can)."""
    summed = sum((p.value for p in parts), Decimal(0))
    slack = total.slack + sum((p.slack for p in parts), Decimal(0)) + ctx.settings.tolerance
    over = summed - total.value > slack
    under = total.value - summed > slack
    if not over and not (under and complete):
        return None
    listed = " + ".join(p.text.replace("万元", "").replace(" ", "") for p in parts)
    return ctx.finding(
        f"文字称合计{total.text}，但所列各项 {listed} = {show(summed, total, *parts)}，两者不一致"
        f"（差{show(abs(summed - total.value), total, *parts)}）",
        [total.evidence(span)] + [p.evidence(span) for p in parts],
        expected=show(summed, total, *parts),
        actual=total.text,
        suggestion="核对各分项金额与合计数，更正错误的一处。",
    )


_SCORE = re.compile(
    r"(?P<word>绩效自评综合得分|自评综合得分|综合评分|综合得分|自评得分|自评总分|评价得分|总得分|自评分数|自评结果)"
    r"(?:为|是|达到|达|[:：])?\s*(?P<score>\d+(?:\.\d+)?)\s*分"
)


def _scored_form(report: Report, sentence: str) -> Evaluation | None:
    """The form a score sentence speaks of: a project it names, else the report's scored form (Report.scored_form)."""
    scored = [e for e in report.projects if e.indicators and e.indicators.total_score and e.indicators.total_score.value is not None]
    named_projects = [e for e in scored if e.name and e.name in sentence]
    if len(named_projects) == 1:
        return named_projects[0]
    form = report.scored_form
    if named_projects or form is None:
        return None
    # "项目…得分" in a department report may be about a project the sentence does not name.
    if form.kind == "department" and "项目" in sentence and "整体" not in sentence:
        return None
    return form


def _score_of(report: Report, sentence: str) -> tuple[Evaluation, Fact] | None:
    """The form a score sentence speaks of and its total: the form's 总分, else (no form has one)
    the department form's one stated score ("综合得分 | 88.5" beside 评价等次)."""
    form = _scored_form(report, sentence)
    if form is not None:
        return form, form.indicators.total_score  # type: ignore[union-attr,return-value]
    department = report.department
    if report.scored_form is not None or department is None or ("项目" in sentence and "整体" not in sentence):
        return None
    if any(e.name and e.name in sentence for e in report.projects):
        return None
    stated = {f.value: f for f in report.facts if f.key == "总分" and f.source == "table" and f.part == department.display and f.value is not None}
    return (department, next(iter(stated.values()))) if len(stated) == 1 else None


_OWNER_WORDS = re.compile(r"部门|整体|项目|单位")


def _score_clause(report: Report, text: str, scores: list[re.Match], i: int) -> tuple[int, int]:
    """The part of its sentence a score speaks in: cut at ；/; and at the sentence's other scores,
    when that part names its owner (部门整体…, a project); else the whole sentence.

    "部门整体支出绩效自评得分99.80分；农村供水保障工程项目自评得分98.80分" gives
    each score its own owner; "农村供水保障工程全面完工；自评得分98.80分" is the project's.
    """
    m = scores[i]
    sentence = sentence_bounds(text, m.start())
    start = max([sentence[0]] + [s.end() for s in SEMICOLON.finditer(text, sentence[0], m.start())])
    if i > 0:
        start = max(start, scores[i - 1].end())
    stop = SEMICOLON.search(text, m.end(), sentence[1])
    end = stop.start() if stop else sentence[1]
    if i + 1 < len(scores):
        end = min(end, scores[i + 1].start())
    clause = text[start:end]
    if _OWNER_WORDS.search(clause) or any(e.name and e.name in clause for e in report.projects):
        return start, end
    return sentence


# The year a score's lead names last: this one (本年, 2024年) or another (上年, 2023年度).
_WHICH_YEAR = re.compile(r"本年|今年|当年|上年|去年|上一年|前一年|往年|以前年度|(20\d{2})\s*年")


def _of_another_year(lead: str, year: int | None) -> bool:
    """Whether the words before a score, since the sentence's start or its previous score, make it another year's."""
    marks = list(_WHICH_YEAR.finditer(lead))
    if not marks:
        return False
    last = marks[-1]
    if last.group(1):
        return year is not None and int(last.group(1)) < year  # a later year is the date of the evaluation
    return last.group(0) not in ("本年", "今年", "当年")


@rule("NARR003", "error", "narrative", "文字所述自评得分与自评表总分不一致")
def text_score(report: Report, ctx: Context):
    """The score the text gives ("自评得分为92分", "综合评分为97分") must be the form's 总分.

    Each score is read in its own clause (up to ；, or the sentence's next
    score): "部门整体支出绩效自评得分99.8分；某某项目自评得分98.8分" compares
    each with its own form. A clause naming a project is compared with that
    project's form; any
    other with the 部门整体支出绩效自评表 (or the only form), or, when no form
    has a 总分 row, with the score the department form states beside its
    grade (综合得分 | 88.5 | 评价等次 | 优). A score rounded to
    the points written is accepted (97分 for 96.8). A score of another year
    ("较上年自评得分96.38分", "2023年度…自评得分为96.38分") is not compared.
    This rule alone compares scores: XREF003 leaves 总分 to it.

    Example: 部门整体支出绩效自评表 总分 92.5, 报告 "综合评分为97分" → error.
    """
    scopes = ctx.scopes(report)
    for span in report.texts:
        scores = list(_SCORE.finditer(span.text)) if "分" in span.text else []  # every score ends in 分
        for i, m in enumerate(scores):
            lead = span.text[max(sentence_bounds(span.text, m.start())[0], scores[i - 1].end() if i else 0) : m.start()]
            if _of_another_year(lead, report.year):
                continue  # "较上年自评得分96.38分", "2023年度…自评得分为96.38分": last year's score
            start, end = _score_clause(report, span.text, scores, i)
            scored = _score_of(report, span.text[start:end])
            if scored is None or not scopes.about_form(scored[0], span.text[start : m.start()], span.loc):
                continue
            form, total = scored
            said = parse_quantity(m.group("score") + "分")
            assert said.value is not None and total.value is not None
            if abs(said.value - total.value) <= said.tolerance() + total.quantity.tolerance() + ctx.settings.tolerance:
                continue
            yield ctx.finding(
                f"文字称“{m.group(0)}”，但{form.display}{total.label or '总分'}为{fmt(total.value)}分",
                [Evidence(quote=m.group(0), loc=span.loc.with_span(m.start(), m.end())), ev(total)],
                expected=f"{fmt(total.value)}分",
                actual=f"{fmt(said.value)}分",
                basis="compared",  # the form's own 总分, not a figure recomputed here
                suggestion="统一报告文字与自评表中的得分。",
            )


_ALL_DONE = re.compile(
    r"(?:各项|全部|所有)(?:绩效)?(?:目标|指标)(?:均|全部|都)?(?:已|已经)?(?:全部|全面|圆满|顺利)?(?:完成|达到|达成|实现|达标)"
    r"|(?:绩效)?指标(?:均|全部|都)(?:已|已经)?(?:全部|全面|圆满|顺利)?(?:完成|达到|达成|实现|达标)"
)
_NEGATED = re.compile(r"[未没不非]\S?$")
# A claim about some indicators only: "除“合格率”外，其余指标均已完成", "其他指标均已完成", "6项指标均已完成".
_EXCEPT = re.compile(r"除.{0,60}?(?:外|以外|之外)")
_SOME_ONLY = re.compile(r"(?:其余|其他|其它|剩余|余下|另外|大部分|大多数|多数|部分|\d+项|[一二两三四五六七八九十]+项)的?$")


@rule("NARR004", "error", "narrative", "文字称指标全部完成，自评表却有未完成的指标")
def all_targets_met_claim(report: Report, ctx: Context):
    """A claim that every indicator was met ("各项指标均已完成") must hold in the indicator table.

    Checked against the 部门整体支出绩效自评表 (or the only form), with the
    same comparison of target and actual as the scoring rules; indicators
    whose values cannot be compared are left out. A claim about some
    indicators only ("除…外，其余指标均已完成", "其他指标", "4项指标均已完成")
    claims nothing about the ones it leaves out.

    Example: 报告 "各项指标均已完成", 指标 "合格率" 年度指标值 ≥95%, 实际完成值 90% → error.
    """
    forms = [e for e in report.evaluations if e.indicators and e.indicators.indicators]
    form = next((e for e in forms if e.kind == "department"), forms[0] if len(forms) == 1 else None)
    if form is None:
        return
    missed = [(i, a) for i in form.indicators.indicators if (a := assess(i)) is not None and not a.met]  # type: ignore[union-attr]
    if not missed:
        return
    scopes = ctx.scopes(report)
    for span in report.texts:
        for m in _ALL_DONE.finditer(span.text) if "标" in span.text else ():  # every claim names 目标 or 指标
            if _NEGATED.search(span.text[max(0, m.start() - 2) : m.start()]):
                continue
            before = span.text[sentence_bounds(span.text, m.start())[0] : m.start()]
            if _EXCEPT.search(before) or _SOME_ONLY.search(before[-6:]):
                continue  # the claim leaves some indicators out: not a claim that all were met
            if not scopes.about_form(form, before, span.loc):
                continue  # a sentence about another project or unit
            first, assessment = missed[0]
            more = f"等{len(missed)}项" if len(missed) > 1 else ""
            yield ctx.finding(
                f"文字称“{m.group(0)}”，但{form.display}「{first.name}」{assessment.explanation}{more}",
                [Evidence(quote=m.group(0), loc=span.loc.with_span(m.start(), m.end()))]
                + [Evidence(quote=i.actual.raw, loc=i.locs.get("actual", i.loc)) for i, _ in missed[:3]],
                expected="如实说明未完成的指标",
                actual=m.group(0),
                suggestion="如实说明未完成的指标及原因，或核对自评表的实际完成值。",
            )
            break  # one claim per text is enough


@rule("NARR005", "warning", "narrative", "文字所述项目金额与项目自评表不符")
def project_amounts(report: Report, ctx: Context):
    """An amount stated right after a project's name must be one of that project's funds figures.

    The clause must name the project and carry one amount, with no change,
    share or "其中" in it, not per unit (每公里, 平均, 人均, 单个), not a use
    (用于设备购置) or a saving (节约资金), and not of other years (总投资, 累计, 上年结转); the amount is compared with every figure of the
    project's funds block (年初预算数, 全年预算数, 全年执行数 of each source)
    and of its money tables (支出明细 lines and 支出合计).
    A warning: the sentence may speak of a part of the project.

    Example: 项目表「乡村阅读推广」全年预算数 40.00、全年执行数 39.20, 报告
    "乡村阅读推广项目全年支出45.00万元" → warning.
    """
    projects = [e for e in report.projects if e.name and len(e.name) >= 4 and e.funds and e.funds.rows]
    # Each distinct name is looked for once per text: a text × project scan grows as the square of the report.
    by_name: dict[str, list[int]] = {}
    for i, project in enumerate(projects):
        by_name.setdefault(project.name, []).append(i)
    shortest = min((len(name) for name in by_name), default=0)
    money_of: dict[int, list[Fact]] = {}  # a project's amounts, gathered when its name is first met with an amount
    for span in report.texts:
        text = span.text
        if not by_name or len(text) < shortest:
            continue  # too short to name a project (most cells)
        named = sorted(i for name, indices in by_name.items() if name in text for i in indices)
        for i in named:
            project = projects[i]
            for at, after in occurrences(text, project.name):
                clause_end = CLAUSE_END.search(text, after)
                end = clause_end.start() if clause_end else len(text)
                found = amounts(text, after, end)
                said = text[after:end]
                if len(found) != 1 or CHANGE.search(text, after, end) or "其中" in said or any(w in said for w in (*OTHER_YEARS, "累计")):
                    continue
                lead = text[after : found[0].start]
                if _PER_UNIT.search(said) or any(w in lead for w in _PART_OR_LEFT):
                    continue  # "每个项目点平均投入77.58万元", "用于设备购置48万元", "节约资金3.00万元": not the project's funds
                if i not in money_of:
                    money_of[i] = _project_money(report, project)
                money = money_of[i]
                if not money or any(abs(f.value - found[0].value) <= found[0].slack + Decimal("0.005") for f in money):
                    continue
                total = project.funds.total  # type: ignore[union-attr]
                shown = [total.cells[c] for c in ("budget", "actual") if total and c in total.cells and total.cells[c].value is not None]
                yield ctx.finding(
                    f"文字称“{text[at:end].strip()}”，但{project.display}中没有这个金额"
                    + (f"（{'、'.join(f'{f.loc.label}为{_money(f)}' for f in shown)}）" if shown else ""),
                    [found[0].evidence(span)] + [ev(f) for f in shown],
                    expected="、".join(_money(f) for f in shown) or None,
                    actual=found[0].text,
                    suggestion="核对文字中的项目金额与项目自评表资金情况。",
                )


def _project_money(report: Report, project: Evaluation) -> list[Fact]:
    """The amounts of a project: its funds block's figures (not rates) and its money tables' (支出明细 lines and totals)."""
    figures = [f for row in project.funds.rows for f in row.cells.values() if f.value is not None and f.key != "执行率"]  # type: ignore[union-attr]
    money = [f for f in figures if f.quantity.unit != "%" and "%" not in f.quantity.raw]
    money += [f for t in report.money_tables if t.part == project.display for r in t.rows for f in r.values if f and f.value is not None]
    return money


def _money(fact: Fact) -> str:
    """A table amount with the decimals it was written with ("39.20万元")."""
    return f"{fmt(fact.value, fact.quantity.decimals or None)}万元"


_FULL_SATISFACTION = re.compile(r"满意度(?:均|总体)?(?:达到|达|为|是)?\s*100\s*[%％]")


@rule("NARR006", "error", "narrative", "文字称满意度100%，项目自评表的满意度指标却未到100%")
def full_satisfaction_claim(report: Report, ctx: Context):
    """"满意度100%" in a project report must be what the project's satisfaction indicators measured.

    The sentence's project (named, or the only one) is checked: every
    满意度 indicator with a measured percentage below 100 contradicts it. A
    department report's claim is compared by XREF003 instead.

    Example: 项目表 读者满意度 实际完成值 96%, 报告 "读者满意度100%" → error.
    """
    if report.department is not None:
        return
    for span in report.texts:
        for m in _FULL_SATISFACTION.finditer(span.text) if "满意度" in span.text else ():
            start, end = sentence_bounds(span.text, m.start())
            named_projects = [e for e in report.projects if e.name and e.name in span.text[start:end]]
            candidates = named_projects or report.projects
            if len(candidates) != 1 or candidates[0].indicators is None:
                continue
            form = candidates[0]
            measured = [
                i for i in form.indicators.indicators  # type: ignore[union-attr]
                if "满意" in i.name and i.actual.value is not None and i.actual.unit == "%" and not i.actual.is_range
            ]
            if not measured or any(i.actual.value >= 100 for i in measured):
                continue
            first = measured[0]
            yield ctx.finding(
                f"文字称“{m.group(0)}”，但{form.display}「{first.name}」实际完成值为{shown(first.actual)}",
                [Evidence(quote=m.group(0), loc=span.loc.with_span(m.start(), m.end()))]
                + [Evidence(quote=i.actual.raw, loc=i.locs.get("actual", i.loc)) for i in measured[:3]],
                expected=first.actual.raw.strip(),
                actual="100%",
                suggestion="统一报告文字与自评表中的满意度。",
            )
