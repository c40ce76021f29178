"""Recording a focus group in a real Chromium at phone width: axe-core WCAG 2.2 AA checks on the
pages, a refused form and a photo upload, and nothing leaving the machine."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image

from survey_app.db import Database
from survey_app.models import User
from tests.conftest import PASSWORD, make_council
from tests.live_server import LiveServer, serving_definitions
from tests.phones import Phone

pytestmark = pytest.mark.browser

SHIPPED = Path(__file__).parent.parent / "survey_definitions"
TEST_SURVEYS = Path(__file__).parent / "data" / "surveys"
HOUSES = "focus-group-three-houses"


@pytest.fixture
def live_server(make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[LiveServer]:
    """The demo-mode app serving the test survey and the shipped focus-group guides."""
    with serving_definitions(
        make_app,
        tmp_path / "definitions",
        [TEST_SURVEYS / "test-child.yaml", SHIPPED / f"{HOUSES}.yaml"],
        PHOTO_DIR=str(tmp_path / "photos"),
    ) as running:
        yield running


@pytest.fixture
def app(live_server: LiveServer) -> Flask:
    return live_server.app


def test_recording_a_session_on_a_small_screen_passes_axe_refusals_included(
    make_phone: Callable[..., Phone],
    make_user: Callable[..., User],
    database: Database,
    tmp_path: Path,
) -> None:
    with database.session() as session:
        make_council(session, "Suffolk")
        session.commit()
    user = make_user()
    phone = make_phone(javascript=True)
    page = phone.page
    phone.sign_in(user.email, PASSWORD)

    assert phone.open("/facilitator/focus-groups/") == 200
    phone.check_page("the focus groups page")
    assert phone.open(f"/facilitator/focus-groups/new/{HOUSES}") == 200
    phone.check_page("the new session form")
    page.get_by_label("8 to 11").fill("4")
    assert phone.press("Start recording") == 400
    page.get_by_role("link", name="Confirm that consent was recorded").click()
    assert page.evaluate("document.activeElement.id") == "consent_recorded"
    phone.check_page("the new session form refusing a session without consent")
    phone.choose("Consent was recorded for everyone who took part")
    assert page.get_by_label("Consent was recorded for everyone who took part").is_checked()
    assert phone.press("Start recording") == 200
    phone.check_page("the session page")

    worries = page.locator('[data-prompt="house-of-worries"]')
    worries.get_by_label("Words", exact=True).fill("Too many people I did not know")
    with page.expect_navigation():
        worries.get_by_role("button", name="Add", exact=True).click()
    drawing = page.locator('[data-prompt="magic-wand"]')
    picture = io.BytesIO()
    Image.new("RGB", (900, 600), (250, 200, 10)).save(picture, "JPEG")
    photo = tmp_path / "drawing.jpg"
    photo.write_bytes(picture.getvalue())
    drawing.get_by_label("Photo of the notes or drawings").set_input_files(str(photo))
    with page.expect_navigation():
        drawing.get_by_role("button", name="Upload the photo").click()
    assert page.locator("img.fg-photo").count() == 1
    phone.check_page("the session page with a note and a photo")

    dreams = page.locator('[data-prompt="house-of-dreams"]')
    with page.expect_navigation():
        dreams.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("link", name="Type the words of this item.").click()
    assert page.evaluate("document.activeElement.id") == "house-of-dreams-text"
    phone.check_page("the session page refusing an empty note")
    assert phone.requests_leaving_the_machine() == []
