"""What working the before/after statistics out from perturbed counts costs in accuracy: for a
few planted groups of pairs, the statistics from the exact pairs against those from the pairs'
perturbed counts (`downloads.prepost_rows.perturbed_change`), over many random key draws.

Prints, per group: the exact shift, p and rank-biserial; the mean absolute difference of the
shift and of the rank-biserial; and how often the perturbed p-value gives the same verdict at
0.05 as the exact one.

    python bench/prepost_statistics.py [--draws N]
"""

from __future__ import annotations

import argparse
import random
import statistics

from survey_app.analysis.paired import paired_change
from survey_app.analysis.prepost import RatedPair
from survey_app.downloads.prepost_rows import perturbed_change

SCALE = (1.0, 2.0, 3.0, 4.0, 5.0)
GROUPS = {
    "20 pairs (12 up, 8 same)": (
        [2, 2, 3, 1, 2, 3, 3, 2, 4, 2, 1, 3] + [2, 2, 3, 1, 2, 3, 3, 2],
        [4, 3, 4, 3, 4, 4, 4, 3, 5, 4, 3, 4] + [2, 2, 3, 1, 2, 3, 3, 2],
    ),
    "40 pairs (25 up, 10 same, 5 down)": ([2] * 40, [3] * 25 + [2] * 10 + [1] * 5),
    "100 pairs (mixed)": (
        [2] * 50 + [3] * 50,
        [3] * 30 + [2] * 15 + [4] * 5 + [4] * 25 + [3] * 20 + [2] * 5,
    ),
}


def main() -> None:
    """Print the figures for each planted group."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=200)
    draws = parser.parse_args().draws
    for name, (before, after) in GROUPS.items():
        exact = paired_change([float(b) for b in before], [float(a) for a in after])
        assert exact.hodges_lehmann is not None and exact.p_value is not None
        assert exact.rank_biserial is not None
        shift, effect, same_verdict = [], [], 0
        for seed in range(draws):
            draw = random.Random(seed)
            rated = [
                RatedPair(float(b), float(a), draw.randrange(1 << 31), draw.randrange(1 << 31))
                for b, a in zip(before, after, strict=True)
            ]
            found = perturbed_change("item", "change", rated, SCALE)
            assert found.hodges_lehmann is not None and found.p_value is not None
            assert found.rank_biserial is not None
            shift.append(abs(found.hodges_lehmann - exact.hodges_lehmann))
            effect.append(abs(found.rank_biserial - exact.rank_biserial))
            same_verdict += (found.p_value < 0.05) == (exact.p_value < 0.05)
        print(
            f"{name}: exact shift {exact.hodges_lehmann:g}, p {exact.p_value:.3g}, "
            f"rank-biserial {exact.rank_biserial:.3f}; from perturbed counts: mean |shift "
            f"difference| {statistics.mean(shift):.2f}, mean |rank-biserial difference| "
            f"{statistics.mean(effect):.3f}, same verdict at p < 0.05 {same_verdict / draws:.0%}"
        )


if __name__ == "__main__":
    main()
