"""The inputs of a batch: files, folders (recursive), glob patterns and .zip archives, as a list of sources.

A folder, a glob or an archive may hold files that are not reports: the
samples' ``*.expected.txt`` listings of planted mistakes, a README, the
outputs of an earlier batch (its Word, Excel, text, markdown, HTML and JSON
results, the baseline). Those are recognised by their content (see
``not_a_report``) and skipped; files of formats no reader takes (pictures,
scripts) found by a folder scan or a glob are skipped too, and all are named
one line per kind. A file named on the command line is always reviewed.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from reviewer.archive import NOTHING_TO_REVIEW, extract_zip
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


@dataclass(frozen=True)
class Skipped:
    """A file a folder scan, glob or archive found that is not a report: its shown name and the kind (SKIP_KINDS)."""

    display: str
    kind: str


SKIP_KINDS = {
    "listing": "问题清单（每行以规则代码开头，如样例的 *.expected.txt）",
    "output": "以前的审阅结果（审阅意见 Word、问题清单或汇总 Excel、文字、Markdown、网页或 JSON 结果、基线文件）",
    "readme": "说明文件（README 等，无表格）",
    "text": "既无表格也无绩效报告用语的文本",
    "unsupported": "不能审阅的格式",
}
# How to review a file of a format no reader takes (skipped_lines' hint for the "unsupported" kind).
UNSUPPORTED_HINT = "可另存为 .docx、.xlsx、.pdf 或 .txt 后审阅"
SKIPPED_PREFIX = "已跳过 "  # how each line of skipped_lines starts
_TEXT_SUFFIXES = {".txt", ".text", ".tsv", ".md", ".markdown", ".csv"}
_HEAD_BYTES = 65_536  # what is read of a text file to judge it: a report shows tables or its words well before
_RULE_CODE = re.compile(r"^[A-Z]{2,8}\d{3}\b")
_OUR_TEXT = re.compile(r"^\S.*  错误 \d+，警告 \d+，提示 \d+")  # the first line of `review`'s text output
_OUR_MARKDOWN = "## 审阅结果："
_REPORT_WORDS = ("绩效", "自评", "预算", "决算", "资金", "指标", "得分", "执行")
_README = re.compile(r"^(readme|license|licence|changelog|authors|copying)\b", re.I)
# The page `review --format html` and a batch write (render.html), and its title before the generator mark was added.
_OUR_HTML = '<meta name="generator" content="reviewer"'
_OUR_HTML_TITLE = re.compile(
    r"<title>审阅结果 · [^<]*</title>\s*<style>\s*body \{ margin: 0; \}\s*/\* Styles of the highlighted review"
)
# JSON this tool writes, as it indents it: a review or a batch summary (schema_version first), a baseline.
_OUR_JSON = re.compile(
    r'^\ufeff?[\[\s]*\{\s*"schema_version":\s*\d+,'  # a review (or several) and a batch's summary.json
    r'|^\ufeff?\{\s*"version":\s*\d+,\s*"entries":\s*\[\s*(?:\]|\{\s*"fingerprint":)'  # a baseline
)
# Files a folder holds for the system or an editor, not the user: never named.
_SYSTEM_FILES = {"thumbs.db", "desktop.ini"}
# Sheets of the workbooks this tool writes: review --format xlsx, and a batch's summary.xlsx.
_OUR_SHEETS = ({"问题清单", "汇总"}, {"文件概况", "问题清单", "汇总"})
_COMMENT_AUTHOR = 'w:author="绩效审阅"'  # render.layout.AUTHOR, written on every comment of a reviewed copy


def _head_text(path: Path) -> str | None:
    """The first _HEAD_BYTES of a text file, decoded as the text reader would; None when it is not text."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(_HEAD_BYTES)
    except OSError:
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="ignore")
    for encoding in ("utf-8-sig", "gb18030"):
        for cut in range(4):  # the read may end inside a character
            try:
                text = data[: len(data) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            return None if "\x00" in text else text
    return None


def _has_table(lines: list[str]) -> bool:
    """Whether text holds table rows: a tab between or before cells, or a markdown pipe row."""
    return any("\t" in line or (line.lstrip().startswith("|") and line.count("|") >= 3) for line in lines)


def _text_kind(path: Path, name: str) -> str | None:
    text = _head_text(path)
    if text is None:
        return None  # not decodable: the reader will say why
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None  # an empty file: the review says it is empty
    coded = sum(1 for line in lines if _RULE_CODE.match(line.strip()))
    if coded >= max(1, 0.8 * len(lines)):
        return "listing"
    if _OUR_TEXT.match(lines[0]) or lines[0].startswith(_OUR_MARKDOWN):
        return "output"
    if _has_table(lines):
        return None
    if _README.match(Path(name).name):
        return "readme"
    if not any(word in text for word in _REPORT_WORDS):
        return "text"
    return None


def _office_kind(path: Path, suffix: str) -> str | None:
    """"output" for a .docx or .xlsx this tool wrote, else None (a broken file is left to the reader)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if suffix in (".docx", ".docm") and "word/comments.xml" in names:
                with archive.open("word/comments.xml") as comments:
                    if _COMMENT_AUTHOR.encode() in comments.read(_HEAD_BYTES):
                        return "output"
            if suffix in (".xlsx", ".xlsm") and "xl/workbook.xml" in names:
                with archive.open("xl/workbook.xml") as workbook:
                    sheets = set(re.findall(r'<sheet [^>]*name="([^"]*)"', workbook.read(_HEAD_BYTES).decode("utf-8", "ignore")))
                if sheets in _OUR_SHEETS:
                    return "output"
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError):
        return None
    return None


def _own_kind(path: Path, suffix: str) -> str | None:
    """"output" for a page, JSON result, summary or baseline this tool wrote (by the marks it writes), else None."""
    text = _head_text(path)
    if text is None:
        return None
    if suffix in (".html", ".htm"):
        return "output" if _OUR_HTML in text or _OUR_HTML_TITLE.search(text) else None
    if suffix == ".json":
        return "output" if _OUR_JSON.match(text) else None
    return None


def _is_config(path: Path) -> bool:
    """Whether a .toml file is this tool's configuration (only [rules], [llm], [web]): it is read, not skipped."""
    import tomllib

    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    return bool(data) and set(data) <= {"rules", "llm", "web"}


def not_a_report(path: Path, suffix: str | None = None, name: str | None = None) -> str | None:
    """The SKIP_KINDS key of a file that is not a report, judged by its content; None for anything that may be one.

    Text: a listing of rule codes, the text or markdown output of ``review``,
    or text with no table that is a README or has none of the words every
    report uses (绩效, 预算, 指标 …). Word and Excel: the reviewed copy with
    this tool's comments, the findings or summary workbook. A file that may
    be a report is never skipped. ``suffix`` and ``name`` are the original
    file's when ``path`` is a copy under another name (an archive member).
    Files of formats no reader takes are for :func:`unreadable_kind`.
    """
    suffix = (suffix or path.suffix).lower()
    if suffix in _TEXT_SUFFIXES:
        return _text_kind(path, name or path.name)
    if suffix in (".docx", ".docm", ".xlsx", ".xlsm"):
        return _office_kind(path, suffix)
    return None


def unreadable_kind(path: Path, name: str | None = None) -> str | None:
    """Why a folder scan passes over a file no reader takes: "output" (this tool's page, JSON result or
    baseline, by the marks it writes), "unsupported" (any other format), or None for a file never named:
    this tool's own reviewer.toml, and the system's or an editor's files (hidden, ~$ locks, Thumbs.db).
    ``name`` is the original file's when ``path`` is a copy under another name (an archive member)."""
    base = Path(name or path.name).name
    if base.startswith(("~$", ".")) or base.lower() in _SYSTEM_FILES:
        return None
    suffix = Path(base).suffix.lower()
    if suffix == ".toml" and _is_config(path):
        return None
    return _own_kind(path, suffix) or "unsupported"


def member_kind(file: Path | None, name: str) -> str | None:
    """What to do with an archive member (``file`` None when it could not be unpacked): None to review it,
    the SKIP_KINDS key to skip it with, or "" to pass over it without a word (a hidden or system file)."""
    if reviewable(name) or name.lower().endswith(ARCHIVE):
        return not_a_report(file, Path(name).suffix.lower(), name) if file is not None else None
    if file is None:  # a member no reader takes that could not even be unpacked
        base = Path(name).name
        return "" if base.startswith(("~$", ".")) or base.lower() in _SYSTEM_FILES else "unsupported"
    return unreadable_kind(file, name) or ""


def skipped_lines(skipped: list[Skipped], hint: str = "要审阅时直接写出文件名") -> list[str]:
    """One line per kind of skipped file: how many, what they are, the first of them, and ``hint`` (how to review one).

    Files of formats no reader takes are counted with their suffixes ("不能审阅的格式（.png、.py）")
    and the hint says to save them in a format that is read.
    """
    lines = []
    for kind, label in SKIP_KINDS.items():
        files = [s.display for s in skipped if s.kind == kind]
        if not files:
            continue
        which = f"，如 {files[0]}" if len(files) > 1 else f"：{files[0]}"
        if kind == "unsupported":
            suffixes = sorted({Path(f).suffix.lower() or "无扩展名" for f in files})
            shown = "、".join(suffixes[:6]) + ("等" if len(suffixes) > 6 else "")
            lines.append(f"{SKIPPED_PREFIX}{len(files)} 个{label}（{shown}）的文件{which}（{UNSUPPORTED_HINT}）")
        else:
            lines.append(f"{SKIPPED_PREFIX}{len(files)} 个{label}{which}（{hint}）")
    return lines


def reviewable(name: str) -> bool:
    """Whether a folder scan or an archive should pick up this file name."""
    base = Path(name).name
    return not base.startswith(("~$", ".")) and Path(base).suffix.lower() in REVIEWABLE


def _walk(folder: Path, skip: Path | None) -> list[Path]:
    """Every file under a folder, sorted, without hidden folders or ``skip``."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        root_path = Path(root)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (skip is None or (root_path / d).resolve() != skip)
        )
        found.extend(root_path / name for name in sorted(files))
    return found


def _archive(path: Path, scratch: Path, skipped: list[Skipped]) -> list[Source]:
    """The members of a zip as sources (refused members and broken archives as failed sources), non-reports to ``skipped``."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    try:
        members = extract_zip(path, str(path), scratch / digest, lambda name: True)
    except InputError as exc:
        return [Source(str(path), problem=str(exc), name=str(path))]
    if not any(reviewable(m.name) or m.name.lower().endswith(ARCHIVE) for m in members):
        return [Source(str(path), problem=str(InputError(str(path), NOTHING_TO_REVIEW)), name=str(path))]
    sources = []
    for m in members:
        display, suffix = f"{path}!{m.name}", Path(m.name).suffix.lower()
        kind = member_kind(m.file if not m.problem else None, m.name)
        if kind is not None:
            if kind:
                skipped.append(Skipped(display, kind))
        else:
            sources.append(Source(display, file=m.file, problem=m.problem and f"{display}: {m.problem}", suffix=suffix, name=m.name))
    return sources


def collect(items: list[str], scratch: Path, skip: Path | None = None, skipped: list[Skipped] | None = None) -> list[Source]:
    """Expand the command-line inputs into sources, in order, each file once.

    ``scratch`` receives extracted archive members; ``skip`` (the output
    folder) is never scanned, so a batch never reviews its own outputs.
    Files found by a folder scan, a glob or in an archive that are not
    reports (``not_a_report``), and files a scan or glob finds in formats no
    reader takes (``unreadable_kind``), are appended to ``skipped`` instead;
    a file named on the command line is always a source.
    """
    skip = skip.resolve() if skip else None
    skipped = [] if skipped is None else skipped
    sources: list[Source] = []
    seen: set[str] = set()

    passed: dict[str, Skipped] = {}  # skipped files by resolved path: naming one later still reviews it

    def add(path: Path, named: bool = False) -> None:
        key = str(path.resolve())
        if key in passed and named:
            skipped.remove(passed.pop(key))
            seen.discard(key)
        if key in seen:
            return
        seen.add(key)
        archive = path.suffix.lower() == ARCHIVE and not path.name.startswith(("~$", "."))
        if not named and not archive and not reviewable(path.name):
            if kind := unreadable_kind(path):
                passed[key] = Skipped(str(path), kind)
                skipped.append(passed[key])
            else:
                seen.discard(key)  # never named here, so naming it later still reviews it
            return
        if path.suffix.lower() == ARCHIVE:
            sources.extend(_archive(path, scratch, skipped))
        elif not named and (kind := not_a_report(path)):
            passed[key] = Skipped(str(path), kind)
            skipped.append(passed[key])
        else:
            sources.append(Source(str(path), file=path, suffix=path.suffix.lower(), name=str(path)))

    for item in items:
        path = Path(item)
        if path.is_dir():
            for found in _walk(path, skip):
                add(found)
        elif path.exists():
            add(path, named=True)
        elif _GLOB_CHARS & set(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                sources.append(Source(item, problem=f"{item}: 没有匹配的文件", name=item))
            for match in matches:
                m = Path(match)
                if m.is_dir():
                    for found in _walk(m, skip):
                        add(found)
                else:
                    add(m)
        else:
            sources.append(Source(item, problem=f"{item}: 文件不存在", name=item))
    return sources
