"""The safeguarding lead's pages in a real Chromium: axe-core WCAG 2.2 AA, no sideways scrolling
at 360 px, and the whole read-acknowledge-close round by keyboard-free taps."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from survey_app.models import Distribution, User
from tests.conftest import PASSWORD
from tests.phones import Phone
from tests.submissions import submit

if TYPE_CHECKING:
    from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

RISKY = "my step dad hits me with the belt when mum is at work and i dont want to go home tonight"


@pytest.fixture
def app(live_server: LiveServer) -> Flask:
    """Distributions and accounts made by the fixtures go into the database being served."""
    return live_server.app


def test_the_leads_pages_pass_axe_through_reading_acknowledging_and_closing(
    app: Flask,
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
    make_user: Callable[..., User],
) -> None:
    from workers import actors

    lead = make_user("lead@suffolk.example", "safeguarding_lead", "Suffolk")
    response_id = submit(
        app, make_distribution(), went="yes", better=RISKY, enqueue=lambda _id: None
    )
    actors.anonymise_response(response_id)
    phone = make_phone(javascript=True)
    page = phone.page
    phone.open("/facilitator/login")
    page.get_by_label("Email address").fill(lead.email)
    page.get_by_label("Password").fill(PASSWORD)
    phone.press("Sign in")

    assert page.url.endswith("/safeguarding/concerns")
    phone.check_page("the list of concerns")
    page.get_by_role("link", name="Concern 1").click()
    assert page.get_by_text(RISKY).is_visible()
    phone.check_page("a new concern")
    assert phone.press("I have read it and am acting on it") == 200
    phone.check_page("an acknowledged concern")
    assert phone.press("Close the concern") == 400
    assert page.get_by_role("alert").get_by_text("Say what you did").is_visible()
    phone.check_page("closing without saying what was done")
    page.get_by_label("What did you do?").fill("Passed to the conference chair")
    assert phone.press("Close the concern") == 200
    assert page.get_by_text("The original words were destroyed").is_visible()
    phone.check_page("a closed concern")
    assert phone.requests_leaving_the_machine() == []
