"""The work the web app hands to the workers, one call per kind of message, so views and
domain code send it without knowing the broker: the entry point (create_app) wires each call to
an actor, and a test swaps one to lose a message or break the broker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class BackgroundWork:
    """Each call sends one message, after the caller committed; a failure to send (the broker
    is down) raises, and the sweeper sends what was committed later.

    A test replaces one call: `background_work(app).build_export = lambda export_id: None`.
    """

    process_response: Callable[[int], None]
    build_export: Callable[[int], None]
    send_concern_emails: Callable[[Sequence[int]], None]
    # Focus groups: screen and anonymise the words of newly recorded items.
    process_focus_group_items: Callable[[Sequence[int]], None]
    # Other voices (issue 15): imported complaints and compliments, and case-audit notes.
    anonymise_feedback: Callable[[Sequence[int]], None]
    anonymise_audit: Callable[[int], None]


EXTENSION = "background_work"


class App(Protocol):
    """A Flask app, as far as this module needs one (so it imports no web code)."""

    extensions: dict[str, Any]


def background_work(app: App) -> BackgroundWork:
    """The app's calls to the workers (for a view: `background_work(current_app)`)."""
    return app.extensions[EXTENSION]  # type: ignore[no-any-return]
