"""Agent `clean`: news.raw -> news.clean."""

from __future__ import annotations

from functools import partial

import faust

from agents.loop import run_stage
from pipeline.app import PipelineTopics
from pipeline.lag.agentstats import StageMetrics
from pipeline.settings import Settings
from pipeline.stages import CLEAN, Limits, clean_stage


def register(
    app: faust.App, topics: PipelineTopics, settings: Settings, metrics: StageMetrics | None = None
) -> None:
    handler = partial(clean_stage, limits=Limits(max_article_bytes=settings.max_article_bytes))

    # concurrency=1: faust-streaming can commit past unfinished events with more (upstream #606).
    @app.agent(topics.raw, name=CLEAN, concurrency=1)
    async def clean(stream: faust.StreamT[bytes]) -> None:
        await run_stage(stream, CLEAN, handler, topics, metrics, settings)
