"""A bounded pool of worker processes in which a task that crashes its worker or overruns its time limit loses only itself.

Each worker runs one task at a time, so the parent always knows which task a
worker holds: a dead worker is that task's crash, an overrun is that task's
timeout, and only that worker is replaced. (concurrent.futures'
ProcessPoolExecutor can neither stop one task nor say which task killed it.)
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable

# Imported once in the fork server, so each worker starts with them loaded.
PRELOAD = ["reviewer.batch", "reviewer.pipeline", "reviewer.render.html"]
_STOP_SECONDS = 5  # how long an idle worker may take to exit before it is killed


def _context() -> Any:
    """Worker processes forked from a preloaded server where available (fast start, no inherited threads)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _serve(conn: Connection) -> None:
    """Worker main loop: run each ``(func, args)`` received and answer ``("ok", result)`` or ``("error", exception)``; None stops it."""
    if hasattr(os, "setpgid"):
        # A process group of its own: a timed-out worker is killed together with
        # any program it started (LibreOffice), and a terminal's Ctrl-C reaches
        # only the parent, which then stops the workers.
        os.setpgid(0, 0)
    # Where there are no process groups, Ctrl-C would otherwise print a traceback from every worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            message = conn.recv()
        except EOFError:  # the parent is gone
            return
        if message is None:
            return
        func, args = message
        try:
            reply = ("ok", func(*args))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as this task's failure
            reply = ("error", exc)
        try:
            conn.send(reply)
        except OSError:  # the parent is gone
            return
        except Exception as exc:  # noqa: BLE001 - a result or exception that cannot be pickled
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


@dataclass
class _Worker:
    """One worker process, the task it runs and when that task's time is up."""

    process: Any
    conn: Connection
    task: int | None = None
    deadline: float | None = None  # time.monotonic() value
    ran: int = 0  # tasks answered so far


def _start(context: Any) -> _Worker:
    """A new idle worker."""
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child,), name="reviewer-worker")
    process.start()
    child.close()
    return _Worker(process, parent)


def _kill(worker: _Worker) -> None:
    """Kill a worker and every process it started, and wait until it is gone."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(worker.process.pid, signal.SIGKILL)
        except ProcessLookupError:  # it has not made its own group yet (so it has started nothing)
            worker.process.kill()
    else:
        worker.process.kill()
    worker.process.join()
    worker.conn.close()


def run_pool(
    func: Callable[..., Any],
    tasks: list[tuple],
    jobs: int,
    on_result: Callable[[int, Any], None],
    on_crash: Callable[[int, BaseException], None],
    timeout: float | None = None,
    on_timeout: Callable[[int], None] | None = None,
) -> None:
    """Run ``func(*task)`` for every task in at most ``jobs`` processes; callbacks get the task's index.

    ``on_crash`` gets the exception a task raised, or BrokenProcessPool when
    its worker died (a crash in a parsing library, the OOM killer). With
    ``timeout`` (seconds), a task still running after that long is reported
    through ``on_timeout`` and its worker is killed, with the programs it
    started, and replaced. Workers are gone when this returns or raises.
    """
    if not tasks:
        return
    if timeout is not None and on_timeout is None:
        raise ValueError("a timeout needs on_timeout")
    context = _context()
    queue = deque(range(len(tasks)))
    workers: list[_Worker] = []
    jobs = max(1, jobs)
    try:
        while queue or any(w.task is not None for w in workers):
            finished = _dispatch(func, tasks, jobs, queue, workers, context, timeout)
            if not finished:
                finished = _collect(workers)
                # The next tasks go out before the callbacks run, so workers do not wait on the parent's bookkeeping.
                finished += _dispatch(func, tasks, jobs, queue, workers, context, timeout)
            for index, kind, value in finished:
                if kind == "ok":
                    on_result(index, value)
                elif kind == "timeout":
                    on_timeout(index)
                else:
                    on_crash(index, value)
    finally:
        _close(workers)


def _close(workers: list[_Worker]) -> None:
    """Stop idle workers (killed if they do not exit in time) and kill busy ones (an interrupted run)."""
    idle = [w for w in workers if w.task is None]
    for worker in idle:
        try:
            worker.conn.send(None)
        except OSError:
            pass  # already gone
    for worker in idle:
        worker.process.join(_STOP_SECONDS)
    for worker in workers:
        if worker.task is not None or worker.process.is_alive():
            _kill(worker)
        else:
            worker.conn.close()


def _dispatch(func, tasks, jobs, queue: deque, workers: list[_Worker], context, timeout) -> list[tuple[int, str, Any]]:
    """Give queued tasks to idle workers, starting workers up to ``jobs``; return the tasks that could not be handed over."""
    failed = []
    while queue:
        idle = next((w for w in workers if w.task is None), None)
        if idle is None:
            if len(workers) >= jobs:
                break
            idle = _start(context)
            workers.append(idle)
        index = queue.popleft()
        try:
            idle.conn.send((func, tasks[index]))
        except OSError:  # the worker is gone
            workers.remove(idle)
            _kill(idle)
            if idle.ran:  # it died between tasks: this task is not to blame, a new worker takes it
                queue.appendleft(index)
            else:  # workers cannot start at all: report rather than start new ones forever
                failed.append((index, "crash", BrokenProcessPool("worker process exited before taking the task")))
            continue
        except Exception as exc:  # noqa: BLE001 - the task cannot be pickled; the worker is still usable
            failed.append((index, "crash", exc))
            continue
        idle.task = index
        idle.deadline = time.monotonic() + timeout if timeout is not None else None
    return failed


def _collect(workers: list[_Worker]) -> list[tuple[int, str, Any]]:
    """Wait until some busy worker answers, dies or runs out of time; return those tasks as (index, ok|crash|timeout, value)."""
    busy = [w for w in workers if w.task is not None]
    deadlines = [w.deadline for w in busy if w.deadline is not None]
    wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
    wait([w.conn for w in busy] + [w.process.sentinel for w in busy], wait_for)
    finished = []
    now = time.monotonic()
    for worker in busy:
        index = worker.task
        if worker.conn.poll():
            try:
                kind, value = worker.conn.recv()
            except (EOFError, OSError):  # died, possibly in the middle of answering
                kind = "died"
            else:
                worker.task = worker.deadline = None
                worker.ran += 1
                finished.append((index, "ok" if kind == "ok" else "crash", value))
                continue
        elif not worker.process.is_alive():
            kind = "died"
        elif worker.deadline is not None and now >= worker.deadline:
            kind = "timeout"
        else:
            continue
        workers.remove(worker)
        _kill(worker)
        if kind == "timeout":
            finished.append((index, "timeout", None))
        else:
            finished.append((index, "crash", BrokenProcessPool(f"worker process exited with code {worker.process.exitcode}")))
    return finished
