"""The record of what was published: read the groups already out, record a new one.

Each distinct group of responses is stored once (`PublishedMembers`, named by the digest of its
ids) with the exact counts any output showed about it; each time it is published adds only a
small `Publication` row. Reading the ledger reads one row per distinct group and decodes a
group's ids only the first time this process sees it, so a download costs the same however many
responses the groups hold and however often they were published before.

Takes a session and never commits: the view that publishes commits once the whole output has
been checked and recorded, so a refused output records nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...caching import SharedCache
from ...models import Publication, PublishedMembers, Survey
from .cells import CellRecord, decode_cells, encode_cells, merge
from .differencing import PublishedGroup
from .members import MemberSet, decode_members, encode_members

SCOPE_LENGTH = 300


# Decoded groups by digest (a digest names one set of ids in any database, so what is kept is
# never stale); 64 MB: a few hundred groups of a million-response survey.
KEPT_GROUPS: SharedCache[MemberSet] = SharedCache(
    64 * 1024 * 1024, lambda members: members.size_in_bytes
)


def lock_publishing(session: Session, survey_id: str) -> None:
    """Let one output of this survey be checked and recorded at a time, until the transaction
    ends. Two downloads checked side by side could each pass against the ledger and still differ
    from each other by a few responses.

    A no-op UPDATE of the survey's row: on PostgreSQL it takes the row's lock; on SQLite it takes
    the database's write lock, which also keeps the counts still while the output is read.
    """
    session.execute(update(Survey).where(Survey.id == survey_id).values(version=Survey.version))


def published_groups(session: Session, survey_id: str) -> list[PublishedGroup]:
    """Every distinct group published for the survey, in the order first published."""
    rows = session.execute(
        select(
            PublishedMembers.digest,
            PublishedMembers.scope,
            PublishedMembers.published_on,
            PublishedMembers.cells,
        )
        .where(PublishedMembers.survey_id == survey_id)
        .order_by(PublishedMembers.id)
    ).all()
    found = {digest: KEPT_GROUPS.get(digest) for digest, *_ in rows}
    missing = [digest for digest, members in found.items() if members is None]
    if missing:
        for digest, stored in session.execute(
            select(PublishedMembers.digest, PublishedMembers.members).where(
                PublishedMembers.survey_id == survey_id, PublishedMembers.digest.in_(missing)
            )
        ):
            members = decode_members(stored)
            if members.digest != digest:
                raise ValueError(f"A stored group of responses does not match its name {digest}.")
            KEPT_GROUPS.keep(digest, members)
            found[digest] = members
    return [
        PublishedGroup(found[digest], scope, published_on, decode_cells(cells))  # type: ignore[arg-type]
        for digest, scope, published_on, cells in rows
    ]


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
    return record_publications(session, survey_id, requested_by_id, [(members, scope, cells)])[0]


def record_publications(
    session: Session,
    survey_id: str,
    requested_by_id: int | None,
    published: Sequence[tuple[frozenset[int], str, CellRecord | None]],
) -> list[Publication]:
    """Record the groups (members, scope, exact counts shown or None) one output published:
    a new group's ids are stored once, a known group's cell record gains the counts shown."""
    named = [(MemberSet.of(members), scope, cells) for members, scope, cells in published]
    digests = {members.digest for members, _, _ in named}
    # Groups recorded earlier in this transaction and not yet written, then those stored.
    known = {
        pending.digest: pending
        for pending in session.new
        if isinstance(pending, PublishedMembers)
        and pending.survey_id == survey_id
        and pending.digest in digests
    }
    with session.no_autoflush:
        known.update(
            (group.digest, group)
            for group in session.scalars(
                select(PublishedMembers).where(
                    PublishedMembers.survey_id == survey_id,
                    PublishedMembers.digest.in_(digests - set(known)),
                )
            )
        )
    publications = []
    for members, scope, cells in named:
        KEPT_GROUPS.keep(members.digest, members)
        group = known.get(members.digest)
        if group is None:
            group = known[members.digest] = PublishedMembers(
                survey_id=survey_id,
                digest=members.digest,
                size=len(members),
                members=encode_members(members),
                scope=scope[:SCOPE_LENGTH],
                cells=encode_cells(cells) if cells is not None else None,
            )
            session.add(group)
        elif cells is not None:
            merged = merge([decode_cells(group.cells), cells])
            assert merged is not None
            stored = encode_cells(merged)
            if stored != group.cells:
                group.cells = stored
        publication = Publication(
            survey_id=survey_id,
            scope=scope[:SCOPE_LENGTH],
            requested_by_id=requested_by_id,
            group_size=len(members),
            group=group,
            cells=encode_cells(cells) if cells is not None else None,
        )
        session.add(publication)
        publications.append(publication)
    return publications
