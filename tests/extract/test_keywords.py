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


def test_memo_does_not_change_results(seed_doc: Document, stopwords: Stopwords) -> None:
    """Terms are memoised per process; a cold memo, a warm one and one filled by other
    articles give the same keywords (also for a title of words seen only there)."""
    from pipeline.extract import keywords

    doc = prepare(seed_doc.text, "بوتين وبايدن يبحثان الاستقرار الاستراتيجي")
    keywords._MEMOS.clear()
    cold = extract_keywords(doc, stopwords)
    assert extract_keywords(doc, stopwords) == cold
    keywords._MEMOS.clear()
    extract_keywords(prepare("وبوتين بوتين والأمن بالأمن للأمن، السيبراني. " * 3), stopwords)
    assert extract_keywords(doc, stopwords) == cold
    assert "الاستقرار الاستراتيجي" in cold
