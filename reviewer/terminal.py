"""Lines for the user: styled by rich on a terminal, plain text to a file or a pipe.

rich styles nothing when the output is not a terminal, and importing it costs
about 80 M instructions, a twentieth of a whole rules-only review, so it is
loaded only when a line goes to a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

Line = tuple[str, "str | None"]  # (text, rich style name or None)


def show(lines: Iterable[Line], *, err: bool = False) -> None:
    """Write ``lines`` to standard output (``err``: standard error), one per line, styled on a terminal."""
    stream = sys.stderr if err else sys.stdout
    if not is_terminal(stream):
        stream.write("".join(f"{text}\n" for text, _ in lines))
        return
    console = terminal_console(err)
    for text, style in lines:
        console.print(text, style=style, markup=False)


def say(message: str, style: str | None = None) -> None:
    """One line on standard error."""
    show([(message, style)], err=True)


def error(message: str) -> None:
    """One error line on standard error: 错误：message, the prefix red on a terminal."""
    if not is_terminal(sys.stderr):
        sys.stderr.write(f"错误：{message}\n")
        return
    from rich.text import Text

    terminal_console(True).print(Text.assemble(("错误：", "red"), message))


def terminal_console(err: bool = True) -> Console:
    """The rich console writing to standard error (or output); made once per stream object."""
    return _console(sys.stderr if err else sys.stdout)


def is_terminal(stream) -> bool:
    """Whether ``stream`` (a file object) is a terminal."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@cache
def _console(stream) -> Console:
    from rich.console import Console

    # No emoji codes: a report's ":xxx:" is text, as it is in the plain output.
    return Console(file=stream, highlight=False, soft_wrap=True, emoji=False)
