"""Facilitator pages: signing in, distributions, cards, council scope, downloads, safety."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import abort
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from survey_app import create_app
from survey_app.db import Database
from survey_app.models import Council, Distribution
from survey_app.web.security import is_staff_path
from tests.cellkeys import expected_counts
from tests.conftest import (
    Auth,
    HttpsClient,
    close_periods,
    csrf_token,
    make_council,
    rows_of,
    sign_in,
)
from tests.submissions import submit

EMAIL = "facilitator@example.org"
LEAD = "lead@norfolk.example.org"
WENT = ("yes", "no", "not_sure", "dont_know")
SURVEY = "/facilitator/surveys/test-child"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PHONE_NUMBER = "07700 900123"


def error_message(html: str) -> str:
    found = re.search(r'<li><a href="#email">(.*?)</a></li>', html)
    assert found, "the page shows no error"
    return found.group(1)


def sign_in_then_go(client: FlaskClient, email: str, target: str) -> TestResponse:
    """Sign in from a login page that was reached with ?next=target."""
    page = client.get("/facilitator/login", query_string={"next": target})
    return client.post(
        "/facilitator/login",
        query_string={"next": target},
        data={
            "email": email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )


def make_distribution_through_the_form(client: FlaskClient, **fields: str) -> TestResponse:
    page = client.get(SURVEY)
    return client.post(
        f"{SURVEY}/distributions",
        data={**fields, "csrf_token": csrf_token(page.get_data(as_text=True))},
    )


def count_distributions(database: Database, council: str) -> int:
    with database.session() as session:
        return session.scalar(
            select(func.count(Distribution.id))
            .join(Council, Distribution.council_id == Council.id)
            .where(Council.name == council)
        )


@pytest.fixture
def councils(database: Database) -> list[str]:
    """Suffolk and Norfolk, made as an admin would before anyone distributes."""
    with database.session() as session:
        names = [make_council(session, name).name for name in ("Suffolk", "Norfolk")]
        session.commit()
    return names


# Signing in ------------------------------------------------------------------------------


def test_signing_in_with_the_right_password_opens_the_survey_list(client, make_user):
    make_user(EMAIL)

    signed_in = sign_in(client, EMAIL)

    assert signed_in.status_code == 302
    assert signed_in.location == "/facilitator/"
    index = client.get("/facilitator/")
    assert index.status_code == 200
    assert "Your meeting" in index.get_data(as_text=True)
    assert EMAIL in index.get_data(as_text=True)


def test_signing_in_with_the_wrong_password_is_refused_with_a_clear_message(client, make_user):
    make_user(EMAIL)

    refused = sign_in(client, EMAIL, "not the password at all")

    assert refused.status_code == 401
    assert error_message(refused.get_data(as_text=True)) == (
        "The email address or password is not right."
    )
    assert client.get("/facilitator/").status_code == 302


def test_a_refused_sign_in_keeps_the_email_and_links_the_error_to_its_box(client, make_user):
    make_user(EMAIL)

    refused = sign_in(client, EMAIL, "not the password at all")

    page = refused.get_data(as_text=True)
    assert "<title>Error: Sign in" in page
    assert '<p class="error" id="email-error">' in page
    assert re.search(
        rf'id="email" name="email"[^>]*value="{re.escape(EMAIL)}" '
        r'aria-describedby="email-error" aria-invalid="true"',
        page,
    )


def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(client, make_user):
    make_user(EMAIL)

    wrong_password = sign_in(client, EMAIL, "not the password at all")
    unknown_email = sign_in(client, "nobody@example.org")

    assert unknown_email.status_code == wrong_password.status_code == 401
    assert error_message(unknown_email.get_data(as_text=True)) == error_message(
        wrong_password.get_data(as_text=True)
    )


def test_too_many_failures_lock_the_account_even_against_the_right_password(app, client, make_user):
    make_user(EMAIL)
    make_user("colleague@example.org")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert sign_in(client, EMAIL, "a wrong guess at it").status_code == 401

    locked = sign_in(client, EMAIL)

    assert locked.status_code == 401
    message = error_message(locked.get_data(as_text=True))
    assert f"Try again in {app.config['LOGIN_LOCKOUT_MINUTES']} minutes" in message
    assert client.get("/facilitator/").status_code == 302
    # The lock is on that account, not on everyone.
    assert sign_in(client, "colleague@example.org").status_code == 302


def test_signing_in_returns_to_the_page_that_asked_for_it(client, make_user):
    make_user(EMAIL)

    signed_in = sign_in_then_go(client, EMAIL, SURVEY)

    assert signed_in.status_code == 302
    assert signed_in.location == SURVEY


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "https:evil.example",
        "javascript:alert(1)",
    ],
)
def test_signing_in_never_redirects_to_another_site(client, make_user, target):
    make_user(EMAIL)

    signed_in = sign_in_then_go(client, EMAIL, target)

    assert signed_in.status_code == 302
    assert signed_in.location == "/facilitator/"


@pytest.mark.parametrize(
    "path",
    [
        "/facilitator/",
        SURVEY,
        "/facilitator/distributions/{code}",
        "/facilitator/distributions/{code}/qr.svg",
        "/facilitator/distributions/{code}/qr.png",
        "/facilitator/distributions/{code}/card",
        f"{SURVEY}/aggregates.csv",
        f"{SURVEY}/items.csv",
    ],
)
def test_facilitator_pages_send_a_visitor_who_has_not_signed_in_to_sign_in(
    client, make_distribution, path
):
    page = make_distribution().code.join(path.split("{code}"))

    response = client.get(page)

    assert response.status_code == 302
    where = urlsplit(response.location)
    assert where.path == "/facilitator/login"
    assert parse_qs(where.query)["next"] == [page]


# Distributions, QR codes and cards ------------------------------------------------------


def test_a_facilitator_makes_a_distribution_and_sees_its_link_and_qr_code(
    client, make_user, councils
):
    make_user(EMAIL)
    sign_in(client, EMAIL)

    made = make_distribution_through_the_form(
        client, council="Suffolk", label="CP conferences, Ipswich"
    )

    assert made.status_code == 302
    found = re.fullmatch(r"/facilitator/distributions/([a-z0-9]{10})", made.location)
    assert found, made.location
    code = found.group(1)
    page = client.get(made.location).get_data(as_text=True)
    assert f'href="https://surveys.example/s/{code}"' in page
    assert f'<img class="qr" src="/facilitator/distributions/{code}/qr.svg"' in page
    assert "Suffolk" in page
    listed = client.get(SURVEY).get_data(as_text=True)
    assert f'href="/facilitator/distributions/{code}"' in listed

    svg = client.get(f"/facilitator/distributions/{code}/qr.svg")
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    png = client.get(f"/facilitator/distributions/{code}/qr.png")
    assert png.status_code == 200
    assert png.mimetype == "image/png"
    assert png.data.startswith(PNG_SIGNATURE)


def test_a_distribution_without_a_label_is_not_made_and_the_form_says_why(
    client, make_user, database, councils
):
    make_user(EMAIL)
    sign_in(client, EMAIL)

    refused = make_distribution_through_the_form(client, council="Suffolk", label="  ")

    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert '<a href="#label">Give the distribution a label' in page
    assert 'id="label-error"' in page
    assert count_distributions(database, "Suffolk") == 0


def test_a_closing_date_already_past_is_refused_beside_its_field_keeping_what_was_typed(
    client, make_user, database, councils
):
    make_user(EMAIL)
    sign_in(client, EMAIL)
    today = dt.datetime.now(dt.UTC).date()
    yesterday = today - dt.timedelta(days=1)

    refused = make_distribution_through_the_form(
        client, council="Suffolk", label="CP conferences, Ipswich", closes_on=yesterday.isoformat()
    )

    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    message = (
        f"The closing date {yesterday.isoformat()} has already passed "
        f"(today is {today.isoformat()})"
    )
    assert f'<a href="#closes_on">{message}' in page
    beside = re.search(
        r'<p class="error" id="closes_on-error">(.*?)</p>\s*<input[^>]*id="closes_on"', page
    )
    assert beside and message in beside.group(1)
    assert 'id="label" name="label" value="CP conferences, Ipswich"' in page
    assert '<option value="Suffolk" selected>Suffolk</option>' in page
    assert f'name="closes_on" value="{yesterday.isoformat()}"' in page
    assert count_distributions(database, "Suffolk") == 0


def test_a_closing_date_of_today_is_accepted(client, make_user, database, councils):
    make_user(EMAIL)
    sign_in(client, EMAIL)

    made = make_distribution_through_the_form(
        client,
        council="Suffolk",
        label="CP conferences, Ipswich",
        closes_on=dt.datetime.now(dt.UTC).date().isoformat(),
    )

    assert made.status_code == 302
    assert count_distributions(database, "Suffolk") == 1


def test_making_a_distribution_comes_first_and_the_disclosure_rules_sit_behind_details(
    client, make_user, councils
):
    make_user(EMAIL)
    sign_in(client, EMAIL)

    page = client.get(SURVEY).get_data(as_text=True)

    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert headings[0] == "Make a distribution"
    assert page.index('id="make"') < page.index("<h2>Distributions</h2>")
    rules = re.search(
        r'<details id="protection">\s*<summary>How the figures protect children', page
    )
    assert rules, "the disclosure rules are not behind a details element"
    assert re.search(r'<details id="notes">\s*<summary>What the note column says', page)
    assert page.index('id="make"') < page.index('<details id="protection">')


def test_after_a_refused_distribution_every_typed_value_and_choice_is_kept(make_app, make_user):
    from pathlib import Path

    app = make_app(SURVEY_DIR=str(Path(__file__).parent.parent / "survey_definitions"))
    app.test_client_class = HttpsClient
    client = app.test_client()
    with app.extensions["database"].session() as session:
        from survey_app import operations

        operations.create_user(session, EMAIL, "correct horse battery staple", "facilitator")
        make_council(session, "Norfolk")
        make_council(session, "Suffolk")
        session.commit()
    sign_in(client, EMAIL)
    page = client.get("/facilitator/surveys/practitioner-skills").get_data(as_text=True)

    refused = client.post(
        "/facilitator/surveys/practitioner-skills/distributions",
        data={
            "council": "Suffolk",
            "label": "Programme, Lowestoft",
            "opens_on": "2099-03-01",
            "closes_on": "2099-02-01",
            "wave": "meeting_four",
            "csrf_token": csrf_token(page),
        },
    )

    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert '<a href="#closes_on">The closing date is before the opening date.</a>' in html
    form = html.index('action="/facilitator/surveys/practitioner-skills/distributions"')
    assert html.index("<h1>") < html.index("There is a problem") < form
    assert "<title>Error: " in html
    assert '<option value="Suffolk" selected>Suffolk</option>' in html
    assert 'id="label" name="label" value="Programme, Lowestoft"' in html
    assert 'name="opens_on" value="2099-03-01"' in html
    assert 'name="closes_on" value="2099-02-01"' in html
    assert 'id="wave-meeting_four" value="meeting_four" checked' in html
    assert 'id="wave-meeting_one" value="meeting_one" checked' not in html


def test_the_printable_card_has_the_typed_link_card_line_childline_and_an_a6_qr_code(
    client, make_user, make_distribution
):
    code = make_distribution().code
    make_user(EMAIL)
    sign_in(client, EMAIL)

    card = client.get(f"/facilitator/distributions/{code}/card")

    assert card.status_code == 200
    page = card.get_data(as_text=True)
    assert f'<p class="link" dir="ltr">surveys.example/s/{code}</p>' in page
    assert "Tell us what your meeting was like. It takes 3 minutes." in page
    assert "Childline 0800 1111" in page
    assert "<svg" in page
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert stylesheet
    css = client.get(stylesheet.group(1))
    assert css.status_code == 200
    assert "@page{size:A6" in css.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["", "/card"])
def test_a_distribution_of_a_survey_whose_file_was_removed_is_not_found_rather_than_an_error(
    app, make_user, make_distribution, tmp_path, suffix
):
    code = make_distribution().code
    make_user(EMAIL)
    no_surveys = tmp_path / "no-surveys"
    no_surveys.mkdir()
    # The service restarted on the same database after the survey's file was taken away.
    restarted = create_app({**app.config, "SURVEY_DIR": str(no_surveys)})
    restarted.test_client_class = HttpsClient
    try:
        client = restarted.test_client()
        assert sign_in(client, EMAIL).status_code == 302

        page = client.get(f"/facilitator/distributions/{code}{suffix}")
    finally:
        restarted.extensions["database"].engine.dispose()

    assert page.status_code == 404


# CSRF --------------------------------------------------------------------------------------


def test_signing_in_without_a_csrf_token_is_refused(client, make_user):
    make_user(EMAIL)

    refused = client.post(
        "/facilitator/login",
        data={"email": EMAIL, "password": "correct horse battery staple"},
    )

    assert refused.status_code == 400
    assert client.get("/facilitator/").status_code == 302


def test_making_a_distribution_without_a_csrf_token_is_refused(client, make_user, database):
    make_user(EMAIL)
    sign_in(client, EMAIL)

    refused = client.post(f"{SURVEY}/distributions", data={"council": "Suffolk", "label": "Forged"})

    assert refused.status_code == 400
    assert count_distributions(database, "Suffolk") == 0


def test_signing_out_without_a_csrf_token_is_refused(client, make_user):
    make_user(EMAIL)
    sign_in(client, EMAIL)

    refused = client.post("/facilitator/logout")

    assert refused.status_code == 400
    assert client.get("/facilitator/").status_code == 200


def test_signing_out_with_the_form_ends_the_session(client, make_user):
    make_user(EMAIL)
    sign_in(client, EMAIL)
    page = client.get("/facilitator/").get_data(as_text=True)

    signed_out = client.post("/facilitator/logout", data={"csrf_token": csrf_token(page)})

    assert signed_out.status_code == 302
    assert client.get("/facilitator/").status_code == 302


# Council leads see only their own council ------------------------------------------------


@pytest.fixture
def lead_client(auth: Auth) -> FlaskClient:
    """A client signed in as Norfolk's council lead."""
    return auth.as_new(LEAD, role="council_lead", council="Norfolk")


def test_a_council_lead_sees_only_their_own_councils_distributions(lead_client, make_distribution):
    suffolk = make_distribution(council_name="Suffolk", label="Family meetings, Lowestoft")
    norfolk = make_distribution(council_name="Norfolk", label="Reviews, Norwich")

    page = lead_client.get(SURVEY).get_data(as_text=True)

    assert "Reviews, Norwich" in page
    assert norfolk.code in page
    assert "Lowestoft" not in page
    assert suffolk.code not in page
    assert "Suffolk" not in page


@pytest.mark.parametrize("suffix", ["", "/qr.svg", "/qr.png", "/card"])
def test_another_councils_distribution_is_not_found_for_a_council_lead(
    lead_client, make_distribution, suffix
):
    suffolk = make_distribution(council_name="Suffolk")
    norfolk = make_distribution(council_name="Norfolk", label="Reviews, Norwich")

    assert lead_client.get(f"/facilitator/distributions/{suffolk.code}{suffix}").status_code == 404
    assert lead_client.get(f"/facilitator/distributions/{norfolk.code}{suffix}").status_code == 200


def test_a_council_leads_downloads_hold_no_other_councils_answers(
    app, lead_client, database, make_user, make_distribution, worker
):
    suffolk = make_distribution(council_name="Suffolk")
    norfolk = make_distribution(council_name="Norfolk", label="Reviews, Norwich")
    for _ in range(12):
        submit(app, suffolk, went="yes", feel="happy", better="Suffolk was kind")
    for _ in range(10):
        submit(app, norfolk, went="no", why_not=["school"], better="Norfolk was slow")
    worker()
    close_periods(app)

    counts = rows_of(lead_client.get(f"{SURVEY}/aggregates.csv"))
    items = rows_of(lead_client.get(f"{SURVEY}/items.csv"))

    assert {row["council"] for row in counts} == {"Norfolk"}
    went = {row["option"]: row["count"] for row in counts if row["question"] == "went"}
    assert went == expected_counts(database, "Norfolk", "went", WENT)
    assert len(items) == 10
    assert {row["council"] for row in items} == {"Norfolk"}
    assert {row["answer"] for row in items} == {"Norfolk was slow"}
    # Asking for Suffolk by name looks exactly like asking for a council that does not exist.
    assert lead_client.get(f"{SURVEY}/aggregates.csv?council=Suffolk").status_code == 404

    # A regional facilitator, on the same data, does see Suffolk, and the region.
    make_user(EMAIL)
    regional = app.test_client()
    sign_in(regional, EMAIL)
    assert {row["council"] for row in rows_of(regional.get(f"{SURVEY}/aggregates.csv"))} == {
        "Norfolk",
        "Suffolk",
        "Region (all councils)",
    }
    assert len(rows_of(regional.get(f"{SURVEY}/items.csv"))) == 22


def test_a_council_lead_cannot_make_a_distribution_for_another_council(lead_client, database):
    made = make_distribution_through_the_form(
        lead_client, council="Suffolk", label="Reviews, Norwich"
    )

    assert made.status_code == 302
    assert made.location.startswith("/facilitator/distributions/")
    page = lead_client.get(made.location).get_data(as_text=True)
    assert "<dt>Council</dt><dd>Norfolk</dd>" in page
    assert count_distributions(database, "Suffolk") == 0
    assert count_distributions(database, "Norfolk") == 1


# Response counters ---------------------------------------------------------------------------


def shown_counts(client, code: str) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """The response count on the survey list, the survey page and the distribution's page."""
    listing = client.get("/facilitator/").get_data(as_text=True)
    survey = client.get(SURVEY).get_data(as_text=True)
    own = client.get(f"/facilitator/distributions/{code}").get_data(as_text=True)
    on_list = re.search(
        r'test-child">[^<]*</a></td>(?:<td>[^<]*</td>)*<td class="number">([^<]*)<', listing
    )
    on_survey = re.search(
        rf'{code}">[^<]*</a></td>\s*<td>[^<]*</td><td class="number">([^<]*)<', survey
    )
    on_own = re.search(r"<dt>Responses counted</dt><dd>([^<]*)</dd>", own)
    assert on_list and on_survey and on_own, "a page shows no response count"
    return on_list.group(1), on_survey.group(1), on_own.group(1)


def test_staff_never_see_an_exact_count_of_fewer_than_ten_responses(
    app, client, make_user, make_distribution, worker
):
    make_user(EMAIL)
    sign_in(client, EMAIL)
    distribution = make_distribution()
    for _ in range(3):
        submit(app, distribution, went="yes")
    worker()

    assert shown_counts(client, distribution.code) == ("fewer than 10",) * 3


def test_staff_see_response_counts_rounded_to_the_nearest_five_like_published_counts(
    app, client, make_user, make_distribution, worker
):
    make_user(EMAIL)
    sign_in(client, EMAIL)
    distribution = make_distribution()
    for _ in range(12):
        submit(app, distribution, went="yes")
    worker()

    assert shown_counts(client, distribution.code) == ("10",) * 3
    submit(app, distribution, went="no", why_not=["school"])
    worker()
    assert shown_counts(client, distribution.code) == ("15",) * 3


# Downloads ---------------------------------------------------------------------------------


def test_the_counts_download_perturbs_hides_one_to_seven_rounds_the_rest_and_notes_it(
    app, facilitator, database, make_distribution, worker
):
    distribution = make_distribution()
    for _ in range(13):
        submit(app, distribution, went="yes", feel="happy", times=2, better="More snacks")
    for feel in ("sad", "sad", "sad", "okay", "okay", "okay", "okay", "okay", "okay", "okay"):
        submit(app, distribution, went="no", why_not=["school"], feel=feel, times=2)
    worker()
    close_periods(app)

    download = facilitator.get(f"{SURVEY}/aggregates.csv")

    assert download.get_data(as_text=True).startswith(
        "survey,council,wave,age_band,question,option,direction,count,base,percent,"
        "question_text,option_label,note\r\n"
    )
    # Every child here is 12 to 17: that band's rows, on its own five-face scale.
    rows = {
        (row["council"], row["question"], row["option"]): row
        for row in rows_of(download)
        if row["age_band"] == "12-17"
    }
    assert {row["survey"] for row in rows.values()} == {"test-child"}
    assert {council for council, _, _ in rows} == {"Suffolk", "Region (all councils)"}
    suffolk = {(q, o): row for (c, q, o), row in rows.items() if c == "Suffolk"}
    went_yes = suffolk[("went", "yes")]
    assert went_yes["question_text"] == "Did you go to the meeting?"
    # Each count is its exact count perturbed by its cell key, then hidden (1-7) or rounded.
    for question, options in (("went", WENT), ("feel", ("happy", "sad", "okay", "very_happy"))):
        expected = expected_counts(database, "Suffolk", question, options)
        assert {o: suffolk[(question, o)]["count"] for o in options} == expected
    # Percentages are of the rounded figures shown, never of the exact ones (13 of 23).
    for row in suffolk.values():
        if row["count"].isdigit() and row["base"].isdigit():
            expected_percent = f"{100 * int(row['count']) / int(row['base']):.1f}"
            assert abs(float(row["percent"]) - float(expected_percent)) <= 0.05, row
        if row["count"] == "c":
            assert row["note"] == "hidden" and row["percent"] == ""
    # The region is the one council here: the same responses, so the same figures.
    region = {(q, o): row for (c, q, o), row in rows.items() if c == "Region (all councils)"}
    assert {key: row["count"] for key, row in region.items()} == {
        key: row["count"] for key, row in suffolk.items()
    }
    for row in rows.values():
        for column in ("count", "base"):
            assert row[column] in ("c", "x") or int(row[column]) % 5 == 0, row
            assert row[column] in ("c", "x") or not 0 < int(row[column]) < 8, row


def test_a_council_with_fewer_than_ten_responses_shows_no_numbers_and_says_why(
    app, facilitator, make_distribution, worker
):
    distribution = make_distribution()
    for _ in range(9):
        submit(app, distribution, went="yes", times=4)
    worker()
    close_periods(app)

    rows = rows_of(facilitator.get(f"{SURVEY}/aggregates.csv"))

    assert rows, "the council's rows say why there are no numbers"
    assert {row["council"] for row in rows} == {"Suffolk"}  # no region without a council in it
    assert {(row["count"], row["base"], row["percent"]) for row in rows} == {("x", "x", "")}
    assert {row["note"] for row in rows} == {"small-base"}
    # A number question that is not shown does not list the numbers children gave.
    assert [row["option"] for row in rows if row["question"] == "times"] == ["", ""]


def test_the_written_answers_download_has_one_item_per_written_answer_redacted(
    app, facilitator, make_distribution, worker
):
    distribution = make_distribution()
    submit(app, distribution, went="yes", feel="okay", better=f"Call me on {PHONE_NUMBER} please")
    for _ in range(7):
        submit(app, distribution, went="yes", better="More time to talk")
    submit(app, distribution, went="no", why_not=["school", "scared"], better="prefer_not_to_say")
    submit(app, distribution, went="yes")
    worker()
    close_periods(app)

    download = facilitator.get(f"{SURVEY}/items.csv")

    rows = rows_of(download)
    # Only written answers are items ("prefer not to say" is a choice, counted, not an item).
    assert sorted(row["answer"] for row in rows) == [
        "Call me on [PHONE] please",
        *["More time to talk"] * 7,
    ]
    assert {(row["council"], row["question"]) for row in rows} == {
        ("Suffolk", "What one thing would make it better?")
    }
    text = download.get_data(as_text=True)
    assert PHONE_NUMBER not in text
    assert "900123" not in text


def test_the_written_answers_download_does_not_list_answers_in_the_order_they_arrived(
    app, facilitator, make_distribution, worker
):
    distribution = make_distribution()
    arrived = list(range(12))
    for number in arrived:
        submit(app, distribution, went="yes", better=f"answer {number}")
    worker()
    close_periods(app)

    rows = rows_of(facilitator.get(f"{SURVEY}/items.csv"))

    listed = [int(row["answer"].split()[1]) for row in rows]
    assert sorted(listed) == arrived
    # A shuffle matches arrival order by chance once in 12! (about 5e8) downloads.
    assert listed != arrived


def test_an_answer_stays_out_of_the_written_answers_until_it_is_anonymised(
    app, facilitator, make_distribution
):
    distribution = make_distribution()
    for _ in range(10):
        submit(app, distribution, went="yes", better=f"Ring {PHONE_NUMBER}", enqueue=lambda _: None)
    close_periods(app)

    download = facilitator.get(f"{SURVEY}/items.csv")

    assert rows_of(download) == []
    assert "900123" not in download.get_data(as_text=True)


def test_a_typed_formula_is_neutralised_in_the_written_answers_download(
    app, facilitator, make_distribution, worker
):
    formula = '=HYPERLINK("https://evil.example","Click me")'
    distribution = make_distribution()
    for _ in range(10):
        submit(app, distribution, went="yes", better=formula)
    worker()
    close_periods(app)

    rows = rows_of(facilitator.get(f"{SURVEY}/items.csv"))

    assert [row["answer"] for row in rows] == ["'" + formula] * 10


# Protections on every page -----------------------------------------------------------------


def test_pages_forbid_inline_scripts_and_being_framed(client):
    page = client.get("/facilitator/login")

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in page.headers["Content-Security-Policy"].split(";")
    )
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert page.headers["X-Frame-Options"] == "DENY"


def session_cookie(response: TestResponse) -> tuple[str, set[str]]:
    """The session's Set-Cookie header and its attribute names, lower case."""
    cookies = [
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith("survey_session=")
    ]
    assert cookies, "no session cookie was set"
    attributes = {part.strip().split("=")[0].lower() for part in cookies[0].split(";")[1:]}
    return cookies[0], attributes


def test_the_session_cookie_is_http_only_same_site_lax_and_secure(client, make_user):
    make_user(EMAIL)

    signed_in = sign_in(client, EMAIL)

    cookie, attributes = session_cookie(signed_in)
    assert "httponly" in attributes
    assert "secure" in attributes
    assert "SameSite=Lax" in cookie


def test_in_the_demo_the_session_cookie_works_over_plain_http(make_app):
    demo = make_app(DEMO=True)

    page = demo.test_client().get("/facilitator/login")

    cookie, attributes = session_cookie(page)
    assert "secure" not in attributes
    assert "httponly" in attributes
    assert "SameSite=Lax" in cookie


def test_a_request_body_over_the_size_limit_is_refused_with_413(app, client):
    page = client.get("/facilitator/login")
    too_long = "x" * (int(app.config["MAX_CONTENT_LENGTH"]) + 1)

    refused = client.post(
        "/facilitator/login",
        data={
            "email": too_long,
            "password": "x",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )

    assert refused.status_code == 413
    assert "That is too long" in refused.get_data(as_text=True)


def test_a_facilitator_picks_the_meeting_a_before_and_after_link_is_for(make_app, make_user):
    from pathlib import Path

    from survey_app.models import Distribution

    app = make_app(SURVEY_DIR=str(Path(__file__).parent.parent / "survey_definitions"))
    app.test_client_class = HttpsClient
    client = app.test_client()
    with app.extensions["database"].session() as session:
        from survey_app import operations

        operations.create_user(session, EMAIL, "correct horse battery staple", "facilitator")
        make_council(session, "Norfolk")
        session.commit()
    sign_in(client, EMAIL)
    page = client.get("/facilitator/surveys/practitioner-skills").get_data(as_text=True)
    assert 'name="wave" id="wave-meeting_four" value="meeting_four"' in page
    made = client.post(
        "/facilitator/surveys/practitioner-skills/distributions",
        data={
            "council": "Norfolk",
            "label": "Programme",
            "wave": "meeting_four",
            "csrf_token": csrf_token(page),
        },
    )
    assert made.status_code == 302 and "/facilitator/distributions/" in made.location
    with app.extensions["database"].session() as session:
        assert session.query(Distribution).one().wave == "meeting_four"
    listed = client.get("/facilitator/surveys/practitioner-skills").get_data(as_text=True)
    assert "(Meeting four)" in listed
    assert "(meeting_four)" not in listed


def test_staff_get_their_own_not_found_page_without_childline(facilitator):
    for address in ("/facilitator/distributions/nosuchcode", "/safeguarding/concerns/999999"):
        page = facilitator.get(address)

        assert page.status_code == 404
        html = page.get_data(as_text=True)
        assert "<h1>Page not found</h1>" in html
        assert "Childline" not in html
        assert "letter by letter" not in html


def test_children_still_get_the_not_found_page_with_childline(client):
    page = client.get("/s/nosuchcode/nowhere")

    assert page.status_code == 404
    assert "Childline" in page.get_data(as_text=True)


def staff_error_page(answer: TestResponse, status: int, title: str) -> str:
    """The page of a staff error, after checking it is the staff's: their layout and words, no
    Childline, a way back to their pages."""
    assert answer.status_code == status, answer.get_data(as_text=True)[:300]
    html = answer.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html
    assert '<body class="facilitator">' in html
    assert "Childline" not in html and "0800 1111" not in html
    assert 'href="/facilitator/"' in html or 'href="/safeguarding/concerns"' in html
    return html


def test_every_staff_error_uses_the_staff_layout_without_childline(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    # Errors no page here can cause on demand; served under a staff address like any page.
    def refuse(status: int) -> None:
        if status == 500:
            raise RuntimeError("a fault, as a bug or a lost database would raise")
        abort(status)

    app.add_url_rule("/facilitator/refused/<int:status>", "refused", refuse)
    app.add_url_rule("/safeguarding/refused/<int:status>", "safeguarding_refused", refuse)
    app.test_client_class = HttpsClient
    client = app.test_client()

    for status, title in [
        (400, "Something was not right"),
        (403, "You cannot do that"),
        (410, "This is no longer here"),
        (429, "Too many tries"),
        (500, "Something went wrong"),
    ]:
        staff_error_page(client.get(f"/facilitator/refused/{status}"), status, title)
    safeguarding = staff_error_page(
        client.get("/safeguarding/refused/403"), 403, "You cannot do that"
    )
    assert 'href="/safeguarding/concerns"' in safeguarding
    staff_error_page(client.get("/facilitator/?next=%01"), 400, "Something was not right")
    staff_error_page(client.get("/facilitator/logout"), 405, "Page not found")
    too_big = client.post("/facilitator/login", data={"email": "x" * 70_000})
    staff_error_page(too_big, 413, "That is too long")
    expired = client.post("/facilitator/login", data={"email": "a@example.org", "password": "x"})
    assert "reload the page" in staff_error_page(expired, 400, "This form has expired")


def test_children_still_get_their_error_pages_with_childline(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/s/<code>/refused", "refused", lambda code: abort(500))
    app.test_client_class = HttpsClient
    client = app.test_client()

    for answer, status in [
        (client.get("/s/nosuchcode/refused"), 500),
        (client.post("/s/nosuchcode/start", data={}), 400),
        (client.get("/s/nosuchcode?x=%01"), 400),
    ]:
        assert answer.status_code == status
        html = answer.get_data(as_text=True)
        assert "Childline" in html
        assert 'class="facilitator"' not in html


def test_a_staff_address_is_one_rule_that_an_address_merely_starting_alike_does_not_meet():
    assert is_staff_path("/facilitator")
    assert is_staff_path("/facilitator/login")
    assert is_staff_path("/safeguarding/concerns/3")
    assert not is_staff_path("/facilitators-guide")
    assert not is_staff_path("/s/abc")
    assert not is_staff_path("/api/v1/surveys")
