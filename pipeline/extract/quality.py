"""Score the statement extractor against the hand-annotated gold set (``make quality``).

Gold files: ``tests/data/gold/*.json``, one article each, a top-level object with ``id``, ``title``,
``text`` (the raw body) and ``statements`` (each ``speaker {name, type, title}``, ``verb``,
``kind``, ``span``, ``text``, ``via``); spans are offsets into ``prepare(text, title).text``.
Other keys (topics, entities…) are ignored here.

Matching: a predicted statement matches a gold one when their spans overlap by at least half of
the LONGER of the two spans (so neither a tiny fragment nor a whole-paragraph span can match);
each gold statement matches at most one prediction (greedy, largest overlap first).

* detection precision / recall / F1 over statements;
* speaker accuracy, on matched statements: same type and same name (compared on matching keys,
  quote marks ignored; for organisations, groups, documents and anonymous sources a name whose
  words contain the other's also counts, the article ال aside: "مصادر مطلعة" for "مصادر مطلعة
  على أجواء المعارضة", "التقرير" for "تقرير لبرنامج الأغذية العالمي");
* exact-span rate, kind accuracy and via accuracy, on matched statements.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline import PROJECT_ROOT
from pipeline.extract.lexicon import Lexicons, load_lexicons, strip_article
from pipeline.extract.statements import Statement, extract_statements
from pipeline.text.normalize import QUOTE_MARKS, matching_key
from pipeline.text.prepare import prepare

GOLD_DIR = PROJECT_ROOT / "tests" / "data" / "gold"
RESULTS_FILE = PROJECT_ROOT / "benchmarks" / "results" / "quality.json"
_NO_QUOTES = dict.fromkeys(map(ord, QUOTE_MARKS + "'()"), " ")


@dataclass(frozen=True, slots=True)
class GoldStatement:
    name: str
    type: str
    title: str | None
    verb: str
    kind: str
    span: tuple[int, int]
    text: str
    via: str | None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    id: str
    title: str
    text: str
    statements: tuple[GoldStatement, ...]
    split: str = "dev"  # "heldout": written after the extractor was frozen


@dataclass(slots=True)
class Counts:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_ok: int = 0
    exact: int = 0
    kind_ok: int = 0
    via_ok: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched
        self.speaker_ok += other.speaker_ok
        self.exact += other.exact
        self.kind_ok += other.kind_ok
        self.via_ok += other.via_ok

    def scores(self) -> dict[str, float]:
        precision = self.matched / self.predicted if self.predicted else 0.0
        recall = self.matched / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        on_matched = self.matched or 1
        return {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "speaker_accuracy": self.speaker_ok / on_matched,
            "exact_span_rate": self.exact / on_matched,
            "kind_accuracy": self.kind_ok / on_matched,
            "via_accuracy": self.via_ok / on_matched,
        }


def load_gold(directory: Path = GOLD_DIR) -> list[GoldArticle]:
    articles = []
    for path in sorted(directory.glob("*.json")):
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        statements = tuple(
            GoldStatement(
                name=s["speaker"]["name"],
                type=s["speaker"]["type"],
                title=s["speaker"].get("title"),
                verb=s.get("verb", ""),
                kind=s.get("kind", ""),
                span=(int(s["span"][0]), int(s["span"][1])),
                text=s["text"],
                via=s.get("via"),
            )
            for s in raw.get("statements", [])
        )
        articles.append(
            GoldArticle(raw["id"], raw.get("title", ""), raw["text"], statements, raw.get("split", "dev"))
        )
    return articles


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def spans_match(predicted: tuple[int, int], gold: tuple[int, int]) -> bool:
    """Overlap of at least half of the longer span."""
    longer = max(predicted[1] - predicted[0], gold[1] - gold[0])
    return longer > 0 and 2 * overlap(predicted, gold) >= longer


def same_name(predicted: str, gold: str, speaker_type: str) -> bool:
    left, right = _name_words(predicted), _name_words(gold)
    if left == right:
        return True
    if speaker_type == "person" or not left or not right:
        return False
    # Definiteness is not identity for things: "التقرير" is "تقرير لبرنامج الأغذية العالمي".
    left, right = [strip_article(w) for w in left], [strip_article(w) for w in right]
    short, long_ = sorted((left, right), key=len)
    return any(long_[i : i + len(short)] == short for i in range(len(long_) - len(short) + 1))


def _name_words(name: str) -> list[str]:
    return matching_key(name.translate(_NO_QUOTES)).split()


def score_article(gold: GoldArticle, predicted: Sequence[Statement]) -> Counts:
    counts = Counts(gold=len(gold.statements), predicted=len(predicted))
    pairs = sorted(
        (
            (overlap(p.span, g.span), gi, pi)
            for gi, g in enumerate(gold.statements)
            for pi, p in enumerate(predicted)
            if spans_match(p.span, g.span)
        ),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    for _, gi, pi in pairs:
        if gi in used_gold or pi in used_predicted:
            continue
        used_gold.add(gi)
        used_predicted.add(pi)
        g, p = gold.statements[gi], predicted[pi]
        counts.matched += 1
        if p.speaker.type == g.type and same_name(p.speaker.name, g.name, g.type):
            counts.speaker_ok += 1
        else:
            got, want = f"{p.speaker.name!r}/{p.speaker.type}", f"{g.name!r}/{g.type}"
            counts.errors.append(f"{gold.id}: speaker {got} != {want} at {g.text[:40]!r}")
        counts.exact += p.span == g.span
        counts.kind_ok += p.kind == g.kind
        counts.via_ok += _same_via(p.via, g.via)
    for gi, g in enumerate(gold.statements):
        if gi not in used_gold:
            counts.errors.append(f"{gold.id}: missed {g.name!r}: {g.text[:60]!r}")
    for pi, p in enumerate(predicted):
        if pi not in used_predicted:
            counts.errors.append(f"{gold.id}: spurious {p.speaker.name!r}: {p.text[:60]!r}")
    return counts


def _same_via(predicted: str | None, gold: str | None) -> bool:
    if predicted is None or gold is None:
        return predicted is None and gold is None
    return same_name(predicted, gold, "organization")


def split_totals(articles: Sequence[GoldArticle], per_article: dict[str, Counts]) -> dict[str, Counts]:
    totals: dict[str, Counts] = {}
    for article in articles:
        totals.setdefault(article.split, Counts()).add(per_article[article.id])
    return totals


def evaluate(articles: Sequence[GoldArticle], lexicons: Lexicons) -> tuple[Counts, dict[str, Counts]]:
    total = Counts()
    per_article: dict[str, Counts] = {}
    for article in articles:
        doc = prepare(article.text, article.title)
        counts = score_article(article, extract_statements(doc, lexicons))
        per_article[article.id] = counts
        total.add(counts)
        total.errors.extend(counts.errors)
    return total, per_article


def report(total: Counts, per_article: dict[str, Counts], splits: dict[str, Counts] | None = None) -> str:
    columns = ("gold", "pred", "match", "P", "R", "F1", "spk", "exact")
    lines = [f"{'article':<28} " + " ".join(f"{c:>5}" for c in columns)]
    split_rows = [(f"TOTAL {name}", counts) for name, counts in sorted((splits or {}).items())]
    for name, counts in [*per_article.items(), *split_rows, ("TOTAL", total)]:
        s = counts.scores()
        lines.append(
            f"{name:<28} {counts.gold:>5} {counts.predicted:>5} {counts.matched:>5} {s['precision']:>5.2f}"
            f" {s['recall']:>5.2f} {s['f1']:>5.2f} {s['speaker_accuracy']:>5.2f} {s['exact_span_rate']:>5.2f}"
        )
    s = total.scores()
    lines.append(f"kind accuracy {s['kind_accuracy']:.2f}, via accuracy {s['via_accuracy']:.2f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD_DIR)
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config")
    parser.add_argument("--out", type=Path, default=RESULTS_FILE)
    parser.add_argument("--errors", action="store_true", help="list misses, spurious and wrong speakers")
    args = parser.parse_args(argv)
    articles = load_gold(args.gold)
    total, per_article = evaluate(articles, load_lexicons(args.config))
    splits = split_totals(articles, per_article)
    print(report(total, per_article, splits))
    if args.errors:
        print("\n".join(total.errors))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "match_rule": "spans overlap by at least half of the longer span",
        "total": {**asdict(total), "errors": total.errors, **total.scores()},
        "splits": {
            name: {**c.scores(), "gold": c.gold, "predicted": c.predicted} for name, c in splits.items()
        },
        "articles": {
            name: {**c.scores(), "gold": c.gold, "predicted": c.predicted} for name, c in per_article.items()
        },
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
