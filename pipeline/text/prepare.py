"""Raw article text -> Document: display text, boilerplate removed, key, quotes, blocks, sentences."""

from __future__ import annotations

from pipeline.text.boilerplate import BoilerplateMarkers, default_markers, strip_boilerplate
from pipeline.text.clean import clean_display
from pipeline.text.document import Document
from pipeline.text.normalize import KeyMap, fold
from pipeline.text.quotes import find_quotes
from pipeline.text.segment import blocks_of, sentences_of


def prepare(body: str, title: str = "", *, boilerplate: BoilerplateMarkers | None = None) -> Document:
    """Clean ``body`` for display and segment it; ``boilerplate`` defaults to the project's markers."""
    markers = default_markers() if boilerplate is None else boilerplate
    display = clean_display(body)
    # The key of the whole display text serves the boilerplate markers and, when no line is
    # dropped (most articles), the Document: one fold instead of two.
    folded = fold(display)
    text = strip_boilerplate(display, markers, key=folded[0])
    return _document(text, clean_display(title).replace("\n", " "), folded if text is display else fold(text))


def from_clean(text: str, title: str = "") -> Document:
    """The Document of text and title that are already clean (a Document's own, as news.clean carries
    them), taken as they are: cleaning them again would cost time and is not idempotent on every input."""
    return _document(text, title, fold(text))


def _document(text: str, title: str, folded: tuple[str, KeyMap]) -> Document:
    key, key_map = folded
    scan = find_quotes(text)
    blocks = blocks_of(text)
    sentences = sentences_of(text, blocks, scan.quotes)
    return Document(
        title=title,
        text=text,
        key=key,
        key_map=key_map,
        blocks=blocks,
        sentences=sentences,
        quotes=scan.quotes,
        stray_quote_marks=scan.stray,
    )
