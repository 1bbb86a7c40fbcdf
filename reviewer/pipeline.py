"""The review pipeline: ingest → extract → rules (→ llm → verify) → Review."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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


def review_document(document: Document, options: ReviewOptions | None = None) -> tuple[Review, Report]:
    """Review an already ingested document."""
    options = options or ReviewOptions()
    report = extract(document)
    review = Review(
        document=DocumentInfo(
            path=document.path,
            sha256=document.sha256,
            unit=report.unit,
            year=report.year,
            template=report.template,
            format=document.format,
        ),
        findings=run_rules(report, options.settings),
    )
    return review, report


def review_path(path: str | Path, options: ReviewOptions | None = None) -> tuple[Review, Document]:
    """Ingest and review one file (``-`` reads standard input)."""
    document = load(path)
    review, _ = review_document(document, options)
    return review, document
