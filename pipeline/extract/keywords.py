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
import string
from collections import Counter
from functools import lru_cache
from itertools import chain, compress, count, islice, repeat
from operator import itemgetter
from pathlib import Path

from pipeline.extract.stopwords import Stopwords
from pipeline.extract.stopwords import load_stopwords as _load_stopwords
from pipeline.text.document import Document
from pipeline.text.normalize import DIACRITICS, matching_key

# Marks stripped from the ends of whitespace-separated tokens; a mark breaks a phrase there.
_PUNCTUATION = string.punctuation + "،؛؟«»“”‘’…–—٪٫٬·•"
# Words (letters or digits) and single punctuation marks, for locating a phrase in the key.
_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]|\n")
_CLITIC_LETTERS = frozenset("وفبلك")
_CHUNK = 40  # tokens per position bucket (about two sentences)
_STRIP_DIACRITICS = dict.fromkeys(map(ord, DIACRITICS))
# Proclitics before the article: the article stays (display "الأمن"), the rest goes.
_ARTICLE_CLITICS_RE = re.compile(r"(?:وبال|فبال|وكال|وال|فال|بال|كال|ولل|فلل|لل)(?=..)")
_MIN_LETTERS = 3
_TERM, _LEFT, _MIDDLE, _RIGHT = (itemgetter(i) for i in range(4))


def load_stopwords(config_dir: Path) -> Stopwords:
    """Arabic stopwords plus reporting verbs, folded (see :mod:`pipeline.extract.stopwords`)."""
    return _load_stopwords(config_dir)


def extract_keywords(doc: Document, stopwords: Stopwords, limit: int = 10) -> list[str]:
    """The ``limit`` best key phrases of ``doc``, best first, in display form."""
    if limit <= 0 or not (doc.key or doc.title):
        return []
    # This runs on every article, so per-token steps stay in C (split, map, zip, Counter) and a
    # distinct word is analysed once per process (_word memoises; news vocabulary repeats).
    stops = stopwords.forms
    tokens = doc.key.replace("\n", " . ").split()
    title_tokens = matching_key(doc.title).split() if doc.title else []
    # term per token, and the term as a phrase's left, middle or right word (None where a
    # mark on that side breaks the phrase)
    infos = list(map(_word, tokens, repeat(stops)))
    terms = list(map(_TERM, infos))
    title_terms = [term for term in (_word(t, stops)[0] for t in title_tokens) if term is not None]
    counts: Counter[str] = Counter(filter(None, terms))
    counts.update(title_terms)  # a title word counts double: once here, once in the lead
    for term in [t for t in counts if t[0] in _CLITIC_LETTERS and t[1:] in counts]:
        counts[term[1:]] += counts.pop(term)  # "وبوتين" counts as "بوتين" when both occur
    keep: set[str | None] = {t for t, c in counts.items() if c > 1}
    keep.update(title_terms)
    if not keep:
        return []
    # Position in chunks of _CHUNK tokens: how early a word first appears and how far it spreads.
    chunk = list(islice(chain.from_iterable(repeat(i, _CHUNK) for i in count()), len(terms)))
    chunks = max(len(terms) // _CHUNK, 1)
    first = dict(zip(reversed(terms), reversed(chunk), strict=True))
    last = dict(zip(terms, chunk, strict=True))
    for term in title_terms:
        first[term] = 0
    # Spread: the share of the article between a word's first and last chunk.
    word_score: dict[str, float] = {
        t: (counts[t] ** 0.7)
        * (1.0 + (last.get(t, 0) - first.get(t, 0) + 1) / chunks)
        / math.log(3.0 + first.get(t, chunks))
        for t in keep
        if t is not None
    }
    lefts = list(map(_LEFT, infos))
    middles = list(map(_MIDDLE, infos))
    rights = list(map(_RIGHT, infos))
    # Only grams starting with a kept word are counted (compress stays in C).
    starts = list(map(keep.__contains__, lefts))
    grams: Counter[tuple[str | None, ...]] = Counter(compress(zip(lefts, rights[1:], strict=False), starts))
    grams.update(compress(zip(lefts, middles[1:], rights[2:], strict=False), starts))
    candidates: list[tuple[float, tuple[str, ...]]] = [(s, (t,)) for t, s in word_score.items()]
    for gram, n in grams.items():
        if n > 1 and all(w in keep for w in gram):
            words = tuple(filter(None, gram))
            mean = sum(word_score[w] for w in words) / len(words)
            candidates.append((mean * (1.0 + n**0.5) * 0.8, words))
    candidates.sort(key=lambda c: (-c[0], c[1]))

    chosen: list[tuple[str, ...]] = []
    used: set[str] = set()
    for _score, phrase in candidates:
        if len(chosen) >= limit:
            break
        # Every word already used: nothing new (this also covers a phrase inside a chosen one).
        if used.issuperset(phrase):
            continue
        if len(phrase) > 1 and not used.isdisjoint(phrase):
            # A phrase that contains a chosen word replaces it.
            chosen = [c for c in chosen if not (len(c) == 1 and c[0] in phrase)]
        chosen.append(phrase)
        used.update(phrase)
    return [_display(doc, phrase, stops) for phrase in chosen]


@lru_cache(maxsize=1 << 16)
def _word(token: str, stopwords: frozenset[str]) -> tuple[str | None, str | None, str | None, str | None]:
    """``(term, as left, as middle, as right)`` for a whitespace token: the term is None for
    stopwords, numbers, marks and short words; proclitics before the article go (بالأمن →
    الأمن). A mark before the word keeps it from being a phrase's middle or right word, a mark
    after it from being a middle or left word."""
    core = token.strip(_PUNCTUATION)
    if core in stopwords or len(core) < _MIN_LETTERS or not core.isalpha():
        return None, None, None, None
    term = core
    if core[0] in _CLITIC_LETTERS:
        clitic = _ARTICLE_CLITICS_RE.match(core)
        if clitic is not None:
            term = "ال" + core[clitic.end() :]
    before = not token.startswith(core)
    after = not token.endswith(core)
    return (
        term,
        None if after else term,
        None if before or after else term,
        None if before else term,
    )


def _display(doc: Document, phrase: tuple[str, ...], stopwords: frozenset[str]) -> str:
    """The display text of the first occurrence of ``phrase`` (folded terms; later words may
    carry proclitics in the text: "الولايات المتحدة وروسيا")."""
    key = doc.key
    position = key.find(phrase[0])
    while position >= 0:
        cursor = position
        for word in phrase:
            match = _TOKEN_RE.search(key, cursor)
            if match is None or _word(match.group(), stopwords)[0] not in (word, "و" + word):
                break
            cursor = match.end()
        else:
            start, stop = doc.text_span(position, cursor)
            return doc.text[start:stop].translate(_STRIP_DIACRITICS)
        position = key.find(phrase[0], position + 1)
    return " ".join(phrase)
