"""Sending a finished survey: take the draft once, save the response, commit, then enqueue.

This is the busiest write in the service (every child who presses Send), so it speaks to the
database driver directly, with no ORM bookkeeping. `bench/run.py` measures it against a bare
insert.

On PostgreSQL a draft the pages found complete (`Draft.sendable_version`: every required
question answered, no concern, no waves) is sent in one statement that takes the draft and
saves it, still sealed, as the response (`sealed_draft`); the worker opens it into answers and
free texts (`open_sent_draft`) before it screens, anonymises and counts them, in the same
transaction. Any other draft, and every draft on SQLite, is opened here: read, checked, and
saved as answers and encrypted free texts (two statements on PostgreSQL). Only a draft whose
answers raised a safeguarding concern takes one more step, in the same transaction: the concern
is tied to the response, so its lead sees the other answers and the worker raises no second one.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from ..answers import WRITTEN
from ..crypto import TextVault, token_hash
from ..definitions.model import SPECIAL_OPTIONS, SurveyDefinition
from ..inputs import normalise_text
from ..models import Distribution, FreeText, SurveyResponse, new_cell_key, utcnow
from ..periods import period_sent_in
from ..safeguarding import concerns, telling
from . import linking
from .drafts import DraftState
from .journey import (
    AGE_KEY,
    CODE_FROM_PAGE_KEY,
    PERSONAL_CODE_KEY,
    SELF_CODE_KEY,
    WAVE_KEY,
    missing_required,
    prune,
)
from .linking import new_personal_code, normalise_personal_code

log = logging.getLogger(__name__)

# The columns every way of saving a response writes (each statement below gives their values).
RESPONSE_COLUMNS = (
    "distribution_id, survey_version, submitted_on, period, language, age_band, answers,"
    " anonymised, aggregated, wave, link_hash, self_link_hash, superseded, cell_key"
)

# SQLite: take the draft and insert the response in one transaction.
CLAIM_DRAFT = """
    DELETE FROM drafts
    WHERE token_hash = %(token_hash)s AND distribution_id = %(distribution_id)s
      AND expires_at >= %(now)s
    RETURNING sealed_answers, language
"""
INSERT_RESPONSE = f"""
    INSERT INTO responses ({RESPONSE_COLUMNS})
    VALUES (%(distribution_id)s, %(survey_version)s, %(submitted_on)s, %(period)s, %(language)s,
            %(age_band)s, %(answers)s, %(no)s, %(no)s, %(wave)s, %(link_hash)s,
            %(self_link_hash)s, %(no)s, %(cell_key)s)
    RETURNING id
"""  # noqa: S608 (constants only)
INSERT_FREE_TEXT = """
    INSERT INTO free_texts (response_id, question_id, ciphertext)
    VALUES (%(response_id)s, %(question_id)s, %(ciphertext)s)
"""

# PostgreSQL: read the draft, then take it and insert everything in one atomic statement that
# succeeds only if the draft is still there and unchanged (two round trips, no BEGIN/COMMIT).
READ_DRAFT = """
    SELECT id, sealed_answers, language, expires_at >= %(now)s AS kept FROM drafts
    WHERE token_hash = %(token_hash)s AND distribution_id = %(distribution_id)s
"""
CLAIM_AND_INSERT = f"""
    WITH claimed AS (
        DELETE FROM drafts WHERE id = %(draft_id)s AND sealed_answers = %(sealed)s RETURNING id
    ), inserted AS (
        INSERT INTO responses ({RESPONSE_COLUMNS})
        SELECT %(distribution_id)s, %(survey_version)s, %(submitted_on)s, %(period)s,
               %(language)s,
               %(age_band)s, %(answers)s::json, false, false, %(wave)s, %(link_hash)s,
               %(self_link_hash)s, false, %(cell_key)s
        FROM claimed
        RETURNING id
    ), texts AS (
        INSERT INTO free_texts (response_id, question_id, ciphertext)
        SELECT inserted.id, text.key, convert_to(text.value, 'UTF8')
        FROM inserted CROSS JOIN json_each_text(%(texts)s::json) AS text
    )
    SELECT id FROM inserted
"""  # noqa: S608 (constants only)

# PostgreSQL, a draft the pages found complete: take it and save it, sealed, as the response.
SEND_SEALED = f"""
    WITH claimed AS (
        DELETE FROM drafts
        WHERE token_hash = %(token_hash)s AND distribution_id = %(distribution_id)s
          AND expires_at >= %(now)s AND sendable_version = %(survey_version)s
        RETURNING sealed_answers, language
    )
    INSERT INTO responses ({RESPONSE_COLUMNS}, sealed_draft)
    SELECT %(distribution_id)s, %(survey_version)s, %(submitted_on)s, %(period)s,
           claimed.language, '', '{{}}'::json, false, false, '', NULL, NULL, false,
           %(cell_key)s, claimed.sealed_answers
    FROM claimed
    RETURNING id, language
"""  # noqa: S608 (constants only)

SENT = "sent"
ALREADY_SENT = "already_sent"
EXPIRED = "expired"
INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class Outcome:
    """What happened when a respondent pressed Send."""

    status: str
    response_id: int | None = None
    language: str = "en"
    missing_step: str | None = None
    # The practitioner's personal code, to show and keep on their device (never stored here).
    personal_code: str | None = None


@dataclass(frozen=True)
class NewResponse:
    """A finished response ready to insert: its row, and its free text already encrypted."""

    row: dict[str, Any]
    sealed_texts: tuple[tuple[str, bytes], ...]
    personal_code: str | None = None


def build_response(
    definition: SurveyDefinition,
    distribution_id: int,
    vault: TextVault,
    state: DraftState,
    language: str,
    link_key: str | None = None,
    *,
    sent_at: dt.datetime,
) -> NewResponse:
    """A response from a finished draft: choices in the row, free text encrypted beside it.

    For a survey with waves, the personal code (new at the first wave if none was typed) and the
    self-generated code become keyed hashes; the codes themselves are not kept.

    A response with the same code at the same wave replaces the earlier one (processing), so a
    code that someone else put on a practitioner's phone could let them replace that
    practitioner's answers later. A personal code therefore links (pairs and replaces) only if
    its owner gave it on this device: issued here at Send, or sent through the code page, where
    it was typed or filled in from the code kept on this phone, which the server keeps only
    after Send or after its owner pressed "Keep my code" (and signs, so no other cookie is
    read). A code in the draft that did not come that way (e.g. a draft started before this
    rule, whose code may have been filled in from a planted cookie) is not used: the answers
    are kept and counted, unpaired, and replace nothing.
    """
    opened = opened_answers(definition, vault, state)
    personal_code, self_code = opened.personal_code, opened.self_code
    link_hash = self_link_hash = None
    if definition.waves and link_key:
        if not personal_code and definition.is_first_wave(opened.wave):
            personal_code = new_personal_code()
        if personal_code:
            personal_code = normalise_personal_code(personal_code)
            link_hash = linking.link_hash(link_key, definition.id, "code", personal_code)
        if self_code:
            self_link_hash = linking.link_hash(link_key, definition.id, "self", self_code)
    row = {
        "distribution_id": distribution_id,
        "survey_version": definition.version,
        "submitted_on": sent_at.date(),
        # The period it was sent in, for good: published with that period once it closed.
        "period": period_sent_in(definition.publication, sent_at).key,
        "language": language,
        "age_band": opened.age_band,
        "answers": opened.recorded,
        "wave": opened.wave,
        # Secret: published counts are perturbed by their members' keys (cell key method).
        "cell_key": new_cell_key(),
        "link_hash": link_hash,
        "self_link_hash": self_link_hash,
    }
    return NewResponse(row, opened.sealed_texts, personal_code)


@dataclass(frozen=True)
class OpenedAnswers:
    """A finished draft's answers as a response keeps them: choices as given, each written
    answer encrypted apart (its place in the choices says WRITTEN), the codes not yet hashed."""

    age_band: str
    wave: str
    recorded: dict[str, Any]
    sealed_texts: tuple[tuple[str, bytes], ...]
    personal_code: str | None
    self_code: str | None


def opened_answers(
    definition: SurveyDefinition, vault: TextVault, state: DraftState
) -> OpenedAnswers:
    """The one rule for what a response keeps of its draft, whether Send opens the draft or
    the worker does (`open_sent_draft`)."""
    answers = prune(definition, state.answers)
    band = answers.pop(AGE_KEY, "")
    wave = str(answers.pop(WAVE_KEY, "") or "")
    personal_code = answers.pop(PERSONAL_CODE_KEY, None)
    if not answers.pop(CODE_FROM_PAGE_KEY, False):
        personal_code = None
    self_code = answers.pop(SELF_CODE_KEY, None)
    recorded: dict[str, Any] = {}
    sealed: list[tuple[str, bytes]] = []
    for question in definition.questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        if question.is_text and value not in SPECIAL_OPTIONS:
            sealed.append((question.id, vault.seal(normalise_text(str(value)))))
            value = WRITTEN
        recorded[question.id] = value
    return OpenedAnswers(
        band if band in definition.band_ids() else "",
        wave,
        recorded,
        tuple(sealed),
        personal_code,
        self_code,
    )


class _Driver:
    """Runs this module's SQL on the session's connection, in the driver's own dialect."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self.sqlite = connection.dialect.name == "sqlite"
        self.cursor = connection.connection.cursor()

    def __enter__(self) -> _Driver:
        return self

    def __exit__(self, *_: object) -> None:
        self.cursor.close()

    def execute(self, sql: str, params: dict[str, Any]) -> Any:
        if self.sqlite:
            sql = _sqlite_sql(sql)
            params = {key: _sqlite_value(value) for key, value in params.items()}
        self.cursor.execute(sql, params)
        return self.cursor


@functools.cache
def _sqlite_sql(sql: str) -> str:
    return re.sub(r"%\((\w+)\)s", r":\1", sql)


def _sqlite_value(value: Any) -> Any:
    # Stored the way SQLAlchemy stores them on SQLite, so both read back alike.
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def send_draft(
    session: Session | Callable[[], Session],
    definition: SurveyDefinition,
    distribution_id: int,
    token: str | None,
    vault: TextVault,
    enqueue: Callable[[int], None],
    link_key: str | None = None,
    *,
    sent_at: dt.datetime,
    engine: Engine | None = None,
) -> Outcome:
    """Turn the draft behind token into a saved response, commit, then enqueue its processing.

    session is a session, or a function that gives one (the request's) when it is needed, with
    engine, the database it would be on: on PostgreSQL only a draft that raised a concern
    needs one, and making and closing a session cost more CPU than Send's own statements.

    A draft is sent at most once, even when Send is tapped twice at the same moment. If the
    broker cannot be reached the response is still saved and the respondent still thanked: the
    sweeper sends every saved, unprocessed response again.
    """
    if not token:
        return Outcome(ALREADY_SENT)
    if isinstance(session, Session):
        sessions: Callable[[], Session] = functools.partial(_same, session)
        engine = session.get_bind()  # type: ignore[assignment]
    elif engine is None:
        raise TypeError("send_draft needs the engine when given a function for the session")
    else:
        sessions = session
    assert engine is not None
    if engine.dialect.name == "postgresql":
        if isinstance(session, Session) and session.in_transaction():
            session.commit()  # e.g. a distribution was just looked up: end that read first
        outcome = _send_on_postgresql(
            sessions, engine, definition, distribution_id, token, vault, link_key, sent_at
        )
    else:
        outcome = _send_in_a_transaction(
            sessions(), definition, distribution_id, token, vault, link_key, sent_at
        )
    if outcome.response_id is not None:
        try:
            enqueue(outcome.response_id)
        except Exception:  # the broker is down; the sweeper will send it later
            log.warning(
                "could not enqueue response %s; the sweeper will retry",
                outcome.response_id,
                exc_info=True,
            )
    return outcome


def _same(session: Session) -> Session:
    return session


def _checked(
    definition: SurveyDefinition, sealed: bytes, vault: TextVault
) -> tuple[DraftState, str | None]:
    state = DraftState.unseal(vault, sealed)
    return state, missing_required(definition, state.answers)


def _send_in_a_transaction(
    session: Session,
    definition: SurveyDefinition,
    distribution_id: int,
    token: str,
    vault: TextVault,
    link_key: str | None,
    sent_at: dt.datetime,
) -> Outcome:
    keys = {"token_hash": token_hash(token), "distribution_id": distribution_id, "now": utcnow()}
    with _Driver(session) as driver:
        claimed = driver.execute(CLAIM_DRAFT, keys).fetchone()
    if claimed is None:
        session.rollback()
        return Outcome(EXPIRED if _is_expired(session, keys) else ALREADY_SENT)
    sealed, language = bytes(claimed[0]), _language(definition, claimed[1])
    state, missing = _checked(definition, sealed, vault)
    if missing:
        session.rollback()  # the draft stays for the respondent to finish
        return Outcome(INCOMPLETE, language=language, missing_step=missing)
    response = build_response(
        definition, distribution_id, vault, state, language, link_key, sent_at=sent_at
    )
    params = {**response.row, "answers": json.dumps(response.row["answers"]), "no": False}
    with _Driver(session) as driver:
        response_id = int(driver.execute(INSERT_RESPONSE, params).fetchone()[0])
        for question_id, ciphertext in response.sealed_texts:
            driver.execute(
                INSERT_FREE_TEXT,
                {"response_id": response_id, "question_id": question_id, "ciphertext": ciphertext},
            )
    if state.concerns:
        _attach_concerns(session, state.concerns, response_id)
    session.commit()
    return Outcome(SENT, response_id, language, personal_code=response.personal_code)


def _is_expired(session: Session, keys: dict[str, Any]) -> bool:
    with _Driver(session) as driver:
        row = driver.execute(READ_DRAFT, keys).fetchone()
    return row is not None and not row[3]


def _send_on_postgresql(
    sessions: Callable[[], Session],
    engine: Engine,
    definition: SurveyDefinition,
    distribution_id: int,
    token: str,
    vault: TextVault,
    link_key: str | None,
    sent_at: dt.datetime,
) -> Outcome:
    keys = {"token_hash": token_hash(token), "distribution_id": distribution_id, "now": utcnow()}
    # A pooled driver connection in autocommit, not the session's: the session's transaction
    # and isolation-level bookkeeping cost more CPU than the two statements.
    pooled = engine.raw_connection()
    driver = pooled.driver_connection
    assert driver is not None
    driver.autocommit = True
    cursor = driver.cursor()
    try:
        if not definition.waves:
            # A draft the pages found complete: one statement, opened by the worker.
            sent = cursor.execute(
                SEND_SEALED,
                {
                    **keys,
                    "survey_version": definition.version,
                    "submitted_on": sent_at.date(),
                    "period": period_sent_in(definition.publication, sent_at).key,
                    "cell_key": new_cell_key(),
                },
            ).fetchone()
            if sent is not None:
                return Outcome(SENT, int(sent[0]), _language(definition, sent[1]))
        # Any other draft, or none: read it, then check it and take it here. A second pass
        # only if the draft changed between reading and taking it (another tab).
        for _attempt in range(3):
            draft = cursor.execute(READ_DRAFT, keys).fetchone()
            if draft is None:
                return Outcome(ALREADY_SENT)
            draft_id, sealed, stored_language, kept = draft
            if not kept:
                return Outcome(EXPIRED)
            sealed, language = bytes(sealed), _language(definition, stored_language)
            state, missing = _checked(definition, sealed, vault)
            if missing:
                return Outcome(INCOMPLETE, language=language, missing_step=missing)
            response = build_response(
                definition, distribution_id, vault, state, language, link_key, sent_at=sent_at
            )
            params = {
                **response.row,
                "answers": json.dumps(response.row["answers"]),
                "draft_id": draft_id,
                "sealed": sealed,
                # One JSON object {question: token}, not two arrays: psycopg adapts a string for
                # a fraction of what it spends looking at every element of a list. Fernet
                # tokens are ASCII, so convert_to gives back their exact bytes.
                "texts": json.dumps(
                    {
                        question: ciphertext.decode("ascii")
                        for question, ciphertext in response.sealed_texts
                    }
                ),
            }
            if state.concerns:
                inserted = _insert_and_attach(sessions(), driver, cursor, params, state.concerns)
            else:
                inserted = cursor.execute(CLAIM_AND_INSERT, params).fetchone()
            if inserted is not None:
                return Outcome(
                    SENT, int(inserted[0]), language, personal_code=response.personal_code
                )
        return Outcome(ALREADY_SENT)
    finally:
        cursor.close()
        if not driver.closed:
            driver.autocommit = False  # as the pool hands connections to sessions
        pooled.close()  # back to the pool


# A new response takes the first of the open concerns its child raised (one concern a response).
ATTACH_CONCERN = """
    UPDATE concerns SET response_id = %(response_id)s
    WHERE id = %(concern_id)s AND response_id IS NULL
"""


def _insert_and_attach(
    session: Session,
    driver: Any,
    cursor: Any,
    params: dict[str, Any],
    concern_ids: list[int],
) -> Any:
    """Take the draft, save the response and tie the concerns the child raised while answering to
    it, in one transaction on the driver connection that inserts it (only drafts that raised a
    concern come this way). The same rule as `concerns.attach_to_response`, in SQL, because the
    response is not visible to the session's own connection until this commits."""
    still = telling.still_open(session, concern_ids)
    session.commit()  # end the read: nothing of the session's may wait on this transaction
    with driver.transaction():
        inserted = cursor.execute(CLAIM_AND_INSERT, params).fetchone()
        if inserted is not None and still:
            cursor.execute(
                ATTACH_CONCERN, {"response_id": int(inserted[0]), "concern_id": still[0]}
            )
    return inserted


def _attach_concerns(session: Session, concern_ids: list[int], response_id: int) -> None:
    # A concern the lead closed while the child was still answering stays closed: the worker
    # raises a new one for the response if its words still worry the screen.
    concerns.attach_to_response(session, telling.still_open(session, concern_ids), response_id)


_RESPONSES = cast(Table, SurveyResponse.__table__)
_DISTRIBUTIONS = cast(Table, Distribution.__table__)
_FREE_TEXTS = cast(Table, FreeText.__table__)
# Built once: building a statement costs the worker as much as running it.
_SEALED_RESPONSE = (
    select(
        _RESPONSES.c.sealed_draft,
        _RESPONSES.c.language,
        _DISTRIBUTIONS.c.survey_id,
    )
    .join(_DISTRIBUTIONS, _DISTRIBUTIONS.c.id == _RESPONSES.c.distribution_id)
    .where(_RESPONSES.c.id == bindparam("response_id"), _RESPONSES.c.sealed_draft.is_not(None))
    .with_for_update(of=_RESPONSES)
)
# The same on PostgreSQL, in the driver's words: the answers and every free text in one round
# trip (Fernet tokens are ASCII, so convert_to gives back their exact bytes).
_PG_SEALED_RESPONSE = """
    SELECT responses.sealed_draft, responses.language, distributions.survey_id
    FROM responses JOIN distributions ON distributions.id = responses.distribution_id
    WHERE responses.id = %(response_id)s AND responses.sealed_draft IS NOT NULL
    FOR UPDATE OF responses
"""
_PG_OPENED = """
    WITH opened AS (
        UPDATE responses
        SET answers = %(answers)s::json, age_band = %(age_band)s, wave = %(wave)s,
            language = %(language)s, sealed_draft = NULL
        WHERE id = %(response_id)s
        RETURNING id
    )
    INSERT INTO free_texts (response_id, question_id, ciphertext)
    SELECT opened.id, text.key, convert_to(text.value, 'UTF8')
    FROM opened CROSS JOIN json_each_text(%(texts)s::json) AS text
"""
_OPENED = (
    update(_RESPONSES)
    .where(_RESPONSES.c.id == bindparam("response_id"))
    .values(
        answers=bindparam("answers"),
        age_band=bindparam("age_band"),
        wave=bindparam("wave"),
        language=bindparam("language"),
        sealed_draft=None,
    )
)


def open_sent_draft(
    session: Session,
    vault: TextVault,
    response_id: int,
    definitions: Mapping[str, SurveyDefinition],
) -> bool:
    """Open a response Send saved as its sealed draft into its answers and encrypted free
    texts, as Send would have saved them had it opened the draft itself, and destroy the
    sealed draft; False if the response was not one (or was opened already). The worker calls
    it first, in the transaction that then screens, anonymises and counts the response, so
    nothing else ever reads a response still sealed as answers. Raises if its survey is not
    loaded (the worker then counts a failed attempt and, in the end, holds it back)."""
    connection = session.connection()
    # On PostgreSQL the driver's own statements, on the session's connection and transaction:
    # SQLAlchemy's execution of even a prebuilt statement costs the worker more than psycopg's.
    driver = (
        connection.connection.driver_connection if connection.dialect.name == "postgresql" else None
    )
    keys = {"response_id": response_id}
    if driver is not None:
        row = driver.execute(_PG_SEALED_RESPONSE, keys).fetchone()
    else:
        row = connection.execute(_SEALED_RESPONSE, keys).first()
    if row is None:
        return False
    sealed, stored_language, survey_id = row
    definition = definitions.get(survey_id)
    if definition is None:
        raise LookupError(f"the survey of response {response_id} is not loaded")
    state = DraftState.unseal(vault, bytes(sealed))
    opened = opened_answers(definition, vault, state)
    columns = {
        **keys,
        "age_band": opened.age_band,
        "wave": opened.wave,
        "language": _language(definition, stored_language),
    }
    if driver is not None:
        texts = {question: token.decode("ascii") for question, token in opened.sealed_texts}
        driver.execute(
            _PG_OPENED,
            {**columns, "answers": json.dumps(opened.recorded), "texts": json.dumps(texts)},
        )
    else:
        connection.execute(_OPENED, {**columns, "answers": opened.recorded})
        if opened.sealed_texts:
            connection.execute(
                insert(_FREE_TEXTS),
                [
                    {"response_id": response_id, "question_id": question, "ciphertext": token}
                    for question, token in opened.sealed_texts
                ],
            )
    if state.concerns:  # not sendable with a concern; kept to the one rule all the same
        _attach_concerns(session, state.concerns, response_id)
    return True


def _language(definition: SurveyDefinition, stored: str) -> str:
    return stored if stored in definition.languages else "en"
