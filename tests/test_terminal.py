"""Lines for the user: styled on a terminal, plain in a pipe, the text itself the same either way."""

from __future__ import annotations

import io
import re

from reviewer import terminal

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_plain_lines(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    terminal.show([("一、错误（1）", "bold red"), ("  表1 第2行：合计不等于各项之和 :warning:", None)])
    assert out.getvalue() == "一、错误（1）\n  表1 第2行：合计不等于各项之和 :warning:\n"


def test_a_terminal_gets_the_same_text_styled(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    err = FakeTerminal()
    monkeypatch.setattr("sys.stderr", err)
    terminal.error("a.docx: 文件不存在 [red]x[/red] :warning:")
    styled = err.getvalue()
    assert ANSI.search(styled), "a terminal's error prefix is coloured"
    # Markup and emoji codes in a message are text, never interpreted.
    assert ANSI.sub("", styled) == "错误：a.docx: 文件不存在 [red]x[/red] :warning:\n"


def test_a_pipe_gets_the_error_prefix_without_colour(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    terminal.error("b.pdf: PDF 文件已加密，无法读取")
    assert err.getvalue() == "错误：b.pdf: PDF 文件已加密，无法读取\n"
