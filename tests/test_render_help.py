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
    assert "-f, --format 选项值" in review and "（可选：text、json、markdown、html、docx、xlsx）" in review
    assert "默认按 -o 文件的扩展名" in review  # --format's default depends on -o, so its help says how
    assert "可选：error、warning、never；默认：error" in review
    assert "参数：\n  文件..." in review and "\n  --llm " in review
    root = CliRunner().invoke(app, [], prog_name="reviewer").output
    assert "命令：" in root and "\n  batch " in root


@pytest.mark.parametrize("args, line", [
    (["review"], "错误：缺少参数 文件...（reviewer review -h 查看用法）"),
    (["batch", "报告"], "错误：缺少选项 --out（reviewer batch -h 查看用法）"),
    (["review", "--forma", "x"], "错误：没有 --forma 这个选项，是否想用 --format（reviewer review -h 查看用法）"),
    (["review", "-f", "pdf", "a.txt"], "错误：选项 --format 的值无效，应为以下之一：text、json、markdown、html、docx、xlsx（reviewer review -h 查看用法）"),
    (["serve", "--port", "abc"], "错误：选项 --port 的值无效，应为 1 到 65535 之间的整数（reviewer serve -h 查看用法）"),
    (["batch", "x", "-o", "y", "--jobs", "-1"], "错误：选项 --jobs 的值无效，应为不小于 0 的整数（reviewer batch -h 查看用法）"),
    (["revew"], "错误：没有 revew 这个命令，是否想用 review、serve（reviewer -h 查看用法）"),
    (["extract", "a.txt", "b.txt"], "错误：多余的参数：b.txt（reviewer extract -h 查看用法）"),
    (["review", "--llm=1", "a.txt"], "错误：选项 --llm 不带值（reviewer review -h 查看用法）"),
    (["review", "--x\x1b[2J", "a.txt"], "错误：没有 --x\\x1b[2J 这个选项（reviewer review -h 查看用法）"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_usage_errors_are_one_chinese_line_with_exit_2(args, line):
    result = CliRunner().invoke(app, args, prog_name="reviewer")
    assert result.exit_code == 2
    assert result.output == line + "\n"


def test_extract_prints_one_colon_after_a_label():
    sample = Path(__file__).resolve().parents[1] / "samples" / "hunan_department.txt"
    text = CliRunner().invoke(app, ["extract", str(sample)]).output
    assert "项目支出：296.00" in text  # the label "项目支出：" keeps one colon
    assert not re.search(r"[:：]{2}", text)


def test_control_characters_in_names_and_text_never_reach_the_terminal(tmp_path):
    from reviewer.render.text import printable, render_plain
    from reviewer.finding import DocumentInfo, Evidence, Finding, Review

    name = tmp_path / "报告\x1b[2J\x1b]0;标题\x07.txt"
    name.write_text("no report here", encoding="utf-8")
    result = CliRunner().invoke(app, ["review", str(tmp_path / "缺失\x1b[31m.txt")])
    assert result.exit_code == 2 and "\x1b" not in result.output and "\\x1b[31m" in result.output
    finding = Finding(rule="TEXT001", severity="warning", category="form", message="残留\x1b[2J", evidence=[
        Evidence(quote="\x9b31m红字\u202e")])
    text = render_plain(Review(document=DocumentInfo(path=str(name), sha256="0"), findings=[finding]))
    assert not any(ch in text for ch in "\x1b\x07\x9b\u202e")
    assert "\\x1b[2J" in text and "\\x9b31m" in text and "\\u202e" in text
    assert printable("换行\n和\t制表符保留") == "换行\n和\t制表符保留"
