"""The production stack for real: PostgreSQL, Redis, gunicorn and a separate dramatiq worker."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from sqlalchemy import create_engine, func, select

from survey_app.models import AnswerCount, Concern, DistributionTotal, FreeText, SurveyResponse
from tests.cellkeys import within_spread
from tests.stack import Stack, answer_test_survey

pytestmark = pytest.mark.services


@pytest.fixture
def stack(postgres_server: Any, redis_server: Any, tmp_path: Path) -> Iterator[Stack]:
    database_url = postgres_server.create_database(f"stack_{uuid.uuid4().hex[:8]}")
    redis.Redis.from_url(redis_server.url).flushall()
    running = Stack(database_url, redis_server.url, tmp_path)
    running.made = running.prepare()  # type: ignore[attr-defined]
    running.database_url = database_url  # type: ignore[attr-defined]
    yield running
    running.stop()


def download(stack: Stack, name: str) -> list[dict[str, str]]:
    response = requests.get(
        f"{stack.url}/api/v1/surveys/test-child/{name}",
        headers={"Authorization": f"Bearer {stack.made['token']}"},  # type: ignore[attr-defined]
        timeout=10,
    )
    response.raise_for_status()
    return list(csv.DictReader(io.StringIO(response.text)))


def wait_until_processed(stack: Stack, timeout: float = 60) -> None:
    stack.wait_until(
        lambda: stack.health()["backlog"]["unprocessed_responses"] == 0,
        timeout,
        "every response to be processed",
    )


def database_totals(stack: Stack) -> tuple[int, int, int]:
    """(responses saved, responses counted, sum of 'went' counts) straight from PostgreSQL."""
    engine = create_engine(stack.database_url)  # type: ignore[attr-defined]
    with engine.connect() as connection:
        saved = connection.scalar(select(func.count(SurveyResponse.id)))
        counted = connection.scalar(select(func.sum(DistributionTotal.responses)))
        went = connection.scalar(
            select(func.sum(AnswerCount.count)).where(AnswerCount.question_id == "went")
        )
    engine.dispose()
    return int(saved or 0), int(counted or 0), int(went or 0)


def post(stack: Stack, count: int, went: str = "yes", better: str = "") -> None:
    code = stack.made["code"]  # type: ignore[attr-defined]
    for _ in range(count):
        assert "Thank you" in answer_test_survey(stack.url, code, went, better)


def test_responses_posted_over_http_are_anonymised_counted_and_downloaded(stack: Stack) -> None:
    stack.start_web()
    stack.start_worker()
    post(stack, 22, went="yes", better="call me on 07700 900412 please")
    post(stack, 10, went="no")
    wait_until_processed(stack)
    stack.sent_in_a_closed_period()

    rows = download(stack, "aggregates.csv")
    went = {row["option"]: row for row in rows if row["question"] == "went"}
    # Published counts are perturbed by their cell keys, then hidden (1-7) or rounded to 5.
    assert within_spread(went["yes"]["count"], 22)
    assert within_spread(went["no"]["count"], 10)
    assert within_spread(went["yes"]["base"], 32)
    assert within_spread(went["dont_know"]["count"], 0)
    assert all(row["count"] not in {str(n) for n in range(1, 8)} for row in rows)

    # Written answers come as unlinked items of the same closed period as the counts.
    items = download(stack, "items.csv")
    written = [row["answer"] for row in items if row["answer"]]
    assert written == ["call me on [PHONE] please"] * 22
    assert database_totals(stack) == (32, 32, 32)
    health = stack.health()
    assert health["database"]["ok"] and health["broker"]["ok"]
    assert health["broker"]["kind"] == "RedisBroker"
    assert health["worker"]["ok"]


def test_a_worker_killed_mid_run_loses_nothing_and_counts_each_response_once(
    stack: Stack,
) -> None:
    stack.start_web()
    stack.start_worker()
    post(stack, 8, went="yes", better="my number is 07700 900412")
    stack.kill_worker()
    post(stack, 7, went="no", better="email me at a@example.com")
    assert stack.health()["backlog"]["unprocessed_responses"] > 0
    stack.start_worker()
    wait_until_processed(stack)
    assert database_totals(stack) == (15, 15, 15)
    engine = create_engine(stack.database_url)  # type: ignore[attr-defined]
    with engine.connect() as connection:
        assert (
            connection.scalar(
                select(func.count(FreeText.id)).where(FreeText.ciphertext.is_not(None))
            )
            == 0
        )
    engine.dispose()


def test_redis_stopping_mid_run_loses_no_response_and_children_are_still_thanked(
    stack: Stack, redis_server: Any
) -> None:
    stack.start_web()
    stack.start_worker()
    post(stack, 12, went="yes")
    redis_server.stop()
    try:
        post(stack, 10, went="no")  # every child still reaches the thank-you page
        health = requests.get(f"{stack.url}/healthz", timeout=10).json()
        assert health["broker"]["ok"] is False
    finally:
        redis_server.start()  # comes back empty: whatever was queued is gone
    wait_until_processed(stack, timeout=90)
    assert database_totals(stack) == (22, 22, 22)
    stack.sent_in_a_closed_period()
    rows = download(stack, "aggregates.csv")
    went = {row["option"]: row["count"] for row in rows if row["question"] == "went"}
    # Every response counted: 12 and 10, as their cell keys change them (then rounded to 5).
    assert within_spread(went["yes"], 12) and within_spread(went["no"], 10), went


def test_two_taps_on_send_at_the_same_moment_save_one_response(stack: Stack) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.stack import HttpRespondent

    stack.start_web()
    code = stack.made["code"]  # type: ignore[attr-defined]
    for _ in range(5):
        child = HttpRespondent(stack.url, code)
        child.start()
        child.answer(_age_band="12-17")
        child.answer(went="yes")
        child.answer(feel="okay")
        child.answer(times="2")
        child.answer(better="")
        assert child.page is not None
        token = child._token(child.page.text)

        def tap(_: int, child: HttpRespondent = child, token: str = token) -> int:
            return child.http.post(
                f"{child.base}/submit", data={"csrf_token": token}, timeout=30
            ).status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            assert list(pool.map(tap, range(2))) == [200, 200]  # both end on the thank-you page
    assert database_totals(stack)[0] == 5


RISKY = "my step dad hits me with the belt when mum is at work and i dont want to go home tonight"


# The worker's threads: at most this many emails can be in its hands when it is killed.
WORKER_THREADS = 4


def test_a_worker_killed_mid_run_raises_each_concern_once_and_emails_each_lead_about_each(
    postgres_server: Any, redis_server: Any, tmp_path: Path
) -> None:
    from tests.smtp import Mailbox, SmtpServer, free_port

    mail_server = SmtpServer(free_port(), Mailbox())
    mail_server.start()
    database_url = postgres_server.create_database(f"stack_{uuid.uuid4().hex[:8]}")
    redis.Redis.from_url(redis_server.url).flushall()
    stack = Stack(
        database_url,
        redis_server.url,
        tmp_path,
        SMTP_URL=mail_server.url,
        SWEEP_GRACE_SECONDS=2,
    )
    try:
        stack.made = stack.prepare()  # type: ignore[attr-defined]
        leads = ["one@suffolk.example", "two@suffolk.example"]
        for email in leads:
            stack.cli(
                "users", "create", email, "--role", "safeguarding_lead", "--council", "Suffolk",
                "--password-stdin", stdin="stack password 1234\n",
            )  # fmt: skip
        stack.start_web()
        stack.start_worker(WORKER_THREADS)
        post(stack, 4, went="yes", better=RISKY)
        post(stack, 2, went="yes", better="more snacks")
        stack.kill_worker()
        post(stack, 3, went="no", better=RISKY)
        stack.start_worker()
        stack.wait_until(
            lambda: (
                stack.health()["backlog"]["unprocessed_responses"] == 0
                and stack.health()["safeguarding"]["unsent_emails"] == 0
            ),
            90,
            "every response processed and every alert sent",
        )
        engine = create_engine(database_url)
        with engine.connect() as connection:
            concerns = connection.scalar(select(func.count(Concern.id)))
        engine.dispose()
        assert concerns == 7
        received = mail_server.mailbox.received
        links = [
            (message["X-Delivered-To"], line)
            for message in received
            for line in message.get_body().get_content().splitlines()  # type: ignore[union-attr]
            if "/safeguarding/concerns/" in line
        ]
        assert len(set(links)) == 14  # each lead, each concern
        # A kill between handing an email to the server and recording it sent means that email
        # goes again (a lost alert would be worse): only the ones in the killed worker's hands,
        # each with the same Message-ID, so a mail program shows it once.
        copies = Counter((message["X-Delivered-To"], message["Message-ID"]) for message in received)
        assert len(copies) == 14
        assert sum(copies.values()) - 14 <= WORKER_THREADS
        assert all("belt" not in message.as_string() for message in received)
    finally:
        stack.stop()
        mail_server.stop()
