"""The typed Report: what extraction understood of a document.

Rules read these typed values; they never parse document strings themselves.
They are plain dataclasses, built by the hundred for every review without
validation (their fields come from extraction, already of their types);
:meth:`Report.to_json` serialises one at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from reviewer.document import Location
from reviewer.quantity import Quantity


@dataclass(kw_only=True, slots=True)
class TextSpan:
    """A piece of source text with its location."""

    text: str
    loc: Location


@dataclass(kw_only=True, slots=True)
class Fact:
    """A labelled number found in a table or the narrative.

    ``key`` is the canonical name of the quantity (基本支出, 项目支出, 编制数 …)
    used to compare the same quantity across places; ``measure`` says which
    figure it is (预算 / 执行 / 决算 / 年初预算), ``year`` which year it speaks of.
    """

    label: str
    key: str | None = None
    quantity: Quantity
    measure: str | None = None
    year: int | None = None
    part: str = ""  # which part of the report: 基础数据表, 部门整体支出绩效自评表, 项目「…」, 报告
    source: Literal["table", "narrative"] = "table"
    polarity: Literal["asserts", "denies"] = "asserts"  # "无政府性基金安排支出" denies
    quote: str = ""  # the text the number was read from
    column: str = ""  # the column's header path in a table ("收入合计", "其中/财政拨款")
    loc: Location

    @property
    def value(self) -> Decimal | None:
        """The number, in 万元 when it is money."""
        return self.quantity.in_wan()


@dataclass(kw_only=True, slots=True)
class StaffData:
    """财政供养人员情况: 编制数, 实际在职人数, 控制率."""

    quota: Fact | None = None
    actual: Fact | None = None
    control_rate: Fact | None = None


@dataclass(kw_only=True, slots=True)
class BasicDataColumn:
    """A value column of 经费控制情况, e.g. "2024 年决算数"."""

    label: str
    year: int | None = None
    measure: str | None = None  # 预算 / 决算


@dataclass(kw_only=True, slots=True)
class BasicDataLine:
    """One expense line of 经费控制情况 with a value per column.

    ``kind`` is ``group`` for a heading line (三公经费, 项目支出, 公用经费),
    ``item`` for an enumerated line ("1、运行维护经费") and ``sub`` for a
    "其中" line; ``parent`` is the index of the line it belongs to.
    """

    label: str
    raw_label: str
    kind: Literal["group", "item", "sub"]
    number: int | None = None
    parent: int | None = None
    values: list[Fact]  # aligned with BasicData.columns (None-valued Quantity when blank)
    loc: Location


@dataclass(kw_only=True, slots=True)
class BasicData:
    """附件一 基础数据表."""

    title: str = ""
    staff: StaffData = field(default_factory=StaffData)
    columns: list[BasicDataColumn] = field(default_factory=list)
    lines: list[BasicDataLine] = field(default_factory=list)
    loc: Location


FundsColumn = Literal["initial", "adjust", "budget", "actual", "weight", "rate", "score"]

FUNDS_COLUMN_LABELS: dict[str, str] = {
    "initial": "年初预算数",
    "adjust": "调整数",
    "budget": "全年预算数",
    "actual": "全年执行数",
    "weight": "分值",
    "rate": "执行率",
    "score": "自评得分",
}


@dataclass(kw_only=True, slots=True)
class FundsRow:
    """A row of the funds block: 年度资金总额, 当年财政拨款, 上年结转资金, 其他资金."""

    label: str
    cells: dict[str, Fact]  # keyed by FundsColumn
    total: bool = False  # the block's total row (年度资金总额 / 总额 / 合计)
    loc: Location


@dataclass(kw_only=True, slots=True)
class FundsTable:
    """The 资金 block of an evaluation form.

    ``splits`` are the label:value pairs written inside cells, such as
    "其中：基本支出：205.88", grouped into income (按收入性质) and expense
    (按支出性质) sides.
    """

    rows: list[FundsRow] = field(default_factory=list)
    income_splits: list[Fact] = field(default_factory=list)
    expense_splits: list[Fact] = field(default_factory=list)
    points: Decimal | None = None  # the 执行率 weight a heading states: 预算执行情况(10分), 得分(20分*执行率)

    def row(self, *labels: str) -> FundsRow | None:
        """The first row whose label contains one of ``labels``."""
        for r in self.rows:
            if any(lbl in r.label for lbl in labels):
                return r
        return None

    @property
    def total(self) -> FundsRow | None:
        """The 年度资金总额 (总额, 合计) row."""
        return next((r for r in self.rows if r.total), None) or self.row("资金总额", "资金总和", "合计")

    def execution_weight(self) -> Decimal | None:
        """The 执行率 weight: the total row's 分值 cell, else the points a heading states."""
        total = self.total
        cell = total.cells.get("weight") if total else None
        if cell is not None and cell.quantity.value is not None:
            return cell.quantity.value
        return self.points


@dataclass(kw_only=True, slots=True)
class Indicator:
    """One indicator row: levels, target, actual, weight, score, deviation."""

    level1: str
    level2: str = ""
    level3: str = ""
    target: Quantity
    actual: Quantity
    weight: Quantity | None = None
    score: Quantity | None = None
    coef: Quantity | None = None  # 得分系数 (%), when the form has that column
    deduction: Quantity | None = None  # 扣分 (points taken off), when the form has that column
    deviation: str = ""
    locs: dict[str, Location] = field(default_factory=dict)  # level1..deviation, row
    loc: Location

    @property
    def name(self) -> str:
        """The most specific level name."""
        return self.level3 or self.level2 or self.level1


@dataclass(kw_only=True, slots=True)
class IndicatorTable:
    """The 绩效指标 block of an evaluation form."""

    indicators: list[Indicator] = field(default_factory=list)
    level1_points: list[Fact] = field(default_factory=list)  # stated "(50 分)" per first-level header
    level2_points: list[Fact] = field(default_factory=list)  # stated "(6分)" per second-level header (score sheets)
    level1_scores: list[Fact] = field(default_factory=list)  # a first-level block's 得分 its closing 小计 row states
    points: list[Decimal] = field(default_factory=list)  # points a block heading states: 绩效指标(90分)
    total_weight: Fact | None = None
    total_score: Fact | None = None
    has_scores: bool = False
    loc: Location


@dataclass(kw_only=True, slots=True)
class Evaluation:
    """One evaluation form: 部门整体支出绩效自评表 or a 项目支出绩效自评表."""

    kind: Literal["department", "project"]
    title: str
    name: str = ""  # department or project name
    label: str = ""  # human prefix used in locations, e.g. 附件三 项目支出绩效自评表「…」
    funds: FundsTable | None = None
    indicators: IndicatorTable | None = None
    goal_expected: TextSpan | None = None
    goal_actual: TextSpan | None = None
    units: dict[str, str] = field(default_factory=dict)  # unit labels on the form: 实施单位 -> 测试局
    loc: Location

    @property
    def display(self) -> str:
        """How messages name this form: 附件三 项目支出绩效自评表「项目名称」."""
        return f"{self.label}「{self.name}」" if self.kind == "project" and self.name else self.label


@dataclass(kw_only=True, slots=True)
class Section:
    """A numbered part of the narrative report (一、 （一） 1、)."""

    number: str = ""
    title: str
    level: int = 1
    paragraphs: list[TextSpan] = field(default_factory=list)
    loc: Location

    @property
    def text(self) -> str:
        """The section body as one string."""
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(kw_only=True, slots=True)
class Signature:
    """The 填表人 / 填报日期 / 联系电话 line under a form."""

    filler: TextSpan | None = None
    filler_label: str = "填表人"  # as the line names it: 填表人, 填报人 or 制表人
    date: TextSpan | None = None
    phone: TextSpan | None = None
    loc: Location


@dataclass(kw_only=True, slots=True)
class MoneyColumn:
    """A value column of a money table: its header path and whether it holds a total."""

    header: str
    total: bool = False


@dataclass(kw_only=True, slots=True)
class MoneyGroup:
    """A total column and the columns that make it up; ``exhaustive`` when they must add up to it exactly.

    Without ``exhaustive`` the parts are a "其中" breakdown: they may add up
    to less, never to more.
    """

    total: int  # index into MoneyTable.columns
    parts: list[int]
    exhaustive: bool = False


@dataclass(kw_only=True, slots=True)
class MoneyRow:
    """A row of a money table: a total (合计 / 汇总), an item that adds into it, or another row."""

    label: str
    kind: Literal["total", "item", "other"] = "other"
    values: list[Fact | None]  # aligned with MoneyTable.columns
    loc: Location
    parent: int | None = None  # index of the row this one details (其中 rows, 1、2、 under 项目支出)
    exhaustive: bool = False  # the rows detailing this one must add up to it exactly (人员经费 + 公用经费)
    changes: list[Fact | None] = field(default_factory=list)  # aligned with MoneyTable.changes (增减率, %)
    ratios: list[Fact | None] = field(default_factory=list)  # aligned with MoneyTable.ratios (执行率, %)


@dataclass(kw_only=True, slots=True)
class ChangeColumn:
    """A 增减率 column (%) of a money table and the two value columns it compares: (current − base) ÷ base."""

    header: str
    base: int  # index into MoneyTable.columns: last year's figure (2023年执行数, 上年数)
    current: int  # this year's figure of the same measure (2024年执行数, 本年数)


@dataclass(kw_only=True, slots=True)
class RatioColumn:
    """An 执行率 column (%) of a money table and the two value columns it divides: spent ÷ budget."""

    header: str
    spent: int  # index into MoneyTable.columns: 执行数 / 决算数 / 实际支出
    budget: int  # index into MoneyTable.columns: 全年预算数 / 调整后预算数


@dataclass(kw_only=True, slots=True)
class MoneyTable:
    """A table of amounts with row and column labels: 收支情况 by unit, 项目支出明细, 三公经费 …"""

    part: str
    name: str  # how messages name it: 项目支出明细表, 表3
    columns: list[MoneyColumn]
    groups: list[MoneyGroup] = field(default_factory=list)
    changes: list[ChangeColumn] = field(default_factory=list)
    ratios: list[RatioColumn] = field(default_factory=list)
    rows: list[MoneyRow] = field(default_factory=list)
    loc: Location


@dataclass(kw_only=True, slots=True)
class StatedGrade:
    """A grade written in a table (评价等次 | 优) and the score written beside it (综合得分 | 88.5), if any."""

    grade: TextSpan
    score: Fact | None = None


@dataclass(kw_only=True, slots=True)
class TableCoverage:
    """What one table was read as, and whether its figures were checked.

    ``status``: ``ok`` (read and checked), ``doubtful`` (a block failed a
    sanity check: its figures were not checked, ``problems`` says why),
    ``unread`` (numbers in a layout the reader did not understand).
    """

    table: int
    page: int | None = None
    part: str = ""
    read_as: str
    status: Literal["ok", "doubtful", "unread"] = "ok"
    problems: list[str] = field(default_factory=list)
    loc: Location


@dataclass(kw_only=True, slots=True)
class Report:
    """Everything extraction understood of one document."""

    path: str
    sha256: str
    format: str
    template: str = "未识别"
    unit: str | None = None
    year: int | None = None
    basic_data: BasicData | None = None
    evaluations: list[Evaluation] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    money_tables: list[MoneyTable] = field(default_factory=list)
    grades: list[StatedGrade] = field(default_factory=list)  # grades stated in tables
    facts: list[Fact] = field(default_factory=list)
    texts: list[TextSpan] = field(default_factory=list)  # every paragraph and cell text
    coverage: list[TableCoverage] = field(default_factory=list)  # one entry per table
    reader_warnings: list[str] = field(default_factory=list)  # what the file reader could not read (uncomputed formulas …)

    @property
    def department(self) -> Evaluation | None:
        """The 部门整体支出绩效自评表, if present."""
        return next((e for e in self.evaluations if e.kind == "department"), None)

    @property
    def projects(self) -> list[Evaluation]:
        """The 项目支出绩效自评表 forms."""
        return [e for e in self.evaluations if e.kind == "project"]

    @property
    def scored_form(self) -> Evaluation | None:
        """The form whose 总分 is the report's: the department form's, else the only form with a 总分."""
        scored = [e for e in self.evaluations if e.indicators and e.indicators.total_score and e.indicators.total_score.quantity.value is not None]
        return next((e for e in scored if e.kind == "department"), scored[0] if len(scored) == 1 else None)

    def facts_by_key(self) -> dict[str, list[Fact]]:
        """The facts that have a canonical key, grouped by it, each list in report order.

        One pass over the facts: a rule that looks up many keys builds this
        once instead of scanning every fact for each lookup.
        """
        groups: dict[str, list[Fact]] = {}
        for f in self.facts:
            if f.key is not None:
                groups.setdefault(f.key, []).append(f)
        return groups

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON (every field, in declaration order), for ``reviewer extract --format json``."""
        from reviewer.jsonio import dump_json  # pydantic's serialiser, loaded only when a report is written out

        return dump_json(self, indent=indent)
