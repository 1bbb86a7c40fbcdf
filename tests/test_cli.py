"""The command line end to end: exit codes, formats, error lines."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args, stdin=None, env=None):
    """Run ``python -m reviewer`` in the project root with no LLM configured."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEWER_", "OPENAI_"))}
    return subprocess.run(
        [sys.executable, "-m", "reviewer", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **(env or {})},
    )


REPORT = """附件一
2024年度部门整体支出绩效评价基础数据表
\t经费控制情况（万元）
\t2023 年决算数
\t2024 年预算数
\t2024 年决算数

\t项目支出：
\t30
\t40
\t55

\t1、培训项目
\t10
\t20
\t25

\t2、宣传项目
\t20
\t20
\t20

"""


def test_review_text_reports_sum_mismatch_and_exit_code_1(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text(REPORT, encoding="utf-8")
    result = run("review", str(f))
    assert result.returncode == 1
    assert "SUM001" in result.stdout
    assert "项目支出2024年决算数55万元，与明细合计45万元不一致（差10万元）" in result.stdout


def test_review_json_shape_and_fail_on_never(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text(REPORT, encoding="utf-8")
    result = run("review", str(f), "--format", "json", "--fail-on", "never")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert set(data) == {"schema_version", "document", "summary", "findings", "rejected", "notes"}
    assert data["document"]["year"] == 2024
    assert data["summary"]["error"] == 1
    finding = data["findings"][0]
    assert finding["rule"] == "SUM001" and finding["severity"] == "error" and finding["source"] == "rule"
    assert finding["evidence"][0]["loc"]["label"].startswith("附件一 基础数据表 表1 第")


def test_json_names_a_paragraph_by_its_first_words_as_the_text_output_does(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text(REPORT + "附件四\n自评报告\n一、部门基本情况\n本部门2024年项目支出决算数为60万元。\n", encoding="utf-8")
    text = run("review", str(f), "--fail-on", "never").stdout
    data = json.loads(run("review", str(f), "--format", "json", "--fail-on", "never").stdout)
    labels = [e["loc"]["label"] for x in data["findings"] for e in x["evidence"] if e["loc"] and e["loc"]["block"] is not None]
    paragraph = [label for label in labels if "一段" in label]
    assert paragraph, labels
    assert all("第" not in label.split("「")[-1].split("」")[-1][:3] for label in paragraph)  # no "第N段"
    assert all(label in text for label in paragraph)


def test_review_reads_stdin():
    result = run("review", "-", "--format", "json", stdin=REPORT)
    assert json.loads(result.stdout)["summary"]["error"] == 1
    assert json.loads(result.stdout)["document"]["path"] == "标准输入"
    assert run("review", "-", "--no-llm", stdin=REPORT).stdout.startswith("标准输入  错误 1")
    empty = run("review", "-", "--no-llm", stdin="")
    assert empty.returncode == 2 and empty.stderr.startswith("错误：标准输入: ")


def test_several_inputs_give_a_list_and_a_bad_file_does_not_lose_the_others(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(REPORT, encoding="utf-8")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    result = run("review", str(bad), str(good), "--format", "json", "--no-llm")
    assert result.returncode == 2
    assert json.loads(result.stdout)[0]["summary"]["error"] == 1
    assert result.stderr.strip() == f"错误：{bad}: 不是有效的 PDF 文件（内容是纯文本：如是报告文字，请改为 .txt 文件后再审阅）"
    assert "Traceback" not in result.stderr


def test_without_llm_configured_the_review_says_so_once(tmp_path):
    files = []
    for name in ("a.txt", "b.txt"):
        f = tmp_path / name
        f.write_text(REPORT, encoding="utf-8")
        files.append(str(f))
    result = run("review", *files, "--format", "json")
    assert result.stderr.count("未配置大模型") == 1
    assert "未配置大模型" not in run("review", *files, "--no-llm").stderr


def test_llm_flag_without_configuration_fails_clearly(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text(REPORT, encoding="utf-8")
    result = run("review", str(f), "--llm")
    assert result.returncode == 2
    assert "未配置大模型" in result.stderr and "REVIEWER_LLM_BASE_URL" in result.stderr
    assert run("review", str(f), "--llm", "--no-llm").returncode == 2


def test_llm_dry_run_masks_the_form_filler_and_counts_tokens():
    sample = ROOT / "samples" / "hunan_department.txt"
    signature = next(line for line in sample.read_text(encoding="utf-8").splitlines() if line.startswith("填表人"))
    name = signature.split("填表人：")[1].split()[0]
    phone = signature.split("联系电话：")[1].split()[0]
    result = run("review", str(sample), "--llm-dry-run")
    assert result.returncode == 0
    assert "token" in result.stdout.lower()
    assert name not in result.stdout and phone not in result.stdout
    assert "［姓名］" in result.stdout and "［电话］" in result.stdout  # the signature line is sent, masked


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "文件为空"),
        ("random.pdf", bytes(range(256)) * 4, "不是有效的 PDF 文件"),
        ("notes.abc", b"hello", "不支持的文件类型 .abc"),
        ("truncated.docx", b"PK\x03\x04" + b"\x00" * 40, "不是有效的 .docx 文件"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path, name, data, message):
    f = tmp_path / name
    f.write_bytes(data)
    result = run("review", str(f))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(f) in lines[0] and message in lines[0]


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".pdf"])
def test_text_under_a_binary_name_is_refused_saying_it_is_text(tmp_path, suffix):
    f = tmp_path / f"r{suffix}"
    f.write_text(REPORT, encoding="utf-8")
    result = run("review", str(f), "--no-llm")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"错误：{f}: 不是有效的 {'PDF' if suffix == '.pdf' else suffix} 文件（内容是纯文本：如是报告文字，请改为 .txt 文件后再审阅）"]
    binary = tmp_path / f"b{suffix}"
    binary.write_bytes(b"\x00\x01\x02 binary")
    assert "纯文本" not in run("review", str(binary), "--no-llm").stderr


def test_missing_file(tmp_path):
    result = run("review", str(tmp_path / "nope.docx"))
    assert result.returncode == 2 and "文件不存在" in result.stderr


@pytest.mark.parametrize(
    ("command", "target", "reason"),
    [
        (["review", "--format", "docx", "-o"], "missing/sub/r.docx", "所在文件夹不存在"),
        (["review", "--format", "json", "-o"], "missing/r.json", "所在文件夹不存在"),
        (["review", "--format", "xlsx", "-o"], "missing/r.xlsx", "所在文件夹不存在"),
        (["review", "-o"], ".", "这是一个文件夹"),
        (["batch", "--out"], "a_file", "已有同名文件"),
    ],
)
def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, command, target, reason):
    report = tmp_path / "r.txt"
    report.write_text(REPORT, encoding="utf-8")
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    result = run(command[0], str(report), "--no-llm", *command[1:], str(tmp_path / target))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("错误：") and str(tmp_path / target) in lines[0] and reason in lines[0]


def test_extract_text_and_json(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text(REPORT, encoding="utf-8")
    text = run("extract", str(f))
    assert "1、培训项目：10 | 20 | 25" in text.stdout
    data = json.loads(run("extract", str(f), "--format", "json").stdout)
    assert [line["label"] for line in data["basic_data"]["lines"]] == ["项目支出", "培训项目", "宣传项目"]


def test_rules_docs_are_current():
    generated = run("rules", "--markdown").stdout
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == generated, (
        "docs/rules.md is stale: run `reviewer rules --markdown > docs/rules.md`"
    )


def test_rules_listing_has_every_family():
    out = run("rules").stdout
    for family in ("SUM", "SCORE", "IND", "XREF", "TEXT"):
        assert f"\n{family}001" in "\n" + out


def test_rules_with_codes_explain_those_rules_in_any_case():
    out = run("rules", "sum005", "BATCH001").stdout
    # The line a finding's code is looked up by, then why the rule exists and its example, for each code asked for.
    assert out.startswith("SUM005 ") and "（错误，表内勾稽）" in out.splitlines()[0]
    assert "Example:" in out and "\nBATCH001 " in out and "仅批量审阅" in out
    assert "SUM006" not in out


def test_rules_with_an_unknown_code_say_so_on_one_line():
    result = run("rules", "SUM005", "XX9")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == ["错误：没有这条规则：XX9（`reviewer rules` 列出全部规则）"]


def test_an_output_file_without_format_is_written_in_the_format_its_extension_names(tmp_path):
    sample = str(ROOT / "samples" / "markdown_report.md")
    page, sheet, plain = tmp_path / "审阅.HTML", tmp_path / "问题.xlsx", tmp_path / "审阅.html"
    run("review", sample, "--no-llm", "-o", str(page))
    run("review", sample, "--no-llm", "-o", str(sheet))
    run("review", sample, "--no-llm", "-o", str(plain), "--format", "text")  # an explicit format wins
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sheet.read_bytes()[:2] == b"PK"
    assert plain.read_text(encoding="utf-8").startswith(sample)


def test_format_names_are_read_in_any_case():
    out = run("review", str(ROOT / "samples" / "markdown_report.md"), "--no-llm", "--format", "JSON").stdout
    assert json.loads(out)["schema_version"] == 1
