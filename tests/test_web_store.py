"""The web app's database: history survives restarts, the schema version is checked and migrated, settings."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from reviewer.errors import ConfigError
from reviewer.web import store
from reviewer.web.settings import web_settings
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
