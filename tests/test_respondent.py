"""The respondent's journey: one question a page, drafts that survive, errors that keep answers."""

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
from sqlalchemy import inspect, select, update

from survey_app import operations
from survey_app.background import background_work
from survey_app.db import Database
from survey_app.models import Base, Concern, Distribution, Draft, FreeText, SurveyResponse
from survey_app.respondent import drafts, submission
from survey_app.respondent.drafts import DraftState
from tests.conftest import TEST_SURVEYS, Child, csrf_token, make_council


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    """Every page of the journey on SQLite and on PostgreSQL: a draft is read and written by
    the ORM's connection on one and by psycopg itself on the other."""
    return app_each_db


def responses(database: Database) -> list[SurveyResponse]:
    with database.session() as session:
        return list(session.scalars(select(SurveyResponse)).unique())


def opened(app: Flask, database: Database) -> list[SurveyResponse]:
    """The responses as the worker's first step leaves them: one that Send saved as its sealed
    draft (PostgreSQL, a finished draft) opened into answers and free texts."""
    with database.session() as session:
        definitions = app.extensions["loaded_surveys"].current(session)
        for response_id in session.scalars(select(SurveyResponse.id)):
            submission.open_sent_draft(session, app.extensions["vault"], response_id, definitions)
        session.commit()
    return responses(database)


def test_a_child_answers_every_page_and_the_response_is_saved(
    app: Flask, child: Child, database: Database
) -> None:
    child.start()
    assert child.step == "age"
    child.answer(_age_band="8-11")
    assert "Did you go to the meeting about you?" in child.last.text  # wording for 8 to 11
    child.answer(went="no")
    assert child.step == "why-not"
    child.answer(why_not=["not_told", "school"])
    child.answer(feel="happy")
    child.answer(times="2")
    child.answer(better="More time to talk. Call my nan on 07700 900412")
    assert child.step == "check"
    assert "Nobody told me, It was in school time" in child.last.text
    thanks = child.send()
    assert "Thank you for telling us." in thanks.text

    [sent] = responses(database)
    if database.engine.dialect.name == "postgresql":
        # Saved in one statement as the draft was, still sealed, for the worker to open.
        assert sent.answers == {} and sent.sealed_draft is not None
        assert b"07700" not in sent.sealed_draft and b"nan" not in sent.sealed_draft
    else:
        assert sent.sealed_draft is None
    [saved] = opened(app, database)
    assert saved.sealed_draft is None
    assert saved.age_band == "8-11"
    assert saved.answers == {
        "went": "no",
        "why_not": ["not_told", "school"],
        "feel": "happy",
        "times": 2,
        "better": "written",
    }
    assert saved.submitted_on == dt.date.today()
    with database.session() as session:
        [free_text] = session.scalars(select(FreeText)).all()
        assert free_text.redacted is None
        assert free_text.ciphertext is not None
        assert b"07700" not in free_text.ciphertext and b"nan" not in free_text.ciphertext
        assert session.scalar(select(Draft)) is None


def test_a_cookie_header_that_is_not_utf8_is_read_as_sent_not_a_server_error(
    app: Flask, child: Child
) -> None:
    # A phone (or anyone) may send any bytes in its Cookie header: the pages read them as the
    # server received them (Latin-1, as WSGI hands them over) and answer as for a new visit.
    phone = app.test_client(use_cookies=False)  # sends the header as given
    page = phone.get(
        f"/s/{child.code}", environ_overrides={"HTTP_COOKIE": "form=\xff\xfe\xfd; draft=caf\xe9"}
    )
    assert page.status_code == 200
    assert "Start" in page.text


def test_show_if_skips_a_question_that_does_not_apply(child: Child) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    assert child.step == "feel"
    assert "Question 3 of 5" in child.last.text


def test_changing_an_earlier_answer_drops_answers_to_questions_no_longer_asked(
    child: Child, database: Database
) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="no")
    child.answer(why_not="scared")
    child.open("/q/went")
    child.answer(went="yes")
    child.open("/check")
    assert "I was worried" not in child.last.text
    child.send()
    [saved] = responses(database)
    assert "why_not" not in saved.answers


def test_younger_children_see_three_faces_and_older_children_five(
    client: FlaskClient, distribution: Distribution
) -> None:
    younger = Child(client, distribution.code)
    younger.start()
    younger.answer(_age_band="8-11")
    younger.answer(went="yes")
    assert younger.last.text.count('class="face') == 3
    assert "Not good" in younger.last.text and "Really good" not in younger.last.text

    client.delete_cookie("draft", path=f"/s/{distribution.code}")
    older = Child(client, distribution.code)
    older.start()
    older.answer(_age_band="12-17")
    older.answer(went="yes")
    assert older.last.text.count('class="face') == 5
    assert "Really good" in older.last.text


def test_every_face_has_a_word_and_every_question_offers_dont_know(child: Child) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    page = child.last.text
    for word in ("Really bad", "Bad", "OK", "Good", "Really good", "I don&#39;t know"):
        assert f"<span>{word}</span>" in page or f">{word}</label>" in page


def test_leaving_out_a_required_answer_names_the_question_and_keeps_earlier_answers(
    child: Child,
) -> None:
    child.start()
    child.answer(_age_band="12-17")
    page = child.answer()
    assert page.status_code == 422
    assert "There is a problem" in page.text
    assert '<a href="#went">Choose an answer for: Did you go to the meeting?</a>' in page.text
    assert page.text.startswith("<!doctype html>")
    assert "<title>Error:" in page.text
    child.answer(went="yes")
    child.open("/check")
    assert "12 to 17" in child.last.text  # the earlier answer survived the error


def test_an_error_on_the_age_question_is_read_out_on_every_answer_not_only_on_the_group(
    child: Child,
) -> None:
    child.start()
    page = child.answer()
    assert page.status_code == 422
    assert '<p class="error" id="_age_band-error">' in page.text
    radios = re.findall(r'<input type="radio"[^>]*>', page.text)
    assert len(radios) == 3  # two age bands and "I'd rather not say"
    for radio in radios:
        assert 'aria-invalid="true"' in radio and 'aria-describedby="_age_band-error"' in radio
    # The summary still comes first and takes focus on load, without JavaScript.
    summary = re.search(r'<div class="error-summary"[^>]*>', page.text)
    assert summary is not None and "autofocus" in summary.group(0)
    assert page.text.index("error-summary") < page.text.index("<legend")


def test_an_error_page_lists_the_question_as_its_first_heading_not_there_is_a_problem(
    child: Child,
) -> None:
    child.start()
    page = child.answer()
    headings = re.findall(r"<(h[1-6])\b[^>]*>(.*?)</h[1-6]>", page.text, re.S)
    assert headings[0] == ("h1", "How old are you?"), headings
    assert "There is a problem" in page.text


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Error: How old are you?"), ("pl", "Błąd: Ile masz lat?"), ("ar", "خطأ: كم عمرك؟")],
)
def test_an_error_pages_title_says_error_in_the_childs_language(
    child: Child, language: str, title: str
) -> None:
    child.start(lang=language)
    page = child.answer()
    assert page.status_code == 422
    assert f"<title>{title} – " in page.text
    assert "Error" not in page.text or language == "en"


def test_a_survey_written_before_the_error_word_titles_its_error_pages_without_english(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    """Surveys translated before the "Error" word existed keep loading; their Polish error page
    starts its title with the survey's own "There is a problem" instead."""
    written = (TEST_SURVEYS / "test-child.yaml").read_text(encoding="utf-8")
    older = re.sub(r"^  error_prefix:\n(?:    \w+: .*\n)+", "", written, flags=re.M)
    assert "error_prefix" not in older
    folder = tmp_path / "surveys"
    folder.mkdir()
    (folder / "test-child.yaml").write_text(older, encoding="utf-8")
    app = make_app(SURVEY_DIR=str(folder))
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        code = operations.create_distribution(session, "test-child", "Suffolk", "Reviews").code
        session.commit()
    polish = Child(app.test_client(), code)
    polish.start(lang="pl")
    page = polish.answer()
    assert page.status_code == 422
    assert "<title>Coś jest nie tak: Ile masz lat? – " in page.text
    assert "Error" not in page.text


def test_i_would_rather_not_say_on_a_written_question_is_in_one_named_group_with_its_box(
    child: Child,
) -> None:
    child.answer_up_to_better()
    page = child.last.text
    group = re.search(
        r'<div class="question" role="group" aria-labelledby="([^"]+)">(.*?)<button', page, re.S
    )
    assert group is not None, page
    assert re.search(rf'<label for="better" id="{group.group(1)}">What one thing', page)
    assert '<textarea id="better"' in group.group(2)
    assert 'id="better-prefer_not_to_say"' in group.group(2)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"went": "maybe"}, "Choose one of the answers shown for: Did you go to the meeting?"),
        ({"went": ["yes", "no"]}, "Choose one of the answers shown"),
        ({"went--special": "made_up"}, "Choose one of the answers shown"),
    ],
)
def test_a_tampered_answer_gets_a_clear_message_not_a_crash(
    child: Child, form: dict[str, Any], message: str
) -> None:
    child.start()
    child.answer(_age_band="12-17")
    page = child.answer(**form)
    assert page.status_code == 422
    assert message in page.text


def test_a_number_out_of_range_or_not_a_number_is_explained(child: Child) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    child.answer(feel="okay")
    page = child.answer(times="lots")
    assert "Enter a whole number for: How many meetings have you been to?" in page.text
    page = child.answer(times="99")
    assert "Enter a number from 0 to 50" in page.text
    assert 'value="99"' in page.text  # what the child typed is shown back


@pytest.mark.parametrize("typed", ["1_0", "٣", "５", "+5", "-0", "-3", "1e1", "²"])
def test_a_number_that_is_not_plain_digits_is_explained_and_kept_on_the_page(
    child: Child, database: Database, typed: str
) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    child.answer(feel="okay")
    page = child.answer(times=typed)
    assert page.status_code == 422
    assert "Enter a whole number for: How many meetings have you been to?" in page.text
    assert f'value="{typed}"' in page.text  # what the child typed is shown back to correct
    accepted = child.answer(times="10")
    assert accepted.status_code == 200 and child.step == "better"


def test_a_draft_expires_on_a_whole_hour_never_at_the_moment_it_was_started(
    child: Child, database: Database
) -> None:
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    child.start()
    with database.session() as session:
        [expires_at] = session.scalars(select(Draft.expires_at)).all()
    assert (expires_at.minute, expires_at.second, expires_at.microsecond) == (0, 0, 0)
    day = dt.timedelta(hours=24)
    assert started + day <= expires_at <= started + day + dt.timedelta(hours=1)


def test_an_answer_that_is_too_long_is_kept_so_the_child_can_shorten_it(child: Child) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    child.answer(feel="okay")
    child.answer(times="1")
    long_answer = "I wanted to say more. " * 20
    page = child.answer(better=long_answer)
    assert page.status_code == 422
    assert "too long. Use 300 characters or less" in page.text
    assert long_answer.strip()[:200] in page.text


def test_a_post_without_its_csrf_token_is_refused_with_a_friendly_page(
    client: FlaskClient, distribution: Distribution
) -> None:
    refused = client.post(f"/s/{distribution.code}/start", data={})
    assert refused.status_code == 400
    assert "This page has expired" in refused.text
    assert "0800 1111" in refused.text


def test_a_huge_post_is_refused_without_an_error_page_crash(
    client: FlaskClient, distribution: Distribution
) -> None:
    refused = client.post(f"/s/{distribution.code}/start", data={"x": "a" * 200_000})
    assert refused.status_code == 413
    assert "too long" in refused.text


def test_answers_in_progress_survive_a_reload_and_a_new_tab(
    client: FlaskClient, distribution: Distribution, database: Database
) -> None:
    first = Child(client, distribution.code)
    first.start()
    first.answer(_age_band="12-17")
    first.answer(went="yes")
    # The connection drops; the child opens the link again from the card.
    again = Child(client, distribution.code)
    page = again.start()
    assert again.step == "feel"
    assert "How did you feel?" in page.text


def test_a_draft_expires_after_a_day(
    client: FlaskClient, distribution: Distribution, database: Database
) -> None:
    child = Child(client, distribution.code)
    child.start()
    child.answer(_age_band="12-17")
    with database.session() as session:
        session.execute(update(Draft).values(expires_at=dt.datetime(2000, 1, 1)))
        session.commit()
    page = client.get(f"/s/{distribution.code}/q/went")
    assert page.status_code == 303
    assert page.headers["Location"].endswith(f"/s/{distribution.code}")


def test_drafts_hold_no_readable_answers(child: Child, database: Database) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    with database.session() as session:
        draft = session.scalars(select(Draft)).one()
        assert b"12-17" not in draft.sealed_answers
        assert len(draft.token_hash) == 64  # only a hash of the cookie


def test_sending_twice_saves_one_response(child: Child, database: Database) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    child.answer(feel="okay")
    child.answer(times="1")
    child.answer()
    check = child.last
    child.send()
    again = child.client.post(
        f"/s/{child.code}/submit", data={"csrf_token": csrf_token(check.text)}
    )
    assert again.status_code == 303
    assert len(responses(database)) == 1


def test_sending_before_a_required_question_is_answered_goes_back_to_it(child: Child) -> None:
    child.start()
    child.answer(_age_band="12-17")
    sent = child.client.post(
        f"/s/{child.code}/submit", data={"csrf_token": csrf_token(child.last.text)}
    )
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith("/q/went")


def test_the_privacy_text_comes_before_the_first_question(child: Child) -> None:
    welcome = child.open()
    assert "What happens to your answers" in welcome.text
    assert "we will need to tell someone who can help" in welcome.text
    assert "Did you go" not in welcome.text


def test_every_child_page_shows_childline_and_999(child: Child, database: Database) -> None:
    pages = [child.open(), child.start(), child.answer(_age_band="12-17")]
    pages += [
        child.answer(went="yes"),
        child.answer(feel="okay"),
        child.answer(times="1"),
        child.answer(),
        child.send(),
    ]
    for page in pages:
        assert 'href="tel:08001111"' in page.text, page.request.path
        assert 'href="tel:999"' in page.text, page.request.path


def test_an_unknown_code_is_a_friendly_404(client: FlaskClient) -> None:
    missing = client.get("/s/nosuchcode1")
    assert missing.status_code == 404
    assert "check it letter by letter" in missing.text


def test_codes_typed_from_a_card_ignore_case(
    client: FlaskClient, distribution: Distribution
) -> None:
    typed = distribution.code.upper()[:4] + "-" + distribution.code.upper()[4:]
    moved = client.get(f"/s/{typed}?lang=pl")
    assert moved.status_code == 308
    assert moved.headers["Location"].endswith(f"/s/{distribution.code}?lang=pl")
    child = Child(client, distribution.code)
    child.start()
    assert child.answer(_age_band="12-17").status_code == 200  # cookies follow the canonical path


def test_a_closed_survey_says_so_kindly(
    client: FlaskClient, make_distribution: Callable[..., Distribution]
) -> None:
    yesterday = dt.date.today() - dt.timedelta(days=1)
    closed = make_distribution(closes_on=yesterday)
    page = client.get(f"/s/{closed.code}")
    assert page.status_code == 410
    assert "This survey has closed" in page.text
    assert "not open yet" not in page.text


def test_a_survey_not_open_yet_says_the_day_it_opens_and_nothing_about_closing(
    client: FlaskClient, make_distribution: Callable[..., Distribution]
) -> None:
    later = make_distribution(opens_on=dt.date(2099, 3, 2))
    page = client.get(f"/s/{later.code}")
    assert page.status_code == 200
    assert "<title>This survey is not open yet – " in page.text
    assert "<h1>This survey is not open yet</h1>" in page.text
    assert "It opens on Monday, 2 March 2099." in page.text
    assert "closed" not in page.text.lower() and "any more" not in page.text


def test_a_survey_not_open_yet_gives_its_opening_day_in_the_childs_language(
    client: FlaskClient, make_distribution: Callable[..., Distribution]
) -> None:
    later = make_distribution(opens_on=dt.date(2099, 3, 2))
    polish = client.get(f"/s/{later.code}?lang=pl")
    assert "<h1>Ta ankieta jeszcze się nie rozpoczęła</h1>" in polish.text
    assert "Możesz ją wypełnić od tego dnia: poniedziałek, 2 marca 2099." in polish.text
    assert "zamknięta" not in polish.text and "March" not in polish.text
    arabic = client.get(f"/s/{later.code}?lang=ar")
    assert '<html lang="ar" dir="rtl">' in arabic.text
    assert "سيُفتح الاستبيان في الاثنين، 2 مارس 2099." in arabic.text
    assert "مغلق" not in arabic.text


def test_a_survey_written_before_the_opening_day_words_still_loads_and_shows_no_english(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    """Surveys translated before "It opens on" existed keep loading; a Polish or Arabic page
    then gives the survey's own sentence and the day, with no English in it."""
    written = (TEST_SURVEYS / "test-child.yaml").read_text(encoding="utf-8")
    older = re.sub(
        r"^  (not_yet_open_title|opens_on):\n(?:    \w+: .*\n)+", "", written, flags=re.M
    )
    assert "opens_on" not in older and "not_yet_open_text" in older
    folder = tmp_path / "surveys"
    folder.mkdir()
    (folder / "test-child.yaml").write_text(older, encoding="utf-8")
    app = make_app(SURVEY_DIR=str(folder))
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        later = operations.create_distribution(
            session, "test-child", "Suffolk", "Reviews", opens_on=dt.date(2099, 3, 2)
        )
        session.commit()
    client = app.test_client()

    polish = client.get(f"/s/{later.code}?lang=pl")
    assert (
        "<h1>Ta ankieta jeszcze się nie rozpoczęła. Spróbuj ponownie później.</h1>" in polish.text
    )
    assert "poniedziałek, 2 marca 2099" in polish.text
    assert "opens" not in polish.text and "March" not in polish.text
    arabic = client.get(f"/s/{later.code}?lang=ar")
    assert "الاثنين، 2 مارس 2099" in arabic.text and "opens" not in arabic.text
    english = client.get(f"/s/{later.code}")
    assert "It opens on Monday, 2 March 2099." in english.text


def test_the_survey_can_be_answered_in_polish_and_in_arabic_right_to_left(child: Child) -> None:
    polish = child.open("?lang=pl")
    assert 'lang="pl"' in polish.text and "Twoje spotkanie" in polish.text
    arabic = child.open("?lang=ar")
    assert '<html lang="ar" dir="rtl">' in arabic.text


def test_the_first_question_page_is_small_and_needs_two_requests_at_most(
    child: Child,
) -> None:
    child.start()
    page = child.client.get(child.last.request.path, headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.data).decode()
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert len(stylesheets) == 1
    assert "<script" not in html and "<img" not in html and "@import" not in html
    assert 'rel="icon" href="data:,"' in html  # no favicon request either
    css = child.client.get(stylesheets[0], headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert "url(" not in gzip.decompress(css.data).decode()  # no fonts or images from CSS
    assert len(page.data) + len(css.data) <= 14 * 1024


def test_read_aloud_is_offered_only_with_script_and_loads_only_when_asked(child: Child) -> None:
    welcome = child.open()
    assert "read-aloud.js" in welcome.text
    assert 'class="read-aloud-choice" hidden' in welcome.text  # invisible without JavaScript
    first = child.start(read_aloud="on")
    assert "read-aloud.js" in first.text


def test_no_ip_address_or_user_agent_is_stored_anywhere(
    client: FlaskClient, distribution: Distribution, database: Database
) -> None:
    headers = {"User-Agent": "Mozilla/5.0 (UniqueAgent 4242)", "X-Forwarded-For": "203.0.113.77"}
    environ = {"REMOTE_ADDR": "198.51.100.23"}
    child = Child(client, distribution.code)
    child.client.environ_base.update(environ)
    child.client.environ_base["HTTP_USER_AGENT"] = headers["User-Agent"]
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    child.answer(feel="okay")
    child.answer(times="1")
    child.answer()
    child.send()
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                dumped = " ".join(map(str, row))
                for secret in ("198.51.100.23", "203.0.113.77", "UniqueAgent"):
                    assert secret not in dumped, table.name


def test_research_tables_have_no_time_of_day_and_no_network_columns(database: Database) -> None:
    inspector = inspect(database.engine)
    for table in ("responses", "free_texts", "answer_counts", "question_bases"):
        for column in inspector.get_columns(table):
            assert "DATETIME" not in str(column["type"]).upper(), (table, column["name"])
            forbidden = re.search(r"(^|_)ip(_|$)|agent|address|time", column["name"])
            assert not forbidden, (table, column["name"])


SHIPPED_SURVEYS = "survey_definitions"


def test_a_practitioner_rates_several_skills_on_one_page_and_sees_no_child_helplines(
    make_app: Callable[..., Any], database: Database
) -> None:
    from pathlib import Path

    from survey_app import operations
    from tests.conftest import HttpsClient

    app = make_app(SURVEY_DIR=str(Path(__file__).parent.parent / SHIPPED_SURVEYS))
    shipped: Database = app.extensions["database"]
    with shipped.session() as session:
        make_council(session, "Norfolk")
        code = operations.create_distribution(
            session,
            "practitioner-skills",
            "Norfolk",
            "Change programme, meeting one",
            wave="meeting_one",
            waves=("meeting_one", "meeting_four"),
        ).code
        session.commit()
    app.test_client_class = HttpsClient
    practitioner = Child(app.test_client(), code)
    first = practitioner.start()
    assert "tel:08001111" not in first.text
    assert practitioner.step == "code"
    practitioner.answer()  # no self-generated code: fine
    practitioner.answer(role="social_worker")
    page = practitioner.answer(knowledge_childrens_rights="2")  # the others left blank
    assert page.status_code == 200 and practitioner.step == "skills"
    practitioner.answer(
        skill_communicating_with_children="4",
        skill_recording_voice="5",
        skill_involving_in_conferences="prefer_not_to_say",
    )
    practitioner.send()
    with shipped.session() as session:
        saved = session.scalars(select(SurveyResponse)).one()
    assert saved.answers == {
        "role": "social_worker",
        "knowledge_childrens_rights": "2",
        "skill_communicating_with_children": "4",
        "skill_recording_voice": "5",
        "skill_involving_in_conferences": "prefer_not_to_say",
    }


def test_sending_a_draft_kept_past_its_day_starts_again_instead_of_thanking_for_nothing(
    child: Child, database: Database
) -> None:
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    child.answer(feel="okay")
    child.answer(times="1")
    child.answer()
    check = child.last
    with database.session() as session:
        session.execute(update(Draft).values(expires_at=dt.datetime(2000, 1, 1)))
        session.commit()
    sent = child.client.post(f"/s/{child.code}/submit", data={"csrf_token": csrf_token(check.text)})
    assert sent.status_code == 303 and "expired=1" in sent.headers["Location"]
    welcome = child.client.get(sent.headers["Location"])
    assert "Please start again" in welcome.text
    assert responses(database) == []


def test_drafts_past_their_day_are_deleted_by_the_workers(child: Child, database: Database) -> None:
    from workers.sweeper import purge_drafts

    child.start()
    child.answer(_age_band="12-17")
    with database.session() as session:
        session.execute(update(Draft).values(expires_at=dt.datetime(2000, 1, 1)))
        session.commit()
    assert purge_drafts() == 1
    with database.session() as session:
        assert session.scalar(select(Draft)) is None


def test_a_childs_phone_gets_no_session_cookie_only_the_form_and_draft_cookies(
    child: Child,
) -> None:
    child.start()
    child.answer(_age_band="12-17")
    names = {cookie.key for cookie in child.client._cookies.values()}
    assert names == {"form", "draft"}
    for cookie in child.client._cookies.values():
        assert cookie.path == f"/s/{child.code}"
        assert cookie.http_only and cookie.secure


def test_a_form_token_from_another_browser_is_refused(
    client: FlaskClient, distribution: Distribution, app: Any
) -> None:
    other = app.test_client()
    page = other.get(f"/s/{distribution.code}", base_url="https://localhost")
    stolen = csrf_token(page.text)
    client.get(f"/s/{distribution.code}")  # this browser has its own form cookie
    refused = client.post(f"/s/{distribution.code}/start", data={"csrf_token": stolen})
    assert refused.status_code == 400
    assert "This page has expired" in refused.text


# The whole journey, with the sealed draft read back after every page ------------------------

# Typed on a phone: "Siôn" with the circumflex as a separate combining mark, a NUL, a bell and an
# escape sequence's control character among the words, a tab and a line break that stay.
TYPED = "Sio\u0302n\x00 helps me\x07 with\x1b homework.\tThanks\r\nbye"
CLEANED = "Siôn helps me with homework.\tThanks\nbye"  # one kind of line break
WORRYING = (
    "my step dad hits me with the belt when mum is at work and i dont want to go home tonight"
)


def sealed_draft(app: Flask) -> tuple[DraftState, dt.datetime]:
    """The one draft, opened with the service's key as the pages open it, and its expiry."""
    with app.extensions["database"].session() as session:
        [draft] = session.scalars(select(Draft)).all()
        return drafts.read_draft(app.extensions["vault"], draft), draft.expires_at


def test_every_page_of_a_childs_journey_keeps_the_sealed_draft_exactly_as_answered_so_far(
    app: Flask, child: Child, database: Database
) -> None:
    # Walked on SQLite (the ORM's connection) and PostgreSQL (psycopg itself): one rule.
    # Concern emails are handed over here, not to a broker (Suffolk has no named lead here).
    background_work(app).send_concern_emails = lambda notification_ids: None
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    child.start()
    assert child.step == "age"
    state, expires_at = sealed_draft(app)
    assert (state.answers, state.concerns) == ({}, [])
    # Stored to the hour (a child's start time is never kept finer), a day or so from now.
    assert (expires_at.minute, expires_at.second, expires_at.microsecond) == (0, 0, 0)
    assert started + dt.timedelta(hours=24) <= expires_at <= started + dt.timedelta(hours=25)

    def after(form: dict[str, Any], step: str, answers: dict[str, Any]) -> None:
        page = child.answer(**form)
        assert child.step == step, page.text[:300]
        assert page.text.count('<form method="post"') <= 1  # one question a page
        kept, kept_until = sealed_draft(app)
        assert kept.answers == answers
        assert kept_until == expires_at  # answering never moves the expiry

    after({"_age_band": "12-17"}, "went", {"_age_band": "12-17"})
    after({"went": "no"}, "why-not", {"_age_band": "12-17", "went": "no"})
    after(
        {"why_not": "scared"}, "feel", {"_age_band": "12-17", "went": "no", "why_not": ["scared"]}
    )
    # Back to an earlier page and a different answer: the one no longer asked is dropped.
    back = child.open("/q/went")
    assert re.search(r'value="no" checked', back.text)  # the page shows what they chose
    after({"went": "yes"}, "feel", {"_age_band": "12-17", "went": "yes"})
    after({"feel": "okay"}, "age-now", {"_age_band": "12-17", "went": "yes", "feel": "okay"})
    # A bad form is explained, what was typed kept on the page; the draft keeps what was
    # answered before it, unchanged.
    refused = child.answer(times="lots")
    assert refused.status_code == 422 and 'value="lots"' in refused.text
    assert sealed_draft(app)[0].answers == {"_age_band": "12-17", "went": "yes", "feel": "okay"}
    so_far = {"_age_band": "12-17", "went": "yes", "feel": "okay", "times": 1}
    after({"times": "1"}, "better", so_far)
    after({"better": TYPED}, "check", {**so_far, "better": CLEANED})
    assert "Siôn helps me with homework." in child.last.text

    # The child leaves and comes back from the card: carried on where they were.
    again = Child(child.client, child.code)
    assert ">Carry on with the survey</button>" in again.open().text
    assert again.start() is not None and again.step == "check"

    # Forward again through a disclosure: the safety message at once, the concern remembered
    # in the draft (so it is tied to the response, not raised again).
    child.open("/q/better")
    page = child.answer(better=WORRYING)
    assert child.last.request.path.endswith("/safe")
    assert "data-safety-message" in page.text and "0800 1111" in page.text
    assert WORRYING not in page.text
    state, _ = sealed_draft(app)
    [concern] = session_concerns(database)
    assert state.answers == {**so_far, "better": WORRYING} and state.concerns == [concern]
    child.carry_on()
    assert child.step == "check"
    thanks = child.send()
    assert "Thank you for telling us." in thanks.text

    [saved] = responses(database)
    assert saved.answers == {"went": "yes", "feel": "okay", "times": 1, "better": "written"}
    with database.session() as session:
        assert session.scalars(select(Draft)).all() == []
        [free_text] = session.scalars(select(FreeText)).all()
        assert app.extensions["vault"].open(free_text.ciphertext) == WORRYING
        assert session.scalar(select(Concern.response_id)) == saved.id


def session_concerns(database: Database) -> list[int]:
    with database.session() as session:
        return list(session.scalars(select(Concern.id)))
