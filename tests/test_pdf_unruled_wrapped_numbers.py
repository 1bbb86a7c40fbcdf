"""Borderless PDF tables whose numbers wrap inside their narrow cells.

"12000.00" in a column as wide as "12000." prints "00" on the next line. In a
form whose digits are set in a font of taller lines than its Chinese, those
tails print on lines of their own, below the label's wrapped line: they hold
numbers, so they looked like rows of their own and the form went unread. A
tail goes on with the number above only on clear evidence (directly under
it, that number reaching its column's right edge, two decimals at most);
otherwise the line stays a row and no number is made up.
"""

from __future__ import annotations

from pathlib import Path

from reviewer.ingest import load, load_bytes
from reviewer.ingest.pdf_unruled import unruled_tables
from reviewer.pipeline import review_document
from tests.fixtures import make_fixtures as fixtures

FIXTURES = Path(__file__).parent / "fixtures"


def test_numbers_wrapped_in_narrow_borderless_cells_read_whole():
    pdf = load(FIXTURES / "wrapped_numbers.pdf")
    rows = [[fixtures.WIDE_AMOUNTS.get(text, text) for text in row] for row in fixtures.WRAPPED_ROWS]
    assert [[cell.text for cell in row] for row in pdf.tables[-1].rows] == [
        ["项目资金（万元）", *rows[0][1:]],
        ["", *rows[1][1:]],
        *rows[2:],
    ]
    ruled = fixtures.build_wrapped_docx(ruled=True)
    word = load_bytes(ruled, "form.docx", ".docx")
    pdf_rules = [f.rule for f in review_document(pdf)[0].findings]
    assert pdf_rules == [f.rule for f in review_document(word)[0].findings] == ["SCORE004"]


def _line(top: float, *pieces: tuple[float, str]) -> list[dict]:
    """Glyphs of one printed line: each piece's text from its left edge, digits 6 pt wide, others 10 pt."""
    chars = []
    for x, text in pieces:
        for ch in text:
            width = 6.0 if ch.isdigit() or ch == "." else 10.0
            chars.append({"text": ch, "x0": x, "x1": x + width, "top": top, "bottom": top + 10, "size": 10.0})
            x += width
    return chars


def _row_count(*lines: list[dict]) -> int:
    (boxes,) = unruled_tables([c for line in lines for c in line])
    return len({box[1] for box in boxes})


# 名称 | 年初预算数 | 分值: rows one line apart, as close as a cell's wrapped lines.
HEAD = _line(0, (0, "名称"), (60, "预算"), (120, "分值"))
LAST = _line(36, (0, "其他"), (60, "800.00"), (120, "5"))


def test_a_tail_under_a_number_that_fills_its_column_goes_on_with_it():
    # "2000.0" reaches as far as "800.00" does: the "0" below it could not have fitted on its line.
    assert _row_count(HEAD, _line(12, (0, "资金"), (60, "2000.0"), (120, "10")), _line(24, (60, "0")), LAST) == 3


def test_a_number_under_one_short_of_its_column_edge_is_a_row():
    # "200.0" ends a digit short of where "800.00" reaches: a "0" would have fitted after it.
    assert _row_count(HEAD, _line(12, (0, "资金"), (60, "200.0"), (120, "10")), _line(24, (60, "0")), LAST) == 4


def test_a_tail_making_three_decimals_is_a_row():
    wide = _line(36, (0, "其他"), (60, "8000.00"), (120, "5"))
    assert _row_count(HEAD, _line(12, (0, "资金"), (60, "2000.00"), (120, "10")), _line(24, (60, "5")), wide) == 4


def test_digits_under_a_rate_are_a_row():
    # A rate ends with its sign: nothing of it goes on below.
    assert _row_count(HEAD, _line(12, (0, "资金"), (60, "20.00%"), (120, "10")), _line(24, (60, "0")), LAST) == 4


def test_a_tail_goes_on_where_rows_stand_further_apart_than_lines():
    # Rows 12 pt apart, a label's wrap 2 pt below: the tail, in a font of taller lines, stands 9 pt below its number.
    funds = _line(22, (0, "资金"), (60, "2000.0"), (120, "10"))
    lines = (HEAD, funds, _line(34, (0, "总额")), _line(41, (60, "0")), _line(60, (0, "其他"), (60, "800.00"), (120, "5")))
    assert _row_count(*lines) == 3
