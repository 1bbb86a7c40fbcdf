"""Where a long run (a batch) reports what it is doing: nowhere, or a progress bar on the terminal."""

from __future__ import annotations

import sys
import time
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console

_DRAW_SECONDS = 0.1  # rich's own default refresh rate


class Progress(Protocol):
    """Where the batch reports what it is doing."""

    def phase(self, description: str, total: int) -> None:
        """A new stage with ``total`` steps begins."""

    def advance(self, current: str, findings: int = 0) -> None:
        """One step finished (``current`` names the file; ``findings`` found in it)."""

    def tick(self) -> None:
        """Time passes while a step runs (called about every 0.2 s)."""


class Silent:
    """A Progress that shows nothing."""

    def phase(self, description: str, total: int) -> None:
        """Ignore."""

    def advance(self, current: str, findings: int = 0) -> None:
        """Ignore."""

    def tick(self) -> None:
        """Ignore."""


def on_stderr() -> AbstractContextManager[Progress]:
    """Where a batch run from the command line reports: a Bar on standard error if it is a terminal, else Silent.

    Not on a terminal the bar would draw nothing, and rich costs a batch
    some 0.05 s of CPU to load.
    """
    from reviewer.terminal import is_terminal, terminal_console

    if not is_terminal(sys.stderr):
        return nullcontext(Silent())

    return Bar(terminal_console())


class Bar:
    """A rich progress bar (files done/total, findings so far, current file); hidden when not on a terminal.

    It is drawn when the batch reports progress or a tick, never by a thread of
    its own: a batch running one thread can fork its workers (see pool._context).
    """

    def __init__(self, console: "Console"):
        """A bar drawn on ``console`` (use it as a context manager)."""
        # Loaded here: the batch's worker processes import this module but never draw.
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichBar, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.bar = RichBar(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("问题 {task.fields[findings]}"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[current]}", style="dim"),
            console=console,
            disable=not console.is_terminal,
            auto_refresh=False,
        )
        self.task: int | None = None
        self.findings = 0
        self.drawn = 0.0  # time.monotonic() of the last drawing

    def __enter__(self) -> "Bar":
        """Start drawing."""
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop drawing."""
        self.bar.stop()

    def phase(self, description: str, total: int) -> None:
        """Add a bar for a new stage."""
        self.task = self.bar.add_task(description, total=total, findings=self.findings, current="")
        self.tick()

    def advance(self, current: str, findings: int = 0) -> None:
        """Count one file done."""
        self.findings += findings
        name = current if len(current) <= 40 else "…" + current[-39:]
        if self.task is not None:
            self.bar.update(self.task, advance=1, findings=self.findings, current=name)
        self.tick()

    def tick(self) -> None:
        """Draw the bar (its clock and spinner move), at most ten times a second."""
        now = time.monotonic()
        if now - self.drawn >= _DRAW_SECONDS:
            self.bar.refresh()
            self.drawn = now
