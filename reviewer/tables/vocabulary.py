"""Header vocabulary: what a column header or a row label says a column or row holds.

Column roles are decided from header words, most specific first, so that
"实际完成值" is an actual and not a target, "得分(20分*执行率)" a score and
not a rate, and "指标分值" a weight. The words come from the forms in use
(财预〔2020〕10号 附件, provincial variants); a header nobody has listed
gets no role and its column is read by its content instead.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

# role -> header words; the first role with a word contained in the header wins.
COLUMN_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("coef", ("得分系数", "得分率")),
    ("review", ("复核分", "复核得分", "评审得分", "核定得分")),
    ("reason", ("偏差原因", "原因分析", "改进措施", "未完成原因", "原因说明", "情况说明", "原因")),
    ("standard", ("评分标准", "评分依据", "评分办法", "计分方法", "评分细则", "指标解释", "指标说明")),
    ("core", ("核心指标",)),
    ("seq", ("序号", "编号")),
    ("goal_expected", ("预期目标", "年初设定目标", "年初绩效目标", "全年(调整)绩效目标", "全年调整绩效目标", "定性目标")),
    ("goal_actual", ("完成情况综述", "目标实际完成情况", "目标完成情况", "总体目标完成情况")),
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("level3", ("三级指标", "指标名称", "指标内容", "评价内容", "绩效指标名称", "具体指标", "评价要点")),
    ("target_op", ("指标性质", "指标方向", "比较符")),
    ("target_unit", ("度量单位", "计量单位")),
    ("score", ("自评得分", "指标得分", "自评分", "得分")),
    ("weight", ("指标分值", "指标权重", "分值", "权重", "标准分", "满分")),
    ("rate", ("执行率", "完成率")),
    ("actual", ("实际完成值", "全年完成值", "实际完成情况", "实际完成", "完成值", "实际值", "完成情况", "实际达到")),
    ("target", (
        "年度指标值", "年初指标值", "年初目标值", "指标(目标)值", "全年指标值", "目标值", "指标值", "预期值",
        "年度目标值", "绩效目标", "计划指标",
    )),
    ("initial", ("年初预算数", "年初预算", "年初数", "年初安排")),
    ("budget", ("全年预算数", "调整后预算数", "调整后预算", "全年(调整)预算", "全年调整预算", "预算数", "全年预算", "预算安排", "计划安排资金", "计划数")),
    ("spent", ("全年执行数", "预算执行数", "实际执行数", "执行数", "实际支出", "全年支出数", "支出数", "决算数", "到位资金", "实际数")),
)

LEVEL_ROLES = ("level1", "level2", "level3")
INDICATOR_VALUE_ROLES = ("target", "target_op", "actual", "weight", "score")
FUNDS_ROLES = ("initial", "budget", "spent", "rate")
# Roles whose cells are numbers; a text label found there means the column was misread.
NUMERIC_ROLES = frozenset({"weight", "score", "rate", "initial", "budget", "spent", "coef", "review", "total", "amount"})
# Money tables: a column headed 合计 holds a total; columns of numbers that are not amounts are left alone.
MONEY_TOTAL_WORDS = ("合计", "总计", "小计", "汇总")
NOT_AMOUNT_WORDS = ("序号", "编号", "凭证", "代码", "电话", "日期", "时间", "备注", "说明", "名称", "人数", "编制", "比例", "率", "%",
                    "得分", "分值", "评分", "等级", "等次")  # scores and grades beside amounts are never added up
# Identities of money columns that exhaust their total (财政部门决算报表口径).
EXHAUSTIVE_PARTS = ({"基本支出", "项目支出"}, {"人员经费", "公用经费"})
_ENUMERATION = re.compile(r"^\s*(?:(\d+)\s*[、.．]|[（(]\s*([一二三四五六七八九十\d]+)\s*[)）]|([一二三四五六七八九十]+)\s*、)")
# Label columns and free text.
TEXT_ROLES = frozenset({"level1", "level2", "level3", "reason", "standard", "goal_expected", "goal_actual", "label", "seq"})

# Row labels of totals.
TOTAL_WORDS = ("总分", "合计", "总计", "自评总分", "综合得分", "得分合计", "总得分", "综合评分")
FUNDS_TOTAL_WORDS = ("年度资金总额", "资金总额", "资金总和", "总额", "合计", "总计")
GOAL_LABELS = ("年度总体目标", "总体目标", "年度目标", "绩效目标")
# A goal's own label in other words: 年度绩效目标, 年初绩效目标, 全年(调整)绩效目标, 年度总体绩效目标.
_GOAL_LABEL = re.compile(r"^(?:年度|年初|全年|本年)?(?:\(调整\))?(?:总体|整体|绩效){0,2}目标[:：]?$")
GRADE_LABELS = ("评价等次", "评价等级", "自评等级", "自评等次", "绩效等级", "等次", "等级", "评价结果")
# Row labels of a funds block (资金来源): a block of 预算数 / 决算数 columns without any of them is a money table.
FUNDS_ROW_WORDS = (
    "资金总额", "总额", "财政拨款", "财政资金", "上年结转", "其他资金", "单位资金", "自有资金", "自筹", "专户",
    "中央", "省级", "市级", "县级", "一般公共预算", "政府性基金", "资金来源", "本级",
)
# Placeholder rows left from the template: "指标1", "……", "××".
_PLACEHOLDER = re.compile(r"^(?:指标\d+|[.…·．。]+|[×xX*]+|其他|……)$")
_POINTS = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
# Points at the end of a level cell written without 分 in brackets, or with 分 and no brackets.
_LEVEL_TAIL_POINTS = re.compile(r"(?:[(]\s*(\d+(?:\.\d+)?)\s*[)]|(?<=[\u4e00-\u9fff])(\d+(?:\.\d+)?)分)$")
_SCORE_FORMULA_POINTS = re.compile(r"(\d+(?:\.\d+)?)\s*分\s*[*×xX]\s*执行率")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=8192)  # every reader squashes the same cell texts again
def squash(text: str) -> str:
    """Text without whitespace, NFKC-normalised (full-width brackets and digits become ASCII)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def column_role(header: str) -> str | None:
    """The role a header names (see COLUMN_WORDS), or None."""
    text = squash(header)
    if not text or len(text) > 40:
        return None
    for role, words in COLUMN_WORDS:
        if any(w in text for w in words):
            return role
    return None


@lru_cache(maxsize=4096)  # asked of every header cell and band row label
def split_points(text: str) -> tuple[str, Decimal | None]:
    """"产出指标(50 分)" -> ("产出指标", 50); text without points -> (text, None)."""
    s = squash(text)
    m = _POINTS.search(s)
    return _POINTS.sub("", s), (Decimal(m.group(1)) if m else None)


@lru_cache(maxsize=4096)  # asked of every level cell of every indicator row
def level_points(text: str) -> tuple[str, Decimal | None]:
    """A level cell's name and the points it states, without its list marker.

    "产出指标（50分）", "一、产出指标(50 分)", "产出指标(50)", "效益指标 30分" ->
    ("产出指标" or "效益指标", 50 or 30); "数量指标" -> ("数量指标", None). A bare
    "(50)" counts only here, in a level cell: in a header it may be anything.
    """
    name, points = split_points(text)
    if points is None and (m := _LEVEL_TAIL_POINTS.search(name)):
        name, points = name[: m.start()], Decimal(m.group(1) or m.group(2))
    return _ENUMERATION.sub("", name) or name, points


def formula_points(header: str) -> Decimal | None:
    """The weight a score header states as a formula: "得分(20分*执行率)" -> 20."""
    m = _SCORE_FORMULA_POINTS.search(squash(header))
    return Decimal(m.group(1)) if m else None


@lru_cache(maxsize=4096)  # asked of the row labels of every band
def is_total_label(text: str) -> bool:
    """"总分", "合计", "自评总分" … (with or without a colon)."""
    s = squash(text).rstrip(":")
    return any(s == w or s.startswith(w) and len(s) <= len(w) + 6 for w in TOTAL_WORDS)


@lru_cache(maxsize=4096)  # asked of the row labels of every band
def is_subtotal_label(text: str) -> bool:
    """"小计", "产出指标小计": a block's subtotal row, neither an indicator nor the form's total."""
    s = squash(text).rstrip(":")
    return s.endswith("小计") and len(s) <= 10


@lru_cache(maxsize=4096)  # asked of every band row's first cell
def is_goal_label(text: str) -> bool:
    """The label of a form's goal row: "年度总体目标", "年度绩效目标", "全年（调整）绩效目标"."""
    s = squash(text)
    return s.startswith(GOAL_LABELS) or bool(_GOAL_LABEL.match(s))


def is_placeholder(text: str) -> bool:
    """A template row left unfilled ("指标1", "……")."""
    return bool(_PLACEHOLDER.match(squash(text)))


def enumeration(text: str) -> str | None:
    """The kind of list marker a row label starts with: "1、" -> "arabic", "（一）" -> "paren", "一、" -> "chinese"."""
    m = _ENUMERATION.match(text)
    if not m:
        return None
    return "arabic" if m.group(1) else ("paren" if m.group(2) else "chinese")


@lru_cache(maxsize=4096)  # asked of the row labels of every band
def is_money_total(text: str) -> bool:
    """A money table's total row or column: 合计, 收入合计, 支出总计, 汇总, 小计."""
    s = squash(text).rstrip(":：")
    return 0 < len(s) <= 10 and s.endswith(MONEY_TOTAL_WORDS)


def is_breakdown(text: str) -> bool:
    """A "其中：…" row details its parent; it is not a scored indicator of its own."""
    return squash(text).startswith("其中")


_UNIT_NOTE = re.compile(r"^[(](?:金额)?(?:单位:)?(?:万元|千元|亿元|元)[)]$")


def is_unit_note(text: str) -> bool:
    """A unit in brackets and nothing else ("（万元）"): the end of a block title, never a row's label."""
    return bool(_UNIT_NOTE.match(squash(text)))
