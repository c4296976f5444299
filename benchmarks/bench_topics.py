"""Per-article cost of topics, entities and keywords against clean (+ statement extraction).

Run: ``python benchmarks/bench_topics.py [--out benchmarks/results/bench_topics.json] [--seconds 2]``.
Times are medians of repeated batches on the seed article(s), in CPU time of this process
(``time.process_time``) so other load on a shared machine disturbs them less; no assertions.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract.annotate import annotate, build_annotators  # noqa: E402
from pipeline.extract.entities import entities_from_hits, extract_entities, load_gazetteer  # noqa: E402
from pipeline.extract.keywords import extract_keywords, load_stopwords  # noqa: E402
from pipeline.extract.topics import load_taxonomy, score_topics, tag_topics, topics_for_span  # noqa: E402
from pipeline.text.prepare import prepare  # noqa: E402


def _per_call(fn: Callable[[], object], seconds: float) -> float:
    """Median seconds per call over batches filling about ``seconds``."""
    fn()
    clock = time.process_time
    start = clock()
    calls = 0
    while clock() - start < 0.05:
        fn()
        calls += 1
    batch = max(1, calls)
    samples = []
    deadline = clock() + seconds
    while clock() < deadline or len(samples) < 5:
        t0 = clock()
        for _ in range(batch):
            fn()
        samples.append((clock() - t0) / batch)
    return statistics.median(samples)


def _topics_entities(doc: Any, annotators: Any, speakers: list[str]) -> tuple[object, object]:
    topic_hits, name_hits = annotators.matcher.find_split(doc.key)
    return (
        score_topics(doc, annotators.taxonomy, [], topic_hits),
        entities_from_hits(doc, annotators.gazetteer, name_hits, [], speakers),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--config", type=Path, default=ROOT / "config")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bench_topics.json")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    taxonomy = load_taxonomy(args.config)
    stopwords = load_stopwords(args.config)
    gazetteer = load_gazetteer(args.config, stopwords)
    annotators = build_annotators(taxonomy, gazetteer, stopwords)
    load_seconds = time.perf_counter() - t0

    try:  # the statement extractor lands from another branch; measure it when present
        from pipeline.extract.lexicon import load_lexicons
        from pipeline.extract.statements import extract_statements

        lexicons = load_lexicons(args.config)
    except Exception:
        extract_statements = None
        lexicons = None

    articles = []
    for path in sorted(args.seeds.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        doc = prepare(body)
        statements: list[Any] = []
        row: dict[str, Any] = {"article": path.name, "chars": len(body)}
        row["clean_ms"] = _per_call(lambda b=body: prepare(b), args.seconds) * 1e3
        spans = [s for s in doc.sentences[:: max(1, len(doc.sentences) // 8)]][:8]
        if extract_statements is not None:
            statements = extract_statements(doc, lexicons)
            spans = [s.span for s in statements] or spans
            row["clean_extract_ms"] = (
                _per_call(lambda b=body: extract_statements(prepare(b), lexicons), args.seconds) * 1e3
            )
        base = row.get("clean_extract_ms", row["clean_ms"])
        speakers = [s.speaker.name for s in statements if s.speaker.type == "person"] if statements else []
        # As the worker calls them today (enrich.py): one function each, speakers as persons.
        row["topics_ms"] = _per_call(lambda d=doc: tag_topics(d, taxonomy), args.seconds) * 1e3
        row["entities_ms"] = (
            _per_call(lambda d=doc, sk=speakers: extract_entities(d, gazetteer, sk), args.seconds) * 1e3
        )
        # One automaton pass shared by topics and entities (what annotate() does).
        row["topics_entities_one_pass_ms"] = (
            _per_call(lambda d=doc, sk=speakers: _topics_entities(d, annotators, sk), args.seconds) * 1e3
        )
        # One article at a time, as the worker does: the keyword memo is warm after the first.
        row["keywords_ms"] = _per_call(lambda d=doc: extract_keywords(d, stopwords), args.seconds) * 1e3
        row["statement_topics_ms"] = (
            _per_call(lambda d=doc, sp=spans: [topics_for_span(d, taxonomy, s) for s in sp], args.seconds)
            * 1e3
        )
        row["statements_tagged"] = len(spans)
        row["annotate_one_pass_ms"] = (
            _per_call(lambda d=doc, sp=spans, sk=speakers: annotate(d, annotators, sp, sk), args.seconds)
            * 1e3
        )
        added_core = row["topics_ms"] + row["entities_ms"]
        added_all = added_core + row["keywords_ms"] + row["statement_topics_ms"]
        row["baseline"] = "clean+extract" if "clean_extract_ms" in row else "clean"
        # Shares of the baseline; the limit is 0.30 for topics + entities.
        row["share_topics_entities"] = added_core / base
        row["share_topics_entities_one_pass"] = row["topics_entities_one_pass_ms"] / base
        row["share_keywords"] = row["keywords_ms"] / base
        row["share_all_separately"] = added_all / base
        row["share_annotate_one_pass"] = row["annotate_one_pass_ms"] / base
        articles.append({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()})

    result = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "load_seconds": round(load_seconds, 3),
        "automaton_keys": {"topics": taxonomy.matcher.size, "gazetteer": gazetteer.matcher.size},
        "articles": articles,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
