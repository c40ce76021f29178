"""What actors need at run time (database, text key, settings), built on first use, not import."""

from __future__ import annotations

import threading

from flask import Config

from survey_app.crypto import TextVault
from survey_app.db import Database
from survey_app.settings import check_settings, load_settings

_lock = threading.Lock()
_state: dict[str, object] = {}


def configure(database: Database, vault: TextVault, settings: Config) -> None:
    """Share the web app's database and key with an in-process worker (demo and tests)."""
    with _lock:
        _state.update(database=database, vault=vault, settings=settings)


def _ensure() -> None:
    with _lock:
        if "database" in _state:
            return
        settings = load_settings()
        check_settings(settings)
        _state.update(
            settings=settings,
            database=Database.from_url(settings["DATABASE_URL"]),
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
