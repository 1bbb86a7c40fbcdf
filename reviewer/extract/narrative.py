"""Read the narrative report: numbered sections, signature lines and labelled numbers."""

from __future__ import annotations

import re
from typing import NamedTuple

from reviewer.document import Paragraph
from reviewer.extract.vocabulary import KEY_PATTERN, key_of_synonym
from reviewer.quantity import parse_quantity
from reviewer.report import Fact, Section, Signature, TextSpan

CN_NUM = "一二三四五六七八九十"
_HASHES = re.compile(r"^#{1,6}\s*")
_H1 = re.compile(rf"^\s*([{CN_NUM}]+)\s*[、.．]\s*(.+)$")
_H2 = re.compile(rf"^\s*[（(]\s*([{CN_NUM}]+)\s*[)）]\s*[、.．]?\s*(.+)$")
_SPACES = re.compile(r"\s+")
_TITLE_AND_BODY = re.compile(r"^(.{2,40}?)([:：]|\s+|。)(.+)$")

# The Hunan template's level-1 titles; exports often lose their "一、" numbering.
STANDARD_SECTIONS = (
    "部门基本情况",
    "一般公共预算支出情况",
    "政府性基金预算支出情况",
    "国有资本经营预算支出情况",
    "社会保险基金预算支出情况",
    "部门整体支出绩效情况",
    "存在的问题及原因分析",
    "下一步改进措施",
    "部门整体支出绩效自评结果拟应用和公开情况",
    "其他需要说明的情况",
)

_NUMBER = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)\s*(万\s*元|亿\s*元|元|%|％|名|人|个|项|次|件)?")
# Keys whose value is a percentage: only a number written with % states them.
_PERCENT_KEYS = ("满意度", "执行率", "控制率")
# "行政编制数4名" is not the 编制数 total (nor 在职人数 of one kind of staff the total).
_QUALIFIED = ("行政", "事业", "工勤", "参公", "机关", "下属", "人员")
_CLAUSE_END = re.compile(r"[。；;！!？?\n]")
_COUNT_KEYS = ("编制数", "在职人数")
_MONEY_UNITS = ("万元", "亿元", "元")
# What may stand between a head count's keyword and its number ("在职人员共30人"); anything else names some of them.
_COUNT_BETWEEN = re.compile(r"^(?:数|人数|为|是|共|共有|有|合计|总数|达到?|[\s:：])*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# "人均“三公”经费", "平均每人公用经费", "单个项目": a figure per person or unit, just before the keyword.
_PER_UNIT = re.compile(r"(?:[人户亩村]均|平均|单个|每[^，,、\d]{0,3})[“\"]?$")
# Between the keyword and its number, or right after the number: a bound or an approximation.
_BOUND_BEFORE = re.compile(r"超过|超出|高于|低于|不低于|不少于|不足|不超过|不到|逾|约|近|接近|在$")
_BOUND_AFTER = ("以上", "以下", "以内", "之内", "左右", "多", "余")
_DENIAL = re.compile(r"(无|没有|未安排|未发生)\s*$")
# "无“三公”经费超标准支出", "无政府性基金挤占挪用问题": what is denied is a breach of the money's rules, not the money.
_NOT_THE_FUND = re.compile(r"[^，,。；;]{0,4}?(?:超|违规|违纪|挤占|挪用|截留|浪费|滞留|问题|不规范|不合规)")
_YEAR = re.compile(r"(20\d{2})\s*年")
_SIGNATURE = re.compile(r"填表人|填报人|制表人|填报日期|联系电话")
_SIGNATURE_FIELD = re.compile(r"(?:填表人|填报人|制表人|填报日期|联系电话)\s*[:：]")
_SIG_FIELDS = {
    "filler": re.compile(r"(填表人|填报人|制表人)\s*[:：]\s*((?!填报日期|联系电话)[^\s:：]*)"),
    "date": re.compile(r"填报日期\s*[:：]\s*((?!填表人|填报人|制表人|联系电话)[^\s:：]*(?:\s*\d+\s*[月日])*)"),
    "phone": re.compile(r"联系电话\s*[:：]\s*([\d\-\s]*\d|)"),
}


class Heading(NamedTuple):
    """A recognised section heading."""

    level: int
    number: str  # "一、" or "（二）", empty for an unnumbered standard title
    ordinal: int  # 2 for "（二）", 0 when unnumbered
    title: str
    rest: str  # body text written on the heading's line


def ordinal(numeral: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十一 → 21."""
    digits = {c: i for i, c in enumerate(CN_NUM, start=1)}
    if "十" not in numeral:
        return digits.get(numeral, 0)
    tens, _, ones = numeral.partition("十")
    return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)


def heading(text: str) -> Heading | None:
    """The heading a paragraph is, if it is one.

    Markdown's marks around it count for nothing ("## 三、存在问题", "**（一）产出**"):
    such text is pasted into Word and PDFs as often as it is sent as markdown.
    """
    t = _HASHES.sub("", text.strip(), count=1)
    for mark in ("**", "__"):
        close = t.find(mark, len(mark)) if t.startswith(mark) else -1
        if close > len(mark):
            t = t[len(mark) : close] + t[close + len(mark) :]
            break
    if m := _H1.match(t):
        title, rest, _ = _split_title(m.group(2))
        if len(title) <= 40:
            return Heading(1, f"{m.group(1)}、", ordinal(m.group(1)), title, rest)
    if m := _H2.match(t):
        title, rest, separator = _split_title(m.group(2))
        # "（一）基本支出情况：…" is a heading with its body; "（二）预算管理推行难。…" is a paragraph.
        short = not rest and len(title) <= 20 and not title.endswith("。")
        with_body = rest and ((separator in ":：" and len(title) <= 20) or (separator == " " and len(title) <= 12))
        if short or with_body:
            return Heading(2, f"（{m.group(1)}）", ordinal(m.group(1)), title.rstrip("、"), rest)
    squashed = _SPACES.sub("", t)
    for std in STANDARD_SECTIONS:
        if squashed.startswith(std) and len(squashed) <= len(std) + 2:
            return Heading(1, "", 0, std, "")
    return None


def _split_title(text: str) -> tuple[str, str, str]:
    """Split "存在的问题和建议 无" or "基本支出情况：2024年…" into title, body and separator."""
    m = _TITLE_AND_BODY.match(text)
    if m:
        return m.group(1).strip(), m.group(3).strip(), m.group(2).strip() or " "
    return text.strip(" ：:"), "", ""


def read_sections(paragraphs: list[Paragraph], part_label: str) -> list[Section]:
    """Group narrative paragraphs under their level-1 and level-2 headings."""
    sections: list[Section] = []
    current: Section | None = None
    top: Section | None = None
    last_sub = 0  # ordinal of the last level-2 heading under ``top``
    for p in paragraphs:
        h = heading(p.text)
        if h and h.level == 2 and (top is None or not last_sub < h.ordinal <= last_sub + 2):
            # Out of sequence: a numbered list item inside the text, not a sub-heading.
            h = None
        if h:
            level, number, title, rest = h.level, h.number, h.title, h.rest
            last_sub = 0 if level == 1 else h.ordinal
            name = f"{number}{title}"
            prefix = f"{part_label}「{top.number}{top.title}」" if level == 2 and top else part_label
            current = Section(number=number, title=title, level=level, loc=p.loc.with_label(f"{prefix}「{name}」"))
            sections.append(current)
            if level == 1:
                top = current
            if rest:
                start = p.text.find(rest)
                current.paragraphs.append(TextSpan(text=rest, loc=p.loc.with_span(start, start + len(rest)).with_label(f"{prefix}「{name}」")))
            continue
        if current is None:
            # Cover page lines before the first heading are no text; sentences there (a report written without
            # numbered headings, a 自评说明 paragraph) are read as a lead section named by the part alone.
            if "。" not in p.text:
                continue
            current = Section(title="", loc=p.loc.with_label(part_label))
            sections.append(current)
        n = len(current.paragraphs) + 1
        current.paragraphs.append(TextSpan(text=p.text, loc=p.loc.with_label(f"{current.loc.label}第{n}段")))
    return sections


def read_signature(p: Paragraph, label: str) -> Signature | None:
    """The 填表人/填报日期/联系电话 line, when this paragraph is one; a field the line does not name stays None."""
    if not _SIGNATURE.search(p.text):
        return None
    if "。" in p.text and not _SIGNATURE_FIELD.search(p.text):
        return None  # a sentence naming the unit's phone ("…，联系电话0739-6215830。"), not a signature line
    sig = Signature(loc=p.loc.with_label(label))
    for name, pattern in _SIG_FIELDS.items():
        m = pattern.search(p.text)
        if m:
            value = m.group(m.lastindex).strip()
            start = m.start(m.lastindex)
            setattr(sig, name, TextSpan(text=value, loc=p.loc.with_span(start, start + len(value)).with_label(label)))
            if name == "filler":
                sig.filler_label = m.group(1)
    return sig


def narrative_facts(sections: list[Section], year: int | None) -> list[Fact]:
    """Every labelled number in the narrative, and denials such as "无政府性基金安排支出"."""
    facts: list[Fact] = []
    for section in sections:
        for span in section.paragraphs:
            facts.extend(_facts_in(span, year))
    return facts


def _facts_in(span: TextSpan, year: int | None) -> list[Fact]:
    text = span.text
    found: list[Fact] = []
    matches = list(KEY_PATTERN.finditer(text))
    for i, m in enumerate(matches):
        key = key_of_synonym(m.group(0))
        clause_start = _after_last(_CLAUSE_END, text, m.start())
        clause_end_m = _CLAUSE_END.search(text, m.end())
        clause_end = clause_end_m.start() if clause_end_m else len(text)
        before = text[clause_start : m.start()]
        # "2023年项目支出251.80万元，2024年项目支出288.60万元": each figure is of the year written last before it.
        sentence_year = _year_before(before, year) or _year_in(text[clause_start:clause_end]) or year
        if key in ("编制数", "在职人数") and before.endswith(_QUALIFIED):
            continue
        if _PER_UNIT.search(before):
            continue  # "人均公用经费0.88万元": per person, not the total
        if key in _RATE_SUBJECTS and _rate_of_something_else(key, before):
            continue
        if _DENIAL.search(before[-4:]) and not _NOT_THE_FUND.match(text, m.end()):
            found.append(
                Fact(
                    label=m.group(0),
                    key=key,
                    quantity=parse_quantity("0"),
                    year=sentence_year,
                    part="报告",
                    source="narrative",
                    polarity="denies",
                    quote=text[clause_start:clause_end].strip(),
                    loc=span.loc.with_span(clause_start, clause_end),
                )
            )
            continue
        # The number must come before the next keyword, inside the same clause.
        limit = matches[i + 1].start() if i + 1 < len(matches) else clause_end
        limit = min(limit, clause_end, m.end() + 30)
        window = text[m.end() : limit]
        n = _NUMBER.search(window)
        if not n or _is_year(n, window):
            continue
        between = window[: n.start()]
        if len(between) > 12 and ("，" in between or "," in between):
            continue
        if _BOUND_BEFORE.search(between) or window[n.end() :].lstrip().startswith(_BOUND_AFTER):
            continue  # "执行率超过96%", "满意度均在90%以上", "约1.2亿元": a bound or a rounding, not the figure
        if _CHANGE_WORD.search(between):  # "三公经费较上年增加0.64万元": the change, not the amount
            continue
        end = m.end() + n.end()
        unit = _SPACES.sub("", n.group(2) or "")
        if key in _PERCENT_KEYS and unit not in ("%", "％"):
            continue  # "满意度调查有效问卷5600份": a count near the word, not the rate
        if key not in _PERCENT_KEYS and unit in ("%", "％"):
            continue  # "占项目支出的50.94%": a share of the quantity, not its amount
        measured = unit or _CJK.match(window, n.end())  # "12批次", "45岁": a count or measure without a unit we know
        if key in _COUNT_KEYS and (not _COUNT_BETWEEN.match(between) or unit in _MONEY_UNITS or (not unit and measured)):
            continue  # "在职人员中党员18人", "在职人员平均年龄45岁": of some staff, or not a head count
        if key not in _COUNT_KEYS and key not in _PERCENT_KEYS and key != "总分" and unit not in _MONEY_UNITS and measured:
            continue  # "项目支出共涉及3个项目", "公务接待12批次": a count, not the amount
        if "分别" in between:
            continue  # "基本支出和项目支出分别为343.40万元和288.60万元": the first figure is the first name's
        found.append(
            Fact(
                # "企业满意度95%": whose satisfaction it is stays in the label, to be matched with the indicator's name.
                label=(_whose(before) + m.group(0)) if key == "满意度" else m.group(0),
                key=key,
                quantity=parse_quantity(n.group(1) + unit),
                measure=_measure(between),
                year=sentence_year,
                part="报告",
                source="narrative",
                quote=text[m.start() : end],
                loc=span.loc.with_span(m.start(), end),
            )
        )
    found.extend(_change_facts(span, year))
    found.extend(_funds_total_facts(span, year))
    found.extend(_bare_quota_facts(span, year, found))
    return found


# "现有编制30个（行政10个、事业20个）", "本单位编制28人": 编制 alone, its count right after it. A count
# followed by a noun ("编制3个专项规划") is of things drawn up, not of posts.
_BARE_QUOTA = re.compile(r"编制(?:为|共|有)?\s*(\d+)\s*(名|人|个)(?=[（(，,。；;、\s]|$)")


def _bare_quota_facts(span: TextSpan, year: int | None, found: list[Fact]) -> list[Fact]:
    text = span.text
    taken = [(f.loc.start, f.loc.end) for f in found if f.key == "编制数"]
    out = []
    for m in _BARE_QUOTA.finditer(text) if "编制" in text else ():
        clause_start = _after_last(_SUBJECT_END, text, m.start())
        if text[clause_start : m.start()].endswith(_QUALIFIED) or any(a is not None and a <= m.start() < b for a, b in taken):
            continue  # "行政编制10个" is one kind of post; "核定编制数32名" was read with its keyword
        out.append(_stated(span, m, "编制", "编制数", m.group(1) + m.group(2), _year_in(text[clause_start : m.end()]) or year))
    return out


def _stated(span: TextSpan, m: re.Match, label: str, key: str, figure: str, year: int | None, measure: str | None = None) -> Fact:
    """The Fact the text states where ``m`` matched: ``figure`` (number and unit) under ``key``, quoted from the match."""
    return Fact(
        label=label,
        key=key,
        quantity=parse_quantity(figure),
        measure=measure,
        year=year,
        part="报告",
        source="narrative",
        quote=m.group(0),
        loc=span.loc.with_span(m.start(), m.end()),
    )


# "全年预算数1250.00万元", "本项目全年执行数355.20万元", "执行数（B）1790.25万元" (the columns of the
# 预算数(A) | 执行数(B) form): the whole funds row (年度资金总额) of the report's form.
_FUNDS_TOTAL = re.compile(
    r"(?P<word>全年预算数|预算总额|全年执行数|实际执行数|预算数\s*[（(]A[)）]|执行数\s*[（(]B[)）])(?:为|是|达到?|共|合计|[:：])?\s*"
    r"(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)"
)
# Words before the phrase that leave it the report's own total ("2024年本项目全年预算数"); any
# other word names a part ("项目支出全年预算数", "中央资金预算总额") and the figure is not compared.
_OWN_TOTAL_WORDS = re.compile(r"20\d{2}年度?|本年度?|本项目|项目|本部门|部门整体支出|部门整体|部门|本单位|单位|年度|总体|整体|资金|的|[\s“”\"]")


def _funds_total_facts(span: TextSpan, year: int | None) -> list[Fact]:
    """The report's whole budget and spending as the text states them, keyed 年度资金总额 (measure 预算 / 执行)."""
    text = span.text
    out = []
    for m in _FUNDS_TOTAL.finditer(text):
        clause_start = _after_last(_SUBJECT_END, text, m.start())
        subject = _OWN_UNIT.sub("", _OWN_TOTAL_WORDS.sub("", text[clause_start : m.start()]))
        if subject:
            continue
        word = m.group("word")
        year_of = _year_in(text[clause_start : m.end()]) or year
        out.append(_stated(span, m, word, "年度资金总额", m.group("number") + m.group("unit"), year_of, "预算" if "预算" in word else "执行"))
    return out


_CHANGE = re.compile(r"(比上年|较上年|同比)?\s*(增加|减少|下降|增长|上升)\s*(\d[\d,]*(?:\.\d+)?)\s*(万元|元)")
_SHARE = re.compile(r"(占比|下降|增长|减少|增加|降低|上升|比例为|比重为|幅度为?|降幅|增幅)(?:为|达|了)?\s*(\d+(?:\.\d+)?)\s*[%％]")
_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|元)")
# "比上年16.80万元减少…", "较去年同期的…", "较2023年的…": the amount written next is last year's, not the subject's.
_LAST_YEAR_BEFORE = re.compile(r"(?:(?:比|较|与)?(?:上年|去年|上一年度?)|(?:比|较|与)20\d{2}年度?)(?:同期)?[的为]?\s*$")


def _change_facts(span: TextSpan, year: int | None) -> list[Fact]:
    """"支出376.36万元，比上年减少19.15万元，占比4.84%": the amount, the change and the rate.

    Emitted as three facts sharing a label prefix so that the share rule can
    recompute the rate from the amount and the change.
    """
    text = span.text
    out: list[Fact] = []
    for m in _CHANGE.finditer(text):
        share = _SHARE.search(text, m.end(), min(len(text), m.end() + 20))
        base = _change_subject(text, m.start())
        if base is None or share is None:
            continue
        direction = "减少" if m.group(2) in ("减少", "下降") else "增加"
        loc = span.loc.with_span(base.start(), share.end())
        quote = text[base.start() : share.end()]
        last_year = _LAST_YEAR_BEFORE.search(text, max(0, base.start() - 12), base.start()) is not None or (
            _of_last_year(text, base.start()) and _THIS_YEAR.search(text, base.end(), m.start()) is not None
        )
        for label, number, unit in (
            ("上年数" if last_year else "变动基数", base.group(1), base.group(2)),
            (f"比上年{direction}", m.group(3), m.group(4)),
            ("变动幅度", share.group(2), "%"),
        ):
            out.append(
                Fact(
                    label=label,
                    quantity=parse_quantity(number + unit),
                    year=year,
                    part="报告",
                    source="narrative",
                    quote=quote,
                    loc=loc,
                )
            )
    return out


_SENTENCE_START = re.compile(r"[。！!？?\n]")
# A clause whose subject is last year's, the change then said of this year: "上年该项目支出1012.40万元，本年减少…".
_LAST_YEAR_SUBJECT = re.compile(r"^(?:上年|去年|上一年)度?[^本今当\d]{0,12}$")
_THIS_YEAR = re.compile(r"本年|今年|当年")


def _of_last_year(text: str, at: int) -> bool:
    """Whether the clause holding the amount at ``at`` opens with last year ("上年该项目支出")."""
    start = _after_last(_SUBJECT_END, text, at)
    return _LAST_YEAR_SUBJECT.match(text[start:at].strip()) is not None


def _change_subject(text: str, at: int) -> re.Match | None:
    """The amount a change at ``at`` ("比上年减少2.20万元") is of: the nearest amount before it,
    unless that is one of several "其中" parts ("三公经费18.60万元，其中接待费6.20万元、
    用车费12.40万元，比上年减少…"): then the sentence's head, the one amount before 其中."""
    start = _after_last(_SENTENCE_START, text, at)
    before = list(_AMOUNT.finditer(text, start, at))
    if not before:
        before = list(_AMOUNT.finditer(text, 0, at))
        return before[-1] if before else None
    opener = text.rfind("其中", start, at)
    if opener < 0 or sum(a.start() > opener for a in before) < 2:
        return before[-1]
    head = [a for a in before if a.end() <= opener]
    return head[-1] if len(head) == 1 else None


# Words a rate's subject may have and still be the whole department's (or, for 控制率,
# its staff's): "全年预算执行率", "部门整体支出预算执行率", "人员控制率". Longest first:
# they are removed in this order.
_RATE_SUBJECTS = {
    key: tuple(sorted(words, key=len, reverse=True))
    for key, words in {
        "执行率": ("部门整体支出", "部门整体", "整体支出", "部门", "单位", "全年", "年度", "本年", "总体", "整体",
                  "综合", "全部", "资金", "支出", "预算", "执行", "实际", "数", "其中", "的"),
        "控制率": ("财政供养人员", "在职人员", "实有人员", "人员编制", "编制", "人员", "人数", "实有", "在职", "数", "其中", "的"),
    }.items()
}
# "我局", "本单位", "我中心": the reporting department itself.
_OWN_UNIT = re.compile(r"^[我本](?:单位|部门|中心|[局委办院厅部处所站队会校])")
_CHANGE_WORD = re.compile(r"增加|减少|增长|下降|上升|增减|节约|节省")
_SUBJECT_END = re.compile(r"[，,。；;：:！!？?\n]")
_SUBJECT_START = re.compile(r"[，,、：:（(“”\"]")
_YEARS_SPACES_QUOTES = re.compile(r"\d{4}\s*年度?|\s|[“”\"'‘’]")
_DIGIT = re.compile(r"\d")
_VERB_TAIL = re.compile(r"[为是达到了]+$")
_MEASURE_OPENING = re.compile(r"^(?:年初|调整后|调整)")


def _rate_of_something_else(key: str, before: str) -> bool:
    """Whether the rate a clause names is another quantity's than the department's (or its staff's).

    "基本支出执行率", "第一季度预算执行率", "局机关预算执行率", "三公经费控制率":
    words before the rate other than the department's own. When the rate
    follows its subject's own figures ("三公经费预算8万元，实际支出7.04万元，
    控制率88%"), the subject is what opens the clause.
    """
    text = _YEARS_SPACES_QUOTES.sub("", before)
    subject = _SUBJECT_START.split(text)[-1]
    if not subject and _DIGIT.search(text):
        subject = _SUBJECT_START.split(_DIGIT.split(text, maxsplit=1)[0])[-1]
        # "年初预算800万元，调整后预算数845.6万元，预算执行数…，预算执行率…": the list's first figure is a
        # kind of the same budget, not the rate's subject.
        subject = _MEASURE_OPENING.sub("", subject)
    subject = _OWN_UNIT.sub("", subject)
    for word in _RATE_SUBJECTS[key]:
        subject = subject.replace(word, "")
    return bool(_VERB_TAIL.sub("", subject))


def _measure(between: str) -> str | None:
    if "年初" in between:
        return "年初预算"
    if "决算" in between:
        return "决算"
    if "预算" in between:
        return "预算"
    if "执行" in between:
        return "执行"
    return None


def _is_year(n: re.Match, window: str) -> bool:
    after = window[n.end() : n.end() + 1]
    return after == "年" and not n.group(2)


def _after_last(ends: re.Pattern, text: str, at: int) -> int:
    """Where the stretch of ``text`` ending at ``at`` begins: right after the last match of ``ends`` before it, or 0."""
    return max((e.end() for e in ends.finditer(text, 0, at)), default=0)


def _year_in(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


_WHOSE = re.compile(r"[\u4e00-\u9fff]{1,6}$")


def _whose(before: str) -> str:
    """The words right before 满意度 in its clause ("企业", "服务对象"), or ""."""
    m = _WHOSE.search(before)
    return m.group(0) if m else ""


# A year written before a keyword, or last year named as the subject's ("上年项目支出100万元"; not
# "与上年相比" or "较上年", which compare this year's figure with it).
_YEAR_OR_LAST = re.compile(r"(20\d{2})\s*年|(?<![比较与同])(?:上年|去年|上一年)度?(?!相比|同期|比|持平)")


def _year_before(text: str, year: int | None) -> int | None:
    """The year the clause before a keyword names last: written out, or last year's (None when none)."""
    marks = list(_YEAR_OR_LAST.finditer(text))
    if not marks:
        return None
    last = marks[-1]
    if last.group(1):
        return int(last.group(1))
    return year - 1 if year is not None else None
