"""The verifier: decides, by code alone, which model (or third-party) candidates are shown.

A candidate is a Claim ("项目支出471.28万元", "无政府性基金安排支出") or a
Suspicion (a suspected contradiction or out-of-place text). Its quote must be
found in the document; every number it cites or writes in its message must
be the document's, with its unit, scale and year, or recomputable from it
(reviewer.grounding); any arithmetic it states is recomputed.
Claims are then compared with the table facts: a difference becomes a
finding naming both numbers. Outcomes: verified (shown), unverified (shown,
marked 需人工复核), rejected (listed with the reason, never shown), and for
claims also consistent (agrees with the tables) or unchecked (no table fact
to compare with).
"""


from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from reviewer.document import Document, Location
from reviewer.errors import InputError, validation_problems
from reviewer.figures import Number, cn_digits, fmt, parse_number
from reviewer.finding import Evidence, Finding, Rejected, Severity
from reviewer.grounding import (
    HUNDRED,
    FactIndex,
    Grounding,
    NumberIndex,
    TextIndex,
    canonical_key,
    fact_evidence,
    is_figure,
    measure_group,
    written_numbers,
    years_written,
)
from reviewer.llm.schemas import Candidates, Claim, Relation, Suspicion
from reviewer.report import Fact, Report
from reviewer.scopes import ScopeMap, Scopes

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
OVERSPEND = ("超预算支出", "超预算")


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
        self.scopes = ScopeMap(report)
        self.facts = FactIndex(report, self.scopes)
        self.numbers = NumberIndex(document, report, self.scopes)

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
        if not in_text(number, quote_numbers(claim.quote)):
            return Verdict(
                kind="claim",
                candidate=candidate,
                outcome="rejected",
                reason=f"所称数值 {claim.value} 不在引文中",
            )
        if key is None:
            return Verdict(kind="claim", candidate=candidate, outcome="unchecked", loc=found.loc, reason="不是可比对的量")
        scopes = self.scopes.of_text(claim.quote, found.loc, value_at(claim))
        facts = [
            (n, f)
            for n, f in self.facts.table_facts(key, claim.year, claim.measure, scopes)
            if n.same_kind(number)
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
        scopes = self.scopes.of_text(claim.quote, found.loc, value_at(claim))
        if key is not None:
            positives = [
                (n, f) for n, f in self.facts.table_facts(key, claim.year, claim.measure, scopes) if n.value > n.tolerance
            ]
            name = key
        elif any(word in claim.quantity for word in OVERSPEND):
            positives = self.overspending(scopes)
            name = "超预算支出"
        else:
            return Verdict(kind="claim", candidate=candidate, outcome="unchecked", loc=found.loc, reason="不是可比对的量")
        if not positives and key is not None and not self.facts.table_facts(key, claim.year, claim.measure, scopes):
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
            expected="、".join(fmt(n.value) for n, _ in shown),
            actual="无",
            basis="compared",
        )
        return Verdict(kind="claim", candidate=candidate, outcome="verified", loc=found.loc, finding=finding)

    def overspending(self, scopes: Scopes) -> list[tuple[Number, Fact]]:
        """The 全年执行数 of the department (or of the units or projects in ``scopes``) when it exceeds 全年预算数."""
        facts = self.facts.table_facts("年度资金总额", None, None, scopes)
        budget = [(n, f) for n, f in facts if measure_group(f.measure) == "budget"]
        actual = [(n, f) for n, f in facts if measure_group(f.measure) == "actual"]
        if not budget or not actual:
            return []
        (b, _), (a, fa) = budget[0], actual[0]
        if a.value - b.value > a.tolerance + b.tolerance:
            return [(a, fa)]
        return []

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
        years = frozenset(years_written(suspicion.quote + suspicion.message))
        scopes = self.scopes.of_text(suspicion.quote + suspicion.message, found.loc)
        quoted = quote_numbers(suspicion.quote)
        cited_texts = list(suspicion.cited_numbers)
        if relation:
            cited_texts += relation.operands + ([relation.stated] if relation.stated else [])
        cited: list[Number] = []
        for text in cited_texts:
            number = parse_number(text)
            if number is None:
                return reject(f"所引数字“{text}”无法识别")
            if not (in_text(number, quoted) or self.numbers.grounds(number, years, quoted, scopes)):
                return reject(f"所引数字 {text} 既不在引文中，也不在报告中，且无法由报告数据算出")
            cited.append(number)
        computed: Number | None = None
        if relation:
            computed, problem = recompute(relation)
            if problem:
                return reject(problem)
        known = quoted + cited + ([computed] if computed else [])
        for number, digits in written_numbers(suspicion.message):
            if not is_figure(number, suspicion.message, digits):
                continue
            if not (in_text(number, known) or self.numbers.grounds(number, years, known, scopes)):
                return reject(f"说明中的数字 {digits} 既不在报告中，也无法由报告数据算出")
        rule = SUSPICION_RULES[suspicion.kind]
        evidence = [found.evidence()]
        if relation and relation.stated and computed is not None:
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
        basis: Literal["computed", "required", "compared"] = "computed",
    ) -> Finding:
        """A Finding from the model stage, with the code's severity and category (``basis``: see Finding)."""
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
            basis=basis,
            source="llm",
            verification=verification,
            suggestion="需人工复核" if verification == "unverified" else None,
        )


def value_at(claim: Claim) -> int:
    """Where a claim's figure is in its quote (the quote's end for a denial or a figure not found)."""
    at = claim.quote.find(claim.value) if claim.value else -1
    return at if at >= 0 else len(claim.quote)


def quote_numbers(quote: str) -> list[Number]:
    """The numbers a quote writes, Chinese numerals included ("十四名" gives 14 名)."""
    return [n for n, _ in written_numbers(quote) + written_numbers(cn_digits(quote))]


def in_text(number: Number, written: list[Number]) -> bool:
    """True when the number is among ``written`` with the same digits and unit ("690.30元" is not "690.30万元").

    A number written without a unit matches the digits whatever their unit.
    """
    return any(
        number.written == n.written and number.same_kind(n) and (None in (number.unit, n.unit) or number.value == n.value)
        for n in written
    )


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
