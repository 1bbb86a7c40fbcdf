"""Batch review: many reports reviewed in parallel, cached, compared with each other, with outputs and a summary.

The stages, in one direction:
1. collect the sources (files, folders, globs, zip members) and hash them;
2. look each up in the result store; review the rest in a bounded pool of
   worker processes (the rules are CPU-bound). With an output folder, each
   worker writes its document's outputs as soon as the review is done, and
   sends back only the result to cache (stored at once, so an interrupted
   batch resumes where it stopped) with what the summaries show of it; the
   parent keeps that (a summary row and the document's summary.xlsx rows)
   and the features the cross-document checks need. With the LLM stage on, the
   pool's processes share the configured request concurrency (see
   ``llm_workers``);
3. run the cross-document checks on all reports, drop baseline-dismissed
   findings, and write again the outputs that changed (reading the documents
   back from the store, one at a time);
4. write summary.json and summary.xlsx.
A document that cannot be read, raises, kills its worker process, exhausts
its worker's memory limit or takes longer than the time limit is recorded as
failed with a one-line reason, and its worker is replaced; the others are not
affected.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from reviewer.baseline import Baseline
from reviewer.batch_jobs import (
    FORMATS, Done, Plan, Rendered, digest, final_review, output_digest, output_files, output_formats, output_names, render_stored,
    review_job, worker_modules,
)
from reviewer.batch_result import BatchResult, Outcome
from reviewer.config import LLMConfig
from reviewer.crosscheck import Features, run_crosschecks
from reviewer.document import Document
from reviewer.finding import Review
from reviewer.inputs import Skipped, Source, collect
from reviewer.jsonio import load_json
from reviewer.pool import PRELOAD, WorkerDied, run_pool
from reviewer.progress import Progress, Silent
from reviewer.rules import Settings
from reviewer.store import Entry, Store, build_key, file_digest, llm_digest, settings_digest
from reviewer.summary import Row, render_summary_json, render_summary_sheets

if TYPE_CHECKING:  # the workbook writer loads when a workbook is written
    from reviewer.render.xlsx import ReviewRows

CACHE_DIR = ".cache"
SUMMARY_JSON = "summary.json"
SUMMARY_XLSX = "summary.xlsx"
DEFAULT_TIMEOUT = 300  # seconds per document; a parser stuck on a pathological file must not hold a worker forever
DEFAULT_LLM_TIMEOUT = 1800  # with the LLM stage: several requests of up to 120 s each, with retries
# MB of address space per worker: a worker needs about 160 (300 with the LLM stage's threads), a
# LibreOffice conversion it starts about 1000; a pathological file stops here instead of at the machine's end.
DEFAULT_MEMORY_MB = 2048


@dataclass
class BatchOptions:
    """What a batch runs: rule settings, output formats, parallelism, the baseline, the LLM endpoint and the limits per document."""

    settings: Settings = field(default_factory=Settings)
    formats: tuple[str, ...] | None = None  # None: json + html, and docx for .docx inputs
    jobs: int = 1
    baseline: Baseline | None = None
    llm: LLMConfig | None = None  # the endpoint for the LLM stage; None: rules only
    timeout: float | None = None  # seconds one document's review may take; 0: no limit; None: the default
    memory_limit: int | None = None  # MB of address space per worker process; 0: no limit; None: DEFAULT_MEMORY_MB

    @property
    def time_limit(self) -> float:
        """The per-document limit in force: the given one, else the default for rules-only or LLM runs."""
        if self.timeout is not None:
            return self.timeout
        return DEFAULT_TIMEOUT if self.llm is None else DEFAULT_LLM_TIMEOUT

    @property
    def memory_mb(self) -> int:
        """The per-worker memory limit in force (MB; 0: none)."""
        return DEFAULT_MEMORY_MB if self.memory_limit is None else self.memory_limit


def default_jobs() -> int:
    """Worker processes by default: the CPUs this process may use, at most 8."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(usable, 8))


def llm_workers(jobs: int, llm: LLMConfig | None) -> tuple[int, LLMConfig | None]:
    """Worker processes and the LLM config each one gets, so that all together keep at most ``llm.concurrency`` requests in flight.

    Every worker asks with ``concurrency // workers`` threads, so with the
    LLM on there are never more workers than the concurrency allows.
    """
    if llm is None:
        return jobs, None
    workers = max(1, min(jobs, llm.concurrency))
    return workers, dataclasses.replace(llm, concurrency=llm.concurrency // workers)


def parse_formats(text: str) -> tuple[str, ...] | None:
    """``json,html,docx`` → a tuple of known formats; empty → None (the defaults). ValueError names a bad one."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise ValueError(f"未知的输出格式：{'、'.join(unknown)}（可选：{'、'.join(FORMATS)}）")
    return names or None


# ---- the batch ---------------------------------------------------------------


@dataclass
class OutputFolder:
    """A batch's output folder and where it keeps results for the later stages: the cache, or the run's scratch store.

    Results that must not be reused (some LLM requests failed) go to the
    scratch store, which lives as long as the run.
    """

    path: Path
    cache: Store
    scratch: Store
    cache_path: Path
    scratch_path: Path

    def put(self, outcome: Outcome, entry: Entry) -> None:
        """Keep a fresh result: in the cache when it may be reused (failures too), else in the scratch store."""
        if entry.complete:
            self.cache.put(outcome.key, entry)
            outcome.stored = True
        elif entry.status == "ok":
            self.scratch.put(outcome.key, entry)

    def store(self, outcome: Outcome) -> tuple[Store, Path]:
        """The store holding an outcome's result, and its file."""
        return (self.cache, self.cache_path) if outcome.stored else (self.scratch, self.scratch_path)


def _take(outcome: Outcome, entry: Entry, keep: bool, features: Features | None = None) -> None:
    """Take a (fresh or cached) result into an outcome: its features (read from the entry unless given) for the cross-document checks, or why it failed."""
    outcome.row.seconds = entry.seconds
    if entry.status != "ok":
        outcome.fail(entry.reason)
        return
    features = features or load_json(Features, entry.features)
    features.path = outcome.source.display  # the same bytes may have been cached under another name
    outcome.features = features
    outcome.llm_incomplete = not entry.complete
    if keep:
        outcome.entry = entry


def _crash_reason(exc: BaseException, options: BatchOptions) -> str:
    """One line for a review that raised past its own error handling or killed its worker."""
    if isinstance(exc, MemoryError):
        return f"内存不足：审阅进程超过内存上限 {options.memory_mb} MB（可用 --memory-limit 调整），可能是文件过大或格式异常"
    if isinstance(exc, WorkerDied):
        if exc.exitcode is not None and exc.exitcode < 0:
            how = f"被信号 {signal.Signals(-exc.exitcode).name} 终止"
        else:
            how = f"退出码 {exc.exitcode}"
        return f"审阅进程意外退出（{how}），可能是文件触发了解析库崩溃或内存不足"
    return f"审阅时出错（{type(exc).__name__}: {exc}）"


def review_sources(
    sources: list[Source], options: BatchOptions, folder: OutputFolder | None, progress: Progress,
    on_review: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    """Review sources (cached where possible), then cross-check them and apply the baseline.

    ``on_review`` (without an output folder) gets each outcome reviewed in this
    run as soon as it is done, with its review before the cross-checks, so a
    caller can keep it if the run is killed.

    Without an output ``folder`` the outcomes keep their final reviews and
    documents (for callers that store them elsewhere); with one, each worker
    writes its outputs there, results are cached, and the outcomes keep
    summary rows only (``write_outputs`` finishes them).
    """
    build = build_key()
    config = settings_digest(options.settings)
    llm = llm_digest(options.llm)
    outcomes = [Outcome(s, n, Row(s.display)) for s, n in zip(sources, output_names(sources))]
    result = BatchResult(outcomes, build)
    progress.phase("审阅", len(outcomes))
    todo: list[Outcome] = []
    for outcome in outcomes:
        source = outcome.source
        if source.problem or source.file is None:
            outcome.row.fail(source.problem or f"{source.display}: 无法读取")
            progress.advance(source.display)
            continue
        try:
            outcome.key = digest(file_digest(source.file), build, config, llm)
        except OSError as exc:
            outcome.fail(f"无法读取文件（{exc.strerror or exc}）")
            progress.advance(source.display)
            continue
        entry = folder.cache.get(outcome.key) if folder else None
        if entry is None:
            todo.append(outcome)
            continue
        _take(outcome, entry, keep=folder is None)
        outcome.stored = outcome.row.cached = True
        outcome.rendered = folder.cache.output_digest(outcome.name) if folder else None
        result.cached += 1
        progress.advance(source.display)

    def done(index: int, answer: Done) -> None:
        outcome = todo[index]
        if folder is not None:
            folder.put(outcome, answer.entry)
        _take(outcome, answer.entry, keep=folder is None, features=answer.features)
        if answer.problem:
            outcome.fail(answer.problem)
        elif answer.rendered and folder is not None:
            outcome.rendered, outcome.overview = answer.rendered, answer.overview
            folder.cache.set_output_digest(outcome.name, answer.rendered)
        result.reviewed += 1
        if on_review is not None and outcome.entry is not None:
            outcome.review = load_json(Review, outcome.entry.review)
            outcome.document_json = outcome.entry.document
            on_review(outcome)
        progress.advance(outcome.source.display, answer.findings)

    def crashed(index: int, exc: BaseException) -> None:
        # Not stored: a crash may depend on the machine's state rather than on the file.
        todo[index].fail(_crash_reason(exc, options))
        progress.advance(todo[index].source.display)

    def timed_out(index: int) -> None:
        outcome = todo[index]
        # Not stored, like a crash: a re-run tries again (perhaps with a longer --timeout).
        outcome.fail(f"审阅超时（超过 {options.time_limit:g} 秒），可能是文件过大或格式异常")
        outcome.row.seconds = options.time_limit
        progress.advance(outcome.source.display)

    workers, worker_llm = llm_workers(options.jobs, options.llm)
    tasks = [
        (str(o.source.file), o.source.display, o.source.suffix, options.settings, worker_llm, _plan(o, options, build, folder))
        for o in todo
    ]
    run_pool(
        review_job, tasks, workers, done, crashed, timeout=options.time_limit or None, on_timeout=timed_out,
        memory_limit=options.memory_mb * 2**20 or None, failed=lambda answer: answer.failed,
        preload=[*PRELOAD, *worker_modules([o.source for o in todo], options.formats)], on_wait=progress.tick,
    )

    ok = [o for o in outcomes if o.features is not None]
    for outcome, extra in zip(ok, run_crosschecks([o.features for o in ok], options.settings)):
        outcome.extra = extra
    for outcome in ok:
        outcome.features = None  # compared: no longer needed
        if outcome.entry is not None:
            review, outcome.row.suppressed = final_review(outcome.entry.review, outcome.source.display, outcome.extra, options.baseline)
            outcome.row.describe(review)
            outcome.review, outcome.document_json, outcome.entry = review, outcome.entry.document, None
    return result


def _plan(outcome: Outcome, options: BatchOptions, build: str, folder: OutputFolder | None) -> Plan | None:
    """What the worker reviewing ``outcome`` writes right after the review (None without an output folder)."""
    if folder is None:
        return None
    formats = output_formats(outcome.source, options.formats)
    targets = [str(folder.path / f) for f in output_files(outcome.name, formats)]
    return Plan(build, formats, targets, options.baseline, folder.cache.output_digest(outcome.name))


def write_outputs(result: BatchResult, folder: OutputFolder, options: BatchOptions, progress: Progress) -> None:
    """Describe every reviewed document's row from its final review, write the outputs that changed, then summary.json and summary.xlsx.

    A document reviewed in this run to which the cross-document checks
    added nothing was written by its worker already: its row comes from the
    worker's Overview, and nothing of it is read again.
    """
    pending: list[tuple[Outcome, tuple]] = []
    for outcome in result.outcomes:
        if outcome.status != "ok":
            continue
        formats = output_formats(outcome.source, options.formats)
        files = output_files(outcome.name, formats)
        outcome.row.outputs = files
        if outcome.overview is not None:  # reviewed in this run: its worker wrote the review without the cross-document findings
            if not outcome.extra:
                outcome.row.take(outcome.overview.row)
                continue
            outcome.overview = outcome.rendered = None  # with them, written again below
        else:
            wanted = output_digest(result.build, formats, _final(outcome, folder, options))
            if outcome.rendered == wanted and all((folder.path / f).exists() for f in files):
                continue
        _, path = folder.store(outcome)
        task = (str(path), outcome.key, outcome.source.display, outcome.extra, options.baseline, str(outcome.source.file),
                [(fmt, str(folder.path / f)) for fmt, f in zip(formats, files)], result.build)
        pending.append((outcome, task))
    if pending:
        progress.phase("生成结果", len(pending))

        def rendered(index: int, answer: Rendered) -> None:
            outcome, _ = pending[index]
            if answer.problem:
                outcome.fail(answer.problem)
            else:
                outcome.rendered, outcome.overview = answer.digest, answer.overview
                outcome.row.take(answer.overview.row)
                folder.cache.set_output_digest(outcome.name, answer.digest)
            progress.advance(outcome.source.display)

        def crashed(index: int, exc: BaseException) -> None:
            rendered(index, Rendered(problem=f"生成审阅结果文件失败：{_crash_reason(exc, options)}"))

        run_pool(
            render_stored, [task for _, task in pending], options.jobs, rendered, crashed,
            memory_limit=options.memory_mb * 2**20 or None, failed=lambda answer: answer.problem is not None,
            preload=[*PRELOAD, *worker_modules([o.source for o, _ in pending], options.formats, read=False)],
            on_wait=progress.tick,
        )
    finals = [o.rendered or "" for o in result.outcomes if o.status == "ok"]  # summary.xlsx changes with what they show

    summary = render_summary_json(result.rows, result.build, result.reviewed, result.cached)
    (folder.path / SUMMARY_JSON).write_text(summary, encoding="utf-8")
    # The workbook is the slow part of an unchanged re-run: rewrite it only when a row changed.
    rows = (f"{o.source.display}|{o.status}|{o.reason}|{o.row.suppressed}|{','.join(o.outputs)}" for o in result.outcomes)
    wanted = digest(result.build, *rows, *finals)
    if folder.cache.output_digest(SUMMARY_XLSX) != wanted or not (folder.path / SUMMARY_XLSX).exists():
        reviewed = [o for o in result.outcomes if o.status == "ok"]
        (folder.path / SUMMARY_XLSX).write_bytes(render_summary_sheets(result.rows, _sheets(reviewed, folder, options)))
        folder.cache.set_output_digest(SUMMARY_XLSX, wanted)
    for outcome in result.outcomes:
        outcome.overview = None  # written: the result keeps the rows only


def _final(outcome: Outcome, folder: OutputFolder, options: BatchOptions) -> Review:
    """An outcome's final review read back from its store; its row is described from it."""
    store, _ = folder.store(outcome)
    entry = store.get(outcome.key)
    review, outcome.row.suppressed = final_review(entry.review, outcome.source.display, outcome.extra, options.baseline)
    outcome.row.describe(review)
    return review


class _StoredDocument:
    """A stored Document, read on first use: summary.xlsx takes one document at a time, and some of its passes none."""

    def __init__(self, store: Store, key: str):
        """The document of ``key`` in ``store``."""
        self._store, self._key, self._document = store, key, None

    def __getattr__(self, name: str):
        if self._document is None:
            self._document = load_json(Document, self._store.document(self._key))
        return getattr(self._document, name)


def _sheets(outcomes: list[Outcome], folder: OutputFolder, options: BatchOptions) -> Iterator[ReviewRows]:
    """The summary.xlsx rows of reviewed ``outcomes``: a worker's, else made from the stores one document at a time, never all at once."""
    from reviewer.render.xlsx import review_rows

    for outcome in outcomes:
        if outcome.overview is not None:
            yield outcome.overview.sheet
            continue
        store, _ = folder.store(outcome)
        review, _ = final_review(store.get(outcome.key).review, outcome.source.display, outcome.extra, options.baseline)
        yield review_rows(review, _StoredDocument(store, outcome.key))


def run_batch(items: list[str], out: Path | None, options: BatchOptions, progress: Progress | None = None) -> BatchResult:
    """Review everything ``items`` name; with ``out``, cache results there and write outputs and summaries."""
    progress = progress or Silent()
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="reviewer-")))
        skipped: list[Skipped] = []
        if out is None:
            sources = collect(items, scratch, skip=None, skipped=skipped)
            result = review_sources(sources, options, None, progress)
            result.skipped = skipped
            return result
        out.mkdir(parents=True, exist_ok=True)
        cache_path, scratch_path = out / CACHE_DIR / "reviews.sqlite", scratch / "incomplete.sqlite"
        folder = OutputFolder(out, Store(cache_path), Store(scratch_path), cache_path, scratch_path)
        stack.callback(folder.cache.close)
        stack.callback(folder.scratch.close)
        sources = collect(items, out / CACHE_DIR / "archives", skip=out, skipped=skipped)
        result = review_sources(sources, options, folder, progress)
        result.out, result.skipped = out, skipped
        write_outputs(result, folder, options, progress)
        return result
