"""README.md stays true: its example output is what the command prints, its links resolve, CI runs its test command."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"^### Example \(`(reviewer [^`]+)`\)\n\n```text\n(.*?)```\n", re.M | re.S)


def _section(title: str) -> str:
    """The text of a level-2 section of the README."""
    match = re.search(rf"^## {re.escape(title)}.*?\n(.*?)(?=^## )", README, re.M | re.S)
    assert match, f"README has no section {title}"
    return match.group(1)


def test_example_output_is_what_the_command_prints(tmp_path):
    match = EXAMPLE.search(README)
    assert match, "README has no example block"
    command, shown = match.groups()
    # No model configured and no user settings: the run a new user makes.
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWER_")}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    args = shlex.split(command)[1:]
    result = subprocess.run([sys.executable, "-m", "reviewer", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert result.stdout == shown
    assert result.returncode == 1  # the sample's errors
    hint = re.search(r"one line on stderr says the review used the rules\s+only \(`([^`]+)`\)", README)
    assert hint and result.stderr.startswith(hint.group(1))


def test_set_up_has_two_commands_and_ci_runs_the_test_command():
    commands = re.findall(r"```sh\n(.*?)\n```", _section("Set-up"), re.S)
    assert len(commands) == 2
    assert "pytest" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_relative_links_lead_to_files():
    links = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README)
    assert "docs/architecture.md" in links and "docs/domain.md" in links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert missing == []
