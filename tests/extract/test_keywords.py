from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.keywords import extract_keywords
from pipeline.extract.stopwords import Stopwords
from pipeline.text.document import Document
from pipeline.text.prepare import prepare


def test_seed_keywords(seed_doc: Document, stopwords: Stopwords) -> None:
    keywords = extract_keywords(seed_doc, stopwords)
    assert 1 <= len(keywords) <= 10
    assert "الاستقرار الاستراتيجي" in keywords
    assert "الأمن السيبراني" in keywords
    # Display forms: in the text as written (hamza kept), never folded.
    assert all(k in seed_doc.text for k in keywords)
    assert not any(k in ("قال", "أكد", "إن", "أن") for k in keywords)


def test_limit(seed_doc: Document, stopwords: Stopwords) -> None:
    assert len(extract_keywords(seed_doc, stopwords, limit=3)) == 3
    assert extract_keywords(seed_doc, stopwords, limit=0) == []


@settings(max_examples=60, deadline=None)
@given(body=st.text(max_size=300), title=st.text(max_size=30))
def test_never_raises(stopwords: Stopwords, body: str, title: str) -> None:
    assert len(extract_keywords(prepare(body, title), stopwords)) <= 10
