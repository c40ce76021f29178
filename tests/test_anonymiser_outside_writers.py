"""Names in the places an outside writer put them that the anonymiser first missed (issue 12,
round two): names that are words placed in a team, thanked, said hello to, "X is my sister",
"it was X who", "X is 7"; the one capital a lower-case writer typed; text-speak lists ("n",
"r my mates"); initials said as a name; a Mc or O' surname alone; given names of other
languages in a Title Case run before a surname. And the ordinary words it first took for
names: languages, a complaint's parties, a misspelt verb after "i am", a season before "term",
a verb after "me and", a modal after a family word. Every sentence was written for these
tests, not taken from an evaluation set."""

from __future__ import annotations

import pytest

from survey_app.privacy.anonymiser import anonymise
from tests.test_anonymiser import assert_anonymised_as_marked

FOUND = [
    # a name that is also a word, placed in a team or a class
    "[[PERSON:Bill]] in our finance team sorted the payments quickly.",
    "Huge thanks to [[PERSON:Ray]] and [[PERSON:Penny]] in the duty team for covering.",
    "[[PERSON:harvey]] in my class is the only one who gets it",
    # thanked or greeted with "to"
    "can you say hi to [[PERSON:Sunny]] from me",
    # "X is my sister", "it was X who", "X from my class", in lower case or capitals
    "[[PERSON:autumn]] is my little sister and she is 5",
    "it was [[PERSON:hope]] who saw it happen not me",
    "[[PERSON:ROB]] from my school said hi to me",
    # a name and, after "the", the job that says who
    "[[PERSON:Penny]] the cleaner let us stay up late",
    # the same person named again in lower case
    "say hi to [[PERSON:Sunny]]. [[PERSON:sunny]] always makes me laugh",
    # but not the same word used as a verb
    "tell [[PERSON:Rob]] not to rob my chips",
    # an age given for a name that is also a word
    "[[PERSON:summer]] will be 9 in june and she wants to come",
    "[[PERSON:hope]] is 7 and she is my sister",
    # the one capital a lower-case writer typed, after "im"
    "hiya im [[PERSON:Xin]] and i am 13",
    # text speak: "n" for "and", "r my mates" for "are my mates"
    "[[PERSON:kez]] n [[PERSON:rhiannon]] r my mates so put them on my list",
    # two letters said as a name after a family word
    "my cousin [[PERSON:jb]] came with me and it was better",
    # a Mc or O' surname alone, first in the answer after an emoji
    "🙂 [[PERSON:McAllister]] was the best teacher",
    "[[PERSON:O'Hara]] said i could ring anytime",
    # given names a dictionary holds, in a run of capitals before a surname
    "I worked alongside [[PERSON:Li Na Chen]] who interprets for our families.",
    "We were joined by [[PERSON:Xiu Ying Wang]] from the health team.",
]

KEPT = [
    # languages are not names
    "Parents asked for the leaflets in Pahari and Tigrinya as well as English.",
    "we spoke Sylheti at home",
    # the parties to a complaint
    "Complainant (father) states the letter went to the wrong house.",
    # a misspelt verb after "i am"
    "i am enjoyin it more now",
    "i am woried about moving again",
    # a season naming a time of the school year
    "Young people said the Spring term groups were too long.",
    "Autumn term sessions will move to the library.",
    # a verb after "me and"
    "my sw sat with me and held my hand",
    # a modal after a family word, before a verb
    "i will go if my brother will come too",
    "the chair asked if my mum can stay",
    # words that are names, used as words
    "i hope it gets better and i will try",
    "mark my words they never listen",
    # a score, a time and how someone describes themself are no ages or names
    "my mark is 7 out of 10",
    "it will be 10 minutes late",
    "im Autistic and i need it quiet",
    # a modal asking a question
    "Will the chair ring me back?",
    # a burger is not a person
    "He had a Big Mac for lunch",
]


@pytest.mark.parametrize("marked", FOUND)
def test_names_in_the_places_outside_writers_put_them_are_removed(marked: str) -> None:
    assert_anonymised_as_marked(marked)


@pytest.mark.parametrize("text", KEPT)
def test_languages_complaint_parties_misspelt_verbs_and_seasons_are_kept(text: str) -> None:
    assert anonymise(text).text == text
