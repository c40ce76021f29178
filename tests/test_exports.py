"""Full exports of anonymised responses (the linked research extract as a file): asked for on the
page or the API, built by a worker into a file, served only to the person who asked, and deleted
after the retention period. Exports exist only where a deployment turned the research extract on
(SURVEY_RESEARCH_EXTRACT), and only admins ask for them (issue 10; tests/test_items.py tests
that they are refused otherwise)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from survey_app import exports, operations
from survey_app.background import background_work
from survey_app.models import (
    Base,
    Distribution,
    Export,
    Publication,
    PublishedMembers,
    SurveyResponse,
    User,
    export_publications,
)
from survey_app.privacy.disclosure import DisclosureRules, decode_members, footnotes
from tests.conftest import (
    PASSWORD,
    TEST_SURVEYS,
    HttpsClient,
    close_periods,
    csrf_token,
    make_council,
    running_worker,
    sign_in,
)
from tests.submissions import submit

SURVEY = "/facilitator/surveys/test-child"
API = "/api/v1"
EMAIL = "facilitator@example.org"


# Making things -----------------------------------------------------------------------------


# The period the tests' answers are sent in (the test survey's periods are days).
PERIOD = dt.date.today().isoformat()


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"RESEARCH_EXTRACT": True}


@pytest.fixture
def export_app(app_each_db: Flask) -> Flask:
    """An app on SQLite, and again on PostgreSQL."""
    return app_each_db


@pytest.fixture
def sqlite_app(make_app: Callable[..., Flask], app_settings: dict[str, Any]) -> Flask:
    return make_app(**app_settings)


@pytest.fixture
def workers() -> Iterator[Callable[[], None]]:
    """An in-process Dramatiq worker on the stub broker; call it to drain responses and exports."""
    from workers.actors import EXPORT_QUEUE, QUEUE

    yield from running_worker(QUEUE, EXPORT_QUEUE)


def client_of(app: Flask) -> FlaskClient:
    app.test_client_class = HttpsClient
    return app.test_client()


def make_user(
    app: Flask, email: str = EMAIL, role: str = "admin", council: str | None = None
) -> User:
    with app.extensions["database"].session() as session:
        if council:
            make_council(session, council)
        user = operations.create_user(session, email, PASSWORD, role, council)
        session.commit()
        return user


def signed_in(
    app: Flask, email: str = EMAIL, role: str = "admin", council: str | None = None
) -> FlaskClient:
    make_user(app, email, role, council)
    client = client_of(app)
    assert sign_in(client, email).status_code == 302
    return client


def token_for(
    app: Flask, email: str, role: str = "admin", council: str | None = None
) -> dict[str, str]:
    make_user(app, email, role, council)
    with app.extensions["database"].session() as session:
        made = operations.create_api_token(session, email)
        session.commit()
    return {"Authorization": f"Bearer {made}"}


def distribution(
    app: Flask, council: str = "Suffolk", label: str = "CP conferences"
) -> Distribution:
    with app.extensions["database"].session() as session:
        make_council(session, council)
        made = operations.create_distribution(session, "test-child", council, label)
        session.commit()
        return made


def submit_many(app: Flask, where: Distribution, count: int, **answers: Any) -> list[int]:
    answers = answers or {"went": "yes", "feel": "happy", "times": 3}
    return [submit(app, where, **answers) for _ in range(count)]


def three_councils(app: Flask) -> None:
    """Suffolk and Norfolk with enough responses to publish (and free text), Essex without."""
    submit_many(app, distribution(app, "Suffolk"), 12, went="yes", better="call 07700 900412")
    submit_many(
        app,
        distribution(app, "Norfolk", "Reviews"),
        10,
        went="no",
        why_not=["school", "scared"],
        feel="sad",
        times=2,
    )
    submit_many(app, distribution(app, "Essex", "Small"), 4, went="yes", better="Tiny")


def ask_for_export(client: FlaskClient, **fields: str) -> TestResponse:
    """Post the export form on the survey page, as a browser would."""
    token = csrf_token(client.get(SURVEY).get_data(as_text=True))
    return client.post(f"{SURVEY}/exports", data={"csrf_token": token, **fields})


def export_id_from(answer: TestResponse) -> int:
    assert answer.status_code == 303, answer.get_data(as_text=True)
    found = re.fullmatch(r"/facilitator/exports/(\d+)", answer.headers["Location"])
    assert found, answer.headers["Location"]
    return int(found.group(1))


def fetch(client: FlaskClient, url: str, **kwargs: Any) -> TestResponse:
    """GET url, read the whole body and close the response (a file sent stays open till then)."""
    answer = client.get(url, **kwargs)
    answer.get_data()
    answer.close()
    return answer


def page(client: FlaskClient, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def csv_of(answer: TestResponse) -> tuple[list[str], list[list[str]]]:
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.mimetype == "text/csv"
    header, *rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    return header, rows


def without_numbers(rows: list[list[str]]) -> list[list[str]]:
    """Rows with their running number taken off, sorted: within a day the order is shuffled."""
    return sorted(row[1:] for row in rows)


def export_row(app: Flask, export_id: int) -> Export:
    with app.extensions["database"].session() as session:
        return session.get_one(Export, export_id)


def count(app: Flask, model: type[Base]) -> int:
    with app.extensions["database"].session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# Asking, building, downloading --------------------------------------------------------------


def test_an_export_built_by_a_worker_has_exactly_the_rows_of_responses_csv(
    export_app: Flask, workers: Callable[[], None]
) -> None:
    three_councils(export_app)
    workers()
    client = signed_in(export_app)
    close_periods(export_app)
    direct_header, direct_rows = csv_of(fetch(client, f"{SURVEY}/research-extract.csv"))

    sent: list[int] = []
    background_work(export_app).build_export = sent.append  # held, to see the page meanwhile

    export_id = export_id_from(ask_for_export(client, format="csv"))
    assert sent == [export_id]
    waiting = page(client, f"/facilitator/exports/{export_id}")
    assert "<strong>Waiting to start.</strong>" in waiting
    assert f'<a href="/facilitator/exports/{export_id}">Check again</a>' in waiting
    assert 'http-equiv="refresh"' not in waiting and "<script" not in waiting
    assert "Waiting to start" in page(client, SURVEY)
    from workers import actors

    actors.build_export.send(export_id)
    workers()

    ready = page(client, f"/facilitator/exports/{export_id}")
    # 22 rows, shown rounded like every published count.
    assert "<strong>Ready.</strong> 20 responses" in ready
    assert "<dd>20 responses, from councils" in ready
    download = fetch(client, f"/facilitator/exports/{export_id}/download")
    assert download.headers["Cache-Control"] == "no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    header, rows = csv_of(download)
    assert header == direct_header
    assert without_numbers(rows) == without_numbers(direct_rows)
    assert [row[0] for row in rows] == [str(n) for n in range(1, 23)]
    assert {row[2] for row in rows} == {"Suffolk", "Norfolk"}  # Essex has too few
    assert "call [PHONE]" in {row[header.index("better")] for row in rows}
    assert "07700 900412" not in download.get_data(as_text=True)
    export = export_row(export_app, export_id)
    assert (export.status, export.rows, export.published_responses) == ("ready", 22, 22)
    assert export.file_size == len(download.get_data())
    assert export.attempts == 1 and export.started_at and export.finished_at


def test_an_export_is_recorded_as_published_like_responses_csv(
    sqlite_app: Flask, workers: Callable[[], None]
) -> None:
    three_councils(sqlite_app)
    workers()
    client = signed_in(sqlite_app)

    close_periods(sqlite_app)
    export_id = export_id_from(ask_for_export(client, format="csv", council="Suffolk"))

    with sqlite_app.extensions["database"].session() as session:
        scopes = session.scalars(
            select(Publication.scope)
            .join(export_publications, export_publications.c.publication_id == Publication.id)
            .where(export_publications.c.export_id == export_id)
        ).all()
        suffolk = session.scalars(
            select(SurveyResponse.id)
            .join(Distribution)
            .where(Distribution.council.has(name="Suffolk"))
        ).all()
        stored = session.scalar(select(PublishedMembers.members))
    assert scopes == [f"Suffolk, period {PERIOD} (anonymised responses)"]
    assert stored is not None and decode_members(stored) == frozenset(suffolk)


def test_an_export_holds_what_was_published_not_what_arrived_after(
    export_app: Flask, workers: Callable[[], None]
) -> None:
    place = distribution(export_app)
    submit_many(export_app, place, 12, went="yes")
    workers()
    client = signed_in(export_app)
    background_work(export_app).build_export = lambda export_id: None  # built later, by hand
    close_periods(export_app)
    export_id = export_id_from(ask_for_export(client, format="csv"))

    submit_many(export_app, place, 9, went="no", why_not=["school"])
    workers()
    from workers import actors

    actors.build_export(export_id)

    _, rows = csv_of(fetch(client, f"/facilitator/exports/{export_id}/download"))
    assert len(rows) == 12
    assert {row[7] for row in rows} == {"yes"}


def test_an_xlsx_export_opens_in_a_spreadsheet_with_the_disclosure_notes(
    export_app: Flask, workers: Callable[[], None], tmp_path: Path
) -> None:
    three_councils(export_app)
    workers()
    client = signed_in(export_app)
    close_periods(export_app)
    _, direct_rows = csv_of(fetch(client, f"{SURVEY}/research-extract.csv?council=Norfolk"))

    export_id = export_id_from(ask_for_export(client, format="xlsx", council="Norfolk"))
    workers()
    download = fetch(client, f"/facilitator/exports/{export_id}/download")

    assert download.status_code == 200
    assert download.mimetype == exports.MEDIA_TYPES["xlsx"]
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=test-child-responses-{dt.date.today():%Y-%m-%d}-{export_id}.xlsx"
    )
    (tmp_path / "export.xlsx").write_bytes(download.get_data())
    workbook = load_workbook(tmp_path / "export.xlsx", read_only=True)
    lines = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    header, rows, notes = lines[0], lines[1:11], lines[12:]
    assert header[:7] == ["response", "survey", "council", "distribution", "month", "language",
                          "age_band"]  # fmt: skip
    as_text = [["" if value is None else str(value) for value in row] for row in rows]
    assert without_numbers(as_text) == without_numbers(direct_rows)
    assert all(value is None for value in lines[11])
    written_notes = [row[0] for row in notes]
    rules = DisclosureRules()
    for note in footnotes(rules):
        assert f"{note.code}: {note.text}" in written_notes
    assert f"Norfolk, period {PERIOD}" in written_notes[0]


def is_response(row: tuple[Any, ...]) -> bool:
    """A sheet's row of a response (not the blank line or a note under the table)."""
    return bool(row) and isinstance(row[0], int)


def test_an_xlsx_export_larger_than_a_sheet_continues_on_the_next(
    sqlite_app: Flask, workers: Callable[[], None], tmp_path: Path
) -> None:
    three_councils(sqlite_app)
    workers()
    client = signed_in(sqlite_app)
    background_work(sqlite_app).build_export = lambda export_id: None
    close_periods(sqlite_app)
    export_id = export_id_from(ask_for_export(client, format="xlsx"))
    definition = sqlite_app.extensions["surveys"]["test-child"]

    with sqlite_app.extensions["database"].session() as session:
        export = session.get_one(Export, export_id)
        notes = len(exports.files.xlsx_notes(export, definition))
        written = exports.write_export(
            session, export, definition, tmp_path, xlsx_row_limit=notes + 2 + 10
        )

    workbook = load_workbook(tmp_path / written.name, read_only=True)
    assert workbook.sheetnames == ["Responses 1", "Responses 2", "Responses 3"]
    per_sheet = [
        [row for row in sheet.iter_rows(min_row=2, values_only=True) if is_response(row)]
        for sheet in workbook.worksheets
    ]
    assert [len(rows) for rows in per_sheet] == [10, 10, 2]
    workbook.close()
    assert [row[0] for rows in per_sheet for row in rows] == list(range(1, 23))
    assert written.rows == 22


def test_a_file_written_by_write_csv_is_the_text_the_download_streams(tmp_path: Path) -> None:
    from survey_app.downloads.csv_text import csv_lines, write_csv

    header = ["response", "better"]
    rows = [[1, "=HYPERLINK(1)"], [2, 'said "no", twice'], [3, "line\nbreak"], [4, 7]]
    with open(tmp_path / "out.csv", "w", encoding="utf-8", newline="") as out:
        assert write_csv(header, iter(rows), out) == 4

    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as written:
        text = written.read()
    assert text == "".join(csv_lines(header, rows))
    assert "'=HYPERLINK(1)" in text and "\r\n" in text


# What may not be exported, and who may see an export ----------------------------------------


def test_an_export_of_a_range_that_is_not_one_whole_period_is_a_400_and_records_nothing(
    sqlite_app: Flask, workers: Callable[[], None]
) -> None:
    place = distribution(sqlite_app)
    monday = submit_many(sqlite_app, place, 20)
    tuesday = submit_many(sqlite_app, place, 3, went="no", why_not=["scared"])
    workers()
    with sqlite_app.extensions["database"].session() as session:
        for ids, day in ((monday, dt.date(2026, 3, 2)), (tuesday, dt.date(2026, 3, 3))):
            session.execute(
                update(SurveyResponse)
                .where(SurveyResponse.id.in_(ids))
                .values(submitted_on=day, period=day.isoformat())
            )
        session.commit()
    client = signed_in(sqlite_app)
    close_periods(sqlite_app)
    csv_of(fetch(client, f"{SURVEY}/research-extract.csv?period=2026-03-02"))
    published = count(sqlite_app, Publication)
    robot = token_for(sqlite_app, "robot@example.org")

    refused = ask_for_export(client, format="csv", **{"from": "2026-03-01", "to": "2026-03-02"})
    scripted = client.post(
        f"{API}/surveys/test-child/exports",
        json={"format": "xlsx", "from": "2026-03-01", "to": "2026-03-02"},
        headers=robot,
    )

    assert refused.status_code == 400
    assert "ask for period=2026-03-01" in refused.get_data(as_text=True)
    assert scripted.status_code == 400 and scripted.json["published"] is False
    assert count(sqlite_app, Export) == 0
    assert count(sqlite_app, Publication) == published


def test_an_unknown_format_or_filter_is_a_400_and_records_nothing(sqlite_app: Flask) -> None:
    distribution(sqlite_app)
    client = signed_in(sqlite_app)

    assert ask_for_export(client, format="pdf").status_code == 400
    assert ask_for_export(client, format="csv", to="31/01/2026").status_code == 400
    assert ask_for_export(client, format="csv", council="Nowhere").status_code == 404
    assert count(sqlite_app, Export) == 0


def test_only_the_admin_who_asked_and_other_admins_can_see_an_export(
    sqlite_app: Flask, workers: Callable[[], None]
) -> None:
    three_councils(sqlite_app)
    workers()
    admin = signed_in(sqlite_app)
    close_periods(sqlite_app)
    export_id = export_id_from(ask_for_export(admin, format="csv", council="Suffolk"))
    workers()
    _, rows = csv_of(fetch(admin, f"/facilitator/exports/{export_id}/download"))
    assert {row[2] for row in rows} == {"Suffolk"}

    lead = signed_in(sqlite_app, "lead@suffolk.example.org", "council_lead", "Suffolk")
    colleague = signed_in(sqlite_app, "colleague@example.org", "facilitator")
    other_admin = signed_in(sqlite_app, "admin@example.org", "admin")
    colleague_token = token_for(sqlite_app, "robot@example.org", "facilitator")
    for someone_else in (lead, colleague):
        assert fetch(someone_else, f"/facilitator/exports/{export_id}").status_code == 404
        assert fetch(someone_else, f"/facilitator/exports/{export_id}/download").status_code == 404
        assert "Ready to download" not in page(someone_else, SURVEY)
        # Staff who are not admins cannot ask for the linked responses at all.
        assert ask_for_export(someone_else, format="csv").status_code == 403
    assert fetch(client_of(sqlite_app), f"{API}/exports/{export_id}").status_code == 401
    assert fetch(lead, f"{API}/exports/{export_id}", headers=colleague_token).status_code == 404
    assert fetch(
        lead, f"{API}/exports/{export_id}/download", headers=colleague_token
    ).status_code == (404)
    assert fetch(other_admin, f"/facilitator/exports/{export_id}/download").status_code == 200
    assert "Ready to download" in page(admin, SURVEY)


def test_signed_out_visitors_are_sent_to_sign_in(sqlite_app: Flask) -> None:
    client = client_of(sqlite_app)

    assert fetch(client, "/facilitator/exports/1").status_code == 302
    assert client.post(f"{SURVEY}/exports", data={"format": "csv"}).status_code in (302, 400)


# The broker, failures and expiry ------------------------------------------------------------


def test_an_export_asked_for_while_the_broker_is_down_is_sent_by_the_sweeper(
    sqlite_app: Flask, workers: Callable[[], None]
) -> None:
    from workers.actors import EXPORT_QUEUE
    from workers.setup import use_broker
    from workers.sweeper import sweep_exports

    broker = use_broker("stub://")

    three_councils(sqlite_app)
    workers()

    def broker_down(export_id: int) -> None:
        raise ConnectionError("broker unreachable")

    background_work(sqlite_app).build_export = broker_down
    client = signed_in(sqlite_app)
    export_id = export_id_from(ask_for_export(client, format="csv"))
    assert "Waiting to start" in page(client, f"/facilitator/exports/{export_id}")
    assert broker.queues[EXPORT_QUEUE].qsize() == 0

    assert sweep_exports(only=set()) == {export_id}  # first sighting: remembered, not sent
    assert broker.queues[EXPORT_QUEUE].qsize() == 0
    sweep_exports(only={export_id})
    assert broker.queues[EXPORT_QUEUE].qsize() == 1
    workers()

    assert export_row(sqlite_app, export_id).status == "ready"
    assert sweep_exports() == set()


def test_an_export_whose_worker_died_is_taken_again_once_it_is_stale(
    sqlite_app: Flask, workers: Callable[[], None]
) -> None:
    from workers import actors
    from workers.sweeper import sweep_exports

    three_councils(sqlite_app)
    workers()
    close_periods(sqlite_app)
    background_work(sqlite_app).build_export = lambda export_id: None
    export_id = export_id_from(ask_for_export(signed_in(sqlite_app), format="csv"))
    with sqlite_app.extensions["database"].session() as session:
        session.execute(
            update(Export).values(status="running", attempts=1, started_at=dt.datetime(2026, 1, 1))
        )
        session.commit()

    assert sweep_exports(only=set()) == {export_id}
    actors.build_export(export_id)
    actors.build_export(export_id)  # a second message for the same export changes nothing

    export = export_row(sqlite_app, export_id)
    assert (export.status, export.attempts, export.rows) == ("ready", 2, 22)


def test_a_failing_export_is_tried_again_then_shown_as_failed_with_the_reason(
    make_app: Callable[..., Flask], workers: Callable[[], None], tmp_path: Path
) -> None:
    from workers import actors

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the export folder should be")
    app = make_app(EXPORT_DIR=str(blocked), RESEARCH_EXTRACT=True)
    three_councils(app)
    workers()
    background_work(app).build_export = lambda export_id: None
    client = signed_in(app)
    export_id = export_id_from(ask_for_export(client, format="csv"))

    for attempt in range(1, exports.MAX_ATTEMPTS):
        with pytest.raises(exports.ExportFailed, match="OSError|FileExistsError|NotADirectory"):
            actors.build_export(export_id)
        retrying = export_row(app, export_id)
        assert (retrying.status, retrying.attempts) == ("queued", attempt)
        assert "Trying again" in retrying.error
    actors.build_export(export_id)  # the last attempt records the failure and stops

    failed = export_row(app, export_id)
    assert failed.status == "failed" and failed.file_name is None
    status = page(client, f"/facilitator/exports/{export_id}")
    assert "The export failed" in status
    assert "The file could not be written in the export folder" in status
    assert str(blocked) not in status  # no server paths
    assert fetch(client, f"/facilitator/exports/{export_id}/download").status_code == 409
    assert list(tmp_path.glob("**/*.part")) == []


def test_an_export_of_a_survey_no_longer_loaded_fails_at_once(
    sqlite_app: Flask, workers: Callable[[], None]
) -> None:
    from survey_app.loaded_surveys import LoadedSurveys
    from workers import actors
    from workers.context import current_context, use_context

    three_councils(sqlite_app)
    workers()
    background_work(sqlite_app).build_export = lambda export_id: None
    export_id = export_id_from(ask_for_export(signed_in(sqlite_app), format="csv"))
    # The workers' surveys only (the next app a test makes gives the workers its own).
    use_context(replace(current_context(), loaded_surveys=LoadedSurveys(TEST_SURVEYS, {}, 3600)))

    actors.build_export(export_id)

    failed = export_row(sqlite_app, export_id)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.error == "The survey 'test-child' is not loaded."


def test_export_files_are_deleted_after_the_retention_period(
    sqlite_app: Flask, workers: Callable[[], None]
) -> None:
    from workers.sweeper import expire_exports

    three_councils(sqlite_app)
    workers()
    client = signed_in(sqlite_app)
    old = export_id_from(ask_for_export(client, format="csv"))
    recent = export_id_from(ask_for_export(client, format="xlsx"))
    workers()
    folder = Path(sqlite_app.config["EXPORT_DIR"])
    old_file = folder / str(export_row(sqlite_app, old).file_name)
    leftover = folder / ".export-99.csv.abc.part"
    leftover.write_text("half an export from a worker that stopped")
    os.utime(leftover, (time.time() - 86_400, time.time() - 86_400))
    with sqlite_app.extensions["database"].session() as session:
        eight_days_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=8)
        session.execute(update(Export).where(Export.id == old).values(finished_at=eight_days_ago))
        session.commit()
    assert old_file.exists()

    assert expire_exports() == [old]

    assert not old_file.exists() and not leftover.exists()
    assert (folder / str(export_row(sqlite_app, recent).file_name)).exists()
    assert export_row(sqlite_app, old).status == "expired"
    assert "<strong>Deleted.</strong>" in page(client, f"/facilitator/exports/{old}")
    assert fetch(client, f"/facilitator/exports/{old}/download").status_code == 410
    assert fetch(client, f"/facilitator/exports/{recent}/download").status_code == 200


# The API --------------------------------------------------------------------------------------


def test_a_script_asks_for_an_export_polls_its_status_and_downloads_it(
    export_app: Flask, workers: Callable[[], None]
) -> None:
    three_councils(export_app)
    workers()
    robot = token_for(export_app, "robot@example.org")
    client = client_of(export_app)
    background_work(export_app).build_export = lambda export_id: None  # sent by hand below
    close_periods(export_app)
    _, direct_rows = csv_of(
        fetch(
            client, f"{API}/surveys/test-child/research-extract.csv?council=Suffolk", headers=robot
        )
    )

    asked = client.post(
        f"{API}/surveys/test-child/exports",
        json={"format": "csv", "council": "Suffolk"},
        headers=robot,
    )

    assert asked.status_code == 202
    status = asked.json
    assert status["status"] == "queued" and status["download_url"] is None
    assert asked.headers["Location"] == status["status_url"]
    assert status["filter"]["council"] == "Suffolk"
    not_yet = fetch(client, f"{API}/exports/{status['id']}/download", headers=robot)
    assert not_yet.status_code == 409 and not_yet.json["status"] == "queued"

    from workers import actors

    actors.build_export.send(status["id"])
    workers()
    ready = fetch(client, status["status_url"], headers=robot)
    assert ready.status_code == 200
    # 12 rows, given rounded like every published count.
    assert ready.json["status"] == "ready" and ready.json["rows"] == 10
    assert ready.json["published_responses"] == 10
    assert ready.json["available_until"].endswith("Z")
    _, rows = csv_of(fetch(client, ready.json["download_url"], headers=robot))
    assert without_numbers(rows) == without_numbers(direct_rows)


# The production stack -------------------------------------------------------------------------


@pytest.mark.services
def test_on_the_production_stack_a_separate_worker_builds_the_export(
    postgres_server: Any, redis_server: Any, tmp_path: Path
) -> None:
    import redis

    from tests.stack import Stack, answer_test_survey

    redis.Redis.from_url(redis_server.url).flushall()
    stack = Stack(
        postgres_server.create_database(f"exports_{uuid.uuid4().hex[:8]}"),
        redis_server.url,
        tmp_path,
        RESEARCH_EXTRACT="true",  # exports are the research extract as a file, for admins
    )
    try:
        made = stack.prepare(role="admin")
        stack.start_web()
        stack.start_worker()
        for _ in range(11):
            assert "Thank you" in answer_test_survey(stack.url, made["code"], "yes", "Kind")
        stack.wait_until(
            lambda: stack.health()["backlog"]["unprocessed_responses"] == 0, 60, "processing"
        )
        stack.sent_in_a_closed_period()
        robot = {"Authorization": f"Bearer {made['token']}"}
        asked = requests.post(
            f"{stack.url}/api/v1/surveys/test-child/exports",
            data={"format": "csv"},
            headers=robot,
            timeout=10,
        )
        assert asked.status_code == 202, asked.text
        status_url = asked.json()["status_url"]
        stack.wait_until(
            lambda: requests.get(status_url, headers=robot, timeout=10).json()["status"] == "ready",
            60,
            "the export to be ready",
        )
        download_url = requests.get(status_url, headers=robot, timeout=10).json()["download_url"]
        exported = requests.get(download_url, headers=robot, timeout=10)
        direct = requests.get(
            f"{stack.url}/api/v1/surveys/test-child/research-extract.csv", headers=robot, timeout=10
        )
        # If either fails, show what the services logged (a 500 here was seen once, not again).
        assert exported.status_code == direct.status_code == 200, stack.logs()[-4000:]
        read = [list(csv.reader(io.StringIO(answer.text))) for answer in (exported, direct)]
        assert read[0][0] == read[1][0]
        assert without_numbers(read[0][1:]) == without_numbers(read[1][1:])
        assert len(read[0]) == 12
    finally:
        stack.stop()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_files_and_their_folder_are_readable_by_the_services_user_only(
    sqlite_app: Flask, workers: Callable[[], None], tmp_path: Path, kind: str
) -> None:
    three_councils(sqlite_app)
    workers()
    client = signed_in(sqlite_app)
    background_work(sqlite_app).build_export = lambda export_id: None
    export_id = export_id_from(ask_for_export(client, format=kind))
    definition = sqlite_app.extensions["surveys"]["test-child"]
    folder = tmp_path / "shared-exports"
    folder.mkdir(mode=0o755)
    previous = os.umask(0o022)  # an ordinary umask would leave files readable by everyone
    try:
        with sqlite_app.extensions["database"].session() as session:
            export = session.get_one(Export, export_id)
            written = exports.write_export(session, export, definition, folder)
    finally:
        os.umask(previous)

    assert (folder / written.name).stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
