"""A bounded pool of worker processes in which one crashing task loses only itself."""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Callable

# Imported once in the fork server, so each worker starts with them loaded.
PRELOAD = ["reviewer.batch", "reviewer.pipeline", "reviewer.render.html"]


def _ignore_interrupt() -> None:
    """Worker initializer: Ctrl-C stops the parent, which lets running tasks finish and keeps their results."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> Any:
    """Worker processes forked from a preloaded server where available (fast start, no inherited threads)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def run_pool(
    func: Callable[..., Any],
    tasks: list[tuple],
    jobs: int,
    on_result: Callable[[int, Any], None],
    on_crash: Callable[[int, BaseException], None],
) -> None:
    """Run ``func(*task)`` for every task in at most ``jobs`` processes.

    When a worker dies (a crash in a parsing library, the OOM killer), the
    pool breaks and every unfinished task is suspect: each is re-run alone in
    a fresh worker, so only the task that really crashes is lost (reported
    through ``on_crash``) and the others still complete.
    """
    if not tasks:
        return
    context = _context()
    queue = deque(range(len(tasks)))
    while queue:
        suspects = _run_until_broken(func, tasks, jobs, queue, on_result, context)
        for index in suspects:
            with ProcessPoolExecutor(1, mp_context=context, initializer=_ignore_interrupt) as solo:
                try:
                    result = solo.submit(func, *tasks[index]).result()
                except Exception as exc:  # noqa: BLE001 - BrokenProcessPool or an unpicklable task
                    on_crash(index, exc)
                    continue
            on_result(index, result)


def _run_until_broken(func, tasks, jobs, queue: deque, on_result, context) -> list[int]:
    """Run queued tasks until done or until the pool breaks; return the unfinished (suspect) tasks."""
    inflight: dict[Future, int] = {}
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_ignore_interrupt) as pool:
        while queue or inflight:
            while queue and len(inflight) < 2 * jobs:
                index = queue.popleft()
                inflight[pool.submit(func, *tasks[index])] = index
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                if future.exception() is not None:
                    broken = True
                    continue
                on_result(inflight.pop(future), future.result())
            if broken:
                # Once broken, every pending future settles (with a result or the same exception).
                settled, _ = wait(inflight)
                suspects = []
                for future in settled:
                    index = inflight.pop(future)
                    if future.exception() is None:
                        on_result(index, future.result())
                    else:
                        suspects.append(index)
                return sorted(suspects)
    return []
