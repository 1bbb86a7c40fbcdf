"""The batch result store: reviews cached in SQLite by file hash, reviewer build, rule settings and LLM setup.

A re-run looks every file up by the SHA-256 of its bytes together with the
reviewer's build key (version plus a digest of its own source, so a changed
rule never serves a stale result), the digest of the rule settings and the
digest of the LLM setup (rules only, or the model, endpoint and prompts);
only files with no entry are reviewed again. The store also remembers what
each output file was rendered from, so unchanged outputs are not rewritten.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import reviewer
from reviewer.config import LLMConfig
from reviewer.rules import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    review BLOB,
    document BLOB,
    features BLOB,
    seconds REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS outputs (
    name TEXT PRIMARY KEY,
    digest TEXT NOT NULL
);
"""


# Sources that cannot change a review or an output file: the web front end and the command line.
_NOT_IN_KEY = ("web", "cli.py", "__main__.py")
RULES_ONLY = "rules-only"


@lru_cache(maxsize=1)
def build_key() -> str:
    """The reviewer version plus a digest of the sources that shape reviews and outputs (prompts: see llm_digest)."""
    root = Path(reviewer.__file__).parent
    digest = hashlib.sha256(reviewer.__version__.encode())
    sources = [p for p in root.rglob("*.py") if p.relative_to(root).parts[0] not in _NOT_IN_KEY]
    for path in sorted(sources):
        digest.update(str(path.relative_to(root.parent)).encode())
        digest.update(path.read_bytes())
    return f"{reviewer.__version__}+{digest.hexdigest()[:16]}"


def llm_digest(llm: LLMConfig | None) -> str:
    """What of the LLM setup shapes a review: RULES_ONLY without it, else a digest of model, base URL, token budget and prompts.

    The API key, timeout, retries and concurrency change how the answers
    arrive, not what they are, so they stay out: a rotated key keeps the cache.
    Prompts enter with id, version and text, so editing one reviews again
    with the model while rules-only results stay valid.
    """
    if llm is None:
        return RULES_ONLY
    from reviewer.llm.stage import TASKS
    from reviewer.llm.prompt import get_prompt

    setup = {
        "model": llm.model,
        "base_url": (llm.base_url or "").rstrip("/"),
        "token_budget": llm.token_budget,
        "prompts": [get_prompt(task).model_dump(mode="json") for task in TASKS],
    }
    text = json.dumps(setup, sort_keys=True, ensure_ascii=False)
    return f"llm-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def settings_digest(settings: Settings) -> str:
    """A digest of the rule settings (a changed threshold or selection invalidates the cache)."""
    text = json.dumps(dataclasses.asdict(settings), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(2**20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Entry:
    """A result: ok with the review, document and features JSON, or failed with the reason."""

    status: str  # ok | failed
    reason: str = ""
    review: str = ""
    document: str = ""
    features: str = ""
    seconds: float = 0.0
    complete: bool = True  # False: some LLM requests failed; used in this run, never stored, so a re-run asks again


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 3)


def _unpack(blob: bytes | None) -> str:
    return zlib.decompress(blob).decode("utf-8") if blob else ""


class Store:
    """Cached review results and output digests in one SQLite file."""

    def __init__(self, path: Path):
        """Open (or create) the store at ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30)
        # Write-ahead log without a sync per commit: a batch commits every result as it
        # arrives, and waiting for the disk on each (tens of ms) stalled the whole run.
        # A killed process still keeps every committed result; only a power cut may
        # lose the last few, which a re-run reviews again.
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def get(self, key: str) -> Entry | None:
        """The cached result for a key, without the document (see ``document``)."""
        row = self.db.execute("SELECT status, reason, review, features, seconds FROM reviews WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        status, reason, review, features, seconds = row
        return Entry(status, reason, _unpack(review), "", _unpack(features), seconds)

    def document(self, key: str) -> str:
        """The cached Document JSON for a key (loaded only when an output needs it)."""
        row = self.db.execute("SELECT document FROM reviews WHERE key = ?", (key,)).fetchone()
        return _unpack(row[0]) if row else ""

    def put(self, key: str, entry: Entry) -> None:
        """Store a result (committed at once: an interrupted batch keeps what it finished)."""
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, entry.status, entry.reason, _pack(entry.review), _pack(entry.document), _pack(entry.features), entry.seconds),
            )

    def output_digest(self, name: str) -> str | None:
        """What an output file was last rendered from."""
        row = self.db.execute("SELECT digest FROM outputs WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_output_digest(self, name: str, digest: str) -> None:
        """Remember what an output file was rendered from."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?)", (name, digest))
