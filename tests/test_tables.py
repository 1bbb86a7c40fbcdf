"""The table reader: grid positions, alignment of rows that lost merged cells, header roles, row roles."""

from __future__ import annotations

import io

from docx import Document as WordDocument

from reviewer.document import Cell, Location, Table
from reviewer.extract import extract
from reviewer.ingest import load_bytes
from reviewer.rules import run_rules
from reviewer.tables import read_table
from reviewer.tables.grid import align
from reviewer.tables.vocabulary import column_role


def table(*rows: list[str]) -> Table:
    """A grid-less table (as a text export gives it)."""
    return Table(
        index=0,
        rows=[[Cell(text=t, row=r, col=c, loc=Location(table=0, row=r, col=c)) for c, t in enumerate(row)] for r, row in enumerate(rows)],
        loc=Location(table=0),
    )


def test_header_words_name_roles_most_specific_first():
    assert column_role("实际完成值") == "actual"
    assert column_role("年度\n指标值") == "target"
    assert column_role("指标分值") == "weight"
    assert column_role("得分(20分*执行率)") == "score"
    assert column_role("执行率(B/A)") == "rate"
    assert column_role("偏差原因分析及改进措施") == "reason"
    assert column_role("年度总体目标完成情况综述") == "goal_actual"
    assert column_role("会计凭证号") is None


def test_a_short_row_is_spread_so_numbers_land_in_number_columns():
    roles = [None, "level1", "level2", "level3", "target", "actual", "weight", "score", "reason"]
    row = table(["总分", "100", "97.5", ""]).rows[0]
    placed = align(row, roles)
    assert [(p.text, p.start, p.end) for p in placed] == [("总分", 0, 6), ("100", 6, 7), ("97.5", 7, 8), ("", 8, 9)]


def test_merged_header_over_wider_rows_shifts_the_named_columns():
    # Word's text export writes the merged "绩效指标" header cell once; data rows keep the cell below it.
    reading = read_table(
        table(
            ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"],
            ["", "产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "20", "20"],
        )
    )
    band = reading.bands[0]
    row = band.rows[0]
    assert band.kind == "indicators" and row.text("level3") == "培训人次" and row.text("weight") == "20"


def test_label_column_headed_like_an_amount_is_recognised_by_its_labels():
    reading = read_table(
        table(
            ["预算执行情况(10分)", "年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"],
            ["", "总额", "50.00", "55.00", "44.00", "80.00%", "10", "8"],
        )
    )
    band = reading.bands[0]
    assert band.kind == "funds" and band.points == 10
    assert band.rows[0].text("budget") == "55.00" and band.rows[0].text("spent") == "44.00"


def test_rows_of_an_indicator_block_get_their_roles():
    reading = read_table(
        table(
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标(60分)", "数量指标", "", "", "", "", ""],
            ["", "", "植树", "≥2万株", "2.1万株", "30", "30"],
            ["", "", "其中：桃树", "1万株", "1.1万株", "", ""],
            ["", "", "指标2", "", "", "", ""],
            ["合计", "", "", "", "", "100", "95"],
        )
    )
    assert [r.kind for r in reading.bands[0].rows] == ["heading", "indicator", "breakdown", "placeholder", "total"]


def test_label_value_pairs_in_cells_and_side_by_side():
    reading = read_table(table(["单位名称：东湖区商务局"], ["人员编制", "21", "实有人数", "23"], ["主管部门", "东湖区人民政府"]))
    assert [(p.label, p.value) for p in reading.pairs] == [
        ("单位名称", "东湖区商务局"),
        ("人员编制", "21"),
        ("实有人数", "23"),
        ("主管部门", "东湖区人民政府"),
    ]


def _docx_bytes(word) -> bytes:
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


INDICATOR_ROWS = [
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "质量指标", "验收合格率", "≥98%", "93%", "60", "60", ""],
    ["效益指标", "社会效益指标", "受益户数", "≥200户", "210户", "30", "30", ""],
    ["总分", "", "", "", "", "90", "90", ""],
]


def _word_form():
    word = WordDocument()
    word.add_paragraph("项目支出绩效自评表（2024年度）")
    names = word.add_table(rows=2, cols=2)
    for r, (label, value) in enumerate([("项目名称", "灌区渠道清淤"), ("实施单位", "白河县水利局")]):
        names.cell(r, 0).text, names.cell(r, 1).text = label, value
    return word


def test_word_header_cell_spanning_two_grid_columns_keeps_data_in_place():
    word = _word_form()
    grid = word.add_table(rows=len(INDICATOR_ROWS), cols=len(INDICATOR_ROWS[0]) + 1)
    grid.cell(0, 0).merge(grid.cell(0, 1))  # the header's first cell spans the 序号 column of the data rows
    grid.cell(0, 0).text = INDICATOR_ROWS[0][0]
    for c, text in enumerate(INDICATOR_ROWS[0][1:], start=2):
        grid.cell(0, c).text = text
    for r, row in enumerate(INDICATOR_ROWS[1:], start=1):
        grid.cell(r, 0).text = str(r)
        for c, text in enumerate(row, start=1):
            grid.cell(r, c).text = text
    report = extract(load_bytes(_docx_bytes(word), "span.docx", ".docx"))
    rows = report.evaluations[0].indicators.indicators
    assert [(i.level1, i.name, i.target.raw) for i in rows] == [("产出指标", "验收合格率", "≥98%"), ("效益指标", "受益户数", "≥200户")]
    assert sorted(f.rule for f in run_rules(report)) == ["SCORE007", "SCORE009"]


def test_word_indicator_block_nested_in_a_cell_is_read():
    word = _word_form()
    outer = word.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "绩效指标"
    inner = outer.cell(0, 1).add_table(rows=len(INDICATOR_ROWS), cols=len(INDICATOR_ROWS[0]))
    for r, row in enumerate(INDICATOR_ROWS):
        for c, text in enumerate(row):
            inner.cell(r, c).text = text
    report = extract(load_bytes(_docx_bytes(word), "nested.docx", ".docx"))
    assert [i.name for i in report.evaluations[0].indicators.indicators] == ["验收合格率", "受益户数"]
    assert sorted(f.rule for f in run_rules(report)) == ["SCORE007", "SCORE009"]
