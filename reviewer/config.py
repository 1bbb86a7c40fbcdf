"""Settings from the environment and reviewer.toml.

Each table of reviewer.toml is its own section: this module reads ``[llm]``;
other tables are kept untouched in ``Config.sections`` for the modules that
own them (``config.section("rules")``). Environment variables override the
file, so a CI job or a shell can point the tool elsewhere without editing it.
``rules_settings`` turns the ``[rules]`` table into the rules' Settings.

The settings are plain dataclasses; a table or variable that is given is
checked by the pydantic models of reviewer.config_check, imported only then,
so a run with nothing configured never loads pydantic.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.baseline import Baseline, default_baseline_path
from reviewer.errors import ConfigError, validation_problems

if TYPE_CHECKING:
    from reviewer.rules import Settings

CONFIG_FILE = "reviewer.toml"

# Environment variable -> [llm] key; the first variable set wins for a key.
LLM_ENV: dict[str, tuple[str, ...]] = {
    "base_url": ("REVIEWER_LLM_BASE_URL", "OPENAI_BASE_URL"),
    "model": ("REVIEWER_LLM_MODEL",),
    "api_key": ("REVIEWER_LLM_API_KEY", "OPENAI_API_KEY"),
    "timeout": ("REVIEWER_LLM_TIMEOUT",),
    "concurrency": ("REVIEWER_LLM_CONCURRENCY",),
    "token_budget": ("REVIEWER_LLM_TOKEN_BUDGET",),
    "max_retries": ("REVIEWER_LLM_MAX_RETRIES",),
    "cache_dir": ("REVIEWER_CACHE_DIR",),
}


def default_cache_dir(env: Mapping[str, str]) -> Path:
    """The per-user cache directory (XDG_CACHE_HOME or ~/.cache) for reviewer."""
    home = env.get("HOME") or str(Path.home())
    base = env.get("XDG_CACHE_HOME") or str(Path(home) / ".cache")
    return Path(base) / "reviewer"


@dataclass(kw_only=True)
class LLMConfig:
    """How to reach an OpenAI-compatible chat endpoint and how much to send it.

    The bounds of each value are checked by ``config_check.LLMTable``, which
    has the same fields and defaults.
    """

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 120.0  # seconds per request
    concurrency: int = 4
    token_budget: int = 2000  # tokens of document text per request
    max_retries: int = 3  # on 429, 5xx and connection errors
    cache_dir: Path | None = None

    @property
    def configured(self) -> bool:
        """True when an endpoint and a model are both known."""
        return bool(self.base_url and self.model)

    def describe(self) -> str:
        """One line naming the endpoint and model, never the key."""
        return f"{self.model} @ {self.base_url}"


@dataclass(kw_only=True)
class Config:
    """All settings: typed sections plus the raw tables owned by other modules."""

    path: Path | None = None  # the reviewer.toml that was read, if any
    llm: LLMConfig = field(default_factory=LLMConfig)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        """The raw table ``[name]`` of reviewer.toml (empty when absent)."""
        return self.sections.get(name, {})


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a reviewer.toml file; ConfigError names the file and the problem."""
    import tomllib  # its parser compiles regexes at import: paid only when a file is read

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: 配置文件不存在") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: 配置文件格式错误（{exc}）") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: 无法读取配置文件（{exc.strerror}）") from exc


def llm_settings(table: Mapping[str, Any], env: Mapping[str, str], origin: str) -> LLMConfig:
    """Merge the ``[llm]`` table with the environment (environment wins); ConfigError names a bad key or value."""
    merged: dict[str, Any] = dict(table)
    for key, names in LLM_ENV.items():
        for name in names:
            value = env.get(name)
            if value:
                merged[key] = value
                break
    if not merged:  # nothing given: the defaults need no checking
        return LLMConfig(cache_dir=default_cache_dir(env))
    merged.setdefault("cache_dir", default_cache_dir(env))
    from pydantic import ValidationError

    from reviewer.config_check import LLMTable

    try:
        checked = LLMTable.model_validate(merged)
    except ValidationError as exc:
        problems = validation_problems(exc)
        raise ConfigError(f"{origin}: [llm] 配置无效（{problems}）") from exc
    return LLMConfig(**dict(checked))


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read settings from ``path`` (or ./reviewer.toml when present) and the environment."""
    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    file: Path | None = None
    if path is not None:
        file = Path(path)
        data = read_toml(file)
    elif Path(CONFIG_FILE).is_file():
        file = Path(CONFIG_FILE)
        data = read_toml(file)
    origin = str(file) if file else "环境变量"
    llm_table = data.get("llm", {})
    if not isinstance(llm_table, dict):
        raise ConfigError(f"{origin}: [llm] 必须是一个表")
    others = {k: v for k, v in data.items() if k != "llm"}
    for name, table in others.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{origin}: 顶层键 {name} 必须是一个表（[{name}]）")
    return Config(path=file, llm=llm_settings(llm_table, env, origin), sections=others)


def find_config(inputs: Iterable[str | Path]) -> Path | None:
    """The reviewer.toml next to the inputs: in an input's folder or the nearest parent that has one."""
    for item in inputs:
        if str(item) == "-":
            continue
        start = Path(item).absolute()
        folder = start if start.is_dir() else start.parent
        for candidate in (folder, *folder.parents):
            if (candidate / CONFIG_FILE).is_file():
                return candidate / CONFIG_FILE
    return None


def _known_code(name: str, codes: Iterable[str]) -> bool:
    """True when ``name`` is a rule code or the prefix of one (a family such as SCORE)."""
    return any(code.startswith(name) for code in codes)


def rules_settings(config: Config) -> "Settings":
    """The rules' Settings from the ``[rules]`` table; ConfigError names a bad key or unknown code."""
    from reviewer.rules import REGISTRY, Settings

    if not config.section("rules"):  # every rule, default thresholds
        return Settings()
    from pydantic import ValidationError

    from reviewer.config_check import RulesTable
    from reviewer.crosscheck import BATCH_RULES

    origin = str(config.path) if config.path else "配置"
    try:
        table = RulesTable.model_validate(config.section("rules"))
    except ValidationError as exc:
        problems = validation_problems(exc)
        raise ConfigError(f"{origin}: [rules] 配置无效（{problems}）") from exc
    codes = [*REGISTRY, *BATCH_RULES]
    for key in ("select", "ignore"):
        values = [v.strip().upper() for v in getattr(table, key)]
        unknown = [v for v in values if not _known_code(v, codes)]
        if unknown:
            raise ConfigError(f"{origin}: [rules] {key} 中的规则代码或类别不存在：{'、'.join(unknown)}")
        setattr(table, key, values)
    severity = {code.strip().upper(): level for code, level in table.severity.items()}
    unknown = [code for code in severity if code not in codes]
    if unknown:
        raise ConfigError(f"{origin}: [rules.severity] 中的规则代码不存在：{'、'.join(unknown)}")
    values = table.model_dump(exclude_none=True, exclude={"select", "ignore", "severity"})
    return Settings(select=table.select, ignore=table.ignore, severity=severity, **values)



@dataclass
class Setup:
    """What a run is configured with: rule settings, the baseline and the LLM endpoint."""

    settings: Settings
    baseline: Baseline
    llm: LLMConfig


def load_setup(inputs: list[str], config: Path | None, baseline: Path | None) -> Setup:
    """Settings from ``--config`` or the reviewer.toml next to the inputs; the baseline from ``--baseline`` or next to it."""
    loaded = load_config(config or find_config(inputs))
    return Setup(rules_settings(loaded), Baseline.load(baseline or default_baseline_path(loaded.path)), loaded.llm)


LLM_MISSING = (
    "指定了 --llm，但未配置大模型：请设置 REVIEWER_LLM_BASE_URL 和 REVIEWER_LLM_MODEL，"
    "或在 reviewer.toml 的 [llm] 中填写 base_url 和 model（见 docs/llm.md）"
)
LLM_HINT = "提示：未配置大模型，本次只做规则审阅（配置方法见 docs/llm.md）"


def choose_llm(config: LLMConfig, force: bool, refuse: bool) -> LLMConfig | None:
    """The LLM endpoint a run uses: the configured one unless refused (--no-llm); ConfigError when forced (--llm) but none is configured."""
    if force and refuse:
        raise ConfigError("--llm 与 --no-llm 不能同时使用")
    if force and not config.configured:
        raise ConfigError(LLM_MISSING)
    return config if config.configured and not refuse else None
