"""Amounts written in a text and the clauses and lists that hold them, for the NARR rules.

An amount is read in 万元 with the half-interval its decimals leave
("29.99万元" stands for ±0.005). Clauses split at commas and semicolons (a
comma grouping thousands, "2,301.50", splits nothing); a "其中" list ends
with its enumeration, not with its sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from reviewer.finding import Evidence
from reviewer.quantity import parse_quantity
from reviewer.report import TextSpan
from reviewer.rules.numbers import fmt

MONEY = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(亿元|万元|元)")
SENTENCE_END = re.compile(r"[。！？!?\n]")
# A comma before a group of three digits groups thousands ("2,301.50", "1,250,000.00元"): it ends no clause.
CLAUSE_END = re.compile(r"[，；;。！？!?\n]|,(?!\d{3}(?!\d))")
PART_END = re.compile(r"[，；;。！？!?\n、]|,(?!\d{3}(?!\d))")  # the items of a list: "其中财政拨款…万元、上年结转…万元"
# A clause about a change or a ratio does not state a part of the total.
CHANGE = re.compile(r"比上年|较上年|比去年|较去年|同比|环比|增加|减少|增长|下降|上升|增幅|降幅|[%％]|占")
# Splits a known total has no other part of: 基本支出 is 人员经费 + 公用经费, spending is 基本支出 + 项目支出.
COMPLETE_SPLITS: dict[str, frozenset[str]] = {
    "基本支出": frozenset({"人员经费", "公用经费"}),
    "支出": frozenset({"基本支出", "项目支出"}),
}


@dataclass(frozen=True)
class Amount:
    """A money amount written in a text: value and rounding half-interval in 万元, and where it is."""

    value: Decimal
    slack: Decimal
    text: str
    start: int
    end: int

    def evidence(self, span: TextSpan) -> Evidence:
        """The amount as evidence, located in its text."""
        return Evidence(quote=self.text, loc=span.loc.with_span(self.start, self.end))


def occurrences(text: str, word: str) -> Iterator[tuple[int, int]]:
    """Where a non-empty ``word`` stands in ``text``: (start, end) of each, left to right, none overlapping.

    What ``re.finditer(re.escape(word), text)`` finds, without compiling a
    pattern for every project or base name a review looks for.
    """
    at = text.find(word)
    while at >= 0:
        yield at, at + len(word)
        at = text.find(word, at + len(word))


def amounts(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    """Money amounts in text[start:end]; a whole number is exact, "29.99" stands for ±0.005."""
    found = []
    for m in MONEY.finditer(text, start, len(text) if end is None else end):
        quantity = parse_quantity(m.group(1) + m.group(2))
        value = quantity.in_wan()
        if value is None or quantity.value is None:
            continue
        scale = value / quantity.value if quantity.value else Decimal(1)
        slack = quantity.tolerance() * abs(scale) if quantity.decimals else Decimal(0)
        found.append(Amount(value, slack, m.group(0), m.start(), m.end()))
    return found


def clauses(text: str, start: int, end: int, ends: re.Pattern = CLAUSE_END) -> list[tuple[int, int]]:
    """The clauses of text[start:end], split at commas, semicolons and sentence ends (or at ``ends``)."""
    out, at = [], start
    for m in ends.finditer(text, start, end):
        out.append((at, m.start()))
        at = m.end()
    out.append((at, end))
    return [(a, b) for a, b in out if b > a]


def sentence_bounds(text: str, at: int) -> tuple[int, int]:
    """Start and end of the sentence holding position ``at``."""
    start = max((m.end() for m in SENTENCE_END.finditer(text, 0, at)), default=0)
    end_match = SENTENCE_END.search(text, at)
    return start, end_match.start() if end_match else len(text)


def show(value: Decimal, *written: Amount) -> str:
    """A computed amount with the most decimals written among its inputs."""
    places = max((len(a.text.split(".")[1].rstrip("亿万元 ")) if "." in a.text else 0 for a in written), default=0)
    return f"{fmt(value, places)}万元"


def part_amounts(text: str, start: int, end: int) -> list[Amount] | None:
    """The one amount of each item (clause, or part of a 、 list) in text[start:end]; None when one is unclear (two amounts, a change, a share)."""
    parts: list[Amount] = []
    for a, b in clauses(text, start, end, PART_END):
        found = amounts(text, a, b)
        if not found:
            continue
        if CHANGE.search(text, a, b) or "（" in text[a:b] or "(" in text[a:b]:
            return None
        if len(found) > 1:  # "人员支出80万元、公用支出25万元" or "分别为30万元、30万元和29.99万元": one amount a piece
            pieces = [amounts(text, *piece) for piece in _list_items(text, a, b)]
            if any(len(piece) != 1 for piece in pieces if piece):
                return None
            parts.extend(piece[0] for piece in pieces if piece)
            continue
        parts.append(found[0])
    return parts


_LIST_JOINS = re.compile(r"[、和及与]")


def _list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items of a list in text[start:end], split at 、 and at 和/及/与."""
    out, at = [], start
    for m in _LIST_JOINS.finditer(text, start, end):
        out.append((at, m.start()))
        at = m.end()
    out.append((at, end))
    return out


# Whole words only: stripping the characters 本 or 年 would turn 基本支出 into 基支出.
_NOT_A_NAME = re.compile(r"^(其中|包括|含)[:：]?|[\d.,]+|年度|本单位|本部门|单位|部门|全年|共计|实际|完成|支付|为|达到?|约|年")


def named(text: str, start: int, end: int) -> str:
    """The quantity a clause names before its amount, stripped of numbering and verbs ("其中人员经费" -> "人员经费")."""
    words = _NOT_A_NAME.sub("", text[start:end])
    return words.strip(" ：:")


# Words that open a new quantity after a list of parts: "…；全年执行数470.40万元", "…，项目支出执行1972.35万元".
NEW_QUANTITY = re.compile(r"执行数|预算数|决算数|执行率|执行|结余|年初|全年")
ITEM_SEPARATOR = re.compile(r"[、，；;]|,(?!\d{3}(?!\d))")


def list_end(text: str, after: int, end: int, parent: str) -> int:
    """Where a "其中" list that starts at ``after`` ends (at most ``end``): the end of the enumeration, not of the sentence.

    The separator after the first part sets the list's own: a 、 list ends
    at the next ， or ；, a ， list at the next ；, a ； list at the sentence
    end. Any later item that names a quantity of its own (执行数, 预算数,
    全年…) or a sibling of the parent (项目支出 after 基本支出's parts)
    opens a new clause and closes the list; so does a nested 其中, whose
    parts are its own item's, not the list's.
    """
    siblings = {word for split in COMPLETE_SPLITS.values() for word in split if any(w in parent for w in split)}
    siblings = {w for w in siblings if w not in parent}
    own: str | None = None  # the list's separator
    at = after
    for m in ITEM_SEPARATOR.finditer(text, after, end):
        separator = "，" if m.group(0) in ",，" else "；" if m.group(0) in ";；" else "、"
        if own is None:
            if amounts(text, at, m.start()):
                own = separator
        elif separator != own and (own == "、" or separator == "；"):
            return m.start()
        at = m.end()
        following = ITEM_SEPARATOR.search(text, at, end)
        item_end = following.start() if following else end
        head = text[at : next((a.start for a in amounts(text, at, item_end)), item_end)]  # the item's name
        if own is not None and (NEW_QUANTITY.search(head) or "其中" in head or any(w in head for w in siblings)):
            return m.start()
    return end
