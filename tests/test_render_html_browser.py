"""The highlighted HTML in headless Chromium: list clicks scroll to and flash the place; filters work."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from tests.render_helpers import sample_document, sample_review
from tests.seeds import sample_texts, seed_params

from reviewer.document import Location, Paragraph
from reviewer.render.html import render_html

pytest.importorskip("playwright", reason="playwright 未安装（pip install playwright），跳过浏览器测试")
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("未找到 /usr/bin/chromium（apt-get install chromium），跳过浏览器测试", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402 - only after the skips above

FILLER = 80  # paragraphs pushed in before the last block so that it starts out of view


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


def _long_sample():
    """The sample with filler paragraphs before the hostile last paragraph (block 4 -> 4 + FILLER)."""
    document = sample_document()
    filler = [Paragraph(text=f"填充段落{n}，用于拉长页面。", loc=Location(block=4 + n)) for n in range(FILLER)]
    last = dataclasses.replace(document.blocks[4], loc=Location(block=4 + FILLER))
    document = dataclasses.replace(document, blocks=document.blocks[:4] + filler + [last])
    review = sample_review()
    for finding in review.findings:
        for ev in finding.evidence:
            if ev.loc and ev.loc.block == 4:
                ev.loc = ev.loc.replaced(block=4 + FILLER)
    return review, document


def _open(browser, tmp_path, markup):
    """A page showing ``markup`` from a file, with its errors and requests recorded."""
    target = tmp_path / "review.html"
    target.write_text(markup, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.errors, page.requests = [], []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("request", lambda req: page.requests.append(req.url))
    page.goto(target.as_uri())
    return page


def _in_view(page, selector):
    return page.evaluate(
        """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                     return r.top >= 0 && r.bottom <= window.innerHeight; }""",
        selector,
    )


def test_clicking_a_finding_scrolls_to_and_flashes_its_place(browser, tmp_path):
    review, document = _long_sample()
    page = _open(browser, tmp_path, render_html(review, document))
    item = page.locator(".rv-item", has_text="X901")
    fid = item.get_attribute("data-fid")
    mark = f'mark[data-f~="{fid}"]'
    assert page.locator(mark).inner_text() == "<script>"
    assert not _in_view(page, mark)
    item.locator("a.rv-go").click()
    page.wait_for_function(
        """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                     return r.top >= 0 && r.bottom <= window.innerHeight; }""",
        arg=mark,
        timeout=5000,
    )
    assert "rv-flash" in page.locator(mark).get_attribute("class")
    assert "rv-current" in item.get_attribute("class")
    background = page.locator(mark).evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.errors == []
    assert all(url.startswith(("file:", "data:")) for url in page.requests)
    page.close()


def test_filters_hide_findings_and_their_highlights(browser, tmp_path):
    page = _open(browser, tmp_path, render_html(sample_review(), sample_document()))
    assert page.locator(".rv-item:visible").count() == 8
    assert page.locator(".rv-hl.rv-error").count() >= 3
    page.locator('input[data-filter="severity"][value="error"]').uncheck()
    assert page.locator(".rv-item:visible").count() == 5
    assert page.locator("[data-shown]").inner_text() == "5"
    assert page.locator(".rv-hl.rv-error").count() == 0
    assert page.locator(".rv-hl.rv-off").count() >= 3
    page.locator('input[data-filter="category"][value="form"]').uncheck()
    assert page.locator(".rv-item:visible").count() == 3  # F501 and F502 are form
    page.locator('input[data-filter="severity"][value="error"]').check()
    assert page.locator(".rv-item:visible").count() == 5  # A101 and S301 back; X901 is form
    assert page.locator(".rv-hl.rv-error").count() >= 2
    assert page.errors == []
    page.close()


def test_rejected_section_starts_collapsed(browser, tmp_path):
    page = _open(browser, tmp_path, render_html(sample_review(), sample_document()))
    assert not page.locator(".rv-rejected .rv-reason").is_visible()
    page.locator(".rv-rejected summary").click()
    assert page.locator(".rv-rejected .rv-reason").is_visible()
    page.close()


@pytest.mark.parametrize("report", sample_texts() + seed_params())
def test_report_review_shows_highlights_and_list(browser, tmp_path, report):
    from reviewer.pipeline import review_path

    review, document = review_path(report)
    page = _open(browser, tmp_path, render_html(review, document))
    assert page.locator(".rv-item").count() == len(review.findings)
    assert page.locator(".rv-doc table").count() == len(document.tables)
    links = page.locator("a.rv-go")
    if links.count():
        links.first.click()
        fid = links.first.get_attribute("data-target")
        page.wait_for_function(f"() => document.querySelector('[data-f~=\"{fid}\"]').classList.contains('rv-flash')")
    assert page.errors == []
    page.close()


def test_a_narrative_finding_goes_to_its_sentence_not_to_the_table(browser, tmp_path):
    """A finding comparing a sentence with a table cell is about the sentence: the click shows and marks it."""
    pipeline = pytest.importorskip("reviewer.pipeline", reason="reviewer.pipeline 尚未实现")
    review, document = pipeline.review_path(Path(__file__).resolve().parents[1] / "samples" / "hunan_department.txt")
    finding = next(f for f in review.findings if f.rule == "XREF003")
    sentence = finding.evidence[0].quote  # "基本支出346.75万元" in the narrative; the table cell comes second
    page = _open(browser, tmp_path, render_html(review, document))
    item = page.locator(".rv-item", has_text=finding.message)
    fid = item.get_attribute("data-fid")
    marks = page.locator(f'[data-f~="{fid}"].rv-hl')
    assert marks.count() == 2  # the sentence and the table cell
    mark = f'mark[data-f~="{fid}"]'
    assert sentence in page.locator(mark).inner_text()
    assert not _in_view(page, mark)
    item.locator("a.rv-go").click()
    page.wait_for_function(
        """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                     return r.top >= 0 && r.bottom <= window.innerHeight; }""",
        arg=mark,
        timeout=5000,
    )
    classes = page.locator(mark).get_attribute("class")
    assert "rv-primary" in classes and "rv-selected" in classes and "rv-hl" in classes
    assert page.locator(f'td[data-f~="{fid}"]').get_attribute("class").count("rv-primary") == 0
    # The highlight says which finding it belongs to: its number in the list and its rule.
    number = item.evaluate("li => Array.prototype.indexOf.call(li.parentNode.children, li) + 1")
    assert page.locator(f'sup.rv-tag[data-f="{fid}"]').inner_text() == f"{number}·XREF003"
    # A long label (对照值 with its place) wraps in its own column: the values keep at least half the card.
    widths = item.evaluate("li => [li.clientWidth, ...[...li.querySelectorAll('.rv-details dd')].map(dd => dd.clientWidth)]")
    assert len(widths) > 3 and min(widths[1:]) >= widths[0] / 2, widths
    assert page.errors == []
    page.close()
