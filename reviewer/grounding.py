"""Grounding: where a quoted text is in the document, and whether a number is the document's.

A quote is found in a paragraph or table cell (normalised exact match, then
fuzzy with the digits compared exactly). A number is grounded when it is
written in the text it comes with, is a table fact of the same kind of unit
(万元 and 元 converted, % only against %), of the report's year and of the
unit or project the text speaks of (reviewer.scopes), or is a sum,
difference, ratio or share of two such facts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from itertools import permutations

from rapidfuzz import fuzz

from reviewer.document import Document, Location, Paragraph
from reviewer.figures import Number, digits_of, number_of, parse_number, significant_digits
from reviewer.finding import Evidence
from reviewer.llm.privacy import ID_MASK, NAME_MASK, PHONE_MASK
from reviewer.llm.schemas import QUANTITY_KEYS
from reviewer.report import Fact, Report
from reviewer.scopes import ScopeMap, Scopes, usable

FUZZY_MIN_SCORE = 90.0  # partial_ratio on normalised text; digits are then compared exactly
KEPT_PUNCTUATION = {"%", "‰", "."}  # they change what a number means
MASKS = (NAME_MASK, PHONE_MASK, ID_MASK)
# A number recomputed from two facts grounds a citation only when it is specific enough:
# with dozens of facts, some pair sums or divides to almost any small or round figure.
MIN_DIGITS_RECOMPUTED = 3
MAX_RELATIVE_SPREAD = Decimal("0.002")  # rounding half-interval / value of a figure that may be recomputed
HUNDRED = Decimal(100)
RATIO_UNIT = "倍"
# A number in running text: digits, then the unit written right after (if any).
WRITTEN = re.compile(
    r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(亿元|万元|元|%|％|‰|个百分点|分|人次|人|名|个|项|次|件|户|家|场|期|年|月|日|号)?"
)
# Quantity names a model may use for the canonical keys, beyond the keys themselves.
KEY_ALIASES: dict[str, str] = {
    "资金总额": "年度资金总额",
    "支出总额": "年度资金总额",
    "实有人数": "在职人数",
    "实际在职人数": "在职人数",
    "在职人员": "在职人数",
    "编制": "编制数",
    "自评得分": "总分",
    "自评总分": "总分",
    "三公": "三公经费",
}
MEASURE_GROUPS: dict[str, tuple[str, ...]] = {
    "initial": ("年初预算", "年初"),
    "budget": ("全年预算", "调整预算", "预算"),
    "actual": ("执行", "决算", "实际", "实有", "支出数"),
    "score": ("分值", "得分", "评分"),
}


# ---------------------------------------------------------------- text grounding


def normalise(text: str) -> tuple[str, list[int]]:
    """NFKC, lower case, without spaces and punctuation; with each kept char's source index."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).lower():
            category = unicodedata.category(c)
            if category[0] in "ZC" or (category[0] == "P" and c not in KEPT_PUNCTUATION):
                continue
            chars.append(c)
            index.append(i)
    return "".join(chars), index


@dataclass
class Unit:
    """A searchable piece of the document: one paragraph or one table cell."""

    text: str
    loc: Location
    norm: str
    index: list[int]

    def span(self, start: int, end: int) -> Location:
        """The location of normalised characters ``start:end`` in the original text."""
        return self.loc.with_span(self.index[start], self.index[end - 1] + 1)


@dataclass
class Grounding:
    """Where a quote was found (loc) or why it was not (problem)."""

    loc: Location | None
    text: str = ""  # the matched source text
    exact: bool = True
    problem: str = ""

    def evidence(self) -> Evidence:
        """The located quote as evidence of a finding."""
        return Evidence(quote=self.text[self.loc.start : self.loc.end], loc=self.loc)


def fact_evidence(fact: Fact) -> Evidence:
    """A table fact's cell as evidence of a finding."""
    return Evidence(quote=fact.quote or fact.quantity.raw, loc=fact.loc)



class TextIndex:
    """All paragraphs and cells of a document, normalised once, for locating quotes."""

    def __init__(self, document: Document, report: Report | None = None):
        self.units: list[Unit] = []
        labels = section_labels(report) if report else {}
        for number, block in enumerate(document.blocks):
            if isinstance(block, Paragraph):
                loc = block.loc if block.loc.block is not None else block.loc.replaced(block=number)
                if not loc.label and number in labels:
                    loc = loc.with_label(labels[number])
                self.add(block.text, loc)
            else:
                for row in block.rows:
                    for cell in row:
                        if cell.text.strip() and not cell.continued:
                            self.add(cell.text, cell.loc)

    def add(self, text: str, loc: Location) -> None:
        """Index one piece of text."""
        norm, index = normalise(text)
        if norm:
            self.units.append(Unit(text, loc, norm, index))

    def locate(self, quote: str) -> Grounding:
        """Find a quote: normalised exact match, then fuzzy with the digits compared exactly."""
        if any(mask in quote for mask in MASKS):
            return self.locate_masked(quote)
        needle, _ = normalise(quote)
        if not needle:
            return Grounding(None, problem="引文为空")
        for unit in self.units:
            at = unit.norm.find(needle)
            if at >= 0:
                return Grounding(unit.span(at, at + len(needle)), unit.text)
        return self.locate_fuzzy(quote, needle)

    def locate_masked(self, quote: str) -> Grounding:
        """A quote copied from masked text: each masked part may stand for any short text."""
        parts = [normalise(p)[0] for p in re.split("|".join(map(re.escape, MASKS)), quote)]
        pattern = re.compile(".{1,40}?".join(re.escape(p) for p in parts))
        if not any(parts):
            return Grounding(None, problem="引文只有被遮盖的个人信息")
        for unit in self.units:
            match = pattern.search(unit.norm)
            if match and match.end() > match.start():
                return Grounding(unit.span(match.start(), match.end()), unit.text)
        return Grounding(None, problem=f"引文「{quote.strip()}」在原文中找不到")

    def locate_fuzzy(self, quote: str, needle: str) -> Grounding:
        """Best fuzzy match; rejected when its numbers differ from the quote's."""
        best: tuple[float, Unit, int, int] | None = None
        for unit in self.units:
            if len(unit.norm) < len(needle) * 0.8:
                continue
            found = fuzz.partial_ratio_alignment(needle, unit.norm, score_cutoff=FUZZY_MIN_SCORE)
            if found and (best is None or found.score > best[0]):
                best = (found.score, unit, found.dest_start, found.dest_end)
        if best is None:
            return Grounding(None, problem=f"引文「{quote.strip()}」在原文中找不到")
        _, unit, start, end = best
        # Widen to whole numbers so that a match cut inside "471.28" is not read as "71.2".
        while start > 0 and (unit.norm[start - 1].isdigit() or unit.norm[start - 1] == "."):
            start -= 1
        while end < len(unit.norm) and (unit.norm[end].isdigit() or unit.norm[end] == "."):
            end += 1
        if digits_of(unit.norm[start:end]) != digits_of(needle):
            return Grounding(
                None,
                problem=f"引文「{quote.strip()}」中的数字（{'、'.join(digits_of(needle)) or '无'}）与原文"
                f"（{'、'.join(digits_of(unit.norm[start:end])) or '无'}）不一致",
            )
        return Grounding(unit.span(start, end), unit.text, exact=False)


def section_labels(report: Report) -> dict[int, str]:
    """Block index -> a label naming the narrative section the paragraph belongs to."""
    labels: dict[int, str] = {}
    for section in report.sections:
        for paragraph in section.paragraphs:
            if paragraph.loc.block is not None:
                labels[paragraph.loc.block] = paragraph.loc.label or f"自评报告「{section.number}{section.title}」"
    return labels



# ---------------------------------------------------------------- facts


def canonical_key(quantity: str) -> str | None:
    """The canonical Fact.key a model's quantity name refers to, if any."""
    name = unicodedata.normalize("NFKC", quantity).strip()
    if name in QUANTITY_KEYS:
        return name
    for alias, key in KEY_ALIASES.items():
        if alias in name:
            return key
    # Longest key first: "一般公共预算" must win over a shorter key inside it.
    for key in sorted(QUANTITY_KEYS, key=len, reverse=True):
        if key in name:
            return key
    return None


def measure_group(measure: str | None) -> str | None:
    """initial / budget / actual / score for a measure name, None when unknown."""
    if not measure:
        return None
    for group, words in MEASURE_GROUPS.items():
        if any(w in measure for w in words):
            return group
    return None


def is_project(fact: Fact) -> bool:
    """Facts of a project form speak of one project, not of the department."""
    return fact.part.startswith("项目") or "项目支出绩效自评表" in fact.part


class FactIndex:
    """The Report's table facts, for comparing claims with the tables."""

    def __init__(self, report: Report, scopes: ScopeMap | None = None):
        self.report = report
        self.scopes = scopes or ScopeMap(report)
        self.numbers: list[tuple[Number, Fact, str | None]] = []
        for fact in report.facts:
            number = number_of(fact.quantity)
            if number is not None:
                self.numbers.append((number, fact, self.scopes.of_fact(fact)))

    def table_facts(
        self, key: str, year: int | None, measure: str | None, scopes: Scopes = frozenset()
    ) -> list[tuple[Number, Fact]]:
        """Table facts about ``key`` compatible with a claim's year and measure, and of what the claim speaks of.

        ``scopes`` empty: the department's facts (no project's, no single
        unit's); otherwise only the facts of those units or projects.
        """
        year = year or self.report.year

        def of_claim(fact: Fact, scope: str | None) -> bool:
            return scope in scopes if scopes else scope is None and not is_project(fact)

        group = measure_group(measure)
        found = [
            (n, f)
            for n, f, scope in self.numbers
            if f.key == key and f.source == "table" and of_claim(f, scope) and (year is None or f.year in (None, year))
        ]
        if group:
            return [(n, f) for n, f in found if measure_group(f.measure) in (None, group)]
        plain = [(n, f) for n, f in found if measure_group(f.measure) != "score"]
        return plain or found


# The unit a fact's key implies when its cell writes none (the column header carries it).
KEY_UNITS: dict[str, str] = {"编制数": "人", "在职人数": "人", "执行率": "%", "满意度": "%", "控制率": "%", "总分": "分"}


def fact_number(fact: Fact) -> Number | None:
    """The fact's Number; a bare cell takes the kind of unit its key or measure implies (万元 for money)."""
    number = number_of(fact.quantity)
    group = measure_group(fact.measure)
    if number is None or number.unit is not None or (fact.key is None and group not in ("initial", "budget", "actual")):
        return number
    # A funds row's cell (当年财政拨款 | 年初预算数) is money even when the row has no canonical key.
    unit = "分" if group == "score" else KEY_UNITS.get(fact.key or "", "万元")
    return Number(number.value, number.tolerance, unit, number.written)


def written_numbers(text: str) -> list[tuple[Number, str]]:
    """The numbers written in a text with the unit after each, as (Number, digits) pairs.

    Money is in 万元 as everywhere; parts of dates keep their unit (年, 月, 日).
    """
    flat = unicodedata.normalize("NFKC", text)
    found: list[tuple[Number, str]] = []
    for m in WRITTEN.finditer(flat):
        digits = m.group(1).replace(",", "")
        number = parse_number(digits + (m.group(2) or ""))
        if number is not None:
            found.append((number, digits))
    return found


def is_figure(number: Number, text: str, digits: str) -> bool:
    """False for an ordinal ("第3") or a part of a date ("6月", "3日"); years are figures of their own kind."""
    if number.unit in ("月", "日", "号"):
        return False
    return f"第{digits}" not in unicodedata.normalize("NFKC", text)


def years_written(text: str) -> set[int]:
    """The four-digit years a text names with 年 ("2023年", "2023年度")."""
    return {int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", unicodedata.normalize("NFKC", text))}


class NumberIndex:
    """What a cited number may stand on: the document's figures and two-term arithmetic on them.

    A table fact grounds a number only when it is of the report's year (or
    of no year, or of a year the citing text names), of the same kind of
    unit (万元 with 元 converted, % with %, counts with counts) and of the
    report as a whole or the unit or project the citing text speaks of.
    Numbers written in paragraphs and text cells ground numbers of the same
    kind, under the same condition of scope.
    """

    def __init__(self, document: Document, report: Report, scopes: ScopeMap | None = None):
        self.report = report
        self.scopes = scopes or ScopeMap(report)
        self.facts = [(n, f, self.scopes.of_fact(f)) for f in report.facts if (n := fact_number(f)) is not None]
        self.text: list[tuple[Number, str | None]] = []
        read = {(f.loc.table, f.loc.row, f.loc.col) for f in report.facts if f.source == "table"}
        for number, block in enumerate(document.blocks):
            if isinstance(block, Paragraph):
                self.add_text(block.text, block.loc.replaced(block=number))
            else:
                for row in block.rows:
                    for cell in row:
                        # A cell a fact was read from is spoken for by the fact, with its year; any
                        # other (an indicator's 实际完成值, a text cell) by the numbers it writes with a
                        # unit: a bare figure's unit is in a header this index does not read.
                        if cell.text.strip() and not cell.continued and (cell.loc.table, cell.row, cell.col) not in read:
                            self.add_text(cell.text, cell.loc, bare=False)
        self.text_years = {y for block in document.blocks if isinstance(block, Paragraph) for y in years_written(block.text)}
        self._derived: dict[tuple[frozenset[int], Scopes], list[Number]] = {}

    def add_text(self, text: str, loc: Location, bare: bool = True) -> None:
        """The numbers of a paragraph or cell (without a unit too when ``bare``), each with its sentence's scope."""
        for sentence, scope in self.scopes.sentences(text, loc):
            self.text.extend((n, scope) for n, _ in written_numbers(sentence) if bare or n.unit is not None)

    def usable_facts(self, years: frozenset[int], scopes: Scopes = frozenset()) -> list[Number]:
        """Facts that may ground a number cited in a text naming ``years`` and speaking of ``scopes``."""
        allowed = set(years) | ({self.report.year} if self.report.year else set())
        return [
            n for n, f, scope in self.facts if (f.year is None or f.year in allowed or not allowed) and usable(scope, scopes)
        ]

    def written(self, scopes: Scopes) -> list[Number]:
        """Numbers written in paragraphs and text cells about the report as a whole or about ``scopes``."""
        return [n for n, scope in self.text if usable(scope, scopes)]

    def is_year(self, number: Number, years: frozenset[int]) -> bool:
        """A year the citing text, the report or the document names ("2023" or "2023年")."""
        if number.unit not in (None, "年") or number.value != number.value.to_integral_value():
            return False
        return int(number.value) in years | self.text_years | ({self.report.year} if self.report.year else set())

    def grounds(self, number: Number, years: frozenset[int], extra: list[Number], scopes: Scopes = frozenset()) -> bool:
        """In the document (same kind, right year, same unit or project), among ``extra``, or recomputable from them."""
        pool = self.usable_facts(years, scopes) + self.written(scopes) + extra
        if any(same(number, n) for n in pool) or self.is_year(number, years):
            return True
        return recomputable(number, self.derived(years, scopes), extra, pool)

    def derived(self, years: frozenset[int], scopes: Scopes = frozenset()) -> list[Number]:
        """Sums, differences and shares of every pair of usable facts (built once per set of years and scopes)."""
        if (years, scopes) not in self._derived:
            values = list({(n.value, n.tolerance, n.kind): n for n in self.usable_facts(years, scopes)}.values())
            self._derived[(years, scopes)] = [d for a, b in permutations(values, 2) for d in combine(a, b)]
        return self._derived[(years, scopes)]


def same(cited: Number, known: Number) -> bool:
    """The same figure: values agree within rounding and the units measure the same thing.

    A figure the document writes without decimals is taken as exact (table
    amounts are kept to the cent, "0" is not "about 0.4"); the cited number
    keeps its own rounding interval. A cited number without a unit also
    matches a known one as written (a fact of 1522500 元 grounds a bare
    "1522500").
    """
    if not cited.same_kind(known):
        return False
    known_slack = known.tolerance if known.written is not None and known.written != known.written.to_integral_value() else 0
    if abs(cited.value - known.value) <= cited.tolerance + known_slack:
        return True
    return cited.unit is None and known.written is not None and abs(cited.value - known.written) <= cited.tolerance


def combine(a: Number, b: Number) -> list[Number]:
    """a + b and a − b (same kind only), a ÷ b (in 倍) and a ÷ b × 100%, with rounding spread."""
    out: list[Number] = []
    if a.same_kind(b):
        unit = a.unit or b.unit
        out.append(Number(a.value + b.value, a.tolerance + b.tolerance, unit))
        out.append(Number(a.value - b.value, a.tolerance + b.tolerance, unit))
    # Dividing by 1 gives the same digits back: no new figure, and not a percentage.
    if a.value and b.value and b.value != 1 and a.kind != "percent" and b.kind != "percent":
        ratio = a.value / b.value
        spread = abs(ratio) * (a.tolerance / abs(a.value) + b.tolerance / abs(b.value))
        out.append(Number(ratio, spread, RATIO_UNIT))  # a plain ratio: matches "1.5倍" or a bare 1.5, never "1.5%"
        out.append(Number(ratio * HUNDRED, spread * HUNDRED, "%"))
    return out


def specific(number: Number) -> bool:
    """Precise enough that a pair of unrelated figures is unlikely to produce it by chance."""
    written = number.written
    if written is None or not number.value or significant_digits(written) < MIN_DIGITS_RECOMPUTED:
        return False
    # A whole number of three digits ("500") stands for ±0.5: too coarse for a chance-free match.
    if written == written.to_integral_value() and significant_digits(written) < MIN_DIGITS_RECOMPUTED + 1:
        return False
    return number.tolerance / abs(number.value) < MAX_RELATIVE_SPREAD


def recomputable(number: Number, derived: list[Number], extra: list[Number], pool: list[Number]) -> bool:
    """True when a specific number is a sum, difference, ratio or share of two known figures.

    ``derived`` holds the combinations of the facts; pairs with one of the
    ``extra`` numbers (those of the quote and of the model's own
    citations) are formed here.
    """
    if not specific(number):
        return False

    def hits(d: Number) -> bool:
        return abs(number.value - d.value) <= number.tolerance and number.same_kind(d)

    if any(hits(d) for d in derived):
        return True
    return any(hits(d) for e in extra for other in pool for d in combine(e, other) + combine(other, e))
