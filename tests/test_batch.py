"""Batch review end to end: outputs, summaries, failures, the cache, exit codes and the worker pool."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from tests.batch_helpers import ROOT, report_text, run_cli, write
from tests.seeds import seed_params

from reviewer.batch import BatchOptions, output_names, run_batch
from reviewer.inputs import Source
from reviewer.pool import run_pool

SAMPLES = sorted(p for p in (ROOT / "samples").glob("*") if p.suffix in {".txt", ".md", ".docx", ".xlsx", ".pdf"} and ".expected" not in p.name)


def _summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def _rows(out: Path) -> dict[str, dict]:
    return {Path(r["path"]).name: r for r in _summary(out)["documents"]}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three reports of different units and a corrupt PDF."""
    src = tmp_path / "in"
    write(src / "甲局.txt", report_text("甲县测试一局", 2024))
    write(src / "乙局.txt", report_text("甲县测试二局", 2024, actual=("50", "25", "20", "6")))
    write(src / "sub" / "丙局.txt", report_text("甲县测试三局", 2024))
    (src / "坏文件.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    return src


def test_batch_writes_outputs_and_summaries_and_records_the_corrupt_file(folder, tmp_path):
    out = tmp_path / "out"
    result = run_batch([str(folder)], out, BatchOptions(jobs=2))
    rows = _rows(out)
    assert set(rows) == {"甲局.txt", "乙局.txt", "丙局.txt", "坏文件.pdf"}
    bad = rows["坏文件.pdf"]
    assert bad["status"] == "failed"
    assert bad["reason"] == f"{folder / '坏文件.pdf'}: 不是有效的 PDF 文件"
    ok = rows["乙局.txt"]
    assert ok["status"] == "ok" and ok["unit"] == "甲县测试二局" and ok["year"] == 2024
    # 项目支出 50 against items 25 + 20: the SUM001 error is the top issue.
    assert ok["summary"]["error"] == 1
    assert ok["top_issues"][0]["rule"] == "SUM001" and "50万元" in ok["top_issues"][0]["message"]
    assert ok["outputs"] == ["乙局.审阅.json", "乙局.审阅.html"]
    review = json.loads((out / "乙局.审阅.json").read_text(encoding="utf-8"))
    assert review["schema_version"] == 1 and review["summary"] == ok["summary"]
    assert "<html" in (out / "乙局.审阅.html").read_text(encoding="utf-8")[:200].lower()
    assert not list(out.glob("坏文件*"))
    totals = _summary(out)["totals"]
    assert totals["documents"] == 4 and totals["failed"] == 1 and totals["ok"] == 3 and totals["error"] == 1
    assert result.exit_code("error") == 2


def test_summary_xlsx_has_an_overview_row_per_document(folder, tmp_path):
    out = tmp_path / "out"
    run_batch([str(folder)], out, BatchOptions(jobs=1))
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames[0] == "文件概况" and "问题清单" in book.sheetnames and "汇总" in book.sheetnames
    rows = list(book["文件概况"].iter_rows(values_only=True))
    assert rows[0][:3] == ("文件", "状态", "失败原因")
    by_file = {Path(r[0]).name: r for r in rows[1:]}
    assert by_file["坏文件.pdf"][1] == "失败" and "不是有效的 PDF 文件" in by_file["坏文件.pdf"][2]
    assert by_file["乙局.txt"][1:2] == ("已审阅",) and by_file["乙局.txt"][6] == 1  # 错误
    findings = list(book["问题清单"].iter_rows(values_only=True))
    assert any(r[1] == "SUM001" and r[0].endswith("乙局.txt") for r in findings[1:])
    # Names inside the folder the inputs share, never the long absolute path.
    assert sorted(r[0] for r in rows[1:]) == ["sub/丙局.txt", "乙局.txt", "坏文件.pdf", "甲局.txt"]
    sheet = book["文件概况"]
    tall = next(n for n, r in enumerate(rows[1:], start=2) if r[10] and "\n" in r[10])  # several 主要问题 lines
    assert sheet.row_dimensions[tall].height >= 15 * (rows[tall - 1][10].count("\n") + 1)
    links = {Path(r[0].value).name: r[0].hyperlink and r[0].hyperlink.target for r in sheet.iter_rows(min_row=2)}
    assert links["乙局.txt"] == "乙局.审阅.html" and (out / "乙局.审阅.html").is_file()
    assert links["坏文件.pdf"] is None  # a failed file has no result to open


def test_rerun_reviews_nothing_and_editing_three_files_reviews_only_those(tmp_path):
    src = tmp_path / "in"
    for i in range(5):
        write(src / f"r{i}.txt", report_text(f"乙县单位{i}号", 2024))
    out = tmp_path / "out"
    first = run_batch([str(src)], out, BatchOptions(jobs=2))
    assert (first.reviewed, first.cached) == (5, 0)
    html_before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.html")}

    again = run_batch([str(src)], out, BatchOptions(jobs=2))
    assert (again.reviewed, again.cached) == (0, 5)
    assert all(r["cached"] for r in _summary(out)["documents"])
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.html")} == html_before  # nothing re-rendered

    for i in (0, 2, 4):
        write(src / f"r{i}.txt", report_text(f"乙县单位{i}号", 2024, actual=("47", "25", "20", "6")))
    edited = run_batch([str(src)], out, BatchOptions(jobs=2))
    assert (edited.reviewed, edited.cached) == (3, 2)
    rows = _rows(out)
    assert [n for n, r in sorted(rows.items()) if not r["cached"]] == ["r0.txt", "r2.txt", "r4.txt"]
    assert rows["r0.txt"]["summary"]["error"] == 1 and rows["r1.txt"]["summary"]["error"] == 0
    assert (out / "r1.审阅.html").stat().st_mtime_ns == html_before["r1.审阅.html"]
    assert (out / "r0.审阅.html").stat().st_mtime_ns != html_before["r0.审阅.html"]


def test_changed_settings_invalidate_the_cache(tmp_path):
    src = write(tmp_path / "in" / "a.txt", report_text("丙县单位", 2024, actual=("50", "25", "20", "6")))
    out = tmp_path / "out"
    run_batch([str(src)], out, BatchOptions())
    from reviewer.rules import Settings

    result = run_batch([str(src)], out, BatchOptions(settings=Settings(ignore=["SUM"])))
    assert result.reviewed == 1
    assert _rows(out)["a.txt"]["summary"]["error"] == 0


def test_a_renamed_file_is_served_from_the_cache_under_its_new_name(tmp_path):
    src = write(tmp_path / "in" / "old.txt", report_text("丁县单位", 2024))
    out = tmp_path / "out"
    run_batch([str(src)], out, BatchOptions())
    renamed = src.with_name("new.txt")
    src.rename(renamed)
    result = run_batch([str(renamed)], out, BatchOptions())
    assert (result.reviewed, result.cached) == (0, 1)
    review = json.loads((out / "new.审阅.json").read_text(encoding="utf-8"))
    assert review["document"]["path"] == str(renamed)


def test_inputs_sharing_a_stem_get_distinct_output_names(tmp_path):
    a = write(tmp_path / "财政局" / "报告.txt", report_text("戊县财政局", 2024))
    b = write(tmp_path / "教育局" / "报告.txt", report_text("戊县教育局", 2024))
    c = write(tmp_path / "教育局" / "报告.md", report_text("戊县教育局", 2023))
    out = tmp_path / "out"
    run_batch([str(a), str(b), str(c)], out, BatchOptions())
    names = sorted(p.name for p in out.glob("*.json") if p.name != "summary.json")
    assert names == ["教育局_报告-md.审阅.json", "教育局_报告-txt.审阅.json", "财政局_报告.审阅.json"]


def test_output_names_fall_back_to_a_number():
    sources = [Source("x/a.txt", name="x/a.txt"), Source("x/a.txt", name="x/a.txt"), Source("b.txt", name="b.txt")]
    assert output_names(sources) == ["x_a-txt", "x_a-txt-2", "b"]


def test_missing_input_and_unmatched_glob_are_failures_not_aborts(tmp_path):
    good = write(tmp_path / "g.txt", report_text("己县单位", 2024))
    result = run_batch([str(tmp_path / "nope.docx"), str(tmp_path / "*.xlsx"), str(good)], tmp_path / "out", BatchOptions())
    reasons = [o.reason for o in result.failed]
    assert reasons == [f"{tmp_path / 'nope.docx'}: 文件不存在", f"{tmp_path / '*.xlsx'}: 没有匹配的文件"]
    assert [o.status for o in result.outcomes] == ["failed", "failed", "ok"]


def test_a_folder_without_reports_is_an_input_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_cli("batch", str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and result.stderr.startswith("没有找到可审阅的文件")


def test_glob_input_and_output_folder_inside_the_input_is_not_reviewed(tmp_path):
    write(tmp_path / "a.txt", report_text("庚县单位", 2024))
    write(tmp_path / "b.txt", report_text("庚县另一单位", 2024))
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    out = tmp_path / "results"
    run_batch([str(tmp_path)], out, BatchOptions())
    again = run_batch([str(tmp_path)], out, BatchOptions())  # out/summary.xlsx is not an input
    assert sorted(Path(o.source.display).name for o in again.outcomes) == ["a.txt", "b.txt"]
    globbed = run_batch([str(tmp_path / "*.txt")], tmp_path / "out2", BatchOptions())
    assert sorted(Path(o.source.display).name for o in globbed.outcomes) == ["a.txt", "b.txt"]


def test_text_outputs_in_the_output_folder_are_not_reviewed_on_the_next_run(tmp_path):
    src = write(tmp_path / "a.txt", report_text("辛县单位", 2024))
    out = tmp_path / "out"
    run_batch([str(tmp_path)], out, BatchOptions(formats=("text", "markdown")))
    assert (out / "a.审阅.txt").exists() and (out / "a.审阅.md").exists()
    again = run_batch([str(tmp_path)], out, BatchOptions(formats=("text",)))
    assert [o.source.display for o in again.outcomes] == [str(src)]


def test_docx_input_gets_a_commented_copy_by_default(tmp_path):
    docx = ROOT / "samples" / "hunan_department.docx"
    if not docx.exists():
        pytest.skip("samples/hunan_department.docx not present")
    out = tmp_path / "out"
    result = run_batch([str(docx)], out, BatchOptions())
    assert result.outcomes[0].status == "ok", result.outcomes[0].reason
    assert result.outcomes[0].outputs == [f"hunan_department.审阅.{s}" for s in ("json", "html", "docx")]
    assert (out / "hunan_department.审阅.docx").read_bytes()[:2] == b"PK"


def test_samples_in_every_format_and_a_corrupt_file(tmp_path):
    corrupt = tmp_path / "corrupt.docx"
    corrupt.write_bytes(b"PK\x03\x04" + os.urandom(200))
    inputs = [*(str(p) for p in SAMPLES), str(corrupt)]
    out = tmp_path / "out"
    result = run_batch(inputs, out, BatchOptions(jobs=2))
    rows = _summary(out)["documents"]
    assert [r["path"] for r in rows] == inputs and len(result.outcomes) == len(inputs)
    failed = [r for r in rows if r["status"] == "failed"]
    assert [r["path"] for r in failed] == [str(corrupt)]
    assert failed[0]["reason"].startswith(f"{corrupt}: ") and "\n" not in failed[0]["reason"]
    for row in rows[:-1]:
        assert all((out / name).exists() for name in row["outputs"])
        assert row["year"] is not None
    planted = [r for r in rows if "clean" not in r["path"] and r["status"] == "ok"]
    assert all(sum(r["summary"].values()) > 0 for r in planted)  # every sample but the clean one has mistakes planted
    again = run_batch(inputs, out, BatchOptions(jobs=2))
    assert again.reviewed == 0 and again.cached == len(rows)  # the corrupt file's failure too


@pytest.mark.parametrize("seed", seed_params("*"))
def test_seeds_are_reviewed_with_their_unit_and_errors(seed, tmp_path):
    out = tmp_path / "out"
    result = run_batch([str(seed)], out, BatchOptions())
    (row,) = _summary(out)["documents"]
    assert result.outcomes[0].status == "ok", row["reason"]
    assert row["unit"] and row["year"] and row["summary"]["error"] > 0


def _double_or_die(n: int) -> int:
    """A task for the pool that kills its worker process on 3."""
    if n == 3:
        os._exit(7)
    return n * 2


def test_pool_survives_a_worker_crash_and_keeps_every_other_result():
    results: dict[int, int] = {}
    crashed: list[int] = []
    run_pool(_double_or_die, [(n,) for n in range(8)], 2, results.__setitem__, lambda i, exc: crashed.append(i))
    assert crashed == [3]
    assert results == {i: i * 2 for i in range(8) if i != 3}


def test_cli_batch_exit_codes_and_quiet_stderr(folder, tmp_path):
    out = tmp_path / "out"
    result = run_cli("batch", str(folder), "--out", str(out), "--jobs", "2")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"失败：{folder / '坏文件.pdf'}: 不是有效的 PDF 文件"
    assert lines[-1].startswith("共 4 个文件：新审阅 4，使用缓存 0，失败 1；错误 1，")
    assert "Traceback" not in result.stderr and "\r" not in result.stderr  # no progress bar off a terminal
    (folder / "坏文件.pdf").unlink()
    result = run_cli("batch", str(folder), "--out", str(out))
    assert result.returncode == 1  # the SUM001 error of 乙局
    assert "使用缓存 3" in result.stderr
    result = run_cli("batch", str(folder), "--out", str(out), "--fail-on", "never")
    assert result.returncode == 0
    shutil.rmtree(folder / "sub")
    (folder / "乙局.txt").unlink()
    result = run_cli("batch", str(folder), "--out", str(out), "--fail-on", "warning")
    assert result.returncode == 1  # TEXT003: sections missing from the short fixture
    result = run_cli("batch", str(folder), "--out", str(out), "--formats", "json,pdf")
    assert result.returncode == 2 and "未知的输出格式：pdf" in result.stderr
