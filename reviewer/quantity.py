"""Parsed cell values: comparator + Decimal number + unit, or a qualitative statement."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

Comparator = Literal[">=", "<=", "=", ">", "<"]


class Quantity(BaseModel):
    """A value as written in a report, parsed.

    ``raw`` keeps the original text. ``value`` is None when no number could be
    read. ``problem`` says why a value that looks quantitative is malformed
    ("缺少数值", "数值格式错误"). ``decimals`` is the number of digits written
    after the point, which gives the rounding interval of the figure.
    """

    raw: str
    comparator: Comparator | None = None
    value: Decimal | None = None
    unit: str | None = None
    qualifier: str | None = None  # 以上 / 以下 / 余 / 约 / 不低于 ...
    qualitative: bool = False
    decimals: int = 0
    problem: str | None = None

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
        return self.comparator in (">=", "<=", ">", "<") or self.qualifier in ("以上", "以下", "余", "约")

    def tolerance(self) -> Decimal:
        """Half a unit in the last written decimal place (0.005 for 2 decimals)."""
        return Decimal(5) * Decimal(10) ** (-(self.decimals + 1))

    def in_wan(self) -> Decimal | None:
        """The value in 万元 when the unit is money (元 or 万元), else the value."""
        if self.value is None:
            return None
        if self.unit == "元":
            return self.value / Decimal(10000)
        if self.unit == "亿元":
            return self.value * Decimal(10000)
        return self.value

    def display(self) -> str:
        """Short display of the parsed value (for messages)."""
        return self.raw.strip()


BLANK_TEXTS = {"", "无", "—", "——", "-", "--", "/", "\\", "－", "―", "——"}


def parse_quantity(text: str) -> Quantity:
    """Parse a cell or phrase such as ``≥95%``, ``>=148.万元``, ``10000余件``, ``提升明显``."""
    raise NotImplementedError  # being written: see tests/test_quantity.py
