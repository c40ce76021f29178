"""Database engine and sessions; SQLite gets WAL mode and foreign keys."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
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


def make_engine(url: str, pre_ping: bool = True) -> Engine:
    """Create an engine for url, creating a SQLite file's folder if needed.

    pre_ping tests a pooled connection with a round trip before each use, so a web request
    never fails on a connection the database closed; a worker, whose messages are retried,
    can do without it (a closed connection fails one message, and the pool is renewed).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=pre_ping, pool_size=5, max_overflow=5)


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
