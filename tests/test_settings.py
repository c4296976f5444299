from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import PROJECT_ROOT
from pipeline.settings import Settings, SettingsError, load_settings


def test_defaults_come_from_config_naba_toml() -> None:
    settings = load_settings(environ={})
    assert settings.broker == "embedded"
    assert settings.embedded_port == 19092
    assert settings.partitions == 8
    assert settings.web_port == 6066
    assert settings.seeds == PROJECT_ROOT / "seeds"
    assert settings.bootstrap_servers == ["127.0.0.1:19092"]


def test_environment_overrides_every_key_with_its_type() -> None:
    settings = load_settings(
        environ={"NABA_PARTITIONS": "3", "NABA_SESSION_TIMEOUT": "2.5", "NABA_SEEDS": "/data/seeds"}
    )
    assert settings.partitions == 3
    assert settings.session_timeout == 2.5
    assert settings.seeds == Path("/data/seeds")


@pytest.mark.parametrize(("word", "value"), [("false", False), ("0", False), ("No", False), ("on", True)])
def test_switches_read_the_usual_words(word: str, value: bool) -> None:
    assert load_settings(environ={"NABA_ONE_PASS": word}).one_pass is value


def test_a_toml_switch_is_a_boolean(tmp_path: Path) -> None:
    config = tmp_path / "naba.toml"
    config.write_text("one_pass = false\n")
    assert load_settings(environ={"NABA_CONFIG": str(config)}).one_pass is False


def test_config_file_sits_between_defaults_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "naba.toml"
    config.write_text('partitions = 2\nweb_port = 7000\nseeds = "articles"\n')
    settings = load_settings(environ={"NABA_CONFIG": str(config), "NABA_WEB_PORT": "7001"})
    assert settings.partitions == 2
    assert settings.web_port == 7001
    assert settings.seeds == tmp_path / "articles"  # relative to the file that says it


def test_kafka_bootstrap_lists_are_parsed() -> None:
    settings = load_settings(environ={"NABA_BROKER": "kafka://k1:9092, k2:9093"})
    assert not settings.embedded
    assert settings.bootstrap_servers == ["k1:9092", "k2:9093"]
    assert settings.bootstrap == "k1:9092,k2:9093"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"NABA_PARTITIONS": "many"}, "'partitions'"),
        ({"NABA_PARTITIONS": "0"}, "'partitions'"),
        ({"NABA_WEB_PORT": "70000"}, "'web_port'"),
        ({"NABA_BROKER": "just-a-host"}, "'broker'"),
        ({"NABA_LOG_LEVEL": "loud"}, "'log_level'"),
        ({"NABA_ONE_PASS": "maybe"}, "'one_pass'"),
        ({"NABA_PARTITONS": "4"}, "unknown setting 'partitons'"),
        ({"NABA_CONFIG": "/nonexistent/naba.toml"}, "does not exist"),
    ],
)
def test_invalid_settings_say_which_key_is_wrong(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(environ=environ)


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("partitions = = 3")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(config)


def test_settings_are_frozen_and_the_password_is_never_printed() -> None:
    settings = load_settings(environ={"NABA_SASL_PASSWORD": "hunter2", "NABA_SECURITY_PROTOCOL": "SASL_SSL"})
    assert "hunter2" not in repr(settings)
    with pytest.raises(AttributeError):
        settings.partitions = 3  # type: ignore[misc]
    assert settings.kafka_client_options()["sasl_plain_password"] == "hunter2"
    assert Settings().kafka_client_options() == {}
