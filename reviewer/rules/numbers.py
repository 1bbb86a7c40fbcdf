"""Decimal arithmetic with rounding intervals, and number formatting for messages.

A figure written with k decimals stands for an interval of ±0.5·10^-k; a sum
is wrong only when the intervals of the total and of the parts cannot meet.
"""

from __future__ import annotations

from decimal import Decimal

from reviewer.quantity import Quantity, parse_quantity
from reviewer.report import Fact


def value(q: Quantity | Fact | None) -> Decimal | None:
    """The number of a Quantity or Fact (money in 万元), or None."""
    if q is None:
        return None
    if isinstance(q, Fact):
        return q.value
    return q.in_wan()


def tol(q: Quantity | Fact) -> Decimal:
    """The rounding half-interval of a written figure.

    Amounts in these tables are kept to the cent of a 万元 (two decimals); an
    amount written without decimals ("426") dropped its zeros rather than
    rounding to a whole 万元, so it gets the two-decimal interval, not ±0.5.
    """
    quantity = q.quantity if isinstance(q, Fact) else q
    if quantity.decimals == 0 and quantity.unit in (None, "万元", "元", "亿元", "人", "名", "个", "项"):
        return Decimal("0.005")
    return quantity.tolerance()


def sum_disagrees(total: Quantity | Fact, parts: list[Quantity | Fact], extra: Decimal = Decimal(0)) -> bool:
    """True when the parts cannot add up to the total within rounding (plus ``extra`` slack)."""
    t = value(total)
    if t is None:
        return False
    s = sum((value(p) or Decimal(0) for p in parts), Decimal(0))
    slack = tol(total) + sum((tol(p) for p in parts if value(p) is not None), Decimal(0)) + extra
    return abs(t - s) > slack


def fmt(number: Decimal | None, places: int | None = None) -> str:
    """Format a Decimal without float noise: 816.23, 6.00 (with places=2), 56."""
    if number is None:
        return "—"
    if places is not None:
        return f"{number:.{places}f}"
    normalized = number.normalize()
    text = f"{normalized:f}"
    return text


def places_of(*items: Quantity | Fact | None) -> int:
    """The most decimals written among the inputs, or needed to show an amount written in 元 or 千元 exactly in 万元 (how to show a computed result)."""
    out = 0
    for item in items:
        if item is None:
            continue
        q = item.quantity if isinstance(item, Fact) else item
        out = max(out, q.decimals)
        if q.unit in ("元", "千元") and q.value is not None:
            # Shown in 万元: 32,298,450元 is 3229.845万元, not 3230 (its last digits would vanish from the message).
            out = max(out, -min(0, q.in_wan().normalize().as_tuple().exponent))
    return out


def shown(q: Quantity) -> str:
    """A value as the report writes it, with the unit its row's 度量单位 gives when the cell itself has none ("679.6" -> "679.6元")."""
    raw = q.raw.strip()
    if q.unit and q.value is not None and parse_quantity(raw).unit is None:
        return raw + q.unit
    return raw
