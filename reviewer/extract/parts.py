"""Split a Document into the parts of a report and say what each part is.

Parts: 基础数据表 (basic), 部门整体支出绩效自评表 (department), 项目支出绩效自评表
(project), the narrative 自评报告 (narrative). A part starts at its title
paragraph, or at a table whose first row names it when there is no title, or
inside a table where a second form begins without a title of its own (see
:func:`form_starts`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from reviewer.document import Document, Paragraph, Table
from reviewer.extract.narrative import heading
from reviewer.tables import TableReading, read_table, unit_stated
from reviewer.tables.grid import is_number, read_points
from reviewer.tables.vocabulary import column_role, squash

_ATTACHMENT = re.compile(r"^附件\s*([一二三四五六七八九十\d]+)\s*$")
_YEAR = re.compile(r"(20\d{2})\s*年")
# A year written in Chinese numerals (二〇二三年, 二零二三年度) reads as the same year in digits.
_CN_YEAR = re.compile(r"二[〇零○][〇零○一二三四五六七八九]{2}(?=\s*年)")
_SPACES = re.compile(r"\s+")
_BRACKETED_TAIL = re.compile(r"[（(][^）)]*[)）]$")
_COLON_AND_MORE = re.compile("[:：].")
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
    # Each table's reading made while segmenting, by id() of the table (none for a 基础数据表's, read cell by cell).
    readings: dict[int, TableReading] = field(default_factory=dict)

    @property
    def tables(self) -> list[Table]:
        """The part's tables."""
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The part's paragraphs."""
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def unit_at_end(self) -> str | None:
        """The money unit its last block states when that is a paragraph ("单位：元"): the unit of a table added now."""
        last = self.blocks[-1] if self.blocks else None
        return unit_stated(last.text) if isinstance(last, Paragraph) else None

    def reading(self, table: Table) -> TableReading:
        """The reading of one of the part's tables, in the unit stated above it (see :func:`segment`)."""
        return self.readings[id(table)]

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
    t = _SPACES.sub("", text)
    if len(t) > 60:
        return None
    if "基础数据表" in t:
        return "basic"
    form = _BRACKETED_TAIL.sub("", t)  # "…自评表（2024年度）"
    if "绩效" in form and form.endswith("表") and not form.endswith("附表"):
        if "项目" in form or "转移支付" in form:
            return "project"
        if any(w in form for w in ("部门", "单位", "整体", "机关")):
            return "department"
    if t.endswith(("自评报告", "评价报告", "自评价报告")) or (t.endswith("报告") and "绩效" in t):
        return "narrative"
    # A submission letter: "关于报送2024年度部门整体支出绩效自评报告的函" carries the report itself.
    if t.startswith("关于") and t.endswith("函") and "绩效" in t and "报告" in t:
        return "narrative"
    return None


def table_kind(table: Table, reading: Callable[[], TableReading]) -> str | None:
    """Classify a table that has no title paragraph by its first rows and what it holds.

    A table naming a project (项目名称) opens a project form; a table holding a
    funds or indicator block opens a department form; a table of labels only
    (单位名称 | … in a narrative's 基本情况) opens nothing. ``reading`` gives the
    table's reading, asked for only when the first rows do not tell.
    """
    head = "".join(c.text for row in table.rows[:3] for c in row)
    head = _SPACES.sub("", head)
    if "财政供养人员" in head or "经费控制情况" in head:
        return "basic"
    if "项目支出名称" in head or "项目名称" in head:
        return "project"
    if any(b.kind in ("funds", "indicators") for b in reading().bands):
        return "department"
    return None


# The first labels of a form: its name and units ("项目名称 | …", "预算部门 | …"). Project forms name a
# project; a form naming only a department or unit is a department form.
_PROJECT_LABELS = ("项目名称", "项目支出名称", "转移支付名称", "转移支付(项目)名称")
_UNIT_LABELS = ("主管部门", "实施单位", "预算部门", "部门名称", "单位名称", "部门(单位)名称", "项目单位")
_DEPARTMENT_LABELS = ("预算部门", "部门名称", "单位名称", "部门(单位)名称")
_IDENTITY_LABELS = _PROJECT_LABELS + _UNIT_LABELS


@dataclass
class Body:
    """What the form being read has shown so far: its funds block, indicator block and total row."""

    funds: bool = False
    indicators: bool = False
    total: bool = False


def _identity(row: list) -> str | None:
    """The label of a row naming the form or its units ("项目名称 | 乡村道路", "实施单位：县交通局"), else None.

    A header row of units ("单位名称 | 预算数 | 执行数") names columns, not a form.
    """
    first = next((c.text for c in row if c.text.strip()), "")
    if not squash(first).startswith(_IDENTITY_LABELS):
        return None  # most rows: their other cells are never squashed
    texts = [squash(c.text) for c in row if c.text.strip()]
    if len(texts) > 1:
        return texts[0] if column_role(texts[1]) is None and not is_number(texts[1]) else None
    return texts[0] if _COLON_AND_MORE.search(texts[0]) else None


def form_starts(table: Table, reading: TableReading, body: Body) -> list[int]:
    """Row positions of ``table`` where another form starts; ``body`` is updated as the rows go by.

    Two forms pasted one under the other make one table. A form is over once
    it has a body (a funds or indicator block): then a row naming a form or
    its units (项目名称, 预算部门 …) or a form title in a cell starts the next
    form; so does a second funds block after the indicators, and any funds or
    indicator block after a 总分 row. An indicator header repeated without a
    total between is the same form continued (a page break), not a new one.
    """
    events: list[tuple[int, int, str]] = []  # (row, order at that row, what)
    for band in reading.bands:
        if band.kind in ("funds", "indicators") and (band.header_rows or band.rows):
            events.append((min(band.header_rows or [band.rows[0].index]), 1, band.kind))
        if band.kind == "indicators":
            events.extend((row.index, 2, "total") for row in band.rows if row.kind == "total")
    for r, row in enumerate(table.rows):
        texts = [c.text for c in row if c.text.strip()]
        if len(texts) == 1 and title_kind(texts[0]) in ("department", "project"):
            events.append((r, 0, "title"))
        elif _identity(row):
            events.append((r, 0, "identity"))
    starts: list[int] = []
    for r, _, what in sorted(events):
        opens = (
            (what in ("title", "identity") and (body.funds or body.indicators))
            or (what == "funds" and (body.total or body.funds and body.indicators))
            or (what == "indicators" and body.total)
        )
        if opens:
            if not starts or starts[-1] != r:
                starts.append(r)
            body.funds = body.indicators = body.total = False
        if what in ("funds", "indicators", "total"):
            setattr(body, what, True)
    return starts


def _piece_kind(rows: list, previous: str) -> tuple[str, str]:
    """The kind of form a piece of a table opens, and its title: by a title cell, else by the labels naming it.

    A piece naming neither a project nor a department continues the run of
    forms it follows (project forms pasted one after another).
    """
    for row in rows[:6]:
        texts = [c.text.strip() for c in row if c.text.strip()]
        if len(texts) == 1 and (kind := title_kind(texts[0])) in ("department", "project"):
            return kind, texts[0]
    labels = [label for row in rows[:6] if (label := _identity(row))]
    if any(label.startswith(_PROJECT_LABELS) for label in labels):
        return "project", ""
    if any(label.startswith(_DEPARTMENT_LABELS) for label in labels):
        return "department", ""
    return previous, ""


def _pieces(table: Table, starts: list[int]) -> list[Table]:
    """The table cut before each start row; the cells keep their places in the whole table."""
    if not starts:
        return [table]
    bounds = [0, *starts, len(table.rows)]
    return [
        Table(index=table.index, rows=table.rows[a:b], loc=table.loc.replaced(row=a) if a else table.loc)
        for a, b in zip(bounds, bounds[1:])
    ]


def _reader(table: Table) -> Callable[[str | None], TableReading]:
    """``table``'s reading in a given unit, each made once."""
    made: dict[str | None, TableReading] = {}

    def read_in(unit: str | None) -> TableReading:
        if unit not in made:
            made[unit] = read_table(table, unit)
        return made[unit]

    return read_in


def _opens_untitled_report(block: Paragraph) -> bool:
    """Whether a paragraph under a form is the first heading of its report ("一、项目基本情况"), not a note.

    A note under a form speaks of the form ("一、本表金额单位为万元", "一、填表说明"): its
    heading names the 表.
    """
    h = heading(block.text)
    return h is not None and h.level == 1 and h.ordinal == 1 and 2 <= len(h.title) <= 20 and "表" not in h.title


def _opens_narrative_sheet(block: Paragraph, above: Paragraph | Table | None) -> bool:
    """Whether a line is the first of a workbook sheet named like a narrative (自评报告) whose text
    opens with "一、基本情况" rather than a title of its own."""
    sheet = block.loc.sheet
    return bool(sheet) and (above is None or above.loc.sheet != sheet) and title_kind(sheet or "") == "narrative"


def segment(document: Document) -> list[Part]:
    """Split the document into parts in order."""
    parts: list[Part] = [Part(kind="preamble")]
    pending_attachment = ""
    readings: dict[int, TableReading] = {}
    body = Body()
    previous = None
    for block in document.blocks:
        current, above, previous = parts[-1], previous, block
        if isinstance(block, Paragraph):
            m = _ATTACHMENT.match(block.text.strip())
            if m:
                pending_attachment = f"附件{m.group(1)}"
                continue
            kind = title_kind(block.text)
            if not kind and current.kind != "narrative" and _opens_narrative_sheet(block, above):
                parts.append(Part(kind="narrative", title=block.loc.sheet or "", attachment=pending_attachment, blocks=[block]))
                pending_attachment = ""
                body = Body()
                continue
            if not kind and current.kind in ("department", "project") and current.tables and _opens_untitled_report(block):
                # "一、项目基本情况" right under the form: its report, written without a title, opens here.
                parts.append(Part(kind="narrative", attachment=pending_attachment, blocks=[block]))
                pending_attachment = ""
                body = Body()
                continue
            # The narrative repeats its title after the cover page: stay in the same part.
            if kind and not (kind == "narrative" and current.kind == "narrative"):
                attachment = pending_attachment or (current.attachment if kind == current.kind == "project" else "")
                parts.append(Part(kind=kind, title=block.text.strip(), attachment=attachment))
                pending_attachment = ""
                body = Body()
                continue
            current.blocks.append(block)
            continue
        # A table is read in the unit stated just above it in its part; a form's table, lacking one, in the
        # unit of the line above it in the document (a title, "附件二"). The unit changes only the units of
        # the bands, not what the table is read as: the reading that classifies the table (in the unit it
        # has if it stays in the current part) is the one kept, unless the table opens a part of its own.
        unit = unit_stated(above.text) if isinstance(above, Paragraph) else None
        staying = current.unit_at_end() or (unit if current.kind in ("department", "project") else None)
        read_in = _reader(block)
        kind = table_kind(block, partial(read_in, staying))
        starts_new = kind is not None and (
            current.kind in ("preamble", "narrative") or (kind == current.kind == "project" and current.tables)
        )
        if kind == "project" and current.kind == "project" and not current.tables:
            starts_new = False
        if starts_new:
            parts.append(Part(kind=kind, attachment=pending_attachment))
            pending_attachment = ""
            body = Body()
        if parts[-1].kind not in ("department", "project"):
            if parts[-1].kind != "basic":
                readings[id(block)] = read_in(parts[-1].unit_at_end())
            parts[-1].blocks.append(block)
            continue
        first_unit = unit if starts_new else staying
        starts = form_starts(block, read_in(first_unit), body)
        pieces = _pieces(block, starts)
        readings[id(pieces[0])] = read_in(first_unit) if len(pieces) == 1 else read_table(pieces[0], first_unit)
        parts[-1].blocks.append(pieces[0])
        for piece in pieces[1:]:
            # Each piece is a form of its own: read it alone, in the unit stated above the whole table.
            readings[id(piece)] = read_table(piece, unit)
            kind, title = _piece_kind(piece.rows, parts[-1].kind)
            attachment = parts[-1].attachment if kind == parts[-1].kind == "project" else ""
            parts.append(Part(kind=kind, title=title, attachment=attachment, blocks=[piece]))
    for part in parts:
        part.readings = readings
    return [p for p in parts if p.blocks or p.kind != "preamble"]


# Points an indicator block of a whole form holds at least: all of the 100 but the 执行率's 10.
_FORM_POINTS = Decimal(90)


def doubt_merged_forms(readings: list[TableReading]) -> None:
    """Mark a form's indicator blocks doubtful when they are two forms' that nothing else told apart.

    An indicator header repeated without a 总分 row between is read as the
    same form continued after a page break (:func:`form_starts`).
    When the blocks before a repeat already hold a whole form's points and so
    do the blocks after it, they are two forms pasted one under the other:
    summed as one they would give score errors nobody wrote, so they are left
    unchecked and listed (READ001) instead.
    """
    bands = [b for r in readings for b in r.bands if b.kind == "indicators" and b.status == "ok"]
    points = [
        sum((q.value for row in b.rows if row.kind == "indicator" and (q := read_points(row.text("weight"))).value is not None), Decimal(0))
        for b in bands
    ]
    if not any(sum(points[:k]) >= _FORM_POINTS <= sum(points[k:]) for k in range(1, len(bands))):
        return
    for band in bands:
        band.problems.append("绩效指标表头重复出现，前后两段分值各自已满一张表，似为两张自评表相接而中间没有标题或名称行，未能分开")
        band.status = "doubtful"


def years_in_titles(parts: list[Part]) -> list[int]:
    """Years named in part titles (2024年度…)."""
    years = []
    for p in parts:
        m = _YEAR.search(arabic_years(p.title))
        if m:
            years.append(int(m.group(1)))
    return years
