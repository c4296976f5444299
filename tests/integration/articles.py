"""Many small, distinct Arabic articles for the reliability tests (quick to enrich on 2 cores)."""

from __future__ import annotations

from pipeline.models import RawArticle, encode

_SPEAKERS = ("وزير الخارجية", "رئيس الوزراء", "المتحدث باسم الحكومة", "وزيرة الصحة", "محافظ البنك المركزي")
_PLACES = ("بغداد", "القاهرة", "عمّان", "بيروت", "الرباط", "تونس", "الدوحة")
_SUBJECTS = ("الاقتصاد", "التعليم", "الصحة العامة", "المياه", "الطاقة", "النقل", "الزراعة")
_VERBS = ("قال", "أكد", "صرّح", "أعلن")


def article(index: int, prefix: str = "a") -> RawArticle:
    """Article ``index``: its text varies with the index so no two share an id or a body."""
    speaker = _SPEAKERS[index % len(_SPEAKERS)]
    place = _PLACES[(index // 5) % len(_PLACES)]
    subject = _SUBJECTS[(index // 35) % len(_SUBJECTS)]
    verb = _VERBS[index % len(_VERBS)]
    text = (
        f"{verb} {speaker} في {place} إن الحكومة ستزيد دعم {subject} بنسبة {index % 97 + 3} في المئة "
        f"خلال العام المقبل. وأضاف أن الخطة رقم {index} ستعرض على البرلمان قريبا."
    )
    return RawArticle(id=f"{prefix}-{index:05d}", text=text, title=f"خطة {subject} رقم {index}", feed="test")


def messages(count: int, prefix: str = "a") -> list[tuple[bytes | None, bytes | None]]:
    """``count`` articles as (key, value) pairs for news.raw."""
    out: list[tuple[bytes | None, bytes | None]] = []
    for index in range(count):
        item = article(index, prefix)
        out.append((item.id.encode(), encode(item)))
    return out
