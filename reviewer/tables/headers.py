"""Header rows: which block a row opens (funds, goals, indicators, money) and its columns' roles.

A header is recognised by its words (:mod:`reviewer.tables.vocabulary`),
never by its position in one template. Money tables are recognised by shape:
plain labels over amounts with a total somewhere; their two-row headers are
read from the grid, or, in a Word text export that writes a merged cell once,
by where the sub-row's filled cells run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain, islice

from reviewer.document import Cell, Table
from reviewer.quantity import parse_quantity
from reviewer.tables.grid import Placed, cell_kind, has_grid, is_number
from reviewer.tables.model import Band, Column
from reviewer.tables.vocabulary import (
    FUNDS_ROLES,
    GOAL_LABELS,
    INDICATOR_VALUE_ROLES,
    LEVEL_ROLES,
    NOT_AMOUNT_WORDS,
    column_role,
    formula_points,
    is_money_total,
    split_points,
    squash,
)

# A cell holding a label and its value: a digit or more than six characters after the colon.
_LABELLED_VALUE = re.compile(r"^[^:]{2,14}:(?=.*\d|.{7})")
# A year heading the columns under it ("2024年", "2023年度"): a header's word, not a quantity.
_YEAR = re.compile(r"^(?:19|20)\d{2}年度?$")
_TABLE_UNIT = re.compile(r"(?:单位|金额单位)[:：]\s*(万元|千元|亿元|元)|[（(](万元|千元|亿元|元)[）)]")


def header_band(r: int, placements: list[list[Placed]], rows: list[list[Cell]], in_band: bool) -> Band | None:
    """A band opened by row ``r``, when its words name the columns of a known block.

    ``placements``: every row of the table placed on the grid (:func:`reviewer.tables.grid.place`).
    Inside a band only a known block's header opens a new one; a money
    table's header (plain labels over amounts) is recognised outside bands.
    """
    if in_band and not any(column_role(p.text) for p in placements[r] if p.text):
        return None  # names no column (most rows of a band): no known block's header
    filled = [p for p in placements[r] if p.text]
    roles = [column_role(p.text) for p in filled]
    if any(is_number(p.text) or _LABELLED_VALUE.match(squash(p.text)) for p in filled):
        return None  # "预期目标：改造老旧小区12个" is a label with its value, not a column's name
    columns = [Column(role, p.start, p.end, squash(p.text)) for role, p in zip(roles, filled)]
    for c in columns:
        # A block title with its points ("年度绩效目标(80分)", "绩效指标(90分)") names the block, not a column.
        if c.role not in LEVEL_ROLES and split_points(c.header)[1] is not None and column_role(split_points(c.header)[0]) != "score":
            c.role = None
    kind = _known_kind(columns)
    if kind is None:
        return None if in_band else _moneyheader_band(r, placements, rows)
    if kind == "goals":
        for c in columns:
            c.role = "goal_actual" if c.role == "actual" else c.role
    band = Band(kind=kind, header_rows=[r], columns=columns)
    titled = [c for c in columns if c.role is None or split_points(c.header)[1] is not None]
    for c in titled:
        name, points = split_points(c.header)
        if points is not None and c.role not in LEVEL_ROLES:
            band.label, band.points = name, points
            break
    if not band.label and columns[0].role is None:
        band.label = split_points(columns[0].header)[0]
    band.unit = _unit_in(" ".join(c.header for c in columns))
    _adjusted_target_only(band)
    if kind == "funds":
        # "得分(20分*执行率)": the 执行率 weight stated in the score header.
        score = band.column("score")
        if score is not None and band.points is None:
            band.points = formula_points(score.header)
    _widen_for_rows(band, r, rows, placements)
    return band


def headerless_funds(r: int, placed: list[Placed]) -> Band | None:
    """A 年度资金总额 row whose header row is missing (lost in a text export), read by its figures' pattern.

    The forms write amounts, then 分值 | 执行率 | 得分: "年度资金总额 | 120.00 |
    150.00 | 135.00 | 10 | 90% | 9". The one percentage is the rate; the
    figure before it the weight, after it the score; of the amounts, the last
    is the spending and the one before the budget (a third, 年初预算数). The
    reading is kept only when the rate recomputes from those two amounts.
    """
    filled = [p for p in placed if p.text]
    if not filled or not squash(filled[0].text).rstrip(":：").endswith(("资金总额", "资金总和")):
        return None
    figures = filled[1:]
    rates = [i for i, p in enumerate(figures) if p.text.endswith(("%", "％"))]
    if len(rates) != 1:
        return None
    k = rates[0]
    # The weight before the rate and the score after it may be written with 分 ("10分"); the amounts are bare.
    if not all(is_number(p.text) or (abs(i - k) == 1 and cell_kind(p.text) == "points") for i, p in enumerate(figures)):
        return None
    amounts = figures[: k - 1] if k >= 1 else []
    if len(amounts) not in (2, 3) or k + 1 >= len(figures) + 1:
        return None
    budget, spent, rate = (parse_quantity(amounts[-2].text).value, parse_quantity(amounts[-1].text).value,
                           parse_quantity(figures[k].text).value)
    if not budget or abs(spent / budget * 100 - rate) > 1:
        return None
    roles = (["initial"] if len(amounts) == 3 else []) + ["budget", "spent", "weight", "rate"]
    roles += ["score"] if k + 1 < len(figures) else []
    columns = [Column(None, filled[0].start, filled[0].end, "")]
    columns += [Column(role, p.start, p.end, role) for role, p in zip(roles, figures)]
    return Band(kind="funds", header_rows=[], columns=columns, label="年度资金", problems=[])


def _known_kind(columns: list[Column]) -> str | None:
    """The block a header's roles name: indicators, goals or funds (None for anything else)."""
    roles = {c.role for c in columns if c.role}
    first = columns[0].header if columns else ""
    if roles & set(LEVEL_ROLES) and roles & set(INDICATOR_VALUE_ROLES) or {"target", "actual"} <= roles:
        return "indicators"
    if "goal_expected" in roles or ("goal_actual" in roles and first.startswith(GOAL_LABELS)):
        return "goals"
    if len(roles & set(FUNDS_ROLES)) >= 2 and not roles & set(LEVEL_ROLES):
        return "funds"
    return None


def _filled_after(r: int, placements: list[list[Placed]]) -> Iterator[int]:
    """The rows after row ``r`` with any text, in order (a generator: read only as far as needed)."""
    return (i for i in range(r + 1, len(placements)) if any(p.text for p in placements[i]))


def _moneyheader_band(r: int, placements: list[list[Placed]], rows: list[list[Cell]]) -> Band | None:
    """A header over rows of amounts with a total somewhere (a 合计 column, or a 合计 / 汇总 row).

    "机构名称 | 收入合计 | 财政拨款 | 其他收入" over "汇总 | 1、局机关 | …", or
    "支出内容 | 实际支出数 | 会计凭证号" over detail lines ending in 支出合计.
    A second all-text row under the header refines it (multi-row headers).
    """
    filled = [p for p in placements[r] if p.text]
    if len(filled) < 2 or any(cell_kind(p.text) != "text" and not _YEAR.match(squash(p.text)) or len(squash(p.text)) > 20
                              for p in filled):
        return None
    if len(filled) == 2 and filled[1].end == max(p.end for p in placements[r]) and filled[1].end - filled[1].start > 1:
        return None  # a label and one cell merged across the rest: "项目名称 | 农村饮水安全工程补助", not columns' names
    header_rows = [r]
    sub: list[Placed] = []
    # The filled rows below, looked at only as far as needed (this is asked of every plain row).
    later = _filled_after(r, placements)
    below = list(islice(later, 3))
    first = placements[below[0]] if below else []
    if below and not any(is_number(p.text) for p in first if p.text) and len(below) > 1:
        sub = first
        sub_columns = [Column(column_role(p.text), p.start, p.end, squash(p.text)) for p in sub if p.text]
        if any(len(squash(p.text)) > 20 for p in sub) or not any(p.text for p in sub):
            return None
        if _known_kind(sub_columns) is not None and not (_measures_repeat(sub_columns) and sub_columns[0].start > 0):
            return None  # the block's own header ("全年预算数 | 全年执行数 | 执行率"), under a title row
        header_rows.append(below[0])
        below = below[1:]
    data = [placements[i] for i in below[:2]]
    if not data or not all(sum(is_number(p.text) for p in ps) >= 1 for ps in data):
        return None
    columns = _money_columns(placements[r], sub, has_grid(rows[r]))
    if columns is None or not any(c.role in ("total", "amount") for c in columns):
        return None
    labels = (next((p.text for p in placements[i] if p.text), "") for i in chain(below, later))
    if not any(c.role == "total" for c in columns) and not any(is_money_total(t) for t in labels):
        return None
    return Band(kind="money", header_rows=header_rows, columns=columns, unit=_unit_in(" ".join(p.text for p in filled)))


def _measures_repeat(columns: list[Column]) -> bool:
    """A funds header that names one amount twice ("预算数 | 执行数 | 预算数 | 执行数"): the row above tells them apart.

    Under "2023年 | 2024年" each year's 预算数 and 执行数 are different
    columns; read alone the row would give both years' figures one name.
    (Only under a row labels' header merged down: the row's first cell empty.)
    """
    roles = [c.role for c in columns if c.role in FUNDS_ROLES]
    return _known_kind(columns) == "funds" and len(roles) > len(set(roles))


def _money_columns(top: list[Placed], sub: list[Placed], grid: bool) -> list[Column] | None:
    """Columns of a money header: leaf headers (the sub-row where it names one), with their parent's words.

    ``top`` and ``sub``: the two header rows placed on the grid, empty cells
    included (``sub`` empty for a one-row header). None when which top cell a
    sub-row cell stands under cannot be told.
    """
    if sub and not grid and len(top) < len(sub):
        leaves = _collapsed_leaves([p for p in top if p.text], sub)
    else:
        leaves = _spanned_leaves(top, sub)
    if leaves is None:
        return None
    columns = []
    for header, start, end in leaves:
        own = header.rsplit("/", 1)[-1]
        if any(w in own for w in NOT_AMOUNT_WORDS) or start == 0:
            role = None
        elif is_money_total(own):
            role = "total"
        else:
            role = "amount"
        columns.append(Column(role, start, end, header))
    return columns


def _spanned_leaves(top: list[Placed], sub: list[Placed]) -> list[tuple[str, int, int]]:
    """Leaf headers where both rows keep their cells in place: a top cell spans the sub-row cells under it.

    A merged top cell spans its grid columns. A label followed by empty cells
    spans them too where the row below names a column under each of them and
    under the label itself, and leaves its first cell empty under the row
    labels' header (merged down): the merge was lost (a text export, or a file
    written without merges) — "2024年 | ''" over "预算数 | 执行数". A row below
    with a first cell of its own may be a header of its own, under a label and
    its value ("主管部门 | 水利厅 | ''" over "资金（万元）| 合计 | 中央"): there
    only a merged cell names the cells under it.
    """
    named = [s for s in sub if s.text]
    spread = bool(named) and named[0].start > 0
    leaves: list[tuple[str, int, int]] = []
    for k, p in enumerate(top):
        if not p.text:
            continue
        end = p.end
        if spread and any(p.start <= s.start < p.end for s in named):
            for q in top[k + 1 :]:
                if q.text or not any(q.start <= s.start < q.end for s in named):
                    break
                end = q.end
        under = [s for s in named if p.start <= s.start < end]
        if len(under) > 1 or under and spread:
            leaves.extend((f"{squash(p.text)}/{squash(s.text)}", s.start, s.end) for s in under)
        else:
            leaves.append((squash(p.text), p.start, p.end))
    return leaves


def _collapsed_leaves(top: list[Placed], sub: list[Placed]) -> list[tuple[str, int, int]] | None:
    """Leaf headers of a two-row header pasted from Word, where a merged cell shows once (``top``: its filled cells).

    The sub-row is as wide as the data: an empty sub cell sits under a header
    merged down from the top row (机构名称, 收入合计), and a run of filled sub
    cells sits under the top cell spanning them (其中 over 财政拨款 | 上年结转 |
    其他收入). When the top row has more cells than that, one run stands under
    several: it is shared out only when it repeats the same names for each
    ("预算数 | 执行数 | 预算数 | 执行数" under "2023年 | 2024年"); otherwise None.
    """
    width = max(p.end for p in sub)
    by_start = {p.start: p for p in sub if p.text}
    segments: list[list[int]] = []  # an empty sub position alone, or a run of filled ones
    for i in range(width):
        if i in by_start and segments and segments[-1][-1] in by_start and segments[-1][-1] == i - 1:
            segments[-1].append(i)
        else:
            segments.append([i])
    runs = [k for k, seg in enumerate(segments) if seg[0] in by_start]
    parents = [1] * len(segments)
    extra = len(top) - len(segments)
    if extra < 0 or extra and len(runs) != 1:
        return None
    if extra:
        run = segments[runs[0]]
        share, left = divmod(len(run), extra + 1)
        names = [squash(by_start[i].text) for i in run]
        if left or names != names[:share] * (extra + 1):
            return None
        parents[runs[0]] = extra + 1
    leaves: list[tuple[str, int, int]] = []
    j = 0
    for k, seg in enumerate(segments):
        if seg[0] not in by_start:
            leaves.append((squash(top[j].text), seg[0], seg[0] + 1))
        else:
            share = len(seg) // parents[k]
            for n, i in enumerate(seg):
                leaves.append((f"{squash(top[j + n // share].text)}/{squash(by_start[i].text)}", i, i + 1))
        j += parents[k]
    return leaves


def sub_header(r: int, placed: list[Placed], band: Band) -> Band | None:
    """A second header row under a block's first, naming the columns a merged cell above spans.

    "年度指标值" over "指标性质 | 指标值 | 度量单位": short words, every one a
    column name, nothing else on the row. A word that names no column alone
    qualifies the name above it: "预算数" over "年初 | 全年" is 年初预算数 and
    全年预算数.
    """
    filled = [p for p in placed if p.text]
    if band.kind not in ("indicators", "funds") or len(filled) < 2:
        return None
    if any(cell_kind(p.text) != "text" or len(squash(p.text)) > 12 for p in filled):
        return None
    columns = [_sub_column(p, band) for p in filled]
    if any(c.role is None for c in columns):
        return None
    return Band(kind=band.kind, header_rows=[r], columns=columns)


_QUALIFIED_ROLES = ("initial", "budget", "spent", "target", "actual")


def _sub_column(p: Placed, band: Band) -> Column:
    """The column a sub-header cell names, alone or with the name of the header cell over it."""
    word = squash(p.text)
    if column_role(word) is not None:
        return Column(column_role(word), p.start, p.end, word)
    # The header cell over it: the one spanning it, or (a merged cell written once in text) the last one starting left of it.
    over = [c for c in band.columns if c.start <= p.start]
    parent = max(over, key=lambda c: c.start) if over else None
    # Only an amount or a value is qualified so ("年初", "全年", "调整后"); a level's heading row is no sub-header.
    if parent is None or parent.role not in _QUALIFIED_ROLES or len(word) > 4:
        return Column(None, p.start, p.end, word)
    name = word + split_points(parent.header)[0]
    return Column(column_role(name), p.start, p.end, name)


def is_subheader(band: Band) -> bool:
    """A header row that names columns (a second row under a block's first header refines it)."""
    return bool(band.roles())


def merge_header(band: Band, sub: Band) -> None:
    """A second header row refines the first: its roles win where it names one."""
    band.header_rows += sub.header_rows
    kept = [c for c in band.columns if not any(s.role and s.start < c.end and c.start < s.end for s in sub.columns)]
    band.columns = sorted(kept + [s for s in sub.columns if s.role], key=lambda c: c.start)
    _adjusted_target_only(band)


def _adjusted_target_only(band: Band) -> None:
    """年初指标值 beside 调整后指标值 / 全年指标值: the actual is judged against the adjusted target, the original is a note.

    Likewise for amounts: beside 调整后预算数 (or 全年预算数) a 调整预算数 is the
    change made during the year, not a budget, and a plain 预算数 is the
    budget as first set (年初).
    """
    targets = [c for c in band.columns if c.role == "target"]
    if len(targets) > 1 and any("调整" in c.header or "全年" in c.header for c in targets):
        for c in targets:
            if "年初" in c.header:
                c.role = None
    budgets = [c for c in band.columns if c.role == "budget"]
    adjusted = [c for c in budgets if "调整后" in c.header or "全年" in c.header]
    if len(budgets) > 1 and adjusted:
        for c in budgets:
            if c in adjusted:
                continue
            has_initial = any(o.role == "initial" for o in band.columns)
            c.role = "initial" if "调整" not in c.header and not has_initial else None


def _widen_for_rows(band: Band, r: int, rows: list[list[Cell]], placements: list[list[Placed]]) -> None:
    """When the data rows are wider than the header, the header's first cell spanned the extra cells.

    Word's text export writes a merged header cell once ("绩效指标 | 一级指标 …")
    while the data rows keep the cell it covers: shift the named columns right.
    Text pasted from Word or a web page keeps cells in order but loses the
    span: there the header's first cell must be a block title (资金情况) over
    an empty cell of the data row (" | 年度资金总额 | 30 …").
    """
    header_row = rows[r]
    below = next(_filled_after(r, placements), None)
    following = rows[below] if below is not None else []
    if has_grid(header_row):
        if not following or band.columns[0].role is not None or following[0].text.strip():
            return
        extra = max(p.end for p in placements[below]) - max(p.end for p in placements[r])
    else:
        extra = len(following) - len(header_row)
    if extra <= 0 or not band.columns or band.columns[0].start != 0:
        return
    for c in band.columns[1:]:
        c.start += extra
        c.end += extra
    band.columns[0].end += extra


def table_unit(table: Table) -> str | None:
    for row in table.rows[:3]:
        for c in row:
            unit = _unit_in(c.text)
            if unit:
                return unit
    return None


def unit_stated(text: str) -> str | None:
    """The money unit a line states: "单位：元", "（万元）"."""
    return _unit_in(text)


def _unit_in(text: str) -> str | None:
    text = squash(text)
    if "元" not in text:
        return None  # every unit the pattern reads is 万元 or 元: most cells are not searched
    m = _TABLE_UNIT.search(text)
    return (m.group(1) or m.group(2)) if m else None
