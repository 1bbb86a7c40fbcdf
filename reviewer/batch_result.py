"""What a batch produced: each source's Outcome, the BatchResult, and what the command line makes of them.

``reviewer.batch`` fills these; the command line and the web app read them
(``report_lines``) and record a batch's findings as the baseline
(``record_baseline``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reviewer.baseline import Baseline, scope_of
from reviewer.batch_jobs import Overview
from reviewer.crosscheck import Features
from reviewer.finding import SEVERITY_ORDER, Finding, Review
from reviewer.inputs import Skipped, Source, skipped_lines
from reviewer.store import Entry
from reviewer.summary import Row

_REASON_LIMIT = 300


@dataclass
class Outcome:
    """What happened to one source: its summary row and, while the batch runs, what its later stages need."""

    source: Source
    name: str  # base name of its output files
    row: Row
    key: str = ""
    features: Features | None = None  # until the cross-document checks ran
    extra: list[Finding] = field(default_factory=list)  # findings of the cross-document checks
    llm_incomplete: bool = False  # some LLM requests failed: not cached, a re-run asks again
    stored: bool = False  # its result is in the cache (else, with an output folder, in the run's scratch store)
    rendered: str | None = None  # output_digest of what its output files show
    overview: Overview | None = None  # what the summaries show of what its output files show, when a worker made it
    entry: Entry | None = None  # without an output folder: the result, until the final review is made
    review: Review | None = None  # without an output folder: the final review
    document_json: str = ""  # without an output folder: the reviewed Document

    @property
    def status(self) -> str:
        """ok | failed."""
        return self.row.status

    @property
    def reason(self) -> str:
        """Why it failed, naming the file, on one line ("" when it did not)."""
        return self.row.reason

    @property
    def outputs(self) -> list[str]:
        """The names of its output files."""
        return self.row.outputs

    def fail(self, problem: str) -> None:
        """Mark the source failed, naming it and the problem on one line."""
        self.row.fail(f"{self.source.display}: {one_line(problem)}")
        self.features = self.entry = self.review = None
        self.extra = []


@dataclass
class BatchResult:
    """The outcome of every source plus what the run did."""

    outcomes: list[Outcome]
    build: str
    reviewed: int = 0  # reviewed in this run
    cached: int = 0  # taken from the store
    out: Path | None = None
    skipped: list[Skipped] = field(default_factory=list)  # files found that are not reports

    @property
    def failed(self) -> list[Outcome]:
        """The sources that could not be reviewed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def reviews(self) -> list[Review]:
        """The final reviews, kept only by a batch without an output folder (one with a folder wrote them there)."""
        return [o.review for o in self.outcomes if o.review is not None]

    @property
    def rows(self) -> list[Row]:
        """The summary row of every source, in input order."""
        return [o.row for o in self.outcomes]

    def exit_code(self, fail_on: str) -> int:
        """2 when any source failed or none was found, 1 when a finding reaches ``fail_on`` (error/warning/never), else 0."""
        if self.failed or not self.outcomes:
            return 2
        if fail_on == "never":
            return 0
        limit = SEVERITY_ORDER[fail_on]
        return int(any(count for row in self.rows for s, count in row.counts.items() if SEVERITY_ORDER[s] <= limit))


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
    skipped = skipped_lines(result.skipped)
    if not result.outcomes:
        return [*skipped, "没有找到可审阅的文件（支持 .docx .xlsx .pdf .txt .md 等，以及 .zip 压缩包）", *notes]
    lines = [f"失败：{o.reason}" for o in result.failed] + skipped
    incomplete = sum(o.llm_incomplete for o in result.outcomes)
    if incomplete:
        lines.append(f"有 {incomplete} 个文件的大模型请求失败，文字审阅不完整（原因见各文件审阅结果的说明）；这些结果未写入缓存，重新运行会再次请求")
    counts = {s: sum(r.counts[s] for r in result.rows) for s in SEVERITY_ORDER}
    suppressed = sum(r.suppressed for r in result.rows)
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
