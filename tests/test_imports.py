"""Each command loads only what it uses: a rules-only review never imports the LLM client, the web framework, other formats' readers or pydantic."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

LLM = ["openai", "langchain_openai", "langchain_core", "langsmith", "tiktoken", "reviewer.llm.stage", "reviewer.verify"]
FUZZY = ["rapidfuzz", "cn2an"]
WEB = ["fastapi", "starlette", "uvicorn", "jinja2", "multipart"]
BATCH = ["reviewer.batch", "reviewer.pool", "multiprocessing", "sqlite3"]
# rich styles only what goes to a terminal; a test's output is a pipe.
TERMINAL = ["rich"]
READERS = {"docx": ["docx", "lxml"], "pdf": ["pypdfium2", "pdfplumber", "pdfminer"], "xlsx": ["openpyxl"]}
# The data types are dataclasses; pydantic checks only outside input (a config file, JSON read back, the
# LLM's answers). typer 0.29's _adapters would bring it back for every parameter.
VALIDATION = ["pydantic", "pydantic_core", "typer._adapters", "reviewer.config_check", "reviewer.jsonio"]

PROBE = """
import json, sys
from reviewer.cli import app
try:
    app(sys.argv[2:], prog_name="reviewer")
except SystemExit:
    pass
wanted = json.loads(sys.argv[1])
print(json.dumps([name for name in wanted if name in sys.modules]))
"""


def loaded(args: list[str], names: list[str]) -> list[str]:
    """Which of ``names`` are imported after running the command line ``args`` in a fresh interpreter."""
    # No LLM may be configured from the environment for a rules-only run.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(SAMPLES), "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(names), *args],
        capture_output=True, text=True, env=env, cwd=SAMPLES.parent, timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("suffix", ["txt", "docx", "pdf", "xlsx"])
def test_rules_only_review_imports_neither_llm_web_batch_nor_other_readers(suffix):
    others = [name for kind, names in READERS.items() if kind != suffix for name in names if name != "lxml"]
    names = LLM + FUZZY + WEB + BATCH + TERMINAL + VALIDATION + others
    assert loaded(["review", f"samples/hunan_department.{suffix}", "--no-llm", "--format", "json"], names) == []


def test_pydantic_loads_only_for_a_config_that_gives_values(tmp_path):
    # The same probe sees pydantic come in when a reviewer.toml has a table to check: it is not gone by accident.
    config = tmp_path / "reviewer.toml"
    config.write_text('[rules]\nignore = ["NARR"]\n', encoding="utf-8")
    args = ["review", "samples/hunan_department.txt", "--no-llm", "--config", str(config)]
    assert loaded(args, ["pydantic", "reviewer.config_check"]) == ["pydantic", "reviewer.config_check"]


def test_the_probe_sees_what_a_command_imports():
    # The same probe reports the reader a format needs: a test that cannot fail would prove nothing.
    assert loaded(["review", "samples/hunan_department.pdf", "--no-llm"], ["pdfplumber"]) == ["pdfplumber"]


def test_help_loads_no_data_model_or_reader():
    names = [*LLM, *FUZZY, *WEB, *BATCH, *TERMINAL, *[n for v in READERS.values() for n in v]]
    assert loaded(["--help"], [*VALIDATION, "reviewer.pipeline", *names]) == []
    assert loaded(["review", "--help"], [*VALIDATION, "reviewer.pipeline", *names]) == []


def test_a_batch_writing_to_a_pipe_loads_no_progress_bar(tmp_path):
    # Its bar would draw nothing off a terminal; the reviewing is checked by the batch's own tests.
    args = ["batch", "samples/clean_department.txt", "--out", str(tmp_path / "out"), "--no-llm", "--formats", "json"]
    assert loaded(args, LLM + WEB + TERMINAL + ["reviewer.batch"]) == ["reviewer.batch"]
    assert (tmp_path / "out" / "summary.json").exists()


def test_a_batch_on_a_terminal_draws_its_bar(monkeypatch):
    from reviewer.progress import Bar, Silent, on_stderr

    class Screen(io.StringIO):
        def __init__(self, terminal: bool):
            super().__init__()
            self.terminal = terminal

        def isatty(self) -> bool:
            return self.terminal

    monkeypatch.setattr(sys, "stderr", Screen(False))
    with on_stderr() as progress:
        assert isinstance(progress, Silent)
    monkeypatch.setattr(sys, "stderr", Screen(True))
    with on_stderr() as progress:
        assert isinstance(progress, Bar)
