"""Count per wave and age band: band and wave become part of the key of every counts table
(answers, bases, totals and the bitmaps of counted responses), recomputed from stored answers.

An age band's options are its own scale (the same option id may be other words there), and a
before/after survey's waves are never added together, so counts keyed without them could not
be taken apart again. The tables hold nothing but what the stored answers say, so they are
rebuilt from the responses rather than altered in place (the same on SQLite and PostgreSQL).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 20:00:00
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BLOCK_BITS = 16
BLOCK_BYTES = 1 << (BLOCK_BITS - 3)
TABLES = ("answer_counts", "question_bases", "distribution_totals", "counted_members")


def upgrade() -> None:
    _drop_counts()
    _create_counts(per_wave_and_band=True)
    _recount(per_wave_and_band=True)


def downgrade() -> None:
    _drop_counts()
    _create_counts(per_wave_and_band=False)
    _recount(per_wave_and_band=False)


def _drop_counts() -> None:
    for table in ("answer_counts", "question_bases"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_council_id"))
            batch_op.drop_index(batch_op.f(f"ix_{table}_survey_id"))
    for table in TABLES:
        op.drop_table(table)


def _create_counts(*, per_wave_and_band: bool) -> None:
    """The four counts tables, keyed with wave and age band (or, going down, as before)."""
    wave = [sa.Column("wave", sa.String(length=40), server_default="", nullable=False)]
    extra = wave if per_wave_and_band else []
    keyed = ("wave",) if per_wave_and_band else ()

    def references(table: str) -> list[sa.ForeignKeyConstraint]:
        return [
            sa.ForeignKeyConstraint(
                ["council_id"], ["councils.id"], name=op.f(f"fk_{table}_council_id_councils")
            ),
            sa.ForeignKeyConstraint(
                ["distribution_id"],
                ["distributions.id"],
                name=op.f(f"fk_{table}_distribution_id_distributions"),
            ),
            sa.ForeignKeyConstraint(
                ["survey_id"], ["surveys.id"], name=op.f(f"fk_{table}_survey_id_surveys")
            ),
        ]

    op.create_table(
        "answer_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("distribution_id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("option", sa.String(length=100), nullable=False),
        sa.Column("age_band", sa.String(length=40), nullable=False),
        *extra,
        sa.Column("count", sa.Integer(), nullable=False),
        *references("answer_counts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_counts")),
        sa.UniqueConstraint(
            "distribution_id",
            "question_id",
            "option",
            "age_band",
            *keyed,
            name="uq_answer_counts_cell",
        ),
    )
    op.create_table(
        "question_bases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("distribution_id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("age_band", sa.String(length=40), nullable=False),
        *[sa.Column(c.name, c.type, server_default="", nullable=False) for c in extra],
        sa.Column("base", sa.Integer(), nullable=False),
        *references("question_bases"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_bases")),
        sa.UniqueConstraint(
            "distribution_id", "question_id", "age_band", *keyed, name="uq_question_bases_cell"
        ),
    )
    for table in ("answer_counts", "question_bases"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_council_id"), ["council_id"])
            batch_op.create_index(batch_op.f(f"ix_{table}_survey_id"), ["survey_id"])
    banded = ("age_band", "wave") if per_wave_and_band else ()
    op.create_table(
        "distribution_totals",
        sa.Column("distribution_id", sa.Integer(), nullable=False),
        *[
            sa.Column(name, sa.String(length=40), server_default="", nullable=False)
            for name in banded
        ],
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["distributions.id"],
            name=op.f("fk_distribution_totals_distribution_id_distributions"),
        ),
        sa.PrimaryKeyConstraint("distribution_id", *banded, name=op.f("pk_distribution_totals")),
    )
    members_key = ("wave", "age_band") if per_wave_and_band else ()
    op.create_table(
        "counted_members",
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        *[
            sa.Column(name, sa.String(length=40), server_default="", nullable=False)
            for name in members_key
        ],
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_counted_members_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_counted_members_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint(
            "survey_id", "council_id", *members_key, "block", name=op.f("pk_counted_members")
        ),
    )


def _answer_cells(answers: Any) -> tuple[list[tuple[str, str]], list[str]]:
    """What the workers count of one response (as `answers.answer_cells` did at this revision)."""
    cells: list[tuple[str, str]] = []
    for question_id, value in (answers or {}).items():
        chosen = value if isinstance(value, list) else [value]
        cells.extend((question_id, str(option)) for option in dict.fromkeys(map(str, chosen)))
    return cells, list(answers or {})


def _recount(*, per_wave_and_band: bool) -> None:
    """Fill the counts tables from every counted response's stored answers."""
    bind = op.get_bind()
    metadata = sa.MetaData()
    tables = {name: sa.Table(name, metadata, autoload_with=bind, resolve_fks=False) for name in TABLES}
    responses = sa.Table("responses", metadata, autoload_with=bind, resolve_fks=False)
    distributions = sa.Table("distributions", metadata, autoload_with=bind, resolve_fks=False)
    counts: dict[tuple[Any, ...], int] = defaultdict(int)
    bases: dict[tuple[Any, ...], int] = defaultdict(int)
    totals: dict[tuple[Any, ...], int] = defaultdict(int)
    blocks: dict[tuple[Any, ...], bytearray] = defaultdict(lambda: bytearray(BLOCK_BYTES))
    query = (
        sa.select(
            responses.c.id,
            responses.c.answers,
            responses.c.age_band,
            responses.c.wave,
            responses.c.superseded,
            distributions.c.id,
            distributions.c.council_id,
            distributions.c.survey_id,
        )
        .join(distributions, responses.c.distribution_id == distributions.c.id)
        .where(responses.c.aggregated.is_(True))
    )
    for response_id, answers, band, wave, superseded, distribution, council, survey in bind.execute(
        query
    ):
        split = (wave or "", band or "") if per_wave_and_band else ()
        block = blocks[(survey, council, *split, response_id >> BLOCK_BITS)]
        offset = response_id & ((1 << BLOCK_BITS) - 1)
        block[offset >> 3] |= 1 << (offset & 7)
        if superseded:
            # Replaced by the same practitioner's later answer to the same wave: a member of
            # the council's counted responses, but not counted.
            continue
        cells, questions = _answer_cells(answers)
        where = (distribution, council, survey, band or "", *split[:1])
        for question_id, option in cells:
            counts[(*where, question_id, option)] += 1
        for question_id in questions:
            bases[(*where, question_id)] += 1
        totals[
            (distribution, band or "", wave or "") if per_wave_and_band else (distribution,)
        ] += 1
    head = ["distribution_id", "council_id", "survey_id", "age_band"]
    head += ["wave"] if per_wave_and_band else []
    _insert(tables["answer_counts"], [*head, "question_id", "option", "count"], counts)
    _insert(tables["question_bases"], [*head, "question_id", "base"], bases)
    totals_key = (
        ["distribution_id", "age_band", "wave"] if per_wave_and_band else ["distribution_id"]
    )
    _insert(tables["distribution_totals"], [*totals_key, "responses"], totals)
    members_key = ["survey_id", "council_id"]
    members_key += ["wave", "age_band"] if per_wave_and_band else []
    _insert(
        tables["counted_members"],
        [*members_key, "block", "bits"],
        {(*key, bytes(bits)): None for key, bits in blocks.items()},
    )
    # New version tokens: a web process that kept a council's counted responses reads them again.
    versions = sa.Table("counted_versions", metadata, autoload_with=bind, resolve_fks=False)
    known = set()
    for survey_id, council_id in bind.execute(
        sa.select(versions.c.survey_id, versions.c.council_id)
    ).all():
        known.add((survey_id, council_id))
        bind.execute(
            versions.update()
            .where(versions.c.survey_id == survey_id, versions.c.council_id == council_id)
            .values(token=uuid.uuid4().hex)
        )
    missing = sorted({(key[0], key[1]) for key in blocks} - known)
    if missing:
        bind.execute(
            versions.insert(),
            [{"survey_id": s, "council_id": c, "token": uuid.uuid4().hex} for s, c in missing],
        )


def _insert(table: sa.Table, columns: list[str], rows: dict[tuple[Any, ...], Any]) -> None:
    """Insert rows given as {key columns...: last column} (or keys holding every column)."""
    values = [
        dict(zip(columns, key if value is None else (*key, value), strict=True))
        for key, value in rows.items()
    ]
    if values:
        op.get_bind().execute(table.insert(), values)
