"""The [rules] table of reviewer.toml: select / ignore / severity / thresholds, found next to the inputs."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from tests.batch_helpers import report_text, run_cli, write

from reviewer.config import find_config, load_config, rules_settings
from reviewer.errors import ConfigError
from reviewer.rules import Settings


def _settings(tmp_path, toml: str) -> Settings:
    path = write(tmp_path / "reviewer.toml", toml)
    return rules_settings(load_config(path, env={}))


def test_rules_table_becomes_settings(tmp_path):
    settings = _settings(
        tmp_path,
        '[rules]\nselect = ["sum", "SCORE"]\nignore = ["SCORE003"]\nlow_execution_rate = 85\nfar_above_ratio = 1.5\n'
        '[rules.severity]\nSUM001 = "warning"\nbatch002 = "info"\n',
    )
    assert settings.select == ["SUM", "SCORE"] and settings.ignore == ["SCORE003"]
    assert settings.severity == {"SUM001": "warning", "BATCH002": "info"}
    assert settings.low_execution_rate == Decimal("85") and settings.far_above_ratio == Decimal("1.5")


def test_no_rules_table_gives_the_defaults(tmp_path):
    assert _settings(tmp_path, '[llm]\nmodel = "m"\n') == Settings()


@pytest.mark.parametrize(
    "toml, message",
    [
        ('[rules]\nselect = ["SUMM"]\n', "select 中的规则代码或类别不存在：SUMM"),
        ('[rules]\nignore = ["XYZ", "IND"]\n', "ignore 中的规则代码或类别不存在：XYZ"),
        ('[rules.severity]\nSUM999 = "error"\n', "[rules.severity] 中的规则代码不存在：SUM999"),
        ('[rules.severity]\nSUM001 = "fatal"\n', "[rules] 配置无效（severity.SUM001"),
        ("[rules]\nlow_execution_rate = 120\n", "[rules] 配置无效（low_execution_rate"),
        ("[rules]\nspeed = 1\n", "[rules] 配置无效（speed"),
    ],
)
def test_bad_rules_table_names_the_file_and_the_problem(tmp_path, toml, message):
    with pytest.raises(ConfigError) as err:
        _settings(tmp_path, toml)
    assert str(err.value).startswith(str(tmp_path / "reviewer.toml")) and message in str(err.value)


@pytest.mark.parametrize(
    "key, value, expected",
    [("tolerance", "0.01", Decimal("0.01")), ("negative_scoring", '"deviation"', "deviation"), ("low_execution_rate", "85", Decimal(85))],
)
def test_thresholds_reach_the_rules(tmp_path, key, value, expected):
    assert getattr(_settings(tmp_path, f"[rules]\n{key} = {value}\n"), key) == expected


def test_config_is_found_next_to_the_inputs_or_above(tmp_path):
    config = write(tmp_path / "reviewer.toml", "[rules]\n")
    nested = write(tmp_path / "a" / "b" / "r.txt", "x")
    assert find_config([str(nested)]) == config
    assert find_config([str(tmp_path / "a")]) == config
    assert find_config(["-"]) is None or find_config(["-"]).name == "reviewer.toml"


def test_review_config_select_ignore_and_severity(tmp_path):
    report = write(tmp_path / "r.txt", report_text("亥县单位", 2024, actual=("50", "25", "20", "6")))

    def rules(toml: str, *extra: str) -> tuple[int, list[tuple[str, str]]]:
        config = write(tmp_path / "cfg" / "reviewer.toml", toml)
        result = run_cli("review", str(report), "--config", str(config), "--format", "json", *extra)
        findings = json.loads(result.stdout)["findings"] if result.stdout else []
        return result.returncode, [(f["rule"], f["severity"]) for f in findings]

    assert rules("") == (1, [("SUM001", "error"), ("TEXT003", "warning")])
    assert rules('[rules]\nignore = ["SUM"]\n') == (0, [("TEXT003", "warning")])
    assert rules('[rules]\nselect = ["SUM001"]\n') == (1, [("SUM001", "error")])
    assert rules('[rules.severity]\nSUM001 = "warning"\n') == (0, [("SUM001", "warning"), ("TEXT003", "warning")])
    bad = run_cli("review", str(report), "--config", str(write(tmp_path / "bad.toml", "[rules]\nselect = [\"NOPE\"]\n")))
    assert bad.returncode == 2 and bad.stderr.strip() == f"错误：{tmp_path / 'bad.toml'}: [rules] select 中的规则代码或类别不存在：NOPE"


def test_batch_reads_the_config_next_to_its_inputs(tmp_path):
    write(tmp_path / "reviewer.toml", '[rules]\nignore = ["SUM", "TEXT"]\n')
    write(tmp_path / "in" / "r.txt", report_text("子县单位", 2024, actual=("50", "25", "20", "6")))
    result = run_cli("batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    row = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["documents"][0]
    assert row["summary"] == {"error": 0, "warning": 0, "info": 0}
