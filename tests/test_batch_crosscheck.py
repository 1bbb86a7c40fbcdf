"""Cross-document checks: shared paragraphs across units (BATCH001) and last year's 决算 (BATCH002)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.batch_helpers import SHARED, report_text, write

from reviewer.batch import BatchOptions, run_batch
from reviewer.crosscheck import Features, run_crosschecks
from reviewer.document import Location
from reviewer.report import TextSpan
from reviewer.rules import Settings

OTHER = (
    "本年度我们重点抓好基层站所标准化建设，新建改建站所用房四处，配齐办公设备，服务群众的能力和水平得到明显提升；"
    "同时组织业务骨干赴周边县市学习交流两次，建立站所工作月调度制度和首问负责制度，群众办事平均等候时间明显缩短。"
)
# The sentence the 财政 notice prescribes: every unit writes it without copying another.
PRESCRIBED = "自评结果将作为下一年度预算安排的重要依据，并于次年6月底前在县人民政府门户网站向社会公开。"


def _findings(result, name: str, rule: str):
    outcome = next(o for o in result.outcomes if Path(o.source.display).name == name)
    return [f for f in outcome.review.findings if f.rule == rule]


def test_same_paragraph_in_two_units_reports_is_flagged_on_both(tmp_path):
    write(tmp_path / "a.txt", report_text("寅县农业局", 2024, paragraphs=(SHARED, OTHER)))
    write(tmp_path / "b.txt", report_text("寅县林业局", 2024, paragraphs=("  " + SHARED.replace("，", ", ", 1),)))
    write(tmp_path / "c.txt", report_text("寅县水利局", 2024))
    result = run_batch([str(tmp_path)], None, BatchOptions())
    (a,) = _findings(result, "a.txt", "BATCH001")
    (b,) = _findings(result, "b.txt", "BATCH001")
    # 106: SHARED's characters, its punctuation not counted
    assert a.message == "有1段文字（共106字）与「寅县林业局」2024年报告（b.txt）完全相同，可能套用了其他单位的报告"
    assert a.severity == "warning" and a.evidence[0].quote == SHARED and a.evidence[0].loc.block is not None
    assert "「寅县农业局」2024年报告（a.txt）" in b.message
    assert _findings(result, "c.txt", "BATCH001") == []


def test_same_unit_in_two_years_and_short_or_instruction_text_are_not_flagged(tmp_path):
    write(tmp_path / "2023.txt", report_text("卯县审计局", 2023, paragraphs=(SHARED,)))
    write(tmp_path / "2024.txt", report_text("卯县审计局", 2024, last=("30", "10", "20", "5"), paragraphs=(SHARED,)))
    note = "说明：“项目支出”需要填报基本支出以外的所有项目支出情况，“公用经费”填报基本支出中的一般商品和服务支出，请各单位如实填写。"
    write(tmp_path / "x.txt", report_text("卯县统计局", 2024, paragraphs=(note, "短句相同也无妨。")))
    write(tmp_path / "y.txt", report_text("卯县档案局", 2024, paragraphs=(note, "短句相同也无妨。")))
    result = run_batch([str(tmp_path)], None, BatchOptions())
    assert all(f.rule != "BATCH001" for r in result.reviews for f in r.findings)


def test_one_prescribed_sentence_is_not_copying_but_two_shared_paragraphs_are():
    halves = ("部分项目前期论证不够充分，审批周期较长，上半年支出进度仅完成全年的三成，下半年集中支付压力较大。",
              "绩效目标设置偏笼统，量化指标较少，难以准确衡量资金使用效果，下一步将加强项目库管理和绩效目标审核。")
    assert all(40 <= len(h) < 100 for h in halves) and len(PRESCRIBED) < 100
    assert run_crosschecks([_features("寅县农业局", PRESCRIBED), _features("寅县林业局", PRESCRIBED)], Settings()) == [[], []]
    both = [Features(path=f"{unit}.txt", unit=unit, year=2024,
                     texts=[TextSpan(text=text, loc=Location(block=n)) for n, text in enumerate((PRESCRIBED, *halves), 1)])
            for unit in ("寅县农业局", "寅县林业局")]
    (a,), (b,) = run_crosschecks(both, Settings())
    assert [e.quote for e in a.evidence] == [PRESCRIBED, *halves] and a.message.startswith("有3段文字（共")


def _features(unit: str, text: str) -> Features:
    return Features(path=f"{unit}.txt", unit=unit, year=2024, texts=[TextSpan(text=text, loc=Location(block=1))])


def test_text_shared_by_most_units_of_a_large_batch_is_template_wording():
    features = [_features(f"单位{i}", SHARED) for i in range(4)] + [_features(f"单位{i}", OTHER) for i in range(4, 6)]
    flagged = run_crosschecks(features, Settings())
    assert [len(f) for f in flagged] == [0, 0, 0, 0, 1, 1]  # 4 of 6 units share SHARED: template; OTHER: 2 of 6
    small = run_crosschecks(features[:2], Settings())
    assert [len(f) for f in small] == [1, 1]


def test_reports_whose_unit_is_unknown_are_not_another_unit():
    # Two versions of one report, its unit not read: the same text is not "copied from another unit".
    versions = [Features(path=name, unit=None, year=2024, texts=[TextSpan(text=SHARED, loc=Location(block=1))])
                for name in ("报告.txt", "报告（修改稿）.txt")]
    assert run_crosschecks(versions, Settings()) == [[], []]
    assert run_crosschecks([versions[0], _features("寅县林业局", SHARED)], Settings()) == [[], []]
    # Known units still are.
    assert [len(f) for f in run_crosschecks([_features("寅县农业局", SHARED), _features("寅县林业局", SHARED)], Settings())] == [1, 1]


def test_last_years_actuals_must_match_last_years_report(tmp_path):
    write(tmp_path / "辰局2023.txt", report_text("辰县交通局", 2023, actual=("31", "11", "20", "5.50")))
    write(tmp_path / "辰局2024.txt", report_text("辰县交通局", 2024, last=("31", "11", "20", "5.5")))
    write(tmp_path / "巳局2023.txt", report_text("巳县交通局", 2023, actual=("30", "10", "20", "5")))
    write(tmp_path / "巳局2024.txt", report_text("巳县交通局", 2024, last=("33.40", "13.4", "20", "5")))
    out = tmp_path / "out"
    run_batch([str(tmp_path)], out, BatchOptions())

    def written(stem: str) -> list[dict]:
        findings = json.loads((out / f"{stem}.审阅.json").read_text(encoding="utf-8"))["findings"]
        return [f for f in findings if f["rule"] == "BATCH002"]

    assert written("辰局2024") == []  # 5.50 and 5.5 are the same figure
    found = written("巳局2024")
    assert [f["message"] for f in found] == [
        "基础数据表「项目支出」2023 年决算数33.4万元，与「巳县交通局」2023年报告（巳局2023.txt）中的2023年决算数30万元不一致（差3.4万元）",
        "基础数据表「培训项目」2023 年决算数13.4万元，与「巳县交通局」2023年报告（巳局2023.txt）中的2023年决算数10万元不一致（差3.4万元）",
    ]
    assert found[0]["severity"] == "error" and found[0]["evidence"][0]["quote"] == "33.40"
    assert found[0]["evidence"][0]["loc"]["label"].startswith("附件一 基础数据表")
    assert written("巳局2023") == []
    row = next(r for r in json.loads((out / "summary.json").read_text(encoding="utf-8"))["documents"] if r["path"].endswith("巳局2024.txt"))
    assert row["summary"]["error"] == 2 and [i["rule"] for i in row["top_issues"][:2]] == ["BATCH002", "BATCH002"]


def test_batch_rules_follow_select_ignore_and_severity(tmp_path):
    write(tmp_path / "2023.txt", report_text("午县民政局", 2023))
    write(tmp_path / "2024.txt", report_text("午县民政局", 2024, last=("99", "79", "20", "5")))
    ignored = run_batch([str(tmp_path)], None, BatchOptions(settings=Settings(ignore=["BATCH"])))
    assert all(f.rule != "BATCH002" for r in ignored.reviews for f in r.findings)
    softened = run_batch([str(tmp_path)], None, BatchOptions(settings=Settings(severity={"BATCH002": "info"})))
    assert {f.severity for r in softened.reviews for f in r.findings if f.rule == "BATCH002"} == {"info"}
