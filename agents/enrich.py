"""Agent `enrich`: news.clean -> news.enriched, news.statements, news.topics."""

from __future__ import annotations

from functools import partial

import faust

from agents.loop import run_stage
from pipeline.app import PipelineTopics
from pipeline.enrich import Resources
from pipeline.lag.agentstats import StageMetrics
from pipeline.settings import Settings
from pipeline.stages import ENRICH, Limits, already_enriched, enrich_stage


def register(
    app: faust.App,
    topics: PipelineTopics,
    resources: Resources,
    limits: Limits,
    metrics: StageMetrics | None = None,
    *,
    settings: Settings | None = None,
) -> None:
    handler = partial(enrich_stage, resources=resources, limits=limits)

    @app.agent(topics.clean, name=ENRICH, concurrency=1)
    async def enrich(stream: faust.StreamT[bytes]) -> None:
        # Events the clean agent enriched itself are passed by; any other (another producer's, a
        # replayed dead letter, one the clean agent could not enrich) is enriched here.
        await run_stage(stream, ENRICH, handler, topics, metrics, skip=_enriched, settings=settings)


def _enriched(message: faust.types.Message) -> bool:
    return already_enriched(message.headers)
