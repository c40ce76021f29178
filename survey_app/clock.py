"""The one clock the service reads "now" from for anything about publication periods: when a
response was sent, whether its period has closed, what may be shown. Injectable, so tests move
time instead of sleeping."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from .models import utcnow

EXTENSION = "clock"


class Clock(Protocol):
    """Gives the current time in UTC, naive."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The machine's time."""

    def now(self) -> dt.datetime:
        """The current time in UTC."""
        return utcnow()


class MovableClock:
    """The machine's time moved by an offset that can be changed (tests, rehearsals)."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def now(self) -> dt.datetime:
        """The machine's time plus the offset."""
        return utcnow() + self.offset

    def move_to(self, when: dt.datetime) -> None:
        """From now on, read as if it were `when` (and running on from there)."""
        self.offset = when - utcnow()


class App(Protocol):
    """A Flask app, as far as this module needs one (so it imports no web code)."""

    extensions: dict[str, Any]


def clock_of(app: App) -> Clock:
    """The app's clock (for a view: `clock_of(current_app).now()`)."""
    return app.extensions[EXTENSION]  # type: ignore[no-any-return]
