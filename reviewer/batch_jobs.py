"""A batch's documents in the worker processes: review one file and write its outputs at once, or write them again later.

A worker that reviewed a document still holds it, so it renders the
document's outputs right away and sends the parent only the cache entry, the
digest of what it wrote and what the summaries show of it (an Overview); the
parent never holds a document for longer than it takes to store it, and
parses none. Documents that the cross-document checks give more findings, or
cached ones whose outputs are out of date, are rendered again by
``render_stored``, which reads the document from the store itself.
The output files' names and formats are chosen here too.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from reviewer.baseline import Baseline, suppress
from reviewer.config import LLMConfig
from reviewer.crosscheck import Features
from reviewer.document import Document
from reviewer.errors import InputError
from reviewer.finding import Finding, Review
from reviewer.inputs import Source
from reviewer.jsonio import dump_json, load_json
from reviewer.pool import PRELOAD
from reviewer.rules import Settings
from reviewer.store import Entry, Store
from reviewer.summary import Row

if TYPE_CHECKING:  # the workbook module loads where rows are made (a worker) or written
    from reviewer.render.xlsx import ReviewRows

FORMATS = {"json": ".json", "html": ".html", "docx": ".docx", "markdown": ".md", "text": ".txt"}
# What a worker imports to read a file of each kind, or to write each output format beyond the
# html and json every batch writes: loaded once for all workers, before they are forked (see worker_modules).
_READERS = {
    ".docx": ["docx", "reviewer.ingest.docx"],
    ".xlsx": ["openpyxl.reader.excel", "openpyxl.worksheet._reader", "reviewer.ingest.xlsx"],
    ".xlsm": ["openpyxl.reader.excel", "openpyxl.worksheet._reader", "reviewer.ingest.xlsx"],
    ".pdf": ["pypdfium2", "pdfplumber.table", "reviewer.ingest.pdf"],
}
_TEXT_READER = ["reviewer.ingest.text"]
_WRITERS = {"docx": ["docx", "reviewer.render.docx"], "markdown": ["reviewer.render.markdown"], "text": ["reviewer.render.text"]}
DEFAULT_FORMATS = ("json", "html")  # plus docx for .docx inputs
OUTPUT_TAG = ".审阅"
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def digest(*parts: str) -> str:
    """SHA-256 of text parts (hex)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


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


def output_formats(source: Source, formats: tuple[str, ...] | None) -> tuple[str, ...]:
    """The output formats of one document: the chosen ones, else the defaults (docx too for a .docx input)."""
    if formats is not None:
        return formats
    return DEFAULT_FORMATS + (("docx",) if source.suffix == ".docx" else ())


def worker_modules(sources: list[Source], formats: tuple[str, ...] | None, read: bool = True) -> list[str]:
    """The modules a batch's workers run beyond pool.PRELOAD: the writers of the ``sources``' output formats and, when they ``read``, the readers of their kinds.

    Loaded once where workers are forked from instead of by every worker (a
    worker reading .docx, .xlsx and .pdf files imports about 0.8 s of
    libraries); kinds no source has are not loaded at all.
    """
    modules: dict[str, None] = {}
    for source in sources:
        if read:
            modules.update(dict.fromkeys(_READERS.get(source.suffix, _TEXT_READER)))
        for fmt in output_formats(source, formats):
            modules.update(dict.fromkeys(_WRITERS.get(fmt, [])))
    return [name for name in modules if name not in PRELOAD]


def output_files(name: str, formats: tuple[str, ...]) -> list[str]:
    """The output file names of the document whose base name is ``name``."""
    return [f"{name}{OUTPUT_TAG}{FORMATS[fmt]}" for fmt in formats]


def final_review(review_json: str, display: str, extra: list[Finding], baseline: Baseline | None) -> tuple[Review, int]:
    """A document's review as the batch shows it, and how many findings the baseline dropped.

    The review is named after this run's file (the same bytes may have been
    cached under another name), gets the cross-document ``extra`` findings
    and loses the baseline's dismissed ones.
    """
    return finalized(load_json(Review, review_json), display, extra, baseline)


def finalized(review: Review, display: str, extra: list[Finding], baseline: Baseline | None) -> tuple[Review, int]:
    """``final_review`` of a Review at hand (changed in place, or replaced when the baseline drops findings)."""
    review.document.path = display
    if extra:
        merged = {f.id: f for f in [*review.findings, *extra]}
        review.findings = sorted(merged.values(), key=Finding.sort_key)
    if baseline is None:
        return review, 0
    before = len(review.findings)
    review = suppress(review, baseline)
    return review, before - len(review.findings)


def output_digest(build: str, formats: tuple[str, ...], review: Review) -> str:
    """What a document's output files are rendered from: the reviewer build, the formats and the final review."""
    return digest(build, ",".join(formats), dump_json(review))


@dataclass
class Plan:
    """The outputs a worker writes after a review: formats with their target paths, the baseline, and what the files show now."""

    build: str
    formats: tuple[str, ...]
    targets: list[str]
    baseline: Baseline | None = None
    previous: str | None = None  # output_digest of the files on disk, if any


@dataclass
class Overview:
    """What the batch's summaries show of one document's final review: its summary row's description and its summary.xlsx rows.

    Made by the worker that holds the review and its Document, so that the
    parent parses neither.
    """

    row: Row  # described, with the baseline's count
    sheet: ReviewRows


def overview(review: Review, document: Document, suppressed: int) -> Overview:
    """The Overview of a final review of ``document`` from which the baseline dropped ``suppressed`` findings."""
    from reviewer.render.xlsx import review_rows

    row = Row(review.document.path)
    row.describe(review)
    row.suppressed = suppressed
    return Overview(row, review_rows(review, document))


@dataclass
class Done:
    """A worker's answer for one file: the cache entry, and the digest of the outputs written (or why they could not be)."""

    entry: Entry
    rendered: str | None = None
    problem: str | None = None  # writing the outputs failed
    findings: int = 0  # in the review as written (baseline applied, without the cross-document checks)
    features: Features | None = None  # the entry's features, read (the parent need not parse their JSON)
    overview: Overview | None = None  # of the review as written

    @property
    def failed(self) -> bool:
        """Whether the review or its outputs failed (the worker is then replaced)."""
        return self.entry.status != "ok" or self.problem is not None


@dataclass
class Rendered:
    """What ``render_stored`` wrote: the output_digest and Overview of the final review, or why it could not."""

    digest: str = ""
    overview: Overview | None = None
    problem: str | None = None


def review_job(
    file: str, display: str, suffix: str, settings: Settings, llm: LLMConfig | None = None, plan: Plan | None = None
) -> Done:
    """Review one file (with the LLM stage when ``llm`` is given) and, with a ``plan``, write its outputs.

    An unreadable or failing file becomes a failed Entry with a one-line
    reason. MemoryError is raised instead: it depends on the worker's limit,
    not only on the file, so the parent reports it without caching it.
    """
    from reviewer.pipeline import collector_paused

    if llm is not None:  # the LLM stage's clients and threads run for minutes: the collector keeps running
        return _job(file, display, suffix, settings, llm, plan)
    # Paused for the whole job, and resumed only once the document is freed: a collection right
    # after the review would walk all its objects (they are all young) to find no garbage.
    with collector_paused():
        return _job(file, display, suffix, settings, llm, plan)


def _job(file: str, display: str, suffix: str, settings: Settings, llm: LLMConfig | None, plan: Plan | None) -> Done:
    """``review_job``'s work."""
    start = time.perf_counter()
    try:
        entry, review, document, features = _review(file, display, suffix, settings, llm, start)
    except InputError as exc:
        return Done(Entry("failed", exc.problem, seconds=time.perf_counter() - start))
    except OSError as exc:
        return Done(Entry("failed", f"无法读取文件（{exc.strerror or exc}）", seconds=time.perf_counter() - start))
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any bug in one document must not stop the batch
        return Done(Entry("failed", f"审阅时出错（{type(exc).__name__}: {exc}）", seconds=time.perf_counter() - start))
    done = Done(entry, findings=len(review.findings), features=features)
    if plan is None:
        return done
    # The review itself, not its JSON read back: the entry's JSON is written already.
    review, suppressed = finalized(review, display, [], plan.baseline)
    done.findings = len(review.findings)
    done.rendered = output_digest(plan.build, plan.formats, review)
    done.overview = overview(review, document, suppressed)
    if done.rendered != plan.previous or not all(Path(t).exists() for t in plan.targets):
        done.problem = write_outputs(review, document, file, zip(plan.formats, plan.targets))
        if done.problem:
            done.rendered = None
    return done


def _review(
    file: str, display: str, suffix: str, settings: Settings, llm: LLMConfig | None, start: float
) -> tuple[Entry, Review, Document, Features]:
    """Ingest and review one file: the Entry with the JSON the store keeps, the review, the document and its features."""
    from reviewer.crosscheck import features_of
    from reviewer.ingest import load_bytes
    from reviewer.pipeline import ReviewOptions, review_document

    document = load_bytes(Path(file).read_bytes(), display, suffix)
    review, report = review_document(document, ReviewOptions(settings=settings, llm=llm))
    features = features_of(report)
    complete = True
    if llm is not None:  # the stage (openai, langchain) is loaded only when it ran
        from reviewer.llm.stage import INCOMPLETE_NOTE

        complete = not any(INCOMPLETE_NOTE in note for note in review.notes)
    entry = Entry(
        "ok",
        review=dump_json(review),
        document=dump_json(document),
        features=dump_json(features),
        seconds=time.perf_counter() - start,
        complete=complete,
    )
    return entry, review, document, features


def render_stored(
    store: str, key: str, display: str, extra: list[Finding], baseline: Baseline | None, source: str | None,
    outputs: list[tuple[str, str]], build: str,
) -> Rendered:
    """Write (format, target) outputs of a document from the store at ``store``, with ``final_review``'s changes.

    Returns their output_digest (of the reviewer ``build``) and the final review's Overview, or why they could not be written.
    """
    try:
        cache = Store(Path(store))
        try:
            entry = cache.get(key)
            document = load_json(Document, cache.document(key))
        finally:
            cache.close()
        review, suppressed = final_review(entry.review, display, extra, baseline)
        done = Rendered(output_digest(build, tuple(fmt for fmt, _ in outputs), review), overview(review, document, suppressed))
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken store entry loses one document's outputs, not the batch
        return Rendered(problem=f"生成审阅结果文件失败（{type(exc).__name__}: {exc}）")
    problem = write_outputs(review, document, source, outputs)
    return Rendered(problem=problem) if problem else done


def write_outputs(review: Review, document: Document, source: str | None, outputs) -> str | None:
    """Write (format, target) outputs of one document; None on success, else the reason."""
    try:
        for fmt, target in outputs:
            data = _render(fmt, review, document, source)
            if isinstance(data, str):
                Path(target).write_text(data, encoding="utf-8")
            else:
                Path(target).write_bytes(data)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a renderer bug loses one document's outputs, not the batch
        return f"生成审阅结果文件失败（{type(exc).__name__}: {exc}）"
    return None


def _render(fmt: str, review: Review, document: Document, source: str | None) -> str | bytes:
    """One output of one document in a format of FORMATS."""
    if fmt == "json":
        from reviewer.render.json import render_json

        return render_json([review], single=True, documents=[document])
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
