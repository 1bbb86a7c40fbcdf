"""Stored reviews and what reviewers decided about their findings; versions compared by fingerprint.

A dismissal is kept twice on purpose: in the database (who, note, when, for
this review) and in the baseline file shared with ``reviewer batch``, so that
the same finding stays dismissed in later versions and in batch runs.

The database is bounded: one review is kept only when its packed Review and
Document fit ``max_review_bytes``, and the oldest reviews are deleted once all
of them take more than ``max_total_bytes`` (``trim``).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from reviewer.baseline import Baseline, fingerprint, scope_of
from reviewer.document import Document
from reviewer.finding import DocumentInfo, Finding, Review
from reviewer.jsonio import dump_json, load_json
from reviewer.web.guard import megabytes
from reviewer.web.store import BatchItem, Disposition, ReviewRecord, pack, unpack, utcnow
from reviewer.web.uploads import PASTED_NAME, Upload, UploadStore

STATUS_LABELS = {"confirmed": "已确认", "dismissed": "已忽略", "": "待处理"}
OPEN = "open"  # stored status of a decision undone on a later version
INHERITED_LABELS = {"baseline": "（沿用基线）", "version": "（沿用上一版）", "": ""}
CHANGE_LABELS = {"new": "新增", "remaining": "仍存在", "": ""}
NOTE_LIMIT = 10000  # characters; the page refuses a longer note rather than cutting it
WHO_LIMIT = 100
TRIMMED = "该文件的审阅记录已因历史记录容量上限被删除，请重新上传"
_CHUNK = 500  # ids per IN (...) list, well under any database's limit on bound parameters


class TooLargeToKeep(Exception):
    """A review whose stored form passes the per-review limit: the message is the Chinese reason shown."""


@dataclass
class FindingView:
    """One finding as the result page shows it, with the reviewer's decision."""

    key: str  # element id of the finding in the html renderer's markup
    finding: Finding
    fingerprint: str
    status: str = ""  # "" | confirmed | dismissed
    note: str = ""
    who: str = ""
    inherited: str = ""  # "" decided on this review | "version" on an earlier version | "baseline" dismissed in the baseline
    change: str = ""  # "" | new | remaining, against the previous version

    @property
    def status_label(self) -> str:
        """The decision in Chinese, saying where an inherited one comes from."""
        return STATUS_LABELS[self.status] + INHERITED_LABELS[self.inherited]

    @property
    def note_rows(self) -> int:
        """Lines the note box opens with, so that a stored note shows whole (1 to 8; it scrolls beyond)."""
        lines = sum(len(line) // 30 + 1 for line in self.note.split("\n"))
        return max(1, min(8, lines))

    @property
    def change_label(self) -> str:
        """The change against the previous version in Chinese."""
        return CHANGE_LABELS[self.change]


@dataclass
class Comparison:
    """A review against the version it corrects: what was fixed, what remains, what is new."""

    parent: ReviewRecord
    fixed: list[Finding]
    remaining: list[Finding]
    new: list[Finding]
    scope: str = ""
    dismissed: set[str] = field(default_factory=set)  # fingerprints a reviewer dismissed, on either version

    def is_dismissed(self, finding: Finding) -> bool:
        """True when a reviewer dismissed this finding (on this version, an earlier one or in the baseline)."""
        return fingerprint(finding, self.scope) in self.dismissed


@dataclass
class ReportVersions:
    """One report in the history: its latest review and the earlier versions, newest first."""

    latest: ReviewRecord
    earlier: list[ReviewRecord]

    @property
    def version(self) -> int:
        """The latest version's number (1 for a report reviewed once)."""
        return len(self.earlier) + 1


def title_for(upload: Upload, info: DocumentInfo) -> str:
    """The name the history shows: the file name, or for unnamed pasted text its unit and year."""
    if upload.pasted and upload.name == PASTED_NAME and info.unit:
        return f"{info.unit}{f'{info.year}年度' if info.year else ''}（粘贴的文本）"
    return upload.name


def scope_for(upload: Upload, info: DocumentInfo) -> str:
    """The baseline scope of a new report: its file name, as the command line uses; pasted text: unit and year."""
    if not upload.pasted:
        return scope_of(info)
    if info.unit:
        return f"{info.unit}{info.year or ''}"
    return f"{upload.name}-{info.sha256[:12]}"


def compare(old: list[Finding], new: list[Finding], scope: str) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """Fixed (only in ``old``), remaining (in both) and new (only in ``new``), matched by fingerprint."""
    left = Counter(fingerprint(f, scope) for f in old)
    remaining, added = [], []
    for finding in new:
        fp = fingerprint(finding, scope)
        if left[fp] > 0:
            left[fp] -= 1
            remaining.append(finding)
        else:
            added.append(finding)
    fixed = []
    for finding in old:
        fp = fingerprint(finding, scope)
        if left[fp] > 0:
            left[fp] -= 1
            fixed.append(finding)
    return fixed, remaining, added


def decision_counts(views: list[FindingView]) -> dict[str, int]:
    """How many findings are confirmed, dismissed and still open."""
    out = {"confirmed": 0, "dismissed": 0, "open": 0}
    for view in views:
        out[view.status or "open"] += 1
    return out


class History:
    """Reviews, dispositions and the shared baseline."""

    def __init__(
        self, sessions: sessionmaker, uploads: UploadStore, baseline_path: Path, max_review_bytes: int = 0,
        max_total_bytes: int = 0,
    ):
        """Work on the database behind ``sessions``; dismissals also go to ``baseline_path``.

        ``max_review_bytes`` bounds one stored review, ``max_total_bytes`` all
        of them (packed bytes; 0: no bound).
        """
        self.sessions = sessions
        self.uploads = uploads
        self.baseline_path = baseline_path
        self.max_review_bytes = max_review_bytes
        self.max_total_bytes = max_total_bytes
        self._baseline_lock = threading.Lock()  # load-modify-save of one file
        self._trim_lock = threading.Lock()  # one trim at a time: two would count the same rows

    def add(
        self,
        upload: Upload,
        review: Review,
        document: Document,
        *,
        parent: ReviewRecord | None = None,
        batch_id: int | None = None,
        llm: bool = False,
    ) -> ReviewRecord:
        """Store a finished review (and the upload, for the retention period), then trim the oldest past the budget.

        Raises TooLargeToKeep when its packed form passes ``max_review_bytes``.
        """
        review_data, document_data = pack(dump_json(review)), pack(dump_json(document))
        size = len(review_data) + len(document_data)
        if self.max_review_bytes and size > self.max_review_bytes:
            raise TooLargeToKeep(
                f"「{upload.name}」的审阅结果压缩后 {megabytes(size)} MB，超过每份 {megabytes(self.max_review_bytes)} MB 的"
                "保存上限，未保存；请拆分报告后再上传，或用命令行 reviewer review 审阅"
            )
        counts = review.summary
        record = ReviewRecord(
            name=parent.name if parent else title_for(upload, review.document),  # a revision is the same report
            unit=review.document.unit,
            year=review.document.year,
            template=review.document.template,
            format=document.format,
            sha256=document.sha256,
            scope=parent.scope if parent else scope_for(upload, review.document),
            errors=counts["error"],
            warnings=counts["warning"],
            infos=counts["info"],
            llm=llm,
            parent_id=parent.id if parent else None,
            batch_id=batch_id,
            upload=self.uploads.save(upload.data),
            review_data=review_data,
            document_data=document_data,
            stored_bytes=size,
        )
        with self.sessions.begin() as session:
            session.add(record)
        self.trim()
        return record

    def trim(self) -> int:
        """Delete the oldest reviews until all take at most ``max_total_bytes`` (never the newest); return how many.

        Their decisions and kept uploads go with them; a later version of the
        same report loses its link to the deleted one, and a batch row that
        listed it says why it is gone.
        """
        if not self.max_total_bytes:
            return 0
        with self._trim_lock, self.sessions.begin() as session:
            total = session.scalar(select(func.coalesce(func.sum(ReviewRecord.stored_bytes), 0))) or 0
            if total <= self.max_total_bytes:
                return 0
            rows = session.execute(
                select(ReviewRecord.id, ReviewRecord.stored_bytes, ReviewRecord.upload)
                .order_by(ReviewRecord.created_at, ReviewRecord.id)
            ).all()
            doomed, uploads = [], []
            for row in rows[:-1]:
                if total <= self.max_total_bytes:
                    break
                doomed.append(row.id)
                uploads.append(row.upload)
                total -= row.stored_bytes
            for start in range(0, len(doomed), _CHUNK):
                ids = doomed[start : start + _CHUNK]
                session.execute(update(ReviewRecord).where(ReviewRecord.parent_id.in_(ids)).values(parent_id=None))
                session.execute(update(BatchItem).where(BatchItem.review_id.in_(ids)).values(review_id=None, error=TRIMMED))
                session.execute(delete(Disposition).where(Disposition.review_id.in_(ids)))
                session.execute(delete(ReviewRecord).where(ReviewRecord.id.in_(ids)))
        for name in uploads:
            self.uploads.remove(name)
        return len(doomed)

    def replace_review(self, review_id: int, review: Review) -> None:
        """Store a later state of a stored review (a batch's cross-checks add findings after it was stored)."""
        counts = review.summary
        review_data = pack(dump_json(review))
        with self.sessions.begin() as session:
            session.execute(
                update(ReviewRecord)
                .where(ReviewRecord.id == review_id)
                .values(
                    review_data=review_data,
                    stored_bytes=func.length(ReviewRecord.document_data) + len(review_data),
                    errors=counts["error"],
                    warnings=counts["warning"],
                    infos=counts["info"],
                )
            )

    def document(self, record: ReviewRecord) -> Document:
        """The stored Document of a review (its whole text: loaded only here)."""
        with self.sessions() as session:
            data = session.scalar(select(ReviewRecord.document_data).where(ReviewRecord.id == record.id))
        return load_json(Document, unpack(data))

    def get(self, key: str) -> ReviewRecord | None:
        """The review with public key ``key``."""
        with self.sessions() as session:
            return session.scalars(select(ReviewRecord).where(ReviewRecord.key == key)).first()

    def by_id(self, session: Session, review_id: int | None) -> ReviewRecord | None:
        """The review with row id ``review_id``."""
        return session.get(ReviewRecord, review_id) if review_id is not None else None

    def listing(self, query: str = "", limit: int = 50, offset: int = 0) -> tuple[list[ReportVersions], int]:
        """Reports newest first, each as its latest version with the earlier ones; optionally those whose name or unit contains ``query``; and the number of reports."""
        revised = select(ReviewRecord.parent_id).where(ReviewRecord.parent_id.is_not(None))
        where = [ReviewRecord.id.not_in(revised)]  # the latest version of each report
        if query:
            pattern = f"%{query}%"
            where.append(or_(ReviewRecord.name.like(pattern), ReviewRecord.unit.like(pattern)))
        with self.sessions() as session:
            total = session.scalar(select(func.count()).select_from(ReviewRecord).where(*where)) or 0
            latest = session.scalars(
                select(ReviewRecord).where(*where).order_by(ReviewRecord.created_at.desc(), ReviewRecord.id.desc())
                .limit(limit).offset(offset)
            ).all()
            out = []
            for record in latest:
                earlier = []
                current = self.by_id(session, record.parent_id)
                while current is not None:
                    earlier.append(current)
                    current = self.by_id(session, current.parent_id)
                out.append(ReportVersions(record, earlier))
        return out, total

    def version(self, record: ReviewRecord) -> int:
        """1 for a first review, n for the n-th corrected version."""
        number = 1
        with self.sessions() as session:
            current = record
            while current.parent_id is not None:  # parents are always older: the chain ends
                current = self.by_id(session, current.parent_id)
                number += 1
        return number

    def parent(self, record: ReviewRecord) -> ReviewRecord | None:
        """The version this review corrects."""
        with self.sessions() as session:
            return self.by_id(session, record.parent_id)

    def source_bytes(self, record: ReviewRecord) -> bytes | None:
        """The uploaded file, while it is still kept."""
        return self.uploads.read(record.upload)

    def comparison(self, record: ReviewRecord, review: Review) -> Comparison | None:
        """This review against its previous version, when it is a re-review."""
        parent = self.parent(record)
        if parent is None:
            return None
        parent_review = parent.review()
        fixed, remaining, new = compare(parent_review.findings, review.findings, record.scope)
        dismissed = {v.fingerprint for v in self.views(parent, parent_review) if v.status == "dismissed"}
        return Comparison(parent, fixed, remaining, new, record.scope, dismissed)

    def earlier_decisions(self, record: ReviewRecord) -> dict[str, Disposition]:
        """Decisions on the earlier versions of a report by fingerprint, the most recent version's winning."""
        chain: list[int] = []
        with self.sessions() as session:
            current = self.by_id(session, record.parent_id)
            while current is not None:
                chain.append(current.id)
                current = self.by_id(session, current.parent_id)
            if not chain:
                return {}
            rows = session.scalars(select(Disposition).where(Disposition.review_id.in_(chain))).all()
        rank = {review_id: n for n, review_id in enumerate(chain)}  # 0 = the version just before
        out: dict[str, Disposition] = {}
        for row in sorted(rows, key=lambda d: rank[d.review_id], reverse=True):
            out[row.fingerprint] = row
        return out

    def views(self, record: ReviewRecord, review: Review, comparison: Comparison | None = None) -> list[FindingView]:
        """The findings in display order (the html renderer's), each with its decision.

        A finding not decided on this review takes the decision (status,
        note and who) made on an earlier version of the same report, then a
        dismissal from the baseline.
        """
        with self.sessions() as session:
            stored = {
                d.finding_id: d
                for d in session.scalars(select(Disposition).where(Disposition.review_id == record.id))
            }
        earlier = self.earlier_decisions(record)
        baseline = self._baseline()
        remaining = {id(f) for f in comparison.remaining} if comparison else set()
        out = []
        for n, finding in enumerate(review.sorted_findings()):
            view = FindingView(key=f"rv-f{n + 1}", finding=finding, fingerprint=fingerprint(finding, record.scope))
            own = stored.get(finding.id)
            before = earlier.get(view.fingerprint)
            if own is not None:
                view.status, view.note, view.who = ("" if own.status == OPEN else own.status), own.note, own.who
            elif before is not None:
                view.status, view.note, view.who, view.inherited = before.status, before.note, before.who, "version"
            elif baseline.is_dismissed(finding, record.scope):
                view.status, view.inherited = "dismissed", "baseline"
            if comparison is not None:
                view.change = "remaining" if id(finding) in remaining else "new"
            out.append(view)
        return out

    def dispose(self, record: ReviewRecord, finding: Finding, action: str, note: str, who: str) -> None:
        """Record ``confirm``, ``dismiss`` or ``reset`` for one finding; a dismissal also goes to the baseline."""
        note, who = note.strip(), who.strip()[:WHO_LIMIT]
        fp = fingerprint(finding, record.scope)
        # Undoing a decision inherited from an earlier version is itself a decision: stored as "open".
        reopen = action == "reset" and fp in self.earlier_decisions(record)
        with self.sessions.begin() as session:
            session.execute(
                delete(Disposition).where(Disposition.review_id == record.id, Disposition.finding_id == finding.id)
            )
            if action in ("confirm", "dismiss") or reopen:
                session.add(
                    Disposition(
                        review_id=record.id,
                        finding_id=finding.id,
                        fingerprint=fp,
                        status={"confirm": "confirmed", "dismiss": "dismissed"}.get(action, OPEN),
                        note=note,
                        who=who,
                        updated_at=utcnow(),
                    )
                )
        with self._baseline_lock:
            baseline = Baseline.load(self.baseline_path)
            if action == "dismiss":
                baseline.dismiss(finding, record.scope, note, who=who)
                baseline.save()
            elif baseline.is_dismissed(finding, record.scope):
                # Confirmed or undone: the finding must be reported again, in batch runs too.
                Baseline(self.baseline_path, [e for e in baseline.entries if e["fingerprint"] != fp]).save()

    def _baseline(self) -> Baseline:
        """The baseline as it is on disk now (``reviewer batch`` may have changed it)."""
        with self._baseline_lock:
            return Baseline.load(self.baseline_path)
