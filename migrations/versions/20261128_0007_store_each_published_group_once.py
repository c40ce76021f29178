"""Store each published group of responses once, named by its digest, with its merged cell
records; publications point at their group. Give each council's counted-responses bitmap a
version token.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from survey_app.privacy.disclosure.cells import decode_cells, encode_cells, merge
from survey_app.privacy.disclosure.members import decode_members, encode_members

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    groups = op.create_table(
        "published_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("members", sa.LargeBinary(), nullable=False),
        sa.Column("scope", sa.String(length=300), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("cells", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_published_members_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_members")),
        sa.UniqueConstraint("survey_id", "digest", name="uq_published_members_group"),
    )
    op.create_index(
        op.f("ix_published_members_survey_id"), "published_members", ["survey_id"], unique=False
    )
    versions = op.create_table(
        "counted_versions",
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_counted_versions_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_counted_versions_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("survey_id", "council_id", name=op.f("pk_counted_versions")),
    )
    counted = bind.execute(
        sa.text("select distinct survey_id, council_id from counted_members")
    ).all()
    if counted:
        op.bulk_insert(
            versions,
            [{"survey_id": s, "council_id": c, "token": uuid.uuid4().hex} for s, c in counted],
        )

    with op.batch_alter_table("publications") as batch:
        batch.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
    _fill_groups(bind, groups)

    kept_links = _set_aside_export_links(bind)
    with op.batch_alter_table("publications") as batch:
        batch.alter_column("group_id", existing_type=sa.Integer(), nullable=False)
        batch.create_index(batch.f("ix_publications_group_id"), ["group_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_publications_group_id_published_members"),
            "published_members",
            ["group_id"],
            ["id"],
        )
        batch.drop_column("members")
    _restore_export_links(bind, kept_links)


def _set_aside_export_links(bind: sa.Connection) -> list[dict[str, int]]:
    """SQLite rebuilds a table to change its columns, and refuses to drop a table that rows of
    another still point at: the export links step aside meanwhile (elsewhere they stay)."""
    if bind.dialect.name != "sqlite":
        return []
    links = bind.execute(sa.text("select export_id, publication_id from export_publications"))
    kept = [{"export_id": e, "publication_id": p} for e, p in links]
    bind.execute(sa.text("delete from export_publications"))
    return kept


def _restore_export_links(bind: sa.Connection, kept: list[dict[str, int]]) -> None:
    if kept:
        bind.execute(
            sa.text(
                "insert into export_publications (export_id, publication_id) "
                "values (:export_id, :publication_id)"
            ),
            kept,
        )


# Publications read at a time: a region's stored group can be a few hundred KB.
PAGE = 200


def _fill_groups(bind: sa.Connection, groups: sa.Table) -> None:
    """One group per distinct set of ids per survey (oldest publication's scope and date), the
    cell records of its publications merged oldest first; each publication pointed at it.
    Publications are read a page at a time, and a stored form already seen is not decoded
    again."""
    publications = sa.table(
        "publications",
        sa.column("id", sa.Integer),
        sa.column("survey_id", sa.String),
        sa.column("members", sa.LargeBinary),
        sa.column("scope", sa.String),
        sa.column("published_on", sa.Date),
        sa.column("cells", sa.LargeBinary),
    )
    made: dict[tuple[str, str], tuple[int, bytes | None]] = {}
    digests: dict[bytes, str] = {}  # SHA-256 of a stored form -> the digest of its ids
    last = 0
    while True:
        rows = bind.execute(
            sa.select(publications)
            .where(publications.c.id > last)
            .order_by(publications.c.id)
            .limit(PAGE)
        ).all()
        if not rows:
            return
        for publication_id, survey_id, stored, scope, published_on, cells in rows:
            last = publication_id
            seen = hashlib.sha256(stored).digest()
            members = None
            if seen not in digests:
                members = decode_members(stored)
                digests[seen] = members.digest
            key = (survey_id, digests[seen])
            if key not in made:
                members = members if members is not None else decode_members(stored)
                group_id = bind.execute(
                    groups.insert()
                    .values(
                        survey_id=survey_id,
                        digest=members.digest,
                        size=len(members),
                        members=encode_members(members),
                        scope=scope,
                        published_on=published_on,
                        cells=cells,
                    )
                    .returning(groups.c.id)
                ).scalar_one()
                made[key] = (group_id, cells)
            else:
                group_id, merged = made[key]
                if cells is not None:
                    combined = merge([decode_cells(merged), decode_cells(cells)])
                    assert combined is not None
                    merged = encode_cells(combined)
                    bind.execute(
                        groups.update().where(groups.c.id == group_id).values(cells=merged)
                    )
                    made[key] = (group_id, merged)
            bind.execute(
                sa.text("update publications set group_id = :group_id where id = :id"),
                {"group_id": group_id, "id": publication_id},
            )


def downgrade() -> None:
    bind = op.get_bind()
    kept_links = _set_aside_export_links(bind)
    with op.batch_alter_table("publications") as batch:
        batch.add_column(sa.Column("members", sa.LargeBinary(), nullable=True))
    bind.execute(
        sa.text(
            "update publications set members = (select g.members from published_members g "
            "where g.id = publications.group_id)"
        )
    )
    with op.batch_alter_table("publications") as batch:
        batch.alter_column("members", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_constraint(
            batch.f("fk_publications_group_id_published_members"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_publications_group_id"))
        batch.drop_column("group_id")
    _restore_export_links(bind, kept_links)
    op.drop_table("counted_versions")
    op.drop_index(op.f("ix_published_members_survey_id"), table_name="published_members")
    op.drop_table("published_members")
