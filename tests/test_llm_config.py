"""Settings for the LLM stage: environment, reviewer.toml, precedence and errors."""

import dataclasses
from pathlib import Path

import pytest

from reviewer.config import LLMConfig, default_cache_dir, load_config
from reviewer.errors import ConfigError


@pytest.fixture(autouse=True)
def no_config_file(tmp_path, monkeypatch):
    """Run every test in an empty directory so a developer's reviewer.toml is not read."""
    monkeypatch.chdir(tmp_path)


def test_nothing_configured_means_llm_off(tmp_path):
    config = load_config(env={"HOME": str(tmp_path)})
    assert not config.llm.configured
    assert config.llm.cache_dir == tmp_path / ".cache" / "reviewer"


def test_environment_configures_the_endpoint():
    env = {
        "REVIEWER_LLM_BASE_URL": "http://127.0.0.1:8000/v1",
        "REVIEWER_LLM_MODEL": "qwen2.5-7b-instruct",
        "REVIEWER_LLM_TIMEOUT": "30",
        "REVIEWER_LLM_CONCURRENCY": "8",
        "REVIEWER_LLM_TOKEN_BUDGET": "1500",
        "REVIEWER_CACHE_DIR": "/tmp/rc",
    }
    llm = load_config(env=env).llm
    assert llm.configured
    assert (llm.timeout, llm.concurrency, llm.token_budget) == (30.0, 8, 1500)
    assert llm.cache_dir == Path("/tmp/rc")
    assert llm.api_key is None


def test_openai_variables_are_fallbacks_only():
    env = {"OPENAI_BASE_URL": "https://a.example/v1", "OPENAI_API_KEY": "k-openai", "REVIEWER_LLM_MODEL": "m"}
    assert load_config(env=env).llm.base_url == "https://a.example/v1"
    env["REVIEWER_LLM_BASE_URL"] = "https://b.example/v1"
    env["REVIEWER_LLM_API_KEY"] = "k-reviewer"
    llm = load_config(env=env).llm
    assert (llm.base_url, llm.api_key) == ("https://b.example/v1", "k-reviewer")


def test_api_key_is_not_in_the_repr():
    llm = load_config(env={"REVIEWER_LLM_API_KEY": "sk-secret"}).llm
    assert "sk-secret" not in repr(llm)


def test_toml_table_and_environment_override(tmp_path):
    toml = tmp_path / "reviewer.toml"
    toml.write_text(
        '[llm]\nbase_url = "https://api.deepseek.com/v1"\nmodel = "deepseek-chat"\ntimeout = 45\n\n'
        '[rules]\nignore = ["SCORE003"]\n\n[tolerances]\nmoney = 0.01\n',
        encoding="utf-8",
    )
    config = load_config(toml, env={"REVIEWER_LLM_MODEL": "deepseek-reasoner"})
    assert config.path == toml
    assert config.llm.base_url == "https://api.deepseek.com/v1"
    assert config.llm.model == "deepseek-reasoner"
    assert config.llm.timeout == 45
    assert config.section("rules") == {"ignore": ["SCORE003"]}
    assert config.section("tolerances") == {"money": 0.01}
    assert config.section("absent") == {}


def test_reviewer_toml_in_the_working_directory_is_read(tmp_path):
    (tmp_path / "reviewer.toml").write_text('[llm]\nbase_url = "http://x/v1"\nmodel = "m"\n', encoding="utf-8")
    assert load_config(env={}).llm.configured


def test_bad_toml_names_the_file(tmp_path):
    toml = tmp_path / "reviewer.toml"
    toml.write_text("[llm\nmodel = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="reviewer.toml: 配置文件格式错误"):
        load_config(toml, env={})


def test_bad_value_names_the_setting(tmp_path):
    toml = tmp_path / "reviewer.toml"
    toml.write_text('[llm]\ntimeout = "soon"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="timeout"):
        load_config(toml, env={})
    with pytest.raises(ConfigError, match="concurrency"):
        load_config(None, env={"REVIEWER_LLM_CONCURRENCY": "0"})


def test_unknown_llm_key_is_an_error(tmp_path):
    toml = tmp_path / "reviewer.toml"
    toml.write_text('[llm]\nmodle = "typo"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="modle"):
        load_config(toml, env={})


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="配置文件不存在"):
        load_config(tmp_path / "nope.toml", env={})


def test_the_checked_llm_table_has_the_settings_fields_and_defaults(tmp_path, monkeypatch):
    # LLMConfig (what a run uses) and config_check.LLMTable (what checks a given table) must not drift apart.
    from reviewer.config_check import LLMTable

    assert dataclasses.asdict(LLMConfig()) == dict(LLMTable())
    monkeypatch.chdir(tmp_path)  # no reviewer.toml here
    assert load_config(env={}).llm == LLMConfig(cache_dir=default_cache_dir({}))  # nothing given: the defaults, unchecked
