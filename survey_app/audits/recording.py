"""Recording case-file audits: staff fill in an audit form (a survey definition with `audience:
auditor`) once per case file; the notes are sealed until the worker has anonymised them, like
every other voice, and then read as items for theme coding.

No case identifier is stored: only a keyed hash of the case reference (HMAC-SHA256 under a key
derived from the link key, kept outside the database, for that council, form and period), which
is enough to refuse a second audit of the same case in the same period and no more: the same
case in another quarter hashes to something unrelated.

Takes a session and plain data and never commits; callers own the transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import periods
from ..anonymising import KeptWords
from ..crypto import TextVault
from ..definitions.loader import parse_definition
from ..definitions.model import AUDITOR, Question, SurveyDefinition
from ..inputs import normalise_text
from ..models import CaseAudit, Council, Survey
from ..operations import OperationError
from ..voices import ItemQuery, Source, TextItem

log = logging.getLogger(__name__)

CASE_REFERENCE = "case_reference"


def audit_forms(definitions: Iterable[SurveyDefinition]) -> list[SurveyDefinition]:
    """The audit forms among the loaded definitions, by title."""
    return sorted((d for d in definitions if d.audience == AUDITOR), key=lambda d: d.title.en)


def normalise_case_reference(typed: str) -> str:
    """What a typed case reference means: letters and digits only, capitals ("ab-123 " is
    "AB123"), so the same case typed two ways is the same case."""
    return re.sub(r"[^0-9A-Za-z]", "", normalise_text(typed)).upper()[:64]


def case_hash(link_key: str, council_id: int, survey_id: str, period: str, reference: str) -> str:
    """The stored form of a case reference: HMAC-SHA256 under a key derived for this council,
    form and period."""
    derived = hmac.new(
        link_key.encode(), f"case-audit:{council_id}:{survey_id}:{period}".encode(), hashlib.sha256
    )
    return hmac.new(
        derived.digest(), normalise_case_reference(reference).encode(), hashlib.sha256
    ).hexdigest()


def choice_questions(definition: SurveyDefinition) -> list[Question]:
    return [question for question in definition.questions if question.is_choice]


def _text_questions(definition: SurveyDefinition) -> list[Question]:
    return [question for question in definition.questions if question.is_text]


def record_audit(
    session: Session,
    vault: TextVault,
    definition: SurveyDefinition,
    council: Council,
    reference: str,
    answers: Mapping[str, str],
    *,
    link_key: str,
    now: dt.datetime,
) -> CaseAudit:
    """Record one audit of one case for council in the current period of the form; refuses
    (OperationError naming the field) a missing or unknown answer, over-long notes, no case
    reference, or a case already audited with this form in this period."""
    if definition.audience != AUDITOR:
        raise OperationError("That is not an audit form.")
    if session.get(Survey, definition.id) is None:
        raise OperationError("The audit form is not loaded yet: run survey-app load-surveys.")
    if not normalise_case_reference(reference):
        raise OperationError(
            "Give the case reference (it is never stored: only used to stop the same case being "
            "audited twice).",
            field=CASE_REFERENCE,
        )
    chosen: dict[str, str] = {}
    for question in choice_questions(definition):
        given = (answers.get(question.id) or "").strip()
        if not given:
            if question.required:
                raise OperationError(f"Answer '{question.text.en}'", field=question.id)
            continue
        if given not in question.all_option_ids():
            raise OperationError(
                f"Choose one of the answers to '{question.text.en}'", field=question.id
            )
        chosen[question.id] = given
    written: dict[str, str] = {}
    for question in _text_questions(definition):
        words = normalise_text(answers.get(question.id) or "").strip()
        if len(words) > question.max_length:
            raise OperationError(
                f"'{question.text.en}' can be at most {question.max_length} characters.",
                field=question.id,
            )
        if words:
            written[question.id] = words
    period = periods.period_sent_in(definition.publication, now).key
    hashed = case_hash(link_key, council.id, definition.id, period, reference)
    if session.scalar(
        select(CaseAudit.id).where(
            CaseAudit.council_id == council.id,
            CaseAudit.survey_id == definition.id,
            CaseAudit.period == period,
            CaseAudit.case_hash == hashed,
        )
    ):
        raise OperationError(
            f"This case has already been audited for {council.name} in {period}: each case is "
            "audited once a period.",
            field=CASE_REFERENCE,
        )
    audit = CaseAudit(
        council_id=council.id,
        survey_id=definition.id,
        survey_version=definition.version,
        period=period,
        case_hash=hashed,
        answers=chosen,
        notes_ciphertext=vault.seal(json.dumps(written)) if written else None,
    )
    session.add(audit)
    session.flush()
    return audit


# The worker ----------------------------------------------------------------------------------


# Where an audit keeps its notes (one JSON object of question id to words, each anonymised on its
# own), and how the worker anonymises them, as every other voice.
NOTES = KeptWords(
    CaseAudit,
    "case_audit",
    log,
    redact_locations=True,
    columns=("notes_ciphertext", "notes_redacted"),
    by_question=True,
)


def anonymise_notes(
    session: Session, vault: TextVault, audit_id: int, settings: Mapping[str, Any]
) -> bool:
    """Store an audit's anonymised notes and destroy the raw text; False if nothing was left to
    do. On any failure the notes are held back, still encrypted, the attempt counted."""
    return NOTES.anonymise_waiting(session, vault, audit_id, settings)


def unprocessed_audit_ids(session: Session, max_attempts: int) -> list[int]:
    """Audits whose notes still wait to be anonymised and have not failed too often."""
    return list(NOTES.waiting(session, max_attempts=max_attempts))


# Items for theme coding ----------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _parsed(source: str) -> SurveyDefinition:
    return parse_definition(source)


def read_items(session: Session, query: ItemQuery) -> Iterator[TextItem]:
    """Every anonymised audit note the query asks for, as items for theme coding (month: the
    first day of the period it was audited in; prompt: the note's question)."""
    statement = select(CaseAudit).where(CaseAudit.notes_redacted.is_not(None))
    if query.council_ids is not None:
        statement = statement.where(CaseAudit.council_id.in_(sorted(query.council_ids)))
    forms: dict[str, SurveyDefinition | None] = {}
    for audit in session.scalars(statement.order_by(CaseAudit.id)):
        if audit.survey_id not in forms:
            source = session.scalar(select(Survey.source).where(Survey.id == audit.survey_id))
            forms[audit.survey_id] = _parsed(source) if source else None
        form = forms[audit.survey_id]
        month = periods.Period.parse(audit.period).start
        if (query.start and month < query.start) or (query.end and month >= query.end):
            continue
        for question_id, words in json.loads(audit.notes_redacted or "{}").items():
            prompt = question_id
            if form is not None:
                with contextlib.suppress(KeyError):  # a note of an older version's question
                    prompt = form.question(question_id).text.en
            yield TextItem(
                source=Source.AUDIT,
                ref=f"audit:{audit.id}:{question_id}",
                council_id=audit.council_id,
                month=month,
                prompt=f"Case-file audit: {prompt}",
                text=words,
            )
