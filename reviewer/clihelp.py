"""Chinese help pages for the command line, written from click's parameter data.

Typer's and click's own help pages carry English headings ("Usage",
"Options", "Show this message and exit.") and type placeholders such as
``<bool>``; these classes write the same information in Chinese, the way the
rest of the tool speaks, and the same on every typer version.
"""

from __future__ import annotations

import unicodedata
from enum import Enum

from typer.core import TyperCommand, TyperGroup

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


def _kind(param) -> str:
    """Chinese placeholder of an option's value: 整数, 数值, 路径 or 文字."""
    kind = getattr(param, "type", None)
    if kind is not None:
        return {"integer": "整数", "float": "数值", "path": "路径"}.get(kind.name, "文字")
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
