"""Surveys and focus groups that let councils hear, safely, what children think of their care."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from .background import EXTENSION as BACKGROUND_WORK
from .clock import EXTENSION as CLOCK
from .clock import Clock, SystemClock
from .crypto import TextVault
from .db import Database
from .definitions import load_guides
from .loaded_surveys import LoadedSurveys
from .settings import check_settings, load_settings
from .web import init_database


class SurveyApp(Flask):
    """Flask, remembering which of its hooks and views are plain functions: Flask asks
    `inspect` again, for each of the ten hooks a child's page runs, on every request."""

    # Bounded: `after_this_request` would make a new function on every request that uses it.
    KNOWN_FUNCTIONS = 512

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_functions: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            known = self._sync_functions.get(func)
        except TypeError:  # a callable that cannot be a key: asked every time, as Flask does
            return super().ensure_sync(func)
        if known is None:
            known = super().ensure_sync(func)
            if len(self._sync_functions) < self.KNOWN_FUNCTIONS:
                self._sync_functions[func] = known
        return known


def create_app(config: dict[str, Any] | None = None, clock: Clock | None = None) -> Flask:
    """Build the web app: defaults, then SURVEY_* environment, then config (tests); clock is
    the time the app reads "now" from for publication periods (the machine's by default)."""
    app = SurveyApp(__name__)
    app.extensions[CLOCK] = clock or SystemClock()
    settings = load_settings(config)
    check_settings(settings)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_CONTENT_LENGTH"])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    secure = app.config["SECURE_COOKIES"]
    if secure is None:
        secure = not app.config["DEMO"]
    app.config["SECURE_COOKIES"] = bool(secure)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["SECURE_COOKIES"],
        SESSION_COOKIE_NAME="survey_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=app.config["SECURE_COOKIES"],
        WTF_CSRF_TIME_LIMIT=None,  # a child may take a while; the token is tied to the session
        # Pages send no Referer (privacy), so the token and SameSite cookies do the work.
        WTF_CSRF_SSL_STRICT=False,
        PREFERRED_URL_SCHEME="http" if app.config["DEMO"] else "https",
    )

    if int(app.config["PROXY_COUNT"]):
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]

    database = Database.from_url(app.config["DATABASE_URL"])
    vault = TextVault(app.config["TEXT_KEY"])
    init_database(app, database)
    app.extensions["vault"] = vault
    loaded_surveys = LoadedSurveys.from_settings(app.config)
    app.extensions["loaded_surveys"] = loaded_surveys
    app.extensions["surveys"] = loaded_surveys.definitions
    from .operations import DistributionFactsCache

    app.extensions["distribution_facts"] = DistributionFactsCache()

    # The workers import this package, so they are imported when an app is made, not before.
    from workers.actors import background_work
    from workers.context import WorkerContext
    from workers.setup import setup_workers

    # The broker this app's settings name; an in-process worker (demo, tests) shares this
    # app's database, key and surveys.
    broker = setup_workers(
        app.config,
        WorkerContext(database, vault, app.config, loaded_surveys, app.extensions[CLOCK]),
    )
    app.extensions[BACKGROUND_WORK] = background_work(broker)

    from .respondent import views as respondent_views
    from .web import (
        actions,
        api,
        assets,
        audits,
        coding,
        councils,
        distributions,
        feedback,
        focus_groups,
        health,
        safeguarding,
        security,
        signin,
        staff,
    )

    security.init_app(app)
    assets.init_app(app)
    respondent_views.init_app(app)
    signin.init_app(app)
    coding.init_app(app)
    distributions.init_app(app)
    staff.init_app(app)
    councils.init_app(app)
    api.init_app(app)
    actions.init_app(app)
    safeguarding.init_app(app)
    health.init_app(app)
    focus_groups.init_app(app, load_guides(app.config["SURVEY_DIR"]))
    # Other voices (issue 15): complaints and compliments, case-file audits.
    feedback.init_app(app)
    audits.init_app(app)
    return app
