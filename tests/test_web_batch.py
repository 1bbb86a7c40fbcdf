"""Batch upload in the web app: a .zip or several files run through reviewer.batch with progress and a summary."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reviewer.config import LLMConfig
from reviewer.web.store import BatchItem, BatchRecord
from tests.batch_helpers import SHARED, report_text
from tests.fake_openai import FakeOpenAI
from tests.web_helpers import finish, make_app, report_docx


@pytest.fixture
def client(tmp_path):
    with TestClient(make_app(tmp_path)) as c:
        yield c


def archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("各单位/甲局.txt", report_text("甲县测试一局", 2024, paragraphs=(SHARED,)))
        z.writestr("各单位/乙局.txt", report_text("甲县测试二局", 2024, actual=("50", "25", "20", "6"), paragraphs=(SHARED,)))
        z.writestr("各单位/坏.docx", b"PK\x03\x04 not really a docx")
        z.writestr("../逃逸.txt", "路径穿越")
        z.writestr("说明.png", b"\x89PNG")
    return out.getvalue()


def test_a_zip_runs_as_a_batch_with_cross_checks_failures_and_the_cli_summary(client):
    r = client.post("/batch", files=[("files", ("各单位.zip", archive(), "application/zip")),
                                     ("files", ("丙局.docx", report_docx(), "application/octet-stream"))],
                    follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    progress = finish(client, url)
    assert progress == {"total": 5, "done": 5, "finished": True}
    page = client.get(url).text
    assert "批量审阅完成" in page
    assert "共 5 个文件" in page and "失败 2" in page  # the command line's closing line
    assert "「坏.docx」已损坏" in page
    assert "路径穿越" in page  # the archive check's reason for ../逃逸.txt
    # Not a report: skipped and named once, as the command line does.
    assert "已跳过 1 个不能审阅的格式（.png）的文件：说明.png" in page and page.count("说明.png") == 1
    assert page.count('href="/reviews/') == 3

    # Cross-document checks ran: the shared paragraph is reported in the two reports that share it.
    pages = [client.get(u).text for u in set(re.findall(r'href="(/reviews/[0-9a-f]+)"', page))]
    assert sum("BATCH001" in p for p in pages) == 2

    sheet_names = openpyxl.load_workbook(io.BytesIO(client.get(url + "/download/xlsx").content)).sheetnames
    assert "文件概况" in sheet_names
    assert "批量" in client.get("/history").text


def test_batch_without_usable_files_stays_on_the_form(client):
    r = client.post("/batch", files=[("files", ("a.exe", b"MZ", "application/octet-stream"))])
    assert r.status_code == 400 and "「a.exe」的文件类型 .exe 不受支持" in r.text
    r = client.post("/batch", files=[("files", ("a.zip", b"not a zip", "application/zip"))])
    assert r.status_code == 400 and "不是有效的 zip 压缩包" in r.text
    r = client.post("/batch", data={})
    assert r.status_code == 400 and "请选择要审阅的文件" in r.text


def test_a_batch_left_open_by_a_stopped_server_is_closed_on_start(tmp_path):
    app = make_app(tmp_path)
    sessions = app.state.history.sessions
    with sessions.begin() as session:
        batch = BatchRecord(total=2, done=1)
        session.add(batch)
        session.flush()
        session.add(BatchItem(batch_id=batch.id, ordinal=0, name="未完成.docx"))
        key = batch.key
    with TestClient(app) as client:
        page = client.get(f"/batches/{key}").text
        assert "批量审阅完成" in page and "服务重启时该文件尚未审阅" in page
    with sessions() as session:
        assert session.scalars(select(BatchRecord)).one().finished_at is not None


def test_batch_upload_offers_the_llm_switch_and_uses_the_model_when_on(tmp_path):
    with FakeOpenAI() as server:
        llm = LLMConfig(base_url=server.base_url, model="test-model", cache_dir=tmp_path / "cache", max_retries=0)
        with TestClient(make_app(tmp_path, llm=llm)) as c:
            assert 'name="llm"' in c.get("/batch").text
            files = [("files", ("甲局.txt", report_text("甲县测试一局", 2024).encode(), "text/plain"))]
            finish(c, c.post("/batch", files=files, follow_redirects=False).headers["location"])
            assert server.chat_requests == []  # switch left off
            server.reply({"claims": [], "suspicions": []})
            r = c.post("/batch", files=files, data={"llm": "on"}, follow_redirects=False)
            finish(c, r.headers["location"])
            assert len(server.chat_requests) >= 1
