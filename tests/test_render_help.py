"""The command line's help pages and extract output read as Chinese: no English headings, no type placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reviewer.cli import app

COMMANDS = ["review", "verify", "batch", "baseline", "extract", "rules", "serve"]
ENGLISH = ("Usage", "Options", "Arguments", "Commands", "Show this message", "[default", "[required]")


@pytest.mark.parametrize("args", [["--help"], *([c, "--help"] for c in COMMANDS)], ids=lambda a: " ".join(a))
def test_every_help_page_is_chinese_without_placeholders(args):
    result = CliRunner().invoke(app, args, prog_name="reviewer")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("用法：reviewer") and "显示本帮助并退出" in text
    assert not [word for word in ENGLISH if word in text]
    assert not re.search(r"<(bool|text|path|int|float|list\[str\])>", text)


def test_help_lists_choices_defaults_and_commands():
    review = CliRunner().invoke(app, ["review", "-h"], prog_name="reviewer").output
    assert "-f, --format 选项值" in review and "可选：text、json、markdown、html、docx、xlsx；默认：text" in review
    assert "参数：\n  文件..." in review and "\n  --llm " in review
    root = CliRunner().invoke(app, [], prog_name="reviewer").output
    assert "命令：" in root and "\n  batch " in root


def test_extract_prints_one_colon_after_a_label():
    sample = Path(__file__).resolve().parents[1] / "samples" / "hunan_department.txt"
    text = CliRunner().invoke(app, ["extract", str(sample)]).output
    assert "项目支出：296.00" in text  # the label "项目支出：" keeps one colon
    assert not re.search(r"[:：]{2}", text)
