"""A child's or practitioner's answers in progress: kept sealed, found by the hash of a cookie.

These take a session and never commit; the pages a respondent answers on own the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.orm import Session

from ..crypto import TextVault, new_token, token_hash
from ..models import Draft, utcnow


@dataclass
class DraftState:
    """What a draft holds: answers so far, the steps already seen, and the safeguarding concerns
    this visit raised (so they are added to, not raised again, and tied to the response sent)."""

    answers: dict[str, Any]
    seen: list[str]
    concerns: list[int] = field(default_factory=list)

    @classmethod
    def unseal(cls, vault: TextVault, sealed: bytes) -> DraftState:
        """The state a draft's sealed answers hold."""
        data = vault.open_json(sealed)
        return cls(
            dict(data.get("answers", {})),
            list(data.get("seen", [])),
            [int(concern_id) for concern_id in data.get("concerns", [])],
        )

    def sealed(self, vault: TextVault) -> bytes:
        """The state encrypted for the drafts table (concerns only when there are some, so a
        draft without any is sealed as before)."""
        data: dict[str, Any] = {"answers": self.answers, "seen": self.seen}
        if self.concerns:
            data["concerns"] = self.concerns
        return vault.seal_json(data)


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
        expires_at=_next_whole_hour(utcnow() + lifetime),
    )
    session.add(draft)
    session.flush()
    return draft, token


def begin_draft(
    session: Session,
    vault: TextVault,
    distribution_id: int,
    language: str,
    read_aloud: bool,
    lifetime: dt.timedelta,
    state: DraftState,
    sendable: int | None = None,
) -> tuple[DraftRow, str]:
    """`start_draft` for the Start page: a new draft already holding state, written by one
    INSERT without the ORM's unit of work, and the cookie token that finds it (only the
    token's hash is stored); the caller commits. sendable: see `save_draft`."""
    token = new_token()
    draft = DraftRow(
        0,
        distribution_id,
        state.sealed(vault),
        language,
        read_aloud,
        _next_whole_hour(utcnow() + lifetime),
    )
    values = {
        "token_hash": token_hash(token),
        "distribution_id": distribution_id,
        "sealed_answers": draft.sealed_answers,
        "language": language,
        "read_aloud": read_aloud,
        "expires_at": draft.expires_at,
        "sendable_version": sendable,
    }
    driver = _driver(session)
    if driver is not None:
        row = driver.execute(_PG_BEGIN_DRAFT, values).fetchone()
        assert row is not None  # INSERT ... RETURNING gives its row
        draft.id = int(row[0])
    else:
        inserted = session.connection().execute(_DRAFTS.insert().values(**values))
        key = inserted.inserted_primary_key
        assert key is not None
        draft.id = int(key[0])
    return draft, token


def _next_whole_hour(moment: dt.datetime) -> dt.datetime:
    # The expiry is the only time of day stored about a child: to the hour, it says no more
    # than roughly when they started.
    whole = moment.replace(minute=0, second=0, microsecond=0)
    return whole if whole == moment else whole + dt.timedelta(hours=1)


@dataclass
class DraftRow:
    """A draft as the pages a child answers on read it: its row, without the ORM's bookkeeping
    (every page reads the draft and most write it, so the ORM's cost was most of a page's)."""

    id: int
    distribution_id: int
    sealed_answers: bytes
    language: str
    read_aloud: bool
    expires_at: dt.datetime


_DRAFTS = cast(Table, Draft.__table__)  # a mapped class's table, typed as any FROM clause
# Built once: building a statement costs as much as running it.
_DRAFT_BY_TOKEN = select(
    _DRAFTS.c.id,
    _DRAFTS.c.distribution_id,
    _DRAFTS.c.sealed_answers,
    _DRAFTS.c.language,
    _DRAFTS.c.read_aloud,
    _DRAFTS.c.expires_at,
).where(_DRAFTS.c.token_hash == bindparam("token_hash"))
_UPDATE_DRAFT = _DRAFTS.update().where(_DRAFTS.c.id == bindparam("draft_id"))
_SAVE_DRAFT = _UPDATE_DRAFT.values(
    sealed_answers=bindparam("sealed"), sendable_version=bindparam("sendable")
)


# The same statements in the driver's own words, for PostgreSQL: every page a child sees reads
# the draft and most write it, and SQLAlchemy's execution of even a prebuilt statement cost
# more CPU than psycopg's. They run on the session's own connection (so in its transaction when
# it has one), or on a pooled connection a page took without a session (`find_draft_on`).
_PG_FIND_DRAFT = (
    "SELECT id, distribution_id, sealed_answers, language, read_aloud, expires_at"
    " FROM drafts WHERE token_hash = %s"
)
_PG_SAVE_DRAFT = "UPDATE drafts SET sealed_answers = %s, sendable_version = %s WHERE id = %s"
_PG_BEGIN_DRAFT = (
    "INSERT INTO drafts (token_hash, distribution_id, sealed_answers, language, read_aloud,"
    " expires_at, sendable_version) VALUES (%(token_hash)s, %(distribution_id)s,"
    " %(sealed_answers)s, %(language)s, %(read_aloud)s, %(expires_at)s, %(sendable_version)s)"
    " RETURNING id"
)


def _driver(session: Session) -> Any | None:
    """The psycopg connection under the session's connection on PostgreSQL, else None."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return None
    return connection.connection.driver_connection


def find_draft(session: Session, distribution_id: int, token: str | None) -> DraftRow | None:
    """The draft behind a cookie, if it belongs to this distribution and is still kept."""
    if not token:
        return None
    driver = _driver(session)
    if driver is not None:
        return find_draft_on(driver, distribution_id, token)
    found = session.connection().execute(_DRAFT_BY_TOKEN, {"token_hash": token_hash(token)})
    return _kept(found.first(), distribution_id)


def find_draft_on(driver: Any, distribution_id: int, token: str | None) -> DraftRow | None:
    """`find_draft` on a psycopg connection to PostgreSQL (in autocommit, or in the caller's
    transaction)."""
    if not token:
        return None
    return _kept(driver.execute(_PG_FIND_DRAFT, (token_hash(token),)).fetchone(), distribution_id)


def _kept(row: Any, distribution_id: int) -> DraftRow | None:
    # The one rule for which draft a cookie finds, whichever driver read the row.
    if row is None:
        return None
    draft = DraftRow(*row)
    if draft.distribution_id != distribution_id or draft.expires_at < utcnow():
        return None
    return draft


def update_draft(session: Session, draft: DraftRow, **values: Any) -> None:
    """Change a found draft's columns (language, read_aloud, sealed_answers); the caller
    commits."""
    session.connection().execute(_UPDATE_DRAFT.values(**values), {"draft_id": draft.id})
    for name, value in values.items():
        setattr(draft, name, value)


def read_draft(vault: TextVault, draft: Draft | DraftRow) -> DraftState:
    """What a draft holds, opened."""
    return DraftState.unseal(vault, draft.sealed_answers)


def write_draft(
    vault: TextVault, draft: Draft, state: DraftState, sendable: int | None = None
) -> None:
    """Seal a state into a draft the session holds (a new one); sendable: see `save_draft`."""
    draft.sealed_answers = state.sealed(vault)
    draft.sendable_version = sendable


def discard_draft(session: Session, draft: DraftRow) -> None:
    """Delete a draft the respondent chose to stop (its answers are never sent)."""
    session.execute(delete(Draft).where(Draft.id == draft.id))


def save_draft(
    session: Session,
    vault: TextVault,
    draft: DraftRow,
    state: DraftState,
    sendable: int | None = None,
) -> None:
    """Seal a state into a found draft and write it; the caller commits. sendable is the
    survey version at which Send may save the draft as it is, for the worker to open
    (`journey.sendable_version`); None (a writer that did not check) makes Send open it."""
    driver = _driver(session)
    if driver is not None:
        save_draft_on(driver, vault, draft, state, sendable)
        return
    session.connection().execute(
        _SAVE_DRAFT,
        {"draft_id": draft.id, "sealed": _sealed_into(vault, draft, state), "sendable": sendable},
    )


def save_draft_on(
    driver: Any, vault: TextVault, draft: DraftRow, state: DraftState, sendable: int | None = None
) -> None:
    """`save_draft` on a psycopg connection to PostgreSQL (in autocommit, or in the caller's
    transaction)."""
    driver.execute(_PG_SAVE_DRAFT, (_sealed_into(vault, draft, state), sendable, draft.id))


def _sealed_into(vault: TextVault, draft: DraftRow, state: DraftState) -> bytes:
    # The one rule for what a saved draft holds, whichever driver writes it (as `_kept` is for
    # which draft a cookie finds): the statements differ by database, the rule must not.
    draft.sealed_answers = state.sealed(vault)
    return draft.sealed_answers


def purge_expired_drafts(session: Session) -> int:
    """Delete drafts past their expiry; returns how many."""
    result = session.execute(delete(Draft).where(Draft.expires_at < utcnow()))
    return result.rowcount or 0  # type: ignore[attr-defined]
