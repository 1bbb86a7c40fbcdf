"""How batch workers start: forked from a batch that runs one thread, else from a fork server; the progress bar starts no thread."""

from __future__ import annotations

import ctypes
import faulthandler
import io
import os
import sys
import threading

import pytest

from reviewer import pool
from reviewer.pool import WorkerDied, run_pool

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked from the batch on Linux only")


def _parent_pid() -> int:
    """A pool task: the pid of the process that started its worker."""
    return os.getppid()


def _run(task, tasks=((),)) -> tuple[dict, dict]:
    results: dict = {}
    crashes: dict = {}
    run_pool(task, list(tasks), 1, results.__setitem__, crashes.__setitem__)
    return results, crashes


def test_a_batch_running_one_thread_forks_its_workers_itself():
    if not pool._single_threaded():
        pytest.skip("this test run has threads of its own (a watchdog), so no worker is forked from it")
    results, _ = _run(_parent_pid)
    assert results == {0: os.getpid()}


def test_a_batch_with_a_thread_running_starts_its_workers_from_a_fork_server():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        results, _ = _run(_parent_pid)
    finally:
        stop.set()
        thread.join()
    # A thread could hold a lock at the fork, held for ever in the worker: the worker's parent is the fork server.
    assert results[0] != os.getpid()


def test_a_batch_whose_address_space_would_take_a_quarter_of_a_workers_limit_starts_them_from_a_fork_server():
    if not pool._single_threaded():
        pytest.skip("this test run has threads of its own (a watchdog), so no worker is forked from it")
    results: dict = {}
    limit = 2 * pool._address_space(os.getpid())  # a forked worker would start with half its limit used up
    run_pool(_parent_pid, [()], 1, results.__setitem__, print, memory_limit=limit)
    assert results[0] != os.getpid()


def _segfault() -> None:
    """A pool task that crashes its worker in C code."""
    ctypes.string_at(0)


def test_a_forked_worker_that_crashes_prints_nothing_on_the_batchs_streams(tmp_path):
    report = tmp_path / "faults.txt"
    with report.open("w") as stream:
        faulthandler.enable(stream)  # as a test runner does: a forked worker inherits it
        try:
            _, crashes = _run(_segfault)
        finally:
            faulthandler.disable()
    assert isinstance(crashes[0], WorkerDied) and crashes[0].exitcode == -11
    assert report.read_text() == ""


def test_the_terminal_progress_bar_draws_without_a_thread():
    from rich.console import Console

    from reviewer.progress import Bar

    screen = io.StringIO()
    before = threading.active_count()
    with Bar(Console(file=screen, force_terminal=True, width=100)) as bar:
        bar.phase("审阅", 2)
        assert threading.active_count() == before
        bar.advance("甲.docx", 3)
        bar.drawn = 0.0
        bar.tick()
    assert "审阅" in screen.getvalue() and "1/2" in screen.getvalue() and "问题 3" in screen.getvalue()
