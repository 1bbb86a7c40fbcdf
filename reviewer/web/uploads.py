"""Uploaded files: checked by content, stored under server-chosen names, unpacked from .zip, purged when old.

Nothing the user sends is used as a path: the client's file name is only a
display name (its last component, control characters removed) and its
suffix, which must agree with the bytes.
"""

from __future__ import annotations

import io
import re
import secrets
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reviewer.archive import extract_zip
from reviewer.errors import InputError
from reviewer.ingest.office import soffice
from reviewer.inputs import Skipped, member_kind

# How to review a file a batch skipped, in the app (skipped_lines' hint).
REVIEW_SKIPPED = "要审阅时单独上传该文件"

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_MAGIC = b"%PDF-"
# Binary signatures that must not arrive as a text file (what it then looks like).
BINARY_MAGICS = {
    ZIP_MAGIC: "压缩包或 Office 文档",
    OLE2_MAGIC: "旧版 Office 文档",
    PDF_MAGIC: "PDF 文件",
    b"\x89PNG": "图片",
    b"\xff\xd8\xff": "图片",
    b"GIF8": "图片",
    b"\x7fELF": "程序文件",
    b"MZ": "程序文件",
    b"Rar!": "RAR 压缩包",
    b"7z\xbc\xaf": "7z 压缩包",
}
PASTED_NAME = "粘贴的文本"
TEXT_SUFFIXES = {".txt", ".md", ".tsv", ".csv"}
OFFICE_SUFFIXES = {".doc", ".wps", ".xls", ".et"}
NAME_LIMIT = 120


class UploadRejected(Exception):
    """An upload refused before reading: the message is the Chinese reason shown on the page."""


@dataclass
class Upload:
    """A received file: display name, lower-case suffix and bytes."""

    name: str
    suffix: str
    data: bytes
    pasted: bool = False  # text typed or pasted into the page, not a file


def accepted_suffixes() -> list[str]:
    """Suffixes the app takes now (.doc/.wps only when LibreOffice is installed)."""
    base = [".docx", ".xlsx", ".pdf", ".txt", ".md"]
    return base + sorted(OFFICE_SUFFIXES) if soffice() else base


def display_name(raw: str | None, fallback: str = "未命名") -> str:
    """The last component of a client file name, without control characters, shortened."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > NAME_LIMIT:
        suffix = PurePosixPath(name).suffix[:16]
        name = name[: NAME_LIMIT - len(suffix) - 1] + "…" + suffix
    return name or fallback


def suffix_of(name: str) -> str:
    """The lower-case suffix of a display name."""
    return PurePosixPath(name).suffix.lower()


def check_content(upload: Upload) -> None:
    """Raise UploadRejected when the suffix is not accepted or the bytes are not what the suffix says."""
    data, suffix, name = upload.data, upload.suffix, upload.name
    if not data:
        raise UploadRejected(f"「{name}」是空文件")
    if suffix in {".docx", ".xlsx"}:
        if data[:8] == OLE2_MAGIC:
            return  # an encrypted or renamed legacy file: the reader explains which
        if not data.startswith(ZIP_MAGIC):
            raise UploadRejected(f"「{name}」不是有效的 {suffix} 文件（内容不是 Office 文档，可能只是改了扩展名）")
        part = "word/document.xml" if suffix == ".docx" else "xl/workbook.xml"
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise UploadRejected(f"「{name}」已损坏，无法打开（{suffix} 文件不完整）") from exc
        if part not in names:
            kind = "Word 文档" if suffix == ".docx" else "Excel 工作簿"
            raise UploadRejected(f"「{name}」不是{kind}（压缩包中没有 {part}）")
        return
    if suffix == ".pdf":
        if PDF_MAGIC not in data[:1024]:
            raise UploadRejected(f"「{name}」不是有效的 PDF 文件（缺少 %PDF 文件头）")
        return
    if suffix in OFFICE_SUFFIXES:
        if not soffice():
            raise UploadRejected(f"「{name}」：服务器未安装 LibreOffice，无法读取 {suffix}，请另存为 .docx 后上传")
        if not (data.startswith(OLE2_MAGIC) or data.startswith(ZIP_MAGIC)):
            raise UploadRejected(f"「{name}」不是有效的 {suffix} 文件（内容不是 Office/WPS 文档）")
        return
    if suffix in TEXT_SUFFIXES:
        for magic, kind in BINARY_MAGICS.items():
            if data.startswith(magic):
                raise UploadRejected(f"「{name}」内容是{kind}，不是文本文件，请检查扩展名")
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise UploadRejected(f"「{name}」内容不是文本（含有二进制数据），请检查扩展名")
        return
    shown = suffix or "（无扩展名）"
    raise UploadRejected(f"「{name}」的文件类型 {shown} 不受支持（支持 {' '.join(accepted_suffixes())}）")


def unpack_zip(upload: Upload, member_limit: int) -> tuple[list[Upload], list[tuple[str, str]], list[Skipped]]:
    """The report files inside a .zip, extracted by reviewer.archive's checks; the refused members with reasons;
    and the members that are not reports (listings, earlier outputs, READMEs, formats no reader takes:
    reviewer.inputs.member_kind), skipped as ``reviewer batch`` skips them."""
    found: list[Upload] = []
    refused: list[tuple[str, str]] = []
    skipped: list[Skipped] = []
    with tempfile.TemporaryDirectory(prefix="reviewer-web-") as tmp:
        archive = Path(tmp) / "upload.zip"
        archive.write_bytes(upload.data)
        try:
            members = extract_zip(archive, upload.name, Path(tmp) / "members", lambda name: True)
        except InputError as exc:
            raise UploadRejected(f"「{upload.name}」{exc.problem}") from exc
        for member in members:
            name = display_name(member.name)
            kind = member_kind(member.file, member.name)
            if kind is not None:
                if kind:
                    skipped.append(Skipped(name, kind))
            elif member.file is None:
                refused.append((name, f"「{name}」{member.problem}"))
            elif member.file.stat().st_size > member_limit:
                refused.append((name, f"「{name}」解压后超过 {member_limit / 2**20:g} MB 上限"))
            else:
                found.append(Upload(name=name, suffix=suffix_of(name), data=member.file.read_bytes()))
    return found, refused, skipped


class UploadStore:
    """Uploaded bytes on disk under random names, deleted after the retention period."""

    NAME = re.compile(r"^[0-9a-f]{32}$")

    def __init__(self, folder: Path, retention_hours: float):
        """Use ``folder`` (created when missing) and keep files ``retention_hours``."""
        self.folder = folder
        self.retention_seconds = retention_hours * 3600
        folder.mkdir(parents=True, exist_ok=True)

    def save(self, data: bytes) -> str | None:
        """Store bytes under a new random name and return it (None when nothing is kept); old files go first."""
        if self.retention_seconds <= 0:
            return None
        self.purge()
        name = secrets.token_hex(16)
        (self.folder / name).write_bytes(data)
        return name

    def read(self, name: str | None) -> bytes | None:
        """Bytes stored under ``name``, or None once purged (or when the name is not one of ours)."""
        if not name or not self.NAME.match(name):
            return None
        path = self.folder / name
        if not path.is_file() or self._expired(path, time.time()):
            return None
        return path.read_bytes()

    def remove(self, name: str | None) -> None:
        """Delete the file stored under ``name`` now (nothing when there is none)."""
        if name and self.NAME.match(name):
            (self.folder / name).unlink(missing_ok=True)

    def _expired(self, path: Path, now: float) -> bool:
        """True when the file is older than the retention period."""
        return now - path.stat().st_mtime >= self.retention_seconds

    def purge(self) -> int:
        """Delete files older than the retention period; return how many were deleted."""
        now = time.time()
        removed = 0
        for path in self.folder.iterdir():
            if path.is_file() and self.NAME.match(path.name) and self._expired(path, now):
                path.unlink(missing_ok=True)
                removed += 1
        return removed
