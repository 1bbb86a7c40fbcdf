"""What the web app keeps and deletes on its own: batch reviews stored as they finish, old files purged on a timer,
oversized bodies refused however they are sent, requests for foreign host names refused, the baseline in the data folder."""

from __future__ import annotations

import select as readiness  # sqlalchemy's select is imported below
import socket
import os
import time

from fastapi.testclient import TestClient
from sqlalchemy import select

from reviewer.config import Config, rules_settings
from reviewer.web.app import create_app
from reviewer.web.history import TRIMMED, History
from reviewer.web.jobs import INTERRUPTED, BatchRunner, review_upload
from reviewer.web.store import BatchItem, BatchRecord, open_database
from reviewer.web.uploads import Upload, UploadStore
from tests.batch_helpers import report_text
from tests.web_helpers import PASTED, make_app, served, web_settings


def wait_for(condition, seconds: float = 60) -> None:
    """Poll ``condition`` until it holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


class WatchedHistory(History):
    """The real History, noting how far its batch had come whenever a review was stored."""

    def __init__(self, *args):
        super().__init__(*args)
        self.files_done_when_stored: list[int] = []

    def add(self, upload, review, document, **kwargs):
        record = super().add(upload, review, document, **kwargs)
        with self.sessions() as session:
            batch = session.get(BatchRecord, kwargs["batch_id"])
            assert batch.finished_at is None
            self.files_done_when_stored.append(batch.done)
        return record


def test_a_batch_stores_each_review_as_it_finishes(tmp_path):
    settings = web_settings(tmp_path)
    sessions = open_database(settings.url)
    history = WatchedHistory(sessions, UploadStore(settings.uploads_dir, 1), tmp_path / "baseline.json")
    runner = BatchRunner(sessions, history, rules_settings(Config()), settings.data_dir / "work")
    uploads = [Upload(name=f"{n}局.txt", suffix=".txt", data=report_text(f"甲县测试{n}局", 2024).encode()) for n in "一二三"]
    batch = runner.start(uploads, [("坏.exe", "「坏.exe」的文件类型 .exe 不受支持")])
    runner.shutdown()
    with sessions() as session:
        assert session.get(BatchRecord, batch.id).finished_at is not None
        items = session.scalars(select(BatchItem).where(BatchItem.batch_id == batch.id)).all()
    # Each review was kept as it finished, not after the last one: the refused file, then one review at a time.
    assert history.files_done_when_stored == [1, 2, 3]
    assert sorted(i.review_id is not None for i in items) == [False, True, True, True]
    assert not any((settings.data_dir / "work").iterdir())  # the staged files are gone


def test_a_restart_marks_only_the_unfinished_files_and_purges_their_staged_copies(tmp_path):
    app = make_app(tmp_path)
    history = app.state.history
    upload = Upload(name="完成.txt", suffix=".txt", data=PASTED.encode())
    review, document = review_upload(upload, rules_settings(Config()))
    with history.sessions.begin() as session:
        batch = BatchRecord(total=2, done=1)
        session.add(batch)
        session.flush()
        batch_id, key = batch.id, batch.key
    record = history.add(upload, review, document, batch_id=batch_id)
    with history.sessions.begin() as session:
        session.add(BatchItem(batch_id=batch_id, ordinal=0, name="完成.txt", review_id=record.id))
        session.add(BatchItem(batch_id=batch_id, ordinal=1, name="未完成.docx"))
    staged = tmp_path / "data" / "work" / f"batch-{key}"
    staged.mkdir(parents=True)
    (staged / "00001.docx").write_bytes(b"PK")
    with TestClient(app) as client:
        page = client.get(f"/batches/{key}").text
        assert f'href="/reviews/{record.key}">完成.txt</a>' in page
        assert page.count(INTERRUPTED) == 1 and "未完成.docx" in page
    assert not staged.exists()


def test_expired_uploads_and_stale_staged_files_go_on_a_timer_without_new_uploads(tmp_path):
    app = make_app(tmp_path, retention_hours=1, purge_minutes=0.005)  # a round every 0.3 s
    with TestClient(app) as client:
        client.post("/review", data={"text": PASTED})
        uploads = tmp_path / "data" / "uploads"
        (kept,) = list(uploads.iterdir())
        stale = tmp_path / "data" / "work" / "batch-0123456789abcdef"
        stale.mkdir(parents=True)
        time.sleep(0.8)
        assert kept.exists()  # not expired yet
        os.utime(kept, (time.time() - 7200, time.time() - 7200))
        wait_for(lambda: not kept.exists() and not stale.exists(), 5)


def _length(answer: bytes) -> int:
    """How many bytes a response with headers ``answer`` has in all (headers, blank line, Content-Length body)."""
    head, found, _ = answer.partition(b"\r\n\r\n")
    lengths = [line.split(b":", 1)[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
    return len(head) + len(found) + (int(lengths[0]) if lengths else 0)


def test_an_oversized_chunked_body_is_refused_with_413(tmp_path):
    """Through a real server: a chunked body declares no length, and a parser must not see it first."""

    def post(url: str, chunks, content_type: str) -> tuple[int, str]:
        """POST a chunked body over a raw socket, stopping as soon as the server answers.

        A server that refuses a body early closes the connection; a client still sending
        would see a reset instead of the answer, so it reads whenever an answer is ready.
        """
        with socket.create_connection((host, port), timeout=30) as sock:
            sock.sendall(
                f"POST {url} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {content_type}\r\n"
                "Transfer-Encoding: chunked\r\n\r\n".encode()
            )
            for chunk in chunks:
                if readiness.select([sock], [], [], 0)[0]:
                    break  # the server has answered: stop sending
                try:
                    sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    break
            else:
                sock.sendall(b"0\r\n\r\n")
            answer = b""
            while b"\r\n\r\n" not in answer or len(answer) < _length(answer):
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split()[1]), body.decode("utf-8", "replace")

    app = make_app(tmp_path, max_upload_mb=0.01, max_batch_mb=0.01)
    with served(app) as (host, port):
        for url in ("/review", "/batch", "/reviews/abc/findings/def"):
            for content_type in ("multipart/form-data; boundary=x", "application/x-www-form-urlencoded"):
                status, text = post(url, (b"x" * 10_000 for _ in range(300)), content_type)
                assert status == 413 and "上传内容超过" in text, (url, content_type)
        # A chunked body within the limit is read as usual.
        status, _ = post("/review", iter([f"text={PASTED}".encode()]), "application/x-www-form-urlencoded")
        assert status == 303


def test_the_host_header_must_name_this_server(tmp_path):
    with TestClient(make_app(tmp_path, hosts=["reviewer.example.cn"]), base_url="http://reviewer.example.cn:8000") as client:
        assert client.get("/").status_code == 200
        r = client.get("/", headers={"host": "attacker.example.com"})
        assert r.status_code == 400 and "主机名不在允许列表中" in r.text
    settings = web_settings(tmp_path)
    default = settings.model_copy(update={"hosts": []})
    with TestClient(create_app(default, Config()), base_url="http://localhost:8000") as client:
        assert client.get("/").status_code == 200  # loopback names by default
        assert client.get("/", headers={"host": "rebound.example.com"}).status_code == 400


def test_dismissals_go_to_the_data_folder_without_a_config_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = web_settings(tmp_path / "srv", baseline=None)
    with TestClient(create_app(settings, Config())) as client:
        r = client.post("/review", data={"text": PASTED}, follow_redirects=False)
        page = client.get(r.headers["location"]).text
        action = next(a for a in page.split('action="')[1:] if "/findings/" in a).split('"')[0]
        assert client.post(action, data={"action": "dismiss"}).status_code in (200, 303)
    assert (settings.data_dir / "reviewer-baseline.json").is_file()
    assert not (tmp_path / "reviewer-baseline.json").exists()


def test_a_batch_review_too_large_to_keep_is_listed_with_the_reason(tmp_path):
    settings = web_settings(tmp_path)
    sessions = open_database(settings.url)
    history = History(sessions, UploadStore(settings.uploads_dir, 1), tmp_path / "baseline.json", 1000)
    runner = BatchRunner(sessions, history, rules_settings(Config()), settings.data_dir / "work")
    batch = runner.start([Upload(name="大.txt", suffix=".txt", data=report_text("甲县测试局", 2024).encode())], [])
    runner.shutdown()
    found, rows = runner.get(batch.key)
    assert found.finished_at is not None and found.summary_xlsx  # the summary still lists the report
    (row,) = rows
    assert row.record is None and "「大.txt」的审阅结果压缩后" in row.item.error and "保存上限，未保存" in row.item.error


def test_a_history_budget_smaller_than_a_batch_trims_its_early_reviews_and_says_so(tmp_path):
    settings = web_settings(tmp_path)
    sessions = open_database(settings.url)
    history = History(sessions, UploadStore(settings.uploads_dir, 1), tmp_path / "baseline.json", 0, 1)
    runner = BatchRunner(sessions, history, rules_settings(Config()), settings.data_dir / "work")
    uploads = [Upload(name=f"{n}局.txt", suffix=".txt", data=report_text(f"甲县测试{n}局", 2024).encode()) for n in "一二"]
    batch = runner.start(uploads, [])
    runner.shutdown()
    found, rows = runner.get(batch.key)
    assert found.finished_at is not None
    # Only the newest review fits the budget; the row of the other says why it is gone.
    assert [row.record is not None for row in rows].count(True) == 1
    assert [row.item.error for row in rows if row.record is None] == [TRIMMED]
