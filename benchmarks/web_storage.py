"""How much the web app's database grows per stored review: a normal report, the largest .docx accepted, a hostile one.

Usage: python benchmarks/web_storage.py

Each report is reviewed (rules only) and stored through the web app's
History into a fresh SQLite file; the table gives the growth of the file
(after a WAL checkpoint) or the reason the report was not stored.
"""

from __future__ import annotations

import io
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewer.config import Config, rules_settings  # noqa: E402
from reviewer.errors import InputError  # noqa: E402
from reviewer.web.history import History  # noqa: E402
from reviewer.web.jobs import review_upload  # noqa: E402
from reviewer.web.store import open_database  # noqa: E402
from reviewer.web.uploads import Upload, UploadStore  # noqa: E402
from tests.fixtures.hostile import _docx_with_body  # noqa: E402


def repeated_docx(data: bytes, times: int) -> bytes:
    """The .docx ``data`` with its body (paragraphs and tables) repeated ``times`` times."""
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    inner = body[body.index("<w:body>") + len("<w:body>") : body.index("<w:sectPr")]
    return _docx_with_body(inner * times)


def grown(data: bytes, name: str, folder: Path) -> str:
    """Review and store one report in a fresh database; the database's growth in MB, or why it was not stored."""
    url = f"sqlite:///{folder / 'reviewer.db'}"
    history = History(open_database(url), UploadStore(folder / "uploads", 0), folder / "baseline.json")
    db = folder / "reviewer.db"
    before = db.stat().st_size
    upload = Upload(name=name, suffix=".docx", data=data)
    try:
        review, document = review_upload(upload, rules_settings(Config()))
        history.add(upload, review, document)
    except InputError as exc:
        return f"未审阅：{exc.problem}"
    except Exception as exc:  # TooLargeToKeep, where the version has it
        return f"未保存：{exc}"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return f"{(db.stat().st_size - before) / 2**20:.2f} MB"


def main() -> None:
    sample = (ROOT / "samples" / "hunan_department.docx").read_bytes()
    reports = [
        ("正常报告 hunan_department.docx", sample),
        ("大报告 .docx（正文重复 60 次，约 2.9 万个单元格）", repeated_docx(sample, 60)),
        ("超大 .docx（144 万字）", _docx_with_body(f"<w:p><w:r><w:t>{'本单位全年预算执行良好。' * 1000}</w:t></w:r></w:p>" * 120)),
    ]
    for label, data in reports:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"{label}（{len(data) / 2**20:.2f} MB）：数据库增长 {grown(data, label, Path(tmp))}", flush=True)


if __name__ == "__main__":
    main()
