"""The worker's use of the anonymiser: raw text destroyed on success, held back on failure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey_app import anonymising, backlog
from survey_app.db import Database
from survey_app.models import AuditEvent, Distribution, FreeText, SurveyResponse, today
from tests.conftest import TEST_SURVEYS, make_council
from tests.submissions import submit
from workers import sweeper

ANSWER = "my sw jade never rings back, txt me 07700 900412, we live in Felixstowe"


def anonymise_now(app: Flask, response_id: int, settings: dict[str, object] | None = None) -> None:
    with app.extensions["database"].session() as session:
        anonymising.anonymise_response(
            session, app.extensions["vault"], response_id, settings or {}
        )
        session.commit()


def free_text(database: Database) -> FreeText:
    with database.session() as session:
        return session.scalars(select(FreeText)).one()


def audit(database: Database) -> list[tuple[str, str]]:
    with database.session() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(event.event, event.subject) for event in events]


def publishable(database: Database) -> list[str]:
    """Free text that downloads may show: redacted, of responses marked anonymised."""
    with database.session() as session:
        return list(
            session.scalars(
                select(FreeText.redacted)
                .join(SurveyResponse, FreeText.response_id == SurveyResponse.id)
                .where(SurveyResponse.anonymised.is_(True), FreeText.redacted.is_not(None))
            )
        )


@pytest.fixture
def analysis_fails(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    def broken(text: str, settings: object) -> None:
        raise RuntimeError(f"analysis crashed on {text!r}")

    monkeypatch.setattr(anonymising, "anonymise", broken)
    return monkeypatch


def test_the_raw_text_is_destroyed_and_the_day_recorded_once_the_answer_is_anonymised(
    app: Flask, make_distribution: Callable[..., Distribution], database: Database
) -> None:
    response_id = submit(app, make_distribution(), went="yes", better=ANSWER)

    anonymise_now(app, response_id)

    stored = free_text(database)
    assert stored.redacted == "my sw [NAME] never rings back, txt me [PHONE], we live in Felixstowe"
    assert stored.ciphertext is None and stored.raw_destroyed_on == today()
    assert stored.held_back is False
    assert audit(database) == [("raw_text_destroyed", f"free_text:{stored.id}")]
    with database.session() as session:
        event = session.scalars(select(AuditEvent)).one()
        assert event.occurred_on == today()


def test_an_answer_whose_analysis_fails_is_held_back_encrypted_and_never_published(
    app: Flask,
    client: FlaskClient,
    make_distribution: Callable[..., Distribution],
    database: Database,
    analysis_fails: pytest.MonkeyPatch,
) -> None:
    distribution = make_distribution()
    response_id = submit(app, distribution, went="yes", better=ANSWER)

    anonymise_now(app, response_id)

    stored = free_text(database)
    assert stored.held_back is True
    assert stored.redacted is None and stored.raw_destroyed_on is None
    assert stored.ciphertext is not None
    assert app.extensions["vault"].open(stored.ciphertext) == ANSWER  # still encrypted, intact
    with database.session() as session:
        assert session.get(SurveyResponse, response_id).anonymised is False
    assert audit(database) == [("anonymisation_failed", f"free_text:{stored.id}")]
    with database.session() as session:
        detail = session.scalars(select(AuditEvent.detail)).one()
    assert detail == "RuntimeError" and "jade" not in detail
    assert publishable(database) == []
    sweeper.beat("test")
    report = client.get("/healthz").json
    assert report["anonymisation"] == {"held_back_answers": 1}
    assert report["status"] == "degraded"


def test_a_held_back_answer_is_released_when_a_later_attempt_succeeds(
    app: Flask,
    client: FlaskClient,
    make_distribution: Callable[..., Distribution],
    database: Database,
    analysis_fails: pytest.MonkeyPatch,
) -> None:
    distribution = make_distribution()
    response_id = submit(app, distribution, went="yes", better=ANSWER)
    anonymise_now(app, response_id)
    anonymise_now(app, response_id)  # a retry that fails again is not recorded twice
    analysis_fails.undo()

    anonymise_now(app, response_id)

    stored = free_text(database)
    assert stored.held_back is False and stored.ciphertext is None
    assert stored.redacted is not None and "jade" not in stored.redacted
    subject = f"free_text:{stored.id}"
    assert audit(database) == [
        ("anonymisation_failed", subject),
        ("raw_text_destroyed", subject),
    ]
    assert publishable(database) == [stored.redacted]
    sweeper.beat("test")
    report = client.get("/healthz").json
    assert report["anonymisation"] == {"held_back_answers": 0}
    assert report["status"] == "ok"


def test_the_worker_holds_back_a_failing_answer_and_the_sweeper_retries_it_later(
    app: Flask,
    make_distribution: Callable[..., Distribution],
    database: Database,
    worker: Callable[[], None],
    analysis_fails: pytest.MonkeyPatch,
) -> None:
    response_id = submit(app, make_distribution(), went="yes", better=ANSWER)
    worker()
    assert free_text(database).held_back is True
    with database.session() as session:
        assert response_id in backlog.unprocessed_response_ids(session)

    analysis_fails.undo()
    sweeper.sweep()
    worker()

    stored = free_text(database)
    assert stored.held_back is False and stored.ciphertext is None
    with database.session() as session:
        assert backlog.unprocessed_response_ids(session) == []


def test_names_on_the_councils_staff_list_are_removed(
    app: Flask,
    make_distribution: Callable[..., Distribution],
    database: Database,
    tmp_path: Path,
) -> None:
    names = tmp_path / "staff.txt"
    names.write_text("# staff of the CP team\nSummer Okoro\nWill Amos\n", encoding="utf-8")
    response_id = submit(app, make_distribution(), went="yes", better="summer okoro was great")

    anonymise_now(app, response_id, {"STAFF_NAMES_FILE": str(names)})

    assert free_text(database).redacted == "[NAME] was great"


def test_a_staff_list_that_cannot_be_read_holds_answers_back_rather_than_miss_names(
    app: Flask,
    make_distribution: Callable[..., Distribution],
    database: Database,
    tmp_path: Path,
) -> None:
    response_id = submit(app, make_distribution(), went="yes", better=ANSWER)

    anonymise_now(app, response_id, {"STAFF_NAMES_FILE": str(tmp_path / "missing.txt")})

    assert free_text(database).held_back is True


def test_a_survey_that_asks_for_it_has_towns_removed_too(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    source = (TEST_SURVEYS / "test-child.yaml").read_text(encoding="utf-8")
    (surveys / "test-child.yaml").write_text(
        source + "anonymisation:\n  redact_locations: true\n", encoding="utf-8"
    )
    app = make_app(SURVEY_DIR=str(surveys))
    with app.extensions["database"].session() as session:
        from survey_app import operations

        make_council(session, "Suffolk")
        distribution = operations.create_distribution(
            session, "test-child", "Suffolk", "CP conferences, Ipswich"
        )
        session.commit()
    response_id = submit(app, distribution, went="yes", better=ANSWER)

    anonymise_now(app, response_id)

    assert free_text(app.extensions["database"]).redacted == (
        "my sw [NAME] never rings back, txt me [PHONE], we live in [PLACE]"
    )


def test_the_survey_page_tells_the_facilitator_an_answer_is_held_back(
    app: Flask,
    client: FlaskClient,
    make_distribution: Callable[..., Distribution],
    make_user: Callable[..., object],
    analysis_fails: pytest.MonkeyPatch,
) -> None:
    from tests.conftest import sign_in

    response_id = submit(app, make_distribution(), went="yes", better=ANSWER)
    make_user()
    sign_in(client, "facilitator@example.org")
    before = client.get("/facilitator/surveys/test-child").get_data(as_text=True)

    anonymise_now(app, response_id)
    after = client.get("/facilitator/surveys/test-child").get_data(as_text=True)

    assert "could not be checked" not in before
    assert "1 written answer could not be checked" in after
    assert ANSWER not in after
