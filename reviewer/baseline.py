"""Dismissed findings: a JSON baseline file that keeps accepted findings from being reported again.

A finding is identified by its fingerprint: the rule, the message and the
location label, scoped to a document (its file name, or unit + year). It does
not depend on where the file lies on disk, so a baseline written on one
machine works on another; it changes as soon as the finding's text or place
changes, and the finding is then reported again. The table ordinal of a
place ("表3 第5行") is left out: a table added above does not bring back every
dismissed finding below it, and baselines written before places named their
table still match.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import re
from pathlib import Path, PurePath
from typing import Any

from reviewer.errors import ConfigError
from reviewer.finding import DocumentInfo, Finding, Review

BASELINE_FILE = "reviewer-baseline.json"
FORMAT_VERSION = 1


def _scope_name(document_path_or_unit: str) -> str:
    """The file name of a path (either separator), or the unit + year text unchanged."""
    return PurePath(document_path_or_unit.replace("\\", "/")).name if document_path_or_unit else ""


_TABLE_ORDINAL = re.compile(r"表\d+ (?=第\d+行)")


def fingerprint(finding: Finding, document_path_or_unit: str) -> str:
    """A stable id of a finding in a document: rule, message and location label, without folders or table ordinals."""
    place = _TABLE_ORDINAL.sub("", finding.location_label)
    text = "\x1f".join([_scope_name(document_path_or_unit), finding.rule, _TABLE_ORDINAL.sub("", finding.message), place])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def scope_of(document: DocumentInfo) -> str:
    """The scope the command line uses for a reviewed document: its file name."""
    return _scope_name(document.path)


class Baseline:
    """The dismissed findings of a baseline file."""

    def __init__(self, path: Path, entries: list[dict[str, Any]] | None = None):
        """A baseline stored at ``path`` holding ``entries``."""
        self.path = Path(path)
        self.entries: list[dict[str, Any]] = entries or []
        self._index = {e["fingerprint"]: e for e in self.entries}

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        """Read a baseline file; a missing file is an empty baseline, a broken one a ConfigError."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: 基线文件无法读取（{exc}）") from exc
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries):
            raise ConfigError(f"{path}: 基线文件格式错误（应为含 entries 列表的 JSON，每项有 fingerprint）")
        return cls(path, entries)

    def dismiss(self, finding: Finding, scope: str, note: str, who: str = "") -> None:
        """Record a finding as dismissed (again: the note, who and date are updated)."""
        entry = {
            "fingerprint": fingerprint(finding, scope),
            "rule": finding.rule,
            "message": finding.message,
            "location": finding.location_label,
            "note": note,
            "who": who,
            "date": datetime.date.today().isoformat(),
        }
        existing = self._index.get(entry["fingerprint"])
        if existing is not None:
            existing.update(entry)
            return
        self.entries.append(entry)
        self._index[entry["fingerprint"]] = entry

    def is_dismissed(self, finding: Finding, scope: str) -> bool:
        """True when the finding, in this document, was dismissed."""
        return fingerprint(finding, scope) in self._index

    def save(self) -> None:
        """Write the file atomically (a reader never sees half a file)."""
        from tempfile import mkstemp  # (and random) only for writing: a review only reads the file

        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"version": FORMAT_VERSION, "entries": self.entries}, ensure_ascii=False, indent=2) + "\n"
        fd, tmp = mkstemp(prefix=".baseline-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def suppress(review: Review, baseline: Baseline) -> Review:
    """The review without its dismissed findings, with a note saying how many were dropped."""
    scope = scope_of(review.document)
    kept = [f for f in review.findings if not baseline.is_dismissed(f, scope)]
    dropped = len(review.findings) - len(kept)
    if not dropped:
        return review
    note = f"已按基线文件 {baseline.path.name} 忽略 {dropped} 个已确认的问题"
    return dataclasses.replace(review, findings=kept, notes=[*review.notes, note])


def default_baseline_path(config_path: Path | None) -> Path:
    """reviewer-baseline.json next to the configuration file, else in the working directory."""
    return (config_path.parent if config_path else Path(".")) / BASELINE_FILE
