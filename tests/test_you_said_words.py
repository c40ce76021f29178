"""The headings around "you said, we did" are a survey's interface words: a survey writes its
own in any language it offers, the service has them built in for the common ones, and a
language with neither shows children no actions (never English inside it) and is warned about
when the survey is loaded (issue 16)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from markupsafe import escape

from survey_app.actions import child_words
from survey_app.db import Database
from survey_app.definitions import (
    DefinitionError,
    load_file,
    parse_definition,
    you_said_warnings,
)
from survey_app.definitions.words import YOU_SAID
from survey_app.definitions.you_said_words import BUILT_IN
from survey_app.models import Distribution, User
from tests.conftest import TEST_SURVEYS, Child, sign_in
from tests.you_said import CHILD, LEAD, bearer, record, token_maker

SHIPPED = Path(__file__).parent.parent / "survey_definitions" / "child-cp-conference.yaml"

# Spanish: a language the service has no built-in words for, so the survey writes its own.
SPANISH = {
    "you_said_title": "Lo que dijiste y lo que hicimos",
    "you_told_us": "Nos dijiste:",
    "so_we": "Por eso:",
    "you_said_see_all": "Ver todo lo que cambiamos",
    "you_said_intro": "Los niños nos contaron cómo fue. Esto es lo que cambiamos.",
    "you_said_none_yet": "Aquí todavía no hay nada. Aquí vamos a mostrar lo que cambiemos.",
    "you_said_back": "Volver al inicio",
}
# The survey's own Polish heading wins over the built-in one.
POLISH_TITLE = "Wy mówicie, my działamy"

# What the action says to children in the extra languages the survey below offers.
MORE_CHILD = {
    "cy": {"you_said": "Dywedoch chi nad oedd neb wedi dweud pam roedd y cyfarfod.",
           "we_did": "Nawr rydyn ni'n dweud wrthoch chi y diwrnod cynt."},
    "es": {"you_said": "Dijiste que nadie te explicó por qué era la reunión.",
           "we_did": "Ahora te explicamos antes para qué es."},
    "fr": {"you_said": "Tu as dit que personne ne t'a dit pourquoi il y avait la réunion.",
           "we_did": "Maintenant, on te dit la veille à quoi elle sert."},
}  # fmt: skip

ENGLISH_HEADINGS = [YOU_SAID[key] for key in ("you_said_title", "you_told_us", "so_we")]


def survey_source() -> str:
    """The test survey offering Welsh (built-in words), Spanish (the survey's own) and French
    (words nowhere), with its own Polish heading."""
    assert "es" not in BUILT_IN and "fr" not in BUILT_IN, "pick languages with no built-in words"
    source = (TEST_SURVEYS / "test-child.yaml").read_text(encoding="utf-8")
    assert source.count("languages: [en, pl, ar]") == 1
    source = source.replace("languages: [en, pl, ar]", "languages: [en, pl, ar, cy, es, fr]")
    # The interface block is the file's last: its words go on the end.
    title = SPANISH["you_said_title"]
    source += f'  you_said_title:\n    pl: "{POLISH_TITLE}"\n    es: "{title}"\n'
    for key, words in SPANISH.items():
        if key != "you_said_title":
            source += f'  {key}:\n    es: "{words}"\n'
    return source


@pytest.fixture
def app(make_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    (surveys / "test-child.yaml").write_text(survey_source(), encoding="utf-8")
    shutil.copy(TEST_SURVEYS / "themes.yaml", surveys)
    return make_app(SURVEY_DIR=str(surveys))


@pytest.fixture
def make_token(database: Database, make_user: Callable[..., User]) -> Callable[..., str]:
    return token_maker(database, make_user)


@pytest.fixture
def suffolk(client, make_distribution: Callable[..., Distribution], make_token) -> str:
    """A Suffolk link with one approved action, in every language the survey offers."""
    code = make_distribution().code
    made = record(client, make_token("facilitator@example.org"), child={**CHILD, **MORE_CHILD})
    assert made.status_code == 201, made.json
    lead = make_token(LEAD, "council_lead", "Suffolk")
    approved = client.post(f"/api/v1/actions/{made.json['id']}/approve", headers=bearer(lead))
    assert approved.status_code == 200, approved.json
    return code


# Pages ----------------------------------------------------------------------------------------


def test_a_surveys_own_words_in_a_language_with_none_built_in_show_on_the_first_page(
    client, suffolk
):
    page = Child(client, suffolk).open("?lang=es").text

    assert '<html lang="es" dir="ltr">' in page
    for key in ("you_said_title", "you_told_us", "so_we", "you_said_see_all"):
        assert SPANISH[key] in page, key
    assert MORE_CHILD["es"]["we_did"] in page
    for english in ENGLISH_HEADINGS:
        assert english not in page


def test_a_surveys_own_words_show_on_the_thank_you_page_after_a_child_sends_in_that_language(
    client, suffolk
):
    child = Child(client, suffolk)
    child.start(lang="es")
    child.answer(_age_band="12-17")
    child.answer(went="yes")
    child.answer(feel="okay")
    child.answer(times="1")
    child.answer()
    thanks = child.send()

    assert thanks.request.path.endswith("/thanks") and thanks.request.args["lang"] == "es"
    assert SPANISH["you_said_title"] in thanks.text and SPANISH["you_told_us"] in thanks.text
    assert MORE_CHILD["es"]["we_did"] in thanks.text
    assert "You said, we did" not in thanks.text


def test_a_surveys_own_words_head_the_page_of_every_action(client, suffolk):
    page = Child(client, suffolk).open("/you-said-we-did?lang=es")

    assert page.status_code == 200
    assert re.search(rf"<h1[^>]*>{SPANISH['you_said_title']}</h1>", page.text)
    for key in ("you_said_intro", "you_told_us", "so_we", "you_said_back"):
        assert SPANISH[key] in page.text, key
    for english in ENGLISH_HEADINGS:
        assert english not in page.text


def test_a_surveys_own_heading_wins_over_the_built_in_one(client, suffolk):
    page = Child(client, suffolk).open("?lang=pl").text

    assert POLISH_TITLE in page and BUILT_IN["pl"]["you_said_title"] not in page
    assert BUILT_IN["pl"]["you_told_us"] in page  # the rest are still the built-in words


def test_a_language_the_survey_leaves_alone_gets_the_built_in_words(client, suffolk):
    page = Child(client, suffolk).open("?lang=cy").text

    assert '<html lang="cy" dir="ltr">' in page
    assert BUILT_IN["cy"]["you_said_title"] in page
    assert str(escape(MORE_CHILD["cy"]["we_did"])) in page


def test_a_language_with_no_words_anywhere_shows_no_actions_and_no_english_headings(
    client, suffolk
):
    child = Child(client, suffolk)

    for path in ("?lang=fr", "/thanks?lang=fr"):
        page = child.open(path)
        assert page.status_code == 200 and '<html lang="fr" dir="ltr">' in page.text, path
        assert MORE_CHILD["fr"]["we_did"] not in page.text, path
        for english in ENGLISH_HEADINGS:
            assert english not in page.text, path
    # The page of every action has no words to be headed by: the first page in French instead.
    everything = child.open("/you-said-we-did?lang=fr")
    assert everything.status_code == 302
    assert everything.headers["Location"].endswith(f"/s/{suffolk}?lang=fr")


def test_the_poster_uses_the_surveys_own_words_and_leaves_the_actions_off_without_any(
    client, make_user, suffolk
):
    sign_in(client, "facilitator@example.org")

    german = client.get(f"/facilitator/distributions/{suffolk}/poster?lang=es")
    french = client.get(f"/facilitator/distributions/{suffolk}/poster?lang=fr")

    assert german.status_code == 200 and SPANISH["you_said_title"] in german.text
    assert MORE_CHILD["es"]["we_did"] in german.text
    assert french.status_code == 200 and '<html lang="fr" dir="ltr">' in french.text
    assert MORE_CHILD["fr"]["we_did"] not in french.text
    assert "You said, we did" not in french.text


# Loading --------------------------------------------------------------------------------------


def test_a_survey_offering_a_language_with_no_words_anywhere_is_warned_about_with_its_line():
    source = survey_source()
    survey = parse_definition(source, "surveys/test-child.yaml")

    warnings = you_said_warnings(survey)

    assert [warning.field for warning in warnings] == ["interface"]
    # French lacks them all: the warning points at the first, which the survey writes for others.
    line = source.splitlines().index("  you_said_title:") + 1
    assert str(warnings[0]).startswith(f"surveys/test-child.yaml:{line}: interface: no fr ")
    assert "you_said_title" in str(warnings[0]) and "you_said_back" in str(warnings[0])
    assert child_words(survey, "fr") is None and child_words(survey, "es") is not None


def test_the_operator_sees_the_warning_when_checking_loading_and_listing_surveys(run, tmp_path):
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    (surveys / "test-child.yaml").write_text(survey_source(), encoding="utf-8")
    env = {"SURVEY_SURVEY_DIR": str(surveys)}

    for command in (["check", str(surveys)], ["load-surveys"], ["surveys"]):
        result = run(*command, env=env)
        # `check` fails on the survey's other words left in English in Welsh, Spanish and
        # French; the missing "you said, we did" words are a warning, never one of its problems.
        assert result.exit_code == (1 if command[0] == "check" else 0), (command, result.output)
        assert "you_said" not in "".join(
            line for line in result.output.splitlines() if not line.startswith("warning: ")
        )
        warned = [line for line in result.output.splitlines() if "you said, we did" in line]
        assert len(warned) == 1 and warned[0].startswith("warning: "), (command, result.output)
        assert "no fr (Français)" in warned[0]


def test_the_test_survey_offering_built_in_languages_only_is_not_warned_about():
    assert you_said_warnings(load_file(TEST_SURVEYS / "test-child.yaml")) == []


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        ('  you_said_title:\n    de: ""\n', "interface.you_said_title", "must not be empty"),
        ("  you_said_title: [de, Hallo]\n", "interface.you_said_title", "as a string or"),
        ("  you_said_titel:\n    de: Hallo\n", "interface.you_said_titel", "Must be one of"),
        ("  so_we:\n    xx-: Hallo\n", "interface.so_we", "not a language code"),
        ("  so_we:\n    ru: Поэтому\n", "interface.so_we", "not in the survey's languages"),
    ],
)
def test_a_malformed_entry_names_the_file_line_and_field(entry, field, message):
    source = (TEST_SURVEYS / "test-child.yaml").read_text(encoding="utf-8")
    source = source.replace("languages: [en, pl, ar]", "languages: [en, pl, ar, de]")
    line = len(source.splitlines()) + 1

    with pytest.raises(DefinitionError) as refused:
        parse_definition(source + entry, "surveys/test-child.yaml")

    problems = [str(problem) for problem in refused.value.problems]
    assert any(
        problem.startswith(f"surveys/test-child.yaml:{line}: {field}: ") and message in problem
        for problem in problems
    ), problems


def test_the_shipped_child_survey_writes_the_words_in_every_language_it_offers():
    survey = load_file(SHIPPED)

    assert you_said_warnings(survey) == []
    for key in YOU_SAID:
        assert set(survey.interface[key].translations) == set(survey.languages), key
    assert child_words(survey, "ar") is not None
    assert child_words(survey, "ar").title == survey.interface["you_said_title"].translations["ar"]


def test_every_built_in_language_has_every_word_and_no_english_copies():
    for language, words in BUILT_IN.items():
        assert set(words) == set(YOU_SAID), language
        for key, text in words.items():
            assert text.strip() and text != YOU_SAID[key], (language, key)
