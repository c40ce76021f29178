"""Names in the kinds of wording the anonymiser missed on answers it had never seen (issue 12):
surnames that are also towns after a title, a lone capitalised name after a family word, names
first in an answer with a possessive, after a role's letters, in lists with "me", nicknames and
names that are ordinary words. Every sentence was written for these tests, not taken from a set."""

from __future__ import annotations

import pytest

from survey_app.privacy.anonymiser import anonymise
from tests.test_anonymiser import assert_anonymised_as_marked

FOUND = [
    # a surname that is also a town, after a title: a title is never before a town
    "the maths teacher Mr [[PERSON:Whitby]] gave me a detention",
    "i told mrs [[PERSON:lincoln]] what happened",
    "Miss [[PERSON:Chester]] said I could go early",
    # a lone capitalised word after a family word, even one the dictionary knows
    "we went to the fair with Aunty [[PERSON:Shiv]] after",
    "my uncle [[PERSON:Rocco]] picks me up on fridays",
]

KEPT = [
    # a Title Case sentence: the capital after the family word says nothing
    "My Nan Came To The Meeting With Me",
    # a verb written with a capital after a family word is not a name
    "my dad Works nights so he couldnt come",
    # a town without a title stays a town (found, kept in the text)
    "we moved to Whitby last year",
    "i really miss home",
]


@pytest.mark.parametrize("marked", FOUND)
def test_names_in_wordings_first_missed_on_unseen_answers_are_removed(marked: str) -> None:
    assert_anonymised_as_marked(marked)


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_words_beside_family_words_and_titles_are_kept(text: str) -> None:
    assert anonymise(text).text == text


FOUND_IN_CONTEXT = [
    # a name's possessive without its apostrophe, before a family word
    "[[PERSON:kians]] mum drove us home",
    # a name that is also an ordinary word, doing what people do
    "[[PERSON:honour]] helped me write it",
    # a name first in the answer with its possessive
    "[[PERSON:Mags]]'s group was the best bit of the week",
    # after a role's letters, in a list with "me", after a family word, as a nickname
    "my iro [[PERSON:bronagh]] asked what i wanted",
    "me, [[PERSON:esme]] and [[PERSON:tobias]] went to the panel",
    "nan [[PERSON:edna]] came with me",
    "[[PERSON:Dazza]] from the hostel sorted my bus pass",
]

KEPT_IN_CONTEXT = [
    # a sentence in another language: its capitalised first word is not a name
    "Tu as dit que personne ne t'a dit pourquoi il y avait la réunion.",
    # a church named like a school, and a place in a race
    "we go to holy trinity church on sundays",
    "we came 1st - 2nd place was them",
    # the same words used as words
    "the driver was nice to me",
    "in august we went to the seaside",
    "the bill came to twenty quid",
]


@pytest.mark.parametrize("marked", FOUND_IN_CONTEXT)
def test_names_only_the_sentence_marks_as_names_are_removed(marked: str) -> None:
    assert_anonymised_as_marked(marked)


@pytest.mark.parametrize("text", KEPT_IN_CONTEXT)
def test_other_languages_churches_rankings_and_ordinary_words_are_kept(text: str) -> None:
    assert anonymise(text).text == text
