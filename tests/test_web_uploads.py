"""Bad uploads get a clear Chinese message on the page and the server keeps serving; upload storage rules."""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest
from fastapi.testclient import TestClient

from reviewer.web.uploads import Upload, UploadRejected, UploadStore, check_content, display_name
from tests.web_helpers import PASTED, SUM_MESSAGE, make_app, report_docx


@pytest.fixture
def client(tmp_path):
    with TestClient(make_app(tmp_path, max_upload_mb=0.05, max_batch_mb=0.2)) as c:
        yield c


def post_file(client, name, data):
    return client.post("/review", files=[("files", (name, data, "application/octet-stream"))], follow_redirects=False)


def still_serving(client):
    """The server answers and still reviews after a refused upload."""
    assert client.get("/").status_code == 200
    r = post_file(client, "好.docx", report_docx())
    assert r.status_code == 303
    assert SUM_MESSAGE in client.get(r.headers["location"]).text


def corrupt_docx() -> bytes:
    """A real .docx whose document part is cut off mid-tag."""
    source = zipfile.ZipFile(io.BytesIO(report_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in source.infolist():
            z.writestr(info, b"<w:document" if info.filename == "word/document.xml" else source.read(info))
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("程序.exe", b"MZ\x90\x00", "「程序.exe」的文件类型 .exe 不受支持"),
        ("假的.docx", "只是文字".encode("utf-8"), "「假的.docx」不是有效的 .docx 文件（内容不是 Office 文档，可能只是改了扩展名）"),
        ("截断.docx", report_docx()[:3000], "「截断.docx」已损坏，无法打开"),
        ("表格.docx", xlsx_bytes(), "「表格.docx」不是Word 文档（压缩包中没有 word/document.xml）"),
        ("坏.docx", corrupt_docx(), "「坏.docx」无法审阅：不是有效的 .docx 文件"),
        ("扫描.pdf", b"\x89PNG\r\n\x1a\n....", "「扫描.pdf」不是有效的 PDF 文件（缺少 %PDF 文件头）"),
        ("图片.txt", b"\x89PNG\r\n\x1a\n....", "「图片.txt」内容是图片，不是文本文件"),
        ("空.txt", b"", "「空.txt」是空文件"),
        ("大.txt", "数据".encode("utf-8") * 20000, "「大.txt」超过 0.05 MB 上限"),
    ],
)
def test_bad_upload_shows_the_reason_and_the_server_keeps_serving(client, name, data, message):
    r = post_file(client, name, data)
    assert r.status_code == 400
    assert message in r.text
    assert 'class="wb-errors"' in r.text and "<textarea" in r.text  # the form is shown again
    still_serving(client)


def test_a_request_over_the_limit_is_refused_with_a_page(client):
    r = post_file(client, "很大.txt", b"x" * (2 * 1024 * 1024))
    assert r.status_code == 413
    assert "上传内容超过 0.2 MB 上限" in r.text
    still_serving(client)


def test_a_chunked_request_over_the_limit_is_cut_off_with_a_page(client):
    def body():
        yield b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\n"
        for _ in range(200):
            yield b"y" * 8192  # no Content-Length: the limit is enforced while receiving
        yield b"\r\n--x--\r\n"

    r = client.post("/review", content=body(), headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413 and "上传内容超过" in r.text
    still_serving(client)


def test_pasted_text_over_the_limit_and_an_empty_form(client):
    r = client.post("/review", files=[("text", (None, "数据\t1\n" * 20000))])
    assert r.status_code == 400 and "粘贴的文字超过 0.05 MB 上限" in r.text
    r = client.post("/review", data={"text": "   "})
    assert r.status_code == 400 and "请粘贴报告文字，或选择要上传的文件" in r.text
    still_serving(client)


def test_an_internal_error_on_one_file_is_reported_on_the_page(client, monkeypatch):
    import reviewer.web.reviews as web_app

    def broken(upload, settings, llm=None):
        raise RuntimeError("a bug")

    monkeypatch.setattr(web_app, "review_upload", broken)
    r = post_file(client, "报告.docx", report_docx())
    assert r.status_code == 400
    assert "「报告.docx」审阅时发生内部错误（RuntimeError）" in r.text
    monkeypatch.undo()
    still_serving(client)


def test_text_and_a_refused_file_give_the_review_and_the_reason(client):
    r = client.post("/review", data={"text": PASTED}, files=[("files", ("x.exe", b"MZ", "application/octet-stream"))])
    # The text was reviewed; the file's refusal is listed with it.
    assert r.status_code == 200 and "「x.exe」的文件类型 .exe 不受支持" in r.text and 'href="/reviews/' in r.text


def test_display_names_drop_folders_and_control_characters():
    assert display_name("C:\\Users\\张三\\报告.docx") == "报告.docx"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("a\x00b\u202e.txt") == "ab.txt"
    assert display_name("") == "未命名"
    long = display_name("长" * 300 + ".docx")
    assert len(long) <= 120 and long.endswith("….docx")


def test_content_checks_accept_real_files():
    check_content(Upload("a.docx", ".docx", report_docx()))
    check_content(Upload("a.xlsx", ".xlsx", xlsx_bytes()))
    check_content(Upload("a.pdf", ".pdf", b"%PDF-1.7\n..."))
    check_content(Upload("a.txt", ".txt", PASTED.encode("utf-8")))
    check_content(Upload("a.txt", ".txt", PASTED.encode("utf-16")))  # a BOM'd UTF-16 export has NUL bytes
    with pytest.raises(UploadRejected, match="xlsx"):
        check_content(Upload("a.xlsx", ".xlsx", report_docx()))


def test_upload_store_uses_its_own_names_and_purges_old_files(tmp_path):
    store = UploadStore(tmp_path / "up", retention_hours=1)
    name = store.save(b"data")
    assert store.read(name) == b"data"
    assert store.read("../" + name) is None and store.read("x") is None
    old = tmp_path / "up" / name
    past = time.time() - 2 * 3600
    os.utime(old, (past, past))
    assert store.read(name) is None  # expired even before the purge runs
    assert old.exists()
    keep = store.save(b"new")  # every save purges first
    assert not old.exists() and store.read(keep) == b"new"
    assert store.purge() == 0


def test_zero_retention_keeps_nothing(tmp_path):
    store = UploadStore(tmp_path / "up", retention_hours=0)
    assert store.save(b"data") is None
    assert list((tmp_path / "up").iterdir()) == []
