"""Agent `clean`: news.raw -> news.clean, and (in the same pass) what the enrich agent would make of it."""

from __future__ import annotations

from functools import partial

import faust

from agents.loop import Stage, run_stage
from pipeline.app import PipelineTopics
from pipeline.enrich import Resources
from pipeline.lag.agentstats import StageMetrics
from pipeline.settings import Settings
from pipeline.stages import CLEAN, Limits, clean_enrich_stage, clean_stage


def register(
    app: faust.App,
    topics: PipelineTopics,
    resources: Resources,
    limits: Limits,
    metrics: StageMetrics | None = None,
    enrich_metrics: StageMetrics | None = None,
    *,
    one_pass: bool = True,
    settings: Settings | None = None,
) -> None:
    # Cleaning and enriching in one pass: the article's bytes are decoded, segmented and checked once,
    # and its enrichment is out one Kafka hop sooner. The news.clean event still goes out (marked, so
    # the enrich agent passes it by); see pipeline.stages.clean_enrich_stage.
    # With one_pass off (settings.one_pass) the two agents are separate hops, as the design card draws.
    handler: Stage = (
        partial(clean_enrich_stage, limits=limits, resources=resources)
        if one_pass
        else partial(clean_stage, limits=limits)
    )

    # concurrency=1: faust-streaming can commit past unfinished events with more (upstream #606).
    @app.agent(topics.raw, name=CLEAN, concurrency=1)
    async def clean(stream: faust.StreamT[bytes]) -> None:
        await run_stage(stream, CLEAN, handler, topics, metrics, downstream=enrich_metrics, settings=settings)
