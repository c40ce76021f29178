"""Database engine and sessions; SQLite gets WAL mode and foreign keys. Knows nothing of the
web: `survey_app.web.init_database` gives each request its session."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
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
