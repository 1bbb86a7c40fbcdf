"""The text reader: the three pasted layouts, on other provinces' exports and on hostile input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reviewer.errors import InputError
from reviewer.extract import extract
from reviewer.ingest import load, load_bytes
from reviewer.ingest.text import MAX_LINE_CHARS, MAX_LINES
from reviewer.jsonio import dump_json
from reviewer.rules import run_rules

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT.parent / "shared" / "cases"


def read(text: str, name: str = "粘贴.txt"):
    return load_bytes(text.encode("utf-8"), name, ".txt")


def rows(table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


# A Word export in which the level column's cells were centred with blank paragraphs: the
# first paragraph (on the tab line) is empty and the text follows after blank lines.
CENTRED_LEVELS = (
    "部门整体支出绩效自评表\n"
    "\t单位名称\n\t示范县图书馆\n\n"
    "\t\n\n\n\n考核指标\n\t一级指标\n\t指标\n\t目标\n\t实际\n\t分值\n\t得分\n\n"
    "\t\n\t\n\n\n产出指标\n（60分）\n\t借阅册次\n\t≥5000册\n\t5200册\n\t60\n\t60\n\n"
    "\t\n\t\n\n满意度指标\n（40分）\n\t读者满意度\n\t≥90%\n\t92%\n\t40\n\t40\n\n"
    "\t总分\n\t100\n\t100\n\n\n"
    "填表人：李四\n"
)


def test_cells_whose_text_starts_with_blank_lines_stay_in_their_row():
    doc = read(CENTRED_LEVELS)
    assert doc.format == "text-cells"
    assert len(doc.tables) == 1
    assert rows(doc.tables[0]) == [
        ["单位名称", "示范县图书馆"],
        ["考核指标", "一级指标", "指标", "目标", "实际", "分值", "得分"],
        ["", "产出指标\n（60分）", "借阅册次", "≥5000册", "5200册", "60", "60"],
        ["", "满意度指标\n（40分）", "读者满意度", "≥90%", "92%", "40", "40"],
        ["总分", "100", "100"],
    ]
    assert [p.text for p in doc.paragraphs] == ["部门整体支出绩效自评表", "填表人：李四"]
    # Line numbers still point at the source: the 考核指标 cell starts on its (empty) tab line.
    assert doc.tables[0].rows[1][0].loc.line == 5


def test_text_after_a_complete_row_is_a_title_and_starts_a_new_table():
    text = (
        "\t项目\n\t金额\n\n\t合计\n\t10\n\n\n"
        "表二 指标\n\t指标\n\t分值\n\n\t数量\n\t100\n"
    )
    doc = read(text)
    assert [rows(t) for t in doc.tables] == [[["项目", "金额"], ["合计", "10"]], [["指标", "分值"], ["数量", "100"]]]
    assert [p.text for p in doc.paragraphs] == ["表二 指标"]


def test_one_blank_paragraph_inside_a_filled_cell_keeps_the_row():
    doc = read("\t目标\n\n完成全年任务\n\t实际\n\n")
    assert rows(doc.tables[0]) == [["目标\n\n完成全年任务", "实际"]]


def test_pipe_rows_without_the_separator_line_are_a_table():
    doc = read("自评表\n| 指标 | 目标 | 实际 |\n| 合格率 | ≥95% | 90% |\n说明\n", "web.md")
    assert doc.format == "text-markdown"
    assert rows(doc.tables[0]) == [["指标", "目标", "实际"], ["合格率", "≥95%", "90%"]]
    assert [c.grid_col for c in doc.tables[0].rows[1]] == [0, 1, 2]
    assert [p.text for p in doc.paragraphs] == ["自评表", "说明"]


def test_pipe_rows_without_the_closing_pipe():
    doc = read("| 指标 | 分值\n| 数量 | 10\n| 转义 \\| 竖线 | 5 |\n")
    assert rows(doc.tables[0]) == [["指标", "分值"], ["数量", "10"], ["转义 | 竖线", "5"]]


def test_the_separator_follows_the_header_and_dash_cells_elsewhere_are_values():
    doc = read("# 表\n| 指标 | 得分 |\n|:--|--:|\n| 满意度 | - |\n| 合计 | -- |\n")
    assert rows(doc.tables[0]) == [["指标", "得分"], ["满意度", "-"], ["合计", "--"]]
    assert doc.paragraphs[0].text == "表"


def test_ragged_tab_separated_rows_keep_their_grid_columns():
    text = "标题\n指标\t目标\t实际\t分值\t得分\n合格率\t≥95%\t90%\n时效\t\t按时\t10\t10\n"
    doc = read(text)
    assert doc.format == "text-tsv"
    table = doc.tables[0]
    assert rows(table) == [["指标", "目标", "实际", "分值", "得分"], ["合格率", "≥95%", "90%"], ["时效", "", "按时", "10", "10"]]
    assert [c.grid_col for c in table.rows[2]] == [0, 1, 2, 3, 4]


def test_an_unclosed_quote_does_not_swallow_the_rest_of_a_tsv_paste():
    body = "".join(f"第{i}项\t{i}\t{i}\n" for i in range(300))
    doc = read('指标\t目标\t实际\n"引号未闭合\t1\t2\n' + body)
    assert len(doc.tables[0].rows) == 302
    assert rows(doc.tables[0])[-1] == ["第299项", "299", "299"]


def test_converter_residue_is_not_text():
    doc = read("[bookmark: _GoBack]\n\t指标[bookmark: _Toc12]\n[bookmark: _GoBack]\n\t得分\n\n正文[]{#_GoBack .anchor}内容\n")
    assert rows(doc.tables[0]) == [["指标", "得分"]]
    assert doc.paragraphs[0].text == "正文内容"
    assert "bookmark" not in dump_json(doc)


def test_full_width_digits_are_read_as_half_width():
    doc = read("\t分值\n\t９９．５\n\t９５％\n\n（一）说明：年度预算１２０．００万元。\n")
    assert rows(doc.tables[0]) == [["分值", "99.5", "95%"]]
    assert doc.paragraphs[0].text == "（一）说明：年度预算120.00万元。"


def test_full_width_report_gives_the_same_findings_as_half_width():
    sample = (ROOT / "samples" / "hunan_department.txt").read_text(encoding="utf-8")
    full = sample.translate(str.maketrans("0123456789.%", "０１２３４５６７８９．％"))

    def findings(text: str) -> list[tuple[str, str]]:
        report = extract(read(text, "样例.txt"))
        return sorted((f.rule, f.message) for f in run_rules(report))

    assert findings(full) == findings(sample)


@pytest.mark.parametrize(
    "text",
    [
        "标题\n" + " " * 60_000 + "\n\t指标\n\t得分\n",
        "标题\n\t" + "甲" * 90_000 + "\n",
        "标题\n" + "甲\t" * 45_000 + "\n",
        "| a | b |\n|" + " " * 60_000 + "\n",
        "\t甲" + " \t" * 40_000 + "乙\n",
        ("\t格\n\n" + "续行\n" * 50_000) + "\t尾\n",
    ],
    ids=["spaces", "tab-300k", "many-tabs", "pipe-spaces", "tab-space-runs", "long-run"],
)
def test_long_runs_are_read_in_linear_time(text):
    start = time.perf_counter()
    read(text)
    assert time.perf_counter() - start < 5  # the backtracking reader took minutes on these


def test_a_line_past_the_limit_is_an_input_error_naming_file_and_limit():
    with pytest.raises(InputError) as err:
        read("标题\n" + "乙" * (MAX_LINE_CHARS + 1), "长行.txt")
    assert err.value.path == "长行.txt"
    assert err.value.problem == f"第 2 行有 {MAX_LINE_CHARS + 1} 个字符，超过每行 {MAX_LINE_CHARS} 个字符的上限"


def test_too_many_lines_is_an_input_error():
    with pytest.raises(InputError) as err:
        read("丙\n" * MAX_LINES + "丙", "多行.txt")
    assert err.value.problem == f"文本共 {MAX_LINES + 1} 行，超过 {MAX_LINES} 行的上限"


def test_gbk_text_and_binary_content():
    assert load_bytes("\t指标\n\t得分\n".encode("gbk"), "g.txt", ".txt").tables[0].rows[0][0].text == "指标"
    with pytest.raises(InputError, match="无法识别的文本编码"):
        load_bytes(b"\xff\xfe\x00\xd8", "u.txt", ".txt")


# --- ../shared/cases ---------------------------------------------------------------------------


def case(name: str) -> Path:
    path = CASES / name
    if not path.exists():
        pytest.skip(f"{path} 不存在（../shared 不可用）")
    return path


def test_case_t01_blank_lines_in_cells_is_one_table_with_its_columns():
    doc = load(case("t01_blank_lines_in_cells.txt"))
    assert len(doc.tables) == 1
    table = rows(doc.tables[0])
    assert table[2][:2] == ["绩效指标", "一级指标"] and len(table[2]) == 9
    levels = [r[1] for r in table[3:7]]
    assert [level.split("\n")[0] for level in levels] == ["产出指标", "", "效益指标", "满意度指标"]
    assert all(len(r) == 9 for r in table[3:7])


def test_case_06_pipes_without_separator_are_read_and_checked():
    report = extract(load(case("06_pipes_no_separator.md")))
    missed = [f for f in run_rules(report) if f.rule == "SCORE007"]
    assert len(missed) == 1 and "验收合格率" in missed[0].message


def test_case_17_per_units_and_baifenbi_targets_are_checked():
    report = extract(load(case("17_units_per_and_baifenbi.txt")))
    missed = sorted(f.message.split("「")[-1].split("」")[0] for f in run_rules(report) if f.rule == "SCORE007")
    assert missed == ["亩均管护成本", "设施完好率", "验收合格率"]
