"""Dates of birth in phrasings the development sets did not use (issue 12, section 4): a date
written year first or with a day of the week, all in words, with a month misspelt, "D O B"
spaced, "b" alone or "b." joined to the date, a date in a table under a "DOB" header, after an
initial with its full stop, after a word for a child labelled on a form ("Child 2 -"), after a
lower-case name and a comma, after an age said bare ("im 13 years old 2/2/2011"), in brackets
with an age ("S (13, 4/4/2011)"), and names listed with dates in a sentence. And what must be
kept: dates of events after a name, a birthday that is a meeting's day, a "plan b", a date
written year first that is a review's. Every sentence was written for these tests, not copied
from any evaluation set."""

from __future__ import annotations

import datetime

import pytest

from survey_app.privacy.anonymiser import anonymise
from tests.test_anonymiser import assert_anonymised_as_marked

FOUND = [
    # the date's own shape: spaced, year first, a day of the week, words, misspellings
    "her d o b is [[DATE_OF_BIRTH:22 3 2011]]",
    "[[DATE_OF_BIRTH:Sun 2nd Feb 2014]] is when he was born",
    "born [[DATE_OF_BIRTH:2009 dec 1st]]",
    "dob [[DATE_OF_BIRTH:2010/11/23]]",
    "dob [[DATE_OF_BIRTH:2010.11.23]] thanks",
    "my dob is the [[DATE_OF_BIRTH:third of june twenty eleven]]",
    "my birthday is the [[DATE_OF_BIRTH:sixth of august two thousand and twelve]]",
    "dob [[DATE_OF_BIRTH:14th of octobre 2010]]",
    "born [[DATE_OF_BIRTH:1st of the 2nd 12]]",
    # the cue: "b" alone in brackets, "b." joined to the date, "under her date of birth"
    "Siblings: [[PERSON:Rio]] (b [[DATE_OF_BIRTH:4/4/2014]])",
    "b.[[DATE_OF_BIRTH:3/3/2012]]",
    "they put [[DATE_OF_BIRTH:3/3/2012]] under her date of birth on the form",
    # a table with a birth word in its header
    "Name\tDOB\n[[PERSON:Jo Bell]]\t[[DATE_OF_BIRTH:03/04/2012]]",
    "Child | D.O.B.\n[[PERSON:Rhys]] | [[DATE_OF_BIRTH:1.2.2013]]",
    # beside a name, an initial, a word for a child or an age
    "my kids are [[PERSON:Amber]] [[DATE_OF_BIRTH:3/3/2013]] and [[PERSON:Finn]] "
    "[[DATE_OF_BIRTH:9/9/2016]]",
    "i am [[PERSON:tommy]], [[DATE_OF_BIRTH:5th march 2011]], year 8",
    "[[PERSON:F.]] ([[DATE_OF_BIRTH:07/07/10]]) was quiet",
    "Child 2 - [[DATE_OF_BIRTH:06/06/2016]]",
    "YP: [[PERSON:M]], [[DATE_OF_BIRTH:15.10.09]]",
    "[[PERSON:ruby]] 12 [[DATE_OF_BIRTH:1/1/2012]]",
    "im 13 years old [[DATE_OF_BIRTH:2/2/2011]]",
    "Young people: [[PERSON:S]] (13, [[DATE_OF_BIRTH:4/4/2011]])",
    # a wrong date before its cue, and the right one after
    "They had [[DATE_OF_BIRTH:2/11/2012]] for her date of birth, it should be "
    "[[DATE_OF_BIRTH:11/2/2012]].",
]


@pytest.mark.parametrize("marked", FOUND)
def test_dates_of_birth_in_new_phrasings_are_removed(marked: str) -> None:
    assert_anonymised_as_marked(marked)


KEPT = [
    "we saw Sarah 12/06/2019 at the centre",
    "called Emma 3/3/2020 about the plan",
    "plan b 3/4/2024 was agreed",
    "Mon 3rd June 2024 was the conference",
    "since 2019 may 3rd we have had no help",
    "on the 2nd of the 3rd 24 we had the review",
    "The review on 2011-05-04 was mentioned in the file",
    "the meeting 2024.05.04 went on too long",
    "i am 14 and the meeting was 2/2/2024",
]


@pytest.mark.parametrize("text", KEPT)
def test_dates_of_events_are_kept(text: str) -> None:
    assert not [span for span in anonymise(text).spans if span.label == "DATE_OF_BIRTH"]


def test_a_birthday_that_is_the_day_of_a_meeting_is_kept() -> None:
    year = datetime.date.today().year - 1
    for text in (
        f"the meeting was on my dads birthday 1/2/{year}",
        f"the review was on my sisters birthday 3/3/{year}",
    ):
        assert not [span for span in anonymise(text).spans if span.label == "DATE_OF_BIRTH"]


def test_a_recent_date_after_a_name_then_an_event_is_the_events_day() -> None:
    year = datetime.date.today().year - 1
    for text in (
        f"Kai 12/06/{year} - school visit",
        f"Ben, 12/12/{year}, home visit",
        f"Tom 14/02/{year} review meeting",
        f"Child 1: 03/05/{year} seen at home",
    ):
        assert not [span for span in anonymise(text).spans if span.label == "DATE_OF_BIRTH"]


def test_a_date_years_back_after_a_name_then_an_event_is_still_a_birth_date() -> None:
    assert_anonymised_as_marked("[[PERSON:Kai]] [[DATE_OF_BIRTH:12/06/2011]] - home visit")
