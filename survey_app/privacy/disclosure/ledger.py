"""The record of what was published: read the groups already out, record a new one.

Takes a session and never commits: the view that publishes commits once the whole output has
been checked and recorded, so a refused output records nothing.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...models import Publication, Survey
from .cells import CellRecord, decode_cells, encode_cells, merge
from .differencing import PublishedGroup
from .members import MemberSet, decode_members, encode_members

SCOPE_LENGTH = 300


# A stored group never changes, and the same groups are read (and the same whole-council groups
# recorded) download after download: keep the last few decoded and encoded.
@functools.lru_cache(maxsize=64)
def _decoded(stored: bytes) -> MemberSet:
    return decode_members(stored)


@functools.lru_cache(maxsize=64)
def _encoded(members: MemberSet) -> bytes:
    return encode_members(members)


def lock_publishing(session: Session, survey_id: str) -> None:
    """Let one output of this survey be checked and recorded at a time, until the transaction
    ends. Two downloads checked side by side could each pass against the ledger and still differ
    from each other by a few responses.

    A no-op UPDATE of the survey's row: on PostgreSQL it takes the row's lock; on SQLite it takes
    the database's write lock, which also keeps the counts still while the output is read.
    """
    session.execute(update(Survey).where(Survey.id == survey_id).values(version=Survey.version))


def published_groups(session: Session, survey_id: str) -> list[PublishedGroup]:
    """Every group published for the survey, oldest first; the same group published again is
    read once."""
    groups: dict[bytes, PublishedGroup] = {}
    for members, scope, published_on, cells in session.execute(
        select(Publication.members, Publication.scope, Publication.published_on, Publication.cells)
        .where(Publication.survey_id == survey_id)
        .order_by(Publication.id)
    ):
        found = groups.get(members)
        if found is None:
            groups[members] = PublishedGroup(
                _decoded(members), scope, published_on, decode_cells(cells)
            )
        elif cells is not None:
            merged = merge([found.cells, decode_cells(cells)])
            groups[members] = replace(found, cells=merged)
    return list(groups.values())


def record_publication(
    session: Session,
    survey_id: str,
    members: frozenset[int],
    scope: str,
    requested_by_id: int | None,
    cells: CellRecord | None = None,
) -> Publication:
    """Record that figures about the group `members` left the service (and, for a table, the
    exact counts behind the numbers it showed)."""
    publication = Publication(
        survey_id=survey_id,
        scope=scope[:SCOPE_LENGTH],
        requested_by_id=requested_by_id,
        group_size=len(members),
        members=_encoded(members) if isinstance(members, MemberSet) else encode_members(members),
        cells=encode_cells(cells) if cells is not None else None,
    )
    session.add(publication)
    return publication
