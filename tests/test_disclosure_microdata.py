"""Anonymised response rows: every combination of the describing columns (distribution, month,
language, age band) that is published is shared by at least 8 rows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.privacy.disclosure.microdata import HIDDEN, generalise, published_sizes

K = 8
keys = st.tuples(
    st.sampled_from(["abc123", "def456", "ghi789"]),
    st.sampled_from(["2026-09", "2026-10", "2026-11"]),
    st.sampled_from(["en", "pl", "ar"]),
    st.sampled_from(["8-11", "12-17"]),
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(keys, st.integers(1, 30), min_size=1, max_size=30))
def test_every_published_combination_is_shared_by_at_least_k_rows(counts) -> None:
    if sum(counts.values()) < K:
        return  # a council this small publishes no rows at all
    mapping = generalise(counts, K)

    sizes = published_sizes(counts, mapping)

    assert set(mapping) == set(counts)
    assert all(size >= K for size in sizes.values()), sizes
    for key, shown in mapping.items():
        # Only ever hides values; never changes one into another.
        assert all(s in (v, HIDDEN) for v, s in zip(key, shown, strict=True))


def test_the_one_polish_response_cannot_be_told_apart_by_what_is_hidden() -> None:
    english = ("abc123", "2026-10", "en", "12-17")
    polish = ("abc123", "2026-10", "pl", "12-17")

    mapping = generalise({english: 30, polish: 1}, K)

    # Hiding only its language would still single it out (every other row says "en"), so the
    # describing columns are hidden for all 31 rows: its answers stay, its identity does not.
    assert mapping[english] == mapping[polish] == (HIDDEN,) * 4


def test_common_combinations_are_kept_whole() -> None:
    counts = {("abc123", "2026-10", "en", "12-17"): 12, ("abc123", "2026-11", "en", "8-11"): 9}

    assert generalise(counts, K) == {key: key for key in counts}


def test_a_rare_language_is_hidden_before_anything_else() -> None:
    counts = {
        ("abc123", "2026-10", "en", "12-17"): 10,
        ("abc123", "2026-10", "pl", "12-17"): 4,
        ("abc123", "2026-10", "ar", "12-17"): 4,
    }

    mapping = generalise(counts, K)

    assert mapping[("abc123", "2026-10", "pl", "12-17")] == ("abc123", "2026-10", HIDDEN, "12-17")
    assert mapping[("abc123", "2026-10", "ar", "12-17")] == ("abc123", "2026-10", HIDDEN, "12-17")
