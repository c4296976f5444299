"""Raw article text -> Document. A first version: the cleaning issue deepens each step."""

from __future__ import annotations

import re

from pipeline.text.document import Block, Document
from pipeline.text.normalize import fold

_TAG_RE = re.compile(r"<[^<>]{0,2000}>")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u0640"))
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SENTENCE_END_RE = re.compile(r"[.!?؟؛]+")


def prepare(body: str, title: str = "") -> Document:
    text = _clean(body)
    key, key_map = fold(text)
    blocks: list[Block] = []
    sentences: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        if not line:
            continue
        blocks.append(Block(start, end, heading=len(line) < 40 and not _SENTENCE_END_RE.search(line)))
        cursor = start
        for match in _SENTENCE_END_RE.finditer(text, start, end):
            sentences.append((cursor, match.end()))
            cursor = match.end()
        if cursor < end:
            sentences.append((cursor, end))
    return Document(_clean(title), text, key, key_map, tuple(blocks), tuple(sentences))


def _clean(raw: str) -> str:
    text = _TAG_RE.sub(" ", raw).translate(_INVISIBLE)
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)
