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
from itertools import compress
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
_MEMOS: dict[frozenset[str], tuple[dict[str, str], dict[str, str]]] = {}
_MARKS = frozenset(_PUNCTUATION)
_MAX_MEMOS = 8
_MEMO_SIZE = 1 << 16


def load_stopwords(config_dir: Path) -> Stopwords:
    """Arabic stopwords plus reporting verbs, folded (see :mod:`pipeline.extract.stopwords`)."""
    return _load_stopwords(config_dir)


def extract_keywords(doc: Document, stopwords: Stopwords, limit: int = 10) -> list[str]:
    """The ``limit`` best key phrases of ``doc``, best first, in display form."""
    if limit <= 0 or not (doc.key or doc.title):
        return []
    # This runs on every article: per-token steps stay in C (split, map, compress, Counter), a
    # distinct word is analysed once per process (news vocabulary repeats), and the Python loop
    # below only visits the kept words' tokens.
    stops = stopwords.forms
    memo, tails = _memo(stops)
    tokens = doc.key.replace("\n", " . ").split()
    title_tokens = matching_key(doc.title).split() if doc.title else []
    try:  # "" for stopwords, numbers, marks and short words
        terms = list(map(memo.__getitem__, tokens))
    except KeyError:  # words not seen before
        terms = [memo[token] if token in memo else _learn(memo, tails, token, stops) for token in tokens]
    title_terms = [t for t in (memo.get(w) or _learn(memo, tails, w, stops) for w in title_tokens) if t]
    counts: Counter[str] = Counter(terms)
    del counts[""]  # (Counter deletes quietly when absent)
    counts.update(title_terms)  # a title word counts double: once here, once in the lead
    # "وبوتين" counts as "بوتين" when both occur (in order of first occurrence: merges can chain)
    for term in list(compress(counts, map(counts.__contains__, map(tails.__getitem__, counts)))):
        counts[term[1:]] += counts.pop(term)
    keep: set[str] = {t for t, c in counts.items() if c > 1}
    keep.update(title_terms)
    if not keep:
        return []
    kept = list(map(keep.__contains__, terms))
    indices = list(compress(range(len(terms)), kept))
    kept_terms = list(compress(terms, kept))
    # Position in chunks of _CHUNK tokens: how early a word first appears and how far it spreads.
    chunks = max(len(terms) // _CHUNK, 1)
    first = {t: i // _CHUNK for t, i in zip(reversed(kept_terms), reversed(indices), strict=True)}
    last = dict(zip(kept_terms, indices, strict=True))
    for term in title_terms:
        first[term] = 0
    # Spread: the share of the article between a word's first and last chunk.
    word_score: dict[str, float] = {
        t: (counts[t] ** 0.7)
        * (1.0 + (last.get(t, 0) // _CHUNK - first.get(t, 0) + 1) / chunks)
        / math.log(3.0 + first.get(t, chunks))
        for t in keep
    }
    # Phrases of two or three kept words in a row, no mark between them.
    found: list[tuple[str, ...]] = []
    before = previous = None  # the last two linked words' terms
    last_index = -2
    for index, term in zip(indices, kept_terms, strict=True):
        token = tokens[index]
        if index == last_index + 1 and previous is not None and token[0] not in _MARKS:
            found.append((previous, term))
            if before is not None:
                found.append((before, previous, term))
            before = previous
        else:
            before = None
        previous = term if token[-1] not in _MARKS else None
        last_index = index
    # Sorted on (-score, words): the best first, ties in word order.
    candidates: list[tuple[float, tuple[str, ...]]] = [(-s, (t,)) for t, s in word_score.items()]
    for words, n in Counter(found).items():
        if n > 1:
            mean = sum(map(word_score.__getitem__, words)) / len(words)
            candidates.append((-(mean * (1.0 + n**0.5) * 0.8), words))
    candidates.sort()

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


def _memo(stopwords: frozenset[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The per-process memos for ``stopwords``: token -> :func:`_term`, and term -> the term
    without a leading proclitic letter ("" if none). Dict lookups mapped in C, without an
    lru_cache wrapper's per-call key building."""
    memos = _MEMOS.get(stopwords)
    # Bounded (a stream of junk tokens must not grow them forever); only cleared between
    # articles, so every term of an article has its tail.
    if memos is None or len(memos[0]) >= _MEMO_SIZE:
        if len(_MEMOS) >= _MAX_MEMOS:
            _MEMOS.clear()
        memos = _MEMOS[stopwords] = ({}, {"": ""})
    return memos


def _learn(memo: dict[str, str], tails: dict[str, str], token: str, stopwords: frozenset[str]) -> str:
    term = memo[token] = _term(token, stopwords)
    tails[term] = term[1:] if term and term[0] in _CLITIC_LETTERS else ""
    return term


@lru_cache(maxsize=1 << 16)
def _term(token: str, stopwords: frozenset[str]) -> str:
    """The term of a whitespace token: "" for stopwords, numbers, marks and short words;
    proclitics before the article go (بالأمن → الأمن). Marks around it do not belong to it (they
    break phrases: see ``_MARKS`` in :func:`extract_keywords`)."""
    core = token.strip(_PUNCTUATION)
    if core in stopwords or len(core) < _MIN_LETTERS or not core.isalpha():
        return ""
    if core[0] in _CLITIC_LETTERS:
        clitic = _ARTICLE_CLITICS_RE.match(core)
        if clitic is not None:
            return "ال" + core[clitic.end() :]
    return core


def _display(doc: Document, phrase: tuple[str, ...], stopwords: frozenset[str]) -> str:
    """The display text of the first occurrence of ``phrase`` (folded terms; later words may
    carry proclitics in the text: "الولايات المتحدة وروسيا")."""
    key = doc.key
    position = key.find(phrase[0])
    while position >= 0:
        cursor = position
        for word in phrase:
            match = _TOKEN_RE.search(key, cursor)
            if match is None or _term(match.group(), stopwords) not in (word, "و" + word):
                break
            cursor = match.end()
        else:
            start, stop = doc.text_span(position, cursor)
            return doc.text[start:stop].translate(_STRIP_DIACRITICS)
        position = key.find(phrase[0], position + 1)
    return " ".join(phrase)
