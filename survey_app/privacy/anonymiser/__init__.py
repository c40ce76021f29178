"""The free-text anonymiser: finds personal data in an answer and replaces it with placeholders.

`anonymise(text, settings)` is the one entry point; the worker and `survey-app redact` both call
it. Rules and word lists find most personal data, and every one of their decisions can be traced
to a rule; a small learned tagger (`tagger.py`, a CRF trained from files in the repository) adds
what it is sure of in wordings no rule expects. Both run offline, on one core, in under a
millisecond for a typical answer.

Why not Presidio: without a spaCy model (none may be downloaded here) it has no name finder, only
regular expressions, which are no better than these for UK data; its email recogniser fetches
the public suffix list from the internet on first use; and on a blank pipeline its recognisers
alone took 0.6 ms an answer on the development set, most of the 1 ms budget.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..redaction import (
    Detector,
    Redaction,
    Span,
    find_emails,
    find_postcodes,
    merge_spans,
    redact,
    replace_spans,
)
from . import contact, identifiers, lexicon, people, places, schools, tagger
from .lexicon import NEVER_NAMES, fold
from .text import words

PERSON = people.PERSON
PHONE = "PHONE"
EMAIL = "EMAIL"
HANDLE = contact.HANDLE
ADDRESS = places.ADDRESS
POSTCODE = "POSTCODE"
SCHOOL = schools.SCHOOL
ID = identifiers.ID
DATE_OF_BIRTH = identifiers.DATE_OF_BIRTH
LOCATION = places.LOCATION
LABELS = (
    PERSON, PHONE, EMAIL, HANDLE, ADDRESS, POSTCODE, SCHOOL, ID, DATE_OF_BIRTH, LOCATION
)  # fmt: skip

# Placeholders already in the text (from an earlier pass) are left exactly as they are.
_PLACEHOLDER = re.compile(r"\[(?:NAME|PHONE|EMAIL|HANDLE|ADDRESS|POSTCODE|SCHOOL|ID|DOB|PLACE)\]")
# A saint's day is a holiday, not a person or a school: "St David's Day", "saint patricks day".
_SAINTS_DAY = re.compile(r"\b(?:st|saint)\.?\s+[^\W\d_]+(?:['’]?s)?\s+day\b", re.IGNORECASE)


@dataclass(frozen=True)
class AnonymiserSettings:
    """What to remove beyond the personal data that is always removed."""

    # Towns and villages are always found; they are replaced only when a survey asks.
    redact_locations: bool = False
    # Names the council knows may appear (its staff), one per entry: "Jane Okafor".
    staff_names: tuple[str, ...] = ()


DEFAULT_SETTINGS = AnonymiserSettings()


def anonymise(text: str, settings: AnonymiserSettings = DEFAULT_SETTINGS) -> Redaction:
    """Replace personal data in text with placeholders such as [NAME] and [PHONE]."""
    known = lexicon.load()
    protected = [Span(m.start(), m.end(), "PLACEHOLDER") for m in _PLACEHOLDER.finditer(text)]
    if "day" in text.lower():
        protected += [Span(m.start(), m.end(), "HOLIDAY") for m in _SAINTS_DAY.finditer(text)]
    structured = [
        span
        for span in redact(text, _structured_detectors()).spans
        if not _overlaps_any(span, protected)
    ]
    answer_words = words(text)
    addresses = places.find_addresses(text, answer_words, known)
    found_schools = schools.find_schools(text, answer_words, known)
    taken = [*protected, *structured, *addresses, *found_schools]
    locations = [
        span
        for span in places.find_locations(text, answer_words, known)
        if not _overlaps_any(span, taken)
    ]
    staff_keys, staff_spans = _staff(text, settings.staff_names)
    found_people = people.find_people(
        text, answer_words, known, taken=taken, places=locations, staff=staff_keys
    )
    # The learned tagger's spans are added to the rules' (a union): it finds what no rule
    # expects. A word the rules took for a town stays a town unless the tagger reads that very
    # word as a school or a street ("at brookfield till year 6"): many schools are named after
    # villages.
    learned = [
        span
        for span in tagger.find(text, answer_words, known)
        if not _overlaps_any(span, protected)
        and not (span.label == PHONE and contact.is_helpline(text[span.start : span.end]))
        and not (
            span.label in (PHONE, ID) and identifiers.round_figures(text[span.start : span.end])
        )
        and not (span.label == ADDRESS and places.measures_a_distance(span, answer_words))
        and not (span.label == PERSON and people.a_thing_here(text, answer_words, span, known))
        and not (
            span.label in (PERSON, SCHOOL) and people.an_outdoor_place(text, answer_words, span)
        )
        and (
            not _overlaps_any(span, locations)
            or (span.label in (SCHOOL, ADDRESS) and _inside_any(span, locations))
        )
    ]
    learned = [
        places.with_number_word(text, span) if span.label == ADDRESS else span for span in learned
    ]
    removed = [*structured, *addresses, *found_schools, *found_people, *staff_spans, *learned]
    if settings.redact_locations:
        removed.extend(locations)
    spans = merge_spans(span for span in removed if not _overlaps_any(span, protected))
    # A name found once is found wherever the answer says it again ("On behalf of R (10): R
    # wanted ...", a name the tagger found, then the same name at the start of a sentence).
    again = people.said_again(text, answer_words, spans, known)
    if again:
        again = [span for span in again if not _overlaps_any(span, protected)]
        spans = merge_spans([*spans, *again])
    kept = (
        ()
        if settings.redact_locations
        else tuple(location for location in locations if not _overlaps_any(location, spans))
    )
    return Redaction(text=replace_spans(text, spans), spans=spans, kept=kept)


@functools.cache
def _structured_detectors() -> tuple[Detector, ...]:
    """The detectors run through redact(): contact details, identifiers, dates of birth."""
    known = lexicon.load()

    def find_handles(text: str) -> list[Span]:
        return list(contact.find_handles(text, known.vocabulary))

    def is_name(word: str) -> bool:
        key = fold(word)
        return key in known.first_names or (key not in known.vocabulary and key not in NEVER_NAMES)

    def find_outward_codes(text: str) -> list[Span]:
        return list(identifiers.find_outward_codes(text, known.places))

    def find_dates_of_birth(text: str) -> list[Span]:
        return list(identifiers.find_dates_of_birth(text, is_name))

    return (
        find_emails,
        contact.find_spelled_emails,
        contact.find_loose_emails,
        contact.find_personal_phones,
        contact.find_mistyped_phones,
        contact.find_spoken_phones,
        find_postcodes,
        find_outward_codes,
        identifiers.find_loose_postcodes,
        identifiers.find_nhs_numbers,
        identifiers.find_ni_numbers,
        identifiers.find_pupil_numbers,
        identifiers.find_references,
        identifiers.find_cued_codes,
        find_handles,
        find_dates_of_birth,
    )


def _inside_any(span: Span, others: list[Span]) -> bool:
    return any(other.start <= span.start and span.end <= other.end for other in others)


def _overlaps_any(span: Span, others: list[Span] | tuple[Span, ...]) -> bool:
    return any(span.start < other.end and other.start < span.end for other in others)


def _staff(text: str, staff_names: tuple[str, ...]) -> tuple[frozenset[str], list[Span]]:
    """The council's staff names: each word counts as a known name, and whole names are found
    in any case."""
    if not staff_names:
        return frozenset(), []
    keys, patterns = _staff_patterns(staff_names)
    return keys, [Span(m.start(), m.end(), PERSON) for p in patterns for m in p.finditer(text)]


@functools.lru_cache(maxsize=8)
def _staff_patterns(
    staff_names: tuple[str, ...],
) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    keys = frozenset(fold(part) for name in staff_names for part in name.split() if len(part) > 1)
    patterns = []
    for name in staff_names:
        parts = name.split()
        if len(parts) > 1:
            words_pattern = (re.escape(part).replace("'", "['’]") for part in parts)
            patterns.append(re.compile(r"\b" + r"\s+".join(words_pattern) + r"\b", re.IGNORECASE))
    return keys - NEVER_NAMES, tuple(patterns)
