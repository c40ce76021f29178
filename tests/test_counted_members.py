"""The worker keeps each council's counted responses as a bitmap, so a whole council's group of
responses is read in a few blocks: it must always be exactly the counted responses."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from survey_app.clock import clock_of
from survey_app.downloads.groups import counted_versions
from survey_app.models import Council, Distribution, SurveyResponse
from survey_app.periods import last_published
from survey_app.privacy.disclosure.members import MemberSet
from survey_app.respondent.journey import PERSONAL_CODE_KEY, WAVE_KEY
from tests.conftest import close_periods, rows_of, sign_in
from tests.programmes import ITEM, SHIPPED, WAVES, wave_distribution
from tests.submissions import submit
from workers.actors import aggregate_response


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"SURVEY_DIR": str(SHIPPED)}


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    """The shipped surveys on SQLite, and again on PostgreSQL."""
    return app_each_db


def counted_ids(app: Flask) -> dict[str, frozenset[int]]:
    with app.extensions["database"].session() as session:
        rows = session.execute(
            select(Council.name, SurveyResponse.id)
            .join(Distribution, SurveyResponse.distribution_id == Distribution.id)
            .join(Council, Distribution.council_id == Council.id)
            .where(SurveyResponse.aggregated.is_(True))
        ).all()
    found: dict[str, set[int]] = {}
    for name, response_id in rows:
        found.setdefault(name, set()).add(response_id)
    return {name: frozenset(ids) for name, ids in found.items()}


def bitmaps(app: Flask) -> dict[str, MemberSet]:
    with app.extensions["database"].session() as session:
        councils = dict(session.execute(select(Council.id, Council.name)).all())
        found = counted_versions(session, "practitioner-skills", list(councils))
    return {councils[council_id]: members for council_id, (_, members) in found.items()}


def test_the_bitmaps_hold_exactly_the_counted_responses(app, worker):
    norfolk = wave_distribution(app, "Norfolk", WAVES[0])
    suffolk = wave_distribution(app, "Suffolk", WAVES[0])
    for _ in range(5):
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], ITEM: "3"})
    code = "KT7M4PXD"
    submit(app, suffolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "2"})
    submit(app, suffolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "4"})  # replaces
    held = submit(app, suffolk, **{WAVE_KEY: WAVES[0], ITEM: "1"}, enqueue=lambda _id: None)
    worker()

    expected = counted_ids(app)
    found = bitmaps(app)

    assert found == expected  # the replaced answer is counted (and in the group) too
    assert len(found["Suffolk"]) == 2 and held not in found["Suffolk"]


def test_a_download_of_the_latest_closed_period_agrees_with_one_naming_it(
    app, client, make_user, worker
):
    one = wave_distribution(app, "Norfolk", WAVES[0])
    for number in range(24):
        submit(app, one, **{WAVE_KEY: WAVES[0], ITEM: str(1 + number % 3)})
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    whole = rows_of(client.get("/facilitator/surveys/practitioner-skills/aggregates.csv"))
    definition = app.extensions["surveys"]["practitioner-skills"]
    period = last_published(definition.publication, clock_of(app).now())
    dated = rows_of(
        client.get(
            "/facilitator/surveys/practitioner-skills/aggregates.csv"
            f"?from={period.start}&to={period.end}"
        )
    )

    assert [r for r in whole if r["council"] == "Norfolk"] == [
        r for r in dated if r["council"] == "Norfolk"
    ]


def test_an_answer_sent_in_a_later_period_replaces_nothing_in_a_closed_periods_counts(app, worker):
    """A practitioner answering the same wave again with the same code replaces their earlier
    answer only within one period: a closed period's counts never change, and the new answer
    is not published as one of the members read."""
    from survey_app.downloads.counting import group_counts
    from survey_app.downloads.groups import GroupFilter, councils_for, requested_groups
    from survey_app.privacy.disclosure import Settlement

    norfolk = wave_distribution(app, "Norfolk", WAVES[0])
    code = "KT7M4PXD"
    for _ in range(11):
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], ITEM: "3"})
    submit(app, norfolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "1"})
    worker()
    close_periods(app)
    definition = app.extensions["surveys"]["practitioner-skills"]
    everyone = GroupFilter(asked_at=clock_of(app).now())
    with app.extensions["database"].session() as session:
        councils, _ = councils_for(session, definition, None, everyone)
        read = requested_groups(session, definition, councils, everyone, None)
        # Settled as against an empty ledger: each group published as read. (Not in a unit of
        # work: its lock would keep the answer below from being saved meanwhile.)
        groups = [replace(group, settlement=Settlement(group.requested)) for group in read]
        # Meanwhile the same practitioner answers again, in the next period.
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "5"})
        worker()
        counts, bases, _keys = group_counts(session, definition, groups, everyone, None)

    (council_id,) = [group.council_id for group in groups]
    first_wave = (council_id, WAVES[0], "")  # counted per wave and age band
    assert len(groups[0].members) == 12
    assert counts.get((first_wave, ITEM, "5"), 0) == 0  # not one of the members read
    assert counts[(first_wave, ITEM, "3")] == 11
    assert counts[(first_wave, ITEM, "1")] == 1  # the closed period keeps it


def test_a_replacing_answer_counted_after_its_period_closed_changes_nothing_published(
    app, client, make_user, worker
):
    """A slow worker counts a practitioner's second answer (same code, same period) only after
    the period closed: it is late, so it replaces nothing and the closed table stays as shown."""
    norfolk = wave_distribution(app, "Norfolk", WAVES[0])
    code = "KT7M4PXD"
    for _ in range(11):
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], ITEM: "3"})
    first = submit(app, norfolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "1"})
    worker()
    second = submit(
        app,
        norfolk,
        **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "5"},
        enqueue=lambda _id: None,  # its message is lost; the sweeper finds it much later
    )
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")
    url = "/facilitator/surveys/practitioner-skills/aggregates.csv"
    before = client.get(url)
    assert before.status_code == 200

    aggregate_response(second)
    after = client.get(url)

    assert after.get_data() == before.get_data()
    with app.extensions["database"].session() as session:
        earlier = session.get(SurveyResponse, first)
        later = session.get(SurveyResponse, second)
        assert earlier is not None and later is not None
        assert (earlier.superseded, later.late) == (False, True)


def test_a_periods_counts_take_out_an_answer_replaced_in_it_as_its_answers_do(
    app, client, make_user, worker
):
    """The same practitioner answering a wave twice in one period is counted once (the later
    answer), in the period's kept counts as when its answers are counted one by one; one who
    answered again only after the period closed changes neither."""
    from sqlalchemy import delete

    from survey_app.models import PeriodCount

    norfolk = wave_distribution(app, "Norfolk", WAVES[0])
    four = wave_distribution(app, "Norfolk", WAVES[1])
    for number in range(12):
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], ITEM: str(1 + number % 4)})
        submit(app, four, **{WAVE_KEY: WAVES[1], ITEM: str(2 + number % 3)})
    for code in ("KT7M4PXD", "QW3R8TZN"):
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "1"})
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "5"})
    late = submit(
        app,
        norfolk,
        **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: "KT7M4PXD", ITEM: "2"},
        enqueue=lambda _id: None,
    )
    worker()
    close_periods(app)
    aggregate_response(late)
    make_user()
    sign_in(client, "facilitator@example.org")
    url = "/facilitator/surveys/practitioner-skills/aggregates.csv"
    read = client.get(url)
    from_rows = read.get_data()

    with app.extensions["database"].session() as session:
        session.execute(delete(PeriodCount))  # nothing to read: counted from the answers
        session.commit()
    counted = client.get(url)
    from_answers = counted.get_data()

    assert read.status_code == counted.status_code == 200
    assert from_rows == from_answers
    assert any(r["question"] == ITEM and r["wave"] == WAVES[0] for r in rows_of(read))


def test_a_periods_kept_counts_serve_a_council_with_answers_replaced_in_the_period(app, worker):
    from survey_app.downloads.counting import closed_period_counts, counts_from_answers
    from survey_app.downloads.groups import GroupFilter, councils_for, requested_groups
    from survey_app.privacy.disclosure import Settlement

    norfolk = wave_distribution(app, "Norfolk", WAVES[0])
    for number in range(12):
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], ITEM: str(1 + number % 4)})
    for code in ("KT7M4PXD", "QW3R8TZN"):
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "1"})
        submit(app, norfolk, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "5"})
    worker()
    close_periods(app)
    definition = app.extensions["surveys"]["practitioner-skills"]
    chosen = GroupFilter(asked_at=clock_of(app).now())
    with app.extensions["database"].session() as session:
        councils, _ = councils_for(session, definition, None, chosen)
        groups = [
            replace(group, settlement=Settlement(group.requested))
            for group in requested_groups(session, definition, councils, chosen, None)
        ]
        counts, bases, keys, served = closed_period_counts(
            session, definition, groups, chosen, None
        )
        expected = counts_from_answers(session, definition, groups, chosen, None, by_part=True)

    assert served == {group.council_id for group in groups}
    assert (counts, bases, keys) == tuple(dict(found) for found in expected)
    assert counts[((groups[0].council_id, WAVES[0], ""), ITEM, "5")] == 2  # the later answers
