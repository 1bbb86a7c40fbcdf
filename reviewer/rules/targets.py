"""Whether an indicator's actual value meets its target, decided from parsed values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from reviewer.quantity import Quantity
from reviewer.report import Indicator

NO_REASON = {"", "无", "暂无", "没有", "/", "—", "——", "-", "0", "无偏差", "未偏差"}


@dataclass
class Assessment:
    """Result of comparing an indicator's actual value with its target."""

    met: bool
    target: Decimal
    actual: Decimal
    comparator: str
    explanation: str  # Chinese, e.g. "实际完成值95%未达到年度指标值>95%"


def has_reason(indicator: Indicator) -> bool:
    """True when the deviation column says something more than "无"."""
    text = re.sub(r"[\s。.，,]", "", indicator.deviation)
    return text not in NO_REASON


def is_cost(indicator: Indicator) -> bool:
    """Cost indicators (成本指标, or a 费用/成本 line in 万元) are upper bounds."""
    if "成本" in indicator.level2 or "成本" in indicator.level1:
        return True
    return any(w in indicator.level3 for w in ("成本", "费用", "经费", "金额")) and indicator.target.unit in ("万元", "元")


def _units_compatible(t: Quantity, a: Quantity) -> bool:
    if t.unit == a.unit:
        return True
    money = {"万元", "元", "亿元"}
    if t.unit in money and a.unit in money:
        return True
    # A bare number beside a unit ("95" against "≥95%") is taken as the same unit.
    return t.unit is None or a.unit is None


def effective_comparator(indicator: Indicator) -> str:
    """The comparator the target means: "=" on a cost is ≤, "=2024年" means by 2024, none means ≥."""
    comparator = indicator.target.comparator or ">="
    if comparator == "=" and (is_cost(indicator) or indicator.target.unit == "年"):
        return "<="
    return comparator


def assess(indicator: Indicator) -> Assessment | None:
    """Compare actual with target when both are numbers in compatible units, else None."""
    t, a = indicator.target, indicator.actual
    if t.value is None or a.value is None or t.qualitative or a.qualitative:
        return None
    if not _units_compatible(t, a):
        return None
    tv, av = t.in_wan(), a.in_wan()
    comparator = effective_comparator(indicator)
    slack = a.tolerance() if comparator == "=" else Decimal(0)
    met = {
        ">=": av >= tv,
        ">": av > tv,
        "<=": av <= tv,
        "<": av < tv,
        "=": abs(av - tv) <= slack,
    }[comparator]
    shown_target = t.raw.strip()
    shown_actual = a.raw.strip()
    if met:
        explanation = f"实际完成值{shown_actual}达到年度指标值{shown_target}"
    elif comparator == ">" and av == tv:
        explanation = f"年度指标值为严格大于（{shown_target}），实际完成值{shown_actual}恰好相等，未达到"
    else:
        explanation = f"实际完成值{shown_actual}未达到年度指标值{shown_target}"
    return Assessment(met=met, target=tv, actual=av, comparator=comparator, explanation=explanation)
