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
