"""Councils are managed records: an admin adds and renames them (on the Councils page or with
`survey-app councils`), and every other form and command picks an existing one."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from survey_app import operations
from survey_app.cli import PROJECT_ROOT, migrate_database
from survey_app.db import Database, make_engine
from survey_app.models import Council, Distribution, User
from tests.conftest import Auth, csrf_token, make_council, sign_in

COUNCILS = "/facilitator/councils/"
ADMIN = "admin@example.org"
SURVEY = "/facilitator/surveys/test-child"


def council_names(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(Council.name).order_by(Council.name)))


def post_form(client: FlaskClient, page: str, action: str, **fields: str) -> object:
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action, data={**fields, "csrf_token": token})


@pytest.fixture
def admin(auth: Auth) -> FlaskClient:
    return auth.as_new(ADMIN, role="admin")


# The domain rule -------------------------------------------------------------------------------


def test_the_closest_councils_are_near_spellings_then_names_holding_what_was_typed() -> None:
    names = ["Norfolk", "Suffolk (demo)", "Essex", "North Yorkshire"]

    assert operations.closest_councils(names, "Narfolk")[0] == "Norfolk"
    assert operations.closest_councils(names, "suffolk ") == ["Suffolk (demo)"]
    assert operations.closest_councils(names, "Cornwall") == []


def test_naming_a_council_that_does_not_exist_never_makes_one(database: Database) -> None:
    with database.session() as session:
        make_council(session, "Norfolk")
        with pytest.raises(operations.OperationError, match="Did you mean 'Norfolk'"):
            operations.council_named(session, "Narfolk")
        assert operations.council_named(session, "  norfolk ").name == "Norfolk"
        session.commit()

    assert council_names(database) == ["Norfolk"]


def test_a_council_is_made_once_whatever_the_case_or_spaces(database: Database) -> None:
    with database.session() as session:
        operations.create_council(session, "  Suffolk  County ")
        with pytest.raises(operations.OperationError, match="already a council called"):
            operations.create_council(session, "suffolk county")
        session.commit()

    assert council_names(database) == ["Suffolk County"]


@pytest.mark.parametrize("app_each_db", ["sqlite", "postgresql"], indirect=True)
def test_names_beyond_a_to_z_are_told_apart_ignoring_case_on_every_database(
    app_each_db: Flask,
) -> None:
    database: Database = app_each_db.extensions["database"]
    with database.session() as session:
        operations.create_council(session, "Ynys Môn")
        with pytest.raises(operations.OperationError, match="already a council"):
            operations.create_council(session, "YNYS MÔN")
        assert operations.council_named(session, "ynys MÔN").name == "Ynys Môn"


@pytest.mark.parametrize("app_each_db", ["sqlite", "postgresql"], indirect=True)
def test_the_database_refuses_two_councils_differing_only_in_case(app_each_db: Flask) -> None:
    database: Database = app_each_db.extensions["database"]
    with database.session() as session:
        session.add(Council(name="Suffolk"))
        session.commit()
        session.add(Council(name="SUFFOLK"))
        with pytest.raises(IntegrityError):
            session.commit()


# The admins' page ------------------------------------------------------------------------------


def test_an_admin_adds_a_council_and_it_is_offered_on_the_distribution_form(
    admin: FlaskClient, database: Database
) -> None:
    added = post_form(admin, COUNCILS, COUNCILS, name="  Suffolk ")

    assert added.status_code == 303
    assert "Council Suffolk added." in admin.get(COUNCILS).get_data(as_text=True)
    assert council_names(database) == ["Suffolk"]
    form = admin.get(SURVEY).get_data(as_text=True)
    assert '<select id="council" name="council">' in form
    assert '<option value="Suffolk">Suffolk</option>' in form
    assert 'list="councils"' not in form


def test_a_council_differing_only_in_case_is_refused_keeping_what_was_typed(
    admin: FlaskClient, database: Database
) -> None:
    post_form(admin, COUNCILS, COUNCILS, name="Suffolk")

    refused = post_form(admin, COUNCILS, COUNCILS, name="suffolk ")

    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "<h2>There is a problem</h2>" in page
    assert "<title>Error: Councils" in page
    assert '<a href="#name">There is already a council called &#39;Suffolk&#39;.</a>' in page
    assert 'id="name-error"' in page
    assert re.search(r'id="name" name="name" value="suffolk "[^>]*aria-invalid="true"', page)
    assert council_names(database) == ["Suffolk"]


def test_a_council_without_a_name_is_refused_beside_the_name_box(
    admin: FlaskClient, database: Database
) -> None:
    refused = post_form(admin, COUNCILS, COUNCILS, name="   ")

    assert refused.status_code == 400
    assert '<a href="#name">A council needs a name.</a>' in refused.get_data(as_text=True)
    assert council_names(database) == []


def test_an_admin_renames_a_council_and_its_distributions_and_staff_follow(
    admin: FlaskClient, database: Database, make_distribution: Callable[..., Distribution]
) -> None:
    made = make_distribution(council_name="Sufolk")
    with database.session() as session:
        council_id = session.scalar(select(Council.id).where(Council.name == "Sufolk"))
        operations.create_user(session, "lead@example.org", "x" * 12, "council_lead", "Sufolk")
        session.commit()

    renamed = post_form(admin, COUNCILS, f"{COUNCILS}{council_id}/rename", name="Suffolk")

    assert renamed.status_code == 303
    assert "Council Sufolk renamed to Suffolk." in admin.get(COUNCILS).get_data(as_text=True)
    with database.session() as session:
        distribution = operations.distribution_by_code(session, made.code)
        assert distribution is not None and distribution.council.name == "Suffolk"
        lead = session.scalars(select(User).where(User.email == "lead@example.org")).one()
        assert lead.council is not None and lead.council.name == "Suffolk"
    assert council_names(database) == ["Suffolk"]


def test_renaming_onto_another_councils_name_is_refused_beside_that_councils_box(
    admin: FlaskClient, database: Database
) -> None:
    with database.session() as session:
        make_council(session, "Norfolk")
        suffolk = make_council(session, "Suffolk").id
        session.commit()

    refused = post_form(admin, COUNCILS, f"{COUNCILS}{suffolk}/rename", name="NORFOLK")

    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert f'<a href="#name-{suffolk}">There is already a council called' in page
    assert f'id="name-{suffolk}-error"' in page
    assert f'id="name-{suffolk}" name="name" value="NORFOLK"' in page
    assert council_names(database) == ["Norfolk", "Suffolk"]


def test_adding_a_council_without_a_csrf_token_is_refused(
    admin: FlaskClient, database: Database
) -> None:
    refused = admin.post(COUNCILS, data={"name": "Forged"})

    assert refused.status_code == 400
    assert council_names(database) == []


@pytest.mark.parametrize("role", ["facilitator", "council_lead", "safeguarding_lead"])
def test_the_councils_page_is_not_found_for_anyone_but_admins(
    client: FlaskClient, make_user: Callable[..., User], database: Database, role: str
) -> None:
    with database.session() as session:
        norfolk = make_council(session, "Norfolk").id
        session.commit()
    make_user(
        "someone@example.org", role=role, council="Norfolk" if role != "facilitator" else None
    )
    assert sign_in(client, "someone@example.org").status_code == 302
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    token = csrf_token(home)

    assert client.get(COUNCILS).status_code == 404
    assert client.post(COUNCILS, data={"name": "Essex", "csrf_token": token}).status_code == 404
    renamed = client.post(
        f"{COUNCILS}{norfolk}/rename", data={"name": "Essex", "csrf_token": token}
    )
    assert renamed.status_code == 404
    assert council_names(database) == ["Norfolk"]
    assert 'href="/facilitator/councils/"' not in home


def test_an_admin_sees_the_councils_link_and_signed_out_visitors_are_sent_to_sign_in(
    client: FlaskClient, auth: Auth
) -> None:
    signed_out = client.get(COUNCILS)
    assert signed_out.status_code == 302
    assert "/facilitator/login" in signed_out.headers["Location"]

    admin = auth.as_new(ADMIN, role="admin")

    assert 'href="/facilitator/councils/"' in admin.get("/facilitator/").get_data(as_text=True)


def test_renaming_a_council_that_does_not_exist_is_not_found(admin: FlaskClient) -> None:
    token = csrf_token(admin.get(COUNCILS).get_data(as_text=True))

    answer = admin.post(f"{COUNCILS}4242/rename", data={"name": "Essex", "csrf_token": token})

    assert answer.status_code == 404


# The distribution form -------------------------------------------------------------------------


def test_a_council_not_in_the_list_is_refused_with_the_closest_and_no_council_is_made(
    auth: Auth, database: Database
) -> None:
    with database.session() as session:
        make_council(session, "Norfolk")
        session.commit()
    facilitator = auth.as_new()

    refused = post_form(
        facilitator,
        SURVEY,
        f"{SURVEY}/distributions",
        council="Narfolk",
        label="CP conferences",
        opens_on="2099-01-02",
    )

    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert '<a href="#council">There is no council called &#39;Narfolk&#39;.' in page
    assert "Did you mean &#39;Norfolk&#39;?" in page
    assert re.search(r'<select id="council" name="council" aria-describedby="council-error"', page)
    assert 'id="label" name="label" value="CP conferences"' in page
    assert 'name="opens_on" value="2099-01-02"' in page
    assert council_names(database) == ["Norfolk"]


def test_a_facilitator_who_chooses_no_council_is_told_to_choose_one(
    auth: Auth, database: Database
) -> None:
    with database.session() as session:
        make_council(session, "Norfolk")
        session.commit()
    facilitator = auth.as_new()

    refused = post_form(facilitator, SURVEY, f"{SURVEY}/distributions", council="", label="CP")

    assert refused.status_code == 400
    assert '<a href="#council">Choose a council.</a>' in refused.get_data(as_text=True)


def test_the_form_says_there_are_no_councils_yet_instead_of_offering_an_empty_list(
    auth: Auth,
) -> None:
    page = auth.as_new().get(SURVEY).get_data(as_text=True)

    assert "There are no councils yet" in page
    assert '<select id="council"' not in page


# Migration 0011 --------------------------------------------------------------------------------


def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    return config


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'councils.db'}"
    return request.getfixturevalue("postgres_server").create_database(
        f"councils_{uuid.uuid4().hex[:8]}"
    )


def _insert(url: str, name: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("insert into councils (name) values (:name)"), {"name": name}
            )
    finally:
        engine.dispose()


def test_the_migration_keeps_councils_and_then_refuses_a_name_differing_only_in_case(
    migrated_url: str,
) -> None:
    command.upgrade(_alembic(migrated_url), "0010")
    _insert(migrated_url, "Suffolk")

    migrate_database(migrated_url)

    with pytest.raises(IntegrityError):
        _insert(migrated_url, "suffolk")
    command.downgrade(_alembic(migrated_url), "0010")
    _insert(migrated_url, "suffolk")
    engine = make_engine(migrated_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(Council.__table__)).scalar()
    engine.dispose()
    assert count == 2


def test_the_migration_names_councils_differing_only_in_case_instead_of_failing_obscurely(
    migrated_url: str,
) -> None:
    command.upgrade(_alembic(migrated_url), "0010")
    _insert(migrated_url, "Suffolk")
    _insert(migrated_url, "SUFFOLK")

    with pytest.raises(RuntimeError, match="differ only in case.*suffolk"):
        migrate_database(migrated_url)


def test_the_download_and_export_filters_pick_a_council_from_those_with_distributions(
    research_admin: FlaskClient, make_distribution: Callable[..., Distribution]
) -> None:
    # The export form is there only where the research extract is on, for an admin.
    make_distribution(council_name="Suffolk")
    make_distribution(council_name="Norfolk", label="Reviews")

    page = research_admin.get(SURVEY).get_data(as_text=True)

    for control in ("filter-council", "export-council"):
        found = re.search(rf'<select id="{control}" name="council">(.*?)</select>', page, re.S)
        assert found, f"{control} is not a list to choose from"
        assert re.findall(r'<option value="([^"]*)"', found.group(1)) == ["", "Norfolk", "Suffolk"]
    assert 'list="download-councils"' not in page


def test_two_admins_adding_the_same_council_at_once_get_a_message_not_a_server_error(
    postgres_server: object,
) -> None:
    url = postgres_server.create_database(f"race_{uuid.uuid4().hex[:8]}")  # type: ignore[attr-defined]
    migrate_database(url)
    database = Database.from_url(url)
    outcome: list[object] = []
    try:
        with database.session() as first:
            operations.create_council(first, "Suffolk")  # written, not yet committed

            def second_admin() -> None:
                with database.session() as second:
                    try:
                        # Sees no Suffolk yet, so its insert waits on the first one's index entry.
                        operations.create_council(second, "SUFFOLK")
                        second.commit()
                        outcome.append("added")
                    except operations.OperationError as error:
                        outcome.append(str(error))

            racing = threading.Thread(target=second_admin)
            racing.start()
            racing.join(timeout=1)
            first.commit()
        racing.join(timeout=30)

        assert outcome == ["There is already a council called 'Suffolk'."]
        assert council_names(database) == ["Suffolk"]
    finally:
        database.engine.dispose()
