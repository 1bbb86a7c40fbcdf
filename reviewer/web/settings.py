"""Settings of the web app: the ``[web]`` table of reviewer.toml, overridden by environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reviewer.baseline import BASELINE_FILE
from reviewer.errors import ConfigError, validation_problems

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")

# Environment variable -> [web] key.
WEB_ENV: dict[str, str] = {
    "database_url": "REVIEWER_DATABASE_URL",
    "data_dir": "REVIEWER_DATA_DIR",
    "max_upload_mb": "REVIEWER_MAX_UPLOAD_MB",
    "max_batch_mb": "REVIEWER_MAX_BATCH_MB",
    "retention_hours": "REVIEWER_UPLOAD_RETENTION_HOURS",
    "max_history_mb": "REVIEWER_MAX_HISTORY_MB",
    "baseline": "REVIEWER_BASELINE",
}


def default_data_dir(env: Mapping[str, str]) -> Path:
    """The per-user data directory (XDG_DATA_HOME or ~/.local/share) for reviewer."""
    home = env.get("HOME") or str(Path.home())
    base = env.get("XDG_DATA_HOME") or str(Path(home) / ".local" / "share")
    return Path(base) / "reviewer"


class WebSettings(BaseModel):
    """Where the web app keeps its data and how much it accepts."""

    model_config = ConfigDict(extra="forbid")

    data_dir: Path  # uploads (under server-chosen names) and the default SQLite file
    database_url: str = ""  # any SQLAlchemy URL; empty: SQLite file in data_dir
    max_upload_mb: float = Field(default=20, gt=0)  # one file, and one request of the home page
    max_batch_mb: float = Field(default=200, gt=0)  # one batch request (several files or a .zip)
    retention_hours: float = Field(default=24, ge=0)  # uploaded files are deleted after this
    baseline: Path | None = None  # dismissals shared with `reviewer batch`; default: next to reviewer.toml, else in data_dir
    hosts: list[str] = Field(default_factory=list)  # names the Host header may carry; empty: the loopback names
    purge_minutes: float = Field(default=10, gt=0)  # how often expired uploads and stale staged batch files are deleted
    max_review_mb: float = Field(default=8, gt=0)  # one stored review, compressed; a 400-page report takes some 0.5 MB
    max_history_mb: float = Field(default=1024, gt=0)  # all stored reviews, compressed; the oldest go first past it

    @property
    def allowed_hosts(self) -> list[str]:
        """The Host names accepted: the configured ones, else those of this machine's loopback address."""
        return self.hosts or list(LOOPBACK_HOSTS)

    def baseline_path(self, config_path: Path | None) -> Path:
        """The baseline file: configured, else reviewer-baseline.json next to reviewer.toml, else in the data folder (never the working folder)."""
        if self.baseline is not None:
            return self.baseline
        return (config_path.parent if config_path else self.data_dir) / BASELINE_FILE

    @property
    def uploads_dir(self) -> Path:
        """Directory of stored uploads."""
        return self.data_dir / "uploads"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL in use."""
        return self.database_url or f"sqlite:///{self.data_dir / 'reviewer.db'}"

    @property
    def max_upload_bytes(self) -> int:
        """Upload limit in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_review_bytes(self) -> int:
        """Per-review storage limit in bytes."""
        return int(self.max_review_mb * 1024 * 1024)

    @property
    def max_history_bytes(self) -> int:
        """Storage budget of the whole history in bytes."""
        return int(self.max_history_mb * 1024 * 1024)

    @property
    def max_batch_bytes(self) -> int:
        """Batch request limit in bytes."""
        return int(self.max_batch_mb * 1024 * 1024)


def web_settings(table: Mapping[str, Any], env: Mapping[str, str] | None = None, origin: str = "环境变量") -> WebSettings:
    """Merge the ``[web]`` table with the environment (environment wins)."""
    env = os.environ if env is None else env
    merged: dict[str, Any] = dict(table)
    for key, name in WEB_ENV.items():
        if env.get(name):
            merged[key] = env[name]
    merged.setdefault("data_dir", default_data_dir(env))
    try:
        return WebSettings.model_validate(merged)
    except ValidationError as exc:
        problems = validation_problems(exc)
        raise ConfigError(f"{origin}: [web] 配置无效（{problems}）") from exc
