"""XREF004 with last year named by its number ("较2023年的2.40万元") and rates written as 降幅 / 增幅.

Sentences invented for an 审计局; each wrong rate is planted once, and the
same sentence with the right rate is silent.
"""

from __future__ import annotations

import pytest

from tests.table_formats import lines, review


def _xref(sentence: str, tmp_path) -> list[str]:
    parts = ["兴隆区审计局2024年度部门整体支出绩效自评报告", "一、预算执行情况", sentence, "二、自评结论", "自评得分94.3分。"]
    _, findings = review(parts, "word.txt", tmp_path)
    return [line for line in lines(findings) if line.startswith("XREF004")]


def test_an_amount_after_a_numbered_year_is_last_years(tmp_path):
    # 0.54 ÷ 2.40 = 22.50%: 2.40 is 2023's, not this year's (which would make last year 2.94).
    found = _xref("公务接待费1.86万元，较2023年的2.40万元减少0.54万元，下降25.50%。", tmp_path)
    assert len(found) == 1 and "按上年2.4万元计算，减少0.54万元的幅度应为22.50%" in found[0], found
    assert _xref("公务接待费1.86万元，较2023年的2.40万元减少0.54万元，下降22.50%。", tmp_path) == []


@pytest.mark.parametrize("word", ["降幅", "降幅为", "下降了"])
def test_a_rate_written_as_jiangfu_is_recomputed(word, tmp_path):
    # 3.24 ÷ (93.26 + 3.24) = 3.36%.
    found = _xref(f"公用经费支出93.26万元，同比减少3.24万元，{word}5.00%。", tmp_path)
    assert len(found) == 1 and "应为3.36%" in found[0], found
    assert _xref(f"公用经费支出93.26万元，同比减少3.24万元，{word}3.36%。", tmp_path) == []


def test_an_increase_written_as_zengfu_is_recomputed(tmp_path):
    # 12.00 ÷ (212.00 − 12.00) = 6.00%.
    assert len(_xref("项目支出212.00万元，比2023年增加12.00万元，增幅8.00%。", tmp_path)) == 1
    assert _xref("项目支出212.00万元，比2023年增加12.00万元，增幅6.00%。", tmp_path) == []


def test_points_against_a_numbered_year(tmp_path):
    found = _xref("预算执行率94.81%，较2023年93.12%提高2.69个百分点。", tmp_path)
    assert len(found) == 1 and "应为提高1.69个百分点" in found[0], found
    assert _xref("预算执行率94.81%，较2023年93.12%提高1.69个百分点。", tmp_path) == []
