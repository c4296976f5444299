"""Offline: the pure core (clean + extract + topics) in one process, one core, no Kafka.

Per article size: the one pass the clean agent runs (news.raw bytes in, every encoded output out:
``clean_enrich_stage``), the two stages apart (as for news.clean events from elsewhere), and the parts
of enrichment, so the text and topics engineers can see where the time goes.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.corpus import PROJECT, raw_message, texts
from benchmarks.timing import per_call
from pipeline.enrich import Resources, enrichment
from pipeline.extract import entities, keywords, statements, topics
from pipeline.models import CleanArticle, decode
from pipeline.stages import Limits, clean_enrich_stage, clean_stage, enrich_stage
from pipeline.text.prepare import prepare


def run(min_seconds: float = 0.5, rounds: int = 5, config_dir: Path | None = None) -> dict[str, object]:
    resources = Resources.load(config_dir or PROJECT / "config")
    limits = Limits(max_article_bytes=2_000_000)
    results: dict[str, object] = {}
    for name, text in texts().items():
        key, raw = raw_message(text, 0)
        (clean_out,) = clean_stage(key, raw, limits)
        article = decode(CleanArticle, clean_out.value)
        doc = prepare(article.text, article.title)

        def both(key: bytes = key, raw: bytes = raw) -> object:
            return clean_enrich_stage(key, raw, limits, resources)

        def apart(key: bytes = key, raw: bytes = raw) -> object:
            (out,) = clean_stage(key, raw, limits)
            return enrich_stage(out.key, out.value, resources)

        parts = {
            "two_stages": apart,
            "clean_stage": lambda key=key, raw=raw: clean_stage(key, raw, limits),
            "enrich_stage": lambda k=key, v=clean_out.value: enrich_stage(k, v, resources),
            "prepare": lambda t=text: prepare(t),
            "statements": lambda d=doc: statements.extract_statements(d, resources.lexicons),
            "topics": lambda d=doc: topics.tag_topics(d, resources.taxonomy),
            "entities": lambda d=doc: entities.extract_entities(d, resources.gazetteer),
            "keywords": lambda d=doc: keywords.extract_keywords(d, resources.stopwords),
            "enrichment": lambda a=article, d=doc: enrichment(a, resources, d),
        }
        total = per_call(both, min_seconds, rounds)
        outputs = len(both())  # type: ignore[arg-type]
        results[name] = {
            "bytes": len(text.encode()),
            "outputs_per_article": outputs,
            "articles_per_s_per_core": 1 / total["median"],
            "ms_per_article": total["median"] * 1000,
            "spread": total["spread"],
            "parts_ms": {
                part: per_call(fn, min_seconds / 4, rounds)["median"] * 1000 for part, fn in parts.items()
            },
        }
    return results
