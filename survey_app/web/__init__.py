"""The staff-facing web layer, and request-scoped access to the session, definitions and key."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from flask import current_app
from sqlalchemy.orm import Session

from ..crypto import TextVault
from ..db import Database
from ..definitions.model import SurveyDefinition
from ..loaded_surveys import LoadedSurveys


def db_session(single_statements: bool = False) -> Session:
    """The session for this request; closed when the request ends (`Database.init_app`).
    single_statements, for views whose every write is one statement: on PostgreSQL each
    statement commits by itself (see `Database.single_statement_sessions`); it applies if this
    is the request's first call.
    """
    database: Database = current_app.extensions["database"]
    return database.request_session(single_statements)


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


def surveys() -> dict[str, SurveyDefinition]:
    """The survey definitions by id, as last loaded with `survey-app load-surveys`."""
    loaded: LoadedSurveys = current_app.extensions["loaded_surveys"]
    return loaded.current(db_session())
