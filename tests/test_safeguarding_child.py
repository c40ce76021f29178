"""What the child sees when they tell us something worrying or press "I don't feel safe": the
safety page at once, a concern for the council's safeguarding lead, the survey kept, and a
contact request kept apart from the anonymous answers."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from survey_app import operations
from survey_app.background import background_work
from survey_app.db import Database
from survey_app.definitions.words import INTERFACE
from survey_app.models import (
    Concern,
    ConcernNotification,
    ConcernText,
    ContactRequest,
    Distribution,
    Draft,
    SurveyResponse,
    User,
)
from survey_app.respondent import drafts
from survey_app.safeguarding.concerns import read_contact_request
from survey_app.safeguarding.telling import UNSAFE_REASON
from tests.conftest import SQLITE_ONLY, Child, HttpsClient, csrf_token, make_council

RISKY = "my step dad hits me with the belt when mum is at work and i dont want to go home tonight"
HARMLESS = "More time to talk, and biscuits."
SHIPPED = Path(__file__).parent.parent / "survey_definitions"


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    """The app on SQLite or PostgreSQL (a test that needs only one names it)."""
    return app_each_db


@pytest.fixture
def handed_to_workers(app: Flask) -> list[list[int]]:
    """The concern emails the web request hands to the workers (instead of the broker hop)."""
    handed: list[list[int]] = []
    background_work(app).send_concern_emails = handed.append
    return handed


@pytest.fixture
def leads(make_user: Callable[..., User]) -> list[str]:
    """Suffolk's two named safeguarding leads."""
    emails = ["lead.one@suffolk.example", "lead.two@suffolk.example"]
    for email in emails:
        make_user(email=email, role="safeguarding_lead", council="Suffolk")
    return emails


def concerns(database: Database) -> list[Concern]:
    with database.session() as session:
        return list(session.scalars(select(Concern).order_by(Concern.id)).unique())


def notifications(database: Database) -> list[ConcernNotification]:
    with database.session() as session:
        return list(session.scalars(select(ConcernNotification).order_by(ConcernNotification.id)))


def responses(database: Database) -> list[SurveyResponse]:
    with database.session() as session:
        return list(session.scalars(select(SurveyResponse)).unique())


def draft_count(database: Database) -> int:
    with database.session() as session:
        return len(session.scalars(select(Draft.id)).all())


def is_safety_page(page: Any) -> bool:
    return page.status_code == 200 and "data-safety-message" in page.text


# A risky answer ---------------------------------------------------------------------------


def test_a_risky_answer_brings_the_safety_page_and_after_sending_the_lead_has_the_words_and_answers(
    app: Flask,
    child: Child,
    database: Database,
    leads: list[str],
    handed_to_workers: list[list[int]],
) -> None:
    child.answer_up_to_better()
    page = child.answer(better=RISKY)

    assert child.last.request.path.endswith("/safe")
    assert is_safety_page(page)
    message = re.search(r"<div class=\"safety\" data-safety-message>(.*?)</div>", page.text, re.S)
    assert message, "the safety message is not in one element"
    said = message.group(1)
    for words in (
        "Thank you for telling us",
        "will read what you wrote",
        "0800 1111",
        "https://www.childline.org.uk/get-support/1-2-1-counsellor-chat/",
        "If you are in danger right now, call 999",
        "Talk to an adult you trust",
    ):
        assert words in said, words
    assert RISKY not in page.text  # their words are not repeated back on the screen

    [concern] = concerns(database)
    assert (concern.origin, concern.level, concern.status) == ("answer", "alert", "new")
    assert concern.response_id is None  # not sent yet
    pending = notifications(database)
    assert sorted(n.email for n in pending) == leads
    assert {n.status for n in pending} == {"pending"}
    assert handed_to_workers == [[n.id for n in pending]]  # after the commit, once

    check = child.carry_on()
    assert child.step == "check"
    assert "Ready to send?" in check.text
    child.send()

    [response] = responses(database)
    assert response.answers["better"] == "written"
    [concern] = concerns(database)
    assert concern.response_id == response.id
    with database.session() as session:
        [kept] = session.scalars(select(ConcernText)).all()
    assert kept.question_id == "better"
    assert RISKY.encode() not in kept.ciphertext
    assert app.extensions["vault"].open(kept.ciphertext) == RISKY
    assert len(notifications(database)) == 2  # sending the answers told nobody twice
    assert draft_count(database) == 0


def test_a_concern_the_lead_closed_while_the_child_answered_is_not_tied_to_the_response(
    child: Child, database: Database, leads: list[str], handed_to_workers: list[list[int]]
) -> None:
    child.answer_up_to_better()
    child.answer(better=RISKY)
    with database.session() as session:
        session.execute(update(Concern).values(status="closed"))
        session.commit()
    child.carry_on()
    child.send()
    [closed] = concerns(database)
    assert closed.response_id is None
    assert len(responses(database)) == 1


def test_a_harmless_answer_goes_straight_to_the_next_question_and_raises_nothing(
    child: Child, database: Database, leads: list[str], handed_to_workers: list[list[int]]
) -> None:
    child.answer_up_to_better()
    page = child.answer(better=HARMLESS)
    assert child.step == "check"
    assert "data-safety-message" not in page.text
    child.send()
    assert len(responses(database)) == 1
    assert concerns(database) == [] and notifications(database) == []
    assert handed_to_workers == []


def test_going_back_and_sending_the_same_words_again_does_not_raise_a_second_concern(
    child: Child, database: Database, leads: list[str], handed_to_workers: list[list[int]]
) -> None:
    child.answer_up_to_better()
    child.answer(better=RISKY)
    child.open("/q/better")
    child.answer(better=RISKY)
    assert child.step == "check"  # already told: no second safety page for the same words
    child.open("/q/better")
    child.answer(better=RISKY + " and he said he will do it again")
    assert is_safety_page(child.last)
    [concern] = concerns(database)
    with database.session() as session:
        [kept] = session.scalars(select(ConcernText)).all()
    assert "do it again" in child.client.application.extensions["vault"].open(kept.ciphertext)
    assert len(handed_to_workers) == 1 and len(notifications(database)) == 2
    assert concern.status == "new"


def test_the_safety_page_speaks_polish_and_arabic_right_to_left(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(SURVEY_DIR=str(SHIPPED))
    background_work(app).send_concern_emails = lambda ids: None
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        code = operations.create_distribution(
            session, "child-cp-conference", "Suffolk", "CP conferences"
        ).code
        session.commit()
    expected = {
        "pl": ("Dziękujemy, że nam o tym mówisz", "przeczyta twoją odpowiedź", "Porozmawiaj"),
        "ar": ("شكرًا لأنك أخبرتنا", "سيقرأ ما كتبته", "تحدّث مع شخص بالغ تثق به"),
    }
    for language, words in expected.items():
        app.test_client_class = HttpsClient
        child = Child(app.test_client(), code)
        child.open(f"?lang={language}")
        child.start(lang=language)
        child.answer(_age_band="12-17")
        child.answer(went_to_meeting="no")
        child.answer(why_not_there=["scared_or_worried"])
        assert child.step == "why-not-more"
        page = child.answer(why_not_more=RISKY)
        assert is_safety_page(page), language
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in page.text
        for expected_words in words:
            assert expected_words in page.text, (language, expected_words)
        assert "\u20660800 1111\u2069" in page.text or language != "ar"
        child.carry_on()
        assert child.step == "knew"  # the next question, in their language
        assert f'lang="{language}"' in child.last.text


def test_the_safety_words_are_short_and_plain_enough_for_a_nine_year_old(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import textstat
    from textstat.backend.counts import _count_syllables

    # The CMU dictionary cannot be downloaded here: count syllables by hyphenation (pyphen).
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda language: None)
    keys = [key for key in INTERFACE if key.startswith(("safety_", "contact_", "unsafe_"))]
    keys += ["carry_on", "stop", "stopped"]
    sentences = [
        INTERFACE[key] if INTERFACE[key].endswith((".", "?")) else INTERFACE[key] + "."
        for key in keys
    ]
    assert textstat.flesch_kincaid_grade(" ".join(sentences)) <= 4
    for sentence in re.split(r"(?<=[.?])\s+", " ".join(sentences)):
        assert len(sentence.split()) <= 15, sentence


@SQLITE_ONLY
def test_the_safety_page_is_small_and_needs_no_script(
    child: Child, leads: list[str], handed_to_workers: list[list[int]]
) -> None:
    child.answer_up_to_better()
    child.answer(better=RISKY)
    page = child.client.get(child.last.request.full_path, headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.data).decode()
    assert "data-safety-message" in html
    assert "<script" not in html and "<img" not in html
    [stylesheet] = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    css = child.client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert len(page.data) + len(css.data) <= 14 * 1024


# "I don't feel safe" -------------------------------------------------------------------


def test_i_dont_feel_safe_on_the_welcome_page_alerts_the_lead_once_however_often_it_is_pressed(
    child: Child, database: Database, leads: list[str], handed_to_workers: list[list[int]]
) -> None:
    welcome = child.open()
    assert "I don&#39;t feel safe" in welcome.text
    page = child.press_unsafe()
    assert is_safety_page(page)
    assert "will be told" in page.text
    for _again in range(2):
        child.open()
        child.press_unsafe()

    [concern] = concerns(database)
    assert (concern.origin, concern.level, concern.reasons) == (
        "unsafe_link",
        "alert",
        [UNSAFE_REASON],
    )
    assert sorted(n.email for n in notifications(database)) == leads
    assert len(handed_to_workers) == 1
    assert draft_count(database) == 0  # nothing was started for them

    # Then they start the survey after all: what they write joins the same concern, which is
    # tied to their answers when they send them.
    child.answer_up_to_better()
    child.answer(better=RISKY)
    assert is_safety_page(child.last)
    child.carry_on()
    child.send()
    [concern] = concerns(database)
    [response] = responses(database)
    assert concern.response_id == response.id
    assert concern.level == "alert" and len(concern.reasons) >= 2
    assert len(notifications(database)) == 2


def test_i_dont_feel_safe_mid_survey_keeps_the_answers_and_brings_the_child_back(
    child: Child, database: Database, leads: list[str], handed_to_workers: list[list[int]]
) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    assert child.step == "feel"
    page = child.press_unsafe()
    assert is_safety_page(page)
    # On the safety page itself the control is not offered again: the lead is being told.
    assert 'class="unsafe"' not in page.text
    back = child.carry_on()
    assert child.step == "feel" and "How did you feel?" in back.text
    child.press_unsafe()
    child.carry_on()
    child.answer(feel="okay")
    child.answer(times="2")
    child.answer(better=HARMLESS)
    assert child.step == "check"
    assert "Ready to send?" in child.last.text
    child.send()

    [concern] = concerns(database)
    [response] = responses(database)
    assert response.answers["went"] == "yes"  # nothing was lost on the way
    assert concern.origin == "unsafe_link" and concern.response_id == response.id
    assert len(handed_to_workers) == 1 and len(notifications(database)) == 2


@SQLITE_ONLY
def test_on_a_shared_tablet_the_next_child_after_send_gets_a_concern_of_their_own(
    child: Child, database: Database, leads: list[str], handed_to_workers: list[list[int]]
) -> None:
    child.open()
    child.press_unsafe()
    child.answer_up_to_better()
    child.answer(better=HARMLESS)
    child.send()
    # The tablet is handed to the next child, who writes something worrying.
    child.answer_up_to_better()
    child.answer(better=RISKY)
    child.carry_on()
    child.send()
    first, second = concerns(database)
    assert first.response_id != second.response_id
    assert (first.origin, second.origin) == ("unsafe_link", "answer")
    assert len(handed_to_workers) == 2


@SQLITE_ONLY
def test_a_child_who_does_not_feel_safe_is_heard_even_after_the_survey_has_closed(
    client: FlaskClient,
    make_distribution: Callable[..., Distribution],
    database: Database,
    leads: list[str],
    handed_to_workers: list[list[int]],
) -> None:
    closed = make_distribution(closes_on=dt.date.today() - dt.timedelta(days=1))
    child = Child(client, closed.code)
    assert child.open().status_code == 410
    assert is_safety_page(child.press_unsafe())
    [concern] = concerns(database)
    assert concern.distribution_id == closed.id and len(handed_to_workers) == 1


@SQLITE_ONLY
def test_every_child_page_offers_i_dont_feel_safe_beside_childline(
    child: Child, handed_to_workers: list[list[int]]
) -> None:
    pages = [child.open(), child.start(), child.answer(_age_band="12-17")]
    pages += [child.answer(went="yes"), child.answer(feel="okay"), child.answer(times="1")]
    pages += [child.answer(), child.send()]
    for page in pages:
        help_box = page.text.split('<footer class="help">', 1)[1]
        assert 'class="unsafe"' in help_box and "tel:08001111" in help_box, page.request.path


@SQLITE_ONLY
def test_i_dont_feel_safe_needs_the_pages_form_token(
    client: FlaskClient, distribution: Distribution, database: Database
) -> None:
    refused = client.post(f"/s/{distribution.code}/unsafe", data={"to": "went"})
    assert refused.status_code == 400
    assert concerns(database) == []


def test_a_practitioner_survey_has_no_i_dont_feel_safe_control(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(SURVEY_DIR=str(SHIPPED))
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        code = operations.create_distribution(
            session, "programme-feedback", "Suffolk", "Programme"
        ).code
        session.commit()
    app.test_client_class = HttpsClient
    practitioner = Child(app.test_client(), code)
    assert 'class="unsafe"' not in practitioner.start().text


def test_a_practitioners_worrying_comment_also_reaches_the_lead_and_shows_the_safety_page(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(SURVEY_DIR=str(SHIPPED))
    handed: list[list[int]] = []
    background_work(app).send_concern_emails = handed.append
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        code = operations.create_distribution(
            session, "programme-feedback", "Suffolk", "Programme"
        ).code
        operations.create_user(
            session, "lead@suffolk.example", "x" * 12, "safeguarding_lead", "Suffolk"
        )
        session.commit()
    app.test_client_class = HttpsClient
    practitioner = Child(app.test_client(), code)
    practitioner.start()
    practitioner.answer(professional_development="good", professional_networks="fair")
    worrying = "A girl in my group told me she dont want to go home tonight because of her dad."
    page = practitioner.answer(most_useful="The peer sessions.", could_be_better=worrying)
    assert is_safety_page(page)
    assert 'class="unsafe"' not in page.text  # no child controls on a practitioner's pages
    practitioner.carry_on()
    practitioner.send()
    database: Database = app.extensions["database"]
    [concern] = concerns(database)
    [response] = responses(database)
    assert concern.response_id == response.id
    with database.session() as session:
        [kept] = session.scalars(select(ConcernText)).all()
    assert kept.question_id == "could_be_better"  # only the worrying answer is kept
    assert len(handed) == 1


# Stopping --------------------------------------------------------------------------------


@SQLITE_ONLY
def test_stop_here_deletes_the_unsent_answers_but_the_concern_stays(
    child: Child, database: Database, leads: list[str], handed_to_workers: list[list[int]]
) -> None:
    child.answer_up_to_better()
    child.answer(better=RISKY)
    stop = re.search(r'<form method="post" action="([^"]+/stop)">', child.last.text)
    assert stop, "the safety page has no Stop here"
    stopped = child.client.post(stop.group(1), data={"csrf_token": csrf_token(child.last.text)})
    assert stopped.status_code == 303
    assert "draft=;" in stopped.headers.get("Set-Cookie", "") or any(
        header.startswith("draft=;") for header in stopped.headers.getlist("Set-Cookie")
    )
    page = child.client.get(stopped.headers["Location"])
    assert is_safety_page(page) and "Your answers were not sent." in page.text
    assert draft_count(database) == 0 and responses(database) == []
    [concern] = concerns(database)
    assert concern.status == "new"
    with database.session() as session:
        assert len(session.scalars(select(ConcernText)).all()) == 1
    # They can still ask someone to contact them, on the same concern.
    child.last = page
    child.ask_for_contact(how_to_reach="Sam", good_time="", safe_to_call="")
    assert len(concerns(database)) == 1
    with database.session() as session:
        assert session.scalar(select(ContactRequest.concern_id)) == concern.id


# Asking to be contacted ------------------------------------------------------------------


def test_a_contact_request_is_kept_encrypted_with_the_concern_and_script_stays_words(
    app: Flask,
    child: Child,
    database: Database,
    leads: list[str],
    handed_to_workers: list[list[int]],
) -> None:
    child.open()
    child.press_unsafe()
    page = child.last
    assert "This part is up to you" in page.text
    assert "We never put your name with your other answers" in page.text
    typed = "<script>alert('x')</script> Sam, 07700 900123"
    posted = child.ask_for_contact(
        how_to_reach=typed, good_time="after school\x00\x07 on\tweekdays", safe_to_call="no"
    )
    assert posted.status_code == 303
    thanked = child.last
    assert "We have your message" in thanked.text
    assert "<script>alert" not in thanked.text

    [concern] = concerns(database)
    with database.session() as session:
        [request] = session.scalars(select(ContactRequest)).all()
        stored = bytes(request.sealed)
        for secret in (b"Sam", b"07700", b"script", b"school"):
            assert secret not in stored
        details = read_contact_request(app.extensions["vault"], request)
        assert request.concern_id == concern.id
        assert (request.destroy_on - request.created_on).days == 90
    assert details.how_to_reach == typed  # kept as the words typed, never run
    assert details.good_time == "after school on weekdays"  # control characters gone
    assert details.safe_to_call == "no"
    assert len(handed_to_workers) == 1  # the request itself emails nobody twice


@SQLITE_ONLY
def test_a_contact_request_that_is_too_long_empty_or_odd_is_explained_and_keeps_what_was_typed(
    child: Child, database: Database, leads: list[str], handed_to_workers: list[list[int]]
) -> None:
    child.open()
    child.press_unsafe()
    too_long = "<b>me</b> " + "x" * 400
    posted = child.ask_for_contact(how_to_reach=too_long, good_time="y" * 150, safe_to_call="maybe")
    assert posted.status_code == 422
    assert 'class="error-summary"' in posted.text
    assert "too long. Use 200 characters or less" in posted.text
    assert "too long. Use 100 characters or less" in posted.text
    assert "Choose one of the answers shown for: Is it safe to call you?" in posted.text
    assert "&lt;b&gt;me&lt;/b&gt; xxxx" in posted.text  # kept, and shown as words
    assert "<b>me</b>" not in posted.text
    assert 'value="' + "y" * 150 + '"' in posted.text
    assert "data-safety-message" in posted.text

    empty = child.ask_for_contact(how_to_reach="  \x00 ", good_time="", safe_to_call="yes")
    assert empty.status_code == 422
    assert "Write your name, or how we can reach you." in empty.text
    assert 'value="yes" checked' in empty.text
    with database.session() as session:
        assert session.scalars(select(ContactRequest)).all() == []


@SQLITE_ONLY
def test_asking_to_be_contacted_with_no_concern_yet_raises_one_for_the_lead(
    client: FlaskClient,
    distribution: Distribution,
    database: Database,
    leads: list[str],
    handed_to_workers: list[list[int]],
) -> None:
    child = Child(client, distribution.code)
    child.last = child.open("/safe")
    assert is_safety_page(child.last)
    assert "will be told" not in child.last.text  # nobody is being told yet
    child.ask_for_contact(how_to_reach="Sam", good_time="", safe_to_call="not_sure")
    [concern] = concerns(database)
    assert concern.level == "alert" and concern.origin == "unsafe_link"
    with database.session() as session:
        assert session.scalar(select(ContactRequest.concern_id)) == concern.id
    assert len(notifications(database)) == 2


# Bad input and a broker that is down -----------------------------------------------------


@SQLITE_ONLY
def test_enormous_binary_or_over_long_free_text_gets_a_clear_answer_never_a_500(
    child: Child, database: Database, leads: list[str], handed_to_workers: list[list[int]]
) -> None:
    child.answer_up_to_better()
    token = csrf_token(child.last.text)
    action = child.last.request.path
    enormous = child.client.post(action, data={"csrf_token": token, "better": RISKY * 2000})
    assert enormous.status_code == 413
    over_long = child.client.post(action, data={"csrf_token": token, "better": RISKY * 5})
    assert over_long.status_code == 422 and "too long" in over_long.text
    assert concerns(database) == []  # nothing kept from an answer that was not accepted
    binary = bytes(range(256)).decode("latin-1")[:250]
    posted = child.client.post(action, data={"csrf_token": token, "better": binary})
    assert posted.status_code in (303, 422)
    followed = child.client.get(posted.headers["Location"]) if posted.status_code == 303 else posted
    assert followed.status_code in (200, 422)
    contact = child.client.post(
        f"/s/{child.code}/safe/contact",
        data={"csrf_token": token, "how_to_reach": binary, "safe_to_call": "\x00"},
    )
    assert contact.status_code in (303, 422)


def test_with_the_broker_down_the_child_still_sees_the_safety_page_and_the_emails_wait(
    app: Flask, child: Child, database: Database, leads: list[str]
) -> None:
    def broker_down(notification_ids: list[int]) -> None:
        raise ConnectionError("the broker is not answering")

    background_work(app).send_concern_emails = broker_down
    child.answer_up_to_better()
    page = child.answer(better=RISKY)
    assert is_safety_page(page)
    [concern] = concerns(database)
    assert [n.status for n in notifications(database)] == ["pending", "pending"]
    child.carry_on()
    assert child.step == "check"  # the survey goes on as if nothing had failed
    child.send()
    [response] = responses(database)
    [concern] = concerns(database)
    assert concern.response_id == response.id


@SQLITE_ONLY
def test_a_draft_from_before_concerns_were_remembered_still_opens(app: Flask) -> None:
    vault = app.extensions["vault"]
    old = vault.seal_json({"answers": {"went": "yes"}, "seen": ["went"]})
    state = drafts.DraftState.unseal(vault, old)
    assert (state.answers, state.seen, state.concerns) == ({"went": "yes"}, ["went"], [])
    assert drafts.DraftState.unseal(vault, state.sealed(vault)) == state
    state.concerns.append(7)
    assert drafts.DraftState.unseal(vault, state.sealed(vault)).concerns == [7]
