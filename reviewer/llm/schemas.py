"""What the model must return (and what `reviewer verify` accepts): claims and suspicions.

Numbers are strings as written in the report ("471.28", "100%"): the code
parses them into Decimal itself, so a model never hands us a float.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Canonical quantity names shared with extraction (Fact.key).
QUANTITY_KEYS: tuple[str, ...] = (
    "年度资金总额",
    "一般公共预算",
    "政府性基金",
    "基本支出",
    "项目支出",
    "人员经费",
    "公用经费",
    "三公经费",
    "编制数",
    "在职人数",
    "执行率",
    "总分",
    "社会保险基金",
    "国有资本经营预算",
    "满意度",
)

STRICT = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class Claim(BaseModel):
    """A quantitative or compliance statement made in the narrative."""

    model_config = STRICT

    quote: str = Field(min_length=1, description="原文中逐字摘录的句子或短语，不得改写")
    quantity: str = Field(
        min_length=1,
        description="所说的量；能对应时使用标准名称：" + "、".join(QUANTITY_KEYS) + "，否则用原文中的名称",
    )
    value: str | None = Field(default=None, description="原文写的数值，如 471.28、100；否认类表述为 null")
    unit: str | None = Field(default=None, description="单位，如 万元、元、%、人；无单位为 null")
    year: int | None = Field(default=None, description="所指年度，如 2024；未写明为 null")
    polarity: Literal["asserts", "denies"] = Field(
        description="asserts 表示肯定有该数值或情况；denies 表示否认（如“无政府性基金安排支出”）"
    )
    measure: str | None = Field(default=None, description="口径：预算、执行、决算、年初预算等；未写明为 null")


class Relation(BaseModel):
    """An arithmetic relation a suspicion rests on, for the code to recompute."""

    model_config = STRICT

    op: Literal["sum", "difference", "ratio", "share", "equal"] = Field(
        description="sum 求和；difference 第一个减其余；ratio 第一个除以第二个；share 第一个占第二个的百分比；equal 各数应相等"
    )
    operands: list[str] = Field(min_length=1, description="参与计算的数，按原文写法")
    result: str = Field(description="按 op 计算得到的结果")
    stated: str | None = Field(default=None, description="报告中对这个结果写的数（与计算结果不同时填写）")


class Suspicion(BaseModel):
    """A suspected inconsistency or out-of-place text, with the numbers it rests on."""

    model_config = STRICT

    kind: Literal["contradiction", "irrelevant", "other"] = Field(
        description="contradiction 文字与表格或文字内部矛盾；irrelevant 不属于本部门或本年度的内容；other 其他疑点"
    )
    quote: str = Field(min_length=1, description="原文中逐字摘录的有问题的句子")
    message: str = Field(min_length=1, description="用中文说明问题，写出涉及的数字")
    cited_numbers: list[str] = Field(default_factory=list, description="判断所依据的全部数字，按原文或表格写法")
    relation: Relation | None = Field(default=None, description="如果判断依赖计算，给出算式；否则为 null")


class Reading(BaseModel):
    """What the model reads in one piece of narrative: its claims and the problems it suspects."""

    model_config = STRICT

    claims: list[Claim] = Field(default_factory=list, description="找到的全部陈述；没有则为空列表")
    suspicions: list[Suspicion] = Field(default_factory=list, description="发现的全部疑点；没有则为空列表")


class Candidates(BaseModel):
    """Input of `reviewer verify --candidates`: claims and suspicions from any model or person."""

    model_config = ConfigDict(extra="forbid", title="reviewer candidates")

    schema_version: Literal[1] = 1
    source: str | None = Field(default=None, description="产生这些候选的系统或人员")
    claims: list[Claim] = Field(default_factory=list)
    suspicions: list[Suspicion] = Field(default_factory=list)


SCHEMAS: dict[str, type[BaseModel]] = {"Reading": Reading}


def candidates_schema_text() -> str:
    """The JSON Schema of the candidates file, as written to docs/candidates.schema.json."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **Candidates.model_json_schema()}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    # Regenerate the published schema: python -m reviewer.llm.schemas > docs/candidates.schema.json
    print(candidates_schema_text(), end="")
