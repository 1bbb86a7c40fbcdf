"""How batch workers start: forked from a batch that runs one thread, else from a fork server; the progress bar starts no thread."""

from __future__ import annotations

import ctypes
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reviewer.pool import run_pool

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked from the batch on Linux only")


def _parent_pid() -> int:
    """A pool task: the pid of the process that started its worker."""
    return os.getppid()


def _run(task, tasks=((),)) -> tuple[dict, dict]:
    results: dict = {}
    crashes: dict = {}
    run_pool(task, list(tasks), 1, results.__setitem__, crashes.__setitem__)
    return results, crashes


# Run in a process of its own: a test runner may have started threads (the web tests' servers) by then.
_WHO_STARTED_THE_WORKERS = (
    "import os, sys\n"
    "from reviewer import pool\n"
    "from reviewer.pool import run_pool\n"
    "from tests.test_pool_start import _parent_pid\n"
    "if __name__ == '__main__':\n"
    "    results = {}\n"
    "    limit = int(sys.argv[1]) * pool._address_space(os.getpid()) if len(sys.argv) > 1 else None\n"
    "    run_pool(_parent_pid, [()], 1, results.__setitem__, print, memory_limit=limit)\n"
    "    print('batch' if results[0] == os.getpid() else 'other')\n"
)


def _who_started_the_workers(*args: str) -> str:
    """Run a one-task pool in a fresh single-threaded process: 'batch' when that process forked the worker itself."""
    done = subprocess.run([sys.executable, "-c", _WHO_STARTED_THE_WORKERS, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=True)
    return done.stdout.strip()


def test_a_batch_running_one_thread_forks_its_workers_itself():
    assert _who_started_the_workers() == "batch"


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
    # With a limit of twice the batch's size, a forked worker would start with half its limit used up.
    assert _who_started_the_workers("2") == "other"
    assert _who_started_the_workers("8") == "batch"


def _segfault() -> None:
    """A pool task that crashes its worker in C code."""
    ctypes.string_at(0)


_CRASH_UNDER_FAULTHANDLER = (
    "import faulthandler, sys\n"
    "from reviewer.pool import run_pool\n"
    "from tests.test_pool_start import _segfault\n"
    "if __name__ == '__main__':\n"
    "    faulthandler.enable(open(sys.argv[1], 'w'))  # as a test runner does: a forked worker inherits it\n"
    "    crashes = {}\n"
    "    run_pool(_segfault, [()], 1, print, crashes.__setitem__)\n"
    "    print(crashes[0].exitcode)\n"
)


def test_a_forked_worker_that_crashes_prints_nothing_on_the_batchs_streams(tmp_path):
    report = tmp_path / "faults.txt"
    done = subprocess.run([sys.executable, "-c", _CRASH_UNDER_FAULTHANDLER, str(report)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=True)
    assert done.stdout.strip() == "-11"  # the worker died of its crash (SIGSEGV), and said nothing about it
    assert report.read_text() == "" and done.stderr == ""


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
