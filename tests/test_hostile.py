"""Broken and hostile files through ``reviewer review``: the exit code, one line each, no traceback, bounded time.

The corpus is written by tests/fixtures/hostile.py into a temporary folder and
reviewed in two runs of the command (interpreter start-up costs seconds on a
shared machine): the files that must be refused, and the valid but odd ones;
the batch inputs go through ``reviewer batch``. Each run has a 2 GB
address-space cap, so a regression fails here instead of exhausting the
machine. benchmarks/hostile.py reads every input on its own and prints its
time and peak memory.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.hostile import REFUSED, build

ROOT = Path(__file__).resolve().parents[1]
SECONDS = 180  # for a whole run; generous against a loaded machine (each file alone takes well under 30 s)
ADDRESS_SPACE = 2 << 30


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, timeout=SECONDS, preexec_fn=_cap, cwd=ROOT,
    )


def review(paths: list[Path]) -> subprocess.CompletedProcess:
    return run("review", "--no-llm", "--format", "json", *map(str, paths))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("hostile"))


def test_each_refused_file_gets_one_line_naming_it_and_exit_2(corpus):
    refused = [item for item in corpus if item.exit_codes == REFUSED and item.command == "review"]
    done = review([item.path for item in refused])
    assert "Traceback" not in done.stderr
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == len(refused), lines
    for item, line in zip(refused, lines):
        assert line.startswith(f"错误：{item.path}: "), (item.what, line)
    problems = {item.path.name: line.split(": ", 1)[1] for item, line in zip(refused, lines)}
    assert problems["far_cells.xlsx"] == "工作表「Sheet1」使用的区域 A1:XFD1048576 超过 200000 个单元格的上限"
    assert problems["line_2m.txt"] == "第 2 行有 700000 个字符，超过每行 100000 个字符的上限"
    assert problems["many_lines.txt"] == "文本共 400000 行，超过 200000 行的上限"
    for name in ("bad_sheet.xlsx", "bad_shared.xlsx", "laughs_sheet.xlsx", "laughs_shared.xlsx", "random.xlsx"):
        assert problems[name] == "不是有效的 .xlsx 文件（文件损坏或被截断）", name
    assert problems["many_cells.txt"] == "表格的单元格超过 50000 个的上限"
    assert problems["pages_3000.pdf"] == "PDF 共 3000 页，超过 500 页的上限"
    assert problems["huge_page.pdf"] == "PDF 第 1 页有 107998 个字符，超过每页 20000 个字符的上限"
    assert problems["dashes.pdf"] == "PDF 第 1 页有 9600 条表格线，超过每页 5000 条的上限"
    assert problems["one_path.pdf"] == "PDF 第 1 页的图形超过 200000 段线条的上限"
    assert problems["huge_text.docx"] == "文档文字超过 1000000 个字符的上限"
    assert problems["bomb.docx"] == "正文部分（word/document.xml）解压后超过 64 MB 的上限"
    assert problems["nested_1000.docx"] == "不是有效的 .docx 文件（文件损坏或被截断）"


def test_valid_but_odd_files_are_reviewed_without_a_word_on_stderr(corpus):
    odd = [item for item in corpus if item.exit_codes != REFUSED and item.command == "review"]
    sample_path = ROOT / "samples" / "hunan_department.txt"
    done = review([item.path for item in odd] + [sample_path])
    assert done.stderr == ""
    assert done.returncode in (0, 1)
    *reviews, sample = json.loads(done.stdout)
    assert [r["document"]["path"] for r in reviews] == [str(item.path) for item in odd]
    by_name = {Path(r["document"]["path"]).name: r for r in reviews}
    # Full-width digits, GBK, GB18030 and UTF-16 without a byte-order mark read like the UTF-8 sample they were made from.

    def rules(r: dict) -> list[str]:
        return sorted(f["rule"] for f in r["findings"])

    for name in ("full_width.txt", "gbk.txt", "gb18030.txt", "utf16_no_bom.txt"):
        assert rules(by_name[name]) == rules(sample), name
    assert by_name["full_width.txt"]["document"]["year"] == sample["document"]["year"]


def test_escape_sequences_in_a_file_name_and_its_text_never_reach_the_terminal(corpus):
    (item,) = [item for item in corpus if item.path.name.startswith("ansi_")]
    done = run("review", "--no-llm", str(item.path))
    assert done.returncode in item.exit_codes and done.stderr == ""
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "ansi_\\x1b[2J\\x1b[31m红.txt" in done.stdout


def test_batch_inputs_fail_alone_with_one_line_each(corpus, tmp_path):
    failed = {}
    for n, item in enumerate(item for item in corpus if item.command == "batch"):
        done = run("batch", "--no-llm", "--out", str(tmp_path / str(n)), *item.args, str(item.path))
        assert "Traceback" not in done.stderr
        assert done.returncode in item.exit_codes, item.what
        *failures, closing = done.stderr.splitlines()
        assert len(failures) == 1 and failures[0].startswith(f"失败：{item.path}"), done.stderr
        assert item.says in closing
        failed[item.path.name] = failures[0]
    # The zip is refused whole for what its members unpack to; the worker out of memory fails only its own file.
    assert "压缩包解压后共 2000.0 MB，超过上限 512.0 MB" in failed["many_members.zip"]
    assert "a_large.txt: 内存不足：审阅进程超过内存上限 100 MB" in failed["memory_then_good"]
