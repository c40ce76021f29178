"""The shipped child survey in a real 360x640 Chromium: Start on the first screen in every
language, read-aloud that can be stopped, and the new pieces passing axe (issue 14)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser

from survey_app import operations
from tests.conftest import make_council
from tests.phones import PHONE, Phone

pytestmark = pytest.mark.browser

SHIPPED = Path(__file__).parent.parent / "survey_definitions"

# Speech that never ends and reports what was said, so that "Stop" can be seen working on a
# machine without voices (headless Chromium has none).
PRETEND_SPEECH = """
window.spoken = [];
const speaking = {value: false};
window.speechSynthesis.speak = utterance => { window.spoken.push(utterance.text);
                                              speaking.value = true; };
window.speechSynthesis.cancel = () => { speaking.value = false; };
Object.defineProperty(window.speechSynthesis, "speaking", {get: () => speaking.value});
"""


@pytest.fixture
def child_link(make_app: Callable[..., Flask]) -> Iterator[tuple[str, str]]:
    """(server address, distribution code) of the shipped child survey on a live server."""
    from tests.live_server import serve

    server = serve(make_app, SURVEY_DIR=str(SHIPPED))
    try:
        with server.app.extensions["database"].session() as session:
            make_council(session, "Norfolk")
            code = operations.create_distribution(
                session, "child-cp-conference", "Norfolk", "CP conferences"
            ).code
            session.commit()
        yield server.url, code
    finally:
        server.stop()


@pytest.mark.parametrize("language", ["en", "pl", "ar"])
def test_start_is_on_the_first_screen_of_a_phone_with_the_privacy_pieces_below(
    browser: Browser, child_link: tuple[str, str], language: str
) -> None:
    url, code = child_link
    context = browser.new_context(bypass_csp=True, **PHONE)
    try:
        phone = Phone(context, url, javascript=True)
        assert phone.open(f"/s/{code}?lang={language}") == 200
        start = phone.page.locator("main form .button")
        box = start.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= PHONE["viewport"]["height"], (language, box)
        pieces = phone.page.locator("section.privacy li")
        assert pieces.count() == 7
        assert phone.page.locator("p.minutes").is_visible()
        phone.check_page(f"the {language} welcome page")
        phone.check_tap_targets(f"the {language} welcome page")
    finally:
        context.close()


def test_read_aloud_can_be_stopped_and_focus_goes_back_to_read(
    browser: Browser, child_link: tuple[str, str]
) -> None:
    url, code = child_link
    context = browser.new_context(bypass_csp=True, **PHONE)
    try:
        phone = Phone(context, url, javascript=True)
        phone.page.add_init_script(PRETEND_SPEECH)
        assert phone.open(f"/s/{code}") == 200
        page = phone.page
        read = page.get_by_role("button", name="Read this out loud")
        stop = page.get_by_role("button", name="Stop reading out loud")
        assert stop.count() == 0  # hidden until something is being read
        read.click()
        assert page.evaluate("window.spoken.length") >= 3
        assert stop.is_visible()
        phone.check_page("the welcome page while reading out loud")
        stop.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("window.speechSynthesis.speaking") is False
        assert stop.count() == 0
        assert page.evaluate("document.activeElement.textContent") == "Read this out loud"
    finally:
        context.close()


def test_without_javascript_the_welcome_page_has_no_read_aloud_controls_and_starts(
    browser: Browser, child_link: tuple[str, str]
) -> None:
    url, code = child_link
    context = browser.new_context(java_script_enabled=False, **PHONE)
    try:
        phone = Phone(context, url, javascript=False)
        assert phone.open(f"/s/{code}") == 200
        assert phone.page.get_by_role("button", name="Stop reading out loud").count() == 0
        assert phone.page.get_by_role("button", name="Read this out loud").count() == 0
        phone.check_page("the welcome page without script")
        assert phone.press("Start") == 200
        assert phone.page.url.endswith("/q/age")
    finally:
        context.close()
