"""One validated, frozen Settings object.

Precedence, lowest first: ``config/naba.toml`` (the shipped defaults) < a file named by ``--config``
or ``NABA_CONFIG`` < environment variables ``NABA_<KEY>``. Settings are read once by the command
that starts and then passed down; nothing else reads the environment.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import PROJECT_ROOT

DEFAULTS_FILE = PROJECT_ROOT / "config" / "naba.toml"
ENV_PREFIX = "NABA_"
_SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
_SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")
_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


class SettingsError(ValueError):
    """A setting is missing, unknown or invalid; the message names the key and its source."""


@dataclass(frozen=True, slots=True)
class Settings:
    broker: str = "embedded"
    embedded_port: int = 19092
    partitions: int = 8
    replication_factor: int = 1
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    app_id: str = "naba"
    seeds: Path = PROJECT_ROOT / "seeds"
    config_dir: Path = PROJECT_ROOT / "config"
    data_dir: Path = PROJECT_ROOT / ".naba"
    session_timeout: float = 10.0
    rebalance_timeout: float = 10.0
    heartbeat_interval: float = 1.0
    broker_wait: float = 0.0
    max_article_bytes: int = 2_000_000
    one_pass: bool = True
    stop_grace: float = 20.0
    log_level: str = "info"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = "PLAIN"
    sasl_username: str = ""
    sasl_password: str = field(default="", repr=False)  # never printed
    ssl_cafile: str = ""

    def __post_init__(self) -> None:
        _check(1 <= self.embedded_port <= 65535, "embedded_port", "must be a TCP port (1-65535)")
        _check(1 <= self.web_port <= 65535, "web_port", "must be a TCP port (1-65535)")
        _check(1 <= self.partitions <= 10_000, "partitions", "must be between 1 and 10000")
        _check(self.replication_factor >= 1, "replication_factor", "must be at least 1")
        _check(self.session_timeout > 0, "session_timeout", "must be positive")
        _check(self.stop_grace > 0, "stop_grace", "must be positive")
        _check(self.rebalance_timeout > 0, "rebalance_timeout", "must be positive")
        _check(self.heartbeat_interval > 0, "heartbeat_interval", "must be positive")
        _check(self.broker_wait >= 0, "broker_wait", "must be zero or positive (seconds)")
        _check(self.max_article_bytes > 0, "max_article_bytes", "must be positive")
        _check(bool(self.app_id.strip()), "app_id", "must not be empty")
        _check(self.log_level in _LOG_LEVELS, "log_level", f"must be one of {', '.join(_LOG_LEVELS)}")
        _check(
            self.security_protocol in _SECURITY_PROTOCOLS,
            "security_protocol",
            f"must be one of {', '.join(_SECURITY_PROTOCOLS)}",
        )
        _check(
            self.sasl_mechanism in _SASL_MECHANISMS,
            "sasl_mechanism",
            f"must be one of {', '.join(_SASL_MECHANISMS)}",
        )
        if self.broker != "embedded":
            for server in self.bootstrap_servers:
                host, sep, port = server.rpartition(":")
                _check(
                    bool(sep) and bool(host) and port.isdigit(),
                    "broker",
                    f"'{server}' is not host:port (use \"embedded\" or a Kafka bootstrap list)",
                )

    @property
    def embedded(self) -> bool:
        return self.broker == "embedded"

    @property
    def bootstrap_servers(self) -> list[str]:
        """Kafka bootstrap addresses, host:port each."""
        if self.embedded:
            return [f"127.0.0.1:{self.embedded_port}"]
        raw = self.broker.removeprefix("kafka://")
        return [part.strip().removeprefix("kafka://") for part in raw.split(",") if part.strip()]

    @property
    def bootstrap(self) -> str:
        return ",".join(self.bootstrap_servers)

    def kafka_client_options(self) -> dict[str, Any]:
        """Security options in aiokafka's keyword names (empty for PLAINTEXT)."""
        if self.security_protocol == "PLAINTEXT":
            return {}
        options: dict[str, Any] = {"security_protocol": self.security_protocol}
        if self.security_protocol.startswith("SASL"):
            options.update(
                sasl_mechanism=self.sasl_mechanism,
                sasl_plain_username=self.sasl_username,
                sasl_plain_password=self.sasl_password,
            )
        if "SSL" in self.security_protocol:
            import ssl

            options["ssl_context"] = ssl.create_default_context(cafile=self.ssl_cafile or None)
        return options


def _check(ok: bool, key: str, message: str) -> None:
    if not ok:
        raise SettingsError(f"setting '{key}' {message}")


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _coerce(key: str, value: Any, source: str, base: Path) -> Any:
    """Turn a TOML or environment value into the field's type, or say what is wrong."""
    kind = str(_FIELDS[key].type)
    invalid = SettingsError(f"setting '{key}' from {source}: {value!r} is not a valid {kind}")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise invalid
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise invalid
    try:
        if kind == "int":
            number = float(str(value).replace("_", ""))
            if not number.is_integer():
                raise invalid
            return int(number)
        if kind == "float":
            return float(str(value).replace("_", ""))
    except ValueError:
        raise invalid from None
    if kind == "Path":
        path = Path(str(value)).expanduser()
        return path if path.is_absolute() else base / path
    return str(value)


def _layer(values: Mapping[str, Any], source: str, base: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in _FIELDS:
            known = ", ".join(sorted(_FIELDS))
            raise SettingsError(f"unknown setting '{key}' in {source} (known: {known})")
        out[key] = _coerce(key, value, source, base)
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None


def load_settings(
    config_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read the settings once: defaults file < config file < NABA_* environment < overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    if DEFAULTS_FILE.exists():
        values.update(_layer(_read_toml(DEFAULTS_FILE), str(DEFAULTS_FILE), PROJECT_ROOT))
    chosen = config_file or env.get(f"{ENV_PREFIX}CONFIG")
    if chosen:
        path = Path(chosen).expanduser()
        values.update(_layer(_read_toml(path), str(path), path.resolve().parent))
    from_env = {
        name[len(ENV_PREFIX) :].lower(): value
        for name, value in env.items()
        if name.startswith(ENV_PREFIX) and name != f"{ENV_PREFIX}CONFIG"
    }
    values.update(_layer(from_env, "the environment (NABA_*)", Path.cwd()))
    if overrides:
        values.update(_layer(overrides, "the command line", Path.cwd()))
    return Settings(**values)
