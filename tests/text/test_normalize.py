from __future__ import annotations

from bisect import bisect_left

from hypothesis import given
from hypothesis import strategies as st

from pipeline.text.normalize import fold, matching_key

arabic_text = st.text(
    alphabet=st.sampled_from(list('قال أإآٱىةؤئ ً ٌ ٍ َ ُ ِ ّ ْ ٰ٠١٢٣۴۵"“”«»abc 0123\n،.')), max_size=120
)


def test_matching_key_folds_hamza_alef_maqsura_ta_marbuta_digits_and_quotes() -> None:
    assert matching_key("أكّد إنّ آخر «مستشفى» ٱلمدينة ٣٥ ۴") == 'اكد ان اخر "مستشفي" المدينه 35 4'


@given(arabic_text)
def test_offsets_map_back_exactly(text: str) -> None:
    key, key_map = fold(text)
    assert len(key_map) == len(key) + 1 and key_map[-1] == len(text)
    for index, char in enumerate(key):
        assert matching_key(text[key_map[index]]) == char
    assert list(key_map) == sorted(set(key_map))


@given(arabic_text)
def test_fold_agrees_with_matching_key(text: str) -> None:
    assert fold(text)[0] == matching_key(text)


@given(arabic_text)
def test_key_map_spans_and_offsets_agree_with_indexing(text: str) -> None:
    # The fast text_span/key_offset against their definitions on the plain list of offsets.
    key, key_map = fold(text)
    offsets = list(key_map)
    for start in range(len(key) + 1):
        for end in range(start, len(key) + 1):
            expected = (offsets[start], offsets[end - 1] + 1) if end > start else (offsets[start],) * 2
            assert key_map.text_span(start, end) == expected
    for position in range(-1, len(text) + 2):
        expected_offset = bisect_left(offsets, position)
        if key_map.identity:  # the same text: the offset itself, clamped
            expected_offset = min(max(position, 0), len(offsets))
        assert key_map.key_index(position) == expected_offset
