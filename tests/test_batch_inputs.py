"""A batch skips the files it finds that are not reports (listings, READMEs, earlier outputs, formats no reader takes), says so once per kind, and reviews every report."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from tests.batch_helpers import report_text
from typer.testing import CliRunner

from reviewer.cli import app
from reviewer.inputs import collect, not_a_report

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
NARRATIVE_ONLY = (
    "2024年度部门整体支出绩效自评报告\n\n一、部门基本情况\n\n本局2024年部门预算支出安排项目资金120万元，"
    "全年执行118万元，执行率98.33%。\n\n二、绩效目标完成情况\n\n各项绩效指标均已完成。\n"
)


def _folder(tmp_path: Path) -> Path:
    """A folder as a reviewer's share holds it: two reports among listings, notes and an earlier batch's outputs."""
    folder = tmp_path / "报告"
    folder.mkdir()
    (folder / "甲局.txt").write_text(report_text("壬县甲局", 2024), encoding="utf-8")
    (folder / "乙局自评报告.txt").write_text(NARRATIVE_ONLY, encoding="utf-8")  # no table, but a report
    shutil.copy(SAMPLES / "markdown_report.expected.txt", folder / "markdown_report.expected.txt")
    (folder / "README.md").write_text("# 说明\n\n本文件夹存放2024年度绩效自评报告，按单位命名。\n", encoding="utf-8")
    (folder / "会议通知.txt").write_text("请于周五下午三点到三楼会议室开会。\n", encoding="utf-8")
    earlier = folder / "上次结果"
    result = CliRunner().invoke(app, ["batch", str(SAMPLES / "hunan_department.docx"), str(SAMPLES / "markdown_report.md"),
                                      "--out", str(earlier), "--formats", "json,html,docx,markdown,text", "-j", "1", "--no-llm"])
    assert result.exit_code == 1, result.output
    # A page written before pages carried the generator mark is still recognised by its head.
    page = earlier / "markdown_report.审阅.html"
    page.write_text(page.read_text(encoding="utf-8").replace('<meta name="generator" content="reviewer">\n', ""), encoding="utf-8")
    baseline = CliRunner().invoke(app, ["baseline", str(SAMPLES / "markdown_report.md"), "--baseline", str(folder / "reviewer-baseline.json")])
    assert baseline.exit_code == 0, baseline.output
    (folder / "reviewer.toml").write_text('[rules]\nignore = ["IND009"]\n', encoding="utf-8")  # the configuration: read, never listed
    (folder / "签字页.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (folder / "汇总脚本.py").write_text("print('汇总')\n", encoding="utf-8")
    (folder / "政策原文.html").write_text("<html><head><title>绩效管理办法</title></head><body>第一条</body></html>\n", encoding="utf-8")
    (folder / "数据.json").write_text('{"单位": "甲局", "预算": 120}\n', encoding="utf-8")
    (folder / ".DS_Store").write_bytes(bytes(16))
    (folder / "~$甲局.docx").write_bytes(bytes(16))
    return folder


def test_a_folder_scan_skips_what_is_not_a_report_and_keeps_every_report(tmp_path):
    folder = _folder(tmp_path)
    skipped: list = []
    sources = collect([str(folder)], tmp_path / "scratch", skipped=skipped)
    assert sorted(Path(s.display).name for s in sources) == ["乙局自评报告.txt", "甲局.txt"]
    kinds = {Path(s.display).name: s.kind for s in skipped}
    assert kinds == {
        "markdown_report.expected.txt": "listing",
        "README.md": "readme",
        "会议通知.txt": "text",
        "hunan_department.审阅.docx": "output",  # the copy with the tool's Word comments
        "markdown_report.审阅.docx": "output",
        "markdown_report.审阅.md": "output",
        "markdown_report.审阅.txt": "output",
        "hunan_department.审阅.md": "output",
        "hunan_department.审阅.txt": "output",
        "summary.xlsx": "output",
        "hunan_department.审阅.html": "output",
        "markdown_report.审阅.html": "output",
        "hunan_department.审阅.json": "output",
        "markdown_report.审阅.json": "output",
        "summary.json": "output",
        "reviewer-baseline.json": "output",
        "签字页.png": "unsupported",
        "汇总脚本.py": "unsupported",
        "政策原文.html": "unsupported",
        "数据.json": "unsupported",
    }


def test_a_skipped_file_named_later_is_reviewed(tmp_path):
    folder = _folder(tmp_path)
    lock = folder / "~$甲局.docx"
    skipped: list = []
    sources = collect([str(folder), str(folder / "签字页.png"), str(lock)], tmp_path / "scratch", skipped=skipped)
    assert [Path(s.display).name for s in sources][-2:] == ["签字页.png", "~$甲局.docx"]
    assert "签字页.png" not in {Path(s.display).name for s in skipped}


def test_a_file_named_on_the_command_line_is_reviewed_whatever_it_looks_like(tmp_path):
    listing = tmp_path / "markdown_report.expected.txt"
    shutil.copy(SAMPLES / "markdown_report.expected.txt", listing)
    assert not_a_report(listing) == "listing"
    skipped: list = []
    sources = collect([str(listing), str(tmp_path)], tmp_path / "scratch", skipped=skipped)
    assert [s.display for s in sources] == [str(listing)] and skipped == []


def test_archive_members_are_judged_like_files_in_a_folder(tmp_path):
    portal = tmp_path / "portal.zip"
    with zipfile.ZipFile(portal, "w") as zf:
        zf.writestr("甲局.txt", report_text("壬县甲局", 2024))
        zf.writestr("甲局.expected.txt", (SAMPLES / "markdown_report.expected.txt").read_bytes())
    skipped: list = []
    sources = collect([str(portal)], tmp_path / "scratch", skipped=skipped)
    assert [s.display for s in sources] == [f"{portal}!甲局.txt"]
    assert [(s.display, s.kind) for s in skipped] == [(f"{portal}!甲局.expected.txt", "listing")]


def test_the_batch_says_once_per_kind_what_it_skipped(tmp_path):
    folder = _folder(tmp_path)
    result = CliRunner().invoke(app, ["batch", str(folder), "--out", str(tmp_path / "out"), "-j", "1", "--no-llm"])
    lines = result.output.splitlines()
    skipped = [line for line in lines if line.startswith("已跳过")]
    assert skipped == [
        f"已跳过 1 个问题清单（每行以规则代码开头，如样例的 *.expected.txt）：{folder / 'markdown_report.expected.txt'}（要审阅时直接写出文件名）",
        f"已跳过 13 个以前的审阅结果（审阅意见 Word、问题清单或汇总 Excel、文字、Markdown、网页或 JSON 结果、基线文件），"
        f"如 {folder / 'reviewer-baseline.json'}（要审阅时直接写出文件名）",
        f"已跳过 1 个说明文件（README 等，无表格）：{folder / 'README.md'}（要审阅时直接写出文件名）",
        f"已跳过 1 个既无表格也无绩效报告用语的文本：{folder / '会议通知.txt'}（要审阅时直接写出文件名）",
        f"已跳过 4 个不能审阅的格式（.html、.json、.png、.py）的文件，如 {folder / '政策原文.html'}（可另存为 .docx、.xlsx、.pdf 或 .txt 后审阅）",
    ]
    assert any(line.startswith("共 2 个文件：") for line in lines)


def test_archive_members_no_reader_takes_are_named_once_per_kind(tmp_path):
    portal = tmp_path / "portal.zip"
    page = tmp_path / "page"
    page.mkdir()
    result = CliRunner().invoke(app, ["batch", str(SAMPLES / "markdown_report.md"), "--out", str(page), "--formats", "html,json", "--no-llm"])
    assert result.exit_code == 1, result.output
    with zipfile.ZipFile(portal, "w") as zf:
        zf.writestr("甲局.txt", report_text("壬县甲局", 2024))
        zf.writestr("甲局/签字页.jpg", b"\xff\xd8\xff" + bytes(32))
        zf.writestr("__MACOSX/._甲局.txt", bytes(16))
        zf.writestr("上次/markdown_report.审阅.html", (page / "markdown_report.审阅.html").read_bytes())
        zf.writestr("上次/summary.json", (page / "summary.json").read_bytes())
    skipped: list = []
    sources = collect([str(portal)], tmp_path / "scratch", skipped=skipped)
    assert [s.display for s in sources] == [f"{portal}!甲局.txt"]
    assert sorted((s.display.split("!")[1], s.kind) for s in skipped) == [
        ("上次/markdown_report.审阅.html", "output"), ("上次/summary.json", "output"), ("甲局/签字页.jpg", "unsupported"),
    ]
