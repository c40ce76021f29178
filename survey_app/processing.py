"""What the workers do to a saved response: anonymise its free text and count its answers.

Each function takes a session and a response id, is safe to run twice, and leaves committing to
the caller, so a crash half way changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from .crypto import TextVault
from .models import AnswerCount, DistributionTotal, FreeText, QuestionBase, Response, today
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
    message finds it marked, and a worker dying half way leaves neither.
    """
    claimed = session.execute(
        update(Response)
        .where(Response.id == response_id, Response.aggregated.is_(False))
        .values(aggregated=True)
    ).rowcount  # type: ignore[attr-defined]
    if not claimed:
        return False
    response = session.get_one(Response, response_id)
    distribution = response.distribution
    cells, questions = answer_cells(response.answers)
    where = {
        "distribution_id": distribution.id,
        "council_id": distribution.council_id,
        "survey_id": distribution.survey_id,
        "age_band": response.age_band,
    }
    _increment(
        session,
        AnswerCount.__table__,  # type: ignore[arg-type]
        [{**where, "question_id": q, "option": o} for q, o in sorted(cells)],
        ("distribution_id", "question_id", "option", "age_band"),
        "count",
    )
    _increment(
        session,
        QuestionBase.__table__,  # type: ignore[arg-type]
        [{**where, "question_id": q} for q in sorted(questions)],
        ("distribution_id", "question_id", "age_band"),
        "base",
    )
    _increment(
        session,
        DistributionTotal.__table__,  # type: ignore[arg-type]
        [{"distribution_id": distribution.id}],
        ("distribution_id",),
        "responses",
    )
    return True


def _increment(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Iterable[str],
    column: str,
) -> None:
    """Add one to column for each row, inserting rows that do not exist yet (one statement)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values([{**row, column: 1} for row in rows])
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={column: table.c[column] + statement.excluded[column]},
    )
    session.execute(statement)


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
