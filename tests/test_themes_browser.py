"""Coding and the theme report in a real 360x640 Chromium: the coding page answers to its keys
(a theme's number toggles it, n confirms), and the coding, agreement and report pages pass
axe-core WCAG 2.2 AA without scrolling sideways (issue 15)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from sqlalchemy import select

from survey_app.db import Database
from survey_app.models import ThemeCode, ThemeCoding, User
from tests.conftest import PASSWORD, make_council
from tests.phones import Phone
from tests.theme_items import code, items, register

if TYPE_CHECKING:
    from tests.live_server import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def app(live_server: LiveServer) -> Flask:
    """Items and accounts made here go into the database being served."""
    return live_server.app


def test_a_coder_codes_by_keys_and_the_coding_and_report_pages_pass_axe(
    app: Flask,
    database: Database,
    make_user: Callable[..., User],
    make_phone: Callable[..., Phone],
) -> None:
    codebook = app.extensions["codebook"]
    with database.session() as session:
        suffolk = make_council(session, "Suffolk")
        session.commit()
        waiting = register(
            session, items(suffolk.id, [f"we waited outside for ages {n}" for n in range(30)])
        )
        session.commit()
    first_coder = make_user("first@example.org")
    with database.session() as session:
        # All but one coded already, so the page shows the one left and the report has figures.
        code(session, codebook, first_coder, waiting[1:], [["waiting"]] * 29)
        session.commit()
    coder = make_user("coder@example.org")
    phone = make_phone(javascript=True)
    phone.sign_in(coder.email, PASSWORD)
    page = phone.page

    assert phone.open("/facilitator/coding") == 200
    phone.check_page("the coding page")
    first_theme = codebook.active[0]
    with page.expect_navigation():
        page.keyboard.press("1")  # a theme's number toggles it
    toggle = page.locator(f'button[name="toggle"][value="{first_theme.id}"]')
    assert toggle.get_attribute("aria-pressed") == "true"
    phone.check_page("the coding page with a theme toggled")
    with page.expect_navigation():
        page.keyboard.press("n")  # confirm and go on
    with database.session() as session:
        given = session.scalars(
            select(ThemeCode.theme_id)
            .join(ThemeCoding, ThemeCode.coding_id == ThemeCoding.id)
            .where(ThemeCoding.coder_id == coder.id)
        ).all()
    assert given == [first_theme.id]
    assert phone.console_errors == []

    assert phone.open("/facilitator/coding/agreement") == 200
    phone.check_page("the agreement page")
    report = "/facilitator/themes/report?council=Suffolk"
    assert phone.open(report) == 200
    assert "Suffolk" in page.content()
    phone.check_page("the theme report")
    assert phone.requests_leaving_the_machine() == []
