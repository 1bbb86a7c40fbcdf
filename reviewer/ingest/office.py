"""Read legacy office files (.doc .wps .et .xls) by converting them with LibreOffice, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from reviewer.document import Document
from reviewer.errors import InputError

TIMEOUT_SECONDS = 120
NEEDS_LIBREOFFICE = {
    "docx": "读取 .doc/.wps 需要 LibreOffice：请安装 libreoffice-writer-nogui"
    "（apt-get install libreoffice-writer-nogui）或将文件另存为 .docx",
    "xlsx": "读取 .xls/.et 需要 LibreOffice：请安装 libreoffice-calc-nogui"
    "（apt-get install libreoffice-calc-nogui）或将文件另存为 .xlsx",
}
# Target format for each legacy suffix, and the suffix LibreOffice should see:
# WPS Office's .wps/.et files are Word/Excel binary files under another name,
# and LibreOffice would take a .wps for a Microsoft Works file.
TARGETS = {".doc": ("docx", ".doc"), ".wps": ("docx", ".doc"), ".xls": ("xlsx", ".xls"), ".et": ("xlsx", ".xls")}


def soffice() -> str | None:
    """Path of the LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_via_libreoffice(data: bytes, name: str, suffix: str) -> Document:
    """Convert a legacy office file to .docx/.xlsx with headless LibreOffice and read that."""
    from reviewer.ingest import sha256_of
    from reviewer.ingest.docx import read_docx
    from reviewer.ingest.xlsx import read_xlsx

    suffix = suffix.lower()
    if suffix not in TARGETS:
        raise InputError(name, f"不支持的文件类型 {suffix}（请另存为 .docx 或 .xlsx）")
    target, source_suffix = TARGETS[suffix]
    reader = read_docx if target == "docx" else read_xlsx
    digest = sha256_of(data)
    if data[:2] == b"PK":  # already a .docx/.xlsx under an old name: no conversion needed
        return reader(data, name, digest)
    executable = soffice()
    if executable is None:
        raise InputError(name, NEEDS_LIBREOFFICE[target])
    with tempfile.TemporaryDirectory(prefix="reviewer-lo-") as tmp:
        source = Path(tmp) / f"input{source_suffix}"
        source.write_bytes(data)
        # A private profile: a running LibreOffice (or a parallel conversion) would otherwise lock it.
        command = [
            executable,
            f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            tmp,
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            raise InputError(name, f"LibreOffice 转换超时（超过 {TIMEOUT_SECONDS} 秒），请将文件另存为 .{target}") from exc
        converted = Path(tmp) / f"input.{target}"
        if not converted.exists():
            raise InputError(name, f"LibreOffice 无法转换此文件（文件损坏、已加密或格式不受支持），请另存为 .{target}")
        document = reader(converted.read_bytes(), name, digest)
    return document
