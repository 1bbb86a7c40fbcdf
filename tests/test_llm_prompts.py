"""Prompt files: every shipped prompt loads into the strict model; malformed files are refused."""

import pytest

from reviewer.errors import ConfigError
from reviewer.llm.schemas import SCHEMAS
from reviewer.llm.prompt import PLACEHOLDER, PROMPTS_DIR, load_prompts, parse_prompt

GOOD = """---
id: demo
version: 2
schema: Reading
description: 示例
variables: [section_text]
---
## system
只输出 JSON：{"claims": []}
## user
<<<
{{section_text}}
>>>
"""


def test_every_shipped_prompt_loads_and_validates():
    prompts = load_prompts()
    assert set(prompts) == {"read_narrative"}
    assert len(prompts) == len(list(PROMPTS_DIR.glob("*.md")))
    for prompt in prompts.values():
        assert prompt.output_schema in SCHEMAS
        system, user = prompt.render({name: f"<{name}>" for name in prompt.variables})
        for name in prompt.variables:
            assert f"<{name}>" in system + user
        assert "{{" not in system + user


def test_the_system_message_holds_no_per_document_value():
    # Providers cache a shared prefix: the system message must be the same for every chunk of every report.
    prompt = load_prompts()["read_narrative"]
    assert set(PLACEHOLDER.findall(prompt.system)) == {"quantity_keys"}  # a constant list of names
    assert {"unit", "year", "facts_table", "section_text"} <= set(PLACEHOLDER.findall(prompt.user))


def test_render_fills_placeholders_and_keeps_json_braces():
    prompt = parse_prompt(GOOD, "demo.md")
    system, user = prompt.render({"section_text": "本年度项目支出12.5万元"})
    assert system == '只输出 JSON：{"claims": []}'
    assert user == "<<<\n本年度项目支出12.5万元\n>>>"
    assert prompt.version == 2 and prompt.schema_model is SCHEMAS["Reading"]


def test_render_requires_exactly_the_declared_variables():
    prompt = parse_prompt(GOOD, "demo.md")
    with pytest.raises(ValueError, match="section_text"):
        prompt.render({})
    with pytest.raises(ValueError, match="extra"):
        prompt.render({"section_text": "x", "extra": "y"})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.replace("schema: Reading", "schema: Nope"), "未知的输出模式"),
        (GOOD.replace("variables: [section_text]", "variables: [section_text, unit]"), "未在正文中使用"),
        (GOOD.replace("variables: [section_text]", "variables: []"), "未声明的变量"),
        (GOOD.replace("description: 示例", "description: 示例\nauthor: x"), "author"),
        (GOOD.replace("version: 2\n", ""), "version"),
        (GOOD.replace("## user", "## assistant"), "## user"),
        (GOOD.replace("---\nid", "id", 1), "文件头"),
        (GOOD.replace("variables: [section_text]", "variables: [section_text"), "YAML"),
    ],
)
def test_malformed_prompt_is_refused_with_the_file_name(text, problem):
    with pytest.raises(ConfigError, match="bad.md") as raised:
        parse_prompt(text, "bad.md")
    assert problem in str(raised.value)


def test_id_must_match_the_file_name(tmp_path):
    (tmp_path / "other.md").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ConfigError, match="与文件名不一致"):
        load_prompts(tmp_path)
