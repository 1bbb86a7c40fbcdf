"""A bounded pool of worker processes in which a task that crashes its worker, fails or overruns its time limit loses only itself.

Each worker runs one task at a time, so the parent always knows which task a
worker holds: a dead worker is that task's crash, an overrun is that task's
timeout. A worker is replaced after every failure (a crash, a timeout, an
exception, or a result the caller calls failed), so whatever a failed task
left behind in it (a heap grown to the memory limit, a half-initialised
library) cannot fail the next task. Each worker may run under a memory limit
of its own (RLIMIT_AS), watched by the parent too, since code that fails to
allocate does not always raise MemoryError (see _Pool.collect and
_answer_out_of_memory); its standard error goes nowhere: a dying worker's
traceback never reaches the user, who gets the caller's one-line reason
instead. (concurrent.futures' ProcessPoolExecutor can neither stop one task
nor say which task killed it.)
"""

from __future__ import annotations

import faulthandler
import gc
import importlib
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Sequence

# Imported once, before the first worker starts, so each worker starts with them loaded: the
# batch's tasks (importing their module in each new worker would eat into the task's time limit)
# and what a worker reviewing and rendering any report runs, with the .docx and text readers (a
# worker's address space starts from them, and the memory limit's tests are set by it). A batch
# adds the readers of its other files' formats. reviewer.worker_start builds the JSON adapters every worker uses.
PRELOAD = [
    "reviewer.batch_jobs", "reviewer.pipeline", "reviewer.crosscheck", "reviewer.render.html", "reviewer.render.json",
    "reviewer.render.xlsx", "reviewer.ingest.docx", "reviewer.ingest.text", "reviewer.worker_start",
]
_STOP_SECONDS = 5  # how long an idle worker may take to exit before it is killed
# Under a memory limit the parent reads each busy worker's address space this often (Linux): a
# worker that dies after it neared its limit, or sits at the limit, is out of memory (see _Pool.collect).
_SAMPLE_SECONDS = 0.2
_NEAR_LIMIT = 0.9  # share of the limit past which a worker's death is put down to memory
_FULL_MARGIN = 2 << 20  # bytes: closer to the limit than this, the address space is used up
_STUCK_SECONDS = 10  # how long a worker may sit with its address space used up before it is killed


def _context(preload: Sequence[str], memory_limit: int | None) -> Any:
    """How the next worker process starts: forked from this process, else from a fork server, else spawned.

    Forked from this process, with ``preload`` imported here first, where that
    is safe and leaves the worker its memory: on Linux, while this process
    runs a single thread (the command line's batch; its progress bar draws
    from the batch's own loop), and while its address space is at most a
    quarter of the worker's ``memory_limit`` (bytes). A thread holding a lock
    at the fork would leave the lock held for ever in the worker; and what a
    forked worker shares with this process counts against its limit (RLIMIT_AS
    caps address space), so a large process (a long batch's late replacement
    worker, a test run) would leave a review little of it. Otherwise workers
    are forked from a fork server that imported ``preload``: one per process,
    started by the first pool that needs it, whose modules every later pool's
    workers start with too (any other module a task needs it imports itself).
    Forking from here saves the fork server's interpreter, its resource
    tracker's and its second copy of every import: about 1 s of CPU a batch.
    """
    if _single_threaded():
        for name in preload:
            importlib.import_module(name)
        size = _address_space(os.getpid())
        if not memory_limit or (size is not None and size <= memory_limit // 4):
            return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        return context
    return multiprocessing.get_context("spawn")


def _single_threaded() -> bool:
    """Linux: whether this process runs one thread, counting threads C libraries started (which ``threading`` does not see)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _limit_memory(limit: int) -> None:
    """Cap this process's address space at ``limit`` bytes (never above the hard limit); allocations past it raise MemoryError."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _silence_stderr() -> None:
    """Send this process's standard error (file descriptor 2, so C libraries' messages too) to the null device.

    A crash report too: faulthandler, when the batch enabled it (a test
    runner does) and forked this worker, writes to a copy of the batch's
    standard error of its own.
    """
    faulthandler.disable()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)


def _end_with_batch() -> None:
    """Linux: have the kernel kill this worker when the process that started it ends (PR_SET_PDEATHSIG).

    A worker stuck in C code never reads that its batch is gone, and spins on
    for ever after a killed batch (SIGKILL, a test's timeout). A worker forked
    from the batch dies with it. One forked from a fork server dies with the
    server, which ends when its last client does; its clients are the batch
    and, through an inherited end of the same pipe, every worker: that end is
    closed here (a worker forks nothing through the server). A worker forked
    from a batch that had started a fork server holds that end too.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is not None:  # None: no fork server, or a Python that keeps the pipe elsewhere
        os.close(alive)
        server._forkserver_alive_fd = None


def _serve(conn: Connection, memory_limit: int | None = None) -> None:
    """Worker main loop: run each ``(func, args)`` received and answer ``(kind, value, seconds)``; None stops it.

    ``kind`` is "ok" with the result or "error" with the exception raised;
    ``seconds`` is how long ``func`` ran, measured here, so that the parent
    judges the time limit by the task's own duration, however late it reads
    the answer.
    """
    _silence_stderr()
    _end_with_batch()
    # What this process started with lives as long as it: the collector's full passes need not walk it
    # (and, forked, need not write to the pages it shares with its batch).
    gc.freeze()
    if memory_limit and sys.platform != "win32":
        _limit_memory(memory_limit)
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
        start = time.monotonic()
        try:
            reply = ("ok", func(*args))
        except MemoryError:
            reply = None  # see _answer_out_of_memory: the exception is not kept
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as this task's failure
            reply = ("error", exc)
        seconds = time.monotonic() - start
        if reply is None:
            _answer_out_of_memory(conn, seconds)
            continue
        try:
            conn.send((*reply, seconds))
        except OSError:  # the parent is gone
            return
        except MemoryError:  # pickling a large result needs as much again
            reply = None
        except Exception as exc:  # noqa: BLE001 - a result or exception that cannot be pickled
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), seconds))
        if reply is None:
            _answer_out_of_memory(conn, seconds)


def _answer_out_of_memory(conn: Connection, seconds: float) -> None:
    """Tell the parent the task ran out of memory, once what the task held is freed.

    A MemoryError's traceback holds every frame of the failed task and so
    all its data: answering while it is alive needs memory there is none of,
    and CPython 3.11 then either loops for ever unwinding the next exception
    (it cannot allocate the handler's instruction offset) or exhausts its 16
    spare MemoryErrors and crashes (SIGSEGV). So the exception is dropped by
    the caller, the collector frees the cycles among the task's objects, and
    the answer is a fresh MemoryError without a traceback.
    """
    gc.collect()
    try:
        conn.send(("error", MemoryError(), seconds))
    except OSError:  # the parent is gone; it sees the worker end
        pass


class WorkerDied(BrokenProcessPool):
    """A worker process ended while it held a task; ``exitcode`` is negative for a signal (-9: killed, -11: crashed)."""

    def __init__(self, exitcode: int | None):
        """The worker's exit code (None: it never started)."""
        super().__init__(f"worker process exited with code {exitcode}")
        self.exitcode = exitcode


@dataclass
class _Worker:
    """One worker process, the task it runs and when that task's time is up."""

    process: Any
    conn: Connection
    task: int | None = None
    deadline: float | None = None  # time.monotonic() value
    ran: int = 0  # tasks answered so far
    peak: int = 0  # the most bytes of address space seen in use during its task
    full_since: float | None = None  # time.monotonic() since when its address space has been seen used up


def _start(context: Any, memory_limit: int | None) -> _Worker:
    """A new idle worker, under ``memory_limit`` bytes of address space when given."""
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child, memory_limit), name="reviewer-worker")
    process.start()
    child.close()
    return _Worker(process, parent)


def _address_space(pid: int) -> int | None:
    """Bytes of address space process ``pid`` has mapped (what RLIMIT_AS caps); None where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[0]) * _PAGE
    except (OSError, ValueError, IndexError):  # not Linux, or the process is gone
        return None


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


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
    memory_limit: int | None = None,
    failed: Callable[[Any], bool] | None = None,
    preload: Sequence[str] = PRELOAD,
    on_wait: Callable[[], None] | None = None,
) -> None:
    """Run ``func(*task)`` for every task in at most ``jobs`` processes; callbacks get the task's index.

    ``on_crash`` gets the exception a task raised, or WorkerDied when
    its worker died (a crash in a parsing library, the OOM killer). With
    ``timeout`` (seconds), a task that runs longer is reported through
    ``on_timeout`` even when its result was already sent; one still running
    then is killed with the programs it started. ``memory_limit`` (bytes)
    caps each worker's address space: a task that passes it gets a
    MemoryError through ``on_crash``, also when its worker died after
    nearing the limit or sat at it for _STUCK_SECONDS. A worker is replaced
    after a crash, a timeout, an exception or a result for which
    ``failed(result)`` is true. ``preload`` names the modules workers start
    with (see ``_context``). ``on_wait`` is called at least every
    _SAMPLE_SECONDS while tasks run (a progress bar's clock moves). Workers
    are gone when this returns or raises.
    """
    if not tasks:
        return
    if timeout is not None and on_timeout is None:
        raise ValueError("a timeout needs on_timeout")
    pool = _Pool(func, tasks, max(1, jobs), timeout, memory_limit, failed or (lambda result: False), preload, on_wait is not None)
    try:
        while pool.queue or pool.busy():
            finished = pool.dispatch()
            if not finished:
                finished = pool.collect()
                # The next tasks go out before the callbacks run, so workers do not wait on the parent's bookkeeping.
                finished += pool.dispatch()
            for index, kind, value in finished:
                if kind == "ok":
                    on_result(index, value)
                elif kind == "timeout":
                    on_timeout(index)
                else:
                    on_crash(index, value)
            if on_wait is not None:
                on_wait()
    finally:
        pool.close()


class _Pool:
    """The workers of one run_pool call and the tasks still queued."""

    def __init__(self, func, tasks, jobs, timeout, memory_limit, failed, preload, ticking):
        """Nothing started yet: workers are started as tasks are handed out; ``ticking``: collect returns every _SAMPLE_SECONDS."""
        self.func, self.tasks, self.jobs, self.ticking = func, tasks, jobs, ticking
        self.timeout, self.memory_limit, self.failed = timeout, memory_limit, failed
        self.preload = preload
        self.queue = deque(range(len(tasks)))
        self.workers: list[_Worker] = []

    def busy(self) -> list[_Worker]:
        """The workers running a task."""
        return [w for w in self.workers if w.task is not None]

    def dispatch(self) -> list[tuple[int, str, Any]]:
        """Give queued tasks to idle workers, starting workers up to ``jobs``; return the tasks that could not be handed over."""
        failed = []
        while self.queue:
            idle = next((w for w in self.workers if w.task is None), None)
            if idle is None:
                if len(self.workers) >= self.jobs:
                    break
                idle = _start(_context(self.preload, self.memory_limit), self.memory_limit)  # decided at each start
                self.workers.append(idle)
            index = self.queue.popleft()
            try:
                idle.conn.send((self.func, self.tasks[index]))
            except OSError:  # the worker is gone
                self._retire(idle)
                if idle.ran:  # it died between tasks: this task is not to blame, a new worker takes it
                    self.queue.appendleft(index)
                else:  # workers cannot start at all: report rather than start new ones forever
                    failed.append((index, "crash", WorkerDied(idle.process.exitcode)))
                continue
            except Exception as exc:  # noqa: BLE001 - the task cannot be pickled; the worker is still usable
                failed.append((index, "crash", exc))
                continue
            idle.task, idle.peak, idle.full_since = index, 0, None
            idle.deadline = time.monotonic() + self.timeout if self.timeout is not None else None
        return failed

    def collect(self) -> list[tuple[int, str, Any]]:
        """Wait until some busy worker answers, dies or runs out of time or memory; return those tasks as (index, ok|crash|timeout, value).

        Under a memory limit it returns at least every _SAMPLE_SECONDS, after
        reading the busy workers' address space, possibly with no task; so it
        does when ticking.
        """
        busy = self.busy()
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        if self.memory_limit or self.ticking:
            wait_for = _SAMPLE_SECONDS if wait_for is None else min(wait_for, _SAMPLE_SECONDS)
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy], wait_for)
        finished = []
        now = time.monotonic()
        if self.memory_limit:
            for worker in busy:
                self._sample(worker, now)
        for worker in busy:
            index = worker.task
            if worker.conn.poll():
                try:
                    kind, value, seconds = worker.conn.recv()
                except (EOFError, OSError):  # died, possibly in the middle of answering
                    finished.append((index, "crash", self._died(worker)))
                    continue
                worker.task = worker.deadline = None
                worker.ran += 1
                if self.timeout is not None and seconds > self.timeout:
                    # Answered, but too late: a timeout is a timeout whenever the parent reads the pipe.
                    finished.append((index, "timeout", None))
                    self._retire(worker)
                elif kind == "ok":
                    finished.append((index, "ok", value))
                    if self.failed(value):
                        self._retire(worker)
                else:
                    finished.append((index, "crash", value))
                    self._retire(worker)
            elif not worker.process.is_alive():
                finished.append((index, "crash", self._died(worker)))
            elif worker.deadline is not None and now >= worker.deadline:
                self._retire(worker)
                finished.append((index, "timeout", None))
            elif worker.full_since is not None and now - worker.full_since >= _STUCK_SECONDS:
                self._retire(worker)
                finished.append((index, "crash", MemoryError()))
        return finished

    def _sample(self, worker: _Worker, now: float) -> None:
        """Note a busy worker's address space: its peak, and since when it has been used up."""
        used = _address_space(worker.process.pid)
        if used is None:
            return
        worker.peak = max(worker.peak, used)
        if used < self.memory_limit - _FULL_MARGIN:
            worker.full_since = None
        elif worker.full_since is None:
            worker.full_since = now

    def _died(self, worker: _Worker) -> BaseException:
        """Retire a worker that died and say how it ended: MemoryError when it had neared its memory limit, else WorkerDied.

        C code (a parser, the JSON serialiser, the interpreter growing its
        stack) whose allocation fails under the limit often crashes the
        process instead of raising MemoryError.
        """
        self._retire(worker)
        if self.memory_limit and worker.peak >= _NEAR_LIMIT * self.memory_limit:
            return MemoryError()
        return WorkerDied(worker.process.exitcode)

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker (a new one takes the next task)."""
        self.workers.remove(worker)
        _kill(worker)

    def close(self) -> None:
        """Stop idle workers (killed if they do not exit in time) and kill busy ones (an interrupted run)."""
        idle = [w for w in self.workers if w.task is None]
        for worker in idle:
            try:
                worker.conn.send(None)
            except OSError:
                pass  # already gone
        for worker in idle:
            worker.process.join(_STOP_SECONDS)
        for worker in self.workers:
            if worker.task is not None or worker.process.is_alive():
                _kill(worker)
            else:
                worker.conn.close()
