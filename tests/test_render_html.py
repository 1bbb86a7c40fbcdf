"""Highlighted HTML: escaping, one anchor per located finding, list links matching the anchors."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from tests.render_helpers import HOSTILE, located, sample_document, sample_review

from reviewer.document import Document
from reviewer.finding import DocumentInfo, Review
from reviewer.render.html import render_html, render_html_body


class _Tags(HTMLParser):
    """Collects start tags with their attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def _tags(markup: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(markup)
    return parser.tags


def _keys_by_rule(body: str) -> dict[str, str]:
    """Rule code -> element id, read from the list items."""
    out = {}
    for li in re.finditer(r'<li class="rv-item[^"]*" data-fid="([^"]+)".*?<span class="rv-code">([^<]+)</span>', body):
        out[li.group(2)] = li.group(1)
    return out


def _marked(body: str, key: str) -> str:
    """The text inside all <mark> segments that belong to ``key``, in order."""
    texts = [
        html.unescape(m.group(2))
        for m in re.finditer(r'<mark class="rv-hl rv-\w+" data-f="([^"]*)"[^>]*>(.*?)</mark>', body)
        if key in m.group(1).split()
    ]
    return "".join(texts)


def test_everything_from_the_input_is_escaped():
    page = render_html(sample_review(), sample_document())
    tags = _tags(page)
    assert [t for t, _ in tags].count("script") == 1  # ours only
    assert not any(t in {"img", "b"} for t, _ in tags)
    assert "<script>alert" not in page and "&lt;script&gt;</mark>alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&amp; &quot;引号&quot;" in page
    # Attribute values come out intact after parsing: the tooltip holds the raw message.
    titles = [a["title"] for _, a in tags if "title" in a]
    assert 'X901 正文含脚本 <script> & "引号"' in titles  # rule code, then the message


def test_one_anchor_per_located_finding_and_list_links_match():
    review = sample_review()
    body = render_html_body(review, sample_document())
    tags = _tags(body)
    anchors = [a["id"] for t, a in tags if "rv-anchor" in a.get("class", "")]
    assert len(anchors) == len(set(anchors)) == len(located(review))
    targets = [a["data-target"] for t, a in tags if t == "a" and "data-target" in a]
    assert sorted(targets) == sorted(anchors)
    assert all(a["href"] == "#" + a["data-target"] for t, a in tags if t == "a" and "data-target" in a)
    items = [a for t, a in tags if t == "li" and "data-fid" in a]
    assert len(items) == len(review.findings)
    unlocated = {f.rule for f in review.findings} - {f.rule for f in located(review)}
    keys = _keys_by_rule(body)
    assert {keys[r] for r in unlocated}.isdisjoint(anchors)
    # Every anchored finding has at least one highlighted element naming it.
    highlighted = {k for t, a in tags if "rv-hl" in a.get("class", "") for k in a["data-f"].split()}
    assert highlighted == set(anchors)


def test_spans_cover_exactly_the_quote_and_cells_are_marked():
    body = render_html_body(sample_review(), sample_document())
    keys = _keys_by_rule(body)
    assert _marked(body, keys["C201"]) == "471.28万元"
    assert _marked(body, keys["N401"]) == "政府性基金"
    assert _marked(body, keys["X901"]) == "<script>"
    cell = re.search(r'<td class="rv-hl rv-error" data-f="([^"]*)"[^>]*><span class="rv-anchor" id="([^"]+)">', body)
    assert cell and keys["A101"] in cell.group(1).split()
    # The second evidence of C201 (a cell) is highlighted too, without a second anchor.
    assert re.search(rf'<td class="rv-hl rv-warning" data-f="{keys["C201"]}"[^>]*>426</td>', body)


def test_merged_cells_span_and_continuations_are_not_drawn():
    body = render_html_body(sample_review(), sample_document())
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    assert 'colspan="2"' in rows[0] and 'rowspan="2"' in rows[1]
    assert len(re.findall(r"<td", rows[2])) == 3  # the vMerge continuation is covered by 项目支出


def test_list_shows_labels_severity_and_review_state():
    body = render_html_body(sample_review(), sample_document())
    assert "附件二 自评表 第3行「执行」" in body
    assert "表1 第3行 第4列" in body  # fallback label for a cell without one
    assert body.count("需人工复核") == 1
    assert '<div class="rv-go rv-unlocated">' in body and "全文" in body
    assert re.search(r'<input type="checkbox" data-filter="severity" value="error" checked> 错误（3）', body)
    assert "表内勾稽（1）" in body


def test_rejected_findings_are_collapsed_with_reasons():
    body = render_html_body(sample_review(), sample_document())
    section = re.search(r'<details class="rv-rejected">(.*?)</details>', body, flags=re.S).group(0)
    assert "open" not in section.split(">")[0]
    assert "未采纳原因：引文在原文中找不到 &amp; 数字不符" in section
    assert "&lt;img src=x onerror=alert(1)&gt;" in section


def test_page_is_self_contained_and_wraps_the_body():
    review, document = sample_review(), sample_document()
    page = render_html(review, document)
    assert page.startswith("<!DOCTYPE html>") and render_html_body(review, document) in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<link" not in page and "@import" not in page


def test_empty_review_and_empty_document():
    review = Review(document=DocumentInfo(path="空.txt", sha256="0"))
    body = render_html_body(review, Document(path="空.txt", sha256="0", format="text-cells"))
    assert "未发现问题" in body and "文档没有可显示的内容" in body
    assert HOSTILE not in body
