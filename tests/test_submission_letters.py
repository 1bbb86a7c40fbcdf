"""A report sent as a letter: "关于报送2024年度部门整体支出绩效自评报告的函" over the sections.

The letter is the report (unit, year, sections, figures), whatever word
ends its title; its sentences are checked like any narrative's. The letter
below is invented; every format a narrative arrives in.
"""

from __future__ import annotations

import pytest

from tests.test_narrative_clauses import NARRATIVE_FORMATS, found, review

LETTER = [
    "青溪县乡村振兴局",
    "关于报送2024年度部门整体支出绩效自评报告的函",
    "县财政局：",
    "根据预算绩效自评工作安排，现将我局2024年度部门整体支出绩效自评情况报告如下：",
    "一、部门基本情况",
    "我局内设股室4个，编制人数18名，实有在职人员17人。",
    "二、预算执行情况",
    "2024年全年预算数1250.00万元，全年执行数1212.50万元，预算执行率{rate}。",
    "三、自评结论",
    "经自评，我局部门整体支出绩效自评得分96.5分，等级为“优”。",
]


def _letter(rate: str) -> list[str]:
    return [line.format(rate=rate) for line in LETTER]


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
def test_a_letter_titled_han_is_reviewed_as_the_report(name):
    assert [f.rule for f in review(_letter("97.00%"), name) if f.severity in ("error", "warning")] == []
    (f,) = found(_letter("96.00%"), name, "NARR002")
    assert (f.actual, f.expected) == ("96%", "97.00%")
