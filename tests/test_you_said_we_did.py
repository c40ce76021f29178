"""'You said, we did': actions recorded and approved by staff, shown to children on the pages of
their own council's links, in their language, and nowhere before approval (issue 16)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from survey_app import operations
from survey_app.db import Database
from survey_app.models import Action, Distribution, User
from tests.conftest import Child, csrf_token, make_council, sign_in
from tests.you_said import (
    ADMIN,
    CHILD,
    LEAD,
    OTHER_LEAD,
    approved_action,
    bearer,
    record,
    token_maker,
)


@pytest.fixture
def make_token(database: Database, make_user: Callable[..., User]) -> Callable[..., str]:
    return token_maker(database, make_user)


@pytest.fixture
def suffolk_and_norfolk(make_distribution: Callable[..., Distribution]) -> tuple[str, str]:
    """A link for Suffolk and one for Norfolk (both the test survey: English, Polish, Arabic)."""
    suffolk = make_distribution().code
    norfolk = make_distribution(council_name="Norfolk", label="CP conferences, Norwich").code
    return suffolk, norfolk


# Children -------------------------------------------------------------------------------------


def test_a_child_sees_nothing_of_an_action_until_a_council_lead_approves_it(
    client, make_token, suffolk_and_norfolk
):
    suffolk, _ = suffolk_and_norfolk
    recorded = record(client, make_token("facilitator@example.org"))
    assert recorded.status_code == 201
    child = Child(client, suffolk)

    before = child.open()
    assert "You said, we did" not in before.text
    assert CHILD["en"]["we_did"] not in before.text
    assert CHILD["en"]["we_did"] not in child.open("/you-said-we-did").text

    lead = make_token(LEAD, "council_lead", "Suffolk")
    approved = client.post(f"/api/v1/actions/{recorded.json['id']}/approve", headers=bearer(lead))
    assert approved.status_code == 200 and approved.json["approved"] is True

    after = child.open()
    assert "You said, we did" in after.text
    assert CHILD["en"]["you_said"] in after.text and CHILD["en"]["we_did"] in after.text
    assert CHILD["en"]["we_did"] in child.open("/you-said-we-did").text


def test_the_welcome_page_shows_the_three_newest_below_start_and_the_page_lists_them_all(
    client, make_token, suffolk_and_norfolk
):
    suffolk, _ = suffolk_and_norfolk
    lead = make_token(LEAD, "council_lead", "Suffolk")
    for number in range(1, 5):
        child_words = {
            code: {"you_said": f"{words['you_said']} ({number})", "we_did": words["we_did"]}
            for code, words in CHILD.items()
        }
        made = record(client, lead, child=child_words)
        assert made.status_code == 201, made.json
        assert (
            client.post(
                f"/api/v1/actions/{made.json['id']}/approve", headers=bearer(lead)
            ).status_code
            == 200
        )
    child = Child(client, suffolk)

    welcome = child.open().text
    shown = re.findall(r"why the meeting was on\. \((\d)\)", welcome)
    assert shown == ["4", "3", "2"]  # newest first, three at most
    assert welcome.index('class="button"') < welcome.index('class="you-said"')  # below Start
    everything = child.open("/you-said-we-did").text
    assert re.findall(r"why the meeting was on\. \((\d)\)", everything) == ["4", "3", "2", "1"]
    assert "<script" not in everything


def test_a_councils_actions_never_show_on_another_councils_links(
    client, make_token, suffolk_and_norfolk
):
    suffolk, norfolk = suffolk_and_norfolk
    approved_action(client, make_token)

    assert CHILD["en"]["we_did"] in Child(client, suffolk).open().text
    for path in ("", "/you-said-we-did", "/thanks"):
        page = Child(client, norfolk).open(path)
        assert CHILD["en"]["we_did"] not in page.text, path
        assert "You said, we did" not in page.text or path == "/you-said-we-did"


def test_an_action_for_the_whole_region_shows_on_every_councils_links(
    client, make_token, make_user, suffolk_and_norfolk
):
    suffolk, norfolk = suffolk_and_norfolk
    admin = make_token(ADMIN, "admin")
    made = record(client, admin, council=None)
    assert made.status_code == 201 and made.json["council"] is None
    lead = make_token(LEAD, "council_lead", "Suffolk")
    refused = client.post(f"/api/v1/actions/{made.json['id']}/approve", headers=bearer(lead))
    assert refused.status_code == 403  # a council lead does not approve for the region
    assert (
        client.post(f"/api/v1/actions/{made.json['id']}/approve", headers=bearer(admin)).status_code
        == 200
    )

    for code in (suffolk, norfolk):
        assert CHILD["en"]["we_did"] in Child(client, code).open().text


@pytest.mark.parametrize(
    ("language", "heading", "direction"),
    [("pl", "Powiedzieliście, zrobiliśmy", "ltr"), ("ar", "قلتم، ففعلنا", "rtl")],
)
def test_a_child_reads_the_actions_in_their_own_language_right_to_left_in_arabic(
    client, make_token, suffolk_and_norfolk, language, heading, direction
):
    suffolk, _ = suffolk_and_norfolk
    approved_action(client, make_token)
    child = Child(client, suffolk)

    for path in (f"?lang={language}", f"/you-said-we-did?lang={language}"):
        page = child.open(path).text
        assert f'<html lang="{language}" dir="{direction}">' in page
        assert heading in page
        assert CHILD[language]["we_did"] in page
        assert CHILD["en"]["we_did"] not in page  # no English inside another language


def test_the_thank_you_page_shows_the_actions_after_a_child_sends(
    client, make_token, suffolk_and_norfolk
):
    suffolk, _ = suffolk_and_norfolk
    approved_action(client, make_token)
    child = Child(client, suffolk)
    child.answer_up_to_better()
    child.answer()
    thanks = child.send()

    assert thanks.request.path.endswith("/thanks")
    assert CHILD["en"]["we_did"] in thanks.text


def test_the_welcome_page_with_actions_stays_light_and_needs_no_script(
    client, make_token, suffolk_and_norfolk
):
    suffolk, _ = suffolk_and_norfolk
    approved_action(client, make_token)
    welcome = Child(client, suffolk).open().text
    assert "<img" not in welcome
    # Read-aloud's script is the only one, offered as before; the actions need none.
    assert welcome.count("<script") == 1 and "read-aloud.js" in welcome


# Approval -------------------------------------------------------------------------------------


def test_approval_is_refused_while_a_language_the_councils_child_surveys_offer_has_no_words(
    client, make_token, suffolk_and_norfolk
):
    made = record(client, make_token("facilitator@example.org"), child={"en": CHILD["en"]})
    lead = make_token(LEAD, "council_lead", "Suffolk")

    refused = client.post(f"/api/v1/actions/{made.json['id']}/approve", headers=bearer(lead))

    assert refused.status_code == 409
    assert "Polski" in refused.json["error"] and "العربية" in refused.json["error"]
    assert refused.json["field"] == "child"


def test_approval_is_refused_for_a_name_naming_the_kind_without_quoting_it(
    client, make_token, suffolk_and_norfolk
):
    named = dict(CHILD)
    named["en"] = {"you_said": CHILD["en"]["you_said"],
                   "we_did": "Jane Okafor now rings you on 07700 900123 first."}  # fmt: skip
    made = record(client, make_token("facilitator@example.org"), child=named)
    lead = make_token(LEAD, "council_lead", "Suffolk")

    refused = client.post(f"/api/v1/actions/{made.json['id']}/approve", headers=bearer(lead))

    assert refused.status_code == 409
    message = refused.json["error"]
    assert "a name" in message and "a phone number" in message
    assert "Okafor" not in message and "07700" not in message
    assert "Jane Okafor" not in Child(client, suffolk_and_norfolk[0]).open().text


def test_only_a_lead_of_the_actions_own_council_or_an_admin_approves_it(
    client, make_token, suffolk_and_norfolk
):
    made = record(client, make_token("facilitator@example.org"))
    action = f"/api/v1/actions/{made.json['id']}/approve"
    facilitator = make_token("other-facilitator@example.org")
    norfolk_lead = make_token(OTHER_LEAD, "council_lead", "Norfolk")

    assert client.post(action, headers=bearer(facilitator)).status_code == 403
    # Another council's action looks like one that does not exist.
    assert client.post(action, headers=bearer(norfolk_lead)).status_code == 404
    assert client.post(action, headers=bearer(make_token(ADMIN, "admin"))).status_code == 200


def test_a_council_lead_records_only_for_their_own_council(client, make_token, suffolk_and_norfolk):
    lead = make_token(LEAD, "council_lead", "Suffolk")

    assert record(client, lead, council="Norfolk").status_code == 403
    assert record(client, lead, council=None).json["council"] == "Suffolk"  # their own
    listed = client.get("/api/v1/actions?council=Norfolk", headers=bearer(lead))
    assert listed.status_code == 404


def test_english_above_a_reading_age_of_nine_is_recorded_with_a_warning_staff_can_see(
    client, make_token, make_user, suffolk_and_norfolk
):
    hard = dict(CHILD)
    hard["en"] = {
        "you_said": "Participants consistently characterised conference documentation as "
        "incomprehensible and intimidating.",
        "we_did": CHILD["en"]["we_did"],
    }
    made = record(client, make_token("facilitator@example.org"), child=hard)

    assert made.status_code == 201
    assert any("reading age of 9" in warning for warning in made.json["warnings"])
    sign_in(client, "facilitator@example.org")
    plan = client.get("/facilitator/actions?council=Suffolk")
    assert "data-reading-warning" in plan.text and "reading age of 9" in plan.text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"themes": ["Not A Slug!"]}, None),
        # The codebook's themes only, and never a retired one.
        ({"themes": ["not_a_theme"]}, "themes"),
        ({"themes": ["old_theme"]}, "themes"),
        ({"status": "finished"}, "status"),
        ({"owner_role": "Jane Okafor"}, "owner_role"),
        ({"child": {"de": {"you_said": "Hallo", "we_did": "Hallo"}}}, "child"),
        ({"you_said": ""}, "you_said"),
        ({"measure": {"survey": "test-child", "question": "went", "option": "maybe"}}, "measure"),
        # Faces differ by age band: a council's figure is of their directions, not one face.
        ({"measure": {"survey": "test-child", "question": "feel", "option": "happy"}}, "measure"),
    ],
)
def test_an_action_that_cannot_be_recorded_is_refused_with_the_field_and_nothing_is_kept(
    client, make_token, database, suffolk_and_norfolk, change, field
):
    refused = record(client, make_token("facilitator@example.org"), **change)

    assert refused.status_code == 400, refused.json
    assert field is None or refused.json["field"] == field
    with database.session() as session:
        assert session.query(Action).count() == 0


def test_a_question_asked_differently_by_age_is_measured_by_its_direction(
    client, make_token, suffolk_and_norfolk
):
    measure = {"survey": "test-child", "question": "feel", "option": "positive"}
    made = record(client, make_token("facilitator@example.org"), measure=measure)
    assert made.status_code == 201, made.json


def test_the_api_lists_a_councils_actions_with_the_regions(client, make_token, suffolk_and_norfolk):
    facilitator = make_token("facilitator@example.org")
    record(client, facilitator)
    record(client, facilitator, council="Norfolk", we_did="Norfolk's own change.")
    record(client, facilitator, council=None, we_did="A change for everyone.")

    listed = client.get("/api/v1/actions?council=Suffolk", headers=bearer(facilitator))

    assert listed.status_code == 200
    assert {a["council"] for a in listed.json["actions"]} == {"Suffolk", None}
    assert listed.json["actions"][-1]["themes"] == ["listened_to"]
    assert set(listed.json["actions"][-1]["child"]) == {"en", "pl", "ar"}


# Staff pages ------------------------------------------------------------------------------------


def test_a_council_lead_records_and_approves_on_the_plan_page_and_sees_only_their_council(
    client, make_user, make_token, suffolk_and_norfolk
):
    record(client, make_token("facilitator@example.org"), council="Norfolk", we_did="Norfolk only.")
    make_user(LEAD, "council_lead", "Suffolk")
    assert sign_in(client, LEAD).status_code == 302
    page = client.get("/facilitator/actions")
    assert page.status_code == 200 and "Norfolk only." not in page.text
    form = {
        "csrf_token": csrf_token(page.text),
        "you_said": "Children said the room felt too big.",
        "we_did": "We meet in a smaller room.",
        "status": "done",
        "owner_role": "Conference chairs",
        "acted_on": "2026-11-02",
        **{f"child_{code}_{part}": words[part] for code, words in CHILD.items()
           for part in ("you_said", "we_did")},
    }  # fmt: skip

    recorded = client.post("/facilitator/actions", data=form)
    assert recorded.status_code == 303
    plan = client.get(recorded.headers["Location"])
    assert (
        "We meet in a smaller room." in plan.text and "not yet: waiting for approval" in plan.text
    )
    action_id = re.search(r'action="/facilitator/actions/(\d+)/approve"', plan.text).group(1)
    approved = client.post(
        f"/facilitator/actions/{action_id}/approve", data={"csrf_token": csrf_token(plan.text)}
    )
    assert approved.status_code == 303
    assert "approved on" in client.get("/facilitator/actions").text
    # Another council's plan is not theirs to read.
    assert "Norfolk only." not in client.get("/facilitator/actions?council=Norfolk").text


def test_a_refused_form_is_shown_again_with_what_was_typed_and_the_problem(
    client, make_user, suffolk_and_norfolk
):
    make_user()
    sign_in(client, "facilitator@example.org")
    page = client.get("/facilitator/actions")
    refused = client.post(
        "/facilitator/actions",
        data={"csrf_token": csrf_token(page.text), "you_said": "Heard this.", "we_did": "",
              "council": "Suffolk"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "We did is empty." in refused.text and "Heard this." in refused.text


def test_the_action_plan_downloads_as_csv_and_xlsx(
    client, make_user, make_token, suffolk_and_norfolk
):
    approved_action(client, make_token)
    sign_in(client, "facilitator@example.org")

    csv_file = client.get("/facilitator/actions.csv?council=Suffolk")
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    lines = csv_file.get_data(as_text=True).splitlines()
    assert lines[0].startswith("id,council,you_said,we_did,status")
    assert "Suffolk" in lines[1] and "Conference chairs" in lines[1] and "ar en pl" in lines[1]

    xlsx = client.get("/facilitator/actions.xlsx?council=Suffolk")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "council", "you_said") and rows[1][1] == "Suffolk"


def test_safeguarding_leads_do_not_see_the_action_plan(client, make_user, suffolk_and_norfolk):
    make_user("safe@example.org", "safeguarding_lead", "Suffolk")
    sign_in(client, "safe@example.org")
    assert client.get("/facilitator/actions").status_code == 404


def test_the_survey_report_lists_the_councils_actions(
    client, make_user, make_token, app: Flask, suffolk_and_norfolk
):
    approved_action(client, make_token)
    sign_in(client, "facilitator@example.org")
    report = client.get("/facilitator/surveys/test-child/report?council=Suffolk")
    assert report.status_code == 200
    assert "You said, we did" in report.text
    assert "Chairs now explain the conference to every child the day before." in report.text


def test_the_survey_reports_pdf_lists_the_councils_actions(
    client, make_user, make_token, suffolk_and_norfolk
):
    approved_action(client, make_token)
    sign_in(client, "facilitator@example.org")
    pdf = client.get("/facilitator/surveys/test-child/report.pdf?council=Suffolk")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "You said, we did" in text
    assert "every child the day before" in " ".join(text.split())


def test_the_theme_report_lists_the_councils_actions_with_their_themes_and_no_other_councils(
    client, make_user, make_token, suffolk_and_norfolk
):
    approved_action(client, make_token)
    sign_in(client, "facilitator@example.org")

    suffolk = client.get("/facilitator/themes/report?council=Suffolk")
    norfolk = client.get("/facilitator/themes/report?council=Norfolk")
    pdf = client.get("/facilitator/themes/report.pdf?council=Suffolk")

    assert suffolk.status_code == 200
    assert "You said, we did" in suffolk.text
    assert "Chairs now explain the conference to every child the day before." in suffolk.text
    assert "themes: Felt listened to" in suffolk.text  # the theme's label, never its id
    assert "every child the day before" not in norfolk.text
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "every child the day before" in " ".join(text.split())


def test_the_council_is_made_by_an_admin_never_from_an_action(
    client, make_token, database, suffolk_and_norfolk
):
    refused = record(client, make_token("facilitator@example.org"), council="Nowhere")
    assert refused.status_code == 400 and refused.json["field"] == "council"
    with database.session() as session:
        assert make_council(session, "Suffolk").name == "Suffolk"
        assert operations.find_council(session, "Nowhere") is None


def test_the_regions_plan_shows_every_councils_actions_and_the_regions(
    client, make_token, suffolk_and_norfolk
):
    facilitator = make_token("facilitator@example.org")
    record(client, facilitator, we_did="The Suffolk change.")
    record(client, facilitator, council="Norfolk", we_did="The Norfolk change.")
    record(client, facilitator, council=None, we_did="A change for everyone.")
    sign_in(client, "facilitator@example.org")

    region = client.get("/facilitator/actions")

    assert region.status_code == 200
    for words in ("The Suffolk change.", "The Norfolk change.", "A change for everyone."):
        assert words in region.text
    suffolk = client.get("/facilitator/actions?council=Suffolk").text
    assert "The Norfolk change." not in suffolk and "A change for everyone." in suffolk
    assert client.get("/facilitator/actions?council=Nowhere").status_code == 404
