"""Messages show a value with the unit its row's 度量单位 column gives, when the cell itself has none.

Sichuan forms split a target over 指标性质 | 指标值 | 度量单位 and write the
actual bare ("2.8" under "元"): "实际完成值2.8未达到年度指标值≤2.5元" reads as
if the units differed. Every layout gives the same wording.
"""

from __future__ import annotations

import pytest

from tests.test_variants_tables import DIRECTIONS, FORMATS, TWO_ROW_HEADER, WORD_COMPARATORS, review


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rows", [WORD_COMPARATORS, DIRECTIONS, TWO_ROW_HEADER], ids=["words", "directions", "two-row-header"])
def test_a_missed_targets_actual_is_shown_with_its_unit(rows, fmt, tmp_path):
    _, findings = review(rows, fmt, tmp_path)
    messages = [f.message for f in findings if f.rule == "SCORE007"]
    assert any("「吨水成本」实际完成值2.8元未达到年度指标值" in m and m.count("2.5元") == 1 for m in messages), messages
    assert any("「水质合格率」实际完成值97%未达到年度指标值" in m for m in messages), messages
    # The quoted cell is still the cell's own text.
    quotes = [e.quote for f in findings if f.rule == "SCORE007" for e in f.evidence]
    assert "2.8" in quotes and "97" in quotes
