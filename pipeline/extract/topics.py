"""Topic labels for an article and for the sentences a statement sits in.

The taxonomy (``config/topics.toml``) gives every label weighted Arabic keywords. One automaton
pass over the folded key finds them all; a label's evidence is the sum of its keyword weights,
each hit weighted by where it sits (title, heading, first paragraph, body), with diminishing
returns for a repeated keyword so one word said ten times does not make a topic. The score is
``1 - exp(-evidence / saturation)``, in [0, 1].
"""

from __future__ import annotations

import math
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter, sub
from pathlib import Path
from types import MappingProxyType

from pipeline.extract.automaton import NOUN_SUFFIXES, Matcher
from pipeline.text.document import Document
from pipeline.text.normalize import matching_key

TOPICS_FILE = "topics.toml"

# (label index, weight, entry index)
_Value = tuple[int, float, int]
# A hit that counts: (start, label index, weight, entry index)
_Selected = tuple[int, int, float, int]
_START, _END = itemgetter(0), itemgetter(1)


@dataclass(frozen=True, slots=True)
class TopicScore:
    label: str
    score: float


@dataclass(frozen=True, slots=True)
class Scoring:
    title: float = 3.0
    heading: float = 2.0
    lead: float = 1.5
    body: float = 1.0
    saturation: float = 8.5
    reference_length: int = 2500
    threshold: float = 0.5
    sentence_evidence: float = 2.0


@dataclass(frozen=True, slots=True)
class Taxonomy:
    labels: tuple[str, ...]
    names: Mapping[str, str]  # label id -> Arabic display name
    scoring: Scoring
    matcher: Matcher[_Value]
    entries: tuple[tuple[str, _Value], ...]  # folded phrases and variants, for shared automata


class TaxonomyError(ValueError):
    """``topics.toml`` is malformed; the message names the label and key."""


def load_taxonomy(config_dir: Path) -> Taxonomy:
    """Read ``config_dir/topics.toml`` and build the automaton (once, at start-up)."""
    with (Path(config_dir) / TOPICS_FILE).open("rb") as handle:
        data = tomllib.load(handle)
    return build_taxonomy(data)


def build_taxonomy(data: Mapping[str, object]) -> Taxonomy:
    raw_scoring = data.get("scoring", {})
    if not isinstance(raw_scoring, dict):
        raise TaxonomyError("[scoring] must be a table")
    known = set(Scoring.__dataclass_fields__)
    unknown = set(raw_scoring) - known
    if unknown:
        raise TaxonomyError(f"[scoring]: unknown keys {sorted(unknown)}")
    scoring = Scoring(**{k: type(getattr(Scoring(), k))(v) for k, v in raw_scoring.items()})
    labels: list[str] = []
    names: dict[str, str] = {}
    entries: list[tuple[str, _Value]] = []
    entry_index = 0
    for label, table in data.items():
        if label == "scoring":
            continue
        if not isinstance(table, dict) or not isinstance(table.get("keywords"), dict):
            raise TaxonomyError(f"[{label}] needs a name and a [{label}.keywords] table")
        label_index = len(labels)
        labels.append(label)
        names[label] = str(table.get("name", label))
        for phrase, weight in table["keywords"].items():
            if not isinstance(weight, int | float) or weight <= 0:
                raise TaxonomyError(f"[{label}.keywords] {phrase!r}: weight must be a positive number")
            for variant in _variants(phrase):
                entries.append((variant, (label_index, float(weight), entry_index)))
            entry_index += 1
    matcher = Matcher(entries, article=True, suffixes=NOUN_SUFFIXES)
    return Taxonomy(tuple(labels), MappingProxyType(names), scoring, matcher, tuple(entries))


def _variants(phrase: str) -> Iterable[str]:
    """The phrase, plus its definite form if no word has the article, or its indefinite form
    if every word has it (noun-adjective phrases agree in definiteness)."""
    stem = phrase.endswith("*")
    words = matching_key(phrase.rstrip("*")).split()
    if not words:
        return ()
    tail = "*" if stem else ""
    out = [" ".join(words) + tail]
    if len(words) > 1:
        if not any(w.startswith("ال") for w in words):
            out.append(" ".join("ال" + w for w in words) + tail)
        elif all(w.startswith("ال") and len(w) > 4 for w in words):
            out.append(" ".join(w[2:] for w in words) + tail)
    return out


def tag_topics(doc: Document, taxonomy: Taxonomy) -> list[TopicScore]:
    """Every label scoring at or above the threshold, best first."""
    title_hits = taxonomy.matcher.find(matching_key(doc.title)) if doc.title else []
    return score_topics(doc, taxonomy, title_hits, taxonomy.matcher.find(doc.key))


def score_topics(
    doc: Document,
    taxonomy: Taxonomy,
    title_hits: Iterable[tuple[int, int, _Value]],
    hits: Iterable[tuple[int, int, _Value]],
) -> list[TopicScore]:
    """:func:`tag_topics` from hits already found in the title key and ``doc.key`` (so one
    automaton pass can serve several extractors)."""
    return _score(doc, taxonomy, _select(title_hits), _select(hits) if doc.key else [])


def score_article(
    doc: Document,
    taxonomy: Taxonomy,
    title_hits: Iterable[tuple[int, int, _Value]],
    hits: Iterable[tuple[int, int, _Value]],
    spans: Sequence[tuple[int, int]],
) -> tuple[list[TopicScore], list[list[str]]]:
    """:func:`score_topics` and :func:`topics_for_spans` together: the hits of ``doc.key`` are
    sorted and weighed once for both."""
    ordered = sorted(hits, key=_start_then_longest) if doc.key else []
    selected = _select(ordered, ordered=True)
    return (
        _score(doc, taxonomy, _select(title_hits), selected),
        _span_labels(doc, taxonomy, spans, ordered, selected),
    )


def _score(
    doc: Document, taxonomy: Taxonomy, title: list[_Selected], body: list[_Selected]
) -> list[TopicScore]:
    scoring = taxonomy.scoring
    evidence = [0.0] * len(taxonomy.labels)
    seen: dict[int, int] = {}  # entry -> occurrences so far (diminishing returns)
    _add(title, evidence, seen, scoring.title)
    if body:
        _add(body, evidence, seen, scoring.body, _zones(doc, scoring))
    scale = max(1.0, math.sqrt(len(doc.key) / scoring.reference_length))
    scores = []
    for label, value in zip(taxonomy.labels, evidence, strict=True):
        if value <= 0:
            continue
        score = round(1.0 - math.exp(-value / scale / scoring.saturation), 3)
        if score >= scoring.threshold:
            scores.append(TopicScore(label, score))
    scores.sort(key=lambda t: (-t.score, t.label))
    return scores


def topics_for_span(doc: Document, taxonomy: Taxonomy, span: tuple[int, int]) -> list[str]:
    """Labels of the sentences that ``span`` (display offsets) overlaps, strongest first."""
    window = _key_window(doc, span, [s[1] for s in doc.sentences])
    if window is None:
        return []
    return _labels(taxonomy, _select(taxonomy.matcher.find(doc.key, *window)))


def topics_for_spans(
    doc: Document,
    taxonomy: Taxonomy,
    spans: Sequence[tuple[int, int]],
    hits: Sequence[tuple[int, int, _Value]] | None = None,
) -> list[list[str]]:
    """:func:`topics_for_span` for many spans with one pass over the text (or none, given the
    hits of ``doc.key`` already found)."""
    if not spans:
        return []
    if hits is None:
        hits = taxonomy.matcher.find(doc.key)
    ordered = sorted(hits, key=_start_then_longest)
    return _span_labels(doc, taxonomy, spans, ordered, _select(ordered, ordered=True))


def _span_labels(
    doc: Document,
    taxonomy: Taxonomy,
    spans: Sequence[tuple[int, int]],
    ordered: list[tuple[int, int, _Value]],
    selected: list[_Selected],
) -> list[list[str]]:
    """Labels per span from the hits of ``doc.key`` (``ordered`` by :func:`_start_then_longest`)
    and those the whole key keeps (``selected``). A window's own selection is the whole key's
    cut to the window unless a hit crosses the window's edges; then it is made again."""
    if not spans:
        return []
    starts = list(map(_START, ordered))
    hit_ends = list(map(_END, ordered))
    longest = max(map(sub, hit_ends, starts), default=0)

    def crossed(position: int) -> bool:
        """A hit starts before ``position`` and ends after it (only the last ``longest``
        characters' hits can)."""
        low = bisect_left(starts, position - longest)
        return max(hit_ends[low : bisect_left(starts, position, low)], default=-1) > position

    selected_starts = list(map(_START, selected))
    ends = list(map(_END, doc.sentences))
    result: list[list[str]] = []
    # Statements often share their sentences: labels by display window, then by key window.
    by_display: dict[tuple[int, int], list[str]] = {}
    by_key: dict[tuple[int, int], list[str]] = {}
    for span in spans:
        display = _display_window(doc, span, ends)
        if display is None:
            result.append([])
            continue
        labels = by_display.get(display)
        if labels is None:
            window = _key_range(doc, display)
            if window is None:
                labels = []
            else:
                labels = by_key.get(window)
                if labels is None:
                    if crossed(window[0]) or crossed(window[1]):
                        low, high = bisect_left(starts, window[0]), bisect_left(starts, window[1])
                        inside = [h for h in ordered[low:high] if h[1] <= window[1]]
                        chosen = _select(inside, ordered=True)
                    else:
                        chosen = selected[
                            bisect_left(selected_starts, window[0]) : bisect_left(selected_starts, window[1])
                        ]
                    labels = by_key[window] = _labels(taxonomy, chosen)
            by_display[display] = labels
        result.append(list(labels))
    return result


def _key_window(doc: Document, span: tuple[int, int], ends: Sequence[int]) -> tuple[int, int] | None:
    """The key range of the sentences that display span ``span`` overlaps (None if empty);
    ``ends`` are the sentences' end offsets."""
    display = _display_window(doc, span, ends)
    return None if display is None else _key_range(doc, display)


def _display_window(doc: Document, span: tuple[int, int], ends: Sequence[int]) -> tuple[int, int] | None:
    """The display range of the sentences that ``span`` overlaps, and of ``span`` itself."""
    start, end = span
    if end <= start or not doc.key:
        return None
    sentences = doc.sentences
    first = bisect_right(ends, start)
    # Sentences are in order and disjoint: those overlapping the span are first..last-1.
    last = min(bisect_left(ends, end) + 1, len(sentences))
    while last > first and sentences[last - 1][0] >= end:
        last -= 1
    if last > first:
        start, end = min(start, sentences[first][0]), max(end, sentences[last - 1][1])
    return start, end


def _key_range(doc: Document, display: tuple[int, int]) -> tuple[int, int] | None:
    key_start = doc.key_offset(display[0])
    key_end = doc.key_offset(display[1])
    return (key_start, key_end) if key_end > key_start else None


def _labels(taxonomy: Taxonomy, selected: list[_Selected]) -> list[str]:
    evidence: dict[int, float] = {}
    seen: dict[int, int] = {}
    for _start, label, weight, entry in selected:
        count = seen[entry] = seen.get(entry, 0) + 1
        evidence[label] = evidence.get(label, 0.0) + weight / count
    threshold = taxonomy.scoring.sentence_evidence
    ranked = sorted(
        (i for i, value in evidence.items() if value >= threshold), key=lambda i: (-evidence[i], i)
    )
    return [taxonomy.labels[i] for i in ranked]


def _zones(doc: Document, scoring: Scoring) -> tuple[list[int], list[float]]:
    """Block starts (key offsets) and the position weight of each block."""
    starts: list[int] = []
    factors: list[float] = []
    lead_seen = False
    for block in doc.blocks:
        starts.append(doc.key_offset(block.start))
        if block.heading:
            factors.append(scoring.heading)
        elif not lead_seen:
            factors.append(scoring.lead)
            lead_seen = True
        else:
            factors.append(scoring.body)
    return starts, factors


def _select(hits: Iterable[tuple[int, int, _Value]], ordered: bool = False) -> list[_Selected]:
    """The hits that count, as ``(start, label, weight, entry)`` in order of start (``ordered``:
    ``hits`` are already sorted by :func:`_start_then_longest`). A hit strictly inside a longer
    phrase counts only through it: ``الأمن السيبراني`` is cybersecurity, not security too, and
    ``البرنامج النووي`` does not add ``نووي`` again. Of several labels' hits on one span, each
    label counts its heaviest. A label's hit overlapping one of the same label from an earlier
    start is the same word again: ``النفطية`` is ``النفط`` + ية and ``نفطي`` + ة, counted once."""
    if not ordered:
        hits = sorted(hits, key=_start_then_longest)
    best: dict[tuple[int, int], _Selected] = {}
    last: dict[int, tuple[int, int]] = {}  # label -> (start, end) of its latest counted hit
    reach = -1  # furthest end of the hits that start before the current start
    group_start = group_end = -1
    for start, end, value in hits:
        if start != group_start:
            if group_end > reach:
                reach = group_end
            group_start, group_end = start, end  # the first of a start group is the longest
        if reach >= end or end < group_end:
            continue
        label, weight, entry = value
        previous = last.get(label)
        if previous is not None and previous[0] < start < previous[1]:
            continue
        last[label] = (start, end)
        slot = (label, start)
        current = best.get(slot)
        # the heaviest; of equal weights the first entry, whatever order the hits came in
        if current is None or weight > current[2] or (weight == current[2] and entry < current[3]):
            best[slot] = (start, label, weight, entry)
    return list(best.values())


def _add(
    selected: Iterable[_Selected],
    evidence: list[float],
    seen: dict[int, int],
    default: float,
    zones: tuple[list[int], list[float]] | None = None,
) -> None:
    """Add selected hits to ``evidence``, weighted by ``zones`` (block starts, factors) or
    ``default``, a repeated entry less each time (``seen`` counts them)."""
    starts, factors = zones if zones is not None else ((), ())
    for start, label, weight, entry in selected:
        count = seen.get(entry, 0) + 1
        seen[entry] = count
        factor = default
        if starts:
            block = bisect_right(starts, start) - 1
            factor = factors[block] if block >= 0 else default
        evidence[label] += weight * factor / count


def _start_then_longest(hit: tuple[int, int, _Value]) -> tuple[int, int]:
    return hit[0], -hit[1]
