"""The Faust app, built from Settings. Agents register themselves on it (see agents/)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import faust

from pipeline import topics
from pipeline.clients import max_message_bytes
from pipeline.settings import Settings
from pipeline.transport import Transport


class App(faust.App):
    """faust.App whose consumer uses our transport (see pipeline/transport.py)."""

    def _new_transport(self) -> faust.types.TransportT:
        return Transport(self.conf.broker_consumer, self)


def create_app(settings: Settings) -> faust.App:
    (settings.data_dir / "faust").mkdir(parents=True, exist_ok=True)
    return App(
        settings.app_id,
        broker=[f"kafka://{server}" for server in settings.bootstrap_servers],
        broker_credentials=_credentials(settings),
        # Offsets are committed only after the producer is flushed: at-least-once. Exactly-once
        # needs transactions, which the embedded broker does not support.
        processing_guarantee="at_least_once",
        producer_acks=-1,
        # An article becomes ~31 messages: letting them gather for 2 ms into batches of up to 256 KB
        # (Faust: no linger, 16 KB) cut the broker's CPU per article by ~25 % and the worker's a little.
        producer_linger=0.002,
        producer_max_batch_size=262_144,
        # As large as our own producers' requests (pipeline.clients): an enriched event carries the
        # article's text and its statements; Faust's 1 MB default would fail on long articles.
        producer_max_request_size=max_message_bytes(settings),
        store="memory://",
        datadir=str(settings.data_dir / "faust"),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        broker_session_timeout=settings.session_timeout,
        broker_rebalance_timeout=settings.rebalance_timeout,
        broker_heartbeat_interval=settings.heartbeat_interval,
        consumer_auto_offset_reset="earliest",
        web_enabled=True,
        web_bind=settings.web_host,
        web_host=settings.web_host,
        web_port=settings.web_port,
        autodiscover=False,
    )


def _credentials(settings: Settings) -> faust.types.auth.CredentialsT | None:
    protocol = settings.security_protocol
    if protocol == "PLAINTEXT":
        return None
    context = ssl.create_default_context(cafile=settings.ssl_cafile or None) if "SSL" in protocol else None
    if protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=settings.sasl_username,
            password=settings.sasl_password,
            mechanism=settings.sasl_mechanism,
            ssl_context=context,
        )
    return faust.SSLCredentials(context)


@dataclass(frozen=True, slots=True)
class PipelineTopics:
    """The app's handles on the pipeline topics: raw bytes in and out, decoding is ours."""

    raw: faust.TopicT
    clean: faust.TopicT
    enriched: faust.TopicT
    statements: faust.TopicT
    topics: faust.TopicT
    dlq: faust.TopicT

    def by_name(self, name: str) -> faust.TopicT:
        return {
            topics.RAW: self.raw,
            topics.CLEAN: self.clean,
            topics.ENRICHED: self.enriched,
            topics.STATEMENTS: self.statements,
            topics.TOPICS: self.topics,
            topics.DLQ: self.dlq,
        }[name]


def pipeline_topics(app: faust.App, settings: Settings) -> PipelineTopics:
    def topic(name: str) -> faust.TopicT:
        # Raw bytes: a value Faust cannot decode would be logged and skipped; we dead-letter it.
        return app.topic(
            name,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.partitions,
        )

    return PipelineTopics(
        raw=topic(topics.RAW),
        clean=topic(topics.CLEAN),
        enriched=topic(topics.ENRICHED),
        statements=topic(topics.STATEMENTS),
        topics=topic(topics.TOPICS),
        dlq=topic(topics.DLQ),
    )
