"""Finished responses saved the way the child journey saves them, for tests of what comes after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask

from survey_app.background import background_work
from survey_app.clock import clock_of
from survey_app.models import Distribution
from survey_app.respondent import drafts, journey, submission
from survey_app.respondent.journey import AGE_KEY, CODE_FROM_PAGE_KEY, PERSONAL_CODE_KEY


def submit(
    app: Flask,
    distribution: Distribution,
    *,
    age_band: str = "12-17",
    language: str = "en",
    enqueue: Callable[[int], None] | None = None,
    sealed: bool = False,
    **answers: Any,
) -> int:
    """Save a response to distribution through a draft and Send; returns the response's id.

    enqueue defaults to the app's own (the stub broker); pass another to hold messages back.
    The draft is written without the pages' mark, so Send opens it itself and the response
    holds its answers at once; sealed marks it as the pages mark a finished draft, so on
    PostgreSQL Send saves it sealed for the worker to open (`test_send_sealed`).
    """
    definition = app.extensions["surveys"][distribution.survey_id]
    vault = app.extensions["vault"]
    given = {AGE_KEY: age_band, **answers}
    if answers.get(PERSONAL_CODE_KEY):
        given[CODE_FROM_PAGE_KEY] = True  # as if typed on the code page
    with app.extensions["database"].session() as session:
        draft, token = drafts.start_draft(
            session, vault, distribution.id, language, False, dt.timedelta(hours=1)
        )
        state = drafts.DraftState(given, journey.steps(definition, given))
        sendable = journey.sendable_version(definition, given, []) if sealed else None
        drafts.write_draft(vault, draft, state, sendable)
        session.commit()
        outcome = submission.send_draft(
            session,
            definition,
            distribution.id,
            token,
            vault,
            enqueue or background_work(app).process_response,
            app.config.get("LINK_KEY"),
            sent_at=clock_of(app).now(),
        )
    assert outcome.status == submission.SENT, outcome
    assert outcome.response_id is not None
    return outcome.response_id
