"""The whole promise, end to end: a child writes something worrying, sees the safety page at once
and asks to be contacted; the workers email each of the council's safeguarding leads exactly
once (over a real SMTP server, with nothing the child wrote in it); the lead reads, acknowledges
and closes the concern, and the child's raw words are destroyed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey_app.db import Database
from survey_app.models import (
    Concern,
    ConcernNotification,
    ConcernStatus,
    ConcernText,
    ContactRequest,
    Distribution,
    FreeText,
    NotificationStatus,
    SurveyResponse,
    User,
)
from tests.conftest import Child, HttpsClient, csrf_token, sign_in
from tests.smtp import SmtpServer, smtp_server  # noqa: F401
from workers import actors

RISKY = (
    "my step dad gary hits me with the belt when mum is at work and i dont want to go home tonight"
)
HOW_TO_REACH = "ring my nan on 07700 900461"
LEADS = ["lead.one@suffolk.example", "lead.two@suffolk.example"]


@pytest.fixture
def app_settings(smtp_server: SmtpServer) -> dict[str, Any]:  # noqa: F811
    return {"SMTP_URL": smtp_server.url}


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    """The app on SQLite and on PostgreSQL, sending email to the test SMTP server."""
    return app_each_db


@pytest.fixture
def leads(make_user: Callable[..., User]) -> list[User]:
    return [make_user(email=email, role="safeguarding_lead", council="Suffolk") for email in LEADS]


def test_a_childs_worrying_answer_reaches_each_lead_once_and_is_acted_on_then_destroyed(
    app: Flask,
    client: FlaskClient,
    distribution: Distribution,
    leads: list[User],
    database: Database,
    smtp_server: SmtpServer,  # noqa: F811
    worker: Callable[[], None],
) -> None:
    child = Child(client, distribution.code)
    child.answer_up_to_better()

    safety = child.answer(better=RISKY)
    assert "data-safety-message" in safety.text
    assert "0800 1111" in safety.text and "999" in safety.text
    # The form carries where the child was, so "carry on" still leads on from there.
    where = re.search(r'name="to" value="([^"]+)"', safety.text)
    assert where, "the contact form does not remember where the child was"
    asked = child.ask_for_contact(
        how_to_reach=HOW_TO_REACH,
        good_time="after school",
        safe_to_call="yes",
        to=where.group(1),
    )
    assert asked.status_code == 303
    child.carry_on()
    thanks = child.send()
    assert thanks.status_code == 200

    worker()  # anonymise, screen, count, and send the alert emails

    for lead in LEADS:
        assert len(smtp_server.mailbox.to(lead)) == 1, lead
    assert len(smtp_server.mailbox.received) == len(LEADS)
    for message in smtp_server.mailbox.received:
        everything = message.as_string().lower()
        for private in ("step dad", "belt", "go home tonight", "07700", "nan", "after school"):
            assert private not in everything
    with database.session() as session:
        concern = session.scalars(select(Concern)).unique().one()
        response = session.scalars(select(SurveyResponse)).unique().one()
        assert concern.response_id == response.id
        assert session.scalar(select(func.count(ConcernText.id))) == 1
        assert session.scalar(select(func.count(ContactRequest.id))) == 1
        # The research copy is anonymised and its raw text gone; the lead's copy is kept apart.
        free_text = session.scalars(select(FreeText)).one()
        assert free_text.ciphertext is None and free_text.redacted is not None
        assert {n.status for n in session.scalars(select(ConcernNotification))} == {
            NotificationStatus.SENT
        }
        concern_id = concern.id

    # A redelivered message changes nothing: one concern, no second email.
    actors.anonymise_response.send(response.id)
    worker()
    assert len(smtp_server.mailbox.received) == len(LEADS)
    with database.session() as session:
        assert session.scalar(select(func.count(Concern.id))) == 1

    lead = HttpsClient(app)
    sign_in(lead, LEADS[0])
    page = lead.get(f"/safeguarding/concerns/{concern_id}").get_data(as_text=True)
    assert RISKY in page
    assert HOW_TO_REACH in page and "after school" in page
    token = csrf_token(page)
    assert (
        lead.post(
            f"/safeguarding/concerns/{concern_id}/acknowledge", data={"csrf_token": token}
        ).status_code
        == 303
    )
    closed = lead.post(
        f"/safeguarding/concerns/{concern_id}/close",
        data={"csrf_token": token, "action_taken": "Passed to the conference chair; MASH referral"},
    )
    assert closed.status_code == 303
    after = lead.get(f"/safeguarding/concerns/{concern_id}").get_data(as_text=True)
    # Only the anonymised answer is left: the name the child wrote is gone with the raw words.
    assert "gary" not in after.lower()
    assert "belt" in after
    with database.session() as session:
        concern = session.get_one(Concern, concern_id)
        assert concern.status == ConcernStatus.CLOSED
        assert concern.raw_destroyed_on is not None
        assert session.scalar(select(func.count(ConcernText.id))) == 0
