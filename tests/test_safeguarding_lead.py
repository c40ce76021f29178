"""What the council does with a concern: the worker raises it once, the council's safeguarding
lead (and only they, or an admin) reads, acknowledges and closes it, every step audited; nobody
acknowledging it brings reminders; a contact request goes after its retention period."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey_app import operations
from survey_app.cli import main
from survey_app.db import Database
from survey_app.models import (
    AnswerCount,
    AuditEvent,
    Concern,
    ConcernLevel,
    ConcernNotification,
    ConcernOrigin,
    ConcernStatus,
    ConcernText,
    ContactRequest,
    Distribution,
    FreeText,
    NotificationKind,
    User,
    utcnow,
)
from survey_app.safeguarding import casework, concerns
from tests.conftest import (
    PASSWORD,
    HttpsClient,
    csrf_token,
    sign_in,
)
from tests.submissions import submit
from workers import sweeper

RISKY = "my step dad hits me with the belt when mum is at work and i dont want to go home tonight"


@pytest.fixture
def suffolk(make_distribution: Callable[..., Distribution]) -> Distribution:
    return make_distribution()


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    """One account of each kind, the safeguarding leads of Suffolk (the distribution's council)
    and of Norfolk."""
    return {
        "admin": make_user("admin@example.org", "admin"),
        "facilitator": make_user("facilitator@example.org", "facilitator"),
        "council_lead": make_user("council.lead@suffolk.example", "council_lead", "Suffolk"),
        "lead": make_user("lead@suffolk.example", "safeguarding_lead", "Suffolk"),
        "other_lead": make_user("lead@norfolk.example", "safeguarding_lead", "Norfolk"),
    }


def client_for(app: Flask, email: str | None) -> FlaskClient:
    client = HttpsClient(app)
    if email is not None:
        sign_in(client, email)
    return client


def concern_raised(app: Flask, distribution: Distribution, worker: Callable[[], None]) -> int:
    """A child's risky answer, saved with no screen in the web request, processed by a worker."""
    submit(app, distribution, went="yes", feel="sad", better=RISKY)
    worker()
    with app.extensions["database"].session() as session:
        concern_id = session.scalar(select(Concern.id))
    assert concern_id is not None
    return concern_id


def audit_trail(database: Database, concern_id: int) -> list[tuple[str, int | None]]:
    with database.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.subject == f"concern:{concern_id}")
        ).all()
        return [(event.event, event.actor_id) for event in events]


# The worker's screen ---------------------------------------------------------------------


def test_an_answer_the_screen_does_not_flag_raises_no_concern(
    app: Flask, suffolk: Distribution, database: Database, worker: Callable[[], None]
) -> None:
    submit(app, suffolk, went="yes", better="more time to talk and a snack")
    worker()

    with database.session() as session:
        assert session.scalar(select(func.count(Concern.id))) == 0
        assert session.scalars(select(FreeText)).one().ciphertext is None


# Who may see what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "list_status", "concern_status"),
    [
        ("admin", 200, 200),
        ("lead", 200, 200),
        ("other_lead", 200, 404),
        ("facilitator", 404, 404),
        ("council_lead", 404, 404),
    ],
)
def test_only_the_councils_safeguarding_leads_and_admins_may_read_its_concerns(
    app: Flask,
    suffolk: Distribution,
    people: dict[str, User],
    worker: Callable[[], None],
    who: str,
    list_status: int,
    concern_status: int,
) -> None:
    concern_id = concern_raised(app, suffolk, worker)
    client = client_for(app, people[who].email)

    listing = client.get("/safeguarding/concerns")
    page = client.get(f"/safeguarding/concerns/{concern_id}")
    acknowledged = client.post(
        f"/safeguarding/concerns/{concern_id}/acknowledge", data={"csrf_token": _any_token(client)}
    )

    assert listing.status_code == list_status
    assert page.status_code == concern_status
    assert acknowledged.status_code == (303 if concern_status == 200 else 404)
    if list_status == 200:
        assert (f"Concern {concern_id}" in listing.get_data(as_text=True)) == (
            concern_status == 200
        )
    if concern_status == 404:
        assert RISKY not in page.get_data(as_text=True)


def _any_token(client: FlaskClient) -> str:
    """A CSRF token from a page this person may see (safeguarding list or facilitator home)."""
    page = client.get("/safeguarding/concerns")
    if page.status_code == 404:
        page = client.get("/facilitator/")
    return csrf_token(page.get_data(as_text=True))


def test_someone_not_signed_in_is_sent_to_sign_in(
    app: Flask, suffolk: Distribution, worker: Callable[[], None]
) -> None:
    concern_id = concern_raised(app, suffolk, worker)
    client = client_for(app, None)

    for path in ("/safeguarding/concerns", f"/safeguarding/concerns/{concern_id}"):
        answer = client.get(path)
        assert answer.status_code == 302
        assert "/facilitator/login" in answer.headers["Location"]


def test_a_safeguarding_lead_lands_on_the_concerns_and_sees_no_research_pages(
    app: Flask, suffolk: Distribution, database: Database, people: dict[str, User]
) -> None:
    client = HttpsClient(app)

    signed_in = sign_in(client, "lead@suffolk.example")

    assert signed_in.status_code == 302
    assert signed_in.headers["Location"].endswith("/safeguarding/concerns")
    assert client.get("/").headers["Location"].endswith("/safeguarding/concerns")
    for path in (
        "/facilitator/",
        "/facilitator/surveys/test-child",
        f"/facilitator/distributions/{suffolk.code}",
        "/facilitator/surveys/test-child/aggregates.csv",
    ):
        assert client.get(path).status_code == 404, path
    with database.session() as session:
        token = operations.create_api_token(session, "lead@suffolk.example")
        session.commit()
    api = app.test_client()
    answer = api.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 404
    assert (
        client.post("/facilitator/logout", data={"csrf_token": _any_token(client)}).status_code
        == 302
    )


def test_the_command_line_makes_a_safeguarding_lead_for_a_council(
    app: Flask, database: Database, tmp_path: Path
) -> None:
    runner = CliRunner(env={"SURVEY_DATABASE_URL": app.config["DATABASE_URL"]})
    assert runner.invoke(main, ["councils", "create", "Suffolk"]).exit_code == 0

    made = runner.invoke(
        main,
        [
            "users",
            "create",
            "Lead@Suffolk.example",
            "--role",
            "safeguarding_lead",
            "--council",
            "Suffolk",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    refused = runner.invoke(
        main,
        ["users", "create", "x@example.org", "--role", "safeguarding_lead", "--password-stdin"],
        input=PASSWORD + "\n",
    )

    assert made.exit_code == 0, made.output
    assert refused.exit_code == 1
    assert "A safeguarding lead needs --council." in refused.output
    with database.session() as session:
        lead = session.scalars(select(User)).one()
        assert (lead.role, lead.council.name) == ("safeguarding_lead", "Suffolk")
        assert concerns.council_has_lead(session, lead.council_id)


def test_the_distribution_page_and_the_command_line_warn_of_a_council_without_a_lead(
    app: Flask,
    suffolk: Distribution,
    make_user: Callable[..., User],
    tmp_path: Path,
) -> None:
    make_user("facilitator@example.org", "facilitator")
    client = client_for(app, "facilitator@example.org")
    page = client.get(f"/facilitator/distributions/{suffolk.code}").get_data(as_text=True)
    assert "Suffolk has no named safeguarding lead" in page
    runner = CliRunner(
        env={
            "SURVEY_DATABASE_URL": app.config["DATABASE_URL"],
            "SURVEY_SURVEY_DIR": app.config["SURVEY_DIR"],
            "SURVEY_QR_DIR": str(tmp_path / "qr"),
        }
    )
    arguments = ["distribute", "test-child", "--council", "Suffolk", "--label", "Schools"]

    warned = runner.invoke(main, arguments)
    make_user("lead@suffolk.example", "safeguarding_lead", "Suffolk")
    quiet = runner.invoke(main, arguments)

    assert warned.exit_code == 0, warned.output
    assert "Suffolk has no named safeguarding lead" in warned.output
    assert "no named safeguarding lead" not in quiet.output
    page = client.get(f"/facilitator/distributions/{suffolk.code}").get_data(as_text=True)
    assert "no named safeguarding lead" not in page


# Reading, acknowledging, closing ---------------------------------------------------------


def test_closing_without_saying_what_was_done_is_refused_with_an_error_summary(
    app: Flask,
    suffolk: Distribution,
    database: Database,
    people: dict[str, User],
    worker: Callable[[], None],
) -> None:
    concern_id = concern_raised(app, suffolk, worker)
    client = client_for(app, people["lead"].email)
    token = csrf_token(client.get(f"/safeguarding/concerns/{concern_id}").get_data(as_text=True))

    refused = client.post(
        f"/safeguarding/concerns/{concern_id}/close",
        data={"csrf_token": token, "action_taken": "   "},
    )

    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert 'class="error-summary"' in html and 'href="#action_taken"' in html
    summary = re.search(r'<div class="error-summary"[^>]*>', html)
    assert summary is not None and "autofocus" in summary.group(0)  # the keyboard goes there
    assert "<title>Error: " in html
    assert 'aria-describedby="action_taken-hint action_taken-error"' in html
    assert "Say what you did before closing the concern." in html
    headings = re.findall(r"<(h[1-6])\b", html)
    assert headings[0] == "h1", headings  # "There is a problem" is no heading before the h1
    with database.session() as session:
        assert session.get_one(Concern, concern_id).status == ConcernStatus.NEW
        assert session.scalar(select(func.count(ConcernText.id))) == 1


def test_a_form_without_its_csrf_token_changes_nothing(
    app: Flask,
    suffolk: Distribution,
    database: Database,
    people: dict[str, User],
    worker: Callable[[], None],
) -> None:
    concern_id = concern_raised(app, suffolk, worker)
    client = client_for(app, people["lead"].email)

    answer = client.post(
        f"/safeguarding/concerns/{concern_id}/close", data={"action_taken": "no action: joke"}
    )

    assert answer.status_code == 400
    with database.session() as session:
        assert session.get_one(Concern, concern_id).status == ConcernStatus.NEW


def test_a_review_concern_is_listed_for_reading_with_its_contact_request(
    app: Flask, suffolk: Distribution, database: Database, people: dict[str, User]
) -> None:
    vault = app.extensions["vault"]
    with database.session() as session:
        raised = concerns.raise_concern(
            session,
            vault,
            council_id=suffolk.council_id,
            origin=ConcernOrigin.UNSAFE_LINK,
            level=ConcernLevel.REVIEW,
            reasons=["the child pressed I don't feel safe"],
            now=utcnow(),
            distribution_id=suffolk.id,
            survey_id=suffolk.survey_id,
        )
        concern = session.get_one(Concern, raised.concern_id)
        concerns.save_contact_request(
            session,
            vault,
            concern,
            concerns.ContactDetails("<script>alert(1)</script> Sam, 07700 900412", "after 4", "no"),
            utcnow().date(),
            90,
        )
        session.commit()
    client = client_for(app, people["lead"].email)

    listing = client.get("/safeguarding/concerns").get_data(as_text=True)
    page = client.get(f"/safeguarding/concerns/{raised.concern_id}").get_data(as_text=True)

    assert "For reading" in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Sam, 07700 900412" in page
    assert "<script>alert(1)" not in page
    assert "after 4" in page
    assert audit_trail(database, raised.concern_id) == [("concern_viewed", people["lead"].id)]


# On each database: the worker's screen, the lead's actions, reminders, contact requests -----


class TestOnEachDatabase:
    """The worker, the pages and the sweeper on SQLite (the demo) and PostgreSQL (production),
    whose row locks differ."""

    @pytest.fixture
    def app(self, app_each_db: Flask) -> Flask:
        return app_each_db

    def test_the_worker_raises_one_concern_for_a_risky_answer_sent_without_a_screen_even_run_twice(
        self,
        app: Flask,
        suffolk: Distribution,
        database: Database,
        people: dict[str, User],
        worker: Callable[[], None],
    ) -> None:
        from workers.actors import anonymise_response

        response_id = submit(app, suffolk, went="yes", better=RISKY)
        worker()
        anonymise_response.send(response_id)  # redelivered
        anonymise_response.send(response_id)
        worker()

        with database.session() as session:
            concern = session.scalars(select(Concern)).one()
            assert concern.response_id == response_id
            assert concern.level == ConcernLevel.ALERT
            assert concern.council.name == "Suffolk"
            assert concern.reasons
            (kept,) = session.scalars(select(ConcernText)).all()
            assert app.extensions["vault"].open(kept.ciphertext) == RISKY
            emails = session.scalars(select(ConcernNotification.email)).all()
            assert emails == ["lead@suffolk.example"]
            # The research copy went the usual way: anonymised, raw text destroyed, counted.
            free_text = session.scalars(select(FreeText)).one()
            assert free_text.ciphertext is None and free_text.redacted is not None
            assert session.scalar(select(func.sum(AnswerCount.count))) is not None

    def test_the_lead_reads_acknowledges_and_closes_a_concern_and_every_step_is_audited(
        self,
        app: Flask,
        suffolk: Distribution,
        database: Database,
        people: dict[str, User],
        worker: Callable[[], None],
    ) -> None:
        concern_id = concern_raised(app, suffolk, worker)
        lead = people["lead"]
        client = client_for(app, lead.email)
        before = utcnow()

        listing = client.get("/safeguarding/concerns").get_data(as_text=True)
        page = client.get(f"/safeguarding/concerns/{concern_id}").get_data(as_text=True)
        token = csrf_token(page)
        acknowledged = client.post(
            f"/safeguarding/concerns/{concern_id}/acknowledge", data={"csrf_token": token}
        )
        closed = client.post(
            f"/safeguarding/concerns/{concern_id}/close",
            data={"csrf_token": token, "action_taken": "MASH referral"},
        )
        after = client.get(f"/safeguarding/concerns/{concern_id}").get_data(as_text=True)

        assert f"Concern {concern_id}" in listing
        assert RISKY in page  # the full original words
        assert "CP conferences, Ipswich" in page
        assert "Did you go to the meeting?" in page and "Yes" in page  # the other answers, in words
        assert acknowledged.status_code == closed.status_code == 303
        assert "data-kept-words" not in after
        assert "The original words were destroyed" in after
        assert "MASH referral" in after
        with database.session() as session:
            concern = session.get_one(Concern, concern_id)
            assert concern.status == ConcernStatus.CLOSED
            assert concern.acknowledged_by_id == concern.closed_by_id == lead.id
            assert concern.raw_destroyed_on == utcnow().date()
            assert session.scalar(select(func.count(ConcernText.id))) == 0
            # The anonymised answer stays in the research data and the counts.
            assert session.scalars(select(FreeText)).one().redacted is not None
            assert (
                session.scalar(select(AnswerCount.count).where(AnswerCount.question_id == "better"))
                == 1
            )
            staff_events = session.scalars(
                select(AuditEvent).where(AuditEvent.actor_id.is_not(None)).order_by(AuditEvent.id)
            ).all()
            assert [event.event for event in staff_events] == [
                "concerns_listed",
                "concern_viewed",
                "concern_acknowledged",
                "concern_closed",
                "concern_raw_text_destroyed",
                "concern_viewed",
            ]
            assert {event.actor_id for event in staff_events} == {lead.id}
            assert all(event.occurred_at is not None for event in staff_events)
            assert all(
                event.occurred_at >= before - dt.timedelta(seconds=1) for event in staff_events
            )

    def test_a_concern_nobody_acknowledges_is_sent_again_to_the_leads_and_admins_each_period(
        self,
        app: Flask,
        suffolk: Distribution,
        database: Database,
        people: dict[str, User],
    ) -> None:
        vault = app.extensions["vault"]
        raised_at = dt.datetime(2026, 12, 5, 9, 0)
        with database.session() as session:
            raised = concerns.raise_concern(
                session,
                vault,
                council_id=suffolk.council_id,
                origin=ConcernOrigin.ANSWER,
                level=ConcernLevel.ALERT,
                reasons=["someone hurting a child"],
                now=raised_at,
                distribution_id=suffolk.id,
                survey_id=suffolk.survey_id,
            )
            session.commit()

        def reminders_at(hours: float) -> list[tuple[str, int]]:
            made = sweeper.escalate_concerns(raised_at + dt.timedelta(hours=hours))
            with database.session() as session:
                rows = session.scalars(
                    select(ConcernNotification).where(ConcernNotification.id.in_(made))
                ).all()
                assert all(row.kind == NotificationKind.ESCALATION for row in rows)
                return sorted((row.email, row.round) for row in rows)

        assert raised.notification_ids  # the first alert, to the lead
        assert reminders_at(3.9) == []
        assert reminders_at(4) == [("admin@example.org", 1), ("lead@suffolk.example", 1)]
        assert reminders_at(4.5) == []
        assert reminders_at(7.9) == []
        assert reminders_at(8) == [("admin@example.org", 2), ("lead@suffolk.example", 2)]
        with database.session() as session:
            concern = session.get_one(Concern, raised.concern_id)
            assert concern.escalations == 2
            assert concern.escalated_at == raised_at + dt.timedelta(hours=8)
            casework.acknowledge(
                session, concern, people["lead"], raised_at + dt.timedelta(hours=9)
            )
            session.commit()
        assert reminders_at(12) == []
        assert reminders_at(100) == []

    def test_a_contact_request_is_destroyed_after_its_retention_period(
        self, app: Flask, suffolk: Distribution, database: Database, people: dict[str, User]
    ) -> None:
        vault = app.extensions["vault"]
        made_on = dt.date(2026, 12, 5)
        with database.session() as session:
            raised = concerns.raise_concern(
                session,
                vault,
                council_id=suffolk.council_id,
                origin=ConcernOrigin.UNSAFE_LINK,
                level=ConcernLevel.ALERT,
                reasons=["the child said they do not feel safe"],
                now=dt.datetime(2026, 12, 5, 10, 0),
            )
            concern = session.get_one(Concern, raised.concern_id)
            concerns.save_contact_request(
                session,
                vault,
                concern,
                concerns.ContactDetails("ring my aunt", "evenings", "yes"),
                made_on,
                int(app.config["CONCERN_RETENTION_DAYS"]),
            )
            session.commit()

        assert sweeper.purge_contact_requests(made_on + dt.timedelta(days=89)) == 0
        assert sweeper.purge_contact_requests(made_on + dt.timedelta(days=90)) == 1

        with database.session() as session:
            assert session.scalar(select(func.count(ContactRequest.id))) == 0
            assert session.get(Concern, raised.concern_id) is not None
            assert (
                session.scalar(
                    select(AuditEvent.event).where(
                        AuditEvent.subject == f"concern:{raised.concern_id}"
                    )
                )
                == "contact_request_destroyed"
            )
        page = client_for(app, people["lead"].email).get(
            f"/safeguarding/concerns/{raised.concern_id}"
        )
        assert "ring my aunt" not in page.get_data(as_text=True)
