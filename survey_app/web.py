"""Request-scoped access to the database session, definitions and key."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from .crypto import TextVault
from .db import Database
from .definitions.model import SurveyDefinition


def db_session() -> Session:
    """The session for this request; closed when the request ends."""
    if "db_session" not in g:
        database: Database = current_app.extensions["database"]
        g.db_session = database.sessions()
    return g.db_session  # type: ignore[no-any-return]


def close_session(_error: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def vault() -> TextVault:
    return current_app.extensions["vault"]  # type: ignore[no-any-return]


def surveys() -> dict[str, SurveyDefinition]:
    return current_app.extensions["surveys"]  # type: ignore[no-any-return]
