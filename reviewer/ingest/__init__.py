"""Ingestion: turn a file (or pasted text) into a Document, whatever its format.

Each reader has its own bounds (lines, pages, parts, characters); every
Document, whatever its format, also has at most ``MAX_CELLS`` table cells,
since the later stages cost some 8 KB and 1 ms per cell.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from reviewer.document import Document
from reviewer.errors import InputError
from reviewer.tables.vocabulary import is_total_label

TEXT_SUFFIXES = {".txt", ".text", ".tsv", ".md", ".markdown", ".csv", ""}
OFFICE_SUFFIXES = {".doc", ".wps", ".et", ".xls", ".dps"}
MAX_CELLS = 50_000  # table cells of one document; a department report with 50 project forms has some 20,000
TOO_MANY_CELLS = f"表格的单元格超过 {MAX_CELLS} 个的上限"


# Bookmarks that converters leave in the text ("[bookmark: _GoBack]" from Word-to-text tools,
# "[]{#_GoBack .anchor}" from pandoc): not part of what the author wrote. Bounded, so linear.
_RESIDUE = re.compile(r"\[bookmark: ?[^\]\n]{1,200}\]|\[\]\{#[^}\n]{1,200}\}")
# Full-width digits and number punctuation read as their half-width forms. One character for
# one, so offsets into the text stay valid; the Chinese punctuation （）：，、 is left as written.
_FULL_WIDTH_FIGURES = "０１２３４５６７８９．％"
_HALF_WIDTH = str.maketrans(_FULL_WIDTH_FIGURES, "0123456789.%")
_FULL_WIDTH = re.compile(f"[{_FULL_WIDTH_FIGURES}]")  # what _HALF_WIDTH changes, found before it is run


def strip_residue(text: str) -> str:
    """``text`` without converter residue such as ``[bookmark: _GoBack]`` (may shorten it)."""
    return _RESIDUE.sub("", text) if "[" in text else text


def half_width_numbers(text: str) -> str:
    """``text`` with full-width digits, ``．`` and ``％`` made half-width (same length: offsets stay valid)."""
    # translate() looks every character of a non-ASCII text up in the table (about 20 µs for a
    # sentence) and most text has no full-width figure: one search finds that ten times faster.
    return text.translate(_HALF_WIDTH) if _FULL_WIDTH.search(text) else text


def _half_width(document: Document) -> Document:
    """Full-width figures (９９．５、１２０．００) read like half-width ones in every paragraph and cell."""
    for block in document.blocks:
        if block.kind == "paragraph":
            block.text = half_width_numbers(block.text)
        else:
            for row in block.rows:
                for cell in row:
                    cell.text = half_width_numbers(cell.text)
    return document


def lone_total(text: str) -> bool:
    """Whether a line that is alone under a table's rows is its total row with blank figures.

    "总分（100分）", "合计": a total label and nothing more; "总分：97分" is a
    sentence that states the score, and stays text.
    """
    return is_total_label(text) and not any(mark in text for mark in ":：")


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of raw bytes (identifies a document in outputs and caches)."""
    return hashlib.sha256(data).hexdigest()


STDIN_NAME = "标准输入"  # how text read from standard input ("-") is named in findings and messages


def load(path: str | Path) -> Document:
    """Read any supported file into a Document; raise InputError with a clear reason."""
    p = Path(path)
    name = str(path)
    if name == "-":
        import sys

        data = sys.stdin.buffer.read()
        return load_bytes(data, STDIN_NAME, ".txt")
    if not p.exists():
        raise InputError(name, "文件不存在")
    if p.is_dir():
        raise InputError(name, "这是一个目录，请使用 reviewer batch 审阅整个目录")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"无法读取文件（{exc.strerror}）") from exc
    return load_bytes(data, name, p.suffix.lower())


def load_bytes(data: bytes, name: str, suffix: str) -> Document:
    """Read a document from bytes, choosing the reader by content and suffix; InputError when unusable or past a bound."""
    return _bounded(_read(data, name, suffix))


def _bounded(document: Document) -> Document:
    """``document``, or InputError when its tables have more than MAX_CELLS cells."""
    cells = sum(len(row) for table in document.tables for row in table.rows)
    if cells > MAX_CELLS:
        raise InputError(document.path, TOO_MANY_CELLS)
    return document


def _content_suffix(data: bytes, name: str, suffix: str) -> str:
    """The suffix of the format ``data`` is in, when its first bytes say so unambiguously, else ``suffix``.

    A Word package named .pdf, or a PDF named .docx, is read as what it is.
    InputError for a web page saved under a Word, Excel or PDF name (Word
    and WPS can save a report as HTML, and some people rename it).
    """
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            return suffix  # the reader of its suffix says it is broken
        for kind, part in _PACKAGE_PARTS.items():
            if part in names:
                return suffix if suffix in _PACKAGES[kind] else kind
        return suffix
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in _PACKAGES[".docx"] | _PACKAGES[".xlsx"] | {".pdf"} and head.startswith((b"<!doctype html", b"<html")):
        app, target = ("Excel 或 WPS", ".xlsx") if suffix in _PACKAGES[".xlsx"] else ("Word 或 WPS", ".docx")
        raise InputError(name, f"文件内容是网页（HTML），不是 {suffix} 文件：请用 {app} 打开后另存为 {target}")
    if suffix in _BINARY_SUFFIXES and _plain_text(data, head):
        # Not read as text: a short text under a binary name is a broken download as often as a report.
        kind = "PDF" if suffix == ".pdf" else suffix
        raise InputError(name, f"不是有效的 {kind} 文件（内容是纯文本：如是报告文字，请改为 .txt 文件后再审阅）")
    return suffix


_BINARY_SUFFIXES = {".docx", ".docm", ".xlsx", ".xlsm", ".pdf", *OFFICE_SUFFIXES}


def _plain_text(data: bytes, head: bytes) -> bool:
    """Whether ``data`` is plain text (UTF-8 or GB18030, no NUL), not markup (RTF, HTML, XML) that LibreOffice reads."""
    if b"\x00" in data[:65536] or head.startswith((b"{\\rtf", b"<")):
        return False
    from reviewer.ingest.text import decode

    try:
        decode(data, "")
    except InputError:
        return False
    return True


_PACKAGES = {".docx": {".docx", ".docm"}, ".xlsx": {".xlsx", ".xlsm"}}
_PACKAGE_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}  # the part that tells an Office package's kind


def _read(data: bytes, name: str, suffix: str) -> Document:
    """The reader's Document for ``data``, chosen by content and suffix."""
    if not data.strip():
        raise InputError(name, "文件为空")
    suffix = _content_suffix(data, name, suffix)
    digest = sha256_of(data)
    if suffix == ".docx" or (data[:2] == b"PK" and suffix in {".docx", ".docm"}):
        from reviewer.ingest.docx import read_docx

        return _half_width(read_docx(data, name, digest))
    if suffix in {".xlsx", ".xlsm"}:
        from reviewer.ingest.xlsx import read_xlsx

        return read_xlsx(data, name, digest)
    if suffix == ".pdf":
        from reviewer.ingest.pdf import read_pdf

        return _half_width(read_pdf(data, name, digest))
    if suffix in OFFICE_SUFFIXES:
        from reviewer.ingest.office import read_via_libreoffice

        return read_via_libreoffice(data, name, suffix)
    if suffix in TEXT_SUFFIXES:
        from reviewer.ingest.text import read_text_bytes

        return read_text_bytes(data, name, digest)
    raise InputError(name, f"不支持的文件类型 {suffix}（支持 .docx .xlsx .pdf .txt .md，以及安装 LibreOffice 后的 .doc .wps .et）")
