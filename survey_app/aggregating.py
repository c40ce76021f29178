"""What the workers do last to a saved response: add its answers to the precomputed counts,
exactly once (`answers.answer_cells` says what is counted).

Each function takes a session and a response id, is safe to run twice, and leaves committing to
the caller, so a crash half way changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, Table, bindparam, select, text, update
from sqlalchemy.orm import Session

from .answers import answer_cells
from .definitions.model import PublicationSettings
from .models import (
    AnswerCount,
    CountedMembers,
    Distribution,
    DistributionTotal,
    PeriodCount,
    PeriodCountKind,
    QuestionBase,
    SurveyResponse,
)
from .periods import Period, counted_late
from .privacy.disclosure import BLOCK_BITS


def aggregate_response(session: Session, response_id: int, *, replaces: bool = True) -> bool:
    """Add a response to the counts exactly once; False if it was already counted.

    replaces: False for a response counted after its period closed, which must not take an
    earlier answer out of that closed period's tables.

    Marking the response and adding to the counts happen in one transaction, so a redelivered
    message finds it marked, and a worker dying half way leaves neither. A practitioner who
    answers the same wave again with the same personal code replaces their earlier answer sent
    in the same publication period: the latest is counted, the earlier one is taken out of the
    counts (whichever is processed first).
    """
    dialect = session.get_bind().dialect.name
    row = _claim(session, dialect, response_id)
    if row is None:
        return False
    _count_claimed(session, dialect, row, replaces=replaces)
    return True


def count_response(
    session: Session,
    response_id: int,
    publication_of: Mapping[str, PublicationSettings],
    now: dt.datetime,
) -> bool:
    """Count a response once (False if it was already counted): one counted after its period
    closed (`counted_after_close`) is marked late and replaces no earlier answer, so the closed
    period's tables stay as they were.

    The worker's way to count: on PostgreSQL the response's period and survey come back with the
    claim itself, so whether it is late costs no round trip of its own.
    """
    dialect = session.get_bind().dialect.name
    if dialect != "postgresql":
        late = counted_after_close(session, response_id, publication_of, now)
        counted = aggregate_response(session, response_id, replaces=not late)
        if counted and late:
            mark_late(session, response_id)
        return counted
    row = _claim(session, dialect, response_id)
    if row is None:
        return False
    settings = publication_of.get(row.survey_id, PublicationSettings())
    late = counted_late(settings, _period(row.period), now)
    _count_claimed(session, dialect, row, replaces=not late)
    if late:
        mark_late(session, response_id)
    return True


@functools.lru_cache(maxsize=256)
def _period(key: str) -> Period:
    """The period a stored key names (few distinct keys: parsed once each)."""
    return Period.parse(key)


def _claim(session: Session, dialect: str, response_id: int) -> Any:
    """Mark a response counted and read what counting it needs; None if it already was."""
    if dialect == "postgresql":
        # The busiest path of the worker: one round trip on the driver, no ORM bookkeeping.
        return _claim_on_postgresql(session, response_id)
    responses = SurveyResponse.__table__
    claimed = session.execute(
        responses.update()
        .where(responses.c.id == response_id, responses.c.aggregated.is_(False))
        .values(aggregated=True)
    ).rowcount  # type: ignore[attr-defined]
    if not claimed:
        return None
    return session.execute(_counted_response().where(responses.c.id == response_id)).one()


def _count_claimed(session: Session, dialect: str, row: Any, *, replaces: bool) -> None:
    """Add a claimed response to the counts (see `aggregate_response`)."""
    responses = SurveyResponse.__table__
    response_id = row.response_id
    if dialect == "postgresql" and (not row.link_hash or not replaces):
        _count_on_postgresql(session, row, in_period=replaces)
        return
    _mark_counted(session, dialect, row)
    statements = _counting_statements(dialect)
    if row.link_hash and replaces:
        same_person = _same_person_same_wave(row)
        newer = session.execute(same_person.where(responses.c.id > response_id).limit(1)).first()
        if newer is not None:
            session.execute(
                responses.update().where(responses.c.id == response_id).values(superseded=True)
            )
            # Counted in its period's responses, replaced: none of its answers are.
            _add_to_period(session, row, +1, answers=False)
            return
        for older in session.execute(
            same_person.where(
                responses.c.id < response_id,
                responses.c.aggregated.is_(True),
                responses.c.superseded.is_(False),
            ).with_for_update(of=responses)
        ).all():
            _add_to_counts(session, statements, older, -1)
            if not older.late:
                _add_to_period(session, older, -1, responses=False)
            session.execute(
                responses.update()
                .where(responses.c.id == older.response_id)
                .values(superseded=True)
            )
    _add_to_counts(session, statements, row, +1)
    if replaces:
        _add_to_period(session, row, +1)


def _add_to_period(
    session: Session, row: Any, delta: int, *, answers: bool = True, responses: bool = True
) -> None:
    """Add a response counted in time to its period's counts (`PeriodCount`), or take a
    replaced answer out of them: its cells and bases (answers), and its place among the
    period's responses (responses; a replaced response stays one of them).

    Called only for a response counted before its period closed (`replaces`): a late one is in
    no published table, so it is never in these.
    """
    place = {
        "distribution_id": row.id,
        "council_id": row.council_id,
        "survey_id": row.survey_id,
        "period": row.period,
        "age_band": row.age_band or "",
        "wave": row.wave or "",
        "delta": delta,
        "key_delta": delta * row.cell_key,
    }
    rows = [
        {**place, "kind": kind, "question_id": question, "option": option}
        for kind, question, option in _period_cells(
            row.answers, answers_too=answers, responses=responses
        )
    ]
    if rows:
        statement = _counting_statements(session.get_bind().dialect.name).periods
        session.execute(statement, rows)


def _period_cells(
    answers: dict[str, Any],
    *,
    answers_too: bool = True,
    responses: bool = True,
    counted: tuple[list[tuple[str, str]], list[str]] | None = None,
) -> list[tuple[str, str, str]]:
    """The (kind, question, option) rows of `PeriodCount` a response adds to, sorted so
    concurrent workers lock rows in one order (counted: `answer_cells(answers)`, if known)."""
    rows: list[tuple[str, str, str]] = []
    if responses:
        rows.append((PeriodCountKind.RESPONSES, "", ""))
    if answers_too:
        cells, questions = counted if counted is not None else answer_cells(answers)
        rows += [(PeriodCountKind.CELL, q, o) for q, o in cells]
        rows += [(PeriodCountKind.BASE, q, "") for q in questions]
    return sorted(rows)


class CountedRow(NamedTuple):
    """The columns of `_counted_response()`, as the PostgreSQL claim returns them."""

    response_id: int
    answers: dict[str, Any]
    age_band: str
    wave: str
    link_hash: str | None
    id: int  # the distribution's
    council_id: int
    survey_id: str
    period: str
    cell_key: int


_CLAIM_POSTGRESQL = """
    UPDATE responses SET aggregated = true
    FROM distributions
    WHERE responses.id = %(response_id)s AND NOT responses.aggregated
      AND distributions.id = responses.distribution_id
    RETURNING responses.id, responses.answers, responses.age_band, responses.wave,
              responses.link_hash, distributions.id, distributions.council_id,
              distributions.survey_id, responses.period, responses.cell_key
"""


def _counting_sql(*, claimed: bool, in_period: bool) -> str:
    """The counting statement's SQL, written once for both its uses. The cells arrive sorted (see
    `_add_to_counts`) and the shape is fixed, so concurrent workers take row locks in one order.

    claimed=False: the whole statement that does what `_mark_counted`, `_add_to_counts(+1)` and
    (in_period: counted in time) `_add_to_period(+1)` do, the response already claimed.
    claimed=True: the same as CTEs (`claim` first, each insert done only if `claim` marked the
    response counted just now) for another statement to hold (see `counting_ctes`)."""
    # Built from constants only: no input reaches the SQL text.
    of_claim = " FROM claim" if claimed else ""
    and_claim = "claim, " if claimed else ""
    ctes = [
        f"""version AS (
        INSERT INTO counted_versions (survey_id, council_id, token)
        SELECT %(survey_id)s, %(council_id)s, %(token)s{of_claim}
        ON CONFLICT (survey_id, council_id) DO UPDATE SET token = excluded.token
    )""",
        f"""member AS (
        INSERT INTO counted_members (survey_id, council_id, wave, age_band, block, bits)
        SELECT %(survey_id)s, %(council_id)s, %(wave)s, %(age_band)s, %(block)s,
               set_bit(decode(repeat('00', 8192), 'hex'), %(bit)s, 1){of_claim}
        ON CONFLICT (survey_id, council_id, wave, age_band, block)
        DO UPDATE SET bits = set_bit(counted_members.bits, %(bit)s, 1)
    )""",
        f"""cells AS (
        INSERT INTO answer_counts
            (distribution_id, council_id, survey_id, age_band, wave, question_id, option, count,
             key_sum)
        SELECT %(distribution_id)s, %(council_id)s, %(survey_id)s, %(age_band)s, %(wave)s,
               cell.item ->> 0, cell.item ->> 1, 1, %(cell_key)s
        FROM {and_claim}json_array_elements(%(cells)s::json) WITH ORDINALITY AS cell (item, n)
        ORDER BY cell.n
        ON CONFLICT (distribution_id, question_id, option, age_band, wave)
        DO UPDATE SET count = answer_counts.count + excluded.count,
                      key_sum = answer_counts.key_sum + excluded.key_sum
    )""",  # noqa: S608 (constants only)
        f"""bases AS (
        INSERT INTO question_bases (distribution_id, council_id, survey_id, age_band, wave,
                                    question_id, base, key_sum)
        SELECT %(distribution_id)s, %(council_id)s, %(survey_id)s, %(age_band)s, %(wave)s,
               asked.question_id, 1, %(cell_key)s
        FROM {and_claim}json_array_elements_text(%(questions)s::json) WITH ORDINALITY
             AS asked (question_id, n)
        ORDER BY asked.n
        ON CONFLICT (distribution_id, question_id, age_band, wave)
        DO UPDATE SET base = question_bases.base + excluded.base,
                      key_sum = question_bases.key_sum + excluded.key_sum
    )""",  # noqa: S608 (constants only)
    ]
    if in_period:
        ctes.append(
            f"""periods AS (
        INSERT INTO period_counts
            (distribution_id, council_id, survey_id, period, wave, age_band, kind, question_id,
             option, count, key_sum)
        SELECT %(distribution_id)s, %(council_id)s, %(survey_id)s, %(period)s, %(wave)s,
               %(age_band)s, cell.item ->> 0, cell.item ->> 1, cell.item ->> 2, 1,
               %(cell_key)s
        FROM {and_claim}json_array_elements(%(period_cells)s::json) WITH ORDINALITY
             AS cell (item, n)
        ORDER BY cell.n
        ON CONFLICT (distribution_id, period, wave, age_band, kind, question_id, option)
        DO UPDATE SET count = period_counts.count + excluded.count,
                      key_sum = period_counts.key_sum + excluded.key_sum
    )"""  # noqa: S608 (constants only)
        )
    totals = f"""INSERT INTO distribution_totals (distribution_id, age_band, wave, responses)
        SELECT %(distribution_id)s, %(age_band)s, %(wave)s, 1{of_claim}
        ON CONFLICT (distribution_id, age_band, wave)
        DO UPDATE SET responses = distribution_totals.responses + excluded.responses"""
    if not claimed:
        return "\n    WITH " + ", ".join(ctes) + "\n    " + totals + "\n"
    claim = """claim AS (
        UPDATE responses SET aggregated = true, anonymised = true, late = late OR %(late)s
        WHERE responses.id = %(response_id)s AND NOT responses.aggregated
        RETURNING responses.id
    )"""
    return "\n    " + ", ".join([claim, *ctes, f"totals AS (\n        {totals}\n    )"])


_COUNT_POSTGRESQL = _counting_sql(claimed=False, in_period=False)
# The same, adding the response to its period's counts too (counted before the period closed).
_COUNT_POSTGRESQL_IN_PERIOD = _counting_sql(claimed=False, in_period=True)


def _claim_on_postgresql(session: Session, response_id: int) -> CountedRow | None:
    """Mark a response counted and read what counting it needs, in one round trip."""
    with session.connection().connection.cursor() as cursor:
        found = cursor.execute(_CLAIM_POSTGRESQL, {"response_id": response_id}).fetchone()
    return CountedRow(*found) if found is not None else None


def _count_on_postgresql(session: Session, row: CountedRow, *, in_period: bool) -> None:
    """Set the response's bit, renew its council's version token and add it to the counts (and,
    in_period: counted before its period closed, to its period's counts)."""
    cells, questions = answer_cells(row.answers)
    period_cells = _period_cells(row.answers, counted=(cells, questions)) if in_period else []
    parameters = _count_parameters(row, cells, questions)
    if in_period:
        parameters.update(_period_parameters(row, period_cells))
    with session.connection().connection.cursor() as cursor:
        cursor.execute(_COUNT_POSTGRESQL_IN_PERIOD if in_period else _COUNT_POSTGRESQL, parameters)


@dataclass
class Counting:
    """Counting a response in the statement that stores its anonymised answers (the worker's
    way on PostgreSQL, see `counting_ctes`): the publication settings and the time lateness is
    judged by; counted is set once that statement counted it."""

    publication_of: Mapping[str, PublicationSettings]
    now: dt.datetime
    counted: bool = False


# What `_COUNT_POSTGRESQL_IN_PERIOD` does, as CTEs to add to another statement (the one storing
# the response's redactions), each done only if `claim` marked the response counted just now:
# a response already counted (a redelivered message) adds nothing. The claim also marks the
# response anonymised (that statement's caller stores every one of its answers) and late.
# Same tables, rows and order as `_count_on_postgresql`, so workers lock rows in one order.
_CLAIM_AND_COUNT_CTES = _counting_sql(claimed=True, in_period=True)


def counting_ctes(row: CountedRow, counting: Counting) -> tuple[str, dict[str, Any]] | None:
    """On PostgreSQL, the CTEs (`WITH` items, named claim, version, member, cells, bases,
    periods and totals) that mark a response counted and anonymised and add it to the counts,
    inside the caller's statement, and their parameters; the caller's statement selects
    `count(*) FROM claim` to learn whether it counted (0: it was counted already, and nothing
    was added, nor marked anonymised). None where a response must be counted on its own
    (`count_response`): a practitioner's answer counted in time may replace an earlier one.

    row is the response as the caller read it (uncounted then; the claim checks again)."""
    settings = counting.publication_of.get(row.survey_id, PublicationSettings())
    late = counted_late(settings, _period(row.period), counting.now)
    if row.link_hash and not late:
        return None
    cells, questions = answer_cells(row.answers)
    # Counted late: in no period's counts (`_add_to_period` is for responses counted in time).
    period_cells = [] if late else _period_cells(row.answers, counted=(cells, questions))
    return _CLAIM_AND_COUNT_CTES, {
        "response_id": row.response_id,
        "late": late,
        **_count_parameters(row, cells, questions),
        **_period_parameters(row, period_cells),
    }


def _count_parameters(
    row: CountedRow, cells: list[tuple[str, str]], questions: Iterable[str]
) -> dict[str, Any]:
    """The parameters every counting statement takes: where the response counts, its bit, its
    answers' cells and questions (as JSON text: one string is cheaper for the driver to send
    than arrays), its cell key. Sorts cells in place."""
    cells.sort()
    return {
        "survey_id": row.survey_id,
        "council_id": row.council_id,
        "distribution_id": row.id,
        "age_band": row.age_band or "",
        "wave": row.wave or "",
        "token": uuid.uuid4().hex,
        "block": row.response_id >> BLOCK_BITS,
        "bit": row.response_id & ((1 << BLOCK_BITS) - 1),
        "cells": json.dumps(cells),
        "questions": json.dumps(sorted(questions)),
        "cell_key": row.cell_key,
    }


def _period_parameters(row: CountedRow, period_cells: list[Any]) -> dict[str, Any]:
    """The parameters of a statement that also adds the response to its period's counts."""
    return {
        "period": row.period,
        "period_cells": json.dumps(
            [(str(kind), question, option) for kind, question, option in period_cells]
        ),
    }


BLOCK_BYTES = 1 << (BLOCK_BITS - 3)  # ids per CountedMembers block: 65,536 (8 KB of bits)
_MARK_POSTGRESQL = text(
    "insert into counted_members (survey_id, council_id, wave, age_band, block, bits) "
    "values (:survey_id, :council_id, :wave, :age_band, :block, "
    "set_bit(decode(repeat('00', 8192), 'hex'), :bit, 1)) "  # BLOCK_BYTES zero bytes
    "on conflict (survey_id, council_id, wave, age_band, block) "
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
    where = {
        "survey_id": row.survey_id,
        "council_id": row.council_id,
        "wave": row.wave or "",
        "age_band": row.age_band or "",
        "block": block,
    }
    session.execute(
        _NEW_VERSION,
        {"survey_id": row.survey_id, "council_id": row.council_id, "token": uuid.uuid4().hex},
    )
    if dialect == "postgresql":
        session.execute(_MARK_POSTGRESQL, {**where, "bit": bit})
        return
    # SQLite: one writer at a time, so read, set and write back.
    found = session.get(
        CountedMembers,
        (row.survey_id, row.council_id, row.wave or "", row.age_band or "", block),
    )
    bits = bytearray(found.bits if found is not None else bytes(BLOCK_BYTES))
    bits[bit >> 3] |= 1 << (bit & 7)
    if found is None:
        session.add(CountedMembers(**where, bits=bytes(bits)))
    else:
        found.bits = bytes(bits)
    session.flush()


def _counted_response() -> Select[Any]:
    responses = SurveyResponse.__table__
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
        responses.c.period,
        responses.c.cell_key,
        responses.c.late,
    ).join(distributions, responses.c.distribution_id == distributions.c.id)


def _same_person_same_wave(row: Any) -> Select[Any]:
    responses = SurveyResponse.__table__
    distributions = Distribution.__table__
    return (
        _counted_response()
        .where(
            distributions.c.survey_id == row.survey_id,
            responses.c.wave == row.wave,
            responses.c.link_hash == row.link_hash,
            # Only within one publication period: a closed period's tables never change, so
            # an answer sent in a later period cannot take an earlier one out of them.
            responses.c.period == row.period,
        )
        .order_by(responses.c.id)
    )


def _add_to_counts(session: Session, statements: _CountingStatements, row: Any, delta: int) -> None:
    cells, questions = answer_cells(row.answers)
    where = {
        "distribution_id": row.id,
        "council_id": row.council_id,
        "survey_id": row.survey_id,
        "age_band": row.age_band or "",
        "wave": row.wave or "",
        "delta": delta,
        "key_delta": delta * row.cell_key,
    }
    # Sorted, so concurrent workers take row locks in the same order and never deadlock.
    session.execute(
        statements.answers, [{**where, "question_id": q, "option": o} for q, o in sorted(cells)]
    )
    if questions:
        session.execute(statements.bases, [{**where, "question_id": q} for q in sorted(questions)])
    session.execute(statements.totals, [{**where, "distribution_id": row.id}])


@dataclass(frozen=True)
class _CountingStatements:
    answers: Any
    bases: Any
    totals: Any
    periods: Any


@functools.cache
def _counting_statements(dialect: str) -> _CountingStatements:
    """Insert-or-add-one statements, built once per dialect so SQLAlchemy caches them compiled."""
    return _CountingStatements(
        answers=_increment_statement(
            dialect,
            AnswerCount.__table__,  # type: ignore[arg-type]
            (
                "distribution_id",
                "council_id",
                "survey_id",
                "age_band",
                "wave",
                "question_id",
                "option",
            ),
            ("distribution_id", "question_id", "option", "age_band", "wave"),
            ("count", "key_sum"),
        ),
        bases=_increment_statement(
            dialect,
            QuestionBase.__table__,  # type: ignore[arg-type]
            ("distribution_id", "council_id", "survey_id", "age_band", "wave", "question_id"),
            ("distribution_id", "question_id", "age_band", "wave"),
            ("base", "key_sum"),
        ),
        totals=_increment_statement(
            dialect,
            DistributionTotal.__table__,  # type: ignore[arg-type]
            ("distribution_id", "age_band", "wave"),
            ("distribution_id", "age_band", "wave"),
            ("responses",),
        ),
        periods=_increment_statement(
            dialect,
            PeriodCount.__table__,  # type: ignore[arg-type]
            (
                "distribution_id",
                "council_id",
                "survey_id",
                "period",
                "wave",
                "age_band",
                "kind",
                "question_id",
                "option",
            ),
            ("distribution_id", "period", "wave", "age_band", "kind", "question_id", "option"),
            ("count", "key_sum"),
        ),
    )


def _increment_statement(
    dialect: str,
    table: Table,
    columns: Sequence[str],
    keys: Sequence[str],
    counters: Sequence[str],
) -> Any:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET counter = counter + delta, for executemany:
    the first counter by `delta`, a second (the cell keys' sum) by `key_delta`."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    deltas = dict(zip(counters, ("delta", "key_delta"), strict=False))
    statement = insert(table).values(
        {
            **{name: bindparam(name) for name in columns},
            **{counter: bindparam(delta) for counter, delta in deltas.items()},
        }
    )
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={counter: table.c[counter] + statement.excluded[counter] for counter in counters},
    )


# Built once: the worker asks it for every response it counts (building it each time cost
# about a twentieth of a response's processing).
_PERIOD_AND_SURVEY = (
    select(SurveyResponse.period, Distribution.survey_id)
    .join(Distribution, Distribution.id == SurveyResponse.distribution_id)
    .where(SurveyResponse.id == bindparam("response_id"))
)


def counted_after_close(
    session: Session,
    response_id: int,
    publication_of: Mapping[str, PublicationSettings],
    now: dt.datetime,
) -> bool:
    """Whether a response counted now comes after its period closed (then it must be marked
    late, `mark_late`, and replace nothing)."""
    # Through the session, so its pending changes (the anonymiser's) are flushed first.
    found = session.execute(_PERIOD_AND_SURVEY, {"response_id": response_id}).first()
    if found is None:
        return False
    period, survey_id = found
    settings = publication_of.get(survey_id, PublicationSettings())
    return counted_late(settings, Period.parse(period), now)


def mark_late(session: Session, response_id: int) -> None:
    """Mark a response counted after its period closed: it stays in the running totals staff
    see, but in no published table, whose period was (or could have been) shown without it and
    must never change. Called in the transaction that counts it."""
    session.execute(
        update(SurveyResponse).where(SurveyResponse.id == response_id).values(late=True)
    )
