"""Fixed publication periods: a response belongs to the period it was sent in, figures are shown
only for one whole closed period, and a closed period's tables never change afterwards."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import select

from survey_app.cli import PROJECT_ROOT
from survey_app.clock import clock_of
from survey_app.db import make_engine
from survey_app.definitions import DefinitionError, parse_definition
from survey_app.definitions.model import PeriodKind, PublicationSettings
from survey_app.models import SurveyResponse
from survey_app.periods import (
    Period,
    PeriodError,
    closes_at,
    is_published,
    last_published,
    published_period,
)
from tests.cellkeys import expected_counts
from tests.conftest import close_periods, rows_of
from tests.submissions import submit
from workers.actors import aggregate_response

QUARTERLY = PublicationSettings(PeriodKind.QUARTER, 14)
COUNTS = "/facilitator/surveys/test-child/aggregates.csv"


# The periods themselves -------------------------------------------------------------------------


def test_a_day_falls_in_one_day_month_and_quarter_each_named_for_good():
    day = dt.date(2026, 11, 5)
    assert Period.of(PeriodKind.DAY, day).key == "2026-11-05"
    assert Period.of(PeriodKind.MONTH, day).key == "2026-11"
    quarter = Period.of(PeriodKind.QUARTER, day)
    assert (quarter.key, quarter.start, quarter.end) == (
        "2026-Q4",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert Period.parse("2026-Q4") == quarter
    assert quarter.following().key == "2027-Q1"


def test_a_quarter_closes_its_set_number_of_days_after_it_ends_and_is_shown_after_that():
    quarter = Period.parse("2026-Q3")
    assert closes_at(QUARTERLY, quarter) == dt.datetime(2026, 10, 15)
    assert not is_published(QUARTERLY, quarter, dt.datetime(2026, 10, 14, 23, 59))
    assert is_published(QUARTERLY, quarter, dt.datetime(2026, 10, 15, 1, 0))
    # In early October the latest period with figures is still the one before.
    assert last_published(QUARTERLY, dt.datetime(2026, 10, 5)).key == "2026-Q2"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 7, 1), dt.date(2026, 8, 31)),  # part of a quarter
        (dt.date(2026, 7, 2), dt.date(2026, 9, 30)),  # starts inside it
        (dt.date(2026, 4, 1), dt.date(2026, 9, 30)),  # two quarters in one table
    ],
)
def test_a_request_for_part_of_a_period_or_for_several_is_refused_naming_a_whole_one(start, end):
    with pytest.raises(PeriodError, match=r"one whole quarter at a time: ask for period=2026-Q"):
        published_period(QUARTERLY, dt.datetime(2026, 12, 1), start, end)


def test_a_request_for_a_period_not_closed_yet_is_refused_saying_when_it_will_be_shown():
    with pytest.raises(PeriodError, match=r"2026-Q4 is not closed yet.*2027-01-15 01:00"):
        published_period(
            QUARTERLY, dt.datetime(2027, 1, 10), dt.date(2026, 10, 1), dt.date(2026, 12, 31)
        )


def test_a_whole_closed_quarter_is_what_a_request_gets():
    asked = published_period(
        QUARTERLY, dt.datetime(2026, 12, 1), dt.date(2026, 7, 1), dt.date(2026, 9, 30)
    )
    assert asked.key == "2026-Q3"


# The survey's choice ----------------------------------------------------------------------------

SURVEY_HEAD = (
    "id: bad\n"
    "version: 1\n"
    "audience: practitioner\n"
    "title: Bad\n"
    "introduction: Hello\n"
    "thank_you: Thanks\n"
    "pages:\n"
    "  - id: first\n"
    "    questions:\n"
    "      - id: q1\n"
    "        kind: yes_no_not_sure\n"
    "        text: Did it help?\n"
)


def problems(source: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(source, "bad.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_a_survey_chooses_its_period_and_when_it_closes_and_quarters_are_the_default():
    assert parse_definition(SURVEY_HEAD, "ok.yaml").publication == QUARTERLY
    chosen = parse_definition(
        SURVEY_HEAD + "publication: {period: month, closes_after_days: 7}\n", "ok.yaml"
    )
    assert chosen.publication == PublicationSettings(PeriodKind.MONTH, 7)


def test_an_unknown_period_or_closing_delay_is_reported_on_its_line_with_its_field():
    found = problems(SURVEY_HEAD + "publication:\n  period: week\n  closes_after_days: -1\n")
    assert found == [
        "bad.yaml:14: publication.period: Must be one of: day, month, quarter.",
        "bad.yaml:15: publication.closes_after_days: must be a whole number of days from 0 to 92",
    ]


# What staff can download --------------------------------------------------------------------


def test_a_response_keeps_the_period_it_was_sent_in(app, distribution):
    response_id = submit(app, distribution, went="yes", feel="happy")
    sent = clock_of(app).now()
    with app.extensions["database"].session() as session:
        stored = session.get(SurveyResponse, response_id)
        assert stored is not None
        assert stored.period == sent.strftime("%Y-%m-%d")  # the test survey's periods are days
        assert not stored.late


def test_nothing_about_an_open_period_is_shown_until_it_closes(
    app, facilitator, distribution, worker
):
    for _ in range(12):
        submit(app, distribution, went="yes", feel="happy")
    worker()

    before = rows_of(facilitator.get(COUNTS))
    close_periods(app)
    after = rows_of(facilitator.get(COUNTS))

    def went_yes(rows: list[dict[str, str]]) -> list[str]:
        return [
            r["count"]
            for r in rows
            if r["question"] == "went" and r["option"] == "yes" and r["age_band"] == "all"
        ]

    assert not [r for r in before if r["count"].isdigit()]  # no number: the period was open
    # Suffolk and the region, every age band together: the same responses, so each is 12
    # perturbed by the same cell key, rounded to 5.
    shown = expected_counts(app.extensions["database"], "Suffolk", "went", ("yes",))["yes"]
    assert went_yes(after) == [shown] * 2


def test_a_download_asking_for_an_open_period_or_part_of_one_is_refused(app, facilitator):
    today = clock_of(app).now().date()
    asked = facilitator.get(f"{COUNTS}?from={today}&to={today}")
    assert asked.status_code == 400
    assert "is not closed yet" in asked.get_data(as_text=True)

    weekly = facilitator.get(f"{COUNTS}?from={today - dt.timedelta(days=9)}&to={today}")
    assert weekly.status_code == 400
    assert "one whole day at a time" in weekly.get_data(as_text=True)


def split_answers(app, distribution) -> None:  # type: ignore[no-untyped-def]
    """20 children went, 3 did not: the 3 are hidden (below the suppression threshold)."""
    for went in ["yes"] * 20 + ["no"] * 3:
        submit(app, distribution, went=went, feel="okay")


def test_adding_known_answers_does_not_move_a_hidden_cell_of_a_closed_period(
    app, facilitator, distribution, worker
):
    """Attack 3 of issue 10: download; add 12 known answers; download again. Before periods,
    the newly shown "no" less the 12 known ones pinned the earlier hidden count (3)."""
    split_answers(app, distribution)
    worker()
    close_periods(app)
    first = facilitator.get(COUNTS)
    hidden = [r for r in rows_of(first) if r["council"] == "Suffolk" and r["question"] == "went"]
    assert {r["option"]: r["count"] for r in hidden}["no"] != "3"

    for _ in range(12):
        submit(app, distribution, went="no", feel="okay")
    worker()
    second = facilitator.get(COUNTS)

    # The closed period's table cannot change and the open one is not shown: nothing to
    # subtract the 12 known answers from.
    assert second.get_data() == first.get_data()


def test_a_closed_periods_csv_is_the_same_byte_for_byte_after_answers_counted_late(
    app, facilitator, distribution, worker
):
    """Answers sent in a period but counted only after it closed (a slow worker) are in no
    published table: the closed period's download does not change."""
    split_answers(app, distribution)
    # Five more sent in the same period whose processing does not get through in time.
    slow = [
        submit(app, distribution, went="no", feel="okay", enqueue=lambda _id: None)
        for _ in range(5)
    ]
    worker()
    close_periods(app)
    before = facilitator.get(COUNTS)
    assert before.status_code == 200

    for response_id in slow:  # the slow worker gets to them after the period closed
        aggregate_response(response_id)
    after = facilitator.get(COUNTS)

    assert after.get_data() == before.get_data()
    with app.extensions["database"].session() as session:
        marked = list(
            session.scalars(select(SurveyResponse.late).where(SurveyResponse.id.in_(slow)))
        )
    assert marked == [True] * 5


def test_while_a_period_is_open_staff_see_only_a_rounded_count_of_responses_so_far(
    app, facilitator, distribution, worker
):
    page = f"/facilitator/distributions/{distribution.code}"

    def counted() -> str:
        found = re.search(r"<dt>Responses counted</dt><dd>([^<]*)</dd>", facilitator.get(page).text)
        assert found, "the distribution's page shows no response count"
        return found.group(1)

    for _ in range(3):
        submit(app, distribution, went="yes", feel="happy")
    worker()
    assert counted() == "fewer than 10"

    for _ in range(9):
        submit(app, distribution, went="yes", feel="happy")
    worker()
    assert counted() == "10"  # 12 so far, shown as published counts are: to the nearest 5
    assert not [r for r in rows_of(facilitator.get(COUNTS)) if r["count"].isdigit()]


def test_the_demo_seeds_a_closed_period_so_its_report_and_downloads_show_figures_at_once(
    tmp_path, monkeypatch
):
    from survey_app import create_app, demo
    from survey_app.cli import migrate_database
    from survey_app.settings import load_settings
    from tests.conftest import TEXT_KEY, HttpsClient, sign_in

    monkeypatch.setattr(demo, "INSTANCE", tmp_path / "instance")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    migrate_database(url)
    settings = load_settings(
        {
            "DATABASE_URL": url,
            "SURVEY_DIR": None,
            "TEXT_KEY": TEXT_KEY,
            "QR_DIR": str(tmp_path / "qr"),
            "DEMO": True,
        }
    )
    details = demo.seed_demo(settings)
    app = create_app(
        {**settings, "SECRET_KEY": "demo secret key that is long enough", "LINK_KEY": "link"}
    )
    app.test_client_class = HttpsClient
    client = app.test_client()
    assert sign_in(client, details["email"], details["password"]).status_code == 302

    rows = rows_of(client.get("/facilitator/surveys/child-cp-conference/aggregates.csv"))
    report = client.get("/facilitator/surveys/child-cp-conference/report")

    assert [r for r in rows if r["count"].isdigit() and int(r["count"]) > 0]
    assert report.status_code == 200
    assert "Too few responses" not in report.text and "<svg" in report.text
    app.extensions["database"].engine.dispose()


# Migration 0013 ---------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'periods.db'}"
    return request.getfixturevalue("postgres_server").create_database(
        f"periods_{uuid.uuid4().hex[:8]}"
    )


def test_the_migration_gives_each_earlier_response_the_period_of_the_day_it_was_sent(
    database_url,
):
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "0010")
    engine = make_engine(database_url)
    monthly = "id: m\npublication: {period: month, closes_after_days: 3}\n"
    with engine.begin() as connection:
        run = connection.execute
        run(
            sa.text(
                "insert into surveys (id, version, audience, title, checksum, source) values "
                "('q', 1, 'child', 'Q', 'x', 'id: q'), ('m', 1, 'child', 'M', 'x', :monthly)"
            ),
            {"monthly": monthly},
        )
        run(sa.text("insert into councils (id, name) values (1, 'Suffolk')"))
        run(
            sa.text(
                "insert into distributions (id, code, survey_id, council_id, label, wave, "
                "created_on) values (1, 'a', 'q', 1, 'A', '', :on), (2, 'b', 'm', 1, 'B', '', :on)"
            ),
            {"on": dt.date(2026, 1, 1)},
        )
        for number, (distribution_id, day) in enumerate(
            [(1, dt.date(2026, 2, 3)), (1, dt.date(2026, 11, 30)), (2, dt.date(2026, 2, 3))],
            start=1,
        ):
            run(
                sa.text(
                    "insert into responses (id, distribution_id, survey_version, submitted_on, "
                    "language, age_band, answers, anonymised, aggregated, wave, superseded, "
                    "processing_attempts) values (:id, :distribution, 1, :day, 'en', '', '{}', "
                    "false, true, '', false, 0)"
                ),
                {"id": number, "distribution": distribution_id, "day": day},
            )
    # Upgraded as far as this revision goes (the lead re-chains it after the others).
    command.upgrade(config, "0013")
    with engine.connect() as connection:
        found = connection.execute(
            sa.text("select id, period, late from responses order by id")
        ).all()
    engine.dispose()
    assert [(number, period, bool(late)) for number, period, late in found] == [
        (1, "2026-Q1", False),  # the quarterly default
        (2, "2026-Q4", False),
        (3, "2026-02", False),  # the survey that chose months
    ]


def test_a_report_is_about_one_closed_period_and_refuses_one_still_open(
    app, facilitator, distribution, worker
):
    for _ in range(12):
        submit(app, distribution, went="yes", feel="happy")
    worker()
    sent_on = clock_of(app).now().date().isoformat()
    report = "/facilitator/surveys/test-child/report"

    still_open = facilitator.get(f"{report}?period={sent_on}")
    close_periods(app)
    closed = facilitator.get(f"{report}?period={sent_on}")

    assert still_open.status_code == 400
    assert "is not closed yet" in still_open.text
    assert closed.status_code == 200
    assert f"responses sent in {sent_on}" in closed.text
