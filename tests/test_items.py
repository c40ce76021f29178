"""Written answers as unlinked items in place of rows of whole responses (issue 10): the
flood-and-isolate attack, what an item holds, its random order, withheld periods, and the linked
research extract only where a deployment turns it on, for admins, audited."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.test import TestResponse

from survey_app import operations, periods
from survey_app.clock import clock_of
from survey_app.downloads import (
    ITEM_COLUMNS,
    RESEARCH_EXTRACT_EVENT,
    RESEARCH_EXTRACT_REFUSED_EVENT,
)
from survey_app.models import AuditEvent, User
from tests.cellkeys import within_spread
from tests.conftest import HttpsClient, close_periods, csrf_token, make_council, rows_of, sign_in
from tests.programmes import SHIPPED, run_programme
from tests.submissions import submit

SURVEY = "/facilitator/surveys/test-child"
API = "/api/v1/surveys/test-child"
QUESTION = "What one thing would make it better?"
TARGET_WORDS = "I never want to go back to my dad's house"


def fetch(client: FlaskClient, url: str, **kwargs: Any) -> TestResponse:
    """GET url and read the whole (streamed) body, so the request has finished."""
    answer = client.get(url, **kwargs)
    answer.get_data()
    return answer


def words_of(rows: list[dict[str, str]]) -> list[str]:
    return [row["answer"] for row in rows if row["answer"]]


def isolate(before: list[dict[str, str]], after: list[dict[str, str]], known: int) -> list[Any]:
    """The flood-and-isolate attack: the rows that are new since the first download, less the
    `known` rows the attacker sent themselves (their known answers, "went" yes, "feel" happy).
    Rows are compared without any running number, as multisets."""

    def key(row: dict[str, str]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((k, v) for k, v in row.items() if k != "response"))

    new = Counter(key(row) for row in after) - Counter(key(row) for row in before)
    mine = [
        row for row in new.elements() if ("answer", "flood") in row or ("better", "flood") in row
    ]
    left = list((new - Counter(mine[:known])).elements())
    return left


def attack(
    app: Flask,
    watcher: FlaskClient,
    url: str,
    drain: Callable[[], None],
    *,
    known: int = 7,
    periods_between: bool = False,
) -> tuple[list[Any], list[dict[str, str]]]:
    """A staff member watches a distribution of 12 answers; one target child answers; the staff
    member sends `known` answers they know through the public link (7 release any hold-back)
    and downloads again once the period has closed. With periods_between, the 12 are in a
    period closed before the target answers, so the target's period holds only the target and
    the staff member's answers. Returns what the attack isolates and the last download's
    rows."""
    database = app.extensions["database"]
    with database.session() as session:
        make_council(session, "Suffolk")
        suffolk = operations.create_distribution(session, "test-child", "Suffolk", "Conferences")
        session.commit()
    for number in range(12):
        submit(app, suffolk, went="yes", feel="okay", better=f"More time to talk {number}")
    drain()
    if periods_between:
        close_periods(app)
    before = rows_of(fetch(watcher, url))
    submit(app, suffolk, went="no", feel="very_sad", better=TARGET_WORDS)
    for _ in range(known):
        submit(app, suffolk, went="yes", feel="happy", better="flood")
    drain()
    close_periods(app)
    after = rows_of(fetch(watcher, url))
    return isolate(before, after, known), after


@pytest.fixture
def app(make_app: Callable[..., Flask], app_settings: dict[str, Any]) -> Flask:
    return make_app(**app_settings)


# A deployment that turned the research extract on (SURVEY_RESEARCH_EXTRACT=true).
EXTRACT_ON = pytest.mark.parametrize("app_settings", [{"RESEARCH_EXTRACT": True}])


def staff(
    app: Flask,
    make_user: Callable[..., User],
    email: str,
    role: str = "facilitator",
    council: str | None = None,
) -> FlaskClient:
    """A new browser signed in as a new account."""
    make_user(email, role, council)
    app.test_client_class = HttpsClient
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


# The attack -----------------------------------------------------------------------------------


def test_flood_and_isolate_no_longer_recovers_a_childs_answers(app, facilitator, worker):
    isolated, after = attack(app, facilitator, f"{SURVEY}/items.csv", worker)

    # The rows of whole responses the attack used are gone for child surveys.
    assert fetch(facilitator, f"{SURVEY}/responses.csv").status_code == 404
    assert fetch(facilitator, f"{SURVEY}/research-extract.csv").status_code == 404
    # The first download was made while the period was open, so it shows nothing of it: the
    # period comes out whole once it has closed,
    # and then the target's words are one item among every other child's, with nothing else
    # of theirs beside them.
    assert TARGET_WORDS in words_of(after)
    candidates = [dict(row) for row in isolated]
    assert len(candidates) >= 13
    assert all(set(row) == set(ITEM_COLUMNS) for row in candidates)
    everything = {value for row in after for value in row.values()}
    assert not {"no", "very_sad", "Did you go to the meeting?"} & everything


@EXTRACT_ON
def test_the_same_attack_on_linked_rows_gives_the_child_away_which_is_why_they_are_off(
    app, make_user, worker
):
    admin = staff(app, make_user, "admin@example.org", "admin")
    # Closed periods alone do not save linked rows: 9 known answers sent into the target's
    # period make it big enough to publish, and the one row left is the child's whole set.
    isolated, _ = attack(
        app, admin, f"{SURVEY}/research-extract.csv", worker, known=9, periods_between=True
    )

    assert len(isolated) == 1
    target = dict(isolated[0])
    assert (target["went"], target["feel"], target["better"]) == ("no", "very_sad", TARGET_WORDS)


def open_period(app: Flask) -> str:
    """The key of the test survey's period open now (the one a response sent now is in)."""
    settings = app.extensions["surveys"]["test-child"].publication
    return periods.period_sent_in(settings, clock_of(app).now()).key


def test_a_period_still_open_shows_no_items_until_it_closes(
    app, facilitator, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    for number in range(10):
        submit(app, suffolk, went="yes", better=f"Snacks please {number}")
    worker()
    sent_in = open_period(app)

    latest_closed = rows_of(fetch(facilitator, f"{SURVEY}/items.csv"))
    asked_open = fetch(facilitator, f"{SURVEY}/items.csv?period={sent_in}")
    close_periods(app)
    closed_rows = rows_of(fetch(facilitator, f"{SURVEY}/items.csv"))
    named = rows_of(fetch(facilitator, f"{SURVEY}/items.csv?period={sent_in}"))

    # Before it closes: the latest closed period (nothing in it), and the open one refused the
    # way every download refuses it.
    assert latest_closed == []
    assert asked_open.status_code == 400
    assert f"The period {sent_in} is not closed yet" in asked_open.get_data(as_text=True)
    assert sorted(words_of(closed_rows)) == sorted(f"Snacks please {n}" for n in range(10))
    assert {row["period"] for row in closed_rows} == {sent_in}
    assert sorted(words_of(named)) == sorted(words_of(closed_rows))


def test_answers_sent_after_a_period_closed_are_in_the_next_period_not_that_one(
    app, facilitator, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    for number in range(10):
        submit(app, suffolk, went="yes", better=f"First period {number}")
    worker()
    first = open_period(app)
    close_periods(app)
    for number in range(10):
        submit(app, suffolk, went="yes", better=f"Second period {number}")
    worker()
    second = open_period(app)
    close_periods(app)

    latest = rows_of(fetch(facilitator, f"{SURVEY}/items.csv"))
    earlier = rows_of(fetch(facilitator, f"{SURVEY}/items.csv?period={first}"))

    assert sorted(words_of(latest)) == sorted(f"Second period {n}" for n in range(10))
    assert {row["period"] for row in latest} == {second}
    assert sorted(words_of(earlier)) == sorted(f"First period {n}" for n in range(10))
    assert {row["period"] for row in earlier} == {first}


# What an item holds ---------------------------------------------------------------------------


def test_an_item_holds_the_question_council_period_and_redacted_words_and_nothing_to_link_it(
    app, facilitator, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    for _ in range(10):
        submit(app, suffolk, went="yes", age_band="8-11", language="pl", better="call 07700 900412")
    worker()
    sent_in = open_period(app)
    close_periods(app)

    download = fetch(facilitator, f"{SURVEY}/items.csv")
    rows = rows_of(download)

    assert list(rows[0]) == ITEM_COLUMNS  # no response, distribution, age band or language
    assert len(rows) == 10
    for row in rows:
        assert row["question"] == QUESTION
        assert row["council"] == "Suffolk"
        assert row["period"] == sent_in
        assert "07700" not in row["answer"] and row["answer"]
    assert download.headers["Cache-Control"] == "no-store"


def test_items_come_in_a_new_random_order_on_every_download(
    app, facilitator, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    sent = [f"Answer number {n}" for n in range(30)]
    for words in sent:
        submit(app, suffolk, went="yes", better=words)
    worker()
    close_periods(app)

    orders = [words_of(rows_of(fetch(facilitator, f"{SURVEY}/items.csv"))) for _ in range(3)]

    assert all(sorted(order) == sorted(sent) for order in orders)
    # The same order twice by chance: 1 in 30! (about 1 in 10^32).
    assert orders[0] != orders[1] != orders[2]
    assert all(order != sent and order != sent[::-1] for order in orders)


def test_a_council_period_with_too_few_responses_is_withheld_with_a_row_saying_so(
    app, facilitator, make_distribution, worker
):
    submit_to = make_distribution(council_name="Suffolk")
    essex = make_distribution(council_name="Essex", label="Small")
    for number in range(10):
        submit(app, submit_to, went="yes", better=f"Suffolk words {number}")
    for number in range(3):
        submit(app, essex, went="yes", better=f"Essex words {number}")
    worker()
    close_periods(app)

    rows = rows_of(fetch(facilitator, f"{SURVEY}/items.csv"))

    assert not any("Essex" in words for words in words_of(rows))
    essex_rows = [row for row in rows if row["council"] == "Essex"]
    assert len(essex_rows) == 1
    assert essex_rows[0]["answer"] == "" and "Too few responses" in essex_rows[0]["note"]
    assert rows[-1] == essex_rows[0]  # notes about groups come after the shuffled items


def test_a_question_only_a_few_wrote_an_answer_to_shows_none_and_no_note(
    app, facilitator, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    for _ in range(3):
        submit(app, suffolk, went="yes", better="Only three of us wrote this")
    for _ in range(9):
        submit(app, suffolk, went="yes")
    worker()
    close_periods(app)

    rows = rows_of(fetch(facilitator, f"{SURVEY}/items.csv"))

    # Counting the items would count the 3 who wrote: it looks the same as nobody writing.
    assert rows == []


def test_an_items_spreadsheet_holds_the_same_columns_with_the_notes_below(
    app, facilitator, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    for number in range(10):
        submit(app, suffolk, went="yes", better=f"Spreadsheet words {number}")
    worker()
    close_periods(app)

    download = fetch(facilitator, f"{SURVEY}/items.xlsx")

    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.get_data()), read_only=True)
    (sheet,) = book.worksheets
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == ITEM_COLUMNS
    answers = [row[3] for row in table[1:11]]
    assert sorted(answers) == sorted(f"Spreadsheet words {n}" for n in range(10))
    text = " ".join(str(cell) for row in table[11:] for cell in row if cell)
    assert "nothing links one answer to another" in text


def test_items_come_by_whole_council_and_period_not_part_of_one_or_a_distribution(
    app, facilitator, make_distribution
):
    suffolk = make_distribution(council_name="Suffolk")
    close_periods(app)
    settings = app.extensions["surveys"]["test-child"].publication
    closed = periods.last_published(settings, clock_of(app).now())

    for query in (
        "from=2026-01-01",
        "to=2026-01-01",
        f"from={closed.start}&to={closed.end + dt.timedelta(days=1)}",
        f"distribution={suffolk.code}",
        "period=2026-Q5",
    ):
        assert fetch(facilitator, f"{SURVEY}/items.csv?{query}").status_code == 400, query
    assert fetch(facilitator, f"{SURVEY}/items.csv?council=Suffolk").status_code == 200
    assert fetch(facilitator, f"{SURVEY}/items.csv?period={closed.key}").status_code == 200
    whole = f"from={closed.start}&to={closed.end}"
    assert fetch(facilitator, f"{SURVEY}/items.csv?{whole}").status_code == 200
    assert fetch(facilitator, f"{SURVEY}/items.xlsx").status_code == 200


# The research extract -------------------------------------------------------------------------


def test_the_research_extract_is_not_there_unless_the_deployment_turns_it_on(app, make_user):
    admin = staff(app, make_user, "admin@example.org", "admin")
    token = _token(app, "admin@example.org")

    assert fetch(admin, f"{SURVEY}/research-extract.csv").status_code == 404
    assert fetch(admin, f"{API}/research-extract.csv", headers=token).status_code == 404
    page = admin.get(SURVEY).get_data(as_text=True)
    asked = admin.post(f"{SURVEY}/exports", data={"csrf_token": csrf_token(page), "format": "csv"})
    assert asked.status_code == 404
    assert "research-extract" not in page and "items.csv" in page
    assert _audited(app) == []


@EXTRACT_ON
def test_with_the_setting_only_admins_get_the_research_extract(
    app, make_user, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    for _ in range(10):
        submit(app, suffolk, went="yes")
    worker()
    lead = staff(app, make_user, "lead@example.org", "council_lead", "Suffolk")
    assert fetch(lead, f"{SURVEY}/research-extract.csv").status_code == 403
    assert "research-extract" not in lead.get(SURVEY).get_data(as_text=True)

    facilitator = staff(app, make_user, "facilitator@example.org")
    assert fetch(facilitator, f"{SURVEY}/research-extract.csv").status_code == 403
    page = facilitator.get(SURVEY).get_data(as_text=True)
    asked = facilitator.post(
        f"{SURVEY}/exports", data={"csrf_token": csrf_token(page), "format": "csv"}
    )
    assert asked.status_code == 403
    assert _audited(app) == []
    # Each refused try is on record too, with who tried, when and for which survey.
    refused = _audited(app, RESEARCH_EXTRACT_REFUSED_EVENT)
    with app.extensions["database"].session() as session:
        who = dict(session.execute(select(User.email, User.id)).all())
    assert [(event.actor_id, event.subject) for event in refused] == [
        (who["lead@example.org"], "test-child"),
        (who["facilitator@example.org"], "test-child"),
        (who["facilitator@example.org"], "test-child"),
    ]
    assert all(event.occurred_at is not None for event in refused)


@EXTRACT_ON
def test_every_research_extract_given_is_audited_with_who_when_and_which_survey(
    app, make_user, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    for _ in range(10):
        submit(app, suffolk, went="yes")
    worker()
    close_periods(app)
    admin = staff(app, make_user, "admin@example.org", "admin")
    token = _token(app, "admin@example.org")

    assert len(rows_of(fetch(admin, f"{SURVEY}/research-extract.csv"))) == 10
    assert len(rows_of(fetch(admin, f"{API}/research-extract.csv", headers=token))) == 10
    page = admin.get(SURVEY).get_data(as_text=True)
    assert "research-extract.csv" in page
    asked = admin.post(f"{SURVEY}/exports", data={"csrf_token": csrf_token(page), "format": "csv"})
    assert asked.status_code == 303

    events = _audited(app)
    assert len(events) == 3
    with app.extensions["database"].session() as session:
        admin_id = session.scalar(select(User.id).where(User.email == "admin@example.org"))
    for event in events:
        assert (event.subject, event.actor_id) == ("test-child", admin_id)
        assert event.occurred_at is not None and event.occurred_on == dt.date.today()
    assert "export" in events[2].detail


def test_the_api_lists_items_and_not_the_research_extract(app, facilitator):
    token = _token(app, "facilitator@example.org")

    listed = fetch(facilitator, "/api/v1/surveys", headers=token).get_json()

    (child,) = [survey for survey in listed["surveys"] if survey["id"] == "test-child"]
    assert any(url.endswith("/test-child/items.csv") for url in child["downloads"])
    assert not any("research-extract" in url or "responses" in url for url in child["downloads"])


def _token(app: Flask, email: str) -> dict[str, str]:
    with app.extensions["database"].session() as session:
        made = operations.create_api_token(session, email)
        session.commit()
    return {"Authorization": f"Bearer {made}"}


def _audited(app: Flask, event: str = RESEARCH_EXTRACT_EVENT) -> list[AuditEvent]:
    with app.extensions["database"].session() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.event == event).order_by(AuditEvent.id)
            )
        )


@pytest.mark.parametrize("app_settings", [{"SURVEY_DIR": str(SHIPPED)}])
def test_practitioners_get_paired_results_and_no_linked_rows_either(app, make_user, worker):
    run_programme(app, "Norfolk", [2] * 10 + [3] * 10, [3] * 10 + [4] * 10)
    worker()
    close_periods(app)
    facilitator = staff(app, make_user, "facilitator@example.org")
    admin = staff(app, make_user, "admin@example.org", "admin")
    practitioners = "/facilitator/surveys/practitioner-skills"

    # Pairs are matched inside the service: nobody needs linked rows to see change.
    paired = rows_of(fetch(facilitator, f"{practitioners}/prepost.csv"))
    # 20 pairs, shown as their pairs' cell keys move them.
    assert any(within_spread(row["pairs"], 20) for row in paired if row["council"] == "Norfolk")
    for someone in (facilitator, admin):
        assert fetch(someone, f"{practitioners}/responses.csv").status_code == 404
        assert fetch(someone, f"{practitioners}/research-extract.csv").status_code == 404
        assert fetch(someone, f"{practitioners}/items.csv").status_code == 200
