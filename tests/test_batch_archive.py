"""Zip inputs: members are reviewed; traversal, absolute paths, links and bombs are refused with a reason."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest
from tests.batch_helpers import report_text

from reviewer import archive
from reviewer.archive import extract_zip
from reviewer.batch import BatchOptions, run_batch
from reviewer.errors import InputError
from reviewer.inputs import reviewable


def _zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_members_are_reviewed_and_a_traversal_member_is_refused(tmp_path):
    portal = _zip(
        tmp_path / "portal.zip",
        {
            "2024/甲局.txt": report_text("壬县甲局", 2024).encode(),
            "2024/乙局.txt": report_text("壬县乙局", 2024, actual=("50", "25", "20", "6")).encode(),
            "../../evil.txt": report_text("壬县丙局", 2024).encode(),
            "/etc/cron.d/evil.txt": b"x",
            "readme.png": b"\x89PNG",
        },
    )
    out = tmp_path / "out"
    result = run_batch([str(portal)], out, BatchOptions())
    by_name = {o.source.display: o for o in result.outcomes}
    assert set(by_name) == {
        f"{portal}!2024/甲局.txt",
        f"{portal}!2024/乙局.txt",
        f"{portal}!../../evil.txt",
        f"{portal}!/etc/cron.d/evil.txt",
    }
    assert by_name[f"{portal}!2024/乙局.txt"].row.counts["error"] == 1
    evil = by_name[f"{portal}!../../evil.txt"]
    assert evil.status == "failed" and evil.reason == f"{portal}!../../evil.txt: 成员路径包含“..”（路径穿越），已拒绝"
    assert "绝对路径" in by_name[f"{portal}!/etc/cron.d/evil.txt"].reason
    assert not (tmp_path / "evil.txt").exists() and not list(tmp_path.parent.glob("evil.txt"))
    assert (out / "甲局.审阅.json").exists()
    rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))["documents"]
    assert [r["status"] for r in rows].count("failed") == 2
    assert result.exit_code("never") == 2


def test_zip_bomb_member_is_refused_by_its_compression_ratio(tmp_path):
    bomb = _zip(tmp_path / "bomb.zip", {"big.txt": b"0" * (8 * 2**20), "ok.txt": report_text("癸县单位", 2024).encode()})
    members = extract_zip(bomb, "bomb.zip", tmp_path / "x", reviewable)
    refused = {m.name: m.problem for m in members if m.problem}
    assert list(refused) == ["big.txt"] and "疑似压缩炸弹" in refused["big.txt"]
    assert not (tmp_path / "x" / "0000.txt").exists()
    assert [m.name for m in members if m.file] == ["ok.txt"]


def test_total_size_and_member_count_limits_refuse_the_whole_archive(tmp_path, monkeypatch):
    data = _zip(tmp_path / "many.zip", {f"r{i}.txt": b"abc" for i in range(5)}, zipfile.ZIP_STORED)
    monkeypatch.setattr(archive, "MAX_MEMBERS", 4)
    with pytest.raises(InputError, match="超过上限 4 个"):
        extract_zip(data, "many.zip", tmp_path / "x", reviewable)
    monkeypatch.setattr(archive, "MAX_MEMBERS", 100)
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 10)
    with pytest.raises(InputError, match="疑似压缩炸弹"):
        extract_zip(data, "many.zip", tmp_path / "x", reviewable)


def _patch_central(path: Path, name: bytes, offset: int, value: bytes) -> None:
    """Overwrite bytes of a member's central directory record (what infolist() reads)."""
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")  # first central record
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.index(b"PK\x01\x02", at + 4)
    data[at + offset : at + offset + len(value)] = value
    path.write_bytes(bytes(data))


def test_member_whose_header_understates_its_size_is_refused_as_damaged(tmp_path):
    path = _zip(tmp_path / "liar.zip", {"a.txt": b"a" * 5000}, zipfile.ZIP_STORED)
    _patch_central(path, b"a.txt", 24, (100).to_bytes(4, "little"))  # uncompressed size: 100
    members = extract_zip(path, "liar.zip", tmp_path / "x", reviewable)
    assert members[0].problem.startswith("成员已损坏") and not (tmp_path / "x" / "0000.txt").exists()


def test_symlink_encrypted_and_nested_members_are_refused(tmp_path):
    path = tmp_path / "odd.zip"
    with zipfile.ZipFile(path, "w") as zf:
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("inner.zip", b"PK\x05\x06" + b"\x00" * 18)
        zf.writestr("fine.txt", report_text("子县单位", 2024))
        zf.writestr("locked.txt", b"secret")
    _patch_central(path, b"locked.txt", 8, b"\x01\x00")  # general purpose flag: encrypted
    problems = {m.name: m.problem for m in extract_zip(path, "odd.zip", tmp_path / "x", reviewable)}
    assert "符号链接" in problems["link.txt"]
    assert "嵌套" in problems["inner.zip"]
    assert "加密" in problems["locked.txt"]
    assert problems["fine.txt"] is None


def test_gbk_member_names_are_decoded(tmp_path):
    gbk = "财政局报告.txt".encode("gbk")
    placeholder = b"x" * (len(gbk) - 4) + b".txt"
    path = _zip(tmp_path / "gbk.zip", {placeholder.decode(): report_text("丑县财政局", 2024).encode()})
    # Windows tools write GBK names without the UTF-8 flag; zipfile reads them as cp437.
    path.write_bytes(path.read_bytes().replace(placeholder, gbk))
    members = extract_zip(path, "gbk.zip", tmp_path / "x", reviewable)
    assert [m.name for m in members] == ["财政局报告.txt"]


def test_not_a_zip_and_empty_zip_are_one_failed_row_each(tmp_path):
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"this is not a zip")
    empty = _zip(tmp_path / "pics.zip", {"a.png": b"\x89PNG"})
    result = run_batch([str(fake), str(empty)], tmp_path / "out", BatchOptions())
    assert [o.reason for o in result.outcomes] == [
        f"{fake}: 不是有效的 zip 压缩包",
        f"{empty}: 压缩包内没有可审阅的文件（.docx .xlsx .pdf .txt 等）",
    ]


def test_many_small_members_that_compress_like_a_bomb_refuse_the_archive(tmp_path):
    # Each member stays under the per-member ratio floor; together they are 500× their packed size.
    members = {f"r{i}.txt": b"0" * (2**19) for i in range(8)}
    path = _zip(tmp_path / "small-bombs.zip", members)
    with pytest.raises(InputError, match="小文件解压后共.*疑似压缩炸弹"):
        extract_zip(path, "small-bombs.zip", tmp_path / "x", reviewable)
