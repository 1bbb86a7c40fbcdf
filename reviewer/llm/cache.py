"""A SQLite cache of validated model answers, so reviewing the same text again costs nothing.

The key covers everything that decides the answer: the prompt id and
version, the model name, and a hash of the exact messages sent (which
include the masked document text). A changed prompt bumps its version and
so misses the cache.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

CACHE_FILE = "llm-cache.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    prompt_id TEXT NOT NULL,
    prompt_version INTEGER NOT NULL,
    model TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def input_hash(messages: list[dict[str, str]]) -> str:
    """SHA-256 of the messages as sent (role and content, in order)."""
    canonical = json.dumps(messages, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def cache_key(prompt_id: str, prompt_version: int, model: str, digest: str) -> str:
    """The row key combining prompt identity, model and input hash."""
    return hashlib.sha256(f"{prompt_id}\x00{prompt_version}\x00{model}\x00{digest}".encode()).hexdigest()


class ResponseCache:
    """Validated JSON answers stored in one SQLite file; safe to share between threads."""

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / CACHE_FILE
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per call: sqlite3 connections are bound to a thread.
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            yield db

    def get(self, prompt_id: str, prompt_version: int, model: str, digest: str) -> str | None:
        """The stored answer, or None."""
        key = cache_key(prompt_id, prompt_version, model, digest)
        with self._lock, self._connect() as db:
            row = db.execute("SELECT response FROM responses WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, prompt_id: str, prompt_version: int, model: str, digest: str, response: str) -> None:
        """Store (or replace) an answer."""
        key = cache_key(prompt_id, prompt_version, model, digest)
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, prompt_id, prompt_version, model, digest, response, time.time()),
            )
