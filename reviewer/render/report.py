"""A readable dump of the Report, so a reviewer can see what was understood."""

from __future__ import annotations

from reviewer.extract.forms import table_place
from reviewer.render.layout import first_words
from reviewer.report import FUNDS_COLUMN_LABELS, Report

GOAL_CHARS = 80  # of a goal's text shown, its lines joined; "…" marks the rest


def _v(q) -> str:
    return "" if q is None else q.raw.strip().replace("\n", " ")


def render_report_text(report: Report) -> str:
    """The Report as indented plain text."""
    out = [
        f"文件：{report.path}",
        f"格式：{report.template}",
        f"单位：{report.unit or '未识别'}　年度：{report.year or '未识别'}",
    ]
    data = report.basic_data
    if data:
        out.append("")
        out.append(f"【{data.title or '基础数据表'}】")
        staff = data.staff
        out.append("  人员：" + "，".join(f"{f.label} {_v(f.quantity)}" for f in (staff.quota, staff.actual, staff.control_rate) if f))
        out.append("  列：" + " | ".join(c.label for c in data.columns))
        for line in data.lines:
            indent = {"group": "  ", "item": "    ", "sub": "      "}[line.kind]
            out.append(f"{indent}{_label(line.raw_label)}：" + " | ".join(_v(v.quantity) or "—" for v in line.values))
    for e in report.evaluations:
        out.append("")
        out.append(f"【{e.label or e.title}】{e.name}")
        if e.funds:
            for row in e.funds.rows:
                cells = "，".join(f"{FUNDS_COLUMN_LABELS[k]} {_v(f.quantity)}" for k, f in row.cells.items() if _v(f.quantity))
                out.append(f"  资金 {_label(row.label)}：{cells}")
            for side, splits in (("按收入性质", e.funds.income_splits), ("按支出性质", e.funds.expense_splits)):
                if splits:
                    out.append(f"  {side}：" + "，".join(f"{f.label} {_v(f.quantity)}" for f in splits))
        if e.goal_expected:
            out.append(f"  预期目标：{first_words(e.goal_expected.text, GOAL_CHARS)}")
        if e.goal_actual:
            out.append(f"  实际完成：{first_words(e.goal_actual.text, GOAL_CHARS)}")
        if e.indicators:
            t = e.indicators
            points = "，".join(f"{f.label} {_v(f.quantity)}" for f in t.level1_points)
            out.append(f"  指标（{len(t.indicators)}项）{points}")
            for i in t.indicators:
                scores = f" 分值{_v(i.weight)} 得分{_v(i.score)}" if t.has_scores else ""
                out.append(f"    {i.level1}/{i.level2}/{i.level3}：目标 {_v(i.target)} → 实际 {_v(i.actual)}{scores}")
            if t.total_score:
                out.append(f"  总分：{_v(t.total_weight.quantity) if t.total_weight else ''} / {_v(t.total_score.quantity)}")
    if report.sections:
        out.append("")
        out.append("【自评报告章节】")
        for s in report.sections:
            out.append(f"{'  ' * s.level}{s.number}{s.title}（{len(s.paragraphs)}段）")
    if report.coverage:
        out.append("")
        out.append("【表格识别情况】")
        status = {"ok": "已读取并检查", "doubtful": "存疑，未检查", "unread": "未能识别，未检查"}
        for c in report.coverage:
            why = f"：{'；'.join(c.problems)}" if c.problems else ""
            out.append(f"  {table_place(c)} {c.part} 读作「{c.read_as}」— {status[c.status]}{why}")
    narrative = [f for f in report.facts if f.source == "narrative" and f.key]
    if narrative:
        out.append("")
        out.append("【报告文字中的数据】")
        for f in narrative:
            out.append(f"  {f.key}：{'否认' if f.polarity == 'denies' else _v(f.quantity)}　“{f.quote}”")
    return "\n".join(out) + "\n"


def _label(text: str) -> str:
    """A row label without the colon it may already end with ("项目支出：" → "项目支出"), so one colon follows it."""
    return text.strip().rstrip(":：").strip()
