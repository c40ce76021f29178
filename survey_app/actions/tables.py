"""Actions as rows, for the CSV and XLSX downloads of an action plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping

from ..models import Action
from .evidence import Evidence
from .measure import Measure
from .records import REGION_WORDS

ACTION_COLUMNS = [
    "id",
    "council",
    "you_said",
    "we_did",
    "status",
    "themes",
    "owner_role",
    "evidence",
    "evidence_quotes",
    "evidence_figures",
    "acted_on",
    "due_on",
    "recorded_on",
    "approved_on",
    "child_languages",
    "measure",
    "measure_before",
    "measure_after",
]


def action_rows(
    actions: Iterable[Action],
    measures: Mapping[int, Measure] | None = None,
    evidence: Evidence | None = None,
) -> Iterator[list[object]]:
    """One row per action; the measure's published figures before and after its day, by period
    ("2026-Q2: 35 of 50 (70.0%); 2026-Q3: too few answers to tell"); the approved quotes it
    points to ("12: the words"), and its figures as published now."""
    evidence = evidence or Evidence()
    for action in actions:
        measure = (measures or {}).get(action.id)
        quotes = evidence.quotes.get(action.id, [])
        figures = evidence.figures.get(action.id, [])
        yield [
            action.id,
            action.council.name if action.council else REGION_WORDS,
            action.you_said,
            action.we_did,
            action.status,
            " ".join(action.themes or []),
            action.owner_role,
            action.evidence,
            "; ".join(f"{quote.id}: {quote.text}" for quote in quotes),
            "; ".join(f"{figure.reference}: {figure.in_words}" for figure in figures),
            _day(action.acted_on),
            _day(action.due_on),
            _day(action.created_on),
            _day(action.approved_on),
            " ".join(text.language for text in action.texts),
            measure.label if measure else "",
            _points(measure, "before"),
            _points(measure, "after"),
        ]


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def _points(measure: Measure | None, side: str) -> str:
    if measure is None:
        return ""
    return "; ".join(f"{p.period}: {p.in_words}" for p in measure.points if p.side == side)
