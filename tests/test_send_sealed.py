"""Send in one statement (PostgreSQL): a draft the pages found complete is saved as the response
still sealed, and the worker opens it into answers and encrypted free texts before it screens,
anonymises and counts them. Whatever the pages did not find complete (a survey changed since,
a concern raised, a survey with waves, a draft written without the check) is opened by Send
itself, as before; nothing is lost either way, and the sealed draft never outlives the opening.
"""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import select, update

from survey_app.cli import PROJECT_ROOT
from survey_app.db import Database
from survey_app.models import Concern, DistributionTotal, Draft, FreeText, SurveyResponse
from survey_app.respondent import submission
from tests.conftest import POSTGRESQL_ONLY, Child, running_worker

pytestmark = POSTGRESQL_ONLY

WRITTEN = "More time to talk. Call my nan on 07700 900412"


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    return app_each_db


def the_response(database: Database) -> SurveyResponse:
    with database.session() as session:
        [response] = session.scalars(select(SurveyResponse)).all()
        session.expunge(response)
        return response


def free_texts(database: Database) -> list[FreeText]:
    with database.session() as session:
        found = list(session.scalars(select(FreeText)))
        session.expunge_all()
        return found


def answer_everything(child: Child, better: str = WRITTEN) -> None:
    child.start()
    child.answer(_age_band="8-11")
    child.answer(went="no")
    child.answer(why_not=["not_told"])
    child.answer(feel="happy")
    child.answer(times="2")
    child.answer(better=better)
    if child.step == "safe":  # what they wrote worried the screen: the safety page first
        child.carry_on()
    assert child.step == "check"


def test_a_finished_survey_is_saved_sealed_and_the_worker_opens_screens_and_counts_it(
    child: Child, database: Database
) -> None:
    answer_everything(child)
    with database.session() as session:
        assert session.scalar(select(Draft.sendable_version)) is not None  # the pages' mark
    child.send()

    sent = the_response(database)
    # Saved as the draft was: no answers and no free text in the clear or apart yet.
    assert sent.sealed_draft is not None and sent.answers == {}
    assert b"07700" not in sent.sealed_draft and b"nan" not in sent.sealed_draft
    assert free_texts(database) == []
    with database.session() as session:
        assert session.scalar(select(Draft)) is None  # taken by the same statement

    # The worker starts only now (one running during Send could open the response before it
    # is read above); its sweeper's first pass sends the waiting response to it.
    worker = running_worker()
    drain = next(worker)
    try:
        drain()
    finally:
        worker.close()
    saved = the_response(database)
    assert saved.sealed_draft is None  # destroyed by the opening
    assert (saved.age_band, saved.language) == ("8-11", "en")
    assert saved.answers == {
        "went": "no",
        "why_not": ["not_told"],
        "feel": "happy",
        "times": 2,
        "better": "written",
    }
    assert saved.anonymised and saved.aggregated
    [text] = free_texts(database)
    assert text.ciphertext is None and text.redacted is not None
    assert "07700" not in text.redacted and "More time to talk" in text.redacted
    with database.session() as session:
        assert session.scalar(select(DistributionTotal.responses)) == 1


def test_a_survey_changed_since_the_draft_was_checked_is_opened_by_send(
    child: Child, database: Database
) -> None:
    answer_everything(child)
    with database.session() as session:
        # As if the pages had checked it against the survey's earlier version.
        session.execute(update(Draft).values(sendable_version=Draft.sendable_version - 1))
        session.commit()
    child.send()
    sent = the_response(database)
    assert sent.sealed_draft is None and sent.answers["feel"] == "happy"
    [text] = free_texts(database)
    assert text.ciphertext is not None and b"07700" not in text.ciphertext


def test_a_draft_without_the_pages_mark_is_opened_and_checked_by_send(
    child: Child, database: Database
) -> None:
    answer_everything(child)
    with database.session() as session:
        session.execute(update(Draft).values(sendable_version=None))
        session.commit()
    child.send()  # still complete: Send opens it, checks it and saves it
    assert the_response(database).answers["went"] == "no"


def test_a_child_who_raised_a_concern_has_it_tied_to_the_response_by_send(
    child: Child, database: Database
) -> None:
    answer_everything(child, better="my dad hits me when he is angry")
    with database.session() as session:
        assert session.scalar(select(Draft.sendable_version)) is None  # a concern: not sendable
    child.send()
    sent = the_response(database)
    assert sent.sealed_draft is None and sent.answers["better"] == "written"
    with database.session() as session:
        assert session.scalar(select(Concern.response_id)) == sent.id


def test_a_response_whose_survey_is_not_loaded_stays_sealed_and_is_not_lost(
    app: Flask, child: Child, database: Database
) -> None:
    answer_everything(child)
    child.send()
    sent = the_response(database)
    with database.session() as session, pytest.raises(LookupError) as raised:
        submission.open_sent_draft(session, app.extensions["vault"], sent.id, {})
    assert "07700" not in str(raised.value) and "nan" not in str(raised.value)
    kept = the_response(database)
    assert kept.sealed_draft == sent.sealed_draft and not kept.anonymised


def test_opening_twice_changes_nothing(app: Flask, child: Child, database: Database) -> None:
    answer_everything(child)
    child.send()
    response_id = the_response(database).id
    with database.session() as session:
        definitions = app.extensions["loaded_surveys"].current(session)
        vault = app.extensions["vault"]
        assert submission.open_sent_draft(session, vault, response_id, definitions)
        assert not submission.open_sent_draft(session, vault, response_id, definitions)
        session.commit()
    assert len(free_texts(database)) == 1
    assert the_response(database).answers["times"] == 2


def test_going_back_below_0023_is_refused_while_a_response_waits_sealed(
    app: Flask, child: Child, database: Database
) -> None:
    answer_everything(child)
    child.send()
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database.engine.url.render_as_string(hide_password=False)
    config.attributes["configure_logging"] = False
    with pytest.raises(RuntimeError, match="still sealed drafts"):
        command.downgrade(config, "0022")
    assert the_response(database).sealed_draft is not None  # nothing dropped
