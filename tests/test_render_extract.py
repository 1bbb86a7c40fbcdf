"""`reviewer extract`'s dump: a goal written over several lines is shown on its line, cut with "…"."""

from __future__ import annotations

from reviewer.extract import extract
from reviewer.ingest import load_bytes
from reviewer.render.report import GOAL_CHARS, render_report_text

FORM = (
    "项目支出绩效自评表\n\n"
    "| 项目名称 | 村道养护 | 主管部门 | 某县交通运输局 |\n|---|---|---|---|\n"
    "| 年度总体目标 | 预期目标 | 实际完成情况 | |\n"
    "| | {expected} | 养护村道126公里 | |\n"
)


def _goal_line(expected: str) -> str:
    report = extract(load_bytes(FORM.format(expected=expected).encode(), "form.md", ".md"))
    (line,) = [ln for ln in render_report_text(report).splitlines() if "预期目标：" in ln]
    return line


def test_a_goal_over_several_lines_stays_on_its_line_and_a_long_one_is_marked_cut():
    two_lines = "养护村道120公里。<br><br>确保不发生重大安全事故。"
    assert _goal_line(two_lines) == "  预期目标：养护村道120公里。 确保不发生重大安全事故。"
    long = "养护村道" + "和桥梁" * 40 + "。"
    shown = _goal_line(long).removeprefix("  预期目标：")
    assert shown.endswith("…") and len(shown) == GOAL_CHARS + 1 and long.startswith(shown[:-1])
