"""Batch review: many reports reviewed in parallel, cached, compared with each other, with outputs and a summary.

The stages, in one direction:
1. collect the sources (files, folders, globs, zip members) and hash them;
2. look each up in the result store; review the rest in a bounded pool of
   worker processes (the rules are CPU-bound), storing each result as it
   arrives, so an interrupted batch resumes where it stopped; with the LLM
   stage on, the pool's processes share the configured request concurrency
   (see ``llm_workers``);
3. run the cross-document checks on all reports and drop baseline-dismissed
   findings;
4. render per-document outputs whose content changed, then summary.json and
   summary.xlsx.
A document that cannot be read, raises, kills its worker process or takes
longer than the time limit (its worker is then killed and replaced) is
recorded as failed with a one-line reason; the others are not affected.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichBar, SpinnerColumn, TextColumn, TimeElapsedColumn

from reviewer.baseline import Baseline, scope_of, suppress
from reviewer.config import LLMConfig
from reviewer.crosscheck import Features, features_of, run_crosschecks
from reviewer.document import Document
from reviewer.errors import InputError
from reviewer.finding import SEVERITY_ORDER, Finding, Review
from reviewer.inputs import Source, collect
from reviewer.pool import run_pool
from reviewer.rules import Settings
from reviewer.store import Entry, Store, build_key, file_digest, llm_digest, settings_digest

FORMATS = {"json": ".json", "html": ".html", "docx": ".docx", "markdown": ".md", "text": ".txt"}
DEFAULT_FORMATS = ("json", "html")  # plus docx for .docx inputs
OUTPUT_TAG = ".审阅"
CACHE_DIR = ".cache"
SUMMARY_JSON = "summary.json"
SUMMARY_XLSX = "summary.xlsx"
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_REASON_LIMIT = 300
DEFAULT_TIMEOUT = 300  # seconds per document; a parser stuck on a pathological file must not hold a worker forever
DEFAULT_LLM_TIMEOUT = 1800  # with the LLM stage: several requests of up to 120 s each, with retries


@dataclass
class BatchOptions:
    """What a batch runs: rule settings, output formats, parallelism, the baseline, the LLM endpoint and the time limit."""

    settings: Settings = field(default_factory=Settings)
    formats: tuple[str, ...] | None = None  # None: json + html, and docx for .docx inputs
    jobs: int = 1
    baseline: Baseline | None = None
    llm: LLMConfig | None = None  # the endpoint for the LLM stage; None: rules only
    timeout: float | None = None  # seconds one document's review may take; 0: no limit; None: the default

    @property
    def time_limit(self) -> float:
        """The per-document limit in force: the given one, else the default for rules-only or LLM runs."""
        if self.timeout is not None:
            return self.timeout
        return DEFAULT_TIMEOUT if self.llm is None else DEFAULT_LLM_TIMEOUT


@dataclass
class Outcome:
    """What happened to one source: its final review, or why it failed."""

    source: Source
    name: str  # base name of its output files
    status: str = "ok"  # ok | failed
    reason: str = ""
    review: Review | None = None
    features: Features | None = None
    cached: bool = False
    llm_incomplete: bool = False  # some LLM requests failed: not stored, a re-run asks again
    suppressed: int = 0
    outputs: list[str] = field(default_factory=list)
    key: str = ""
    document_json: str = ""  # when reviewed in this run; else read from the store on demand
    seconds: float = 0.0

    def fail(self, problem: str) -> None:
        """Mark the source failed, naming it and the problem on one line."""
        self.status = "failed"
        self.reason = f"{self.source.display}: {one_line(problem)}"
        self.review = None
        self.features = None


@dataclass
class BatchResult:
    """The outcome of every source plus what the run did."""

    outcomes: list[Outcome]
    build: str
    reviewed: int = 0  # reviewed in this run
    cached: int = 0  # taken from the store
    out: Path | None = None

    @property
    def failed(self) -> list[Outcome]:
        """The sources that could not be reviewed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def reviews(self) -> list[Review]:
        """The final reviews of the documents reviewed successfully."""
        return [o.review for o in self.outcomes if o.review is not None]

    def exit_code(self, fail_on: str) -> int:
        """2 when any source failed or none was found, 1 when a finding reaches ``fail_on`` (error/warning/never), else 0."""
        if self.failed or not self.outcomes:
            return 2
        if fail_on == "never":
            return 0
        limit = SEVERITY_ORDER[fail_on]
        return int(any(SEVERITY_ORDER[f.severity] <= limit for r in self.reviews for f in r.findings))


class Progress(Protocol):
    """Where the batch reports what it is doing."""

    def phase(self, description: str, total: int) -> None:
        """A new stage with ``total`` steps begins."""

    def advance(self, current: str, findings: int = 0) -> None:
        """One step finished (``current`` names the file; ``findings`` found in it)."""


class Silent:
    """A Progress that shows nothing."""

    def phase(self, description: str, total: int) -> None:
        """Ignore."""

    def advance(self, current: str, findings: int = 0) -> None:
        """Ignore."""


class Bar:
    """A rich progress bar (files done/total, findings so far, current file); hidden when not on a terminal."""

    def __init__(self, console: Console):
        """A bar drawn on ``console`` (use it as a context manager)."""
        self.bar = RichBar(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("问题 {task.fields[findings]}"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[current]}", style="dim"),
            console=console,
            disable=not console.is_terminal,
        )
        self.task: int | None = None
        self.findings = 0

    def __enter__(self) -> "Bar":
        """Start drawing."""
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop drawing."""
        self.bar.stop()

    def phase(self, description: str, total: int) -> None:
        """Add a bar for a new stage."""
        self.task = self.bar.add_task(description, total=total, findings=self.findings, current="")

    def advance(self, current: str, findings: int = 0) -> None:
        """Count one file done."""
        self.findings += findings
        name = current if len(current) <= 40 else "…" + current[-39:]
        if self.task is not None:
            self.bar.update(self.task, advance=1, findings=self.findings, current=name)


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
    return workers, llm.model_copy(update={"concurrency": llm.concurrency // workers})


def parse_formats(text: str) -> tuple[str, ...] | None:
    """``json,html,docx`` → a tuple of known formats; empty → None (the defaults). ValueError names a bad one."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise ValueError(f"未知的输出格式：{'、'.join(unknown)}（可选：{'、'.join(FORMATS)}）")
    return names or None


def record_baseline(result: BatchResult, baseline: Baseline, note: str, who: str = "") -> int:
    """Dismiss every finding of a batch not dismissed yet (earlier notes are kept); how many were added."""
    added = 0
    for review in result.reviews:
        scope = scope_of(review.document)
        for finding in review.findings:
            if not baseline.is_dismissed(finding, scope):
                baseline.dismiss(finding, scope, note, who)
                added += 1
    return added


def report_lines(result: BatchResult, notes: list[str] | tuple[str, ...] = ()) -> list[str]:
    """What the command line prints at the end: every failure, incomplete LLM reviews, ``notes``, then the totals."""
    if not result.outcomes:
        return ["没有找到可审阅的文件（支持 .docx .xlsx .pdf .txt .md 等，以及 .zip 压缩包）", *notes]
    lines = [f"失败：{o.reason}" for o in result.failed]
    incomplete = sum(o.llm_incomplete for o in result.outcomes)
    if incomplete:
        lines.append(f"有 {incomplete} 个文件的大模型请求失败，文字审阅不完整（原因见各文件审阅结果的说明）；这些结果未写入缓存，重新运行会再次请求")
    counts = {s: sum(r.summary[s] for r in result.reviews) for s in SEVERITY_ORDER}
    suppressed = sum(o.suppressed for o in result.outcomes)
    line = (
        f"共 {len(result.outcomes)} 个文件：新审阅 {result.reviewed}，使用缓存 {result.cached}，失败 {len(result.failed)}；"
        f"错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}"
    )
    if suppressed:
        line += f"；已按基线忽略 {suppressed} 个"
    if result.out is not None:
        line += f"。结果已写入 {result.out}"
    return [*lines, *notes, line]


def one_line(text: str) -> str:
    """A reason squeezed onto one line of bounded length."""
    text = " ".join(str(text).split())
    return text if len(text) <= _REASON_LIMIT else text[: _REASON_LIMIT - 1] + "…"


def _safe_name(name: str) -> str:
    """A file-name-safe base name (no separators, reserved or control characters)."""
    return _UNSAFE.sub("_", name).strip(". ")[:100] or "document"


def output_names(sources: list[Source]) -> list[str]:
    """A distinct base name per source: its stem; on a clash, folder_stem, then folder_stem-suffix, then a number."""
    paths = [PurePosixPath((s.name or s.display).replace("\\", "/")) for s in sources]
    names = [_safe_name(p.stem or p.name) for p in paths]
    for longer in (
        lambda p: "_".join(x for x in (p.parent.name, p.stem) if x),
        lambda p: "_".join(x for x in (p.parent.name, p.stem) if x) + p.suffix.replace(".", "-"),
    ):
        clashes = {n for n, count in Counter(names).items() if count > 1}
        names = [_safe_name(longer(p)) if n in clashes else n for n, p in zip(names, paths)]
    seen: dict[str, int] = {}
    unique = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        unique.append(n if seen[n] == 1 else f"{n}-{seen[n]}")
    return unique


# ---- worker side -------------------------------------------------------------


def review_job(file: str, display: str, suffix: str, settings: Settings, llm: LLMConfig | None = None) -> Entry:
    """Review one file in a worker (with the LLM stage when ``llm`` is given); every failure becomes a failed Entry with a one-line reason."""
    start = time.perf_counter()
    try:
        from reviewer.ingest import load_bytes
        from reviewer.pipeline import ReviewOptions, review_document

        document = load_bytes(Path(file).read_bytes(), display, suffix)
        review, report = review_document(document, ReviewOptions(settings=settings, llm=llm))
        features = features_of(report)
        if llm is not None:  # the stage (openai, langchain) is loaded only when it ran
            from reviewer.llm.stage import INCOMPLETE_NOTE
    except InputError as exc:
        return Entry("failed", exc.problem, seconds=time.perf_counter() - start)
    except OSError as exc:
        return Entry("failed", f"无法读取文件（{exc.strerror or exc}）", seconds=time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - any bug in one document must not stop the batch
        return Entry("failed", f"审阅时出错（{type(exc).__name__}: {exc}）", seconds=time.perf_counter() - start)
    return Entry(
        "ok",
        review=review.model_dump_json(),
        document=document.model_dump_json(),
        features=features.model_dump_json(),
        seconds=time.perf_counter() - start,
        complete=llm is None or not any(INCOMPLETE_NOTE in note for note in review.notes),
    )


def render_job(review_json: str, document_json: str, source: str | None, targets: list[tuple[str, str]]) -> str | None:
    """Write one document's output files; None on success, else the reason."""
    try:
        review = Review.model_validate_json(review_json)
        document = Document.model_validate_json(document_json)
        for fmt, target in targets:
            data = _render(fmt, review, document, source)
            if isinstance(data, str):
                Path(target).write_text(data, encoding="utf-8")
            else:
                Path(target).write_bytes(data)
    except Exception as exc:  # noqa: BLE001 - a renderer bug loses one document's outputs, not the batch
        return f"生成审阅结果文件失败（{type(exc).__name__}: {exc}）"
    return None


def _render(fmt: str, review: Review, document: Document, source: str | None) -> str | bytes:
    """One output of one document in a format of FORMATS."""
    if fmt == "json":
        from reviewer.render.json import render_json

        return render_json([review], single=True)
    if fmt == "html":
        from reviewer.render.html import render_html

        return render_html(review, document, None)
    if fmt == "docx":
        from reviewer.render.docx import render_docx

        original = Path(source).read_bytes() if source and document.format == "docx" else None
        return render_docx(review, document, original)
    if fmt == "markdown":
        from reviewer.render.markdown import render_markdown

        return render_markdown(review, document)
    from reviewer.render.text import render_plain

    return render_plain(review)


# ---- the batch ---------------------------------------------------------------


def _apply(outcome: Outcome, entry: Entry) -> None:
    """Take a (fresh or cached) result into an outcome, under this run's file name."""
    outcome.seconds = entry.seconds
    if entry.status != "ok":
        outcome.fail(entry.reason)
        return
    review = Review.model_validate_json(entry.review)
    review.document.path = outcome.source.display  # the same bytes may have been cached under another name
    features = Features.model_validate_json(entry.features)
    features.path = outcome.source.display
    outcome.review, outcome.features = review, features
    outcome.document_json = entry.document
    outcome.llm_incomplete = not entry.complete


def _formats(outcome: Outcome, formats: tuple[str, ...] | None) -> tuple[str, ...]:
    """The output formats of one document."""
    if formats is not None:
        return formats
    return DEFAULT_FORMATS + (("docx",) if outcome.source.suffix == ".docx" else ())


def _document(outcome: Outcome, store: Store | None) -> str:
    """The Document JSON of a reviewed outcome (from this run or the store)."""
    if not outcome.document_json and store is not None:
        outcome.document_json = store.document(outcome.key)
    return outcome.document_json


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def review_sources(
    sources: list[Source], options: BatchOptions, store: Store | None, progress: Progress,
    on_review: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    """Review sources (cached where possible), then cross-check them and apply the baseline.

    ``on_review`` gets each outcome reviewed in this run as soon as it is done
    (before the cross-checks), so a caller can keep it if the run is killed.
    """
    build = build_key()
    config = settings_digest(options.settings)
    llm = llm_digest(options.llm)
    outcomes = [Outcome(s, n) for s, n in zip(sources, output_names(sources))]
    result = BatchResult(outcomes, build)
    progress.phase("审阅", len(outcomes))
    todo: list[Outcome] = []
    for outcome in outcomes:
        source = outcome.source
        if source.problem or source.file is None:
            outcome.status, outcome.reason = "failed", source.problem or f"{source.display}: 无法读取"
            progress.advance(source.display)
            continue
        try:
            outcome.key = _digest(file_digest(source.file), build, config, llm)
        except OSError as exc:
            outcome.fail(f"无法读取文件（{exc.strerror or exc}）")
            progress.advance(source.display)
            continue
        entry = store.get(outcome.key) if store else None
        if entry is None:
            todo.append(outcome)
            continue
        _apply(outcome, entry)
        outcome.cached = True
        result.cached += 1
        progress.advance(source.display, len(outcome.review.findings) if outcome.review else 0)

    def done(index: int, entry: Entry) -> None:
        outcome = todo[index]
        if store and entry.complete:
            store.put(outcome.key, entry)
        _apply(outcome, entry)
        result.reviewed += 1
        if on_review is not None:
            on_review(outcome)
        progress.advance(outcome.source.display, len(outcome.review.findings) if outcome.review else 0)

    def crashed(index: int, exc: BaseException) -> None:
        outcome = todo[index]
        # Not stored: a crash may depend on the machine's state rather than on the file.
        outcome.fail(f"审阅进程意外退出（{type(exc).__name__}），可能是文件触发了解析库崩溃或内存不足")
        progress.advance(outcome.source.display)

    def timed_out(index: int) -> None:
        outcome = todo[index]
        # Not stored, like a crash: a re-run tries again (perhaps with a longer --timeout).
        outcome.fail(f"审阅超时（超过 {options.time_limit:g} 秒），可能是文件过大或格式异常")
        outcome.seconds = options.time_limit
        progress.advance(outcome.source.display)

    workers, worker_llm = llm_workers(options.jobs, options.llm)
    tasks = [(str(o.source.file), o.source.display, o.source.suffix, options.settings, worker_llm) for o in todo]
    run_pool(review_job, tasks, workers, done, crashed, timeout=options.time_limit or None, on_timeout=timed_out)

    ok = [o for o in outcomes if o.review is not None and o.features is not None]
    for outcome, extra in zip(ok, run_crosschecks([o.features for o in ok], options.settings)):
        if extra:
            merged = {f.id: f for f in [*outcome.review.findings, *extra]}
            outcome.review.findings = sorted(merged.values(), key=Finding.sort_key)
    if options.baseline is not None:
        for outcome in ok:
            before = len(outcome.review.findings)
            outcome.review = suppress(outcome.review, options.baseline)
            outcome.suppressed = before - len(outcome.review.findings)
    return result


def write_outputs(result: BatchResult, out: Path, options: BatchOptions, store: Store, progress: Progress) -> None:
    """Render the changed per-document outputs, then summary.json and summary.xlsx."""
    from reviewer.summary import render_summary_json, render_summary_xlsx

    pending: list[tuple[Outcome, str, list[tuple[str, str]]]] = []
    for outcome in result.outcomes:
        if outcome.review is None:
            continue
        formats = _formats(outcome, options.formats)
        files = [f"{outcome.name}{OUTPUT_TAG}{FORMATS[fmt]}" for fmt in formats]
        outcome.outputs = files
        digest = _digest(result.build, ",".join(formats), outcome.review.model_dump_json())
        if store.output_digest(outcome.name) == digest and all((out / f).exists() for f in files):
            continue
        pending.append((outcome, digest, [(fmt, str(out / f)) for fmt, f in zip(formats, files)]))
    if pending:
        progress.phase("生成结果", len(pending))

        def rendered(index: int, problem: str | None) -> None:
            outcome, digest, _ = pending[index]
            if problem:
                outcome.fail(problem)
                outcome.outputs = []
            else:
                store.set_output_digest(outcome.name, digest)
            progress.advance(outcome.source.display)

        def crashed(index: int, exc: BaseException) -> None:
            rendered(index, f"生成审阅结果文件时进程意外退出（{type(exc).__name__}）")

        tasks = [
            (o.review.model_dump_json(), _document(o, store), str(o.source.file), targets) for o, _, targets in pending
        ]
        run_pool(render_job, tasks, options.jobs, rendered, crashed)

    summary = render_summary_json(result)
    (out / SUMMARY_JSON).write_text(summary, encoding="utf-8")
    # The workbook is the slow part of an unchanged re-run: rewrite it only when a row changed.
    reviewed = [o for o in result.outcomes if o.review is not None]
    rows = (f"{o.source.display}|{o.status}|{o.reason}|{o.suppressed}|{','.join(o.outputs)}" for o in result.outcomes)
    digest = _digest(result.build, *rows, *(o.review.model_dump_json() for o in reviewed))
    if store.output_digest(SUMMARY_XLSX) != digest or not (out / SUMMARY_XLSX).exists():
        documents = [(o.review, Document.model_validate_json(_document(o, store))) for o in reviewed]
        (out / SUMMARY_XLSX).write_bytes(render_summary_xlsx(result, documents))
        store.set_output_digest(SUMMARY_XLSX, digest)


def run_batch(items: list[str], out: Path | None, options: BatchOptions, progress: Progress | None = None) -> BatchResult:
    """Review everything ``items`` name; with ``out``, cache results there and write outputs and summaries."""
    progress = progress or Silent()
    with ExitStack() as stack:
        if out is None:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="reviewer-")))
            store = None
        else:
            out.mkdir(parents=True, exist_ok=True)
            scratch = out / CACHE_DIR / "archives"
            store = Store(out / CACHE_DIR / "reviews.sqlite")
            stack.callback(store.close)
        sources = collect(items, scratch, skip=out)
        result = review_sources(sources, options, store, progress)
        result.out = out
        if out is not None and store is not None:
            write_outputs(result, out, options, store, progress)
        return result
