"""Exact Wilcoxon signed-rank machinery: Pratt ranks, sign-flip null distributions, HL intervals.

References
----------
- Pratt, J. W. (1959). Remarks on zeros and ties in the Wilcoxon signed rank procedures.
  Journal of the American Statistical Association 54, 655-667.
- Hodges, J. L. and Lehmann, E. L. (1963). Estimates of location based on rank tests.
  Annals of Mathematical Statistics 34, 598-611.
- Noether, G. E. (1967). Wilcoxon confidence intervals for location parameters in the discrete
  case. Journal of the American Statistical Association 62, 184-188.
- Hollander, M., Wolfe, D. A. and Chicken, E. (2014). Nonparametric Statistical Methods,
  3rd edition, Wiley, chapter 3 (signed-rank test, Hodges-Lehmann estimator and the
  distribution-free confidence interval from ordered Walsh averages).
- Streitberg, B. and Röhmel, J. (1986). Exact distributions for permutation and rank tests.
  Statistical Software Newsletter 12, 10-17 (the "shift algorithm" used below).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import floor, sqrt

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

# Above this many pairs the exact distributions are replaced by normal approximations: the
# recursion costs about n^3 operations, and at this size the approximation error is negligible.
EXACT_PAIRS_LIMIT = 200


@dataclass(frozen=True)
class PrattRanks:
    """Doubled Pratt ranks of the non-zero differences, split by sign.

    Ranks are taken over |d| for all pairs, zeros included (so zeros push the others' ranks
    up), with tied values sharing their average rank; then the zeros are dropped. Ranks are
    doubled so that average ranks such as 2.5 become integers and comparisons are exact.
    """

    positive: tuple[int, ...]
    negative: tuple[int, ...]

    @property
    def positive_sum(self) -> int:
        """Twice the sum of ranks of positive differences (2 T+)."""
        return sum(self.positive)

    @property
    def negative_sum(self) -> int:
        """Twice the sum of ranks of negative differences (2 T-)."""
        return sum(self.negative)

    @property
    def total(self) -> int:
        """Twice the sum of ranks of all non-zero differences."""
        return self.positive_sum + self.negative_sum


def pratt_ranks(differences: ArrayLike) -> PrattRanks:
    """Doubled Pratt ranks of the differences (zeros ranked, then left out)."""
    values = np.asarray(differences, dtype=float)
    doubled = np.rint(2 * stats.rankdata(np.abs(values), method="average")).astype(np.int64)
    return PrattRanks(
        positive=tuple(int(rank) for rank in doubled[values > 0]),
        negative=tuple(int(rank) for rank in doubled[values < 0]),
    )


def sign_flip_distribution(weights: Sequence[int]) -> np.ndarray:
    """P(sum of the weights that get a + sign = t), t = 0..sum(weights), signs fair and independent.

    This is the null distribution of the signed-rank statistic given the observed ranks,
    the same as enumerating all 2^k sign flips but in about k * sum(weights) steps. Each entry
    is a count divided by 2^k, so for k <= 53 the float64 values are exact.
    """
    size = sum(weights)
    probabilities = np.zeros(size + 1)
    probabilities[0] = 1.0
    reach = 0
    for weight in weights:
        unflipped = probabilities[: reach + 1].copy()
        probabilities[: reach + 1] *= 0.5
        probabilities[weight : weight + reach + 1] += 0.5 * unflipped
        reach += weight
    return probabilities


def exact_pratt_p_value(ranks: PrattRanks) -> float:
    """Exact two-sided p of the signed-rank test with Pratt zeros, valid with ties.

    Two-sided p = min(1, 2 * P(T >= the larger of T+ and T-)), which for this symmetric
    distribution equals P(|T - E T| >= |t - E T|) and matches SciPy's two-sided convention.
    """
    distribution = sign_flip_distribution(ranks.positive + ranks.negative)
    larger = max(ranks.positive_sum, ranks.negative_sum)
    return min(1.0, 2.0 * float(distribution[larger:].sum()))


@dataclass(frozen=True)
class ShiftInterval:
    """A distribution-free confidence interval for the shift, and how it was found."""

    low: float
    high: float
    coverage: float
    method: str


INTERVAL_EXACT = "exact: ordered Walsh averages, critical value from the exact signed-rank null"
INTERVAL_NORMAL = "large-sample: ordered Walsh averages, normal-approximation critical value"


def walsh_averages(differences: ArrayLike) -> np.ndarray:
    """All (d_i + d_j) / 2 for i <= j, sorted: n(n+1)/2 values."""
    values = np.asarray(differences, dtype=float)
    first, second = np.triu_indices(len(values))
    return np.sort((values[first] + values[second]) / 2)


def shift_interval(
    sorted_walsh_averages: np.ndarray, pairs: int, confidence: float = 0.95
) -> ShiftInterval | None:
    """The Walsh-average confidence interval for the shift, or None if too few pairs.

    With M = n(n+1)/2 Walsh averages W(1) <= ... <= W(M) and t the smallest value with
    P(T+ >= t) <= alpha/2 under the untied null, C = M + 1 - t and the interval is
    [W(C), W(M + 1 - C)]. Its coverage for continuous data is 1 - 2 P(T+ >= t), which is
    at least `confidence`; with tied (ordinal) data the closed interval covers at least that
    often (Noether 1967). No 95% interval exists for n <= 5, where P(T+ = M) = 2^-n > 0.025.
    """
    total = len(sorted_walsh_averages)
    if total != pairs * (pairs + 1) // 2:
        raise ValueError(f"expected {pairs * (pairs + 1) // 2} Walsh averages, got {total}")
    tail_probability = (1 - confidence) / 2
    if pairs <= EXACT_PAIRS_LIMIT:
        distribution = sign_flip_distribution(range(1, pairs + 1))
        upper_tail = np.cumsum(distribution[::-1])[::-1]  # upper_tail[t] = P(T+ >= t)
        attainable = np.flatnonzero(upper_tail <= tail_probability)
        if attainable.size == 0:
            return None
        critical = int(attainable[0])
        depth = total + 1 - critical
        coverage = 1 - 2 * float(upper_tail[critical])
        method = INTERVAL_EXACT
    else:
        spread = sqrt(pairs * (pairs + 1) * (2 * pairs + 1) / 24)
        z = float(stats.norm.isf(tail_probability))
        depth = max(1, floor(total / 2 - z * spread + 0.5))
        coverage = confidence
        method = INTERVAL_NORMAL
    return ShiftInterval(
        low=float(sorted_walsh_averages[depth - 1]),
        high=float(sorted_walsh_averages[total - depth]),
        coverage=coverage,
        method=method,
    )
