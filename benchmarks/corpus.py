"""The articles benchmarks push through the pipeline: the seed article and resized variants of it."""

from __future__ import annotations

from pathlib import Path

from pipeline.models import RawArticle, encode

PROJECT = Path(__file__).resolve().parent.parent
SEED = PROJECT / "seeds" / "000_694a7dc3639c9e32.txt"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def sized_text(target_bytes: int) -> str:
    """Paragraphs of the seed (repeated if needed) up to about ``target_bytes`` of UTF-8; the last one
    is cut at a word boundary."""
    paragraphs = [p for p in seed_text().split("\n") if p.strip()]
    chosen: list[str] = []
    size = 0
    index = 0
    while size < target_bytes:
        paragraph = paragraphs[index % len(paragraphs)]
        room = target_bytes - size
        if len(paragraph.encode()) > room:
            cut = paragraph.encode()[:room].decode("utf-8", "ignore").rsplit(" ", 1)[0]
            chosen.append(cut)
            break
        chosen.append(paragraph)
        size += len(paragraph.encode()) + 1
        index += 1
    return "\n".join(chosen)


def texts() -> dict[str, str]:
    """The offline benchmark's articles by name."""
    return {"seed": seed_text(), "1KB": sized_text(1024), "20KB": sized_text(20 * 1024)}


def raw_message(text: str, number: int) -> tuple[bytes, bytes]:
    """A news.raw message (key, value): same text, its own id, so every output is distinct."""
    article_id = f"bench-{number:07d}"
    return article_id.encode(), encode(RawArticle(id=article_id, text=text, feed="bench"))


def raw_messages(count: int, text: str | None = None) -> list[tuple[bytes, bytes]]:
    body = seed_text() if text is None else text
    return [raw_message(body, number) for number in range(count)]
