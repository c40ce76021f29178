"""Fixtures that make things: apps on a fresh database, distributions, accounts, a worker."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from survey_app import create_app, operations
from survey_app.cli import main, migrate_database
from survey_app.crypto import TextVault
from survey_app.db import Database
from survey_app.models import Distribution, User

pytest_plugins = ["tests.services"]

DATA = Path(__file__).parent / "data"
TEST_SURVEYS = DATA / "surveys"
PASSWORD = "correct horse battery staple"
TEXT_KEY = TextVault.generate_key()
PUBLIC_URL = "https://surveys.example"
# How long draining the in-process worker may take before the test fails (retries included).
DRAIN_TIMEOUT_MS = 180_000


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once with Alembic, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def make_app(tmp_path: Path, migrated_template: Path) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        database_file = tmp_path / f"survey-{len(made)}.db"
        shutil.copy(migrated_template, database_file)
        config = {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{database_file}",
            "SECRET_KEY": "test secret key that is long enough",
            "TEXT_KEY": TEXT_KEY,
            "LINK_KEY": "test link key for hashing personal codes",
            "SURVEY_DIR": str(TEST_SURVEYS),
            "PUBLIC_URL": PUBLIC_URL,
            "QR_DIR": str(tmp_path / "qr"),
            "EXPORT_DIR": str(tmp_path / "exports"),
            **overrides,
        }
        app = create_app(config)
        with app.app_context():
            database: Database = app.extensions["database"]
            with database.session() as session:
                operations.sync_surveys(session, app.extensions["surveys"].values())
                session.commit()
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["database"].engine.dispose()


# Parameters of a fixture that gives the app on each database (see `app_on_database`).
EACH_DATABASE = ["sqlite", "postgresql"]


def app_on_database(
    request: pytest.FixtureRequest, make_app: Callable[..., Flask], **settings: Any
) -> Flask:
    """For a fixture with params=EACH_DATABASE: the app on its own SQLite copy, or on a new,
    migrated database of the test session's PostgreSQL server."""
    if request.param == "sqlite":
        return make_app(**settings)
    url = request.getfixturevalue("postgres_server").create_database(f"app_{uuid.uuid4().hex[:8]}")
    migrate_database(url)
    return make_app(DATABASE_URL=url, **settings)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


class HttpsClient(FlaskClient):
    """Cookies are Secure outside the demo, so talk to the app over https as production does."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("base_url", "https://localhost")
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = HttpsClient
    return app.test_client()


@pytest.fixture
def database(app: Flask) -> Database:
    return app.extensions["database"]  # type: ignore[no-any-return]


@pytest.fixture
def make_distribution(database: Database) -> Callable[..., Distribution]:
    def make(**overrides: Any) -> Distribution:
        values = {
            "survey_id": "test-child",
            "council_name": "Suffolk",
            "label": "CP conferences, Ipswich",
            **overrides,
        }
        with database.session() as session:
            distribution = operations.create_distribution(session, **values)
            session.commit()
            return distribution

    return make


@pytest.fixture
def make_user(database: Database) -> Callable[..., User]:
    def make(
        email: str = "facilitator@example.org",
        role: str = "facilitator",
        council: str | None = None,
    ) -> User:
        with database.session() as session:
            user = operations.create_user(session, email, PASSWORD, role, council)
            session.commit()
            return user

    return make


def empty_broker() -> None:
    """Empty the stub broker's queues by giving each a new one.

    A stopped worker leaves the messages it had prefetched (the sweeper may have sent some just
    before) neither done nor in the queue, so an old queue's join could wait for them forever;
    flushing only marks done what is still in it. Only while no worker runs: a running one
    keeps reading the old queues (flush those instead).
    """
    from queue import Queue

    from workers.setup import use_broker

    broker = use_broker("stub://")

    for name in list(broker.queues):
        broker.queues[name] = Queue()
    for dead_letters in broker.dead_letters_by_queue.values():
        dead_letters.clear()


def running_worker(*queues: str) -> Iterator[Callable[[], None]]:
    """An in-process Dramatiq worker on the stub broker, for a fixture to yield; calling what it
    yields drains the queues (the responses' queue by default). It serves whichever app the test
    made last (the app shares its database with workers)."""
    from dramatiq import Worker

    from workers.actors import QUEUE
    from workers.setup import use_broker

    broker = use_broker("stub://")

    empty_broker()
    running = Worker(broker, worker_threads=1, worker_timeout=100)
    running.start()

    def drain() -> None:
        for queue in queues or (QUEUE,):
            # A bound, so a message that never finishes fails this test instead of hanging it.
            broker.join(queue, fail_fast=True, timeout=DRAIN_TIMEOUT_MS)
        running.join()

    try:
        yield drain
    finally:
        running.stop()
        empty_broker()


@pytest.fixture
def worker() -> Iterator[Callable[[], None]]:
    """An in-process worker; call the fixture to drain the queue."""
    yield from running_worker()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh SQLite database migrated with Alembic, for the command line."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate_database(url)
    return url


@pytest.fixture
def run(tmp_path: Path, database_url: str) -> Callable[..., Result]:
    """Run survey-app against a fresh migrated database, as an operator would."""
    runner = CliRunner(
        env={
            "SURVEY_DATABASE_URL": database_url,
            "SURVEY_SURVEY_DIR": str(TEST_SURVEYS),
            "SURVEY_QR_DIR": str(tmp_path / "qr"),
            "SURVEY_PUBLIC_URL": PUBLIC_URL,
        }
    )

    def invoke(
        *arguments: str, input: str | None = None, env: dict[str, str | None] | None = None
    ) -> Result:
        return runner.invoke(main, list(arguments), input=input, env=env)

    return invoke


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    page = client.get("/facilitator/login")
    token = csrf_token(page.get_data(as_text=True))
    return client.post(
        "/facilitator/login", data={"email": email, "password": password, "csrf_token": token}
    )


def csrf_token(html: str) -> str:
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)
