"""The checks of reviewer.toml's tables and the LLM variables: pydantic models, imported only when a value is given.

``LLMTable`` has the fields and defaults of ``config.LLMConfig`` with their
bounds; ``RulesTable`` is the ``[rules]`` table. Both refuse unknown keys.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class LLMTable(BaseModel):
    """The ``[llm]`` table merged with the environment, checked."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = Field(default=None, repr=False)
    timeout: float = Field(default=120.0, gt=0)  # seconds per request
    concurrency: int = Field(default=4, ge=1, le=64)
    token_budget: int = Field(default=2000, ge=200)  # tokens of document text per request
    max_retries: int = Field(default=3, ge=0, le=10)  # on 429, 5xx and connection errors
    cache_dir: Path | None = None


class RulesTable(BaseModel):
    """The ``[rules]`` table: which rules run, their severities and thresholds."""

    model_config = ConfigDict(extra="forbid")

    select: list[str] = Field(default_factory=list)  # codes or family prefixes to run (empty: all)
    ignore: list[str] = Field(default_factory=list)  # codes or family prefixes to skip
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    low_execution_rate: Decimal | None = Field(default=None, ge=0, le=100)  # 执行率 (%) below this needs a reason
    far_above_ratio: Decimal | None = Field(default=None, gt=1)  # actual/target at or above this needs a reason
    tolerance: Decimal | None = Field(default=None, ge=0)  # extra slack (万元) on top of rounding intervals
    negative_scoring: Literal["ratio", "deviation", "zero"] | None = None  # score of a missed ≤ indicator
