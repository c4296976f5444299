"""Kafka security settings reach every client naba builds: aiokafka, kafka-python's admin, Faust."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import pytest
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
from kafka.admin import KafkaAdminClient

from pipeline.app import create_app
from pipeline.clients import consumer, producer
from pipeline.settings import Settings

SECRET = "s3cr3t-do-not-print"

CASES = [
    ("PLAINTEXT", {}),
    ("SSL", {"security_protocol": "SSL", "ssl_context": ssl.SSLContext}),
    (
        "SASL_PLAINTEXT",
        {
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": "naba",
            "sasl_plain_password": SECRET,
        },
    ),
    (
        "SASL_SSL",
        {
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": "naba",
            "sasl_plain_password": SECRET,
            "ssl_context": ssl.SSLContext,
        },
    ),
]


def secured(protocol: str, tmp_path: Any) -> Settings:
    return Settings(
        broker="kafka.example:9093",
        security_protocol=protocol,
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="naba",
        sasl_password=SECRET,
        data_dir=tmp_path,
    )


def matches(actual: dict[str, Any], expected: dict[str, Any]) -> bool:
    if set(actual) != set(expected):
        return False
    return all(
        isinstance(actual[k], v) if isinstance(v, type) else actual[k] == v for k, v in expected.items()
    )


@pytest.mark.parametrize(("protocol", "expected"), CASES)
def test_settings_map_to_client_options(protocol: str, expected: dict[str, Any], tmp_path: Any) -> None:
    assert matches(secured(protocol, tmp_path).kafka_client_options(), expected)


@pytest.mark.parametrize(("protocol", "expected"), CASES)
def test_aiokafka_clients_get_the_options(protocol: str, expected: dict[str, Any], tmp_path: Any) -> None:
    settings = secured(protocol, tmp_path)

    async def build() -> list[Any]:
        # aiokafka clients must be created in a running loop; they connect only when started.
        return [producer(settings).client, consumer(settings)._client]

    for connection in asyncio.run(build()):
        assert connection._security_protocol == (expected.get("security_protocol") or "PLAINTEXT")
        if protocol.startswith("SASL"):
            assert (connection._sasl_mechanism, connection._sasl_plain_username) == ("SCRAM-SHA-512", "naba")
            assert connection._sasl_plain_password == SECRET
        if "SSL" in protocol:
            assert isinstance(connection._ssl_context, ssl.SSLContext)


@pytest.mark.parametrize(("protocol", "expected"), CASES)
def test_kafka_python_admin_accepts_every_option(
    protocol: str, expected: dict[str, Any], tmp_path: Any
) -> None:
    # KafkaAdminClient connects when constructed; its config names are what we check.
    assert set(secured(protocol, tmp_path).kafka_client_options()) <= set(KafkaAdminClient.DEFAULT_CONFIG)


@pytest.mark.parametrize(("protocol", "expected"), CASES)
def test_faust_broker_credentials_carry_the_same_options(
    protocol: str, expected: dict[str, Any], tmp_path: Any
) -> None:
    app = create_app(secured(protocol, tmp_path))
    auth = dict(credentials_to_aiokafka_auth(app.conf.broker_credentials))
    if protocol == "PLAINTEXT":
        assert auth == {"security_protocol": "PLAINTEXT"}
        return
    if protocol == "SASL_PLAINTEXT":
        assert auth.pop("ssl_context") is None
    assert matches(auth, expected)


def test_the_password_is_never_in_a_settings_repr(tmp_path: Any) -> None:
    settings = secured("SASL_SSL", tmp_path)
    assert SECRET not in repr(settings) and SECRET not in str(settings)
