"""Checks that only a batch can see: they compare several reports with each other.

Each report is reduced to its ``Features`` (the texts and 基础数据表 values the
checks need) in the worker that reviewed it; the features are cached with the
review, so a re-run compares all reports again without re-reading any file.
A batch rule has the same metadata as a single-report rule (code, severity,
category, summary, docstring) and is listed with them in docs/rules.md.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Callable, Iterable

from reviewer.document import Location
from reviewer.finding import Evidence, Finding, Severity
from reviewer.quantity import Quantity
from reviewer.report import Report, TextSpan
from reviewer.rules import Context, Settings
from reviewer.rules.numbers import fmt

MIN_SHARED_CHARS = 40  # shorter sentences are shared by chance or by the template
# What two units' reports must share to be flagged: one standard sentence of the 财政 notice ("自评结果
# 将作为…的重要依据，并于…公开") is shared by units that copied nothing from each other.
MIN_SHARED_TOTAL = 100
TEMPLATE_MIN_UNITS = 5  # with this many units, text shared by most of them is template wording
_NOISE = re.compile(r"[\s\W_]+")
_INSTRUCTION = re.compile(r"^\s*(说明|注|备注|填表说明)\s*\d*\s*[:：]")


@dataclass(kw_only=True, slots=True)
class BasicValue:
    """One figure of the 基础数据表: which line, which column, the value and where."""

    line: str  # "公用经费/办公经费": the line label under its parent's
    column: str
    year: int | None = None
    measure: str | None = None
    quantity: Quantity
    loc: Location

    @property
    def value(self) -> Decimal | None:
        """The figure in 万元."""
        return self.quantity.in_wan()


@dataclass(kw_only=True, slots=True)
class Features:
    """What the batch checks need to know about one reviewed report."""

    path: str
    unit: str | None = None
    year: int | None = None
    texts: list[TextSpan] = field(default_factory=list)  # paragraphs and cells long enough to compare
    basic: list[BasicValue] = field(default_factory=list)


def _normalized(text: str) -> str:
    """Text without whitespace and punctuation, in NFKC form, for verbatim comparison."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


def features_of(report: Report) -> Features:
    """Reduce a Report to the features the batch checks compare."""
    texts = [
        span
        for span in report.texts
        if len(_normalized(span.text)) >= MIN_SHARED_CHARS and not _INSTRUCTION.match(span.text)
    ]
    basic: list[BasicValue] = []
    if report.basic_data:
        lines = report.basic_data.lines
        columns = report.basic_data.columns
        for line in lines:
            parent = lines[line.parent].label + "/" if line.parent is not None and line.parent < len(lines) else ""
            for column, fact in zip(columns, line.values):
                if fact.value is None:
                    continue
                basic.append(
                    BasicValue(
                        line=parent + line.label,
                        column=column.label,
                        year=column.year,
                        measure=column.measure,
                        quantity=fact.quantity,
                        loc=fact.loc,
                    )
                )
    return Features(path=report.path, unit=report.unit, year=report.year, texts=texts, basic=basic)


def unit_key(features: Features) -> str:
    """The unit a report belongs to, compared without spaces or punctuation (the file when unknown)."""
    return _normalized(features.unit) if features.unit else f"file:{features.path}"


def describe(features: Features) -> str:
    """How a message names another report: unit, year and file name."""
    who = features.unit or "单位未识别"
    year = f"{features.year}年" if features.year else ""
    return f"「{who}」{year}报告（{PurePath(features.path.replace(chr(92), '/')).name}）"


BatchCheck = Callable[[list[Features], Context], Iterable[tuple[int, Finding]]]


@dataclass(frozen=True)
class BatchRule:
    """A registered check over all reports of a batch; yields (report index, finding)."""

    code: str
    severity: Severity
    category: str
    summary: str
    check: BatchCheck

    @property
    def doc(self) -> str:
        """The rule's explanation: why it matters, with an example."""
        return inspect.cleandoc(self.check.__doc__ or "")


BATCH_RULES: dict[str, BatchRule] = {}


def batch_rule(code: str, severity: Severity, category: str, summary: str):
    """Register a batch check under a stable code."""

    def register(check: BatchCheck) -> BatchCheck:
        if code in BATCH_RULES:
            raise ValueError(f"duplicate rule code {code}")
        BATCH_RULES[code] = BatchRule(code, severity, category, summary, check)
        return check

    return register


def run_crosschecks(features: list[Features], settings: Settings | None = None) -> list[list[Finding]]:
    """Run every selected batch rule; the findings of each report, in input order."""
    settings = settings or Settings()
    out: list[dict[str, Finding]] = [{} for _ in features]
    for code in sorted(BATCH_RULES):
        if not settings.enabled(code):
            continue
        r = BATCH_RULES[code]
        # Context only reads code, severity and category, which a BatchRule has too.
        ctx = Context(r, settings)  # type: ignore[arg-type]
        for index, finding in r.check(features, ctx):
            out[index].setdefault(finding.id, finding)
    return [sorted(found.values(), key=Finding.sort_key) for found in out]


@batch_rule("BATCH001", "warning", "narrative", "多个单位的报告中有相同段落（套用其他单位报告）")
def shared_paragraphs(features: list[Features], ctx: Context):
    """Paragraphs of 40 or more characters, 100 or more in all, found verbatim in another unit's report.

    Each department reports on its own business; a long passage that appears
    word for word in another department's report was copied, and often still
    describes the other department's work or figures. A single standard
    sentence is not enough: units write the same sentences the 财政 notice
    prescribes (how the results are used and published) without copying each
    other. Whitespace and punctuation are ignored when comparing and
    counting. Form instructions ("说明：…")
    are skipped, and in a batch of five or more units, text shared by more
    than half of them is taken as the template's wording. Reports of the same
    unit (this year and last year) are not compared with each other, nor is a
    report whose unit could not be read: two versions of one report would
    otherwise pass for two units.

    Example: 「甲局」's 存在的问题 paragraph "预算精细化管理推行难。预算管理的
    科学化和精细化是……" also appears in 「乙局」's report → one warning on
    each report, naming the other and quoting every shared paragraph.
    """
    owners: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    first_span: dict[tuple[int, str], TextSpan] = {}
    for index, feats in enumerate(features):
        if not feats.unit:
            continue
        for span in feats.texts:
            norm = _normalized(span.text)
            if (index, norm) not in first_span:
                first_span[(index, norm)] = span
                owners[norm][unit_key(feats)].append(index)
    units = {unit_key(f) for f in features if f.unit}
    # shared[(doc, other unit)] = spans of doc also found in that unit's reports
    shared: dict[tuple[int, str], list[TextSpan]] = defaultdict(list)
    for norm, by_unit in owners.items():
        if len(by_unit) < 2:
            continue
        if len(units) >= TEMPLATE_MIN_UNITS and len(by_unit) * 2 > len(units):
            continue
        for unit, indexes in by_unit.items():
            for index in indexes:
                for other in by_unit:
                    if other != unit:
                        shared[(index, other)].append(first_span[(index, norm)])
    for (index, other), spans in sorted(shared.items(), key=lambda item: item[0]):
        total = sum(len(_normalized(s.text)) for s in spans)
        if total < MIN_SHARED_TOTAL:
            continue
        partner = next(features[i] for i in owners[_normalized(spans[0].text)][other])
        spans = sorted(spans, key=lambda s: (s.loc.block or 0, s.loc.row or 0, s.loc.col or 0))
        yield index, ctx.finding(
            f"有{len(spans)}段文字（共{total}字）与{describe(partner)}完全相同，可能套用了其他单位的报告",
            [Evidence(quote=s.text, loc=s.loc) for s in spans],
            suggestion="核实这些段落是否写的是本单位的情况，改写为本单位的实际内容和数据。",
        )


@batch_rule("BATCH002", "error", "crossref", "基础数据表上年决算数与同一单位上年报告不一致")
def last_year_actuals(features: list[Features], ctx: Context):
    """This year's 基础数据表 repeats last year's 决算 figures: they must equal last year's report.

    The "2023 年决算数" column of a 2024 基础数据表 and the "2023 年决算数"
    column of the same unit's 2023 基础数据表 are the same figures. When both
    reports are in the batch (same unit name, consecutive years), every line
    present in both is compared after rounding (a 2-decimal figure stands for
    ±0.005 万元). A difference means one of the two reports is wrong, or last
    year's figures were revised without explanation.

    Example: 2024 report, 公用经费 "2023 年决算数" 33.68; the same unit's 2023
    report, 公用经费 "2023 年决算数" 35.10 → error on the 2024 report.
    """
    by_unit_year: dict[tuple[str, int], int] = {}
    for index, feats in enumerate(features):
        if feats.unit and feats.year:
            by_unit_year.setdefault((unit_key(feats), feats.year), index)
    for index, feats in enumerate(features):
        if not (feats.unit and feats.year):
            continue
        previous_index = by_unit_year.get((unit_key(feats), feats.year - 1))
        if previous_index is None:
            continue
        previous = features[previous_index]
        reported = {
            v.line: v for v in previous.basic if v.year == previous.year and v.measure == "决算" and v.value is not None
        }
        for v in feats.basic:
            if v.year != previous.year or v.measure != "决算" or v.value is None or v.line not in reported:
                continue
            last = reported[v.line]
            difference = v.value - last.value
            if abs(difference) <= v.quantity.tolerance() + last.quantity.tolerance():
                continue
            label = v.line.split("/")[-1]
            yield index, ctx.finding(
                f"基础数据表「{label}」{v.column}{fmt(v.value)}万元，与{describe(previous)}中的"
                f"{previous.year}年决算数{fmt(last.value)}万元不一致（差{fmt(abs(difference))}万元）",
                [Evidence(quote=v.quantity.raw, loc=v.loc)],
                expected=f"{fmt(last.value)}万元",
                actual=f"{fmt(v.value)}万元",
                suggestion="核对上年决算数；若上年数据已调整，在报告中说明调整原因。",
            )
