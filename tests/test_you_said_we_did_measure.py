"""An action's measure before and after the day it took effect: the published figure of each
closed period, worked out again here from the responses' secret keys, and "too few answers to
tell" where that is the truth (issue 16)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import periods
from survey_app.clock import clock_of
from survey_app.db import Database
from survey_app.models import Distribution, User
from survey_app.privacy.disclosure import SPREAD, DisclosureRules
from tests.cellkeys import expected_base, expected_counts
from tests.conftest import close_periods, sign_in
from tests.submissions import submit
from tests.you_said import bearer, record, token_maker


@pytest.fixture
def make_token(database: Database, make_user: Callable[..., User]) -> Callable[..., str]:
    return token_maker(database, make_user)


def period_now(app: Flask) -> str:
    definition = app.extensions["surveys"]["test-child"]
    return periods.period_sent_in(definition.publication, clock_of(app).now()).key


def measure_rows(page: str, action_id: int) -> dict[str, tuple[str, str]]:
    """{period: (before or after, figure)} from the action's measure table on the plan page."""
    article = re.search(
        rf'<article class="action" id="action-{action_id}".*?</article>', page, re.S
    )
    assert article, "the action is not on the plan"
    return {
        period: (side, figure)
        for period, side, figure in re.findall(
            r'<tr data-period="([^"]+)" data-side="([^"]+)"><td>[^<]*</td><td>[^<]*</td>'
            r"<td>([^<]*)</td></tr>",
            article.group(0),
        )
    }


def expected_figure(database: Database, period: str) -> str:
    """The measure "went: yes" for Suffolk in period, as the cell key method must publish it."""
    count = expected_counts(database, "Suffolk", "went", ["yes"], period=period)["yes"]
    base = expected_base(database, "Suffolk", "went", period=period)
    if not (count.isdigit() and base.isdigit()):
        return "too few answers to tell"
    percent = DisclosureRules().published_percent(int(count), int(base))
    return f"{count} of {base} ({percent}%)"


def test_the_measure_shows_each_closed_period_before_and_after_the_action_as_published(
    app: Flask,
    client: FlaskClient,
    database: Database,
    make_token: Callable[..., str],
    distribution: Distribution,
    worker: Callable[[], None],
) -> None:
    before = period_now(app)
    # Enough answers that no perturbation (at most SPREAD.largest either way) can take a count below
    # the suppression threshold: with 12 "yes" the figure was honestly "too few" about one run
    # in twenty, and the test then failed on its own premise.
    assert 20 - SPREAD.largest >= DisclosureRules().suppress_below
    for went in ["yes"] * 20 + ["no"] * 6:
        submit(app, distribution, went=went, feel="okay")
    worker()
    close_periods(app)
    after = period_now(app)  # the action takes effect the day after the first answers
    token = make_token("facilitator@example.org")
    made = record(
        client,
        token,
        acted_on=after,
        measure={"survey": "test-child", "question": "went", "option": "yes"},
    )
    assert made.status_code == 201, made.json
    for went in ["yes"] * 22 + ["no"] * 2:
        submit(app, distribution, went=went, feel="okay")
    worker()
    close_periods(app)
    later = period_now(app)  # nobody has answered in this one yet

    sign_in(client, "facilitator@example.org")
    plan = client.get("/facilitator/actions?council=Suffolk")
    assert plan.status_code == 200
    rows = measure_rows(plan.text, made.json["id"])

    assert rows[before] == ("before", expected_figure(database, before))
    assert rows[after] == ("after", expected_figure(database, after))
    assert rows[before][1] != "too few answers to tell"
    assert rows[after][1] != "too few answers to tell"
    # Periods with no answers, before the first and the one still open: nothing to tell.
    assert later not in rows  # not closed yet, so not shown at all
    earlier = [p for p in rows if p < before]
    assert earlier and all(rows[p] == ("before", "too few answers to tell") for p in earlier)

    # The same figures in the downloads of the plan.
    csv_file = client.get("/facilitator/actions.csv?council=Suffolk").get_data(as_text=True)
    assert f"{before}: {expected_figure(database, before)}" in csv_file
    assert f"{after}: {expected_figure(database, after)}" in csv_file


def test_a_period_with_fewer_answers_than_the_minimum_says_too_few_answers_to_tell(
    app: Flask,
    client: FlaskClient,
    make_token: Callable[..., str],
    distribution: Distribution,
    worker: Callable[[], None],
) -> None:
    small = period_now(app)
    for _ in range(4):
        submit(app, distribution, went="yes", feel="okay")
    worker()
    close_periods(app)
    made = record(
        client,
        make_token("facilitator@example.org"),
        acted_on=period_now(app),
        measure={"survey": "test-child", "question": "went", "option": "yes"},
    )
    sign_in(client, "facilitator@example.org")

    rows = measure_rows(client.get("/facilitator/actions?council=Suffolk").text, made.json["id"])

    assert rows[small] == ("before", "too few answers to tell")
    listed = client.get(
        "/api/v1/actions?council=Suffolk", headers=bearer(make_token("x@example.org"))
    )
    assert listed.json["actions"][0]["id"] == made.json["id"]
