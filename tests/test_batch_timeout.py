"""The per-document time limit of a batch: a hanging review fails alone, its worker and the programs it started are killed."""

from __future__ import annotations

import inspect
import json
import multiprocessing
import os
import subprocess
import time
from pathlib import Path

from tests.batch_helpers import report_text, run_cli, write

import reviewer.batch
from reviewer.batch import BatchOptions, run_batch
from reviewer.config import LLMConfig
from reviewer.pool import run_pool

HANG_SECONDS = 60
REASON = "审阅超时（超过 {} 秒），可能是文件过大或格式异常"


def _hang(record: Path) -> None:
    """What a stuck parser does: start a program (as a LibreOffice conversion would) and wait far too long for it."""
    child = subprocess.Popen(["sleep", str(HANG_SECONDS)])
    (record / f"{os.getpid()}-{child.pid}.hang").touch()
    child.wait()


def _double_or_hang(n: int, record: str) -> tuple[int, int]:
    """A pool task that hangs on 0; else, after a quarter of a second, its double and the worker's pid."""
    if n == 0:
        _hang(Path(record))
    time.sleep(0.25)
    return n * 2, os.getpid()


_real_review = reviewer.batch.review_job


def _hanging_review(file: str, *args):
    """reviewer.batch.review_job, except that a file with a ``.hang`` marker next to it hangs; records every worker's pid."""
    record = Path(file).parent / "pids"
    (record / str(os.getpid())).touch()
    if Path(file + ".hang").exists():
        _hang(record)
    return _real_review(file, *args)


def _running(pid: int) -> bool:
    """Whether a process is still running (a killed zombie waiting for its new parent to reap it is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _pids(record: Path) -> tuple[set[int], set[int]]:
    """Worker pids recorded in ``record``, and the pids of the programs the hanging tasks started."""
    workers, programs = set(), set()
    for marker in record.iterdir():
        if marker.suffix == ".hang":
            worker, program = marker.stem.split("-")
            workers.add(int(worker))
            programs.add(int(program))
        else:
            workers.add(int(marker.name))
    return workers, programs


def test_pool_kills_a_task_past_its_time_and_keeps_every_other_result(tmp_path):
    results: dict[int, tuple[int, int]] = {}
    timed_out: list[int] = []
    crashed: list[int] = []
    start = time.monotonic()
    run_pool(
        _double_or_hang,
        [(n, str(tmp_path)) for n in range(10)],
        2,
        results.__setitem__,
        lambda i, exc: crashed.append(i),
        timeout=1.5,
        on_timeout=timed_out.append,
    )
    assert time.monotonic() - start < 15
    assert timed_out == [0] and crashed == []
    assert {i: r[0] for i, r in results.items()} == {i: i * 2 for i in range(1, 10)}
    hung, programs = _pids(tmp_path)
    workers = hung | {pid for _, pid in results.values()}
    # One worker did tasks alone while the other hung; tasks were left at the timeout, so a new worker took some.
    assert len(programs) == 1 and len(workers) == 3
    assert not any(_running(pid) for pid in workers | programs)
    assert not multiprocessing.active_children()


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_a_result_that_reached_the_pipe_after_the_time_limit_is_a_timeout():
    results: dict[int, float] = {}
    timed_out: list[int] = []

    def slow_parent(index: int, value: float) -> None:
        results[index] = value
        if index == 0:
            time.sleep(4)  # a parent busy elsewhere: task 1 answers (late) and task 2 (in time) before it looks

    # Task 2 goes to task 0's worker before the callback runs, so both answers wait in the pipes.
    run_pool(_sleep, [(0,), (2.0,), (0.05,)], 2, slow_parent, lambda i, exc: None, timeout=1.0, on_timeout=timed_out.append)
    assert timed_out == [1]
    assert results == {0: 0, 2: 0.05}  # read long after its deadline, but it ran 0.05 s: in time


def test_a_hanging_document_times_out_alone_is_not_cached_and_leaves_no_process(tmp_path, monkeypatch):
    monkeypatch.setattr(reviewer.batch, "review_job", _hanging_review)
    src = tmp_path / "in"
    files = [write(src / f"{name}.txt", report_text(f"壬县{name}", 2024)) for name in ("甲局", "乙局", "卡住局", "丁局", "戊局")]
    stuck = files[2]
    Path(f"{stuck}.hang").touch()
    (src / "pids").mkdir()
    out = tmp_path / "out"

    start = time.monotonic()
    result = run_batch([str(f) for f in files], out, BatchOptions(jobs=2, timeout=2))
    assert time.monotonic() - start < 20  # the hung review sleeps 60 s

    rows = {Path(r["path"]).name: r for r in json.loads((out / "summary.json").read_text(encoding="utf-8"))["documents"]}
    assert rows["卡住局.txt"]["status"] == "failed"
    assert rows["卡住局.txt"]["reason"] == f"{stuck}: {REASON.format(2)}"
    assert [n for n, r in rows.items() if r["status"] == "ok"] == ["甲局.txt", "乙局.txt", "丁局.txt", "戊局.txt"]
    assert all(rows[n]["unit"] == f"壬县{n[:-4]}" for n in ("甲局.txt", "戊局.txt"))
    assert result.exit_code("never") == 2
    workers, programs = _pids(src / "pids")
    assert len(programs) == 1 and len(workers) >= 2
    assert not any(_running(pid) for pid in workers | programs)
    assert not multiprocessing.active_children()

    Path(f"{stuck}.hang").unlink()
    again = run_batch([str(f) for f in files], out, BatchOptions(jobs=2, timeout=2))
    assert (again.reviewed, again.cached) == (1, 4)  # only the timed-out document is reviewed again
    assert [o.status for o in again.outcomes] == ["ok"] * 5 and again.exit_code("never") == 0


def test_cli_timeout_fails_documents_that_overrun_and_zero_means_no_limit(tmp_path):
    src = write(tmp_path / "in" / "a.txt", report_text("癸县单位", 2024))
    write(tmp_path / "in" / "b.txt", report_text("癸县另一单位", 2024))
    # No real review answers within a millisecond: both time out.
    result = run_cli("batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--timeout", "0.001", "--jobs", "2")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"失败：{src}: {REASON.format(0.001)}"
    assert lines[-1].startswith("共 2 个文件：新审阅 0，使用缓存 0，失败 2；")
    assert "Traceback" not in result.stderr
    unlimited = run_batch([str(tmp_path / "in")], tmp_path / "out", BatchOptions(jobs=2, timeout=0))
    assert (unlimited.reviewed, len(unlimited.failed)) == (2, 0)  # timed-out reviews were not cached either


def test_command_line_and_web_batches_default_to_the_same_limit(tmp_path, monkeypatch):
    # Imported here: workers import this module to find the fake reviews, and need not load the web app.
    from fastapi.testclient import TestClient
    from tests.web_helpers import make_app

    from reviewer.cli import batch
    import reviewer.web.jobs

    assert inspect.signature(batch).parameters["timeout"].default.default is None
    assert BatchOptions().time_limit == 300 and BatchOptions(llm=LLMConfig(base_url="http://127.0.0.1:9", model="m")).time_limit == 1800
    assert BatchOptions(timeout=5, llm=LLMConfig(base_url="http://127.0.0.1:9", model="m")).time_limit == 5
    seen: list[BatchOptions] = []
    real = reviewer.web.jobs.review_sources
    monkeypatch.setattr(reviewer.web.jobs, "review_sources", lambda s, options, *a: seen.append(options) or real(s, options, *a))
    with TestClient(make_app(tmp_path)) as client:
        text = report_text("子县单位", 2024).encode("utf-8")
        r = client.post("/batch", files=[("files", ("a.txt", text, "text/plain"))], follow_redirects=False)
        assert r.status_code == 303
        for _ in range(120):
            if client.get(r.headers["location"] + "/progress").json()["finished"]:
                break
            time.sleep(0.25)
    assert [o.time_limit for o in seen] == [300]
