"""READ: what the reader could not read, so the reviewer knows what to check by hand."""

from __future__ import annotations

from reviewer.document import Location, row_place
from reviewer.finding import Evidence
from reviewer.extract.forms import table_place
from reviewer.report import Report
from reviewer.rules import Context, rule
from reviewer.rules.arithmetic import ev
from reviewer.rules.numbers import fmt
from reviewer.rules.scoring import lost_execution_points


@rule("READ001", "info", "form", "有表格未能可靠读取，未做检查")
def unread_tables(report: Report, ctx: Context):
    """Tables the reader did not understand, or whose reading failed a sanity check, are not checked.

    A block whose mapped columns contradict themselves (a 分值 of "≥95%",
    weights adding up to several hundred points) is left unchecked rather
    than reported on: a wrong error costs more than a missed one. Tables of
    figures in a layout nobody has described are listed too. One finding
    names them all, with their pages, so the reviewer checks them by hand.

    Example: 表3（第2页）绩效指标：分值列出现“≥95%” → info.
    """
    missed = [c for c in report.coverage if c.status != "ok"]
    if not missed:
        return
    described = []
    for c in missed:
        where = table_place(c)
        why = "；".join(c.problems) if c.problems else "版式未能识别"
        described.append(f"{where}{c.part and ' ' + c.part}：{why}")
    yield ctx.finding(
        f"以下{len(missed)}个表格未能可靠读取，其中的数字未做检查：" + "；".join(described),
        [Evidence(quote="", loc=c.loc.with_label(f"{c.part or '表格'} {row_place(c.loc)}")) for c in missed],
        suggestion="请人工核对这些表格；如是扫描件或图片，请提供 Word 或 Excel 版本。",
    )


@rule("READ002", "info", "form", "文件中有读取器无法读出的内容（如未计算的公式）")
def reader_warnings(report: Report, ctx: Context):
    """What the file reader could not read is said, not silently read as blank.

    An Excel workbook written by a script or WPS may hold formulas without
    their computed values; sums, rounding and the like are computed, others
    keep their formula text (unknown: the totals they belong to are not
    checked) and are named here with their cells so the reviewer can check them. Hidden rows
    are named the same way, and so is a line of a Word text export that may
    be a cell's text or a title between two tables, with how it was read.

    Example: 工作表「自评表」的公式没有保存计算结果，也无法计算，按公式原文读取，不参与核对：D5（=VLOOKUP(…)：不支持函数 VLOOKUP） → info.
    """
    for warning in report.reader_warnings:
        yield ctx.finding(warning, [Evidence(quote="", loc=Location(label="文件"))],
                          suggestion="人工核对所列内容；公式没有计算结果的，可在 Excel 中打开并保存一次（让公式算出结果）后重新审阅。")


@rule("READ003", "info", "form", "表单的预算执行率部分未能读取，分值与总分未核对")
def lost_execution_part(report: Report, ctx: Context):
    """A scored form read without its funds total row, whose weights fall short of its total by an 执行率 share.

    The 年度资金总额 row carries the 预算执行率's 分值 and 得分. When a PDF
    page break cuts the form inside its funds block, or the block stands in
    a table of its own that was read as something else, the indicators'
    weights fall short of the stated total by exactly those points (10, or 20
    in some provinces). SCORE001 and SCORE005 then stay silent rather than
    report a sound form as wrong; this note says so, for a check by hand.

    Example: 指标分值50 + 30 + 10 = 90分，总分分值100分，未读到年度资金总额行 → info.
    """
    for e in report.evaluations:
        lost = lost_execution_points(e)
        if lost is None:
            continue
        stated, total, shortfall = lost
        table = e.indicators
        where = [ev(table.total_weight)] if table.total_weight is not None else [Evidence(quote="", loc=table.loc)]
        yield ctx.finding(
            f"{e.display}未读到预算执行率部分（年度资金总额行）：各指标分值合计{fmt(total)}分，比总分分值{fmt(stated)}分"
            f"少{fmt(shortfall)}分，恰为预算执行率的分值；分值合计与总分未做核对",
            where,
            suggestion="请人工核对该表的资金部分（可能被分页截断，或单独成表）。",
        )
