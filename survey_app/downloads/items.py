"""items.csv: every written answer as an item of its own (the question, council, quarter and
redacted text), never linked to the same person's other answers, in a random order.

Why not rows of whole responses (issue 10): a row holds one child's every answer, so anyone who
can tell one row from the rest (by flooding the public link with answers they know and
downloading again) reads that child's whole set of answers. An item carries nothing that links
it to another item: no response id, no distribution, age band, language or day, and its place
in the file is drawn by a cryptographic shuffle each time, so neither column nor order ties two
items to one person. Counts and cross-tabulations stay with the aggregate downloads, through
disclosure control.

Items are published per council and quarter, and only for quarters that have closed
(`CLOSES_AFTER` after they end): while a quarter is open, answers sent to it could be isolated
by comparing a download before and after someone answered (the flood-and-isolate attack), so
nothing about it is published until no one can add to it. Each council's closed quarter is a
group of the publishing unit of work: fewer responses than the minimum base, or too close to a
group already published, and its items are withheld, with a row saying so (never how many).
Counting items counts the people who wrote an answer: a question with 1 to 7 written answers in
a group shows none, like a hidden count, and with no note, so it looks like a question nobody
answered in writing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definitions.model import SurveyDefinition
from ..models import Distribution, FreeText, Publication, SurveyResponse
from ..privacy.disclosure import Audit, DisclosureRules, publishing
from .groups import GroupFilter, councils_for, responses_query
from .problems import FilterError

ITEM_COLUMNS = ["question", "council", "quarter", "answer", "note"]
# A quarter closes this long after its last day: answers sent on its last days are counted and
# anonymised by then, so nothing is added to a quarter once its items have been published.
CLOSES_AFTER = dt.timedelta(days=14)

OPEN = "open"
TOO_FEW = "too-few"
TOO_CLOSE = "too-close"
HELD_BACK = "held-back"
WITHHELD_WORDS = {
    OPEN: "This quarter has not closed yet: its written answers are published once it has "
    "(two weeks after it ends), when no one can add to it any more.",
    TOO_FEW: "Too few responses in this council and quarter: its written answers are not shown.",
    TOO_CLOSE: "Too close to figures already published about these responses: its written "
    "answers are not shown.",
    HELD_BACK: "Some responses that arrived late are held back from this quarter, so that "
    "comparing with an earlier download shows nothing about them.",
}


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: its year and number (1-4)."""

    year: int
    number: int

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    def closed_on(self, today: dt.date) -> bool:
        """Whether the quarter has closed: no answer can be added to it any more."""
        return today > self.last_day + CLOSES_AFTER

    def __str__(self) -> str:
        return f"{self.year} Q{self.number}"


@dataclass(frozen=True)
class Withheld:
    """A council's quarter whose items are not shown, and why (a key of `WITHHELD_WORDS`)."""

    council: str
    quarter: Quarter
    reason: str


@dataclass(frozen=True)
class PublishedItems:
    """The council/quarter groups whose items a user may have, and those withheld."""

    definition: SurveyDefinition
    # (council's name, quarter, response ids) of each group published.
    groups: tuple[tuple[str, Quarter, frozenset[int]], ...]
    withheld: tuple[Withheld, ...]
    publications: tuple[Publication, ...] = ()

    @property
    def members(self) -> frozenset[int]:
        return frozenset().union(*(members for _, _, members in self.groups))


def publish_items(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
    requested_by_id: int | None,
    *,
    today: dt.date,
    audit: Audit | None = None,
) -> PublishedItems:
    """Check and record the council/quarter groups whose written answers a user asked for; the
    caller commits, then streams `item_rows`.

    Only a council may be chosen (items come in whole council-quarters). Raises FilterError for
    dates or a distribution, UnknownGroup for a council the user may not see.
    """
    if chosen.submitted_from or chosen.submitted_to or chosen.distribution:
        raise FilterError(
            "Written answers come by council and whole quarter: choose a council, or none, "
            "without dates or a distribution."
        )
    rules = DisclosureRules.of(definition)
    visible = None if council_ids is None else list(council_ids)
    councils, _ = councils_for(session, definition, visible, chosen)
    names = dict(councils)
    by_group: dict[tuple[int, Quarter], set[int]] = defaultdict(set)
    if councils:
        query = responses_query(
            definition,
            list(names),
            chosen,
            None,
            SurveyResponse.id,
            Distribution.council_id,
            SurveyResponse.submitted_on,
            anonymised=True,
        )
        for response_id, council_id, submitted_on in session.execute(query):
            by_group[(council_id, Quarter.of(submitted_on))].add(response_id)
    published: list[tuple[str, Quarter, frozenset[int]]] = []
    withheld: list[Withheld] = []
    with publishing(session, definition.id, rules, requested_by_id, audit=audit) as unit:
        for (council_id, quarter), requested in sorted(
            by_group.items(), key=lambda item: (names[item[0][0]], item[0][1])
        ):
            name = names[council_id]
            if not quarter.closed_on(today):
                withheld.append(Withheld(name, quarter, OPEN))
                continue
            scope = f"{name}, {quarter} (written answers)"
            settlement = unit.settle(frozenset(requested), scope)
            if settlement.conflict is not None:
                withheld.append(Withheld(name, quarter, TOO_CLOSE))
                continue
            if not settlement.members:
                withheld.append(Withheld(name, quarter, TOO_FEW))
                continue
            if settlement.held_back:
                withheld.append(Withheld(name, quarter, HELD_BACK))
            unit.show_rows(settlement.members, scope)
            published.append((name, quarter, settlement.members))
    return PublishedItems(definition, tuple(published), tuple(withheld), tuple(unit.recorded))


def item_rows(session: Session, published: PublishedItems) -> list[list[object]]:
    """One row per published written answer (redacted, never raw), in a cryptographically
    random order, then a row for each council's quarter withheld (in council, quarter order:
    those rows are about groups, not children)."""
    wording = {question.id: question.text.en for question in published.definition.questions}
    rules = DisclosureRules.of(published.definition)
    rows: list[list[object]] = []
    for name, quarter, members in published.groups:
        by_question: dict[str, list[str]] = defaultdict(list)
        for _, question_id, redacted in _redacted_items(session, members):
            if question_id in wording:
                by_question[question_id].append(redacted)
        for question_id, answers in by_question.items():
            # Counting items counts the people who wrote: 1 to 7 is a small count, hidden like
            # any other (and without a note, so that it looks the same as none at all).
            if len(answers) < rules.suppress_below:
                continue
            rows.extend([wording[question_id], name, str(quarter), text, ""] for text in answers)
    # The order responses arrived in (or their ids) would tie items of one person together:
    # each download draws a fresh order from the operating system's random source.
    secrets.SystemRandom().shuffle(rows)
    for gap in published.withheld:
        rows.append(["", gap.council, str(gap.quarter), "", WITHHELD_WORDS[gap.reason]])
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
        f"A council's quarter is shown once it has closed and only if it has at least "
        f"{rules.minimum_base} responses; a question is shown for it only if at least "
        f"{rules.suppress_below} people wrote an answer to it (otherwise none, or too few to "
        "count, wrote one).",
    ]
