"""The real reports in ../shared/seeds: beside a working copy, never part of the repository.

Tests that read them skip, with a reason naming the folder they looked in,
where the folder is absent (a fresh clone); what those tests check of a
report's shapes is also checked on the project's own samples/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLES = ROOT / "samples"
ABSENT = f"{SEEDS} 不存在（真实报告不在仓库中，只在仓库旁的 shared/seeds），跳过"


def seed_files(pattern: str = "*.txt") -> list[Path]:
    """The seed files matching ``pattern``, sorted; none when the folder is absent."""
    return sorted(SEEDS.glob(pattern)) if SEEDS.is_dir() else []


def seed_params(pattern: str = "*.txt") -> list:
    """Parameters for a test over the seeds: one per file, or one skipped parameter saying which folder is absent."""
    files = seed_files(pattern)
    if files:
        return [pytest.param(path, id=path.name[:3]) for path in files]
    reason = f"{SEEDS} 中没有 {pattern} 文件，跳过" if SEEDS.is_dir() else ABSENT
    return [pytest.param(None, id="seeds", marks=pytest.mark.skip(reason=reason))]


def sample_texts() -> list:
    """Parameters for the project's sample reports in a text layout (always present)."""
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".txt", ".md"} and ".expected" not in p.name)
    return [pytest.param(path, id=path.name) for path in files]
