"""Levels of government that fund a project: 中央 / 省 / 市·州 / 县·区, in row labels and unit names.

Transfer-payment and project forms break a funds total down by the level of
government paying it (中央资金, 省级财政资金, 州级资金, 县级资金 …). Such a
list is complete when it reaches down to the reporting unit's own level (a
county unit's list ends at 县级); a "其中" naming only some levels (其中：中央资金)
is a part, not the whole.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CENTRAL, PROVINCE, PREFECTURE, COUNTY, TOWNSHIP, LOCAL = range(6)  # LOCAL: 地方, every level below the centre at once
_RANKS = {
    "中央": CENTRAL, "地方": LOCAL, "省": PROVINCE, "自治区": PROVINCE, "市": PREFECTURE, "州": PREFECTURE, "盟": PREFECTURE,
    "县": COUNTY, "区": COUNTY, "旗": COUNTY, "乡镇": TOWNSHIP, "乡": TOWNSHIP, "镇": TOWNSHIP,
}
# "中央资金", "省级财政资金", "州级资金", "县财政", "市或盟", "中央财政补助资金", "区级配套资金",
# and levels named together ("市县财政资金", "州县配套资金"), which reach down to the lowest of them.
_LEVEL_WORD = r"中央|地方|自治区|乡镇|省|市|州|盟|县|区|旗|乡|镇"
_LEVEL_LABEL = re.compile(
    rf"(?P<level>(?:{_LEVEL_WORD})+?)(?P<ji>级)?(?P<alias>或(?:自治区|盟|旗))?(?:本级)?"
    r"(?P<suffix>(?:财政)?(?:专项|补助|配套)?(?:资金|拨款|投入|补助|配套)?)"
)
_LEVEL_WORDS = re.compile(_LEVEL_WORD)
_LABEL_NOISE = re.compile(r"\s+|[(（][^()（）]*[)）]$")
_QIZHONG = re.compile(r"^其中[:：]?")
# In a unit's name: the divisions it belongs to ("湘西州泸溪县农业农村局" -> 州, 县). "自治区" is a province.
_DIVISION = re.compile(r"自治区|省|市|州|盟|县|区|旗")


@lru_cache(maxsize=1024)  # asked of the same funds rows by several rules, column by column
def gov_level(label: str) -> int | None:
    """The rank of the level of government a funds row names (CENTRAL … TOWNSHIP), or None.

    "中央资金" -> CENTRAL, "省级财政资金" / "省财政" -> PROVINCE, "州级资金" -> PREFECTURE,
    "县级资金" -> COUNTY, "市或盟" -> PREFECTURE, "市县财政资金" -> COUNTY (the lowest it names),
    "地方资金" -> LOCAL;
    "中央" alone counts, a bare "省" or "县" does not;
    "当年财政拨款", "上年结转资金" -> None. The label is read without "其中：",
    whitespace or a "（万元）" note.
    """
    s = _LABEL_NOISE.sub("", unicodedata.normalize("NFKC", label))
    s = _QIZHONG.sub("", s)
    m = _LEVEL_LABEL.fullmatch(s)
    if m is None:
        return None
    word = m["level"]
    if word != "中央" and not (m["ji"] or m["alias"] or m["suffix"]):
        return None
    return max(_RANKS[w] for w in _LEVEL_WORDS.findall(word))


def unit_level(name: str | None) -> int:
    """The lowest level of government a unit's name places it in; COUNTY when the name says nothing.

    "南岭县住建局" -> COUNTY, "岚江市林业局" -> PREFECTURE, "湘西州泸溪县民政局" -> COUNTY,
    "广西壮族自治区交通运输厅" -> PROVINCE. Unknown names count as COUNTY, the lowest
    level a list must reach to be called complete, so that an unsure list stays a part.
    """
    found = [_RANKS[m.group(0)] for m in _DIVISION.finditer(name or "")]
    return max(found) if found else COUNTY


def complete_levels(levels: list[int], bottom: int) -> bool:
    """Whether a run of level rows lists the whole: two levels or more, reaching down to ``bottom``.

    地方 (the transfer-payment template's 中央财政资金 / 地方资金) completes 中央 alone; beside
    other local levels it is their whole rather than their sibling, and the run is no list.
    """
    if LOCAL in levels:
        return sorted(levels) == [CENTRAL, LOCAL]
    return len(set(levels)) >= 2 and max(levels) >= bottom
