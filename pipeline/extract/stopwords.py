"""Arabic stopwords (particles, pronouns, auxiliaries and reporting verbs), folded.

Used by keyword extraction (no key phrase starts or ends with one) and by entity extraction
(a name ends at one). ``config/lexicons/stopwords.txt`` is ours; the reporting verbs of the
statement extractor (``reporting_verbs.txt``), when present, are added so ``قال`` or ``أكد`` never
become key phrases or name parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract.lexicon_lines import read_lines
from pipeline.text.normalize import matching_key

STOPWORDS_FILE = "lexicons/stopwords.txt"
# The statement extractor's verbs: "قال يقول تقول +على" (lemma, extra forms, +prepositions).
VERBS_FILE = "lexicons/reporting_verbs.txt"
_VERB_ENDINGS = ("", "ت", "ا", "وا", "تا")

# Proclitic sequences stripped before looking a token up (longest first).
_CLITICS = tuple(
    sorted(
        {c + a for c in ("", "و", "ف", "ب", "ك", "ل", "وب", "ول", "فب", "فل", "وك") for a in ("", "ال")}
        | {"لل", "ولل", "فلل"},
        key=len,
        reverse=True,
    )
)


@dataclass(frozen=True, slots=True)
class Stopwords:
    words: frozenset[str]
    # Every stopword with every proclitic sequence in front: one set lookup per token.
    forms: frozenset[str]

    def __contains__(self, token: object) -> bool:
        """``token`` (folded) is a stopword as is or once its proclitics are stripped."""
        return token in self.forms


def build_stopwords(words: Iterable[str]) -> Stopwords:
    folded = frozenset(w for word in words for w in matching_key(word).split())
    forms = frozenset(clitic + w for w in folded if len(w) >= 2 for clitic in _CLITICS) | folded
    return Stopwords(folded, forms)


def load_stopwords(config_dir: Path) -> Stopwords:
    words: list[str] = []
    for entry in read_lines(Path(config_dir) / STOPWORDS_FILE):
        words.extend(entry)
    for entry in read_lines(Path(config_dir) / VERBS_FILE):
        forms = [w for alternative in entry for w in alternative.split() if not w.startswith("+")]
        if forms:
            words.extend(forms[0] + ending for ending in _VERB_ENDINGS)
            words.extend(forms[1:])
    return build_stopwords(words)


def strip_clitics(token: str) -> str:
    """``token`` without a leading proclitic sequence, if at least two letters remain."""
    for clitic in _CLITICS:
        if clitic and token.startswith(clitic) and len(token) - len(clitic) >= 2:
            return token[len(clitic) :]
    return token
