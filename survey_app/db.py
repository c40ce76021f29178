"""Database engine and sessions, one per web request; SQLite gets WAL mode and foreign keys."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL lets the worker thread write while pages are being read; busy_timeout queues writers.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# A pooled connection used less than this long ago is handed out without a test round trip.
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use only if it sat idle, so a request never gets a
    connection the database closed while nobody used it (a restart, an idle timeout), while a
    busy process, whose connections came back milliseconds ago, saves the round trip and CPU
    on every request (`pool_pre_ping` tests every time)."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is not None and time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool drops this connection and hands out a new one.
            raise exc.DisconnectionError() from error


def make_engine(url: str, pre_ping: bool = True) -> Engine:
    """Create an engine for url, creating a SQLite file's folder if needed.

    pre_ping tests a pooled connection that sat idle with a round trip before use, so a web
    request does not fail on a connection the database closed; a worker, whose messages are
    retried, can do without it (a closed connection fails one message, and the pool is
    renewed).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    engine = create_engine(url, pool_size=5, max_overflow=5)
    if pre_ping:
        _ping_when_idle(engine)
    return engine


@dataclass
class Database:
    """An engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session]
    # Sessions for requests that write at most one statement at a time: on PostgreSQL each
    # statement commits by itself, so no BEGIN, COMMIT or ROLLBACK round trips (the pages a
    # child answers on). Elsewhere the same as `sessions`.
    single_statement_sessions: sessionmaker[Session]

    @classmethod
    def from_url(cls, url: str, pre_ping: bool = True) -> Database:
        engine = make_engine(url, pre_ping)
        single = engine
        if engine.dialect.name == "postgresql":
            single = engine.execution_options(isolation_level="AUTOCOMMIT")
        return cls(
            engine,
            sessionmaker(engine, expire_on_commit=False),
            sessionmaker(single, expire_on_commit=False),
        )

    def init_app(self, app: Flask) -> None:
        """Make this the app's database; each request's session closes when the request ends."""
        app.extensions["database"] = self
        app.teardown_appcontext(_close_request_session)

    def request_session(self, single_statements: bool = False) -> Session:
        """The session of the current app context, made on first use (see `web.db_session`)."""
        if REQUEST_SESSION not in g:
            make = self.single_statement_sessions if single_statements else self.sessions
            setattr(g, REQUEST_SESSION, make())
        return getattr(g, REQUEST_SESSION)  # type: ignore[no-any-return]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that rolls back on error and always closes; the caller commits."""
        session = self.sessions()
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


# Where an app context keeps its session (Flask's `g`), so the teardown finds and closes it.
REQUEST_SESSION = "db_session"


def _close_request_session(_error: BaseException | None = None) -> None:
    session = g.pop(REQUEST_SESSION, None)
    if session is not None:
        session.close()
