"""The anonymiser's learned tagger: it finds personal data in wordings no rule was written for,
and leaves ordinary words alone. Examples were written for these tests (not taken from any
labelled set) and use the inline markup of tests/test_anonymiser.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from survey_app.privacy.anonymiser import anonymise, synthetic, tagger
from tests.test_anonymiser import assert_anonymised_as_marked, letters_and_digits, parse


@pytest.fixture
def rules_alone() -> Iterator[None]:
    """The anonymiser without its tagger, as it was before the tagger was added."""
    tagger.use_model(None)
    try:
        yield
    finally:
        tagger.use_model(tagger.MODEL)


# Each of these is missed by the rules alone (checked below) and found with the tagger.
FOUND_BY_THE_TAGGER = [
    # names that are ordinary words, in lower case, where only the sentence says they are names
    "[[PERSON:bob]] from the youth club came with me",
    "[[PERSON:sandy]] from the council rang my nan",
    # a school by its bare name or without a type word, in lower case
    "im at [[SCHOOL:brookside]] in year 9",
    "[[SCHOOL:holy cross]] rang my mum",
]

KEPT = [
    "i hope it will be better next time",
    "Angel delight after the meeting was nice",
    "the worker from CAMHS rang mum",
    "i go to nandos with my dad after school",
    "we met in room F. on the second floor",
    "she moved here in may 2014 and likes it",
    # names that are ordinary words, used as words
    "will someone ring me back",
    "the bill came to twenty quid",
    "have faith in yourself",
    "a robin came in the garden",
    "mark my words it gets better",
    # sentences in languages the word lists do not cover are not addresses
    "Dziękujemy, że powiedziałeś nam, co myślisz o spotkaniu.",
    "شكرا لأنك أخبرتنا برأيك في الاجتماع.",
]


@pytest.mark.parametrize("marked", FOUND_BY_THE_TAGGER)
def test_personal_data_in_a_wording_no_rule_expects_is_found_by_the_tagger(marked: str) -> None:
    assert_anonymised_as_marked(marked)


@pytest.mark.usefixtures("rules_alone")
@pytest.mark.parametrize("marked", FOUND_BY_THE_TAGGER)
def test_the_rules_alone_leave_those_in(marked: str) -> None:
    text, expected = parse(marked)
    redacted = letters_and_digits(text, anonymise(text).spans)
    assert not all(letters_and_digits(text, [span]) <= redacted for span in expected)


@pytest.mark.parametrize("text", KEPT)
def test_the_tagger_keeps_ordinary_words_services_and_event_dates(text: str) -> None:
    assert anonymise(text).text == text


def test_the_training_corpus_is_the_same_each_time_and_writes_names_in_every_case() -> None:
    # The lead retrains after merging: the same seed must give the same texts, or the model
    # shipped would differ from the one the figures were measured on.
    first = synthetic.corpus(400, seed=5)
    assert first == synthetic.corpus(400, seed=5)
    names = [
        sample.text[start:end]
        for sample in first
        for start, end, label in sample.spans
        if label == "PERSON" and len(sample.text[start:end]) > 3
    ]
    assert any(name.islower() for name in names)
    assert any(name.isupper() for name in names)
    assert any(name.istitle() for name in names)


@pytest.mark.usefixtures("rules_alone")
@pytest.mark.parametrize(
    "marked",
    [
        "i was at [[SCHOOL:brookfield]] till year 6",
        "ive been at [[SCHOOL:millbrook]] since year 7",
        "i was at home till year 6",
        "i was at dads till year 6",
    ],
)
def test_the_rules_alone_take_a_lower_case_word_before_a_school_year_for_the_school(
    marked: str,
) -> None:
    assert_anonymised_as_marked(marked)


@pytest.mark.parametrize(
    "text",
    [
        # what the rules keep, the tagger does not take back (the Polish sentence of KEPT and
        # "2 minutes walk" of the shapes tests are the other two guards' cases)
        "I phoned 0800 1111 (Childline), then the NSPCC on 0808 800 5000",
        "i gave it 2:00 and that was it",
    ],
)
def test_the_tagger_keeps_what_is_not_its_to_read(text: str) -> None:
    assert anonymise(text).text == text


def test_a_polish_name_in_an_english_answer_is_still_found() -> None:
    assert anonymise("było ok. mum needed Agnieszka to translate").text == (
        "było ok. mum needed [NAME] to translate"
    )
