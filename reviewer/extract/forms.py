"""Build an evaluation form (部门整体 or 项目支出绩效自评表) from its tables' readings.

The tables are read without a template (:mod:`reviewer.tables`): bands under
header rows with column roles, row roles, and label/value pairs. This module
turns them into the report's typed forms: names from labels, the funds block,
the goal block, the indicator block with its level headings, points and
totals, and a Fact for every figure. Bands the reader found doubtful are not
used (they are listed in the report's coverage instead).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from decimal import Decimal

from reviewer.document import Cell, Location, Paragraph, Table, row_place
from reviewer.extract.money import money_tables
from reviewer.extract.pairs import pair_facts, stated_grades
from reviewer.extract.parts import Part, doubt_merged_forms
from reviewer.extract.vocabulary import canonical_key, normalize_label
from reviewer.quantity import Quantity, join_target, parse_quantity, with_unit
from reviewer.report import (
    FUNDS_COLUMN_LABELS,
    Evaluation,
    Fact,
    FundsRow,
    FundsTable,
    Indicator,
    IndicatorTable,
    MoneyTable,
    StatedGrade,
    TableCoverage,
    TextSpan,
)
from reviewer.tables import Band, Pair, Row, TableReading
from reviewer.tables.grid import is_number, read_points
from reviewer.tables.vocabulary import FUNDS_TOTAL_WORDS, column_role, is_goal_label, is_unit_note, level_points, split_points, squash

FUNDS_MEASURES = {"initial": "年初预算", "adjust": "调整", "budget": "预算", "actual": "执行", "rate": "执行率", "weight": "分值", "score": "得分"}
# Reader role -> FundsRow column.
_FUNDS_COLUMNS = {"initial": "initial", "adjust": "adjust", "budget": "budget", "spent": "actual", "weight": "weight", "rate": "rate", "score": "score"}
# 调整数 / 调整预算数 / 调增(减)数: the change made to the budget during the year (not 调整后预算数, the result).
_ADJUST_HEADER = re.compile(r"^(?:预算)?调(?:整|增|减|增减|增\(减\))(?:预算)?(?:数|额|金额)?(?:\(.*\))?$")
_DEDUCTION_HEADER = re.compile(r"^(?:扣分|扣减分|扣分值|扣分数|扣除分|扣分分值)(?:\(分\))?$")
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
_ROLE_OF_FIELD = {"deviation": "reason"}
# The form's own name: a project's name on project forms, the department's on department forms.
NAME_LABELS = {
    "project": ("项目支出名称", "项目名称", "转移支付(项目)名称", "转移支付名称"),
    "department": ("预算部门、单位名称", "预算部门单位名称", "部门(单位)名称", "部门名称", "单位名称"),
}
# Labels naming the reporting unit, best first.
UNIT_LABELS = ("部门(单位)名称", "单位名称", "填报单位", "部门名称", "预算部门", "实施单位", "项目单位", "单位", "主管部门", "主管单位")
_SEALED = re.compile(r"[(（]盖章[)）]")
ACTUAL_GOAL_LABELS = ("绩效目标实际完成情况", "实际完成情况", "目标完成情况", "全年目标实际完成情况")
_DEVIATION_NOTE = re.compile(r"^(?:\d+[、.]|[(（]?[一二三四五六七八九十\d]+[)）、])?(?:偏差|未完成|扣分)(?:情况|原因)?(?:说明|分析|原因)")
_NOTE_PARAGRAPHS = 6  # a note under a form: its line and the few lines that go on with it
_SPLIT = re.compile(r"(?:其中[:：]?\s*)?([^:：\d\s][^:：]*?)[:：]\s*(-?[\d,]+(?:\.\d*)?)\s*(万元|元)?\s*$")


class FormReader:
    """Reads one evaluation part from its tables."""

    def __init__(self, part: Part, kind: str, year: int | None):
        self.part = part
        self.year = year
        self.evaluation = Evaluation(
            kind=kind, title=part.title, label=part.label, loc=part.blocks[0].loc if part.blocks else Location()
        )
        self.facts: list[Fact] = []
        self.coverage: list[TableCoverage] = []
        self.money: list[MoneyTable] = []
        self.grades: list[StatedGrade] = []
        self.stated_totals: list[Fact] = []  # "自评总分 | 93" written beside the form, outside its total row
        self.lone_total = False  # the total row had one figure, read as 分值 or 得分 by its value

    # -- helpers ---------------------------------------------------------
    def label(self, cell: Cell, column: str) -> str:
        """Human label of a cell: part, row number and column name."""
        return f"{self.evaluation.display} {row_place(cell.loc)}「{column}」"

    def fact(self, cell: Cell, label: str, column: str, *, key: str | None, measure: str | None,
             quantity: Quantity | None = None) -> Fact:
        """A table fact from a cell."""
        part_name = self.evaluation.label or self.part.label
        if self.evaluation.kind == "project" and self.evaluation.name:
            part_name = f"项目「{self.evaluation.name}」"
        return Fact(
            label=label,
            key=key,
            quantity=quantity if quantity is not None else parse_quantity(cell.text),
            measure=measure,
            year=self.year,
            part=part_name,
            source="table",
            quote=cell.text.strip(),
            loc=cell.loc.with_label(self.label(cell, column)),
        )

    # -- the part ----------------------------------------------------------
    def read(self) -> tuple[Evaluation, list[Fact], list[TableCoverage], list[MoneyTable]]:
        """Read every table of the part."""
        readings = [self.part.reading(table) for table in self.part.tables]
        doubt_merged_forms(readings)
        for reading in readings:
            for pair in reading.pairs:
                self.read_pair(pair)
            for band in reading.bands:
                if band.status != "ok":
                    continue
                if band.kind == "funds":
                    self.read_funds(band, reading)
                elif band.kind == "goals":
                    self.read_goals(band)
                elif band.kind == "indicators":
                    self.read_indicators(band)
            self.grades.extend(stated_grades(reading, self.evaluation.display, self.year))
            tables, facts = money_tables(reading, self.evaluation.display, self.year)
            self.money.extend(tables)
            self.facts.extend(facts)
            self.coverage.append(coverage_of(reading, self.evaluation.display))
        self.read_notes_below()
        table = self.evaluation.indicators
        if table is not None and len(self.stated_totals) == 1 and (
            table.total_score is None or table.total_score.quantity.value is None or self.lone_total
        ):
            # "自评总分 | 93" above a score sheet whose 合计 row has no 得分 (or one figure that may be
            # its 分值 as well): the form's total is the one stated.
            table.total_score = self.stated_totals[0]
        return self.evaluation, self.facts, self.coverage, self.money

    def read_notes_below(self) -> None:
        """Reasons written under the form ("偏差说明：近岸海域水质优良比例83.6%…") for rows without one of their own.

        A form without a 偏差原因 column explains its deviations in a note right
        under the table; the note counts for the indicators it names.
        """
        table = self.evaluation.indicators
        if table is None:
            return
        notes: list[str] = []
        blocks = self.part.blocks
        for k, block in enumerate(blocks[:-1]):
            after = blocks[k + 1 : k + 1 + _NOTE_PARAGRAPHS]
            if isinstance(block, Table) and isinstance(after[0], Paragraph) and _DEVIATION_NOTE.match(squash(after[0].text)):
                # The note and the lines that go on with it ("1、…", "2、…"), up to the next table.
                notes.extend(p.text for p in itertools.takewhile(lambda b: isinstance(b, Paragraph), after))
        for indicator in table.indicators:
            if not indicator.deviation.strip() and indicator.name:
                indicator.deviation = next((n.strip() for n in notes if indicator.name in squash(n)), "")

    def read_pair(self, pair: Pair) -> None:
        label = _SEALED.sub("", squash(pair.label))
        value = pair.value.strip()
        if not value:
            return
        if label.startswith(NAME_LABELS[self.evaluation.kind]) and not self.evaluation.name:
            self.evaluation.name = value
        for unit_label in UNIT_LABELS:
            if label == unit_label or label.startswith(unit_label) and "名称" in label:
                self.evaluation.units.setdefault(unit_label, value)
                break
        role = column_role(label)
        if label.startswith(ACTUAL_GOAL_LABELS) or role == "goal_actual":
            if self.evaluation.goal_actual is None:
                self.evaluation.goal_actual = TextSpan(text=value, loc=pair.cell.loc.with_label(self.label(pair.cell, "实际完成情况")))
        elif (is_goal_label(label) or role == "goal_expected") and self.evaluation.goal_expected is None and not is_number(value):
            self.evaluation.goal_expected = TextSpan(text=value, loc=pair.cell.loc.with_label(self.label(pair.cell, "年度总体目标")))
        facts = pair_facts([pair], self.evaluation.display, self.year)
        self.stated_totals.extend(f for f in facts if f.key == "总分")
        self.facts.extend(facts)

    # -- goals -------------------------------------------------------------
    def read_goals(self, band: Band) -> None:
        for row in band.rows:
            for which, role, name in (("expected", "goal_expected", "预期目标"), ("actual", "goal_actual", "实际完成情况")):
                cell = row.cells.get(role)
                if cell is not None and cell.text.strip() and getattr(self.evaluation, f"goal_{which}") is None:
                    span = TextSpan(text=cell.text.strip(), loc=cell.loc.with_label(self.label(cell, name)))
                    setattr(self.evaluation, f"goal_{which}", span)

    # -- funds -------------------------------------------------------------
    def read_funds(self, band: Band, reading: TableReading) -> None:
        if self.evaluation.funds is None:
            self.evaluation.funds = FundsTable()
        funds = self.evaluation.funds
        if band.points is not None and funds.points is None:
            funds.points = band.points
        value_start = min((c.start for c in band.columns if c.role in _FUNDS_COLUMNS), default=0)
        # A 调整数 column has no reader role (it is no budget): found here by its header, between the amounts.
        adjust = next(
            (k for k, c in enumerate(band.columns) if c.role is None and c.start > value_start and _ADJUST_HEADER.match(squash(c.header))), None
        )
        # 按收入性质 | 按支出性质 heads the split rows below it: a split cell's side is the heading in its
        # place, by cell order when the rows have as many cells (pasted rows are placed by guess), else by column.
        sides: dict[int, str] = {}
        side_row: Row | None = None
        for row in band.rows:
            texts = [squash(p.text) for p in row.placed]
            if any("按收入性质" in t or "按支出性质" in t for t in texts):
                sides = {k: ("income" if "按收入性质" in t else "expense") for k, t in enumerate(texts) if "性质" in t}
                side_row = row
                continue
            split_cells = [(k, p, m) for k, p in enumerate(row.placed) if (m := _SPLIT.match(p.text))]
            if split_cells:
                for k, p, m in split_cells:
                    self.read_split(p.cell, m, _side(sides, side_row, row, k), band.unit)
                continue
            label_cell = next((p.cell for p in row.placed if p.start < value_start and p.text and not is_unit_note(p.text)), None)
            if label_cell is None:
                continue
            self.read_funds_row(funds, row, label_cell, band.unit, adjust)

    def read_funds_row(self, funds: FundsTable, row: Row, label_cell: Cell, unit: str | None, adjust: int | None = None) -> None:
        label = normalize_label(label_cell.text)
        cells: dict[str, Fact] = {}
        found = dict(row.cells)
        if adjust is not None and adjust < len(row.by_column) and row.by_column[adjust] is not None:
            found["adjust"] = row.by_column[adjust]
        for role, column in _FUNDS_COLUMNS.items():
            cell = found.get(role)
            if cell is None:
                continue
            q = _scaled(parse_quantity(cell.text), unit) if role in ("initial", "adjust", "budget", "spent") else None
            if role == "rate":
                q = _rate(parse_quantity(cell.text), row)
            elif role in ("weight", "score"):
                q = read_points(cell.text)
            key = "执行率" if column == "rate" else canonical_key(label)
            cells[column] = self.fact(
                cell, f"{label}{FUNDS_COLUMN_LABELS[column]}", FUNDS_COLUMN_LABELS[column], key=key,
                measure=FUNDS_MEASURES[column], quantity=q,
            )
        is_total = squash(label).rstrip(":：").endswith(FUNDS_TOTAL_WORDS) or row.kind == "total"
        funds.rows.append(FundsRow(label=label, cells=cells, total=is_total, loc=label_cell.loc.with_label(self.label(label_cell, label))))
        self.facts.extend(f for f in cells.values() if f.quantity.value is not None)

    def read_split(self, cell: Cell, m: re.Match, side: str | None, unit: str | None) -> None:
        funds = self.evaluation.funds
        assert funds is not None
        label = normalize_label(m.group(1))
        if side is None:
            side = "expense" if any(k in label for k in ("基本支出", "项目支出", "人员经费", "公用经费")) else "income"
        start = cell.text.find(m.group(2))
        q = _scaled(parse_quantity(m.group(2) + (m.group(3) or "")), unit)
        fact = self.fact(cell, label, label, key=canonical_key(label), measure=None, quantity=q)
        fact.loc = fact.loc.with_span(start, start + len(m.group(2)))
        (funds.income_splits if side == "income" else funds.expense_splits).append(fact)
        if fact.quantity.value is not None:
            self.facts.append(fact)

    # -- indicators ----------------------------------------------------------
    def read_indicators(self, band: Band) -> None:
        roles = band.roles()
        if self.evaluation.indicators is None:
            first = band.rows[0].placed[0].cell if band.rows and band.rows[0].placed else None
            loc = first.loc.with_label(self.label(first, "绩效指标")) if first else self.evaluation.loc
            self.evaluation.indicators = IndicatorTable(has_scores="score" in roles, loc=loc)
        table = self.evaluation.indicators
        table.has_scores = table.has_scores or "score" in roles
        if band.points is not None:
            table.points.append(band.points)
        level1 = level2 = ""
        # A 扣分 column (points taken off, not 扣分原因) has no reader role: found by its header.
        deduction = next((k for k, c in enumerate(band.columns) if c.role is None and _DEDUCTION_HEADER.match(squash(c.header))), None)
        for row in band.rows:
            if row.kind == "total":
                self.read_total(row)
                continue
            if row.kind == "subtotal":
                self.read_subtotal(row, level1)
                continue
            text1, text2 = row.text("level1"), row.text("level2")
            # A heading row may state its block's points in its 分值 column instead of its label.
            weight = row.cells.get("weight") if row.kind == "heading" else None
            if text1:
                name, points = level_points(text1)
                if name != level1:
                    level2 = ""
                level1 = name
                if points is None and weight is not None and not text2:
                    points, cell = read_points(weight.text).value, weight
                else:
                    cell = row.cells["level1"]
                if points is not None:
                    self.add_points(table.level1_points, cell, name, points, "一级指标")
            if text2:
                level2, points = level_points(text2)
                cell = row.cells["level2"]
                if points is None and weight is not None:
                    points, cell = read_points(weight.text).value, weight
                if points is not None:
                    self.add_points(table.level2_points, cell, level2, points, "二级指标")
            if row.kind == "indicator":
                table.indicators.append(self.indicator(row, level1, level2, roles, deduction))

    def read_subtotal(self, row: Row, level1: str) -> None:
        """A bare 小计, or one naming the block it closes ("过程小计 | 25 | 23.6" under 过程's rows): its 分值
        is the block's points (as "过程（25分）" states them), its 得分 the block's score; any other is no block's."""
        table = self.evaluation.indicators
        assert table is not None
        label = squash(next((p.text for p in row.placed if p.text), "")).removesuffix("小计")
        if not level1 or label not in ("", level1, level1.removesuffix("指标")) or not any(i.level1 == level1 for i in table.indicators):
            return
        weight, score = row.cells.get("weight"), row.cells.get("score")
        if weight is not None and (points := read_points(weight.text).value) is not None:
            self.add_points(table.level1_points, weight, level1, points, "小计分值")
        if score is not None and read_points(score.text).value is not None and not any(f.label == f"{level1}得分" for f in table.level1_scores):
            table.level1_scores.append(self.fact(score, f"{level1}得分", "小计得分", key=None, measure="得分", quantity=read_points(score.text)))

    def add_points(self, into: list[Fact], cell: Cell, name: str, points: Decimal, column: str) -> None:
        if any(f.label == f"{name}分值" for f in into):
            return
        into.append(
            Fact(
                label=f"{name}分值",
                quantity=parse_quantity(f"{points}"),
                measure="分值",
                year=self.year,
                part=self.evaluation.label,
                quote=cell.text.strip(),
                loc=cell.loc.with_label(self.label(cell, column)),
            )
        )

    def indicator(self, row: Row, level1: str, level2: str, roles: set[str], deduction: int | None = None) -> Indicator:
        got = {f: row.cells.get(_ROLE_OF_FIELD.get(f, f)) for f in INDICATOR_FIELD_LABELS}
        text = {f: (c.text.strip() if c is not None else "") for f, c in got.items()}
        target, actual = parse_quantity(text["target"]), parse_quantity(text["actual"])
        if "target_op" in roles or "target_unit" in roles:
            # Sichuan forms split the target over 指标性质 | 指标值 | 度量单位.
            op, unit = row.text("target_op"), row.text("target_unit")
            target = join_target(op, text["target"], unit) if text["target"] else target
            actual = with_unit(actual, unit)
        locs = {f: c.loc.with_label(self.label(c, INDICATOR_FIELD_LABELS[f])) for f, c in got.items() if c is not None}
        if (coef := row.cells.get("coef")) is not None:
            locs["coef"] = coef.loc.with_label(self.label(coef, "得分系数"))
        taken = row.by_column[deduction] if deduction is not None and deduction < len(row.by_column) else None
        if taken is not None:
            locs["deduction"] = taken.loc.with_label(self.label(taken, "扣分"))
        anchor = row.placed[0].cell
        name = squash(text["level3"]) if text["level3"] else ""
        weight = read_points(text["weight"]) if "weight" in roles else None
        if weight is None and name and (points := split_points(name)[1]) is not None:
            # No 分值 column: "草原防火巡护里程（15分）" states the indicator's points in its name.
            name, weight = split_points(name)[0], parse_quantity(f"{points}")
            locs["weight"] = got["level3"].loc.with_label(self.label(got["level3"], "三级指标"))
        row_loc = anchor.loc.replaced(col=None, label=f"{self.evaluation.display} {row_place(anchor.loc)}")
        indicator = Indicator(
            level1=level1,
            level2=level2,
            level3=name,
            target=target,
            actual=actual,
            weight=weight,
            score=read_points(text["score"]) if "score" in roles else None,
            coef=parse_quantity(row.text("coef")) if "coef" in roles else None,
            deduction=read_points(taken.text) if taken is not None else None,
            deviation=text["deviation"],
            locs=locs,
            loc=row_loc,
        )
        key = canonical_key(indicator.level3 or indicator.level2)
        cell = got["actual"]
        if key is not None and cell is not None and actual.value is not None and not actual.qualitative:
            # "满意度达100%" in the narrative is checked against this measured value.
            self.facts.append(self.fact(cell, indicator.name, "实际完成值", key=key, measure="执行", quantity=actual))
        return indicator

    def read_total(self, row: Row) -> None:
        table = self.evaluation.indicators
        assert table is not None
        weight, score = row.cells.get("weight"), row.cells.get("score")
        if row.guessed or not any(c is not None and read_points(c.text).value is not None for c in (weight, score)):
            # The total's figures sit outside the named columns (a row merged differently from its
            # header), or a short pasted row was placed on them by guess: read them in order,
            # 分值 then 得分. A lone figure is the 分值 when it is the form's full score and the
            # scores add up to something else ("合计 | 100 |" over scores of 94), else the 得分.
            numbers = [p.cell for p in row.placed if read_points(p.text).value is not None]
            if len(numbers) > 2:
                return
            if len(numbers) == 2:
                weight, score = numbers
            elif len(numbers) == 1:
                weight, score = (numbers[0], None) if self.is_full_score(numbers[0]) else (None, numbers[0])
                self.lone_total = True
            else:
                weight = score = None
        label = next((p.cell for p in row.placed if p.text), None)
        if weight is not None and weight.text.strip():
            table.total_weight = self.fact(weight, "总分分值", "总分分值", key=None, measure="分值", quantity=read_points(weight.text))
        elif label is not None and (points := level_points(label.text)[1]) is not None:
            # "总分（100分）": the full score in the total's label.
            table.total_weight = self.fact(label, "总分分值", "总分分值", key=None, measure="分值", quantity=parse_quantity(f"{points}"))
        if score is not None:
            table.total_score = self.fact(score, "总分", "总分", key="总分", measure="得分", quantity=read_points(score.text))
            if table.total_score.quantity.value is not None:
                self.facts.append(table.total_score)


    def is_full_score(self, cell: Cell) -> bool:
        """Whether a figure is the form's full score while the scores add up to something else.

        The full score is Σ 分值 + the 执行率 分值, or what the level-1 headings
        state (决策(12分) + 过程(8分)) + the 执行率 分值.
        """
        table, funds = self.evaluation.indicators, self.evaluation.funds
        value = read_points(cell.text).value
        weights = [i.weight.value for i in table.indicators if i.weight is not None and i.weight.value is not None]
        scores = [i.score.value for i in table.indicators if i.score is not None and i.score.value is not None]
        if not weights:
            return False
        total = funds.total if funds else None
        rate_score = total.cells.get("score") if total else None
        rate_weight = (funds.execution_weight() if funds else None) or 0
        full = {sum(weights, Decimal(0)) + rate_weight}
        if table.level1_points:
            full.add(sum((f.quantity.value for f in table.level1_points), Decimal(0)) + rate_weight)
        got = sum(scores, Decimal(0)) + (rate_score.quantity.value or 0 if rate_score else 0)
        return value in full and value != got


def table_place(c: TableCoverage) -> str:
    """Where a table is: "表3（第2页）" in a document, "工作表「自评表」第3行起" in a workbook (the row Excel shows)."""
    if c.loc.sheet:
        return f"工作表「{c.loc.sheet}」" + (f"第{c.loc.line}行起" if c.loc.line else "")
    return f"表{c.table + 1}" + (f"（第{c.page}页）" if c.page else "")


def coverage_of(reading: TableReading, part: str) -> TableCoverage:
    """The coverage entry of a table reading: what it was read as and any band that failed its checks."""
    table = reading.table
    problems = [p for b in reading.bands for p in b.problems]
    if problems:
        status = "doubtful"
    elif not any(b.kind in _FIGURE_BANDS for b in reading.bands) and _has_numbers(reading):
        # Figures that no funds, indicator or money block took (a goals block or label/value pairs
        # around them do not check them): the table is not read, whatever else was.
        status = "unread"
    else:
        status = "ok"
    return TableCoverage(
        table=table.index, page=table.loc.page, part=part, read_as=reading.described, status=status,
        problems=problems, loc=table.loc,
    )


_FIGURE_BANDS = ("funds", "indicators", "money")


def _has_numbers(reading: TableReading) -> bool:
    """Whether a table holds figures beyond its label/value pairs and its bands' rows (so leaving it unread loses checks)."""
    paired = {id(p.cell) for p in reading.pairs}
    banded = {r for b in reading.bands for r in [*b.header_rows, *(row.index for row in b.rows)]}
    return any(
        parse_quantity(c.text).value is not None and id(c) not in paired and not _SPLIT.match(c.text.strip())
        for r, row in enumerate(reading.table.rows) if r not in banded for c in row if c.text.strip()
    )


def _side(sides: dict[int, str], side_row: Row | None, row: Row, k: int) -> str | None:
    """The side (income / expense) the heading row gives the ``k``-th cell of a split row."""
    if side_row is None:
        return None
    if len(row.placed) == len(side_row.placed):
        return sides.get(k)
    start = row.placed[k].start
    return next((sides[j] for j, p in enumerate(side_row.placed) if j in sides and p.start == start), None)


def _rate(q: Quantity, row: Row) -> Quantity:
    """An 执行率 written as a fraction (0.75, as Excel shows a General-format ratio) read as a percentage.

    A bare number is a fraction when it matches 全年执行数 ÷ 全年预算数 as one
    (or, without both amounts, when it is at most 1); otherwise it stays as written.
    """
    if q.value is None or q.unit is not None or not 0 < q.value <= Decimal("1.5"):
        return q
    budget, spent = (parse_quantity(row.text(r)).value for r in ("budget", "spent"))
    if budget and spent is not None:
        ratio = spent / budget
        fraction = abs(ratio - q.value) < abs(ratio * 100 - q.value)
    else:
        fraction = q.value <= 1
    if not fraction:
        return q
    return dataclasses.replace(q, value=q.value * 100, unit="%", decimals=max(q.decimals - 2, 0))


def _scaled(q: Quantity, unit: str | None) -> Quantity:
    """A bare amount in a table headed (元) or (千元) carries that unit, so it converts to 万元 like any other."""
    if unit not in (None, "万元") and q.value is not None and q.unit is None:
        return dataclasses.replace(q, unit=unit)
    return q
