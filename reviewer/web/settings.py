"""Settings of the web app: the ``[web]`` table of reviewer.toml, overridden by environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reviewer.errors import ConfigError, validation_problems

# Environment variable -> [web] key.
WEB_ENV: dict[str, str] = {
    "database_url": "REVIEWER_DATABASE_URL",
    "data_dir": "REVIEWER_DATA_DIR",
    "max_upload_mb": "REVIEWER_MAX_UPLOAD_MB",
    "max_batch_mb": "REVIEWER_MAX_BATCH_MB",
    "retention_hours": "REVIEWER_UPLOAD_RETENTION_HOURS",
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
    baseline: Path | None = None  # dismissals shared with `reviewer batch`; default: its baseline file

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
