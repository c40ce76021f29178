"""The operator's command line, run as an operator would: settings from SURVEY_* variables."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from survey_app import operations
from survey_app.crypto import TextVault
from survey_app.db import Database
from survey_app.models import Distribution
from tests.conftest import PUBLIC_URL

TEST_SURVEYS = Path(__file__).parent / "data" / "surveys"
PASSWORD = "a long enough password"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    opened = Database.from_url(database_url)
    yield opened
    opened.engine.dispose()


def test_check_accepts_a_folder_of_valid_surveys(run):
    result = run("check", str(TEST_SURVEYS))

    assert result.exit_code == 0, result.output
    shown = re.escape(str(TEST_SURVEYS / "test-child.yaml"))
    assert re.search(rf"^ok\s+{shown}\s+test-child v1$", result.output, re.M)


def test_check_names_the_file_line_and_field_of_a_mistake_and_fails(run, tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    broken.mkdir()
    source = (TEST_SURVEYS / "test-child.yaml").read_text()
    assert source.count("kind: face_scale") == 1
    (broken / "test-child.yaml").write_text(source.replace("kind: face_scale", "kind: slider"))
    line = source.splitlines().index("        kind: face_scale") + 1

    monkeypatch.chdir(tmp_path)
    result = run("check", "broken")

    assert result.exit_code == 1
    assert re.search(
        rf"^broken/test-child\.yaml:{line}: pages\[2\]\.questions\[0\]\.kind: \S.*$",
        result.output,
        re.M,
    ), result.output
    assert "ok " not in result.output


def test_surveys_lists_the_surveys_as_json(run):
    result = run("surveys", "--json")

    assert result.exit_code == 0, result.output
    listed = {survey["id"]: survey for survey in json.loads(result.output)}
    assert set(listed) == {"test-child"}
    assert (
        listed["test-child"]["audience"],
        listed["test-child"]["title"],
        listed["test-child"]["version"],
    ) == ("child", "Your meeting", 1)


def test_schema_prints_a_json_schema_of_the_survey_format(run):
    result = run("schema")

    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert "$schema" in schema
    assert "pages" in schema["properties"]


def test_distribute_makes_a_link_and_qr_files_for_a_council(run, database):
    assert run("councils", "create", "Suffolk").exit_code == 0
    result = run(
        "distribute",
        "test-child",
        "--council",
        "Suffolk",
        "--label",
        "CP conferences, Ipswich",
        "--json",
    )

    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    assert made["url"] == f"{PUBLIC_URL}/s/{made['code']}"
    assert Path(made["qr_svg"]).read_text().lstrip().startswith(("<?xml", "<svg"))
    assert Path(made["qr_png"]).read_bytes().startswith(b"\x89PNG")
    with database.session() as session:
        distribution = operations.distribution_by_code(session, made["code"])
        assert distribution is not None
        assert (distribution.survey_id, distribution.council.name, distribution.label) == (
            "test-child",
            "Suffolk",
            "CP conferences, Ipswich",
        )


def test_distribute_refuses_a_survey_that_does_not_exist(run):
    result = run("distribute", "no-such-survey", "--council", "Suffolk", "--label", "Anything")

    assert result.exit_code == 1
    assert "There is no survey 'no-such-survey'." in result.output


def test_distribute_refuses_a_closing_date_already_past_naming_it_and_today(run, database):
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    today = yesterday + dt.timedelta(days=1)

    result = run(
        "distribute",
        "test-child",
        "--council",
        "Suffolk",
        "--label",
        "CP conferences, Ipswich",
        "--closes",
        yesterday.isoformat(),
    )

    assert result.exit_code != 0
    assert f"The closing date {yesterday.isoformat()} has already passed" in result.output
    assert f"today is {today.isoformat()}" in result.output
    with database.session() as session:
        assert session.query(Distribution).count() == 0


def test_a_user_created_from_the_command_line_can_sign_in(run, database):
    result = run(
        "users",
        "create",
        "x@example.org",
        "--role",
        "facilitator",
        "--password-stdin",
        input=PASSWORD + "\n",
    )

    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    with database.session() as session:
        user = operations.authenticate(
            session, "x@example.org", PASSWORD, 5, dt.timedelta(minutes=15)
        )
        assert (user.email, user.role) == ("x@example.org", "facilitator")


def test_a_council_lead_cannot_be_created_without_a_council(run):
    result = run(
        "users",
        "create",
        "lead@example.org",
        "--role",
        "council_lead",
        "--password-stdin",
        input=PASSWORD + "\n",
    )

    assert result.exit_code == 1
    assert "A council lead needs --council." in result.output


def test_a_token_created_from_the_command_line_finds_its_account(run, database):
    run(
        "users",
        "create",
        "x@example.org",
        "--role",
        "facilitator",
        "--password-stdin",
        input=PASSWORD + "\n",
    )

    result = run("tokens", "create", "x@example.org")

    assert result.exit_code == 0, result.output
    token = result.output.strip()
    with database.session() as session:
        user = operations.user_for_token(session, token)
        assert user is not None
        assert user.email == "x@example.org"


def test_keys_prints_a_secret_key_a_text_key_that_works_and_a_link_key(run):
    result = run("keys")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3
    assert lines[2].startswith("SURVEY_LINK_KEY=") and len(lines[2]) > 40
    assert lines[0].startswith("SURVEY_SECRET_KEY=")
    assert len(lines[0].partition("=")[2]) >= 32
    name, _, text_key = lines[1].partition("=")
    assert name == "SURVEY_TEXT_KEY"
    vault = TextVault(text_key)
    assert vault.open(vault.seal("a secret")) == "a secret"
    assert run("keys").output != result.output


def test_distribute_with_a_wave_makes_a_link_for_that_wave_and_refuses_an_unknown_one(
    run, tmp_path
):
    import os

    shipped = str(Path(__file__).parent.parent / "survey_definitions")
    env = {"SURVEY_SURVEY_DIR": shipped}
    assert run("councils", "create", "Norfolk").exit_code == 0
    made = run(
        "distribute",
        "practitioner-skills",
        "--council",
        "Norfolk",
        "--label",
        "Programme",
        "--wave",
        "meeting_one",
        "--json",
        env=env,
    )
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["wave"] == "meeting_one"
    refused = run(
        "distribute",
        "practitioner-skills",
        "--council",
        "Norfolk",
        "--label",
        "Programme",
        "--wave",
        "meeting_nine",
        env=env,
    )
    assert refused.exit_code != 0
    assert "not a wave of this survey" in refused.output
    assert os.path.exists(json.loads(made.output)["qr_svg"])


def create(run: Callable[..., Result], email: str = "x@example.org") -> None:
    made = run(
        "users", "create", email, "--role", "facilitator", "--password-stdin", input=PASSWORD
    )
    assert made.exit_code == 0, made.output


def test_a_deactivated_user_can_no_longer_sign_in_or_use_their_tokens(run, database):
    create(run)
    token = run("tokens", "create", "x@example.org").output.strip()

    result = run("users", "deactivate", "x@example.org")

    assert result.exit_code == 0, result.output
    assert "1 API token(s) revoked" in result.output
    with database.session() as session:
        assert operations.user_for_token(session, token) is None
        with pytest.raises(operations.LoginRefused):
            operations.authenticate(session, "x@example.org", PASSWORD, 5, dt.timedelta(minutes=15))


def test_deactivating_an_unknown_account_says_so_and_fails(run):
    result = run("users", "deactivate", "nobody@example.org")

    assert result.exit_code == 1
    assert "There is no account for nobody@example.org." in result.output


def test_a_new_password_from_the_command_line_replaces_the_old_one(run, database):
    create(run)

    result = run(
        "users",
        "set-password",
        "x@example.org",
        "--password-stdin",
        input="another long password\n",
    )

    assert result.exit_code == 0, result.output
    with database.session() as session:
        assert operations.authenticate(
            session, "x@example.org", "another long password", 5, dt.timedelta(minutes=15)
        )
        with pytest.raises(operations.LoginRefused):
            operations.authenticate(session, "x@example.org", PASSWORD, 5, dt.timedelta(minutes=15))


def test_tokens_list_shows_ids_and_dates_but_never_a_token(run, database):
    create(run)
    first = run("tokens", "create", "x@example.org").output.strip()
    second = run("tokens", "create", "x@example.org").output.strip()
    with database.session() as session:
        operations.user_for_token(session, second)  # used today
        session.commit()

    result = run("tokens", "list", "x@example.org")

    assert result.exit_code == 0, result.output
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert result.output.splitlines() == [
        "id\tcreated\tlast used",
        f"1\t{today}\tnever",
        f"2\t{today}\t{today}",
    ]
    assert first not in result.output and second not in result.output
    assert first[3:10] not in result.output


def test_tokens_revoke_by_id_revokes_only_that_token(run, database):
    create(run)
    first = run("tokens", "create", "x@example.org").output.strip()
    second = run("tokens", "create", "x@example.org").output.strip()

    result = run("tokens", "revoke", "1")

    assert result.exit_code == 0, result.output
    assert "revoked API token 1 of x@example.org" in result.output
    with database.session() as session:
        assert operations.user_for_token(session, first) is None
        assert operations.user_for_token(session, second) is not None


def test_tokens_revoke_for_a_user_revokes_all_of_theirs_and_no_one_elses(run, database):
    create(run)
    create(run, "y@example.org")
    mine = [run("tokens", "create", "x@example.org").output.strip() for _ in range(2)]
    theirs = run("tokens", "create", "y@example.org").output.strip()

    result = run("tokens", "revoke", "--user", "x@example.org")

    assert result.exit_code == 0, result.output
    assert "revoked 2 API token(s) of x@example.org" in result.output
    with database.session() as session:
        assert [operations.user_for_token(session, token) for token in mine] == [None, None]
        assert operations.user_for_token(session, theirs) is not None


def test_tokens_revoke_needs_an_id_or_a_user_and_says_when_there_is_no_such_token(run):
    assert run("tokens", "revoke").exit_code == 2
    missing = run("tokens", "revoke", "99")
    assert missing.exit_code == 1
    assert "There is no API token 99." in missing.output


def test_check_refuses_a_band_that_reuses_an_option_id_with_other_words_and_no_directions(
    run, tmp_path, monkeypatch
):
    broken = tmp_path / "broken"
    broken.mkdir()
    source = (TEST_SURVEYS / "test-child.yaml").read_text()
    (broken / "test-child.yaml").write_text(
        re.sub(r", direction: (negative|neutral|positive)", "", source)
    )
    line = (
        source.splitlines().index(
            '              - {id: sad, label: {en: "Not good", pl: "Źle", ar: "ليس جيدًا"}, '
            "direction: negative}"
        )
        + 1
    )

    monkeypatch.chdir(tmp_path)
    result = run("check", "broken")

    assert result.exit_code == 1
    assert re.search(
        rf"^broken/test-child\.yaml:{line}: pages\[2\]\.questions\[0\]\.bands\.8-11\.options\[0\]"
        r"\.direction: Option 'sad' has other words",
        result.output,
        re.M,
    ), result.output


def test_schema_says_an_option_may_declare_which_way_it_leans(run):
    schema = json.loads(run("schema").output)

    option = schema["properties"]["pages"]["items"]["properties"]["questions"]["items"][
        "properties"
    ]["options"]["items"]
    assert option["properties"]["direction"] == {
        "type": "string",
        "enum": ["negative", "neutral", "positive"],
    }


# Councils ----------------------------------------------------------------------------------


def test_councils_are_created_listed_and_renamed_from_the_command_line(run):
    assert run("councils", "create", "  Sufolk ").output == "created council Sufolk\n"
    assert run("councils", "create", "Norfolk").exit_code == 0

    renamed = run("councils", "rename", "sufolk", "Suffolk")

    assert renamed.exit_code == 0, renamed.output
    assert renamed.output == "renamed council sufolk to Suffolk\n"
    assert run("councils", "list").output == "Norfolk\nSuffolk\n"
    assert json.loads(run("councils", "list", "--json").output) == ["Norfolk", "Suffolk"]


def test_a_council_differing_only_in_case_is_refused_in_one_line(run):
    run("councils", "create", "Suffolk")

    refused = run("councils", "create", "SUFFOLK ")
    clash = run("councils", "rename", "Suffolk", "")

    assert refused.exit_code == 1
    assert refused.output == "Error: There is already a council called 'Suffolk'.\n"
    assert clash.exit_code == 1
    assert clash.output == "Error: A council needs a name.\n"
    assert run("councils", "list").output == "Suffolk\n"


def test_users_create_with_an_unknown_council_names_the_closest_and_makes_no_council(run, database):
    run("councils", "create", "Norfolk")

    refused = run(
        "users",
        "create",
        "lead@example.org",
        "--role",
        "council_lead",
        "--council",
        "Narfolk",
        "--password-stdin",
        input=PASSWORD + "\n",
    )

    assert refused.exit_code == 1
    assert len(refused.output.strip().splitlines()) == 1
    assert "There is no council called 'Narfolk'. Did you mean 'Norfolk'?" in refused.output
    assert "survey-app councils create NAME" in refused.output
    assert run("councils", "list").output == "Norfolk\n"
    with database.session() as session:
        assert operations.find_council(session, "Narfolk") is None


def test_distribute_picks_an_existing_council_whatever_the_case_and_refuses_an_unknown_one(
    run, database
):
    run("councils", "create", "Suffolk (demo)")

    made = run("distribute", "test-child", "--council", "suffolk (DEMO) ", "--label", "X", "--json")
    refused = run("distribute", "test-child", "--council", "suffolk ", "--label", "Y")

    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["council"] == "Suffolk (demo)"
    assert refused.exit_code == 1
    assert "There is no council called 'suffolk'. Did you mean 'Suffolk (demo)'?" in (
        refused.output
    )
    assert run("councils", "list").output == "Suffolk (demo)\n"
