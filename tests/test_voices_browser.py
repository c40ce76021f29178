"""Complaints and compliments, and case-file audits, in a real 360x640 Chromium: the import page,
its mapping step and its result, and the audit pages pass axe-core WCAG 2.2 AA and never scroll
sideways (issue 15)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from survey_app.db import Database
from survey_app.models import User
from tests.conftest import PASSWORD, make_council
from tests.live_server import LiveServer, serving_definitions
from tests.phones import Phone

pytestmark = pytest.mark.browser

SHIPPED = Path(__file__).parent.parent / "survey_definitions"
TEST_SURVEYS = Path(__file__).parent / "data" / "surveys"
AUDIT = "case-file-audit"


@pytest.fixture
def live_server(make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[LiveServer]:
    """The demo-mode app serving the test survey and the shipped case-file audit form."""
    with serving_definitions(
        make_app,
        tmp_path / "definitions",
        [TEST_SURVEYS / "test-child.yaml", SHIPPED / f"{AUDIT}.yaml"],
    ) as running:
        yield running


@pytest.fixture
def app(live_server: LiveServer) -> Flask:
    return live_server.app


def test_importing_a_log_and_auditing_a_case_pass_axe_on_a_phone(
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

    assert phone.open("/facilitator/feedback/") == 200
    phone.check_page("the import page")
    # A council's own headings: the mapping step asks which column is which.
    log = tmp_path / "log.csv"
    log.write_text(
        "Date received,Kind,Who,Team,What they said\n"
        "03/10/2026,complaint,parent,Child protection,Nobody rang me back\n"
        "not a date,compliment,child,Child protection,My social worker listened\n",
        encoding="utf-8",
    )
    page.get_by_label("Council").select_option("Suffolk")
    page.get_by_label("The log (CSV or XLSX)").set_input_files(str(log))
    assert phone.press("Import") in (200, 400)
    phone.check_page("the mapping step")
    for field, heading in {
        "received_on": "Date received",
        "type": "Kind",
        "from": "Who",
        "service": "Team",
        "text": "What they said",
    }.items():
        page.locator(f'select[name="column_{field}"]').select_option(heading)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    assert "Imported 1" in page.content() or "1 added" in page.content(), page.content()[:2000]
    phone.check_page("the import result with a refused row")

    assert phone.open("/facilitator/audits/") == 200
    phone.check_page("the audits page")
    assert phone.open(f"/facilitator/audits/{AUDIT}") == 200
    phone.check_page("the audit form")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    phone.check_page("the audit form refusing a form with no answers")
    assert phone.requests_leaving_the_machine() == []
