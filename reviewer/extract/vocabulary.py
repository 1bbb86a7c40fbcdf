"""Canonical names of the quantities a report states in several places.

A Fact's ``key`` is one of these names; cross-reference rules compare facts
with the same key. Synonyms are matched longest first.
"""

from __future__ import annotations

import re
from functools import lru_cache

# canonical key -> phrases that name it (in tables or narrative)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "年度资金总额": ("年度资金总额", "年度资金总和", "资金总额"),
    "一般公共预算": ("一般公共预算拨款支出", "一般公共预算拨款", "一般公共预算财政拨款", "一般公共预算支出", "一般公共预算"),
    "政府性基金": ("政府性基金预算拨款", "政府性基金拨款", "政府性基金预算支出", "政府性基金安排支出", "政府性基金"),
    "国有资本经营预算": ("国有资本经营预算财政拨款", "国有资本经营预算"),
    "社会保险基金": ("社会保险基金预算支出", "社会保险基金支出", "社会保险基金"),
    "非税收入": ("纳入专户管理的非税收入拨款", "纳入专户管理的非税收入", "非税收入"),
    "基本支出": ("基本支出",),
    "项目支出": ("项目支出",),
    "人员经费": ("人员经费", "人员支出"),
    "公用经费": ("公用经费", "公用支出"),
    "三公经费": ("三公经费", "“三公”经费", "\"三公\"经费"),
    "公务接待": ("公务接待费", "公务接待"),
    "出国经费": ("因公出国（境）费", "出国经费", "出国（境）费"),
    "公务用车购置和维护经费": ("公务用车购置和维护经费", "公务用车购置及运行维护费", "公务用车购置及运行费"),
    "公车购置": ("公车购置", "公务用车购置费"),
    "公车运行维护": ("公车运行维护", "公务用车运行维护费"),
    "政府采购金额": ("政府采购金额", "政府采购"),
    "编制数": ("编制数合计", "核定编制数", "核定编制", "人员编制数", "人员编制", "编制人数", "编制数", "定编"),
    "在职人数": ("实际在职人数", "在职在岗在编职工", "在编在岗", "实有人数", "在职人数", "在职人员", "在编人员"),
    "控制率": ("控制率",),
    "执行率": ("预算执行率", "执行率"),
    "总分": ("绩效自评综合得分", "自评综合得分", "自评总分", "综合评分", "综合得分", "总分", "自评得分"),
    "满意度": ("满意度",),
}

_PAIRS = sorted(((syn, key) for key, syns in SYNONYMS.items() for syn in syns), key=lambda p: -len(p[0]))
KEY_PATTERN = re.compile("|".join(re.escape(s) for s, _ in _PAIRS))
_LOOKUP = dict(_PAIRS)

# Phrases whose key would be wrong: "项目支出绩效自评表" is not the amount of 项目支出.
NOT_A_QUANTITY = ("项目支出绩效", "项目支出名称", "基本支出以外", "执行率得分", "预算调整")


@lru_cache(maxsize=4096)  # asked of every row label, cell and indicator name a review reads
def canonical_key(label: str) -> str | None:
    """The canonical key a table label or phrase names, if any (longest synonym wins)."""
    text = normalize_label(label)
    if any(bad in text for bad in NOT_A_QUANTITY):
        return None
    match = KEY_PATTERN.search(text)
    return _LOOKUP[match.group(0)] if match else None


def key_of_synonym(phrase: str) -> str:
    """The canonical key of a phrase that KEY_PATTERN matched."""
    return _LOOKUP[phrase]


_LABEL_NOISE = re.compile(r"^[\s\d一二三四五六七八九十]+[、.．)）]|^其中[:：]?|[:：\s]+$|\s+")


@lru_cache(maxsize=4096)
def normalize_label(label: str) -> str:
    """Strip numbering ("1、"), "其中：", colons and whitespace from a row label."""
    text = label.strip()
    previous = None
    while previous != text:
        previous = text
        text = _LABEL_NOISE.sub("", text)
    return text
