"""Scopes: which unit or project a table figure, or a quoted text, speaks of.

A department report may hold the tables of several units (收支情况 by 机构名称,
rows 局机关 / 市林业科技推广站; one form per 二级单位) and one form per project.
A figure of one unit's table says nothing about another unit, so a figure
grounds a citation only when both speak of the same unit or project, or the
figure is the report's as a whole (scope None).

Scope names come from the report's structure: project forms (项目名称) when
the report holds more than one form, department forms whose name is not the
report's unit, and the rows of a money table by unit (two or more rows named
like units: 局机关, （1）市林业科技推广站). A text's scopes are the names it
writes; failing those, its table cell's (the cell's unit row, else its form)
or its narrative section's (the nearest heading, or a parent heading, that
writes one).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from operator import attrgetter

from reviewer.document import Location
from reviewer.report import Evaluation, Fact, Report
from reviewer.tables.vocabulary import squash

# Endings of a row label that names an organisation rather than a kind of spending.
UNIT_ENDINGS = (
    "局", "站", "中心", "所", "院", "馆", "队", "机关", "机构", "学校", "中学", "小学", "医院", "幼儿园",
    "公司", "林场", "办公室", "委员会", "事务处", "管理处", "本级",
)
SENTENCE_END = re.compile(r"[。！？!?；;\n]")
NUMBERING = re.compile(r"^\s*(?:[（(]?[\d一二三四五六七八九十]+[)）、.．]\s*)+")
Scopes = frozenset[str]
DEPARTMENT_WORDS = ("本部门", "本单位", "部门整体", "全部门", "本局", "我局", "全局")
SIGNED = re.compile(r"填表人|填报人")
_NOT_A_UNIT = re.compile(r"合计|小计|汇总|总计|支出|经费|资金|费$")
MANY = "（多个单位或项目）"  # the scope of a sentence naming several: no single unit's text speaks for it
TEXT_PLACE = attrgetter("block", "table", "row", "col")  # which text (paragraph or cell) a Location is in


def unit_name(label: str) -> str | None:
    """The organisation a row label names ("（1）市林业科技推广站" -> "市林业科技推广站"), None for other labels."""
    name = squash(NUMBERING.sub("", label))
    if len(name) < 3 or _NOT_A_UNIT.search(name):
        return None
    return name if name.endswith(UNIT_ENDINGS) else None


class ScopeMap:
    """The scope of every table figure, cell and narrative paragraph of one report."""

    def __init__(self, report: Report):
        self.report = report
        self.forms: dict[int, str] = {}  # id(evaluation) -> its scope name
        forms = report.evaluations
        departments = {squash(e.name) for e in forms if e.kind == "department" and e.name}
        own = squash(report.unit or "")
        for e in forms:
            name = squash(e.name)
            if not name or name == own:
                continue
            if (e.kind == "project" and len(forms) > 1) or (e.kind == "department" and len(departments) > 1):
                self.forms[id(e)] = name
        self.rows: dict[tuple[int | None, int | None], str] = {}  # (table, row) of a unit row -> its unit
        for table in report.money_tables:
            units = [(row, name) for row in table.rows if row.kind != "total" and (name := unit_name(row.label))]
            if len(units) >= 2:
                self.rows.update({(row.loc.table, row.loc.row): name for row, name in units})
        self.names: set[str] = set(self.forms.values()) | set(self.rows.values())
        self.tables: dict[int, str | None] = {}  # table -> the scope of its form
        for fact in report.facts:
            if fact.loc.table is not None and fact.source == "table" and fact.loc.table not in self.tables:
                self.tables[fact.loc.table] = self.form_scope(fact)
        self.texts = {TEXT_PLACE(t.loc): t.text for t in report.texts}  # (block, table, row, col) -> text
        self.paragraphs = self.form_paragraphs() | self.section_scopes()

    def form_of(self, fact: Fact) -> Evaluation | None:
        """The form a table fact was read from (by its part; by table order when forms share a title)."""
        matches = [e for e in self.report.evaluations if fact.part in (e.display, f"项目「{e.name}」")]
        if len(matches) > 1 and fact.loc.table is not None:
            before = [e for e in matches if e.loc.table is not None and e.loc.table <= fact.loc.table]
            matches = [max(before, key=lambda e: e.loc.table or 0)] if before else []
        return matches[0] if len(matches) == 1 else None

    def form_scope(self, fact: Fact) -> str | None:
        """The scope of the form a table fact was read from (None for the report's own or an unknown form)."""
        form = self.form_of(fact)
        return self.forms.get(id(form)) if form is not None else None

    def of_fact(self, fact: Fact) -> str | None:
        """The unit or project a figure speaks of; None for the report as a whole.

        A table figure's is its unit row's or its form's; a narrative
        figure's is the one its sentence names before it (the longest when
        it names several; see ``subject``), else its section's.
        """
        if fact.source == "table":
            return self.rows.get((fact.loc.table, fact.loc.row)) or self.form_scope(fact)
        named = sorted(self.subject(self.sentence(fact.loc)), key=len, reverse=True)
        return named[0] if named else self.of_location(fact.loc)

    def sentences(self, text: str, loc: Location) -> list[tuple[str, str | None]]:
        """The sentences of a paragraph or cell, each with its scope: the one name it writes, else the place's."""
        where = self.of_location(loc)
        out = []
        for sentence in re.split(SENTENCE_END, text):
            named = self.named(sentence)
            out.append((sentence, next(iter(named)) if len(named) == 1 else where if not named else MANY))
        return out

    def sentence(self, loc: Location) -> str:
        """The sentence of a paragraph or cell up to ``loc.start`` (the whole text when no span is known)."""
        text = self.texts.get(TEXT_PLACE(loc), "")
        if loc.start is None:
            return text
        start = max((m.end() for m in SENTENCE_END.finditer(text, 0, loc.start)), default=0)
        return text[start : loc.start]

    def subject(self, before: str) -> Scopes:
        """The units or projects a text names before a figure, unless a word for the department follows them.

        "流动服务站全年支出120万元，其中基本支出80.70万元" is about 流动服务站;
        "本部门项目支出205.36万元，用于小型水库安全运行管护…" is the
        department's (the name comes after the figure), and so is
        "农村人居环境整治专项推进顺利，本部门项目支出…".
        """
        flat = squash(before)
        last = {n: flat.rfind(n) for n in self.names if n in flat}
        if not last or max((flat.rfind(w) for w in DEPARTMENT_WORDS), default=-1) > max(last.values()):
            return frozenset()
        return frozenset(last)

    def of_location(self, loc: Location) -> str | None:
        """The scope of a cell (its unit row, else its table's form) or of a narrative paragraph."""
        if loc.table is not None:
            return self.rows.get((loc.table, loc.row)) or self.tables.get(loc.table)
        return self.paragraphs.get(loc.block) if loc.block is not None else None

    def named(self, text: str) -> Scopes:
        """The scope names a text writes."""
        flat = squash(text)
        return frozenset(n for n in self.names if n in flat)

    def of_text(self, text: str, loc: Location | None, before: int | None = None) -> Scopes:
        """What a quoted text speaks of: the names it writes (before position ``before``, when given,
        as ``subject`` reads them), else its place's scope; empty for the whole report."""
        named = self.named(text) if before is None else self.subject(text[:before])
        if named or loc is None:
            return named
        where = self.of_location(loc)
        return frozenset({where}) if where else frozenset()

    def about_form(self, form: Evaluation, before: str, loc: Location | None) -> bool:
        """Whether a statement may speak of ``form``: the sentence up to it names (``subject``), or it sits in, no other unit or project."""
        about = self.of_text(before, loc, len(before))
        return not about or self.forms.get(id(form)) in about

    def form_paragraphs(self) -> dict[int, str]:
        """Paragraph block -> the scoped form it follows, up to the next form or narrative section.

        A project part's own paragraphs ("（四）项目自评结论 项目资金到位180.00万元…")
        speak of the project.
        """
        # Forms cut from one pasted table share its block: they keep their document order.
        starts = sorted(((e.loc.block, self.forms.get(id(e))) for e in self.report.evaluations if e.loc.block is not None), key=lambda s: s[0])
        if all(scope is None for _, scope in starts):
            return {}  # no form is scoped (most reports: one form, or forms of the report's own unit)
        sections = sorted(s.loc.block for s in self.report.sections if s.loc.block is not None)
        paragraphs = sorted(b for (b, table, _, _) in self.texts if table is None and b is not None)
        out: dict[int, str] = {}
        for i, (start, scope) in enumerate(starts):
            if scope is None:
                continue
            ends = [b for b, _ in starts[i + 1 :]] + [b for b in sections if b > start]
            end = min(ends, default=None)
            for block in paragraphs[bisect_left(paragraphs, start) :]:
                if end is not None and block >= end:
                    break
                out[block] = scope
                if SIGNED.search(self.texts[(block, None, None, None)]):
                    break  # the form ends with its signature line; a cover page may follow
        return out

    def section_scopes(self) -> dict[int, str]:
        """Paragraph block -> the scope its section heading (or a parent heading) names."""
        out: dict[int, str] = {}
        stack: list[tuple[int, str | None]] = []  # (level, scope) of the open headings
        for section in self.report.sections:
            while stack and stack[-1][0] >= section.level:
                stack.pop()
            own = sorted(self.named(section.title), key=len, reverse=True)
            scope = own[0] if own else (stack[-1][1] if stack else None)
            stack.append((section.level, scope))
            if scope:
                out.update({p.loc.block: scope for p in section.paragraphs if p.loc.block is not None})
        return out


def usable(scope: str | None, scopes: Scopes) -> bool:
    """Whether a figure of ``scope`` may speak for a text about ``scopes`` (the whole report's always may)."""
    return scope is None or scope in scopes
