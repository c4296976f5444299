"""Dates and numbers as reported, normalised: ``16 يونيو`` and ``١٦ حزيران`` are the same day.

Month names come from ``config/lexicons/months.txt`` (Egyptian/Gulf, Levantine/Iraqi and Maghreb
names of each Gregorian month). Digits are already ASCII in the matching key, so ``٣٥`` and ``35``
read the same. A month name that is also a common word (``آب`` folds to ``اب``, father; ``مارس``,
he practised; ``ماي``) counts only next to a day or a year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract.automaton import Matcher
from pipeline.extract.lexicon_lines import read_lines
from pipeline.text.document import Document
from pipeline.text.normalize import matching_key

MONTHS_FILE = "lexicons/months.txt"
_AMBIGUOUS = frozenset(matching_key(w) for w in ("آب", "مارس", "ماي", "أوت"))
_RELATIVE = frozenset(matching_key(w) for w in ("الماضي", "المقبل", "الجاري", "الحالي", "القادم"))
_DAY_BEFORE_RE = re.compile(r"(\d{1,2})\s*(?:من\s+)?$")
_YEAR_AFTER_RE = re.compile(r"\s*(?:[/-]\s*\S+\s*)?(?:عام\s+|سنه\s+)?(\d{4})(?!\d)")
_NUMBER_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)*$")
# Arabic-Indic and Persian digits, Arabic decimal and thousands separators.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
        "٫": ".",
        "٬": ",",
        "،": ",",
    }
)


@dataclass(frozen=True, slots=True)
class Months:
    matcher: Matcher[int]  # folded month name -> month number


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int  # display offsets in doc.text, half-open
    end: int
    day: int | None
    month: int
    year: int | None

    @property
    def iso(self) -> str:
        """``2021-06-16``, ``2021-06``, or ``--06-16`` / ``--06`` without a year (ISO 8601)."""
        year = f"{self.year:04d}" if self.year is not None else "-"
        day = f"-{self.day:02d}" if self.day is not None else ""
        return f"{year}-{self.month:02d}{day}"


def load_months(config_dir: Path) -> Months:
    entries: list[tuple[str, int]] = []
    for line in read_lines(Path(config_dir) / MONTHS_FILE):
        if line[0].isdigit() and 1 <= int(line[0]) <= 12:
            entries.extend((name, int(line[0])) for name in line[1:])
    return Months(Matcher(entries))


def month_number(name: str, months: Months) -> int | None:
    """The month number of ``name`` (any spelling, proclitics allowed), or None."""
    key = " ".join(matching_key(name).split())
    for start, end, month in months.matcher.find(key):
        if start <= 1 and end == len(key):
            return month
    return None


def find_dates(doc: Document, months: Months) -> list[DateMention]:
    """Dates mentioned in ``doc``: a month name with the day before it and/or the year after it
    (``16 يونيو الماضي``, ``١٦ حزيران/يونيو ٢٠٢١``, ``في يونيو 2021``, ``شهر جانفي المقبل``)."""
    return dates_from_hits(doc, months.matcher.find(doc.key))


def dates_from_hits(doc: Document, hits: Iterable[tuple[int, int, int]]) -> list[DateMention]:
    """:func:`find_dates` from month-name hits ``(start, end, month)`` already found in ``doc.key``
    (so the gazetteer's automaton pass can find them)."""
    key = doc.key
    mentions: list[DateMention] = []
    last_end = -1
    for start, end, month in sorted(hits):
        if start < last_end:
            continue
        day_match = _DAY_BEFORE_RE.search(key, max(0, start - 8), start)
        day = int(day_match.group(1)) if day_match and 1 <= int(day_match.group(1)) <= 31 else None
        year_match = _YEAR_AFTER_RE.match(key, end)
        year = int(year_match.group(1)) if year_match and 1800 <= int(year_match.group(1)) <= 2200 else None
        name = key[start:end]
        if day is None and year is None:
            after = key[end : end + 12].split()
            before = key[max(0, start - 5) : start].split()
            related = (after and after[0] in _RELATIVE) or (before and before[-1].endswith("شهر"))
            if name in _AMBIGUOUS or not related:
                continue
        first = day_match.start(1) if day is not None and day_match else start
        last = year_match.end(1) if year is not None and year_match else end
        display = doc.text_span(first, last)
        mentions.append(DateMention(display[0], display[1], day, month, year))
        last_end = last
    return mentions


def normalize_number(text: str) -> int | float | None:
    """``٣٥`` -> 35, ``٣٫٥`` -> 3.5, ``١٬٢٠٠`` or ``1,200`` -> 1200; None if not a number."""
    value = text.strip().translate(_DIGITS)
    if not value or len(value) > 40 or not _NUMBER_RE.match(value):
        return None
    if "," in value and "." not in value and all(len(g) == 3 for g in value.split(",")[1:]):
        value = value.replace(",", "")
    elif "," in value:
        if value.count(",") == 1 and "." not in value:
            value = value.replace(",", ".")  # a decimal comma
        else:
            value = value.replace(",", "")
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() and "." not in value else number
