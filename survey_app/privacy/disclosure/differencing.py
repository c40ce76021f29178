"""Whether a group of responses may be published, given the groups already published.

Two published tables about groups A and B let anyone subtract one from the other. The rule, for
the requested group A against every group B already published for the same survey (and every
other group in the same output):

    |A - B| (only in A), |B - A| (only in B) and |A & B| (in both) must each be
    0 or at least suppress_below.

- When one group contains the other, one part is empty and the other is the symmetric
  difference: a date range moved by a day, or "all responses" after 3 new ones, differs by 3.
- When they overlap without either containing the other, subtracting the tables gives the
  answers of the part only in A minus those of the part only in B; a part of 1 to 7 responses
  would show its answers whenever the other part's are all 0, so each part is checked on its own.
- The part in both is checked too: with A, B and A-or-B all published, A + B - (A or B) isolates
  it. Published groups are never smaller than the minimum base, so for nested groups this part
  is always large enough.
- The same group again (every part but "both" empty) is always allowed.

Larger combinations of three or more groups are not searched; the one that arises from the
region row (the region minus the other councils) is closed by leaving out of the region any
council whose figures are not shown (see `groups.py`).

Growth: new responses keep arriving, so "all responses" a week later is a bigger group. When the
requested group only adds fewer than suppress_below responses to a group already published, the
new responses are held back and the earlier group is published again instead (a repeat is always
safe), with a note. They are released once at least suppress_below have arrived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ...caching import remembered
from .members import MemberSet
from .rules import DisclosureRules


@dataclass(frozen=True)
class PublishedGroup:
    """A group of responses whose figures have already left the service."""

    members: frozenset[int]
    scope: str
    published_on: dt.date | None = None
    # The exact counts behind the numbers shown for this group (see `cells`), if recorded.
    cells: dict[str, dict[str, int]] | None = None


@dataclass(frozen=True)
class Overlap:
    """How a requested group and an earlier one differ."""

    only_requested: int
    only_earlier: int
    both: int

    @classmethod
    def between(cls, requested: frozenset[int], earlier: frozenset[int]) -> Overlap:
        if isinstance(requested, MemberSet) and isinstance(earlier, MemberSet):
            return _remembered_overlap(requested, earlier)
        both = len(requested & earlier)
        return cls(len(requested) - both, len(earlier) - both, both)

    @property
    def same(self) -> bool:
        return not self.only_requested and not self.only_earlier

    @property
    def disjoint(self) -> bool:
        return not self.both

    def is_safe(self, rules: DisclosureRules) -> bool:
        return all(
            part == 0 or part >= rules.suppress_below
            for part in (self.only_requested, self.only_earlier, self.both)
        )


# How two sets of ids overlap never changes, and a download compares its groups with the same
# earlier groups as the last one did: remember the answers by the sets' digests (not the sets),
# so comparing with an earlier group costs a lookup however many responses the groups hold.
@remembered(100_000, key=lambda requested, earlier: (requested.digest, earlier.digest))
def _remembered_overlap(requested: MemberSet, earlier: MemberSet) -> Overlap:
    both = len(requested & earlier)
    return Overlap(len(requested) - both, len(earlier) - both, both)


@dataclass(frozen=True)
class Conflict:
    """Why a group cannot be published: it differs too little from one already published."""

    scope: str
    earlier: PublishedGroup
    overlap: Overlap

    def explanation(self, rules: DisclosureRules) -> str:
        """What a facilitator reads: what clashed, why it matters, and what to do instead.

        Never by how much the groups differ: that number is the small number being protected
        (the count of a few children), so it is "too close", whatever it is.
        """
        when = f" on {self.earlier.published_on:%d %B %Y}" if self.earlier.published_on else ""
        return (
            f"The figures for {self.scope} cannot be published: they are too close to figures "
            f"for {self.earlier.scope} already published{when}, and subtracting one from the "
            "other could show how a few children answered. Nothing has been published. To go "
            "on, choose a council, dates or distribution that give either exactly the same "
            f"responses as before or at least {rules.suppress_below} responses of difference."
        )


@dataclass(frozen=True)
class Settlement:
    """What to publish for a requested group.

    members: the group to publish (the one requested, or an earlier one repeated).
    held_back: how many requested responses are left out until enough new ones arrive.
    conflict: set when nothing may be published for this group.
    """

    members: frozenset[int]
    held_back: int = 0
    conflict: Conflict | None = None

    @property
    def refused(self) -> bool:
        return self.conflict is not None


def settle_group(
    requested: frozenset[int],
    scope: str,
    earlier: Iterable[PublishedGroup],
    rules: DisclosureRules,
    *,
    hold_back_new: bool = True,
) -> Settlement:
    """Publish requested if it differs safely from every earlier group; else, if it only adds a
    few new responses to an earlier group, repeat that group (the largest such); else refuse.

    hold_back_new: whether repeating an earlier group is acceptable for this output (it is not for
    a group that must equal the sum of other groups in the same output).
    """
    earlier = list(earlier)
    if not requested:
        return Settlement(requested)
    clash = next(
        (
            Conflict(scope, group, overlap)
            for group in earlier
            if not (overlap := Overlap.between(requested, group.members)).is_safe(rules)
        ),
        None,
    )
    if clash is None:
        return Settlement(requested)
    if hold_back_new:
        grown_from = [
            group
            for group in earlier
            if group.members
            and Overlap.between(requested, group.members).only_earlier == 0
            and len(requested) - len(group.members) < rules.suppress_below
        ]
        if grown_from:
            largest = max(grown_from, key=lambda group: len(group.members))
            return Settlement(largest.members, held_back=len(requested) - len(largest.members))
    return Settlement(frozenset(), conflict=clash)


def overlapping_records(
    members: frozenset[int], earlier: Iterable[PublishedGroup]
) -> list[dict[str, dict[str, int]]]:
    """The cell records of earlier groups that share responses with `members` without being
    the same group: the ones whose counts could be subtracted from this group's."""
    return [
        group.cells
        for group in earlier
        if group.cells is not None
        and not (overlap := Overlap.between(members, group.members)).same
        and not overlap.disjoint
    ]
