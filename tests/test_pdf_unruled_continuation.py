"""A borderless PDF table going on to the next page, and a form whose figures no block read.

Without ruling lines a page's columns come from where its text stands: on a
continuation page whose first columns hold no text, the first column found
spans several of the table's. Its cells must go back on the columns their
text stands in, or a level-1 indicator reads as a section label and the
form's rows after the break are lost (a total row then looked like a wrong
score). A form whose funds and indicator rows cannot be read is said to be
unread, never "read and checked".
"""

from __future__ import annotations

from reviewer.extract import extract
from reviewer.ingest.pdf_assemble import Assembler, GridCell, Page, PageTable


def _cell(row: int, col: int, text: str, x: float, colspan: int = 1) -> GridCell:
    chars = [{"text": ch, "x0": x + 10 * k, "x1": x + 10 * k + 9} for k, ch in enumerate(text)]
    return GridCell(bbox=(x, 0, x + 10, 10), row=row, col=col, rowspan=1, colspan=colspan, chars=chars, text=text)


def _table(page: int, columns: list[float], cells: list[GridCell]) -> PageTable:
    rows = [float(10 * r) for r in range(max(c.row for c in cells) + 2)]
    at = {(c.row, col): c for c in cells for col in range(c.col, c.col + c.colspan)}
    return PageTable(top=0, bottom=rows[-1], columns=columns, rows=rows, cells=cells, page=page, at=at, ruled=False)


# Page 1: 一级 | 二级 | 三级 | 分值 | 得分, the first column a label merged down on the form.
FIRST = _table(1, [0, 60, 120, 180, 240, 300], [
    _cell(0, 0, "一级指标", 2), _cell(0, 1, "二级指标", 62), _cell(0, 2, "三级指标", 122),
    _cell(0, 3, "分值", 182), _cell(0, 4, "得分", 242),
    _cell(1, 0, "产出指标", 2), _cell(1, 1, "数量指标", 62), _cell(1, 2, "培训人次", 122),
    _cell(1, 3, "20", 182), _cell(1, 4, "20", 242),
])


def test_a_continuation_cell_goes_back_on_the_column_its_text_stands_in():
    # Page 2 has no text in the first column: its first column found runs from the left edge to the third.
    second = _table(2, [0, 120, 180, 240, 300], [
        _cell(0, 0, "质量指标", 64), _cell(0, 1, "合格率", 122), _cell(0, 2, "10", 182), _cell(0, 3, "9", 242),
        _cell(1, 0, "总分", 2), _cell(1, 2, "100", 182), _cell(1, 3, "98", 242),
    ])
    blocks = Assembler([Page(height=800, items=[FIRST], text_chars=1), Page(height=800, items=[second], text_chars=1)]).blocks
    (table,) = blocks
    quality, total = table.rows[2], table.rows[3]
    assert [(c.grid_col, c.colspan, c.text) for c in quality] == [
        (0, 1, ""), (1, 1, "质量指标"), (2, 1, "合格率"), (3, 1, "10"), (4, 1, "9"),
    ]
    # A label at the left edge keeps its span: nothing to put back.
    assert (total[0].grid_col, total[0].colspan, total[0].text) == (0, 2, "总分")


def test_ruled_continuations_keep_the_grid_they_were_drawn_on():
    ruled_first = PageTable(**{**FIRST.__dict__, "ruled": True})
    second = _table(2, [0, 120, 180, 240, 300], [_cell(0, 0, "质量指标", 64), _cell(0, 1, "合格率", 122),
                                                  _cell(0, 2, "10", 182), _cell(0, 3, "9", 242)])
    second.ruled = True
    blocks = Assembler([Page(height=800, items=[ruled_first], text_chars=1), Page(height=800, items=[second], text_chars=1)]).blocks
    (table,) = blocks
    assert (table.rows[2][0].grid_col, table.rows[2][0].colspan) == (0, 2)


def _form(funds_rows: str) -> str:
    return (
        "项目支出绩效自评表\n\n"
        "| 项目名称 | 乡村道路养护 | 主管部门 | 某县交通运输局 |\n|---|---|---|---|\n"
        "| 年度总体目标 | 预期目标 | 实际完成情况 | |\n"
        "| | 养护道路120公里 | 养护道路126公里 | |\n"
        f"{funds_rows}"
    )


def test_a_form_whose_figures_no_block_took_is_unread_not_checked():
    from reviewer.ingest import load_bytes

    # Figures in cells no funds or indicator block can take (their header is split into fragments).
    garbled = _form("| 项目资 | 年初预 | 全年预 | 全年执 |\n| 金 | 算数 | 算数 | 行数 |\n| 年度资 | 2000.0 | 2150.0 | 2119.9 |\n| | 0 | 0 | 0 |\n")
    report = extract(load_bytes(garbled.encode(), "garbled.md", ".md"))
    assert [c.status for c in report.coverage] == ["unread"]

    # The same form with only its goals and label/value pairs holds no figure to check: read.
    plain = _form("")
    report = extract(load_bytes(plain.encode(), "plain.md", ".md"))
    assert [c.status for c in report.coverage] == ["ok"]
