"""Changes on last year in the text: "比上年16.80万元减少2.52万元，下降15.00%".

The amount written after 比上年 / 较上年 is last year's: the rate is the change
over it, and a wrong rate is told with that amount, never with one made up
from it. Figures are invented; every format a narrative arrives in.
"""

from __future__ import annotations

import pytest

from tests.test_narrative_clauses import NARRATIVE_FORMATS, found, narrative

LAST_YEAR_STATED = "“三公”经费支出14.28万元，比上年16.80万元减少2.52万元，下降{rate}。"
LAST_YEAR_STATED_INCREASE = "全年支出3418.70万元，较上年的3186.40万元增加232.30万元，增长{rate}。"


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
def test_a_rate_is_checked_over_the_stated_last_year_amount(name):
    assert found(narrative(LAST_YEAR_STATED.format(rate="15.00%")), name, "XREF004") == []
    assert found(narrative(LAST_YEAR_STATED_INCREASE.format(rate="7.29%")), name, "XREF004") == []
    (f,) = found(narrative(LAST_YEAR_STATED.format(rate="17.65%")), name, "XREF004")
    assert (f.expected, f.actual) == ("15.00%", "17.65%")
    assert "按上年16.8万元计算" in f.message, f.message
    (g,) = found(narrative(LAST_YEAR_STATED_INCREASE.format(rate="8.29%")), name, "XREF004")
    assert (g.expected, g.actual) == ("7.29%", "8.29%") and "按上年3186.4万元计算" in g.message, g.message


POINTS = "2024年全年预算数1560.00万元，全年执行数1502.90万元，预算执行率96.34%，较上年94.12%{change}个百分点。"


@pytest.mark.parametrize("name", NARRATIVE_FORMATS)
def test_a_change_in_percentage_points_is_this_years_rate_less_last_years(name):
    assert found(narrative(POINTS.format(change="提高2.22")), name, "XREF004") == []
    assert found(narrative("服务对象满意度93.5%，比上年95.0%下降1.5个百分点。"), name, "XREF004") == []
    (f,) = found(narrative(POINTS.format(change="提高3.22")), name, "XREF004")
    assert (f.expected, f.actual) == ("提高2.22个百分点", "提高3.22个百分点")
    (g,) = found(narrative(POINTS.format(change="下降2.22")), name, "XREF004")
    assert (g.expected, g.actual) == ("提高2.22个百分点", "下降2.22个百分点")
