"""What the workers do to a saved response: anonymise its free text and count its answers.

Each function takes a session and a response id, is safe to run twice, and leaves committing to
the caller, so a crash half way changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Select, Table, bindparam, func, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .crypto import TextVault
from .definitions.loader import parse_definition
from .definitions.model import AnonymisationSettings
from .models import (
    AnswerCount,
    AuditEvent,
    ConcernLevel,
    CountedMembers,
    Distribution,
    DistributionTotal,
    FreeText,
    QuestionBase,
    Response,
    Survey,
    today,
    utcnow,
)
from .privacy.anonymiser import AnonymiserSettings, anonymise
from .privacy.disclosure import BLOCK_BITS
from .safeguarding import concerns
from .safeguarding.screen import Level as ScreenLevel
from .safeguarding.screen import screen
from .settings import load_settings

log = logging.getLogger(__name__)


def anonymise_response(
    session: Session,
    vault: TextVault,
    response_id: int,
    settings: Mapping[str, Any] | None = None,
    alerts: list[int] | None = None,
) -> bool:
    """Redact each free-text answer and destroy its raw text; False if nothing was left to do.

    First the risk screen reads each raw answer (`screen_for_concerns`); the ids of any alert
    emails it wrote are added to alerts, for the caller to send once it has committed.

    Fails closed: an answer whose analysis raises is held back, still encrypted and never
    published, and the response stays not anonymised, so the sweeper offers it again later. A
    later success stores the redacted text and clears the hold. settings are the service's
    (for SURVEY_STAFF_NAMES_FILE); by default they are read from the environment.
    """
    texts = _texts_to_anonymise(session, response_id)
    held_back = 0
    if texts:
        config = load_settings() if settings is None else settings
        # Safeguarding first: no raw answer is destroyed before the screen has read it.
        unscreened, written = screen_for_concerns(session, vault, response_id, texts, utcnow())
        if alerts is not None:
            alerts.extend(written)
        held_back += len(unscreened)
        for free_text in texts:
            if free_text.id in unscreened:
                continue
            if not _anonymise_free_text(session, vault, free_text, response_id, config):
                held_back += 1
    if held_back:
        count_failed_attempt(session, response_id)
        return True
    # On the connection: the session's autoflush and ORM bookkeeping cost more than the update.
    claimed = session.connection().execute(_CLAIM_ANONYMISED, {"response_id": response_id})
    return bool(texts or claimed.rowcount)


# Built once, not per response: building a statement costs the worker as much as running it.
_TEXTS_TO_ANONYMISE = (
    select(FreeText, Survey.id, Survey.checksum)
    .join(Response, Response.id == FreeText.response_id)
    .join(Distribution, Distribution.id == Response.distribution_id)
    .join(Survey, Survey.id == Distribution.survey_id)
    .where(FreeText.response_id == bindparam("response_id"), FreeText.ciphertext.is_not(None))
    .with_for_update(of=FreeText)
)
_CLAIM_ANONYMISED = (
    update(Response.__table__)
    .where(Response.id == bindparam("response_id"), Response.anonymised.is_(False))
    .values(anonymised=True)
)
_SURVEY_OF_RESPONSE = (
    select(Survey.id, Survey.checksum)
    .join(Distribution, Distribution.survey_id == Survey.id)
    .join(Response, Response.distribution_id == Distribution.id)
    .where(Response.id == bindparam("response_id"))
)


def _texts_to_anonymise(session: Session, response_id: int) -> list[FreeText]:
    """A response's answers still to anonymise, locked; the survey they answer comes in the same
    round trip, kept for `_survey_anonymisation`."""
    rows = session.execute(_TEXTS_TO_ANONYMISE, {"response_id": response_id}).all()
    if rows:
        surveys = session.info.setdefault("survey_of_response", {})
        surveys[response_id] = (rows[0][1], rows[0][2])
    return [row[0] for row in rows]


def screen_for_concerns(
    session: Session,
    vault: TextVault,
    response_id: int,
    texts: Sequence[FreeText],
    now: dt.datetime,
) -> tuple[set[int], tuple[int, ...]]:
    """The worker's risk screen, authoritative whatever the web request did: read each raw
    answer and raise (once per response) a concern for those flagged, keeping their words
    encrypted apart from the research data, in the caller's transaction. Returns the answers
    it could not read (held back, not destroyed) and the alert emails it wrote."""
    facts = session.execute(
        select(Distribution.id, Distribution.council_id, Distribution.survey_id, Survey.audience)
        .join(Response, Response.distribution_id == Distribution.id)
        .join(Survey, Distribution.survey_id == Survey.id)
        .where(Response.id == response_id)
    ).one()
    flagged: list[concerns.FlaggedText] = []
    unscreened: set[int] = set()
    for free_text in texts:
        assert free_text.ciphertext is not None
        try:
            words = vault.open(free_text.ciphertext)
            found = screen(words, facts.audience)
        except Exception as error:  # fail closed: keep the words until they can be screened
            log.warning(
                "risk screen failed for free_text:%s (%s); held back",
                free_text.id,
                type(error).__name__,
            )
            free_text.held_back = True
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
        distribution_id=facts.id,
        survey_id=facts.survey_id,
        texts=flagged,
        now=now,
    )
    return unscreened, raised.notification_ids if raised is not None else ()


def _anonymise_free_text(
    session: Session,
    vault: TextVault,
    free_text: FreeText,
    response_id: int,
    settings: Mapping[str, Any],
) -> bool:
    """Store the redaction and destroy the raw text; on any failure hold the answer back."""
    subject = f"free_text:{free_text.id}"
    assert free_text.ciphertext is not None
    try:
        anonymiser_settings = AnonymiserSettings(
            redact_locations=_survey_anonymisation(session, response_id).redact_locations,
            staff_names=staff_names(settings.get("STAFF_NAMES_FILE")),
        )
        redaction = anonymise(vault.open(free_text.ciphertext), anonymiser_settings)
    except Exception as error:  # fail closed, whatever went wrong
        # Only the kind of error is kept: its message could quote the answer.
        log.warning("anonymisation failed for %s (%s); held back", subject, type(error).__name__)
        if not free_text.held_back:
            free_text.held_back = True
            session.add(
                AuditEvent(
                    event="anonymisation_failed", subject=subject, detail=type(error).__name__
                )
            )
        return False
    if _stored_on_postgresql(session, free_text, redaction.text, subject):
        return True
    free_text.redacted = redaction.text
    free_text.ciphertext = None
    free_text.raw_destroyed_on = today()
    free_text.held_back = False
    session.add(AuditEvent(event="raw_text_destroyed", subject=subject, occurred_on=today()))
    return True


_STORE_REDACTION = """
    WITH stored AS (
        UPDATE free_texts
        SET redacted = %(redacted)s, ciphertext = NULL, raw_destroyed_on = %(today)s,
            held_back = false
        WHERE id = %(id)s
        RETURNING id
    )
    INSERT INTO audit_events (occurred_on, event, subject, detail)
    SELECT %(today)s, 'raw_text_destroyed', %(subject)s, '' FROM stored
"""


def _stored_on_postgresql(
    session: Session, free_text: FreeText, redacted: str, subject: str
) -> bool:
    """On PostgreSQL, store a redaction, destroy the raw text and audit it in one round trip on
    the driver (the ORM's flush of the same cost the worker more than the anonymiser); False
    elsewhere. The loaded answer is left as the database now has it."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    day = today()
    with session.connection().connection.cursor() as cursor:
        cursor.execute(
            _STORE_REDACTION,
            {"redacted": redacted, "today": day, "id": free_text.id, "subject": subject},
        )
    for name, value in (
        ("redacted", redacted),
        ("ciphertext", None),
        ("raw_destroyed_on", day),
        ("held_back", False),
    ):
        set_committed_value(free_text, name, value)
    return True


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


def answer_cells(answers: dict[str, Any]) -> tuple[list[tuple[str, str]], list[str]]:
    """(question, option) pairs to count, and the questions answered (each response once)."""
    cells: list[tuple[str, str]] = []
    for question_id, value in answers.items():
        chosen = value if isinstance(value, list) else [value]
        cells.extend((question_id, str(option)) for option in dict.fromkeys(map(str, chosen)))
    return cells, list(answers)


def aggregate_response(session: Session, response_id: int) -> bool:
    """Add a response to the counts exactly once; False if it was already counted.

    Marking the response and adding to the counts happen in one transaction, so a redelivered
    message finds it marked, and a worker dying half way leaves neither. A practitioner who
    answers the same wave again with the same personal code replaces their earlier answer: the
    latest is counted, the earlier one is taken out of the counts (whichever is processed first).
    """
    responses = Response.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # The busiest path of the worker: two round trips on the driver, no ORM bookkeeping.
        row = _claim_on_postgresql(session, response_id)
        if row is None:
            return False
        if not row.link_hash:
            _count_on_postgresql(session, row)
            return True
    else:
        claimed = session.execute(
            responses.update()
            .where(responses.c.id == response_id, responses.c.aggregated.is_(False))
            .values(aggregated=True)
        ).rowcount  # type: ignore[attr-defined]
        if not claimed:
            return False
        row = session.execute(_counted_response().where(responses.c.id == response_id)).one()
    _mark_counted(session, dialect, row)
    statements = _counting_statements(dialect)
    if row.link_hash:
        same_person = _same_person_same_wave(row)
        newer = session.execute(same_person.where(responses.c.id > response_id).limit(1)).first()
        if newer is not None:
            session.execute(
                responses.update().where(responses.c.id == response_id).values(superseded=True)
            )
            return True
        for older in session.execute(
            same_person.where(
                responses.c.id < response_id,
                responses.c.aggregated.is_(True),
                responses.c.superseded.is_(False),
            ).with_for_update(of=responses)
        ).all():
            _add_to_counts(session, statements, older, -1)
            session.execute(
                responses.update()
                .where(responses.c.id == older.response_id)
                .values(superseded=True)
            )
    _add_to_counts(session, statements, row, +1)
    return True


class _CountedRow(NamedTuple):
    """The columns of `_counted_response()`, as the PostgreSQL claim returns them."""

    response_id: int
    answers: dict[str, Any]
    age_band: str
    wave: str
    link_hash: str | None
    id: int  # the distribution's
    council_id: int
    survey_id: str


_CLAIM_POSTGRESQL = """
    UPDATE responses SET aggregated = true
    FROM distributions
    WHERE responses.id = %(response_id)s AND NOT responses.aggregated
      AND distributions.id = responses.distribution_id
    RETURNING responses.id, responses.answers, responses.age_band, responses.wave,
              responses.link_hash, distributions.id, distributions.council_id,
              distributions.survey_id
"""

# Everything `_mark_counted` and `_add_to_counts(+1)` do, as one statement. The cells arrive
# sorted (see `_add_to_counts`), and the statement's shape is fixed, so concurrent workers take
# row locks in the same order.
_COUNT_POSTGRESQL = """
    WITH version AS (
        INSERT INTO counted_versions (survey_id, council_id, token)
        VALUES (%(survey_id)s, %(council_id)s, %(token)s)
        ON CONFLICT (survey_id, council_id) DO UPDATE SET token = excluded.token
    ), member AS (
        INSERT INTO counted_members (survey_id, council_id, block, bits)
        VALUES (%(survey_id)s, %(council_id)s, %(block)s,
                set_bit(decode(repeat('00', 8192), 'hex'), %(bit)s, 1))
        ON CONFLICT (survey_id, council_id, block)
        DO UPDATE SET bits = set_bit(counted_members.bits, %(bit)s, 1)
    ), cells AS (
        INSERT INTO answer_counts
            (distribution_id, council_id, survey_id, age_band, question_id, option, count)
        SELECT %(distribution_id)s, %(council_id)s, %(survey_id)s, %(age_band)s,
               cell.question_id, cell.option, 1
        FROM unnest(%(cell_questions)s::varchar[], %(cell_options)s::varchar[])
             WITH ORDINALITY AS cell (question_id, option, n)
        ORDER BY cell.n
        ON CONFLICT (distribution_id, question_id, option, age_band)
        DO UPDATE SET count = answer_counts.count + excluded.count
    ), bases AS (
        INSERT INTO question_bases (distribution_id, council_id, survey_id, age_band, question_id,
                                    base)
        SELECT %(distribution_id)s, %(council_id)s, %(survey_id)s, %(age_band)s,
               asked.question_id, 1
        FROM unnest(%(questions)s::varchar[]) WITH ORDINALITY AS asked (question_id, n)
        ORDER BY asked.n
        ON CONFLICT (distribution_id, question_id, age_band)
        DO UPDATE SET base = question_bases.base + excluded.base
    )
    INSERT INTO distribution_totals (distribution_id, responses)
    VALUES (%(distribution_id)s, 1)
    ON CONFLICT (distribution_id)
    DO UPDATE SET responses = distribution_totals.responses + excluded.responses
"""


def _claim_on_postgresql(session: Session, response_id: int) -> _CountedRow | None:
    """Mark a response counted and read what counting it needs, in one round trip."""
    with session.connection().connection.cursor() as cursor:
        found = cursor.execute(_CLAIM_POSTGRESQL, {"response_id": response_id}).fetchone()
    return _CountedRow(*found) if found is not None else None


def _count_on_postgresql(session: Session, row: _CountedRow) -> None:
    """Set the response's bit, renew its council's version token and add it to the counts."""
    cells, questions = answer_cells(row.answers)
    cells.sort()
    block, bit = row.response_id >> BLOCK_BITS, row.response_id & ((1 << BLOCK_BITS) - 1)
    with session.connection().connection.cursor() as cursor:
        cursor.execute(
            _COUNT_POSTGRESQL,
            {
                "survey_id": row.survey_id,
                "council_id": row.council_id,
                "distribution_id": row.id,
                "age_band": row.age_band,
                "token": uuid.uuid4().hex,
                "block": block,
                "bit": bit,
                "cell_questions": [question for question, _ in cells],
                "cell_options": [option for _, option in cells],
                "questions": sorted(questions),
            },
        )


BLOCK_BYTES = 1 << (BLOCK_BITS - 3)  # ids per CountedMembers block: 65,536 (8 KB of bits)
_MARK_POSTGRESQL = text(
    "insert into counted_members (survey_id, council_id, block, bits) "
    "values (:survey_id, :council_id, :block, "
    "set_bit(decode(repeat('00', 8192), 'hex'), :bit, 1)) "  # BLOCK_BYTES zero bytes
    "on conflict (survey_id, council_id, block) "
    "do update set bits = set_bit(counted_members.bits, :bit, 1)"
)


_NEW_VERSION = text(
    "insert into counted_versions (survey_id, council_id, token) "
    "values (:survey_id, :council_id, :token) "
    "on conflict (survey_id, council_id) do update set token = excluded.token"
)


def _mark_counted(session: Session, dialect: str, row: Any) -> None:
    """Set the response's bit in its council's bitmap of counted responses, and give the
    council's bitmap a new version token (same transaction as the claim, so the bitmap and the
    `aggregated` flags always agree)."""
    block, bit = row.response_id >> BLOCK_BITS, row.response_id & ((1 << BLOCK_BITS) - 1)
    where = {"survey_id": row.survey_id, "council_id": row.council_id, "block": block}
    session.execute(
        _NEW_VERSION,
        {"survey_id": row.survey_id, "council_id": row.council_id, "token": uuid.uuid4().hex},
    )
    if dialect == "postgresql":
        session.execute(_MARK_POSTGRESQL, {**where, "bit": bit})
        return
    # SQLite: one writer at a time, so read, set and write back.
    found = session.get(CountedMembers, (row.survey_id, row.council_id, block))
    bits = bytearray(found.bits if found is not None else bytes(BLOCK_BYTES))
    bits[bit >> 3] |= 1 << (bit & 7)
    if found is None:
        session.add(CountedMembers(**where, bits=bytes(bits)))
    else:
        found.bits = bytes(bits)
    session.flush()


def _counted_response() -> Select[Any]:
    responses = Response.__table__
    distributions = Distribution.__table__
    return select(
        responses.c.id.label("response_id"),
        responses.c.answers,
        responses.c.age_band,
        responses.c.wave,
        responses.c.link_hash,
        distributions.c.id,
        distributions.c.council_id,
        distributions.c.survey_id,
    ).join(distributions, responses.c.distribution_id == distributions.c.id)


def _same_person_same_wave(row: Any) -> Select[Any]:
    responses = Response.__table__
    distributions = Distribution.__table__
    return (
        _counted_response()
        .where(
            distributions.c.survey_id == row.survey_id,
            responses.c.wave == row.wave,
            responses.c.link_hash == row.link_hash,
        )
        .order_by(responses.c.id)
    )


def _add_to_counts(session: Session, statements: _CountingStatements, row: Any, delta: int) -> None:
    cells, questions = answer_cells(row.answers)
    where = {
        "distribution_id": row.id,
        "council_id": row.council_id,
        "survey_id": row.survey_id,
        "age_band": row.age_band,
        "delta": delta,
    }
    # Sorted, so concurrent workers take row locks in the same order and never deadlock.
    session.execute(
        statements.answers, [{**where, "question_id": q, "option": o} for q, o in sorted(cells)]
    )
    if questions:
        session.execute(statements.bases, [{**where, "question_id": q} for q in sorted(questions)])
    session.execute(statements.totals, [{"distribution_id": row.id, "delta": delta}])


@dataclass(frozen=True)
class _CountingStatements:
    answers: Any
    bases: Any
    totals: Any


@functools.cache
def _counting_statements(dialect: str) -> _CountingStatements:
    """Insert-or-add-one statements, built once per dialect so SQLAlchemy caches them compiled."""
    return _CountingStatements(
        answers=_increment_statement(
            dialect,
            AnswerCount.__table__,  # type: ignore[arg-type]
            ("distribution_id", "council_id", "survey_id", "age_band", "question_id", "option"),
            ("distribution_id", "question_id", "option", "age_band"),
            "count",
        ),
        bases=_increment_statement(
            dialect,
            QuestionBase.__table__,  # type: ignore[arg-type]
            ("distribution_id", "council_id", "survey_id", "age_band", "question_id"),
            ("distribution_id", "question_id", "age_band"),
            "base",
        ),
        totals=_increment_statement(
            dialect,
            DistributionTotal.__table__,  # type: ignore[arg-type]
            ("distribution_id",),
            ("distribution_id",),
            "responses",
        ),
    )


def _increment_statement(
    dialect: str, table: Table, columns: Sequence[str], keys: Sequence[str], counter: str
) -> Any:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET counter = counter + delta, for executemany."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(
        {**{name: bindparam(name) for name in columns}, counter: bindparam("delta")}
    )
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={counter: table.c[counter] + statement.excluded[counter]}
    )


def unprocessed_response_ids(session: Session, limit: int = 10_000) -> list[int]:
    """Responses saved but not yet both anonymised and counted."""
    return list(
        session.scalars(
            select(Response.id)
            .where((Response.anonymised.is_(False)) | (Response.aggregated.is_(False)))
            .order_by(Response.id)
            .limit(limit)
        )
    )


def count_failed_attempt(session: Session, response_id: int) -> int:
    """Record that processing the response failed once more; returns its failures so far."""
    session.execute(
        update(Response)
        .where(Response.id == response_id)
        .values(processing_attempts=Response.processing_attempts + 1)
    )
    return int(
        session.scalar(select(Response.processing_attempts).where(Response.id == response_id)) or 0
    )


def unprocessed_attempts(session: Session) -> dict[int, int]:
    """Failed attempts so far of each unprocessed response that failed at least once."""
    rows = session.execute(
        select(Response.id, Response.processing_attempts).where(
            (Response.anonymised.is_(False)) | (Response.aggregated.is_(False)),
            Response.processing_attempts > 0,
        )
    )
    return {response_id: attempts for response_id, attempts in rows}


def held_back_responses(max_attempts: int) -> Select[Any]:
    """How many unprocessed responses failed max_attempts times or more: these are held back
    (unpublished) and tried again only now and then."""
    return select(func.count(Response.id)).where(
        (Response.anonymised.is_(False)) | (Response.aggregated.is_(False)),
        Response.processing_attempts >= max_attempts,
    )


def retry_delay(attempts: int, max_attempts: int, interval: float) -> float:
    """Seconds to wait before trying a response again: each sweep until it is held back, then
    doubling with each further failure (up to a day), so one bad response cannot load the
    workers or fill the logs."""
    if attempts < max_attempts:
        return 0.0
    return min(interval * 2 ** (attempts - max_attempts + 1), 86_400.0)
