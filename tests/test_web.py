"""The web app's pages through FastAPI's TestClient: review, dispositions, downloads, history, re-review."""

from __future__ import annotations

import io
import json
import re

import docx
import openpyxl
import pytest
from fastapi.testclient import TestClient

from reviewer.baseline import Baseline
from reviewer.config import LLMConfig
from tests.fake_openai import FakeOpenAI
from tests.web_helpers import DATE_MESSAGE, NEW_SUM_MESSAGE, PASTED, SUM_MESSAGE, make_app, report_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def client(tmp_path):
    with TestClient(make_app(tmp_path)) as c:
        yield c


def review_text(client, text=PASTED, **fields) -> str:
    """Post pasted text; return the result page's path."""
    r = client.post("/review", data={"text": text, **fields}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r.headers["location"]


def upload(client, name, data, url="/review", **fields):
    return client.post(url, data=fields, files=[("files", (name, data, "application/octet-stream"))], follow_redirects=False)


def forms(page: str) -> dict[str, tuple[str, str]]:
    """Disposition forms of a result page: finding rule -> (action URL, list key)."""
    found = {}
    for action, key, rule in re.findall(
        r'<form class="wb-disp[^"]*" method="post" action="([^"]+)" data-for="([^"]+)"[^>]*>\s*'
        r'<div class="wb-disp-head">\s*<span class="wb-code wb-disp-code">([^<]+)</span>',
        page,
    ):
        found[rule] = (action, key)
    return found


def test_home_page_offers_paste_and_upload_without_llm_switch(client):
    page = client.get("/").text
    assert 'name="text"' in page and 'type="file"' in page and "multiple" in page
    assert ".docx" in page and ".xlsx" in page and ".pdf" in page and ".txt" in page
    assert 'name="llm"' not in page  # no LLM configured


def test_pasted_report_shows_highlights_findings_and_one_form_per_finding(client):
    url = review_text(client)
    page = client.get(url).text
    assert SUM_MESSAGE in page and DATE_MESSAGE in page
    assert 'class="rv-hl rv-error"' in page  # the 项目支出 cell is highlighted
    assert '<span class="rv-count rv-error">错误 <strong>1</strong>' in page
    assert 'data-filter="severity"' in page  # the renderer's filters
    found = forms(page)
    assert set(found) == {"SUM001", "TEXT002"}
    for _, key in found.values():
        assert f'data-fid="{key}"' in page  # each form has its list item to move into
    assert "/download/docx" in page and "/download/xlsx" in page and "/download/json" in page and "/download/md" in page
    # Unit unknown: the history names the pasted text by its default name.
    assert "粘贴的文本" in client.get("/history").text


def test_dismissal_is_stored_fed_to_the_baseline_and_undone(client, tmp_path):
    url = review_text(client)
    action, _ = forms(client.get(url).text)["TEXT002"]
    r = client.post(action, data={"action": "dismiss", "note": "签署栏由单位补填", "who": "张三"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert r.json()["status"] == "dismissed" and r.json()["decisions"] == {"confirmed": 0, "dismissed": 1, "open": 1}
    entries = Baseline.load(tmp_path / "baseline.json").entries
    assert len(entries) == 1 and entries[0]["rule"] == "TEXT002"
    assert entries[0]["note"] == "签署栏由单位补填" and entries[0]["who"] == "张三"
    page = client.get(url).text
    assert 'data-status="dismissed"' in page and '>签署栏由单位补填</textarea>' in page
    assert 'value="张三"' in page  # remembered through the cookie

    # Without JavaScript the form posts and comes back to the page.
    r = client.post(action, data={"action": "confirm", "note": "", "who": ""}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(url + "#rv-f")
    assert Baseline.load(tmp_path / "baseline.json").entries == []  # confirmed: reported again everywhere
    assert 'data-status="confirmed"' in client.get(url).text


def test_unknown_action_or_finding_is_refused(client):
    url = review_text(client)
    action, _ = forms(client.get(url).text)["SUM001"]
    assert client.post(action, data={"action": "delete"}).status_code == 400
    assert client.post(url + "/findings/NOPE-1", data={"action": "dismiss"}).status_code == 404


def test_downloads_leave_out_dismissed_findings_and_excel_carries_the_dispositions(client):
    r = upload(client, "报告.docx", report_docx())
    url = r.headers["location"]
    action, _ = forms(client.get(url).text)["TEXT002"]
    client.post(action, data={"action": "dismiss", "note": "无需修改", "who": "王五"})

    r = client.get(url + "/download/docx")
    assert r.headers["content-type"] == DOCX
    assert "filename*=UTF-8''%E6%8A%A5%E5%91%8A.%E5%AE%A1%E9%98%85.docx" in r.headers["content-disposition"]
    word = docx.Document(io.BytesIO(r.content))
    comments = [c.text for c in word.comments]
    assert len(comments) == 1 and SUM_MESSAGE in comments[0]
    assert any("2024 年决算数" in cell.text for cell in word.tables[0].rows[0].cells)  # the original, commented

    # The Excel list is the working document: every finding, with what the reviewer decided.
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url + "/download/xlsx").content))["问题清单"]
    rows = list(sheet.iter_rows(values_only=True))
    columns = {title: n for n, title in enumerate(rows[0])}
    by_code = {row[columns["规则"]]: row for row in rows[1:]}
    assert set(by_code) == {"SUM001", "TEXT002"}
    dismissed, still_open = by_code["TEXT002"], by_code["SUM001"]
    assert (dismissed[columns["处置状态"]], dismissed[columns["备注"]], dismissed[columns["处置人"]]) == ("已忽略", "无需修改", "王五")
    assert still_open[columns["处置状态"]] == "待处理" and SUM_MESSAGE in still_open[columns["问题说明"]]
    assert dismissed[columns["文件"]] == "报告.docx" and not still_open[columns["模型核验"]]

    data = json.loads(client.get(url + "/download/json").content)
    assert data["summary"] == {"error": 1, "warning": 0, "info": 0}
    assert data["document"]["path"] == "报告.docx"
    markdown = client.get(url + "/download/md").content.decode("utf-8")
    assert "已忽略 1 条问题" in markdown
    assert client.get(url + "/download/exe").status_code == 404


def test_rereview_shows_fixed_remaining_and_new_and_keeps_the_dismissal(client):
    first = upload(client, "报告.docx", report_docx()).headers["location"]
    found = forms(client.get(first).text)
    client.post(found["TEXT002"][0], data={"action": "dismiss", "note": "无需修改", "who": "张三"})
    client.post(found["SUM001"][0], data={"action": "confirm", "note": "请单位核对项目支出", "who": "李四"})
    r = upload(client, "报告（修改稿）.docx", report_docx(total="45", last_year="35"), url=first + "/rereview")
    assert r.status_code == 303
    second = r.headers["location"]
    page = client.get(second).text
    assert "第 2 版" in page
    assert re.search(r'data-compare="fixed">1<', page) and SUM_MESSAGE in page  # listed as fixed
    assert re.search(r'data-compare="remaining">1<', page)
    assert re.search(r'data-compare="new">1<', page) and NEW_SUM_MESSAGE in page
    # The dismissed finding remains, stays dismissed with its note, and the comparison says so.
    assert re.search(r'data-status="dismissed">\s*<div class="wb-disp-head">\s*<span class="wb-code wb-disp-code">TEXT002', page)
    assert "已忽略（沿用上一版）" in page and ">无需修改</textarea>" in page
    remaining = re.search(r'data-compare-list="remaining">.*?</details>', page, re.S).group()
    assert "data-dismissed" in remaining and "已忽略" in remaining
    assert "data-dismissed" not in re.search(r'data-compare-list="new">.*?</details>', page, re.S).group()
    # The revision keeps the report's name; the history lists one report with two versions.
    assert "<strong class=\"wb-title\">报告.docx</strong>" in page
    history = client.get("/history").text
    assert "共 1 份报告" in history and "第 2 版（修改稿）" in history and "此前 1 个版本" in history
    assert history.count("/reviews/") == 2 and "报告（修改稿）.docx" not in history


def test_a_confirmation_and_its_note_carry_into_the_next_version_until_undone(client):
    first = upload(client, "报告.docx", report_docx()).headers["location"]
    client.post(forms(client.get(first).text)["TEXT002"][0], data={"action": "confirm", "note": "请补写年份\n并签名", "who": "李四"})
    second = upload(client, "报告.docx", report_docx(total="45"), url=first + "/rereview").headers["location"]
    page = client.get(second).text
    assert "已确认（沿用上一版）" in page and ">请补写年份\n并签名</textarea>" in page
    action, _ = forms(page)["TEXT002"]
    r = client.post(action, data={"action": "reset"}, headers={"Accept": "application/json"})
    assert r.json()["status"] == "" and r.json()["label"] == "待处理"
    page = client.get(second).text
    assert "已确认（沿用上一版）" not in page
    assert re.search(r'data-status="open">\s*<div class="wb-disp-head">\s*<span class="wb-code wb-disp-code">TEXT002', page)
    assert "已确认" in client.get(first).text  # the first version keeps its own decision


def test_a_long_note_is_kept_whole_or_refused_never_cut(client):
    url = review_text(client)
    action, _ = forms(client.get(url).text)["TEXT002"]
    note = "说明：" + "签署栏由单位补填，" * 300
    client.post(action, data={"action": "dismiss", "note": note})
    assert f">{note}</textarea>" in client.get(url).text
    r = client.post(action, data={"action": "dismiss", "note": "长" * 10001})
    assert r.status_code == 400 and "备注超过" in r.text


def test_rereview_with_a_bad_file_stays_on_the_page_with_the_reason(client):
    first = upload(client, "报告.docx", report_docx()).headers["location"]
    r = upload(client, "坏.docx", b"PK\x03\x04broken", url=first + "/rereview")
    assert r.status_code == 400
    assert "「坏.docx」已损坏" in r.text and SUM_MESSAGE in r.text


def test_several_files_give_a_list_and_the_bad_one_its_reason(client):
    r = client.post(
        "/review",
        files=[
            ("files", ("一.docx", report_docx(), DOCX)),
            ("files", ("二.txt", PASTED.encode("utf-8"), "text/plain")),
            ("files", ("三.pdf", b"not a pdf", "application/pdf")),
        ],
    )
    assert r.status_code == 200
    assert r.text.count('href="/reviews/') == 2
    assert "「三.pdf」不是有效的 PDF 文件" in r.text


def test_user_text_is_escaped_everywhere(client):
    script = "<script>alert(1)</script>"
    name = '<b onclick="x">报告'
    url = review_text(client, PASTED + script + "\n", name=name)
    result, history = client.get(url).text, client.get("/history").text
    assert script not in result and "&lt;script&gt;alert(1)&lt;/script&gt;" in result
    for page in (result, history):
        assert name not in page and "&lt;b onclick=&#34;x&#34;&gt;报告" in page


def test_client_file_names_are_only_display_names(client, tmp_path):
    data = report_docx()
    r = upload(client, "../../etc/报告.docx", data)
    page = client.get(r.headers["location"]).text
    assert "报告.docx" in page and "../" not in page
    stored = list((tmp_path / "data" / "uploads").iterdir())
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{32}", stored[0].name)  # a server-chosen name
    assert stored[0].read_bytes() == data


def test_history_search_and_unknown_pages(client):
    review_text(client, name="甲单位报告")
    review_text(client, name="乙单位报告")
    page = client.get("/history", params={"q": "甲单位"}).text
    assert "甲单位报告" in page and "乙单位报告" not in page
    r = client.get("/reviews/0000000000000000")
    assert r.status_code == 404 and "找不到" in r.text


def test_pages_carry_security_headers_and_foreign_posts_are_refused(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    r = client.post("/review", data={"text": PASTED}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = client.post("/review", data={"text": PASTED}, headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert r.status_code == 303


def test_review_assets_are_served_from_the_html_renderer(client):
    from reviewer.render.html import html_assets

    css, js = html_assets()
    assert client.get("/assets/review.css").text == css
    assert client.get("/assets/review.js").text == js
    assert "placeDispositions" in client.get("/static/web.js").text


def test_llm_switch_preview_and_review_with_a_configured_model(tmp_path):
    narrative = PASTED + "一、部门基本情况\n联系人：赵六，电话13907340001。本单位2024年项目支出45万元。\n"
    with FakeOpenAI() as server:
        llm = LLMConfig(base_url=server.base_url, model="test-model", cache_dir=tmp_path / "cache", max_retries=0)
        with TestClient(make_app(tmp_path, llm=llm)) as client:
            assert 'name="llm"' in client.get("/").text and "test-model" in client.get("/").text
            preview = client.post("/llm/preview", data={"text": narrative})
            assert preview.status_code == 200 and "本页未发送任何请求" in preview.text
            assert "13907340001" not in preview.text and "［电话］" in preview.text  # what is sent is masked
            assert server.chat_requests == []
            server.reply({"claims": [], "suspicions": []})
            url = review_text(client, narrative, llm="on")
            page = client.get(url).text
            assert "大模型文字审阅（test-model）" in page and "含大模型文字审阅" in page
            assert len(server.chat_requests) == 1
