"""Topic and entity quality on annotated articles: topic micro-F1, entity P/R/F1 per type.

Gold files are JSON, one article each: ``{"id", "title", "text", "topics": [labels],
"entities": [{"type", "name", "aliases"?: [...]}]}``. Files without ``topics`` are skipped, so the
statement gold set (``tests/data/gold``) can carry these fields too. Entity names are compared
on the folded key, resolved through the gazetteer's aliases (``السعودية`` is
``المملكة العربية السعودية``); a gold entity's ``aliases`` are accepted spellings.

Run: ``python -m pipeline.extract.topic_quality [--out results.json] [--errors] [gold_dir ...]``: scores
per directory (the topic set, the statement set) and in total (an article in both counts once).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pipeline import PROJECT_ROOT
from pipeline.extract.entities import TYPES, Gazetteer, extract_entities, load_gazetteer
from pipeline.extract.lexicon import load_lexicons
from pipeline.extract.statements import extract_statements
from pipeline.extract.stopwords import load_stopwords
from pipeline.extract.topics import load_taxonomy, tag_topics
from pipeline.text.normalize import matching_key
from pipeline.text.prepare import prepare

GOLD_DIRS = (PROJECT_ROOT / "tests" / "data" / "gold_topics", PROJECT_ROOT / "tests" / "data" / "gold")


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _norm(name: str, gazetteer: Gazetteer) -> str:
    folded = " ".join(matching_key(name).split())
    index = gazetteer.aliases.get(folded)
    if index is None:
        return folded
    return " ".join(matching_key(gazetteer.canon[index][1]).split())


def load_gold(dirs: Iterable[Path]) -> list[dict[str, Any]]:
    """The annotated articles of ``dirs``; an article id seen in an earlier directory is not
    loaded twice (the seed article is in both sets)."""
    articles = []
    seen: set[str] = set()
    for directory in dirs:
        for path in sorted(Path(directory).glob("*.json")):
            article = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(article, dict) and "topics" in article and article.get("id") not in seen:
                seen.add(str(article.get("id")))
                articles.append(article)
    return articles


def evaluate_sets(dirs: Sequence[Path], config_dir: Path, speakers: bool = True) -> dict[str, Any]:
    """:func:`evaluate` per directory (named by the directory), per held-out round of a directory
    whose articles carry a ``split`` key (``gold/heldout3``: a round is scored, never tuned on),
    and on all of them together."""
    sets = {Path(d).name: evaluate(load_gold([d]), config_dir, speakers) for d in dirs}
    splits: dict[str, Any] = {}
    for d in dirs:
        rounds: dict[str, list[dict[str, Any]]] = {}
        for article in load_gold([d]):
            if "split" in article:
                rounds.setdefault(f"{Path(d).name}/{article['split']}", []).append(article)
        splits.update({name: evaluate(arts, config_dir, speakers) for name, arts in sorted(rounds.items())})
    return {"sets": sets, "splits": splits, "total": evaluate(load_gold(dirs), config_dir, speakers)}


def evaluate(articles: Sequence[dict[str, Any]], config_dir: Path, speakers: bool = True) -> dict[str, Any]:
    """Scores of ``articles``. With ``speakers`` (the default), statement speakers are passed in
    as persons, as the worker does, so the scores are those of the events' entities."""
    taxonomy = load_taxonomy(config_dir)
    gazetteer = load_gazetteer(config_dir, load_stopwords(config_dir))
    lexicons = load_lexicons(config_dir) if speakers else None
    topic_counts = [0, 0, 0]
    entity_counts = {t: [0, 0, 0] for t in TYPES}
    errors: list[dict[str, Any]] = []
    for article in articles:
        doc = prepare(article.get("text", ""), article.get("title", ""))
        predicted = {t.label for t in tag_topics(doc, taxonomy)}
        gold = set(article.get("topics", []))
        topic_counts[0] += len(predicted & gold)
        topic_counts[1] += len(predicted - gold)
        topic_counts[2] += len(gold - predicted)
        report: dict[str, Any] = {"id": article.get("id")}
        if predicted != gold:
            report["topics"] = {"extra": sorted(predicted - gold), "missed": sorted(gold - predicted)}
        persons = (
            [st.speaker.name for st in extract_statements(doc, lexicons) if st.speaker.type == "person"]
            if lexicons is not None
            else []
        )
        entities = extract_entities(doc, gazetteer, persons)
        for kind in TYPES:
            found = {_norm(e.name, gazetteer): e.name for e in entities if e.type == kind}
            unmatched = dict(found)
            missed = []
            for entry in article.get("entities", []):
                if entry.get("type") != kind:
                    continue
                names = {_norm(n, gazetteer) for n in (entry["name"], *entry.get("aliases", ()))}
                hit = next((n for n in names if n in unmatched), None)
                if hit is None:
                    missed.append(entry["name"])
                else:
                    del unmatched[hit]
            tp = len(found) - len(unmatched)
            entity_counts[kind][0] += tp
            entity_counts[kind][1] += len(unmatched)
            entity_counts[kind][2] += len(missed)
            if unmatched or missed:
                report[kind] = {"extra": sorted(unmatched.values()), "missed": missed}
        if len(report) > 1:
            errors.append(report)
    totals = [sum(c[i] for c in entity_counts.values()) for i in range(3)]
    return {
        "articles": len(articles),
        "topics": _prf(*topic_counts),
        "entities": {**{kind: _prf(*c) for kind, c in entity_counts.items()}, "all": _prf(*totals)},
        "errors": errors,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("gold", nargs="*", type=Path, help="gold directories (default: the test sets)")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config")
    parser.add_argument("--out", type=Path, help="write the JSON report here")
    parser.add_argument("--errors", action="store_true", help="print per-article errors")
    parser.add_argument(
        "--no-speakers", action="store_true", help="entities without statement speakers as persons"
    )
    args = parser.parse_args(argv)
    result = evaluate_sets(args.gold or GOLD_DIRS, args.config, speakers=not args.no_speakers)
    for name, scores in (*result["sets"].items(), *result["splits"].items(), ("total", result["total"])):
        _print(name, scores, errors=args.errors and name in result["sets"])
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _print(name: str, result: dict[str, Any], errors: bool) -> None:
    topics, entities = result["topics"], result["entities"]
    print(f"== {name}: {result['articles']} articles")
    print(f"topics    micro P {topics['precision']:.3f} R {topics['recall']:.3f} F1 {topics['f1']:.3f}")
    for kind in (*TYPES, "all"):
        e = entities[kind]
        print(f"{kind:<13} P {e['precision']:.3f} R {e['recall']:.3f} F1 {e['f1']:.3f}")
    if errors:
        for report in result["errors"]:
            print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
