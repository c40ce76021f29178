"""Finished responses saved the way the child journey saves them, for tests of what comes after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from survey_app import operations
from survey_app.journey import AGE_KEY
from survey_app.models import Distribution


def submit(
    app: Flask,
    distribution: Distribution,
    *,
    age_band: str = "12-17",
    language: str = "en",
    enqueue: Callable[[int], None] | None = None,
    **answers: Any,
) -> int:
    """Save a response to distribution and send it for processing; returns its id.

    enqueue defaults to the app's own (the stub broker); pass another to hold messages back.
    """
    definition = app.extensions["surveys"][distribution.survey_id]
    state = operations.DraftState({AGE_KEY: age_band, **answers}, [])
    with app.extensions["database"].session() as session:
        response = operations.build_response(
            definition, distribution, app.extensions["vault"], state, language
        )
        return operations.submit_response(
            session, response, None, enqueue or app.extensions["enqueue"]
        )
