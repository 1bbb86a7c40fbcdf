"""Parsed cell values: comparator + Decimal number + unit, or a qualitative statement."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Literal

Comparator = Literal[">=", "<=", "=", ">", "<"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Quantity:
    """A value as written in a report, parsed.

    ``raw`` keeps the original text. ``value`` is None when no number could be
    read. ``problem`` says why a value that looks quantitative is malformed
    ("缺少数值", "数值格式错误"). ``decimals`` is the number of digits written
    after the point, which gives the rounding interval of the figure.

    Frozen: :func:`parse_quantity` hands the same instance to every caller
    parsing the same text, so a changed value is made with ``dataclasses.replace``.
    """

    raw: str
    comparator: Comparator | None = None
    value: Decimal | None = None
    unit: str | None = None
    qualifier: str | None = None  # 以上 / 以下 / 余 / 约 / 不低于 ...
    qualitative: bool = False
    decimals: int = 0
    problem: str | None = None
    upper: Decimal | None = None  # a range's upper end ("90%-95%": value 90, upper 95)

    @property
    def blank(self) -> bool:
        """True when the cell is empty or only a dash / 无."""
        return self.raw.strip() in BLANK_TEXTS

    @property
    def is_number(self) -> bool:
        """True when a number was read."""
        return self.value is not None

    @property
    def is_range(self) -> bool:
        """True for a bound rather than a measurement (≥95%, 90%以上)."""
        return self.comparator in (">=", "<=", ">", "<") or self.qualifier in ("以上", "以下", "余", "约") or self.upper is not None

    def tolerance(self) -> Decimal:
        """Half a unit in the last written decimal place (0.005 for 2 decimals)."""
        return _half_unit(self.decimals)

    def in_wan(self) -> Decimal | None:
        """The value in 万元 when the unit is money (元, 千元, 万元 or 亿元), else the value."""
        if self.value is None:
            return None
        if self.unit == "元":
            return self.value / Decimal(10000)
        if self.unit == "千元":
            return self.value / Decimal(10)
        if self.unit == "亿元":
            return self.value * Decimal(10000)
        return self.value

    def display(self) -> str:
        """Short display of the parsed value (for messages)."""
        return self.raw.strip()


@lru_cache(maxsize=64)  # asked of every figure the rules compare; a Decimal power costs ten times the look-up
def _half_unit(decimals: int) -> Decimal:
    return Decimal(5) * Decimal(10) ** (-(decimals + 1))


BLANK_TEXTS = {"", "无", "—", "——", "-", "--", "/", "\\", "－", "―", "——"}
# "=H5+SUM(H10:H12)", "=ROUND(G5*F5,2)": a cell reference or a function after "="
# ("=2024年" and "=95%" are targets written with an equals sign, not formulas).
_FORMULA = re.compile(r"=\s*(?:\$?[A-Z]{1,3}\$?[0-9]+|[A-Z][A-Z0-9.]*\()")


# --- parsing -----------------------------------------------------------------

# Written comparator -> canonical comparator. Word forms are also kept as the
# qualifier so messages can quote the report's own wording.
_COMPARATORS: dict[str, str] = {
    "≥": ">=", ">=": ">=", "=>": ">=", "≧": ">=", "⩾": ">=",
    "大于或等于": ">=", "大于等于": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=", "至少": ">=",
    "≤": "<=", "<=": "<=", "=<": "<=", "≦": "<=", "⩽": "<=",
    "小于或等于": "<=", "小于等于": "<=", "不高于": "<=", "不超过": "<=", "不大于": "<=",
    "不多于": "<=", "至多": "<=", "最多": "<=",
    ">": ">", "大于": ">", "高于": ">", "超过": ">", "多于": ">",
    "<": "<", "小于": "<", "低于": "<", "少于": "<",
    "=": "=", "==": "=", "等于": "=",
}
_SYMBOL_COMPARATORS = {k for k in _COMPARATORS if not any("\u4e00" <= c <= "\u9fff" for c in k)}

# Suffix -> (comparator it implies, qualifier recorded). "(含)" is the inclusive bound
# spelled out ("95%（含）以上", after NFKC "95%(含)以上").
_SUFFIXES: dict[str, tuple[str | None, str]] = {
    "及以上": (">=", "以上"), "以上": (">=", "以上"), "(含)以上": (">=", "以上"), "以上(含)": (">=", "以上"),
    "及以下": ("<=", "以下"), "以下": ("<=", "以下"), "(含)以下": ("<=", "以下"), "以下(含)": ("<=", "以下"),
    "(不含)以上": (">", "以上"), "(不含)以下": ("<", "以下"), "(含)以内": ("<=", "以内"),
    "以内": ("<=", "以内"), "之内": ("<=", "以内"), "内": ("<=", "以内"),
    "左右": (None, "约"),
}

# Units as they look after NFKC ("㎡" and "m²" both become "m2").
_UNITS = (
    "%", "‰", "个百分点", "百分点", "百分比",
    "亿元", "万元", "千元", "元", "元/人", "元/平方米",
    "万人次", "万人", "人次", "人", "名", "户", "家",
    "个工作日", "工作日", "个月", "个", "项", "次/年", "次/月", "次", "件",
    "天", "日", "周", "季度", "月", "年", "小时", "分钟", "分",
    "平方公里", "万平方米", "平方米", "m2", "公里", "千米", "米", "公顷", "亩", "吨",
    "台", "套", "篇", "期", "场", "份", "所", "条", "座", "辆", "本", "批", "册", "张",
    "处", "间", "栋", "倍",
    "万亩", "万吨", "万株", "万户", "万头", "万只", "万册", "万件", "万立方米", "立方米", "千瓦时", "千瓦",
    "公斤", "千克", "起", "宗", "例", "株", "棵", "头", "只", "羽", "尾", "课时", "学时",
    "户次", "家次", "车次", "架次", "班次", "场次", "批次",
)
_UNIT_CANONICAL = {"m2": "㎡", "百分比": "%"}

_CN_DIGIT = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
# A numeral never starts with 百/千/万/亿: "≤万元" is a unit without a number.
_CN_NUMBER = rf"[零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾](?:[{_CN_DIGIT}点]*?[{_CN_DIGIT}])?"
_CN_FRACTION_DIGITS = str.maketrans("零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖", "001223456789123456789")
_ARABIC = r"[-+−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)"


def _alternation(words) -> str:
    """Regex alternation trying the longest word first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_UNIT_RE = _alternation(_UNITS)
# A unit per a measure ("元/亩", "万元/公里", "元/人·月"): the part after "/" is often a word
# no list holds, so up to two short CJK words are accepted there.
_PER_UNIT_RE = rf"(?:{_UNIT_RE})(?:[/·](?:{_UNIT_RE}|[\u4e00-\u9fff]{{1,4}})){{0,2}}"

# Whole-cell grammar: [short label [,:]] [comparator] [约] number [余/多] [unit] [suffix].
# The label is lazy so a comparator or number is read as such before it is
# swallowed into a label.
_QUANTITY = re.compile(
    rf"(?:(?P<label>[^\d,:<>=≥≤≧≦⩾⩽。;!?]{{1,16}}?)(?P<sep>[,:])?)??"
    rf"(?P<cmp>{_alternation(_COMPARATORS)})?"
    r"(?P<approx>大约|约|≈)?"
    rf"(?:百分之(?P<pct>{_ARABIC}|{_CN_NUMBER})|(?P<num>{_ARABIC})|(?P<cn>{_CN_NUMBER}))?"
    r"(?P<more>余|多)?"
    rf"(?P<unit>{_PER_UNIT_RE})?"
    rf"(?P<suffix>{_alternation(_SUFFIXES)})?"
)
_PLAIN_NUMBER = re.compile(r"\d+(?:\.(\d+))?")
# A calendar date makes a cell a timeliness statement, not a number.
_DATE = re.compile(
    r"\d{4}年\d{1,2}月|\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}[-/]\d{1,2}(?!\d)"
)
_WHITESPACE = re.compile(r"\s+")
_TRAILING_PUNCT = "。;,、:!?"
# A Chinese numeral right after these is an ordinal or a word part (第一, 同一, 每一).
_NOT_BEFORE_CN = "第同每逐唯统单"

MISSING_VALUE = "缺少数值"
MAX_DIGITS = 40  # more digits than any amount or rate has: the text is not read as a number
TOO_MANY_DIGITS = f"数值位数过多（超过 {MAX_DIGITS} 位），未作为数值读取"
# A cell with more characters besides digits is wording, not a value: not matched against the value grammar.
_MAX_QUANTITY_CHARS = 1000
NO_DIGIT_AFTER_POINT = "数值格式错误：小数点后缺少数字"
NO_DIGIT_BEFORE_POINT = "数值格式错误：小数点前缺少数字"


def _normalise(text: str) -> str:
    """NFKC (full-width digits and symbols) without any whitespace."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def _cn_to_decimal(numeral: str) -> Decimal | None:
    """Chinese numeral to Decimal via cn2an, None when cn2an rejects it."""
    import cn2an  # imported lazily: ~150 ms, needed only for Chinese numerals

    whole, point, fraction = numeral.partition("点")
    # The fraction is read digit by digit here: cn2an returns a float for it.
    fraction = fraction.translate(_CN_FRACTION_DIGITS)
    if point and not fraction.isdigit():
        return None
    try:
        number = cn2an.cn2an(whole, "normal")
    except (ValueError, KeyError):  # cn2an raises either for a malformed numeral ("十十二", "〇十二")
        return None
    return Decimal(f"{number}.{fraction}" if point else str(number))


def _too_long(number: str) -> bool:
    """Whether a written number has more than MAX_DIGITS digits (its Decimal could overflow in arithmetic)."""
    return sum(ch.isdigit() for ch in number) > MAX_DIGITS


def _arabic(number: str) -> tuple[Decimal | None, int, str | None]:
    """Value, decimals written and format problem of an Arabic-digit number (no value past MAX_DIGITS)."""
    if _too_long(number):
        return None, 0, TOO_MANY_DIGITS
    digits = number.replace(",", "").replace("−", "-")
    whole, point, fraction = digits.partition(".")
    problem = None
    if point and not fraction:
        problem = NO_DIGIT_AFTER_POINT
    elif point and whole.lstrip("+-") == "":
        problem = NO_DIGIT_BEFORE_POINT
        digits = digits.replace(".", "0.", 1)
    return Decimal(digits.rstrip(".")), len(fraction), problem


# A review parses each cell's text several times (its kind while reading the table, its value
# while extracting, again in the rules): the parse of a text is kept, and is immutable.
@lru_cache(maxsize=8192)
def parse_quantity(text: str) -> Quantity:
    """Parse a cell or phrase such as ``≥95%``, ``>=148.万元``, ``10000余件``, ``提升明显``.

    Full-width digits and signs read as half-width (NFKC). A number of more than
    MAX_DIGITS digits gets no value and the problem TOO_MANY_DIGITS; a text of
    more than 1000 characters besides digits is qualitative. Never raises; the
    same text gives the same (frozen) instance.
    """
    s = _normalise(text)
    plain = _PLAIN_NUMBER.fullmatch(s)
    if plain:  # fast path: most table cells are bare numbers
        if _too_long(s):
            return Quantity(raw=text, problem=TOO_MANY_DIGITS)
        return Quantity(raw=text, value=Decimal(s), decimals=len(plain.group(1) or ""))
    if s in BLANK_TEXTS:
        return Quantity(raw=text)
    if _FORMULA.match(s):  # a spreadsheet formula left uncalculated: its value is unknown, neither blank nor wording
        return Quantity(raw=text)
    if len(s) > _MAX_QUANTITY_CHARS and len(s) - sum(ch.isdigit() for ch in s) > _MAX_QUANTITY_CHARS:
        return Quantity(raw=text, qualitative=True)  # wording; a long digit run still gets TOO_MANY_DIGITS
    s = s.rstrip(_TRAILING_PUNCT)
    if not s:
        return Quantity(raw=text)
    if _DATE.search(s):
        return Quantity(raw=text, qualitative=True)
    m = _QUANTITY.fullmatch(s)
    if m is None:
        return _range_or_note(text, s)
    label, written_cmp, unit = m["label"], m["cmp"], m["unit"]
    if unit is not None:
        unit = _UNIT_CANONICAL.get(unit, unit)
    comparator = _COMPARATORS[written_cmp] if written_cmp else None
    qualifier = written_cmp if written_cmp and written_cmp not in _SYMBOL_COMPARATORS else None
    if m["approx"]:
        qualifier = "约"
    if m["more"]:
        qualifier = "余"
    direction_problem = None
    if m["suffix"]:
        implied, qualifier = _SUFFIXES[m["suffix"]]
        if comparator is None:
            comparator = implied
        elif implied is not None and comparator[0] != implied[0]:
            direction_problem = f"比较符「{written_cmp}」与「{m['suffix']}」方向矛盾"

    value, decimals, problem = None, 0, None
    if m["num"] is not None:
        value, decimals, problem = _arabic(m["num"])
        if value is None:
            return Quantity(raw=text, comparator=comparator, unit=unit, qualifier=qualifier, problem=problem)
    else:
        numeral = m["pct"] if m["pct"] is not None else m["cn"]
        if numeral is not None:
            if m["pct"] is not None:
                if unit is not None:  # "百分之九十五%": two units for one number
                    return Quantity(raw=text, qualitative=True)
                unit = "%"
            if numeral[0].isdigit() or numeral[0] in "+-−.":
                value, decimals, problem = _arabic(numeral)
                if value is None:
                    return Quantity(raw=text, comparator=comparator, unit=unit, qualifier=qualifier, problem=problem)
            elif len(numeral) > MAX_DIGITS:
                return Quantity(raw=text, qualitative=True)
            else:
                bare_label = label is not None and not m["sep"] and written_cmp is None
                if bare_label and (m["unit"] is None or label[-1] in _NOT_BEFORE_CN):
                    return Quantity(raw=text, qualitative=True)
                value = _cn_to_decimal(numeral)
                if value is None:
                    return Quantity(raw=text, qualitative=True)
                decimals = len(numeral.partition("点")[2])

    if value is None:
        # A comparator or unit with no number is a template left unfilled
        # ("≤万元"); a label with nothing quantitative is plain wording.
        symbol_cmp = written_cmp in _SYMBOL_COMPARATORS
        if (written_cmp and (label is None or symbol_cmp or unit)) or (unit and label is None):
            return Quantity(raw=text, comparator=comparator, unit=unit, qualifier=qualifier, problem=MISSING_VALUE)
        return Quantity(raw=text, qualitative=True)
    if label is not None and (label[-1] == "第" or (label[-1] == "前" and unit in ("名", "位"))):
        return Quantity(raw=text, qualitative=True)  # a rank, "第3名" or "全市前3名", is not a count of 名
    return Quantity(
        raw=text,
        comparator=comparator,
        value=value,
        unit=unit,
        qualifier=qualifier,
        decimals=decimals,
        problem=problem or direction_problem,
    )


# "90%-95%", "60~80%", "3至5个": a range (no leading zero, so "0739-6215830" is no range).
_RANGE_NUMBER = r"(?:0|[1-9]\d*)(?:\.\d+)?"
_RANGE_SEPARATORS = ("-", "~", "—", "–", "至", "到")
_RANGE_SOURCE = (
    rf"(?P<lo>{_RANGE_NUMBER})(?P<u1>{_PER_UNIT_RE})?(?:{'|'.join(_RANGE_SEPARATORS)})(?P<hi>{_RANGE_NUMBER})(?P<u2>{_PER_UNIT_RE})?"
)


@lru_cache(maxsize=1)
def _range() -> re.Pattern[str]:
    """The range grammar, compiled when a text could be one: its units make it cost 9 ms, paid by every command otherwise."""
    return re.compile(_RANGE_SOURCE)


_BOUNDS_SPLIT = re.compile(r"且|并且|,|;|、")
_TRAILING_BRACKET = re.compile(r"(.+?)\(([^()]{1,20})\)")


def _range_or_note(text: str, s: str) -> Quantity:
    """What a cell the value grammar rejects may still say: a range, two bounds, or a value with a bracketed unit or note.

    "90%-95%" and "≥80%且≤100%" are ranges (``value`` to ``upper``); "≥500(人)"
    is ≥500人; "≥98%(抽样)" and "95%以上(含95%)" are the value before their note.
    Anything else is qualitative.
    """
    could_be = s[0] in "0123456789" and any(sep in s for sep in _RANGE_SEPARATORS)  # what _range() needs to match
    m = _range().fullmatch(s) if could_be else None
    if m and (m["u1"] is None or m["u2"] is None or m["u1"] == m["u2"]) and Decimal(m["lo"]) <= Decimal(m["hi"]):
        unit = m["u2"] or m["u1"]
        decimals = max(len(n.partition(".")[2]) for n in (m["lo"], m["hi"]))
        return Quantity(raw=text, value=Decimal(m["lo"]), upper=Decimal(m["hi"]), unit=_UNIT_CANONICAL.get(unit, unit), decimals=decimals)
    parts = _BOUNDS_SPLIT.split(s)
    if len(parts) == 2:
        bounds = [parse_quantity(p) for p in parts]
        low = next((q for q in bounds if q.comparator in (">=", ">")), None)
        high = next((q for q in bounds if q.comparator in ("<=", "<")), None)
        if low and high and low.value is not None and high.value is not None and low.unit == high.unit and low.value <= high.value:
            return replace(low, raw=text, comparator=None, qualifier=None, upper=high.value)
    m = _TRAILING_BRACKET.fullmatch(s)
    if m:
        head, inner = m.groups()
        if re.fullmatch(_PER_UNIT_RE, inner):
            q = parse_quantity(head + inner)
        else:
            q = parse_quantity(head)
        if q.value is not None and not q.qualitative:
            return replace(q, raw=text)
    return Quantity(raw=text, qualitative=True)


# 指标性质 / 指标方向 words that stand for a comparator (正向: more is better).
_DIRECTIONS = {"正向": "≥", "正向指标": "≥", "反向": "≤", "反向指标": "≤", "逆向": "≤", "逆向指标": "≤"}


def join_target(op: str, value: str, unit: str) -> Quantity:
    """One target from a form that splits it over 指标性质 | 指标值 | 度量单位 (Sichuan).

    ``op`` is a comparator ("≥", "＞＝", "大于等于"), a direction ("正向" ≥,
    "反向" ≤), "定性" or empty; a value that already carries its comparator or
    unit ("≥98%" under "%") keeps its own. A unit no list holds ("宗") is kept
    as written. The raw text is the target as one reads it: "≥98%".
    """
    op, value, unit = (_normalise(t) for t in (op, value, unit))
    if not value:
        return Quantity(raw="")
    if op.startswith("定性"):
        return parse_quantity(value)
    op = _DIRECTIONS.get(op, op)
    own = parse_quantity(value)
    text = value if own.comparator is not None else f"{op}{value}"
    q = parse_quantity(text)
    if q.value is None or q.qualitative or q.unit is not None or not unit:
        return q
    joined = parse_quantity(f"{text}{unit}")
    if joined.value is not None and not joined.qualitative:
        return joined
    return replace(q, unit=unit, raw=f"{text}{unit}")


def with_unit(actual: Quantity, unit: str) -> Quantity:
    """An actual value written without the unit its row's 度量单位 states ("97" under "%"), given that unit."""
    unit = _normalise(unit)
    if not unit or actual.value is None or actual.qualitative or actual.unit is not None:
        return actual
    joined = parse_quantity(f"{_normalise(actual.raw)}{unit}")
    q = joined if joined.value is not None and not joined.qualitative else replace(actual, unit=unit)
    return replace(q, raw=actual.raw)


_YEAR_CANDIDATE = re.compile(r"(?<![\d.,])(\d{4})(?![\d,])")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")
_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_MONTH_AFTER = re.compile(r"[-/.](\d{1,2})(?!\d)")
_UNIT_AT = re.compile(_UNIT_RE)


def _is_year(s: str, start: int, end: int) -> bool:
    """Whether the four digits s[start:end] read as a year rather than an amount."""
    if not 1990 <= int(s[start:end]) <= 2100:
        return False
    after = end
    month = _MONTH_AFTER.match(s, end)
    if month:
        if not 1 <= int(month.group(1)) <= 12:
            return False
        after = month.end()
    elif s.startswith(".", end):  # a decimal such as 2024.567
        return False
    unit = _UNIT_AT.match(s, after)
    return unit is None or unit.group() in ("年", "月", "日")


def years_mentioned(text: str) -> list[int]:
    """The distinct years (1990-2100) a text mentions, in order of first mention."""
    s = _normalise(text)
    found: list[tuple[int, int]] = []
    for m in _YEAR_CANDIDATE.finditer(s):
        if _is_year(s, m.start(), m.end()):
            found.append((m.start(), int(m.group(1))))
    for m in _CN_YEAR.finditer(s):
        year = int(m.group(1).translate(_CN_YEAR_DIGITS))
        if 1990 <= year <= 2100:
            found.append((m.start(), year))
    years: list[int] = []
    for _, year in sorted(found):
        if year not in years:
            years.append(year)
    return years
