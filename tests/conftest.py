"""Fixtures that make things: apps on a fresh database (or on each database), distributions,
accounts, a child at a phone, signed-in staff, a worker; and the fast run's selection."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy.orm import Session

from survey_app import create_app, operations, periods
from survey_app.cli import main, migrate_database
from survey_app.clock import MovableClock, clock_of
from survey_app.crypto import TextVault
from survey_app.db import Database
from survey_app.models import Council, Distribution, User

pytest_plugins = ["tests.services", "tests.live_server", "tests.phones"]

DATA = Path(__file__).parent / "data"
TEST_SURVEYS = DATA / "surveys"
PASSWORD = "correct horse battery staple"
TEXT_KEY = TextVault.generate_key()
PUBLIC_URL = "https://surveys.example"
# How long draining the in-process worker may take before the test fails (retries included).
DRAIN_TIMEOUT_MS = 180_000

# Hypothesis fails an example slower than 200 ms by default: a timing assert that a busy machine
# trips. Speed is measured in bench/, so no example has a deadline here.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


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
        # Each app reads "now" for publication periods from its own clock, which
        # `close_periods` moves on.
        app = create_app(config, clock=MovableClock())
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


def close_periods(app: Flask) -> None:
    """Move the app's clock on until the publication period of every one of its surveys that
    is open now has closed (and its figures may be shown), as if the days had passed: what was
    sent so far is then in closed periods, and what is sent after falls in a new, open one.

    The one way tests publish figures about responses they just sent: figures are published
    only for closed periods (survey_app/periods.py). The test survey's periods are days, so
    this moves a day or two; shipped surveys' are quarters.
    """
    clock = clock_of(app)
    assert isinstance(clock, MovableClock), "close_periods needs an app made by make_app"
    now = clock.now()
    shown_from = [
        periods.closes_at(
            definition.publication, periods.period_sent_in(definition.publication, now)
        )
        + periods.COUNTING_GRACE
        for definition in app.extensions["surveys"].values()
    ]
    clock.move_to(max(shown_from, default=now))


# The databases `app_each_db` runs a test on. In the fast run (SURVEY_TEST_FAST=1, `make
# test-fast`) every test parametrized with "postgresql" is marked `services` and left out.
EACH_DATABASE = ["sqlite", "postgresql"]


@pytest.fixture
def app_settings() -> dict[str, Any]:
    """Settings for `app_each_db`'s app; a module overrides this fixture to change them."""
    return {}


@pytest.fixture(params=EACH_DATABASE)
def app_each_db(
    request: pytest.FixtureRequest, make_app: Callable[..., Flask], app_settings: dict[str, Any]
) -> Flask:
    """The app on its own SQLite copy, and again on a new, migrated database of the test
    session's PostgreSQL server. A module uses it as its `app` (`def app(app_each_db)`); a test
    that needs one database says so with
    `@pytest.mark.parametrize("app_each_db", ["sqlite"], indirect=True)`."""
    if request.param == "sqlite":
        return make_app(**app_settings)
    url = request.getfixturevalue("postgres_server").create_database(f"app_{uuid.uuid4().hex[:8]}")
    migrate_database(url)
    return make_app(DATABASE_URL=url, **app_settings)


SQLITE_ONLY = pytest.mark.parametrize("app_each_db", ["sqlite"], indirect=True)
POSTGRESQL_ONLY = pytest.mark.parametrize("app_each_db", ["postgresql"], indirect=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fast",
        action="store_true",
        default=os.environ.get("SURVEY_TEST_FAST", "") not in ("", "0"),
        help="the inner loop's run: leave out tests that need PostgreSQL, Redis or a browser "
        "(also SURVEY_TEST_FAST=1)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that needs a server the suite starts (PostgreSQL, Redis) as `services`,
    so `-m "not services"` leaves them all out; the fast run (--fast) leaves them out itself."""
    fast_run = config.getoption("fast")
    kept, left_out = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        on_postgresql = params is not None and "postgresql" in params.params.values()
        if on_postgresql or {"postgres_server", "redis_server"} & set(item.fixturenames):
            item.add_marker(pytest.mark.services)
        needs = {mark.name for mark in item.iter_markers()} & {"services", "browser"}
        if fast_run and needs:
            left_out.append(item)
        else:
            kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


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


def make_council(session: Session, name: str) -> Council:
    """The council called name, made (as an admin would) if this test has not made it yet:
    distributions and accounts only ever pick an existing council."""
    return operations.find_council(session, name) or operations.create_council(session, name)


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
            make_council(session, values["council_name"])
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
            if council:
                make_council(session, council)
            user = operations.create_user(session, email, PASSWORD, role, council)
            session.commit()
            return user

    return make


# In-process workers running now: empty_broker() must not swap their queues from under them.
_RUNNING_WORKERS: list[object] = []


def empty_broker() -> None:
    """Empty the stub broker's queues by giving each a new one.

    A stopped worker leaves the messages it had prefetched (the sweeper may have sent some just
    before) neither done nor in the queue, so an old queue's join could wait for them forever;
    flushing only marks done what is still in it. A running worker keeps reading the old queues,
    so emptying them under it would leave every later message unread: that is refused.
    """
    from queue import Queue

    from workers.setup import use_broker

    broker = use_broker("stub://")

    assert not _RUNNING_WORKERS, "empty_broker() while a worker runs: its drain would never end"

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
    from workers.sweeper import Sweeper

    broker = use_broker("stub://")

    empty_broker()
    running = Worker(broker, worker_threads=1, worker_timeout=100)
    running.start()
    _RUNNING_WORKERS.append(running)
    # The sweeper's first pass re-sends every unprocessed response; one saved while it is still
    # under way (on a busy machine) would be processed although its test held its message back.
    for middleware in broker.middleware:
        if isinstance(middleware, Sweeper):
            assert middleware.first_pass_done.wait(timeout=60), "the sweeper never made its pass"

    def drain() -> None:
        for queue in queues or (QUEUE,):
            # A bound, so a message that never finishes fails this test instead of hanging it.
            broker.join(queue, fail_fast=True, timeout=DRAIN_TIMEOUT_MS)
        running.join()

    try:
        yield drain
    finally:
        running.stop()
        _RUNNING_WORKERS.remove(running)
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
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def rows_of(download: Any) -> list[dict[str, str]]:
    """The rows of a CSV download, after checking it is one."""
    assert download.status_code == 200, download.get_data(as_text=True)
    assert download.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))


# Staff -----------------------------------------------------------------------------------------

FACILITATOR = "facilitator@example.org"


class Auth:
    """Staff signing in on the test client through the sign-in page, as a person would."""

    def __init__(self, client: FlaskClient, make_user: Callable[..., User]) -> None:
        self.client = client
        self.make_user = make_user

    def sign_in(self, email: str = FACILITATOR, password: str = PASSWORD) -> Any:
        """Post the sign-in form; the response (302 when it worked)."""
        return sign_in(self.client, email, password)

    def as_new(
        self, email: str = FACILITATOR, role: str = "facilitator", council: str | None = None
    ) -> FlaskClient:
        """Make the account, sign it in, and give back the client, signed in."""
        self.make_user(email, role, council)
        assert self.sign_in(email).status_code == 302
        return self.client


@pytest.fixture
def auth(client: FlaskClient, make_user: Callable[..., User]) -> Auth:
    return Auth(client, make_user)


@pytest.fixture
def facilitator(auth: Auth) -> FlaskClient:
    """A client signed in as a facilitator (FACILITATOR), who sees every council."""
    return auth.as_new(FACILITATOR)


@pytest.fixture
def research_admin(app: Flask, make_user: Callable[..., User]) -> FlaskClient:
    """An admin signed in (in a browser of their own) on a deployment that turned the linked
    research extract on (SURVEY_RESEARCH_EXTRACT=true)."""
    app.config["RESEARCH_EXTRACT"] = True
    make_user("research-admin@example.org", "admin")
    app.test_client_class = HttpsClient
    admin = app.test_client()
    assert sign_in(admin, "research-admin@example.org").status_code == 302
    return admin


# The child -------------------------------------------------------------------------------------


class Child:
    """Drives the survey the way a phone without JavaScript would."""

    def __init__(self, client: FlaskClient, code: str) -> None:
        self.client = client
        self.code = code
        self.last: Any = None

    def open(self, path: str = "", **kwargs: Any) -> Any:
        self.last = self.client.get(f"/s/{self.code}{path}", **kwargs)
        return self.last

    def start(self, **form: str) -> Any:
        welcome = self.open()
        assert welcome.status_code == 200
        started = self.client.post(
            f"/s/{self.code}/start", data={"csrf_token": csrf_token(welcome.text), **form}
        )
        assert started.status_code == 303
        self.last = self.client.get(started.headers["Location"])
        return self.last

    def answer(self, **form: Any) -> Any:
        """Answer the page on screen; follow the redirect to the next page if it was accepted."""
        found = re.search(r'<form method="post" action="([^"]+)"', self.last.text)
        assert found, f"no answer form on {self.last.request.path}"
        posted = self.client.post(
            found.group(1), data={"csrf_token": csrf_token(self.last.text), **form}
        )
        if posted.status_code == 303:
            self.last = self.client.get(posted.headers["Location"])
        else:
            self.last = posted
        return self.last

    def send(self) -> Any:
        assert "/check" in self.last.request.path, self.last.request.path
        posted = self.client.post(
            f"/s/{self.code}/submit", data={"csrf_token": csrf_token(self.last.text)}
        )
        assert posted.status_code == 303
        self.last = self.client.get(posted.headers["Location"])
        return self.last

    @property
    def step(self) -> str:
        return str(self.last.request.path.rsplit("/", 1)[-1])

    def answer_up_to_better(self) -> None:
        """Start the test survey as a 12 to 17 year old and answer up to the written question."""
        self.start()
        self.answer(_age_band="12-17")
        self.answer(went="yes")
        self.answer(feel="okay")
        self.answer(times="1")
        assert self.step == "better"

    def press_unsafe(self) -> Any:
        """Press "I don't feel safe" on the page on screen; follow to the safety page."""
        form = re.search(
            r'<form class="unsafe" method="post" action="([^"]+)">(.*?)</form>',
            self.last.text,
            re.S,
        )
        assert form, f'no "I don\'t feel safe" control on {self.last.request.path}'
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
        pressed = self.client.post(form.group(1), data=fields)
        assert pressed.status_code == 303
        self.last = self.client.get(pressed.headers["Location"])
        return self.last

    def ask_for_contact(self, **form: str) -> Any:
        """Send the safety page's contact form; the reply to the post."""
        assert "data-safety-message" in self.last.text
        token = csrf_token(self.last.text)
        found = re.search(r'action="([^"]+/safe/contact)"', self.last.text)
        assert found, "the safety page has no contact form"
        posted = self.client.post(found.group(1), data={"csrf_token": token, **form})
        self.last = (
            self.client.get(posted.headers["Location"]) if posted.status_code == 303 else posted
        )
        return posted

    def carry_on(self) -> Any:
        """Follow the safety page's way back into the survey."""
        link = re.search(r'<a class="button" href="([^"]+)">', self.last.text)
        assert link, "the safety page has no way to carry on"
        self.last = self.client.get(link.group(1).replace("&amp;", "&"))
        return self.last


@pytest.fixture
def distribution(make_distribution: Callable[..., Distribution]) -> Distribution:
    """The test survey's distribution for Suffolk."""
    return make_distribution()


@pytest.fixture
def child(client: FlaskClient, distribution: Distribution) -> Child:
    """A child at a phone without JavaScript, with the distribution's link."""
    return Child(client, distribution.code)
