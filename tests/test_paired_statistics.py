"""Before/after statistics: published examples, SciPy, brute force and properties."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import scipy.stats
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from survey_app.analysis.paired import (
    NOBODY_CHANGED,
    P_EXACT_PRATT,
    P_EXACT_SCIPY,
    P_NORMAL_PRATT,
    TOO_FEW_PAIRS,
    paired_change,
    response_shift,
    unpaired_comparison,
)
from survey_app.analysis.signed_rank import EXACT_PAIRS_LIMIT

# Hollander & Wolfe, Nonparametric Statistical Methods: Hamilton depression scale factor IV for
# nine patients before (x) and after (y) a tranquilliser. Also the example in R's ?wilcox.test.
HAMILTON_BEFORE = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
HAMILTON_AFTER = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]

ratings = st.integers(min_value=1, max_value=5)
rating_pairs = st.lists(st.tuples(ratings, ratings), max_size=30)


def split(pairs: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    return [before for before, _ in pairs], [after for _, after in pairs]


def average_ranks(magnitudes: list[int]) -> list[Fraction]:
    """Midranks, 1-based, written out longhand so the test does not share code with the app."""
    ranks = []
    for value in magnitudes:
        below = sum(1 for other in magnitudes if other < value)
        equal = sum(1 for other in magnitudes if other == value)
        ranks.append(Fraction(2 * below + equal + 1, 2))
    return ranks


def brute_force_pratt_p(differences: list[int]) -> Fraction:
    """Two-sided p by listing every sign pattern of the non-zero differences (Pratt ranks)."""
    ranks = average_ranks([abs(d) for d in differences])
    signed = [(rank, d > 0) for rank, d in zip(ranks, differences, strict=True) if d != 0]
    centre = sum((rank for rank, _ in signed), Fraction(0)) / 2
    observed = sum((rank for rank, positive in signed if positive), Fraction(0))
    at_least_as_extreme = 0
    patterns = list(itertools.product([False, True], repeat=len(signed)))
    for pattern in patterns:
        statistic = sum(
            (rank for (rank, _), positive in zip(signed, pattern, strict=True) if positive),
            Fraction(0),
        )
        if abs(statistic - centre) >= abs(observed - centre):
            at_least_as_extreme += 1
    return Fraction(at_least_as_extreme, len(patterns))


def test_hamilton_depression_example_gives_the_published_p_value_and_shift() -> None:
    result = paired_change(HAMILTON_BEFORE, HAMILTON_AFTER)

    # Published: T+ = 40 for x - y, exact one-sided p = 0.0195, so two-sided 0.039 (= 10/256).
    assert result.p_value == pytest.approx(10 / 256, abs=1e-12)
    assert round(result.p_value, 3) == 0.039
    assert result.p_method == P_EXACT_SCIPY
    # Published Hodges-Lehmann estimate of the shift y - x.
    assert result.hodges_lehmann == pytest.approx(-0.46, abs=1e-9)
    assert (result.improved, result.same, result.worse) == (2, 0, 7)


def test_hamilton_depression_example_gives_the_published_confidence_interval() -> None:
    result = paired_change(HAMILTON_BEFORE, HAMILTON_AFTER)

    # Hollander & Wolfe: with n = 9 the attainable level nearest 95% is 96.1% (C = 6), and the
    # interval for y - x is (-0.786, -0.010).
    assert result.interval_low == pytest.approx(-0.786, abs=1e-9)
    assert result.interval_high == pytest.approx(-0.010, abs=1e-9)
    assert result.interval_coverage == pytest.approx(1 - 2 * 10 / 512, abs=1e-12)
    assert round(result.interval_coverage, 3) == 0.961


def test_hamilton_depression_rank_biserial_is_the_rank_sum_difference_over_their_total() -> None:
    result = paired_change(HAMILTON_BEFORE, HAMILTON_AFTER)

    # T+ = 5 and T- = 40 for y - x (published T+ = 40 for x - y); Kerby: (5 - 40) / 45.
    assert result.rank_biserial == pytest.approx(-35 / 45, abs=1e-12)


@pytest.mark.parametrize(
    ("pairs", "table_value"),
    # Classic two-sided 5% critical values of the smaller rank sum T (reject when T <= value).
    [
        (6, 0),
        (7, 2),
        (8, 3),
        (9, 5),
        (10, 8),
        (11, 10),
        (12, 13),
        (13, 17),
        (14, 21),
        (15, 25),
        (16, 29),
        (17, 34),
        (18, 40),
        (19, 46),
        (20, 52),
    ],
)
def test_interval_leaves_out_as_many_walsh_averages_as_the_published_critical_value(
    pairs: int, table_value: int
) -> None:
    # Powers of two make every Walsh average distinct, so the count below the interval is C - 1.
    differences = [2**i for i in range(pairs)]
    result = paired_change([0] * pairs, differences)
    walsh = sorted((a + b) / 2 for i, a in enumerate(differences) for b in differences[i:])

    assert sum(1 for value in walsh if value < result.interval_low) == table_value
    assert sum(1 for value in walsh if value > result.interval_high) == table_value


def test_rank_biserial_ranks_zeros_then_leaves_them_out_of_both_sums() -> None:
    # Differences 0, +1, +1, -2, +3: Pratt ranks |d| -> 1, 2.5, 2.5, 4, 5.
    result = paired_change([3, 2, 2, 4, 1], [3, 3, 3, 2, 4])

    assert result.rank_biserial == pytest.approx((10 - 4) / 14, abs=1e-12)
    assert (result.improved, result.same, result.worse) == (3, 1, 1)


@given(
    magnitudes=st.sets(st.integers(min_value=1, max_value=60), min_size=6, max_size=25),
    data=st.data(),
)
def test_without_zeros_or_ties_p_equals_scipy_exact(
    magnitudes: set[int], data: st.DataObject
) -> None:
    # On a 0-100 scale distinct non-zero changes are possible, which is where SciPy is exact.
    signs = data.draw(
        st.lists(st.sampled_from([-1, 1]), min_size=len(magnitudes), max_size=len(magnitudes))
    )
    differences = [sign * size for sign, size in zip(signs, sorted(magnitudes), strict=True)]
    before = data.draw(
        st.lists(
            st.integers(min_value=20, max_value=40),
            min_size=len(differences),
            max_size=len(differences),
        )
    )
    after = [b + d for b, d in zip(before, differences, strict=True)]

    result = paired_change(before, after)
    expected = scipy.stats.wilcoxon(after, before, zero_method="pratt", method="exact").pvalue

    assert result.p_method == P_EXACT_SCIPY
    assert result.p_value == pytest.approx(float(expected), rel=1e-12)


@given(pairs=st.lists(st.tuples(ratings, ratings), min_size=6, max_size=10))
def test_with_zeros_and_ties_p_equals_brute_force_over_every_sign_flip(
    pairs: list[tuple[int, int]],
) -> None:
    before, after = split(pairs)
    differences = [a - b for b, a in pairs]
    assume(len({abs(d) for d in differences}) < len(differences) or 0 in differences)

    result = paired_change(before, after)

    assert result.p_method == P_EXACT_PRATT
    assert result.p_value == pytest.approx(float(brute_force_pratt_p(differences)), abs=1e-12)


def test_zeros_and_ties_example_matches_brute_force_and_differs_from_scipy_exact() -> None:
    # Differences 0, +1, +1, +2, -2, +3, +4.
    before = [3, 2, 2, 1, 4, 1, 1]
    after = [3, 3, 3, 3, 2, 4, 5]

    result = paired_change(before, after)
    rounded = scipy.stats.wilcoxon(after, before, zero_method="pratt", method="exact").pvalue

    assert result.p_value == pytest.approx(5 / 32, abs=1e-12)
    assert float(brute_force_pratt_p([0, 1, 1, 2, -2, 3, 4])) == pytest.approx(5 / 32)
    # SciPy's "exact" rounds the statistic onto the untied distribution: not exact here.
    assert rounded == pytest.approx(0.21875)


# SciPy enumerates sign flips itself for up to 13 pairs but slowly (about a second at 13), so
# this check uses up to 11 pairs and fewer, unhurried examples; brute force covers the rest.
@settings(max_examples=25, deadline=None)
@given(pairs=st.lists(st.tuples(ratings, ratings), min_size=6, max_size=11))
def test_with_zeros_and_ties_p_equals_scipy_permutation_method(
    pairs: list[tuple[int, int]],
) -> None:
    before, after = split(pairs)
    differences = [a - b for b, a in pairs]
    assume(any(differences))
    assume(len({abs(d) for d in differences}) < len(differences) or 0 in differences)

    result = paired_change(before, after)
    expected = scipy.stats.wilcoxon(after, before, zero_method="pratt", method="auto").pvalue

    assert result.p_value == pytest.approx(float(expected), rel=1e-9)


def test_more_pairs_than_the_exact_limit_are_labelled_as_an_approximation() -> None:
    rng = np.random.default_rng(20240611)
    before = rng.integers(1, 6, EXACT_PAIRS_LIMIT + 1)
    after = np.clip(before + rng.integers(-1, 3, EXACT_PAIRS_LIMIT + 1), 1, 5)

    result = paired_change(before.tolist(), after.tolist())
    expected = scipy.stats.wilcoxon(
        after, before, zero_method="pratt", correction=False, method="asymptotic"
    ).pvalue

    assert result.p_method == P_NORMAL_PRATT
    assert result.p_value == pytest.approx(float(expected), rel=1e-12)
    assert result.interval_method is not None
    assert result.interval_method.startswith("large-sample")


def test_exact_and_approximate_p_agree_closely_at_the_exact_limit() -> None:
    rng = np.random.default_rng(7)
    before = rng.integers(1, 6, EXACT_PAIRS_LIMIT)
    after = np.clip(before + rng.integers(-2, 3, EXACT_PAIRS_LIMIT), 1, 5)

    result = paired_change(before.tolist(), after.tolist())
    approximate = scipy.stats.wilcoxon(
        after, before, zero_method="pratt", correction=False, method="asymptotic"
    ).pvalue

    assert result.p_method == P_EXACT_PRATT
    assert result.p_value == pytest.approx(float(approximate), abs=0.01)


@given(pairs=rating_pairs)
def test_swapping_before_and_after_mirrors_every_signed_result(
    pairs: list[tuple[int, int]],
) -> None:
    before, after = split(pairs)
    forward = paired_change(before, after)
    backward = paired_change(after, before)

    assert (backward.improved, backward.same, backward.worse) == (
        forward.worse,
        forward.same,
        forward.improved,
    )
    assert (backward.median_before, backward.median_after) == (
        forward.median_after,
        forward.median_before,
    )
    if forward.pairs == 0:
        assert backward.hodges_lehmann is None
        return
    assert backward.hodges_lehmann == -forward.hodges_lehmann
    assert backward.rank_biserial == -forward.rank_biserial
    if forward.interval_low is None:
        assert backward.interval_low is None
    else:
        assert (backward.interval_low, backward.interval_high) == (
            -forward.interval_high,
            -forward.interval_low,
        )
    if forward.p_value is None:
        assert backward.p_value is None
    else:
        assert backward.p_value == pytest.approx(forward.p_value, rel=1e-12)


@given(pairs=rating_pairs)
def test_results_are_coherent_for_any_ratings(pairs: list[tuple[int, int]]) -> None:
    result = paired_change(*split(pairs))

    assert result.improved + result.same + result.worse == result.pairs == len(pairs)
    if result.p_value is not None:
        assert 0.0 <= result.p_value <= 1.0
    if result.interval_low is not None:
        assert result.interval_low <= result.hodges_lehmann <= result.interval_high
        assert result.interval_coverage is not None
        assert result.interval_coverage >= 0.95
    if result.rank_biserial is not None:
        assert -1.0 <= result.rank_biserial <= 1.0


@given(pairs=st.lists(st.tuples(ratings, ratings), max_size=5))
def test_five_or_fewer_pairs_give_no_p_value(pairs: list[tuple[int, int]]) -> None:
    result = paired_change(*split(pairs))

    assert result.p_value is None
    assert result.p_method is None
    assert result.interval_low is None and result.interval_high is None
    if pairs:
        assert result.note == TOO_FEW_PAIRS


def test_six_pairs_all_improving_is_the_smallest_result_below_five_percent() -> None:
    five = paired_change([1, 2, 3, 1, 2], [2, 4, 5, 4, 3])
    six = paired_change([1, 2, 3, 1, 2, 1], [2, 4, 5, 4, 3, 5])

    assert five.p_value is None and five.note == TOO_FEW_PAIRS
    assert five.hodges_lehmann is not None  # still described, just not tested
    assert six.p_value == pytest.approx(2 / 64)
    assert six.note is None


def test_nobody_changing_gives_p_of_one_and_a_zero_interval() -> None:
    result = paired_change([1, 2, 3, 4, 5, 3, 2], [1, 2, 3, 4, 5, 3, 2])

    assert result.p_value == 1.0
    assert (result.interval_low, result.interval_high) == (0.0, 0.0)
    assert result.hodges_lehmann == 0.0
    assert result.rank_biserial == 0.0
    assert result.note == NOBODY_CHANGED


def test_no_pairs_gives_counts_of_zero_and_no_statistics() -> None:
    result = paired_change([], [])

    assert (result.pairs, result.improved, result.same, result.worse) == (0, 0, 0, 0)
    assert result.median_before is None and result.hodges_lehmann is None
    assert result.p_value is None


def test_unequal_lengths_are_refused_with_both_counts_named() -> None:
    with pytest.raises(ValueError, match=r"got 3 before ratings and 2 after ratings"):
        paired_change([1, 2, 3], [2, 3])
    with pytest.raises(ValueError, match=r"got 2 meeting_one ratings and 1 retrospective_before"):
        response_shift([2], [3, 4])


def test_missing_answers_are_refused_rather_than_counted() -> None:
    with pytest.raises(TypeError, match=r"after\[1\] is None"):
        paired_change([1, 2], [3, None])  # type: ignore[list-item]


def test_response_shift_is_retrospective_minus_the_rating_given_at_the_time() -> None:
    meeting_one = [3, 3, 4, 2, 3, 3, 4, 3]
    retrospective = [2, 2, 3, 2, 1, 2, 3, 2]

    result = response_shift(retrospective, meeting_one)

    assert (result.improved, result.same, result.worse) == (0, 1, 7)
    assert result.hodges_lehmann is not None and result.hodges_lehmann < 0
    assert (result.median_before, result.median_after) == (3.0, 2.0)
    assert result.p_value == pytest.approx(
        float(brute_force_pratt_p([r - m for r, m in zip(retrospective, meeting_one, strict=True)]))
    )


def test_unpaired_comparison_counts_every_rating_seen_in_either_group() -> None:
    result = unpaired_comparison([1, 2, 2, 3, 3], [3, 4, 4, 5])

    assert result.counts_before == ((1, 1), (2, 2), (3, 2), (4, 0), (5, 0))
    assert result.counts_after == ((1, 0), (2, 0), (3, 1), (4, 2), (5, 1))
    assert (result.responses_before, result.responses_after) == (5, 4)
    assert (result.median_before, result.median_after) == (2.0, 4.0)
    assert "not change in the same people" in result.note


@given(
    before=st.lists(ratings, min_size=1, max_size=15),
    after=st.lists(ratings, min_size=1, max_size=15),
)
def test_unpaired_p_equals_scipy_mann_whitney_auto(before: list[int], after: list[int]) -> None:
    result = unpaired_comparison(before, after)
    expected = scipy.stats.mannwhitneyu(before, after, alternative="two-sided", method="auto")

    assert result.p_value == pytest.approx(float(expected.pvalue), rel=1e-12)


def test_unpaired_comparison_with_an_empty_group_has_no_p_value() -> None:
    result = unpaired_comparison([], [3, 4])

    assert result.p_value is None
    assert result.counts_before == ((3, 0), (4, 0))
    assert "nothing to compare" in result.note
