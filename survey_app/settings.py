"""Configuration: defaults, then SURVEY_* environment variables; shared by web and workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Config

ENV_PREFIX = "SURVEY"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE = PROJECT_ROOT / "instance"

DEFAULTS: dict[str, Any] = {
    # "demo" is the embedded stack of `make run`: SQLite, in-process worker, generated keys.
    "DEMO": False,
    "DATABASE_URL": f"sqlite:///{INSTANCE / 'survey.db'}",
    # "stub://" runs messages through an in-process StubBroker; "redis://..." in production.
    "BROKER_URL": "stub://",
    "SECRET_KEY": None,
    # Fernet key (urlsafe base64, 32 bytes) that encrypts raw free text until it is anonymised.
    "TEXT_KEY": None,
    # Key for the keyed hashes that link a practitioner's answers across waves.
    "LINK_KEY": None,
    "PUBLIC_URL": "http://127.0.0.1:5000",
    # Cookies are Secure unless this is false (only for plain-http test rigs on loopback);
    # None means: Secure everywhere except the demo.
    "SECURE_COOKIES": None,
    # Behind a TLS-terminating proxy, trust its X-Forwarded-Proto/-Host (number of proxies).
    "PROXY_COUNT": 0,
    "QR_DIR": str(INSTANCE / "qr"),
    # Where workers write full exports of anonymised responses; the web app serves them from
    # here, so web and workers must share it.
    "EXPORT_DIR": str(INSTANCE / "exports"),
    # Export files hold children's (anonymised) answers: deleted this many days after they
    # were written.
    "EXPORT_RETENTION_DAYS": 7,
    "SURVEY_DIR": None,
    # Optional: a text file of staff names (one a line) the anonymiser always treats as names.
    "STAFF_NAMES_FILE": None,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "DRAFT_LIFETIME_HOURS": 24,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    "SWEEP_INTERVAL_SECONDS": 30,
    "SWEEP_GRACE_SECONDS": 60,
    "HEARTBEAT_INTERVAL_SECONDS": 10,
    # A response whose processing failed this many times is held back (not published),
    # reported on /healthz and tried again on a slowing schedule.
    "PROCESSING_MAX_ATTEMPTS": 3,
    # /healthz says "degraded" once the oldest unprocessed response waited this long.
    "BACKLOG_DEGRADED_SECONDS": 300,
}


def default_survey_dir() -> Path:
    """Where the shipped survey definitions live."""
    return PROJECT_ROOT / "survey_definitions"


def load_settings(overrides: dict[str, Any] | None = None) -> Config:
    """Build settings from defaults, SURVEY_* environment variables and explicit overrides."""
    config = Config(str(PROJECT_ROOT))
    config.from_mapping(DEFAULTS)
    config.from_prefixed_env(ENV_PREFIX)
    if overrides:
        config.from_mapping(overrides)
    if not config["SURVEY_DIR"]:
        config["SURVEY_DIR"] = str(default_survey_dir())
    return config


class ConfigurationError(RuntimeError):
    """The service cannot start safely with the configuration it was given."""


def check_settings(config: Config) -> None:
    """Refuse to start outside the demo without the secrets production needs."""
    if config["DEMO"]:
        return
    missing = [name for name in ("SECRET_KEY", "TEXT_KEY", "LINK_KEY") if not config.get(name)]
    if missing:
        names = ", ".join(f"{ENV_PREFIX}_{name}" for name in missing)
        raise ConfigurationError(
            f"{names} must be set: the service has no fallback keys outside the demo "
            "(make run). Generate them with `survey-app keys`."
        )
