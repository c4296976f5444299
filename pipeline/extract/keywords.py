"""The top key phrases of an article, in display form.

A YAKE-like statistical scorer, written out because the ``yake`` package pulls in networkx,
jellyfish and segtok for features Arabic does not need. Candidates are words and runs of two or
three words between punctuation that neither start nor end with a stopword (reporting verbs
included). A word scores higher the more often it occurs, the more sentences it spreads over and
the earlier it first appears; title words count double. A phrase scores by its own frequency and
its words' scores. Words are grouped across proclitics: ``بالأمن``, ``للأمن`` and ``والأمن`` are
``الأمن``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import accumulate, pairwise
from pathlib import Path

from pipeline.extract.stopwords import Stopwords
from pipeline.extract.stopwords import load_stopwords as _load_stopwords
from pipeline.text.document import Document
from pipeline.text.normalize import DIACRITICS, matching_key

# Words (letters or digits) and single punctuation marks; sentence ends and newlines split.
_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]|\n")
_SENTENCE_END = frozenset(".!?؟؛\n")
_STRIP_DIACRITICS = dict.fromkeys(map(ord, DIACRITICS))
# Proclitics before the article: the article stays (display "الأمن"), the rest goes.
_ARTICLE_CLITICS_RE = re.compile(r"(?:وبال|فبال|وكال|وال|فال|بال|كال|ولل|فلل|لل)(?=..)")
_MIN_LETTERS = 3
_MAX_PHRASE = 3


def load_stopwords(config_dir: Path) -> Stopwords:
    """Arabic stopwords plus reporting verbs, folded (see :mod:`pipeline.extract.stopwords`)."""
    return _load_stopwords(config_dir)


def extract_keywords(doc: Document, stopwords: Stopwords, limit: int = 10) -> list[str]:
    """The ``limit`` best key phrases of ``doc``, best first, in display form."""
    if limit <= 0 or not doc.key:
        return []
    title_tokens = _TOKEN_RE.findall(matching_key(doc.title)) if doc.title else []
    tokens = _TOKEN_RE.findall(doc.key)
    vocabulary = set(tokens)
    stops = stopwords.forms
    # token -> term, or None for stopwords, numbers and marks (each distinct token once)
    normal = {token: _term(token, vocabulary, stops) for token in vocabulary.union(title_tokens)}
    # Bulk steps below stay in C (zip, Counter, dict) where they can: this runs on every article.
    terms = [normal[token] for token in tokens]
    sentence_of = list(accumulate(int(token in _SENTENCE_END) for token in tokens))
    counts: Counter[str] = Counter(filter(None, terms))
    first = dict(zip(reversed(terms), reversed(sentence_of), strict=True))
    spread = Counter(term for term, _ in set(zip(terms, sentence_of, strict=True)))
    phrases: Counter[tuple[str, ...]] = Counter(
        (a, b) for a, b in pairwise(terms) if a is not None and b is not None
    )
    phrases.update(
        (a, b, c)
        for a, b, c in zip(terms, terms[1:], terms[2:], strict=False)
        if a is not None and b is not None and c is not None and (a, b) in phrases and (b, c) in phrases
    )
    for token in title_tokens:
        term = normal.get(token)
        if term is not None:
            counts[term] += 1  # a title word counts double: once here, once in the lead
            first[term] = 0
            spread[term] += 1
    sentence = sentence_of[-1] if sentence_of else 0
    sentences = max(sentence, 1)
    word_score = {
        term: (count**0.7) * (1.0 + spread[term] / sentences) / math.log(3.0 + first[term])
        for term, count in counts.items()
        if count > 1 or first[term] == 0
    }
    candidates: list[tuple[float, tuple[str, ...]]] = [(s, (t,)) for t, s in word_score.items()]
    for phrase, count in phrases.items():
        if count < 2 or any(w not in word_score for w in phrase):
            continue
        mean = sum(word_score[w] for w in phrase) / len(phrase)
        candidates.append((mean * (1.0 + count**0.5) * 0.8, phrase))
    candidates.sort(key=lambda c: (-c[0], c[1]))

    chosen: list[tuple[str, ...]] = []
    used: set[str] = set()
    for _score, phrase in candidates:
        if len(chosen) >= limit:
            break
        if all(w in used for w in phrase) or any(set(phrase) <= set(c) for c in chosen):
            continue
        if len(phrase) > 1 and any(set(c) <= set(phrase) for c in chosen if len(c) == 1):
            # A phrase that contains a chosen word replaces it.
            chosen = [c for c in chosen if not (len(c) == 1 and set(c) <= set(phrase))]
        chosen.append(phrase)
        used.update(phrase)
    return [_display(doc, phrase, normal) for phrase in chosen]


def _term(token: str, vocabulary: set[str], stopwords: frozenset[str]) -> str | None:
    if not token.isalpha() or len(token) < _MIN_LETTERS or token in stopwords:
        return None
    clitic = _ARTICLE_CLITICS_RE.match(token)
    if clitic is not None:
        return "ال" + token[clitic.end() :]
    if token[0] in "وفبلك" and token[1:] in vocabulary and len(token) > _MIN_LETTERS:
        return token[1:]  # "وبوتين" when "بوتين" also occurs
    return token


def _display(doc: Document, phrase: tuple[str, ...], normal: dict[str, str | None]) -> str:
    """The display text of the first occurrence of ``phrase`` (folded terms; later words may
    carry proclitics in the text: "الولايات المتحدة وروسيا")."""
    key = doc.key
    position = key.find(phrase[0])
    while position >= 0:
        cursor = position
        for word in phrase:
            match = _TOKEN_RE.search(key, cursor)
            if match is None or normal.get(match.group()) != word:
                break
            cursor = match.end()
        else:
            start, stop = doc.text_span(position, cursor)
            return doc.text[start:stop].translate(_STRIP_DIACRITICS)
        position = key.find(phrase[0], position + 1)
    return " ".join(phrase)
