"""Alert emails: one per lead, over real SMTP, never holding what was written; a mail server that
is down or refuses leaves them pending and visible, and they go once it is back."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from survey_app.db import Database
from survey_app.models import (
    Concern,
    ConcernLevel,
    ConcernNotification,
    Distribution,
    NotificationKind,
    NotificationStatus,
)
from survey_app.safeguarding import mail
from tests.conftest import HttpsClient, sign_in
from tests.smtp import SmtpServer, body, smtp_server  # noqa: F401
from tests.submissions import submit
from workers import sweeper

RISKY = "my step dad hits me with the belt when mum is at work and i dont want to go home tonight"
WORDS_OF_THE_ANSWER = ["step dad", "belt", "mum", "home tonight", "hits"]


@pytest.fixture
def app(make_app: Callable[..., Flask], smtp_server: SmtpServer) -> Flask:  # noqa: F811
    """The app, sending its alerts through the test's SMTP server."""
    return make_app(
        SMTP_URL=smtp_server.url, MAIL_FROM="alerts@surveys.example", SWEEP_GRACE_SECONDS=0
    )


@pytest.fixture
def suffolk(make_distribution: Callable[..., Distribution]) -> Distribution:
    return make_distribution()


def notifications(database: Database) -> list[ConcernNotification]:
    with database.session() as session:
        return list(session.scalars(select(ConcernNotification).order_by(ConcernNotification.id)))


def anonymise_without_a_worker(response_id: int) -> None:
    """Run the worker's first step in this thread (its emails wait on the broker, unsent)."""
    from workers.actors import anonymise_response

    anonymise_response(response_id)


def test_each_lead_of_the_council_gets_exactly_one_email_that_holds_no_answer(
    app: Flask,
    smtp_server: SmtpServer,  # noqa: F811
    make_user: Callable[..., object],
    suffolk: Distribution,
    worker: Callable[[], None],
) -> None:
    make_user("lead.one@suffolk.example", "safeguarding_lead", "Suffolk")
    make_user("lead.two@suffolk.example", "safeguarding_lead", "Suffolk")
    make_user("lead@norfolk.example", "safeguarding_lead", "Norfolk")
    make_user("admin@example.org", "admin")
    drain = worker

    submit(app, suffolk, went="yes", better=RISKY)
    drain()

    received = smtp_server.mailbox.received
    assert sorted(message["X-Delivered-To"] for message in received) == [
        "lead.one@suffolk.example",
        "lead.two@suffolk.example",
    ]
    with app.extensions["database"].session() as session:
        concern_id = session.scalar(select(Concern.id))
    for message in received:
        text = f"{message['Subject']}\n{body(message)}".lower()
        for words in WORDS_OF_THE_ANSWER:
            assert words not in text
        assert "Suffolk" in message["Subject"]
        assert "Your meeting" in body(message)  # the survey
        assert "CP conferences, Ipswich" in body(message)  # the distribution
        assert f"https://surveys.example/safeguarding/concerns/{concern_id}" in body(message)
        assert message["From"] == "alerts@surveys.example"
    sent = notifications(app.extensions["database"])
    assert [n.status for n in sent] == [NotificationStatus.SENT, NotificationStatus.SENT]


def test_a_council_without_a_lead_sends_its_alerts_to_the_admins(
    app: Flask,
    smtp_server: SmtpServer,  # noqa: F811
    make_user: Callable[..., object],
    suffolk: Distribution,
    worker: Callable[[], None],
) -> None:
    make_user("admin@example.org", "admin")
    make_user("facilitator@example.org", "facilitator")
    make_user("lead@norfolk.example", "safeguarding_lead", "Norfolk")

    submit(app, suffolk, went="yes", better=RISKY)
    worker()

    assert [m["X-Delivered-To"] for m in smtp_server.mailbox.received] == ["admin@example.org"]


def test_a_mail_server_that_is_down_leaves_the_alert_pending_and_visible_until_it_is_back(
    app: Flask,
    smtp_server: SmtpServer,  # noqa: F811
    make_user: Callable[..., object],
    suffolk: Distribution,
    request: pytest.FixtureRequest,
) -> None:
    from workers.actors import send_concern_email

    smtp_server.stop()  # nothing listens on its port
    database: Database = app.extensions["database"]
    make_user("lead@suffolk.example", "safeguarding_lead", "Suffolk")
    response_id = submit(app, suffolk, went="yes", better=RISKY, enqueue=lambda _id: None)
    anonymise_without_a_worker(response_id)
    (waiting,) = notifications(database)

    with pytest.raises(mail.MailFailure):
        send_concern_email(waiting.id)

    (failed,) = notifications(database)
    assert failed.status == NotificationStatus.PENDING
    assert failed.attempts == 1
    assert "refused the connection" in failed.last_error
    assert "belt" not in failed.last_error
    sweeper.beat("test")
    client = app.test_client()
    report = client.get("/healthz").json
    assert report["safeguarding"]["failed_emails"] == 1
    assert report["status"] == "degraded"
    lead = HttpsClient(app)
    sign_in(lead, "lead@suffolk.example")
    page = lead.get("/safeguarding/concerns")
    assert page.status_code == 200
    assert "Some alert emails have not been sent" in page.get_data(as_text=True)

    smtp_server.start()
    drain = request.getfixturevalue("worker")  # starts a worker on an emptied broker
    assert sweeper.sweep_concern_emails() == [waiting.id]
    drain()

    (sent,) = notifications(database)
    assert sent.status == NotificationStatus.SENT
    assert sent.attempts == 2
    assert [m["X-Delivered-To"] for m in smtp_server.mailbox.received] == ["lead@suffolk.example"]
    sweeper.beat("test")
    report = client.get("/healthz").json
    assert report["safeguarding"] == {"unsent_emails": 0, "failed_emails": 0, "overdue_emails": 0}
    assert report["status"] == "ok"


def test_a_mail_server_that_refuses_is_recorded_by_its_reply_code_and_tried_again(
    app: Flask,
    smtp_server: SmtpServer,  # noqa: F811
    make_user: Callable[..., object],
    suffolk: Distribution,
) -> None:
    from workers.actors import send_concern_email

    database: Database = app.extensions["database"]
    make_user("lead@suffolk.example", "safeguarding_lead", "Suffolk")
    response_id = submit(app, suffolk, went="yes", better=RISKY, enqueue=lambda _id: None)
    anonymise_without_a_worker(response_id)
    (waiting,) = notifications(database)
    smtp_server.mailbox.refuse = "550 5.7.1 Message rejected: i dont want to go home"

    with pytest.raises(mail.MailFailure):
        send_concern_email(waiting.id)

    (refused,) = notifications(database)
    assert refused.status == NotificationStatus.PENDING
    assert "550" in refused.last_error
    assert "go home" not in refused.last_error  # the server's words are not kept
    assert smtp_server.mailbox.received == []

    smtp_server.mailbox.refuse = None
    send_concern_email(waiting.id)
    send_concern_email(waiting.id)  # redelivered: already sent, nothing more

    assert len(smtp_server.mailbox.received) == 1
    assert notifications(database)[0].status == NotificationStatus.SENT


def test_without_an_smtp_url_the_alert_is_written_to_the_log_and_marked_sent(
    app: Flask,
    make_user: Callable[..., object],
    make_distribution: Callable[..., Distribution],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from workers.actors import send_concern_email

    app.config["SMTP_URL"] = None  # as in the demo (the worker shares these settings)
    make_user("lead@suffolk.example", "safeguarding_lead", "Suffolk")
    response_id = submit(
        app, make_distribution(), went="yes", better=RISKY, enqueue=lambda _id: None
    )
    anonymise_without_a_worker(response_id)
    (waiting,) = notifications(app.extensions["database"])

    with caplog.at_level(logging.INFO, logger="survey_app.safeguarding.mail"):
        send_concern_email(waiting.id)

    assert "A safeguarding concern needs reading" in caplog.text
    assert "lead@suffolk.example" in caplog.text
    assert "belt" not in caplog.text
    assert notifications(app.extensions["database"])[0].status == NotificationStatus.SENT


SETTINGS = mail.MailSettings(None, "alerts@surveys.example", "https://surveys.example")
ALERT = mail.Alert(
    concern_id=42,
    kind=NotificationKind.ALERT,
    round_number=0,
    level=ConcernLevel.ALERT,
    council="Suffolk",
    survey_title="Your meeting",
    distribution_label="CP conferences, Ipswich",
    raised_at=dt.datetime(2026, 12, 5, 13, 2),
    reference="20261205130200000000.7",
)


def test_every_try_of_one_alert_carries_the_same_message_id_so_a_resent_copy_shows_once() -> None:
    first = mail.alert_message(ALERT, "lead@suffolk.example", SETTINGS)
    again = mail.alert_message(ALERT, "lead@suffolk.example", SETTINGS)
    other = mail.alert_message(
        mail.Alert(**{**ALERT.__dict__, "reference": "20261205130200000000.8"}),
        "lead@suffolk.example",
        SETTINGS,
    )

    assert (
        first["Message-ID"]
        == again["Message-ID"]
        == "<alert.20261205130200000000.7@surveys.example>"
    )
    assert other["Message-ID"] != first["Message-ID"]


def test_the_alert_says_where_and_when_and_links_to_the_concern() -> None:
    message = mail.alert_message(ALERT, "lead@suffolk.example", SETTINGS)

    assert message["Subject"] == "A safeguarding concern needs reading (Suffolk)"
    text = body(message)
    assert "Council: Suffolk" in text
    assert "Survey: Your meeting" in text
    assert "Distribution: CP conferences, Ipswich" in text
    assert "Raised: 5 December 2026 at 13:02 UTC" in text
    assert "https://surveys.example/safeguarding/concerns/42" in text
    assert message["Auto-Submitted"] == "auto-generated"


def test_a_reminder_says_that_nobody_has_acknowledged_the_concern() -> None:
    reminder = mail.Alert(**{**ALERT.__dict__, "kind": NotificationKind.ESCALATION})

    message = mail.alert_message(reminder, "admin@example.org", SETTINGS)

    assert message["Subject"].startswith("Reminder: a safeguarding concern is not yet acknowledged")
    assert "has not been acknowledged" in body(message)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://relay.local:2525", ("relay.local", 2525, False, False, None, None)),
        ("smtp://relay.local", ("relay.local", 25, False, False, None, None)),
        (
            "smtp+starttls://alerts%40council.gov.uk:p%40ss@smtp.example:587",
            ("smtp.example", 587, False, True, "alerts@council.gov.uk", "p@ss"),
        ),
        ("smtps://user:secret@smtp.example", ("smtp.example", 465, True, False, "user", "secret")),
    ],
)
def test_smtp_urls_name_the_server_its_security_and_its_account(
    url: str, expected: tuple[object, ...]
) -> None:
    server = mail.SmtpServer.from_url(url)

    found = (
        server.host,
        server.port,
        server.implicit_tls,
        server.starttls,
        server.username,
        server.password,
    )
    assert found == expected


def test_an_smtp_url_of_another_kind_is_refused_with_the_setting_named() -> None:
    with pytest.raises(mail.MailSetupError, match="SURVEY_SMTP_URL"):
        mail.SmtpServer.from_url("http://smtp.example")
