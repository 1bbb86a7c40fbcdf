"""The review pipeline: ingest → extract → rules (→ llm → verify) → Review."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reviewer.config import LLMConfig
from reviewer.document import Document
from reviewer.extract import extract
from reviewer.finding import DocumentInfo, Review
from reviewer.ingest import load
from reviewer.report import Report
from reviewer.rules import Settings, run_rules


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


def review_document(document: Document, options: ReviewOptions | None = None) -> tuple[Review, Report]:
    """Review an already ingested document."""
    options = options or ReviewOptions()
    report = extract(document)
    findings = run_rules(report, options.settings)
    rejected, notes = [], []
    if options.llm is not None:
        from reviewer.llm.stage import run_llm_stage
        from reviewer.verify import merge_findings

        stage = run_llm_stage(document, report, options.llm)
        findings = merge_findings(findings, [f for f in stage.findings if options.settings.enabled(f.rule)])
        rejected, notes = stage.rejected, stage.notes
    review = Review(document=document_info(document, report), findings=findings, rejected=rejected, notes=notes)
    return review, report


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
