"""Languages: names and direction from CLDR, no English inside a right-to-left page, and the
printed card in each of the survey's languages."""

from __future__ import annotations

import pytest

from survey_app.definitions import DefinitionError, parse_definition, translation_problems
from survey_app.definitions.languages import direction, language_name
from tests.conftest import sign_in

EMAIL = "facilitator@example.org"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("prs", "دری"),
        ("ps", "پښتو"),
        ("ti", "ትግርኛ"),
        ("ar", "العربية"),
        ("pl", "Polski"),
        ("cy", "Cymraeg"),
        ("ur", "اردو"),
    ],
)
def test_each_language_is_named_in_its_own_words(code, name):
    assert language_name(code) == name


@pytest.mark.parametrize(
    ("code", "expected"),
    [("prs", "rtl"), ("ps", "rtl"), ("ar", "rtl"), ("ur", "rtl"), ("ti", "ltr"), ("pl", "ltr")],
)
def test_dari_pashto_arabic_and_urdu_read_right_to_left_and_tigrinya_left_to_right(code, expected):
    assert direction(code) == expected


def test_a_code_no_one_knows_is_shown_as_it_is_and_left_to_right():
    assert (language_name("qq"), direction("qq")) == ("qq", "ltr")


def survey_in(*languages: str, title: str = "{en: A survey, ur: ایک سروے}") -> str:
    return (
        "id: urdu\n"
        "version: 1\n"
        "audience: practitioner\n"
        f"title: {title}\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        f"languages: [{', '.join(languages)}]\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: short_text\n"
        "        text: Anything?\n"
    )


def test_a_survey_that_would_put_english_into_a_right_to_left_page_is_refused():
    with pytest.raises(DefinitionError) as refused:
        parse_definition(survey_in("en", "ur"), "urdu.yaml")

    found = [str(problem) for problem in refused.value.problems]
    assert 'urdu.yaml:5: introduction: no ur words (English: "Hello").' in found
    assert 'urdu.yaml:13: pages[0].questions[0].text: no ur words (English: "Anything?").' in found
    assert any("service's 'check_title'" in problem for problem in found)
    assert not any(problem.startswith("urdu.yaml:4: title") for problem in found)


def test_a_survey_missing_welsh_words_loads_but_check_lists_every_gap():
    definition = parse_definition(
        survey_in("en", "cy", title="{en: A survey, cy: Arolwg}"), "welsh.yaml"
    )

    found = [str(problem) for problem in translation_problems(definition)]
    assert 'welsh.yaml:6: thank_you: no cy words (English: "Thanks").' in found
    assert any("service's 'thank_you_title' (\"Thank you\")" in problem for problem in found)
    assert all(": no cy words" in problem for problem in found)


# The printed card ------------------------------------------------------------------------


def test_the_card_comes_in_each_of_the_surveys_languages_and_its_qr_opens_in_that_language(
    client, make_user, make_distribution
):
    code = make_distribution().code
    make_user(EMAIL)
    sign_in(client, EMAIL)

    polish = client.get(f"/facilitator/distributions/{code}/card?lang=pl").get_data(as_text=True)
    arabic = client.get(f"/facilitator/distributions/{code}/card?lang=ar").get_data(as_text=True)
    english = client.get(f"/facilitator/distributions/{code}/card").get_data(as_text=True)

    assert '<html lang="pl" dir="ltr">' in polish
    assert "Powiedz nam, jak było na spotkaniu. To zajmie 3 minuty." in polish
    assert "Zeskanuj kod aparatem w telefonie albo wpisz:" in polish
    assert f'<p class="link" dir="ltr">surveys.example/s/{code}?lang=pl</p>' in polish
    assert f'aria-label="QR code that opens https://surveys.example/s/{code}?lang=pl"' in polish
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "أخبرنا كيف كان اجتماعك" in arabic
    assert "Tell us what your meeting was like" not in arabic
    assert f'<p class="link" dir="ltr">surveys.example/s/{code}</p>' in english
    for page in (polish, arabic, english):
        assert ">Polski<" in page and ">العربية<" in page and ">English<" in page


def test_the_downloadable_qr_code_carries_the_language_too(client, make_user, make_distribution):
    code = make_distribution().code
    make_user(EMAIL)
    sign_in(client, EMAIL)

    english = client.get(f"/facilitator/distributions/{code}/qr.svg").data
    polish = client.get(f"/facilitator/distributions/{code}/qr.svg?lang=pl").data
    unknown = client.get(f"/facilitator/distributions/{code}/qr.svg?lang=xx").data

    assert polish != english
    assert unknown == english


def test_a_link_from_a_polish_card_opens_the_survey_in_polish(client, make_distribution):
    code = make_distribution().code

    page = client.get(f"/s/{code}?lang=pl").get_data(as_text=True)

    assert '<html lang="pl" dir="ltr">' in page
    assert "Twoje spotkanie" in page
