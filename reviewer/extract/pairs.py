"""Label/value pairs of a table ("人员编制 | 21", "评价等次 | 优") read as facts and stated grades.

A pair's label names a known quantity (canonical key) or a project's funds
stage (计划安排资金, 实际到位资金, 实际支出); a grade's label one of GRADE_LABELS.
"""

from __future__ import annotations

import re

from reviewer.document import row_place
from reviewer.extract.vocabulary import canonical_key, normalize_label
from reviewer.quantity import parse_quantity
from reviewer.report import Fact, StatedGrade, TextSpan
from reviewer.tables import Pair, TableReading
from reviewer.tables.grid import read_points
from reviewer.tables.vocabulary import GRADE_LABELS, squash

_AMOUNT_UNIT_NOTE = re.compile(r"[(（]万?元[)）]$")  # "实际支出（万元）"
_YUAN_NOTE = re.compile(r"[(（]元[)）]")


def pair_facts(pairs: list[Pair], part: str, year: int | None) -> list[Fact]:
    """Facts of the label/value pairs that state a known quantity ("人员编制 | 21", "实有人数 | 23")."""
    facts = []
    for pair in pairs:
        q = parse_quantity(pair.value)
        label = normalize_label(pair.label)
        if q.value is not None and (stage := PROJECT_FUNDS.get(_AMOUNT_UNIT_NOTE.sub("", label))):
            facts.append(project_funds_fact(pair, stage, part, year))
            continue
        if q.value is None or q.qualitative or (key := canonical_key(label)) is None:
            continue
        facts.append(
            Fact(
                label=label, key=key, quantity=q, year=year, part=part, source="table", quote=pair.cell.text.strip(),
                loc=pair.cell.loc.with_label(f"{part} {row_place(pair.cell.loc)}「{label}」"),
            )
        )
    return facts


# A project's key-value funds ("计划安排资金（万元）| 180.00 | 实际到位资金（万元）| 180.00", "实际支出（万元）| 172.35").
PROJECT_FUNDS = {"计划安排资金": "计划", "实际到位资金": "到位", "实际支出": "执行"}


def project_funds_fact(pair: Pair, stage: str, part: str, year: int | None) -> Fact:
    """A planned, received or spent amount of a project, in the unit its label states (万元 when it states none)."""
    unit = "元" if _YUAN_NOTE.search(pair.label) else "万元"
    value = pair.value.strip()
    q = parse_quantity(value if parse_quantity(value).unit else value + unit)
    label = normalize_label(pair.label)
    return Fact(
        label=_AMOUNT_UNIT_NOTE.sub("", label), quantity=q, measure=stage, year=year, part=part, source="table",
        quote=pair.cell.text.strip(), loc=pair.cell.loc.with_label(f"{part} 第{pair.cell.row + 1}行「{label}」"),
    )


def stated_grades(reading: TableReading, part: str, year: int | None) -> list[StatedGrade]:
    """Grades a table states ("评价等次 | 优"), each with the score the same table states beside it,
    and the grade of every row of a table with a grade column beside a score column (see row_grades)."""
    scores = [f for f in pair_facts(reading.pairs, part, year) if f.key == "总分"]
    grades = row_grades(reading, part, year)
    for pair in reading.pairs:
        if squash(pair.label) in GRADE_LABELS and pair.value.strip():
            span = TextSpan(text=pair.value.strip(), loc=pair.cell.loc.with_label(f"{part} {row_place(pair.cell.loc)}「{pair.label}」"))
            grades.append(StatedGrade(grade=span, score=scores[0] if len(scores) == 1 else None))
    return grades


def row_grades(reading: TableReading, part: str, year: int | None) -> list[StatedGrade]:
    """Each row's grade with its own score, in a money table with one 等级 column and one 得分 column.

    "项目名称 | 预算金额 | 评价得分 | 评价等级" (财政重点绩效评价结果汇总): every project
    is graded by its own score. A table with no such pair of columns, or with
    several of either, states none.
    """
    grades = []
    for band in reading.bands:
        if band.kind != "money":
            continue
        heads = [squash(c.header).rsplit("/", 1)[-1] for c in band.columns]
        graded = [i for i, h in enumerate(heads) if h in GRADE_LABELS or h.endswith(("等级", "等次"))]
        scored = [i for i, h in enumerate(heads) if h.endswith(("得分", "评分")) and "分值" not in h]
        if len(graded) != 1 or len(scored) != 1:
            continue
        g, k = graded[0], scored[0]
        for row in band.rows:
            grade = row.by_column[g] if g < len(row.by_column) else None
            score = row.by_column[k] if k < len(row.by_column) else None
            points = read_points(score.text) if score is not None else None
            if grade is None or not grade.text.strip() or points is None or points.value is None:
                continue
            # The row's name: its first text that is not a number (not the 序号).
            name = normalize_label(next((p.text for p in row.placed if p.text and parse_quantity(p.text).value is None), ""))
            place = f"{part} {row_place(score.loc)}「{name}」"
            grades.append(StatedGrade(
                grade=TextSpan(text=grade.text.strip(), loc=grade.loc.with_label(f"{place}{heads[g]}")),
                score=Fact(label=f"「{name}」{heads[k]}", key=None, quantity=points, year=year, part=part,
                           source="table", quote=score.text.strip(), loc=score.loc.with_label(f"{place}{heads[k]}")),
            ))
    return grades
