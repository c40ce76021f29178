"""The staff-facing web layer, and request-scoped access to the session, definitions and key."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from ..crypto import TextVault
from ..db import Database
from ..definitions.guides import GuideDefinition
from ..definitions.model import SurveyDefinition
from ..loaded_surveys import LoadedSurveys

# Where the app keeps the focus-group guides the entry point loaded (web.focus_groups.init_app).
GUIDES = "focus_group_guides"
# Where an app context keeps its session (Flask's `g`), so the teardown finds and closes it.
REQUEST_SESSION = "db_session"


def init_database(app: Flask, database: Database) -> None:
    """Make database the app's; each request's session closes when the request ends."""
    app.extensions["database"] = database
    app.teardown_appcontext(_close_request_session)


def db_session(single_statements: bool = False) -> Session:
    """The session for this request, made on first use and closed when the request ends.
    single_statements, for views whose every write is one statement: on PostgreSQL each
    statement commits by itself (see `Database.single_statement_sessions`); it applies if this
    is the request's first call.
    """
    if REQUEST_SESSION not in g:
        database: Database = current_app.extensions["database"]
        make = database.single_statement_sessions if single_statements else database.sessions
        setattr(g, REQUEST_SESSION, make())
    return getattr(g, REQUEST_SESSION)  # type: ignore[no-any-return]


def _close_request_session(_error: BaseException | None = None) -> None:
    session = g.pop(REQUEST_SESSION, None)
    if session is not None:
        session.close()


Row = TypeVar("Row")


def read_while_streaming(rows_of: Callable[[Session], Iterable[Row]]) -> Iterator[Row]:
    """Rows read from the database while a response streams (under `stream_with_context`).

    The request's session was closed when the view returned. A session taken here belongs to
    the context the stream pushes again, whose teardown closes it after the last row, so its
    connection goes back to the pool then, not whenever the garbage collector gets to it.
    """
    yield from rows_of(db_session())


def vault() -> TextVault:
    """The key that encrypts and decrypts kept text."""
    return current_app.extensions["vault"]  # type: ignore[no-any-return]


def surveys(session: Callable[[], Session] = db_session) -> dict[str, SurveyDefinition]:
    """The survey definitions by id, as last loaded with `survey-app load-surveys`; session
    gives the request's session, asked for only when the surveys table is due a look."""
    loaded: LoadedSurveys = current_app.extensions["loaded_surveys"]
    if not loaded.due():
        return loaded.definitions
    return loaded.current(session())


def guides() -> dict[str, GuideDefinition]:
    """The focus-group guides by id (for the recording pages, the API and the reports)."""
    return current_app.extensions[GUIDES]  # type: ignore[no-any-return]
