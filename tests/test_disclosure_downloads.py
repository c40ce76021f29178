"""Disclosure control on the real downloads: filters, the record of publications, refusals by
differencing, new responses held back, per-survey thresholds, and the rules on the page."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import Engine, event, func, select, update
from sqlalchemy.orm import joinedload
from werkzeug.test import TestResponse

from survey_app import operations
from survey_app.db import Database
from survey_app.models import (
    AnswerCount,
    Distribution,
    DistributionTotal,
    Publication,
    PublishedMembers,
    SurveyResponse,
    User,
)
from survey_app.privacy.disclosure import DisclosureRules, decode_members
from tests.cellkeys import expected_counts, perturbed, within_spread
from tests.conftest import TEST_SURVEYS, close_periods, make_council, rows_of, sign_in
from tests.submissions import submit

EMAIL = "facilitator@example.org"
SURVEY = "/facilitator/surveys/test-child"
API = "/api/v1/surveys/test-child"
REGION = "Region (all councils)"
TODAY = dt.date.today()
# The period the tests' answers are sent in (the test survey's periods are days).
PERIOD = TODAY.isoformat()


def fetch(client: FlaskClient, url: str, **kwargs: Any) -> TestResponse:
    """GET url and read the whole (streamed) body, so the request has finished."""
    answer = client.get(url, **kwargs)
    answer.get_data()
    return answer


def counts(
    download: TestResponse, council: str = "Suffolk", question: str = "went"
) -> dict[str, str]:
    return {
        row["option"]: row["count"]
        for row in rows_of(download)
        if row["council"] == council and row["question"] == question and whole(row)
    }


def whole(row: dict[str, str]) -> bool:
    """A row about every age band of its council (or the region), not about one band."""
    return row["age_band"] in ("", "all")


def notes_of(download: TestResponse, council: str = "Suffolk") -> set[str]:
    return {row["note"] for row in rows_of(download) if row["council"] == council and whole(row)}


def publications(database: Database) -> list[Publication]:
    with database.session() as session:
        return list(
            session.scalars(
                select(Publication)
                .options(joinedload(Publication.group).undefer(PublishedMembers.members))
                .order_by(Publication.id)
            )
        )


def response_ids(database: Database, council: str | None = None) -> frozenset[int]:
    with database.session() as session:
        query = select(SurveyResponse.id).join(Distribution)
        if council:
            query = query.where(Distribution.council.has(name=council))
        return frozenset(session.scalars(query))


def submit_many(app: Flask, distribution: Distribution, count: int, **answers: Any) -> list[int]:
    answers = answers or {"went": "yes", "feel": "happy"}
    return [submit(app, distribution, **answers) for _ in range(count)]


def move_to(database: Database, ids: Iterable[int], day: dt.date) -> None:
    """Pretend these responses were sent on another day (so in that day's period: the test
    survey's periods are days)."""
    with database.session() as session:
        session.execute(
            update(SurveyResponse)
            .where(SurveyResponse.id.in_(ids))
            .values(submitted_on=day, period=day.isoformat())
        )
        session.commit()


@pytest.fixture
def token(database: Database, make_user: Callable[..., User]) -> dict[str, str]:
    make_user("robot@example.org")
    with database.session() as session:
        made = operations.create_api_token(session, "robot@example.org")
        session.commit()
    return {"Authorization": f"Bearer {made}"}


# What a download shows --------------------------------------------------------------------------


WENT = ("yes", "no", "not_sure", "dont_know")


def test_the_region_adds_up_the_councils_and_hides_what_any_of_them_hides(
    app, facilitator, database, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    norfolk = make_distribution(council_name="Norfolk", label="Reviews, Norwich")
    submit_many(app, suffolk, 20, went="yes")
    submit_many(app, suffolk, 3, went="not_sure")
    submit_many(app, suffolk, 12, went="no")
    submit_many(app, norfolk, 25, went="yes")
    submit_many(app, norfolk, 15, went="no")
    submit_many(app, make_distribution(council_name="Essex", label="Small"), 4, went="yes")
    worker()
    close_periods(app)

    download = fetch(facilitator, f"{SURVEY}/aggregates.csv")

    # Each count is the exact one perturbed by its cell key, then suppressed and rounded.
    suffolk_shown = counts(download, "Suffolk")
    assert suffolk_shown == expected_counts(database, "Suffolk", "went", WENT)
    assert within_spread(suffolk_shown["not_sure"], 3)
    assert counts(download, "Norfolk") == expected_counts(database, "Norfolk", "went", WENT)
    assert set(counts(download, "Essex").values()) == {"x"}
    # Essex is too small to show, so the region leaves it out (else region - others = Essex);
    # its counts are perturbed by the sums of the two councils' keys, and hidden where any
    # council's count is hidden.
    region = counts(download, REGION)
    both = expected_counts(database, ("Suffolk", "Norfolk"), "went", WENT)
    hidden_in_a_council = {
        option
        for option in WENT
        if "c" in (suffolk_shown[option], counts(download, "Norfolk")[option])
    }
    expected_region = {
        option: "c" if option in hidden_in_a_council else value for option, value in both.items()
    }
    if "not_sure" not in hidden_in_a_council and expected_region["not_sure"] != "c":
        # Suffolk's 3 "not sure" perturbed to a figure it shows (0 or 10, about one run in
        # twelve): the region would show its own, 3 exact answers from Norfolk's table beside
        # it, and cannot hide it without breaking its sum, so the question is not shown.
        assert region == dict.fromkeys(WENT, "x")
        assert {
            row["note"]
            for row in rows_of(download)
            if row["council"] == REGION and row["question"] == "went"
        } == {"cannot-protect"}
        return
    assert region == expected_region
    base = {
        row["base"]
        for row in rows_of(download)
        if row["council"] == REGION and row["question"] == "went" and whole(row)
    }
    assert len(base) == 1 and within_spread(base.pop(), 75)


def test_a_question_asked_after_too_few_answers_is_not_shown_by_its_perturbed_base(
    app, facilitator, database, make_distribution, worker
):
    distribution = make_distribution()
    submit_many(app, distribution, 30, went="yes")
    submit_many(app, distribution, 10, went="not_sure")
    three = [submit(app, distribution, went="no", why_not=["school"]) for _ in range(3)]
    worker()
    close_periods(app)
    with database.session() as session:
        keys = session.scalars(select(SurveyResponse.cell_key).where(SurveyResponse.id.in_(three)))
        # Three answered "why not": withheld unless their base, perturbed by the sum of their
        # keys, reaches 10 (whether it is shown must not say which side of 10 it is exactly).
        withheld = perturbed(3, sum(keys) % (1 << 31)) < 10

    rows = [
        row
        for row in rows_of(fetch(facilitator, f"{SURVEY}/aggregates.csv?council=Suffolk"))
        if row["question"] == "why_not"
    ]

    if withheld:  # nearly always: a perturbation of 7 or more has a chance under 1 in 100
        assert {(row["count"], row["base"], row["note"]) for row in rows} == {
            ("x", "x", "small-base")
        }
    else:
        assert "x" not in {row["count"] for row in rows}


def test_a_survey_stricter_in_its_yaml_is_published_by_its_own_thresholds(
    make_app, make_user, make_distribution, tmp_path
):
    folder = tmp_path / "surveys"
    folder.mkdir()
    source = (TEST_SURVEYS / "test-child.yaml").read_text(encoding="utf-8")
    (folder / "test-child.yaml").write_text(
        source + "disclosure:\n  minimum_base: 15\n  suppress_below: 10\n  round_to: 10\n",
        encoding="utf-8",
    )
    app = make_app(SURVEY_DIR=str(folder))
    with app.app_context():
        database = app.extensions["database"]
        with database.session() as session:
            make_council(session, "Suffolk")
            distribution = operations.create_distribution(
                session, "test-child", "Suffolk", "CP conferences"
            )
            operations.create_user(session, EMAIL, "correct horse battery staple", "facilitator")
            session.commit()
    for _ in range(14):
        submit(app, distribution, went="yes")
    from tests.conftest import HttpsClient

    app.test_client_class = HttpsClient
    client = app.test_client()
    sign_in(client, EMAIL)
    _drain(app)

    close_periods(app)
    too_few = fetch(client, f"{SURVEY}/aggregates.csv")
    assert set(counts(too_few).values()) == {"x"}  # 14 < 15
    page = fetch(client, SURVEY).get_data(as_text=True)
    assert "fewer than 15 responses" in page
    assert "nearest 10" in page

    # The next period: 29 yes and 1 no.
    later = [submit(app, distribution, went="yes") for _ in range(29)]
    later.append(submit(app, distribution, went="no"))
    _drain(app)
    close_periods(app)
    grown = fetch(client, f"{SURVEY}/aggregates.csv")
    # 29 yes with 1 no: each perturbed by its cell key, then hidden below 10 and rounded to 10,
    # so the one "no" is not given away by the base minus the yes.
    stricter = DisclosureRules(minimum_base=15, suppress_below=10, round_to=10)
    assert counts(grown) == expected_counts(
        database, "Suffolk", "went", WENT, only=later, rules=stricter
    )
    bases = {row["base"] for row in rows_of(grown) if row["question"] == "went"}
    assert len(bases) == 1 and within_spread(bases.pop(), 30, stricter)


def _drain(app: Flask) -> None:
    """Process every saved response, as the worker would."""
    from survey_app import aggregating, anonymising

    database = app.extensions["database"]
    with database.session() as session:
        ids = list(
            session.scalars(select(SurveyResponse.id).where(SurveyResponse.aggregated.is_(False)))
        )
        for response_id in ids:
            anonymising.anonymise_response(
                session, app.extensions["vault"], response_id, app.config
            )
            aggregating.aggregate_response(session, response_id)
        session.commit()


# Filters ---------------------------------------------------------------------------------------


def test_filtered_counts_come_from_the_answers_and_agree_with_the_totals(
    app, facilitator, database, make_distribution, worker
):
    distribution = make_distribution()
    submit_many(app, distribution, 12, went="yes", feel="happy", times=3)
    submit_many(app, distribution, 9, went="no", why_not=["school", "scared"], feel="sad")
    worker()
    close_periods(app)
    everything = rows_of(fetch(facilitator, f"{SURVEY}/aggregates.csv?council=Suffolk"))

    # The same responses through a date filter (so counted from each response's answers) are
    # exactly the same group: allowed again, and the same figures.
    dated = rows_of(
        fetch(
            facilitator,
            f"{SURVEY}/aggregates.csv",
            query_string={"council": "Suffolk", "period": PERIOD},
        )
    )

    assert dated == everything
    # Each download shows the council and its one age band (all these children are 12 to 17).
    assert len(publications(database)) == 4


def test_a_date_range_gives_that_range_and_a_distribution_gives_that_distribution(
    app, facilitator, database, make_distribution, worker
):
    ipswich = make_distribution(label="Ipswich")
    lowestoft = make_distribution(label="Lowestoft")
    old = submit_many(app, ipswich, 10, went="no", why_not=["school"])
    submit_many(app, ipswich, 12, went="yes")
    submit_many(app, lowestoft, 11, went="not_sure")
    worker()
    close_periods(app)
    move_to(database, old, dt.date(2026, 1, 15))

    january = fetch(
        facilitator,
        f"{SURVEY}/aggregates.csv",
        query_string={"from": "2026-01-15", "to": "2026-01-15"},
    )
    lowestoft_only = fetch(
        facilitator, f"{SURVEY}/aggregates.csv", query_string={"distribution": lowestoft.code}
    )

    assert counts(january) == expected_counts(database, "Suffolk", "went", WENT, only=old)
    assert counts(january, REGION) == counts(january)
    lowestoft_ids = response_ids(database) - response_ids(database, "Nowhere")
    with database.session() as session:
        lowestoft_ids = frozenset(
            session.scalars(
                select(SurveyResponse.id).where(SurveyResponse.distribution_id == lowestoft.id)
            )
        )
    assert counts(lowestoft_only) == expected_counts(
        database, "Suffolk", "went", WENT, only=lowestoft_ids
    )
    assert {row["council"] for row in rows_of(lowestoft_only)} == {"Suffolk"}  # no region
    scopes = [publication.scope for publication in publications(database)]
    assert "Suffolk, period 2026-01-15 (counts)" in scopes
    assert f"Suffolk, period {PERIOD}, distribution {lowestoft.code} (counts)" in scopes


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "31/01/2026"}, "'from' is not a date: use YYYY-MM-DD."),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "The 'from' date is after the 'to' date."),
    ],
)
def test_a_filter_that_is_not_understood_is_a_400_that_says_why(
    facilitator, token, database, make_distribution, query, message
):
    make_distribution()

    page = fetch(facilitator, f"{SURVEY}/aggregates.csv", query_string=query)
    scripted = fetch(facilitator, f"{API}/aggregates.csv", query_string=query, headers=token)

    assert page.status_code == 400
    assert str(escape(message)) in page.get_data(as_text=True)
    assert scripted.status_code == 400
    assert scripted.json == {"error": message, "published": False}
    assert publications(database) == []


def test_an_unknown_council_or_distribution_is_not_found(facilitator, make_distribution):
    make_distribution()

    assert fetch(facilitator, f"{SURVEY}/aggregates.csv?council=Nowhere").status_code == 404
    assert fetch(facilitator, f"{SURVEY}/items.csv?council=Nowhere").status_code == 404


# The record of publications and differencing ------------------------------------------------


def test_every_download_is_recorded_with_the_response_ids_of_each_group(
    app, facilitator, database, make_distribution, make_user, worker
):
    submit_many(app, make_distribution(council_name="Suffolk"), 11)
    submit_many(app, make_distribution(council_name="Norfolk", label="Reviews"), 10)
    worker()
    close_periods(app)

    rows_of(fetch(facilitator, f"{SURVEY}/aggregates.csv"))

    recorded = {p.scope: p for p in publications(database)}
    assert set(recorded) == {
        f"Norfolk, period {PERIOD} (counts)",
        f"Suffolk, period {PERIOD} (counts)",
        f"{REGION}, period {PERIOD} (counts)",
        # Each age band on its own too, in its own words.
        f"Norfolk, aged 12 to 17, period {PERIOD} (counts)",
        f"Suffolk, aged 12 to 17, period {PERIOD} (counts)",
        f"{REGION}, aged 12 to 17, period {PERIOD} (counts)",
    }
    suffolk = recorded[f"Suffolk, period {PERIOD} (counts)"]
    assert decode_members(suffolk.group.members) == response_ids(database, "Suffolk")
    assert suffolk.group_size == 11
    assert suffolk.published_on == TODAY
    assert decode_members(
        recorded[f"{REGION}, period {PERIOD} (counts)"].group.members
    ) == response_ids(database)
    with database.session() as session:
        user_id = session.scalar(select(User.id).where(User.email == EMAIL))
    assert {p.requested_by_id for p in publications(database)} == {user_id}


def test_a_date_range_that_is_not_one_whole_period_is_refused_with_400_and_nothing_published(
    app, facilitator, token, database, make_distribution, worker
):
    """Two ranges a day apart once gave away the children of that day; now every table is
    about one whole period, and anything else is refused before it is counted."""
    distribution = make_distribution()
    monday = submit_many(app, distribution, 20)
    tuesday = submit_many(app, distribution, 3, went="no", why_not=["scared"])
    worker()
    close_periods(app)
    move_to(database, monday, dt.date(2026, 3, 2))
    move_to(database, tuesday, dt.date(2026, 3, 3))
    shown = fetch(facilitator, f"{SURVEY}/aggregates.csv?period=2026-03-02")
    # Monday's 20 "yes", as their cell keys change them.
    assert (
        counts(shown)["yes"]
        == expected_counts(database, "Suffolk", "went", ("yes",), monday)["yes"]
    )
    recorded = len(publications(database))

    page = fetch(facilitator, f"{SURVEY}/aggregates.csv?from=2026-03-01&to=2026-03-31")
    scripted = fetch(
        facilitator, f"{API}/aggregates.csv?from=2026-03-02&to=2026-03-03", headers=token
    )

    assert page.status_code == 400
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "one whole day at a time: ask for period=2026-03-01" in text
    assert scripted.status_code == 400
    assert scripted.json["published"] is False
    assert "ask for period=2026-03-02" in scripted.json["error"]
    assert len(publications(database)) == recorded


def test_a_council_against_the_region_minus_the_other_councils_reveals_nothing(
    app, facilitator, database, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    norfolk = make_distribution(council_name="Norfolk", label="Reviews")
    submit_many(app, suffolk, 20, went="yes")
    submit_many(app, suffolk, 10, went="no", why_not=["school"])
    submit_many(app, norfolk, 20, went="yes")
    submit_many(app, norfolk, 12, went="not_sure")
    norfolk_small = submit_many(app, norfolk, 3, went="no", why_not=["school"])
    worker()
    close_periods(app)
    download = fetch(facilitator, f"{SURVEY}/aggregates.csv")

    assert counts(download, "Norfolk") == expected_counts(database, "Norfolk", "went", WENT)
    # 13 said no in the region: where Norfolk's 3 is hidden, so is the region's 13 (else
    # 13 - Suffolk's 10); shown, each is perturbed by its own cell key.
    region_no = expected_counts(database, ("Suffolk", "Norfolk"), "went", WENT)["no"]
    norfolk_no = counts(download, "Norfolk")["no"]
    region = [row for row in rows_of(download) if row["council"] == REGION and whole(row)]
    went = {row["option"]: row for row in region if row["question"] == "went"}
    if went["no"]["count"] == "x":
        # Where the keys leave no safe way to show the region beside its councils (about one
        # draw in ten here), its whole table is withheld, which reveals nothing either.
        assert {row["count"] for row in went.values()} == {"x"}
        assert {row["note"] for row in went.values()} == {"cannot-protect"}
    else:
        assert went["no"]["count"] == ("c" if norfolk_no == "c" else region_no)
    # Norfolk's group without the three answers of one day would give those three away: a
    # range that is not one whole period cannot be asked for.
    move_to(database, norfolk_small, dt.date(2026, 1, 1))
    refused = fetch(
        facilitator,
        f"{SURVEY}/aggregates.csv",
        query_string={"council": "Norfolk", "from": "2026-02-01"},
    )
    assert refused.status_code == 400
    assert "one whole day at a time" in refused.get_data(as_text=True)


def test_new_responses_wait_for_their_period_to_close_and_are_then_shown_on_their_own(
    app, facilitator, database, make_distribution, worker
):
    distribution = make_distribution()
    first = submit_many(app, distribution, 20, went="yes")
    worker()
    close_periods(app)
    before = fetch(facilitator, f"{SURVEY}/aggregates.csv?council=Suffolk")

    later = submit_many(app, distribution, 12, went="no", why_not=["school"])
    worker()
    again = fetch(facilitator, f"{SURVEY}/aggregates.csv?council=Suffolk")

    # The same figures as before: the twelve new answers are in a period still open.
    assert again.get_data() == before.get_data()
    assert decode_members(publications(database)[-1].group.members) == frozenset(first)

    close_periods(app)
    released = fetch(facilitator, f"{SURVEY}/aggregates.csv?council=Suffolk")

    assert counts(released) == expected_counts(database, "Suffolk", "went", WENT, only=later)
    assert publications(database)[-1].group_size == 12


def test_the_region_of_a_later_period_is_the_sum_of_the_councils_shown_in_it(
    app, facilitator, database, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    norfolk = make_distribution(council_name="Norfolk", label="Reviews")
    submit_many(app, suffolk, 20, went="yes")
    submit_many(app, norfolk, 20, went="yes")
    worker()
    close_periods(app)
    rows_of(fetch(facilitator, f"{SURVEY}/aggregates.csv"))
    submit_many(app, suffolk, 2, went="no", why_not=["school"])
    norfolk_later = submit_many(app, norfolk, 12, went="no", why_not=["school"])
    worker()
    close_periods(app)

    download = fetch(facilitator, f"{SURVEY}/aggregates.csv")

    assert counts(download, "Suffolk")["no"] == "x"  # 2 in this period: nothing shown
    assert counts(download, "Norfolk") == expected_counts(
        database, "Norfolk", "went", WENT, only=norfolk_later
    )
    assert counts(download, REGION) == counts(download, "Norfolk")


def test_when_the_totals_disagree_with_the_responses_the_answers_are_counted_instead(
    app, facilitator, database, make_distribution, worker
):
    distribution = make_distribution()
    submit_many(app, distribution, 15, went="yes")
    worker()
    close_periods(app)
    with database.session() as session:
        # As if a response had been counted between reading the group and reading the totals.
        session.execute(
            update(AnswerCount)
            .where(AnswerCount.question_id == "went", AnswerCount.option == "yes")
            .values(count=AnswerCount.count + 1)
        )
        session.execute(update(DistributionTotal).values(responses=DistributionTotal.responses + 1))
        session.commit()

    download = fetch(facilitator, f"{SURVEY}/aggregates.csv?council=Suffolk")

    rows = [r for r in rows_of(download) if r["question"] == "went" and r["option"] == "yes"]
    # Counted from the answers: the 15 responses (perturbed by their keys), not the 16 totals;
    # every child here is 12 to 17, so the band's row is the same responses and figure.
    shown = expected_counts(database, "Suffolk", "went", WENT)["yes"]
    assert [(r["age_band"], r["count"], r["percent"]) for r in rows] == [
        ("all", shown, "100.0"),
        ("12-17", shown, "100.0"),
    ]


# Anonymised responses (the linked research extract, where a deployment turns it on) -----------


def test_anonymised_responses_are_only_given_for_councils_with_ten_or_more(
    app, research_admin, database, make_distribution, worker
):
    submit_many(app, make_distribution(council_name="Suffolk"), 10, went="yes", better="Kind")
    submit_many(
        app, make_distribution(council_name="Norfolk", label="x"), 9, went="no", better="Tiny"
    )
    worker()
    close_periods(app)

    rows = rows_of(fetch(research_admin, f"{SURVEY}/research-extract.csv"))

    assert {row["council"] for row in rows} == {"Suffolk"}
    assert "Tiny" not in {row["better"] for row in rows}
    recorded = publications(database)
    assert [p.scope for p in recorded] == [f"Suffolk, period {PERIOD} (anonymised responses)"]
    assert decode_members(recorded[0].group.members) == response_ids(database, "Suffolk")


def test_anonymised_responses_hold_back_a_few_new_ones_too(
    app, research_admin, make_distribution, worker
):
    distribution = make_distribution()
    submit_many(app, distribution, 10, went="yes", better="First ten")
    worker()
    close_periods(app)
    assert len(rows_of(fetch(research_admin, f"{SURVEY}/research-extract.csv"))) == 10
    submit_many(app, distribution, 3, went="no", better="Three more")
    worker()

    rows = rows_of(fetch(research_admin, f"{SURVEY}/research-extract.csv"))

    assert len(rows) == 10
    assert {row["better"] for row in rows} == {"First ten"}


def test_a_streamed_responses_download_gives_its_database_connection_back_when_it_ends(
    app, research_admin, database, make_distribution, worker
):
    submit_many(app, make_distribution(), 12, went="yes", better="Kind")
    worker()
    close_periods(app)

    with connections_taken_by_this_thread(database.engine) as still_out:
        rows = rows_of(fetch(research_admin, f"{SURVEY}/research-extract.csv"))

    assert len(rows) == 12
    # Not left for the garbage collector: under load, leaked connections empty the pool.
    assert still_out == set()


@contextlib.contextmanager
def connections_taken_by_this_thread(engine: Engine) -> Iterator[set[int]]:
    """The pool connections this thread takes inside the block and has not given back.

    Only this thread's: the in-process worker's sweeper thread shares the engine and takes a
    connection now and then for its heartbeat, which the pool's own count would include.
    """
    taken: set[int] = set()
    me = threading.get_ident()

    def checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if threading.get_ident() == me:
            taken.add(id(record))

    def checkin(dbapi_connection: Any, record: Any) -> None:
        taken.discard(id(record))

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        yield taken
    finally:
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "checkin", checkin)


# The page and the API say what the rules are --------------------------------------------------


def test_the_survey_page_shows_the_rules_and_every_note_code_beside_the_downloads(
    facilitator, make_distribution
):
    distribution = make_distribution()

    page = fetch(facilitator, SURVEY).get_data(as_text=True)

    downloads = page.index("<h2>Downloads</h2>")
    assert downloads < page.index("How the figures protect children")
    assert "Counts that come to 1 to 7 are then shown as c" in page
    assert "cell key method" in page
    assert "rounded to the nearest 5 (halves round up), so 8 shows as 10" in page
    for code in (
        "hidden",
        "small-base",
        "follows-hidden",
        "cannot-protect",
        "region-leaves-out",
        "held-back",
    ):
        assert f"<dt>{code}</dt>" in page
    assert 'name="period"' in page  # whole closed periods only
    assert f'<option value="{distribution.code}">' in page
    # With one council there is nothing to choose; with two, a council can be chosen.
    assert 'id="filter-council"' not in page
    make_distribution(council_name="Norfolk")
    assert 'id="filter-council"' in fetch(facilitator, SURVEY).get_data(as_text=True)


def test_the_api_gives_the_rules_and_note_codes_as_json(client, token):
    answer = fetch(client, f"{API}/notes", headers=token)

    assert answer.status_code == 200
    assert (answer.json["minimum_base"], answer.json["suppress_below"]) == (10, 8)
    assert "hidden" in answer.json["notes"]
    assert fetch(client, "/api/v1/surveys/nope/notes", headers=token).status_code == 404


def test_no_download_ever_records_a_group_below_the_minimum(
    app, facilitator, research_admin, database, make_distribution, worker
):
    submit_many(app, make_distribution(), 9)
    worker()
    close_periods(app)

    rows_of(fetch(facilitator, f"{SURVEY}/aggregates.csv"))
    rows_of(fetch(facilitator, f"{SURVEY}/items.csv"))
    rows_of(fetch(research_admin, f"{SURVEY}/research-extract.csv"))

    with database.session() as session:
        assert session.scalar(select(func.count(Publication.id))) == 0


def test_groups_differing_by_eight_or_more_still_never_differ_by_a_small_count(
    app, facilitator, database, make_distribution, worker
):
    """A distribution and its council 10 responses apart are both allowed, but 3 of those 10
    said "yes": the council's table must not show a "yes" count 3 more than the
    distribution's."""
    ipswich = make_distribution(council_name="Suffolk")
    lowestoft = make_distribution(council_name="Suffolk", label="Lowestoft")
    in_ipswich = submit_many(app, ipswich, 20, went="yes")
    in_ipswich += submit_many(app, ipswich, 10, went="no")
    submit_many(app, lowestoft, 3, went="yes")
    submit_many(app, lowestoft, 7, went="no")
    worker()
    close_periods(app)
    first = counts(fetch(facilitator, f"{SURVEY}/aggregates.csv?distribution={ipswich.code}"))
    assert first == expected_counts(database, "Suffolk", "went", WENT, only=in_ipswich)

    second = fetch(facilitator, f"{SURVEY}/aggregates.csv")

    # 23 yes would show as 25, and a reader who worked out the 23 (from earlier percentages,
    # say) would find 23 - 20 = 3. It is hidden, and so is "no" (17 - 10 = 7 too), with the
    # note every hidden count has: a note of its own would say it is close to an earlier count.
    # (A count the first download hid left no record to differ from.)
    shown = counts(second, "Suffolk")
    notes = {
        row["option"]: row["note"]
        for row in rows_of(second)
        if row["council"] == "Suffolk" and row["question"] == "went" and whole(row)
    }
    recorded = [option for option in ("yes", "no") if first[option] != "c"]
    assert recorded  # both were counts of 10 or more: hidden only by a rare perturbation
    for option in recorded:
        assert shown[option] == "c" and notes[option] == "hidden"


def test_a_difference_of_eight_or_more_in_every_count_is_shown(
    app, facilitator, database, make_distribution, worker
):
    ipswich = make_distribution(council_name="Suffolk")
    lowestoft = make_distribution(council_name="Suffolk", label="Lowestoft")
    submit_many(app, ipswich, 20, went="yes")
    submit_many(app, ipswich, 10, went="no")
    submit_many(app, lowestoft, 10, went="yes")
    worker()
    close_periods(app)
    fetch(facilitator, f"{SURVEY}/aggregates.csv?distribution={ipswich.code}")

    shown = counts(fetch(facilitator, f"{SURVEY}/aggregates.csv"), "Suffolk")

    assert shown == expected_counts(database, "Suffolk", "went", WENT)


def test_response_rows_never_single_out_a_few_children_by_age_band_or_language(
    app, research_admin, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    for _ in range(12):
        submit(app, suffolk, age_band="12-17", went="yes", feel="happy")
    for _ in range(9):
        submit(app, suffolk, age_band="8-11", went="yes", feel="happy")
    school = make_distribution(council_name="Suffolk", label="One school")
    submit_many(app, school, 3, went="no")  # three children: their distribution would name them
    submit_many(app, suffolk, 5, went="yes")
    worker()
    close_periods(app)

    rows = rows_of(fetch(research_admin, f"{SURVEY}/research-extract.csv"))

    # Every combination of distribution, month, language and age band that is shown is shared
    # by at least 8 rows; the rest show c.
    combinations = Counter(
        (row["distribution"], row["month"], row["language"], row["age_band"]) for row in rows
    )
    assert all(size >= 8 for size in combinations.values()), combinations
    assert len(rows) == 29
    assert "One school" not in {row["distribution"] for row in rows}
    assert sum(1 for row in rows if row["distribution"] == "c") >= 8
