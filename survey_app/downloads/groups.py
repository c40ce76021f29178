"""Which responses a download is about: its filters, its councils and their response ids, and
whether each group may be published given what was published before."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from .. import operations
from ..caching import SharedCache
from ..definitions.model import PublicationSettings, SurveyDefinition
from ..inputs import has_control_characters
from ..models import Council, CountedMembers, CountedVersion, Distribution, SurveyResponse
from ..periods import Period, PeriodError, published_period
from ..privacy.disclosure import MemberSet, Publishing, Settlement
from .problems import FilterError, Refused, UnknownGroup

ALL_COUNCILS = "all"


@dataclass(frozen=True)
class GroupFilter:
    """Which responses a download is about, from its query string, as of when it was asked.

    council: a council's name, or None for every council the user may see.
    submitted_from, submitted_to: the first and last days of the one period wanted (None: the
    latest closed period).
    distribution: a distribution's code.
    asked_at: when the figures were asked for (the app's clock): only periods closed by then
    are published. Required for choosing a group (`requested_groups`).
    """

    council: str | None = None
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    distribution: str | None = None
    asked_at: dt.datetime | None = None

    @classmethod
    def from_query(cls, args: Mapping[str, str], asked_at: dt.datetime) -> GroupFilter:
        """Read `council`, `period`, `from`, `to` and `distribution`; blank means no filter.

        `period` names one whole period ("2026-Q3"); `from` and `to` must be its first and last
        days (checked against the survey's periods by `period`).
        """
        for name in ("council", "period", "from", "to", "distribution"):
            if has_control_characters(args.get(name) or ""):
                raise FilterError(f"'{name}' holds characters it cannot contain.")
        council = (args.get("council") or "").strip()
        distribution = (args.get("distribution") or "").strip()
        submitted_from = _date(args.get("from"), "from")
        submitted_to = _date(args.get("to"), "to")
        named = (args.get("period") or "").strip()
        if named:
            if submitted_from or submitted_to:
                raise FilterError("Ask for a 'period', or for 'from' and 'to', not both.")
            try:
                period = Period.parse(named)
            except PeriodError as problem:
                raise FilterError(str(problem)) from None
            submitted_from, submitted_to = period.start, period.end
        chosen = cls(
            council=None if council.lower() in ("", ALL_COUNCILS) else council,
            submitted_from=submitted_from,
            submitted_to=submitted_to,
            distribution=operations.normalise_code(distribution) if distribution else None,
            asked_at=asked_at,
        )
        if (
            chosen.submitted_from
            and chosen.submitted_to
            and chosen.submitted_from > chosen.submitted_to
        ):
            raise FilterError("The 'from' date is after the 'to' date.")
        return chosen

    def period(self, settings: PublicationSettings) -> Period:
        """The one closed period this filter is for; FilterError if it cuts a period, spans
        several, or asks for one not closed yet (see `periods.published_period`)."""
        if self.asked_at is None:
            # A group read without knowing which periods are closed could show an open one.
            raise ValueError("A filter for figures needs the time they were asked for.")
        try:
            return published_period(settings, self.asked_at, self.submitted_from, self.submitted_to)
        except PeriodError as problem:
            raise FilterError(str(problem)) from None

    def describe_period(self, settings: PublicationSettings) -> str:
        """The filter in words with the period it is for, for the ledger: the period is part
        of what every publication records."""
        where = f", distribution {self.distribution}" if self.distribution else ""
        return f"period {self.period(settings).key}{where}"


def in_period(period: Period) -> ColumnElement[bool]:
    """Responses sent in the period and counted before it closed (not late)."""
    return (SurveyResponse.period == period.key) & SurveyResponse.late.is_(False)


def _date(value: str | None, name: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"'{name}' is not a date: use YYYY-MM-DD.") from None


@dataclass(frozen=True)
class CouncilGroup:
    """The responses of one council that a download is about."""

    council_id: int
    name: str
    requested: frozenset[int]
    settlement: Settlement = field(default_factory=lambda: Settlement(frozenset()))
    # The version token of the council's counted responses when `requested` was read from them
    # (None when read response by response).
    version: str | None = None

    @property
    def members(self) -> frozenset[int]:
        return self.settlement.members


def councils_for(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
) -> tuple[list[tuple[int, str]], int | None]:
    """The councils (id, name) a download covers, and the filtered distribution's id if any.

    A council or distribution the user may not see is reported exactly like one that does not
    exist.
    """
    visible = None if council_ids is None else set(council_ids)
    query = (
        select(Council.id, Council.name)
        .join(Distribution, Distribution.council_id == Council.id)
        .where(Distribution.survey_id == definition.id)
        .distinct()
        .order_by(Council.name)
    )
    councils = [
        (council_id, name)
        for council_id, name in session.execute(query)
        if visible is None or council_id in visible
    ]
    if chosen.council is not None:
        named = [(i, name) for i, name in councils if name.lower() == chosen.council.lower()]
        if not named:
            # Suggested only from the councils this user sees in this survey: nothing leaks.
            close = operations.closest_councils([name for _, name in councils], chosen.council)
            hint = (" Did you mean " + " or ".join(f"'{n}'" for n in close) + "?") if close else ""
            raise UnknownGroup(
                f"There is no council called '{chosen.council}' in this survey.{hint}"
            )
        councils = named
    distribution_id = None
    if chosen.distribution is not None:
        distribution = session.scalar(
            select(Distribution).where(
                Distribution.code == chosen.distribution,
                Distribution.survey_id == definition.id,
            )
        )
        if distribution is None or distribution.council_id not in {i for i, _ in councils}:
            raise UnknownGroup(f"There is no distribution '{chosen.distribution}' here.")
        distribution_id = distribution.id
        councils = [(i, name) for i, name in councils if i == distribution.council_id]
    return councils, distribution_id


def responses_query(
    definition: SurveyDefinition,
    council_ids: list[int],
    chosen: GroupFilter,
    distribution_id: int | None,
    *columns: Any,
    anonymised: bool = False,
) -> Select[Any]:
    """Responses of the survey in these councils that match the filter and have been counted
    (and, for anonymised responses, anonymised too)."""
    query = (
        select(*columns)
        .join(Distribution, SurveyResponse.distribution_id == Distribution.id)
        .where(
            Distribution.survey_id == definition.id,
            Distribution.council_id.in_(council_ids),
            SurveyResponse.aggregated.is_(True),
        )
    )
    if anonymised:
        query = query.where(SurveyResponse.anonymised.is_(True))
    if chosen.asked_at is not None:
        settings = definition.publication
        query = query.where(in_period(chosen.period(settings)))
    if distribution_id is not None:
        query = query.where(Distribution.id == distribution_id)
    return query


def requested_groups(
    session: Session,
    definition: SurveyDefinition,
    councils: list[tuple[int, str]],
    chosen: GroupFilter,
    distribution_id: int | None,
    *,
    anonymised: bool = False,
) -> list[CouncilGroup]:
    """Each council's matching response ids: only those of one closed period, counted before
    it closed (`in_period`), read response by response.

    (The councils' bitmaps of every counted response cannot serve: they hold responses of the
    open period and late ones too.)
    """
    if chosen.asked_at is None:
        raise ValueError("A group of responses to publish needs the time it was asked for.")
    members: dict[int, set[int]] = defaultdict(set)
    if councils:
        query = responses_query(
            definition,
            [council_id for council_id, _ in councils],
            chosen,
            distribution_id,
            SurveyResponse.id,
            Distribution.council_id,
            anonymised=anonymised,
        )
        for response_id, council_id in session.execute(query):
            members[council_id].add(response_id)
    # As bitmaps, like everything they are compared with (one pass here, not one per earlier
    # group there).
    return [
        CouncilGroup(council_id, name, MemberSet.of(members[council_id]))
        for council_id, name in councils
    ]


# The last counted responses read for each (survey, council), with the version token they were
# read at. Tokens are random, so one read from another database never matches.
COUNTED_KEPT: SharedCache[tuple[str, MemberSet]] = SharedCache(256)


def counted_tokens(session: Session, survey_id: str, council_ids: list[int]) -> dict[int, str]:
    """Each council's version token now: it changes whenever a response there is counted."""
    return dict(
        session.execute(  # type: ignore[arg-type]
            select(CountedVersion.council_id, CountedVersion.token).where(
                CountedVersion.survey_id == survey_id, CountedVersion.council_id.in_(council_ids)
            )
        ).all()
    )


def counted_versions(
    session: Session, survey_id: str, council_ids: list[int]
) -> dict[int, tuple[str | None, MemberSet]]:
    """Each council's counted responses of a survey with the version token they were read at.

    The blocks are read only for councils whose token changed since this process last read
    them: otherwise a download reads a token per council, however many responses there are.
    """
    found: dict[int, tuple[str | None, MemberSet]] = {}
    for council_id, token in counted_tokens(session, survey_id, council_ids).items():
        kept = COUNTED_KEPT.get((survey_id, council_id))
        if kept is not None and kept[0] == token:
            found[council_id] = kept
    to_read = [council_id for council_id in council_ids if council_id not in found]
    if not to_read:
        return found
    # The blocks with the token they belong to, in one statement: one snapshot of both.
    blocks: dict[int, list[tuple[int, bytes]]] = defaultdict(list)
    tokens: dict[int, str | None] = {}
    for council_id, token, block, stored in session.execute(
        select(
            CountedMembers.council_id,
            CountedVersion.token,
            CountedMembers.block,
            CountedMembers.bits,
        )
        .outerjoin(
            CountedVersion,
            (CountedVersion.survey_id == CountedMembers.survey_id)
            & (CountedVersion.council_id == CountedMembers.council_id),
        )
        .where(CountedMembers.survey_id == survey_id, CountedMembers.council_id.in_(to_read))
    ):
        blocks[council_id].append((block, stored))
        tokens[council_id] = token
    for council_id, found_blocks in blocks.items():
        members = MemberSet.from_blocks(found_blocks)
        token = tokens[council_id]
        found[council_id] = (token, members)
        if token is not None:
            COUNTED_KEPT.keep((survey_id, council_id), (token, members))
    return found


def counted_parts(
    session: Session, survey_id: str, council_ids: list[int]
) -> dict[int, dict[tuple[str, str], MemberSet]]:
    """Each council's counted responses split by (wave, age band), from the bitmaps the
    workers keep apart per wave and band (a few blocks per part, not a row per response)."""
    blocks: dict[tuple[int, str, str], list[tuple[int, bytes]]] = defaultdict(list)
    if council_ids:
        for council_id, wave, band, block, stored in session.execute(
            select(
                CountedMembers.council_id,
                CountedMembers.wave,
                CountedMembers.age_band,
                CountedMembers.block,
                CountedMembers.bits,
            ).where(
                CountedMembers.survey_id == survey_id, CountedMembers.council_id.in_(council_ids)
            )
        ):
            blocks[(council_id, wave, band)].append((block, stored))
    parts: dict[int, dict[tuple[str, str], MemberSet]] = defaultdict(dict)
    for (council_id, wave, band), found in blocks.items():
        parts[council_id][(wave, band)] = MemberSet.from_blocks(found)
    return parts


def settle_groups(
    publishing: Publishing, groups: list[CouncilGroup], scope: str
) -> list[CouncilGroup]:
    """Settle each council's group in the output's unit of work (`Publishing.settle`).

    A group below the minimum base publishes no numbers, so it is neither checked nor recorded.
    Raises Refused if any group may not be published.
    """
    settled = []
    for group in groups:
        settlement = publishing.settle(group.requested, f"{group.name}, {scope}")
        if settlement.conflict is not None:
            raise Refused(settlement.conflict, publishing.rules)
        settled.append(
            CouncilGroup(group.council_id, group.name, group.requested, settlement, group.version)
        )
    return settled


def requested_download(
    publishing: Publishing,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    chosen: GroupFilter,
    scope: str,
    *,
    anonymised: bool = False,
) -> tuple[list[CouncilGroup], int | None]:
    """Choose a download's councils, read their groups and settle them: the first steps every
    download takes inside its unit of work. Returns the settled groups and the filtered
    distribution's id, if any. Raises UnknownGroup or Refused."""
    session = publishing.session
    councils, distribution_id = councils_for(session, definition, council_ids, chosen)
    groups = requested_groups(
        session, definition, councils, chosen, distribution_id, anonymised=anonymised
    )
    return settle_groups(publishing, groups, scope), distribution_id
