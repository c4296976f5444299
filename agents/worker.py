"""Build the worker's Faust app with every agent registered."""

from __future__ import annotations

import faust

from agents import clean, enrich
from pipeline.app import create_app, pipeline_topics
from pipeline.enrich import Resources
from pipeline.lag.monitor import Monitor, sampler_for
from pipeline.settings import Settings
from pipeline.stages import CLEAN, ENRICH, Limits
from pipeline.web.views import register_views


def build_app(settings: Settings) -> faust.App:
    app = create_app(settings)
    topics = pipeline_topics(app, settings)
    monitor = Monitor(settings)
    limits = Limits(max_article_bytes=settings.max_article_bytes)
    resources = Resources.load(settings.config_dir)
    clean.register(
        app,
        topics,
        resources,
        limits,
        monitor.stage(CLEAN),
        monitor.stage(ENRICH),
        one_pass=settings.one_pass,
        settings=settings,
    )
    enrich.register(app, topics, resources, limits, monitor.stage(ENRICH), settings=settings)
    # Lag sampling, /metrics and the dashboard ride on the worker's own web server.
    app.service(sampler_for(monitor))
    register_views(app, monitor)
    return app
