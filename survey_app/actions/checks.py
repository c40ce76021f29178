"""The checks an action's child-friendly words pass: a reading age of about 9 (English, a
warning staff see) and no personal data (a refusal before approval)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..definitions.languages import language_name
from ..definitions.reading_age import DEFAULT_GRADE, MINIMUM_WORDS, reading_grade, sentences
from ..privacy.anonymiser import anonymise

# A reading age of 9 is the level the child surveys are written for (the 8 to 11 band).
READING_GRADE = DEFAULT_GRADE
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")

# What the anonymiser found, in words that name the kind and never quote it.
KIND_WORDS = {
    "PERSON": "a name",
    "PHONE": "a phone number",
    "EMAIL": "an email address",
    "HANDLE": "a social media handle",
    "ADDRESS": "an address",
    "POSTCODE": "a postcode",
    "SCHOOL": "a school",
    "ID": "an identifying number",
    "DATE_OF_BIRTH": "a date of birth",
}


def hard_to_read(english: str) -> list[float]:
    """The grades of the sentences in english that are harder than a reader of 9 manages."""
    return [
        grade
        for sentence in sentences(english)
        if len(_WORD.findall(sentence)) >= MINIMUM_WORDS
        and (grade := reading_grade(sentence)) > READING_GRADE
    ]


def reading_warnings(texts: Mapping[str, tuple[str, str]]) -> list[str]:
    """Warnings about the English child words ({language: (you said, we did)}) that are harder
    than a reading age of 9 (Flesch-Kincaid grade above 4); other languages are not measured."""
    english = texts.get("en")
    if english is None:
        return []
    warnings = []
    for part, words in zip(("You said", "We did"), english, strict=True):
        grades = hard_to_read(words)
        if grades:
            warnings.append(
                f"{part} (English) reads above a reading age of 9: a sentence scores grade "
                f"{max(grades):.1f} where children's words aim for {READING_GRADE:.0f} or below. "
                "Use shorter sentences and shorter words."
            )
    return warnings


def personal_data_kinds(words: str) -> list[str]:
    """The kinds of personal data the anonymiser finds in words ("a name", "a phone number"),
    each once, in the order found; place names a child could not be told apart by are kept."""
    found = []
    for span in anonymise(words).spans:
        kind = KIND_WORDS.get(span.label)
        if kind is not None and kind not in found:
            found.append(kind)
    return found


def personal_data_problems(texts: Mapping[str, tuple[str, str]]) -> list[str]:
    """Why the child words may not be approved: each piece that holds personal data, naming
    the kind and the language, never the words themselves."""
    problems = []
    for language, pair in texts.items():
        for part, words in zip(("You said", "We did"), pair, strict=True):
            kinds = personal_data_kinds(words)
            if kinds:
                problems.append(
                    f"{part} ({language_name(language)}) holds what looks like "
                    f"{_listed(kinds)}: take it out, then approve."
                )
    return problems


def _listed(kinds: Iterable[str]) -> str:
    items = list(kinds)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
