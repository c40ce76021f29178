"""What actors need at run time (database, text key, settings, survey definitions), built on
first use, not import."""

from __future__ import annotations

import threading

from flask import Config

from survey_app.crypto import TextVault
from survey_app.db import Database
from survey_app.definitions import SurveyDefinition
from survey_app.loaded_surveys import LoadedSurveys
from survey_app.settings import check_settings, load_settings

_lock = threading.Lock()
_state: dict[str, object] = {}


def configure(
    database: Database,
    vault: TextVault,
    settings: Config,
    surveys: LoadedSurveys | None = None,
) -> None:
    """Share the web app's database, key and surveys with an in-process worker (demo, tests)."""
    with _lock:
        _state.update(database=database, vault=vault, settings=settings)
        _state.pop("loaded_surveys", None)
        if surveys is not None:
            _state["loaded_surveys"] = surveys


def _ensure() -> None:
    with _lock:
        if "database" in _state:
            return
        settings = load_settings()
        check_settings(settings)
        _state.update(
            settings=settings,
            # Messages are retried, so the worker skips the pool's round trip before each use.
            database=Database.from_url(settings["DATABASE_URL"], pre_ping=False),
            vault=TextVault(settings["TEXT_KEY"]),
        )


def database() -> Database:
    _ensure()
    return _state["database"]  # type: ignore[return-value]


def vault() -> TextVault:
    _ensure()
    return _state["vault"]  # type: ignore[return-value]


def settings() -> Config:
    _ensure()
    return _state["settings"]  # type: ignore[return-value]


def surveys() -> dict[str, SurveyDefinition]:
    """The survey definitions, by id (read from SURVEY_SURVEY_DIR the first time, and again
    when `survey-app load-surveys` changes them)."""
    _ensure()
    with _lock:
        if "loaded_surveys" not in _state:
            _state["loaded_surveys"] = LoadedSurveys.from_settings(
                _state["settings"]  # type: ignore[arg-type]
            )
        loaded: LoadedSurveys = _state["loaded_surveys"]  # type: ignore[assignment]
    with database().session() as session:
        return loaded.current(session)
