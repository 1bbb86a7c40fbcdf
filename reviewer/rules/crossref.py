"""XREF: the same quantity stated in several places must agree (表间、表文一致)."""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import combinations

from reviewer.finding import Evidence
from reviewer.quantity import parse_quantity
from reviewer.report import Fact, Report
from reviewer.rules import Context, rule
from reviewer.rules.arithmetic import ev
from reviewer.rules.change_tables import changes_against_tables, no_carry_over_claim
from reviewer.rules.numbers import fmt, shown, tol
from reviewer.scopes import TEXT_PLACE

# Keys whose table values describe the whole department (comparable across parts).
DEPARTMENT_KEYS = {
    "一般公共预算", "政府性基金", "国有资本经营预算", "社会保险基金", "非税收入", "基本支出", "项目支出",
    "人员经费", "公用经费", "三公经费", "公务接待", "出国经费", "公务用车购置和维护经费", "编制数", "在职人数",
}
# 总分 is NARR003's: it reads every phrase of a score and knows which form a sentence speaks of.
NARRATIVE_KEYS = DEPARTMENT_KEYS | {"年度资金总额", "执行率", "控制率", "满意度"}
MEASURE_CLASS = {"决算": "actual", "执行": "actual", "实有": "actual", "预算": "budget", "年初预算": "initial"}


def _class(fact: Fact) -> str:
    return MEASURE_CLASS.get(fact.measure or "", "any")


def _compatible(a: Fact, b: Fact) -> bool:
    ca, cb = _class(a), _class(b)
    return ca == cb or "any" in (ca, cb)


def _same(a: Fact, b: Fact, extra: Decimal = Decimal(0)) -> bool:
    va, vb = a.value, b.value
    if va is None or vb is None:
        return False
    return abs(va - vb) <= tol(a) + tol(b) + extra


def _department_facts(by_key: dict[str, list[Fact]], key: str, year: int | None) -> list[Fact]:
    """Table facts about the whole department (not a single project) for one key and year (``by_key``: Report.facts_by_key())."""
    out = []
    for f in by_key.get(key, []):
        if f.source != "table" or f.value is None or f.part.startswith("项目") or f.quantity.is_range:
            continue  # a project's figure, or a target ("≥90%" beside 农户满意度 in a form read cell by cell)
        if year is not None and f.year is not None and f.year != year:
            continue
        if key in ("执行率", "年度资金总额", "总分", "满意度") and "部门整体" not in f.part:
            continue
        out.append(f)
    return out


KEY_UNITS = {"编制数": "名", "在职人数": "人", "执行率": "%", "总分": "分", "控制率": "%", "满意度": "%"}


def _unit(f: Fact) -> str:
    """The unit to show: the key's own unit, else 万元 for money."""
    return KEY_UNITS.get(f.key or "", "万元")


def _show(f: Fact) -> str:
    """The figure in its key's unit; an amount written in 元 is shown in 万元 to the cent of a 万元 (3456000 → 345.60)."""
    places = 2 if f.quantity.unit == "元" else f.quantity.decimals or None
    return f"{fmt(f.value, places)}{_unit(f)}"


@rule("XREF001", "error", "crossref", "同一数据在不同表格中不一致")
def tables_disagree(report: Report, ctx: Context):
    """The same quantity in the 基础数据表 and the 部门整体支出绩效自评表 must agree.

    Both tables describe the same department and year; 元 and 万元 are
    converted before comparing.

    Example: 基础数据表 项目支出 2023年决算数 816.23, 部门整体支出绩效自评表 项目支出
    806.23 → error.
    """
    by_key = report.facts_by_key()
    keys = {f.key for f in report.facts if f.key in DEPARTMENT_KEYS and f.source == "table"}
    for key in sorted(keys):
        facts = _department_facts(by_key, key, report.year)
        parts = sorted({f.part for f in facts})
        for pa, pb in combinations(parts, 2):
            fa = [f for f in facts if f.part == pa]
            fb = [f for f in facts if f.part == pb]
            pairs = [(a, b) for a in fa for b in fb if _compatible(a, b)]
            if not pairs or any(_same(a, b, ctx.settings.tolerance) for a, b in pairs):
                continue
            a, b = min(pairs, key=lambda p: (_class(p[0]) != "actual") + (_class(p[1]) != "actual"))
            yield ctx.finding(
                f"{key}：{a.loc.label}为{_show(a)}，{b.loc.label}为{_show(b)}，两处不一致"
                f"（差{fmt(abs(a.value - b.value))}{_unit(a)}）",
                [ev(a), ev(b)],
                actual=_show(a),  # 报告值 is the figure at the finding's place, the first evidence
                expected=_show(b),
                basis="compared",
                suggestion="核对两张表的同一数据，更正错误的一处。",
            )


@rule("XREF002", "error", "crossref", "文字称“无”某项资金，表格却有金额")
def denial_against_table(report: Report, ctx: Context):
    """A narrative denial ("无政府性基金安排支出") contradicts a positive table value.

    A denial of carry-over ("无结转结余") against a 年度资金总额 whose
    全年执行数 is below its 全年预算数 (of the department form, or the only
    form) is a warning: money neither spent nor returned (收回, 上缴, 交回,
    which the paragraph may not say) is carried over. A denial of last
    year's (上年结转) is no claim about this year.

    Example: 报告称"2023年本部门无政府性基金安排支出", 部门整体支出绩效自评表
    政府性基金拨款 152.85万元 → error; 报告称"全年预算资金全部执行到位，无结转结余",
    年度资金总额 全年预算数 12350.00、全年执行数 11986.91 → warning.
    """
    by_key = report.facts_by_key()
    scopes = ctx.scopes(report)
    for claim in report.facts:
        # A sentence about one unit or project says nothing of the department's tables.
        if claim.source != "narrative" or claim.polarity != "denies" or claim.key is None or scopes.of_fact(claim):
            continue
        positives = [f for f in by_key[claim.key] if f.source == "table" and f.value and f.value > 0 and (f.year in (None, claim.year))]
        if positives:
            f = max(positives, key=lambda x: x.value)
            yield ctx.finding(
                f"报告称“{claim.quote}”，但{f.loc.label}{claim.key}为{_show(f)}",
                [Evidence(quote=claim.quote, loc=claim.loc), ev(f)],
                expected=_show(f),
                basis="compared",
                actual=claim.quote,
                suggestion=f"核实是否有{claim.key}收支：有则在报告中如实说明，无则更正表格。",
            )
    yield from no_carry_over_claim(report, ctx)


@rule("XREF003", "error", "crossref", "报告文字中的数据与表格不一致")
def narrative_against_table(report: Report, ctx: Context):
    """Figures quoted in the narrative must match the tables (基本支出, 项目支出, 编制数, 执行率 …).

    A narrative figure that matches a different column of the same line
    (年初预算 instead of 执行数) is reported as a warning about the 口径.

    A budget figure the tables only show as an executed amount is a warning.
    The text's 全年预算数 / 全年执行数 (预算数（A） / 执行数（B）) are compared with the 年度资金总额 row of
    the department form, or, in a report whose only form is one project's
    and a sentence that names it (本项目, its name), of that project (元
    converted to 万元). A percentage (执行率, 满意度) must be
    written with %: "满意度调查有效问卷5600份" states no satisfaction.
    A target in a table ("≥90%") is no figure to compare with. A bound or
    an approximation ("执行率超过96%", "满意度均在90%以上",
    "约1.2亿元"), a figure per person or unit ("人均公用经费0.88万元") and a
    count beside a money or staff word ("项目支出共涉及3个项目", "在职人员中
    党员18人", "平均年龄45岁") state no figure of the tables; a figure is of the year written last
    before it ("2023年项目支出251.80万元，2024年项目支出288.60万元"), or of
    last year when 上年 is its subject's ("上年项目支出251.80万元"). A
    satisfaction of a group no satisfaction indicator of the form names
    ("企业满意度95%" beside the form's 居民满意度) is another survey's.

    A change against last year ("“三公”经费支出2.68万元，比上年增加0.62万元，
    增长30.10%") is checked against the table line whose figure of the year
    the amount is: its figure of the year before must be the amount less the
    increase (or plus the decrease).

    Example: 基础数据表 编制数 25, 报告 "编制数合计14名" → error; 报告 "群众满意度达100%",
    部门整体支出绩效自评表 满意度 实际完成值 90% → error; 报告 "本项目全年预算数370万元",
    项目支出绩效自评表 年度资金总额 全年预算数 360 → error.
    """
    by_key = report.facts_by_key()
    scopes = ctx.scopes(report)
    department: dict[tuple[str, int | None], list[Fact]] = {}  # per key and year: claims repeat them
    initial: list[Fact] | None = None
    for claim in report.facts:
        if claim.source != "narrative" or claim.polarity != "asserts" or claim.key not in NARRATIVE_KEYS or claim.value is None:
            continue
        if scopes.of_fact(claim):  # a sentence about one unit or project: the department's tables do not speak for it
            continue
        if (claim.key, claim.year) not in department:
            department[claim.key, claim.year] = _department_facts(by_key, claim.key, claim.year)
        tables = department[claim.key, claim.year]
        if claim.key == "满意度" and not _same_group(claim.label, tables):
            continue  # "企业满意度" while the form measured 居民满意度: a survey the tables do not report
        if claim.key == "年度资金总额":
            tables = _funds_total(report, tables, scopes.sentence(claim.loc), _whole_sentence(scopes, claim.loc))
        if not tables or any(_same(claim, t, ctx.settings.tolerance) for t in tables if _compatible(claim, t)):
            continue
        compatible = [t for t in tables if _compatible(claim, t)]
        if not compatible:
            continue
        # The same figure in another column (年初预算 instead of 执行数) means mixed 口径, not a typo.
        if initial is None:
            initial = [f for f in report.facts if f.source == "table" and f.measure == "年初预算" and "部门整体" in f.part]
        other_column = next((t for t in tables + (initial if _unit(claim) == "万元" else []) if _same(claim, t)), None)
        # Prefer the table figure of the same measure (预算 with 预算), then the executed one.
        best = min(compatible, key=lambda t: (_class(t) != _class(claim), _class(t) != "actual", abs(t.value - claim.value)))
        severity = "error"
        note = ""
        if other_column is not None:
            severity, note = "warning", f"（与{other_column.loc.label}一致，疑为口径混用）"
        elif _class(claim) in ("budget", "initial") and _class(best) != _class(claim):
            # A budget figure the tables do not state separately cannot be confirmed or refuted.
            severity = "warning"
        elif len(compatible) > 1 and claim.key == "满意度":
            # Several satisfaction indicators: the sentence may speak of one the tables do not list.
            severity = "warning"
        yield ctx.finding(
            f"报告称“{claim.quote}”，但{best.loc.label}{claim.key}为{_show(best)}{note}",
            [Evidence(quote=claim.quote, loc=claim.loc), ev(best)],
            expected=_show(best),
            basis="compared",
            actual=_show(claim),
            severity=severity,
            suggestion="统一报告文字与表格中的数据。",
        )
    yield from changes_against_tables(report, ctx)


_FULL_STOP = re.compile(r"[。！？!?\n]")
# Words that leave a satisfaction the whole one ("综合满意度", "服务对象满意度", "调查显示满意度").
_ANY_GROUP = re.compile(r"服务对象|社会公众|公众|群众|综合|总体|整体|平均|调查|问卷|显示|结果|经|的|为|度")


def _same_group(label: str, tables: list[Fact]) -> bool:
    """Whether a narrative 满意度 (its label holds whose: "企业满意度") may be a table's: it names no group,
    or its group shares two characters running with a table indicator's name."""
    group = _ANY_GROUP.sub("", label.removesuffix("满意度"))
    if len(group) < 2:
        return True
    pairs = {group[i : i + 2] for i in range(len(group) - 1)}
    return any(p in t.label for t in tables for p in pairs)


def _whole_sentence(scopes, loc) -> str:
    """The text of a paragraph or cell from its last full stop (。！？, not ；) up to ``loc.start``."""
    text = scopes.texts.get(TEXT_PLACE(loc), "")
    if loc.start is None:
        return text
    return text[max((m.end() for m in _FULL_STOP.finditer(text, 0, loc.start)), default=0) : loc.start]


def _funds_total(report: Report, department: list[Fact], sentence: str, whole: str = "") -> list[Fact]:
    """The 年度资金总额 amounts (not 分值 or 得分) a sentence's 全年预算数/全年执行数 speak of.

    A report with a department form: that form's, unless the sentence speaks
    of a project ("本项目全年预算数…"). A report with one project form and no
    department form: the project's, when the sentence names it (本项目, its
    name) — a department's text may come with one project's form only. The
    name may stand before a "；" in the same sentence ("本项目全年预算数…；全年执行数…"):
    ``whole`` is the sentence up to its last full stop.
    """
    if report.department is not None:
        return [] if "项目" in sentence else [f for f in department if f.measure in MEASURE_CLASS]
    named = whole or sentence
    if len(report.projects) != 1 or not ("项目" in named or (report.projects[0].name or "\0") in named):
        return []
    project = report.projects[0]
    return [f for f in report.facts if f.key == "年度资金总额" and f.source == "table" and f.value is not None
            and f.part in (project.display, f"项目「{project.name}」") and f.measure in MEASURE_CLASS]


@rule("XREF004", "error", "crossref", "报告中的增减幅度无法由所列金额算出")
def narrative_change_rate(report: Report, ctx: Context):
    """"比上年减少19.15万元，占比4.84%" must recompute: rate = change ÷ last year's amount.

    Last year's amount is this year's amount plus the decrease (or minus the
    increase), or the amount written after 比上年 itself ("比上年16.80万元减少
    2.52万元"). This year's amount is the one the change follows, or, after
    a list of several "其中" parts, the sentence's head ("三公经费18.60万元，其中
    接待费6.20万元、用车费12.40万元，比上年减少2.20万元" is of the 18.60).

    A change of a rate in 个百分点 is this year's rate less last year's:
    "执行率96.34%，较上年94.12%提高2.22个百分点".

    Example: 支出376.36万元，比上年减少19.15万元，下降6.0% (should be 4.84%) → error;
    执行率96.34%，较上年94.12%提高3.22个百分点 (should be 2.22) → error.
    """
    yield from _points_changes(report, ctx)
    groups: dict[tuple, dict[str, Fact]] = {}
    for f in report.facts:
        if f.source == "narrative" and f.key is None and f.label in ("变动基数", "上年数", "比上年减少", "比上年增加", "变动幅度"):
            groups.setdefault((f.loc.block, f.loc.start), {})[f.label] = f
    for group in groups.values():
        base, rate = group.get("变动基数") or group.get("上年数"), group.get("变动幅度")
        change = group.get("比上年减少") or group.get("比上年增加")
        if not (base and rate and change) or None in (base.value, rate.value, change.value):
            continue
        if base.label == "上年数":
            last = base.value
        else:
            last = base.value + change.value if "减少" in change.label else base.value - change.value
        if last == 0:
            continue
        computed = change.value / last * 100
        slack = tol(rate) + Decimal("0.01")
        if abs(computed - rate.value) > slack and abs(change.value / base.value * 100 - rate.value) > slack:
            yield ctx.finding(
                f"报告称“{rate.quote}”：按上年{fmt(last)}万元计算，{change.label[-2:]}{fmt(change.value)}万元的幅度应为"
                f"{fmt(computed, 2)}%，而非{fmt(rate.value)}%",
                [Evidence(quote=rate.quote, loc=rate.loc)],
                expected=f"{fmt(computed, 2)}%",
                actual=f"{fmt(rate.value)}%",
            )


# "96.34%，较上年94.12%提高2.22个百分点": this year's rate, last year's, and the change between them.
# A match starts where a number starts: tried inside a long run of digits, the pattern would
# backtrack over the rest of the run from every position (quadratic in the run's length).
_POINTS_CHANGE = re.compile(
    r"(?<![\d.])(?P<now>\d+(?:\.\d+)?)\s*[%％][，,]?\s*(?:较|比)(?:上年|去年|上一年度?|20\d{2}年度?)(?:同期)?的?\s*(?P<last>\d+(?:\.\d+)?)\s*[%％]\s*"
    r"(?P<dir>提高|上升|增加|增长|下降|降低|减少)了?\s*(?P<pp>\d+(?:\.\d+)?)\s*个百分点"
)


def _points_changes(report: Report, ctx: Context):
    for span in report.texts:
        if "个百分点" not in span.text:  # every match holds it
            continue
        for m in _POINTS_CHANGE.finditer(span.text):
            now, last, pp = (parse_quantity(m.group(k) + "%") for k in ("now", "last", "pp"))
            sign = -1 if m.group("dir") in ("下降", "降低", "减少") else 1
            computed = now.value - last.value
            if abs(computed - sign * pp.value) <= tol(now) + tol(last) + tol(pp):
                continue
            word = "提高" if computed >= 0 else "下降"
            yield ctx.finding(
                f"报告称“{m.group(0)}”：按{fmt(now.value)}%与上年{fmt(last.value)}%计算，应为{word}{fmt(abs(computed), 2)}个百分点，"
                f"而非{m.group('dir')}{fmt(pp.value)}个百分点",
                [Evidence(quote=m.group(0), loc=span.loc.with_span(m.start(), m.end()))],
                expected=f"{word}{fmt(abs(computed), 2)}个百分点",
                actual=f"{m.group('dir')}{fmt(pp.value)}个百分点",
            )


# Words many indicators end in: sharing them says nothing about being the same indicator.
GENERIC_WORDS = re.compile(
    r"人数|人次|户数|个数|次数|数量|总数|数|率|面积|长度|金额|指标|情况|完成|服务|保障|覆盖|实施|开展|新增|累计|年度|全年|[\s（）()≥≤]"
)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _same_indicator(a: str, b: str) -> bool:
    """Whether two indicator names name one thing: their distinctive words (generic tails such as
    人数, 数量, 率 removed) share at least half of the shorter name's pairs of characters, and the
    last pair of each — what a Chinese name counts ("老旧小区改造" counts 改造s, "老旧小区乡镇" 乡镇s) —
    is among the other's."""
    ta, tb = GENERIC_WORDS.sub("", a), GENERIC_WORDS.sub("", b)
    ga, gb = _bigrams(ta), _bigrams(tb)
    if not ga or not gb or ta[-2:] not in gb or tb[-2:] not in ga:
        return False
    return len(ga & gb) * 2 >= min(len(ga), len(gb))


@rule("XREF005", "warning", "crossref", "部门表与项目表中的同一指标取值不一致")
def indicator_department_project(report: Report, ctx: Context):
    """The same indicator in the department table and a project table must agree.

    Matched by unit (人, 个, 项 …) and by the indicator's distinctive name:
    half of the shorter name's character pairs, once generic words (人数,
    数量, 率, 服务 …) are removed, must be shared, and so must what each
    name counts, its last two characters. 「城乡低保保障人数」 and
    「上门服务老年人数」 share only 人数 and are different indicators;
    「老旧小区改造数量」 and 「老旧小区覆盖乡镇数」 count 改造s and 乡镇s.

    Example: 部门整体表 费用人数 70人, 项目表 费用指标 56人 → warning.
    """
    dept = report.department
    if dept is None or dept.indicators is None:
        return
    counted = {"人", "名", "个", "项", "次", "件", "户", "家", "台", "套", "人次"}
    for project in report.projects:
        if project.indicators is None:
            continue
        for d in dept.indicators.indicators:
            for p in project.indicators.indicators:
                if d.actual.value is None or p.actual.value is None or d.actual.unit != p.actual.unit or d.actual.unit not in counted:
                    continue
                if not _same_indicator(d.level3, p.level3) or d.actual.value == p.actual.value:
                    continue
                yield ctx.finding(
                    f"{d.loc.label}「{d.name}」实际完成值{shown(d.actual)}，{p.loc.label}「{p.name}」为{shown(p.actual)}，"
                    f"疑为同一指标取值不一致",
                    [Evidence(quote=d.actual.raw, loc=d.locs.get("actual", d.loc)), Evidence(quote=p.actual.raw, loc=p.locs.get("actual", p.loc))],
                    actual=shown(d.actual),  # 报告值 is the figure at the finding's place, the first evidence
                    expected=shown(p.actual),
                    basis="compared",
                    suggestion="核实两张表是否为同一口径；是则统一数值。",
                )


_NAME_NOISE = re.compile(r"[\s\d、.．（）()“”\"]|项目|经费|资金")


def _norm_name(text: str) -> str:
    return _NAME_NOISE.sub("", text)


@rule("XREF006", "error", "crossref", "项目表的全年执行数与基础数据表中同名项目不一致")
def project_against_basic_data(report: Report, ctx: Context):
    """A project's 全年执行数 must equal its line in the 基础数据表 (this year's 决算数).

    Example: 项目表「政务中心运行经费」全年执行数 182, 基础数据表 "3、政务中心运行经费"
    2024年决算数 172 → error.
    """
    data = report.basic_data
    if data is None or report.year is None:
        return
    col = next((i for i, c in enumerate(data.columns) if c.year == report.year and c.measure == "决算"), None)
    if col is None:
        return
    for project in report.projects:
        total = project.funds.total if project.funds else None
        actual = total.cells.get("actual") if total else None
        if actual is None or actual.value is None or not project.name:
            continue
        name = _norm_name(project.name)
        for line in data.lines:
            if line.kind != "item" or col >= len(line.values):
                continue
            other = _norm_name(line.label)
            if not name or not other or (name != other and name not in other and other not in name):
                continue
            fact = line.values[col]
            if fact.value is not None and not _same(fact, actual, ctx.settings.tolerance):
                yield ctx.finding(
                    f"项目「{project.name}」全年执行数{fmt(actual.value)}万元，基础数据表「{line.label}」"
                    f"{data.columns[col].label.replace(' ', '')}为{fmt(fact.value)}万元",
                    [ev(actual), ev(fact)],
                    expected=f"{fmt(fact.value)}万元",
                    basis="compared",
                    actual=f"{fmt(actual.value)}万元",
                    suggestion="核对项目执行数与基础数据表项目支出明细。",
                )


_NO_OVERRUN = re.compile(r"(?:无|没有|未发生|不存在|未出现)\s*(?:超预算|超标准|超范围)\s*(?:支出|开支|现象|情况)?|未超预算|不超预算")


@rule("XREF007", "error", "crossref", "报告称“无超预算支出”，表格却显示执行数超过预算数")
def no_overrun_claim(report: Report, ctx: Context):
    """A claim of compliance ("无超预算支出") must hold in the tables.

    Checked against every funds row: 全年执行数 above 全年预算数 (the adjusted
    full-year budget); and against a project's key-value funds: 实际支出 above
    计划安排资金. The 基础数据表 预算数 column is the initial
    budget, which in-year additions legitimately exceed, so it is not used.

    Example: 报告 "全年无超预算支出", 年度资金总额 全年预算数 100.00, 全年执行数 112.50 → error.
    """
    overruns: list[tuple[Fact, Fact]] = []
    for e in report.evaluations:
        for row in e.funds.rows if e.funds else []:
            budget, actual = row.cells.get("budget"), row.cells.get("actual")
            if budget and actual and budget.value is not None and actual.value is not None:
                if actual.value - budget.value > tol(actual) + tol(budget) + ctx.settings.tolerance:
                    overruns.append((budget, actual))
    # A project's key-value funds: 实际支出 above 计划安排资金 (above 实际到位资金 alone is no 超预算).
    stages: dict[str, dict[str, Fact]] = {}
    for f in report.facts:
        if f.source == "table" and f.label in ("计划安排资金", "实际支出") and f.value is not None:
            stages.setdefault(f.part, {}).setdefault(f.label, f)
    for stage in stages.values():
        plan, spent = stage.get("计划安排资金"), stage.get("实际支出")
        if plan and spent and spent.value - plan.value > tol(spent) + tol(plan) + ctx.settings.tolerance:  # type: ignore[operator]
            overruns.append((plan, spent))
    if not overruns:
        return
    # The claim is looked for only when a table overruns (every claim's words hold 超).
    claims = [(span, m) for span in report.texts if "超" in span.text for m in _NO_OVERRUN.finditer(span.text)]
    if not claims:
        return
    span, m = claims[0]
    budget, actual = overruns[0]
    more = f"等{len(overruns)}处" if len(overruns) > 1 else ""
    yield ctx.finding(
        f"报告称“{m.group(0)}”，但{actual.loc.label}{fmt(actual.value)}万元超过{budget.loc.label}{fmt(budget.value)}万元{more}",
        [Evidence(quote=m.group(0), loc=span.loc.with_span(m.start(), m.end())), ev(actual), ev(budget)],
        expected=f"≤{fmt(budget.value)}万元",
        basis="required",
        actual=f"{fmt(actual.value)}万元",
        suggestion="如实说明超预算支出的原因，或核对表格数据。",
    )
