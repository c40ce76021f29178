"""State changes: surveys, councils, distributions, drafts, submissions, users and tokens.

These take a session and never commit; a submission's own commit-then-send lives in submission.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .crypto import TextVault, new_token, token_hash
from .definitions.model import SurveyDefinition
from .inputs import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, normalise_email, normalise_text
from .models import (
    ROLES,
    ApiToken,
    Council,
    Distribution,
    Draft,
    LoginAttempt,
    Survey,
    User,
    today,
    utcnow,
)

log = logging.getLogger(__name__)

# Codes are typed from a printed card: no 0/o, 1/l/i look-alikes. 31^10 ≈ 8e14 possibilities.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 10

passwords = PasswordHasher()


class OperationError(ValueError):
    """A request that cannot be carried out, with a message for the person who asked."""


def sync_surveys(session: Session, definitions: Iterable[SurveyDefinition]) -> list[str]:
    """Record loaded definitions in the database; returns the ids that were added or changed."""
    changed = []
    for definition in definitions:
        row = session.get(Survey, definition.id)
        if row is None:
            row = Survey(id=definition.id)
            session.add(row)
        elif row.checksum == definition.checksum:
            continue
        row.version = definition.version
        row.audience = definition.audience
        row.title = definition.title.en
        row.checksum = definition.checksum
        row.source = definition.source
        changed.append(definition.id)
    session.flush()
    return changed


def council_named(session: Session, name: str) -> Council:
    """The council called name, created if new."""
    name = " ".join(normalise_text(name).split())
    if not name:
        raise OperationError("A council needs a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise OperationError(f"A council's name can be at most {MAX_NAME_LENGTH} characters.")
    council = session.scalar(select(Council).where(func.lower(Council.name) == name.lower()))
    if council is None:
        council = Council(name=name)
        session.add(council)
        session.flush()
    return council


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """Codes are typed by hand: ignore case, spaces and dashes."""
    return "".join(normalise_text(code).split()).replace("-", "").lower()


def create_distribution(
    session: Session,
    survey_id: str,
    council_name: str,
    label: str,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    created_by: User | None = None,
    wave: str = "",
    waves: tuple[str, ...] = (),
) -> Distribution:
    """Offer a survey to a council in a context, with a fresh unguessable code.

    waves are the survey's waves, if it has them: then a distribution collects exactly one.
    """
    if session.get(Survey, survey_id) is None:
        raise OperationError(f"There is no survey '{survey_id}'.")
    if waves and wave not in waves:
        raise OperationError(
            f"Choose the wave this link collects: one of {', '.join(waves)}."
            if not wave
            else f"'{wave}' is not a wave of this survey (use one of {', '.join(waves)})."
        )
    if wave and not waves:
        raise OperationError("This survey has no waves.")
    label = " ".join(normalise_text(label).split())
    if not label:
        raise OperationError("Give the distribution a label, e.g. 'CP conferences, Ipswich'.")
    if len(label) > MAX_NAME_LENGTH:
        raise OperationError(f"A label can be at most {MAX_NAME_LENGTH} characters.")
    if opens_on and closes_on and opens_on > closes_on:
        raise OperationError("The closing date is before the opening date.")
    council = council_named(session, council_name)
    if (
        created_by is not None
        and created_by.role == "council_lead"
        and created_by.council_id != council.id
    ):
        raise OperationError("You can only make distributions for your own council.")
    code = new_code()
    while session.scalar(select(Distribution.id).where(Distribution.code == code)):
        code = new_code()
    distribution = Distribution(
        code=code,
        survey_id=survey_id,
        council_id=council.id,
        label=label,
        opens_on=opens_on,
        closes_on=closes_on,
        wave=wave,
        created_by_id=created_by.id if created_by else None,
    )
    session.add(distribution)
    session.flush()
    return distribution


def distribution_by_code(session: Session, code: str) -> Distribution | None:
    return session.scalar(select(Distribution).where(Distribution.code == normalise_code(code)))


@dataclass(frozen=True)
class DistributionFacts:
    """What answering a survey needs to know about its distribution."""

    id: int
    code: str
    survey_id: str
    council_id: int
    opens_on: dt.date | None
    closes_on: dt.date | None
    wave: str = ""

    def is_open_on(self, day: dt.date) -> bool:
        if self.opens_on and day < self.opens_on:
            return False
        return not (self.closes_on and day > self.closes_on)


class DistributionFactsCache:
    """Distribution facts by code, kept for a minute per process.

    Every page a child sees needs them, and they do not change while a survey runs.
    """

    def __init__(self, seconds: float = 60.0) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[float, DistributionFacts]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, code: str) -> DistributionFacts | None:
        code = normalise_code(code)
        now = time.monotonic()
        entry = self._entries.get(code)
        if entry is not None and entry[0] > now:
            return entry[1]
        table = Distribution.__table__
        row = session.execute(
            select(
                table.c.id,
                table.c.code,
                table.c.survey_id,
                table.c.council_id,
                table.c.opens_on,
                table.c.closes_on,
                table.c.wave,
            ).where(table.c.code == code)
        ).first()
        if row is None:
            return None
        facts = DistributionFacts(*row)
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[code] = (now + self.seconds, facts)
        return facts


# Drafts ------------------------------------------------------------------------------------


@dataclass
class DraftState:
    """What a draft holds: answers so far and the steps already seen."""

    answers: dict[str, Any]
    seen: list[str]

    @classmethod
    def unseal(cls, vault: TextVault, sealed: bytes) -> DraftState:
        data = vault.open_json(sealed)
        return cls(dict(data.get("answers", {})), list(data.get("seen", [])))


def start_draft(
    session: Session,
    vault: TextVault,
    distribution_id: int,
    language: str,
    read_aloud: bool,
    lifetime: dt.timedelta,
) -> tuple[Draft, str]:
    """A new draft and the cookie token that finds it (only the token's hash is stored)."""
    token = new_token()
    draft = Draft(
        token_hash=token_hash(token),
        distribution_id=distribution_id,
        sealed_answers=vault.seal_json({"answers": {}, "seen": []}),
        language=language,
        read_aloud=read_aloud,
        expires_at=utcnow() + lifetime,
    )
    session.add(draft)
    session.flush()
    return draft, token


def find_draft(session: Session, distribution_id: int, token: str | None) -> Draft | None:
    """The draft behind a cookie, if it belongs to this distribution and is still kept."""
    if not token:
        return None
    draft = session.scalar(select(Draft).where(Draft.token_hash == token_hash(token)))
    if draft is None or draft.distribution_id != distribution_id:
        return None
    if draft.expires_at < utcnow():
        return None
    return draft


def read_draft(vault: TextVault, draft: Draft) -> DraftState:
    return DraftState.unseal(vault, draft.sealed_answers)


def write_draft(vault: TextVault, draft: Draft, state: DraftState) -> None:
    draft.sealed_answers = vault.seal_json({"answers": state.answers, "seen": state.seen})


def purge_expired_drafts(session: Session) -> int:
    """Delete drafts past their expiry; returns how many."""
    result = session.execute(delete(Draft).where(Draft.expires_at < utcnow()))
    return result.rowcount or 0  # type: ignore[attr-defined]


# Facilitators ------------------------------------------------------------------------------


def create_user(
    session: Session, email: str, password: str, role: str, council_name: str | None = None
) -> User:
    """A facilitator account with an Argon2id password hash."""
    email = normalise_email(email)
    if "@" not in email or len(email) > MAX_EMAIL_LENGTH:
        raise OperationError(f"'{email}' is not an email address.")
    if role not in ROLES:
        raise OperationError(f"Role must be one of: {', '.join(ROLES)}.")
    if len(password) < 12:
        raise OperationError("Use a password of at least 12 characters.")
    if session.scalar(select(User.id).where(User.email == email)):
        raise OperationError(f"There is already an account for {email}.")
    council = None
    if role == "council_lead":
        if not council_name:
            raise OperationError("A council lead needs --council.")
        council = council_named(session, council_name)
    user = User(
        email=email,
        password_hash=passwords.hash(password),
        role=role,
        council_id=council.id if council else None,
    )
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    if len(password) < 12:
        raise OperationError("Use a password of at least 12 characters.")
    user.password_hash = passwords.hash(password)


def create_api_token(session: Session, email: str) -> str:
    """A new API token for the account; only its hash is kept, so show it once."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise OperationError(f"There is no account for {email}.")
    token = "sv_" + new_token(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_hash(token)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or not row.user.active:
        return None
    row.last_used_on = today()
    return row.user


class LoginRefused(Exception):
    """Wrong email or password, or too many recent failures."""

    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


# Verifying against a fixed hash when the account is unknown keeps the timing the same.
_DUMMY_HASH = passwords.hash("not a real password, only for timing")


def authenticate(
    session: Session, email: str, password: str, max_failures: int, lockout: dt.timedelta
) -> User:
    """The account for email and password, or LoginRefused; every attempt is recorded."""
    email = normalise_email(email)
    if len(email) > MAX_EMAIL_LENGTH:
        raise LoginRefused("That is not an email address: it is too long.")
    since = utcnow() - lockout
    failures = session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email == email,
            LoginAttempt.attempted_at >= since,
            LoginAttempt.succeeded.is_(False),
        )
    )
    if failures and failures >= max_failures:
        session.add(LoginAttempt(email=email, succeeded=False))
        minutes = int(lockout.total_seconds() // 60)
        raise LoginRefused(
            f"Too many failed sign-ins for this account. Try again in {minutes} minutes.",
            locked=True,
        )
    user = session.scalar(select(User).where(User.email == email))
    try:
        passwords.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    session.add(LoginAttempt(email=email, succeeded=ok))
    if not ok or user is None:
        raise LoginRefused("The email address or password is not right.")
    if passwords.check_needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    return user
