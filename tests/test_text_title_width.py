"""Word's text export: a title after two blank lines, between a form and a narrower table.

The form's last row ("总分 | 自评等级：良") and the next table's header row
("项目 | 2024年决算数") make as many cells as the form's widest row only by
chance; the rows under that header are as wide as it, so the title starts a
new table and the second table is checked on its own. A cell whose text
holds two blank paragraphs, followed by the rest of its row and then a row
as wide as the table, is still one table.
"""

from __future__ import annotations

from reviewer.document import Table
from reviewer.ingest.text import read_text
from tests.reports import review_text, table, word_rows

FORM = [["一级指标", "三级指标", "分值", "得分"], ["产出指标", "抽检批次", "90", "88"], ["总分", "自评等级：良"]]


def tables(text: str) -> list[int]:
    return [len(b.rows) for b in read_text(text, "test.txt", "0" * 64).blocks if isinstance(b, Table)]


def test_title_after_a_short_last_row_starts_a_new_table():
    second = [["项目", "2024年决算数"], ["公务接待费", "3.64"], ["公务用车运行维护费", "9.36"], ["合计", "13.50"]]
    text = "青溪县市场监督管理局2024年度部门整体支出绩效自评表\n" + table(FORM) + "表2  “三公”经费支出情况（万元）\n" + table(second)
    assert tables(text) == [3, 4]
    _, findings = review_text(text)
    assert [f.rule for f in findings if f.rule.startswith("SUM")] == ["SUM008"]  # 3.64 + 9.36 = 13.00, not 13.50


def test_a_cell_with_blank_paragraphs_goes_on_when_a_full_row_follows():
    rows = word_rows([FORM[0], FORM[1]]) + "\t效益指标\n\t说明：第一段\n\n\n第二段\n\t10\n\t10\n\n" + table([["满意度指标", "群众满意度", "10", "10"]])
    assert tables("青溪县测试局2024年度部门整体支出绩效自评表\n" + rows) == [4]
