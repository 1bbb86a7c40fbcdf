"""The web app's database: history survives restarts, the schema version is checked and migrated, settings,
reviews stored packed and bounded one by one and in all."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from reviewer.config import Config, rules_settings
from reviewer.errors import ConfigError
from reviewer.jsonio import dump_json
from reviewer.web import store
from reviewer.web.history import TRIMMED, History
from reviewer.web.jobs import review_upload
from reviewer.web.settings import web_settings
from reviewer.web.uploads import Upload, UploadStore
from tests.web_helpers import PASTED, SUM_MESSAGE, make_app, report_docx


def test_history_and_dispositions_survive_a_restart(tmp_path):
    with TestClient(make_app(tmp_path)) as client:
        r = client.post("/review", files=[("files", ("报告.docx", report_docx(), "application/octet-stream"))],
                        follow_redirects=False)
        url = r.headers["location"]
        action = re.search(r'action="([^"]+/findings/TEXT002-[^"]+)"', client.get(url).text).group(1)
        client.post(action, data={"action": "dismiss", "note": "签署栏另附"})
    assert (tmp_path / "data" / "reviewer.db").is_file()

    with TestClient(make_app(tmp_path)) as client:  # a new process would see the same file
        history = client.get("/history").text
        assert "报告.docx" in history and url in history
        page = client.get(url).text
        assert SUM_MESSAGE in page
        assert 'data-status="dismissed"' in page and '>签署栏另附</textarea>' in page
        assert client.get(url + "/download/docx").status_code == 200


def test_a_database_url_from_the_environment_is_used(tmp_path):
    db = tmp_path / "elsewhere" / "team.db"
    settings = web_settings({}, env={"REVIEWER_DATABASE_URL": f"sqlite:///{db}", "HOME": str(tmp_path)})
    assert settings.url == f"sqlite:///{db}"
    assert settings.data_dir == tmp_path / ".local" / "share" / "reviewer"
    with TestClient(make_app(tmp_path, database_url=settings.url)) as client:
        client.post("/review", data={"text": PASTED})
    with create_engine(settings.url).connect() as conn:
        assert conn.execute(text("select count(*) from reviews")).scalar() == 1
        assert conn.execute(text("select version from schema_version")).scalar() == store.SCHEMA_VERSION


def test_settings_come_from_the_web_table_and_bad_values_are_named(tmp_path):
    settings = web_settings({"max_upload_mb": 5, "data_dir": str(tmp_path)}, env={"REVIEWER_MAX_UPLOAD_MB": "7"})
    assert settings.max_upload_bytes == 7 * 1024 * 1024  # the environment wins
    assert settings.url == f"sqlite:///{tmp_path / 'reviewer.db'}"
    with pytest.raises(ConfigError, match=r"reviewer.toml: \[web\] 配置无效.*max_upload_mb"):
        web_settings({"max_upload_mb": -1}, env={}, origin="reviewer.toml")
    with pytest.raises(ConfigError, match="web"):
        web_settings({"unknown_key": 1}, env={})


def test_a_newer_schema_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    store.open_database(url)
    with create_engine(url).begin() as conn:
        conn.execute(text("update schema_version set version = :v"), {"v": store.SCHEMA_VERSION + 1})
    with pytest.raises(ConfigError, match="高于本程序支持的"):
        store.open_database(url)


def test_an_older_schema_is_migrated_step_by_step(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    store.open_database(url)
    ran = []

    def add_column(conn):
        ran.append(1)
        conn.execute(text("alter table reviews add column reviewer_note text"))

    monkeypatch.setattr(store, "SCHEMA_VERSION", store.SCHEMA_VERSION + 1)
    monkeypatch.setattr(store, "MIGRATIONS", {store.SCHEMA_VERSION - 1: add_column})
    store.open_database(url)
    store.open_database(url)  # already migrated: nothing runs twice
    assert ran == [1]
    with create_engine(url).connect() as conn:
        assert conn.execute(text("select version from schema_version")).scalar() == store.SCHEMA_VERSION
        conn.execute(text("select reviewer_note from reviews"))


def test_an_unusable_database_url_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="数据库地址无效"):
        store.open_database("nosuchdialect://x")
    with pytest.raises(ConfigError, match=r"user:\*\*\*@") as missing_driver:
        store.open_database("postgresql+psycopg2://user:secret@127.0.0.1:1/x")
    assert "secret" not in str(missing_driver.value)
    garbage = tmp_path / "x.db"
    garbage.write_bytes(b"this is not a database file" * 100)
    with pytest.raises(ConfigError, match="无法打开数据库"):
        store.open_database(f"sqlite:///{garbage}")
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="无法创建数据库目录"):
        store.open_database(f"sqlite:///{tmp_path / 'file' / 'x.db'}")


def _stored(tmp_path, **limits):
    """A History on a fresh database, with the PASTED report reviewed once."""
    settings = web_settings({"data_dir": str(tmp_path / "data")}, env={})
    sessions = store.open_database(settings.url)
    history = History(sessions, UploadStore(settings.uploads_dir, 1), tmp_path / "baseline.json", **limits)
    upload = Upload(name="报告.txt", suffix=".txt", data=PASTED.encode())
    review, document = review_upload(upload, rules_settings(Config()))
    return settings, history, upload, review, document


def test_a_review_is_stored_packed_and_a_version_1_database_is_packed_on_start(tmp_path):
    settings, history, upload, review, document = _stored(tmp_path)
    record = history.add(upload, review, document)
    assert record.stored_bytes == len(record.review_data) + len(record.document_data)
    assert record.stored_bytes * 2 < len(dump_json(review)) + len(dump_json(document))  # packed to under half
    # Turn the database back into version 1: the JSON in text columns, no packed ones.
    with create_engine(settings.url).begin() as conn:
        conn.execute(text("alter table reviews add column review_json text"))
        conn.execute(text("alter table reviews add column document_json text"))
        conn.execute(text("update reviews set review_json = :r, document_json = :d"),
                     {"r": dump_json(review), "d": dump_json(document)})
        for column in ("review_data", "document_data", "stored_bytes"):
            conn.execute(text(f"alter table reviews drop column {column}"))
        conn.execute(text("update schema_version set version = 1"))
    migrated = History(store.open_database(settings.url), history.uploads, history.baseline_path)
    again = migrated.get(record.key)
    assert again.review() == review and migrated.document(again) == document
    assert again.stored_bytes == record.stored_bytes
    with create_engine(settings.url).connect() as conn:
        columns = {row[1] for row in conn.execute(text("pragma table_info(reviews)"))}
    assert "review_json" not in columns and "document_json" not in columns


def test_a_review_past_the_per_review_limit_is_not_stored_and_says_why(tmp_path):
    with TestClient(make_app(tmp_path, max_review_mb=0.001)) as client:
        r = client.post("/review", data={"text": PASTED, "name": "大报告.txt"})
        assert r.status_code == 400
        assert re.search(r"「大报告.txt」的审阅结果压缩后 0\.\d+ MB，超过每份 0\.001 MB 的保存上限，未保存", r.text)
    with create_engine(f"sqlite:///{tmp_path / 'data' / 'reviewer.db'}").connect() as conn:
        assert conn.execute(text("select count(*) from reviews")).scalar() == 0
    assert not list((tmp_path / "data" / "uploads").iterdir())  # nor is its upload kept


def test_the_oldest_reviews_go_once_the_history_passes_its_budget(tmp_path):
    settings, history, upload, review, document = _stored(tmp_path)
    first = history.add(upload, review, document)
    history.max_total_bytes = first.stored_bytes * 2  # room for two reviews of this size
    finding = review.findings[0]
    history.dispose(first, finding, "confirm", "核实", "王")
    second = history.add(upload, review, document, parent=first)
    with history.sessions.begin() as session:
        batch = store.BatchRecord(total=1, done=1)
        session.add(batch)
        session.flush()
        batch_id = batch.id
    third = history.add(upload, review, document, batch_id=batch_id)
    with history.sessions.begin() as session:
        session.add(store.BatchItem(batch_id=batch_id, ordinal=0, name="报告.txt", review_id=third.id))
    assert history.get(first.key) is None  # the oldest went with its decision and its upload
    assert history.source_bytes(first) is None and not (settings.uploads_dir / first.upload).exists()
    kept = history.get(second.key)
    assert kept.parent_id is None and history.version(kept) == 1
    with history.sessions() as session:
        assert not session.scalars(select(store.Disposition)).all()
    history.max_total_bytes = 1  # far below one review: all but the newest go
    assert history.trim() == 1
    assert history.get(second.key) is None and history.get(third.key) is not None
    history.max_total_bytes = 1
    fourth = history.add(upload, review, document)
    assert history.get(third.key) is None and history.get(fourth.key) is not None
    with history.sessions() as session:
        (item,) = session.scalars(select(store.BatchItem)).all()
    assert item.review_id is None and item.error == TRIMMED
