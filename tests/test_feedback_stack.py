"""Complaints and compliments on the production stack for real: PostgreSQL, Redis, gunicorn and
a separate dramatiq worker anonymise what the API and the command line import."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from sqlalchemy import create_engine, select

from survey_app.models import FeedbackItem
from tests.stack import Stack

pytestmark = pytest.mark.services

LOG = (
    "received_on,type,from,service,text\n"
    "05/11/2026,complaint,parent,Conferences,Ring me on 07700 900412 please\n"
    "2026-10-20,compliment,child,Advocacy,My advocate listened to me\n"
)


@pytest.fixture
def stack(postgres_server: Any, redis_server: Any, tmp_path: Path) -> Iterator[Stack]:
    database_url = postgres_server.create_database(f"stack_{uuid.uuid4().hex[:8]}")
    redis.Redis.from_url(redis_server.url).flushall()
    running = Stack(database_url, redis_server.url, tmp_path)
    running.made = running.prepare()  # type: ignore[attr-defined]
    running.database_url = database_url  # type: ignore[attr-defined]
    yield running
    running.stop()


def stored(stack: Stack) -> list[tuple[str, str | None, bool]]:
    engine = create_engine(stack.database_url)  # type: ignore[attr-defined]
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    FeedbackItem.service, FeedbackItem.redacted, FeedbackItem.ciphertext.is_(None)
                ).order_by(FeedbackItem.id)
            ).all()
    finally:
        engine.dispose()
    return [(service, redacted, destroyed) for service, redacted, destroyed in rows]


def test_imports_by_api_and_command_line_are_anonymised_by_the_separate_worker(
    stack: Stack, tmp_path: Path
) -> None:
    stack.start_web()
    stack.start_worker()
    answer = requests.post(
        f"{stack.url}/api/v1/feedback?council=Suffolk",
        data=LOG.encode(),
        headers={
            "Authorization": f"Bearer {stack.made['token']}",  # type: ignore[attr-defined]
            "Content-Type": "text/csv",
        },
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["added"] == 2
    # The command line sends no message: the worker's sweeper finds its items.
    log = tmp_path / "more.csv"
    log.write_text(LOG.replace("Conferences", "Fostering").replace("Advocacy", "IRO service"))
    stack.cli("feedback", "import", str(log), "--council", "Suffolk")
    stack.wait_until(
        lambda: len(stored(stack)) == 4 and all(destroyed for _, _, destroyed in stored(stack)),
        timeout=90,
        what="every imported item anonymised",
    )
    assert [(service, redacted) for service, redacted, _ in stored(stack)] == [
        ("Conferences", "Ring me on [PHONE] please"),
        ("Advocacy", "My advocate listened to me"),
        ("Fostering", "Ring me on [PHONE] please"),
        ("IRO service", "My advocate listened to me"),
    ]
