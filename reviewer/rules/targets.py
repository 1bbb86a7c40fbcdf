"""Whether an indicator's actual value meets its target, decided from parsed values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from reviewer.quantity import Quantity
from reviewer.report import Indicator
from reviewer.rules.numbers import shown

NO_REASON = {"", "无", "暂无", "没有", "/", "—", "——", "-", "0", "无偏差", "未偏差"}


@dataclass(frozen=True)
class Assessment:
    """Result of comparing an indicator's actual value with its target."""

    met: bool
    target: Decimal
    actual: Decimal
    comparator: str  # >= > <= < =, or "range" for a target with two ends
    explanation: str  # Chinese, e.g. "实际完成值95%未达到年度指标值>95%"


_NOISE = re.compile(r"[\s。.，,]")
_ANSWER_NOISE = re.compile(r"[\s。.，,!！]")


def has_reason(indicator: Indicator) -> bool:
    """True when the deviation column says something more than "无"."""
    text = _NOISE.sub("", indicator.deviation)
    return text not in NO_REASON


# "执行率得分", "预算执行率（10分）", "预算执行情况": the 执行率 score written as a row of the indicator table.
_EXECUTION_SCORE = re.compile(r"^(?:预算)?执行(?:率|情况)(?:得分)?(?:[（(]\d+(?:\.\d+)?分[)）])?$")


def is_execution_score(indicator: Indicator, form: list[Indicator]) -> bool:
    """A row of a form whose indicators have targets that holds the 预算执行率 score and has none.

    Its points follow the rate, so its deduction needs no reason. A score
    sheet (no targets at all) scores 预算执行率 like its other items and
    explains each deduction in its own reason column.
    """
    if not (indicator.target.blank and indicator.actual.blank) or all(i.target.blank for i in form):
        return False
    return _EXECUTION_SCORE.match(re.sub(r"\s", "", indicator.name)) is not None


def is_cost(indicator: Indicator) -> bool:
    """Cost indicators (成本指标, or a 费用/成本 line in 万元) are upper bounds."""
    if "成本" in indicator.level2 or "成本" in indicator.level1:
        return True
    return any(w in indicator.level3 for w in ("成本", "费用", "经费", "金额")) and indicator.target.unit in ("万元", "元")


def _units_compatible(t: Quantity, a: Quantity) -> bool:
    if t.unit == a.unit:
        return True
    money = {"万元", "千元", "元", "亿元"}
    if t.unit in money and a.unit in money:
        return True
    # A bare number beside a unit ("95" against "≥95%") is taken as the same unit.
    return t.unit is None or a.unit is None


def effective_comparator(indicator: Indicator) -> str:
    """The comparator the target means: "=" on a cost is ≤, "=2024年" means by 2024, "0起" at most 0, none means ≥."""
    if indicator.target.comparator is None and indicator.target.value == 0:
        return "<="  # "安全事故 0起": ≥0 would say nothing
    comparator = indicator.target.comparator or ">="
    if comparator == "=" and (is_cost(indicator) or indicator.target.unit == "年"):
        return "<="
    return comparator


# Yes/no targets and their answers: "是" / "达标" met by "是" / "已达标", missed by "否" / "未达标".
_DONE = {"是", "达到", "已达到", "达标", "已达标", "完成", "已完成", "全部完成", "按期完成", "按时完成", "合格", "实现", "已实现", "符合", "规范"}
_NOT_DONE = {"否", "未达到", "未达标", "未完成", "没有完成", "未按期完成", "未按时完成", "不合格", "未实现", "不符合", "不规范"}


def _readings(t: Quantity, a: Quantity) -> list[tuple[Decimal, Decimal]]:
    """The (target, actual) values to compare: as written, and, for a bare fraction beside a
    percentage (0.96 against ≥95%, as Excel shows a ratio), also with the fraction read as one."""
    tv, av = t.in_wan(), a.in_wan()
    if t.unit == "%" and a.unit is None and av <= 1 < tv:
        return [(tv, av * 100), (tv, av)]
    if a.unit == "%" and t.unit is None and tv <= 1 < av:
        return [(tv * 100, av), (tv, av)]
    return [(tv, av)]


def _yes_no(t: Quantity, a: Quantity) -> Assessment | None:
    """A yes/no target ("是", "达标") against its answer; None unless both are plainly one of those words."""
    target, actual = (_ANSWER_NOISE.sub("", q.raw) for q in (t, a))
    if target not in _DONE or actual not in _DONE | _NOT_DONE:
        return None
    met = actual in _DONE
    word = "达到" if met else "未达到"
    return Assessment(met=met, target=Decimal(1), actual=Decimal(int(met)), comparator="=",
                      explanation=f"实际完成值“{actual}”{word}年度指标值“{target}”")


def assess(indicator: Indicator) -> Assessment | None:
    """Compare actual with target when both are numbers in compatible units (or a yes/no and its answer), else None.

    A range target ("90%-95%") is met inside its ends; an actual written as a
    range is no measurement and is not compared.
    """
    return _assess(indicator.target, indicator.actual, effective_comparator(indicator))


@lru_cache(maxsize=4096)  # several rules assess every indicator: the same values give the same (frozen) Assessment
def _assess(t: Quantity, a: Quantity, comparator: str) -> Assessment | None:
    """:func:`assess` of a target and an actual, ``comparator`` being what the target means (effective_comparator)."""
    if t.qualitative and a.qualitative:
        return _yes_no(t, a)
    if t.value is None or a.value is None or t.qualitative or a.qualitative or a.upper is not None:
        return None
    if not _units_compatible(t, a):
        return None
    if t.upper is not None:
        comparator = "range"
    slack = a.tolerance() if comparator == "=" else Decimal(0)

    def meets(tv: Decimal, av: Decimal) -> bool:
        high = t.upper * (tv / t.value) if t.upper is not None and t.value else t.upper
        return {">=": av >= tv, ">": av > tv, "<=": av <= tv, "<": av < tv, "=": abs(av - tv) <= slack,
                "range": high is not None and tv <= av <= high}[comparator]

    # When a value can be read two ways, the target is missed only if it is missed either way.
    readings = _readings(t, a)
    tv, av = next(((tv, av) for tv, av in readings if meets(tv, av)), readings[0])
    met = meets(tv, av)
    shown_target, shown_actual = shown(t), shown(a)
    if met:
        explanation = f"实际完成值{shown_actual}达到年度指标值{shown_target}"
    elif comparator == ">" and av == tv:
        explanation = f"年度指标值为严格大于（{shown_target}），实际完成值{shown_actual}恰好相等，未达到"
    else:
        explanation = f"实际完成值{shown_actual}未达到年度指标值{shown_target}"
    return Assessment(met=met, target=tv, actual=av, comparator=comparator, explanation=explanation)
