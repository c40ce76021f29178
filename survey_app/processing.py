"""What the workers do to a saved response: anonymise its free text and count its answers.

Each function takes a session and a response id, is safe to run twice, and leaves committing to
the caller, so a crash half way changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table, bindparam, select, update
from sqlalchemy.orm import Session

from .crypto import TextVault
from .models import (
    AnswerCount,
    Distribution,
    DistributionTotal,
    FreeText,
    QuestionBase,
    Response,
    today,
)
from .privacy.redaction import redact


def anonymise_response(session: Session, vault: TextVault, response_id: int) -> bool:
    """Redact each free-text answer and destroy its raw text; False if nothing was left to do."""
    texts = session.scalars(
        select(FreeText)
        .where(FreeText.response_id == response_id, FreeText.ciphertext.is_not(None))
        .with_for_update()
    ).all()
    for free_text in texts:
        assert free_text.ciphertext is not None
        free_text.redacted = redact(vault.open(free_text.ciphertext)).text
        free_text.ciphertext = None
        free_text.raw_destroyed_on = today()
    claimed = session.execute(
        update(Response)
        .where(Response.id == response_id, Response.anonymised.is_(False))
        .values(anonymised=True)
    ).rowcount  # type: ignore[attr-defined]
    return bool(texts or claimed)


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
    claimed = session.execute(
        responses.update()
        .where(responses.c.id == response_id, responses.c.aggregated.is_(False))
        .values(aggregated=True)
    ).rowcount  # type: ignore[attr-defined]
    if not claimed:
        return False
    row = session.execute(_counted_response().where(responses.c.id == response_id)).one()
    statements = _counting_statements(session.get_bind().dialect.name)
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
