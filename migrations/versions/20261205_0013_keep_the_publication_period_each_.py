"""Keep the fixed publication period each response was sent in, and whether it was counted only
after that period closed (then it is in no published table), so a closed period's tables never
change; existing responses get the period of the day they were sent, under their survey's period

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 20:00:00
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
import yaml
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _period_key(kind: str, day: dt.date) -> str:
    """The period's name as the app writes it (survey_app.periods.Period.key), written out here
    so this revision keeps meaning what it meant when the app changes."""
    if kind == "day":
        return f"{day:%Y-%m-%d}"
    if kind == "month":
        return f"{day:%Y-%m}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _period_kind(source: str | None) -> str:
    """The survey's `publication: period:` (quarter when it says none or cannot be read)."""
    try:
        document = yaml.safe_load(source or "") or {}
    except yaml.YAMLError:
        return "quarter"
    publication = document.get("publication") if isinstance(document, dict) else None
    kind = publication.get("period") if isinstance(publication, dict) else None
    return kind if kind in ("day", "month", "quarter") else "quarter"


def upgrade() -> None:
    with op.batch_alter_table(
        "responses", schema=None, reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.add_column(sa.Column("period", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    connection = op.get_bind()
    surveys = connection.execute(sa.text("SELECT id, source FROM surveys")).all()
    for survey_id, source in surveys:
        kind = _period_kind(source)
        days = connection.execute(
            sa.text(
                "SELECT DISTINCT responses.submitted_on FROM responses "
                "JOIN distributions ON distributions.id = responses.distribution_id "
                "WHERE distributions.survey_id = :survey_id"
            ),
            {"survey_id": survey_id},
        ).scalars()
        for day in list(days):
            if isinstance(day, str):  # SQLite hands dates back as text here
                day = dt.date.fromisoformat(day)
            connection.execute(
                sa.text(
                    "UPDATE responses SET period = :period WHERE submitted_on = :day "
                    "AND distribution_id IN "
                    "(SELECT id FROM distributions WHERE survey_id = :survey_id)"
                ),
                {"period": _period_key(kind, day), "day": day, "survey_id": survey_id},
            )
    with op.batch_alter_table(
        "responses", schema=None, reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.alter_column("period", existing_type=sa.String(length=10), nullable=False)
        batch_op.create_index(batch_op.f("ix_responses_period"), ["period"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table(
        "responses", schema=None, reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responses_period"))
        batch_op.drop_column("late")
        batch_op.drop_column("period")
