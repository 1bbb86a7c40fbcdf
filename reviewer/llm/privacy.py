"""Masking of personal data before any text leaves the machine.

Masked: mobile and landline phone numbers, 18-digit ID numbers, and the
names written after 填表人 / 联系人 / 评价人员 / 经办人 / 单位负责人. A name found
after a label anywhere in the document is masked everywhere else too, so a
name repeated in the narrative does not slip through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PHONE_MASK = "［电话］"
ID_MASK = "［身份证号］"
NAME_MASK = "［姓名］"

PERSON_LABELS = ("填表人", "联系人", "评价人员", "经办人", "单位负责人")
LABEL = r"(?:" + "|".join(PERSON_LABELS) + r")(?:签字|签名|签章|姓名)?"
SEPARATOR = r"[ \t\u3000]*[:：]?[ \t\u3000]*"
# Words that can follow a label but are not names (the next field of a signature line).
NOT_A_NAME = r"(?!填报|填表|日期|联系|电话|单位|签|手机|负责|盖章|姓名|身份)"
NAME = NOT_A_NAME + r"[\u4e00-\u9fff](?:[\u4e00-\u9fff]|·[\u4e00-\u9fff]){1,9}?"
# A name ends at punctuation, a space, or the next field of the line ("张三填报日期").
AFTER_NAME = r"(?=$|[\s，,、。；;：:（(）)]|填报|填表|日期|联系|电话|单位|签|手机)"
NAME_LIST_AFTER_LABEL = re.compile(
    LABEL + SEPARATOR + r"(" + NAME + AFTER_NAME + r"(?:[、，,和 \u3000]+" + NAME + AFTER_NAME + r")*)"
)
LABEL_ONLY = re.compile(r"^\s*" + LABEL + r"\s*[:：]?\s*$")
NOT_AMOUNT = r"(?![\d.万亿元%])"

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![\d.])(?:(?:\+|00)?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}" + NOT_AMOUNT)
# A landline needs an area code (0xx / 0xxx) so that amounts are never taken for phones...
LANDLINE_WITH_AREA = re.compile(r"(?<![\d.])(?:[(（]0\d{2,3}[)）][- ]?|0\d{2,3}[-－— ])\d{7,8}(?:[-－—]\d{1,5})?" + NOT_AMOUNT)
LANDLINE_DIGITS = re.compile(r"(?<![\d.])0\d{2,3}\d{7,8}" + NOT_AMOUNT)
# ...unless a phone label stands right before it.
PHONE_AFTER_LABEL = re.compile(
    r"((?:联系电话|电话号码|联系方式|电话|手机|座机|Tel|TEL|tel)[ \t\u3000]*[:：]?[ \t\u3000]*)(\d[\d \-－—]{5,14}\d)(?![\d.])"
)


def names_in(texts: Iterable[str]) -> set[str]:
    """Names written after a person label, in running text or in the next table cell."""
    found: set[str] = set()
    previous_was_label = False
    for text in texts:
        for match in NAME_LIST_AFTER_LABEL.finditer(text):
            found.update(re.findall(NAME + AFTER_NAME, match.group(1)))
        if previous_was_label:
            candidate = text.strip()
            if re.fullmatch(NAME, candidate):
                found.add(candidate)
        previous_was_label = bool(LABEL_ONLY.match(text))
    return found


def mask(text: str, names: Iterable[str] = ()) -> str:
    """Replace personal names, ID numbers and phone numbers with placeholders."""
    # Names first: the placeholders inserted below contain words a name pattern could hit.
    text = NAME_LIST_AFTER_LABEL.sub(
        lambda m: m.group(0)[: m.start(1) - m.start(0)] + re.sub(NAME + AFTER_NAME, NAME_MASK, m.group(1)), text
    )
    # Longest first, so that a full name is not left half-masked by a shorter one.
    for name in sorted(set(names), key=len, reverse=True):
        text = text.replace(name, NAME_MASK)
    text = ID_NUMBER.sub(ID_MASK, text)
    text = PHONE_AFTER_LABEL.sub(lambda m: m.group(1) + PHONE_MASK, text)
    text = MOBILE.sub(PHONE_MASK, text)
    text = LANDLINE_WITH_AREA.sub(PHONE_MASK, text)
    return LANDLINE_DIGITS.sub(PHONE_MASK, text)


class Masker:
    """Masks texts with the names learned from a whole document."""

    def __init__(self, document_texts: Iterable[str]):
        self.names = names_in(document_texts)

    def __call__(self, text: str) -> str:
        """The masked text."""
        return mask(text, self.names)
