"""Reading age: the English a child sees stays at their band's level, and `survey-app check`
warns (never fails) about each sentence above it, with its file, line and field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from survey_app.definitions import load_file, reading_age_warnings
from survey_app.definitions.loader import NOT_SURVEYS
from survey_app.definitions.model import CHILD
from survey_app.definitions.reading_age import (
    MINIMUM_WORDS,
    band_level,
    hard_sentences,
    reading_grade,
    sentences,
)
from survey_app.definitions.words import INTERFACE, NEWER, YOU_SAID

SHIPPED = Path(__file__).resolve().parent.parent / "survey_definitions"
TEST_CHILD = Path(__file__).parent / "data" / "surveys" / "test-child.yaml"

# The sentences issue 14 found above reading age 9, in the shipped survey and the service's words.
TOO_HARD = (
    "Do you understand what the grown-ups decided?",
    "It is called a child protection conference.",
    "If you tell us something that makes us worried you are not safe, we will need to tell "
    "someone who can help.",
    "Answers not sent within a day are deleted to keep them private, so please start again.",
    "If something is worrying you, talk to an adult you trust, or call Childline free on "
    "0800 1111.",
    "Your answers will help make these meetings better for children.",
)


def test_the_sentences_the_issue_found_read_above_grade_four() -> None:
    assert all(reading_grade(sentence) > 4 for sentence in TOO_HARD)


def test_the_grade_is_textstats_flesch_kincaid_with_syllables_counted_by_hyphenation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import textstat
    from textstat.backend.counts import _count_syllables

    # What textstat gives without the CMU dictionary (which it would download).
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda language: None)
    for sentence in (*TOO_HARD, "Some grown-ups had a meeting about you."):
        assert reading_grade(sentence) == pytest.approx(
            textstat.flesch_kincaid_grade(sentence), abs=0.11
        )


def test_no_child_survey_shipped_has_a_sentence_above_its_readers_level() -> None:
    children = [
        load_file(path)
        for path in sorted(SHIPPED.glob("*.yaml"))
        if "audience: focus_group" not in path.read_text() and path.name not in NOT_SURVEYS
    ]
    children = [survey for survey in children if survey.audience == CHILD]
    assert children
    for survey in children:
        assert hard_sentences(survey) == [], survey.source_path
        english = " ".join(text.en for _, text in _every_text(survey))
        for sentence in TOO_HARD:
            assert " ".join(sentence.split()) not in " ".join(english.split())


def _every_text(survey):  # type: ignore[no-untyped-def]
    from survey_app.definitions.translations import survey_texts

    yield from survey_texts(survey)
    yield from ((("interface", key), text) for key, text in survey.interface.items())


def test_every_service_word_a_child_sees_reads_at_grade_four_or_below() -> None:
    # Not the practitioners' personal-code words.
    children_see = {**INTERFACE, **NEWER, **YOU_SAID}
    hard = [
        (key, sentence, reading_grade(sentence))
        for key, words in children_see.items()
        for sentence in sentences(words)
        if len(sentence.split()) >= MINIMUM_WORDS and reading_grade(sentence) > 4
    ]
    assert hard == []


def test_a_bands_level_is_its_youngest_age_less_four() -> None:
    assert band_level("8-11") == 4
    assert band_level("12-17") == 8
    assert band_level("younger") == 4  # unreadable: the strictest level


def test_a_sentence_above_the_level_is_named_with_its_line_and_field() -> None:
    survey = load_file(TEST_CHILD, shown_as="test-child.yaml")
    source = TEST_CHILD.read_text().splitlines()
    line = next(
        number
        for number, text in enumerate(source, start=1)
        if text.strip().startswith("If you tell us something")
    )
    [warning] = reading_age_warnings(survey)
    assert (warning.file, warning.line, warning.field) == ("test-child.yaml", line, "privacy")
    assert "grade 6.4, above 4 for ages 8-11" in warning.message


def test_older_childrens_wording_is_held_to_their_own_band(tmp_path: Path) -> None:
    lines = TEST_CHILD.read_text().splitlines()
    hard = "Please evaluate the effectiveness of the conference arrangements."
    # The "Did you go?" wording for 8 to 11s becomes a wording for 12 to 17s, and a hard one.
    wording = lines.index("              en: Did you go to the meeting about you?")
    assert lines[wording - 2] == '          "8-11":'
    lines[wording - 2] = '          "12-17":'
    lines[wording] = f'              en: "{hard}"'
    older = "\n".join(lines)
    (tmp_path / "older.yaml").write_text(older)
    survey = load_file(tmp_path / "older.yaml")
    [found] = [found for found in hard_sentences(survey) if found.sentence == hard]
    assert (found.band, found.level) == ("12-17", 8)
    assert found.grade > 8


def test_check_warns_about_each_hard_sentence_and_still_passes(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    folder = tmp_path / "surveys"
    folder.mkdir()
    source = TEST_CHILD.read_text().replace(
        "A few questions about your meeting.",
        "A few questions about your meeting. Your participation is voluntary and confidential.",
    )
    (folder / "test-child.yaml").write_text(source)

    result = run("check", str(folder))

    assert result.exit_code == 0, result.output
    warnings = re.findall(r"^warning: .*$", result.output, re.M)
    assert len(warnings) == 2
    assert re.search(
        rf"^warning: {re.escape(str(folder / 'test-child.yaml'))}:\d+: introduction: reads at "
        r"grade [\d.]+, above 4 for ages 8-11 \(Flesch-Kincaid\): \"Your participation",
        result.output,
        re.M,
    )
    assert "ok  " in result.output
