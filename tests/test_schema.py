"""The database the migrations build is the one the models describe, on SQLite and PostgreSQL,
so a column or index added to one and not the other is caught here, not in production. And
migration 0022's partial indexes serve the queries written for them: the sweeper's and
/healthz's look for unprocessed responses reads only the responses still waiting."""

from __future__ import annotations

import uuid
import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session

from survey_app.backlog import unprocessed_response_ids
from survey_app.cli import PROJECT_ROOT, migrate_database
from survey_app.db import make_engine
from survey_app.models import UNPROCESSED, Base, SurveyResponse


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'schema.db'}"
    return request.getfixturevalue("postgres_server").create_database(
        f"schema_{uuid.uuid4().hex[:8]}"
    )


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    return config


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection, warnings.catch_warnings():
            # SQLite cannot reflect an index on an expression (lower(name)); that one is left out.
            warnings.simplefilter("ignore", UserWarning)
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        engine.dispose()


def test_the_migrated_database_is_the_one_the_models_describe(database_url: str) -> None:
    migrate_database(database_url)
    assert _differences(database_url) == []


def test_0022_goes_down_to_the_old_indexes_and_up_again(database_url: str) -> None:
    config = _alembic(database_url)
    migrate_database(database_url)
    command.downgrade(config, "0021")
    engine = make_engine(database_url)
    try:
        names = {index["name"] for index in sa.inspect(engine).get_indexes("responses")}
        assert {"ix_responses_anonymised", "ix_responses_aggregated"} <= names
        assert "ix_responses_unprocessed" not in names
    finally:
        engine.dispose()
    command.upgrade(config, "head")
    assert _differences(database_url) == []


def _plan(session: Session, statement: sa.Select[tuple[int]]) -> str:
    compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if session.get_bind().dialect.name == "sqlite" else "EXPLAIN "
    return " ".join(str(row[-1]) for row in session.execute(sa.text(f"{prefix}{compiled}")))


def test_the_look_for_unprocessed_responses_reads_only_their_index(database_url: str) -> None:
    migrate_database(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            if engine.dialect.name == "postgresql":
                session.execute(sa.text("SET enable_seqscan = off"))  # a tiny table otherwise
            waiting = sa.select(SurveyResponse.id).where(UNPROCESSED).order_by(SurveyResponse.id)
            assert "ix_responses_unprocessed" in _plan(session, waiting)
            assert unprocessed_response_ids(session) == []
    finally:
        engine.dispose()
