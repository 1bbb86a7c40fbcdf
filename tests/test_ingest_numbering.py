"""Word automatic list numbering reaches the text: "一、" / "（一）" headings, decimal lists, style-bound lists."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import parse_xml

from reviewer.document import Location
from reviewer.extract import extract
from reviewer.finding import DocumentInfo, Evidence, Finding, Review
from reviewer.ingest import load_bytes
from reviewer.ingest.numbering import NUMBERING_RELTYPE, format_number
from reviewer.render.docx import render_docx
from tests.render_helpers import read_comments

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W}"'

# abstractNum 10: Chinese report headings; 20: a decimal list with a "%1.%2" second level;
# 30: bullets; 40: bound to the paragraph style "NumberedItem" (the style carries the numId).
NUMBERING = f"""<w:numbering {NS}>
  <w:abstractNum w:abstractNumId="10">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
      <w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
      <w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlText w:val="%3、"/><w:suff w:val="nothing"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="20">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>
      <w:suff w:val="space"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="30">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="40">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:pStyle w:val="NumberedItem"/>
      <w:lvlText w:val="%1"/><w:suff w:val="nothing"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="ideographTraditional"/>
      <w:lvlText w:val="%2."/><w:suff w:val="nothing"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="30"/></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="40"/></w:num>
  <w:num w:numId="5"><w:abstractNumId w:val="20"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
</w:numbering>"""

STYLE = f"""<w:style {NS} w:type="paragraph" w:styleId="NumberedItem">
  <w:name w:val="Numbered Item"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr>
</w:style>"""
# A style that only inherits its numbering from NumberedItem.
CHILD_STYLE = f"""<w:style {NS} w:type="paragraph" w:styleId="NumberedChild">
  <w:name w:val="Numbered Child"/><w:basedOn w:val="NumberedItem"/>
</w:style>"""

# (text, numId, ilvl, style id): numId None means no w:numPr on the paragraph.
BODY = [
    ("2024年度示范单位部门整体支出绩效自评报告", None, None, None),
    ("部门基本情况", "1", 0, None),
    ("基本支出情况", "1", 1, None),
    ("基本支出主要用于人员和日常运转。", None, None, None),
    ("项目支出情况", "1", 1, None),
    ("分项说明甲", "1", 2, None),
    ("分项说明乙", "1", 2, None),
    ("一般公共预算支出情况", "1", 0, None),
    ("收入情况", "1", 1, None),
    ("第一项措施", "2", 0, None),
    ("措施细目", "2", 1, None),
    ("措施细目二", "2", 1, None),
    ("第二项措施", "2", 0, None),
    ("要点", "3", 0, None),
    ("样式编号甲", None, None, "NumberedItem"),
    ("样式编号乙", None, None, "NumberedChild"),
    ("样式下级", None, 1, "NumberedItem"),
    ("关闭编号", "0", 0, "NumberedItem"),
    ("重新编号", "5", 0, None),
    ("", "1", 0, None),  # an empty numbered paragraph still takes 三、
    ("存在的问题及原因分析", "1", 0, None),
]

EXPECTED = [
    "2024年度示范单位部门整体支出绩效自评报告",
    "一、部门基本情况",
    "（一）基本支出情况",
    "基本支出主要用于人员和日常运转。",
    "（二）项目支出情况",
    "1、分项说明甲",
    "2、分项说明乙",
    "二、一般公共预算支出情况",
    "（一）收入情况",
    "1. 第一项措施",
    "1.1\t措施细目",
    "1.2\t措施细目二",
    "2. 第二项措施",
    "要点",
    "①样式编号甲",
    "②样式编号乙",
    "甲.样式下级",
    "关闭编号",
    "7. 重新编号",
    "四、存在的问题及原因分析",
    "（一）单元格甲",
    "（二）单元格乙",
]


def _paragraph(text: str, num_id: str | None, ilvl: int | None, style: str | None) -> str:
    """One w:p with optional style and numPr, its text in two runs."""
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num_id is not None or ilvl is not None:
        ilvl_xml = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
        num_xml = f'<w:numId w:val="{num_id}"/>' if num_id is not None else ""
        ppr += f"<w:numPr>{ilvl_xml}{num_xml}</w:numPr>"
    half = len(text) // 2
    runs = "".join(f"<w:r><w:t>{piece}</w:t></w:r>" for piece in (text[:half], text[half:]) if piece)
    return f"<w:p {NS}><w:pPr>{ppr}</w:pPr>{runs}</w:p>"


def build_numbered_docx() -> bytes:
    """A report whose headings and lists are numbered by Word, not typed, with a numbered table cell."""
    word = docx.Document()
    numbering = word.part.part_related_by(NUMBERING_RELTYPE).element
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(NUMBERING):
        numbering.append(child)
    word.styles.element.append(parse_xml(STYLE))
    word.styles.element.append(parse_xml(CHILD_STYLE))
    body = word.element.body
    sect = body[-1]
    for item in BODY:
        sect.addprevious(parse_xml(_paragraph(*item)))
    table = word.add_table(rows=1, cols=2)
    tc = table.cell(0, 0)._tc
    for child in tc.findall(f"{{{W}}}p"):
        tc.remove(child)
    tc.append(parse_xml(_paragraph("单元格甲", "1", 1, None)))
    tc.append(parse_xml(_paragraph("单元格乙", "1", 1, None)))
    table.cell(0, 1).text = "说明"
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_numbers_are_rendered_as_word_shows_them():
    doc = load_bytes(build_numbered_docx(), "numbered.docx", ".docx")
    paragraphs = [p.text for p in doc.paragraphs]
    cell = doc.tables[0].rows[0][0].text
    assert paragraphs + cell.split("\n") == EXPECTED
    assert doc.tables[0].rows[0][1].text == "说明"


def test_document_without_numbering_part_reads_plain_text():
    word = docx.Document()
    word.part.drop_rel(next(k for k, r in word.part.rels.items() if r.reltype == NUMBERING_RELTYPE))
    word.add_paragraph("一、部门基本情况")
    out = io.BytesIO()
    word.save(out)
    doc = load_bytes(out.getvalue(), "plain.docx", ".docx")
    assert [p.text for p in doc.paragraphs] == ["一、部门基本情况"]


@pytest.mark.parametrize(
    ("fmt", "values", "shown"),
    [
        ("chineseCounting", [1, 9, 10, 11, 20, 21, 100, 105, 110], ["一", "九", "十", "十一", "二十", "二十一", "一百",
                                                                     "一百零五", "一百一十"]),
        ("chineseCountingThousand", [3, 12, 1001], ["三", "十二", "一千零一"]),
        ("ideographTraditional", [1, 10, 11], ["甲", "癸", "甲"]),
        ("upperLetter", [1, 26, 27, 28], ["A", "Z", "AA", "BB"]),
        ("lowerLetter", [2], ["b"]),
        ("upperRoman", [4, 9, 1994], ["IV", "IX", "MCMXCIV"]),
        ("lowerRoman", [14], ["xiv"]),
        ("decimalEnclosedCircle", [1, 20, 21, 50, 51], ["①", "⑳", "㉑", "㊿", "51"]),
        ("decimal", [12], ["12"]),
        ("hebrew1", [5], ["5"]),  # an unsupported format falls back to decimal
    ],
)
def test_number_formats(fmt, values, shown):
    assert [format_number(v, fmt) for v in values] == shown


def test_extraction_sees_numbered_sections():
    report = extract(load_bytes(build_numbered_docx(), "numbered.docx", ".docx"))
    titles = [(s.number, s.title) for s in report.sections]
    assert titles[:5] == [
        ("一、", "部门基本情况"),
        ("（一）", "基本支出情况"),
        ("（二）", "项目支出情况"),
        ("二、", "一般公共预算支出情况"),
        ("（一）", "收入情况"),
    ]
    assert ("四、", "存在的问题及原因分析") in titles
    assert report.sections[1].paragraphs[0].text == "基本支出主要用于人员和日常运转。"


def _finding(rule: str, quote: str, block: int, start: int | None = None, end: int | None = None) -> Finding:
    """A finding with one quote located in ``block``."""
    return Finding(rule=rule, severity="info", category="form", message=f"检查{quote}",
                   evidence=[Evidence(quote=quote, loc=Location(block=block, start=start, end=end))])


def test_comments_anchor_on_numbered_paragraph_text():
    source = build_numbered_docx()
    doc = load_bytes(source, "numbered.docx", ".docx")
    index = {b.text: i for i, b in enumerate(doc.blocks) if b.kind == "paragraph"}
    heading = index["（二）项目支出情况"]
    item = index["1.1\t措施细目"]
    table_block = next(i for i, b in enumerate(doc.blocks) if b.kind == "table")
    text = doc.blocks[heading].text
    findings = [
        # Offsets counted in the ingested text, past the number that has no run.
        _finding("A1", "项目支出", heading, text.index("项目支出"), text.index("项目支出") + 4),
        # A quote that includes the number: the comment covers the paragraph's own text.
        _finding("A2", "（二）项目支出情况", heading, 0, len(text)),
        _finding("A3", "措施", item),  # quote only: searched in the numbered text
        _finding("A4", "（一）", heading - 2),  # only the number: falls back to the whole paragraph
    ]
    cell_finding = Finding(rule="A5", severity="info", category="form", message="单元格",
                           evidence=[Evidence(quote="单元格乙", loc=doc.blocks[table_block].rows[0][0].loc)])
    review = Review(document=DocumentInfo(path="numbered.docx", sha256="0" * 64),
                    findings=[*findings, cell_finding])
    comments = read_comments(render_docx(review, doc, source))
    anchors = {c["text"].split("]")[0].lstrip("["): c["anchor"] for c in comments.values()}
    assert anchors == {
        "A1": "项目支出",
        "A2": "项目支出情况",
        "A3": "措施",
        "A4": "基本支出情况",
        "A5": "单元格乙",
    }


def test_numbered_paragraph_in_a_text_box_does_not_advance_the_body_list():
    word = docx.Document()
    numbering = word.part.part_related_by(NUMBERING_RELTYPE).element
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(NUMBERING):
        numbering.append(child)
    box = _paragraph("文本框内", "1", 0, None)
    holder = (f'<w:p {NS} xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:pict><v:shape><v:textbox>'
              f"<w:txbxContent>{box}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
              "<w:r><w:t>正文</w:t></w:r></w:p>")
    sect = word.element.body[-1]
    for xml in (_paragraph("甲", "1", 0, None), holder, _paragraph("乙", "1", 0, None)):
        sect.addprevious(parse_xml(xml))
    out = io.BytesIO()
    word.save(out)
    doc = load_bytes(out.getvalue(), "box.docx", ".docx")
    assert [p.text for p in doc.paragraphs] == ["一、甲", "正文", "二、乙"]
