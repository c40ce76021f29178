"""An action's "you said" linked to the approved quotes and the published figures that showed it:
chosen on the plan's form or through the API, only the action's own council's approved quotes,
a withdrawn quote shown nowhere, and each figure published through disclosure control as worked
out again here from the responses' secret keys (issue 16)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from survey_app import periods, themes
from survey_app.cli import PROJECT_ROOT
from survey_app.clock import clock_of
from survey_app.db import Database, make_engine
from survey_app.models import Distribution, ThemeItem, User
from survey_app.privacy.disclosure import DisclosureRules
from tests.cellkeys import expected_base, expected_counts
from tests.conftest import close_periods, csrf_token, make_council, rows_of, sign_in
from tests.submissions import submit
from tests.theme_items import code, items, register
from tests.you_said import ADMIN, CHILD, LEAD, bearer, record, token_maker

TOO_FEW = "too few answers to tell"
SUFFOLK_QUOTE = "the chair told me what the meeting was for"
SUFFOLK_UNCODED = "nobody asked me where I wanted to sit"
NORFOLK_QUOTE = "I waited a long time in the corridor"


@pytest.fixture
def make_token(database: Database, make_user: Callable[..., User]) -> Callable[..., str]:
    return token_maker(database, make_user)


@pytest.fixture
def quotes(
    app: Flask, database: Database, make_user: Callable[..., User], distribution: Distribution
) -> dict[str, int]:
    """Two approved quotes of Suffolk (one coded "Felt listened to", one not coded yet), one
    approved quote of Norfolk, and one Suffolk item never approved; by their words."""
    approver = make_user("coder@example.org")
    with database.session() as session:
        suffolk = make_council(session, "Suffolk").id
        norfolk = make_council(session, "Norfolk").id
        rows = register(
            session,
            items(suffolk, [SUFFOLK_QUOTE, SUFFOLK_UNCODED, "not approved words"], start=900)
            + items(norfolk, [NORFOLK_QUOTE], start=950),
        )
        code(session, app.extensions["codebook"], approver, rows[:1], [["listened_to"]])
        for row in (rows[0], rows[1], rows[3]):
            themes.approve(session, row, approver, dt.date.today())
        session.commit()
        return {row.text: row.id for row in rows}


def article(page: str, action_id: int) -> str:
    """The action's part of the plan page."""
    found = re.search(rf'<article class="action" id="action-{action_id}".*?</article>', page, re.S)
    assert found, "the action is not on the plan"
    return found.group(0)


def figure_value(page: str, action_id: int) -> list[tuple[str, str]]:
    """(period shown, value) of each figure the action's evidence shows on the plan page."""
    return re.findall(
        r'<li data-figure="[^"]+" data-period="([^"]*)">[^<]*: <span data-figure-value>([^<]*)<',
        article(page, action_id),
    )


def expected_figure(database: Database, council: str, period: str) -> str:
    """ "went: yes" for council in period, as the cell key method must publish it."""
    count = expected_counts(database, council, "went", ["yes"], period=period)["yes"]
    base = expected_base(database, council, "went", period=period)
    if not (count.isdigit() and base.isdigit()):
        return TOO_FEW
    percent = DisclosureRules().published_percent(int(count), int(base))
    return f"{count} of {base} ({percent}%)"


def period_now(app: Flask) -> str:
    definition = app.extensions["surveys"]["test-child"]
    return periods.period_sent_in(definition.publication, clock_of(app).now()).key


WENT_YES = {"survey": "test-child", "question": "went", "option": "yes"}


# Quotes ----------------------------------------------------------------------------------------


def test_the_form_lists_the_councils_approved_quotes_by_theme_and_the_plan_shows_the_chosen(
    client: FlaskClient, make_user: Callable[..., User], quotes: dict[str, int]
) -> None:
    make_user(LEAD, "council_lead", "Suffolk")
    sign_in(client, LEAD)
    page = client.get("/facilitator/actions").text

    form = page[page.index('id="evidence-quotes"') :]
    assert "<legend>Felt listened to</legend>" in form
    assert form.index(SUFFOLK_QUOTE) < form.index("Not coded with a theme yet")
    assert form.index("Not coded with a theme yet") < form.index(SUFFOLK_UNCODED)
    assert NORFOLK_QUOTE not in page and "not approved words" not in page  # theirs, unapproved
    assert "<script" not in page

    recorded = client.post(
        "/facilitator/actions",
        data={
            "csrf_token": csrf_token(page),
            "you_said": "Children said nobody explained the meeting.",
            "we_did": "Chairs explain it the day before.",
            "status": "doing",
            "evidence_quotes": [str(quotes[SUFFOLK_QUOTE]), str(quotes[SUFFOLK_UNCODED])],
            "evidence": "Also heard at the children's council.",
        },
    )
    assert recorded.status_code == 303, recorded.text
    plan = client.get(recorded.headers["Location"]).text
    action_id = int(re.findall(r'id="action-(\d+)"', plan)[0])
    shown = article(plan, action_id)
    assert f"<q>{SUFFOLK_QUOTE}</q>" in shown and f"<q>{SUFFOLK_UNCODED}</q>" in shown
    assert "Also heard at the children&#39;s council." in shown  # the note stays beside them


def test_a_quote_of_another_council_is_refused_naming_the_field(
    client: FlaskClient,
    make_user: Callable[..., User],
    make_token: Callable[..., str],
    quotes: dict[str, int],
) -> None:
    norfolk = quotes[NORFOLK_QUOTE]
    refused = record(client, make_token("facilitator@example.org"), evidence_quotes=[norfolk])

    assert refused.status_code == 400
    assert refused.json["field"] == "evidence_quotes"
    assert f"Quote {norfolk} is not one of Suffolk's approved quotes" in refused.json["error"]
    assert NORFOLK_QUOTE not in refused.json["error"]
    make_user(LEAD, "council_lead", "Suffolk")
    sign_in(client, LEAD)
    page = client.get("/facilitator/actions").text
    on_form = client.post(
        "/facilitator/actions",
        data={
            "csrf_token": csrf_token(page),
            "you_said": "Heard this.",
            "we_did": "Did that.",
            "evidence_quotes": [str(quotes[SUFFOLK_QUOTE]), str(norfolk)],
        },
    )
    assert on_form.status_code == 400
    assert 'href="#evidence-quotes"' in on_form.text
    assert f"Quote {norfolk} is not one of Suffolk&#39;s approved quotes" in on_form.text
    # What was chosen is chosen again, and nothing was recorded.
    assert re.search(rf'value="{quotes[SUFFOLK_QUOTE]}" checked', on_form.text)
    assert 'id="action-' not in on_form.text


def test_an_unapproved_quote_is_refused_and_a_withdrawn_one_is_shown_nowhere(
    client: FlaskClient,
    database: Database,
    make_token: Callable[..., str],
    quotes: dict[str, int],
) -> None:
    token = make_token("facilitator@example.org")
    unapproved = record(client, token, evidence_quotes=[quotes["not approved words"]])
    assert unapproved.status_code == 400 and unapproved.json["field"] == "evidence_quotes"
    made = record(client, token, evidence_quotes=[quotes[SUFFOLK_QUOTE]])
    assert made.status_code == 201, made.json
    assert [q["text"] for q in made.json["evidence_quotes"]] == [SUFFOLK_QUOTE]

    with database.session() as session:
        themes.withdraw(session, session.get(ThemeItem, quotes[SUFFOLK_QUOTE]))
        session.commit()

    listed = client.get("/api/v1/actions?council=Suffolk", headers=bearer(token)).json
    assert listed["actions"][0]["evidence_quotes"] == []
    sign_in(client, "facilitator@example.org")
    assert SUFFOLK_QUOTE not in client.get("/facilitator/actions?council=Suffolk").text
    csv_rows = rows_of(client.get("/facilitator/actions.csv?council=Suffolk"))
    assert csv_rows[0]["evidence_quotes"] == ""
    again = record(client, token, evidence_quotes=[quotes[SUFFOLK_QUOTE]])
    assert again.status_code == 400 and again.json["field"] == "evidence_quotes"


def test_an_action_for_the_whole_region_may_link_any_councils_approved_quote(
    client: FlaskClient, make_token: Callable[..., str], quotes: dict[str, int]
) -> None:
    made = record(
        client,
        make_token(ADMIN, "admin"),
        council=None,
        evidence_quotes=[quotes[NORFOLK_QUOTE], quotes[SUFFOLK_QUOTE]],
    )
    assert made.status_code == 201, made.json
    assert [(q["text"], q["council"]) for q in made.json["evidence_quotes"]] == [
        (SUFFOLK_QUOTE, "Suffolk"),
        (NORFOLK_QUOTE, "Norfolk"),
    ]


def test_a_council_lead_never_sees_another_councils_quote_through_a_region_action(
    client: FlaskClient,
    make_user: Callable[..., User],
    make_token: Callable[..., str],
    quotes: dict[str, int],
) -> None:
    made = record(
        client,
        make_token(ADMIN, "admin"),
        council=None,
        we_did="A change for everyone.",
        evidence_quotes=[quotes[NORFOLK_QUOTE], quotes[SUFFOLK_QUOTE]],
    )
    assert made.status_code == 201, made.json
    lead = make_token(LEAD, "council_lead", "Suffolk")

    listed = client.get("/api/v1/actions", headers=bearer(lead)).json["actions"]
    sign_in(client, LEAD)
    plan = client.get("/facilitator/actions").text

    assert [q["text"] for q in listed[0]["evidence_quotes"]] == [SUFFOLK_QUOTE]
    shown = article(plan, made.json["id"])
    assert "A change for everyone." in shown and SUFFOLK_QUOTE in shown
    assert NORFOLK_QUOTE not in plan


def test_the_survey_and_theme_reports_show_the_quotes_that_showed_each_action(
    client: FlaskClient,
    database: Database,
    make_token: Callable[..., str],
    quotes: dict[str, int],
) -> None:
    made = record(
        client, make_token("facilitator@example.org"), evidence_quotes=[quotes[SUFFOLK_QUOTE]]
    )
    assert made.status_code == 201, made.json
    sign_in(client, "facilitator@example.org")
    pages = {
        "survey": "/facilitator/surveys/test-child/report?council=Suffolk",
        "themes": "/facilitator/themes/report?council=Suffolk",
    }
    for name, path in pages.items():
        section = client.get(path).text.split('id="you-said-we-did"')[1].split("</section>")[0]
        assert f"What showed it: <q>{SUFFOLK_QUOTE}</q>" in section, name

    with database.session() as session:
        themes.withdraw(session, session.get(ThemeItem, quotes[SUFFOLK_QUOTE]))
        session.commit()
    for name, path in pages.items():
        page = client.get(path).text
        assert "Chairs now explain the conference" in page and SUFFOLK_QUOTE not in page, name


# Figures ---------------------------------------------------------------------------------------


def test_a_linked_figure_shows_its_published_value_on_the_plan_in_the_api_and_the_downloads(
    app: Flask,
    client: FlaskClient,
    database: Database,
    make_token: Callable[..., str],
    distribution: Distribution,
    worker: Callable[[], None],
) -> None:
    heard = period_now(app)
    # Enough answers that no perturbation (at most 10 either way) hides the count or base.
    for went in ["yes"] * 40 + ["no"] * 20:
        submit(app, distribution, went=went, feel="okay")
    worker()
    close_periods(app)
    token = make_token("facilitator@example.org")
    made = record(
        client,
        token,
        evidence_figures=[{**WENT_YES, "period": heard}, {**WENT_YES}],
    )
    assert made.status_code == 201, made.json
    expected = expected_figure(database, "Suffolk", heard)
    assert expected != TOO_FEW

    figures = made.json["evidence_figures"]
    assert [(f["period"], f["shown_period"], f["council"], f["value"]) for f in figures] == [
        (heard, heard, "Suffolk", expected),
        (None, heard, "Suffolk", expected),  # no period: the latest closed one
    ]
    assert f"{figures[0]['count']} of {figures[0]['base']}" in expected
    listed = client.get("/api/v1/actions?council=Suffolk", headers=bearer(token)).json
    assert listed["actions"][0]["evidence_figures"] == figures

    sign_in(client, "facilitator@example.org")
    plan = client.get("/facilitator/actions?council=Suffolk").text
    assert figure_value(plan, made.json["id"]) == [(heard, expected), (heard, expected)]
    csv_rows = rows_of(client.get("/facilitator/actions.csv?council=Suffolk"))
    assert f"Suffolk, {heard}: {expected}" in csv_rows[0]["evidence_figures"]
    sheet = load_workbook(
        io.BytesIO(client.get("/facilitator/actions.xlsx?council=Suffolk").data)
    ).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    assert "evidence_figures" in header and "evidence_quotes" in header
    assert expected in str(first[header.index("evidence_figures")])


def test_a_figure_from_too_few_answers_says_too_few_answers_to_tell(
    app: Flask,
    client: FlaskClient,
    make_token: Callable[..., str],
    distribution: Distribution,
    worker: Callable[[], None],
) -> None:
    heard = period_now(app)
    rules = DisclosureRules.of(app.extensions["surveys"]["test-child"])
    for _ in range(rules.minimum_base - 1):  # too few for any breakdown to be published
        submit(app, distribution, went="yes", feel="okay")
    worker()
    close_periods(app)
    made = record(
        client,
        make_token("facilitator@example.org"),
        evidence_figures=[{**WENT_YES, "period": heard}],
    )
    assert made.status_code == 201, made.json

    [figure] = made.json["evidence_figures"]
    assert figure["value"] == TOO_FEW and figure["count"] is None
    sign_in(client, "facilitator@example.org")
    plan = client.get("/facilitator/actions?council=Suffolk").text
    assert figure_value(plan, made.json["id"]) == [(heard, TOO_FEW)]


def test_a_figure_in_a_period_that_has_not_closed_is_not_published_yet(
    app: Flask, client: FlaskClient, make_token: Callable[..., str], distribution: Distribution
) -> None:
    submit(app, distribution, went="yes", feel="okay")
    made = record(
        client,
        make_token("facilitator@example.org"),
        evidence_figures=[{**WENT_YES, "period": period_now(app)}],
    )
    assert made.status_code == 201, made.json
    [figure] = made.json["evidence_figures"]
    assert figure["value"].startswith("not published yet") and figure["count"] is None


@pytest.mark.parametrize(
    ("figure", "why"),
    [
        ({**WENT_YES, "period": "2026-Q3"}, "test-child publishes its figures by day"),
        ({**WENT_YES, "period": "soon"}, "'soon' is not a period"),
        ({**WENT_YES, "option": "perhaps"}, "'perhaps' is not an answer to went"),
        ({"survey": "nowhere", "question": "went", "option": "yes"}, "survey that is not loaded"),
    ],
)
def test_a_figure_that_is_not_published_as_asked_is_refused_naming_the_field(
    client: FlaskClient,
    make_token: Callable[..., str],
    distribution: Distribution,
    figure: dict[str, str],
    why: str,
) -> None:
    refused = record(client, make_token("facilitator@example.org"), evidence_figures=[figure])
    assert refused.status_code == 400
    assert refused.json["field"] == "evidence_figures" and why in refused.json["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"evidence_quotes": "12"}, "evidence_quotes"),
        ({"evidence_quotes": [True]}, "evidence_quotes"),
        ({"evidence_figures": {"survey": "test-child"}}, "evidence_figures"),
        ({"evidence_figures": [{"survey": 1}]}, "evidence_figures"),
    ],
)
def test_evidence_of_the_wrong_shape_is_refused_as_json_naming_the_field(
    client: FlaskClient,
    make_token: Callable[..., str],
    distribution: Distribution,
    body: dict[str, object],
    field: str,
) -> None:
    refused = record(client, make_token("facilitator@example.org"), **body)
    assert refused.status_code == 400 and refused.json["field"] == field


def test_the_plan_form_links_a_figure_chosen_like_the_measure(
    app: Flask,
    client: FlaskClient,
    database: Database,
    make_user: Callable[..., User],
    distribution: Distribution,
    worker: Callable[[], None],
) -> None:
    heard = period_now(app)
    for went in ["yes"] * 40 + ["no"] * 20:
        submit(app, distribution, went=went, feel="okay")
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")
    page = client.get("/facilitator/actions?council=Suffolk").text
    assert '<select id="evidence_figure_1" name="evidence_figure_1"' in page
    recorded = client.post(
        "/facilitator/actions",
        data={
            "csrf_token": csrf_token(page),
            "council": "Suffolk",
            "you_said": "Children said they did not go.",
            "we_did": "We hold meetings after school.",
            "evidence_figure_1": "test-child/went/yes",
            "evidence_period_1": heard,
            **{
                f"child_{code}_{part}": words[part]
                for code, words in CHILD.items()
                for part in ("you_said", "we_did")
            },
        },  # fmt: skip
    )
    assert recorded.status_code == 303, recorded.text
    plan = client.get(recorded.headers["Location"]).text
    action_id = int(re.findall(r'id="action-(\d+)"', plan)[0])
    assert figure_value(plan, action_id) == [(heard, expected_figure(database, "Suffolk", heard))]


# The migration ---------------------------------------------------------------------------------


def test_the_migration_adds_the_evidence_links_and_takes_them_away_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'evidence.db'}"
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "0019")
    engine = make_engine(url)
    assert "action_quotes" not in sa.inspect(engine).get_table_names()

    command.upgrade(config, "0020")
    with engine.begin() as connection:
        run = connection.execute
        run(sa.text("insert into councils (id, name) values (1, 'Suffolk')"))
        run(
            sa.text(
                "insert into surveys (id, version, audience, title, checksum, source) values "
                "('child', 1, 'child', 'C', 'x', 'id: child')"
            )
        )
        run(
            sa.text(
                "insert into actions (id, council_id, you_said, we_did, themes, created_on) "
                "values (1, 1, 'heard', 'did', '[]', '2026-12-01')"
            )
        )
        run(
            sa.text(
                "insert into theme_items (id, source, ref, council_id, month, prompt, text, "
                "cell_key) values (5, 'feedback', 'f:1', 1, '2026-11-01', '', 'words', 7)"
            )
        )
        run(sa.text("insert into action_quotes (action_id, item_id) values (1, 5)"))
        run(
            sa.text(
                "insert into action_figures (action_id, survey_id, question_id, option) "
                "values (1, 'child', 'went', 'yes')"
            )
        )
        periods_kept = list(run(sa.text("select period from action_figures")).scalars())
    assert periods_kept == [""]  # no period: the latest closed one when shown

    command.downgrade(config, "0019")
    tables = sa.inspect(engine).get_table_names()
    assert "action_quotes" not in tables and "action_figures" not in tables
    assert "actions" in tables
    command.upgrade(config, "head")
    assert {"action_quotes", "action_figures"} <= set(sa.inspect(engine).get_table_names())
    engine.dispose()
