"""Masking of names, phone numbers and ID numbers before text is sent to a model."""

import pytest

from reviewer.llm.privacy import ID_MASK, NAME_MASK, PHONE_MASK, Masker, mask, names_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("填表人： 李春梅 填报日期：6月3日 联系电话：13907340001", f"填表人： {NAME_MASK} 填报日期：6月3日 联系电话：{PHONE_MASK}"),
        ("填表人：李春梅填报日期：2025年6月3日", f"填表人：{NAME_MASK}填报日期：2025年6月3日"),
        ("联系人：欧阳晓东，电话：0734-8821234", f"联系人：{NAME_MASK}，电话：{PHONE_MASK}"),
        ("评价人员：张建国、王丽，赵一鸣。", f"评价人员：{NAME_MASK}、{NAME_MASK}，{NAME_MASK}。"),
        ("经办人 周伟 手机 139 0734 0002", f"经办人 {NAME_MASK} 手机 {PHONE_MASK}"),
        ("单位负责人签字：刘强", f"单位负责人签字：{NAME_MASK}"),
        ("单位负责人签字：", "单位负责人签字："),
        ("联系人：阿依古丽·买买提 电话", f"联系人：{NAME_MASK} 电话"),
        ("办公室座机（0734）8821234，传真 0734 8821235", f"办公室座机{PHONE_MASK}，传真 {PHONE_MASK}"),
        ("电话 8821234", f"电话 {PHONE_MASK}"),
        ("身份证号430421199001011234，另一人43042119900101123X。", f"身份证号{ID_MASK}，另一人{ID_MASK}。"),
    ],
)
def test_mask(text, expected):
    assert Masker([text])(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "项目支出12345678元，合计1234567.89元",
        "资金总额13907340001元",  # an amount, not a phone number
        "2024年本部门项目支出471.28万元，执行率98.5%",
        "联系电话：",
        "单位负责人",
    ],
)
def test_amounts_and_labels_alone_are_left_alone(text):
    assert mask(text) == text


def test_a_name_learned_from_a_signature_is_masked_everywhere():
    texts = ["填表人：李春梅 填报日期：6月3日", "本报告由李春梅同志汇总整理。"]
    masker = Masker(texts)
    assert masker.names == {"李春梅"}
    assert masker(texts[1]) == f"本报告由{NAME_MASK}同志汇总整理。"


def test_a_name_in_the_cell_after_a_label_is_learned():
    assert names_in(["填表人", "李春梅", "填报日期", "2025年6月3日"]) == {"李春梅"}
    assert names_in(["联系人：", "欧阳晓东"]) == {"欧阳晓东"}
    assert names_in(["合计", "李春梅"]) == set()
