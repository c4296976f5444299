"""Quotations in the display text, in every mark style seen in Arabic news.

“…” and the reversed ”…“, «…» and »…«, ‹…›, „…“, ASCII "…" and ''…''. A mark's direction comes
from its context (a mark after a space and before a letter opens, one after a letter and before a
space or punctuation closes) and only falls back to the glyph when the context is ambiguous, so
reversed styles pair correctly. Marks of one family pair with each other, innermost first.

A quotation left open at a paragraph's end continues when the next paragraph opens with a mark of
the same family (the convention for quotes spanning paragraphs); otherwise it runs to the end of its
paragraph. A closing mark with no opening one is recorded as a stray mark and quotes nothing.
One pass over the marks with a stack of bounded depth: linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK_RE = re.compile("''|[\"“”„‟«»‹›〝〞＂]")
# The same marks found with one character class (an alternation is tried at every position).
_MARK_SCAN_RE = re.compile("[\"“”„‟«»‹›〝〞＂']")
_FAMILY = {
    "«": "guillemet",
    "»": "guillemet",
    "‹": "single",
    "›": "single",
    "''": "twin",
}  # every other mark is a double quote
_OPENING_GLYPHS = frozenset("“„‟«‹〝")
_CLOSING_GLYPHS = frozenset("”»›〞")
_BEFORE_OPENING = frozenset(" \n([{:—–-/") | frozenset("\"“”„‟«»‹›〝〞＂'")
_AFTER_CLOSING = frozenset(" \n)]}.,،؛;:!?؟…—–-/") | frozenset("\"“”„‟«»‹›〝〞＂'")
_OPENABLE = frozenset("\"“”„‟«»‹›〝〞＂'([…-")
_MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: ``[start, end)`` includes its marks, ``[inner_start, inner_end)`` does not."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool = True


@dataclass(frozen=True, slots=True)
class QuoteScan:
    quotes: tuple[Quote, ...]  # sorted by start; nested quotes follow their outer one
    stray: tuple[int, ...]  # offsets of closing marks that close nothing


def find_quotes(text: str) -> QuoteScan:
    quotes: list[Quote] = []
    stray: list[int] = []
    stack: list[tuple[str, int, int]] = []  # open marks: (family, mark offset, offset after the mark)
    length = len(text)
    paragraph_end = _paragraph_end(text, 0)
    skip = -1  # offset of a continuation mark that re-opens a quote spanning paragraphs
    consumed = 0  # end of the last '' pair (its second ' must not start another mark)
    for match in _MARK_SCAN_RE.finditer(text):
        start = match.start()
        if text[start] == "'":
            if start < consumed or text[start + 1 : start + 2] != "'":
                continue  # an apostrophe, or the second half of a ''
            end = consumed = start + 2
        else:
            end = start + 1
        while start > paragraph_end:  # crossed a line break
            if stack:
                skip = _end_paragraph(text, stack, quotes, paragraph_end)
                paragraph_end = _paragraph_end(text, paragraph_end + 1)
            else:  # nothing open: jump straight to this mark's paragraph
                paragraph_end = _paragraph_end(text, start)
        if start == skip:
            continue
        mark = text[start:end]
        family = _FAMILY.get(mark, "double")
        before = text[start - 1] if start > 0 else "\n"
        after = text[end] if end < length else "\n"
        # Opening needs the quoted word right after it; closing needs a word (or mark) before it.
        opens = before in _BEFORE_OPENING and (after.isalnum() or after in _OPENABLE)
        closes = after in _AFTER_CLOSING and before not in " \n"
        if opens == closes:  # ambiguous context: trust the glyph, toggle the symmetric ones
            if mark in _OPENING_GLYPHS:
                opens = True
            elif mark in _CLOSING_GLYPHS:
                opens = False
            else:
                opens = not any(f == family for f, _, _ in stack)
        if opens:
            stack.append((family, start, end))
            if len(stack) > _MAX_DEPTH:
                _, dropped_start, dropped_end = stack.pop(0)
                quotes.append(Quote(dropped_start, dropped_end, dropped_end, dropped_end, closed=False))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == family:
                _, open_start, open_end = stack[depth]
                for _, inner_start, inner_end in stack[depth + 1 :]:  # opened inside, never closed
                    quotes.append(Quote(inner_start, start, inner_end, start, closed=False))
                del stack[depth:]
                quotes.append(Quote(open_start, end, open_end, start))
                break
        else:
            stray.append(start)
    for _, start, inner in stack:
        quotes.append(Quote(start, paragraph_end, inner, paragraph_end, closed=False))
    quotes.sort(key=lambda q: (q.start, -q.end))
    return QuoteScan(tuple(quotes), tuple(stray))


def _paragraph_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _end_paragraph(
    text: str, stack: list[tuple[str, int, int]], quotes: list[Quote], paragraph_end: int
) -> int:
    """At a line break: close what is open, except an outer quotation the next paragraph re-opens.

    Returns the offset of that continuation mark (to be skipped), or -1.
    """
    if not stack:
        return -1
    mark = _MARK_RE.match(text, paragraph_end + 1)
    keep = 1 if mark and _FAMILY.get(mark.group(0), "double") == stack[0][0] else 0
    for _, start, inner in stack[keep:]:
        quotes.append(Quote(start, paragraph_end, inner, paragraph_end, closed=False))
    del stack[keep:]
    return paragraph_end + 1 if keep and mark else -1
