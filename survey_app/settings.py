"""Configuration: defaults, then SURVEY_* environment variables; shared by web and workers."""

from __future__ import annotations

import os
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
    # Behind a TLS-terminating proxy, trust its X-Forwarded-For/-Proto/-Host (number of proxies).
    "PROXY_COUNT": 0,
    "QR_DIR": str(INSTANCE / "qr"),
    # Where workers write full exports of anonymised responses; the web app serves them from
    # here, so web and workers must share it.
    "EXPORT_DIR": str(INSTANCE / "exports"),
    # Export files hold children's (anonymised) answers: deleted this many days after they
    # were written.
    "EXPORT_RETENTION_DAYS": 7,
    # Where cleaned focus-group photos are kept (outside the web root; served only to signed-in
    # staff of the session's council). Web processes write and read it.
    "PHOTO_DIR": str(INSTANCE / "focus-group-photos"),
    # The linked research extract (every answer of a response in one row: responses.csv and
    # full exports) for admins, every request audited. Off: staff get counts through disclosure
    # control and written answers as unlinked items, because linked rows let an insider isolate
    # one child's (or practitioner's) whole set of answers (README, "Downloads"). Turn on only
    # for a deployment whose research agreement needs it.
    "RESEARCH_EXTRACT": False,
    "SURVEY_DIR": None,
    # Optional: a text file of staff names (one a line) the anonymiser always treats as names.
    "STAFF_NAMES_FILE": None,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "DRAFT_LIFETIME_HOURS": 24,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    # Password spraying: failed sign-ins from one client (counted under a keyed hash of its
    # address, never the address) in a moving window, across all accounts.
    "LOGIN_CLIENT_MAX_FAILURES": 10,
    "LOGIN_CLIENT_WINDOW_MINUTES": 10,
    # "memory://" counts per web process; a redis:// URL shares the count between processes.
    "LOGIN_THROTTLE_STORAGE": "memory://",
    "SWEEP_INTERVAL_SECONDS": 30,
    "SWEEP_GRACE_SECONDS": 60,
    "HEARTBEAT_INTERVAL_SECONDS": 10,
    # How often each web process asks the database whether `survey-app load-surveys` has
    # changed the surveys (one small query), and reloads the survey folder if so.
    "SURVEYS_CHECK_SECONDS": 5,
    # Where safeguarding alerts are sent from: smtp://host:port (plain, a local relay),
    # smtp+starttls://user:password@host:587 or smtps://user:password@host:465. Unset (the demo),
    # alerts are written to the log instead, so `make run` works without a mail server.
    "SMTP_URL": None,
    "MAIL_FROM": "safeguarding-alerts@localhost",
    # A concern nobody has acknowledged after this many hours is sent again to the council's
    # safeguarding leads and to the admins, and again after each further period.
    "CONCERN_ACK_HOURS": 4,
    # A child's request to be contacted is destroyed this many days after it was made.
    "CONCERN_RETENTION_DAYS": 90,
    # A response whose processing failed this many times is held back (not published),
    # reported on /healthz and tried again on a slowing schedule.
    "PROCESSING_MAX_ATTEMPTS": 3,
    # /healthz says "degraded" once the oldest unprocessed response waited this long.
    "BACKLOG_DEGRADED_SECONDS": 300,
}

# Settings an operator may set to nothing to mean "not set": their defaults are safe (the
# shipped survey folder, no staff-name list, Secure cookies everywhere but the demo).
# Every other empty setting is an error: an empty database, broker or address has no safe
# meaning, an empty key must not quietly become a demo key, and an empty number is a typo.
EMPTY_MEANS_DEFAULT = frozenset({"SURVEY_DIR", "STAFF_NAMES_FILE", "SECURE_COOKIES"})


def default_survey_dir() -> Path:
    """Where the shipped survey definitions live."""
    return PROJECT_ROOT / "survey_definitions"


def load_settings(overrides: dict[str, Any] | None = None) -> Config:
    """Build settings from defaults, SURVEY_* environment variables and explicit overrides."""
    config = Config(str(PROJECT_ROOT))
    config.from_mapping(DEFAULTS)
    config.from_prefixed_env(ENV_PREFIX)
    _check_environment(config)
    if overrides:
        config.from_mapping(overrides)
    if not config["SURVEY_DIR"]:
        config["SURVEY_DIR"] = str(default_survey_dir())
    return config


class ConfigurationError(RuntimeError):
    """The service cannot start safely with the configuration it was given."""


def _check_environment(config: Config) -> None:
    """Empty or mistyped SURVEY_* variables: one clear line naming each, not a traceback later."""
    problems = []
    for name, default in DEFAULTS.items():
        variable = f"{ENV_PREFIX}_{name}"
        given = os.environ.get(variable)
        if given is None:
            continue
        if not given.strip():
            if name in EMPTY_MEANS_DEFAULT:
                config[name] = default
            else:
                problems.append(f"{variable} is set but empty (give it a value, or unset it)")
        elif isinstance(default, bool) and not isinstance(config[name], bool):
            problems.append(f"{variable} must be true or false, not {given!r}")
        elif type(default) is int and type(config[name]) is not int:
            problems.append(f"{variable} must be a whole number, not {given!r}")
    if problems:
        raise ConfigurationError("; ".join(problems) + ".")


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
