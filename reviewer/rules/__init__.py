"""The rule registry: every deterministic check, with a stable code, in one place.

A rule is a small function ``(report, ctx) -> iterable of Finding`` registered
with ``@rule(code, severity, category, summary)``. Its docstring explains why
it matters and gives an example; docs/rules.md is generated from here.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable

from reviewer.finding import Evidence, Finding, Severity
from reviewer.report import Report
from reviewer.scopes import ScopeMap


@dataclass(frozen=True)
class Rule:
    """A registered check."""

    code: str
    severity: Severity
    category: str
    summary: str
    check: Callable[["Report", "Context"], Iterable[Finding]]

    @property
    def doc(self) -> str:
        """The rule's explanation: why it matters, with an example."""
        return inspect.cleandoc(self.check.__doc__ or "")


@dataclass
class Settings:
    """Tunable thresholds of the rules (overridable from reviewer.toml)."""

    low_execution_rate: Decimal = Decimal(90)  # 执行率 below this (%) needs an explanation
    far_above_ratio: Decimal = Decimal("1.3")  # actual ≥ 130% of target needs an explanation
    tolerance: Decimal = Decimal(0)  # extra slack (万元) on top of rounding intervals in sums and comparisons
    negative_scoring: str = "ratio"  # score of a missed ≤ indicator: ratio | deviation | zero
    select: list[str] = field(default_factory=list)  # codes or prefixes to run (empty: all)
    ignore: list[str] = field(default_factory=list)  # codes or prefixes to skip
    severity: dict[str, str] = field(default_factory=dict)  # code -> severity override

    def enabled(self, code: str) -> bool:
        """Whether a rule code (or an LLM finding code) is selected and not ignored."""
        if self.select and not any(code.startswith(s) for s in self.select):
            return False
        return not (self.ignore and any(code.startswith(s) for s in self.ignore))  # asked of every rule, every review


REGISTRY: dict[str, Rule] = {}


def rule(code: str, severity: Severity, category: str, summary: str):
    """Register a check under a stable code."""

    def register(check):
        if code in REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        REGISTRY[code] = Rule(code, severity, category, summary, check)
        return check

    return register


class Context:
    """What a rule gets besides the Report: settings, a Finding factory and the report's scopes.

    ``shared`` is one dict for every rule of a run of the rules: what is
    derived from the report once (its ScopeMap) is kept there.
    """

    def __init__(self, rule_: Rule, settings: Settings, shared: dict | None = None):
        self.rule = rule_
        self.settings = settings
        self.shared = {} if shared is None else shared

    def scopes(self, report: Report) -> ScopeMap:
        """The report's ScopeMap, built by the first rule that asks in this run of the rules."""
        if self.shared.get("scopes", (None,))[0] is not report:
            self.shared["scopes"] = (report, ScopeMap(report))
        return self.shared["scopes"][1]

    def finding(
        self,
        message: str,
        evidence: list[Evidence],
        *,
        expected: str | None = None,
        actual: str | None = None,
        suggestion: str | None = None,
        severity: Severity | None = None,
        basis: str = "computed",
    ) -> Finding:
        """A Finding carrying this rule's code, severity and category; ``basis`` says what ``expected`` is (see Finding)."""
        return Finding(
            rule=self.rule.code,
            severity=self.settings.severity.get(self.rule.code, severity or self.rule.severity),
            category=self.rule.category,
            message=message,
            evidence=evidence,
            expected=expected,
            actual=actual,
            suggestion=suggestion,
            basis=basis,
        )


def run_rules(report: Report, settings: Settings | None = None) -> list[Finding]:
    """Run every selected rule on a report; identical findings are reported once."""
    settings = settings or Settings()
    findings: dict[str, Finding] = {}
    shared: dict = {}
    for code in sorted(REGISTRY):
        if not settings.enabled(code):
            continue
        r = REGISTRY[code]
        for f in r.check(report, Context(r, settings, shared)):
            findings.setdefault(f.id, f)
    return sorted(findings.values(), key=Finding.sort_key)


# Importing the families registers their rules.
from reviewer.rules import arithmetic, coverage, crossref, form, indicators, money, narrative, narrative_ratios, scoring, scoring_rows  # noqa: E402,F401
