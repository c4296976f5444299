"""Build the worker's Faust app with every agent registered."""

from __future__ import annotations

import faust

from agents import clean, enrich
from pipeline.app import create_app, pipeline_topics
from pipeline.enrich import Resources
from pipeline.settings import Settings
from pipeline.stages import Limits


def build_app(settings: Settings) -> faust.App:
    app = create_app(settings)
    topics = pipeline_topics(app, settings)
    clean.register(app, topics, settings)
    limits = Limits(max_article_bytes=settings.max_article_bytes)
    enrich.register(app, topics, Resources.load(settings.config_dir), limits)
    return app
