"""The embedded demo of `make run` (`survey-app demo`): generated keys, a seeded SQLite
database, and the web app served with a Dramatiq worker in the same process."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import secrets
from pathlib import Path
from typing import Any

import click
from dramatiq import Worker
from flask import Config
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import WSGIRequestHandler, run_simple

from workers.setup import use_broker

from . import aggregating, anonymising, create_app, operations
from .clock import SystemClock
from .crypto import TextVault
from .db import Database
from .definitions import SurveyDefinition, load_directory
from .models import Distribution, SurveyResponse, User
from .periods import Period, last_published
from .qr import write_qr_files
from .respondent.drafts import DraftState
from .respondent.journey import AGE_KEY, steps
from .respondent.submission import build_response
from .settings import ENV_PREFIX, INSTANCE, load_settings

DEMO_SETTINGS_FILE = "demo-settings.json"
DEMO_KEYS_FILE = "demo-keys.json"
# What `survey-app demo` runs with that a command in another terminal must use too, so its
# links, QR codes and records are the running demo's (e.g. PORT=8080 make run).
SHARED_DEMO_SETTINGS = ("DATABASE_URL", "PUBLIC_URL", "QR_DIR", "EXPORT_DIR", "SURVEY_DIR")
DEMO_KEYS = ("SECRET_KEY", "TEXT_KEY", "LINK_KEY")

DEMO_EMAIL = "facilitator@demo.example"
DEMO_COUNCIL = "Suffolk (demo)"
DEMO_LABEL = "CP conferences, Ipswich"
DEMO_LEAD_EMAIL = "safeguarding@demo.example"
# Sample responses seeded into the latest closed period, so figures and reports show at once.
DEMO_SAMPLE_RESPONSES = 60


def demo_defaults() -> dict[str, Any]:
    """The demo's settings (instance/demo-settings.json) for each one no SURVEY_* variable sets.

    Only while the command would use the demo's database: with SURVEY_DATABASE_URL pointing
    elsewhere, none of the demo's settings belong with it.
    """
    saved_file = INSTANCE / DEMO_SETTINGS_FILE
    if not saved_file.exists():
        return {}
    saved = json.loads(saved_file.read_text())
    database = os.environ.get(f"{ENV_PREFIX}_DATABASE_URL")
    if database and database != saved.get("DATABASE_URL"):
        return {}
    keys_file = Path(saved.get("KEYS_FILE") or INSTANCE / DEMO_KEYS_FILE)
    keys = json.loads(keys_file.read_text()) if keys_file.exists() else {}
    found = {**{name: keys.get(name) for name in DEMO_KEYS}, **saved}
    return {
        name: found[name]
        for name in (*SHARED_DEMO_SETTINGS, *DEMO_KEYS)
        if found.get(name) and not os.environ.get(f"{ENV_PREFIX}_{name}")
    }


def demo_settings() -> Config:
    """The demo's settings, from SURVEY_* variables and keys generated once and kept in
    instance/ (so drafts survive a restart); saves what other commands must share with it.
    Raises ConfigurationError for a bad SURVEY_* variable."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    keys_file = INSTANCE / DEMO_KEYS_FILE
    saved = json.loads(keys_file.read_text()) if keys_file.exists() else {}
    fresh = {
        "SECRET_KEY": lambda: secrets.token_urlsafe(48),
        "TEXT_KEY": TextVault.generate_key,
        "LINK_KEY": lambda: secrets.token_urlsafe(32),
    }
    if set(fresh) - set(saved):
        saved = {name: saved.get(name) or make() for name, make in fresh.items()}
        keys_file.write_text(json.dumps(saved))
        keys_file.chmod(0o600)
    settings = load_settings()
    overrides: dict[str, Any] = {"DEMO": True, "BROKER_URL": "stub://"}
    for name in DEMO_KEYS:
        if not settings.get(name):
            overrides[name] = saved[name]
    port = int(os.environ.get("PORT") or "5000")
    if settings["PUBLIC_URL"] == "http://127.0.0.1:5000":
        overrides["PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    overrides["PORT"] = port
    settings = load_settings(overrides)
    shared = {name: str(settings[name]) for name in SHARED_DEMO_SETTINGS}
    (INSTANCE / DEMO_SETTINGS_FILE).write_text(
        json.dumps({**shared, "KEYS_FILE": str(keys_file)}, indent=2)
    )
    return settings


def seed_demo(settings: Config) -> dict[str, str]:
    """A demo council, distribution and facilitator; the password is new on each run."""
    definitions = load_directory(Path(settings["SURVEY_DIR"]))
    database = Database.from_url(settings["DATABASE_URL"])
    password = secrets.token_urlsafe(12)
    with database.session() as session:
        operations.sync_surveys(session, definitions.values())
        user = session.scalar(select(User).where(User.email == DEMO_EMAIL))
        if user is None:
            operations.create_user(session, DEMO_EMAIL, password, "facilitator")
        else:
            operations.set_password(user, password)
        # The demo council is made like any other (once); everything below picks it by name.
        council = operations.find_council(session, DEMO_COUNCIL) or operations.create_council(
            session, DEMO_COUNCIL
        )
        distribution = session.scalar(
            select(Distribution).where(
                Distribution.council_id == council.id,
                Distribution.label == DEMO_LABEL,
                Distribution.survey_id == "child-cp-conference",
            )
        )
        if distribution is None:
            distribution = operations.create_distribution(
                session, "child-cp-conference", DEMO_COUNCIL, DEMO_LABEL
            )
        # A safeguarding lead for the demo council, so an alert has someone to go to.
        lead = session.scalar(select(User).where(User.email == DEMO_LEAD_EMAIL))
        if lead is None:
            operations.create_user(
                session, DEMO_LEAD_EMAIL, password, "safeguarding_lead", DEMO_COUNCIL
            )
        else:
            operations.set_password(lead, password)
        session.commit()
        code = distribution.code
        definition = definitions["child-cp-conference"]
        sample = seed_sample_responses(
            session,
            definition,
            distribution.id,
            TextVault(settings["TEXT_KEY"]),
            settings,
            last_published(definition.publication, SystemClock().now()),
        )
        session.commit()
    database.engine.dispose()
    url = f"{settings['PUBLIC_URL'].rstrip('/')}/s/{code}"
    svg, png = write_qr_files(code, url, Path(settings["QR_DIR"]))
    return {
        "url": url,
        "qr_svg": str(svg),
        "qr_png": str(png),
        "email": DEMO_EMAIL,
        "lead_email": DEMO_LEAD_EMAIL,
        "password": password,
        "code": code,
        "sample_period": sample.key,
    }


def seed_sample_responses(
    session: Session,
    definition: SurveyDefinition,
    distribution_id: int,
    vault: TextVault,
    settings: Config,
    period: Period,
    count: int = DEMO_SAMPLE_RESPONSES,
) -> Period:
    """Sample children's answers sent during `period` (closed) and counted then, unless the
    distribution has responses already; returns the period. They are counted here, as the
    worker would have counted them during the period, so they are not late."""
    existing = session.scalar(
        select(SurveyResponse.id).where(SurveyResponse.distribution_id == distribution_id)
    )
    if existing is not None:
        return period
    rng = random.Random(20261205)  # noqa: S311 -- sample answers, the same on every run
    days = (period.end - period.start).days + 1
    for _ in range(count):
        band = rng.choice(definition.age_bands).id if definition.age_bands else ""
        given: dict[str, object] = {AGE_KEY: band}
        for question in definition.questions:
            asked = question.for_band(band)
            if question.show_if and given.get(question.show_if.question) not in set(
                question.show_if.any_of
            ):
                continue
            if not asked.is_choice or not asked.options:
                continue  # no free text: sample answers hold nothing to anonymise
            # Earlier options more often, so the tables have counts big enough to show.
            options = [option.id for option in asked.options]
            weights = [len(options) - position for position in range(len(options))]
            chosen = rng.choices(options, weights)[0]
            given[question.id] = [chosen] if question.kind == "multiple_choice" else chosen
        sent_at = dt.datetime.combine(
            period.start + dt.timedelta(days=rng.randrange(days)), dt.time(12)
        )
        state = DraftState(given, steps(definition, given))
        response = build_response(definition, distribution_id, vault, state, "en", sent_at=sent_at)
        row = SurveyResponse(**response.row)
        session.add(row)
        session.flush()
        anonymising.anonymise_response(session, vault, row.id, settings)
        aggregating.aggregate_response(session, row.id)
    return period


class QuietHandler(WSGIRequestHandler):
    """Logs requests without the client's address: no IPs, even in the demo's log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logging.getLogger("survey_app.requests").info('"%s" %s', self.requestline, code)


def serve_demo(settings: Config) -> None:
    """Serve the app made with settings, and a Dramatiq worker on its (stub) broker, in this
    process until Ctrl-C."""
    app = create_app(dict(settings))
    worker = Worker(use_broker(settings["BROKER_URL"]), worker_threads=2)
    worker.start()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        run_simple(
            "127.0.0.1", int(settings["PORT"]), app, threaded=True, request_handler=QuietHandler
        )
    except KeyboardInterrupt:
        pass
    finally:
        click.echo("stopping the worker…")
        worker.stop(timeout=5000)
