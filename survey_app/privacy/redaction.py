"""First-pass redaction of emails, UK phone numbers and UK postcodes in free text."""

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import phonenumbers

EMAIL = "EMAIL"
PHONE = "PHONE"
POSTCODE = "POSTCODE"


@dataclass(frozen=True)
class Span:
    """A labelled stretch of the original text, as a half-open [start, end) range."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Redaction:
    """Redacted text plus the spans of the original text that were replaced.

    `kept` holds what was found but left in the text: towns and villages, unless the survey
    asks for them to be removed too.
    """

    text: str
    spans: tuple[Span, ...]
    kept: tuple[Span, ...] = ()


# A detector is any function from text to spans; the fuller anonymiser can add
# its own (names, schools, ...) without touching how spans are merged.
Detector = Callable[[str], Iterable[Span]]


# Markers a reader understands at a glance; other labels stand in as themselves ("[PHONE]").
PLACEHOLDERS = {"PERSON": "[NAME]", "DATE_OF_BIRTH": "[DOB]", "LOCATION": "[PLACE]"}


def placeholder(label: str) -> str:
    """Return the marker that stands in for a span with this label."""
    return PLACEHOLDERS.get(label) or f"[{label}]"


# --- Email -----------------------------------------------------------------

_LOCAL_CHAR = r"[\w.!#$%&'*+=?^~-]"
# The lookbehind makes every attempt start at the beginning of a run of
# local-part characters; without it a long run with no "@" costs quadratic time.
_EMAIL = re.compile(rf"(?<!{_LOCAL_CHAR}){_LOCAL_CHAR}+@[\w-]+(?:\.[\w-]+)+")


def find_emails(text: str) -> Iterable[Span]:
    """Find email addresses."""
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        yield Span(match.start(), match.end(), EMAIL)


# --- Phone -----------------------------------------------------------------

# The UK's shortest full numbers (e.g. Childline, 0800 1111) have seven digits
# after the trunk 0; anything shorter is an age, a year or a sum of money.
_MIN_NATIONAL_DIGITS = 7
_PLUS_SIGNS = frozenset("+\uff0b")
# Text with fewer digits than the shortest number cannot hold one, and the
# matcher is by far the slowest detector, so most texts skip it entirely.
_ENOUGH_DIGITS = re.compile(rf"\d(?:\D*\d){{{_MIN_NATIONAL_DIGITS - 1}}}")
# The matcher splits on characters it does not treat as separators (for
# example "07700_900412"); this catches 10- or 11-digit UK numbers however
# they are punctuated.
_UK_DIGIT_RUN = re.compile(
    r"(?<![\d+])"
    r"(?:(?:\+|00)[ ]?44[ ]?(?:\(0\)[ ]?)?|\(?0)"
    r"\d(?:[ ._\-\u2013\u2014/()]{0,2}\d){8,9}"
    r"(?!\d)"
)


def _digits(raw: str) -> str:
    """Return the ASCII digits of raw, whatever script they were written in."""
    return "".join(str(unicodedata.decimal(char)) for char in raw if char.isdecimal())


def _is_dialable_in_full(raw: str, national_number: int) -> bool:
    """Tell a full phone number from a bare local number such as a year."""
    if len(str(national_number)) < _MIN_NATIONAL_DIGITS:
        return False
    first = next((char for char in raw if char.isdecimal() or char in _PLUS_SIGNS), "")
    if first in _PLUS_SIGNS:
        return True
    digits = _digits(raw)
    # A leading 0 is the UK trunk prefix (or the 00 international prefix); a
    # leading 44 without the "+" is how people often copy +44 numbers.
    return digits.startswith("0") or (digits.startswith("44") and len(digits) >= 12)


# A day, a month and a four-digit year: the phone matcher would take "01.04.2025" for a number.
_DATE = re.compile(r"\d{1,2}([./-])\d{1,2}\1(?:19|20)\d{2}")


def _phone_span(text: str, start: int, end: int) -> Span:
    """Return a phone span without an unmatched bracket at either end."""
    # Both the matcher and the fallback take "(" as the start of an area code,
    # so "(07700 900412)" would otherwise be redacted as "[PHONE])".
    while text[start] == "(" and text.count("(", start, end) > text.count(")", start, end):
        start += 1
    while text[end - 1] == ")" and text.count(")", start, end) > text.count("(", start, end):
        end -= 1
    return Span(start, end, PHONE)


def find_phones(text: str) -> Iterable[Span]:
    """Find UK phone numbers (and international ones written with + or 00)."""
    if not _ENOUGH_DIGITS.search(text):
        return
    # POSSIBLE rather than VALID: Ofcom's drama ranges (07700 900xxx,
    # 01632 960xxx) are not valid numbers, yet children may well write them.
    for match in phonenumbers.PhoneNumberMatcher(
        text, "GB", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        national = match.number.national_number
        if _DATE.fullmatch(match.raw_string.strip()):
            continue  # "01.04.2025" is a date with a leading 0, not a number to ring
        if national is not None and _is_dialable_in_full(match.raw_string, national):
            yield _phone_span(text, match.start, match.end)
    for run in _UK_DIGIT_RUN.finditer(text):
        yield _phone_span(text, run.start(), run.end())


# --- Postcode --------------------------------------------------------------

# Only the shape is checked, not the Royal Mail letter rules, so that made-up
# but realistic postcodes are caught too. ASCII keeps \b and \d to A-Z and 0-9.
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t\u00a0]?\d[A-Z]{2}\b", re.IGNORECASE | re.ASCII)


def find_postcodes(text: str) -> Iterable[Span]:
    """Find full UK postcodes in any case, with or without the space."""
    for match in _POSTCODE.finditer(text):
        yield Span(match.start(), match.end(), POSTCODE)


DETECTORS: tuple[Detector, ...] = (find_emails, find_phones, find_postcodes)


# --- Redaction -------------------------------------------------------------


def merge_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Merge overlapping spans; each group takes the longest (then earliest) span's label."""
    ordered = sorted(spans, key=lambda span: (span.start, -span.end))
    merged: list[Span] = []
    group: list[Span] = []
    group_end = -1

    def close_group() -> None:
        if group:
            # The merged span covers the whole group so that no part of an
            # overlapping detection is left showing.
            winner = max(group, key=lambda span: (span.end - span.start, -span.start))
            merged.append(Span(group[0].start, group_end, winner.label))

    for span in ordered:
        if span.end <= span.start:
            continue
        if group and span.start < group_end:
            group.append(span)
            group_end = max(group_end, span.end)
        else:
            close_group()
            group = [span]
            group_end = span.end
    close_group()
    return tuple(merged)


def replace_spans(text: str, spans: Sequence[Span]) -> str:
    """Replace each (non-overlapping, ordered) span with its placeholder."""
    pieces: list[str] = []
    position = 0
    for span in spans:
        pieces.append(text[position : span.start])
        pieces.append(placeholder(span.label))
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def _to_original(found: Span, spans: Sequence[Span]) -> Span:
    """Map a span found in redacted text back onto the original text."""
    # How far the original text runs ahead of the redacted text so far.
    offset = 0
    start: int | None = None
    end: int | None = None
    for span in spans:
        mark_start = span.start - offset
        mark_end = mark_start + len(placeholder(span.label))
        if start is None:
            if found.start < mark_start:
                start = found.start + offset
            elif found.start < mark_end:
                start = span.start
        if end is None:
            if found.end <= mark_start:
                end = found.end + offset
            elif found.end <= mark_end:
                end = span.end
        offset += (span.end - span.start) - (mark_end - mark_start)
    return Span(
        found.start + offset if start is None else start,
        found.end + offset if end is None else end,
        found.label,
    )


def redact(text: str, detectors: Sequence[Detector] = DETECTORS) -> Redaction:
    """Replace emails, phone numbers and postcodes with placeholders like [PHONE]."""
    spans = merge_spans(span for detect in detectors for span in detect(text))
    redacted = replace_spans(text, spans)
    # Removing one item can expose another that its neighbour hid (a postcode
    # run straight onto a phone number has no word boundary until the number
    # becomes "[PHONE]"), so detect again until the output is clean. Coverage
    # only grows, so this ends; in practice it takes one extra pass.
    while spans:
        found = [span for detect in detectors for span in detect(redacted)]
        if not found:
            break
        widened = merge_spans([*spans, *(_to_original(span, spans) for span in found)])
        if widened == spans:
            break
        spans = widened
        redacted = replace_spans(text, spans)
    return Redaction(text=redacted, spans=spans)
