"""Statements: who said what, with the exact span of the words in the display text.

The extractor walks the sentences of a prepared Document (sentences never split inside a
quotation). In each sentence it finds the reporting triggers outside quotations (verbs with their
و/ف prefixes and endings, participles that continue the speaker, impersonal document verbs), then
for each one:

* the speaker phrase right after the verb (VSO, the norm in news Arabic) up to a stop word, a
  comma or the complement; none means the current speaker (وأضاف، وتابع، مشيراً…);
* the complement: a colon or an adjacent quotation (direct), إن/أن and their forms or the verb's
  own preposition (شدد على…، أشاد بالدور…) (indirect, or mixed when the words embed quotation
  marks), a verbal-noun object (أعلن البنك، مساء الخميس، تثبيت…؛ نفت القوات عرقلة…), or a
  quotation just before the verb («…»، قال الوزير) or before a pointer (بهذه الكلمات افتتح…);
  a verb with a speaker but no complement (علّق المدرب على الفوز قائلاً…) makes the speaker current;
* the span: the quotation's inner text for direct speech, else from after the complementizer to
  the end of the clause (the next trigger, a carrier phrase such as "وفق ما أوردته", "على حد
  وصفه", or the sentence end);
* the carrier (وكالة “تاس”), which is the statement's ``via``, never its speaker.

Everything runs over key tokens (folded words, so lexicons match every spelling) with offsets that
map back exactly to the display text. Work is linear in the text: each trigger scans a bounded
window of tokens. A work budget bounds hostile input: statements are looked for in the first
``MAX_TEXT_CHARS`` characters (some 30 long articles) and at most ``MAX_TRIGGERS`` reporting words
are examined; real articles stay far below both. What the budget skipped is reported, not hidden:
``extract_statements_report`` returns it with the statements (``Extraction.truncated``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate, compress
from operator import sub

from pipeline.extract.lexicon import (
    ROLE_CARRIER,
    ROLE_POINTER,
    ROLE_TITLE,
    ROLE_TRIGGER,
    Lexicons,
    Trigger,
    strip_article,
)
from pipeline.extract.speakers import (
    ANONYMOUS,
    PERSON,
    TITLE_PREPOSITIONS,
    UNKNOWN_SPEAKER,
    Mention,
    Speaker,
    SpeakerRegistry,
    is_definite,
    is_title_word,
    merge_apposition,
    parse_mention,
)
from pipeline.text.document import Document
from pipeline.text.normalize import DIACRITICS, QUOTE_MARKS, matching_key
from pipeline.text.quotes import Quote

__all__ = ["Extraction", "Speaker", "Statement", "extract_statements", "extract_statements_report"]

MAX_TEXT_CHARS = 200_000
MAX_TRIGGERS = 1_500
_MAX_OBSERVED = 1_500
# A token (a word with its diacritics, or one other character) with the spaces before it. Linear:
# possessive repeats never give characters back, and a run of spaces at the very end matches
# (with \\Z) instead of failing from each of its positions in turn.
_SPACED_TOKEN_RE = re.compile(f"\\s*+(?:\\w[\\w{DIACRITICS}]*+|[{DIACRITICS}]++|[^\\w\\s]|\\Z)")
_COMPLEMENTIZERS = frozenset(
    prefix + "ان" + suffix
    for prefix in ("", "ب", "ف")
    for suffix in ("", "ه", "ها", "هم", "هما", "هن", "ني", "نا", "ي", "ك", "كم")
)
_COMMAS = frozenset({"،", ","})
_POINTER_GAP = _COMMAS | frozenset("-–—")
_CLAUSE_PUNCTUATION = frozenset("،,:؛;.!?؟…")
_TRIM_PUNCTUATION = frozenset("،,:؛;-–—")
_TRIMMED = _TRIM_PUNCTUATION | _CLAUSE_PUNCTUATION  # what a span never ends with (one set, built once)
# A trigger right after these starts a new clause even without و/ف (datelines "الرباط –", "/ وام /").
_STARTS_CLAUSE = _CLAUSE_PUNCTUATION | frozenset("-–—/)")
_CONTINUE_AFTER = frozenset({"قد", "لقد", "وقد", "فقد", "كما", "وكما"})
_KANA = frozenset({"كان", "وكان", "كانت", "وكانت", "كانوا", "وكانوا"})
_SUBJECT_MAX_TOKENS = 12
_APPOSITION_MAX_TOKENS = 8
_COMPLEMENT_WINDOW = 45
_PREPOSITION_REACH = 3  # "داعياً الكتل النيابية إلى…": the object may sit between
_VIA_MAX_TOKENS = 6
_SHORT_QUOTE_TOKENS = 6  # a quoted name inside a speaker phrase (كتلة "الأحرار")
_MENTION_MEMO_MAX = 4_096  # parsed speaker phrases kept across articles (~1.3 KB each: ~5 MB at most)


@dataclass(frozen=True, slots=True)
class Statement:
    speaker: Speaker
    verb: str
    kind: str  # direct | indirect | mixed
    span: tuple[int, int]
    text: str  # == doc.text[span[0]:span[1]]
    via: str | None


@dataclass(frozen=True, slots=True)
class Extraction:
    """Statements and whether the work budget cut the search short (hostile or huge input)."""

    statements: list[Statement]
    chars_skipped: int = 0  # display characters past MAX_TEXT_CHARS, never looked at
    triggers_skipped: int = 0  # reporting-word candidates past MAX_TRIGGERS, never examined

    @property
    def truncated(self) -> bool:
        return bool(self.chars_skipped or self.triggers_skipped)


def extract_statements(doc: Document, lexicons: Lexicons) -> list[Statement]:
    """Statements of ``doc`` in document order. Never raises: a failure yields no statements."""
    return extract_statements_report(doc, lexicons).statements


def extract_statements_report(doc: Document, lexicons: Lexicons) -> Extraction:
    """Statements plus what the work budget skipped, so callers can report truncation."""
    try:
        return _extract_report(doc, lexicons)
    except Exception:  # the contract is "never raises"; property tests call _extract directly
        return Extraction([])


@dataclass(slots=True)  # internal and never changed: not frozen, whose __init__ costs 4x
class _Found:
    entity: int | None
    verb: str
    kind: str
    span: tuple[int, int]
    via: str | None


@dataclass(slots=True)
class _Result:
    entity: int | None
    kind: str
    span: tuple[int, int]
    via: str | None = None


class _Tokens:
    """Key tokens of a document with their offsets and quotation membership."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        text = doc.text
        # Tokens of the display text (a word keeps its diacritics), each with the spaces before
        # it: they are contiguous from offset 0, so running sums of their lengths (C loops, no
        # match objects) give every token's end. Keys are the tokens folded in one pass.
        spaced = _SPACED_TOKEN_RE.findall(text, 0, MAX_TEXT_CHARS)
        while spaced and (not spaced[-1] or spaced[-1].isspace()):
            spaced.pop()  # the end of the text: trailing spaces and the empty match at \Z
        self.text_ends: list[int] = list(accumulate(map(len, spaced)))
        displays = list(map(str.lstrip, spaced))
        self.text_starts: list[int] = list(map(sub, self.text_ends, map(len, displays)))
        if "\x00" in text:  # the join separator: fold token by token
            self.keys: list[str] = [matching_key(word) for word in displays]
        else:
            self.keys = matching_key("\x00".join(displays)).split("\x00") if displays else []
        if "" in self.keys:  # a diacritic with no letter before it: a mark token of its own
            self.keys = [key or display for key, display in zip(self.keys, displays, strict=True)]
        self.starts, self.ends = self.text_starts, self.text_ends
        count = len(self.keys)
        self.count = count
        self.quoted = [False] * count
        self.opening: dict[int, Quote] = {}
        self.closing: dict[int, Quote] = {}
        self.quote_end_token: dict[int, int] = {}
        last_end = -1
        text_starts = self.text_starts
        for quote in doc.quotes:
            if quote.start < last_end:
                continue  # nested: the outer quotation decides
            last_end = quote.end
            # Tokens never start inside a display character's diacritics, so the display offsets
            # of token starts order exactly like the key offsets.
            first = bisect_left(text_starts, quote.start)
            stop = bisect_left(text_starts, quote.inner_end, first)
            self.opening[first] = quote
            if stop > first + 1:
                self.quoted[first + 1 : stop] = [True] * (min(stop, count) - first - 1)
            after = bisect_left(text_starts, quote.end, stop) if quote.closed else stop
            for index in range(stop, min(after, count)):
                self.closing[index] = quote  # every token of the closing mark ('' is two)
            self.quote_end_token[first] = max(after, first + 1)

    def token_at_text(self, text_offset: int) -> int:
        """The first token starting at or after a display offset."""
        return bisect_left(self.text_starts, text_offset)

    def is_word(self, index: int) -> bool:
        return self.keys[index][0].isalnum()

    def complementizer(self, index: int) -> bool:
        """إن/أن and their forms; not آن, a name that folds to the same key."""
        return self.keys[index] in _COMPLEMENTIZERS and self.doc.text[self.text_starts[index]] != "آ"

    def display_word(self, index: int) -> str:
        return self.doc.text[self.text_starts[index] : self.text_ends[index]]

    def display(self, first: int, last: int) -> tuple[int, int]:
        """Display span of tokens ``[first, last)``."""
        return self.text_starts[first], self.text_ends[last - 1]

    def words(self, indices: list[int]) -> tuple[list[str], list[str]]:
        """Keys and display forms of word tokens; tokens glued together (دوك-غيون) are one word."""
        keys: list[str] = []
        displays: list[str] = []
        text = self.doc.text
        previous = -2
        for index in indices:
            word = text[self.text_starts[index] : self.text_ends[index]]
            if index == previous + 1 and self.starts[index] == self.ends[previous] and keys:
                keys[-1] += self.keys[index]
                displays[-1] += word
            else:
                keys.append(self.keys[index])
                displays.append(word)
            previous = index
        return keys, displays


class _Context:
    """What one extraction shares: tokens, lexicons, speakers, the current speaker."""

    def __init__(self, doc: Document, lexicons: Lexicons) -> None:
        self.tokens = _Tokens(doc)
        self.lexicons = lexicons
        self.registry = SpeakerRegistry()
        self.current: int | None = None
        self.observed = 0
        self.used_quotes: set[int] = set()
        self.quote_starts = [q.start for q in doc.quotes]
        keys = self.tokens.keys
        # Positions of candidate words: one C pass (map/compress) finds every word with a role,
        # then a short Python loop over those few sorts them by role.
        roles = list(map(lexicons.role_of, keys))
        self.trigger_positions: list[int] = []
        self.title_positions: list[int] = []
        self.carrier_positions: list[int] = []
        self.pointer_positions: list[int] = []
        for index in compress(range(len(keys)), roles):
            role = roles[index] or 0  # never 0 here: compress kept the tokens with a role
            if role & ROLE_TRIGGER:
                self.trigger_positions.append(index)
            if role & ROLE_TITLE:
                self.title_positions.append(index)
            if role & ROLE_CARRIER:
                self.carrier_positions.append(index)
            if role & ROLE_POINTER:
                self.pointer_positions.append(index)

    def mention(self, indices: list[int], *, loose: bool = False) -> Mention | None:
        if not indices:
            return None
        keys, displays = self.tokens.words(indices)
        # The same phrases recur in an article (a surname) and from article to article (a title):
        # parse each once per lexicons (keys and displays are as many: the tuple is unambiguous).
        cache_key = (*keys, *displays, loose)
        memo = self.lexicons.mention_memo
        if cache_key in memo:
            return memo[cache_key]
        if len(memo) >= _MENTION_MEMO_MAX:
            memo.clear()
        mention = memo[cache_key] = parse_mention(keys, displays, self.lexicons, loose=loose)
        return mention

    def resolve(self, mention: Mention | None) -> int | None:
        if mention is None:
            return self.current
        if mention.current:
            return self.current
        return self.registry.resolve(mention)


def _extract(doc: Document, lexicons: Lexicons) -> list[Statement]:
    return _extract_report(doc, lexicons).statements


def _extract_report(doc: Document, lexicons: Lexicons) -> Extraction:
    if not doc.text:
        return Extraction([])
    ctx = _Context(doc, lexicons)
    tokens = ctx.tokens
    headings = [(b.start, b.end) for b in doc.blocks if b.heading]
    heading_starts = {start for start, _ in headings}
    sentences = [
        (tokens.token_at_text(start), tokens.token_at_text(min(end, MAX_TEXT_CHARS)))
        for start, end in doc.sentences
        if start < MAX_TEXT_CHARS and not _in_heading(start, headings, heading_starts)
    ]
    for first, last in sentences:
        if ctx.observed >= _MAX_OBSERVED:
            break
        _observe_names(ctx, first, last)
    found: list[_Found] = []
    examined = 0
    triggers_skipped = 0
    for first, last in sentences:
        if examined >= MAX_TRIGGERS:
            # Candidates from here on (an upper bound of what was skipped: not all would qualify).
            triggers_skipped = len(ctx.trigger_positions) - bisect_left(ctx.trigger_positions, first)
            break
        triggers = _triggers(ctx, first, last)
        if len(triggers) > MAX_TRIGGERS - examined:
            triggers_skipped += len(triggers) - (MAX_TRIGGERS - examined)
            triggers = triggers[: MAX_TRIGGERS - examined]
        if not triggers:
            continue
        examined += len(triggers)
        via = _via(ctx, first, last)
        for position, (index, trigger) in enumerate(triggers):
            limit = triggers[position + 1][0] if position + 1 < len(triggers) else last
            result = _statement(ctx, index, trigger, first, limit, last)
            if result is None or result.span[1] <= result.span[0]:
                continue
            if result.entity is not None:
                ctx.current = result.entity
            found.append(_Found(result.entity, trigger.lemma, result.kind, result.span, result.via or via))
    statements: list[Statement] = []
    seen: set[tuple[int, int]] = set()
    speakers: dict[int, Speaker] = {}  # one (immutable) Speaker per entity, shared by its statements
    for item in sorted(found, key=lambda f: f.span):
        if item.span in seen:
            continue
        seen.add(item.span)
        if item.entity is None:
            speaker = UNKNOWN_SPEAKER
        elif item.entity in speakers:
            speaker = speakers[item.entity]
        else:
            speaker = speakers[item.entity] = ctx.registry.speaker(item.entity)
        text = doc.text[item.span[0] : item.span[1]]
        statements.append(Statement(speaker, item.verb, item.kind, item.span, text, item.via))
    return Extraction(statements, max(0, len(doc.text) - MAX_TEXT_CHARS), triggers_skipped)


def _in_heading(start: int, headings: list[tuple[int, int]], heading_starts: set[int]) -> bool:
    """A heading is one block, so a sentence in it starts where the block starts."""
    return start in heading_starts


def _observe_names(ctx: _Context, first: int, last: int) -> None:
    """Register titled names seen anywhere ("مع نظيرته الألمانية أنالينا بيربوك")."""
    tokens = ctx.tokens
    positions = ctx.title_positions
    reached = first
    for position in range(bisect_left(positions, first), bisect_left(positions, last)):
        index = positions[position]
        if index < reached or tokens.quoted[index]:
            continue
        # Right after a reporting verb, the verb's own prepositions end the phrase (أشاد الوزير بالدور).
        trigger = ctx.lexicons.triggers.get(tokens.keys[index - 1]) if index > first else None
        phrase, end = _subject(ctx, index, last, trigger.prepositions if trigger else frozenset())
        phrase, second = _coordinated(ctx, phrase)
        for mention in (ctx.mention(phrase, loose=True), second):
            if mention is not None and mention.name_keys and mention.type == PERSON:
                ctx.registry.observe(mention)
        ctx.observed += 1
        reached = max(end, index + 1)


def _coordinated(ctx: _Context, phrase: list[int]) -> tuple[list[int], Mention | None]:
    """ "العاهل الأردني الملك عبدالله الثاني والرئيس العراقي عبد اللطيف رشيد": two titled names; the
    first phrase and the second one's mention (its و taken off)."""
    keys, title_forms = ctx.tokens.keys, ctx.lexicons.title_forms
    for position in range(1, len(phrase)):
        key = keys[phrase[position]]
        if key.startswith("وال") and key[1:] in title_forms:
            words, displays = ctx.tokens.words(phrase[position:])
            words[0], displays[0] = words[0][1:], displays[0][1:]
            return phrase[:position], parse_mention(words, displays, ctx.lexicons, loose=True)
    return phrase, None


def _triggers(ctx: _Context, first: int, last: int) -> list[tuple[int, Trigger]]:
    tokens, lexicons = ctx.tokens, ctx.lexicons
    found: list[tuple[int, Trigger]] = []
    keys = tokens.keys
    positions = ctx.trigger_positions
    for position in range(bisect_left(positions, first), bisect_left(positions, last)):
        index = positions[position]
        trigger = lexicons.triggers[keys[index]]
        if tokens.quoted[index]:
            continue
        previous = keys[index - 1] if index > first else ""
        starts_clause = (
            index == first
            or previous in _STARTS_CLAUSE
            or index in tokens.closing
            or (index - 1 in tokens.closing)
        )
        if trigger.kind == "document":
            if (
                index + 2 < last
                and keys[index + 1] == "في"
                and lexicons.documents.match(keys, index + 2, last)
            ):
                found.append((index, trigger))
            continue
        if trigger.kind == "attribution":
            # Only a source that opens a clause ("وحسب مصادر نيابية، فإن…" or "…، بحسب المصادر"),
            # not one inside a clause ("لافتاً ووفق مصادر أميركية إلى أن…").
            following = keys[index + 1] if index + 1 < last else ""
            if starts_clause and following not in ("ما", "لما") and following.isalnum():
                found.append((index, trigger))
            continue
        if trigger.prefixed or trigger.kind == "participle" or starts_clause or previous in _CONTINUE_AFTER:
            found.append((index, trigger))
    pointers = ctx.pointer_positions
    before = len(found)
    for position in range(bisect_left(pointers, first), bisect_left(pointers, last)):
        pointer = _pointer(ctx, pointers[position], first, last)
        if pointer is not None:
            found.append(pointer)
    if len(found) > before:
        found.sort(key=lambda item: item[0])
    return found


def _pointer(ctx: _Context, index: int, first: int, last: int) -> tuple[int, Trigger] | None:
    """ "«…»، بهذه الكلمات افتتح الوزير…": a pointer right after a quotation, then a verb."""
    tokens = ctx.tokens
    length = ctx.lexicons.quote_pointers.match(tokens.keys, index, last)
    verb = index + length
    if not length or tokens.quoted[index] or verb + 1 >= last or not tokens.is_word(verb):
        return None
    if _quote_before(tokens, index, first, _POINTER_GAP) is None:
        return None
    return index, Trigger(tokens.display_word(verb), "pointer", frozenset(), False)


def _statement(
    ctx: _Context, index: int, trigger: Trigger, first: int, limit: int, last: int
) -> _Result | None:
    tokens, lexicons = ctx.tokens, ctx.lexicons
    keys = tokens.keys
    via: str | None = None
    if trigger.kind == "attribution":
        return _attribution(ctx, index, first, limit)
    if trigger.kind == "pointer":
        quote = _quote_before(tokens, index, first, _POINTER_GAP)
        if quote is None or quote.start in ctx.used_quotes:
            return None
        verb = index + lexicons.quote_pointers.match(keys, index, limit)
        subject, _ = _subject(ctx, verb + 1, limit, frozenset())
        ctx.used_quotes.add(quote.start)
        # The verb's object follows the speaker ("افتتح الوزير اجتماع الحكومة"): a short name.
        mention = ctx.mention(subject, loose=True)
        return _Result(ctx.resolve(mention), "direct", _inner(tokens.doc.text, quote))
    if trigger.kind == "document":
        subject, subject_end = _document_subject(tokens, index + 2, limit, lexicons)
        mention = ctx.mention(subject)
    elif trigger.kind == "participle":
        mention, subject_end = None, index + 1
    elif trigger.kind == "carrier":
        carrier, after = _subject(ctx, index + 1, limit, frozenset())
        if not carrier or after >= limit or keys[after] != "عن":
            return None
        via = _plain(tokens, carrier)
        subject, subject_end = _subject(ctx, after + 1, limit, frozenset())
        if subject_end < limit and keys[subject_end] in lexicons.speaker_cues:
            subject_end += 1
        mention = ctx.mention(subject)
    else:
        subject, subject_end = _subject(ctx, index + 1, limit, trigger.prepositions)
        if not subject and index - 1 > first and keys[index - 1] in _CONTINUE_AFTER:
            subject = _kana_subject(tokens, index - 2, first)
        elif not subject and keys[index].startswith("ف"):
            subject = _amma_subject(tokens, index, first)
        mention = ctx.mention(subject)
        if subject:
            apposition, apposition_end = _apposition(ctx, subject_end, limit, _wants_name(mention, lexicons))
            if apposition:
                mention = merge_apposition(mention, ctx.mention(apposition))
                subject_end = apposition_end
    entity = ctx.resolve(mention)
    complement = _complement(ctx, subject_end, limit, trigger)
    if complement is None:
        quote = _quote_before(tokens, index, first)
        if quote is not None and quote.start not in ctx.used_quotes:
            ctx.used_quotes.add(quote.start)
            return _Result(entity, "direct", _inner(tokens.doc.text, quote), via)
        if trigger.kind == "document":
            span = _after_comma(tokens, subject_end, limit)
            if span is not None:
                return _Result(entity, _kind_of(ctx, span), span, via)
        if trigger.kind == "verb" and entity is not None:
            ctx.current = entity  # "علّق المدرب على الفوز قائلاً: …": the participle is his
        return None
    how, at = complement
    if how == "quote":
        quote = tokens.opening[at]
        ctx.used_quotes.add(quote.start)
        return _Result(entity, "direct", _inner(tokens.doc.text, quote), via)
    end = _clause_end(ctx, at, limit)
    if end <= at:
        return None
    span = tokens.display(at, end)
    if how == "colon":
        return _Result(entity, "direct", span, via)
    return _Result(entity, _kind_of(ctx, span), span, via)


def _subject(
    ctx: _Context, start: int, limit: int, own_prepositions: frozenset[str]
) -> tuple[list[int], int]:
    """The speaker phrase after a verb: words up to a stop, a comma, the complement or a quotation."""
    tokens, lexicons = ctx.tokens, ctx.lexicons
    keys = tokens.keys
    subject: list[int] = []
    index = start

    stop_starts = lexicons.subject_stops.by_first
    carrier_starts = lexicons.carriers.by_first

    def inside_title_of(words: list[int]) -> bool:
        return is_title_word(keys[words[-1]], lexicons)

    while index < limit and len(subject) < _SUBJECT_MAX_TOKENS:
        key = keys[index]
        if (
            key == "-"
            and subject
            and _glued(tokens, index)
            and index + 1 < limit
            and tokens.is_word(index + 1)
        ):
            subject.append(index)
            index += 1
            continue
        if index in tokens.opening and subject:
            end = tokens.quote_end_token.get(index, index + 1)
            inner = [i for i in range(index + 1, min(end, limit)) if tokens.is_word(i)]
            short = tokens.opening[index].closed and 0 < len(inner) <= _SHORT_QUOTE_TOKENS
            if short and end < limit and tokens.is_word(end) and not tokens.complementizer(end):
                subject.extend(inner)  # a quoted name inside the phrase: كتلة "الأحرار"
                index = end
                continue
            break
        if not tokens.is_word(index) or tokens.quoted[index]:
            break
        if tokens.complementizer(index) or key in lexicons.triggers or key in lexicons.speaker_cues:
            break
        if (
            subject
            and strip_article(key) in lexicons.content_nouns
            and not _takes_genitive(keys[subject[-1]], lexicons)
        ):
            break  # "نفت القوات عرقلة…", but not "قوات الدعم السريع"
        if subject and _addressee(key, lexicons) and not inside_title_of(subject):
            break  # "قال الوزير لمراسل سانا"، "لوكالة الأنباء": who was told, not who spoke
        if (
            subject
            and "ب" in own_prepositions
            and key.startswith("بال")
            and not _institution_after_b(key, lexicons)
        ):
            # "أشاد الوزير بالدور…": the content, not the speaker (but "النائب بالبرلمان"). Only
            # before a definite word: "بسام"، "بدر" start names.
            break
        stop = lexicons.subject_stops.match(keys, index, limit) if key in stop_starts else 0
        if (
            stop
            and key == "علي"
            and subject
            and not inside_title_of(subject)
            and tokens.display_word(index)[-1] == "ي"
        ):
            stop = 0  # the name علي, not the preposition على
        if stop:
            inside_title = bool(subject) and inside_title_of(subject)
            if stop == 1 and key in TITLE_PREPOSITIONS and key not in own_prepositions and inside_title:
                subject.append(index)  # "النائب عن كتلة…": the preposition belongs to the title
                index += 1
                continue
            break
        if subject and key in carrier_starts and lexicons.carriers.match(keys, index, limit):
            break
        subject.append(index)
        index += 1
    return subject, index


def _takes_genitive(token: str, lexicons: Lexicons) -> bool:
    """An indefinite organisation or title word needs the next word (قوات الدعم، وزارة الصحة)."""
    if is_definite(token):
        return False
    return token in lexicons.title_forms or bool(
        lexicons.organizations.match([token], 0) or lexicons.groups.match([token], 0)
    )


def _institution_after_b(key: str, lexicons: Lexicons) -> bool:
    """بمجلس، بالبرلمان: ب glued to an institution continues a title."""
    rest = key[1:]
    return bool(
        lexicons.organizations.match([rest], 0) or lexicons.organizations.match([strip_article(rest)], 0)
    )


def _addressee(key: str, lexicons: Lexicons) -> bool:
    """ل glued to a title or a medium: لمراسل، للصحفيين، لوكالة."""
    if len(key) < 4 or key[0] != "ل":
        return False
    rest = key[1:]
    if rest.startswith("ل"):  # للصحفيين = ل + الصحفيين
        rest = "ا" + rest
    bare = strip_article(rest)
    return (
        rest in lexicons.title_forms
        or bare in lexicons.titles
        or bool(lexicons.media.match([rest], 0) or lexicons.media.match([bare], 0))
    )


_NOT_GLUED_B = frozenset({"بعض", "بين", "بعد", "بشان", "بسبب", "بدوره", "بدورها", "بينما", "بل"})


def _glued_b(key: str) -> bool:
    """بالدور، بأداء: the preposition ب glued to the content word."""
    return len(key) >= 4 and key[0] == "ب" and key not in _NOT_GLUED_B


def _glued(tokens: _Tokens, index: int) -> bool:
    return tokens.starts[index] == tokens.ends[index - 1] and tokens.ends[index] == tokens.starts[index + 1]


def _apposition(ctx: _Context, comma: int, limit: int, bare_name: bool = False) -> tuple[list[int], int]:
    """ ", وزير الصحة والسكان،" after a name, or "، العقيد بوعلام بوغلاف،" after a title; with
    ``bare_name`` (the subject is a title without a name) also "وزير الري، طه دربال،"."""
    tokens = ctx.tokens
    keys = tokens.keys
    if comma >= limit or keys[comma] not in _COMMAS or comma + 1 >= limit:
        return [], comma
    if not is_title_word(keys[comma + 1], ctx.lexicons):
        return _bare_name(ctx, comma, limit) if bare_name else ([], comma)
    phrase, end = _subject(ctx, comma + 1, limit, frozenset())
    if not phrase or len(phrase) > _APPOSITION_MAX_TOKENS or end >= limit or keys[end] not in _COMMAS:
        return [], comma
    return phrase, end


def _wants_name(mention: Mention | None, lexicons: Lexicons) -> bool:
    """A title with no name ("وزير الري"، "عضو اللجنة المالية"): a name may follow between commas."""
    if mention is None or mention.type not in (PERSON, ANONYMOUS):
        return False
    if mention.type == PERSON and mention.name_keys:
        return False
    head = mention.title_keys[:1] if mention.type == PERSON else mention.name_keys[:1]
    return bool(head) and strip_article(head[0]) in lexicons.titles


def _bare_name(ctx: _Context, comma: int, limit: int) -> tuple[list[int], int]:
    """ "، طه دربال،": two to four words, all of them a name, closed by a comma. Not "، طلب عدم نشر
    اسمه،" (the formula of an anonymous source) nor "، الثلاثاء،"."""
    keys = ctx.tokens.keys
    phrase, end = _subject(ctx, comma + 1, limit, frozenset())
    if not 2 <= len(phrase) <= 4 or end >= limit or keys[end] not in _COMMAS:
        return [], comma
    words = [keys[i] for i in phrase]
    if is_definite(words[0]) or "عدم" in words:
        return [], comma
    mention = ctx.mention(phrase)
    if mention is None or mention.type != PERSON or len(mention.name_keys) != len(phrase):
        return [], comma
    return phrase, end


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


def _amma_subject(tokens: _Tokens, verb: int, first: int) -> list[int]:
    """ "أما رئيس الهيئات الاقتصادية محمد شقير فأكد…": the subject sits between أما and the ف verb."""
    for index in range(verb - 1, max(first - 1, verb - _SUBJECT_MAX_TOKENS - 2), -1):
        key = tokens.keys[index]
        if key == "اما":
            return [i for i in range(index + 1, verb) if tokens.is_word(i)]
        if key in _CLAUSE_PUNCTUATION and key not in _COMMAS:
            break
    return []


def _attribution(ctx: _Context, index: int, first: int, limit: int) -> _Result | None:
    """ "وحسب مصادر نيابية، فإن…" (source first) or "…، بحسب المصادر" (source last)."""
    tokens, lexicons = ctx.tokens, ctx.lexicons
    keys = tokens.keys
    start = index + 1
    source, end = _subject(ctx, start, limit, frozenset())
    if not source:
        return None
    source_keys, source_displays = tokens.words(source)
    if (
        source_keys[0].startswith("ل")
        and len(source_keys[0]) > 3
        and keys[index] in ("وفقا", "ووفقا", "طبقا")
    ):
        source_keys[0], source_displays[0] = source_keys[0][1:], source_displays[0][1:]
    if lexicons.media.match(source_keys, 0) or lexicons.media.match([strip_article(source_keys[0])], 0):
        return None  # a carrier: the sentence's via, not a speaker
    mention = parse_mention(source_keys, source_displays, lexicons)
    if end < limit and keys[end] in _COMMAS:
        span_start = end + 1
        if span_start < limit and keys[span_start] in _COMPLEMENTIZERS:
            span_start += 1
        stop = _clause_end(ctx, span_start, limit)
        if stop > span_start:
            span = tokens.display(span_start, stop)
            return _Result(ctx.resolve(mention), _kind_of(ctx, span), span)
        return None
    if end >= limit and index > first and keys[index - 1] in _COMMAS:
        stop = index - 1
        while stop > first and keys[stop - 1] in _TRIMMED:
            stop -= 1
        if stop > first:
            span = tokens.display(first, stop)
            return _Result(ctx.resolve(mention), _kind_of(ctx, span), span)
    return None


def _complement(ctx: _Context, start: int, limit: int, trigger: Trigger) -> tuple[str, int] | None:
    tokens, lexicons = ctx.tokens, ctx.lexicons
    keys = tokens.keys
    index = start
    adjacent = start  # quotations, prepositions and content nouns must follow the speaker closely
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
            following = index + 1
            if following in tokens.opening:  # also a quotation opening the next paragraph
                return "quote", following
            if following < limit and keys[following] in _COMPLEMENTIZERS:
                return "indirect", following + 1  # قال: إن…
            return "colon", following
        if key in _COMMAS:
            if index == adjacent:
                adjacent = index + 1
                closing = _parenthetical_end(ctx, index + 1, limit)
                if closing:  # "أعلن البنك، مساء الخميس، تثبيت…": step over the adjunct
                    adjacent = index = closing + 1
                    continue
            index += 1
            continue
        stop = lexicons.subject_stops.match(keys, index, limit) if index == adjacent else 0
        if stop >= 2:  # an adjunct such as "في بيان" between speaker and words
            adjacent += stop
            index += stop
            continue
        if tokens.complementizer(index):
            previous = keys[index - 1] if index > 0 else ""
            if previous.removeprefix("و") not in lexicons.complement_blockers:
                return "indirect", index + 1
        elif trigger.prepositions and index <= adjacent + _PREPOSITION_REACH:
            if key in trigger.prepositions:
                if index + 1 < limit and keys[index + 1] in _COMPLEMENTIZERS:
                    return "indirect", index + 2
                return "indirect", index + 1
            if "ب" in trigger.prepositions and _glued_b(key):
                if trigger.object_content and start < index:
                    # "متهمة الجيش باستهداف القوافل"; after an aside ("، في بيان، الجيش…") the object
                    # starts where the aside ends.
                    return "indirect", min(adjacent, index)
                return "indirect", index
        if index == adjacent and strip_article(key) in lexicons.content_nouns:
            return "indirect", index
        index += 1
    return None


_PARENTHETICAL_MAX_WORDS = 4
# An aside that opens with an adjunct such as "في بيان" may run longer and name its medium in
# quotation marks: "، في بيان على منصة تلغرام،"، "، في حديث لـ"سونا"،".
_ASIDE_MAX_TOKENS = 10


def _parenthetical_end(ctx: _Context, start: int, limit: int) -> int:
    """The closing comma of a short adjunct between commas (، مساء الخميس،), or 0."""
    tokens = ctx.tokens
    keys = tokens.keys
    aside = ctx.lexicons.subject_stops.match(keys, start, limit) >= 2
    stop = min(limit, start + (_ASIDE_MAX_TOKENS if aside else _PARENTHETICAL_MAX_WORDS + 1))
    index = start
    while index < stop:
        key = keys[index]
        if key in _COMMAS:
            return index if index > start else 0
        if aside and index > start and index in tokens.opening and tokens.opening[index].closed:
            index = max(index + 1, tokens.quote_end_token.get(index, index + 1))
            continue
        if (
            not tokens.is_word(index)
            or index in tokens.opening
            or tokens.complementizer(index)
            or key in ctx.lexicons.triggers
        ):
            return 0
        index += 1
    return 0


def _clause_end(ctx: _Context, start: int, limit: int) -> int:
    tokens, lexicons = ctx.tokens, ctx.lexicons
    keys = tokens.keys
    index = start
    end = limit
    while index < limit:
        if index in tokens.opening:
            index = max(index + 1, tokens.quote_end_token.get(index, index + 1))
            continue
        after_comma = index > start and keys[index - 1] in _COMMAS
        if after_comma and (
            lexicons.clause_ends.match(keys, index, limit) or _is_carrier(tokens, index, limit, lexicons)
        ):
            end = index
            break
        index += 1
    while end > start and keys[end - 1] in _TRIMMED:
        end -= 1
    return end


def _is_carrier(tokens: _Tokens, index: int, limit: int, lexicons: Lexicons, length: int = -1) -> bool:
    """A carrier phrase that names a medium (not "بحسب الوزير", which names a speaker). ``length``:
    the carrier match at ``index`` when the caller has it."""
    keys = tokens.keys
    if length < 0:
        length = lexicons.carriers.match(keys, index, limit)
    if not length:
        return False
    phrase = keys[index : index + length]
    if any(word in ("ما", "عن", "لما") for word in phrase) or len(phrase) > 2:
        return True
    after = index + length
    while after < limit and not tokens.is_word(after):
        after += 1
    if after >= limit:
        return False
    return bool(
        lexicons.media.match(keys, after, limit) or lexicons.media.match([strip_article(keys[after])], 0)
    )


def _via(ctx: _Context, first: int, last: int) -> str | None:
    tokens, lexicons = ctx.tokens, ctx.lexicons
    keys = tokens.keys
    positions = ctx.carrier_positions
    for position in range(bisect_left(positions, first), bisect_left(positions, last)):
        index = positions[position]
        length = 0 if tokens.quoted[index] else lexicons.carriers.match(keys, index, last)
        if not length or not _is_carrier(tokens, index, last, lexicons, length):
            continue
        after = index + length
        words: list[int] = []
        while after < last and len(words) < _VIA_MAX_TOKENS and keys[after] not in _CLAUSE_PUNCTUATION:
            if tokens.is_word(after):
                words.append(after)
            after += 1
        if words:
            return _plain(tokens, words)
    return None


_NO_QUOTES = dict.fromkeys(map(ord, QUOTE_MARKS + "'"))


def _plain(tokens: _Tokens, words: list[int]) -> str:
    """Display text of a run of tokens without quotation marks (وكالة “تاس” → وكالة تاس)."""
    start, _ = tokens.display(words[0], words[0] + 1)
    _, end = tokens.display(words[-1], words[-1] + 1)
    return " ".join(tokens.doc.text[start:end].translate(_NO_QUOTES).split())


def _quote_before(tokens: _Tokens, index: int, first: int, gap: frozenset[str] = _COMMAS) -> Quote | None:
    """«…»، قال الوزير: the quotation right before the verb (a comma may sit between)."""
    before = index - 1
    while before >= first and tokens.keys[before] in gap:
        before -= 1
    return tokens.closing.get(before) if before >= first else None


def _after_comma(tokens: _Tokens, subject_end: int, limit: int) -> tuple[int, int] | None:
    """ "وفقاً لما ورد في البيان، في …": the words after a fronted attribution are the document's."""
    keys = tokens.keys
    if subject_end < limit and keys[subject_end] in _COMMAS:
        start = subject_end + 1
        end = limit
        while end > start and keys[end - 1] in _TRIMMED:
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


def _kind_of(ctx: _Context, span: tuple[int, int]) -> str:
    """Mixed when the words embed a quotation of two words or more (a quoted name is not speech)."""
    doc = ctx.tokens.doc
    position = bisect_left(ctx.quote_starts, span[0])
    while position < len(doc.quotes) and doc.quotes[position].start < span[1]:
        quote = doc.quotes[position]
        if len(doc.text[quote.inner_start : quote.inner_end].split(maxsplit=1)) >= 2:
            return "mixed"
        position += 1
    stray = doc.stray_quote_marks
    at = bisect_left(stray, span[0])
    return "mixed" if at < len(stray) and stray[at] < span[1] else "indirect"
