"""Statements: who said what, with the exact span of the words in the display text.

The extractor walks the sentences of a prepared Document (sentences never split inside a
quotation). In each sentence it finds the reporting triggers outside quotations (verbs with their
و/ف prefixes and endings, participles that continue the speaker, impersonal document verbs), then
for each one:

* the speaker phrase right after the verb (VSO, the norm in news Arabic) up to a stop word, a
  comma or the complement; none means the current speaker (وأضاف، وتابع، مشيراً…);
* the complement: a colon or an adjacent quotation (direct), إن/أن and their forms or the verb's
  own preposition (شدد على…) (indirect, or mixed when the words embed quotation marks), or a
  quotation just before the verb («…»، قال الوزير);
* the span: the quotation's inner text for direct speech, else from after the complementizer to
  the end of the clause (the next trigger, a carrier phrase such as "وفق ما أوردته", "على حد
  وصفه", or the sentence end);
* the carrier (وكالة “تاس”), which is the statement's ``via``, never its speaker.

Everything runs over key tokens (folded words, so lexicons match every spelling) with offsets that
map back exactly to the display text. Work is linear in the text: each trigger scans a bounded
window of tokens.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from pipeline.extract.lexicon import Lexicons, Trigger
from pipeline.extract.speakers import (
    UNKNOWN_SPEAKER,
    Speaker,
    SpeakerRegistry,
    parse_mention,
)
from pipeline.text.document import Document
from pipeline.text.normalize import QUOTE_MARKS
from pipeline.text.quotes import Quote

__all__ = ["Speaker", "Statement", "extract_statements"]

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_COMPLEMENTIZERS = frozenset(
    prefix + "ان" + suffix
    for prefix in ("", "ب", "ف")
    for suffix in ("", "ه", "ها", "هم", "هما", "هن", "ني", "نا", "ي", "ك", "كم")
)
_CLAUSE_PUNCTUATION = frozenset("،,:؛;.!?؟…")
_TRIM_PUNCTUATION = frozenset("،,:؛;-–—")
_CONTINUE_AFTER = frozenset({"قد", "لقد", "وقد", "فقد"})
_KANA = frozenset({"كان", "وكان", "كانت", "وكانت", "كانوا", "وكانوا"})
_ATTRIBUTION_WORDS = frozenset({"ما", "لما", "حسبما", "كما", "مما", "فيما", "بحسبما"})
_SUBJECT_MAX_TOKENS = 12
_COMPLEMENT_WINDOW = 45
_VIA_MAX_TOKENS = 6


@dataclass(frozen=True, slots=True)
class Statement:
    speaker: Speaker
    verb: str
    kind: str  # direct | indirect | mixed
    span: tuple[int, int]
    text: str  # == doc.text[span[0]:span[1]]
    via: str | None


def extract_statements(doc: Document, lexicons: Lexicons) -> list[Statement]:
    """Statements of ``doc`` in document order. Never raises: a failure yields no statements."""
    try:
        return _extract(doc, lexicons)
    except Exception:  # the contract is "never raises"; property tests call _extract directly
        return []


@dataclass(frozen=True, slots=True)
class _Found:
    entity: int | None
    verb: str
    kind: str
    span: tuple[int, int]
    via: str | None


class _Tokens:
    """Key tokens of a document with their offsets and quotation membership."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.keys: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        for match in _TOKEN_RE.finditer(doc.key):
            self.keys.append(match.group(0))
            self.starts.append(match.start())
            self.ends.append(match.end())
        count = len(self.keys)
        self.quoted = [False] * count
        self.opening: dict[int, Quote] = {}
        self.closing: dict[int, Quote] = {}
        self.quote_end_token: dict[int, int] = {}
        last_end = -1
        for quote in doc.quotes:
            if quote.start < last_end:
                continue  # nested: the outer quotation decides
            last_end = quote.end
            first = self.token_at(doc.key_offset(quote.start))
            inner_end = doc.key_offset(quote.inner_end)
            stop = self.token_at(inner_end)
            self.opening[first] = quote
            for index in range(first + 1, min(stop, count)):
                self.quoted[index] = True
            if quote.closed and stop < count:
                self.closing[stop] = quote
                self.quote_end_token[first] = stop + 1
            else:
                self.quote_end_token[first] = stop

    def token_at(self, key_offset: int) -> int:
        return bisect_left(self.starts, key_offset)

    def is_word(self, index: int) -> bool:
        return self.keys[index][0].isalnum()

    def display(self, first: int, last: int) -> tuple[int, int]:
        """Display span of tokens ``[first, last)``."""
        return self.doc.text_span(self.starts[first], self.ends[last - 1])

    def words(self, indices: list[int]) -> tuple[list[str], list[str]]:
        text = self.doc.text
        displays = []
        for index in indices:
            start, end = self.display(index, index + 1)
            displays.append(text[start:end])
        return [self.keys[i] for i in indices], displays


def _extract(doc: Document, lexicons: Lexicons) -> list[Statement]:
    if not doc.key:
        return []
    tokens = _Tokens(doc)
    registry = SpeakerRegistry()
    found: list[_Found] = []
    used_quotes: set[int] = set()
    current: int | None = None
    heading_ranges = [(b.start, b.end) for b in doc.blocks if b.heading]
    for sentence_start, sentence_end in doc.sentences:
        if any(start <= sentence_start < end for start, end in heading_ranges):
            continue
        first = tokens.token_at(doc.key_offset(sentence_start))
        last = tokens.token_at(doc.key_offset(sentence_end))
        triggers = _triggers(tokens, first, last, lexicons)
        if not triggers:
            continue
        via = _via(tokens, first, last, lexicons)
        for position, (index, trigger) in enumerate(triggers):
            limit = triggers[position + 1][0] if position + 1 < len(triggers) else last
            result = _statement(
                tokens, index, trigger, first, limit, lexicons, registry, current, used_quotes
            )
            if result is None:
                continue
            entity, kind, span = result
            if span[1] <= span[0]:
                continue
            if entity is not None:
                current = entity
            found.append(_Found(entity, trigger.lemma, kind, span, via))
    statements: list[Statement] = []
    seen: set[tuple[int, int]] = set()
    for item in sorted(found, key=lambda f: f.span):
        if item.span in seen:
            continue
        seen.add(item.span)
        speaker = UNKNOWN_SPEAKER if item.entity is None else registry.speaker(item.entity)
        text = doc.text[item.span[0] : item.span[1]]
        statements.append(Statement(speaker, item.verb, item.kind, item.span, text, item.via))
    return statements


def _triggers(tokens: _Tokens, first: int, last: int, lexicons: Lexicons) -> list[tuple[int, Trigger]]:
    found: list[tuple[int, Trigger]] = []
    keys = tokens.keys
    for index in range(first, last):
        trigger = lexicons.triggers.get(keys[index])
        if trigger is None or tokens.quoted[index]:
            continue
        previous = keys[index - 1] if index > first else ""
        if trigger.kind == "document":
            if (
                index + 2 >= last
                or keys[index + 1] != "في"
                or not lexicons.documents.match(keys, index + 2, last)
            ):
                continue
            found.append((index, trigger))
            continue
        active = (
            trigger.prefixed
            or trigger.kind == "participle"
            or index == first
            or previous in _CLAUSE_PUNCTUATION
            or previous in _CONTINUE_AFTER
            or previous == '"'
        )
        if active:
            found.append((index, trigger))
    return found


def _statement(
    tokens: _Tokens,
    index: int,
    trigger: Trigger,
    first: int,
    limit: int,
    lexicons: Lexicons,
    registry: SpeakerRegistry,
    current: int | None,
    used_quotes: set[int],
) -> tuple[int | None, str, tuple[int, int]] | None:
    keys = tokens.keys
    if trigger.kind == "document":
        subject, subject_end = _document_subject(tokens, index + 2, limit, lexicons)
    elif trigger.kind == "participle":
        subject, subject_end = [], index + 1
    else:
        subject, subject_end = _subject(tokens, index + 1, limit, lexicons)
        if not subject and index - 1 > first and keys[index - 1] in _CONTINUE_AFTER:
            subject = _kana_subject(tokens, index - 2, first)
    entity = current
    if subject:
        mention = parse_mention(*tokens.words(subject), lexicons)
        if mention is not None:
            entity = registry.resolve(mention)
    complement = _complement(tokens, subject_end, limit, trigger, lexicons)
    if complement is None:
        quote = _quote_before(tokens, index, first)
        if quote is not None and quote.start not in used_quotes:
            used_quotes.add(quote.start)
            return entity, "direct", _inner(tokens.doc.text, quote)
        if trigger.kind == "document":
            span = _fronted_attribution(tokens, index, subject_end, first, limit)
            if span is not None:
                return entity, _kind_of(tokens.doc.text, span), span
        return None
    how, at = complement
    if how == "quote":
        quote = tokens.opening[at]
        used_quotes.add(quote.start)
        return entity, "direct", _inner(tokens.doc.text, quote)
    end = _clause_end(tokens, at, limit, lexicons)
    if end <= at:
        return None
    span = tokens.display(at, end)
    if how == "colon":
        return entity, "direct", span
    return entity, _kind_of(tokens.doc.text, span), span


def _subject(tokens: _Tokens, start: int, limit: int, lexicons: Lexicons) -> tuple[list[int], int]:
    keys = tokens.keys
    subject: list[int] = []
    index = start
    while index < limit and len(subject) < _SUBJECT_MAX_TOKENS:
        key = keys[index]
        if not tokens.is_word(index) or tokens.quoted[index]:
            break
        if key in _COMPLEMENTIZERS or key in lexicons.triggers:
            break
        if lexicons.subject_stops.match(keys, index, limit):
            break
        if lexicons.carriers.match(keys, index, limit) and subject:
            break
        subject.append(index)
        index += 1
    return subject, index


def _document_subject(tokens: _Tokens, start: int, limit: int, lexicons: Lexicons) -> tuple[list[int], int]:
    keys = tokens.keys
    length = lexicons.documents.match(keys, start, limit)
    subject = list(range(start, start + length))
    index = start + length
    while index < limit and len(subject) < 4 and keys[index].startswith("ال") and tokens.is_word(index):
        if lexicons.subject_stops.match(keys, index, limit):
            break
        subject.append(index)
        index += 1
    return subject, index


def _kana_subject(tokens: _Tokens, before: int, first: int) -> list[int]:
    """ "وكان الوزير قد قال…": the subject sits between كان and قد."""
    for index in range(before, max(first - 1, before - 10), -1):
        if tokens.keys[index] in _KANA:
            return [i for i in range(index + 1, before + 1) if tokens.is_word(i)]
    return []


def _complement(
    tokens: _Tokens, start: int, limit: int, trigger: Trigger, lexicons: Lexicons
) -> tuple[str, int] | None:
    keys = tokens.keys
    index = start
    adjacent = start  # a quotation or a preposition must follow the speaker right away
    scanned = 0
    while index < limit and scanned < _COMPLEMENT_WINDOW:
        key = keys[index]
        scanned += 1
        if index in tokens.opening:
            if index <= adjacent:
                return "quote", index
            index = max(index + 1, tokens.quote_end_token.get(index, index + 1))
            continue
        if key == ":":
            if index + 1 < limit and index + 1 in tokens.opening:
                return "quote", index + 1
            return "colon", index + 1
        if key in ("،", ","):
            if index == adjacent:
                adjacent = index + 1
            index += 1
            continue
        if key in _COMPLEMENTIZERS:
            previous = keys[index - 1] if index > 0 else ""
            if previous.removeprefix("و") not in lexicons.complement_blockers:
                return "indirect", index + 1
        elif index == adjacent and trigger.prepositions:
            if key in trigger.prepositions:
                if index + 1 < limit and keys[index + 1] in _COMPLEMENTIZERS:
                    return "indirect", index + 2
                return "indirect", index + 1
            if "ب" in trigger.prepositions and key.startswith("بال"):
                return "indirect", index
        index += 1
    return None


def _clause_end(tokens: _Tokens, start: int, limit: int, lexicons: Lexicons) -> int:
    keys = tokens.keys
    index = start
    end = limit
    while index < limit:
        if index in tokens.opening:
            index = max(index + 1, tokens.quote_end_token.get(index, index + 1))
            continue
        key = keys[index]
        after_comma = index > start and keys[index - 1] in ("،", ",")
        if (
            after_comma
            and lexicons.carriers.match(keys, index, limit)
            and _is_carrier(tokens, index, limit, lexicons)
        ):
            end = index
            break
        if key == "علي" and index + 1 < limit and keys[index + 1] == "حد" and after_comma:
            end = index
            break
        index += 1
    while end > start and keys[end - 1] in _TRIM_PUNCTUATION | _CLAUSE_PUNCTUATION:
        end -= 1
    return end


def _is_carrier(tokens: _Tokens, index: int, limit: int, lexicons: Lexicons) -> bool:
    """A carrier phrase that names a medium (not "بحسب الوزير", which names a speaker)."""
    keys = tokens.keys
    length = lexicons.carriers.match(keys, index, limit)
    if not length:
        return False
    phrase = keys[index : index + length]
    if any(word in ("ما", "عن", "لما") for word in phrase) or len(phrase) > 2:
        return True
    after = index + length
    while after < limit and not tokens.is_word(after):
        after += 1
    return after < limit and bool(lexicons.media.match(keys, after, limit))


def _via(tokens: _Tokens, first: int, last: int, lexicons: Lexicons) -> str | None:
    keys = tokens.keys
    for index in range(first, last):
        if tokens.quoted[index] or not lexicons.carriers.match(keys, index, last):
            continue
        if not _is_carrier(tokens, index, last, lexicons):
            continue
        after = index + lexicons.carriers.match(keys, index, last)
        words: list[int] = []
        while after < last and len(words) < _VIA_MAX_TOKENS and keys[after] not in _CLAUSE_PUNCTUATION:
            if tokens.is_word(after):
                words.append(after)
            after += 1
        if words:
            text = tokens.doc.text
            start, _ = tokens.display(words[0], words[0] + 1)
            _, end = tokens.display(words[-1], words[-1] + 1)
            return " ".join(text[start:end].translate(_NO_QUOTES).split())
    return None


_NO_QUOTES = dict.fromkeys(map(ord, QUOTE_MARKS + "'"))


def _quote_before(tokens: _Tokens, index: int, first: int) -> Quote | None:
    """«…»، قال الوزير: the quotation right before the verb (a comma may sit between)."""
    before = index - 1
    while before >= first and tokens.keys[before] in ("،", ","):
        before -= 1
    return tokens.closing.get(before) if before >= first else None


def _fronted_attribution(
    tokens: _Tokens, index: int, subject_end: int, first: int, limit: int
) -> tuple[int, int] | None:
    """ "وفقاً لما ورد في البيان، في …": the words around an attribution are the document's."""
    keys = tokens.keys
    if subject_end < limit and keys[subject_end] in ("،", ","):
        start = subject_end + 1
        end = limit
        while end > start and keys[end - 1] in _TRIM_PUNCTUATION | _CLAUSE_PUNCTUATION:
            end -= 1
        if end > start:
            return tokens.display(start, end)
    return None


def _inner(text: str, quote: Quote) -> tuple[int, int]:
    start, end = quote.inner_start, quote.inner_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _kind_of(text: str, span: tuple[int, int]) -> str:
    words = text[span[0] : span[1]]
    return "mixed" if any(mark in words for mark in QUOTE_MARKS) else "indirect"
