"""The main text of an article page (``full_text = true`` feeds), extracted with trafilatura."""

from __future__ import annotations

from pipeline.feeds.parse import declared_charsets, looks_mojibake, tidy_text


def page_text(body: bytes, content_type: str | None) -> str | bytes:
    """The page as text when its declared charset decodes it cleanly; else the bytes.

    trafilatura detects the encoding of bytes itself (it handles undeclared windows-1256 pages), so
    a wrong or missing label is best left to it.
    """
    http, _ = declared_charsets(b"", content_type)
    if http:
        try:
            text = body.decode(http)
        except (LookupError, UnicodeDecodeError):
            return body
        if not looks_mojibake(text):
            return text
    return body


def drop_leading_title(text: str, title: str) -> str:
    """The text without a first line repeating the title (pages start with their <h1>)."""
    first, _, rest = text.partition("\n")
    return rest.lstrip("\n") if title and first.strip() == title.strip() else text


def extract_main_text(body: bytes, url: str, content_type: str | None = None) -> str | None:
    """The article's main text as plain paragraphs, or None when extraction finds nothing."""
    import trafilatura  # heavy import; only full-text feeds pay for it

    text = trafilatura.extract(
        page_text(body, content_type),
        url=url,
        output_format="txt",
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if not text:
        return None
    return tidy_text(text) or None
