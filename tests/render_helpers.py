"""Shared fixtures for the renderer tests: a small report built in code as a .docx and as a Document."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from lxml import etree

from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.finding import DocumentInfo, Evidence, Finding, Rejected, Review

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

TITLE = "2024年度部门整体支出绩效自评报告"
HEADING = "一、部门基本情况"
# Written in several runs so that quotes straddle run boundaries.
NARRATIVE_RUNS = ["本单位2024年度项目支出", "471", ".28万元，无政府性", "基金安排支出，预算执行率为100%。"]
NARRATIVE = "".join(NARRATIVE_RUNS)
HOSTILE = "<script>alert('x')</script> & \"引号\" 'single' |管道|"
NOTE_PARAS = ["第一段说明", "第二段 <b>&\"x\""]
NOTE = "\n".join(NOTE_PARAS)

# Table rows as the docx ingester reports them: one entry per w:tc.
# (text, colspan, rowspan, continued)
TABLE_ROWS = [
    [("项目", 1, 1, False), ("预算数", 2, 1, False), ("得分", 1, 1, False)],
    [("项目支出", 1, 2, False), ("全年", 1, 1, False), ("执行", 1, 1, False), ("10", 1, 1, False)],
    [("", 1, 1, True), ("426", 1, 1, False), ("471.28", 1, 1, False), ("12", 1, 1, False)],
    [("备注", 1, 1, False), (NOTE, 1, 1, False), ("", 1, 1, False), ("0", 1, 1, False)],
]


def build_sample_docx() -> bytes:
    """The sample report as a real .docx: styled title, an empty paragraph, multi-run text, merged cells."""
    word = docx.Document()
    word.add_paragraph(TITLE, style="Heading 1")
    word.add_paragraph("")  # empty paragraphs are not blocks
    word.add_paragraph(HEADING)
    para = word.add_paragraph()
    for n, text in enumerate(NARRATIVE_RUNS):
        run = para.add_run(text)
        run.bold = n % 2 == 1
    table = word.add_table(rows=4, cols=4)
    table.style = word.styles["Table Grid"]
    table.cell(0, 1).merge(table.cell(0, 2))
    table.cell(1, 0).merge(table.cell(2, 0))
    grid = {(0, 0): "项目", (0, 1): "预算数", (0, 3): "得分", (1, 0): "项目支出", (1, 1): "全年", (1, 2): "执行",
            (1, 3): "10", (2, 1): "426", (2, 2): "471.28", (2, 3): "12", (3, 0): "备注", (3, 3): "0"}
    for (r, c), text in grid.items():
        table.cell(r, c).text = text
    note = table.cell(3, 1)
    note.text = NOTE_PARAS[0]
    note.add_paragraph(NOTE_PARAS[1])
    word.add_paragraph("  " + HOSTILE)  # leading blanks: the ingester strips them, offsets shift
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def sample_document(fmt: str = "docx", path: str = "样例.docx") -> Document:
    """The Document a docx ingester produces for build_sample_docx()."""
    blocks: list = [
        Paragraph(text=TITLE, style="Heading 1", loc=Location(block=0, label="标题")),
        Paragraph(text=HEADING, loc=Location(block=1)),
        Paragraph(text=NARRATIVE, loc=Location(block=2)),
    ]
    rows = []
    for r, row in enumerate(TABLE_ROWS):
        cells = []
        grid_col = 0
        for c, (text, colspan, rowspan, continued) in enumerate(row):
            cells.append(Cell(text=text, row=r, col=c, grid_col=grid_col, colspan=colspan, rowspan=rowspan,
                              continued=continued, loc=Location(block=3, table=0, row=r, col=c)))
            grid_col += colspan
        rows.append(cells)
    blocks.append(Table(index=0, rows=rows, loc=Location(block=3, table=0)))
    blocks.append(Paragraph(text=HOSTILE, loc=Location(block=4)))
    return Document(path=path, sha256="0" * 64, format=fmt, blocks=blocks)


def cell_loc(row: int, col: int, label: str = "") -> Location:
    """Location of a cell of the sample table."""
    return Location(block=3, table=0, row=row, col=col, label=label)


def sample_review(path: str = "样例.docx") -> Review:
    """Findings of every shape: cell, span, quote only, empty cell, multi-paragraph cell, unlocated, hostile."""
    start = NARRATIVE.index("471.28万元")
    findings = [
        Finding(rule="A101", severity="error", category="arithmetic", message="项目支出执行数471.28万元高于预算426万元",
                evidence=[Evidence(quote="471.28", loc=cell_loc(2, 2, "附件二 自评表 第3行「执行」"))],
                expected="≤426", actual="471.28", suggestion="核对执行数"),
        Finding(rule="C201", severity="warning", category="crossref", message="文字所述项目支出与表格不一致",
                evidence=[Evidence(quote="471.28万元", loc=Location(block=2, start=start, end=start + 8)),
                          Evidence(quote="426", loc=cell_loc(2, 1, "附件二 自评表 第3行「全年」"))]),
        Finding(rule="S301", severity="error", category="scoring", message="得分12超过分值10",
                evidence=[Evidence(quote="12", loc=cell_loc(2, 3))], expected="≤10", actual="12"),
        Finding(rule="N401", severity="warning", category="narrative", message="称无政府性基金，需核对",
                evidence=[Evidence(quote="政府性基金", loc=Location(block=2))], source="llm", verification="unverified"),
        Finding(rule="F501", severity="info", category="form", message="缺少“九、绩效自评结果拟应用和公开情况”"),
        Finding(rule="I601", severity="warning", category="indicator", message="实际完成值为空",
                evidence=[Evidence(quote="", loc=cell_loc(3, 2))]),
        Finding(rule="F502", severity="info", category="form", message="备注第二段含有标记 <b>",
                evidence=[Evidence(quote="第二段", loc=cell_loc(3, 1))]),
        Finding(rule="X901", severity="error", category="form", message="正文含脚本 <script> & \"引号\"",
                evidence=[Evidence(quote="<script>", loc=Location(block=4, start=0, end=8))], suggestion="删除 <script> 标记"),
    ]
    rejected = [Rejected(candidate={"rule": "L001", "message": "候选 <img src=x onerror=alert(1)>", "quote": "虚构"},
                         reason="引文在原文中找不到 & 数字不符")]
    info = DocumentInfo(path=path, sha256="0" * 64, unit="示例单位", year=2024, template="湖南")
    return Review(document=info, findings=findings, rejected=rejected)


def located(review: Review) -> list[Finding]:
    """Findings that have at least one evidence location."""
    return [f for f in review.findings if any(e.loc for e in f.evidence)]


def read_comments(docx_bytes: bytes) -> dict[str, dict[str, str]]:
    """Comments read back from the package: id -> {text, author, initials, anchor}.

    ``anchor`` is the document text between the comment's commentRangeStart and
    commentRangeEnd, paragraphs joined by newlines.
    """
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        comments_xml = etree.fromstring(z.read("word/comments.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
    out: dict[str, dict[str, str]] = {}
    for c in comments_xml.iter(f"{{{W}}}comment"):
        paras = ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in c.iter(f"{{{W}}}p")]
        out[c.get(f"{{{W}}}id")] = {"text": "\n".join(paras), "author": c.get(f"{{{W}}}author"),
                                    "initials": c.get(f"{{{W}}}initials"), "anchor": ""}
    active: list[str] = []
    started: set[str] = set()
    for el in body.iter():
        tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if tag == "commentRangeStart":
            active.append(el.get(f"{{{W}}}id"))
            started.add(el.get(f"{{{W}}}id"))
        elif tag == "commentRangeEnd":
            active.remove(el.get(f"{{{W}}}id"))
        elif tag == "p":
            for cid in active:
                if out[cid]["anchor"]:
                    out[cid]["anchor"] += "\n"
        elif tag == "t":
            for cid in active:
                out[cid]["anchor"] += el.text or ""
    assert started == set(out), "every comment has a range in document.xml"
    assert not active, "every comment range is closed"
    return out


def docx_from_document(document: Document) -> bytes:
    """Write a Document (e.g. a seed read by the text ingester) as a .docx, text split into several runs."""
    word = docx.Document()
    for block in document.blocks:
        if isinstance(block, Paragraph):
            para = word.add_paragraph()
            for n, piece in enumerate(re.findall(r".{1,7}", block.text, flags=re.S)):
                para.add_run(piece).italic = n % 2 == 1
            continue
        width = max((len(r) for r in block.rows), default=0)
        if not width:
            continue
        table = word.add_table(rows=len(block.rows), cols=width)
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell.text
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()

