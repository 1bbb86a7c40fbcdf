"""Running reviews for the web app: one upload now, or a batch through reviewer.batch in a background thread."""

from __future__ import annotations

import logging
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from reviewer.batch import BatchOptions, default_jobs, review_sources
from reviewer.batch_result import Outcome, report_lines
from reviewer.config import LLMConfig
from reviewer.document import Document
from reviewer.extract import extract
from reviewer.finding import Review
from reviewer.ingest import load_bytes
from reviewer.inputs import Skipped, Source, skipped_lines
from reviewer.jsonio import load_json
from reviewer.pipeline import ReviewOptions, review_document
from reviewer.rules import Settings
from reviewer.summary import render_summary_xlsx
from reviewer.web.history import TRIMMED, History, TooLargeToKeep
from reviewer.web.store import BatchItem, BatchRecord, ReviewRecord, utcnow
from reviewer.web.uploads import REVIEW_SKIPPED, Upload

log = logging.getLogger("reviewer.web")
INTERRUPTED = "服务重启时该文件尚未审阅，请重新上传"
INTERNAL = "批量审阅中断（内部错误），请重新上传；日志中有详细原因"
STAGED_PREFIX = "batch-"  # staging folders under the work folder, one per running batch


def review_upload(upload: Upload, settings: Settings, llm: LLMConfig | None = None) -> tuple[Review, Document]:
    """Ingest and review one upload; with ``llm`` the LLM stage reads the narrative too. Raises InputError."""
    document = load_bytes(upload.data, upload.name, upload.suffix)
    review, _ = review_document(document, ReviewOptions(settings=settings, llm=llm))
    return review, document


def llm_preview(upload: Upload, llm: LLMConfig):
    """What the LLM stage would send for one upload (nothing is sent). Raises InputError."""
    from reviewer.llm.stage import run_llm_stage

    document = load_bytes(upload.data, upload.name, upload.suffix)
    return run_llm_stage(document, extract(document), llm, dry_run=True)


@dataclass
class BatchRow:
    """One file of a batch as its page lists it."""

    item: BatchItem
    record: ReviewRecord | None


class _Progress:
    """reviewer.batch's Progress, written to the batch's row so that the page can show it."""

    def __init__(self, sessions: sessionmaker, batch_id: int):
        """Count into the row of ``batch_id``."""
        self.sessions = sessions
        self.batch_id = batch_id

    def phase(self, description: str, total: int) -> None:
        """Only one phase runs without an output folder: nothing to record."""

    def advance(self, current: str, findings: int = 0) -> None:
        """One more file done."""
        with self.sessions.begin() as session:
            session.execute(
                update(BatchRecord).where(BatchRecord.id == self.batch_id).values(done=BatchRecord.done + 1)
            )

    def tick(self) -> None:
        """The page shows counts only: nothing moves between files."""


class BatchRunner:
    """Runs batches one at a time in a background thread, through reviewer.batch (worker processes, cross-checks)."""

    def __init__(self, sessions: sessionmaker, history: History, settings: Settings, work_dir: Path):
        """Write progress through ``sessions``, results into ``history``; files are staged under ``work_dir``."""
        self.sessions = sessions
        self.history = history
        self.settings = settings
        self.work_dir = work_dir
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reviewer-batch")
        self.staged: Path | None = None  # the running batch's staging folder, spared by purge_staged
        self._staging = threading.Lock()

    def start(
        self, uploads: list[Upload], refused: list[tuple[str, str]], llm: LLMConfig | None = None, skipped: Sequence[Skipped] = (),
    ) -> BatchRecord:
        """Create the batch (refused files listed with their reason) and queue it; with ``llm`` the LLM stage reads the narratives.

        ``skipped``: archive members that are not reports, named one line per kind in the summary.
        """
        with self.sessions.begin() as session:
            batch = BatchRecord(total=len(refused) + len(uploads), done=0)
            session.add(batch)
            session.flush()
            names = [name for name, _ in refused] + [u.name for u in uploads]
            items = [BatchItem(batch_id=batch.id, ordinal=n, name=name) for n, name in enumerate(names)]
            session.add_all(items)
            session.flush()
            item_ids = [item.id for item in items]
        self.pool.submit(self._guarded, batch.id, batch.key, item_ids, uploads, refused, llm, list(skipped))
        return batch

    def _guarded(
        self, batch_id: int, batch_key: str, item_ids: list[int], uploads: list[Upload], refused: list[tuple[str, str]],
        llm: LLMConfig | None, skipped: list[Skipped],
    ) -> None:
        """Run a batch; if the run itself fails, close the batch with a reason instead of leaving it open."""
        try:
            self._run(batch_id, batch_key, item_ids, uploads, refused, llm, skipped)
        except Exception:  # the thread has no caller: the log and the page are the only places to report it
            log.exception("batch %s failed", batch_id)
            self._close(batch_id, INTERNAL)

    def _run(
        self, batch_id: int, batch_key: str, item_ids: list[int], uploads: list[Upload], refused: list[tuple[str, str]],
        llm: LLMConfig | None, skipped: list[Skipped],
    ) -> None:
        """Stage the files under generated names, review them with reviewer.batch, store each review as it finishes."""
        uploaded: list[Upload | None] = [None] * len(refused) + list(uploads)
        sources = [Source(display=name, problem=reason) for name, reason in refused]
        stored: dict[int, int] = {}  # item id -> review row id, for the reviews kept as they finished
        unkept: dict[int, str] = {}  # item id -> why its review could not be stored (too large)
        folder = self.work_dir / f"{STAGED_PREFIX}{batch_key}"
        with self._staging:
            self.staged = folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for n, upload in enumerate(uploads):
                staged = folder / f"{n:05d}{upload.suffix}"
                staged.write_bytes(upload.data)
                sources.append(Source(display=upload.name, file=staged, suffix=upload.suffix))
            item_of = {id(source): (item_id, upload) for source, item_id, upload in zip(sources, item_ids, uploaded)}

            def keep(outcome: Outcome) -> None:
                """Store a finished review at once: a server stopped mid-batch keeps it."""
                item_id, upload = item_of[id(outcome.source)]
                if outcome.review is None or upload is None:
                    return
                document = load_json(Document, outcome.document_json)
                try:
                    record = self.history.add(upload, outcome.review, document, batch_id=batch_id, llm=llm is not None)
                except TooLargeToKeep as exc:
                    unkept[item_id] = str(exc)
                    return
                stored[item_id] = record.id
                with self.sessions.begin() as session:
                    session.execute(update(BatchItem).where(BatchItem.id == item_id).values(review_id=record.id))

            options = BatchOptions(settings=self.settings, jobs=default_jobs(), llm=llm)
            result = review_sources(sources, options, None, _Progress(self.sessions, batch_id), keep)
        finally:
            with self._staging:
                self.staged = None
            shutil.rmtree(folder, ignore_errors=True)
        with self.sessions() as session:  # a small history budget may have trimmed reviews stored early in the batch
            alive = set(session.scalars(select(ReviewRecord.id).where(ReviewRecord.id.in_(list(stored.values())))))
        documents = []
        for item_id, outcome, upload in zip(item_ids, result.outcomes, uploaded):
            review_id, error = stored.get(item_id), unkept.get(item_id) or outcome.reason or None
            if review_id is not None and review_id not in alive:
                review_id, error = None, TRIMMED
            if outcome.review is not None and upload is not None:
                document = load_json(Document, outcome.document_json)
                documents.append((outcome.review, document))
                if review_id is not None:  # the cross-checks between the batch's reports may have added findings
                    self.history.replace_review(review_id, outcome.review)
                elif error is None:  # an error here: reviewed but too large to keep; the summary still lists it
                    try:
                        review_id = self.history.add(upload, outcome.review, document, batch_id=batch_id, llm=llm is not None).id
                    except TooLargeToKeep as exc:
                        error = str(exc)
            with self.sessions.begin() as session:
                session.execute(update(BatchItem).where(BatchItem.id == item_id).values(review_id=review_id, error=error))
        with self.sessions.begin() as session:
            session.execute(
                update(BatchRecord)
                .where(BatchRecord.id == batch_id)
                .values(
                    finished_at=utcnow(),
                    done=BatchRecord.total,
                    summary="\n".join([*skipped_lines(skipped, REVIEW_SKIPPED), *report_lines(result)]),
                    summary_xlsx=render_summary_xlsx(result.rows, documents),
                )
            )

    def purge_staged(self) -> int:
        """Delete staged batch files no running batch uses (left by a stopped server); return how many folders."""
        removed = 0
        if not self.work_dir.is_dir():
            return 0
        with self._staging:
            for path in self.work_dir.iterdir():
                if path.is_dir() and path.name.startswith(STAGED_PREFIX) and path != self.staged:
                    shutil.rmtree(path, ignore_errors=True)
                    removed += 1
        return removed

    def _close(self, batch_id: int, reason: str) -> None:
        """Finish a batch that cannot go on: its unreviewed files get ``reason``."""
        with self.sessions.begin() as session:
            session.execute(
                update(BatchItem)
                .where(BatchItem.batch_id == batch_id, BatchItem.review_id.is_(None), BatchItem.error.is_(None))
                .values(error=reason)
            )
            session.execute(
                update(BatchRecord).where(BatchRecord.id == batch_id).values(done=BatchRecord.total, finished_at=utcnow())
            )

    def get(self, key: str) -> tuple[BatchRecord, list[BatchRow]] | None:
        """A batch and its files with their reviews."""
        with self.sessions() as session:
            batch = session.scalars(select(BatchRecord).where(BatchRecord.key == key)).first()
            if batch is None:
                return None
            items = session.scalars(select(BatchItem).where(BatchItem.batch_id == batch.id).order_by(BatchItem.ordinal)).all()
            rows = [BatchRow(item, session.get(ReviewRecord, item.review_id) if item.review_id else None) for item in items]
        return batch, rows

    def recover(self) -> None:
        """Close batches a previous server process left unfinished and delete their staged files.

        The reviews they finished were stored as they finished; only the
        files not reviewed yet are marked (their uploads were only in that
        process's memory).
        """
        self.purge_staged()
        with self.sessions() as session:
            open_ids = session.scalars(select(BatchRecord.id).where(BatchRecord.finished_at.is_(None))).all()
        for batch_id in open_ids:
            self._close(batch_id, INTERRUPTED)

    def shutdown(self) -> None:
        """Stop taking work and wait for the running batch."""
        self.pool.shutdown(wait=True, cancel_futures=True)
