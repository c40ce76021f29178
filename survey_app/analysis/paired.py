"""Before and after: how practitioners' ratings changed between meeting one and meeting four.

`paired_change` is the main comparison (same people, two ratings each); `response_shift` uses
it to compare the meeting-four "looking back" rating with the real meeting-one rating; and
`unpaired_comparison` covers answers that could not be paired, as two separate groups.

Methods, and the choices made where the textbooks differ:

- Differences are after - before, so a positive shift means ratings went up.
- The Wilcoxon signed-rank test uses Pratt's (1959) handling of zero differences: zeros are
  ranked with the rest (pushing the other ranks up) and then take no part in either rank sum.
  Tied differences share their average rank.
- Its p-value is two-sided. With no zeros and no ties it comes from SciPy's exact signed-rank
  distribution. SciPy's "exact" method is not exact with zeros or ties (it rounds the statistic
  and uses the untied distribution), and its "auto" method only enumerates sign flips up to 13
  pairs, so with zeros or ties the exact permutation distribution of the Pratt statistic given
  the observed ranks is computed here, for up to `EXACT_PAIRS_LIMIT` pairs; beyond that SciPy's
  normal approximation with Pratt and tie corrections is used. `p_method` says which.
- The Hodges-Lehmann shift is the median of the Walsh averages (d_i + d_j) / 2, i <= j, of all
  differences, zeros included (Hodges & Lehmann 1963). Its 95% interval comes from the ordered
  Walsh averages with the exact signed-rank critical value (Hollander, Wolfe & Chicken 2014,
  ch. 3); for whole-number ratings, which tie a lot, its coverage is at least 95% (Noether 1967)
  and `interval_coverage` is the coverage it would have without ties.
- The matched-pairs rank-biserial correlation follows Kerby's (2014) simple difference formula,
  r = (sum of positive ranks - sum of negative ranks) / (sum of both), with the same Pratt ranks
  as the test. Zeros are not in the denominator, so r is the test statistic rescaled to [-1, 1]
  (r = 0 exactly when T+ sits at the centre of its null distribution); how many stayed the same
  is reported beside it, not folded into it.
- With fewer than `minimum_pairs_for_test` pairs (6 by default) there is no p-value and no
  interval: with 5 or fewer pairs no result can reach p < 0.05, and no 95% interval exists.
- If every difference is zero the p-value is 1.0 (every sign flip gives the same statistic, so
  the data are as consistent with "no change" as data can be), the shift and its interval are
  0, the rank-biserial correlation is 0, and the note says that nobody's rating changed.

Kerby, D. S. (2014). The simple difference formula: an approach to teaching nonparametric
correlation. Comprehensive Psychology 3, article 1. Other references are in `signed_rank`.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
from scipy import stats

from survey_app.analysis.signed_rank import (
    EXACT_PAIRS_LIMIT,
    exact_pratt_p_value,
    pratt_ranks,
    shift_interval,
    walsh_averages,
)

P_EXACT_SCIPY = "exact signed-rank distribution (SciPy; no zeros or ties)"
P_EXACT_PRATT = "exact permutation distribution of the Pratt statistic (zeros or ties present)"
P_NORMAL_PRATT = "normal approximation with Pratt zero and tie corrections (SciPy)"
MANN_WHITNEY_EXACT = "exact Mann-Whitney U distribution (SciPy; no ties)"
MANN_WHITNEY_NORMAL = "normal approximation with tie and continuity corrections (SciPy)"

NO_PAIRS = "no pairs"
TOO_FEW_PAIRS = "too few pairs to test"
NOBODY_CHANGED = "nobody's rating changed"
TWO_GROUPS = (
    "compares two groups of answers, not change in the same people: the people who answered "
    "before may not be the people who answered after"
)
EMPTY_GROUP = "one group has no answers, so there is nothing to compare"

# Fewer pairs than this can never give p < 0.05: with n pairs the smallest two-sided p is 2/2^n.
FEWEST_PAIRS_THAT_CAN_REACH_5_PERCENT = 6


@dataclass(frozen=True)
class PairedChange:
    """How one item's ratings changed for the people who answered both times."""

    pairs: int
    median_before: float | None
    median_after: float | None
    improved: int
    same: int
    worse: int
    hodges_lehmann: float | None
    interval_low: float | None
    interval_high: float | None
    interval_coverage: float | None
    interval_method: str | None
    p_value: float | None
    p_method: str | None
    rank_biserial: float | None
    note: str | None


@dataclass(frozen=True)
class UnpairedComparison:
    """Ratings from people who could not be paired, compared as two separate groups."""

    responses_before: int
    responses_after: int
    counts_before: tuple[tuple[float, int], ...]
    counts_after: tuple[tuple[float, int], ...]
    median_before: float | None
    median_after: float | None
    p_value: float | None
    p_method: str | None
    note: str


def paired_change(
    before: Sequence[float],
    after: Sequence[float],
    minimum_pairs_for_test: int = FEWEST_PAIRS_THAT_CAN_REACH_5_PERCENT,
) -> PairedChange:
    """Compare each person's rating after with their own rating before (after - before)."""
    return _paired_change(before, after, minimum_pairs_for_test, names=("before", "after"))


def response_shift(
    retrospective_before: Sequence[float],
    meeting_one: Sequence[float],
    minimum_pairs_for_test: int = FEWEST_PAIRS_THAT_CAN_REACH_5_PERCENT,
) -> PairedChange:
    """Compare the meeting-four "looking back" rating with the real meeting-one rating.

    The shift is retrospective - meeting one, so in the result "improved" counts people who,
    looking back, rated their earlier selves higher than they did at the time, and "worse"
    those who rated their earlier selves lower (the usual response shift: people learn how
    much they did not know). A negative Hodges-Lehmann shift means people now think they
    started lower than they said; a plain before/after change then understates their progress.
    """
    return _paired_change(
        meeting_one,
        retrospective_before,
        minimum_pairs_for_test,
        names=("meeting_one", "retrospective_before"),
    )


def unpaired_comparison(before: Sequence[float], after: Sequence[float]) -> UnpairedComparison:
    """Compare answers that could not be paired, as two groups (two-sided Mann-Whitney U)."""
    before_scores = _scores(before, "before")
    after_scores = _scores(after, "after")
    ratings = sorted(set(before_scores) | set(after_scores))
    before_counts = Counter(before_scores)
    after_counts = Counter(after_scores)
    p_value: float | None = None
    p_method: str | None = None
    note = TWO_GROUPS
    if before_scores and after_scores:
        # SciPy's documented "auto" rule, applied here so the label always names the method
        # actually used: exact when either group has at most 8 answers and nothing ties.
        ties = len(ratings) < len(before_scores) + len(after_scores)
        use_exact = min(len(before_scores), len(after_scores)) <= 8 and not ties
        result = stats.mannwhitneyu(
            after_scores,
            before_scores,
            alternative="two-sided",
            method="exact" if use_exact else "asymptotic",
        )
        p_value = float(result.pvalue)
        p_method = MANN_WHITNEY_EXACT if use_exact else MANN_WHITNEY_NORMAL
    else:
        note = f"{TWO_GROUPS}; {EMPTY_GROUP}"
    return UnpairedComparison(
        responses_before=len(before_scores),
        responses_after=len(after_scores),
        counts_before=tuple((rating, before_counts[rating]) for rating in ratings),
        counts_after=tuple((rating, after_counts[rating]) for rating in ratings),
        median_before=_median(before_scores),
        median_after=_median(after_scores),
        p_value=p_value,
        p_method=p_method,
        note=note,
    )


def _paired_change(
    first: Sequence[float],
    second: Sequence[float],
    minimum_pairs_for_test: int,
    names: tuple[str, str],
) -> PairedChange:
    first_name, second_name = names
    if len(first) != len(second):
        raise ValueError(
            f"{first_name} and {second_name} must be the same people in the same order: "
            f"got {len(first)} {first_name} ratings and {len(second)} {second_name} ratings"
        )
    if minimum_pairs_for_test < 1:
        raise ValueError(f"minimum_pairs_for_test must be at least 1, not {minimum_pairs_for_test}")
    first_scores = _scores(first, first_name)
    second_scores = _scores(second, second_name)
    differences = np.subtract(second_scores, first_scores, dtype=float)
    pairs = len(differences)

    improved = int(np.count_nonzero(differences > 0))
    worse = int(np.count_nonzero(differences < 0))
    same = pairs - improved - worse
    if pairs == 0:
        return PairedChange(
            pairs=0,
            median_before=None,
            median_after=None,
            improved=0,
            same=0,
            worse=0,
            hodges_lehmann=None,
            interval_low=None,
            interval_high=None,
            interval_coverage=None,
            interval_method=None,
            p_value=None,
            p_method=None,
            rank_biserial=None,
            note=NO_PAIRS,
        )

    walsh = walsh_averages(differences)
    ranks = pratt_ranks(differences)
    rank_biserial = (ranks.positive_sum - ranks.negative_sum) / ranks.total if ranks.total else 0.0

    note: str | None = None
    interval = None
    p_value: float | None = None
    p_method: str | None = None
    if pairs < minimum_pairs_for_test:
        note = TOO_FEW_PAIRS
    else:
        interval = shift_interval(walsh, pairs)
        p_value, p_method = _signed_rank_p_value(differences)
        if same == pairs:
            note = NOBODY_CHANGED

    return PairedChange(
        pairs=pairs,
        median_before=_median(first_scores),
        median_after=_median(second_scores),
        improved=improved,
        same=same,
        worse=worse,
        hodges_lehmann=float(np.median(walsh)),
        interval_low=interval.low if interval else None,
        interval_high=interval.high if interval else None,
        interval_coverage=interval.coverage if interval else None,
        interval_method=interval.method if interval else None,
        p_value=p_value,
        p_method=p_method,
        rank_biserial=rank_biserial,
        note=note,
    )


def _signed_rank_p_value(differences: np.ndarray) -> tuple[float, str]:
    """Two-sided Wilcoxon signed-rank p with Pratt zeros, and the name of the method used."""
    magnitudes = np.abs(differences)
    has_zeros = bool(np.any(differences == 0))
    has_ties = len(np.unique(magnitudes)) < len(magnitudes)
    if not (has_zeros or has_ties):
        result = stats.wilcoxon(differences, zero_method="pratt", method="exact")
        return float(result.pvalue), P_EXACT_SCIPY
    if len(differences) <= EXACT_PAIRS_LIMIT or not np.any(differences):
        return exact_pratt_p_value(pratt_ranks(differences)), P_EXACT_PRATT
    result = stats.wilcoxon(differences, zero_method="pratt", correction=False, method="asymptotic")
    return float(result.pvalue), P_NORMAL_PRATT


def _scores(values: Sequence[float], name: str) -> list[float]:
    """The ratings as numbers, refusing anything that is not a finite number."""
    scores: list[float] = []
    for position, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(
                f"{name}[{position}] is {value!r}, not a rating: leave out people with a "
                "missing or 'don't know' answer before comparing"
            )
        if not math.isfinite(value):
            raise ValueError(f"{name}[{position}] is {value!r}, not a finite rating")
        scores.append(value)
    return scores


def _median(scores: Sequence[float]) -> float | None:
    return float(statistics.median(scores)) if scores else None
