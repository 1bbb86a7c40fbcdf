"""Read 附件一 基础数据表: staffing and the expense lines with their year columns."""

from __future__ import annotations

import re

from reviewer.document import Cell, Location, row_place
from reviewer.tables.vocabulary import squash
from reviewer.extract.parts import Part
from reviewer.extract.vocabulary import canonical_key, normalize_label
from reviewer.quantity import parse_quantity
from reviewer.report import BasicData, BasicDataColumn, BasicDataLine, Fact, StaffData

_COLUMN = re.compile(r"(20\d{2})\s*年?\s*(决算|预算|执行)")
# A column headed only "预算数" / "决算数" (the report's own year): 黑龙江、吉林-style 基础数据表 with one year.
_PLAIN_COLUMN = re.compile(r"^(?:全年|本年|当年)?(决算|预算|执行)数?(?:\((?:万元|元)\))?$")
_ITEM = re.compile(r"^\s*(\d+)\s*[、.．]")
_SUB = re.compile(r"^\s*其中\s*[:：]?")
GROUP_KEYS = {"三公经费", "项目支出", "公用经费", "政府采购金额", "人员经费", "基本支出"}
STOP_LABELS = ("楼堂馆所", "厉行节约")
STAFF_FIELDS = (("quota", "编制数", "编制数"), ("actual", "在职人数", "实际在职人数"), ("control_rate", "控制率", "控制率"))


def read_basic_data(part: Part, year: int | None) -> tuple[BasicData, list[Fact]]:
    """Read the basic data part."""
    data = BasicData(title=part.title, loc=part.blocks[0].loc if part.blocks else Location())
    facts: list[Fact] = []
    reader = _Reader(part, data, facts, year)
    for table in part.tables:
        rows = table.rows
        for i, row in enumerate(rows):
            reader.row(row, rows[i + 1] if i + 1 < len(rows) else None)
    return data, facts


class _Reader:
    def __init__(self, part: Part, data: BasicData, facts: list[Fact], year: int | None):
        self.where = part.label  # named once: every figure's label and part begin with it
        self.data = data
        self.facts = facts
        self.year = year
        self.columns: dict[int, BasicDataColumn] = {}
        self.in_lines = False
        self.group: int | None = None
        self.item: int | None = None
        self.in_sub = False
        self.skip_next = False

    def label(self, cell: Cell, column: str) -> str:
        return f"{self.where} {row_place(cell.loc)}「{column}」"

    def row(self, cells: list[Cell], following: list[Cell] | None) -> None:
        if self.skip_next:
            self.skip_next = False
            return
        texts = [squash(c.text) for c in cells]
        if any("编制数" in t for t in texts) and following is not None:
            self.read_staff(cells, following)
            self.skip_next = True
            return
        columns = {c.col: (int(m.group(1)), m.group(2)) for c in cells if (m := _COLUMN.search(squash(c.text)))}
        if not columns and self.year is not None:
            columns = {c.col: (self.year, m.group(1)) for c in cells if (m := _PLAIN_COLUMN.match(squash(c.text)))}
        if len(columns) >= 2:
            self.columns = {
                col: BasicDataColumn(label=next(c.text for c in cells if c.col == col).strip(), year=year, measure=measure)
                for col, (year, measure) in columns.items()
            }
            self.data.columns = list(self.columns.values())
            self.in_lines = True
            return
        if not self.in_lines or not cells or not cells[0].text.strip():
            return
        raw = cells[0].text.strip()
        if any(s in raw for s in STOP_LABELS):
            self.in_lines = False
            return
        self.read_line(cells, raw)

    def read_staff(self, header: list[Cell], values: list[Cell]) -> None:
        staff = StaffData()
        for cell in header:
            t = squash(cell.text)
            for attr, key, name in STAFF_FIELDS:
                if name in t or (attr == "actual" and "在职人数" in t):
                    if cell.col < len(values):
                        v = values[cell.col]
                        fact = Fact(
                            label=key,
                            key=key,
                            quantity=parse_quantity(v.text),
                            measure="实有" if attr == "actual" else None,
                            year=self.year,
                            part=self.where or "基础数据表",
                            quote=v.text.strip(),
                            loc=v.loc.with_label(self.label(v, cell.text.strip().replace("\n", ""))),
                        )
                        setattr(staff, attr, fact)
                        if fact.quantity.value is not None:
                            self.facts.append(fact)
                    break
        self.data.staff = staff

    def read_line(self, cells: list[Cell], raw: str) -> None:
        label = normalize_label(raw)
        number = None
        if m := _ITEM.match(raw):
            kind, number = "item", int(m.group(1))
            parent = self.group
            self.in_sub = False
        elif _SUB.match(raw):
            kind = "sub"
            parent = self.item if self.item is not None else self.group
            self.in_sub = True
        elif self.in_sub and canonical_key(label) not in GROUP_KEYS:
            kind = "sub"
            parent = self.item if self.item is not None else self.group
        else:
            kind, parent = "group", None
            self.in_sub = False
        index = len(self.data.lines)
        values: list[Fact] = []
        for col, column in self.columns.items():
            cell = cells[col] if col < len(cells) else None
            text = cell.text if cell is not None else ""
            anchor = cell or cells[0]
            fact = Fact(
                label=label,
                key=canonical_key(label),
                quantity=parse_quantity(text),
                measure=column.measure,
                year=column.year,
                part=self.where or "基础数据表",
                quote=text.strip(),
                loc=anchor.loc.with_label(self.label(anchor, f"{label}」「{column.label}")),
            )
            values.append(fact)
            if fact.quantity.value is not None:
                self.facts.append(fact)
        line = BasicDataLine(
            label=label,
            raw_label=raw,
            kind=kind,
            number=number,
            parent=parent,
            values=values,
            loc=cells[0].loc.with_label(self.label(cells[0], label)),
        )
        self.data.lines.append(line)
        if kind == "group":
            self.group, self.item = index, None
        elif kind == "item":
            self.item = index
