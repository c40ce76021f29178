"""Surveys and focus groups that let councils hear, safely, what children think of their care."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .crypto import TextVault
from .db import Database
from .definitions import load_directory
from .loaded_surveys import LoadedSurveys
from .settings import check_settings, load_settings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the web app: defaults, then SURVEY_* environment, then config (tests)."""
    app = Flask(__name__)
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
    app.extensions["database"] = database
    app.extensions["vault"] = vault
    app.extensions["surveys"] = load_directory(app.config["SURVEY_DIR"])
    app.extensions["loaded_surveys"] = LoadedSurveys(
        app.config["SURVEY_DIR"],
        app.extensions["surveys"],
        float(app.config["SURVEYS_CHECK_SECONDS"]),
    )
    from .operations import DistributionFactsCache

    app.extensions["distribution_facts"] = DistributionFactsCache()

    from workers import actors, runtime

    # An in-process worker (demo, tests) shares this app's database and key.
    runtime.configure(database, vault, app.config, app.extensions["surveys"])
    app.extensions["enqueue"] = actors.enqueue_processing
    app.extensions["enqueue_export"] = actors.enqueue_export
    app.extensions["enqueue_concern_emails"] = actors.enqueue_concern_emails

    from . import (
        api,
        assets,
        facilitator,
        health,
        safeguarding_views,
        security,
        staff,
    )
    from .respondent import views as respondent_views

    security.init_app(app)
    assets.init_app(app)
    respondent_views.init_app(app)
    facilitator.init_app(app)
    staff.init_app(app)
    api.init_app(app)
    safeguarding_views.init_app(app)
    health.init_app(app)
    return app
