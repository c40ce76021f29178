"""Contact details beyond the first pass: numbers said in words, social media handles, and
email addresses written out ("jo at example dot com")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..redaction import EMAIL, PHONE, Span, find_phones
from .identifiers import round_figures
from .lexicon import PLATFORMS, fold

HANDLE = "HANDLE"

_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0",
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_REPEATS = {"double": 2, "triple": 3, "treble": 3}
_NUMBER_WORD = "|".join([*_DIGIT_WORDS, *_REPEATS, r"\d+"])
# A run of digits and digit words: "zero seven seven zero zero nine ...", "07700 nine 0 0 ...".
_SPOKEN_NUMBER = re.compile(
    rf"\b(?:{_NUMBER_WORD})(?:[\s,.-]{{1,3}}(?:{_NUMBER_WORD})){{5,}}\b", re.IGNORECASE
)
_SPOKEN_TOKEN = re.compile(rf"{_NUMBER_WORD}", re.IGNORECASE)


def find_spoken_phones(text: str) -> Iterator[Span]:
    """Phone numbers written out in words, in full (ten or eleven digits starting with 0)."""
    for match in _SPOKEN_NUMBER.finditer(text):
        if not any(char.isalpha() for char in match.group()):
            continue  # digits alone are the first pass's business
        digits: list[str] = []
        repeat = 1
        for token in _SPOKEN_TOKEN.finditer(match.group()):
            word = token.group().lower()
            if word in _REPEATS:
                repeat = _REPEATS[word]
                continue
            digits.extend(_DIGIT_WORDS.get(word, word) * repeat)
            repeat = 1
        number = "".join(digits)
        national = number.startswith("0") and 10 <= len(number) <= 11
        if national or (number.startswith("44") and len(number) == 12):
            yield Span(match.start(), match.end(), PHONE)


# Helplines are published for everyone to ring: a child naming Childline gives away nothing about
# themselves, and the reader needs to see which service they tried.
_HELPLINES = frozenset({"08001111", "08088005000", "08082000247", "08088024040", "116123"})


def is_helpline(number: str) -> bool:
    """Whether a phone number as typed is a national helpline's (whatever found it)."""
    return "".join(char for char in number if char.isdigit()) in _HELPLINES


def find_personal_phones(text: str) -> Iterator[Span]:
    """The first pass's phone numbers, less the national helplines."""
    for span in find_phones(text):
        value = text[span.start : span.end]
        if not is_helpline(value) and not round_figures(value):
            yield span


# A letter O typed for a zero inside a phone number: "07700 900 88O", "O7700 900412".
_EIGHT_DIGITS = re.compile(r"\d(?:\D{0,3}\d){7}")
_FIVE_DIGITS = re.compile(r"\d(?:\D{0,6}\d){4}")
_O_PHONE = re.compile(r"(?<![\w+])[0Oo][\dOo](?:[ .-]{0,2}[\dOo]){8,9}(?!\w)")


def find_mistyped_phones(text: str) -> Iterator[Span]:
    """Phone numbers with a letter O for a zero: ten or eleven figures starting with 0 once the
    Os are read as zeros, at least eight of them real digits; or a mobile number ("o77oo 9oo
    245", eleven figures starting 07) with every zero typed as an O and five real digits."""
    if "o" not in text and "O" not in text:
        return
    if not _EIGHT_DIGITS.search(text) and not _FIVE_DIGITS.search(text):
        return
    for match in _O_PHONE.finditer(text):
        value = match.group()
        if not any(char in "oO" for char in value):
            continue
        digits = sum(char.isdigit() for char in value)
        read = "".join("0" if char in "oO" else char for char in value if char.isalnum())
        mobile = len(read) == 11 and read.startswith("07") and value[1:2].isdigit()
        if digits < 8 and not (mobile and digits >= 5):
            continue
        yield Span(match.start(), match.end(), PHONE)


# --- Handles -------------------------------------------------------------------------------

# "@zuzia.w.ipswich": an at sign that does not belong to an email address.
_AT_HANDLE = re.compile(r"(?<![\w@.+-])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
# A run of the characters user names are made of; handle_shaped() says if it is one.
_NAME_RUN = re.compile(r"(?<![\w@.])[A-Za-z0-9_.]*[A-Za-z0-9_](?![\w@])")


def handle_shaped(value: str) -> bool:
    """Words with an underscore are user names ("kayla_xo2011"), and so are words that join
    letters and digits with a dot ("jayden.m0ney")."""
    letters = sum(char.isalpha() for char in value)
    if "_" in value:
        return letters > 0
    if "." in value.strip(".") and value[0].isalpha() and len(value) >= 6 and letters >= 3:
        return any(char.isdigit() for char in value)
    return False


# After a platform word, any word the dictionary does not know: "my snap is kaylaxo".
_CANDIDATE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.#]*[A-Za-z0-9_]|[A-Za-z0-9_]")
_PLATFORM_CUE = re.compile(
    r"\b(?:snap(?:chat)?|sc|insta(?:gram)?|ig|tik ?tok|tt|twitter|fb|facebook|discord|xbox|psn|"
    r"gamer ?tag|gaming tag|tag|user ?names?|handle|add me|dm|follow me|my @)\b"
    r"(?:\s*(?:is|was|as|:|-|=|name|on|at|her|him|me|it's|its|\())*\s*",
    re.IGNORECASE,
)


# Before a platform word: "(lacey.b.xo on snap)", "add me jaydenxo on tiktok".
_PLATFORM_AFTER = re.compile(
    r"(?<![\w@.])([A-Za-z0-9_][A-Za-z0-9_.]*[A-Za-z0-9_])[ ]+(?:on|at|@)[ ]+"
    r"(?:snap(?:chat)?|sc|insta(?:gram)?|ig|tik ?tok|twitter|discord|xbox|psn|threads)\b",
    re.IGNORECASE,
)


def find_handles(text: str, vocabulary: frozenset[str]) -> Iterator[Span]:
    """Social media and gaming user names."""
    if "@" in text:
        for match in _AT_HANDLE.finditer(text):
            if len(match.group()) > 2:
                yield Span(match.start(), match.end(), HANDLE)
    if "_" in text or "." in text:
        for match in _NAME_RUN.finditer(text):
            value = match.group()
            if ("_" in value or "." in value) and handle_shaped(value):
                yield Span(match.start(), match.end(), HANDLE)
    for cue in _PLATFORM_CUE.finditer(text):
        candidate = _CANDIDATE.match(text, cue.end())
        if candidate is None or cue.end() >= len(text):
            continue
        value = candidate.group().rstrip(".")
        key = fold(value)
        if key in vocabulary or key in PLATFORMS or value.isdigit() or len(value) < 3:
            continue
        yield Span(candidate.start(), candidate.start() + len(value), HANDLE)
    if " on " in text or " at " in text or " @ " in text:
        for match in _PLATFORM_AFTER.finditer(text):
            value = match.group(1)
            # a word no dictionary knows, or one joined by dots ("lacey.b.xo"); not "me on snap"
            dotted = "." in value.strip(".")
            if (dotted or fold(value) not in vocabulary) and not value.isdigit() and len(value) > 2:
                yield Span(match.start(1), match.end(1), HANDLE)


# --- Email written out ---------------------------------------------------------------------

_SPELLED_EMAIL = re.compile(
    r"\b(?:[\w+-]+(?:\.|\s+dot\s+))*[\w+-]+\s*(?:\(at\)|\[at\]|\{at\}|\s+at\s+)\s*[\w-]+"
    r"(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*[\w-]+)*"
    r"\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*"
    r"(?:com|org|net|uk|co\s*(?:\.|dot)\s*uk|example)\b",
    re.IGNORECASE,
)


_AT_WORD = re.compile(r"\sat\s|[(\[{]at[)\]}]")


def find_spelled_emails(text: str) -> Iterator[Span]:
    """Addresses written to dodge filters: "jo at example dot com", "jo(at)example.com"."""
    lowered = text.lower()
    if " dot " not in lowered and "(at)" not in lowered and "[at]" not in lowered:
        return
    # Every spelled address has an "at": without one the pattern could only backtrack (slowly,
    # over a long run of "dot dot dot").
    if not _AT_WORD.search(lowered):
        return
    for match in _SPELLED_EMAIL.finditer(text):
        yield Span(match.start(), match.end(), EMAIL)


# --- Email with spaces or words for its signs ----------------------------------------------

# The endings of addresses people give: "example.com", "school.sch.uk", "nhs.net".
_EMAIL_END = (
    r"(?:com|org|net|uk|co\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*uk|example|io|me|info|biz|ie|"
    r"edu|gov|scot|wales|cymru|email|online)\b"
)
_DOT = r"(?:\.|\s*\(dot\)\s*|\s*\[dot\]\s*|\s+dot\s+)"
# "jo.bloggs @ example.com", "jo@example dot com", "jo at example.co.uk": an at sign with spaces
# round it, or the word "at" before a domain written with real dots.
_LOOSE_EMAIL = re.compile(
    r"(?<![\w.+-])(?P<local>[\w+-]+(?:\.[\w+-]+)*)"
    r"(?P<at>\s*@\s*|\s+at\s+|\s*\(at\)\s*|\s*\[at\]\s*)"
    rf"[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_EMAIL_END}",
    re.IGNORECASE,
)
# Every such address ends in one of the endings: most answers have none, so look for it first.
_EMAIL_ENDING = re.compile(rf"(?:\.|dot\b|dot\)|dot\])\s*{_EMAIL_END}")
_EMAIL_CUE = re.compile(r"\b(?:e-?mail|contact|write|reach|message)\w*\b", re.IGNORECASE)


def find_loose_emails(text: str) -> Iterator[Span]:
    """Addresses typed with spaces round the at sign, or with "at" for it and real dots."""
    lowered = text.lower()
    if "@" not in text and not any(word in lowered for word in (" at ", "(at)", "[at]")):
        return
    if not _EMAIL_ENDING.search(lowered):
        return
    for match in _LOOSE_EMAIL.finditer(text):
        local = match.group("local")
        spelled_at = "@" not in match.group("at")
        # "shop at tesco.com" is a place to shop: with the word "at", the part before it must
        # look like a mailbox (dots, digits, underscores) or the text must be about an email.
        if spelled_at and not (
            any(char in local for char in "._+")
            or any(char.isdigit() for char in local)
            or _EMAIL_CUE.search(text, max(0, match.start() - 40), match.start())
        ):
            continue
        yield Span(match.start(), match.end(), EMAIL)
