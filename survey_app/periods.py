"""Fixed publication periods: which period a response was sent in, when a period closes, and
which closed period a request for figures is for.

Figures about children are published only for whole periods (a day, month or quarter, chosen
per survey) that have closed: a set number of days after the period ended. Until then nothing
about the period is shown (staff see a rounded count of responses so far), and once closed its
tables never change: a response belongs to the period it was sent in, and one counted only after
its period closed (a slow or failing worker) is counted in no published period at all. So
nobody can learn one child's answers by downloading before and after they answered.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .definitions.model import PeriodKind, PublicationSettings

# Figures about a period are shown only this long after it closed: a worker that began counting
# a response just before the close has committed (or rolled back) by then, so what a download
# reads of a closed period cannot change under it.
COUNTING_GRACE = dt.timedelta(hours=1)

_KEYS = {
    PeriodKind.DAY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    PeriodKind.MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    PeriodKind.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
}


class PeriodError(ValueError):
    """A request for figures that does not pick whole closed periods."""


@dataclass(frozen=True, order=True)
class Period:
    """One fixed publication period: the days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date
    kind: PeriodKind

    @classmethod
    def of(cls, kind: PeriodKind, day: dt.date) -> Period:
        """The period of this kind that day falls in."""
        if kind == PeriodKind.DAY:
            return cls(day, day, kind)
        if kind == PeriodKind.MONTH:
            start = day.replace(day=1)
            return cls(start, _next_month(start) - dt.timedelta(days=1), kind)
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return cls(start, _next_month(_next_month(_next_month(start))) - dt.timedelta(days=1), kind)

    @classmethod
    def parse(cls, key: str) -> Period:
        """The period a key names ("2026-11-05", "2026-11" or "2026-Q4")."""
        for kind, pattern in _KEYS.items():
            found = pattern.match(key.strip())
            if found is None:
                continue
            numbers = [int(part) for part in found.groups()]
            try:
                if kind == PeriodKind.QUARTER:
                    return cls.of(kind, dt.date(numbers[0], 3 * numbers[1] - 2, 1))
                return cls.of(
                    kind,
                    dt.date(numbers[0], numbers[1], numbers[2] if kind == PeriodKind.DAY else 1),
                )
            except ValueError:
                break
        raise PeriodError(f"'{key}' is not a period: use YYYY-MM-DD, YYYY-MM or YYYY-Qn.")

    @property
    def key(self) -> str:
        """The period's name, as stored with each response sent in it."""
        if self.kind == PeriodKind.DAY:
            return f"{self.start:%Y-%m-%d}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    def following(self) -> Period:
        """The next period of the same kind."""
        return Period.of(self.kind, self.end + dt.timedelta(days=1))

    def preceding(self) -> Period:
        """The period of the same kind before this one."""
        return Period.of(self.kind, self.start - dt.timedelta(days=1))


def _next_month(start: dt.date) -> dt.date:
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_sent_in(settings: PublicationSettings, sent_at: dt.datetime) -> Period:
    """The period a response sent at sent_at (UTC) belongs to, for good."""
    return Period.of(settings.period, sent_at.date())


def closes_at(settings: PublicationSettings, period: Period) -> dt.datetime:
    """When the period closes: midnight (UTC) `closes_after_days` days after its last day."""
    day = period.end + dt.timedelta(days=1 + settings.closes_after_days)
    return dt.datetime.combine(day, dt.time())


def counted_late(settings: PublicationSettings, period: Period, now: dt.datetime) -> bool:
    """Whether a response of period, counted now, comes too late to be in its tables."""
    return now >= closes_at(settings, period)


def is_published(settings: PublicationSettings, period: Period, now: dt.datetime) -> bool:
    """Whether figures about the period may be shown now (closed, and counting settled)."""
    return now >= closes_at(settings, period) + COUNTING_GRACE


def last_published(settings: PublicationSettings, now: dt.datetime) -> Period:
    """The latest period whose figures may be shown now."""
    period = Period.of(settings.period, now.date())
    while not is_published(settings, period, now):
        period = period.preceding()
    return period


def recent_published(
    settings: PublicationSettings, now: dt.datetime, count: int = 8
) -> list[Period]:
    """The latest `count` periods whose figures may be shown now, newest first."""
    periods = [last_published(settings, now)]
    while len(periods) < count:
        periods.append(periods[-1].preceding())
    return periods


def published_period(
    settings: PublicationSettings,
    now: dt.datetime,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Period:
    """The one closed period a request from start to end (both included) is for; with neither,
    the latest closed period.

    Every table covers exactly one whole period: a table about part of a period, about an open
    one, or about several (whose sum less another table would give a third), could be set
    beside another to tell what a few children said. Refuses (PeriodError) anything else,
    naming the whole period to ask for instead.
    """
    latest = last_published(settings, now)
    if start is None and end is None:
        return latest
    period = Period.of(settings.period, start or end)  # type: ignore[arg-type]
    if start != period.start or end != period.end:
        raise PeriodError(
            f"Figures are published for one whole {settings.period.value} at a time: ask for "
            f"period={period.key} (from {period.start:%Y-%m-%d} to {period.end:%Y-%m-%d})."
        )
    if period > latest:
        raise PeriodError(
            f"The period {period.key} is not closed yet: figures about it are shown from "
            f"{closes_at(settings, period) + COUNTING_GRACE:%Y-%m-%d %H:%M} UTC. The latest "
            f"closed period is {latest.key}."
        )
    return period
