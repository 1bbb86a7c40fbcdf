"""Figures as a report writes them: read out of text, compared within rounding, shown in messages.

Used by the rules, the LLM stage and the verifier alike; it depends on
nothing but the quantity parser.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from decimal import Decimal

from reviewer.quantity import Quantity, parse_quantity

NUMBER = re.compile(r"\d+(?:\.\d+)?")
CN_NUMERAL = re.compile("[零〇一二两三四五六七八九十百千]")
MONEY_UNITS = ("元", "千元", "万元", "亿元")


@dataclass(frozen=True)
class Number:
    """A number with its rounding tolerance, in 万元 when it is money.

    ``unit`` is the unit as written (万元, 元, %, 人 …, None when none was
    written); ``written`` the value as written, before any 元 -> 万元
    conversion.
    """

    value: Decimal
    tolerance: Decimal
    unit: str | None = None
    written: Decimal | None = None

    def agrees(self, other: "Number") -> bool:
        """True when the two rounding intervals meet."""
        return abs(self.value - other.value) <= self.tolerance + other.tolerance

    @property
    def kind(self) -> str | None:
        """money / percent / score / count, or None when no unit is written."""
        return unit_kind(self.unit)

    def same_kind(self, other: "Number") -> bool:
        """False only when both carry a unit and the units measure different things (万元 vs %)."""
        return self.kind is None or other.kind is None or self.kind == other.kind


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


def unit_kind(unit: str | None) -> str | None:
    """money / percent / score / count, or None when no unit is written."""
    if unit is None:
        return None
    if unit in MONEY_UNITS:
        return "money"
    if unit in ("%", "‰"):
        return "percent"
    if unit == "分":
        return "score"
    return "count"


def digits_of(text: str) -> list[str]:
    """The numbers written in a text, in order (thousands separators removed)."""
    flat = re.sub(r"(?<=\d),(?=\d{3})", "", unicodedata.normalize("NFKC", text))
    return NUMBER.findall(flat)


def cn_digits(text: str) -> str:
    """The text with Chinese numerals written as digits ("十四名" -> "14名"); "" when it has none."""
    if not CN_NUMERAL.search(text):
        return ""
    import cn2an  # imported lazily: ~150 ms, needed only for Chinese numerals

    try:
        with warnings.catch_warnings():  # cn2an warns about every unit word it cannot convert
            warnings.simplefilter("ignore")
            return cn2an.transform(text, "cn2an")
    except (ValueError, KeyError, IndexError):
        return ""


def significant_digits(value: Decimal) -> int:
    """Digits written, without sign, point or leading zeros (0.57 -> 2, 2500 -> 4)."""
    return len(fmt(abs(value)).replace(".", "").lstrip("0"))


def fmt(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent (476.750 -> "476.75", 1E+2 -> "100")."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
