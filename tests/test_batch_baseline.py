"""Baseline of dismissed findings: fingerprints, the file, and suppression in review and batch."""

from __future__ import annotations

import json

import pytest
from tests.batch_helpers import report_text, run_cli, write

from reviewer.baseline import Baseline, fingerprint, suppress
from reviewer.batch import BatchOptions, run_batch
from reviewer.document import Location
from reviewer.errors import ConfigError
from reviewer.finding import DocumentInfo, Evidence, Finding, Review

ENTRY_KEYS = {"fingerprint", "rule", "message", "location", "note", "who", "date"}


def _finding(message="项目支出合计不一致", label="附件一 基础数据表 第3行", block=4) -> Finding:
    return Finding(rule="SUM001", severity="error", category="arithmetic", message=message,
                   evidence=[Evidence(quote="55", loc=Location(block=block, row=2, col=3, label=label))])


def test_fingerprint_depends_on_rule_message_label_and_file_name_only():
    f = _finding()
    assert fingerprint(f, "/home/a/2024/财政局.docx") == fingerprint(f, "D:\\审阅\\财政局.docx") == fingerprint(f, "财政局.docx")
    assert fingerprint(_finding(block=9), "财政局.docx") == fingerprint(f, "财政局.docx")  # moved block, same label
    assert fingerprint(f, "教育局.docx") != fingerprint(f, "财政局.docx")
    assert fingerprint(_finding(message="项目支出合计不一致（差1万元）"), "财政局.docx") != fingerprint(f, "财政局.docx")
    assert fingerprint(_finding(label="附件一 基础数据表 第4行"), "财政局.docx") != fingerprint(f, "财政局.docx")
    assert fingerprint(f, "财政局2024") == fingerprint(f, "财政局2024")
    # The table ordinal is not part of the place: a table added above keeps the dismissals below it.
    numbered = _finding(message="附件一 基础数据表 表2 第3行「合计」不一致", label="附件一 基础数据表 表2 第3行")
    assert fingerprint(numbered, "财政局.docx") == fingerprint(
        _finding(message="附件一 基础数据表 表1 第3行「合计」不一致", label="附件一 基础数据表 第3行"), "财政局.docx")


def test_baseline_file_round_trip(tmp_path):
    path = tmp_path / "sub" / "reviewer-baseline.json"
    baseline = Baseline.load(path)
    assert baseline.entries == [] and not baseline.is_dismissed(_finding(), "a.docx")
    baseline.dismiss(_finding(), "a.docx", "已核实，系口径差异", who="张三")
    baseline.dismiss(_finding(), "a.docx", "再次确认")
    assert len(baseline.entries) == 1 and set(baseline.entries[0]) == ENTRY_KEYS
    baseline.save()
    again = Baseline.load(path)
    assert again.is_dismissed(_finding(), "/other/folder/a.docx") and not again.is_dismissed(_finding(), "b.docx")
    entry = again.entries[0]
    assert (entry["rule"], entry["location"], entry["note"], entry["who"]) == ("SUM001", "附件一 基础数据表 第3行", "再次确认", "")
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1


@pytest.mark.parametrize("text", ["{not json", '{"entries": [{"rule": "X"}]}', "[]"])
def test_broken_baseline_file_is_a_config_error_naming_it(tmp_path, text):
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=str(path)):
        Baseline.load(path)


def test_suppress_drops_dismissed_findings_and_notes_how_many(tmp_path):
    review = Review(document=DocumentInfo(path="x/a.docx", sha256="0"), findings=[_finding(), _finding(message="另一个问题")])
    baseline = Baseline(tmp_path / "reviewer-baseline.json")
    baseline.dismiss(_finding(), "a.docx", "")
    kept = suppress(review, baseline)
    assert [f.message for f in kept.findings] == ["另一个问题"]
    assert kept.notes == ["已按基线文件 reviewer-baseline.json 忽略 1 个已确认的问题"]
    assert suppress(kept, baseline) is kept


def test_baseline_command_then_review_and_batch_report_nothing_until_the_text_changes(tmp_path):
    report = write(tmp_path / "docs" / "申局.txt", report_text("申县单位", 2024, actual=("50", "25", "20", "6")))
    baseline = tmp_path / "base.json"
    made = run_cli("baseline", str(tmp_path / "docs"), "--baseline", str(baseline), "--note", "历史遗留")
    assert made.returncode == 0, made.stderr
    assert "已将 2 个问题写入基线文件" in made.stderr  # SUM001 and TEXT003
    entries = json.loads(baseline.read_text(encoding="utf-8"))["entries"]
    assert {e["rule"] for e in entries} == {"SUM001", "TEXT003"} and {e["note"] for e in entries} == {"历史遗留"}

    reviewed = run_cli("review", str(report), "--baseline", str(baseline), "--format", "json")
    assert reviewed.returncode == 0
    assert json.loads(reviewed.stdout)["summary"] == {"error": 0, "warning": 0, "info": 0}
    text = run_cli("review", str(report), "--baseline", str(baseline))
    assert "注：已按基线文件 base.json 忽略 2 个已确认的问题" in text.stdout

    out = tmp_path / "out"
    batch = run_cli("batch", str(tmp_path / "docs"), "--out", str(out), "--baseline", str(baseline))
    assert batch.returncode == 0 and "已按基线忽略 2 个" in batch.stderr
    row = json.loads((out / "summary.json").read_text(encoding="utf-8"))["documents"][0]
    assert row["suppressed"] == 2 and row["summary"]["error"] == 0

    write(report, report_text("申县单位", 2024, actual=("52", "25", "20", "6")))  # a different total: a new message
    changed = run_cli("review", str(report), "--baseline", str(baseline), "--format", "json")
    assert changed.returncode == 1
    assert [f["rule"] for f in json.loads(changed.stdout)["findings"]] == ["SUM001"]


def test_rerunning_baseline_keeps_earlier_notes(tmp_path):
    src = write(tmp_path / "酉局.txt", report_text("酉县单位", 2024, actual=("50", "25", "20", "6")))
    baseline = Baseline(tmp_path / "reviewer-baseline.json")
    result = run_batch([str(src)], None, BatchOptions())
    finding = next(f for f in result.reviews[0].findings if f.rule == "SUM001")
    baseline.dismiss(finding, "酉局.txt", "财务科已核实", who="李四")
    baseline.save()
    again = run_cli("baseline", str(src), "--baseline", str(baseline.path))
    assert again.returncode == 0 and "已将 1 个问题写入基线文件" in again.stderr
    entries = {e["rule"]: e for e in Baseline.load(baseline.path).entries}
    assert entries["SUM001"]["note"] == "财务科已核实" and entries["SUM001"]["who"] == "李四"


def test_default_baseline_lives_next_to_the_config(tmp_path):
    write(tmp_path / "reviewer.toml", "[rules]\n")
    src = write(tmp_path / "in" / "戌局.txt", report_text("戌县单位", 2024, actual=("50", "25", "20", "6")))
    made = run_cli("baseline", str(src), cwd=tmp_path / "in")
    assert made.returncode == 0 and (tmp_path / "reviewer-baseline.json").exists()
    assert run_cli("review", str(src), cwd=tmp_path / "in").returncode == 0
