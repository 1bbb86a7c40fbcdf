"""The web app in headless Chromium: paste, upload, highlights, dismiss, re-review, downloads, batch progress."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="playwright 未安装（pip install playwright），跳过浏览器测试")
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("未找到 /usr/bin/chromium（apt-get install chromium），跳过浏览器测试", allow_module_level=True)

import docx  # noqa: E402 - only after the skips above
import openpyxl  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.seeds import SAMPLES, SEEDS  # noqa: E402
from tests.web_helpers import DATE_MESSAGE, NEW_SUM_MESSAGE, SUM_MESSAGE, make_app, report_docx, served  # noqa: E402

SEED = SEEDS / "000_4257dff646f14663.txt"
PASTED_REPORTS = [
    pytest.param(SAMPLES / "hunan_department.txt", id="sample"),
    pytest.param(SEED, id="seed", marks=pytest.mark.skipif(not SEED.exists(), reason=f"{SEED} 不存在（真实报告不在仓库中），跳过")),
]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    """The app served by uvicorn on a free port of 127.0.0.1 in a thread."""
    with served(make_app(tmp_path_factory.mktemp("web"))) as (host, port):
        yield f"http://{host}:{port}"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    """A page that records script errors and any request leaving the server."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.errors, page.foreign = [], []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: None if req.url.startswith((base_url, "data:")) else page.foreign.append(req.url))
    yield page
    context.close()


def item(page, rule: str):
    """The findings-list item of a rule."""
    return page.locator(".rv-item", has=page.locator(".rv-code", has_text=rule))


@pytest.mark.parametrize("report", PASTED_REPORTS)
def test_pasted_report_shows_highlights_and_dispositions_in_the_list(page, base_url, tmp_path, report):
    page.goto(base_url + "/")
    page.fill("#text", report.read_text(encoding="utf-8"))
    page.get_by_role("button", name="开始审阅").click()
    page.wait_for_url("**/reviews/*")
    assert page.locator(".rv-hl").count() > 0
    items = page.locator(".rv-item").count()
    assert items > 3
    assert page.locator(".rv-item form.wb-disp").count() == items  # every item got its controls
    expect(page.locator("#dispositions")).to_be_hidden()
    page.screenshot(path=str(tmp_path / "result.png"), full_page=False)
    assert page.errors == [] and page.foreign == []


def test_upload_dismiss_rereview_and_download(page, base_url, tmp_path):
    first, second = tmp_path / "报告.docx", tmp_path / "报告（修改稿）.docx"
    first.write_bytes(report_docx())
    second.write_bytes(report_docx(total="45", last_year="35"))

    page.goto(base_url + "/")
    page.set_input_files("#files", str(first))
    page.get_by_role("button", name="开始审阅").click()
    page.wait_for_url("**/reviews/*")
    expect(item(page, "SUM001")).to_contain_text(SUM_MESSAGE)
    expect(page.locator("td.rv-hl.rv-error", has_text="55")).to_have_count(1)  # the 项目支出 total cell

    date = item(page, "TEXT002")
    expect(date).to_contain_text(DATE_MESSAGE)
    page.fill("#who", "李四")
    date.locator("textarea[name=note]").fill("签署栏由单位另行补填")
    date.get_by_role("button", name="忽略").click()
    expect(date.locator("[data-status-label]")).to_have_text("已忽略")
    assert "wb-item-dismissed" in date.get_attribute("class")
    expect(page.locator('[data-count="dismissed"]')).to_have_text("1")
    page.reload()
    expect(item(page, "TEXT002").locator("[data-status-label]")).to_have_text("已忽略")
    expect(item(page, "TEXT002").locator("textarea[name=note]")).to_have_value("签署栏由单位另行补填")
    page.check("#hide-dismissed")
    expect(item(page, "TEXT002")).to_be_hidden()
    page.uncheck("#hide-dismissed")

    with page.expect_download() as info:
        page.locator('a[data-download="docx"]').click()
    word = docx.Document(str(_saved(info.value, tmp_path)))
    assert [c.text for c in word.comments] and all(DATE_MESSAGE not in c.text for c in word.comments)
    assert any(SUM_MESSAGE in c.text for c in word.comments)
    with page.expect_download() as info:
        page.locator('a[data-download="xlsx"]').click()
    sheet = openpyxl.load_workbook(str(_saved(info.value, tmp_path))).worksheets[0]
    assert any(SUM_MESSAGE in str(c.value) for row in sheet.iter_rows() for c in row)
    # The Excel list carries what was decided on the page.
    rows = list(sheet.iter_rows(values_only=True))
    column = {title: n for n, title in enumerate(rows[0])}
    dismissed = next(r for r in rows[1:] if r[column["规则"]] == "TEXT002")
    assert (dismissed[column["处置状态"]], dismissed[column["备注"]]) == ("已忽略", "签署栏由单位另行补填")

    first_url = page.url
    page.get_by_text("重新审阅修改稿").click()
    page.set_input_files(".wb-rereview input[type=file]", str(second))
    page.get_by_role("button", name="审阅修改稿").click()
    page.wait_for_url(lambda url: "/reviews/" in url and url != first_url)
    expect(page.locator(".wb-bar-info")).to_contain_text("第 2 版")
    expect(page.locator('[data-compare="fixed"]')).to_have_text("1")
    expect(page.locator('[data-compare="remaining"]')).to_have_text("1")
    expect(page.locator('[data-compare="new"]')).to_have_text("1")
    expect(item(page, "SUM001")).to_contain_text(NEW_SUM_MESSAGE)
    expect(item(page, "SUM001").locator(".wb-change")).to_have_text("新增")
    expect(item(page, "TEXT002").locator("[data-status-label]")).to_have_text("已忽略（沿用上一版）")
    expect(item(page, "TEXT002").locator("textarea[name=note]")).to_have_value("签署栏由单位另行补填")
    expect(page.locator('[data-compare-list="remaining"] li[data-dismissed]')).to_contain_text("已忽略")
    page.screenshot(path=str(tmp_path / "rereview.png"))
    assert page.errors == [] and page.foreign == []


def test_bad_upload_shows_a_message_and_the_form(page, base_url, tmp_path):
    bad = tmp_path / "说明.docx"
    bad.write_text("这不是 Word 文档", encoding="utf-8")
    page.goto(base_url + "/")
    page.set_input_files("#files", str(bad))
    page.get_by_role("button", name="开始审阅").click()
    expect(page.locator(".wb-errors")).to_contain_text("「说明.docx」不是有效的 .docx 文件")
    expect(page.locator("#text")).to_be_visible()


def test_batch_page_follows_progress_to_the_summary(page, base_url, tmp_path):
    files = []
    for n, total in enumerate(("55", "45")):
        path = tmp_path / f"单位{n}.docx"
        path.write_bytes(report_docx(total=total))
        files.append(str(path))
    page.goto(base_url + "/batch")
    page.set_input_files("#batch-files", files)
    page.get_by_role("button", name="开始批量审阅").click()
    page.wait_for_url("**/batches/*")
    expect(page.locator("h1")).to_have_text("批量审阅完成", timeout=60000)
    expect(page.locator("[data-summary]")).to_contain_text("共 2 个文件")
    expect(page.locator("progress")).to_have_attribute("value", "2")
    with page.expect_download() as info:
        page.locator('a[data-download="batch-xlsx"]').click()
    assert "文件概况" in openpyxl.load_workbook(str(_saved(info.value, tmp_path))).sheetnames


def _saved(download, folder: Path) -> Path:
    """Save a download under its suggested name and return the path."""
    target = folder / download.suggested_filename
    download.save_as(str(target))
    return target


def test_the_file_picker_speaks_chinese_in_an_english_browser(browser, base_url, tmp_path):
    context = browser.new_context(locale="en-US", viewport={"width": 1200, "height": 800})
    page = context.new_page()
    for url, field in (("/", "#files"), ("/batch", "#batch-files")):
        page.goto(base_url + url)
        picker = page.locator(f'label[for="{field[1:]}"][data-pick]')
        assert picker.inner_text() == "选择文件" and picker.is_visible()
        shown = page.locator(f'[data-picked="{field[1:]}"]')
        assert shown.inner_text() == "未选择文件"
        box = page.locator(field).bounding_box()
        assert box is None or (box["width"] <= 1 and box["height"] <= 1)  # the browser's own English button is hidden
        first, second = tmp_path / "甲局.txt", tmp_path / "乙局.txt"
        first.write_text("甲", encoding="utf-8")
        second.write_text("乙", encoding="utf-8")
        page.set_input_files(field, [str(first)])
        assert shown.inner_text() == "甲局.txt"
        page.set_input_files(field, [str(first), str(second)])
        assert shown.inner_text() == "已选择 2 个文件：甲局.txt、乙局.txt"
    context.close()
