"""The web app's database: reviews, finding dispositions and batches, through SQLAlchemy.

SQLite file by default; any SQLAlchemy URL (PostgreSQL ...) works. The schema
is created on start; ``schema_version`` records which version it is so that
later releases can migrate an existing database step by step (``MIGRATIONS``).

A review is stored as its Review and its Document in JSON, each compressed
with zlib (a report's text compresses some ten times); the Document, which
holds the whole text, is loaded only by the pages that show it.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from reviewer.errors import ConfigError
from reviewer.finding import Review
from reviewer.jsonio import load_json

SCHEMA_VERSION = 2


def pack(json_text: str) -> bytes:
    """JSON text as stored: UTF-8, zlib-compressed."""
    return zlib.compress(json_text.encode("utf-8"), 6)


def unpack(data: bytes) -> str:
    """The JSON text of a stored column."""
    return zlib.decompress(data).decode("utf-8")


def utcnow() -> datetime:
    """The current time in UTC (stored naive: every database keeps it the same way)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_key() -> str:
    """A random public identifier for URLs (row ids are not guessable from it)."""
    return secrets.token_hex(8)


class Base(DeclarativeBase):
    """Declarative base of the web app's tables."""


class SchemaVersion(Base):
    """The version of the schema the database is at (one row)."""

    __tablename__ = "schema_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class BatchRecord(Base):
    """A batch of uploaded files reviewed in the background."""

    __tablename__ = "batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_key)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")  # the command line's closing lines
    summary_xlsx: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # as `reviewer batch` writes it


class BatchItem(Base):
    """One file of a batch: its review once done, or why it could not be reviewed."""

    __tablename__ = "batch_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class ReviewRecord(Base):
    """One reviewed document: the Review and the Document as JSON, plus the columns the history lists."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_key)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    name: Mapped[str] = mapped_column(String(255))  # display name given by the user, never a path on disk
    unit: Mapped[str | None] = mapped_column(String(255), nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    template: Mapped[str] = mapped_column(String(255), default="")
    format: Mapped[str] = mapped_column(String(32), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(255))  # baseline scope, shared by all versions of a report
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    infos: Mapped[int] = mapped_column(Integer, default=0)
    llm: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), nullable=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"), nullable=True)
    upload: Mapped[str | None] = mapped_column(String(64), nullable=True)  # server-chosen file name
    review_data: Mapped[bytes] = mapped_column(LargeBinary)  # the Review's JSON, packed
    # The Document's JSON, packed: the whole text, so loaded only when asked for (History.document).
    document_data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    stored_bytes: Mapped[int] = mapped_column(Integer, default=0)  # both packed columns: what the history budget counts

    def review(self) -> Review:
        """The stored Review."""
        return load_json(Review, unpack(self.review_data))


class Disposition(Base):
    """A reviewer's decision on one finding of one review: confirmed or dismissed, with a note."""

    __tablename__ = "dispositions"
    __table_args__ = (UniqueConstraint("review_id", "finding_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    finding_id: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16))  # confirmed | dismissed | open (undone on a later version)
    note: Mapped[str] = mapped_column(Text, default="")
    who: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def _pack_reviews(conn: Connection) -> None:
    """Version 1 to 2: the Review and Document JSON columns become packed binary columns, with their size."""
    binary = LargeBinary().compile(dialect=conn.dialect)
    for column in ("review_data", "document_data"):
        conn.execute(text(f"ALTER TABLE reviews ADD COLUMN {column} {binary}"))
    conn.execute(text("ALTER TABLE reviews ADD COLUMN stored_bytes INTEGER DEFAULT 0"))
    ids = conn.execute(text("SELECT id FROM reviews")).scalars().all()
    for review_id in ids:  # one row at a time: a document's JSON may be large
        old = conn.execute(text("SELECT review_json, document_json FROM reviews WHERE id = :id"), {"id": review_id}).one()
        review, document = pack(old.review_json), pack(old.document_json)
        conn.execute(
            text("UPDATE reviews SET review_data = :r, document_data = :d, stored_bytes = :n WHERE id = :id"),
            {"r": review, "d": document, "n": len(review) + len(document), "id": review_id},
        )
    for column in ("review_json", "document_json"):
        conn.execute(text(f"ALTER TABLE reviews DROP COLUMN {column}"))


# MIGRATIONS[n] upgrades a database from version n to n + 1 inside one transaction.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _pack_reviews}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the pages read while a batch writes; foreign keys are off by default in SQLite."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_database(url: str) -> sessionmaker:
    """Connect, create or migrate the schema, and return a session factory; ConfigError when unusable."""
    try:
        engine = create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise ConfigError(f"数据库地址无效：{safe_url(url)}（{exc}）") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if engine.url.database and engine.url.database != ":memory:":
            folder = Path(engine.url.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"无法创建数据库目录 {folder}（{exc.strerror}）") from exc
    try:
        prepare_schema(engine)
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise ConfigError(f"无法打开数据库 {safe_url(url)}（{reason}）") from exc
    return sessionmaker(engine, expire_on_commit=False)


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "（无法解析）"


def prepare_schema(engine: Engine) -> int:
    """Create missing tables, record or migrate the schema version; return the version now in use."""
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        version = conn.execute(select(SchemaVersion.version)).scalar()
        if version is None:
            conn.execute(insert(SchemaVersion).values(id=1, version=SCHEMA_VERSION))
            return SCHEMA_VERSION
        if version > SCHEMA_VERSION:
            raise ConfigError(f"数据库的结构版本为 {version}，高于本程序支持的 {SCHEMA_VERSION}：请升级 reviewer")
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](conn)
            version += 1
            conn.execute(update(SchemaVersion).values(version=version))
    return version
