"""Tests for reviewer.quantity: parsing of indicator values and year mentions."""

import dataclasses
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from reviewer.quantity import (
    MAX_DIGITS,
    MISSING_VALUE,
    TOO_MANY_DIGITS,
    NO_DIGIT_AFTER_POINT,
    NO_DIGIT_BEFORE_POINT,
    parse_quantity,
    years_mentioned,
)

D = Decimal

# text -> (comparator, value, unit, qualifier, decimals, qualitative, problem)
CASES = {
    # cell values as they occur in reports
    "≥95%": (">=", D("95"), "%", None, 0, False, None),
    ">95%": (">", D("95"), "%", None, 0, False, None),
    "95%以上": (">=", D("95"), "%", "以上", 0, False, None),
    "90%以上": (">=", D("90"), "%", "以上", 0, False, None),
    "≥100%": (">=", D("100"), "%", None, 0, False, None),
    "≤万元": ("<=", None, "万元", None, 0, False, MISSING_VALUE),
    ">=148.万元": (">=", D("148"), "万元", None, 0, False, NO_DIGIT_AFTER_POINT),
    "=212.39万元": ("=", D("212.39"), "万元", None, 2, False, None),
    "1个": (None, D("1"), "个", None, 0, False, None),
    "1项": (None, D("1"), "项", None, 0, False, None),
    "2237次": (None, D("2237"), "次", None, 0, False, None),
    "10000余件": (None, D("10000"), "件", "余", 0, False, None),
    "按期完成，截止2024年12月": (None, None, None, None, 0, True, None),
    "=2025年": ("=", D("2025"), "年", None, 0, False, None),
    "提升明显": (None, None, None, None, 0, True, None),
    "无": (None, None, None, None, 0, False, None),
    "0": (None, D("0"), None, None, 0, False, None),
    "——": (None, None, None, None, 0, False, None),
    "1,234.56万元": (None, D("1234.56"), "万元", None, 2, False, None),
    "一百二十": (None, D("120"), None, None, 0, False, None),
    "不低于百分之九十五": (">=", D("95"), "%", "不低于", 0, False, None),
    "677.16": (None, D("677.16"), None, None, 2, False, None),
    "100%": (None, D("100"), "%", None, 0, False, None),
    "81.06%": (None, D("81.06"), "%", None, 2, False, None),
    "=56人": ("=", D("56"), "人", None, 0, False, None),
    ">=70人": (">=", D("70"), "人", None, 0, False, None),
    "182万元": (None, D("182"), "万元", None, 0, False, None),
    "56%": (None, D("56"), "%", None, 0, False, None),
    "0.00": (None, D("0"), None, None, 2, False, None),
    "152.85": (None, D("152.85"), None, None, 2, False, None),
    "受益群众满意度，95%以上": (">=", D("95"), "%", "以上", 0, False, None),
    "保障单位在职人员14人的正常办公": (None, None, None, None, 0, True, None),
    "按照项目所需金额": (None, None, None, None, 0, True, None),
    "良好有序运转": (None, None, None, None, 0, True, None),
    "≤50万元": ("<=", D("50"), "万元", None, 0, False, None),
    "<=3天": ("<=", D("3"), "天", None, 0, False, None),
    "不超过5个工作日": ("<=", D("5"), "个工作日", "不超过", 0, False, None),
    "约30人": (None, D("30"), "人", "约", 0, False, None),
    "2024年12月31日前": (None, None, None, None, 0, True, None),
    "100": (None, D("100"), None, None, 0, False, None),
    "  15 ": (None, D("15"), None, None, 0, False, None),
    "＞＝９５％": (">=", D("95"), "%", None, 0, False, None),
    "98.5分": (None, D("98.5"), "分", None, 1, False, None),
    # further decisions
    "满意度：98%": (None, D("98"), "%", None, 0, False, None),
    "项目支出：816.23": (None, D("816.23"), None, None, 2, False, None),
    "群众满意度≥90%": (">=", D("90"), "%", None, 0, False, None),
    "满意度≥%": (">=", None, "%", None, 0, False, MISSING_VALUE),
    "万元": (None, None, "万元", None, 0, False, MISSING_VALUE),
    "不低于": (">=", None, None, "不低于", 0, False, MISSING_VALUE),
    "≤95%以上": ("<=", D("95"), "%", "以上", 0, False, "比较符「≤」与「以上」方向矛盾"),
    ".5": (None, D("0.5"), None, None, 1, False, NO_DIGIT_BEFORE_POINT),
    "-5%": (None, D("-5"), "%", None, 0, False, None),
    "100多人": (None, D("100"), "人", "余", 0, False, None),
    "30人左右": (None, D("30"), "人", "约", 0, False, None),
    "5个工作日内": ("<=", D("5"), "个工作日", "以内", 0, False, None),
    "10日之内": ("<=", D("10"), "日", "以内", 0, False, None),
    "500㎡": (None, D("500"), "㎡", None, 0, False, None),
    "大于等于3次/年": (">=", D("3"), "次/年", "大于等于", 0, False, None),
    "一百二十万元": (None, D("120"), "万元", None, 0, False, None),
    "百分之九十五点五": (None, D("95.5"), "%", None, 1, False, None),
    "完成一项": (None, D("1"), "项", None, 0, False, None),
    "95%。": (None, D("95"), "%", None, 0, False, None),
    "第一": (None, None, None, None, 0, True, None),
    "统一": (None, None, None, None, 0, True, None),
    "第3名": (None, None, None, None, 0, True, None),
    "全市前3名": (None, None, None, None, 0, True, None),  # a rank, not three people
    "前5位": (None, None, None, None, 0, True, None),
    "培训3名": (None, D("3"), "名", None, 0, False, None),
    "三点": (None, None, None, None, 0, True, None),
    "十十二次": (None, None, None, None, 0, True, None),
    "〇十二": (None, None, None, None, 0, True, None),
    "十分满意": (None, None, None, None, 0, True, None),
    "一件事一次办持续发挥作用明显": (None, None, None, None, 0, True, None),
    "往年高于": (None, None, None, None, 0, True, None),
    "2023 年决算数": (None, None, None, None, 0, True, None),
    "其中：当年财政拨款": (None, None, None, None, 0, True, None),
    "2、出国经费": (None, None, None, None, 0, True, None),
    "批复规模（㎡）": (None, None, None, None, 0, True, None),
    # full-width digits and signs read exactly like half-width ones
    "９９．５": (None, D("99.5"), None, None, 1, False, None),
    "１２０．００": (None, D("120.00"), None, None, 2, False, None),
    "≥９５％": (">=", D("95"), "%", None, 0, False, None),
    "＞＝１４８．５万元": (">=", D("148.5"), "万元", None, 1, False, None),
    # units per a measure, 百分比 as %, the inclusive bound spelled out
    "≤38元/亩": ("<=", D("38"), "元/亩", None, 0, False, None),
    "41元/亩": (None, D("41"), "元/亩", None, 0, False, None),
    "≤1.2万元／公里": ("<=", D("1.2"), "万元/公里", None, 1, False, None),
    "≥95百分比": (">=", D("95"), "%", None, 0, False, None),
    "90百分比": (None, D("90"), "%", None, 0, False, None),
    "95%（含）以上": (">=", D("95"), "%", "以上", 0, False, None),
    "30天（含）以内": ("<=", D("30"), "天", "以内", 0, False, None),
    # a unit in brackets, a note in brackets, units of counts
    "≥500（人）": (">=", D("500"), "人", None, 0, False, None),
    "≥98%（抽样检测）": (">=", D("98"), "%", None, 0, False, None),
    "95%以上（含95%）": (">=", D("95"), "%", "以上", 0, False, None),
    "0起": (None, D("0"), "起", None, 0, False, None),
    "≥1.5万亩": (">=", D("1.5"), "万亩", None, 1, False, None),
    "0739-6215830": (None, None, None, None, 0, True, None),
    "5%（不含）以下": ("<", D("5"), "%", "以下", 0, False, None),
}


@pytest.mark.parametrize("text", list(CASES))
def test_parse_quantity(text):
    comparator, value, unit, qualifier, decimals, qualitative, problem = CASES[text]
    q = parse_quantity(text)
    assert q.raw == text
    assert (q.comparator, q.value, q.unit, q.qualifier, q.decimals, q.qualitative, q.problem) == (
        comparator,
        value,
        unit,
        qualifier,
        decimals,
        qualitative,
        problem,
    )


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("90%-95%", "90", "95", "%"),
        ("90～95%", "90", "95", "%"),
        ("3至5个", "3", "5", "个"),
        ("≥80%且≤100%", "80", "100", "%"),
        ("≤100%，≥80%", "80", "100", "%"),
    ],
)
def test_a_range_has_two_ends_and_is_no_measurement(text, low, high, unit):
    q = parse_quantity(text)
    assert (q.value, q.upper, q.unit, q.qualitative) == (D(low), D(high), unit, False)
    assert q.is_range


def test_values_are_decimal_and_keep_written_precision():
    q = parse_quantity("=212.39万元")
    assert type(q.value) is Decimal
    assert q.tolerance() == Decimal("0.005")
    assert parse_quantity("1,234.56万元").in_wan() == Decimal("1234.56")


@pytest.mark.parametrize("text", ["", "无", "—", "——", "-", "/", "  无 "])
def test_blank_texts_are_neither_numbers_nor_qualitative(text):
    q = parse_quantity(text)
    assert q.blank and q.value is None and not q.qualitative and q.problem is None


def test_zero_is_a_number_not_blank():
    q = parse_quantity("0")
    assert not q.blank and q.is_number and q.value == 0


@pytest.mark.parametrize(
    ("text", "is_range"),
    [("≥95%", True), ("90%以上", True), ("10000余件", True), ("约30人", True), ("=56人", False), ("100%", False)],
)
def test_bounds_are_ranges_and_measurements_are_not(text, is_range):
    assert parse_quantity(text).is_range is is_range


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("按期完成，截止2024年12月", [2024]),
        ("=2025年", [2025]),
        ("2023年1月至2024年12月，2024年底前完成", [2023, 2024]),
        ("2023-2025年", [2023, 2025]),
        ("截止２０２４．１２．３１", [2024]),
        ("二〇二四年完成", [2024]),
        ("2237次", []),
        ("服务2000人", []),
        ("支出2024.5万元", []),
        ("1998.50", []),
        ("1989年", []),
        ("提升明显", []),
    ],
)
def test_years_mentioned(text, years):
    assert years_mentioned(text) == years


def test_cn2an_is_imported_only_for_chinese_numerals():
    code = (
        "import sys; from reviewer.quantity import parse_quantity;"
        "[parse_quantity(t) for t in ('≥95%', '提升明显', '1,234.56万元', '≤万元')];"
        "assert 'cn2an' not in sys.modules;"
        "assert parse_quantity('一百二十').value == 120 and 'cn2an' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_full_width_text_reads_exactly_like_half_width():
    for half in ["99.5", "≥95%", "120.00万元", "≤30天", "1,234.56", "90%以上"]:
        full = half.translate(str.maketrans("0123456789.%,", "０１２３４５６７８９．％，"))
        assert dataclasses.replace(parse_quantity(full), raw="") == dataclasses.replace(parse_quantity(half), raw="")


@pytest.mark.parametrize("text", ["9" * 1_000_000, "≥" + "9" * 5000 + "%", "1" + "0" * 60 + ".5万元", "百分之" + "9" * 100])
def test_a_number_past_the_digit_cap_gets_no_value_and_says_why(text):
    q = parse_quantity(text)
    assert q.value is None and q.problem == TOO_MANY_DIGITS


def test_forty_digits_are_still_a_number_and_a_long_text_is_wording():
    assert parse_quantity("1" * MAX_DIGITS).value == D("1" * MAX_DIGITS)
    assert parse_quantity("甲" * 200_000).qualitative


def test_a_parsed_quantity_is_shared_and_cannot_be_changed():
    # parse_quantity keeps each text's parse: a caller changing its copy would change every later caller's.
    q = parse_quantity("≥95%")
    assert parse_quantity("≥95%") is q
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.unit = "元"
    assert parse_quantity("≥95%").unit == "%"
    assert dataclasses.replace(q, unit="元").unit == "元" and parse_quantity("≥95%").unit == "%"
