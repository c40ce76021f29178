"""The thresholds a survey's numbers are published by, and the arithmetic of rounding them."""

from __future__ import annotations

from dataclasses import dataclass

from ...definitions.model import (
    FLOOR_MINIMUM_BASE,
    FLOOR_ROUND_TO,
    FLOOR_SUPPRESS_BELOW,
    SurveyDefinition,
)


@dataclass(frozen=True)
class DisclosureRules:
    """How one survey's numbers are published. Never looser than the safe floors.

    minimum_base: no breakdown for a group (or a question) answered by fewer responses.
    suppress_below: counts from 1 to suppress_below - 1 are hidden; so is any group that differs
        from one already published by that few responses.
    round_to: every other count (and every base) is rounded to a multiple of this, halves up.
    """

    minimum_base: int = FLOOR_MINIMUM_BASE
    suppress_below: int = FLOOR_SUPPRESS_BELOW
    round_to: int = FLOOR_ROUND_TO

    def __post_init__(self) -> None:
        # The YAML schema already refuses looser settings; this stops code building looser ones.
        if (
            self.minimum_base < FLOOR_MINIMUM_BASE
            or self.suppress_below < FLOOR_SUPPRESS_BELOW
            or self.round_to < FLOOR_ROUND_TO
        ):
            raise ValueError(f"Disclosure rules looser than the safe floors: {self}")

    @classmethod
    def of(cls, definition: SurveyDefinition) -> DisclosureRules:
        """The rules a survey's YAML asks for (the loader has checked them against the floors)."""
        settings = definition.disclosure
        return cls(settings.minimum_base, settings.suppress_below, settings.round_to)

    @property
    def largest_hidden(self) -> int:
        """The largest count that is hidden for being small (7 by default)."""
        return self.suppress_below - 1

    def is_small(self, count: int) -> bool:
        """Whether a count is too small to publish: 1 to suppress_below - 1 (0 is published)."""
        return 0 < count < self.suppress_below

    def rounded(self, count: int) -> int:
        """count rounded to the nearest multiple of round_to, halves up (15 -> 20 for tens).

        With the default of 5 no whole count is ever exactly half way, so the tie rule only
        matters for surveys that round to an even number.
        """
        return (2 * count + self.round_to) // (2 * self.round_to) * self.round_to

    def percent(self, count: int, base: int) -> str:
        """100 * count / base to one decimal place, halves up."""
        tenths = (2000 * count + base) // (2 * base)
        return f"{tenths // 10}.{tenths % 10}"

    def published_percent(self, count: int, base: int) -> str:
        """The percentage shown beside a count: worked out from the rounded count and base that
        are shown, not from the exact ones.

        From exact counts, one decimal pins both: 64.6% of a base shown as 65 can only be 42
        of 65, which undoes the rounding and feeds every subtraction. Whole-number percentages
        from exact counts would still narrow each count beyond its rounding. A percentage of
        the published figures tells a reader nothing they could not work out from them, at
        the cost of shares that may not add up to 100.
        """
        return self.percent(self.rounded(count), self.rounded(base))
