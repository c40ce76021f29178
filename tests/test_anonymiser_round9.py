"""Kinds of personal data the anonymiser missed, and ordinary words it took for personal data,
as helpers reported them (issue 12, section 4, ninth round). Every sentence here was written for
these tests, not taken from an evaluation set or a report: a service's building before its
street, a school named after two saints, a single capital letter standing for someone, a date of
birth after a record's word or beside an age that fits it. And what must be kept: a pet's name,
an outdoor place's name, a rating given as the answer's first word, two people in two sentences
kept apart, and dates that are days something happened."""

from __future__ import annotations

import datetime

import pytest

from survey_app.privacy.anonymiser import anonymise
from tests.test_anonymiser import assert_anonymised_as_marked

_THIS_YEAR = datetime.date.today().year


def _born(age: int) -> int:
    """The year a child who turned age this year was born."""
    return _THIS_YEAR - age


FOUND = [
    # a service's or shop's building, then its street: one address
    "we have contact at the [[ADDRESS:Lighthouse Centre, Quarry Road]] on fridays",
    "my nan takes me to [[ADDRESS:Greenway Library, Park Street]] after school",
    "I see my worker at the [[ADDRESS:Orchard Family Hub, Clay Lane]]",
    # a house's or building's name alone, given as where someone lives or stays
    "i live at [[ADDRESS:Beech House]] with two other girls",
    "we moved to [[ADDRESS:Larch Cottage]] in the summer",
    # a school named after two saints joined by "and" or "&"
    "i used to go to [[SCHOOL:St Anne and St Agnes]] but i got moved",
    "my brother goes to [[SCHOOL:St Cuthbert & St Oswald]]",
    "i go to [[SCHOOL:saints cyril and methodius]] now",
    "my school is [[SCHOOL:Our Lady and St Anselm]]",
    # a single capital letter standing for someone: how they were, a note's author, with "me"
    "[[PERSON:F]] was upset when the meeting ended",
    "[[PERSON:W]] seemed happier after the visit",
    "Notes from [[PERSON:V]]: wants more time with her brother",
    "Views gathered by [[PERSON:Z]] - likes the new carers",
    "[[PERSON:L]] and I walked to the shop",
    "me and [[PERSON:N]] watched a film",
    "[[PERSON:bb]] said i could stay up",
    # a date of birth after a record's word ("file", "record") is a date, not its number
    f"the date on my record is [[DATE_OF_BIRTH:7/9/{_born(13)}]]",
    f"the date on her case file is [[DATE_OF_BIRTH:19/1/{_born(9)}]] i think",
    f"my date of birth on my file is [[DATE_OF_BIRTH:21/03/{_born(14)}]] but thats wrong",
    # a date whose year fits an age the sentence gives
    f"i turned 12 on monday, [[DATE_OF_BIRTH:30/11/{_born(12)}]]",
    f"im 15 years old now [[DATE_OF_BIRTH:2.4.{_born(15)}]]",
    f"on [[DATE_OF_BIRTH:8/8/{_born(11)}]] i turned 11",
]


@pytest.mark.parametrize("marked", FOUND)
def test_kinds_helpers_reported_missed_are_removed(marked: str) -> None:
    assert_anonymised_as_marked(marked)


KEPT = [
    # a pet's name after "called" or "named"
    "we got a kitten called Pepper last week",
    "my dog is called Bonnie and she is old",
    "our rabbit named Clover died",
    # an outdoor place named by a word and what it is
    "we went for a walk in thetford forest",
    "we had a picnic at Brancaster beach",
    "i go to little woods with my mates after school",
    # a rating given as the answer's first sentence
    "Amber. Some things are better at home",
    # dates that are days something happened, whatever age the sentence gives
    f"she is 12 and on 3/4/{_born(12)} we moved house",
    f"we moved on 9/9/{_born(10)} when i was 10",
    # a letter that labels a grade or a question, not a person
    "I got a C and I was happy",
    "Section D was easy",
    "the answer from Q: yes",
]


@pytest.mark.parametrize("text", KEPT)
def test_pets_outdoor_places_ratings_and_days_that_happened_are_kept(text: str) -> None:
    assert anonymise(text).spans == ()


@pytest.mark.parametrize(
    ("marked", "placeholders"),
    [
        ("I sat next to [[PERSON:Nadia]]. [[PERSON:Callum]] came later", 2),
        ("We played with [[PERSON:Oskar]]. [[PERSON:Lily-Mae]] was not there", 2),
    ],
)
def test_two_people_in_two_sentences_are_two_names(marked: str, placeholders: int) -> None:
    assert_anonymised_as_marked(marked)
    result = anonymise(marked.replace("[[PERSON:", "").replace("]]", ""))
    assert result.text.count("[NAME]") == placeholders
    assert ". " in result.text  # the full stop between them is kept


def test_someone_named_beside_a_pet_is_still_found() -> None:
    assert_anonymised_as_marked("my dog is called Bonnie and [[PERSON:Maisie]] walks her")


def test_a_name_after_called_that_is_not_a_pets_is_still_found() -> None:
    assert_anonymised_as_marked("the lady with the cat badge was called [[PERSON:Folasade]]")
