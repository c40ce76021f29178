"""Tests for survey definitions: the shipped YAML files and the loader's error messages."""

import dataclasses
import re
import string
from pathlib import Path

import pytest

from survey_app.definitions import DefinitionError, load_directory, load_file, parse_definition
from survey_app.definitions.languages import is_right_to_left
from survey_app.definitions.loader import NOT_SURVEYS
from survey_app.definitions.model import KINDS, Text
from survey_app.definitions.words import INTERFACE, NEWER, YOU_SAID

DEFINITIONS = Path(__file__).resolve().parent.parent / "survey_definitions"
# Surveys only: the focus-group guides beside them are tested in test_focus_group_guides, and
# the theme codebook is not a survey (survey_app.themes).
SHIPPED = sorted(
    path
    for path in DEFINITIONS.glob("*.yaml")
    if path.name not in NOT_SURVEYS and "audience: focus_group" not in path.read_text()
)
CHILD_SURVEY = DEFINITIONS / "child-cp-conference.yaml"
BANDS = ("8-11", "12-17")


def problems(source: str) -> list[str]:
    """Every problem the loader finds in source, as `file:line: field: message`."""
    with pytest.raises(DefinitionError) as caught:
        parse_definition(source, "bad.yaml")
    return [str(problem) for problem in caught.value.problems]


@pytest.fixture(scope="module")
def child_survey():
    return load_file(CHILD_SURVEY)


def child_texts(survey) -> list[tuple[str, Text]]:
    """Every piece of words a child can see, with where it is, across both age bands."""
    found = [
        (name, getattr(survey, name))
        for name in ("title", "introduction", "privacy", "thank_you", "card_line")
    ]
    found += [(f"age band {band.id}", band.label) for band in survey.age_bands]
    found += [(f"interface {key}", text) for key, text in survey.interface.items()]
    for question in survey.questions:
        for band in BANDS:
            asked = question.for_band(band)
            where = f"{question.id} ({band})"
            found.append((where, asked.text))
            if asked.hint:
                found.append((f"{where} hint", asked.hint))
            found += [(f"{where} option {o.id}", o.label) for o in asked.options]
    return found


# The shipped files ------------------------------------------------------------------------


def test_survey_definitions_are_shipped():
    assert {path.name for path in SHIPPED} >= {
        "child-cp-conference.yaml",
        "practitioner-skills.yaml",
        "programme-feedback.yaml",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_survey_loads_with_a_title_and_questions(path):
    definition = load_file(path)
    assert definition.id == path.stem
    assert definition.title.en.strip()
    assert len(definition.questions) >= 1


def test_the_shipped_folder_loads_as_a_whole_without_clashing_ids():
    assert set(load_directory(DEFINITIONS)) == {path.stem for path in SHIPPED}


def test_the_child_survey_asks_8_to_11s_and_12_to_17s_separately(child_survey):
    assert child_survey.is_for_children
    assert child_survey.band_ids() == BANDS


def test_8_to_11s_and_12_to_17s_are_asked_in_different_words(child_survey):
    for question in child_survey.questions:
        younger, older = (question.for_band(band) for band in BANDS)
        for language in child_survey.languages:
            assert younger.text.get(language) != older.text.get(language), (question.id, language)


def test_the_feelings_question_has_three_faces_for_8_to_11s_and_five_for_12_to_17s(child_survey):
    feelings = child_survey.question("how_you_felt")
    assert feelings.kind == "face_scale"
    younger, older = (feelings.for_band(band) for band in BANDS)
    assert [option.id for option in younger.options] == ["sad", "okay", "happy"]
    assert [option.id for option in older.options] == [
        "very_sad",
        "sad",
        "okay",
        "happy",
        "very_happy",
    ]


def test_every_word_a_child_sees_is_in_polish_and_arabic(child_survey):
    assert child_survey.languages == ("en", "pl", "ar")
    assert is_right_to_left("ar")
    for where, text in child_texts(child_survey):
        for language in ("pl", "ar"):
            translated = text.translations.get(language)
            assert translated, f"{where} has no {language}"
            assert translated != text.en, f"{where} in {language} is a copy of the English"


def test_the_child_survey_translates_every_interface_word_and_keeps_its_placeholders(
    child_survey,
):
    # The shipped survey translates the newer words and those around "you said, we did" too.
    words = {**INTERFACE, **NEWER, **YOU_SAID}
    assert set(child_survey.interface) == set(words)
    for key, text in child_survey.interface.items():
        assert text.en == words[key], key
        expected = {name for _, name, _, _ in string.Formatter().parse(words[key]) if name}
        for language in ("pl", "ar"):
            placeholders = {
                name for _, name, _, _ in string.Formatter().parse(text.get(language)) if name
            }
            assert placeholders == expected, (key, language)


def test_phone_numbers_in_arabic_stay_left_to_right(child_survey):
    for where, text in child_texts(child_survey):
        arabic = text.translations["ar"]
        for match in re.finditer(r"\d{4} \d{4}", arabic):
            before, after = arabic[match.start() - 1], arabic[match.end()]
            assert (before, after) == ("\u2066", "\u2069"), where


def test_the_child_privacy_text_says_we_will_tell_someone_if_a_child_is_not_safe(child_survey):
    privacy = child_survey.privacy.en
    assert "not safe" in privacy
    assert "tell someone who can help" in privacy
    assert "anonymous" in privacy
    assert "name" in privacy


def test_every_child_question_offers_dont_know_or_rather_not_say(child_survey):
    for question in child_survey.questions:
        assert question.special_options(), question.id


def test_only_children_who_did_not_go_are_asked_why(child_survey):
    for question_id in ("why_not_there", "why_not_more"):
        condition = child_survey.question(question_id).show_if
        assert condition.matches({"went_to_meeting": "no"})
        assert condition.matches({"went_to_meeting": "not_sure"})
        assert not condition.matches({"went_to_meeting": "yes"})
        assert not condition.matches({})


def test_practitioners_rate_each_topic_from_very_limited_to_excellent():
    survey = load_file(DEFINITIONS / "practitioner-skills.yaml")
    role = survey.question("role")
    assert [option.id for option in role.options] == [
        "social_worker",
        "conference_chair",
        "advocate",
        "manager",
        "other",
    ]
    ratings = [question for question in survey.questions if question.kind == "scale"]
    assert len(ratings) >= 6
    for question in ratings:
        assert (question.minimum, question.maximum) == (1, 5)
        assert [option.id for option in question.options] == ["1", "2", "3", "4", "5"]
        assert question.options[0].label.en == "Very limited"
        assert question.options[-1].label.en == "Excellent"
        assert question.prefer_not_to_say


def test_loaded_definitions_cannot_be_changed():
    for definition in load_directory(DEFINITIONS).values():
        with pytest.raises(dataclasses.FrozenInstanceError):
            definition.title = Text.english("Changed")
        question = next(question for question in definition.questions if question.options)
        with pytest.raises(dataclasses.FrozenInstanceError):
            question.required = True
        with pytest.raises(dataclasses.FrozenInstanceError):
            question.options[0].label = Text.english("Changed")
        with pytest.raises(TypeError):
            definition.title.translations["en"] = "Changed"
        with pytest.raises(TypeError):
            definition.interface["start"] = Text.english("Go")
        with pytest.raises(TypeError):
            question.bands["8-11"] = None
        with pytest.raises(AttributeError):
            definition.pages.append(definition.pages[0])


# Mistakes in a file name the file, line and field ------------------------------------------


def test_an_unknown_question_kind_is_reported_on_its_line():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Bad\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: slider\n"
        "        text: How much?\n"
    ) == [f"bad.yaml:11: pages[0].questions[0].kind: Must be one of: {', '.join(KINDS)}."]


def test_a_question_id_used_twice_is_reported_where_it_is_reused():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Bad\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: yes_no_not_sure\n"
        "        text: Did you go?\n"
        "  - id: second\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: short_text\n"
        "        text: Why?\n"
    ) == ["bad.yaml:15: pages[1].questions[0].id: Duplicate question id 'q1'."]


def test_show_if_naming_an_unknown_question_is_reported():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Bad\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: short_text\n"
        "        text: Why?\n"
        "        show_if:\n"
        "          question: went\n"
        "          any_of: [no]\n"
    ) == [
        "bad.yaml:14: pages[0].questions[0].show_if.question: "
        "show_if names 'went', which is not an earlier question."
    ]


def test_show_if_naming_a_question_on_the_same_page_is_reported():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Bad\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: went\n"
        "        kind: yes_no_not_sure\n"
        "        text: Did you go?\n"
        "      - id: why\n"
        "        kind: short_text\n"
        "        text: Why not?\n"
        "        show_if: {question: went, any_of: [no]}\n"
    ) == [
        "bad.yaml:16: pages[0].questions[1].show_if.question: "
        "show_if names 'went', which is on the same page."
    ]


def test_show_if_naming_an_option_the_question_does_not_have_is_reported():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Bad\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: went\n"
        "        kind: yes_no_not_sure\n"
        "        text: Did you go?\n"
        "  - id: second\n"
        "    questions:\n"
        "      - id: why\n"
        "        kind: short_text\n"
        "        text: Why not?\n"
        "        show_if:\n"
        "          question: went\n"
        "          any_of: [no, maybe]\n"
    ) == ["bad.yaml:20: pages[1].questions[0].show_if.any_of: 'went' has no option maybe."]


def test_words_without_english_are_reported():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Bad\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "languages: [en, pl]\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: single_choice\n"
        "        text: Which?\n"
        "        options:\n"
        "          - id: one\n"
        "            label: {pl: Jeden}\n"
        "          - id: two\n"
        "            label: {en: Two, pl: Dwa}\n"
    ) == [
        "bad.yaml:16: pages[0].questions[0].options[0].label: "
        "An English ('en') version is required."
    ]


def test_words_in_a_language_the_survey_does_not_offer_are_reported():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Bad\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "languages: [en, pl]\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: short_text\n"
        "        text: {en: 'Why?', pl: 'Dlaczego?', cy: 'Pam?'}\n"
    ) == ["bad.yaml:13: pages[0].questions[0].text: Language cy is not in the survey's languages."]


def test_broken_yaml_is_reported_on_the_line_of_the_mistake():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Bad\n"
        "introduction: Hello: and welcome\n"
        "thank_you: Thanks\n"
    ) == ["bad.yaml:5: (yaml): not valid YAML: mapping values are not allowed here"]


def test_a_child_survey_without_privacy_words_is_refused():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: child\n"
        "title: Bad\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: yes_no_not_sure\n"
        "        text: Did you go?\n"
    ) == ["bad.yaml:1: privacy: A child survey must say what happens to answers before question 1."]


def test_a_child_page_with_two_questions_is_refused():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: child\n"
        "title: Bad\n"
        "introduction: Hello\n"
        "privacy: Your answers are anonymous.\n"
        "thank_you: Thanks\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: yes_no_not_sure\n"
        "        text: Did you go?\n"
        "      - id: q2\n"
        "        kind: face_scale\n"
        "        points: 3\n"
        "        text: How was it?\n"
    ) == ["bad.yaml:10: pages[0].questions: A child survey asks one question per page."]


def test_a_misspelt_key_is_reported_rather_than_ignored():
    assert problems(
        "id: bad\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Bad\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: yes_no_not_sure\n"
        "        text: Did you go?\n"
        "        requird: true\n"
    ) == ["bad.yaml:13: pages[0].questions[0].requird: Unknown field."]


def test_yes_and_no_as_option_ids_stay_words():
    definition = parse_definition(
        "id: good\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Good\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: agree\n"
        "        kind: single_choice\n"
        "        text: Do you agree?\n"
        "        options:\n"
        "          - {id: yes, label: Yes}\n"
        "          - {id: no, label: No}\n"
        "          - {id: on, label: On}\n"
        "  - id: second\n"
        "    questions:\n"
        "      - id: why\n"
        "        kind: short_text\n"
        "        text: Why not?\n"
        "        show_if: {question: agree, any_of: [no]}\n",
        "good.yaml",
    )
    agree = definition.question("agree")
    assert [option.id for option in agree.options] == ["yes", "no", "on"]
    assert [option.label.en for option in agree.options] == ["Yes", "No", "On"]
    assert definition.question("why").show_if.any_of == ("no",)


SURVEY_WITH_UNKNOWN_KIND = (
    "id: first\n"
    "version: 1\n"
    "audience: practitioner\n"
    "title: First\n"
    "introduction: Hello\n"
    "thank_you: Thanks\n"
    "pages:\n"
    "  - id: first\n"
    "    questions:\n"
    "      - id: q1\n"
    "        kind: slider\n"
    "        text: How much?\n"
)
SURVEY_WITHOUT_TITLE = (
    "id: second\n"
    "version: 1\n"
    "audience: practitioner\n"
    "introduction: Hello\n"
    "thank_you: Thanks\n"
    "pages:\n"
    "  - id: first\n"
    "    questions:\n"
    "      - {id: q1, kind: short_text, text: 'Why?'}\n"
)


def survey_called(survey_id: str) -> str:
    return (
        f"id: {survey_id}\n"
        "version: 1\n"
        "audience: practitioner\n"
        "title: Fine\n"
        "introduction: Hello\n"
        "thank_you: Thanks\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - {id: q1, kind: short_text, text: 'Why?'}\n"
    )


def test_a_folder_with_two_bad_files_reports_both_together(tmp_path):
    folder = tmp_path / "surveys"
    folder.mkdir()
    (folder / "a.yaml").write_text(SURVEY_WITH_UNKNOWN_KIND, encoding="utf-8")
    (folder / "b.yaml").write_text(SURVEY_WITHOUT_TITLE, encoding="utf-8")
    (folder / "c.yaml").write_text(survey_called("fine"), encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_directory(folder)
    assert [str(problem) for problem in caught.value.problems] == [
        f"surveys/a.yaml:11: pages[0].questions[0].kind: Must be one of: {', '.join(KINDS)}.",
        "surveys/b.yaml:1: title: Missing data for required field.",
    ]


def test_a_survey_id_used_by_two_files_is_reported(tmp_path):
    folder = tmp_path / "surveys"
    folder.mkdir()
    (folder / "one.yaml").write_text(survey_called("same"), encoding="utf-8")
    (folder / "two.yml").write_text(survey_called("same"), encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_directory(folder)
    assert [str(problem) for problem in caught.value.problems] == [
        "surveys/two.yml:1: id: Survey id 'same' is already used by surveys/one.yaml."
    ]


PRACTITIONER_HEADER = (
    "id: bad\n"
    "version: 1\n"
    "audience: practitioner\n"
    "title: Bad\n"
    "introduction: Hello\n"
    "thank_you: Thanks\n"
)


def test_a_key_given_twice_is_reported_instead_of_the_last_one_silently_winning():
    assert problems(PRACTITIONER_HEADER + "title: Worse\npages: []\n") == [
        "bad.yaml:7: (yaml): not valid YAML: 'title' is given twice (first on line 4)"
    ]


def test_an_age_band_cannot_give_faces_to_a_question_that_is_not_a_face_scale():
    assert problems(
        PRACTITIONER_HEADER + "age_bands: [{id: young, label: Young}]\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: short_text\n"
        "        text: Anything?\n"
        "        bands:\n"
        "          young: {points: 3}\n"
    ) == ["bad.yaml:15: pages[0].questions[0].bands.young: Only a face_scale has points."]


def test_dont_know_and_rather_not_say_are_translated_for_children():
    survey = load_file(CHILD_SURVEY)
    for key in ("dont_know", "prefer_not_to_say"):
        assert set(survey.interface[key].translations) == {"en", "pl", "ar"}


def test_a_reserved_option_id_and_missing_english_beside_it_are_reported_together():
    assert problems(
        PRACTITIONER_HEADER + "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: single_choice\n"
        "        text: Which?\n"
        "        options:\n"
        "          - {id: dont_know, label: {pl: Nie wiem}}\n"
        "          - {id: two, label: Two}\n"
    ) == [
        "bad.yaml:14: pages[0].questions[0].options[0].id: "
        "'dont_know' is reserved: set dont_know or prefer_not_to_say instead.",
        "bad.yaml:14: pages[0].questions[0].options[0].label: "
        "An English ('en') version is required.",
    ]


BANDED_HEADER = PRACTITIONER_HEADER + (
    "age_bands: [{id: young, label: Young}, {id: older, label: Older}]\n"
    "pages:\n"
    "  - id: first\n"
    "    questions:\n"
    "      - id: listened\n"
    "        kind: single_choice\n"
    "        text: Did people listen?\n"
    "        options:\n"
    "          - {id: not_really, label: Not really%s}\n"
    "          - {id: mostly, label: Mostly%s}\n"
    "        bands:\n"
    "          young:\n"
    "            options:\n"
    "              - {id: not_really, label: 'No'%s}\n"
    "              - {id: mostly, label: 'Yes'%s}\n"
)


def test_a_band_that_reuses_an_option_id_with_other_words_is_refused_without_directions():
    assert problems(BANDED_HEADER % ("", "", "", "")) == [
        "bad.yaml:20: pages[0].questions[0].bands.young.options[0].direction: Option "
        "'not_really' has other words than in the question's own options: declare a direction "
        "(negative, neutral or positive) on every option of this question, so its figures "
        "across bands compare only as % positive.",
        "bad.yaml:21: pages[0].questions[0].bands.young.options[1].direction: Option 'mostly' "
        "has other words than in the question's own options: declare a direction (negative, "
        "neutral or positive) on every option of this question, so its figures across bands "
        "compare only as % positive.",
    ]


def test_a_band_that_reuses_ids_with_other_words_loads_once_every_option_has_a_direction():
    negative, positive = ", direction: negative", ", direction: positive"
    survey = parse_definition(BANDED_HEADER % (negative, positive, negative, positive))
    question = survey.question("listened")

    assert question.scales_differ_by_band
    assert question.direction("mostly", "young") == "positive"
    assert question.direction("not_really", "older") == "negative"
    assert question.direction("dont_know", "young") is None


def test_directions_are_declared_on_every_option_or_on_none():
    assert problems(
        PRACTITIONER_HEADER + "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: single_choice\n"
        "        text: Was it good?\n"
        "        options:\n"
        "          - {id: good, label: Good, direction: positive}\n"
        "          - {id: bad, label: Bad}\n"
    ) == [
        "bad.yaml:15: pages[0].questions[0].options[1].direction: "
        "Declare a direction on every option, or on none."
    ]


def test_a_direction_is_negative_neutral_or_positive():
    found = problems(BANDED_HEADER % (", direction: good", "", "", ""))
    assert found == [
        "bad.yaml:15: pages[0].questions[0].options[0].direction: "
        "Must be one of: negative, neutral, positive."
    ]


def test_the_child_survey_declares_which_way_each_face_leans_in_both_bands(child_survey):
    for question_id in ("listened_to", "how_you_felt"):
        question = child_survey.question(question_id)
        assert question.has_directions
        assert question.scales_differ_by_band
        assert question.direction("happy", "8-11") == "positive"
        assert question.direction("okay", "12-17") == "neutral"
        assert question.direction("very_sad", "12-17") == "negative"
        assert question.direction("prefer_not_to_say", "12-17") is None


def test_built_in_faces_lean_the_way_they_look_so_bands_of_three_and_five_load():
    survey = parse_definition(
        PRACTITIONER_HEADER + "age_bands: [{id: young, label: Young}]\n"
        "pages:\n"
        "  - id: first\n"
        "    questions:\n"
        "      - id: q1\n"
        "        kind: face_scale\n"
        "        points: 5\n"
        "        text: How was it?\n"
        "        bands:\n"
        "          young: {points: 3}\n"
    )
    question = survey.question("q1")
    assert question.direction("sad", "young") == question.direction("very_sad") == "negative"
