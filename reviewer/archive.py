"""Safe extraction of .zip archives of reports (as portals hand them out).

Every member is checked before a byte is written: no absolute paths, no
"..", no links, no encrypted or nested archives, a bounded number of members,
bounded sizes and compression ratios (a zip bomb is refused with the reason).
Members are written under flat generated names, so nothing an archive says can
place a file outside the extraction folder; the member's own path is kept for
display only.
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from reviewer.errors import InputError

MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 200 * 2**20
MAX_TOTAL_BYTES = 512 * 2**20
MAX_RATIO = 100  # uncompressed/compressed; reports compress 2–10×, bombs 1000×
RATIO_FLOOR = 2**20  # small members may compress well without harm
_CHUNK = 2**16
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Member:
    """A member of an archive: its path inside the archive and the extracted file, or why it was refused."""

    name: str
    file: Path | None = None
    problem: str | None = None


NOTHING_TO_REVIEW = "压缩包内没有可审阅的文件（.docx .xlsx .pdf .txt 等）"

def member_name(info: zipfile.ZipInfo) -> str:
    """The member's path, decoded as UTF-8 or GBK when the archive did not mark it as UTF-8."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _size(n: int) -> str:
    """A byte count for messages (MB with one decimal)."""
    return f"{n / 2**20:.1f} MB"


def _refusal(info: zipfile.ZipInfo, name: str) -> str | None:
    """Why a member must not be extracted, or None when it is safe."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "成员使用绝对路径，已拒绝"
    if ".." in parts:
        return "成员路径包含“..”（路径穿越），已拒绝"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "成员是符号链接，已拒绝"
    if info.flag_bits & 0x1:
        return "成员已加密，无法读取"
    if name.lower().endswith(".zip"):
        return "不支持压缩包内嵌套的压缩包，请先解压"
    if info.file_size > MAX_MEMBER_BYTES:
        return f"成员解压后 {_size(info.file_size)}，超过单个文件上限 {_size(MAX_MEMBER_BYTES)}，已拒绝"
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        return f"压缩比约 {ratio}:1，疑似压缩炸弹，已拒绝"
    return None


def extract_zip(path: Path, display: str, dest: Path, wanted: Callable[[str], bool]) -> list[Member]:
    """Extract the reviewable members of a zip into ``dest``; refused members carry the reason.

    Raises InputError when the archive as a whole is refused (not a zip, too
    many members, too large in total, or nothing to review).
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise InputError(display, "不是有效的 zip 压缩包") from None
    except OSError as exc:
        raise InputError(display, f"无法读取压缩包（{exc.strerror}）") from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise InputError(display, f"压缩包内有 {len(infos)} 个文件，超过上限 {MAX_MEMBERS} 个，已拒绝")
        declared = sum(i.file_size for i in infos)
        if declared > MAX_TOTAL_BYTES:
            raise InputError(display, f"压缩包解压后共 {_size(declared)}，超过上限 {_size(MAX_TOTAL_BYTES)}，疑似压缩炸弹，已拒绝")
        # Members under the per-member ratio floor are judged together: 2000 small bombs add up.
        small = [i for i in infos if i.file_size <= RATIO_FLOOR]
        unpacked, packed = sum(i.file_size for i in small), sum(i.compress_size for i in small)
        if unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1):
            raise InputError(
                display, f"压缩包内的小文件解压后共 {_size(unpacked)}，是压缩大小的 {unpacked // max(packed, 1)} 倍，疑似压缩炸弹，已拒绝"
            )
        dest.mkdir(parents=True, exist_ok=True)
        members: list[Member] = []
        for number, info in enumerate(infos):
            name = member_name(info)
            if not wanted(name) and not name.lower().endswith(".zip"):
                continue  # pictures, readme files and the like are not reports
            problem = _refusal(info, name)
            if problem:
                members.append(Member(name, problem=problem))
                continue
            target = dest / f"{number:04d}{PurePosixPath(name).suffix.lower()}"
            try:
                # zipfile never yields more than the declared size and checks the CRC at the end,
                # so the declared sizes checked above bound what is written.
                with zf.open(info) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst, _CHUNK)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                target.unlink(missing_ok=True)
                members.append(Member(name, problem=f"成员已损坏，无法解压（{exc}）"))
                continue
            members.append(Member(name, file=target))
    if not members:
        raise InputError(display, NOTHING_TO_REVIEW)
    return members
