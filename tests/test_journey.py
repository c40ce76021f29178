"""A first use without slips: the welcome page, hints, progress and faces a child meets, and the
personal-code pages a practitioner meets (issue 14)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import operations
from survey_app.definitions.model import Question, Text
from survey_app.models import Distribution
from survey_app.respondent import journey
from tests.conftest import Child, HttpsClient, make_council

SHIPPED = Path(__file__).parent.parent / "survey_definitions"
WAVES = ("meeting_one", "meeting_four")


def progress_on(page: str) -> tuple[int, int, bool]:
    """(number, total, says "about") from a page's progress line."""
    found = re.search(r'<p class="progress">Question (\d+) of (about )?(\d+)</p>', page)
    assert found, "no progress line"
    return int(found.group(1)), int(found.group(3)), bool(found.group(2))


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    """The journey on SQLite and on PostgreSQL (its draft read and written by psycopg itself)."""
    return app_each_db


@pytest.fixture
def shipped(make_app: Callable[..., Flask]) -> Flask:
    app = make_app(SURVEY_DIR=str(SHIPPED))
    app.test_client_class = HttpsClient
    return app


def shipped_link(app: Flask, survey_id: str, **values: Any) -> str:
    with app.extensions["database"].session() as session:
        make_council(session, "Norfolk")
        code = operations.create_distribution(
            session, survey_id, "Norfolk", f"{survey_id} link", **values
        ).code
        session.commit()
        return code


# The welcome page ----------------------------------------------------------------------------


def test_the_welcome_page_says_how_long_it_takes_and_shows_privacy_in_short_pieces_after_start(
    child: Child,
) -> None:
    page = child.open().text
    assert '<p class="minutes">It takes about 3 minutes.</p>' in page
    assert "<li>Your answers are anonymous. Please don&#39;t write names.</li>" in page
    start = page.index('<button class="button" type="submit">Start</button>')
    assert start < page.index("What happens to your answers") < page.index("tell someone")


def test_the_minutes_are_in_the_childs_language_or_left_out_rather_than_english(
    child: Child, shipped: Flask
) -> None:
    polish = Child(shipped.test_client(), shipped_link(shipped, "child-cp-conference"))
    assert "Zajmie to około 3 minut." in polish.open("?lang=pl").text
    assert "يستغرق ذلك نحو 3 دقائق." in polish.open("?lang=ar").text
    # The test survey was written before the words: its Polish page goes without them.
    assert "It takes about" not in child.open("?lang=pl").text


def test_a_child_coming_back_mid_survey_is_offered_carry_on_instead_of_start(
    child: Child,
) -> None:
    assert ">Start</button>" in child.open().text
    child.start()
    child.answer(_age_band="12-17")
    back = child.open().text
    assert ">Carry on with the survey</button>" in back and ">Start</button>" not in back
    assert "Odpowiadaj dalej na pytania</button>" in child.open("?lang=pl").text


# Hints -------------------------------------------------------------------------------------


def optional_question(hint: str | None) -> Question:
    return Question(
        "q", "long_text", Text.english("Anything?"), Text.english(hint) if hint else None
    )


@pytest.mark.parametrize(
    ("hint", "adds_skip_line"),
    [
        (None, True),
        ("Please don't write any names.", True),
        ("You can leave this empty. Please don't write any names.", False),
        ("This is optional. Please don't write any names.", False),
    ],
)
def test_you_can_skip_is_said_once_not_after_a_hint_that_says_so(
    hint: str | None, adds_skip_line: bool
) -> None:
    assert journey.says_it_can_be_skipped(optional_question(hint)) is adds_skip_line


def test_the_shipped_text_question_does_not_repeat_that_it_can_be_skipped(shipped: Flask) -> None:
    child = Child(shipped.test_client(), shipped_link(shipped, "child-cp-conference"))
    child.start()
    child.answer(_age_band="8-11")
    assert "You can skip this question." in child.last.text  # its hint does not say so
    page = child.open("/q/better").text
    assert "You can leave this empty." in page
    assert "You can skip this question." not in page


def test_you_can_skip_is_read_out_with_its_question(shipped: Flask) -> None:
    child = Child(shipped.test_client(), shipped_link(shipped, "child-cp-conference"))
    child.start()
    page = child.answer(_age_band="8-11").text
    line = re.search(r'<p class="hint" id="([^"]+)">You can skip this question.</p>', page)
    assert line is not None, "the skip line has no id to be described by"
    group = re.search(r"<fieldset [^>]*>", page)
    assert group is not None
    described = re.search(r'aria-describedby="([^"]+)"', group.group())
    assert described is not None and line.group(1) in described.group(1).split()


def test_the_text_box_announces_its_limit_and_takes_exactly_the_limit_the_answer_has(
    child: Child,
) -> None:
    child.answer_up_to_better()
    page = child.last.text
    box = re.search(r"<textarea [^>]*>", page)
    assert box is not None
    assert 'maxlength="300"' in box.group()  # max_length: 300 in the survey file
    described = re.search(r'aria-describedby="([^"]+)"', box.group())
    assert described is not None and "better-limit" in described.group(1).split()
    assert '<p class="hint" id="better-limit">Up to 300 characters.</p>' in page
    assert child.answer(better="x" * 300).status_code == 200 and child.step == "check"


# Progress ----------------------------------------------------------------------------------


@pytest.mark.parametrize("went", ["yes", "no"])
def test_progress_never_grows_and_says_about_while_an_answer_can_still_drop_a_page(
    child: Child, went: str
) -> None:
    child.start()
    seen = [progress_on(child.last.text)]
    child.answer(_age_band="12-17")
    seen.append(progress_on(child.last.text))
    child.answer(went=went)
    while child.step != "check":
        seen.append(progress_on(child.last.text))
        child.answer()
    # "Why not?" is asked only after a "No": until "Did you go?" is answered, the total counts
    # it and says "about"; then the total is exact and never larger.
    assert seen[:2] == [(1, 6, True), (2, 6, True)]
    assert all(not about for _, _, about in seen[2:])
    assert [number for number, _, _ in seen] == list(range(1, len(seen) + 1))
    totals = [total for _, total, _ in seen]
    assert totals == sorted(totals, reverse=True) and totals[-1] == len(seen)


# Faces -------------------------------------------------------------------------------------


def test_each_of_the_five_faces_differs_in_eyes_and_mouth(child: Child) -> None:
    child.start()
    child.answer(_age_band="12-17")
    page = child.answer(went="yes").text
    faces = re.findall(r'<svg class="face mood-(\d)"[^>]*>(.*?)</svg>', page)
    assert [mood for mood, _ in faces] == ["0", "1", "2", "3", "4"]
    drawn = [shapes for _, shapes in faces]
    eyes = [" ".join(re.findall(r'<\w+ class="eye"[^>]*>', shapes)) for shapes in drawn]
    mouths = [re.findall(r'<path class="mouth[^"]*" d="[^"]+"', shapes) for shapes in drawn]
    assert all(len(mouth) == 1 for mouth in mouths) and len({m[0] for m in mouths}) == 5
    assert all(eyes) and len(set(eyes)) == 5
    assert 'class="tear"' in drawn[0] and "grin" in mouths[4][0]  # tears, an open grin
    for word in ("Really bad", "Bad", "OK", "Good", "Really good"):
        assert f"<span>{word}</span>" in page


def test_the_five_faces_page_stays_within_the_page_budget(child: Child) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    page = child.client.get(child.last.request.path, headers={"Accept-Encoding": "gzip"})
    html = gzip.decompress(page.data).decode()
    assert html.count('class="face') == 5 and "<img" not in html
    [stylesheet] = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    css = child.client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert len(page.data) + len(css.data) <= 14 * 1024


# Practitioners -----------------------------------------------------------------------------


def practitioner(app: Flask, wave: str) -> Child:
    return Child(
        app.test_client(), shipped_link(app, "practitioner-skills", wave=wave, waves=WAVES)
    )


def test_at_meeting_one_the_code_page_offers_i_already_have_a_code_and_is_not_a_question(
    shipped: Flask,
) -> None:
    person = practitioner(shipped, "meeting_one")
    welcome = person.open().text
    assert '<p class="wave" data-read>Meeting one</p>' in welcome
    person.start()
    assert person.step == "code"
    page = person.last.text
    assert 'class="progress"' not in page
    offer = re.search(
        r"<details class=\"have-code\">\s*<summary>I already have a code</summary>(.*?)</details>",
        page,
        re.S,
    )
    assert offer is not None and 'name="personal_code"' in offer.group(1)
    assert page.count('name="personal_code"') == 1  # asked for nowhere else
    person.answer()
    assert person.step == "role"
    number, total, _ = progress_on(person.last.text)
    assert (number, total) == (1, 3)  # three pages of questions at meeting one


def test_at_a_later_meeting_the_code_page_asks_for_the_code_straight_away(
    shipped: Flask,
) -> None:
    person = practitioner(shipped, "meeting_four")
    assert '<p class="wave" data-read>Meeting four</p>' in person.open().text
    person.start()
    assert "<details" not in person.last.text
    assert '<label for="personal_code">Your personal code</label>' in person.last.text


def test_after_the_last_meeting_the_thank_you_page_asks_nobody_to_bring_a_code(
    shipped: Flask,
) -> None:
    for wave, shows_code in (("meeting_one", True), ("meeting_four", False)):
        person = practitioner(shipped, wave)
        person.start()
        while person.step != "check":
            person.answer()
        thanks = person.send().text
        assert ("you will need it at the next meeting" in thanks) is shows_code, wave
        assert ("data-personal-code" in thanks) is shows_code, wave


def test_a_page_of_several_questions_is_headed_by_its_title_from_the_survey_file(
    shipped: Flask,
) -> None:
    person = practitioner(shipped, "meeting_one")
    person.start()
    person.answer()
    role = person.last.text
    assert "<h1 data-read>About you</h1>" not in role  # one question: the question is the h1
    page = person.answer(role="social_worker").text
    assert person.step == "knowledge"
    assert "<h1 data-read>Your knowledge</h1>" in page
    assert "<title>Your knowledge –" in page
    assert page.count("<h1") == 1


def test_a_survey_with_no_page_titles_keeps_the_question_as_the_heading(
    client: FlaskClient, distribution: Distribution
) -> None:
    child = Child(client, distribution.code)
    child.start()
    assert "<legend data-read><h1>How old are you?</h1></legend>" in child.last.text
