"""The cell key method: published counts carry a small perturbation no reader can predict or undo.

Suppression and rounding protect a count only from a reader who does not know the answers; a
reader who sent some answers themselves (or knows a colleague's) subtracts them and reads what
is left. So, as ONS did for Census 2021's custom tables and the ABS does in TableBuilder:

- every response gets a random secret key when it is saved (`models.new_cell_key`, 31 bits,
  never shown to anyone);
- a cell's key is the sum of its members' keys modulo 2**31, a fraction of the range: the same
  responses always give the same key (the same cell always shows the same value, so asking
  again and averaging gains nothing), and adding or removing any one response moves it to a
  value no one can predict without that response's key;
- a cell's published count is its exact count plus the perturbation that `PERTURBATION` gives
  for that count at that key. Zeros are perturbed too: a cell with no members has no keys to
  sum, so its key is drawn from the keys of everyone who answered the question
  (`zero_cell_key`): a 0 may be published as a small positive count (shown `c`), a 1 or 2 as 0.

Suppression (counts 1-7 shown as `c`) and rounding to 5 then apply to the perturbed counts, as
presentation (`protect_with_cell_keys`). The perturbation table is built once from a
discrete Laplace kernel cut at +-D (see `perturbation_table`); its spread is stated in
`SPREAD` and in the README.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from . import notes
from .rules import DisclosureRules
from .tables import (
    PublishedCell,
    PublishedQuestion,
    QuestionCounts,
    protect_question,
    withheld_question,
)

KEY_BITS = 31  # a response's key fits PostgreSQL's signed integer
KEY_RANGE = 1 << KEY_BITS
# Largest perturbation either way, and how fast its chances fall with size (each step away
# from 0 half as likely as the one before). Most of the time a count moves by 0 to 2; the long,
# thin tail (a move of 10 has a chance of 3 in 10,000) is what keeps a reader who knows every
# answer but one from being sure of the last: a bounded perturbation gives that answer away
# only when it is drawn at its very edge (see README, "Protection that survives what an
# insider knows").
LARGEST = 10
DECAY = 0.5
# Rows of the table: counts from LARGEST up are all perturbed alike (their row is unbiased).
ROWS = LARGEST + 1


@dataclass(frozen=True)
class PerturbationRow:
    """For one count, each possible perturbation and the share of cell keys that give it."""

    count: int
    perturbations: tuple[int, ...]
    chances: tuple[float, ...]

    def mean(self) -> float:
        return sum(p * c for p, c in zip(self.perturbations, self.chances, strict=True))

    def variance(self) -> float:
        mean = self.mean()
        return sum(
            (p - mean) ** 2 * c for p, c in zip(self.perturbations, self.chances, strict=True)
        )

    def at(self, fraction: float) -> int:
        """The perturbation for a cell key at `fraction` of the key range (0 <= fraction < 1)."""
        total = 0.0
        for perturbation, chance in zip(self.perturbations, self.chances, strict=True):
            total += chance
            if fraction < total:
                return perturbation
        return self.perturbations[-1]


def perturbation_table(largest: int = LARGEST, decay: float = DECAY) -> tuple[PerturbationRow, ...]:
    """One row per count from 0 to `largest` (the last row serves every larger count).

    Each row weighs a perturbation p by decay**|p| (a discrete Laplace kernel cut at
    +-largest), leaves out any p that would publish a negative count, and, for counts above 0,
    is tilted (weights times exp(t * p), t found by bisection) so its mean is exactly 0: the
    published counts are unbiased. A zero can only move up, so its row has a small positive
    mean (stated in `SPREAD`).
    """
    rows = []
    for count in range(largest + 1):
        perturbations = tuple(range(-min(count, largest), largest + 1))
        weights = [decay ** abs(p) for p in perturbations]
        tilt = _tilt_to_zero_mean(perturbations, weights) if count > 0 else 0.0
        tilted = [w * math.exp(tilt * p) for w, p in zip(weights, perturbations, strict=True)]
        total = sum(tilted)
        rows.append(PerturbationRow(count, perturbations, tuple(w / total for w in tilted)))
    return tuple(rows)


def _tilt_to_zero_mean(perturbations: Sequence[int], weights: Sequence[float]) -> float:
    def mean(tilt: float) -> float:
        tilted = [w * math.exp(tilt * p) for w, p in zip(weights, perturbations, strict=True)]
        return sum(w * p for w, p in zip(tilted, perturbations, strict=True)) / sum(tilted)

    low, high = -10.0, 10.0
    for _ in range(200):
        middle = (low + high) / 2
        if mean(middle) > 0:
            high = middle
        else:
            low = middle
    return (low + high) / 2


PERTURBATION = perturbation_table()


@dataclass(frozen=True)
class Spread:
    """What the perturbation can do to a count: at most `largest` either way; the variance of
    counts from `largest` up; the mean a zero is moved up by."""

    largest: int
    variance: float
    zero_mean: float


SPREAD = Spread(LARGEST, PERTURBATION[-1].variance(), PERTURBATION[0].mean())


def perturbation(count: int, cell_key: int, table: Sequence[PerturbationRow] = PERTURBATION) -> int:
    """What is added to an exact `count` whose cell key is `cell_key` (0 <= key < 2**31)."""
    row = table[min(count, len(table) - 1)]
    return row.at((cell_key % KEY_RANGE) / KEY_RANGE)


def cell_key(keys: Sequence[int]) -> int:
    """The key of a cell: its members' keys summed, modulo 2**31."""
    return sum(keys) % KEY_RANGE


def zero_cell_key(base_key: int, question: str, option: str) -> int:
    """The key of a cell with no members: from the key of everyone who answered the question,
    mixed with the cell's name, so each empty cell of a table moves on its own and changes
    whenever anyone joins or leaves the group."""
    digest = hashlib.blake2b(
        f"{base_key % KEY_RANGE}\x00{question}\x00{option}".encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "little") % KEY_RANGE


def pair_cell_key(first_key: int, second_key: int) -> int:
    """The secret key of one practitioner's pair of answers (meeting one and a later meeting),
    for counts of pairs (improved / same / worse): a keyed hash of the two answers' own keys.

    Not their sum: the pairs of an item are then not a sum of keys of the wave tables shown
    beside them (the same people's answers at each meeting), so a pair count moves on its
    own, as any other cell does. No one can work it out without both answers' keys, which are
    never shown; knowing one's own answers, or which people paired, gives none of them.
    """
    digest = hashlib.blake2b(
        f"pair\x00{first_key % KEY_RANGE}\x00{second_key % KEY_RANGE}".encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "little") % KEY_RANGE


def perturbed_counts(counted: QuestionCounts) -> QuestionCounts:
    """The question's counts and base with their perturbations added (needs `counted.keys`)."""
    keys = counted.keys or {}
    base_key = counted.base_key or 0
    counts = {}
    for option in counted.options:
        exact = int(counted.counts.get(option, 0))
        key = keys.get(option, 0) if exact else zero_cell_key(base_key, counted.question, option)
        counts[option] = max(0, exact + perturbation(exact, key))
    base = counted.base
    if base:
        base = max(0, base + perturbation(base, base_key))
    return replace(counted, counts=counts, base=base)


def protect_with_cell_keys(
    counted: QuestionCounts,
    rules: DisclosureRules,
    withhold: str = "",
    forced: frozenset[str] = frozenset(),
) -> PublishedQuestion:
    """The default `Protection`: perturb every count (zeros too) and the base by their cell
    keys, then, as presentation, hide a perturbed count of 1 to 7 (and the `forced` ones) and
    round the rest and the base.

    No secondary suppression: it exists to stop a hidden count being worked out as the base
    minus the shown counts, and with every shown count and the base perturbed that
    subtraction is off by up to `LARGEST` per figure (the tests' audit checks it over
    everything published). Hiding more would cascade from the zeros a perturbation lifts.
    A table counted without keys (`counted.keys` is None) is protected by suppression and
    rounding alone (`protect_question`).
    """
    if counted.keys is None:
        return protect_question(counted, rules, withhold, forced)
    if withhold:
        return withheld_question(counted, withhold)
    perturbed = perturbed_counts(counted)
    # Too few answers to break down: decided on the exact base only where that is the
    # group's size (settled, and known to be at least the minimum); a question asked after
    # some answers ("Why not?") is decided on its perturbed base, as whether it is shown
    # would otherwise say on which side of the minimum its exact base lies (nine answers
    # sent to learn whether a tenth child said "no").
    everyone = counted.group_size is not None and counted.base == counted.group_size
    if (counted.base if everyone else perturbed.base) < rules.minimum_base:
        return withheld_question(counted, notes.SMALL_BASE)
    # A base perturbed below the minimum is shown at the minimum: it was at least that.
    base = max(perturbed.base, rules.minimum_base)
    cells = []
    for option in counted.options:
        value = int(perturbed.counts.get(option, 0))
        if option in forced or rules.is_small(value):
            cells.append(PublishedCell(option, notes.HIDDEN, "", notes.SMALL_COUNT))
        else:
            cells.append(
                PublishedCell(
                    option, rules.rounded(value), rules.published_percent(value, base), ""
                )
            )
    return PublishedQuestion(counted.question, rules.rounded(base), tuple(cells))


def summed_keys(parts: Sequence[Mapping[str, int] | None]) -> dict[str, int] | None:
    """Cell keys of a union of disjoint groups: each option's keys summed (None if any part
    has none)."""
    if any(part is None for part in parts):
        return None
    total: dict[str, int] = {}
    for part in parts:
        for option, key in (part or {}).items():
            total[option] = (total.get(option, 0) + key) % KEY_RANGE
    return total
