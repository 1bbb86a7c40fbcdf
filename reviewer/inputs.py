"""The inputs of a batch: files, folders (recursive), glob patterns and .zip archives, as a list of sources."""

from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from reviewer.archive import extract_zip
from reviewer.errors import InputError

# What a folder scan picks up; a file named explicitly is always tried.
REVIEWABLE = {
    ".docx", ".docm", ".xlsx", ".xlsm", ".pdf", ".txt", ".text", ".tsv", ".md", ".markdown", ".csv",
    ".doc", ".wps", ".et", ".xls",
}
ARCHIVE = ".zip"
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class Source:
    """One document to review: the name shown to the user and the file to read, or why it cannot be read."""

    display: str  # the path as given, or "portal.zip!dept/report.docx" for an archive member
    file: Path | None = None
    problem: str | None = None  # full one-line reason when the source failed before review
    suffix: str = ""  # lower-case extension of the original name: it decides the reader
    name: str = ""  # the original file's path (inside the archive for a member): outputs are named after it


def reviewable(name: str) -> bool:
    """Whether a folder scan or an archive should pick up this file name."""
    base = Path(name).name
    return not base.startswith(("~$", ".")) and Path(base).suffix.lower() in REVIEWABLE


def _walk(folder: Path, skip: Path | None) -> list[Path]:
    """Reviewable files and archives under a folder, sorted, without hidden folders or ``skip``."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        root_path = Path(root)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (skip is None or (root_path / d).resolve() != skip)
        )
        for name in sorted(files):
            if reviewable(name) or (name.lower().endswith(ARCHIVE) and not name.startswith(".")):
                found.append(root_path / name)
    return found


def _archive(path: Path, scratch: Path) -> list[Source]:
    """The members of a zip as sources (refused members and broken archives as failed sources)."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    try:
        members = extract_zip(path, str(path), scratch / digest, reviewable)
    except InputError as exc:
        return [Source(str(path), problem=str(exc), name=str(path))]
    return [
        Source(
            f"{path}!{m.name}",
            file=m.file,
            problem=m.problem and f"{path}!{m.name}: {m.problem}",
            suffix=Path(m.name).suffix.lower(),
            name=m.name,
        )
        for m in members
    ]


def collect(items: list[str], scratch: Path, skip: Path | None = None) -> list[Source]:
    """Expand the command-line inputs into sources, in order, each file once.

    ``scratch`` receives extracted archive members; ``skip`` (the output
    folder) is never scanned, so a batch never reviews its own outputs.
    """
    skip = skip.resolve() if skip else None
    sources: list[Source] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = str(path.resolve())
        if key in seen:
            return
        seen.add(key)
        if path.suffix.lower() == ARCHIVE:
            sources.extend(_archive(path, scratch))
        else:
            sources.append(Source(str(path), file=path, suffix=path.suffix.lower(), name=str(path)))

    for item in items:
        path = Path(item)
        if path.is_dir():
            for found in _walk(path, skip):
                add(found)
        elif path.exists():
            add(path)
        elif _GLOB_CHARS & set(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                sources.append(Source(item, problem=f"{item}: 没有匹配的文件", name=item))
            for match in matches:
                m = Path(match)
                if m.is_dir():
                    for found in _walk(m, skip):
                        add(found)
                elif reviewable(match) or match.lower().endswith(ARCHIVE):
                    add(m)
        else:
            sources.append(Source(item, problem=f"{item}: 文件不存在", name=item))
    return sources
