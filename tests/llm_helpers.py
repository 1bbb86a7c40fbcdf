"""A small self-written report, built directly as Document and Report objects, for LLM-stage tests."""

from __future__ import annotations

from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.quantity import parse_quantity
from reviewer.report import Fact, Report, Section, TextSpan

TABLE_ROWS = [
    ["项目", "2024年预算数", "2024年决算数"],
    ["基本支出", "140", "152.25"],
    ["项目支出", "300", "326.50"],
    ["政府性基金", "0", "12"],
]
PARAGRAPHS = [
    "附件一 基础数据表",
    None,  # the table
    "填表人：李春梅 填报日期：2025年6月3日 联系电话：13907340001",
    "一、部门基本情况",
    "本单位核定编制数20名，现有在职人员18人。联系人：李春梅。",
    "二、一般公共预算支出情况",
    "2024年本单位基本支出150.25万元，项目支出326.5万元，合计478.75万元，项目支出占68.5%。",
    "三、政府性基金预算支出情况",
    "2024年本单位无政府性基金安排支出。",
    "四、部门整体支出绩效情况",
    "本年度无超预算支出，预算执行率100%。社会保险缴费18.42万元。",
    "我局2019年在全市交通运输工作中获评先进单位。",
]


def sample_document(filler: int = 0) -> Document:
    """Paragraphs and one table; ``filler`` more paragraphs of plain work description at the end."""
    blocks = []
    extra = [f"第{i}项重点工作按照年初计划稳步推进，各环节衔接顺畅，取得了预期成效。" * 4 for i in range(1, filler + 1)]
    for number, text in enumerate(PARAGRAPHS + extra):
        if text is None:
            rows = [
                [Cell(text=t, row=r, col=c, loc=Location(block=number, table=0, row=r, col=c)) for c, t in enumerate(row)]
                for r, row in enumerate(TABLE_ROWS)
            ]
            blocks.append(Table(index=0, rows=rows, loc=Location(block=number, table=0)))
        else:
            blocks.append(Paragraph(text=text, loc=Location(block=number, line=number + 1)))
    return Document(path="sample.txt", sha256="0" * 64, format="text-cells", blocks=blocks)


def fact(key, raw, measure=None, year=2024, part="附件一 基础数据表", row=0, col=0, source="table", label=None):
    """A table fact located in the sample table."""
    return Fact(
        label=label or key,
        key=key,
        quantity=parse_quantity(raw),
        measure=measure,
        year=year,
        part=part,
        source=source,
        quote=raw,
        loc=Location(block=1, table=0, row=row, col=col, label=f"{part} 第{row + 1}行「{label or key}」"),
    )


def sample_facts() -> list[Fact]:
    """The sample's facts: some agree with the narrative, some do not."""
    return [
        fact("编制数", "20"),
        fact("在职人数", "18", measure="实有"),
        fact("基本支出", "140", measure="预算", row=1, col=1),
        fact("基本支出", "152.25", measure="决算", row=1, col=2),
        fact("项目支出", "300", measure="预算", row=2, col=1),
        fact("项目支出", "326.50", measure="决算", row=2, col=2),
        fact("项目支出", "280", measure="决算", year=2023, row=2, col=2),
        fact("政府性基金", "0", measure="预算", row=3, col=1),
        fact("政府性基金", "12", measure="决算", row=3, col=2),
        fact("年度资金总额", "476.75", measure="预算", part="附件二 部门整体支出绩效自评表"),
        fact("年度资金总额", "478.75", measure="执行", part="附件二 部门整体支出绩效自评表"),
        fact("执行率", "100.4%", measure="执行率", part="附件二 部门整体支出绩效自评表"),
        fact("社会保险基金", "18.423", part="附件二 部门整体支出绩效自评表"),
        fact("执行率", "81%", measure="执行率", part="项目「信息化运维」"),
        fact("项目支出", "326.5万元", part="报告", source="narrative"),
    ]


def sample_report(document: Document | None = None) -> Report:
    """The Report extraction would give for the sample (sections, facts, unit and year)."""
    document = document or sample_document()
    sections = []
    current = None
    for block in document.blocks:
        if not isinstance(block, Paragraph) or block.loc.block < 3:
            continue
        if block.text[:2] in ("一、", "二、", "三、", "四、"):
            current = Section(number=block.text[:2], title=block.text[2:], loc=block.loc)
            sections.append(current)
        elif current is not None:
            current.paragraphs.append(TextSpan(text=block.text, loc=block.loc))
    return Report(
        path=document.path,
        sha256=document.sha256,
        format=document.format,
        unit="示例县交通运输局",
        year=2024,
        sections=sections,
        facts=sample_facts(),
    )
