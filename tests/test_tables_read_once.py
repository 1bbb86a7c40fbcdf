"""Extraction reads each table once, in the unit stated above it in its part; a 基础数据表 is not read as bands.

Segmenting a report classifies every untitled table by its reading; that
reading is the one the form and money readers use, made in the unit the line
above the table states ("单位：元"), so no table is read twice. The
基础数据表 has a reader of its own that walks its cells. Tables are invented;
the report is written in every format a table arrives in but a workbook.
"""

from __future__ import annotations

from collections import Counter

import pytest

import reviewer.extract.parts as parts_module
from reviewer.extract import extract
from reviewer.ingest import load
from tests.table_formats import FORMATS, write
from tests.test_money_units import FORM  # the department form in 万元

BASIC = [
    ["财政供养人员情况（人）", "编制数", "2024年实际在职人数", "控制率"],
    ["", "40", "38", "95%"],
]
SPENDING = [
    ["项目", "全年预算数", "全年执行数"],
    ["合计", "2850000.00", "2800000.00"],
    ["基本支出", "1800000.00", "1790000.00"],
    ["项目支出", "1050000.00", "1010000.00"],
]
REPORT = [
    "附件一",
    "基础数据表",
    BASIC,
    "附件二",
    "部门整体支出绩效自评表",
    FORM,
    "石泉县测试中心2024年度部门整体支出绩效自评报告",
    "一、预算执行情况",
    "全年支出情况如下表。",
    "单位：元",
    SPENDING,
]


# A workbook holds this report on one sheet, where everything under the 基础数据表 is one table.
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "xlsx"])
def test_every_table_is_read_once_in_the_unit_above_it(fmt, tmp_path, monkeypatch):
    document = load(write(REPORT, fmt, tmp_path))
    reads: Counter = Counter()
    units: dict[str, str | None] = {}
    read_table = parts_module.read_table

    def counted(table, unit=None):
        first = next(c.text.strip() for row in table.rows for c in row if c.text.strip())
        reads[first] += 1
        units[first] = unit
        return read_table(table, unit)

    monkeypatch.setattr(parts_module, "read_table", counted)
    report = extract(document)
    assert reads == {"部门（单位）名称": 1, "项目": 1}  # the 基础数据表 is read by its own reader only
    assert units["项目"] == "元"
    assert report.basic_data is not None and report.basic_data.staff is not None
    assert report.department is not None and report.department.funds is not None
    # The spending table's figures are in 元: its 合计 is 285 万元, as the form says.
    spending = next(t for t in report.money_tables if t.rows and t.rows[0].label == "合计")
    assert [v.quantity.in_wan() for v in spending.rows[0].values] == [285, 280]
