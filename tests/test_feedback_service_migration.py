"""Migration 0021 seals a complaint's service with its words from now on: services imported
before it, kept as typed (a name could be in one), are cleared, and so are the theme items'
prompts read from them, on SQLite and PostgreSQL; going back down gives the old shape again."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from survey_app.cli import PROJECT_ROOT
from survey_app.db import make_engine


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.db'}"
    return request.getfixturevalue("postgres_server").create_database(
        f"feedback_{uuid.uuid4().hex[:8]}"
    )


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    return config


def test_services_kept_as_typed_before_are_cleared_with_the_theme_items_read_from_them(
    database_url: str,
) -> None:
    config = _alembic(database_url)
    command.upgrade(config, "0020")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        run = connection.execute
        run(sa.text("insert into councils (id, name) values (1, 'Suffolk')"))
        run(
            sa.text(
                "insert into feedback_items (id, council_id, received_month, kind, sender,"
                " service, row_key, redacted) values"
                " (1, 1, '2026-11', 'complaint', 'parent', 'Jo Pemberton''s team', 'a', 'Late'),"
                " (2, 1, '2026-11', 'compliment', 'child', 'Advocacy', 'b', 'Kind'),"
                " (3, 1, '2026-11', 'comment', 'carer', '', 'c', 'Long forms')"
            )
        )
        run(
            sa.text(
                "insert into theme_items (id, source, ref, council_id, month, prompt, text,"
                " cell_key) values"
                " (1, 'feedback', 'feedback:1', 1, '2026-11-01', 'Jo Pemberton''s team',"
                " 'Late', 7),"
                " (2, 'feedback', 'feedback:2', 1, '2026-11-01', 'Advocacy', 'Kind', 8),"
                " (3, 'feedback', 'feedback:3', 1, '2026-11-01', 'Comment', 'Long forms', 9),"
                " (4, 'survey', 'answer:1', 1, '2026-11-01', 'What would help?', 'More', 10)"
            )
        )

    command.upgrade(config, "0021")

    with engine.connect() as connection:
        services = connection.execute(
            sa.text("select id, service, service_ciphertext from feedback_items order by id")
        ).all()
        prompts = connection.execute(sa.text("select id, prompt from theme_items order by id"))
        assert [tuple(row) for row in services] == [(1, "", None), (2, "", None), (3, "", None)]
        assert [tuple(row) for row in prompts] == [
            (1, "Complaint"),
            (2, "Compliment"),
            (3, "Comment"),
            (4, "What would help?"),  # another voice's prompt is left as it was
        ]
    # A service still sealed has no redaction yet: the database refuses both at once.
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(
            sa.text(
                "update feedback_items set service = 'Fostering', service_ciphertext = :sealed"
                " where id = 1"
            ),
            {"sealed": b"sealed"},
        )

    command.downgrade(config, "0020")
    with engine.connect() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("feedback_items")}
    assert "service_ciphertext" not in columns and "service" in columns
    engine.dispose()
