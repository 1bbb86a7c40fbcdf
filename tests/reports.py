"""Build small synthetic reports in the Word-export text layout for rule tests."""

from __future__ import annotations

from reviewer.extract import extract
from reviewer.ingest.text import read_text
from reviewer.report import Report
from reviewer.rules import Settings, run_rules


def word_rows(rows: list[list[str]]) -> str:
    """Rows of cells in the cell-per-line layout (tab-prefixed cells, blank line ends a row), to stand inside a table."""
    return "".join("".join(f"\t{c}\n" for c in row) + "\n" for row in rows)


def table(rows: list[list[str]]) -> str:
    """A whole table in the cell-per-line layout: its rows, then the blank line that ends it."""
    return word_rows(rows) + "\n"


def basic_data(lines: list[list[str]], staff=("25", "14", "56%"), year=2024) -> str:
    """附件一 with staffing and expense lines (each line: label, 3 values)."""
    return (
        "附件一\n\n"
        f"{year}年度部门整体支出绩效评价基础数据表\n"
        + table(
            [
                ["财政供养人员情况（人）", "编制数", f"{year} 年实际在职人数", "控制率"],
                ["", *staff],
                ["经费控制情况（万元）", f"{year - 1} 年决算数", f"{year} 年预算数", f"{year} 年决算数"],
                *lines,
            ]
        )
        + f"\n填表人：张三 填报日期：{year + 1}年6月1日 联系电话：0731-1234567\n\n"
    )


FUNDS_HEADER = ["年度预算申请（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "自评得分"]
INDICATOR_HEADER = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "自评得分", "偏差原因分析及改进措施"]


def department_form(
    indicators: list[list[str]],
    total: tuple[str, str] = ("100", "100"),
    funds: tuple[str, ...] = ("100", "100", "100", "10", "100%", "10"),
    splits: list[list[str]] | None = None,
    year=2024,
    unit="青溪县测试局",
) -> str:
    """附件二 部门整体支出绩效自评表 with funds, optional splits and indicator rows."""
    rows = [
        ["预算部门、单位名称", unit],
        FUNDS_HEADER,
        ["", "年度资金总额", *funds],
    ]
    if splits:
        rows.append(["", "按收入性质分：", "按支出性质分："])
        rows.extend(splits)
    rows += [
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", "完成年度工作任务。", "完成了年度工作任务。"],
        INDICATOR_HEADER,
        *indicators,
        ["总分", *total, ""],
    ]
    return (
        f"附件二\n\n{year}年度部门整体支出绩效自评表\n"
        + table(rows)
        + f"\n填表人：张三 填报日期：{year + 1}年6月1日 联系电话：0731-1234567\n\n"
    )


def standard_indicators(scores=("20", "20", "10", "30", "10")) -> list[list[str]]:
    """Five indicators weighted 20/20/10 (产出 50), 30 (效益), 10 (满意度)."""
    s = scores
    return [
        ["", "产出指标(50 分)", "数量指标", "培训场次", "≥10次", "12次", "20", s[0], "无"],
        ["", "", "质量指标", "合格率", "≥95%", "97%", "20", s[1], "无"],
        ["", "", "时效指标", "完成时间", "2024年12月前", "2024年11月完成", "10", s[2], "无"],
        ["", "效益指标(30 分)", "社会效益指标", "受训人数", "≥500人", "520人", "30", s[3], "无"],
        ["", "满意度指标(10 分)", "服务对象满意度指标", "学员满意度", "≥90%", "93.5%", "10", s[4], "无"],
    ]


def narrative(sections: dict[str, str], year=2024, unit="青溪县测试局") -> str:
    """附件四 narrative: {heading: body}."""
    out = f"附件四\n\n{year}年度{unit}整体支出绩效自评报告\n\n"
    for heading, body in sections.items():
        out += f"{heading}\n\n{body}\n\n"
    return out


def review_text(text: str, settings: Settings | None = None) -> tuple[Report, list]:
    """Extract and run the rules on a synthetic report."""
    report = extract(read_text(text, "test.txt", "0" * 64))
    return report, run_rules(report, settings)


def codes(findings) -> list[str]:
    """The rule codes of findings, sorted."""
    return sorted(f.rule for f in findings)


def full_narrative(extra: dict[str, str] | None = None, year=2024, unit="青溪县测试局") -> str:
    """A narrative with all ten standard sections; ``extra`` replaces bodies by heading."""
    sections = {
        "一、部门基本情况": "本部门负责全县职业技能培训工作。",
        "二、一般公共预算支出情况": f"{year}年本部门一般公共预算拨款支出按计划执行。",
        "三、政府性基金预算支出情况": f"{year}年本部门无政府性基金安排支出。",
        "四、国有资本经营预算支出情况": f"{year}年度无国有资本经营预算财政拨款支出。",
        "五、社会保险基金预算支出情况": "社会保险缴费按规定执行。",
        "六、部门整体支出绩效情况": "各项指标均已完成，学员满意度经问卷调查为93.5%。",
        "七、存在的问题及原因分析": "培训场地紧张，部分课程时间安排较集中。",
        "八、下一步改进措施": "协调增加培训场地，均衡安排课程。",
        "九、部门整体支出绩效自评结果拟应用和公开情况": "自评结果在门户网站公开。",
        "十、其他需要说明的情况": "无。",
    }
    sections.update(extra or {})
    return narrative(sections, year=year, unit=unit)
