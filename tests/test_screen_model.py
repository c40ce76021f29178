"""The screen's learned model: shipped as a weight table that its training texts reproduce."""

from __future__ import annotations

import json

from survey_app.safeguarding.model import WEIGHTS, Model, model
from survey_app.safeguarding.normalise import normalise
from survey_app.safeguarding.train import TRAINING, fit


def test_the_shipped_weights_are_what_the_shipped_training_texts_give() -> None:
    shipped = model()
    table = fit()
    retrained = Model(
        float(table["intercept"]),  # type: ignore[arg-type]
        dict(table["weights"]),  # type: ignore[call-overload]
        float(table["review_at"]),  # type: ignore[arg-type]
        float(table["alert_at"]),  # type: ignore[arg-type]
    )
    rows = [json.loads(line) for line in TRAINING.read_text(encoding="utf-8").splitlines()]

    differences = [
        abs(
            shipped.probability(normalise(row["text"]), row["source"])
            - retrained.probability(normalise(row["text"]), row["source"])
        )
        for row in rows
    ]

    assert max(differences) < 0.01, f"retrain: python -m survey_app.safeguarding.train ({WEIGHTS})"
    assert abs(shipped.review_at - retrained.review_at) < 0.01
    assert abs(shipped.alert_at - retrained.alert_at) < 0.01


def test_the_model_reads_a_plain_disclosure_as_likely_and_small_talk_as_unlikely() -> None:
    learned = model()

    assert learned.probability(normalise("i keep a blade under my pillow to cut"), "child") > 0.5
    assert learned.probability(normalise("the chair was nice and it was short"), "child") < 0.2
