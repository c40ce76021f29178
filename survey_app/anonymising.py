"""What the workers do first to a saved response: screen its free text for risk, then redact
each answer and destroy its raw text; and the same fail-closed steps for every other voice's
kept words (`KeptWords`: focus-group items, complaints and compliments, case-file audit notes).

Each function takes a session, is safe to run twice, and leaves committing to the caller, so a
crash half way changes nothing. The service's settings are passed in, never read here.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

from sqlalchemy import ColumnElement, Table, bindparam, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from .aggregating import CountedRow, Counting, counting_ctes
from .backlog import count_failed_attempt
from .crypto import TextVault
from .definitions.loader import parse_definition
from .definitions.model import AnonymisationSettings
from .models import (
    AuditEvent,
    ConcernLevel,
    Distribution,
    FreeText,
    Survey,
    SurveyResponse,
    today,
    utcnow,
)
from .privacy.anonymiser import AnonymiserSettings, anonymise
from .safeguarding import concerns
from .safeguarding.screen import Level as ScreenLevel
from .safeguarding.screen import screen

log = logging.getLogger(__name__)


def anonymise_response(
    session: Session,
    vault: TextVault,
    response_id: int,
    settings: Mapping[str, Any],
    alerts: list[int] | None = None,
    counting: Counting | None = None,
) -> bool:
    """Redact each free-text answer and destroy its raw text; False if nothing was left to do.

    First the risk screen reads each raw answer (`screen_for_concerns`); the ids of any alert
    emails it wrote are added to alerts, for the caller to send once it has committed.

    Fails closed: an answer whose analysis raises is held back, still encrypted and never
    published, and the response stays not anonymised, so the sweeper offers it again later. A
    later success stores the redacted text and clears the hold. settings are the service's
    (for SURVEY_STAFF_NAMES_FILE), as the caller loaded them.

    counting, given on PostgreSQL, counts the response too, in the statement that stores the
    redactions (`aggregating.counting_ctes`), when every answer was stored and the response
    was not counted yet; its counted is then True, and the caller counts it otherwise.
    """
    texts, facts = _texts_to_anonymise(session, response_id)
    held_back = 0
    if texts:
        assert facts is not None
        # Safeguarding first: no raw answer is destroyed before the screen has read it. The
        # screen returns the words it decrypted, so each answer is decrypted once.
        unscreened, written, opened = screen_for_concerns(
            session, vault, response_id, texts, utcnow(), facts
        )
        if alerts is not None:
            alerts.extend(written)
        held_back += len(unscreened)
        on_postgresql = session.get_bind().dialect.name == "postgresql"
        redactions: list[tuple[_Answer, str]] = []
        for free_text in texts:
            if free_text.id in unscreened:
                continue
            redacted = _redact(session, vault, free_text, response_id, settings, opened)
            if redacted is None:
                held_back += 1
            elif on_postgresql:
                redactions.append((free_text, redacted))
            else:
                _store_redaction(session, free_text, redacted)
        if on_postgresql and redactions:
            # Every redaction, its audit and (none held back) the response's mark, in one
            # round trip: a statement costs the worker more than the anonymiser does; and its
            # counting too, where the caller asks and it can be.
            counted_with = (
                counting_ctes(facts.counted, counting)
                if counting is not None and facts.counted is not None and not held_back
                else None
            )
            if counted_with is not None:
                assert counting is not None
                counting.counted = _stored_on_postgresql(
                    session, redactions, response_id, counted_with
                )
                if not counting.counted:
                    # Counted meanwhile by another message: still to mark anonymised.
                    session.connection().execute(_CLAIM_ANONYMISED, {"response_id": response_id})
                return True
            _stored_on_postgresql(session, redactions, None if held_back else response_id)
            if not held_back:
                return True
    if held_back:
        count_failed_attempt(session, response_id)
        return True
    # On the connection: the session's autoflush and ORM bookkeeping cost more than the update.
    claimed = session.connection().execute(_CLAIM_ANONYMISED, {"response_id": response_id})
    return bool(texts or claimed.rowcount)


# Built once, not per response: building a statement costs the worker as much as running it.
# Columns, not FreeText entities: the ORM's loading cost the worker more than the round trip.
_free_texts, _responses = FreeText.__table__, SurveyResponse.__table__
_distributions, _surveys = Distribution.__table__, Survey.__table__
# The same tables typed as tables, for UPDATE (a mapped class's table is typed as any FROM).
_FREE_TEXTS, _RESPONSES = cast(Table, FreeText.__table__), cast(Table, SurveyResponse.__table__)
_TEXTS_TO_ANONYMISE = (
    select(
        _free_texts.c.id,
        _free_texts.c.question_id,
        _free_texts.c.ciphertext,
        _free_texts.c.held_back,
        _surveys.c.id.label("survey_id"),
        _surveys.c.checksum,
        _distributions.c.id.label("distribution_id"),
        _distributions.c.council_id,
        _surveys.c.audience,
    )
    .join(_responses, _responses.c.id == _free_texts.c.response_id)
    .join(_distributions, _distributions.c.id == _responses.c.distribution_id)
    .join(_surveys, _surveys.c.id == _distributions.c.survey_id)
    .where(
        _free_texts.c.response_id == bindparam("response_id"),
        _free_texts.c.ciphertext.is_not(None),
    )
    .with_for_update(of=_free_texts)
)
# The same, for the driver.
_TEXTS_TO_ANONYMISE_POSTGRESQL = """
    SELECT free_texts.id, free_texts.question_id, free_texts.ciphertext, free_texts.held_back,
           surveys.id, surveys.checksum, distributions.id, distributions.council_id,
           surveys.audience, responses.aggregated,
           responses.id, responses.answers, responses.age_band, responses.wave,
           responses.link_hash, distributions.id, distributions.council_id,
           distributions.survey_id, responses.period, responses.cell_key
    FROM free_texts
    JOIN responses ON responses.id = free_texts.response_id
    JOIN distributions ON distributions.id = responses.distribution_id
    JOIN surveys ON surveys.id = distributions.survey_id
    WHERE free_texts.response_id = %(response_id)s AND free_texts.ciphertext IS NOT NULL
    FOR UPDATE OF free_texts
"""
_HOLD_BACK = (
    update(_FREE_TEXTS).where(FreeText.id == bindparam("free_text_id")).values(held_back=True)
)
_STORE_REDACTION = (
    update(_FREE_TEXTS)
    .where(FreeText.id == bindparam("free_text_id"))
    .values(
        redacted=bindparam("redacted"),
        ciphertext=None,
        raw_destroyed_on=bindparam("today"),
        held_back=False,
    )
)
_CLAIM_ANONYMISED = (
    update(_RESPONSES)
    .where(SurveyResponse.id == bindparam("response_id"), SurveyResponse.anonymised.is_(False))
    .values(anonymised=True)
)
_SURVEY_OF_RESPONSE = (
    select(Survey.id, Survey.checksum)
    .join(Distribution, Distribution.survey_id == Survey.id)
    .join(SurveyResponse, SurveyResponse.distribution_id == Distribution.id)
    .where(SurveyResponse.id == bindparam("response_id"))
)


def _driver(session: Session) -> Any:
    """The psycopg connection under the session's connection (PostgreSQL only)."""
    return session.connection().connection.driver_connection


@dataclass
class _Answer:
    """A free-text answer still to anonymise, as `_texts_to_anonymise` read it."""

    id: int
    question_id: str
    ciphertext: bytes | None
    held_back: bool


@dataclass(frozen=True)
class ResponseFacts:
    """Where a response came from, as the risk screen records it on a concern; and, on
    PostgreSQL, what counting it needs, while it was not yet counted."""

    distribution_id: int
    council_id: int
    survey_id: str
    audience: str
    counted: CountedRow | None = None


def _texts_to_anonymise(
    session: Session, response_id: int
) -> tuple[list[_Answer], ResponseFacts | None]:
    """A response's answers still to anonymise, locked; the survey they answer and where the
    response came from come in the same round trip (the survey kept for
    `_survey_anonymisation`), None when no answer is left."""
    counted: CountedRow | None = None
    if session.get_bind().dialect.name == "postgresql":
        # On the driver, as the worker's other statements are (SQLAlchemy's execution of a
        # select cost more than the round trip itself); anything pending is written first, as
        # the session's autoflush would (the worker has nothing pending here). The response's
        # counting facts come in the same round trip, for `counting_ctes`.
        session.flush()
        with _driver(session).cursor() as cursor:
            rows = cursor.execute(_TEXTS_TO_ANONYMISE_POSTGRESQL, {"response_id": response_id})
            rows = rows.fetchall()
        if rows and not rows[0][9]:
            counted = CountedRow(*rows[0][10:])
    else:
        rows = session.execute(_TEXTS_TO_ANONYMISE, {"response_id": response_id}).all()
    if not rows:
        return [], None
    survey_id, checksum, distribution_id, council_id, audience = rows[0][4:9]
    surveys = session.info.setdefault("survey_of_response", {})
    surveys[response_id] = (survey_id, checksum)
    facts = ResponseFacts(distribution_id, council_id, survey_id, audience, counted)
    return [_Answer(*row[:4]) for row in rows], facts


def screen_for_concerns(
    session: Session,
    vault: TextVault,
    response_id: int,
    texts: Sequence[_Answer],
    now: dt.datetime,
    facts: ResponseFacts,
) -> tuple[set[int], tuple[int, ...], dict[int, str]]:
    """The worker's risk screen, authoritative whatever the web request did: read each raw
    answer and raise (once per response) a concern for those flagged, keeping their words
    encrypted apart from the research data, in the caller's transaction. Returns the answers
    it could not read (held back, not destroyed), the alert emails it wrote, and the words of
    the answers it read, by answer id, for the anonymiser (one decryption per answer)."""
    flagged: list[concerns.FlaggedText] = []
    unscreened: set[int] = set()
    opened: dict[int, str] = {}
    for free_text in texts:
        assert free_text.ciphertext is not None
        try:
            words = vault.open(free_text.ciphertext)
            found = screen(words, facts.audience)
            opened[free_text.id] = words
        except Exception as error:  # fail closed: keep the words until they can be screened
            log.warning(
                "risk screen failed for free_text:%s (%s); held back",
                free_text.id,
                type(error).__name__,
            )
            _hold_back(session, free_text)
            unscreened.add(free_text.id)
            continue
        if found.level != ScreenLevel.NONE:
            flagged.append(
                concerns.FlaggedText(
                    free_text.question_id, words, ConcernLevel(found.level.value), found.reasons
                )
            )
    raised = concerns.flag_response(
        session,
        vault,
        response_id=response_id,
        council_id=facts.council_id,
        distribution_id=facts.distribution_id,
        survey_id=facts.survey_id,
        texts=flagged,
        now=now,
    )
    return unscreened, raised.notification_ids if raised is not None else (), opened


def _redact(
    session: Session,
    vault: TextVault,
    free_text: _Answer,
    response_id: int,
    settings: Mapping[str, Any],
    opened: Mapping[int, str],
) -> str | None:
    """The redaction of an answer (opened: the answers already decrypted, by id); None, the
    answer held back, on any failure."""
    subject = f"free_text:{free_text.id}"
    assert free_text.ciphertext is not None
    try:
        anonymiser_settings = _anonymiser_settings(
            _survey_anonymisation(session, response_id).redact_locations,
            staff_names(settings.get("STAFF_NAMES_FILE")),
        )
        words = opened.get(free_text.id)
        if words is None:
            words = vault.open(free_text.ciphertext)
        return anonymise(words, anonymiser_settings).text
    except Exception as error:  # fail closed, whatever went wrong
        if not free_text.held_back:
            session.execute(_HOLD_BACK, {"free_text_id": free_text.id})
        hold_back(session, free_text, subject, error)
        return None


@functools.lru_cache(maxsize=64)
def _anonymiser_settings(redact_locations: bool, staff: tuple[str, ...]) -> AnonymiserSettings:
    """The anonymiser's settings, made once per survey setting and staff list."""
    return AnonymiserSettings(redact_locations=redact_locations, staff_names=staff)


def _hold_back(session: Session, free_text: _Answer) -> None:
    """Keep an answer encrypted and unpublished until its analysis succeeds."""
    session.execute(_HOLD_BACK, {"free_text_id": free_text.id})
    free_text.held_back = True


def _store_redaction(session: Session, free_text: _Answer, redacted: str) -> None:
    """Store a redaction and destroy the raw text (not PostgreSQL), audited."""
    session.execute(
        _STORE_REDACTION,
        {"free_text_id": free_text.id, "redacted": redacted, "today": today()},
    )
    free_text.ciphertext = None
    free_text.held_back = False
    session.add(
        AuditEvent(
            event="raw_text_destroyed", subject=f"free_text:{free_text.id}", occurred_on=today()
        )
    )


_REDACTIONS = """
    redaction AS (
        SELECT * FROM unnest(%(ids)s::integer[], %(redacted)s::text[]) WITH ORDINALITY
            AS redaction (id, redacted, n)
    ), stored AS (
        UPDATE free_texts
        SET redacted = redaction.redacted, ciphertext = NULL, raw_destroyed_on = %(today)s,
            held_back = false
        FROM redaction
        WHERE free_texts.id = redaction.id
        RETURNING free_texts.id
    ), audited AS (
        INSERT INTO audit_events (occurred_on, event, subject, detail)
        SELECT %(today)s, 'raw_text_destroyed', 'free_text:' || redaction.id, ''
        FROM redaction JOIN stored ON stored.id = redaction.id
        ORDER BY redaction.n
    )"""
# Built from constants only (no input is ever in a statement's text).
_STORE_REDACTIONS = f"""
    WITH {_REDACTIONS}, marked AS (
        UPDATE responses SET anonymised = true
        WHERE responses.id = %(response_id)s AND NOT responses.anonymised
    )
    SELECT 1
"""  # noqa: S608


@functools.cache
def _stored_and_counted(counting: str) -> str:
    """`_STORE_REDACTIONS` with counting's CTEs (the claim marks the response anonymised), which
    returns whether it counted the response; built once (the driver prepares it by its text)."""
    # Built from constants only: counting is `aggregating`'s, not input.
    return f"WITH {_REDACTIONS}, {counting}\n    SELECT count(*) FROM claim"  # noqa: S608


def _stored_on_postgresql(
    session: Session,
    redactions: Sequence[tuple[_Answer, str]],
    response_id: int | None,
    counted_with: tuple[str, dict[str, Any]] | None = None,
) -> bool:
    """On PostgreSQL, store redactions, destroy the raw texts and audit each, and mark the
    response anonymised (response_id; None while an answer is held back), in one round trip on
    the driver (the ORM's flush of the same cost the worker more than the anonymiser).

    counted_with (`aggregating.counting_ctes`) marks the response anonymised and counts it in
    the same round trip; True if it counted it (False: counted already, nor marked)."""
    parameters = {
        "ids": [free_text.id for free_text, _ in redactions],
        "redacted": [redacted for _, redacted in redactions],
        "today": today(),
        "response_id": response_id,
    }
    statement = _STORE_REDACTIONS
    if counted_with is not None:
        counting, counting_parameters = counted_with
        statement = _stored_and_counted(counting)
        parameters.update(counting_parameters)
    with _driver(session).cursor() as cursor:
        found = cursor.execute(statement, parameters).fetchone()
    for free_text, _ in redactions:
        free_text.ciphertext = None
        free_text.held_back = False
    return counted_with is not None and found is not None and found[0] > 0


@dataclass(frozen=True)
class _CachedAnonymisation:
    checksum: str
    settings: AnonymisationSettings


_survey_settings: dict[str, _CachedAnonymisation] = {}


def _survey_anonymisation(session: Session, response_id: int) -> AnonymisationSettings:
    """The anonymisation settings of the survey a response answers (parsed once per version;
    the survey as `_texts_to_anonymise` read it, else looked up)."""
    found = session.info.get("survey_of_response", {}).get(response_id)
    if found is None:
        # On the connection, not the session: no autoflush, no ORM bookkeeping.
        found = (
            session.connection().execute(_SURVEY_OF_RESPONSE, {"response_id": response_id}).one()
        )
    survey_id, checksum = found
    cached = _survey_settings.get(survey_id)
    if cached is None or cached.checksum != checksum:
        source = session.scalar(select(Survey.source).where(Survey.id == survey_id))
        cached = _CachedAnonymisation(checksum, parse_definition(source or "").anonymisation)
        _survey_settings[survey_id] = cached
    return cached.settings


def staff_names(path: str | None) -> tuple[str, ...]:
    """Names from the council's staff list (one a line), if SURVEY_STAFF_NAMES_FILE is set.

    A set but unreadable file raises, so answers are held back rather than anonymised without
    the names the council expects to be found.
    """
    if not path:
        return ()
    file = Path(path)
    return _read_staff_names(str(file), file.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read_staff_names(path: str, modified: int) -> tuple[str, ...]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


# One rule for every kind of kept words: hold back on failure, else store and destroy ----------

# The warning a failure logs: the subject and the kind of error, never the words.
FAILURE_LOG = "anonymisation failed for %s (%s); held back"


class HeldBack(Protocol):
    """A record whose words can be held back, still encrypted and unpublished (all `hold_back`
    needs: a survey answer read for the worker has no raw_destroyed_on)."""

    held_back: bool


class Sealed(HeldBack, Protocol):
    """A record whose words are kept encrypted until the worker has anonymised them."""

    raw_destroyed_on: dt.date | None


def hold_back(
    session: Session,
    record: HeldBack,
    subject: str,
    error: Exception,
    *,
    logger: logging.Logger = log,
    message: str = FAILURE_LOG,
) -> None:
    """Fail closed: leave the record's words encrypted and unpublished, held back, and audit
    the first failure (a retry that fails again is not audited again)."""
    # Only the kind of error is kept: its message could quote the words.
    logger.warning(message, subject, type(error).__name__)
    if not record.held_back:
        record.held_back = True
        session.add(
            AuditEvent(event="anonymisation_failed", subject=subject, detail=type(error).__name__)
        )


def destroy_raw(
    session: Session,
    record: Sealed,
    subject: str,
    redacted: str,
    *,
    columns: tuple[str, str] = ("ciphertext", "redacted"),
) -> None:
    """Store the redaction in the record's redacted column, destroy the raw words in its sealed
    column (columns: sealed, redacted), clear any hold, and audit the destruction."""
    sealed, redacted_column = columns
    setattr(record, redacted_column, redacted)
    setattr(record, sealed, None)
    record.raw_destroyed_on = today()
    record.held_back = False
    session.add(AuditEvent(event="raw_text_destroyed", subject=subject, occurred_on=today()))


# Free text from other voices (focus-group items, complaints and compliments, case-file audit
# notes) ---------------------------------------------------------------------------------------


class Kept(Sealed, Protocol):
    """A record of another voice: its failed attempts are counted on itself, for the sweeper."""

    id: int
    processing_attempts: int


K = TypeVar("K", bound=Kept)

# A risk screen of raw words: what to do once they are redacted (raise a concern), or None when
# it found nothing.
Screen = Callable[[str], Callable[[], object] | None]


@dataclass(frozen=True)
class KeptWords(Generic[K]):
    """Where one kind of other voice keeps its words and how the worker anonymises them: the
    model, how audit events and logs name a record (prefix "feedback_item": "feedback_item:7"),
    the log its failures go to, the anonymiser's settings, and the model's columns."""

    model: type[K]
    prefix: str
    log: logging.Logger
    redact_locations: bool
    # The model's columns of the sealed (encrypted raw) words and of their redaction.
    columns: tuple[str, str] = ("ciphertext", "redacted")
    # True where the sealed words are a JSON object of question id to words, each redacted on
    # its own (a case-file audit's notes).
    by_question: bool = False
    # Where a record waits on a flag of its own rather than on its sealed words (a focus-group
    # item: a vote has no words, yet waits to be processed); the worker sets it once done.
    done: str | None = None
    failure_log: str = FAILURE_LOG
    # More of the record's words, as (sealed, redacted) column pairs, anonymised in the same
    # fail-closed step as its main words (a complaint's service); a pair sealed empty is left.
    also: tuple[tuple[str, str], ...] = ()

    def subject(self, record_id: int) -> str:
        """How a record is named in audit events and logs."""
        return f"{self.prefix}:{record_id}"

    def _column(self, name: str) -> InstrumentedAttribute[Any]:
        # On the model class, not a record: a column to query by.
        column: InstrumentedAttribute[Any] = getattr(self.model, name)
        return column

    def _waiting(self) -> ColumnElement[bool]:
        if self.done is None:
            return self._column(self.columns[0]).is_not(None)
        return self._column(self.done).is_(False)

    def waiting(
        self, session: Session, *, max_attempts: int | None = None, limit: int | None = None
    ) -> dict[int, int]:
        """Records whose words still wait for the worker (a lost message, a broker that was
        down, or failures), by id, with how often each has failed so far; with max_attempts,
        those that failed that often are left out."""
        key, attempts = self._column("id"), self._column("processing_attempts")
        statement = select(key, attempts).where(self._waiting())
        if max_attempts is not None:
            statement = statement.where(attempts < max_attempts)
        rows = session.execute(statement.order_by(key).limit(limit))
        return {record_id: failed for record_id, failed in rows}

    def locked(self, session: Session, record_id: int) -> K | None:
        """The record, locked for the worker, if its words still wait; else None."""
        return session.scalar(
            select(self.model)
            .where(self._column("id") == record_id, self._waiting())
            .with_for_update()
        )

    def anonymise_waiting(
        self, session: Session, vault: TextVault, record_id: int, settings: Mapping[str, Any]
    ) -> bool:
        """The worker's step for one record (`anonymise`, once locked); False if nothing was
        left to do."""
        record = self.locked(session, record_id)
        if record is None:
            return False
        self.anonymise(session, vault, record, settings)
        return True

    def anonymise(
        self,
        session: Session,
        vault: TextVault,
        record: K,
        settings: Mapping[str, Any],
        risk_screen: Screen | None = None,
    ) -> None:
        """Store a locked record's redacted words and destroy the raw text (settings: the
        service's, for SURVEY_STAFF_NAMES_FILE).

        risk_screen, where the words are read for risk, reads the raw words before they are
        redacted (in the same fail-closed step); what it returns runs once they are, before the
        raw text is destroyed.

        Fails closed: if opening, screening or anonymising raises, the words stay encrypted and
        unpublished, the attempt is counted, and the sweeper offers the record again later.
        """
        subject = self.subject(record.id)
        sealed = getattr(record, self.columns[0])
        assert sealed is not None
        try:
            words = vault.open(sealed)
            then = risk_screen(words) if risk_screen is not None else None
            redacted = self._redact(words, settings)
            more = {
                pair: redact_words(
                    vault.open(getattr(record, pair[0])),
                    settings,
                    redact_locations=self.redact_locations,
                )
                for pair in self.also
                if getattr(record, pair[0]) is not None
            }
        except Exception as error:  # fail closed, whatever went wrong
            record.processing_attempts += 1
            hold_back(session, record, subject, error, logger=self.log, message=self.failure_log)
            return
        if then is not None:
            then()
        for (sealed_column, redacted_column), words_redacted in more.items():
            setattr(record, redacted_column, words_redacted)
            setattr(record, sealed_column, None)
        destroy_raw(session, record, subject, redacted, columns=self.columns)
        if self.done is not None:
            setattr(record, self.done, True)

    def _redact(self, words: str, settings: Mapping[str, Any]) -> str:
        if not self.by_question:
            return redact_words(words, settings, redact_locations=self.redact_locations)
        written = json.loads(words)
        redacted = {
            question_id: redact_words(answer, settings, redact_locations=self.redact_locations)
            for question_id, answer in written.items()
        }
        return json.dumps(redacted, ensure_ascii=False)


def redact_words(words: str, settings: Mapping[str, Any], *, redact_locations: bool) -> str:
    """The anonymised form of kept words, by the same anonymiser and staff list as survey
    answers (settings: the service's, for SURVEY_STAFF_NAMES_FILE). Raises on failure: the
    caller holds the words back, still encrypted."""
    return anonymise(
        words,
        AnonymiserSettings(
            redact_locations=redact_locations,
            staff_names=staff_names(settings.get("STAFF_NAMES_FILE")),
        ),
    ).text
