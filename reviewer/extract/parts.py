"""Split a Document into the parts of a report and say what each part is.

Parts: 基础数据表 (basic), 部门整体支出绩效自评表 (department), 项目支出绩效自评表
(project), the narrative 自评报告 (narrative). A part starts at its title
paragraph, or at a table whose first row names it when there is no title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reviewer.document import Document, Paragraph, Table
from reviewer.tables import TableReading, read_table, unit_stated

_ATTACHMENT = re.compile(r"^附件\s*([一二三四五六七八九十\d]+)\s*$")
_YEAR = re.compile(r"(20\d{2})\s*年")
# A year written in Chinese numerals (二〇二三年, 二零二三年度) reads as the same year in digits.
_CN_YEAR = re.compile(r"二[〇零○][〇零○一二三四五六七八九]{2}(?=\s*年)")
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")


def arabic_years(text: str) -> str:
    """``text`` with years in Chinese numerals (二〇二三年) written in digits (2023年); same length."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text) if "二" in text else text

PART_NAMES = {
    "basic": "基础数据表",
    "department": "部门整体支出绩效自评表",
    "project": "项目支出绩效自评表",
    "narrative": "自评报告",
    "preamble": "",
}


@dataclass
class Part:
    """A contiguous run of blocks that belongs to one part of the report."""

    kind: str  # basic | department | project | narrative | preamble
    title: str = ""
    attachment: str = ""  # "附件二" when the report numbers its attachments
    blocks: list = field(default_factory=list)
    # Readings made while classifying tables (no unit given), by table index: read once, used twice.
    readings: dict[int, TableReading] = field(default_factory=dict)

    @property
    def tables(self) -> list[Table]:
        """The part's tables."""
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The part's paragraphs."""
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def unit_above(self, table: Table) -> str | None:
        """The money unit stated in the paragraph just above a table ("单位：元"), if any."""
        index = next(i for i, b in enumerate(self.blocks) if b is table)
        above = self.blocks[index - 1] if index else None
        return unit_stated(above.text) if isinstance(above, Paragraph) else None

    def reading(self, table: Table) -> TableReading:
        """The table read with the money unit stated above it (the classifying reading when there is none)."""
        unit = self.unit_above(table)
        if unit is None and table.index in self.readings:
            return self.readings[table.index]
        return read_table(table, unit)

    @property
    def label(self) -> str:
        """Human prefix for locations inside this part."""
        name = PART_NAMES.get(self.kind, "")
        return " ".join(x for x in (self.attachment, name) if x)


def title_kind(text: str) -> str | None:
    """The part a title paragraph opens, if it is a part title.

    Forms are named many ways (项目支出绩效自评表, 部门预算项目支出绩效自评表,
    转移支付项目绩效自评表, 部门整体支出绩效评价自评表, 整体支出绩效评分表):
    a short line ending in 表 that speaks of 绩效 is a form, a project one
    when it names a 项目 or 转移支付, else a department one.
    """
    t = re.sub(r"\s+", "", text)
    if len(t) > 60:
        return None
    if "基础数据表" in t:
        return "basic"
    form = re.sub(r"[（(][^）)]*[)）]$", "", t)  # "…自评表（2024年度）"
    if "绩效" in form and form.endswith("表") and not form.endswith("附表"):
        if "项目" in form or "转移支付" in form:
            return "project"
        if any(w in form for w in ("部门", "单位", "整体", "机关")):
            return "department"
    if t.endswith(("自评报告", "评价报告", "自评价报告")) or (t.endswith("报告") and "绩效" in t):
        return "narrative"
    return None


def table_kind(table: Table, readings: dict[int, TableReading]) -> str | None:
    """Classify a table that has no title paragraph by its first rows and what it holds.

    A table naming a project (项目名称) opens a project form; a table holding a
    funds or indicator block opens a department form; a table of labels only
    (单位名称 | … in a narrative's 基本情况) opens nothing. A reading made to
    decide is kept in ``readings`` under the table's index.
    """
    head = "".join(c.text for row in table.rows[:3] for c in row)
    head = re.sub(r"\s+", "", head)
    if "财政供养人员" in head or "经费控制情况" in head:
        return "basic"
    if "项目支出名称" in head or "项目名称" in head:
        return "project"
    readings[table.index] = read_table(table)
    if any(b.kind in ("funds", "indicators") for b in readings[table.index].bands):
        return "department"
    return None


def segment(document: Document) -> list[Part]:
    """Split the document into parts in order."""
    parts: list[Part] = [Part(kind="preamble")]
    pending_attachment = ""
    readings: dict[int, TableReading] = {}
    for block in document.blocks:
        current = parts[-1]
        if isinstance(block, Paragraph):
            m = _ATTACHMENT.match(block.text.strip())
            if m:
                pending_attachment = f"附件{m.group(1)}"
                continue
            kind = title_kind(block.text)
            # The narrative repeats its title after the cover page: stay in the same part.
            if kind and not (kind == "narrative" and current.kind == "narrative"):
                attachment = pending_attachment or (current.attachment if kind == current.kind == "project" else "")
                parts.append(Part(kind=kind, title=block.text.strip(), attachment=attachment))
                pending_attachment = ""
                continue
            current.blocks.append(block)
            continue
        kind = table_kind(block, readings)
        starts_new = kind is not None and (
            current.kind in ("preamble", "narrative") or (kind == current.kind == "project" and current.tables)
        )
        if kind == "project" and current.kind == "project" and not current.tables:
            starts_new = False
        if starts_new:
            parts.append(Part(kind=kind, attachment=pending_attachment))
            pending_attachment = ""
        parts[-1].blocks.append(block)
    for part in parts:
        part.readings = readings
    return [p for p in parts if p.blocks or p.kind != "preamble"]


def years_in_titles(parts: list[Part]) -> list[int]:
    """Years named in part titles (2024年度…)."""
    years = []
    for p in parts:
        m = _YEAR.search(arabic_years(p.title))
        if m:
            years.append(int(m.group(1)))
    return years
