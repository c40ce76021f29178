"""The production configuration points at things that exist."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_docker_compose_runs_database_broker_migrations_web_and_worker() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "migrate", "web", "worker"} <= set(services)
    assert services["worker"]["command"][:2] == ["dramatiq", "workers.main"]
    assert "survey_app.wsgi:app" in services["web"]["command"]
    assert "survey-app migrate" in " ".join(services["migrate"]["command"])
    environment = compose["x-survey-env"]
    for name in (
        "SURVEY_DATABASE_URL",
        "SURVEY_BROKER_URL",
        "SURVEY_SECRET_KEY",
        "SURVEY_TEXT_KEY",
    ):
        assert name in environment
    # Secrets must come from the operator, never from a default in the file.
    assert ":?" in environment["SURVEY_SECRET_KEY"] and ":?" in environment["SURVEY_TEXT_KEY"]


def test_the_modules_the_services_start_can_be_imported() -> None:
    assert hasattr(importlib.import_module("workers.actors"), "aggregate_response")
    # Not imported: importing it sets up the broker from this process's SURVEY_* settings.
    assert importlib.util.find_spec("workers.main") is not None
    assert importlib.util.find_spec("survey_app.wsgi") is not None


def test_the_app_refuses_to_start_without_secrets_outside_the_demo() -> None:
    import pytest

    from survey_app import create_app
    from survey_app.settings import ConfigurationError

    with pytest.raises(ConfigurationError, match="SURVEY_SECRET_KEY"):
        create_app({"SECRET_KEY": None, "TEXT_KEY": None, "DEMO": False})
