"""Organisers' state changes: surveys, councils, distributions, users and tokens.

Councils are managed records: only `create_council` makes one, and everything that names a
council (forms, commands, the demo) finds an existing one with `council_named`.

These take a session and never commit. What a respondent changes (drafts, Send) lives in
`respondent/`.

Over 400 lines on purpose: every organiser's change in one place, each a short function that
takes a session, so the command line, the pages and the API change state the same way.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .caching import SharedCache
from .crypto import new_token, token_hash
from .definitions.model import SurveyDefinition
from .inputs import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, normalise_email, normalise_text
from .models import (
    COUNCIL_ROLES,
    ROLES,
    ApiToken,
    Council,
    Distribution,
    LoginAttempt,
    Role,
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

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        # The form field the problem is about, so a page can show it there ("" when none).
        self.field = field


def check_closing_date(closes_on: dt.date | None, today: dt.date) -> None:
    """Refuse a closing date already past: such a link would be closed before it is printed."""
    if closes_on is not None and closes_on < today:
        raise OperationError(
            f"The closing date {closes_on.isoformat()} has already passed (today is "
            f"{today.isoformat()}): choose today or a later day.",
            field="closes_on",
        )


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


def normalise_council_name(name: str, field: str = "council") -> str:
    """A council's name as kept: trimmed, inner spaces single; OperationError (about the form's
    field) when empty or long. Councils are told apart ignoring case ("suffolk " is "Suffolk").
    """
    name = " ".join(normalise_text(name).split())
    if not name:
        raise OperationError("A council needs a name.", field=field)
    if len(name) > MAX_NAME_LENGTH:
        raise OperationError(
            f"A council's name can be at most {MAX_NAME_LENGTH} characters.", field=field
        )
    return name


def find_council(session: Session, name: str) -> Council | None:
    """The council called name (ignoring case and extra spaces), or None."""
    key = " ".join(normalise_text(name).split()).casefold()
    # Compared here, not with SQL lower(): SQLite's lowers only A-Z, so "YNYS MÔN" would not
    # be "Ynys Môn". A region has tens of councils.
    return next((c for c in all_councils(session) if c.name.casefold() == key), None)


def all_councils(session: Session) -> list[Council]:
    """Every council, by name."""
    return list(session.scalars(select(Council).order_by(Council.name)))


def closest_councils(names: Iterable[str], typed: str, most: int = 3) -> list[str]:
    """The names most like typed: near spellings ("Narfolk": Norfolk), then names holding it
    ("suffolk": "Suffolk (demo)")."""
    key = " ".join(typed.split()).lower()
    by_key = {name.lower(): name for name in names}
    close = difflib.get_close_matches(key, list(by_key), n=most, cutoff=0.6)
    holding = sorted(k for k in by_key if key and (key in k or k in key) and k not in close)
    return [by_key[k] for k in [*close, *holding][:most]]


def council_named(session: Session, name: str, field: str = "council") -> Council:
    """The existing council called name; never makes one. An unknown name is an
    OperationError naming the closest councils (an admin adds councils)."""
    if not normalise_text(name).strip():
        raise OperationError("Choose a council.", field=field)
    council = find_council(session, normalise_council_name(name))
    if council is not None:
        return council
    names = [council.name for council in all_councils(session)]
    close = closest_councils(names, name)
    typed = " ".join(normalise_text(name).split())
    if close:
        hint = "Did you mean " + " or ".join(f"'{n}'" for n in close) + "?"
    elif names:
        hint = "The councils are: " + ", ".join(f"'{n}'" for n in names[:10]) + "."
    else:
        hint = "There are no councils yet."
    raise OperationError(
        f"There is no council called '{typed}'. {hint} An admin adds a council on the Councils "
        "page or with `survey-app councils create NAME`.",
        field=field,
    )


def create_council(session: Session, name: str) -> Council:
    """A new council; OperationError when one of that name (ignoring case) exists.

    The one place a council is made.
    """
    name = normalise_council_name(name, field="name")
    existing = find_council(session, name)
    if existing is not None:
        raise OperationError(f"There is already a council called '{existing.name}'.", field="name")
    council = Council(name=name)
    _save_council(session, council, name)
    return council


def _save_council(session: Session, council: Council, name: str) -> None:
    """Write council with name in a savepoint: when another admin took the same name at the same
    moment, the database's unique index decides, and this one gets the message above, not a 500."""
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite's own transaction handling makes savepoints unreliable, and SQLite runs
        # one writer at a time, so the check above already settled it.
        council.name = name
        session.add(council)
        session.flush()
        return
    session.flush()  # anything else pending is written outside the savepoint
    try:
        with session.begin_nested():
            council.name = name
            session.add(council)
    except IntegrityError:
        existing = find_council(session, name)  # committed by now: the index waited for it
        taken = existing.name if existing is not None else name
        message = f"There is already a council called '{taken}'."
        raise OperationError(message, field="name") from None


def rename_council(session: Session, old_name: str, new_name: str) -> Council:
    """Give an existing council a new name (its distributions, staff and results follow)."""
    council = council_named(session, old_name)
    return rename_council_to(session, council, new_name)


def rename_council_to(session: Session, council: Council, new_name: str) -> Council:
    """Give council a new name; OperationError when another council has it (ignoring case)."""
    new_name = normalise_council_name(new_name, field="name")
    existing = find_council(session, new_name)
    if existing is not None and existing.id != council.id:
        raise OperationError(f"There is already a council called '{existing.name}'.", field="name")
    _save_council(session, council, new_name)
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
    today: dt.date | None = None,
) -> Distribution:
    """Offer a survey to a council in a context, with a fresh unguessable code.

    waves are the survey's waves, if it has them: then a distribution collects exactly one.
    today, when given, refuses a closing date before it (`check_closing_date`); people making
    a distribution pass it, tests that need an already closed one leave it out.
    """
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise OperationError(f"There is no survey '{survey_id}'.")
    if survey.audience == "auditor":
        # Audits are filled in by signed-in staff on the Audits page, never through a link.
        raise OperationError("An audit form has no links: fill it in on the Audits page.")
    if waves and wave not in waves:
        raise OperationError(
            f"Choose the wave this link collects: one of {', '.join(waves)}."
            if not wave
            else f"'{wave}' is not a wave of this survey (use one of {', '.join(waves)}).",
            field="wave",
        )
    if wave and not waves:
        raise OperationError("This survey has no waves.")
    label = " ".join(normalise_text(label).split())
    if not label:
        raise OperationError(
            "Give the distribution a label, e.g. 'CP conferences, Ipswich'.", field="label"
        )
    if len(label) > MAX_NAME_LENGTH:
        raise OperationError(f"A label can be at most {MAX_NAME_LENGTH} characters.", field="label")
    if today is not None:
        check_closing_date(closes_on, today)
    if opens_on and closes_on and opens_on > closes_on:
        raise OperationError("The closing date is before the opening date.", field="closes_on")
    council = council_named(session, council_name)
    if (
        created_by is not None
        and created_by.role == Role.COUNCIL_LEAD
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

    def __init__(self, seconds: float = 60.0, most: int = 10_000) -> None:
        self.seconds = seconds
        self._facts: SharedCache[DistributionFacts] = SharedCache(most, seconds=seconds)

    def kept(self, code: str) -> DistributionFacts | None:
        """The facts for code if they were read less than a minute ago, without the database
        (a page that finds them here takes no database session for them)."""
        return self._facts.get(normalise_code(code))

    def get(self, session: Session, code: str) -> DistributionFacts | None:
        """The facts for code, read from the database at most once a minute (unknown codes are
        asked again each time, so a distribution made a moment ago is found)."""
        code = normalise_code(code)
        facts = self._facts.get(code)
        if facts is not None:
            return facts
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
        self._facts.keep(code, facts)
        return facts


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
    if role in COUNCIL_ROLES:
        if not council_name:
            raise OperationError(f"A {role.replace('_', ' ')} needs --council.")
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
    """A new password for the account; every session signed in with the old one ends."""
    if len(password) < 12:
        raise OperationError("Use a password of at least 12 characters.")
    user.password_hash = passwords.hash(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """End every session the account has signed in (on every device) at its next request."""
    user.session_version = (user.session_version or 0) + 1


def user_by_email(session: Session, email: str) -> User:
    """The account for email, or OperationError."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise OperationError(f"There is no account for {email}.")
    return user


def staff_accounts(session: Session) -> tuple[list[User], dict[int, list[ApiToken]]]:
    """Every staff account by email, and each one's API tokens, oldest first."""
    users = list(session.scalars(select(User).order_by(User.email)).unique())
    tokens: dict[int, list[ApiToken]] = {user.id: [] for user in users}
    for token in session.scalars(select(ApiToken).order_by(ApiToken.id)).unique():
        tokens[token.user_id].append(token)
    return users, tokens


def deactivate_user(session: Session, user: User) -> int:
    """Stop the account signing in or using the API: its sessions end and its tokens are
    revoked. Returns how many tokens were revoked."""
    user.active = False
    end_sessions(user)
    return revoke_tokens(session, user)


def revoke_tokens(session: Session, user: User, token_id: int | None = None) -> int:
    """Delete one of the account's API tokens (by id), or all of them; returns how many."""
    query = delete(ApiToken).where(ApiToken.user_id == user.id)
    if token_id is not None:
        query = query.where(ApiToken.id == token_id)
    return session.execute(query).rowcount or 0  # type: ignore[attr-defined]


def revoke_token(session: Session, token_id: int) -> ApiToken:
    """Delete the API token with this id (whoever's it is); returns it, or OperationError."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise OperationError(f"There is no API token {token_id}.")
    session.delete(token)
    session.flush()
    return token


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The account's API tokens, oldest first (their hashes only: tokens are never kept)."""
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    )


def create_api_token(session: Session, email: str) -> str:
    """A new API token for the account; only its hash is kept, so show it once."""
    user = user_by_email(session, email)
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


def user_for_session(session: Session, session_id: str) -> User | None:
    """The account behind a session's id ("user id:session version"), if that session has not
    been ended since (by signing out, a new password or deactivation) and the account is active.
    """
    user_id, _, version = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


class LoginRefused(Exception):
    """Wrong email or password, or too many recent failures."""

    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


# Verifying against a fixed hash when the account is unknown keeps the timing the same.
_DUMMY_HASH = passwords.hash("not a real password, only for timing")


def locked_until(
    session: Session, email: str, max_failures: int, lockout: dt.timedelta, now: dt.datetime
) -> dt.datetime | None:
    """When the account's current lockout ends, or None if it is not locked at now.

    A lockout starts at the max_failures-th failure within `lockout` of each other and lasts
    exactly `lockout`: attempts refused during it are not failures, so they never extend it, and
    failures before it ended do not count towards the next. So someone trying a wrong password
    now and then can lock an account for at most `lockout` at a time, and its owner can always
    sign in once that has passed unless the account is locked again by a fresh run of failures.
    """
    # Only the last two lockout periods can bear on now (a lock at now began at most `lockout`
    # ago, from failures at most `lockout` before that); earlier ones have all ended.
    failures = session.scalars(
        select(LoginAttempt.attempted_at)
        .where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.during_lockout.is_(False),
            LoginAttempt.attempted_at >= now - 3 * lockout,
            LoginAttempt.attempted_at <= now,
        )
        .order_by(LoginAttempt.attempted_at)
    ).all()
    run: list[dt.datetime] = []
    until: dt.datetime | None = None
    for failed_at in failures:
        if until is not None and failed_at < until:
            continue
        run = [earlier for earlier in run if earlier > failed_at - lockout]
        run.append(failed_at)
        if len(run) >= max_failures:
            until, run = failed_at + lockout, []
    return until if until is not None and now < until else None


def authenticate(
    session: Session,
    email: str,
    password: str,
    max_failures: int,
    lockout: dt.timedelta,
    now: dt.datetime | None = None,
) -> User:
    """The account for email and password, or LoginRefused; every attempt is recorded."""
    email = normalise_email(email)
    if len(email) > MAX_EMAIL_LENGTH:
        raise LoginRefused("That is not an email address: it is too long.")
    now = now or utcnow()
    until = locked_until(session, email, max_failures, lockout, now)
    if until is not None:
        session.add(
            LoginAttempt(email=email, attempted_at=now, succeeded=False, during_lockout=True)
        )
        minutes = max(1, -(-int((until - now).total_seconds()) // 60))
        raise LoginRefused(
            "Too many failed sign-ins for this account. "
            f"Try again in {minutes} minute{'' if minutes == 1 else 's'}.",
            locked=True,
        )
    user = session.scalar(select(User).where(User.email == email))
    try:
        passwords.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    session.add(LoginAttempt(email=email, attempted_at=now, succeeded=ok))
    if not ok or user is None:
        raise LoginRefused("The email address or password is not right.")
    if passwords.check_needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    return user
