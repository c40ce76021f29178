"""Train the screen's second opinion: `python -m survey_app.safeguarding.train`.

Reads data/training.jsonl (texts written for this project; see data/README.md), fits a logistic
regression on binary word, word-pair and word-piece features, prints five-fold cross-validated
figures at the thresholds the screen uses, and writes data/weights.json. Needs scikit-learn,
which is only needed here, never at run time.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from .model import DATA, WEIGHTS, features
from .normalise import normalise

TRAINING = DATA / "training.jsonl"
# The thresholds are set where, in five-fold cross-validation on the training texts, this share
# of the no_risk texts (written to be hard) would be raised to review, and to alert.
REVIEW_FALSE_RATE = 0.08
ALERT_FALSE_RATE = 0.03
# Small weights are dropped from the shipped table: they change no decision and cost lookups.
SMALLEST_WEIGHT = 1e-3
REGULARISATION = 2.0


def load() -> tuple[list[set[str]], list[int], list[str]]:
    """Features, targets (risk or uncertain = 1) and labels of the training texts."""
    rows = [json.loads(line) for line in TRAINING.read_text(encoding="utf-8").splitlines() if line]
    return (
        [features(normalise(row["text"]), row["source"]) for row in rows],
        [int(row["label"] != "no_risk") for row in rows],
        [row["label"] for row in rows],
    )


def fit(report: bool = False) -> dict[str, object]:
    """The weight table (as written to weights.json) that the training texts give."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    found, targets, labels = load()
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform([dict.fromkeys(feature, 1) for feature in found])
    classifier = LogisticRegression(C=REGULARISATION, max_iter=2000, class_weight="balanced")
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=9)
    predicted = cross_val_predict(classifier, matrix, targets, cv=folds, method="predict_proba")
    negatives = sorted(p[1] for p, lab in zip(predicted, labels, strict=True) if lab == "no_risk")
    review_at = negatives[int(len(negatives) * (1 - REVIEW_FALSE_RATE))]
    alert_at = negatives[int(len(negatives) * (1 - ALERT_FALSE_RATE))]
    if report:
        print(
            f"thresholds from cross-validation: review at {review_at:.3f}, alert at {alert_at:.3f}"
        )
        for label in ("risk", "uncertain", "no_risk"):
            chosen = [p[1] for p, lab in zip(predicted, labels, strict=True) if lab == label]
            review = sum(p >= review_at for p in chosen) / len(chosen)
            alert = sum(p >= alert_at for p in chosen) / len(chosen)
            print(
                f"{label:<10} {len(chosen):>4} texts: cross-validated >= review {review:.1%}, "
                f">= alert {alert:.1%}"
            )
    classifier.fit(matrix, targets)
    names = vectoriser.get_feature_names_out()
    weights = {
        str(name): round(float(weight), 4)
        for name, weight in zip(names, classifier.coef_[0], strict=True)
        if abs(weight) >= SMALLEST_WEIGHT
    }
    return {
        "review_at": round(float(review_at), 4),
        "alert_at": round(float(alert_at), 4),
        "intercept": round(float(classifier.intercept_[0]), 4),
        "weights": dict(sorted(weights.items())),
    }


def main(argv: Sequence[str] | None = None) -> int:
    table = fit(report=True)
    WEIGHTS.write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(table['weights'])} weights to {WEIGHTS}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
