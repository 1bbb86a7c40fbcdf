"""Batch workers: each under a memory limit of its own, replaced after any failure, every failure one line on stderr."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batch_helpers import ROOT, exhaust_memory, report_text, run_hostile_cli, write

from reviewer import pool
from reviewer.pool import run_pool
from reviewer.store import Entry, Store

LIMIT = 512 * 2**20  # a worker starts at about 160 MB of address space
BLOCK = 128 * 2**20  # fits in a fresh worker, not in one whose memory a hog used up


def _allocate_or_hog(n: int) -> int:
    """A pool task: on 1, use up the worker's memory and keep it (MemoryError); else allocate a block; the worker's pid."""
    if n == 1:
        exhaust_memory()
    block = bytes(BLOCK)
    del block
    return os.getpid()


def test_a_worker_that_ran_out_of_memory_is_replaced_and_the_next_reports_succeed():
    pids: dict[int, int] = {}
    crashed: dict[int, BaseException] = {}
    run_pool(_allocate_or_hog, [(n,) for n in range(4)], 1, pids.__setitem__, crashed.__setitem__, memory_limit=LIMIT)
    assert list(crashed) == [1] and isinstance(crashed[1], MemoryError)
    # The hog's worker kept its memory: task 2 would fail in it. A new worker took it, and was kept for task 3.
    assert set(pids) == {0, 2, 3}
    assert pids[0] != pids[2] and pids[2] == pids[3]


def _fill(held: list, sizes: tuple[int, ...] = (64 << 20, 1 << 20, 64 << 10)) -> None:
    """Allocate blocks of shrinking ``sizes`` into ``held`` until the worker's address space is used up (but for less than the last)."""
    for size in sizes:
        try:
            while True:
                held.append(bytearray(size))
        except MemoryError:
            pass


def _fill_and_raise() -> None:
    """A pool task whose MemoryError, through its traceback, holds all the memory there is."""
    held: list = []
    _fill(held, (64 << 20, 1 << 20, 64 << 10, 4 << 10, 256, 64))
    raise MemoryError


_HELD: list = []  # what _fill_then_crash and _fill_then_spin keep in their worker


def _fill_then_crash() -> None:
    """A pool task that uses up the address space, frees a little to go on, and dies of SIGSEGV, as C code whose allocation failed does."""
    _fill(_HELD)
    time.sleep(1)  # the parent reads the worker's address space every 0.2 s
    os.kill(os.getpid(), signal.SIGSEGV)


def _fill_then_spin() -> None:
    """A pool task that uses up the address space and never ends, as CPython unwinding an exception it has no memory for."""
    _fill(_HELD)
    while True:
        pass


def _pool_outcome(task) -> tuple[object, float]:
    """What the pool reports of one run of ``task`` under LIMIT (a result, an exception, "timeout"), and the seconds it took."""
    got: dict[int, object] = {}
    start = time.monotonic()
    run_pool(task, [()], 1, got.__setitem__, got.__setitem__, timeout=60, on_timeout=lambda i: got.__setitem__(i, "timeout"),
             memory_limit=LIMIT)
    return got[0], time.monotonic() - start


def test_a_memory_error_that_holds_all_the_memory_is_answered_as_one():
    # Answering needs memory: before the worker let the exception (and the task's data) go, it died (exit 1), hung or crashed.
    outcome, _ = _pool_outcome(_fill_and_raise)
    assert isinstance(outcome, MemoryError)


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the parent reads a worker's address space from /proc")
def test_a_worker_that_dies_at_its_memory_limit_ran_out_of_memory():
    outcome, _ = _pool_outcome(_fill_then_crash)
    assert isinstance(outcome, MemoryError)


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the parent reads a worker's address space from /proc")
def test_a_worker_stuck_at_its_memory_limit_is_stopped_long_before_the_time_limit(monkeypatch):
    monkeypatch.setattr(pool, "_STUCK_SECONDS", 1.0)
    outcome, seconds = _pool_outcome(_fill_then_spin)
    assert isinstance(outcome, MemoryError) and seconds < 30


_SPIN_UNDER_A_KILLED_PARENT = (
    "import os, sys\n"
    "from reviewer.pool import run_pool\n"
    "from tests.test_batch_workers import _print_pid_and_spin\n"
    "if __name__ == '__main__':\n"
    "    run_pool(_print_pid_and_spin, [()], 1, print, print)\n"
)


def _print_pid_and_spin() -> None:
    """A pool task that prints its worker's pid and never ends."""
    print(os.getpid(), flush=True)
    while True:
        pass


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_stuck_worker_ends_with_its_killed_batch():
    # A worker stuck in C code never reads that its batch is gone: it spun on for ever after a killed test run.
    parent = subprocess.Popen([sys.executable, "-c", _SPIN_UNDER_A_KILLED_PARENT], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    worker = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    for _ in range(100):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker outlived its batch by 10 s")


def _verdict(n: int) -> tuple[bool, int]:
    """A pool task whose result says it failed on 1."""
    return n != 1, os.getpid()


def test_a_worker_whose_result_is_a_failure_is_replaced():
    results: dict[int, tuple[bool, int]] = {}
    run_pool(_verdict, [(n,) for n in range(4)], 1, results.__setitem__, lambda i, exc: None, failed=lambda r: not r[0])
    pid = {i: r[1] for i, r in results.items()}
    assert pid[0] == pid[1]  # a success keeps the worker
    assert pid[2] != pid[1] and pid[3] == pid[2]  # a failure does not


def test_cli_batch_reports_each_failed_file_on_one_line_and_keeps_the_others(tmp_path):
    src = tmp_path / "in"
    good = [write(src / f"{name}.txt", report_text(f"未县{name}", 2024)) for name in ("甲局", "乙局", "丙局", "丁局")]
    hostile = {name: write(src / f"{name}.txt", report_text("未县某局", 2024)) for name in ("内存", "崩溃", "卡住", "出错")}
    out = tmp_path / "out"
    result = run_hostile_cli("batch", str(src), "--out", str(out), "--jobs", "2", "--memory-limit", "512", "--timeout", "10")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Fatal" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert sorted(line for line in lines if line.startswith("失败：")) == sorted([
        f"失败：{hostile['内存']}: 内存不足：审阅进程超过内存上限 512 MB（可用 --memory-limit 调整），可能是文件过大或格式异常",
        f"失败：{hostile['崩溃']}: 审阅进程意外退出（被信号 SIGSEGV 终止），可能是文件触发了解析库崩溃或内存不足",
        f"失败：{hostile['卡住']}: 审阅超时（超过 10 秒），可能是文件过大或格式异常",
        f"失败：{hostile['出错']}: 审阅时出错（RuntimeError: 解析库内部错误）",
    ])
    assert lines[-1].startswith("共 8 个文件：新审阅 4，使用缓存 0，失败 4；")
    assert len(lines) == 4 + 2  # the failures, the note that no model is configured, the totals
    rows = {r["path"]: r for r in json.loads((out / "summary.json").read_text(encoding="utf-8"))["documents"]}
    for path in good:
        assert rows[str(path)]["status"] == "ok" and rows[str(path)]["unit"] == f"未县{path.stem}"
        assert (out / f"{path.stem}.审阅.json").exists() and (out / f"{path.stem}.审阅.html").exists()
    assert not any(Path(out, f"{name}.审阅.json").exists() for name in hostile)


_PROBE = (
    "import importlib, json, sys\n"
    "from pathlib import Path\n"
    "from reviewer.batch_jobs import worker_modules\n"
    "from reviewer.inputs import Source\n"
    "from reviewer.pool import PRELOAD\n"
    "sources = [Source(display=n, file=Path(n), suffix=Path(n).suffix) for n in sys.argv[1:]]\n"
    "for name in [*PRELOAD, *worker_modules(sources, None)]: importlib.import_module(name)\n"
    "wanted = ('rich.progress', 'xlsxwriter', 'reviewer.batch', 'reviewer.pipeline', 'reviewer.render.html', 'openpyxl', 'pypdfium2', 'docx')\n"
    "print(json.dumps([n for n in wanted if n in sys.modules]))\n"
)


@pytest.mark.parametrize(("names", "readers"), [
    ([], []), (["a.txt", "b.md"], []), (["a.xlsx", "b.pdf"], ["openpyxl", "pypdfium2"]), (["a.docx"], ["docx"]),
])
def test_the_fork_server_preloads_what_the_workers_run_but_not_the_parents_bar_or_workbook(names, readers):
    out = subprocess.run([sys.executable, "-c", _PROBE, *names], capture_output=True, text=True, check=True, timeout=120)
    # The bar, summary.xlsx and the batch's own bookkeeping are the parent's; the readers of the
    # batch's kinds of file are loaded once for all workers, other kinds' not at all.
    assert json.loads(out.stdout) == ["reviewer.pipeline", "reviewer.render.html", *readers]


def _store_and_vanish(path: str) -> None:
    """Commit one result, then die without closing anything (as a killed batch does)."""
    Store(Path(path)).put("k", Entry("failed", "坏文件"))
    os._exit(0)


def test_the_cache_commits_without_a_disk_sync_and_keeps_what_a_killed_process_committed(tmp_path):
    path = tmp_path / "reviews.sqlite"
    store = Store(path)
    # Write-ahead log, synced at checkpoints only: a sync per result stalled batches on a busy disk.
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    process = multiprocessing.get_context("spawn").Process(target=_store_and_vanish, args=(str(path),))
    process.start()
    process.join(60)
    assert process.exitcode == 0
    assert store.get("k").reason == "坏文件"  # resumable: the dead writer's commit is there
    store.close()
