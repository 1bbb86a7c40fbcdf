"""Chinese help pages and usage errors for the command line, written from click's parameter data.

Typer's and click's own help pages carry English headings ("Usage",
"Options", "Show this message and exit.") and type placeholders such as
``<bool>``; these classes write the same information in Chinese, the way the
rest of the tool speaks, and the same on every typer version. A usage error
(missing argument, unknown option or command, bad value) is one Chinese line
on stderr and exit status 2, like every other input error of the tool.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from contextlib import contextmanager
from enum import Enum

import typer
from typer.core import TyperCommand, TyperGroup

# The exception classes of whichever click typer uses (its own copy in recent versions, click before).
_errors = importlib.import_module(typer.BadParameter.__module__)

HELP_TEXT = "显示本帮助并退出"


# Typer may bring its own copy of click: parameters are told apart by click's ``param_type_name``.


def _is_option(param) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _is_argument(param) -> bool:
    return getattr(param, "param_type_name", "") == "argument"


def _default_text(param) -> str:
    """"默认：…" for an option whose default is worth showing, else ""."""
    default = param.default
    if _is_option(param) and getattr(param, "is_flag", False):
        return ""
    if default is None or default == "" or callable(default) or param.required or "默认" in (getattr(param, "help", "") or ""):
        return ""
    if isinstance(default, Enum):
        default = default.value
    return f"默认：{default}"


def _choices(param) -> list:
    """The fixed values a parameter takes (click's Choice, or typer's own type descriptor), else []."""
    kind = getattr(param, "type", None) or getattr(param, "type_descriptor", None)
    return list(getattr(kind, "choices", None) or [])


_KINDS = (("int", "整数"), ("float", "数值"), ("path", "路径"))


def _kind(param) -> str:
    """Chinese placeholder of an option's value: 整数, 数值, 路径 or 文字."""
    kind = getattr(param, "type", None)
    if kind is not None:
        # click names them "integer", "integer range", "float range"; typer 0.28's own copy "int", "int range".
        return next((label for prefix, label in _KINDS if kind.name.startswith(prefix)), "文字")
    annotation = str(getattr(getattr(param, "type_descriptor", None), "annotation", ""))
    for word, label in (("int", "整数"), ("float", "数值"), ("Path", "路径")):
        if word in annotation:
            return label
    return "文字"


def _choices_text(param) -> str:
    """"可选：a、b" for a parameter with a fixed set of values, else ""."""
    choices = _choices(param)
    if not choices:
        return ""
    return "可选：" + "、".join(str(c.value if isinstance(c, Enum) else c) for c in choices)


def _option_name(param) -> str:
    """"-f, --format 值" : the switches and, for an option taking a value, a Chinese placeholder."""
    names = ", ".join(sorted(param.opts, key=len))
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return names
    return f"{names} {'选项值' if _choices(param) else _kind(param)}"


def _help_of(param) -> str:
    """The help text with the choices, the default and "必填" appended."""
    parts = [getattr(param, "help", None) or ""]
    extras = [x for x in (_choices_text(param), _default_text(param)) if x]
    if param.required and _is_option(param):
        extras.append("必填")
    if extras:
        parts.append(f"（{'；'.join(extras)}）")
    return "".join(parts)


def _argument_name(param) -> str:
    """"文件..." : the argument's metavar (or name), "..." when it takes several."""
    name = (param.metavar or param.name.upper()).strip("{}")
    return name if param.nargs == 1 or name.endswith("...") else f"{name}..."


def _help_option(ctx) -> list[tuple[str, str]]:
    """The row of -h/--help."""
    names = ctx.help_option_names
    return [(", ".join(sorted(names, key=len)), HELP_TEXT)] if names else []


class _Chinese:
    """Help page writer shared by the group and its commands."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        """"[选项] 文件..." (a group adds "命令 ...")."""
        pieces = ["[选项]"] + [_argument_name(p) for p in self.get_params(ctx) if _is_argument(p)]
        if isinstance(self, TyperGroup):
            pieces.append("命令 [参数]...")
        return pieces

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """Parse the command line; a usage error in Chinese, naming this command."""
        with _chinese_usage_errors(ctx):
            return super().parse_args(ctx, args)

    def format_usage(self, ctx, formatter) -> None:
        """"用法：reviewer review [选项] 文件..."."""
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def format_help(self, ctx, formatter) -> None:
        """Usage, description, then 参数 / 选项 / 命令 sections."""
        self.format_usage(ctx, formatter)
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(self.help)
        params = [p for p in self.get_params(ctx) if not getattr(p, "hidden", False)]
        arguments = [(_argument_name(p), _help_of(p)) for p in params if _is_argument(p)]
        options = [(_option_name(p), _help_of(p)) for p in params
                   if _is_option(p) and not set(p.opts) & set(ctx.help_option_names)]
        sections = [("参数", arguments), ("选项", options + _help_option(ctx))]
        if isinstance(self, TyperGroup):
            sections.append(("命令", [(name, self.get_command(ctx, name).help or "") for name in self.list_commands(ctx)]))
        for title, rows in sections:
            if rows:
                _write_section(formatter, title, rows)


def _width(text: str) -> int:
    """Columns a text takes on a terminal: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_section(formatter, title: str, rows: list[tuple[str, str]]) -> None:
    """"选项：" and its rows, the descriptions aligned by display width (click's own aligner counts characters)."""
    formatter.write_paragraph()
    formatter.write(f"{title}：\n")
    first = max(_width(name) for name, _ in rows)
    for name, text in rows:
        formatter.write(f"  {name}{' ' * (first - _width(name))}  {text}\n")


class ChineseUsageError(_errors.UsageError):
    """A usage error already put in Chinese: shown as one line, exit status 2."""

    def show(self, file=None) -> None:
        """"错误：缺少参数 文件...（reviewer review -h 查看用法）" on stderr."""
        from reviewer.render.text import printable  # an unknown option's name is what the user typed, escapes included

        where = f"（{self.ctx.command_path} -h 查看用法）" if self.ctx is not None else ""
        typer.echo(f"错误：{printable(self.message)}{where}", err=True, file=file)


_EXTRA = re.compile(r"unexpected extra argument(?:\(s\)|s)?\s*\((.*)\)", re.S)
_NO_COMMAND = re.compile(r"No such command '(.*?)'")
_SUGGESTED = re.compile(r"Did you mean (.*?)\?")
_QUOTED = re.compile(r"'(.*?)'")


def _has_cjk(text: str) -> bool:
    """Whether ``text`` has a CJK ideograph (a regex class of that range costs 2 ms to compile, at every start)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _param_name(param) -> str:
    """"--format" for an option (its long name), "文件..." for an argument."""
    if _is_option(param):
        return sorted(param.opts, key=len)[-1]
    return _argument_name(param)


def _bounds(param) -> tuple:
    """(min, max) of a numeric parameter, either may be None."""
    for holder in (getattr(param, "type", None), getattr(getattr(param, "type_descriptor", None), "parameter_info", None)):
        low, high = getattr(holder, "min", None), getattr(holder, "max", None)
        if low is not None or high is not None:
            return low, high
    return None, None


def _expected(param) -> str:
    """What a parameter's value should be: "应为以下之一：text、json", "应为 1 到 65535 之间的整数", ..."""
    choices = _choices_text(param)
    if choices:
        return "应为以下之一：" + choices.removeprefix("可选：")
    kind = _kind(param)
    if kind in ("整数", "数值"):
        low, high = _bounds(param)
        if low is not None and high is not None:
            return f"应为 {low} 到 {high} 之间的{kind}"
        if low is not None:
            return f"应为不小于 {low} 的{kind}"
        if high is not None:
            return f"应为不大于 {high} 的{kind}"
        return f"应为{kind}"
    return ""


def usage_message(exc) -> str:
    """The Chinese text of a click usage error (without "错误：")."""
    param = getattr(exc, "param", None)
    if isinstance(exc, _errors.MissingParameter) and param is not None:
        return f"缺少{'选项' if _is_option(param) else '参数'} {_param_name(param)}"
    if isinstance(exc, _errors.BadParameter):
        name = f"{'选项' if _is_option(param) else '参数'} {_param_name(param)} 的" if param is not None else ""
        detail = _expected(param) if param is not None else ""
        if not detail and _has_cjk(exc.message or ""):
            detail = exc.message  # a callback's own Chinese explanation
        return f"{name}值无效" + (f"，{detail}" if detail else "")
    if isinstance(exc, _errors.NoSuchOption):
        hint = f"，是否想用 {'、'.join(sorted(exc.possibilities))}" if exc.possibilities else ""
        return f"没有 {exc.option_name} 这个选项{hint}"
    if isinstance(exc, _errors.BadOptionUsage):
        if "does not take" in exc.message:
            return f"选项 {exc.option_name} 不带值"
        return f"选项 {exc.option_name} 缺少值"
    message = exc.message or ""
    if match := _NO_COMMAND.search(message):
        suggested = _SUGGESTED.search(message)
        names = _QUOTED.findall(suggested.group(1)) if suggested else []
        hint = f"，是否想用 {'、'.join(names)}" if names else ""
        return f"没有 {match.group(1)} 这个命令{hint}"
    if match := _EXTRA.search(message):
        return f"多余的参数：{match.group(1)}"
    if "Missing command" in message:
        return "缺少命令"
    return message if _has_cjk(message) else f"用法有误（{message}）"


@contextmanager
def _chinese_usage_errors(ctx=None):
    """Re-raise click's usage errors in Chinese (the help page of a bare command passes unchanged).

    ``ctx`` names the command in the hint when the error carries no context of its own.
    """
    try:
        yield
    except (ChineseUsageError, _errors.NoArgsIsHelpError):
        raise
    except _errors.UsageError as exc:
        raise ChineseUsageError(usage_message(exc), exc.ctx or ctx) from None


class ChineseCommand(_Chinese, TyperCommand):
    """A typer command whose help page is in Chinese."""


class ChineseGroup(_Chinese, TyperGroup):
    """The typer group of the ``reviewer`` program, its help page in Chinese."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """Without arguments: the help page and exit status 2 (typer's rich mode would print nothing here)."""
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            print(ctx.get_help())
            ctx.exit(2)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        """Run the command; its parsing errors (and an unknown command) in Chinese."""
        with _chinese_usage_errors(ctx):
            return super().invoke(ctx)
