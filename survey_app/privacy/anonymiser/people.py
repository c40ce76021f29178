"""People's names, found by weighing evidence: name lists, capitals, and the words around them.

Each word gets a score. What the lists say comes first: a first name that is not an ordinary
word ("Kwame", "jade") is enough alone; one that is ("Hope", "will") needs more; a dictionary
word counts against. Then a capital in the middle of a sentence, and cues around the word: a
title ("Mr Patel"), a family word or a job before it ("auntie shaz", "my sw jade"), a verb after
it ("Faith said"), "me and X", an age ("K (15)"), a name beside it in a list ("Kemi and Tiwa").
A word scoring at least THRESHOLD is a name; a name runs on over the surname after it, in the
name's own case ("jessica smith", "RUTH PATEL") and over particles ("Rhiannon ap Dafydd"). Lone
initials with a full stop ("M. said") count unless a word before makes them a grade or a plan.

Over 400 lines on purpose: one evidence-weighing argument (lists, capitals, cues around a word)
whose parts only make sense together; its word lists are data files.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from ..redaction import Span
from .lexicon import (
    ABBREVIATIONS,
    BEFORE_NAME,
    DETERMINERS,
    FIELD_LABELS,
    NAMES_FIRST,
    NEVER_NAMES,
    PERSON_NOUNS,
    PERSON_QUALITIES,
    PERSON_VERBS,
    RELATIONS,
    ROLES,
    SUBJECTS,
    TITLES,
    Lexicon,
    plain,
    word_set,
)
from .text import Word

PERSON = "PERSON"
THRESHOLD = 3.0

# Surnames known by their endings: Polish, Lithuanian, Romanian, Slavic, Georgian, Irish, Scots.
_SURNAME_SHAPE = re.compile(
    r"^(?:[a-z]+(?:ski|ska|cki|cka|dzki|dzka|wicz|czyk|czak|escu|eanu|auskas|auskienė|"
    r"auskaitė|evičius|avičius|ienė|aitė|ytė|ovic|ović|enko|chuk|shvili)"
    r"|o'[a-z]{3,}|mc[a-z]{3,}|mac[a-z]{4,})$"
)
# Made words, not names: "Energiser", "safeguarding".
_WORD_ENDINGS = (
    "ation", "ition", "ment", "ments", "ness", "ity", "ism", "ist", "iser", "izer", "ising",
    "izing", "ised", "ized", "ings", "able", "ible", "ful", "less", "ous", "ive", "ship", "hood",
)  # fmt: skip
_SPEECH = word_set("said says told tells asked asks explained shouted texted rang")
# What only people do to someone, after a name that is also a word: "rose helped me".
_PERSON_ONLY_VERBS = word_set(
    "helped helps phoned rings messaged hugged promised drove translated whispered hugs"
)
# Modal verbs that are also names: "my sister will be there" is not about Will.
_MODALS = word_set("will may can might must bill")
_IT = word_set("it its it's")
# Surnames that are never names alone but are after a title: "miss white", "Mr Brown".
_TITLED_WORDS = word_set(
    "white black brown green english welsh scott irish young long little"
    # surnames that are also shops ("mr mcdonald", "Mrs Costa")
    " mcdonald costa morrison morrisons boots"
)
# Between a first name and a surname: Welsh ap/ab/ferch, Irish Ó/Ní/Nic/Mac/Uí, and others.
_PARTICLES = word_set(
    "ap ab ferch verch ó o ní ni nic mac uí ui mc van von der de da di del della dos du le la "
    "bin binti bint ibn al el abu"
)
# Words spelt like a surname that follow a name as words: "amy still", "jack too".
_NOT_SURNAMES = word_set(
    "still too again even back home well best little long young more less much many last "
    "next first early late soon later round about around up down over away there here now "
    "then once twice both either neither though although while because since till until "
    "would will may might can shall must bless"
)
# Text-speak no dictionary lists, which may follow a name: "jade ngl", "kyle bruv".
_TEXT_SPEAK = word_set("ngl wiv sez innit init ikr omd bruv idc idek istg fr frfr lmfao tbf imo")
# Before "miss" the verb ("i really miss home"), not the title ("miss white said").
_BEFORE_VERB_MISS = word_set(
    "i i'll ill we we'll you u they he she still really do dont don't will would all so just "
    "gonna going to also even sometimes always never proper"
)
# A season or a time of year comes after these: "in Summer", "this Autumn".
_BEFORE_A_TIME = word_set("in during this next last every")
_SIGN_OFFS = word_set("regards thanks cheers love sincerely wishes signed best")
# Before "to" and a name: "thank you to Will", "thanks to Joy", "say hi to Rob".
_GREETED_TO = word_set("thanks thank thankyou thx you u hi hello hiya bye shoutout")
# Lower-case words with these endings after "i am" are verbs, however misspelt ("woried").
_VERB_ENDINGS = ("ing", "in'", "ed")
# After a season or a month these make it a time, not a person: "Autumn term", "May half term".
_TIMES_OF_YEAR = word_set("term terms holiday holidays hols half half-term break camp fair")
# Words that end a place's name taken from someone's: "Brook Green", "Marston Common".
_PLACE_TAILS = word_set("green common heath park end hill moor fields meadows marsh")
_TO_A_PLACE = word_set("to at near by past round from in on towards")
# Words that make a first name after them a nickname: "big tone", "lil jay".
_NICKNAMED = word_set("big lil lil' lill")
# Where a person works or learns: "Bill in our team", "Ray and Penny in the duty team".
_TEAMS = word_set("team teams office class group unit service department staff")
# Friends written as a person noun after "my": "kez n dilly r my boys".
_MY_PEOPLE = word_set("boys girls lads gals girlies crew")
# "X is ..." alone says little; "X is nice" or "X is my ..." says more.
_LINKING_VERBS = word_set("is was has had did does")
# Words before a family word or a job: "my big brother", "my key worker", "my new sw".
_MODIFIERS = word_set(
    "big little older younger baby half step foster best new old twin real birth other key "
    "social support family youth case lead main"
)
# An age straight after a name: "Kuba (10)", "Ellie-Mae, 12, ...", "JM, 17)".
_AGE = re.compile(
    r"\s*(?:\(\s*(?:aged?\s*)?\d{1,2}\s*(?:yrs?|years?|y/?o)?\s*[),]"
    r"|,\s*(?:aged?\s*)?\d{1,2}(?:\s*(?:yrs?|years?|y/?o)\b|\s*(?=[),.;]|$))"
    # "A (born 2.3.11)", "B (d.o.b 19/08/13)", "K (12/03/2011)": a letter given a birth date.
    r"|\(\s*(?:born\b|b\.|dob\b|d\.\s?o\.\s?b|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b))",
    re.IGNORECASE,
)
# What joins names in a list: "Kemi and Tiwa", "A, B and R", "Nia ❤️ Precious" (not "N/A").
_LIST_JOIN = re.compile(
    r"^\s*(?:,|&|\+|and|or|n|,\s*and|[^\w\s/.!?:;()\[\]]{1,3})\s*$", re.IGNORECASE
)
_ABBREVIATIONS = frozenset(
    {
        "U.K.",
        "U.S.",
        "E.U.",
        "P.S.",
        "N.B.",
        "A.M.",
        "P.M.",
        "E.G.",
        "I.E.",
        "R.I.P.",
        "A.K.A.",
        "D.O.B.",
        "N.I.",
        "G.P.",
        "P.E.",
        "R.E.",
        "T.V.",
        "O.K.",
        "D.I.Y.",
        "A.S.A.P.",
        "N.H.S.",
        "D.S.L.",
        "S.W.",
        "I.R.O.",
        "C.P.",
        "B.S.L.",
        "R.S.V.P.",
    }
)
_DOTTED_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){1,2}[A-Z]\.(?!\w)")
_INITIAL_AND_SURNAME = re.compile(r"(?<![\w.])[A-Z]\.\s?([A-Z][\w'’-]+)")
# A lone capital with a full stop, not inside "D.W.", "e.g." or "A.M." (those are found above).
_LONE_INITIAL = re.compile(r"(?<![\w.&'’/-])([A-Z])\.(?![\w&'’]|[ ]?[A-Z]\.)")
_WORD_BEFORE = re.compile(r"([\w'’]+)[ \t]*[(\[]?[ \t]*$")
# Words before a letter that make it a grade, a plan or a label, not a person ("on X." is the
# platform).
_BEFORE_NOT_INITIAL = word_set(
    "a an plan option options type vitamin grade grades part section appendix level class "
    "group team form ward room block floor wing size category tier step stage box page "
    "question q point column row line year key exam paper unit model series version v no "
    "number sheet table figure fig list item route bus platform gate seat letter hepatitis "
    "hep covid phase priority band zone on"
)
# Letters written for words: "i miss u", "miss x" (a kiss), "c u", "r", "n", "y", "b4".
_SAID_LETTERS = frozenset("aiuxnrcyk")
# After a single capital letter, verbs that make it someone: "A said", "K wanted".
_LETTER_VERBS = word_set("said says told asked wanted wants thinks thought explained")


@dataclass(slots=True)
class _Facts:
    """What the lists and the spelling say about one word."""

    first_name: bool
    surname: bool
    # Spelt like a frequent ordinary word ("hope", "will").
    common: bool
    prior: float
    # A capital letter (not shouting in capitals).
    capital: bool

    @property
    def ordinary(self) -> bool:
        """It could be an ordinary word here, so a cue beside it may mean nothing."""
        known = self.first_name or self.surname or self.capital
        return self.common or self.prior < 0 or not known


def find_people(
    text: str,
    words: Sequence[Word],
    lexicon: Lexicon,
    taken: Collection[Span] = (),
    places: Collection[Span] = (),
    staff: frozenset[str] = frozenset(),
) -> list[Span]:
    """Spans of people's names (without titles, family words or a possessive 's)."""
    count = len(words)
    if not count:
        return []
    if words[0].shouted:
        # In an answer all in capitals, names are judged as in one all in lower case.
        words = [dataclasses.replace(word, capitalised=False) for word in words]
    blocked = _covered(words, taken)
    in_place = _covered(words, places)
    scores: list[float | None] = [None] * count
    for index in range(count):
        if blocked[index]:
            continue
        facts = _facts(words[index], lexicon, staff)
        if facts is None:
            continue
        score = _score(text, words, index, facts, lexicon)
        # A town is a town unless the words around it make it someone ("my nan Ely").
        if not in_place[index] or score >= THRESHOLD + 3:
            scores[index] = score
    _lists(text, words, scores, lexicon)
    _spaced_lists(text, words, scores, lexicon)
    _titled_surnames(text, words, scores, blocked, in_place)
    _title_case_names(text, words, scores, blocked, in_place, lexicon)
    _named_again(words, scores, blocked)
    _named_by_cues(text, words, scores, blocked, lexicon)
    names = [index for index in range(count) if (scores[index] or 0) >= THRESHOLD]
    _months_beside_names(text, words, names, blocked)
    _first_names_before_surnames(text, words, scores, names, blocked, lexicon)
    full_names = _full_names(text, words, names, lexicon, blocked)
    spans = [_with_nickname(text, span) for span in full_names]
    spans.extend(_initials(text, words, lexicon, blocked))
    return spans


_NICKNAME_BEFORE = re.compile(r"(?<![\w'’])(?:big|lil['’]?|lill)[ ]$", re.IGNORECASE)
_DETERMINER_BEFORE = re.compile(r"\b(?:a|an|the|my|your|his|her|our|their|this|that)[ ]+$", re.I)


def _with_nickname(text: str, span: Span) -> Span:
    """ "big tone", "Lil Jay": the word that makes the nickname is part of it (not in "my big
    Sam", where it describes)."""
    nickname = _NICKNAME_BEFORE.search(text, max(0, span.start - 5), span.start)
    if nickname is None or _DETERMINER_BEFORE.search(
        text, max(0, nickname.start() - 8), nickname.start()
    ):
        return span
    return Span(nickname.start(), span.end, span.label)


def _covered(words: Sequence[Word], spans: Collection[Span]) -> list[bool]:
    """For each word, whether a span already covers part of it."""
    if not spans:
        return [False] * len(words)
    # One pass over both in order (words come in the text's order): a word is covered when a
    # span starting before its end reaches past its start. Checking every span for every word
    # made a long answer with many addresses quadratic.
    ordered = sorted((span.start, span.end) for span in spans)
    covered = []
    next_span = 0
    reach = -1
    for word in words:
        while next_span < len(ordered) and ordered[next_span][0] < word.end:
            reach = max(reach, ordered[next_span][1])
            next_span += 1
        covered.append(reach > word.start)
    return covered


def _facts(word: Word, lexicon: Lexicon, staff: frozenset[str]) -> _Facts | None:
    key = word.key
    if word.is_number or len(key) < 2 or key in NEVER_NAMES or not word.text[0].isalpha():
        return None
    if key[-1] == "s" and (
        key[:-1] in NEVER_NAMES or (word.text[:2].isupper() and word.text[-1] == "s")
    ):
        return None  # "CYPs", "IROs", "SWs"
    bare = plain(key)
    first_name = (
        key in staff
        or key in lexicon.first_names
        or bare in lexicon.first_names
        or _double_barrelled(key, lexicon)
    )
    surname = (
        key in lexicon.surnames
        or bare in lexicon.surnames
        or bool(_SURNAME_SHAPE.match(key))
        or _double_barrelled_surname(key, lexicon)
    )
    # Two-letter dictionary words (mo, al, ed) are names far more often than words; and the
    # commonest words of other languages are words only in lower case ("nie", but "Linda").
    common = (
        (
            key in lexicon.common_words
            or (not word.capitalised and (key in lexicon.foreign_words or key in ABBREVIATIONS))
        )
        and len(key) > 2
        and key not in NAMES_FIRST
    )
    if key in staff:
        # The council says someone is called this: enough alone, unless it is also a common
        # word ("will"), when a capital or a cue must agree.
        prior = 1.5 if common else 3.0
    elif first_name:
        if common:
            prior = 0.0
        elif key in lexicon.dictionary and key not in NAMES_FIRST:
            prior = 2.0  # a rare word too ("bunk", "sage"): needs a cue
        else:
            prior = 3.0
    elif surname:
        # A surname known by its shape ("O'Hara", "McAllister") is no word, though it is
        # frequent enough to be in the vocabulary.
        shaped = bool(_SURNAME_SHAPE.match(key)) and (
            key in lexicon.surnames or key.startswith(("mc", "o'"))
        )
        prior = -1.0 if key in lexicon.vocabulary and not shaped else 3.0
    elif len(key) == 2 and key.isalpha() and not any(vowel in key for vowel in "aeiouy"):
        prior = 0.0  # two consonants ("tj", "jj") are initials said as a name, or an unknown
    elif key in lexicon.vocabulary or common or _compound_of_words(key, lexicon):
        prior = -3.0
    elif len(key) > 6 and key.endswith(_WORD_ENDINGS):
        prior = -2.0
    else:
        prior = 0.0  # a word no list knows: a rare name, a typo or a brand
    if word.upper and not (first_name or surname):
        prior -= 2  # an acronym, most likely
    capital = word.capitalised and not word.upper
    return _Facts(first_name, surname, common, prior, capital)


def _counted(text: str, before: Word, word: Word, lexicon: Lexicon) -> bool:
    """A plural word counted by the number before it: "3 miles", "2 bills", not a name."""
    key = word.key
    return (
        before.text.isdigit()
        and text[before.end : word.start] == " "
        and not word.capitalised
        and key.endswith("s")
        and key[:-1] in lexicon.dictionary
    )


def _in_proper_noun(text: str, words: Sequence[Word], index: int, lexicon: Lexicon) -> bool:
    """Whether a capitalised word is part of the name of a thing: "Hope House", "Language
    Line", or a list of ordinary words written with capitals ("Hope, Faith and Charity")."""
    word = words[index]
    if index + 1 < len(words):
        after = words[index + 1]
        if after.capitalised and text[word.end : after.start] == " ":
            return True
    if index:
        before = words[index - 1]
        if before.capitalised and not before.initial and text[before.end : word.start] == " ":
            return before.key not in lexicon.first_names and before.key not in TITLES
    for neighbour in _list_neighbours(text, words, index):
        other = words[neighbour]
        virtue = other.key in lexicon.first_names and other.key in lexicon.common_words
        if other.capitalised and virtue:
            return True
    return False


def _compound_of_words(key: str, lexicon: Lexicon) -> bool:
    """ "Russian-speaking", "Tues-Thurs", "WhatsApp-style": words joined, not a name."""
    if "-" not in key:
        return False
    return any(part in NEVER_NAMES or part in lexicon.common_words for part in key.split("-"))


def _double_barrelled_surname(key: str, lexicon: Lexicon) -> bool:
    """ "harper-nwosu", "lloyd-davies": surnames joined, or a surname and a word no list knows."""
    if "-" not in key:
        return False
    parts = key.split("-")
    if not any(part in lexicon.surnames for part in parts):
        return False
    return all(
        part in lexicon.surnames or part in lexicon.first_names or part not in lexicon.vocabulary
        for part in parts
    )


def _double_barrelled(key: str, lexicon: Lexicon) -> bool:
    """Double-barrelled first names: "Lacey-Jo", "Mary-Ellen", "Lily-Rose"."""
    if "-" not in key:
        return False
    parts = key.split("-")
    return parts[0] in lexicon.first_names and all(
        part in lexicon.first_names or len(part) <= 3 for part in parts
    )


def _score(text: str, words: Sequence[Word], index: int, facts: _Facts, lexicon: Lexicon) -> float:
    word = words[index]
    score = facts.prior
    if facts.capital and not word.initial:
        score += 2
        if word.stem_end < word.end:
            score += 1  # "read Shantelle's letter"
        elif (facts.common or facts.prior == 0) and not _in_proper_noun(
            text, words, index, lexicon
        ):
            # Nobody writes "sam", or a word no list knows, with a capital mid-sentence unless
            # it is a name ("then Sam then Priti"); but "Hope House", "Language Line" and a
            # list of virtues ("Hope, Faith and Charity") name things.
            score += 1
    score += _cues_before(text, words, index, facts, lexicon)
    if index and _counted(text, words[index - 1], word, lexicon):
        score -= 4
    after = words[index + 1] if index + 1 < len(words) else None
    gap_after = text[word.end : after.start] if after else text[word.end :]
    if facts.capital or not facts.ordinary:
        score += _cues_after(text, words, index, facts, lexicon)
    elif (
        facts.first_name
        and after is not None
        and gap_after == " "
        and (
            after.key in _SPEECH
            or _does_what_people_do(words, index)
            or (after.key in ("are", "were", "r") and _relation_follows(words, index + 3))
            or (after.key in ("is", "was") and _my_relation(words, index + 2))
            or _an_age_follows(text, words, index)
            or _the_role(text, words, index)
            or (after.key == "from" and _my_relation(words, index + 2, _CLASSES))
            or after.key == "who"
            or _there(words, index)
            or _and_me(words, index)
        )
    ):
        # "mark said i could", "it was jess who": in lower-case writing no name has a capital
        score += _cues_after(text, words, index, facts, lexicon)
    elif facts.prior == 0 and not facts.common and after is not None and gap_after == " ":
        # A word no list knows, in lower case: only a verb, or "are my ...", says it is someone.
        score += _after_verb(words, index, after.key)  # "shivon was nice"
        if after.key in ("are", "were", "r") and _my_relation(words, index + 2):
            score += 3.0  # "kez n dilly r my boys"
    return score


def _does_what_people_do(words: Sequence[Word], index: int) -> bool:
    """ "rose helped me", "will drove us": a verb only people do, done to someone."""
    if index + 2 >= len(words) or words[index + 1].key not in _PERSON_ONLY_VERBS:
        return False
    return words[index + 2].key in ("me", "us", "him", "her", "them", "my", "our")


def _and_me(words: Sequence[Word], index: int) -> bool:
    """ "summer and me went", "will and i": someone beside the writer."""
    return (
        index + 2 < len(words)
        and words[index + 1].key == "and"
        and words[index + 2].key in ("i", "me")
    )


def _there(words: Sequence[Word], index: int) -> bool:
    """ "summer was there too", "drew is with me": someone, not a season or a verb."""
    if index + 2 >= len(words) or words[index + 1].key not in ("was", "is", "were"):
        return False
    then = words[index + 2].key
    if then == "with":
        return index + 3 < len(words) and words[index + 3].key in ("me", "us", "him", "her")
    if then == "at" and index + 4 < len(words):
        # "Faith was at the meeting too": a virtue or a season is never at a meeting
        owner, place = words[index + 3].key, words[index + 4].key
        return owner in ("the", "my", "our", "his", "her", "their") and place in _GATHERINGS
    return then in ("there", "here")


def _a_verb_form(key: str, lexicon: Lexicon) -> bool:
    """ "woried", "enjoyin" (for "enjoying"): a verb's ending, not a name."""
    if key in lexicon.first_names:
        return False
    return key.endswith(_VERB_ENDINGS) or (key.endswith("in") and key + "g" in lexicon.vocabulary)


def _otherwise_lower_case(text: str, word: Word) -> bool:
    """Whether the answer has no capital but this word's (and "I")."""
    rest = text[: word.start] + text[word.end :]
    return not any(char.isupper() for char in rest.replace("I ", "").replace("I'", ""))


def _an_age_follows(text: str, words: Sequence[Word], index: int) -> bool:
    """ "hope is 7", "summer will be 10 next week": an age given for someone (not "mark is
    7/10", "it will be 10 minutes")."""
    following = [word.key for word in words[index + 1 : index + 4]]
    if following[:1] in (["is"], ["turns"], ["turned"]):
        at = index + 2
    elif following[:2] == ["will", "be"]:
        at = index + 3
    else:
        return False
    if at >= len(words) or not words[at].text.isdigit() or not 1 <= int(words[at].text) <= 19:
        return False
    end = words[at].end
    decimal = text[end : end + 1] == "." and text[end + 1 : end + 2].isdigit()
    if decimal or text[end : end + 1] in ("/", "%", ":", "-"):
        return False  # a score, a share, a time, a range or a decimal
    return at + 1 >= len(words) or words[at + 1].key not in _NOT_AGES


# After a number, what makes it no age: "7 out of 10", "10 minutes".
_NOT_AGES = word_set(
    "out of percent points point minutes mins min hours hrs weeks days months miles pm am "
    "times people kids children pounds quid"
)


def _the_role(text: str, words: Sequence[Word], index: int) -> bool:
    """ "Bill the driver was nice", "faith the interpreter": a name and, after "the", the job
    that says who (not "Will the chair ring me?", a modal asking)."""
    if index + 2 >= len(words) or words[index + 1].key != "the":
        return False
    if words[index].key in ("will", "may", "can", "must") and words[index].initial:
        return False
    if index and (words[index - 1].key in SUBJECTS or words[index - 1].key in PERSON_NOUNS):
        return False  # "a girl drew the chair", "she drew the chair": a verb
    return words[index + 2].key in _JOBS and "?" not in text[words[index].end :]


# Jobs after "the" that say who someone is: the roles, and jobs that are also surnames.
_JOBS = ROLES | word_set("driver cook cleaner chef caretaker escort worker")


def _season_of(words: Sequence[Word], index: int) -> bool:
    """ "Autumn term", "Spring half term": a season or a month naming a time of the year."""
    return index + 1 < len(words) and words[index + 1].key in _TIMES_OF_YEAR


def _in_a_team(words: Sequence[Word], index: int) -> bool:
    """ "Bill in our team", "Ray and Penny in the duty team": someone placed in a team."""
    if index + 2 >= len(words) or words[index + 1].key != "in":
        return False
    if words[index + 2].key not in ("the", "our", "my", "their", "your", "his", "her"):
        return False
    return any(
        words[position].key in _TEAMS for position in range(index + 3, min(index + 6, len(words)))
    )


# Where people are, not things: "X was at the meeting".
_GATHERINGS = word_set(
    "meeting meetings conference review session group panel visit party hub centre club"
)


def _cues_before(
    text: str, words: Sequence[Word], index: int, facts: _Facts, lexicon: Lexicon
) -> float:
    if not index:
        return 0.0
    word, before = words[index], words[index - 1]
    previous = before.key
    two_before = words[index - 2].key if index >= 2 else ""
    gap = text[before.end : word.start]
    plain_gap = gap in (" ", ". ", "\u00a0")
    possessive = before.stem_end < before.end  # "my son's date of birth"
    modal = word.key in _MODALS and not word.capitalised
    if previous in _BEFORE_A_TIME and facts.common and not word.stem_end < word.end:
        return -4.0  # "camping in Summer", "next Autumn" (but "in Summer's class")
    if facts.common and _season_of(words, index):
        return -4.0  # "Autumn term groups", "May half term"
    if previous in ("st", "saint") and gap in (" ", ". "):
        return -6.0  # "St John Ambulance", "St Aidan's": a saint names a place or a body
    if previous in TITLES and plain_gap and not possessive:
        if previous in ("miss", "sir") and not word.capitalised and word.key in lexicon.vocabulary:
            # "i miss school", "we all miss home"; but "miss white", "sir patel" are teachers
            missing = two_before in _BEFORE_VERB_MISS or word.key in NEVER_NAMES
            if missing or not (facts.surname or facts.first_name):
                return 0.0
        return 5.0
    if previous in RELATIONS and gap.strip() == "" and not possessive:
        if modal or (not word.capitalised and _a_verb_form(word.key, lexicon)):
            return 0.0  # "my sister will be there", "my mum explaned"
        # "auntie shaz", "Aunty Shiv" (a capital mid-sentence, alone: not a Title Case
        # sentence), not "Family Group Conference"
        after = words[index + 1] if index + 1 < len(words) else None
        lone_capital = (
            facts.capital
            and not facts.common
            and not (after is not None and after.capitalised)
            and not (word.key[-1] == "s" and word.key[:-1] in lexicon.vocabulary)  # "Bakes"
        )
        return 2.0 if facts.prior < 0 and not lone_capital else 4.0
    if previous in ROLES and plain_gap and not possessive:
        if gap == ". " and (facts.common or facts.prior < 0):
            return 0.0  # "2 workers. Pizza went down well", "the chair. Will someone ring"
        misspelt_verb = not word.capitalised and _a_verb_form(word.key, lexicon)
        return 0.0 if modal or misspelt_verb else 3.0  # "my sw jade", not "my sw explaned"
    if previous == "and" and two_before == "me":
        # "me and Tia went", not "came with me and held my hand" (a verb in lower case)
        verb = not word.capitalised and not facts.first_name and word.key in lexicon.vocabulary
        return 0.0 if verb else 4.0
    if previous == "of" and two_before in RELATIONS and plain_gap:
        return 3.0  # "mother of arjun", "the son of Hope"
    if previous in FIELD_LABELS and ":" in gap and word.capitalised:
        return 4.0  # "Facilitator: Nadia Hussain"
    if previous in _SIGN_OFFS and gap.strip() == "," and word.capitalised and facts.prior >= 0:
        return 4.0  # "Regards, Tom"
    if previous == "is" and two_before in ("name", "names"):
        return 4.0
    if previous in ("i'm", "im") or (previous == "am" and two_before == "i"):
        if not word.capitalised and _a_verb_form(word.key, lexicon):
            return 0.0  # "i am woried", "im enjoyin": a misspelt verb, not a name
        # (a short word or a name: "Autistic", "Deaf" are said of oneself with a capital)
        short = len(word.key) <= 3 or facts.first_name or facts.surname
        if facts.capital and not facts.common and short and _otherwise_lower_case(text, word):
            return 4.0  # "hi im Wei and i am 12": the one capital a lower-case writer typed
        return 3.0 if word.key not in lexicon.vocabulary else 0.0
    if previous in _NICKNAMED and plain_gap and facts.first_name and not modal:
        # "big tone", "Lil Jay", "big mike": a nickname made of a first name; not "a big will"
        return 0.0 if two_before in DETERMINERS else 3.0
    if previous in ("called", "named", "call") and plain_gap:
        return 4.0 if word.key not in lexicon.vocabulary or not facts.ordinary else 0.0
    if previous in BEFORE_NAME and plain_gap:
        return 2.0  # "thanks to X", "Debrief with X"
    if previous == "to" and two_before in _GREETED_TO and plain_gap:
        return 2.0  # "thanks to Ray and Penny", "say hi to Sunny"
    if previous == "the" and index + 1 < len(words) and words[index + 1].key == "family":
        return 5.0  # "the Loveridge family"
    its_name = previous in _IT and facts.first_name and not facts.common  # "its kacey"
    # "I liked that Hope came in": after "that" (here a conjunction) a first name with a
    # capital mid-sentence is someone; "that hope" in lower case is the word.
    said_that = previous == "that" and facts.capital and facts.first_name and index > 1
    if (
        (facts.ordinary or not word.capitalised)
        and not said_that
        and (previous in DETERMINERS or previous in SUBJECTS)
        and gap.strip() == ""
        and not its_name
    ):
        return -4.0  # "i hope", "they will", "the telly"
    signature = gap.strip(" .-–—\n") == "" and any(dash in gap for dash in "-–—")
    if signature and word.capitalised and text[word.end :].strip(" .!\n") == "":
        return 3.0  # "... I'm rarely at my desk. - Steph"
    return 0.0


def _cues_after(
    text: str, words: Sequence[Word], index: int, facts: _Facts, lexicon: Lexicon
) -> float:
    word = words[index]
    if _AGE.match(text, word.end):
        return 4.0
    after = words[index + 1] if index + 1 < len(words) else None
    if after is None:
        return 0.0
    following = after.key
    gap = text[word.end : after.start]
    plain_gap = gap == " "
    if (
        plain_gap
        and following in _PLACE_TAILS
        and not after.capitalised
        and index
        and words[index - 1].key in _TO_A_PLACE
    ):
        return -4.0  # "we went to Brook green", "near Ashley common": a place named after someone
    if plain_gap and _an_age_follows(text, words, index):
        return 3.0  # "hope is 7", "summer will be 10 next week"
    if plain_gap and _the_role(text, words, index):
        return 3.0  # "Bill the driver was nice", "patience the interpreter"
    if word.stem_end < word.end and (
        following in RELATIONS or following in ROLES or following in ("number", "phone", "house")
    ):
        return 3.0  # "Shantelle's mum"
    if plain_gap and (following in PERSON_VERBS or following == "from"):
        return _after_verb(words, index, following)
    if facts.first_name and after.capitalised and plain_gap and _surname_like(after, lexicon):
        return 3.0  # a first name and a surname: "Linda Boswell"
    if facts.capital and after.capitalised and plain_gap and _role_in_brackets(text, words, index):
        return 3.0  # a full name no list knows, then who they are: "Tendai Moyo (IRO)"
    if following in ("my", "our") and gap.strip() in ("", ","):
        return 3.0 if _relation_follows(words, index + 2) else 0.0  # "Jack my step brother"
    if gap.strip() == "(" and (
        following in ("my", "our") or following in ROLES or following in RELATIONS or after.upper
    ):
        return 3.0  # "Will (my sw)", "Karen (social worker)"
    if following == "who" and plain_gap:
        # "it was jess who helped me"
        it_was = index >= 2 and words[index - 1].key in ("was", "is")
        if it_was and words[index - 2].key in _IT:
            return 3.0 if facts.first_name else 2.0  # "it was hope who saw it"
        return 1.0
    listed_relation = index + 2 < len(words) and words[index + 2].key in ("my", "our")
    plural = following in ("are", "were", "r")
    if plural and listed_relation and _relation_follows(words, index + 3):
        return 3.0  # "... and Tyreese are my brothers", "kez n dilly r my boys"
    if plain_gap and _in_a_team(words, index) and (facts.first_name or facts.prior >= 0):
        # "Bill in our team sorted it"; not an ordinary word written with a capital ("I think
        # Support in the team is good"), which the place in a team alone does not make anyone
        return 3.0
    if following == "and" and index + 2 < len(words):
        then = words[index + 2].key
        if then in ("i", "me"):
            return 3.0  # "Dawn and I ran two sessions"
        if then in ("her", "his", "their") and _relation_follows(words, index + 3):
            return 3.0  # "Grace and her mum came"
    return 0.0


def _role_in_brackets(text: str, words: Sequence[Word], index: int) -> bool:
    """Whether a job or a family word in brackets follows the word after words[index]:
    "Tendai Moyo (IRO)"."""
    index += 1
    if index + 1 >= len(words) or text[words[index].end : words[index + 1].start].strip() != "(":
        return False
    following = words[index + 1].key
    return following in ROLES or following in RELATIONS or following in ("my", "our")


def _after_verb(words: Sequence[Word], index: int, following: str) -> float:
    """ "X said", "X from the council", "X was nice"."""
    if following == "from":
        return 3.0
    if following not in PERSON_VERBS:
        return 0.0
    if following in _LINKING_VERBS:
        if _there(words, index):
            return 3.0
        then = words[index + 2].key if index + 2 < len(words) else ""
        return 3.0 if then in PERSON_QUALITIES or then in ("my", "our") else 1.0
    return 3.0


# Where someone is from when "from" follows a name: "ROB from my school".
_CLASSES = word_set("class school year group form team club estate street")


def _my_relation(words: Sequence[Word], index: int, nouns: frozenset[str] = frozenset()) -> bool:
    """ "my sister", "our key worker" (or "my class", given nouns) from index on."""
    if index >= len(words) or words[index].key not in ("my", "our"):
        return False
    if index + 1 < len(words) and words[index + 1].key in nouns:
        return True
    return _relation_follows(words, index + 1)


def _relation_follows(words: Sequence[Word], index: int) -> bool:
    """A family word or job within the next few words: "my (step) brother", "my key worker"."""
    for position in range(index, min(index + 3, len(words))):
        key = words[position].key
        if key in RELATIONS or key in ROLES or key in _MY_PEOPLE:
            return True
        if key not in _MODIFIERS:
            return False
    return False


def _surname_like(word: Word, lexicon: Lexicon) -> bool:
    key = word.key
    if key in NEVER_NAMES or word.upper:
        return False
    return (
        key in lexicon.surnames
        or bool(_SURNAME_SHAPE.match(key))
        or (key not in lexicon.vocabulary and key not in lexicon.places)
    )


def _lists(text: str, words: Sequence[Word], scores: list[float | None], lexicon: Lexicon) -> None:
    """A word listed beside a name is a name too: "Kemi and Tiwa", "Nia ❤️ Precious"."""
    count = len(words)
    for index in range(count):
        score = scores[index]
        if score is None or score >= THRESHOLD or score < 0:
            continue
        word = words[index]
        key = word.key
        unknown = (
            key not in lexicon.vocabulary and key not in lexicon.foreign_words and len(key) > 2
        )
        if not (word.capitalised or key in lexicon.first_names or unknown):
            continue  # "kemi and tiwa": a word no list knows, beside a name
        for neighbour in _list_neighbours(text, words, index):
            if (scores[neighbour] or 0) >= THRESHOLD:
                scores[index] = score + 3
                break


# Months that are also first names: "Jan and Phil are my foster carers", "at May and Tom's".
_MONTH_NAMES = word_set("jan may june april august")
# Before a month that is a month: "in May and Sam in June", "since Jan and".
_BEFORE_A_MONTH = word_set(
    "in during since until till by from last next early late end of this every before after "
    "mid start beginning"
)
_MONTH_LIST_JOIN = re.compile(r"^\s*(?:and|&|n)\s*$", re.IGNORECASE)


def _months_beside_names(
    text: str, words: Sequence[Word], names: list[int], blocked: Sequence[bool]
) -> None:
    """A month that is also a first name, with a capital, joined by "and" to a name found: a
    couple named together ("Jan and Phil", "Tom & May"); not a month after "in" or "since",
    nor one with a day or a year beside it, nor two months joined."""
    found = set(names)
    for index in list(names):
        for step in (-2, -1, 1, 2):  # "Jan and Phil", "Tom & May" ("&" is no word)
            other = index + step
            if not 0 <= other < len(words) or other in found or blocked[other]:
                continue
            month = words[other]
            if month.key not in _MONTH_NAMES or not month.capitalised or month.upper:
                continue
            left, right = sorted((index, other))
            if not _MONTH_LIST_JOIN.match(text[words[left].end : words[right].start]):
                continue
            if other and words[other - 1].key in _BEFORE_A_MONTH:
                continue
            neighbours = [words[p] for p in (other - 1, other + 1) if 0 <= p < len(words)]
            if any(word.is_number for word in neighbours):
                continue  # "May 3rd and", "Jan 2024"
            if any(word.key in _MONTH_NAMES for word in neighbours):
                continue
            names.append(other)
            found.add(other)
    names.sort()


# Words a list of people follows: "my friends are shay dilly and kai", "me shay dilly n tia".
_LIST_OPENERS = word_set("are r were me with and is friends mates invite invited like")


def _spaced_lists(
    text: str, words: Sequence[Word], scores: list[float | None], lexicon: Lexicon
) -> None:
    """Names listed with no commas: "shay dilly and kai", "kez shay n dilly r my mates". Two
    or more words before "and" and one after, each a name or no common word, the list opened
    by the answer's start or a word such as "are" or "me", and one of them a name already."""

    def candidate(position: int) -> bool:
        key = words[position].key
        if scores[position] is None:
            return False
        return key in lexicon.first_names or key not in lexicon.common_words

    for joiner in range(2, len(words) - 1):
        if words[joiner].key not in ("and", "n", "&"):
            continue
        last = joiner + 1
        if text[words[joiner].end : words[last].start] != " " or not candidate(last):
            continue
        run: list[int] = []
        position = joiner - 1
        while position >= 0 and candidate(position):
            if text[words[position].end : words[position + 1].start] != " ":
                break
            run.append(position)
            position -= 1
        opened = (
            position < 0
            or words[position].key in _LIST_OPENERS
            or text[words[position].end : words[position + 1].start].strip() in (":", ",")
        )
        members = [*run, last]
        # all written alike: "Rhiannon Prosser and noone read" is a full name, then a word
        alike = len({words[member].capitalised for member in members}) == 1
        named = any((scores[member] or 0) >= THRESHOLD for member in members)
        if len(run) >= 2 and opened and alike and named:
            for member in members:
                scores[member] = max(scores[member] or 0, THRESHOLD)


def _titled_surnames(
    text: str,
    words: Sequence[Word],
    scores: list[float | None],
    blocked: Sequence[bool],
    in_place: Sequence[bool] = (),
) -> None:
    """Surnames spelt like a colour or a people after a title: "miss white", "Mr Black"; and
    surnames that are also towns: "Mr Dunbar", "mrs lincoln" (a title is never before a town)."""
    for index in range(1, len(words)):
        before = words[index - 1]
        if before.key not in TITLES or blocked[index]:
            continue
        word = words[index]
        town = bool(in_place) and in_place[index] and word.text[:1].isalpha()
        if (scores[index] is not None and not town) or (scores[index] or 0) >= THRESHOLD:
            continue
        if text[before.end : word.start] != " " or not (word.key in _TITLED_WORDS or town):
            continue
        if before.key == "miss" and index >= 2 and words[index - 2].key in _BEFORE_VERB_MISS:
            continue
        scores[index] = THRESHOLD


# Before a word, what makes it a verb or a thing, not a name said again: "dont rob", "the mark".
_NOT_AGAIN_BEFORE = SUBJECTS | DETERMINERS | word_set("to not dont don't didnt didn't wont cant")
# After a word, what makes it a verb with its object: "rob them", "mark my words", "will you".
_NOT_AGAIN_AFTER = word_set(
    "me you him her it us them my your his our their the a an this that these those i we they "
    "he she up down out off be"
)


def _named_again(
    words: Sequence[Word], scores: list[float | None], blocked: Sequence[bool]
) -> None:
    """The same person named twice, the second time in lower case: "say hi to Rob. rob dont
    ..." (but not "dont rob", "mark my words", "I hope Hope comes")."""
    named = {
        words[index].key
        for index, score in enumerate(scores)
        if score is not None
        and score >= THRESHOLD
        and words[index].capitalised
        and not words[index].initial
    }
    if not named:
        return
    count = len(words)
    for index, word in enumerate(words):
        score = scores[index]
        if word.key not in named or score is None or score >= THRESHOLD or blocked[index]:
            continue
        if index and words[index - 1].key in _NOT_AGAIN_BEFORE:
            continue
        if index + 1 < count and words[index + 1].key in _NOT_AGAIN_AFTER:
            continue
        scores[index] = THRESHOLD


def _title_case_names(
    text: str,
    words: Sequence[Word],
    scores: list[float | None],
    blocked: Sequence[bool],
    in_place: Sequence[bool],
    lexicon: Lexicon,
) -> None:
    """Two or three capitalised words ending in a surname, with no capital word beside the run:
    "with Li Na Chen who", "Xiu Ying Wang chaired it". Given names of many languages are short
    words a dictionary holds ("mei", "na"), so the run and the surname say it."""
    count = len(words)
    for last in range(1, count):
        if words[last].key not in lexicon.surnames:
            continue
        first = last
        while first > 0 and last - first < 2 and _joined(text, words[first - 1], words[first]):
            first -= 1
        if first == last:
            continue
        run = range(first, last + 1)
        opening = words[first].key
        if opening in lexicon.common_words and opening not in lexicon.first_names:
            continue  # "St David", "Big Mac": a word, then a name, names a thing
        if any(blocked[i] or in_place[i] or not _name_like_capital(words[i], lexicon) for i in run):
            continue
        before = words[first - 1] if first else None
        after = words[last + 1] if last + 1 < count else None
        if (before is not None and before.capitalised and not before.initial) or (
            after is not None and after.capitalised and text[words[last].end : after.start] == " "
        ):
            continue  # part of a Title Case heading or a longer proper noun
        for index in run:
            scores[index] = max(scores[index] or 0, THRESHOLD)


def _joined(text: str, left: Word, right: Word) -> bool:
    return text[left.end : right.start] == " " and left.capitalised and right.capitalised


def _name_like_capital(word: Word, lexicon: Lexicon) -> bool:
    """A capitalised word that may be part of a name: not shouted, no family word, service or
    month, and a name, a word no list holds as common, or a short syllable ("Li", "Na")."""
    key = word.key
    if word.upper or key in NEVER_NAMES:
        return False
    return (
        key in lexicon.first_names
        or key in lexicon.surnames
        or key not in lexicon.common_words
        or len(key) <= 3
    )


def _first_names_before_surnames(
    text: str,
    words: Sequence[Word],
    scores: list[float | None],
    names: list[int],
    blocked: Sequence[bool],
    lexicon: Lexicon,
) -> None:
    """A first name that is also a word, or a capitalised word no list knows, just before a
    surname found alone: "precious okafor", "Hope Mensah", "Amaka Obi"."""
    named = set(names)  # looked up once a name: a list made this quadratic in a long answer
    for index in list(names):
        if not index or index - 1 in named or blocked[index - 1]:
            continue
        word, before = words[index], words[index - 1]
        if text[before.end : word.start] != " " or before.upper != word.upper:
            continue
        key = before.key
        if key in NEVER_NAMES or key in _MODALS:
            continue
        # A capitalised word no list knows before a capitalised name: "Amaka Obi".
        unknown = (
            before.capitalised
            and word.capitalised
            and key not in lexicon.vocabulary
            and key not in lexicon.places
            and len(key) > 2
        )
        if not unknown and key not in lexicon.first_names:
            continue
        # Shouted, a first name that is no common word before a name: "TYRONE BAILEY".
        shouted = before.upper and word.upper and key not in lexicon.common_words
        if not (unknown or shouted) and word.key not in lexicon.surnames:
            continue  # a surname after ("morgan ellis", "Faith Tyler") is what says so
        if index >= 2 and (words[index - 2].key in SUBJECTS or words[index - 2].key in DETERMINERS):
            continue  # "i hope okafor", "the will ..."
        names.append(index - 1)
        named.add(index - 1)
        scores[index - 1] = THRESHOLD
    names.sort()


def _list_neighbours(text: str, words: Sequence[Word], index: int) -> Iterator[int]:
    """The words listed next to index, if any: "Kemi" and "Tiwa" in "Kemi and Tiwa"."""
    for step in (-1, 1):
        neighbour = index + step
        if 0 <= neighbour < len(words) and words[neighbour].key in ("and", "or", "n"):
            neighbour += step
        if 0 <= neighbour < len(words):
            left, right = sorted((index, neighbour))
            if _LIST_JOIN.match(text[words[left].end : words[right].start]):
                yield neighbour


def _full_names(
    text: str,
    words: Sequence[Word],
    names: Sequence[int],
    lexicon: Lexicon,
    blocked: Sequence[bool],
) -> Iterator[Span]:
    """One span per name, running on over surnames: "Gemma Lloyd-Davies", "mihai popa",
    "niamh ní bhriain", "Rhiannon ap Dafydd"."""
    chosen = set(names)
    done: set[int] = set()
    for index in sorted(chosen):
        if index in done:
            continue
        last = index
        while last + 1 < len(words) and not blocked[last + 1]:
            current, following = words[last], words[last + 1]
            if current.stem_end < current.end or text[current.end : following.start] != " ":
                break  # a possessive or punctuation ends the name
            if last + 1 in chosen or _continues_name(following, current, lexicon):
                last += 1
            elif (
                following.key in _PARTICLES
                and last + 2 < len(words)
                and not blocked[last + 2]
                and text[following.end : words[last + 2].start] == " "
                and _continues_name(words[last + 2], current, lexicon, after_particle=True)
            ):
                last += 2
            else:
                break
        done.update(range(index, last + 1))
        yield Span(words[index].start, words[last].stem_end, PERSON)


def _continues_name(
    word: Word, previous: Word, lexicon: Lexicon, after_particle: bool = False
) -> bool:
    """Whether a word after a name is its surname: "Linda Boswell", "jessica smith",
    "RUTH PATEL" (a surname in the same case as the name before it)."""
    key = word.key
    if key in NEVER_NAMES or word.is_number or key in _NOT_SURNAMES:
        return False
    bare = plain(key)
    surname = key in lexicon.surnames or bare in lexicon.surnames or bool(_SURNAME_SHAPE.match(key))
    if word.upper:
        # Shouted after a shouted name: "RUTH PATEL", not "Ruth (IRO)".
        return previous.upper and (surname or key not in lexicon.vocabulary)
    if word.capitalised:
        if key in lexicon.places and previous.capitalised and previous.key in lexicon.first_names:
            # a surname that is also a village, after a first name: "Clive Haworth"
            return key not in lexicon.vocabulary
        return surname or (key not in lexicon.common_words and key not in lexicon.places)
    if surname and (key not in lexicon.vocabulary or _SURNAME_SHAPE.match(key)):
        return True  # "Liam o'connor", "mihai popa"
    if after_particle:
        return key not in lexicon.vocabulary  # "ní bhriain"
    if (
        previous.key in lexicon.first_names
        and key not in lexicon.vocabulary
        and key not in lexicon.foreign_words
        and key not in _TEXT_SPEAK
        and len(key) >= 4
        and not key.endswith(("ing", "ed"))
    ):
        return True  # "tyler broome", "sarah whitlock": a surname no list holds
    # In lower-case writing a surname that is also a word ("smith", "white") follows a name
    # written the same way; verbs and adverbs ("jade still", "amy said") are not surnames.
    return (
        surname
        and not previous.upper
        and (not previous.capitalised or key not in lexicon.common_words)
        and not key.endswith(("ed", "ing", "ly"))
        and key not in lexicon.foreign_words
    )


def _initials(
    text: str, words: Sequence[Word], lexicon: Lexicon, blocked: Sequence[bool]
) -> Iterator[Span]:
    """Initials standing for a person: "D.W.", "R. Cooper", "miss T", "K (15)", "A, B and R"."""
    if "." in text:
        for match in _DOTTED_INITIALS.finditer(text):
            if match.group().replace(" ", "").upper() not in _ABBREVIATIONS:
                yield Span(match.start(), match.end(), PERSON)
        yield from _lone_initials(text)
        for match in _INITIAL_AND_SURNAME.finditer(text):
            key = match.group(1).lower().replace("’", "'")
            if key in NEVER_NAMES:
                continue
            known = key in lexicon.surnames or key in lexicon.first_names
            if known or key not in lexicon.vocabulary:
                yield Span(match.start(), match.end(), PERSON)
    letters = [
        index
        for index, word in enumerate(words)
        if len(word.text) <= 3
        and word.text.isalpha()
        and word.text != "I"
        and not blocked[index]
        and (word.text.isupper() or (len(word.text) == 1 and _after_title(text, words, index)))
    ]
    for position, index in enumerate(letters):
        word = words[index]
        if len(word.text) > 1 and word.key in NEVER_NAMES:
            continue
        labelled = index and words[index - 1].key in _BEFORE_NOT_INITIAL  # "Plan B (...)"
        if (
            (_AGE.match(text, word.end) and not labelled)
            or _after_title(text, words, index)
            # "vitamin D helps", "Plan B worked": a label, not someone doing something
            or (len(word.text) == 1 and not labelled and _letter_speaks(text, words, index))
            or (len(word.text) == 1 and _letter_for_someone(text, words, index))
            or (len(word.text) == 1 and _letters_listed(text, words, letters, position))
        ):
            yield Span(word.start, word.end, PERSON)


def _lone_initials(text: str) -> Iterator[Span]:
    """A capital letter with a full stop standing for someone: "M. said", "asked P. about it",
    "A. and B." (but not "Plan B.", "got an A.", "vitamin D.")."""
    for match in _LONE_INITIAL.finditer(text):
        letter = match.group(1)
        if letter == "I" or (letter in "QA" and "Q." in text and "A." in text):
            continue
        before = _WORD_BEFORE.search(text, max(0, match.start() - 30), match.start())
        cue = before.group(1) if before is not None else ""
        if cue.lower() in _BEFORE_NOT_INITIAL or cue[:1].isdigit():
            continue
        yield Span(match.start(), match.end(), PERSON)


def _after_title(text: str, words: Sequence[Word], index: int) -> bool:
    """ "Mr B", "mrs p" (but "i miss u")."""
    if not index:
        return False
    before, word = words[index - 1], words[index]
    if before.key not in TITLES or text[before.end : word.start] != " ":
        return False
    if word.text.isupper() or before.key not in ("miss", "sir"):
        return True
    # "thank u miss b": a letter that no one says as a word ("i miss u", "miss n sir", "miss x")
    return len(word.text) == 1 and word.text not in _SAID_LETTERS


def _letter_speaks(text: str, words: Sequence[Word], index: int) -> bool:
    """ "A said", "K wanted to leave", "G was quiet", "Comments from S:", "D and I went"."""
    word = words[index]
    if word.text != "A" and (
        _letter_given_as_author(text, words, index) or _letter_with_me(text, words, index)
    ):
        return True
    if index + 1 >= len(words):
        return False
    after = words[index + 1]
    if text[word.end : after.start] != " ":
        return False
    if word.text == "A":
        return after.key in _LETTER_VERBS
    if after.key in _BEING_VERBS and index + 2 < len(words):
        # "G was quiet", "R seemed upset": how a person was (not "the B was", "Plan C is ok")
        return (
            (not index or words[index - 1].key not in DETERMINERS)
            and text[after.end : words[index + 2].start] == " "
            and (words[index + 2].key in PERSON_QUALITIES or words[index + 2].key in _MOODS)
        )
    return after.key in PERSON_VERBS and after.key not in _LINKING_VERBS | {"never", "always"}


_BEING_VERBS = word_set("was is seemed seems felt feels looked looks got gets")
# How a person was, after a letter standing for them: "G was quiet", "T seemed upset".
_MOODS = word_set(
    "quiet sad happy upset angry scared worried tired excited cross shy calm chatty withdrawn "
    "nervous anxious quieter happier sadder calmer frustrated distressed settled unsettled "
    "teary tearful cheerful grumpy bored confused"
)
# Before a letter written as a note's author: "Comments from S:", "notes by M -".
_AUTHOR_CUE = word_set("from by")
_AUTHOR_AFTER = re.compile(r"[ \t]*[:–—-]")


def _letter_given_as_author(text: str, words: Sequence[Word], index: int) -> bool:
    """ "Comments from S: ...", "Feedback by J - ...": a letter after "from" or "by", then a
    colon or a dash, as notes name who said them."""
    return (
        index > 0
        and words[index].text != "Q"  # "the answer from Q: ..." is a question's
        and words[index - 1].key in _AUTHOR_CUE
        and text[words[index - 1].end : words[index].start] == " "
        and bool(_AUTHOR_AFTER.match(text, words[index].end))
    )


_ME = word_set("i me")


def _letter_with_me(text: str, words: Sequence[Word], index: int) -> bool:
    """ "D and I went", "me and J", "J and me": a letter joined to the writer by "and"."""
    word = words[index]
    if index + 2 < len(words) and words[index + 1].key == "and" and words[index + 2].key in _ME:
        joined = text[word.end : words[index + 2].start] == " and "
        if joined and (words[index + 2].key == "me" or words[index + 2].text == "I"):
            return True
    return (
        index >= 2
        and words[index - 1].key == "and"
        and words[index - 2].key == "me"
        and text[words[index - 2].end : word.start] == " and "
    )


# Before a letter standing for someone it is done for or with: "worked for M when", "told K".
_FOR_SOMEONE = word_set("for with told asked helped thanked gave met visited about")
_CLAUSE_AFTER = word_set("when who because but and as so until before after while")
_PERSON_PRONOUN = re.compile(r"\b(?:she|he|her|him|his|hers|she['’]d|he['’]d)\b", re.I)


def _letter_for_someone(text: str, words: Sequence[Word], index: int) -> bool:
    """ "The wand worked for M when nothing else did, she said": a capital letter after a word
    that takes a person, before a new clause, with "she" or "he" nearby to say it is someone
    (not "for B when the bell goes", unless a person is spoken of)."""
    word = words[index]
    if not index or word.text in "AI" or words[index - 1].key not in _FOR_SOMEONE:
        return False
    if text[words[index - 1].end : word.start] != " ":
        return False
    rest = text[word.end : word.end + 2]
    clause = index + 1 < len(words) and words[index + 1].key in _CLAUSE_AFTER
    if not (clause or rest[:1] in (",", ";", "–", "—") or rest.strip()[:1] in ("-", "–", "—")):
        return False
    return bool(_PERSON_PRONOUN.search(text, word.end, word.end + 100))


def _letters_listed(
    text: str, words: Sequence[Word], letters: Sequence[int], position: int
) -> bool:
    """ "A, B and R": two or more single capitals listed together."""
    index = letters[position]
    for other_position in (position - 1, position + 1):
        if not 0 <= other_position < len(letters):
            continue
        other = letters[other_position]
        if len(words[other].text) != 1:
            continue
        left, right = sorted((index, other))
        join = text[words[left].end : words[right].start]
        if join == "&":
            continue  # "A&E", "Q&A"
        if right - left <= 2 and _LIST_JOIN.match(join):
            return True
    return False


# --- Names the word-by-word scores miss, and a name said again --------------------------------

_CALLED = word_set("called named calld callled")
# "everyone calls me KC", "known as bazza", "goes by tj": a nickname the writer gives.
_NICKNAMING = re.compile(
    r"\b(?:(?:calls?|called) (?:me|him|her|them)|known as|goes by|go by|nicknamed?|"
    r"nickname is|nickname's|nickname’s)[ ]+$",
    re.IGNORECASE,
)
# After "its" and a name the writer gives their own: "its jess again", "it's kacey here".
_SELF_NAMED_AFTER = word_set("again here speaking writing btw")
# Text-speak and words said to someone, which no dictionary lists: "bruv", "lol", "fam".
_CHAT_WORDS = _TEXT_SPEAK | word_set(
    "bruv bro fam lol lmao lmfao omg tbh idk wtf ffs smh ya yh ye nah oi hiya babes hun "
    "lowkey highkey deadass fr rn pls plz"
)
# The last word of those cues, looked at before the pattern is.
_NICKNAME_LAST = word_set("me him her them as by nicknamed nickname is")
_OWNERS = word_set("my our his her their your")


def _named_by_cues(
    text: str,
    words: Sequence[Word],
    scores: list[float | None],
    blocked: Sequence[bool],
    lexicon: Lexicon,
) -> None:
    """Names given by the words around them that no single word's score weighs: "my sw is called
    mark", "everyone calls me KC", "my mum and gaz", "bazza my mums boyfriend", "May is my key
    worker"."""
    for index, word in enumerate(words):
        if blocked[index] or (word.key in NEVER_NAMES and word.key not in _MONTH_NAMES):
            continue  # "and", "mum", "council": never a name, whatever is around them
        if scores[index] is not None and _a_thing_here(text, words, index, lexicon):
            scores[index] = None
        elif (scores[index] or 0) < THRESHOLD and (
            _given_name(text, words, index, lexicon) or _month_named(text, words, index)
        ):
            scores[index] = THRESHOLD
        if _pair_doing(text, words, index, lexicon) and not blocked[index + 2]:
            scores[index] = max(scores[index] or 0, THRESHOLD)
            scores[index + 2] = max(scores[index + 2] or 0, THRESHOLD)


# What two people do together: "Grace and Summer go to my school", "Hope and Joy came".
_TOGETHER = word_set(
    "go went come came live lived both sit sat play played walk walked attend attended share "
    "shared visit visited stay stayed sleep slept moved"
)


def _pair_doing(text: str, words: Sequence[Word], index: int, lexicon: Lexicon) -> bool:
    """Two first names with capitals joined by "and", then a verb of what people do together:
    "Grace and Summer go to the same school" (not "Hope and Faith go hand in hand")."""
    if index + 3 >= len(words) or words[index + 1].key not in ("and", "&"):
        return False
    pair = (words[index], words[index + 2])
    if not all(word.key in lexicon.first_names and not word.upper for word in pair):
        return False
    if any(text[words[at].end : words[at + 1].start] != " " for at in range(index, index + 3)):
        return False
    then = words[index + 3].key
    if then in ("are", "were", "r") and index + 4 < len(words):
        # "grace and faith are twins", "hope and joy are my sisters"
        kin = words[index + 4].key
        return kin in RELATIONS or (kin in ("my", "our") and _relation_follows(words, index + 5))
    if not all(word.capitalised for word in pair):
        return False
    return then in _TOGETHER and (index + 4 >= len(words) or words[index + 4].key != "hand")


# Games played, in lower case: "played uno", "playing jenga" (not "played with kai").
_PLAY = word_set("play plays played playing")
# Rooms and groups named after a tree, a colour or a name: "the Willow room", "Rainbow class".
_ROOMS = word_set("room rooms suite lounge ward class classroom wing unit pod base")
_IN_A_ROOM = word_set("the in into from at our their")
# A rating of red, amber and green: "rated amber", "from green to amber", "Red and Amber flags".
_RAG_NAMES = word_set("amber")
_RAG_WORDS = word_set("red green rag rating ratings rated")
_BEFORE_A_RATING = word_set("rated rating on to at as is was went turned from stays stayed")


def _a_rating(words: Sequence[Word], index: int) -> bool:
    """Whether "amber" is a rating here: another rating word near it, in lower case after
    "rated", "on", "to" ("the light was on amber"), or a sentence of its own that opens the
    answer ("Amber. Things are ok at home"), as a form's rating is given."""
    if index + 1 < len(words) and words[index + 1].key in PERSON_VERBS:
        return False  # "Amber said it was red"
    if index == 0 and (len(words) == 1 or (words[1].initial and words[1].key not in _HE_SHE)):
        return True  # not "Amber. She is my key worker"
    near = range(max(0, index - 4), min(len(words), index + 5))
    if any(words[position].key in _RAG_WORDS for position in near if position != index):
        return True
    word = words[index]
    return not word.capitalised and bool(index) and words[index - 1].key in _BEFORE_A_RATING


_HE_SHE = word_set("she he her his shes hes she's he's they")
# Outdoor places a name comes before: "sherwood forest", "Formby beach", "big woods".
OUTDOOR_PLACES = word_set(
    "forest forests woods woodland woodlands beach lake reservoir marshes dunes"
)
# Animals kept as pets, whose names are no one's: "my cat called Luna", "a puppy named Max".
_PETS = word_set(
    "dog dogs cat cats puppy puppies kitten kittens hamster rabbit rabbits bunny pony horse fish "
    "budgie parrot snake lizard tortoise gerbil ferret pet pets pig guinea rat mouse"
)
_NAMED = word_set("called named")


def _a_pets_name(words: Sequence[Word], index: int) -> bool:
    """A name straight after "called" or "named" with an animal kept as a pet just before: "a
    dog called Biscuit", "my cat's called Luna", "our puppy is named Max" (not "the lady with
    the dog lanyard was called Chidinma")."""
    if index < 2 or words[index - 1].key not in _NAMED:
        return False
    animal = index - 2
    if words[animal].key in ("is", "was") and animal:
        animal -= 1
    return words[animal].key in _PETS


# Text-speak for thanks: "ty for the pizza", "tysm x".
_THANKS = word_set("ty tysm tyvm thx thnx")
_THANKED_FOR = word_set("for so x xx xxx everyone all guys u you")
# After a family word, a verb's object: "my mate chase each other", "my brothers wind me up".
_OBJECTS = word_set("me us him her them it you each")


def a_thing_here(text: str, words: Sequence[Word], span: Span, lexicon: Lexicon) -> bool:
    """Whether a one-word span (the tagger's) is a word the words beside it make a thing."""
    first = bisect.bisect_left(words, span.start, key=_start)  # words are in the text's order
    if first >= len(words) or words[first].start >= span.end:
        return False
    if first + 1 < len(words) and words[first + 1].start < span.end:
        return False  # more than one word
    return _a_thing_here(text, words, first, lexicon)


def an_outdoor_place(text: str, words: Sequence[Word], span: Span) -> bool:
    """Whether a span (the tagger's) ends with an outdoor place's word written in lower case:
    "i go to big woods with my mates", "we go to blue lake" ("Ellie Woods" is someone)."""
    last = bisect.bisect_left(words, span.end, key=_start) - 1
    return (
        last >= 0
        and words[last].key in OUTDOOR_PLACES
        and not words[last].capitalised
        and words[last].start >= span.start
    )


def _start(word: Word) -> int:
    return word.start


def _a_game(text: str, words: Sequence[Word], index: int) -> bool:
    """A word in lower case after "played", or listed after one: "played uno and jenga" (a
    few games at most, so a long answer is not walked back for every word)."""
    for _ in range(4):
        if index <= 0:
            return False
        before = words[index - 1]
        if text[before.end : words[index].start] != " ":
            return False
        if before.key in _PLAY:
            return True
        if before.key not in ("and", "or", "n") or index < 2 or words[index - 2].capitalised:
            return False
        index -= 2
    return False


def _a_thing_here(text: str, words: Sequence[Word], index: int, lexicon: Lexicon) -> bool:
    """A word that the words beside it make a thing, not someone: a game played, a room, "ty"
    for thanks, a verb after a family word ("my mate chase each other")."""
    word = words[index]
    after = words[index + 1] if index + 1 < len(words) else None
    gap_before = text[words[index - 1].end : word.start] if index else "."
    previous = words[index - 1].key if index else ""
    if not word.capitalised and _a_game(text, words, index):
        return True
    if (
        word.capitalised
        and word.stem_end == word.end
        and (bool(gap_before.strip()) or (gap_before == " " and previous in _IN_A_ROOM))
        and after is not None
        and after.key in _ROOMS
        and text[word.end : after.start] == " "
    ):
        return True  # "the Willow room", "Rainbow class did the poster"
    if (
        word.capitalised
        and previous == "the"
        and gap_before == " "
        and after is not None
        and after.key == "of"
        and text[word.end : after.start] == " "
    ):
        return True  # "the Dean of the college", "the Head of Service": a post
    if (
        word.capitalised
        and previous == "of"
        and gap_before == " "
        and index >= 2
        and words[index - 2].capitalised
        and words[index - 2].key in ROLES
    ):
        return True  # "Head of Service", "Director of Children's Services"
    if word.key in _RAG_NAMES and _a_rating(words, index):
        return True
    if (
        after is not None
        and after.key in OUTDOOR_PLACES
        and text[word.end : after.start] == " "
        and word.stem_end == word.end
    ):
        return True  # "we went to sherwood forest", "Ashdown Forest": the place's name
    if _a_pets_name(words, index):
        return True
    if word.key in _THANKS and not word.capitalised:
        if after is None or after.key in _THANKED_FOR:
            return True
        return bool(text[word.end : after.start].strip())  # "ty!", "ty, see you"
    return (
        not word.capitalised
        and gap_before == " "
        and previous in RELATIONS
        and word.key in lexicon.dictionary
        and after is not None
        and after.key in _OBJECTS
        and text[word.end : after.start] == " "
    )


def _name_word(word: Word, lexicon: Lexicon, common_ok: bool = False) -> bool:
    """A word that can be a name: a first name (one that is also a common word only with a
    capital, or where the cue is strong), a word no list knows, or two or three shouted letters
    ("KC")."""
    key = word.key
    if key in NEVER_NAMES or word.is_number or len(key) < 2 or not word.text[0].isalpha():
        return False
    if key in _CHAT_WORDS:
        return False  # "bruv my dads gf ...": a word said to someone, not a name
    if word.upper and len(key) <= 3:
        return True
    if key in lexicon.first_names:
        return common_ok or word.capitalised or key not in lexicon.common_words
    return key not in lexicon.vocabulary and key not in lexicon.foreign_words


def _given_name(text: str, words: Sequence[Word], index: int, lexicon: Lexicon) -> bool:
    word = words[index]
    gap_before = text[words[index - 1].end : word.start] if index else ""
    if index and gap_before == " ":
        previous = words[index - 1].key
        if previous in _CALLED and index >= 3 and words[index - 2].key in ("is", "was", "'s"):
            # "my sw is called mark", "her boyfriend was named rocky": someone's name, however
            # ordinary the word ("my dog is called rocky" names a pet: no family word or job)
            subject = {words[position].key for position in range(max(0, index - 6), index - 2)}
            if subject & (RELATIONS | ROLES) and _name_word(word, lexicon, common_ok=True):
                return True
        if previous in _NICKNAME_LAST and _NICKNAMING.search(
            text, max(0, word.start - 20), word.start
        ):
            # a capital mid-sentence says it is the name given ("we call him Bear")
            nickname = word.capitalised and not word.upper and word.key not in NEVER_NAMES
            return nickname or _name_word(word, lexicon)
        if (
            previous in _TOLD
            and word.key in lexicon.first_names
            and word.key not in _MODALS
            and not word.upper
            and not _season_of(words, index)
            and (index < 2 or words[index - 2].key not in DETERMINERS)
        ):
            return True  # "then i told grace", "i texted summer": told, asked or rung someone
        if (
            previous == "to"
            and index >= 2
            and words[index - 2].key in _SPOKEN_TO
            and word.capitalised
            and not word.upper
            and (word.key in lexicon.first_names or word.key in lexicon.surnames)
        ):
            return True  # "i talked to Brooke after": spoken to, though a village is called so
        if (
            previous in ("and", "n", "&")
            and index >= 3
            and words[index - 2].key in RELATIONS
            and words[index - 3].key in _OWNERS
            and not word.upper
        ):
            return _name_word(word, lexicon)  # "my mum and gaz were arguing"
    after = words[index + 1] if index + 1 < len(words) else None
    if _initials_doing(text, words, index):
        return True
    if (
        after is not None
        and after.key == "at"
        and word.capitalised
        and not word.upper
        and word.key in lexicon.first_names
        and word.key not in _MODALS
        and text[word.end : after.start] == " "
        and (not index or bool(gap_before.strip()) or words[index - 1].key in ("and", "with"))
    ):
        return _a_workplace_follows(words, index + 2)  # "Bob at the contact centre is nice"
    if (
        after is not None
        and after.key == "to"
        and index + 3 < len(words)
        and words[index + 2].key == "be"
        and word.key in lexicon.first_names
        and word.key not in NEVER_NAMES
        and _my_relation(words, index + 3)
    ):
        return True  # "i want will to be my sw again", "can Hope be"
    if (
        index
        and words[index - 1].key in _IT
        and gap_before == " "
        and word.key in lexicon.first_names
        and word.key not in lexicon.common_words
        and (after is None or after.key in _SELF_NAMED_AFTER or text[word.end : after.start] != " ")
    ):
        return True  # "its jess again", "it's kacey, i forgot"
    if (
        after is not None
        and after.key in ("my", "our")
        and text[word.end : after.start] in (" ", ", ")
        and _name_word(word, lexicon)
        and not _a_verb_form(word.key, lexicon)
        and (not index or gap_before.strip() or words[index - 1].key in ("and", "n", "with"))
    ):
        return _kin_follows(words, index + 2)  # "bazza my mums boyfriend", "dee, my carer"
    return False


# Verbs whose object is someone: "i told grace", "she texted mark", "we thanked joy".
_TOLD = word_set(
    "told tell tells telling asked ask asks asking texted text texting rang ring phoned phone "
    "thanked thank hugged hug messaged message"
)
# Spoken or written to: "i talked to Brooke", "she explained to Ashley".
_SPOKEN_TO = word_set(
    "talked talk talking talks spoke speak speaking speaks chatted chat chatting listened listen "
    "explained explain complained complain wrote write texted text messaged message moaned"
)
# Where someone works or stays: "Bob at the contact centre", "Kerry at my school".
_WORKPLACES = word_set(
    "home centre center school college office hostel unit club council hub contact team "
    "nursery surgery clinic hospital reception desk agency"
)


def _a_workplace_follows(words: Sequence[Word], index: int) -> bool:
    """ "the contact centre", "my school": a place people work or stay, from index on."""
    if index >= len(words) or words[index].key not in ("the", "my", "our", "his", "her"):
        return False
    return any(
        words[position].key in _WORKPLACES
        for position in range(index + 1, min(index + 4, len(words)))
    )


def _initials_doing(text: str, words: Sequence[Word], index: int) -> bool:
    """Two or three capitals with no vowel, said as a name, then what a person does: "why DJ
    had to leave", "TJ said", "KC was upset" (not "the TV had to go": no determiner before)."""
    word = words[index]
    if not (word.upper and 2 <= len(word.text) <= 3 and word.text.isalpha()):
        return False
    if any(vowel in word.key for vowel in "aeiou") or word.key in NEVER_NAMES:
        return False
    if index + 2 >= len(words) or text[word.end : words[index + 1].start] != " ":
        return False
    if index and words[index - 1].key in DETERMINERS:
        return False
    following, then = words[index + 1].key, words[index + 2].key
    if following in PERSON_VERBS and following not in _LINKING_VERBS:
        return True
    if following in ("had", "has"):
        return then == "to"
    if following in ("was", "is"):
        return then in PERSON_QUALITIES or _my_relation(words, index + 2)
    return False


def _kin_follows(words: Sequence[Word], index: int) -> bool:
    """A family word or a job in the next three words, a possessive's s dropped ("my mums
    boyfriend")."""
    for position in range(index, min(index + 3, len(words))):
        key = words[position].key
        if key in RELATIONS or key in ROLES:
            return True
        if not (key in _MODIFIERS or (key.endswith("s") and key[:-1] in RELATIONS)):
            return False
    return False


def _month_named(text: str, words: Sequence[Word], index: int) -> bool:
    """A month's name that is someone's: written with a capital, not after "in" or a number,
    and followed by what a person does ("said", "is my key worker", "from the council")."""
    word = words[index]
    if word.key not in _MONTH_NAMES or not word.text[0].isupper() or index + 1 >= len(words):
        return False
    if index and (words[index - 1].key in _BEFORE_A_MONTH or words[index - 1].is_number):
        return False
    after = words[index + 1]
    if text[word.end : after.start] != " ":
        return False
    if after.key in _LINKING_VERBS or after.key in ("is", "was"):
        return _my_relation(words, index + 2)
    if after.key == "from":
        return index + 2 < len(words) and words[index + 2].key in ("the", "my", "our")
    return after.key in _SPEECH or after.key in _PERSON_ONLY_VERBS


# After a capital letter said again, what makes it someone doing something, not "A" the article:
# "A drew a picture", "R was happy".
_LETTER_DOES = _LETTER_VERBS | word_set(
    "was is has had drew wrote chose likes loves hates wants would could didnt didn't doesnt "
    "doesn't wasnt wasn't isnt isn't cant can't wont won't seemed seems felt feels"
)


_SENTENCE_END = re.compile(r"[.!?:;\n]")


def said_again(
    text: str, words: Sequence[Word], found: Sequence[Span], lexicon: Lexicon
) -> list[Span]:
    """The same name where the answer says it again: "On behalf of R (10): R wanted ...",
    "Patience from the hostel came ... Patience is her key worker". A name found once (by any
    rule or the tagger) is found everywhere it is written the same way, unless the words beside
    it make it a word there ("Hope you are well", "Plan B", "A lot")."""
    people = [span for span in found if span.label == PERSON]
    if not people:
        return []
    in_person = _covered(words, people)
    named: set[str] = set()
    for position, word in enumerate(words):
        if not in_person[position]:
            continue
        stem = text[word.start : word.stem_end]
        if len(stem) == 1:
            if stem.isupper() and stem != "I":
                named.add(stem)
        elif stem[0].isupper() or word.key not in lexicon.vocabulary:
            named.add(stem)
    if not named:
        return []
    spans: list[Span] = []
    count = len(words)
    taken = _covered(words, found)
    for index, word in enumerate(words):
        stem = text[word.start : word.stem_end]
        if stem not in named or taken[index]:
            continue
        after = words[index + 1] if index + 1 < count else None
        # the word before counts only in the same sentence ("... sorted it. Charity is there")
        gap = text[words[index - 1].end : word.start] if index else "."
        previous = words[index - 1].key if not _SENTENCE_END.search(gap) else ""
        if previous in _NOT_AGAIN_BEFORE or previous in _BEFORE_NOT_INITIAL:
            continue  # "the Will", "Plan B"
        joined = text[word.end : word.end + 1] + text[max(0, word.start - 1) : word.start]
        if any(char in "&-/" for char in joined):
            continue  # "A&E", "Q-A", "B/C"
        if len(stem) == 1:
            if text[word.end : word.end + 1] == "." and text[word.end + 1 : word.end + 2].isalpha():
                continue  # "A.M."
            if stem == "A" and (after is None or after.key not in _LETTER_DOES):
                continue  # "A lot of people", but "A drew a picture"
        elif after is not None and after.key in _NOT_AGAIN_AFTER and word.key in lexicon.vocabulary:
            continue  # "Will you ring me", "Hope this helps"
        spans.append(Span(word.start, word.stem_end, PERSON))
    return spans
