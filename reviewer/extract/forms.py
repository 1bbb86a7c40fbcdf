"""Read an evaluation form (部门整体 or 项目支出绩效自评表) from its rows.

Columns are found by their header text, never by position, so forms that lay
out their columns differently still yield their funds and indicators.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reviewer.document import Cell, Location
from reviewer.extract.parts import Part
from reviewer.extract.vocabulary import canonical_key, normalize_label
from reviewer.quantity import parse_quantity
from reviewer.report import (
    FUNDS_COLUMN_LABELS,
    Evaluation,
    Fact,
    FundsRow,
    FundsTable,
    Indicator,
    IndicatorTable,
    TextSpan,
)

FUNDS_HEADERS: list[tuple[str, tuple[str, ...]]] = [
    ("rate", ("执行率",)),
    ("initial", ("年初预算数", "年初预算")),
    ("budget", ("全年预算数", "全年预算", "调整后预算数")),
    ("actual", ("全年执行数", "实际执行数", "执行数", "全年支出数")),
    ("weight", ("分值", "权重")),
    ("score", ("自评得分", "得分")),
]
FUNDS_MEASURES = {"initial": "年初预算", "budget": "预算", "actual": "执行", "rate": "执行率", "weight": "分值", "score": "得分"}

INDICATOR_HEADERS: list[tuple[str, tuple[str, ...]]] = [
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("level3", ("三级指标",)),
    ("actual", ("实际完成值", "实际值", "完成值", "实际完成情况", "实际完成")),
    ("target", ("年度指标值", "指标值", "目标值", "预期值", "年度目标值")),
    ("weight", ("分值", "权重")),
    ("score", ("自评得分", "得分")),
    ("deviation", ("偏差原因", "原因分析", "改进措施", "偏差")),
]
INDICATOR_FIELD_LABELS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "自评得分",
    "deviation": "偏差原因分析及改进措施",
}

NAME_LABELS = ("预算部门、单位名称", "预算部门单位名称", "部门名称", "单位名称", "项目支出名称", "项目名称")
GOAL_LABELS = ("年度总体目标", "年度目标", "总体目标", "绩效目标")
_POINTS = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_SPLIT = re.compile(r"(?:其中[:：]?\s*)?([^:：\d\s][^:：]*?)[:：]\s*(-?[\d,]+(?:\.\d*)?)\s*(万元|元)?\s*$")
_TOTAL_ROW = ("总分", "合计", "总计")


def squash(text: str) -> str:
    """Text without any whitespace, for matching header labels."""
    return re.sub(r"\s+", "", text)


def match_header(cells: list[Cell], spec: list[tuple[str, tuple[str, ...]]]) -> dict[str, int]:
    """Map field -> cell ordinal for the header cells that name a field."""
    found: dict[str, int] = {}
    for cell in cells:
        text = squash(cell.text)
        if not text:
            continue
        for fieldname, names in spec:
            if fieldname in found:
                continue
            if any(n in text for n in names):
                found[fieldname] = cell.col
                break
    return found


class FormReader:
    """Reads one evaluation part row by row."""

    def __init__(self, part: Part, kind: str, year: int | None):
        self.part = part
        self.year = year
        self.evaluation = Evaluation(
            kind=kind, title=part.title, label=part.label, loc=part.blocks[0].loc if part.blocks else Location()
        )
        self.facts: list[Fact] = []
        self.funds_map: dict[str, int] = {}
        self.indicator_map: dict[str, int] = {}
        self.indicator_width = 0
        self.goal_map: dict[str, int] = {}
        self.goal_width = 0
        self.split_sides: dict[int, str] = {}
        self.mode = ""
        self.level1 = ""
        self.level1_text = ""
        self.level2 = ""

    # -- helpers ---------------------------------------------------------
    def label(self, cell: Cell, column: str) -> str:
        """Human label of a cell: part, row number and column name."""
        prefix = self.evaluation.label
        if self.evaluation.kind == "project" and self.evaluation.name:
            prefix += f"「{self.evaluation.name}」"
        return f"{prefix} 第{cell.row + 1}行「{column}」"

    def fact(self, cell: Cell, label: str, column: str, *, key: str | None, measure: str | None, text: str | None = None) -> Fact:
        """A table fact from a cell (``text`` overrides the cell text for split cells)."""
        raw = cell.text if text is None else text
        part_name = self.evaluation.label or self.part.label
        if self.evaluation.kind == "project" and self.evaluation.name:
            part_name = f"项目「{self.evaluation.name}」"
        return Fact(
            label=label,
            key=key,
            quantity=parse_quantity(raw),
            measure=measure,
            year=self.year,
            part=part_name,
            source="table",
            quote=cell.text.strip(),
            loc=cell.loc.with_label(self.label(cell, column)),
        )

    # -- row handling ----------------------------------------------------
    def read(self) -> tuple[Evaluation, list[Fact]]:
        """Read every row of every table of the part."""
        for table in self.part.tables:
            for row in table.rows:
                self.row(row)
        return self.evaluation, self.facts

    def row(self, cells: list[Cell]) -> None:
        texts = [squash(c.text) for c in cells]
        filled = [t for t in texts if t]
        if not filled:
            return
        first = filled[0]
        ind = match_header(cells, INDICATOR_HEADERS)
        if ("level1" in ind or "level3" in ind) and ("target" in ind or "actual" in ind):
            self.start_indicators(cells, ind)
            return
        funds = match_header(cells, FUNDS_HEADERS)
        if len(funds) >= 2 and not any(_looks_numeric(t) for t in filled):
            self.funds_map = funds
            self.mode = "funds"
            if self.evaluation.funds is None:
                self.evaluation.funds = FundsTable()
            return
        if any(first.startswith(lbl) for lbl in NAME_LABELS):
            self.read_names(cells)
            return
        if any(first.startswith(lbl) for lbl in ("主管部门", "实施单位")):
            return
        if first.startswith(("绩效目标实际完成情况", "实际完成情况", "目标完成情况")):
            self.inline_goal(cells, "actual")
            return
        if any(first.startswith(lbl) for lbl in GOAL_LABELS) or "预期目标" in texts:
            self.start_goals(cells)
            return
        if self.mode == "indicators":
            if first.startswith(_TOTAL_ROW) and texts.index(first) <= 1:
                self.read_total(cells)
            else:
                self.read_indicator(cells)
        elif self.mode == "funds":
            self.read_funds_row(cells)
        elif self.mode == "goals":
            self.read_goal_row(cells)

    def read_names(self, cells: list[Cell]) -> None:
        values = [c for c in cells if c.text.strip()]
        if len(values) >= 2 and not self.evaluation.name:
            self.evaluation.name = values[1].text.strip()

    def start_goals(self, cells: list[Cell]) -> None:
        self.mode = "goals"
        self.goal_map = {}
        self.goal_width = len(cells)
        for c in cells:
            t = squash(c.text)
            if "预期目标" in t:
                self.goal_map["expected"] = c.col
            elif "实际完成" in t:
                self.goal_map["actual"] = c.col
        if not self.goal_map:
            # "年度目标 | text" written inline on one row.
            self.inline_goal(cells, "expected")

    def inline_goal(self, cells: list[Cell], which: str) -> None:
        values = [c for c in cells[1:] if c.text.strip()]
        if values:
            span = TextSpan(text=values[0].text.strip(), loc=values[0].loc.with_label(self.label(values[0], "年度总体目标")))
            setattr(self.evaluation, f"goal_{which}", span)

    def read_goal_row(self, cells: list[Cell]) -> None:
        # A header row without the merged "年度总体目标" cell is one cell shorter than its data rows.
        shift = max(len(cells) - self.goal_width, 0)
        for which, col in self.goal_map.items():
            index = col + shift
            if index < len(cells) and cells[index].text.strip() and getattr(self.evaluation, f"goal_{which}") is None:
                c = cells[index]
                name = "预期目标" if which == "expected" else "实际完成情况"
                setattr(self.evaluation, f"goal_{which}", TextSpan(text=c.text.strip(), loc=c.loc.with_label(self.label(c, name))))

    # -- funds -------------------------------------------------------------
    def read_funds_row(self, cells: list[Cell]) -> None:
        funds = self.evaluation.funds
        assert funds is not None
        texts = [squash(c.text) for c in cells]
        if any("按收入性质" in t or "按支出性质" in t for t in texts):
            for c, t in zip(cells, texts):
                if "按收入性质" in t:
                    self.split_sides[c.col] = "income"
                elif "按支出性质" in t:
                    self.split_sides[c.col] = "expense"
            return
        split_cells = [(c, m) for c in cells if (m := _SPLIT.match(c.text.strip()))]
        if split_cells:
            for c, m in split_cells:
                self.read_split(c, m)
            return
        first_value_col = min(self.funds_map.values())
        label_cell = next((c for c in cells if c.col < first_value_col and c.text.strip()), None)
        if label_cell is None:
            return
        label = normalize_label(label_cell.text)
        row_cells: dict[str, Fact] = {}
        for column, col in self.funds_map.items():
            if col < len(cells):
                cell = cells[col]
                key = "执行率" if column == "rate" else canonical_key(label)
                row_cells[column] = self.fact(
                    cell, f"{label}{FUNDS_COLUMN_LABELS[column]}", FUNDS_COLUMN_LABELS[column], key=key, measure=FUNDS_MEASURES[column]
                )
        funds.rows.append(FundsRow(label=label, cells=row_cells, loc=label_cell.loc.with_label(self.label(label_cell, label))))
        self.facts.extend(f for f in row_cells.values() if f.quantity.value is not None)

    def read_split(self, cell: Cell, m: re.Match) -> None:
        funds = self.evaluation.funds
        assert funds is not None
        label = normalize_label(m.group(1))
        value_text = m.group(2) + (m.group(3) or "")
        side = self.split_sides.get(cell.col)
        if side is None:
            side = "expense" if any(k in label for k in ("基本支出", "项目支出", "人员经费", "公用经费")) else "income"
        start = cell.text.find(m.group(2))
        fact = self.fact(cell, label, label, key=canonical_key(label), measure=None, text=value_text)
        fact.loc = fact.loc.with_span(start, start + len(m.group(2)))
        (funds.income_splits if side == "income" else funds.expense_splits).append(fact)
        if fact.quantity.value is not None:
            self.facts.append(fact)

    # -- indicators ----------------------------------------------------------
    def start_indicators(self, cells: list[Cell], mapping: dict[str, int]) -> None:
        self.indicator_map = mapping
        self.indicator_width = len(cells)
        self.mode = "indicators"
        self.level1 = self.level2 = self.level1_text = ""
        if self.evaluation.indicators is None:
            self.evaluation.indicators = IndicatorTable(
                has_scores="score" in mapping, loc=cells[0].loc.with_label(self.label(cells[0], "绩效指标"))
            )

    def cell_for(self, cells: list[Cell], fieldname: str) -> Cell | None:
        col = self.indicator_map.get(fieldname)
        if col is None:
            return None
        # A row with fewer cells lost merged cells on its left: align from the right.
        shift = self.indicator_width - len(cells) if len(cells) < self.indicator_width else 0
        index = col - shift
        if 0 <= index < len(cells):
            return cells[index]
        return None

    def read_indicator(self, cells: list[Cell]) -> None:
        table = self.evaluation.indicators
        assert table is not None
        got = {f: self.cell_for(cells, f) for f in INDICATOR_FIELD_LABELS}
        text = {f: (c.text.strip() if c else "") for f, c in got.items()}
        if not any(text[f] for f in ("level3", "target", "actual", "weight", "score")):
            return
        if text["level1"]:
            name, points = split_points(text["level1"])
            if name != self.level1:
                self.level2 = ""
            self.level1, self.level1_text = name, text["level1"]
            if points is not None and got["level1"] is not None:
                c = got["level1"]
                table.level1_points.append(
                    Fact(
                        label=f"{name}分值",
                        quantity=parse_quantity(f"{points}"),
                        measure="分值",
                        year=self.year,
                        part=self.evaluation.label,
                        quote=c.text.strip(),
                        loc=c.loc.with_label(self.label(c, "一级指标")),
                    )
                )
        if text["level2"]:
            self.level2 = squash(text["level2"])
        locs = {f: c.loc.with_label(self.label(c, INDICATOR_FIELD_LABELS[f])) for f, c in got.items() if c is not None}
        row_loc = cells[0].loc.model_copy(update={"col": None, "label": self.label(cells[0], "").replace("「」", "")})
        indicator = Indicator(
            level1=self.level1,
            level2=self.level2,
            level3=squash(text["level3"]) if text["level3"] else "",
            target=parse_quantity(text["target"]),
            actual=parse_quantity(text["actual"]),
            weight=parse_quantity(text["weight"]) if got["weight"] is not None else None,
            score=parse_quantity(text["score"]) if got["score"] is not None else None,
            deviation=text["deviation"],
            locs=locs,
            loc=row_loc,
        )
        table.indicators.append(indicator)
        key = canonical_key(indicator.level3 or indicator.level2)
        actual = got["actual"]
        if key is not None and actual is not None and indicator.actual.value is not None and not indicator.actual.qualitative:
            # "满意度达100%" in the narrative is checked against this measured value.
            self.facts.append(self.fact(actual, indicator.name, "实际完成值", key=key, measure="执行"))

    def read_total(self, cells: list[Cell]) -> None:
        table = self.evaluation.indicators
        assert table is not None
        numbers = [c for c in cells if parse_quantity(c.text).value is not None and not squash(c.text).startswith(_TOTAL_ROW)]
        if len(numbers) >= 2:
            weight_cell, score_cell = numbers[0], numbers[1]
        elif len(numbers) == 1:
            weight_cell, score_cell = None, numbers[0]
        else:
            return
        if weight_cell is not None:
            table.total_weight = self.fact(weight_cell, "总分分值", "总分分值", key=None, measure="分值")
        table.total_score = self.fact(score_cell, "总分", "总分", key="总分", measure="得分")
        self.facts.append(table.total_score)


def split_points(text: str) -> tuple[str, Decimal | None]:
    """"产出指标(50 分)" -> ("产出指标", 50)."""
    m = _POINTS.search(text)
    name = squash(_POINTS.sub("", text))
    return name, (Decimal(m.group(1)) if m else None)


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[\d.,%]+", text))


def read_evaluation(part: Part, kind: str, year: int | None) -> tuple[Evaluation, list[Fact]]:
    """Read one evaluation form part into an Evaluation and its facts."""
    return FormReader(part, kind, year).read()
