"""An execution rate whose sentence names a 其中 part after the spent amount.

"使用资金30400万元，其中专项债券资金24000万元，执行率95%": the part is a share of
the spending, not the budget it was spent from, so the rate is not
recomputed from the two (it would be 126.67%). A part that is itself the
spending ("下达资金32000万元，其中已支出30400万元") still recomputes the rate.
"""

from __future__ import annotations

from tests.reports import review_text

HEAD = "青溪县园区基础设施建设项目绩效自评报告\n一、项目基本情况\n"


def narr002(sentence: str) -> list[str]:
    _, findings = review_text(HEAD + sentence + "\n")
    return [f.message for f in findings if f.rule == "NARR002"]


def test_a_part_of_the_spending_is_not_the_budget():
    assert narr002("2024年实际到位并使用资金30,400.00万元，其中专项债券资金24,000.00万元，资金执行率95.00%。") == []


def test_a_part_of_a_fund_named_as_money_is_not_the_budget_either():
    assert narr002("全年支出经费860.00万元，其中上级补助经费500.00万元，执行率86.00%。") == []


def test_a_spent_part_of_the_budget_still_recomputes():
    assert narr002("2024年下达资金32,000.00万元，其中已支出30,400.00万元，资金执行率90.00%。") == [
        "文字称“执行率90.00%”，但按执行数30,400.00万元÷预算数32,000.00万元计算为95.00%"
    ]
