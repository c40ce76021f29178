"""What an operator meets on a first run: the demo and a second terminal, settings, `check`,
`redact`, loading surveys into running servers, and the Makefile."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey_app import demo as demo_module
from survey_app import operations
from survey_app.cli import main
from survey_app.db import Database
from survey_app.definitions import SurveyDefinition
from survey_app.definitions.loader import NOT_SURVEYS
from tests.conftest import PUBLIC_URL, make_council

ROOT = Path(__file__).resolve().parent.parent
TEST_SURVEYS = ROOT / "tests" / "data" / "surveys"
SHIPPED = ROOT / "survey_definitions"
# Everything a command could take from the environment, unset, so each test says what it sets.
UNSET = {
    f"SURVEY_{name}": None
    for name in ("DATABASE_URL", "PUBLIC_URL", "QR_DIR", "SURVEY_DIR", "EXPORT_DIR", "DEMO")
} | {"PORT": None}


# The demo and a second terminal ----------------------------------------------------------


def test_a_command_in_a_second_terminal_uses_the_running_demos_port_and_database(
    run, tmp_path, monkeypatch
):
    monkeypatch.setattr(demo_module, "INSTANCE", tmp_path / "instance")
    demo_database = f"sqlite:///{tmp_path / 'demo.db'}"
    started = run(
        "demo",
        "--no-serve",
        env={
            **UNSET,
            "PORT": "8080",
            "SURVEY_DATABASE_URL": demo_database,
            "SURVEY_QR_DIR": str(tmp_path / "demo-qr"),
        },
    )
    assert started.exit_code == 0, started.output
    assert "http://127.0.0.1:8080/s/" in started.output

    # The second terminal has none of the demo's variables.
    made = run(
        "distribute",
        "child-cp-conference",
        "--council",
        "Suffolk (demo)",
        "--label",
        "Second terminal",
        "--json",
        env=UNSET,
    )

    assert made.exit_code == 0, made.output
    link = json.loads(made.output)
    assert link["url"] == f"http://127.0.0.1:8080/s/{link['code']}"
    assert Path(link["qr_png"]).parent == tmp_path / "demo-qr"
    demo = Database.from_url(demo_database)
    with demo.session() as session:
        assert operations.distribution_by_code(session, link["code"]) is not None
    demo.engine.dispose()


def test_the_demo_makes_its_council_once_and_a_second_terminal_picks_it_never_a_new_one(
    run, tmp_path, monkeypatch
):
    monkeypatch.setattr(demo_module, "INSTANCE", tmp_path / "instance")
    demo_env = {
        **UNSET,
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "SURVEY_QR_DIR": str(tmp_path / "demo-qr"),
    }
    for _ in range(2):
        assert run("demo", "--no-serve", env=demo_env).exit_code == 0

    typo = run(
        "distribute", "child-cp-conference", "--council", "suffolk ", "--label", "X", env=UNSET
    )

    assert run("councils", "list", env=UNSET).output == "Suffolk (demo)\n"
    assert typo.exit_code == 1
    assert "Did you mean 'Suffolk (demo)'?" in typo.output
    assert run("councils", "list", env=UNSET).output == "Suffolk (demo)\n"


def test_the_demo_served_on_another_port_makes_practitioners_keep_my_code_qr_for_it(
    run, tmp_path, monkeypatch
):
    from survey_app import create_app
    from tests.conftest import Child

    monkeypatch.setattr(demo_module, "INSTANCE", tmp_path / "instance")
    env = {
        "PORT": "8080",
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "SURVEY_QR_DIR": str(tmp_path / "demo-qr"),
    }
    assert run("demo", "--no-serve", env={**UNSET, **env}).exit_code == 0
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app(dict(demo_module.demo_settings()))  # as serve_demo makes the served app
    with app.extensions["database"].session() as session:
        code = operations.create_distribution(
            session,
            "practitioner-skills",
            "Suffolk (demo)",
            "Programme",
            wave="meeting_one",
            waves=("meeting_one", "meeting_four"),
        ).code
        session.commit()
    person = Child(app.test_client(), code)
    person.start()
    while person.step != "check":
        person.answer()

    assert "data-personal-code" in person.send().text
    # The keep-my-code QR on that page is made from this address, never port 5000's.
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:8080"


def test_the_demos_settings_give_way_to_a_command_for_another_database(
    run, tmp_path, monkeypatch, database_url
):
    monkeypatch.setattr(demo_module, "INSTANCE", tmp_path / "instance")
    started = run(
        "demo",
        "--no-serve",
        env={
            **UNSET,
            "PORT": "8080",
            "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}",
            "SURVEY_QR_DIR": str(tmp_path / "demo-qr"),
        },
    )
    assert started.exit_code == 0, started.output

    assert run("councils", "create", "Norfolk").exit_code == 0
    made = run("distribute", "test-child", "--council", "Norfolk", "--label", "Elsewhere", "--json")

    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["url"].startswith(f"{PUBLIC_URL}/s/")


# Settings ----------------------------------------------------------------------------------


def test_an_empty_database_setting_is_one_clear_line_naming_it_not_a_traceback(run):
    result = run("load-surveys", env={"SURVEY_DATABASE_URL": ""})

    assert result.exit_code == 1
    assert result.output == (
        "Error: SURVEY_DATABASE_URL is set but empty (give it a value, or unset it).\n"
    )


def test_an_empty_survey_folder_setting_means_the_shipped_surveys(run):
    result = run("surveys", "--json", env={"SURVEY_SURVEY_DIR": ""})

    assert result.exit_code == 0, result.output
    assert {survey["id"] for survey in json.loads(result.output)} == {
        path.stem for path in SHIPPED.glob("*.yaml") if path.name not in NOT_SURVEYS
    }


def test_a_number_setting_that_is_not_a_number_is_named(run):
    result = run("load-surveys", env={"SURVEY_EXPORT_RETENTION_DAYS": "a week"})

    assert result.exit_code == 1
    assert "SURVEY_EXPORT_RETENTION_DAYS must be a whole number, not 'a week'" in result.output


def test_the_web_app_with_an_empty_setting_stops_with_one_line(tmp_path):
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("SURVEY_")},
        "SURVEY_DATABASE_URL": "",
        "SURVEY_SECRET_KEY": "a secret key long enough for the test",
        "SURVEY_TEXT_KEY": "x",
        "SURVEY_LINK_KEY": "a link key",
        "PYTHONPATH": str(ROOT),
    }
    started = subprocess.run(
        [sys.executable, "-c", "import survey_app.wsgi"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert started.returncode == 4  # gunicorn's "App failed to load": it stops, not restarts
    assert started.stderr.strip().splitlines() == [
        "survey-app cannot start: SURVEY_DATABASE_URL is set but empty "
        "(give it a value, or unset it)."
    ]


# Listing surveys -------------------------------------------------------------------------


def test_surveys_json_lists_each_surveys_waves_for_distribute(run):
    result = run("surveys", "--json", env={"SURVEY_SURVEY_DIR": str(SHIPPED)})

    assert result.exit_code == 0, result.output
    listed = {survey["id"]: survey for survey in json.loads(result.output)}
    assert listed["practitioner-skills"]["waves"] == [
        {"id": "meeting_one", "words": "Meeting one"},
        {"id": "meeting_four", "words": "Meeting four"},
    ]
    assert listed["child-cp-conference"]["waves"] == []


# check -----------------------------------------------------------------------------------

PRACTITIONER = """\
id: {id}
version: 1
audience: practitioner
title: A survey
introduction: Hello
thank_you: Thanks
pages:
  - id: first
    questions:
      - id: q1
        kind: single_choice
        text: Which?
        required: yes
        options:
          - {{id: one, label: One}}
          - {{id: two, label: Two}}
      - id: q2
        kind: slider
        text: How much?
      - id: q3
        kind: single_choice
        text: Why?
        show_if: {{question: q1, any_of: [three]}}
        options:
          - {{id: a, label: A}}
          - {{id: b, label: B}}
  - id: first
    questions:
      - id: q3
        kind: short_text
        text: Anything else?
"""


def test_check_reports_every_problem_in_every_file_at_once_with_paths_as_typed(
    run, tmp_path, monkeypatch
):
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "a.yaml").write_text(PRACTITIONER.format(id="a"))
    (folder / "b.yaml").write_text(PRACTITIONER.format(id="b").replace("  - id: first\n", "", 1))
    monkeypatch.chdir(tmp_path)

    result = run("check", "drafts/")

    assert result.exit_code == 1
    found = [line for line in result.output.splitlines() if re.match(r"drafts/", line)]
    # A field error, a wrong kind, a condition on a missing option, a page id and a question id
    # used twice: all in one run, not one round at a time.
    assert [line for line in found if line.startswith("drafts/a.yaml")] == [
        "drafts/a.yaml:13: pages[0].questions[0].required: Use true or false (not 'yes').",
        "drafts/a.yaml:18: pages[0].questions[1].kind: Must be one of: single_choice, "
        "multiple_choice, face_scale, scale, yes_no_not_sure, short_text, long_text, number.",
        "drafts/a.yaml:23: pages[0].questions[2].show_if.any_of: 'q1' has no option three.",
        "drafts/a.yaml:27: pages[1].id: Duplicate page id 'first'.",
        "drafts/a.yaml:29: pages[1].questions[0].id: Duplicate question id 'q3'.",
    ] or found
    assert any(line.startswith("drafts/b.yaml") for line in found)
    assert "problems in 2 files" in result.output


def test_check_and_the_json_schema_agree_that_yes_is_not_a_boolean(run, tmp_path):
    source = (TEST_SURVEYS / "test-child.yaml").read_text()
    assert "required: true" in source
    broken = tmp_path / "test-child.yaml"
    broken.write_text(source.replace("required: true", "required: yes"))

    checked = run("check", str(broken))
    schema = json.loads(run("schema").output)

    assert checked.exit_code == 1
    assert "required: Use true or false (not 'yes')." in checked.output
    question = schema["properties"]["pages"]["items"]["properties"]["questions"]["items"]
    assert question["properties"]["required"]["type"] == "boolean"


WELSH = """\
id: welsh
version: 1
audience: practitioner
title: {en: A survey, cy: Arolwg}
introduction: Hello
thank_you: {en: Thanks, cy: Diolch}
languages: [en, cy]
interface:
  start: {cy: Dechrau}
pages:
  - id: first
    questions:
      - id: q1
        kind: yes_no_not_sure
        text: {en: "Did it help?", cy: "A oedd o help?"}
"""


def test_check_reports_each_survey_text_and_service_word_missing_for_a_language(run, tmp_path):
    (tmp_path / "welsh.yaml").write_text(WELSH)

    result = run("check", str(tmp_path / "welsh.yaml"))

    assert result.exit_code == 1
    shown = str(tmp_path / "welsh.yaml")
    assert f'{shown}:5: introduction: no cy words (English: "Hello").' in result.output
    assert (
        f"{shown}:8: interface: no cy words for the service's 'thank_you_title' "
        '("Thank you"): add them under interface.thank_you_title.'
    ) in result.output
    assert (
        f"{shown}:13: pages[0].questions[0].options[0].label: "
        'no cy words for the built-in option "Yes"'
    ) in result.output
    assert "service's 'start'" not in result.output  # translated
    assert "title: no cy" not in result.output


def test_the_shipped_surveys_pass_check_in_every_language_they_offer(run):
    result = run("check", str(SHIPPED))

    assert result.exit_code == 0, result.output
    shipped = [path for path in SHIPPED.glob("*.yaml") if path.name not in NOT_SURVEYS]
    assert result.output.count("ok  ") == len(shipped)


# redact ----------------------------------------------------------------------------------


def test_redact_reports_each_bad_line_and_carries_on_then_fails(run):
    lines = [
        json.dumps({"id": 1, "text": "My social worker Sarah Jones was kind."}),
        '{"id": 2, "text": "unfinished',
        json.dumps({"id": 3, "words": "no text key"}),
        json.dumps({"id": 4, "text": "Call me on 07700 900123."}),
    ]

    result = run("redact", input="\n".join(lines) + "\n")

    assert result.exit_code == 1
    written = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in written] == [1, 4]
    assert "Sarah" not in written[0]["redacted"] and "07700" not in written[1]["redacted"]
    problems = result.stderr.splitlines()
    assert problems[0].startswith("line 2: not JSON")
    assert problems[1] == 'line 3: no "text" string'
    assert "unfinished" not in result.stderr  # the line may hold a child's words
    assert problems[-1] == "Error: 2 lines could not be read (see above)"


# Loading surveys into running servers ----------------------------------------------------


def test_a_survey_loaded_from_the_command_line_is_served_without_a_restart(make_app, tmp_path):
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(TEST_SURVEYS / "test-child.yaml", folder)
    app = make_app(SURVEY_DIR=str(folder), SURVEYS_CHECK_SECONDS=0)
    client = app.test_client()
    new = (TEST_SURVEYS / "test-child.yaml").read_text().replace("id: test-child", "id: new-one")
    (folder / "new-one.yaml").write_text(new)

    loaded = CliRunner().invoke(
        main,
        ["load-surveys"],
        env={"SURVEY_DATABASE_URL": app.config["DATABASE_URL"], "SURVEY_SURVEY_DIR": str(folder)},
    )
    assert loaded.exit_code == 0, loaded.output
    assert "2 surveys loaded (1 new or changed)" in loaded.output
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        distribution = operations.create_distribution(session, "new-one", "Suffolk", "New")
        session.commit()
        code = distribution.code

    page = client.get(f"/s/{code}", base_url="https://localhost")

    assert page.status_code == 200
    assert "Your meeting" in page.text


def test_a_broken_folder_does_not_stop_the_running_servers_surveys(make_app, tmp_path, caplog):
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(TEST_SURVEYS / "test-child.yaml", folder)
    app = make_app(SURVEY_DIR=str(folder), SURVEYS_CHECK_SECONDS=0)
    (folder / "broken.yaml").write_text("id: broken\n")
    with app.extensions["database"].session() as session:
        operations.sync_surveys(
            session, [operations_survey(TEST_SURVEYS / "test-child.yaml", "changed")]
        )
        make_council(session, "Suffolk")
        code = operations.create_distribution(session, "test-child", "Suffolk", "Old").code
        session.commit()

    page = app.test_client().get(f"/s/{code}", base_url="https://localhost")
    assert page.status_code == 200, page.text
    assert "survey folder not reloaded: 6 problems" in caplog.text


def operations_survey(path: Path, title: str) -> SurveyDefinition:
    """The survey in path with a changed title, as a later `load-surveys` would record it."""
    from survey_app.definitions import parse_definition

    source = path.read_text().replace('en: "Your meeting"', f'en: "{title}"')
    return parse_definition(source, path.name)


# The Makefile ----------------------------------------------------------------------------


def make_would_run(verb: str, tmp_path: Path) -> str:
    """The commands `make verb` would run on a machine with no environment yet (make -n)."""
    # As a newcomer's shell runs it: not as a sub-make of `make test` (which would print
    # "Entering directory" lines and pass its own flags down).
    outside_make = {
        name: value
        for name, value in os.environ.items()
        if name not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")
    }
    planned = subprocess.run(
        ["make", "--no-print-directory", "-n", verb, f"VENV={tmp_path / 'fresh-venv'}"],
        cwd=ROOT,
        env=outside_make,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return planned.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_installs_only_what_running_needs_and_says_so(tmp_path):
    planned = make_would_run("run", tmp_path)

    assert "pip install --quiet -e .\n" in planned
    assert "[test]" not in planned
    assert "==> installing the service's Python packages (first run only" in planned
    assert planned.rstrip().endswith("survey-app demo")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_test_still_installs_the_test_tools(tmp_path):
    planned = make_would_run("test", tmp_path)

    assert "pip install --quiet -e '.[test]'" in planned
    assert "==> installing the test tools" in planned


def test_workers_pick_up_a_loaded_survey_too(make_app, tmp_path):
    from workers.context import current_context

    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(TEST_SURVEYS / "test-child.yaml", folder)
    app = make_app(SURVEY_DIR=str(folder), SURVEYS_CHECK_SECONDS=0)
    new = (TEST_SURVEYS / "test-child.yaml").read_text().replace("id: test-child", "id: new-one")
    (folder / "new-one.yaml").write_text(new)
    assert "new-one" not in current_context().surveys()

    loaded = CliRunner().invoke(
        main,
        ["load-surveys"],
        env={"SURVEY_DATABASE_URL": app.config["DATABASE_URL"], "SURVEY_SURVEY_DIR": str(folder)},
    )

    assert loaded.exit_code == 0, loaded.output
    assert "new-one" in current_context().surveys()
