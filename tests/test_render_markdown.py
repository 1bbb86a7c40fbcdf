"""Markdown: findings grouped by severity in tables whose cells cannot break the table."""

from __future__ import annotations

import re

from tests.render_helpers import sample_document, sample_review

from reviewer.document import Document
from reviewer.finding import DocumentInfo, Review
from reviewer.render.markdown import COLUMNS, escape_markdown, render_markdown


def _cells(line: str) -> list[str]:
    """Split a table row on unescaped pipes."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_groups_by_severity_in_display_order():
    text = render_markdown(sample_review(), sample_document())
    headings = re.findall(r"^### (.+)$", text, flags=re.M)
    assert headings == ["错误（3）", "警告（3）", "提示（2）"]
    assert "**错误 3 · 警告 3 · 提示 2**（合计 8 条）" in text
    assert "单位：示例单位 · 年度：2024 · 模板：湖南" in text


def test_every_row_has_exactly_the_columns_despite_pipes_and_markup():
    text = render_markdown(sample_review(), sample_document())
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| #")]
    assert len(rows) == len(sample_review().findings)
    for row in rows:
        assert len(_cells(row)) == len(COLUMNS), row
    x901 = next(_cells(r) for r in rows if "X901" in r)
    assert x901[4] == r'正文含脚本 \<script\> & "引号"'
    assert x901[6] == r"「\<script\>」"
    assert x901[7] == r"删除 \<script\> 标记"
    a101 = next(_cells(r) for r in rows if "A101" in r)
    assert a101[5] == "报告值：471.28；计算值：≤426"  # fixed labels, the reported figure first


def test_review_state_labels_and_rejected_count():
    text = render_markdown(sample_review(), sample_document())
    assert "称无政府性基金，需核对（需人工复核）" in text
    assert "附件二 自评表 第3行「执行」" in text and "| 全文 |" in text
    assert "另有 1 条大模型发现未通过核验" in text


def test_escape_keeps_one_line_and_escapes_specials():
    assert escape_markdown("a|b\nc *d* [e](f) `g` \\") == r"a\|b c \*d\* \[e\](f) \`g\` \\"


def test_no_findings():
    review = Review(document=DocumentInfo(path="空|.txt", sha256="0"), notes=["未配置大模型，跳过文字审阅"])
    text = render_markdown(review, Document(path="空|.txt", sha256="0", format="text-cells"))
    assert "## 审阅结果：空\\|.txt" in text and "未发现问题。" in text
    assert "> 未配置大模型，跳过文字审阅" in text and "###" not in text
