"""The verifier: decides, by code alone, which model (or third-party) candidates are shown.

A candidate is a Claim ("项目支出471.28万元", "无政府性基金安排支出") or a
Suspicion (a suspected contradiction or out-of-place text). Its quote must be
found in the document; its numbers must be in the quote, among the Report's
facts, or recomputable from them; any arithmetic it states is recomputed.
Claims are then compared with the table facts: a difference becomes a
finding naming both numbers. Outcomes: verified (shown), unverified (shown,
marked 需人工复核), rejected (listed with the reason, never shown), and for
claims also consistent (agrees with the tables) or unchecked (no table fact
to compare with).
"""

from __future__ import annotations

import json
import re
import unicodedata
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import permutations
from pathlib import Path
from typing import Any, Literal

import cn2an
from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz

from reviewer.document import Document, Location, Paragraph
from reviewer.errors import InputError, validation_problems
from reviewer.finding import Evidence, Finding, Rejected, Severity
from reviewer.llm.privacy import ID_MASK, NAME_MASK, PHONE_MASK
from reviewer.llm.schemas import QUANTITY_KEYS, Candidates, Claim, Relation, Suspicion
from reviewer.quantity import Quantity, parse_quantity
from reviewer.report import Fact, Report

Outcome = Literal["verified", "unverified", "rejected", "consistent", "unchecked"]

# Codes of the findings this module produces: code -> (severity, category, summary).
LLM_RULES: dict[str, tuple[Severity, str, str]] = {
    "LLM001": ("error", "crossref", "文字所述数值与表格不一致（大模型摘录，程序比对）"),
    "LLM002": ("error", "crossref", "文字称“无”而表格中有数（大模型摘录，程序比对）"),
    "LLM003": ("error", "crossref", "文字与表格或文字内部矛盾（大模型发现）"),
    "LLM004": ("warning", "narrative", "疑似不属于本部门或本年度的内容（大模型发现）"),
    "LLM005": ("info", "narrative", "其他疑点（大模型发现）"),
}
SUSPICION_RULES = {"contradiction": "LLM003", "irrelevant": "LLM004", "other": "LLM005"}

FUZZY_MIN_SCORE = 90.0  # partial_ratio on normalised text; digits are then compared exactly
KEPT_PUNCTUATION = {"%", "‰", "."}  # they change what a number means
MASKS = (NAME_MASK, PHONE_MASK, ID_MASK)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
CN_NUMERAL = re.compile("[零〇一二两三四五六七八九十百千]")
# A number recomputed from two facts grounds a citation only when it is specific enough:
# with dozens of facts, some pair sums to almost any small integer.
MIN_DIGITS_RECOMPUTED = 3
HUNDRED = Decimal(100)
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
OVERSPEND = ("超预算支出", "超预算")
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


def digits_of(text: str) -> list[str]:
    """The numbers written in a text, in order (thousands separators removed)."""
    flat = re.sub(r"(?<=\d),(?=\d{3})", "", unicodedata.normalize("NFKC", text))
    return NUMBER.findall(flat)


class TextIndex:
    """All paragraphs and cells of a document, normalised once, for locating quotes."""

    def __init__(self, document: Document, report: Report | None = None):
        self.units: list[Unit] = []
        labels = section_labels(report) if report else {}
        for number, block in enumerate(document.blocks):
            if isinstance(block, Paragraph):
                loc = block.loc if block.loc.block is not None else block.loc.model_copy(update={"block": number})
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


# ---------------------------------------------------------------- numbers


@dataclass(frozen=True)
class Number:
    """A number with its rounding tolerance, in 万元 when it is money."""

    value: Decimal
    tolerance: Decimal
    unit: str | None = None
    written: Decimal | None = None  # the value as written, before any 元 -> 万元 conversion

    def agrees(self, other: "Number") -> bool:
        """True when the two rounding intervals meet."""
        return abs(self.value - other.value) <= self.tolerance + other.tolerance


def number_of(quantity: Quantity) -> Number | None:
    """A Number from a parsed Quantity (money converted to 万元, tolerance too)."""
    value = quantity.in_wan()
    if value is None or quantity.value is None:
        return None
    scale = value / quantity.value if quantity.value else Decimal(1)
    return Number(value, quantity.tolerance() * abs(scale), quantity.unit, quantity.value)


def parse_number(text: str, unit: str | None = None) -> Number | None:
    """Read "471.28", "471.28万元" or "100%"; ``unit`` applies when the text carries none."""
    quantity = parse_quantity(text.strip())
    if quantity.value is None:
        return None
    if quantity.unit is None and unit:
        quantity = parse_quantity(text.strip() + unit.strip())
    return number_of(quantity)


def fact_number(fact: Fact) -> Number | None:
    """The fact's value as a Number."""
    return number_of(fact.quantity)


def unit_kind(unit: str | None) -> str | None:
    """money / percent / score / count, or None when no unit is written."""
    if unit is None:
        return None
    if unit in ("元", "万元", "亿元"):
        return "money"
    if unit in ("%", "‰"):
        return "percent"
    if unit == "分":
        return "score"
    return "count"


def significant_digits(value: Decimal) -> int:
    """Digits written, without sign, point or leading zeros (0.57 -> 2, 2500 -> 4)."""
    return len(fmt(abs(value)).replace(".", "").lstrip("0"))


def fmt(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


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
    return fact.part.startswith("项目")


class FactIndex:
    """The Report's facts, grouped for comparisons and number grounding."""

    def __init__(self, report: Report):
        self.report = report
        self.numbers: list[tuple[Number, Fact]] = []
        for fact in report.facts:
            number = fact_number(fact)
            if number is not None:
                self.numbers.append((number, fact))
        self._derived: list[Number] | None = None

    def table_facts(self, key: str, year: int | None, measure: str | None) -> list[tuple[Number, Fact]]:
        """Department-level table facts about ``key`` compatible with a claim's year and measure."""
        year = year or self.report.year
        group = measure_group(measure)
        found = [
            (n, f)
            for n, f in self.numbers
            if f.key == key and f.source == "table" and not is_project(f) and (year is None or f.year in (None, year))
        ]
        if group:
            return [(n, f) for n, f in found if measure_group(f.measure) in (None, group)]
        plain = [(n, f) for n, f in found if measure_group(f.measure) != "score"]
        return plain or found

    def grounds(self, number: Number) -> bool:
        """True when a fact has this value (or the same money in the other unit)."""
        return any(number.agrees(n) or number.agrees(raw_number(f)) for n, f in self.numbers)

    def derived(self) -> list[Number]:
        """Sums, differences, ratios and shares of every pair of facts (built on first use)."""
        if self._derived is None:
            values = list({(n.value, n.tolerance): n for n, _ in self.numbers}.values())
            derived: list[Number] = []
            for a, b in permutations(values, 2):
                derived.append(Number(a.value + b.value, a.tolerance + b.tolerance))
                derived.append(Number(a.value - b.value, a.tolerance + b.tolerance))
                if a.value and b.value:
                    ratio = a.value / b.value
                    spread = abs(ratio) * (a.tolerance / abs(a.value) + b.tolerance / abs(b.value))
                    derived.append(Number(ratio, spread))
                    derived.append(Number(ratio * HUNDRED, spread * HUNDRED))
            self._derived = derived
        return self._derived

    def recomputable(self, number: Number) -> bool:
        """True when the number, to its written precision, is a sum, difference, ratio or share of two facts."""
        if number.written is None or significant_digits(number.written) < MIN_DIGITS_RECOMPUTED:
            return False
        return any(abs(number.value - d.value) <= number.tolerance for d in self.derived())


def raw_number(fact: Fact) -> Number:
    """The fact's number in the unit it was written in (元 stays 元)."""
    q = fact.quantity
    assert q.value is not None  # only facts with a value are indexed
    return Number(q.value, q.tolerance(), q.unit, q.value)


# ---------------------------------------------------------------- verdicts


class Verdict(BaseModel):
    """What the verifier decided about one candidate."""

    kind: Literal["claim", "suspicion"]
    candidate: dict[str, Any]
    outcome: Outcome
    reason: str = ""
    loc: Location | None = None
    finding: Finding | None = None


class Verifier:
    """Checks candidates against one document and its Report."""

    def __init__(self, document: Document, report: Report):
        self.report = report
        self.text = TextIndex(document, report)
        self.facts = FactIndex(report)

    # -- claims

    def claim(self, claim: Claim) -> Verdict:
        """Ground a claim and compare it with the table facts."""
        candidate = claim.model_dump(mode="json")
        found = self.text.locate(claim.quote)
        if found.loc is None:
            return Verdict(kind="claim", candidate=candidate, outcome="rejected", reason=found.problem)
        key = canonical_key(claim.quantity)
        if claim.polarity == "denies":
            return self.denial(claim, candidate, found, key)
        if claim.value is None:
            return Verdict(kind="claim", candidate=candidate, outcome="unchecked", loc=found.loc, reason="陈述没有数值")
        number = parse_number(claim.value, claim.unit)
        if number is None:
            return Verdict(kind="claim", candidate=candidate, outcome="rejected", reason=f"数值“{claim.value}”无法识别")
        if not self.in_quote(number, claim.quote):
            return Verdict(
                kind="claim",
                candidate=candidate,
                outcome="rejected",
                reason=f"所称数值 {claim.value} 不在引文中",
            )
        if key is None:
            return Verdict(kind="claim", candidate=candidate, outcome="unchecked", loc=found.loc, reason="不是可比对的量")
        facts = [
            (n, f)
            for n, f in self.facts.table_facts(key, claim.year, claim.measure)
            if unit_kind(n.unit) is None or unit_kind(number.unit) is None or unit_kind(n.unit) == unit_kind(number.unit)
        ]
        if not facts:
            return Verdict(kind="claim", candidate=candidate, outcome="unchecked", loc=found.loc, reason="表格中没有可比对的数")
        if any(number.agrees(n) for n, _ in facts):
            return Verdict(kind="claim", candidate=candidate, outcome="consistent", loc=found.loc)
        values = {n.value for n, _ in facts}
        shown = facts[:3]
        message = f"文字称「{claim.quote.strip()}」，与表格不一致：{'；'.join(describe(n, f) for n, f in shown)}"
        finding = self.make_finding(
            "LLM001",
            message,
            [found.evidence()]
            + [fact_evidence(f) for _, f in shown],
            expected="、".join(fmt(n.value) for n, _ in shown),
            actual=f"{claim.value}{claim.unit or ''}",
            # Several different table values (budget vs actual) make the intended figure uncertain.
            severity="error" if len(values) == 1 or measure_group(claim.measure) else "warning",
        )
        return Verdict(kind="claim", candidate=candidate, outcome="verified", loc=found.loc, finding=finding)

    def denial(self, claim: Claim, candidate: dict[str, Any], found: Grounding, key: str | None) -> Verdict:
        """A "无……" statement: contradicted by any positive table value of the quantity."""
        positives: list[tuple[Number, Fact]]
        if key is not None:
            positives = [(n, f) for n, f in self.facts.table_facts(key, claim.year, claim.measure) if n.value > n.tolerance]
            name = key
        elif any(word in claim.quantity for word in OVERSPEND):
            positives = self.overspending()
            name = "超预算支出"
        else:
            return Verdict(kind="claim", candidate=candidate, outcome="unchecked", loc=found.loc, reason="不是可比对的量")
        if not positives and key is not None and not self.facts.table_facts(key, claim.year, claim.measure):
            return Verdict(kind="claim", candidate=candidate, outcome="unchecked", loc=found.loc, reason="表格中没有可比对的数")
        if not positives:
            return Verdict(kind="claim", candidate=candidate, outcome="consistent", loc=found.loc)
        shown = positives[:3]
        message = f"文字称「{claim.quote.strip()}」，但表格中有{name}：{'；'.join(describe(n, f) for n, f in shown)}"
        finding = self.make_finding(
            "LLM002",
            message,
            [found.evidence()]
            + [fact_evidence(f) for _, f in shown],
            expected="0",
            actual="、".join(fmt(n.value) for n, _ in shown),
        )
        return Verdict(kind="claim", candidate=candidate, outcome="verified", loc=found.loc, finding=finding)

    def overspending(self) -> list[tuple[Number, Fact]]:
        """The department's 全年执行数 when it exceeds 全年预算数 (as a positive "overspend")."""
        facts = self.facts.table_facts("年度资金总额", None, None)
        budget = [(n, f) for n, f in facts if measure_group(f.measure) == "budget"]
        actual = [(n, f) for n, f in facts if measure_group(f.measure) == "actual"]
        if not budget or not actual:
            return []
        (b, _), (a, fa) = budget[0], actual[0]
        if a.value - b.value > a.tolerance + b.tolerance:
            return [(a, fa)]
        return []

    @staticmethod
    def in_quote(number: Number, quote: str) -> bool:
        """True when the number is written in the quote (digits compared exactly)."""
        written = digits_of(quote) + digits_of(cn_digits(quote))
        return any(Decimal(d) == number.written for d in written)

    # -- suspicions

    def suspicion(self, suspicion: Suspicion) -> Verdict:
        """Ground a suspicion's quote and numbers, recompute its arithmetic, and grade it."""
        candidate = suspicion.model_dump(mode="json")

        def reject(reason: str) -> Verdict:
            return Verdict(kind="suspicion", candidate=candidate, outcome="rejected", reason=reason)

        found = self.text.locate(suspicion.quote)
        if found.loc is None:
            return reject(found.problem)
        relation = suspicion.relation
        cited = list(suspicion.cited_numbers)
        if relation:
            cited += relation.operands + ([relation.stated] if relation.stated else [])
        for text in cited:
            number = parse_number(text)
            if number is None:
                return reject(f"所引数字“{text}”无法识别")
            if not self.grounded(number, suspicion.quote):
                return reject(f"所引数字 {text} 既不在引文中，也不在报告表格中，且无法由表格数据算出")
        rule = SUSPICION_RULES[suspicion.kind]
        evidence = [found.evidence()]
        if relation:
            computed, problem = recompute(relation)
            if problem:
                return reject(problem)
            assert computed is not None
            if relation.stated:
                stated = parse_number(relation.stated)
                assert stated is not None  # grounded above
                if stated.agrees(computed):
                    return reject(f"复算结果 {fmt(computed.value)} 与报告所写 {relation.stated} 一致，不构成矛盾")
                result = fmt(computed.value) + (computed.unit or "")
                message = f"{suspicion.message}（程序复算：{describe_relation(relation)} = {result}，报告写 {relation.stated}）"
                finding = self.make_finding(rule, message, evidence, expected=result, actual=relation.stated)
                return Verdict(kind="suspicion", candidate=candidate, outcome="verified", loc=found.loc, finding=finding)
        finding = self.make_finding(rule, suspicion.message, evidence, verification="unverified")
        return Verdict(kind="suspicion", candidate=candidate, outcome="unverified", loc=found.loc, finding=finding)

    def grounded(self, number: Number, quote: str) -> bool:
        """In the quote, a fact, the report year, or recomputable from two facts."""
        if self.in_quote(number, quote) or self.facts.grounds(number):
            return True
        if self.report.year is not None and number.value == self.report.year:
            return True
        return self.facts.recomputable(number)

    def make_finding(
        self,
        rule: str,
        message: str,
        evidence: list[Evidence],
        *,
        expected: str | None = None,
        actual: str | None = None,
        severity: Severity | None = None,
        verification: Literal["verified", "unverified"] = "verified",
    ) -> Finding:
        """A Finding from the model stage, with the code's severity and category."""
        default_severity, category, _ = LLM_RULES[rule]
        if verification == "unverified" and default_severity == "error":
            default_severity = "warning"  # not proven by code: never an error
        return Finding(
            rule=rule,
            severity=severity or default_severity,
            category=category,
            message=message,
            evidence=evidence,
            expected=expected,
            actual=actual,
            source="llm",
            verification=verification,
            suggestion="需人工复核" if verification == "unverified" else None,
        )


def cn_digits(text: str) -> str:
    """The text with Chinese numerals written as digits ("十四名" -> "14名")."""
    if not CN_NUMERAL.search(text):
        return ""
    try:
        with warnings.catch_warnings():  # cn2an warns about every unit word it cannot convert
            warnings.simplefilter("ignore")
            return cn2an.transform(text, "cn2an")
    except (ValueError, KeyError, IndexError):
        return ""


def describe(number: Number, fact: Fact) -> str:
    """A fact for a message: where it is and its value."""
    where = fact.loc.label or fact.part or fact.label
    return f"{where}为 {fact.quantity.raw.strip() or fmt(number.value)}"


OP_SYMBOLS = {"sum": " + ", "difference": " − ", "ratio": " ÷ ", "equal": " = "}


def describe_relation(relation: Relation) -> str:
    """The relation as a formula, e.g. "99.44 + 48.17 + 182"."""
    if relation.op == "share":
        return f"{relation.operands[0]} ÷ {relation.operands[1] if len(relation.operands) > 1 else '?'} × 100%"
    return OP_SYMBOLS[relation.op].join(relation.operands)


def recompute(relation: Relation) -> tuple[Number | None, str]:
    """Recompute a relation; the problem text is set when the model's result is wrong."""
    operands = [parse_number(o) for o in relation.operands]
    result = parse_number(relation.result)
    if result is None or any(o is None for o in operands):
        return None, "算式中有无法识别的数字"
    values: list[Number] = [o for o in operands if o is not None]
    try:
        computed = apply(relation.op, values, percent=result.unit == "%")
    except (ZeroDivisionError, InvalidOperation):
        return None, "算式除数为零"
    except ValueError as exc:
        return None, str(exc)
    if not computed.agrees(result):
        return None, f"算式不成立：{describe_relation(relation)} = {fmt(computed.value)}{computed.unit or ''}，而不是 {relation.result}"
    return computed, ""


def apply(op: str, values: list[Number], percent: bool) -> Number:
    """Compute ``op`` over the operands, propagating rounding tolerance."""
    first, rest = values[0], values[1:]
    if op == "sum":
        return Number(sum((v.value for v in values), Decimal(0)), sum((v.tolerance for v in values), Decimal(0)))
    if op == "difference":
        return Number(first.value - sum((v.value for v in rest), Decimal(0)), sum((v.tolerance for v in values), Decimal(0)))
    if op == "equal":
        if any(not first.agrees(v) for v in rest):
            raise ValueError("算式不成立：所列各数并不相等")
        return first
    if len(values) != 2:
        raise ValueError(f"{op} 需要恰好两个数")
    a, b = values
    ratio = a.value / b.value
    spread = abs(ratio) * ((a.tolerance / abs(a.value) if a.value else Decimal(0)) + b.tolerance / abs(b.value))
    if op == "share" or percent:
        return Number(ratio * HUNDRED, spread * HUNDRED, "%")
    return Number(ratio, spread)


# ---------------------------------------------------------------- entry points


@dataclass
class VerifyResult:
    """Verdicts for a batch of candidates, with what is shown and what is rejected."""

    verdicts: list[Verdict]

    @property
    def findings(self) -> list[Finding]:
        """Findings to show, each once, in display order.

        An unverified suspicion about the same words as a claim finding adds
        nothing to it (the code already proved the difference) and is dropped.
        """
        proven = [v.loc for v in self.verdicts if v.kind == "claim" and v.finding is not None and v.loc]
        unique: dict[str, Finding] = {}
        for verdict in self.verdicts:
            if verdict.finding is None:
                continue
            if verdict.outcome == "unverified" and any(overlaps(verdict.loc, loc) for loc in proven):
                continue
            unique.setdefault(verdict.finding.id, verdict.finding)
        return sorted(unique.values(), key=Finding.sort_key)

    @property
    def rejected(self) -> list[Rejected]:
        """Rejected candidates with the reason."""
        return [
            Rejected(candidate={"type": v.kind, **v.candidate}, reason=v.reason)
            for v in self.verdicts
            if v.outcome == "rejected"
        ]

    def count(self, outcome: Outcome) -> int:
        """How many candidates ended with ``outcome``."""
        return sum(1 for v in self.verdicts if v.outcome == outcome)


def overlaps(a: Location | None, b: Location) -> bool:
    """True when two located spans share characters of the same paragraph or cell."""
    if a is None or (a.block, a.table, a.row, a.col) != (b.block, b.table, b.row, b.col):
        return False
    if None in (a.start, a.end, b.start, b.end):
        return True
    return a.start < b.end and b.start < a.end  # type: ignore[operator]


def merge_findings(rule_findings: list[Finding], llm_findings: list[Finding]) -> list[Finding]:
    """Rule findings, plus the model-stage findings about text no rule finding already points at."""
    taken = [e.loc for f in rule_findings for e in f.evidence if e.loc is not None]
    fresh = [
        f
        for f in llm_findings
        if not (f.evidence and f.evidence[0].loc and any(overlaps(f.evidence[0].loc, loc) for loc in taken))
    ]
    return sorted(rule_findings + fresh, key=Finding.sort_key)


def load_candidates_file(path: str | Path) -> str:
    """The text of a candidates file; InputError names the file when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(str(path), "候选文件不存在") from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "候选文件不是 UTF-8 编码的文本") from exc
    except OSError as exc:
        raise InputError(str(path), f"无法读取候选文件（{exc.strerror}）") from exc


def verify(document: Document, report: Report, claims: list[Claim], suspicions: list[Suspicion]) -> VerifyResult:
    """Verify claims and suspicions against the document and its Report."""
    verifier = Verifier(document, report)
    return VerifyResult([verifier.claim(c) for c in claims] + [verifier.suspicion(s) for s in suspicions])


def parse_candidates(candidates_json: str | bytes | dict[str, Any], name: str = "候选文件") -> Candidates:
    """Read candidates in the documented schema; InputError names the file and the problem."""
    try:
        data = json.loads(candidates_json) if isinstance(candidates_json, (str, bytes)) else candidates_json
    except json.JSONDecodeError as exc:
        raise InputError(name, f"不是合法的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from exc
    try:
        return Candidates.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc)
        raise InputError(name, f"不符合候选格式（docs/candidates.schema.json）：{problems}") from exc


def verify_candidates(
    document: Document, report: Report, candidates_json: str | bytes | dict[str, Any], name: str = "候选文件"
) -> tuple[list[Finding], list[Rejected]]:
    """Verify a candidates file (any model's or person's output): findings to show and rejections."""
    candidates = parse_candidates(candidates_json, name)
    result = verify(document, report, candidates.claims, candidates.suspicions)
    return result.findings, result.rejected
