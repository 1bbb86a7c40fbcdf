"""The review pipeline: ingest → extract → rules (→ llm → verify) → Review."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.config import LLMConfig
from reviewer.document import Document
from reviewer.extract import extract
from reviewer.finding import DocumentInfo, Finding, Rejected, Review
from reviewer.ingest import load
from reviewer.report import Report
from reviewer.rules import Settings, run_rules

if TYPE_CHECKING:  # the stage loads the LLM libraries: only a review with a model imports it
    from reviewer.llm.stage import TokenCounts


@dataclass
class ReviewOptions:
    """What a review runs: rule settings and the LLM stage switch."""

    settings: Settings = field(default_factory=Settings)
    llm: LLMConfig | None = None  # the endpoint for the LLM stage; None: rules only


def document_info(document: Document, report: Report) -> DocumentInfo:
    """What a Review says about the reviewed document."""
    return DocumentInfo(
        path=document.path,
        sha256=document.sha256,
        unit=report.unit,
        year=report.year,
        template=report.template,
        format=document.format,
        coverage=report.coverage,
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (when it runs) for the block; reference counting still frees.

    Extraction and the rules build tens of thousands of objects that live
    until the review ends: the collector's full passes over them grow with
    the square of the document (38% of a 400-table review) and find no
    cycles. It resumes when the block ends, also on an error.
    """
    enabled = gc.isenabled()
    if enabled:  # only a caller that found it running may start it again (reviews in several threads)
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def review_document(document: Document, options: ReviewOptions | None = None) -> tuple[Review, Report]:
    """Review an already ingested document."""
    options = options or ReviewOptions()
    with collector_paused():
        report = extract(document)
        findings = run_rules(report, options.settings)
    rejected, notes = [], []
    if options.llm is not None:
        from reviewer.verify import merge_findings

        model = model_review(document, report, options.llm)
        findings = merge_findings(findings, [f for f in model.findings if options.settings.enabled(f.rule)])
        rejected, notes = model.rejected, model.notes
    review = Review(document=document_info(document, report), findings=findings, rejected=rejected, notes=notes)
    return review, report


@dataclass
class ModelReview:
    """What the model stage adds to a review once verified: findings, rejections, notes, token bill."""

    findings: list[Finding]
    rejected: list[Rejected]
    notes: list[str]
    token_counts: TokenCounts


def model_review(document: Document, report: Report, llm: LLMConfig) -> ModelReview:
    """Ask the model about the narrative, then keep only what reviewer.verify accepts."""
    from reviewer.llm.stage import run_llm_stage
    from reviewer.verify import verify

    stage = run_llm_stage(document, report, llm)
    checked = verify(document, report, stage.claims, stage.suspicions)
    notes = list(stage.notes)
    if stage.claims or stage.suspicions:
        notes.append(
            f"程序核对大模型的 {len(stage.claims) + len(stage.suspicions)} 条结果：核实 {checked.count('verified')} 条、"
            f"待人工复核 {checked.count('unverified')} 条、剔除 {checked.count('rejected')} 条"
        )
    return ModelReview(checked.findings, checked.rejected, notes, stage.token_counts)


def review_path(path: str | Path, options: ReviewOptions | None = None) -> tuple[Review, Document]:
    """Ingest and review one file (``-`` reads standard input)."""
    document = load(path)
    review, _ = review_document(document, options)
    return review, document


def llm_dry_run(path: str | Path, llm: LLMConfig) -> str:
    """What the LLM stage would send for one file, with token counts; sends nothing."""
    from reviewer.llm.stage import render_dry_run, run_llm_stage

    document = load(path)
    result = run_llm_stage(document, extract(document), llm, dry_run=True)
    return render_dry_run(result, str(path))


def verify_path(path: str | Path, candidates: Path) -> tuple[Review, Document]:
    """Verify another system's candidate findings (docs/llm.md) against one file."""
    from reviewer.verify import load_candidates_file, verify_candidates

    text = load_candidates_file(candidates)
    document = load(path)
    report = extract(document)
    findings, rejected = verify_candidates(document, report, text, name=str(candidates))
    return Review(document=document_info(document, report), findings=findings, rejected=rejected), document
