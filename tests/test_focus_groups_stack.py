"""A focus-group session on the production stack for real: recorded through the API served by
gunicorn, its words anonymised by a separate dramatiq worker on PostgreSQL and Redis, and its
items registered with the theme suggester."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from sqlalchemy import create_engine, select

from survey_app.models import FocusGroupItem, ThemeItem, ThemeSuggestion
from tests.stack import ROOT, Stack

pytestmark = pytest.mark.services

HOUSES = "focus-group-three-houses"


@pytest.fixture
def stack(postgres_server: Any, redis_server: Any, tmp_path: Path) -> Iterator[Stack]:
    # The test survey, the codebook and a guide that ships: the stack's folder has no guide.
    survey_dir = tmp_path / "surveys"
    shutil.copytree(ROOT / "tests" / "data" / "surveys", survey_dir)
    shutil.copy(ROOT / "survey_definitions" / f"{HOUSES}.yaml", survey_dir)
    database_url = postgres_server.create_database(f"stack_{uuid.uuid4().hex[:8]}")
    redis.Redis.from_url(redis_server.url).flushall()
    running = Stack(database_url, redis_server.url, tmp_path, survey_dir=survey_dir)
    running.made = running.prepare()  # type: ignore[attr-defined]
    running.database_url = database_url  # type: ignore[attr-defined]
    yield running
    running.stop()


def items(stack: Stack) -> list[tuple[int, str, str | None, bool]]:
    """Each stored item: id, kind, anonymised words, whether its raw words are gone."""
    engine = create_engine(stack.database_url)  # type: ignore[attr-defined]
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    FocusGroupItem.id,
                    FocusGroupItem.kind,
                    FocusGroupItem.redacted,
                    FocusGroupItem.ciphertext.is_(None),
                ).order_by(FocusGroupItem.id)
            ).all()
    finally:
        engine.dispose()
    return [(item_id, kind, redacted, destroyed) for item_id, kind, redacted, destroyed in rows]


def theme_items(stack: Stack) -> dict[str, tuple[str, str, int]]:
    """The theme suggester's items by ref: source, text, and how many themes it suggested."""
    engine = create_engine(stack.database_url)  # type: ignore[attr-defined]
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(ThemeItem.id, ThemeItem.ref, ThemeItem.source, ThemeItem.text)
            ).all()
            suggested = connection.execute(select(ThemeSuggestion.item_id)).scalars().all()
    finally:
        engine.dispose()
    return {
        ref: (source, text, sum(1 for found in suggested if found == item_id))
        for item_id, ref, source, text in rows
    }


def test_a_session_sent_to_the_api_is_anonymised_and_registered_for_coding_by_the_worker(
    stack: Stack,
) -> None:
    stack.start_web()
    stack.start_worker()
    answer = requests.post(
        f"{stack.url}/api/v1/focus-groups",
        json={
            "guide": HOUSES,
            "council": "Suffolk",
            "held_on": "2026-10-14",
            "participants": {"8-11": 5, "12-17": 3},
            "consent_recorded": True,
            "items": [
                {
                    "prompt": "house-of-worries",
                    "kind": "sticky_note",
                    "text": "Ring my mum on 07700 900412 she never hears about the meeting",
                },
                {"prompt": "what-matters-most", "kind": "votes", "votes": {"know-why": 6}},
                {"kind": "note", "text": "Too many people in the room, they said"},
            ],
        },
        headers={"Authorization": f"Bearer {stack.made['token']}"},  # type: ignore[attr-defined]
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    worded = [item["id"] for item in answer.json()["items"] if item["kind"] != "votes"]

    stack.wait_until(
        lambda: all(
            destroyed and redacted
            for item_id, _, redacted, destroyed in items(stack)
            if item_id in worded
        ),
        timeout=90,
        what="the session's words anonymised and their raw text destroyed",
    )
    stored = {item_id: (kind, redacted) for item_id, kind, redacted, _ in items(stack)}
    assert stored[worded[0]] == (
        "sticky_note",
        "Ring my mum on [PHONE] she never hears about the meeting",
    )
    assert stored[worded[1]] == ("note", "Too many people in the room, they said")
    assert all(destroyed for *_, destroyed in items(stack))

    refs = [f"fg-item:{item_id}" for item_id in worded]
    stack.wait_until(
        lambda: all(ref in theme_items(stack) for ref in refs),
        timeout=90,
        what="the theme suggester to register the session's items",
    )
    registered = theme_items(stack)
    assert [registered[ref][:2] for ref in refs] == [
        ("focus_group", "Ring my mum on [PHONE] she never hears about the meeting"),
        ("focus_group", "Too many people in the room, they said"),
    ]
    # The counts item has no words: nothing of it is there to code.
    assert not any("07700" in text for _, text, _ in registered.values())
    assert len(registered) == 2
