"""'You said, we did' in a real 360x640 Chromium: the child's pages (English and Arabic, right
to left) and the staff's action plan and poster pass axe-core WCAG 2.2 AA, Start stays on the
first screen, and nothing leaves the machine (issue 16)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from survey_app import themes
from survey_app.db import Database
from survey_app.models import Distribution, User
from tests.conftest import PASSWORD
from tests.phones import PHONE, Phone
from tests.theme_items import code, items, register
from tests.you_said import CHILD, LEAD, bearer, record, token_maker

if TYPE_CHECKING:
    from tests.live_server import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def app(live_server: LiveServer) -> Flask:
    """Distributions and accounts made by the fixtures go into the database being served."""
    return live_server.app


@pytest.fixture
def make_token(database: Database, make_user: Callable[..., User]) -> Callable[..., str]:
    return token_maker(database, make_user)


@pytest.fixture
def code_with_actions(
    app: Flask,
    make_token: Callable[..., str],
    make_user: Callable[..., User],
    make_distribution: Callable[..., Distribution],
) -> str:
    """Suffolk's link, with four approved actions (three on the welcome page, all on the list),
    the first pointing to an approved quote and a figure, a second quote left to choose."""
    distribution = make_distribution()
    client = app.test_client()
    facilitator = make_token("facilitator@example.org")
    lead = make_token(LEAD, "council_lead", "Suffolk")
    coder_id = make_user("coder@example.org").id
    with app.extensions["database"].session() as session:
        coder = session.get(User, coder_id)
        rows = register(
            session,
            items(distribution.council_id, ["the chair asked me first", "it was too loud"]),
        )
        code(session, app.extensions["codebook"], coder, rows[:1], [["listened_to"]])
        for row in rows:
            themes.approve(session, row, coder, dt.date.today())
        session.commit()
        quote_ids = [row.id for row in rows]
    for number in range(4):
        words = {
            language: {"you_said": f"{pair['you_said']} {number + 1}", "we_did": pair["we_did"]}
            for language, pair in CHILD.items()
        }
        evidence = (
            {
                "evidence_quotes": quote_ids[:1],
                "evidence_figures": [{"survey": "test-child", "question": "went", "option": "yes"}],
            }
            if number == 0
            else {}
        )
        made = record(client, facilitator, child=words, **evidence)
        approve = f"/api/v1/actions/{made.json['id']}/approve"
        assert client.post(approve, headers=bearer(lead)).status_code == 200
    return distribution.code


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_the_childs_pages_with_actions_pass_axe_and_start_stays_on_the_first_screen(
    make_phone: Callable[..., Phone], code_with_actions: str, language: str, direction: str
) -> None:
    phone = make_phone(javascript=True)
    page = phone.page
    query = f"?lang={language}" if language != "en" else ""

    assert phone.open(f"/s/{code_with_actions}{query}") == 200
    assert page.locator("html").get_attribute("dir") == direction
    start = page.locator("main form .button").bounding_box()
    assert start is not None and start["y"] + start["height"] <= PHONE["viewport"]["height"]
    assert page.locator("section.you-said li").count() == 3
    assert CHILD[language]["we_did"] in page.locator("section.you-said").inner_text()
    phone.check_page(f"the {language} welcome page with actions")
    phone.check_tap_targets(f"the {language} welcome page with actions")

    page.locator("section.you-said a").click()
    assert page.locator(".you-said-all li").count() == 4
    assert page.locator("html").get_attribute("dir") == direction
    phone.check_page(f"the {language} you said, we did page")
    assert phone.requests_leaving_the_machine() == []


def test_without_javascript_the_actions_show_and_the_page_passes_its_checks(
    make_phone: Callable[..., Phone], code_with_actions: str
) -> None:
    phone = make_phone(javascript=False)
    assert phone.open(f"/s/{code_with_actions}") == 200
    assert phone.page.locator("section.you-said li").count() == 3
    phone.check_page("the welcome page with actions, without script")
    assert phone.press("Start") == 200


def test_the_action_plan_and_the_poster_pass_axe(
    make_phone: Callable[..., Phone], code_with_actions: str
) -> None:
    phone = make_phone(javascript=True)
    page = phone.page
    phone.open("/facilitator/login")
    page.get_by_label("Email address").fill("facilitator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    phone.press("Sign in")
    assert phone.open("/facilitator/actions?council=Suffolk") == 200
    assert page.locator("article.action").count() == 4
    assert page.locator("ul.evidence-quotes q").count() == 1
    assert page.locator("ul.evidence-figures li").count() == 1
    assert page.locator("input[name=evidence_quotes]").count() == 2
    phone.check_page("the action plan")
    assert phone.open(f"/facilitator/distributions/{code_with_actions}/poster") == 200
    phone.check_page("the poster")
    assert phone.open(f"/facilitator/distributions/{code_with_actions}/poster?lang=ar") == 200
    phone.check_page("the Arabic poster")
    assert phone.requests_leaving_the_machine() == []
