"""/healthz, as monitoring reads it: database, broker, backlog and worker heartbeat."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient

from survey_app.background import background_work
from survey_app.db import Database
from survey_app.models import WorkerHeartbeat, utcnow
from tests.submissions import submit
from workers import sweeper


def health(client: FlaskClient) -> tuple[int, Any]:
    response = client.get("/healthz")
    assert response.mimetype == "application/json"
    return response.status_code, response.json


def test_health_reports_the_database_and_the_stub_broker_as_ok(client):
    status, report = health(client)

    assert status == 200
    assert report["database"] == {"ok": True}
    assert report["broker"] == {"ok": True, "kind": "StubBroker"}


def test_the_backlog_counts_responses_until_the_worker_has_processed_them(
    app, client, make_distribution, request
):
    distribution = make_distribution()
    assert health(client)[1]["backlog"] == {"unprocessed_responses": 0}
    held: list[int] = []  # messages held back until a worker is running

    for _ in range(2):
        submit(app, distribution, went="yes", better="Nothing", enqueue=held.append)

    assert health(client)[1]["backlog"] == {"unprocessed_responses": 2}
    drain = request.getfixturevalue("worker")
    for response_id in held:
        background_work(app).process_response(response_id)
    drain()
    assert health(client)[1]["backlog"] == {"unprocessed_responses": 0}


def test_before_any_worker_has_run_the_worker_is_reported_missing(client):
    status, report = health(client)

    assert status == 200
    assert report["worker"] == {"ok": False, "last_heartbeat_seconds_ago": None}
    assert report["status"] == "degraded"


def test_a_recent_heartbeat_reports_the_worker_alive(client):
    before = utcnow()
    sweeper.beat("test")

    status, report = health(client)

    # Bounded by the time the test itself took, not by a fixed number a busy machine can pass.
    since_the_beat = (utcnow() - before).total_seconds()
    assert status == 200
    assert report["worker"]["ok"] is True
    assert 0 <= report["worker"]["last_heartbeat_seconds_ago"] <= since_the_beat + 0.05
    assert report["status"] == "ok"


def test_an_old_heartbeat_reports_the_worker_stale(app, client, database):
    interval = float(app.config["HEARTBEAT_INTERVAL_SECONDS"])
    with database.session() as session:
        session.add(WorkerHeartbeat(name="old", seen_at=utcnow() - dt.timedelta(hours=1)))
        session.commit()

    status, report = health(client)

    assert status == 200
    assert report["worker"]["ok"] is False
    assert report["worker"]["last_heartbeat_seconds_ago"] > 3 * interval
    assert report["status"] == "degraded"


def test_an_unreachable_database_makes_health_answer_503(app, client):
    working = app.extensions["database"]
    # Nothing listens on port 1, so connecting is refused at once.
    app.extensions["database"] = Database.from_url(
        "postgresql+psycopg://survey@127.0.0.1:1/survey?connect_timeout=2"
    )
    try:
        status, report = health(client)
    finally:
        app.extensions["database"].engine.dispose()
        app.extensions["database"] = working

    assert status == 503
    assert report["database"]["ok"] is False
    assert report["status"] == "down"
    assert report["broker"]["ok"] is True
