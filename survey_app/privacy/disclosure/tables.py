"""Which counts of one question in one group may be published, and how.

The rules, in order:

1. A question answered by fewer than `minimum_base` responses in a group is not broken down:
   its counts, base and percentages are all shown as `x`.
2. Primary suppression: a count from 1 to `suppress_below - 1` is hidden (`c`). Zeros are shown.
3. Secondary suppression: more counts are hidden, smallest non-zero first, until the published
   figures say nothing about any hidden count beyond "it is not zero" to a reader who knows every
   shown count and the base exactly (see `is_protected`); a reader who also knows how the extra
   counts are chosen can narrow a hidden count but not pin it down (checked by brute force in
   tests/test_disclosure_properties.py). The base is never the cell hidden instead: every
   required question publishes the group's size, so hiding one question's base would protect
   nothing.
4. If even hiding every non-zero count cannot achieve that, the question is not broken down.
5. Every count shown, and the base, is rounded to the nearest `round_to` (halves up); each shown
   count gets a percentage worked out from the rounded count and base, to one decimal place
   (`DisclosureRules.published_percent`: from exact counts they would undo the rounding).

The suppression does not rest on the rounding: it assumes a reader who knows every published
count and the base exactly. Every hidden count has the same note, whatever the reason.

These rules alone protect only tables counted without cell keys (the before/after change
counts no longer are: their keys are made from their pairs' keys, see `cellkey.pair_cell_key`;
the tests use these rules as the old protection to compare against). Every keyed table is
perturbed first (`cellkey.protect_with_cell_keys`, the default `Protection`), which
then applies rules 1, 2 and 5 to the perturbed counts, without secondary suppression: no
reader knows the exact counts to subtract.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import notes
from .rules import DisclosureRules


@dataclass(frozen=True)
class QuestionCounts:
    """One question's exact counts in one group: plain data, before any protection.

    multiple: a multiple-choice question (a response may give several options); otherwise the
        options partition the base (each answering response gave exactly one of them).
    exclusive: in a multiple-choice question, options that are given alone ("I don't know",
        "I'd rather not say").
    keys: each option's cell key (its members' secret keys summed, modulo 2**31; see
        `cellkey`), or None when the table was counted without keys.
    base_key: the cell key of the responses that answered the question.
    group_size: responses in the group the table is about, when known (`groups.protect_group`).
    """

    question: str
    options: tuple[str, ...]
    counts: Mapping[str, int]
    base: int
    multiple: bool = False
    exclusive: frozenset[str] = field(default_factory=frozenset)
    keys: Mapping[str, int] | None = None
    base_key: int | None = None
    group_size: int | None = None

    def values(self) -> list[int]:
        return [int(self.counts.get(option, 0)) for option in self.options]


@dataclass(frozen=True)
class PublishedCell:
    """One option's count as it may leave the service."""

    option: str
    count: int | str
    percent: str
    note: str


@dataclass(frozen=True)
class PublishedQuestion:
    """One question in one group as it may leave the service.

    withheld: the note code saying why nothing is broken down, or "" when the question is shown.
    remark: a note code that applies to every row even when shown (e.g. the region's).
    """

    question: str
    base: int | str
    cells: tuple[PublishedCell, ...]
    withheld: str = ""
    remark: str = ""

    @property
    def shown(self) -> bool:
        return not self.withheld

    def hidden_options(self) -> frozenset[str]:
        return frozenset(cell.option for cell in self.cells if cell.count == notes.HIDDEN)

    def publishes(self, option: str) -> bool:
        """Whether option's count is published as a number here."""
        return self.shown and option not in self.hidden_options()


def protect_question(
    counted: QuestionCounts,
    rules: DisclosureRules,
    withhold: str = "",
    forced: frozenset[str] = frozenset(),
) -> PublishedQuestion:
    """The publishable form of one question's counts in one group.

    withhold: a note code to withhold the question for a reason found elsewhere (for example
    `notes.FOLLOWS_HIDDEN`); otherwise it is withheld only for its own reasons.
    forced: options to hide whatever their count, because subtracting them from a table
    already published would reveal a small number (`cells.forced_hidden`); zeros too.
    """
    if not withhold and counted.base < rules.minimum_base:
        withhold = notes.SMALL_BASE
    values = counted.values()
    hidden: frozenset[int] | None = frozenset()
    if not withhold:
        hidden = hidden_cells(
            values,
            counted.base,
            rules,
            multiple=counted.multiple,
            exclusive=[option in counted.exclusive for option in counted.options],
            forced=frozenset(i for i, o in enumerate(counted.options) if o in forced),
        )
        if hidden is None:
            withhold = notes.CANNOT_PROTECT
    if withhold or hidden is None:
        return withheld_question(counted, withhold)
    cells = tuple(
        PublishedCell(option, notes.HIDDEN, "", notes.SMALL_COUNT)
        if index in hidden
        else PublishedCell(
            option, rules.rounded(value), rules.published_percent(value, counted.base), ""
        )
        for index, (option, value) in enumerate(zip(counted.options, values, strict=True))
    )
    return PublishedQuestion(counted.question, rules.rounded(counted.base), cells)


def withheld_question(counted: QuestionCounts, reason: str) -> PublishedQuestion:
    """A question with no breakdown: every figure, zeros included, shown as `x`."""
    cells = tuple(PublishedCell(option, notes.NOT_SHOWN, "", reason) for option in counted.options)
    return PublishedQuestion(counted.question, notes.NOT_SHOWN, cells, withheld=reason)


def hidden_cells(
    values: Sequence[int],
    base: int,
    rules: DisclosureRules,
    *,
    multiple: bool = False,
    exclusive: Sequence[bool] = (),
    forced: frozenset[int] = frozenset(),
) -> frozenset[int] | None:
    """The positions of the counts to hide, or None if no choice of them protects the rest.

    Primary suppression (and the `forced` positions) first, then the smallest non-zero
    published count (the earliest option on a tie) until `is_protected` holds.
    """
    flags = list(exclusive) or [False] * len(values)
    hidden = {index for index, value in enumerate(values) if rules.is_small(value)} | forced
    while not is_protected(values, hidden, base, rules, multiple=multiple, exclusive=flags):
        candidates = [i for i, value in enumerate(values) if value > 0 and i not in hidden]
        if not candidates:
            return None
        hidden.add(min(candidates, key=lambda index: (values[index], index)))
    return frozenset(hidden)


def is_protected(
    values: Sequence[int],
    hidden: set[int] | frozenset[int],
    base: int,
    rules: DisclosureRules,
    *,
    multiple: bool = False,
    exclusive: Sequence[bool] = (),
) -> bool:
    """Whether, knowing every other count and the base exactly, a reader can learn nothing about
    a hidden count beyond "it is not zero": every value from 1 to suppress_below - 1 stays
    possible for each of them.
    """
    if not hidden:
        return True
    if not multiple:
        return _partition_protected(values, hidden, rules)
    flags = list(exclusive) or [False] * len(values)
    return all(
        _multiple_choice_allows(values, hidden, flags, base, cell, value)
        for cell in hidden
        for value in range(1, rules.suppress_below)
    )


def _partition_protected(
    values: Sequence[int], hidden: set[int] | frozenset[int], rules: DisclosureRules
) -> bool:
    """Single-answer questions: the options partition the base, so the hidden counts add up to
    a total S anyone can work out (the base minus the shown counts). One hidden count alone is
    therefore revealed; with k of them, each is pinned only by how S can be split.

    - Each must be free to be anything from 1 to suppress_below - 1 while the others are at
      least 1: S - (k - 1) >= suppress_below - 1.
    - A reader who knows this rule knows that a count hidden for protection is no bigger than the
      smallest count still shown (it was chosen as the smallest), so each hidden count is at most
      cap = max(suppress_below - 1, smallest shown non-zero count). The others must be able to
      absorb S - 1 within that cap: S - 1 <= (k - 1) * cap.
    - S > 2 * (suppress_below - 1): no two counts hidden for being small can make up the total,
      so a larger count hidden for protection is always among them.
    Brute force over every split of S (tests/test_disclosure_properties.py) finds no published
    table from which a rule-aware reader can pin down a hidden count.
    """
    top = rules.largest_hidden
    hidden_values = [values[i] for i in hidden]
    count = len(hidden_values)
    total = sum(hidden_values)
    shown = [value for i, value in enumerate(values) if i not in hidden and value > 0]
    cap = max(top, min(shown)) if shown else total
    return (
        count >= 2
        and total - (count - 1) >= top
        and total > 2 * top
        and total - 1 <= (count - 1) * cap
    )


def _multiple_choice_allows(
    values: Sequence[int],
    hidden: set[int] | frozenset[int],
    exclusive: Sequence[bool],
    base: int,
    cell: int,
    value: int,
) -> bool:
    """Whether some set of answers fits every published figure with the hidden `cell` = value.

    Multiple-choice counts do not add up to the base (a child may tick several), so the partition
    argument does not apply to them as a whole. But it applies in part: every answering response
    either gave exactly one exclusive option ("I don't know", "I'd rather not say") or ticked at
    least one real option, so with R the number of responses that ticked real options,
        base = R + (the exclusive counts),   max(real counts) <= R <= sum(real counts).
    (R responses can tick options with given counts exactly when these inequalities hold.) A
    hidden count is pinned down when these leave it only one value; here we ask whether `value` is
    possible, letting the other hidden counts be any whole numbers of at least 1.
    """
    n = len(values)
    published_real = [values[i] for i in range(n) if i not in hidden and not exclusive[i]]
    published_exclusive = sum(values[i] for i in range(n) if i not in hidden and exclusive[i])
    hidden_real = [i for i in hidden if not exclusive[i]]
    hidden_exclusive = [i for i in hidden if exclusive[i]]
    not_exclusive = base - published_exclusive  # R plus the hidden exclusive counts
    largest_real = max(published_real, default=0)
    real_total = sum(published_real)
    unbounded = base * n + 1  # larger than any count could be
    if exclusive[cell]:
        others = len(hidden_exclusive) - 1
        low = max(largest_real, 1 if hidden_real else 0)
        high = real_total if not hidden_real else unbounded
        if others == 0:
            return low <= not_exclusive - value <= high
        # The other hidden exclusive counts can absorb any amount, so R can be anything up to:
        return low <= min(high, not_exclusive - value - others)
    low = max(largest_real, value)
    high = unbounded if len(hidden_real) >= 2 else real_total + value
    if not hidden_exclusive:
        return low <= not_exclusive <= high
    return low <= min(high, not_exclusive - len(hidden_exclusive))
