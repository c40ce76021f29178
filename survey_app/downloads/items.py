"""items.csv: every written answer as an item of its own (the question, council, publication
period and redacted text), never linked to the same person's other answers, in a random order.

Why not rows of whole responses (issue 10): a row holds one child's every answer, so anyone who
can tell one row from the rest (by flooding the public link with answers they know and
downloading again) reads that child's whole set of answers. An item carries nothing that links
it to another item: no response id, no distribution, age band, language or day, and its place
in the file is drawn by a cryptographic shuffle each time, so neither column nor order ties two
items to one person. Counts and cross-tabulations stay with the aggregate downloads, through
disclosure control.

Items follow the one period rule of every other download (survey_app/periods.py): they are
published per council for one whole closed publication period of the survey (the period each
response was stored with when it was sent, closed per the survey's `publication` settings at the
app clock's now; the latest closed one unless `?period=` names another), and a request for part
of a period or an open one is refused. While a period is open, answers sent to it could be
isolated by comparing a download before and after someone answered (the flood-and-isolate
attack), so nothing about it is published until no one can add to it. Each council's closed
period is a group of the publishing unit of work: fewer responses than the minimum base, or too
close to a group already published, and its items are withheld, with a row saying so (never how
many). Counting items counts the people who wrote an answer: a question with 1 to 7 written
answers in a group shows none, like a hidden count, and with no note, so it looks like a
question nobody answered in writing.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definitions.model import SurveyDefinition
from ..models import Distribution, FreeText, Publication, SurveyResponse
from ..periods import Period
from ..privacy.disclosure import Audit, DisclosureRules, publishing
from .groups import GroupFilter, councils_for, responses_query
from .problems import FilterError

ITEM_COLUMNS = ["question", "council", "period", "answer", "note"]

TOO_FEW = "too-few"
TOO_CLOSE = "too-close"
HELD_BACK = "held-back"
WITHHELD_WORDS = {
    TOO_FEW: "Too few responses in this council and period: its written answers are not shown.",
    TOO_CLOSE: "Too close to figures already published about these responses: its written "
    "answers are not shown.",
    HELD_BACK: "Some responses that arrived late are held back from this period, so that "
    "comparing with an earlier download shows nothing about them.",
}


@dataclass(frozen=True)
class Withheld:
    """A council's period whose items are not shown, and why (a key of `WITHHELD_WORDS`)."""

    council: str
    period: Period
    reason: str


@dataclass(frozen=True)
class PublishedItems:
    """The council groups of one closed period whose items a user may have, and those
    withheld."""

    definition: SurveyDefinition
    period: Period
    # (council's name, response ids) of each group published.
    groups: tuple[tuple[str, frozenset[int]], ...]
    withheld: tuple[Withheld, ...]
    publications: tuple[Publication, ...] = ()

    @property
    def members(self) -> frozenset[int]:
        return frozenset().union(*(members for _, members in self.groups))


def publish_items(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
    requested_by_id: int | None,
    *,
    audit: Audit | None = None,
) -> PublishedItems:
    """Check and record the councils' groups of one closed period whose written answers a user
    asked for; the caller commits, then streams `item_rows`.

    The period is the filter's (`GroupFilter.period`: one whole closed period, the latest by
    default). Raises FilterError for part of a period, an open one or a distribution,
    UnknownGroup for a council the user may not see.
    """
    if chosen.distribution:
        raise FilterError(
            "Written answers come by council and whole period: choose a council, or none, "
            "and a period, without a distribution."
        )
    period = chosen.period(definition.publication)
    rules = DisclosureRules.of(definition)
    visible = None if council_ids is None else list(council_ids)
    councils, _ = councils_for(session, definition, visible, chosen)
    by_council: dict[int, set[int]] = defaultdict(set)
    if councils:
        query = responses_query(
            definition,
            [council_id for council_id, _ in councils],
            chosen,
            None,
            SurveyResponse.id,
            Distribution.council_id,
            anonymised=True,
        )
        for response_id, council_id in session.execute(query):
            by_council[council_id].add(response_id)
    published: list[tuple[str, frozenset[int]]] = []
    withheld: list[Withheld] = []
    with publishing(session, definition.id, rules, requested_by_id, audit=audit) as unit:
        # `councils` comes in name order; a council with no responses in the period has nothing
        # to say.
        for council_id, name in councils:
            requested = by_council.get(council_id)
            if not requested:
                continue
            scope = f"{name}, period {period.key} (written answers)"
            settlement = unit.settle(frozenset(requested), scope)
            if settlement.conflict is not None:
                withheld.append(Withheld(name, period, TOO_CLOSE))
                continue
            if not settlement.members:
                withheld.append(Withheld(name, period, TOO_FEW))
                continue
            if settlement.held_back:
                withheld.append(Withheld(name, period, HELD_BACK))
            unit.show_rows(settlement.members, scope)
            published.append((name, settlement.members))
    return PublishedItems(
        definition, period, tuple(published), tuple(withheld), tuple(unit.recorded)
    )


def item_rows(session: Session, published: PublishedItems) -> list[list[object]]:
    """One row per published written answer (redacted, never raw), in a cryptographically
    random order, then a row for each council's period withheld (in council order: those rows
    are about groups, not children)."""
    wording = {question.id: question.text.en for question in published.definition.questions}
    rules = DisclosureRules.of(published.definition)
    key = published.period.key
    rows: list[list[object]] = []
    for name, members in published.groups:
        by_question: dict[str, list[str]] = defaultdict(list)
        for _, question_id, redacted in _redacted_items(session, members):
            if question_id in wording:
                by_question[question_id].append(redacted)
        for question_id, answers in by_question.items():
            # Counting items counts the people who wrote: 1 to 7 is a small count, hidden like
            # any other (and without a note, so that it looks the same as none at all).
            if len(answers) < rules.suppress_below:
                continue
            rows.extend([wording[question_id], name, key, text, ""] for text in answers)
    # The order responses arrived in (or their ids) would tie items of one person together:
    # each download draws a fresh order from the operating system's random source.
    secrets.SystemRandom().shuffle(rows)
    for gap in published.withheld:
        rows.append(["", gap.council, gap.period.key, "", WITHHELD_WORDS[gap.reason]])
    return rows


def _redacted_items(
    session: Session, members: frozenset[int], batch_size: int = 1000
) -> Iterator[tuple[int, str, str]]:
    """The redacted written answers of these responses (an answer whose analysis failed has no
    redaction and stays out, and so does one a later answer to the same wave replaced, as it is
    left out of every count)."""
    ids = sorted(members)
    for start in range(0, len(ids), batch_size):
        yield from session.execute(  # type: ignore[misc]
            select(FreeText.response_id, FreeText.question_id, FreeText.redacted)
            .join(SurveyResponse, SurveyResponse.id == FreeText.response_id)
            .where(
                FreeText.response_id.in_(ids[start : start + batch_size]),
                FreeText.redacted.is_not(None),
                FreeText.redacted != "",
                SurveyResponse.superseded.is_(False),
            )
        )


def item_notes(definition: SurveyDefinition) -> list[str]:
    """What the notes below an items spreadsheet say."""
    rules = DisclosureRules.of(definition)
    return [
        f"Written answers to {definition.title.en}, each on its own: nothing links one answer "
        "to another answer from the same person, and the order is random on every download. "
        "Answers are shown only in redacted form.",
        f"Each download is about one whole publication period ({definition.publication.period}), "
        "shown once it has closed; a council's period is shown only if it has at least "
        f"{rules.minimum_base} responses; a question is shown for it only if at least "
        f"{rules.suppress_below} people wrote an answer to it (otherwise none, or too few to "
        "count, wrote one).",
    ]
