"""A real Chromium shaped like a small phone: the child's journey with and without JavaScript,
axe-core WCAG 2.2 AA checks on every page, big tap targets, no sideways scrolling, and no request
that leaves the machine."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from playwright.sync_api import Browser
from sqlalchemy import select

from survey_app.background import background_work
from survey_app.db import Database
from survey_app.models import Distribution, SurveyResponse, User
from tests.conftest import PASSWORD, close_periods, make_council
from tests.phones import PHONE, Phone

if TYPE_CHECKING:
    from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp")  # noqa: S108  (where the lead looks; nothing secret is written)


@pytest.fixture
def app(live_server: LiveServer) -> Flask:
    """Distributions and accounts made by the fixtures go into the database being served."""
    return live_server.app


def responses(database: Database) -> list[SurveyResponse]:
    with database.session() as session:
        return list(session.scalars(select(SurveyResponse)).unique())


EXPECTED_ANSWERS = {
    "went": "no",
    "why_not": ["not_told", "school"],
    "feel": "happy",
    "times": 2,
    "better": "written",
}


def answer_every_question(phone: Phone, code: str) -> None:
    """From the welcome page to the thank-you page, checking each page on the way."""
    page = phone.page
    assert phone.open(f"/s/{code}") == 200
    phone.check_page("the welcome page")
    phone.check_tap_targets("the welcome page")
    if phone.javascript:
        # Asking for read-aloud puts its button on every later page, so axe checks it too.
        phone.choose("Read the questions out loud")
    assert phone.press("Start") == 200
    assert page.url.endswith("/q/age")
    phone.check_page("the age question")
    phone.check_tap_targets("the age question")
    has_read_aloud = page.get_by_role("button", name="Read this out loud").count() == 1
    assert has_read_aloud == phone.javascript
    if not phone.javascript:
        # What most children see: without read-aloud the page is the same with or without script.
        page.screenshot(path=str(SCREENSHOTS / "first-question.png"))
    phone.choose("8 to 11")
    phone.press("Next")

    assert "Did you go to the meeting about you?" in page.locator("h1").inner_text()
    phone.check_page("the first survey question")
    phone.check_tap_targets("the first survey question")
    phone.choose("No")
    phone.press("Next")

    assert page.url.endswith("/q/why-not")
    phone.check_page("a multiple-choice question")
    phone.check_tap_targets("a multiple-choice question")
    phone.choose("Nobody told me")
    phone.choose("It was in school time")
    phone.press("Next")

    assert page.locator("svg.face").count() == 3
    phone.check_page("the faces question")
    phone.check_tap_targets("the faces question")
    phone.choose("Good")
    phone.press("Next")

    phone.check_page("the number question")
    page.get_by_role("textbox", name="How many meetings have you been to?").fill("2")
    phone.press("Next")

    phone.check_page("the free-text question")
    page.get_by_role("textbox", name="What one thing would make it better?").fill(
        "More time to talk."
    )
    phone.press("Next")

    assert page.url.endswith("/check")
    assert "Nobody told me, It was in school time" in page.locator("main").inner_text()
    phone.check_page("the check page")
    phone.check_tap_targets("the check page")
    assert phone.press("Send my answers") == 200
    assert page.url.endswith("/thanks")
    assert "Thank you for telling us." in page.locator("main").inner_text()
    phone.check_page("the thank-you page")


def test_a_child_answers_by_tapping_with_javascript_and_every_page_passes_axe(
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
    database: Database,
) -> None:
    phone = make_phone(javascript=True)
    code = make_distribution().code
    answer_every_question(phone, code)

    [saved] = responses(database)
    assert saved.answers == EXPECTED_ANSWERS
    assert phone.open("/s/nosuchcode1") == 404
    assert "check it letter by letter" in phone.page.locator("main").inner_text()
    phone.check_page("the page-not-found page")
    assert phone.requests_leaving_the_machine() == []


def test_a_child_answers_by_tapping_without_javascript(
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
    database: Database,
) -> None:
    phone = make_phone(javascript=False)
    answer_every_question(phone, make_distribution().code)

    [saved] = responses(database)
    assert saved.answers == EXPECTED_ANSWERS
    assert phone.requests_leaving_the_machine() == []
    # This phone keeps the Content-Security-Policy: an inline style or script would show here.
    assert phone.console_errors == []


def test_next_without_an_answer_names_the_question_and_its_link_moves_to_the_first_option(
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
) -> None:
    phone = make_phone(javascript=True)
    page = phone.page
    phone.open(f"/s/{make_distribution().code}")
    phone.press("Start")
    assert phone.press("Next") == 422

    assert page.title().startswith("Error:")
    summary = page.locator(".error-summary")
    assert "There is a problem" in summary.inner_text()
    link = summary.get_by_role("link", name="Choose an answer for: How old are you?")
    phone.check_page("the error page")
    phone.check_tap_targets("the error page")
    link.click()
    first_option = page.locator("main input[type=radio]").first
    assert page.evaluate("document.activeElement.id") == first_option.get_attribute("id")
    assert page.evaluate("document.activeElement.value") == "8-11"
    # The jump must not scroll the question itself off the top of the screen.
    question = page.locator("legend").bounding_box()
    assert question is not None and question["y"] >= 0, f"the question scrolled away: {question}"
    assert phone.requests_leaving_the_machine() == []


def test_the_arabic_survey_reads_right_to_left_and_passes_axe(
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
) -> None:
    phone = make_phone(javascript=True)
    page = phone.page
    phone.open(f"/s/{make_distribution().code}?lang=ar")
    root = page.locator("html")
    assert (root.get_attribute("lang"), root.get_attribute("dir")) == ("ar", "rtl")
    assert "اجتماعك" in page.locator("h1").inner_text()
    phone.check_page("the Arabic welcome page")
    # Every word on a right-to-left page is Arabic: the button too (no English "Start").
    phone.press("ابدأ")
    assert page.locator("html").get_attribute("dir") == "rtl"
    phone.check_page("the Arabic age question")
    phone.check_tap_targets("the Arabic age question")
    # In right-to-left the radio mark sits on the right of each answer.
    first = page.locator("main .option label").first.bounding_box()
    radio = page.locator("main .option input").first.bounding_box()
    assert first is not None and radio is not None
    assert radio["x"] + radio["width"] > first["x"] + first["width"] / 2
    assert phone.requests_leaving_the_machine() == []


def test_the_facilitator_pages_and_the_printable_card_pass_axe(
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    code = make_distribution().code
    phone = make_phone(javascript=True)
    page = phone.page
    phone.open("/facilitator/login")
    phone.check_page("the sign-in page")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    phone.press("Sign in")
    assert page.url.endswith("/facilitator/")
    assert page.get_by_role("button", name="Sign out").is_visible()
    phone.check_page("the list of surveys")
    phone.open("/facilitator/surveys/test-child")
    phone.check_page("the survey page")
    assert phone.open(f"/facilitator/distributions/{code}") == 200
    phone.check_page("the distribution page")
    assert phone.open(f"/facilitator/distributions/{code}/card") == 200
    phone.check_page("the printable card")
    page.screenshot(path=str(SCREENSHOTS / "card.png"), full_page=True)
    assert phone.open(f"/facilitator/distributions/{code}/card?lang=ar") == 200
    phone.check_page("the Arabic card")
    assert phone.requests_leaving_the_machine() == []


def test_an_admin_adds_a_council_then_a_refused_distribution_keeps_it_and_pages_pass_axe(
    make_phone: Callable[..., Phone],
    make_user: Callable[..., User],
) -> None:
    user = make_user(email="admin@example.org", role="admin")
    phone = make_phone(javascript=True)
    page = phone.page
    phone.open("/facilitator/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    phone.press("Sign in")
    phone.open("/facilitator/councils/")
    phone.check_page("the councils page")
    page.get_by_label("Name of the council").fill("Suffolk")
    assert phone.press("Add the council") == 200
    page.get_by_label("Name of the council").fill("suffolk")
    assert phone.press("Add the council") == 400
    phone.check_page("the councils page refusing a name taken")
    phone.open("/facilitator/surveys/test-child")
    page.get_by_label("Council", exact=True).select_option("Suffolk")
    page.get_by_label("Context").fill("CP conferences, Ipswich")
    page.get_by_label("Closes on (optional)").fill("2000-01-01")

    assert phone.press("Make the link and QR code") == 400
    assert page.get_by_label("Council", exact=True).input_value() == "Suffolk"
    assert page.get_by_label("Context").input_value() == "CP conferences, Ipswich"
    page.get_by_role("link", name=re.compile("has already passed")).click()
    assert page.evaluate("document.activeElement.id") == "closes_on"
    phone.check_page("the survey page refusing a distribution")
    assert phone.requests_leaving_the_machine() == []


def test_asking_for_an_export_and_its_status_pages_pass_axe(
    app: Flask,
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
    make_user: Callable[..., User],
) -> None:
    from tests.submissions import submit
    from workers import actors

    # Exports are the linked research extract as a file: a deployment that has them, an admin.
    app.config["RESEARCH_EXTRACT"] = True
    user = make_user(role="admin")
    distribution = make_distribution()
    for _ in range(10):
        response_id = submit(app, distribution, went="yes", feel="happy", times=3)
        actors.anonymise_response(response_id)
        actors.aggregate_response(response_id)
    phone = make_phone(javascript=True)
    page = phone.page
    phone.open("/facilitator/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    phone.press("Sign in")
    phone.open("/facilitator/surveys/test-child")
    phone.choose("Excel (XLSX)")

    assert phone.press("Ask for the file") == 200
    assert re.search(r"/facilitator/exports/\d+$", page.url)
    assert page.get_by_text("Waiting to start.").is_visible()
    phone.check_page("an export waiting to start")
    actors.build_export(int(page.url.rsplit("/", 1)[1]))
    page.get_by_role("link", name="Check again").click()
    assert page.get_by_role("link", name=re.compile("Download the file")).is_visible()
    phone.check_page("an export ready to download")
    phone.open("/facilitator/surveys/test-child")
    assert page.get_by_role("cell", name="Ready to download").is_visible()
    phone.check_page("the survey page with an export")
    assert phone.requests_leaving_the_machine() == []


def test_a_practitioner_at_meeting_one_gets_a_personal_code_and_the_pages_pass_axe(
    browser: Browser, make_app: Callable[..., Flask]
) -> None:
    from survey_app import operations
    from tests.live_server import serve

    shipped = Path(__file__).parent.parent / "survey_definitions"
    server = serve(make_app, SURVEY_DIR=str(shipped))
    context = browser.new_context(bypass_csp=True, **PHONE)
    try:
        with server.app.extensions["database"].session() as session:
            make_council(session, "Norfolk")
            code = operations.create_distribution(
                session,
                "practitioner-skills",
                "Norfolk",
                "Programme, meeting one",
                wave="meeting_one",
                waves=("meeting_one", "meeting_four"),
            ).code
            session.commit()
        phone = Phone(context, server.url, javascript=True)
        assert phone.open(f"/s/{code}") == 200
        phone.press("Start")
        assert phone.page.url.endswith("/q/code")
        phone.check_page("the personal-code page")
        phone.page.get_by_label("Day of the month you were born (1 to 31)").fill("7")
        phone.press("Next")
        while not phone.page.url.endswith("/check"):
            phone.check_page(phone.page.url)
            phone.press("Next")
        phone.press("Send my answers")
        shown = phone.page.locator("[data-personal-code]")
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", shown.inner_text().strip())
        phone.check_page("the thank-you page with a personal code")
        assert phone.requests_leaving_the_machine() == []
    finally:
        context.close()
        server.stop()


def test_the_report_page_passes_axe_keeps_the_csp_and_prints_on_a4(
    browser: Browser, make_app: Callable[..., Flask], worker: Callable[[], None]
) -> None:
    from survey_app import operations
    from tests.conftest import close_periods
    from tests.live_server import serve
    from tests.programmes import SHIPPED, run_programme

    server = serve(make_app, SURVEY_DIR=str(SHIPPED))
    before = [1] * 8 + [2] * 16 + [3] * 16
    after = [2] * 8 + [3] * 16 + [4] * 16
    run_programme(server.app, "Norfolk", before, after, [1] * 40)
    worker()
    close_periods(server.app)
    with server.app.extensions["database"].session() as session:
        operations.create_user(session, "facilitator@example.org", PASSWORD, "facilitator", None)
        session.commit()
    checked = browser.new_context(bypass_csp=True, **PHONE)
    strict = browser.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 800})
    try:
        for context in (checked, strict):
            phone = Phone(context, server.url, javascript=context is checked)
            phone.open("/facilitator/login")
            phone.page.get_by_label("Email address").fill("facilitator@example.org")
            phone.page.get_by_label("Password").fill(PASSWORD)
            phone.press("Sign in")
            assert phone.open("/facilitator/surveys/practitioner-skills/report") == 200
            charts = phone.page.locator("svg.chart")
            assert charts.count() >= 3
            box = charts.first.bounding_box()
            assert box is not None and box["height"] > 50  # drawn, not collapsed
            if context is checked:
                phone.check_page("the report page at 360 px")
                phone.page.screenshot(path=str(SCREENSHOTS / "report-phone.png"), full_page=True)
            else:
                # Without bypassing the CSP: no inline style or script was refused.
                assert phone.console_errors == []
                phone.page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
                phone.page.emulate_media(media="print")
                assert not phone.page.locator("header.top").is_visible()
                assert not phone.page.locator("form.choose-group").is_visible()
                pdf = phone.page.pdf(format="A4")
                assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
            assert phone.requests_leaving_the_machine() == []
    finally:
        checked.close()
        strict.close()
        server.stop()


def test_the_demos_reports_at_1280_px_open_with_the_summary_and_pass_axe(
    browser: Browser, make_app: Callable[..., Flask], worker: Callable[[], None]
) -> None:
    from survey_app import operations
    from tests.board import (
        CHILDREN_COUNCIL,
        PRACTITIONERS_COUNCIL,
        seed_children,
        seed_practitioners,
    )
    from tests.live_server import serve
    from tests.phones import axe_violations, describe
    from tests.programmes import SHIPPED

    server = serve(make_app, SURVEY_DIR=str(SHIPPED))
    seed_children(server.app)
    seed_practitioners(server.app)
    worker()
    close_periods(server.app)
    with server.app.extensions["database"].session() as session:
        operations.create_user(session, "facilitator@example.org", PASSWORD, "facilitator", None)
        session.commit()
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        desk = Phone(context, server.url, javascript=True)
        desk.open("/facilitator/login")
        desk.page.get_by_label("Email address").fill("facilitator@example.org")
        desk.page.get_by_label("Password").fill(PASSWORD)
        desk.press("Sign in")
        for survey, council in (
            ("child-cp-conference", CHILDREN_COUNCIL),
            ("practitioner-skills", PRACTITIONERS_COUNCIL),
        ):
            assert desk.open(f"/facilitator/surveys/{survey}/report?council={council}") == 200
            headings = desk.page.locator("h2").all_inner_texts()
            assert headings[0] == "Summary"
            assert desk.page.locator("#summary dd").count() >= 5
            assert "What is not shown, and why" in desk.page.locator("#summary").inner_text()
            violations = axe_violations(desk.page)
            assert not violations, describe(violations, f"the {survey} report", desk.page.url)
            width = desk.page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 1280
            desk.page.screenshot(
                path=str(SCREENSHOTS / f"report-1280-{survey}.png"), full_page=True
            )
        assert desk.requests_leaving_the_machine() == []
    finally:
        context.close()
        server.stop()


RISKY_ANSWER = "my step dad hits me and i dont want to go home tonight"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_i_dont_feel_safe_and_a_worrying_answer_open_the_safety_page_which_passes_axe(
    app: Flask,
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
    make_user: Callable[..., User],
    database: Database,
    javascript: bool,
) -> None:
    from survey_app.models import Concern, ContactRequest

    handed: list[list[int]] = []
    background_work(app).send_concern_emails = handed.append
    make_user(email="lead@suffolk.example", role="safeguarding_lead", council="Suffolk")
    phone = make_phone(javascript=javascript)
    page = phone.page
    code = make_distribution().code

    phone.open(f"/s/{code}")
    assert phone.press("I don't feel safe") == 200
    assert page.url.split("?")[0].endswith("/safe")
    assert page.locator("[data-safety-message]").is_visible()
    phone.check_page("the safety page, from the welcome page")
    phone.check_tap_targets("the safety page")
    page.get_by_label("Your name, or how we can reach you").fill("<b>Sam</b> 07700 900123")
    phone.choose("Not sure")
    assert phone.press("Ask someone to get in touch") == 200
    assert page.get_by_text("We have your message.").is_visible()
    phone.check_page("the safety page, contact request sent")
    with page.expect_navigation():
        page.get_by_role("link", name="Carry on with the survey").click()
    assert page.get_by_role("button", name="Start").is_visible()

    phone.press("Start")
    phone.choose("12 to 17")
    phone.press("Next")
    phone.choose("Yes")
    phone.press("Next")
    phone.choose("OK")
    phone.press("Next")
    page.get_by_role("textbox", name="How many meetings have you been to?").fill("1")
    phone.press("Next")
    page.get_by_role("textbox", name="What one thing would make it better?").fill(RISKY_ANSWER)
    phone.press("Next")
    assert page.locator("[data-safety-message]").is_visible()
    assert "will read what you wrote" in page.locator("[data-safety-message]").inner_text()
    phone.check_page("the safety page, after a worrying answer")
    if not javascript:
        page.screenshot(path=str(SCREENSHOTS / "safety-page.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="Carry on with the survey").click()
    assert page.url.endswith("/check")
    phone.press("Send my answers")
    assert page.url.endswith("/thanks")

    [saved] = responses(database)
    with database.session() as session:
        [concern] = session.scalars(select(Concern)).unique().all()
        assert concern.response_id == saved.id
        assert session.scalar(select(ContactRequest.concern_id)) == concern.id
    assert len(handed) == 1  # one alert for the visit, however it was raised
    assert phone.requests_leaving_the_machine() == []
    if not javascript:
        assert phone.console_errors == []


def test_the_arabic_safety_page_reads_right_to_left_and_passes_axe(
    browser: Browser, make_app: Callable[..., Flask]
) -> None:
    from survey_app import operations
    from tests.live_server import serve

    shipped = Path(__file__).parent.parent / "survey_definitions"
    server = serve(make_app, SURVEY_DIR=str(shipped))
    background_work(server.app).send_concern_emails = lambda notification_ids: None
    context = browser.new_context(bypass_csp=True, **PHONE)
    try:
        with server.app.extensions["database"].session() as session:
            make_council(session, "Suffolk")
            code = operations.create_distribution(
                session, "child-cp-conference", "Suffolk", "CP conferences"
            ).code
            session.commit()
        phone = Phone(context, server.url, javascript=True)
        page = phone.page
        phone.open(f"/s/{code}?lang=ar")
        phone.check_page("the Arabic welcome page with its safety control")
        assert phone.press("لا أشعر بالأمان") == 200
        root = page.locator("html")
        assert (root.get_attribute("lang"), root.get_attribute("dir")) == ("ar", "rtl")
        message = page.locator("[data-safety-message]")
        assert "تحدّث مع شخص بالغ تثق به" in message.inner_text()
        phone.check_page("the Arabic safety page")
        phone.check_tap_targets("the Arabic safety page")
        page.screenshot(path=str(SCREENSHOTS / "safety-page-ar.png"), full_page=True)
        assert phone.requests_leaving_the_machine() == []
    finally:
        context.close()
        server.stop()


def test_an_error_page_puts_the_keyboard_on_the_error_summary_without_javascript(
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
) -> None:
    phone = make_phone(javascript=False)
    page = phone.page
    phone.open(f"/s/{make_distribution().code}")
    phone.press("Start")
    assert phone.press("Next") == 422

    # Chromium moves focus to an autofocus element at a rendering step after the load event the
    # press waited for; on a busy machine that step comes late, so look again for up to 5 s.
    focused = page.evaluate("document.activeElement.className")
    for _ in range(100):
        if focused == "error-summary":
            break
        page.wait_for_timeout(50)
        focused = page.evaluate("document.activeElement.className")
    assert focused == "error-summary", f"focus is on {focused!r}, not on the error summary"
    # One Tab on, the keyboard is at the summary's link to the question.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#_age_band"
    headings = page.evaluate("[...document.querySelectorAll('h1, h2, h3')].map(h => h.tagName)")
    assert headings[0] == "H1", headings


def test_a_staff_form_error_puts_the_keyboard_on_the_error_summary_without_javascript(
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
    make_user: Callable[..., User],
) -> None:
    make_user()
    make_distribution(council_name="Suffolk")
    phone = make_phone(javascript=False)
    page = phone.page

    def keyboard_is_on_the_summary(where: str, link: str) -> None:
        focused = page.evaluate("document.activeElement.className")
        assert focused == "error-summary", f"{where}: focus is on {focused!r}"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == link, where

    phone.open("/facilitator/login")
    page.get_by_label("Email address").fill("facilitator@example.org")
    page.get_by_label("Password").fill("not the password")
    assert phone.press("Sign in") == 401
    keyboard_is_on_the_summary("signing in with a wrong password", "#email")

    page.get_by_label("Password").fill(PASSWORD)
    phone.press("Sign in")
    phone.open("/facilitator/surveys/test-child")
    page.get_by_label("Council").select_option("Suffolk")
    page.get_by_label("Context").fill("Kept when refused")
    page.get_by_label("Closes on (optional)").fill("2001-01-01")
    assert phone.press("Make the link and QR code") == 400
    keyboard_is_on_the_summary("a closing date already past", "#closes_on")
    assert page.get_by_label("Context").input_value() == "Kept when refused"


CONTRAST_FOR_FOCUS = 3.0  # WCAG 1.4.11: parts of a control's state, against what is next to them


def test_every_focus_indicator_on_a_childs_pages_stands_out_at_least_3_to_1(
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
) -> None:
    phone = make_phone(javascript=True)
    page = phone.page
    phone.open(f"/s/{make_distribution().code}")
    rings = {
        "the read-aloud checkbox": phone.focus_ring_contrast(page.locator("#read_aloud")),
        "a language link": phone.focus_ring_contrast(page.locator(".languages a").first),
        "the Childline link": phone.focus_ring_contrast(page.locator(".help a").first),
        "I don't feel safe": phone.focus_ring_contrast(
            page.get_by_role("button", name="I don't feel safe")
        ),
        "the Start button": phone.focus_ring_contrast(page.get_by_role("button", name="Start")),
    }
    phone.choose("Read the questions out loud")
    phone.press("Start")
    assert phone.press("Next") == 422
    rings |= {
        "Read this out loud": phone.focus_ring_contrast(
            page.get_by_role("button", name="Read this out loud")
        ),
        "the error summary's link": phone.focus_ring_contrast(page.locator(".error-summary a")),
        "an answer": phone.focus_ring_contrast(page.locator("main .option input").first),
        "the Back link": phone.focus_ring_contrast(page.locator("main a.back")),
    }
    faint = {name: round(ratio, 2) for name, ratio in rings.items() if ratio < CONTRAST_FOR_FOCUS}
    assert faint == {}, f"focus shows at under {CONTRAST_FOR_FOCUS}:1 on {faint}"


def test_every_focus_indicator_on_the_staff_pages_stands_out_at_least_3_to_1(
    app: Flask,
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
    make_user: Callable[..., User],
) -> None:
    make_user()  # no council: sees every council, so the report offers a choice
    make_distribution(council_name="Suffolk")
    make_distribution(council_name="Norfolk")
    phone = make_phone(javascript=True)
    page = phone.page
    phone.open("/facilitator/login")
    page.get_by_label("Email address").fill("facilitator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    phone.press("Sign in")
    phone.open("/facilitator/surveys/test-child")
    rings = {
        "Download counts (CSV)": phone.focus_ring_contrast(
            page.get_by_role("button", name="Download counts (CSV)")
        ),
        "Sign out": phone.focus_ring_contrast(page.get_by_role("button", name="Sign out")),
    }
    phone.open("/facilitator/surveys/test-child/report")
    rings |= {
        # A secondary button (the row of responses to download went with issue 10's items).
        "the report's Show": phone.focus_ring_contrast(page.get_by_role("button", name="Show")),
        "the report's council list": phone.focus_ring_contrast(page.locator("#report-council")),
        "the report's Back link": phone.focus_ring_contrast(page.locator("main a.back")),
    }
    faint = {name: round(ratio, 2) for name, ratio in rings.items() if ratio < CONTRAST_FOR_FOCUS}
    assert faint == {}, f"focus shows at under {CONTRAST_FOR_FOCUS}:1 on {faint}"


# 200% text: the root's 112.5% doubled, as a phone's largest text setting does to every rem and em.
LARGE_TEXT = """document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.style.setProperty("font-size", "225%", "important");
});"""
# Long enough to be too long for any written question, with long words as Polish has them.
TOO_LONG = "Najprawdopodobniej niezrozumiałe " * 40


def submit_main_form(phone: Phone) -> int:
    """Press the main form's button (Start, Next, Send...), whatever the language."""
    with phone.page.expect_navigation() as navigation:
        phone.page.locator("main form button[type=submit]").first.click()
    response = navigation.value
    assert response is not None
    return response.status


# The name of each group of answers on the page, leaving out "I'd rather not say" beside a text box.
ANSWER_GROUPS = """[...new Set([...document.querySelectorAll(
  'main input[type=radio], main input[type=checkbox]:not([name$="--special"])'
)].map(input => input.name))]"""


def answer_whatever_is_asked(phone: Phone, choice: int) -> None:
    """Answer a question page without knowing its words: the choice-th answer of each radio group,
    the first box of each checkbox group, a few words in each text box."""
    page = phone.page
    groups = page.evaluate(ANSWER_GROUPS)
    for name in groups:
        answers = page.locator(f'main input[name="{name}"]')
        is_radio = answers.first.get_attribute("type") == "radio"
        index = min(choice, answers.count() - 1) if is_radio else 0
        page.locator(f'label[for="{answers.nth(index).get_attribute("id")}"]').click()
    for field in page.locator("main textarea, main input[type=text]").all():
        field.fill("2" if "number" in (field.get_attribute("class") or "") else "More time.")


def walk_every_child_page_state(phone: Phone, code: str, language: str, choice: int) -> list[str]:
    """From the welcome page to the thank-you page, with each error a child can meet on the way,
    checking that nothing scrolls sideways; says which page states it saw."""
    page = phone.page
    seen: list[str] = []

    def check(where: str) -> None:
        phone.check_sideways(f"{where} ({language}, answer {choice + 1})")
        seen.append(where)

    phone.open(f"/s/{code}?lang={language}")
    check("the welcome page")
    submit_main_form(phone)
    while not page.url.endswith("/check"):
        step = page.url.rsplit("/", 1)[1]
        check(step)
        if step == "age":
            assert submit_main_form(phone) == 422
            check("the age question with its error")
        fields = page.locator("main textarea, main input[type=text]:not(.number)")
        if fields.count():
            for field in fields.all():
                # maxlength is the limit itself, so go past it as an old browser would.
                field.evaluate("field => field.removeAttribute('maxlength')")
                field.fill(TOO_LONG)
            assert submit_main_form(phone) == 422
            check(f"{step} with an answer too long")
        answer_whatever_is_asked(phone, choice)
        submit_main_form(phone)
    check("the check page")
    submit_main_form(phone)
    check("the thank-you page")
    return seen


@pytest.mark.parametrize("language", ["en", "pl", "ar"])
def test_with_200_percent_text_on_a_360_px_phone_no_child_page_scrolls_sideways(
    browser: Browser, make_app: Callable[..., Flask], language: str
) -> None:
    from survey_app import operations
    from tests.live_server import serve

    shipped = Path(__file__).parent.parent / "survey_definitions"
    server = serve(make_app, SURVEY_DIR=str(shipped))
    background_work(server.app).send_concern_emails = lambda notification_ids: None
    contexts = []
    try:
        with server.app.extensions["database"].session() as session:
            make_council(session, "Suffolk")
            code = operations.create_distribution(
                session, "child-cp-conference", "Suffolk", "CP conferences"
            ).code
            not_yet_open = operations.create_distribution(
                session,
                "child-cp-conference",
                "Suffolk",
                "Not yet",
                opens_on=dt.date.today() + dt.timedelta(days=30),
            ).code
            closed = operations.create_distribution(
                session,
                "child-cp-conference",
                "Suffolk",
                "Over",
                closes_on=dt.date.today() - dt.timedelta(days=1),
            ).code
            session.commit()
        seen: list[str] = []
        for choice in (0, 1):  # 8 to 11 saying yes, then 12 to 17 saying no: every page
            context = browser.new_context(bypass_csp=True, **PHONE)
            contexts.append(context)
            context.add_init_script(LARGE_TEXT)
            phone = Phone(context, server.url, javascript=True)
            seen += walk_every_child_page_state(phone, code, language, choice)
        assert phone.page.evaluate("getComputedStyle(document.documentElement).fontSize") == "36px"
        # The safety page, from the welcome page, and its form's error.
        phone.open(f"/s/{code}?lang={language}")
        with phone.page.expect_navigation():
            phone.page.locator("form.unsafe button").click()
        phone.check_sideways(f"the safety page ({language})")
        with phone.page.expect_navigation():
            phone.page.locator("section.contact form button[type=submit]").click()
        phone.check_sideways(f"the safety page with its form's error ({language})")
        for shut, where in ((not_yet_open, "the not-yet-open page"), (closed, "the closed page")):
            phone.open(f"/s/{shut}?lang={language}")
            phone.check_sideways(f"{where} ({language})")
        assert {"why-not", "why-not-more", "listened", "feeling", "better"} <= set(seen)
        assert len(seen) >= 25, seen
    finally:
        for context in contexts:
            context.close()
        server.stop()


def walk_the_practitioner_survey(phone: Phone, code: str, wave: str) -> list[str]:
    """From the welcome page to the thank-you page (and the keep-my-code pages, when a code is
    given) with the code page's error, checking that nothing scrolls sideways."""
    page = phone.page
    seen: list[str] = []

    def check(where: str) -> None:
        phone.check_sideways(f"{where} ({wave})")
        seen.append(where)

    phone.open(f"/s/{code}")
    check("the welcome page")
    submit_main_form(phone)
    assert page.url.endswith("/q/code")
    check("the code page")
    if page.locator("details.have-code").count():
        page.locator("details.have-code summary").click()
        check("the code page with I already have a code open")
    page.locator("#self_day").fill("99")
    assert submit_main_form(phone) == 422
    check("the code page with its error")
    page.locator("#self_day").fill("")
    submit_main_form(phone)
    while not page.url.endswith("/check"):
        check(page.url.rsplit("/", 1)[1])
        answer_whatever_is_asked(phone, 0)
        submit_main_form(phone)
    check("the check page")
    submit_main_form(phone)
    check("the thank-you page")
    shown = page.locator("p.personal-code")
    if shown.count():
        seen.append("with its code")
        phone.open(f"/s/{code}/keep-code/{shown.get_attribute('data-personal-code')}")
        check("the keep-my-code page")
        submit_main_form(phone)
        check("the code kept page")
    return seen


def test_with_200_percent_text_on_a_360_px_phone_no_practitioner_page_scrolls_sideways(
    browser: Browser, make_app: Callable[..., Flask]
) -> None:
    from survey_app import operations
    from tests.live_server import serve

    shipped = Path(__file__).parent.parent / "survey_definitions"
    server = serve(make_app, SURVEY_DIR=str(shipped))
    contexts = []
    try:
        with server.app.extensions["database"].session() as session:
            make_council(session, "Suffolk")
            codes = {
                wave: operations.create_distribution(
                    session,
                    "practitioner-skills",
                    "Suffolk",
                    "Programme",
                    wave=wave,
                    waves=("meeting_one", "meeting_four"),
                ).code
                for wave in ("meeting_one", "meeting_four")
            }
            session.commit()
        seen = {}
        for wave, code in codes.items():
            context = browser.new_context(bypass_csp=True, **PHONE)
            contexts.append(context)
            context.add_init_script(LARGE_TEXT)
            seen[wave] = walk_the_practitioner_survey(
                Phone(context, server.url, javascript=True), code, wave
            )
        assert "the keep-my-code page" in seen["meeting_one"], seen
        assert "with its code" not in seen["meeting_four"], seen
        assert {"role", "knowledge"} <= set(seen["meeting_four"]), seen
    finally:
        for context in contexts:
            context.close()
        server.stop()


# Where the focused answer's box and its focus ring are on screen (None if focus is elsewhere).
FOCUSED_ANSWER = """() => {
  const input = document.activeElement;
  if (!input.matches("main .option input")) return null;
  const label = input.nextElementSibling;
  const box = label.getBoundingClientRect();
  const style = getComputedStyle(label);
  const widths = (style.boxShadow.match(/-?[\\d.]+px/g) || []).map(parseFloat);
  const ring = Math.max(0, parseFloat(style.outlineWidth) || 0, ...widths);
  return {top: box.top - ring, bottom: box.bottom + ring, screen: window.innerHeight,
          words: label.innerText.trim()};
}"""


def test_moving_down_the_answers_never_cuts_off_a_focus_ring_at_the_bottom_of_the_screen(
    make_phone: Callable[..., Phone],
    make_distribution: Callable[..., Distribution],
) -> None:
    phone = make_phone(javascript=False)
    page = phone.page
    phone.open(f"/s/{make_distribution().code}")
    phone.press("Start")
    phone.choose("12 to 17")
    phone.press("Next")
    phone.choose("Yes")
    phone.press("Next")
    assert page.locator("svg.face").count() == 5  # five faces and "I don't know": a long list
    inputs = page.locator("main .option input")
    answers = []
    for index in range(1, inputs.count()):
        # The answer above has the keyboard; the page is scrolled so that this answer's top
        # (its hidden input) just shows at the bottom of the screen, as after a child's swipe.
        inputs.nth(index - 1).focus()
        label_top = (
            page.locator("main .option label")
            .nth(index)
            .evaluate("label => label.getBoundingClientRect().top + window.scrollY")
        )
        page.evaluate("top => window.scrollTo(0, top - window.innerHeight + 50)", label_top)
        page.keyboard.press("ArrowDown")  # the keyboard's way through radios
        answers.append(page.evaluate(FOCUSED_ANSWER))
    cut = [a for a in answers if a is None or a["top"] < 0 or a["bottom"] > a["screen"]]
    assert cut == [], f"focus rings cut off at the screen's edge: {cut}"
