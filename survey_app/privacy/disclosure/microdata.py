"""Row-level outputs (anonymised responses): no combination of the columns that describe a
respondent rather than their answers may single out fewer than `suppress_below` responses.

A council of 40 responses is large enough to publish, but the only response in Polish, or the
only one from a distribution at one school in one month, is one child. The describing columns
(distribution, month, language, age band) are quasi-identifiers: together with what a reader
already knows (who was at that conference) they can point at one child, and then at everything
that child said.

So every published combination of them is shared by at least `suppress_below` rows
(k-anonymity with k = suppress_below, 8 by default), by local suppression:

1. Rows whose full combination is common enough keep it.
2. The rest lose one column at a time, in `GIVE_UP_ORDER` (language first: it says most about a
   family; the age band last: it is what most analyses need), and are grouped again on what is
   left; each new group that is large enough keeps what it has left.
3. Rows left over after every column has gone are one group with nothing shown. If that group
   is smaller than k (but not empty), whole combinations are suppressed too, smallest first,
   until it holds at least k rows, so that "the rows with nothing shown" is never a small group.

Works on counts of combinations, not on rows, so an export of a million rows needs only the
counts (one GROUP BY) and a dictionary lookup per row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from . import notes

DESCRIBING = ("distribution", "month", "language", "age_band")
# Positions in DESCRIBING, in the order they are given up.
GIVE_UP_ORDER = (2, 0, 1, 3)
HIDDEN = notes.HIDDEN

Key = tuple[str, ...]


def generalise(counts: Mapping[Key, int], k: int) -> dict[Key, Key]:
    """For each combination of describing values (within one council), the combination to
    publish: itself, or with some values replaced by `HIDDEN`; every published combination is
    shared by at least k rows (or by none)."""
    result: dict[Key, Key] = {}
    pending = {key: n for key, n in counts.items() if n > 0}
    hidden: set[int] = set()
    for position in (None, *GIVE_UP_ORDER):
        if position is not None:
            hidden.add(position)
        groups: dict[Key, list[Key]] = defaultdict(list)
        for key in pending:
            groups[_mask(key, hidden)].append(key)
        for masked, members in groups.items():
            if len(hidden) == len(GIVE_UP_ORDER):
                continue  # the last group: settled below
            if sum(pending[m] for m in members) >= k:
                for member in members:
                    result[member] = masked
                    del pending[member]
    if pending:
        everything = _mask(next(iter(pending)), set(GIVE_UP_ORDER))
        left = sum(pending.values())
        for key in pending:
            result[key] = everything
        if left < k:
            # Top the all-hidden group up to k with the smallest groups published so far.
            published: Counter[Key] = Counter()
            for key, shown in result.items():
                if shown != everything:
                    published[shown] += counts[key]
            for shown, size in sorted(published.items(), key=lambda item: (item[1], item[0])):
                if left >= k:
                    break
                for key, target in list(result.items()):
                    if target == shown:
                        result[key] = everything
                left += size
    return result


def _mask(key: Key, hidden: set[int]) -> Key:
    return tuple(HIDDEN if i in hidden else value for i, value in enumerate(key))


def published_sizes(counts: Mapping[Key, int], mapping: Mapping[Key, Key]) -> Counter[Key]:
    """How many rows share each published combination (for tests and checks)."""
    sizes: Counter[Key] = Counter()
    for key, n in counts.items():
        sizes[mapping[key]] += n
    return sizes
