"""What may be published: every count that leaves the service passes through here."""

from __future__ import annotations

from dataclasses import dataclass

SUPPRESSED = "c"
FOOTNOTE = (
    "c = fewer than {minimum}: hidden so that no child can be recognised from a small number."
)


@dataclass(frozen=True)
class DisclosureRules:
    """Counts from 1 to minimum - 1 are never published; true zeros are."""

    minimum: int = 5

    def count(self, value: int) -> int | str:
        """A count as it may be published."""
        if 0 < value < self.minimum:
            return SUPPRESSED
        return value

    def footnote(self) -> str:
        return FOOTNOTE.format(minimum=self.minimum)
