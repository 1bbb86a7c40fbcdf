"""Batch review with the LLM stage: the real openai client against the scripted server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewer.batch import BatchOptions, llm_workers, run_batch
from reviewer.batch_result import report_lines
from reviewer.config import choose_llm
from reviewer.config import LLMConfig
from reviewer.errors import ConfigError
from reviewer.llm.cache import CACHE_FILE, ResponseCache
from reviewer.store import RULES_ONLY, llm_digest
from reviewer.web.uploads import Upload
from tests.batch_helpers import ROOT, report_text, run_cli, write
from tests.fake_openai import FakeOpenAI
from tests.web_helpers import make_app

# A difference the report gets wrong: no rule reads it, the model points at it, the code recomputes it.
QUOTE = "培训经费安排30.00万元，实际使用8.00万元，结余21.00万元"
UNITS = ("甲县文化馆", "乙县图书馆", "丙县博物馆")
NO_CLAIMS = {"claims": []}
SUSPICIONS = {
    "suspicions": [
        {
            "kind": "contradiction",
            "quote": QUOTE,
            "message": "安排数减去使用数不等于所写结余",
            "cited_numbers": ["30.00", "8.00", "21.00"],
            "relation": {"op": "difference", "operands": ["30.00", "8.00"], "result": "22.00", "stated": "21.00"},
        }
    ]
}


def reports(folder: Path, units: tuple[str, ...] = UNITS) -> Path:
    """One small report per unit, each with the wrong sum in its narrative."""
    for unit in units:
        write(folder / f"{unit}.txt", report_text(unit, 2024, paragraphs=(f"2024年{unit}{QUOTE}。",)))
    return folder


def script(server: FakeOpenAI, documents: int, delay: float = 0.0) -> None:
    """The answers for ``documents`` reports: one request each (claims and suspicions together)."""
    for _ in range(documents):
        server.reply({**NO_CLAIMS, **SUSPICIONS}, delay=delay)


def batch_cli(server: FakeOpenAI, cache: Path, *args: str, concurrency: int = 2) -> subprocess.CompletedProcess:
    """``reviewer batch`` in a child process, configured by environment to use the fake server."""
    env = {
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
        "HOME": str(cache),
        "REVIEWER_LLM_BASE_URL": server.base_url,
        "REVIEWER_LLM_MODEL": "test-model",
        "REVIEWER_LLM_API_KEY": "sk-secret-test-key",
        "REVIEWER_LLM_CONCURRENCY": str(concurrency),
        "REVIEWER_LLM_MAX_RETRIES": "0",
        "REVIEWER_CACHE_DIR": str(cache),
    }
    return subprocess.run(
        [sys.executable, "-m", "reviewer", "batch", *args],
        cwd=cache, capture_output=True, text=True, timeout=300, env=env,
    )


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def llm_findings(out: Path, unit: str) -> list[dict]:
    review = json.loads((out / f"{unit}.审阅.json").read_text(encoding="utf-8"))
    return [f for f in review["findings"] if f["source"] == "llm"]


def test_cli_batch_with_the_llm_then_cached_then_rules_only_from_the_earlier_entries(tmp_path):
    src = reports(tmp_path / "src")
    out, cache = tmp_path / "out", tmp_path / "home"
    cache.mkdir()
    args = (str(src), "--out", str(out), "--jobs", "2", "--formats", "json")
    with FakeOpenAI() as server:
        # Rules only first: nothing is sent.
        first = batch_cli(server, cache, *args, "--no-llm")
        assert first.returncode == 0, first.stderr
        assert server.chat_requests == []
        assert "未配置大模型" not in first.stderr
        assert all(llm_findings(out, unit) == [] for unit in UNITS)

        # The model switched on: every report is reviewed again, one request each, never more than 2 at once.
        script(server, len(UNITS), delay=0.3)
        second = batch_cli(server, cache, *args)
        assert second.returncode == 1, second.stderr  # LLM003 is an error
        assert len(server.chat_requests) == len(UNITS)
        assert server.max_in_flight <= 2
        assert "sk-secret-test-key" not in json.dumps(server.chat_requests, ensure_ascii=False)
        data = summary(out)
        assert data["totals"]["reviewed"] == 3 and data["totals"]["cached"] == 0
        for row in data["documents"]:
            assert row["top_issues"][0]["rule"] == "LLM003"
            assert "30.00 − 8.00 = 22" in row["top_issues"][0]["message"]
        for unit in UNITS:
            (finding,) = llm_findings(out, unit)
            assert finding["rule"] == "LLM003" and finding["verification"] == "verified"
            assert finding["evidence"][0]["quote"] == QUOTE

        # The same command again: everything from the batch cache, no request.
        third = batch_cli(server, cache, *args)
        assert third.returncode == 1
        assert len(server.chat_requests) == len(UNITS)
        assert "新审阅 0，使用缓存 3" in third.stderr
        assert all(len(llm_findings(out, unit)) == 1 for unit in UNITS)

        # Switched off again: the first run's rules-only entries serve it.
        fourth = batch_cli(server, cache, *args, "--no-llm")
        assert fourth.returncode == 0
        assert "新审阅 0，使用缓存 3" in fourth.stderr
        assert len(server.chat_requests) == len(UNITS)
        assert all(llm_findings(out, unit) == [] for unit in UNITS)
    with sqlite3.connect(out / ".cache" / "reviews.sqlite") as db:
        assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 6  # 3 rules-only + 3 with the model


def test_cli_batch_llm_switches_without_a_configured_model(tmp_path):
    src = reports(tmp_path / "src", UNITS[:1])
    forced = run_cli("batch", str(src), "--out", str(tmp_path / "out"), "--llm", cwd=tmp_path)
    assert forced.returncode == 2
    assert forced.stderr.count("未配置大模型") == 1 and "REVIEWER_LLM_BASE_URL" in forced.stderr
    assert not (tmp_path / "out").exists()

    plain = run_cli("batch", str(src), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert plain.returncode == 0
    assert plain.stderr.count("未配置大模型，本次只做规则审阅") == 1
    assert plain.stderr.strip().splitlines()[-1].startswith("共 1 个文件：新审阅 1")

    quiet = run_cli("batch", str(src), "--out", str(tmp_path / "out"), "--no-llm", cwd=tmp_path)
    assert quiet.returncode == 0 and "未配置大模型" not in quiet.stderr
    assert "使用缓存 1" in quiet.stderr  # rules only, with or without the hint, is the same review

    both = run_cli("batch", str(src), "--out", str(tmp_path / "out"), "--llm", "--no-llm", cwd=tmp_path)
    assert both.returncode == 2 and "不能同时使用" in both.stderr


def test_failed_requests_are_not_cached_and_a_rerun_asks_again(tmp_path):
    src = reports(tmp_path / "src", UNITS[:1])
    out = tmp_path / "out"
    with FakeOpenAI() as server:
        llm = LLMConfig(base_url=server.base_url, model="test-model", cache_dir=tmp_path / "llm", max_retries=0)
        options = BatchOptions(jobs=2, formats=("json", "text"), llm=llm)
        server.error(500)
        broken = run_batch([str(src)], out, options)
        assert len(server.chat_requests) == 1
        (outcome,) = broken.outcomes
        assert outcome.status == "ok" and outcome.llm_incomplete
        (written,) = out.glob("*.审阅.json")
        assert not any(f["source"] == "llm" for f in json.loads(written.read_text(encoding="utf-8"))["findings"])
        assert "文字审阅不完整" in next(out.glob("*.审阅.txt")).read_text(encoding="utf-8")
        assert "大模型请求失败" in report_lines(broken)[0]

        script(server, 1)
        retried = run_batch([str(src)], out, options)
        assert retried.reviewed == 1 and retried.cached == 0
        assert len(server.chat_requests) == 2
        findings = json.loads(written.read_text(encoding="utf-8"))["findings"]
        assert [f["rule"] for f in findings if f["source"] == "llm"] == ["LLM003"]
        assert not any("大模型请求失败" in line for line in report_lines(retried))

        again = run_batch([str(src)], out, options)
        assert again.cached == 1 and len(server.chat_requests) == 2


def finished(runner, key: str) -> list:
    """Wait for a web batch to finish; its rows."""
    for _ in range(600):
        batch, rows = runner.get(key)
        if batch.finished_at is not None:
            return rows
        time.sleep(0.1)
    raise AssertionError("batch did not finish")


def test_web_batch_runs_the_llm_when_asked(tmp_path):
    units = UNITS[:2]
    with FakeOpenAI() as server:
        llm = LLMConfig(base_url=server.base_url, model="test-model", cache_dir=tmp_path / "llm", max_retries=0)
        app = make_app(tmp_path, llm=llm)
        runner = app.state.runner
        uploads = [
            Upload(f"{u}.txt", ".txt", report_text(u, 2024, paragraphs=(f"2024年{u}{QUOTE}。",)).encode()) for u in units
        ]
        script(server, len(units))
        with_llm = finished(runner, runner.start(uploads, [], llm).key)
        plain = finished(runner, runner.start(uploads, []).key)
        runner.shutdown()
        assert len(server.chat_requests) == len(units)
    for rows, expected in ((with_llm, ["LLM003"]), (plain, [])):
        assert [row.record.llm for row in rows] == [bool(expected)] * len(units)
        for row in rows:
            review = row.record.review()
            assert [f.rule for f in review.findings if f.source == "llm"] == expected


def test_workers_share_the_llm_concurrency():
    assert llm_workers(8, None) == (8, None)
    cases = {(8, 4): (4, 1), (2, 4): (2, 2), (2, 5): (2, 2), (3, 1): (1, 1), (1, 6): (1, 6)}
    for (jobs, concurrency), (workers, each) in cases.items():
        got_workers, config = llm_workers(jobs, LLMConfig(base_url="http://x/v1", model="m", concurrency=concurrency))
        assert (got_workers, config.concurrency) == (workers, each)
        assert got_workers * config.concurrency <= concurrency


def test_choose_llm():
    configured = LLMConfig(base_url="http://x/v1", model="m")
    assert choose_llm(configured, False, False) is configured
    assert choose_llm(configured, True, False) is configured
    assert choose_llm(configured, False, True) is None
    assert choose_llm(LLMConfig(), False, False) is None
    with pytest.raises(ConfigError, match="未配置大模型"):
        choose_llm(LLMConfig(), True, False)


def test_cache_key_names_the_model_endpoint_and_prompts_never_the_key(monkeypatch):
    import reviewer.llm.prompt

    base = LLMConfig(base_url="http://gpu-1:8000/v1", model="qwen", api_key="sk-one")
    key = llm_digest(base)
    assert key != RULES_ONLY and llm_digest(None) == RULES_ONLY
    assert llm_digest(dataclasses.replace(base, model="deepseek-chat")) != key
    assert llm_digest(dataclasses.replace(base, base_url="http://gpu-2:8000/v1")) != key
    assert llm_digest(dataclasses.replace(base, token_budget=4000)) != key  # other chunks, other answers
    # How answers arrive does not change them.
    same = {"api_key": "sk-two", "concurrency": 16, "timeout": 5.0, "max_retries": 0, "base_url": "http://gpu-1:8000/v1/"}
    assert llm_digest(dataclasses.replace(base, **same)) == key
    assert "sk-one" not in key

    original = reviewer.llm.prompt.get_prompt
    bumped = lambda prompt_id: original(prompt_id).model_copy(update={"version": original(prompt_id).version + 1})  # noqa: E731
    monkeypatch.setattr(reviewer.llm.prompt, "get_prompt", bumped)
    assert llm_digest(base) != key
    assert llm_digest(None) == RULES_ONLY  # a prompt change keeps the rules-only results


def _write_answers(directory: str, writer: int, count: int, start, failures) -> None:
    """One process of the cache test: store ``count`` answers, reading one back after each."""
    start.wait()
    try:
        for n in range(count):
            cache = ResponseCache(Path(directory))  # the stage opens the cache once per document
            cache.put("extract_claims", 1, "test-model", f"{writer}-{n}", json.dumps({"claims": [], "n": n}))
            assert cache.get("extract_claims", 1, "test-model", f"{writer}-{n}") is not None
    except Exception as exc:  # noqa: BLE001 - reported to the test through the queue
        failures.put(f"{type(exc).__name__}: {exc}")


def test_llm_response_cache_takes_two_processes_writing_at_once(tmp_path):
    context = multiprocessing.get_context("spawn")
    start, failures = context.Event(), context.Queue()
    count = 300
    workers = [
        context.Process(target=_write_answers, args=(str(tmp_path), writer, count, start, failures)) for writer in range(2)
    ]
    for worker in workers:
        worker.start()
    start.set()  # both begin together, on a cache file that does not exist yet
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    problems = []
    while not failures.empty():
        problems.append(failures.get())
    assert problems == []
    cache = ResponseCache(tmp_path)
    assert all(cache.get("extract_claims", 1, "test-model", f"{w}-{n}") for w in range(2) for n in range(count))
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 2 * count
