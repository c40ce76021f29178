"""Identifiers (NHS, National Insurance and pupil numbers, case references), dates of birth, and
postcodes given only by their first half ("covering PE29")."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator

from stdnum.gb import nhs

from ..redaction import POSTCODE, Span
from .lexicon import word_set

ID = "ID"
DATE_OF_BIRTH = "DATE_OF_BIRTH"

_DIGIT = re.compile(r"\d")

# --- NHS numbers ---------------------------------------------------------------------------

_TEN_DIGITS = re.compile(r"(?<![\d+.])\d{3}[ .-]?\d{3}[ .-]?\d{4}(?![\d]|\.\d)")
_NHS_CUE = re.compile(r"\bnhs\b", re.IGNORECASE)
_NHS_GROUPED = re.compile(r"(?<![\d+])\d(?:[ -]?\d){9}(?![ -]?\d)")


# Written as NHS numbers are (3 3 4): no phone number has that shape unless it starts with 0.
_NHS_SHAPE = re.compile(r"\d{3}([ .-])\d{3}\1\d{4}")


def find_nhs_numbers(text: str) -> Iterator[Span]:
    """Ten-digit numbers with a valid NHS check digit, in the NHS number's 3-3-4 shape, or said
    to be one: a child may mistype a digit, so the check digit is not required."""
    if not _DIGIT.search(text):
        return
    for match in _TEN_DIGITS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        said_to_be = _NHS_CUE.search(text, max(0, match.start() - 40), match.start())
        shaped = _NHS_SHAPE.fullmatch(match.group())
        if not said_to_be and shaped and _round_figures(re.split(r"[ .-]", match.group())):
            continue  # "we raised 200 300 3800": totals listed, not a number in NHS groups
        if digits[0] != "0" and (nhs.is_valid(digits) or said_to_be or shaped):
            yield Span(match.start(), match.end(), ID)
    # Said to be an NHS number but grouped some other way: "nhs number is 9431 8602 15".
    for cue in _NHS_CUE.finditer(text):
        number = _NHS_GROUPED.search(text, cue.end(), cue.end() + 30)
        if number and not number.group().startswith("0"):
            yield Span(number.start(), number.end(), ID)


# --- National Insurance numbers ------------------------------------------------------------

# HMRC's rules: the first letter is not D, F, I, Q, U or V; the second is not D, F, I, O, Q, U
# or V; BG, GB, KN, NK, NT, TN and ZZ are never issued; the suffix is A to D. (python-stdnum has
# no module for British NI numbers.) QQ is HMRC's own example prefix, which forms copy.
_NI_NUMBER = re.compile(
    r"\b([A-Z])\s?([A-Z])\s?(\d{2})\s?(\d{2})\s?(\d{2})\s?([A-D])\b", re.IGNORECASE
)
# The shape alone, with any final letter or none: "AB 12 34 56 E", "ni AB123456".
_NI_SHAPE = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}(?:\s?[A-Z])?\b", re.IGNORECASE)
# In capitals and spaced as on the card: "is 12 34 56" is no NI number without a cue.
_NI_SPACED = re.compile(r"[A-Z]{2} \d{2} \d{2} \d{2}(?: [A-Z])?")
# Every NI number has six digits in pairs: most answers have none, so look for them first.
_SIX_DIGITS = re.compile(r"\d\d\s?\d\d\s?\d\d")
_NI_CUE = re.compile(r"\b(?:ni|nino|national\s+insurance)\b", re.IGNORECASE)
_NOT_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


# Two letters and six digits run together, with a final letter or none ("AB123456", "ab123456c"):
# no date, sum, phone or postcode has that shape, so it is an identifier whatever its letters.
_NI_RUN = re.compile(r"\b[A-Z]{2}\d{6}[A-Z]?\b", re.IGNORECASE)


# Two-letter words that may stand before three pairs of figures: "my score is 12 34 56 a".
_TWO_LETTER_WORDS = word_set(
    "is in on at to of it me my we be so no up us as an am he do go or by if ok oh hi ya yo"
)


def _is_ni_prefix(first: str, second: str) -> bool:
    prefix = (first + second).upper()
    if prefix == "QQ":
        return True
    return prefix[0] not in "DFIQUV" and prefix[1] not in "DFIOQUV" and prefix not in _NOT_ISSUED


def find_ni_numbers(text: str) -> Iterator[Span]:
    """National Insurance numbers in any spacing and case."""
    if not _SIX_DIGITS.search(text):
        return
    for match in _NI_NUMBER.finditer(text):
        said_to_be = _NI_CUE.search(text, max(0, match.start() - 40), match.start())
        if said_to_be or _is_ni_prefix(match.group(1), match.group(2)):
            yield Span(match.start(), match.end(), ID)
    # Mistyped ones: a prefix HMRC never issues or a wrong last letter, by their shape.
    for match in _NI_SHAPE.finditer(text):
        said_to_be = _NI_CUE.search(text, max(0, match.start() - 40), match.start())
        if said_to_be or _NI_SPACED.fullmatch(match.group()):
            yield Span(match.start(), match.end(), ID)
            continue
        # "zz 12 34 56 a": any two letters that are not a word, three pairs and a last letter.
        value = match.group()
        if (
            value[-1].upper() in "ABCD"
            and not value[-2].isdigit()
            and (value[:2].lower() not in _TWO_LETTER_WORDS)
        ):
            yield Span(match.start(), match.end(), ID)
            continue
        # "AB 12 34 56 x": spaced as on the card, then a word that is not its last letter.
        spaced = _NI_SPACED.match(text, match.start())
        if spaced and not text[spaced.end() : spaced.end() + 1].isalnum():
            yield Span(spaced.start(), spaced.end(), ID)
    for match in _NI_RUN.finditer(text):
        yield Span(match.start(), match.end(), ID)


# --- Unique pupil numbers ------------------------------------------------------------------

_UPN = re.compile(r"\b[A-Z]\d{11}[A-Z\d]\b", re.IGNORECASE)
# A digit too many or too few, said to be a pupil number.
_UPN_MISTYPED = re.compile(r"\b[A-Z]\d{10,13}[A-Z]?\b", re.IGNORECASE)
_TEN_DIGITS_RUN = re.compile(r"\d{10}")
_UPN_CUE = re.compile(r"\b(?:upn|pupil\s+(?:no|number))\b", re.IGNORECASE)
# Said to be a pupil number, with a letter typed for a digit ("K801200034O11"): the shape.
_UPN_LOOSE = re.compile(r"\b[A-Z](?=(?:[A-Z]*\d){8})[A-Z\d]{10,13}\b", re.IGNORECASE)
# Typed in groups as it is printed on a letter: "A 1234 5678 9012", "a1234-5678-901b".
_UPN_GROUPED = re.compile(
    r"\b[A-Z][ -]?\d{3,4}([ -])\d{4}\1\d{3,4}[A-Z]?\b(?![ -]\d)", re.IGNORECASE
)


def find_pupil_numbers(text: str) -> Iterator[Span]:
    """Unique pupil numbers: a check letter and twelve more characters (valid or not)."""
    for cue in _UPN_CUE.finditer(text):
        number = _UPN_LOOSE.search(text, cue.end(), cue.end() + 40)
        if number:
            yield Span(number.start(), number.end(), ID)
    for match in _UPN_GROUPED.finditer(text):
        if 11 <= sum(char.isdigit() for char in match.group()) <= 12:
            yield Span(match.start(), match.end(), ID)
    if not _TEN_DIGITS_RUN.search(text):
        return
    # The shape is distinctive (no phone, postcode or date has it), so a wrong check letter
    # does not stop it being removed: children mistype.
    for match in _UPN.finditer(text):
        yield Span(match.start(), match.end(), ID)
    for match in _UPN_MISTYPED.finditer(text):
        if _UPN_CUE.search(text, max(0, match.start() - 40), match.start()):
            yield Span(match.start(), match.end(), ID)


# --- Case and complaint references ---------------------------------------------------------

# "CP-2023-04417", "PL/2024/3318", "COMP/24/0912": letters, then digit groups split by - or /.
_LETTERED_REFERENCE = re.compile(
    # A letter O typed for a zero is still the reference: "CP-2023-O456".
    # Letter groups may come between: "KCC/CF/2024/0412", "SC/CP/22/1187".
    r"(?<![\w/-])[A-Z]{1,6}\d{0,4}(?:[-/][A-Z]{1,4}){0,2}(?:[-/][\dO]{2,}[A-Z]?){1,3}"
    r"(?:[-/][A-Z]{1,4})?(?![\w/-])",
    re.IGNORECASE,  # "cp-2023-04417" typed in lower case
)
# "Mosaic 1187342", "case reference is 4471932", "ref: 55/2231".
_REFERENCE_CUE = re.compile(
    r"\b(?:ref(?:erence)?|case|mosaic|lcs|eclipse|liquid\s?logic|crn|id|file|record|"
    r"complaint|client|(?:case|file|reference|ref|id|client)\s+(?:no|number|num)"
    # the police's and services' numbers: "incident number 0456", "log no. 1123", "ticket #48213"
    r"|(?:log|incident|occurrence|ticket|crime|job|call)\s+(?:no|number|num|ref)|ticket)\b"
    r"[\s.:#-]*(?:(?:is|was|number|no|num|=)[\s.:#-]*)*",
    re.IGNORECASE,
)
# The codes councils put before a case or complaint number: child in need, child protection,
# looked after, early help, EHCP, MASH, complaint, freedom of information, subject access.
_PREFIXED_REFERENCE = re.compile(
    r"\b(?:CIN|CPP?|CPR|LAC|CLA|CiC|EHA?|EHCP|MASH|CAF|CSC|CSCS|SEN|SEND|COMP|CMP|CMPL|FOI|SAR|"
    r"CRN|URN|PNC|CYP|SGO)"
    r"(?:[\s:#.-]{0,3}(?P<word>(?:ref(?:erence)?|no|num|number|id)\b\.?[\s:#.-]{0,3}))?"
    # the number's groups may be split by a space where a hyphen was meant: "CP2024 08116"
    r"[\s:#.]{0,2}(?P<number>[A-Z]{0,2}\d[\dO]{3,}(?:[ ][\dO]{3,}(?![ ]?\d|[/.:]\d))?[A-Z]?"
    # a two-figure year, then the number: "COMP 24 7719", "CIN 23 01187"
    r"|\d\d[ ][\dO]{4,}(?![ ]?\d|[/.:]\d)[A-Z]?)\b"
    r"(?!\s*(?:%|pupils|children|kids|people|families|cases|young|pounds|times|hours)\b)",
    re.IGNORECASE,
)
_FOUR_FIGURES = re.compile(r"\d[\dO]{3}")
_YEAR_ALONE = re.compile(r"(?:19|20)\d\d")
# After a cue the number may be typed in groups: "case ref 4471 9320", "client 4410 2290 1".
_NUMBER_AFTER_CUE = re.compile(
    r"[A-Z]{0,4}\d[\d/-]{3,}"
    # groups of three or more figures, and a short last one only where the number ends the
    # clause ("case 4471 3 times" counts times)
    r"(?:[ ]\d{3,6}(?![\d.,:/]\d|\s*(?:%|times|children|kids|people|pupils|families|cases|"
    r"years|weeks|days|months|hours|minutes|mins|pounds|miles)\b))*"
    r"(?:[ ]\d{1,2}(?=\s*(?:[.,;:)!?]|$)))?"
    r"[A-Z]?\b",
    re.IGNORECASE,
)
# Six or more digits standing alone are an identifier of some kind (a case or client number),
# unless they are a date or money; phone and NHS numbers are found first and win.
_LONG_NUMBER = re.compile(r"(?<![\d£$€.,:/+-])\d{6,12}(?![\d%]|[.,]\d)")


# A long number typed in groups ("1234-5678-90", "9431 8602 15"): nine to twelve digits in three
# or four groups, not all of them years and not thousands spaced apart. No price, count or score
# has that shape; phone numbers (which start with 0) are found first and win.
_GROUPED_NUMBER = re.compile(
    r"(?<![\d£$€.,:/+-])[1-9]\d{1,5}(?:([ -])\d{2,5})(?:\1\d{2,5}){1,2}(?![\d%]|[.,/]\d|[ -]\d)"
    # counts of something, not a number to look a person up by: "1200 1500 1800 pounds"
    r"(?!\s*(?:pounds|quid|pence|p\b|points|pts|people|kids|children|steps|calories|miles|"
    r"km|metres|meters|words|views|likes|followers|votes|hours|mins|minutes|years|days|times)\b)"
)


def _round_figures(groups: list[str]) -> bool:
    """Whether every group is a round hundred or thousand: "100-200-300", "1000 2000 5000"."""
    return all(group.endswith("00") and group[0] != "0" for group in groups)


def round_figures(value: str) -> bool:
    """Whether value is three or more round hundreds or thousands listed ("we raised 4400 4500
    4600"), not a number to ring or look someone up by (those have a group not ending in 00, or
    start with 0)."""
    groups = _DIGIT_GROUP.findall(value)
    return len(groups) >= 3 and "+" not in value and _round_figures(groups)


_DIGIT_GROUP = re.compile(r"\d+")


def _grouped_identifier(value: str) -> bool:
    groups = re.split(r"[ -]", value)
    digits = sum(len(group) for group in groups)
    if not 9 <= digits <= 12 or all(_YEAR_ALONE.fullmatch(group) for group in groups):
        return False
    if _round_figures(groups):
        return False  # "targets of 100-200-300", "raised 1000 2000 5000": round figures listed
    # "it cost 1234 567 890", "100 200 300 points": thousands spaced apart, or a list
    return not (" " in value and all(len(group) == 3 for group in groups[1:]))


# "CIN 2024 1234", "CP 2023 review": a year set apart from the code names the plan's year; only a
# longer number after it ("CIN 2024 08116") is the reference. "CP2024 08116" (joined) is one.
_PLAN_YEAR = re.compile(r"(?:19|20)\d\d [\dO]{1,4}[A-Z]?", re.IGNORECASE)


def _plan_year(match: re.Match[str]) -> bool:
    """Whether the number after a council's code is its plan's year and a short number."""
    spaced = match.string[match.start("number") - 1].isspace()
    return spaced and bool(_PLAN_YEAR.fullmatch(match.group("number")))


def find_references(text: str) -> Iterator[Span]:
    """Case, complaint and record references."""
    if not _DIGIT.search(text):
        return
    # Four figures in a row (an O for a zero among them) before the codes are looked for.
    prefixed = _PREFIXED_REFERENCE.finditer(text) if _FOUR_FIGURES.search(text) else ()
    for match in prefixed:
        number = match.group("number")
        digits = sum(char.isdigit() for char in number)
        if digits >= 4 and not _YEAR_ALONE.fullmatch(number) and not _plan_year(match):
            # "CIN 88421": the code is part of the reference; "CIN number 88421": only the number.
            start = match.start("number") if match.group("word") else match.start()
            yield Span(start, match.end(), ID)
    if "-" in text or "/" in text:
        for match in _LETTERED_REFERENCE.finditer(text):
            if sum(char.isdigit() for char in match.group()) >= 4:
                yield Span(match.start(), match.end(), ID)
    for cue in _REFERENCE_CUE.finditer(text):
        number = _NUMBER_AFTER_CUE.match(text, cue.end())
        if (
            number
            and sum(char.isdigit() for char in number.group()) >= 4
            and not _a_date_given(number.group())
        ):
            yield Span(number.start(), number.end(), ID)
    for match in _LONG_NUMBER.finditer(text):
        if not _looks_like_a_date(match.group()):
            yield Span(match.start(), match.end(), ID)
    if " " in text or "-" in text:
        for match in _GROUPED_NUMBER.finditer(text):
            if _grouped_identifier(match.group()):
                yield Span(match.start(), match.end(), ID)


def _a_date_given(value: str) -> bool:
    """Whether what follows a record's word is a date, not its number: "the date on my file is
    5/5/2011" gives a day (the dates of birth finder decides whose), "file 4471/2231" a number."""
    return bool(_NUMERIC_DATE.fullmatch(value)) and _whole_date(value)


def _looks_like_a_date(digits: str) -> bool:
    """20240101 or 01012024: a date written without separators."""
    if len(digits) != 8:
        return False
    year_first = 1900 <= int(digits[:4]) <= 2100 and 1 <= int(digits[4:6]) <= 12
    year_last = 1900 <= int(digits[4:]) <= 2100 and 1 <= int(digits[2:4]) <= 12
    return year_first or year_last


# --- Dates of birth ------------------------------------------------------------------------

# With the misspellings children make: "feburary", "janurary", "septmber", "augest".
_MONTH = (
    r"(?:jan(?:uary|urary|uray|uari)?|feb(?:ruary|uary|urary|uray|ury|rary)?|mar(?:ch)?|"
    r"apr(?:il|el|ill)?|may|june?|jul(?:y|ly|ie)?|aug(?:ust|est)?|"
    r"sep(?:t(?:ember|mber|emeber)?)?|oct(?:ober|ber|obre)?|"
    r"nov(?:ember|mber|emeber)?|dec(?:ember|mber|emeber)?)\.?"
)
_DAY = (
    r"(?:(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|(?:(?:twenty|thirty)[\s-]?)?(?:first|second|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth)|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)"
)
# "2011", and "'11" as written after a month's name.
_YEAR = (
    r"(?:(?:19|20)\d{2}|['’]?\d{2}(?![\w:.,]\d|\s*(?:%|am|pm|people|kids|times)\b)"
    # in words, as a child may type it: "twenty eleven", "two thousand and nine"
    r"|(?:twenty|two\s+thousand(?:\s+and)?)[\s-]+(?:ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty(?:[\s-](?:one|two|three|four|five))?|one|two|"
    r"three|four|five|six|seven|eight|nine)\b)"
)
# Dates in figures, which start with a digit (most answers have none, and those are found
# quickly), and dates with a month's name, only looked for where a month's name is.
_NUMERIC_DATE = re.compile(
    # After a hyphen or a full stop only when no digit is before it: "dob-5/11/06",
    # "b.11/06/2011", not inside "2011-05-04" or "1.2.3".
    r"(?<![\d/])(?<!\d[.-])(?:"
    # Day and month may be swapped or mistyped (04/13/2011): a birth word is needed anyway.
    r"(?:[0-3]?\d)\s?[./-]\s?(?:[0-3]?\d)\s?[./-]\s?(?:(?:19|20)\d{2}|\d{2})"
    # "13 04 2011": spaces for separators, only with a four-digit year.
    r"|(?:[12]\d|3[01]|0?[1-9]) (?:1[0-2]|0?[1-9]) (?:19|20)\d{2}"
    # "04 07 11": with a two-digit year only when day and month are written with two digits.
    r"|(?:[12]\d|3[01]|0[1-9]) (?:1[0-2]|0[1-9]) \d{2}"
    # The year first, as in ISO dates and forms: "2011-05-04", "2011.05.04", "2011/5/4".
    r"|(?:19|20)\d{2}(?P<sep>[-./])(?:1[0-2]|0?[1-9])(?P=sep)(?:[12]\d|3[01]|0?[1-9])"
    r")(?![\d/.-]?\d)",
)
# A day of the week before the date is part of it: "Sat 14th Jan 2012", "Tuesday, 3 May 2011".
_WEEKDAY = (
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+(?:the\s+)?)"
)
_WORDED_DATE = re.compile(
    rf"(?<![\d/.])(?<!\d-)(?:{_WEEKDAY}?(?:{_DAY}[\s-]+(?:of\s+)?{_MONTH}[\s,-]+{_YEAR}"
    rf"|{_MONTH}\s+{_DAY},?\s+{_YEAR})"
    # the year first: "2011 may 4th", "2012, March 3"
    rf"|(?:19|20)\d{{2}},?\s+{_MONTH}\s+{_DAY}\b)(?![\d/.-]?\d)",
    re.IGNORECASE,
)
# "the 15th of the 8th 2012": the month as an ordinal too.
_ORDINAL_MONTH_DATE = re.compile(
    rf"(?<![\d/.])(?:{_DAY}\s+of\s+the\s+(?:0?[1-9]|1[0-2])(?:st|nd|rd|th)[\s,]+(?:of\s+)?"
    r"(?:(?:19|20)\d{2}|['’]?\d{2}))(?![\d/.:-]?\d|\s*(?:%|am|pm|people|kids|times)\b)",
    re.IGNORECASE,
)
# "two thousand and eleven", "twenty twelve": a year in words, for dates with no digit at all.
_YEAR_IN_WORDS = re.compile(r"\b(?:thousand|twenty)\b", re.IGNORECASE)
_MONTH_HINT = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.IGNORECASE)
# "born in March 2012": a month and year only, straight after "born".
_BORN_IN_MONTH = re.compile(
    rf"\bborn\s+(?:in\s+)?(?:the\s+)?({_MONTH}\s+(?:of\s+)?(?:19|20)\d{{2}})(?!\d)", re.IGNORECASE
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH}\s+(?:of\s+)?(?:19|20)\d{{2}})(?!\d)", re.IGNORECASE)
# Birth words, misspelt as children type them: "d/o/b", "b'day", "brithday", "birthdate".
_BIRTH_WORD = (
    r"(?:\bborn|\bdobs?|\bd\s?[./]\s?o\s?[./]\s?b|\bd\s+o\s+b\b|dat[ea]?\s+of\s+(?:birth|brith|bith|birht)"
    r"|\b(?:birth|brith|bith|birf|berth)\s?(?:day|date|dae)|\bb['’./\s-]?day|\bb\."
    # Other misspellings of "birthday": a letter dropped, swapped or doubled ("brthday",
    # "birtday", "bithday", "burthday", "birthdya"): b, two to five of the letters of "birth",
    # then day or date.
    r"|\bb[irtheu]{2,5}\s?d(?:a[yte]|ya)\b|\bb\s?/\s?d\b"
    r"|\bbirth\b"
    # "she came into the world on 3/5/11"
    r"|\bcame\s+into\s+(?:the|this)\s+world)"
)
# "born 3/4/2012", "DOB: 02/11/2013", "d.o.b. 2.2.11", "her birthday is 30th june 1989".
# A few words may come between: "date of birth is given as 11/12/2011", "dob on the form is".
_BIRTH_CUE = re.compile(
    # "Skye (b 6/11/2012)", "Kai, b 3/4/12": a "b" alone, only straight after a bracket or comma
    r"(?:[(,;]\s*b\s*:?\s*$)|"
    + _BIRTH_WORD
    + r"['’]?s?[\s.:,()=–—-]*(?:(?:is|was|on|of|the|given|as|written|put|down|"
    r"should|be|been|shows|says|listed|recorded|actually|really|not|it['’]?s|it|his|her|my|"
    r"their|our|form|report|file|system|records?|correct|right|wrong|but|in|at)\b"
    r"[\s.:,()=–—-]*){0,7}$",
    re.IGNORECASE,
)
# A birth word, then up to eight words of any kind in the same sentence, then a word that gives
# its value ("date of birth on the minutes: ...", "DOB on her school records is ..."), none of
# which brings in another date ("the letter dated", "the meeting on").
_BIRTH_CUE_FAR = re.compile(
    _BIRTH_WORD.replace(r"\bborn|", "")  # "born with a heart condition and on ..."
    + r"['’]?s?[\s.:,()–—-]*"
    r"(?:(?!(?:dated|meeting|conference|review|appointment|visit|held|received|sent|since|"
    r"until|till|party|parties|next|last|today|yesterday|tomorrow|or|but|because|so|"
    r"when|if|from|of|to|letter|deadline|due)\b)[^\W\d][\w'’]*+[\s,()–—-]*){1,8}"
    # "... i said", "... wrote down", or the date in brackets: "DOB on the sheet (7/7/2012)".
    r"(?:[:=(]|\b(?:is|was|as|reads|says|said|shows|showed|states|stated|put|wrote|answered|"
    r"replied|gave|give|told\s+(?:them|him|her|you|me))\b(?:\s+(?:down|it|in))?)"
    r"\s*(?:the\s+)?$",
    re.IGNORECASE,
)
# A name and a date of birth given together, the date last: "full name and date of birth
# (Chelsea Mullins, 30/6/2008)", "name and DOB: Kai Reid, 3/4/12".
_BIRTH_LISTED = re.compile(
    _BIRTH_WORD + r"['’]?s?\s*[(:–—-]\s*[^()\n\d.!?:;]{2,40}[,;]\s*$",
    re.IGNORECASE,
)
# A birthday that happened: "my birthday was on 12/03/2024", "on my birthday 13/04/2024".
_BIRTHDAY_EVENT = re.compile(
    r"(?:\b(?:birth\s?day|b['’./\s-]?day)\s+(?:was\s+)?(?:party\s+(?:was\s+)?)?on"
    r"|\bon\s+(?:my|his|her|their|our|the)\s+(?:\w+(?:['’]?s)?\s+)?"
    r"(?:birth\s?day|b['’./\s-]?day)[\s,(]*)"
    r"\s*(?:the\s+)?$",
    re.IGNORECASE,
)
# "born in Ipswich on ...", "born at home on the ...".
_BORN_SOMEWHERE = re.compile(
    r"\bborn\s+(?:in|at)\s+(?:[\w'’-]+\s+){1,3}on\s+(?:the\s+)?$"
    # "born in Peterborough 21/09/2011": a place's words, none saying what happened next
    r"|\bborn\s+(?:in|at)\s+(?:(?!(?:and|but|then|so|moved|came|went|until|since|before|after|"
    r"in|on|care|hospital)\b)[^\W\d][\w'’-]*[\s,]+){1,3}$"
    # "born 2 weeks early on ...", "born at 3am on the ...": how or when, then "on"
    r"|\bborn\s+(?:(?!(?:and|but|then|so|moved|came|went|until|since|meeting|conference|review|"
    r"visit|appointment|party|school|started|left|placed|care|was|were|is|with)\b)[\w'’-]+\s+)"
    r"{1,5}on\s+(?:the\s+)?$"
    # "the birth of my son on ...", "birth of the baby was on ..."
    r"|\bbirth\s+of\s+(?:my|his|her|their|our|the)\s+[\w'’-]+\s+(?:was\s+)?(?:on\s+)?"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# Beside an age: "YP is 15 (13/04/2009)", "Child B (aged 9, 21/11/2014)", "Kai, 12, 3/4/12".
_AGE_BEFORE = re.compile(
    # "me - 13 - 1/1/2011": an age set off by dashes as by commas; "T (12, 10/7/2012)"
    r"(?:\baged?\b[^\d\n]{0,8}\d{1,2}|\(\s*\d{1,2}"
    r"|(?:\b(?:is|im|i['’]m|he['’]s|she['’]s|hes|shes|turned)|,|\s[–—-])"
    r"\s+\d{1,2}(?:\s*(?:yrs?|years?(?:\s+old)?|y/?o))?)(?:\s*[(,;–—-]){1,2}\s*$",
    re.IGNORECASE,
)
# "Kai 12 (3/4/12)": a name, an age and the date in brackets, as case notes list children; not
# "Year 7 (...)" or "Room 12 (...)".
_NAME_AGE_BRACKET = re.compile(
    r"(?:^|[\s,;:])(?!(?i:year|yr|room|page|week|day|table|level|grade|question|step|section|"
    r"part|no|number|class|group|session|meeting|chapter|unit|item|stage|key|age|aged|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|"
    r"sun|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|term|block|box|bus|route|"
    r"flat|house|floor|bed|line|phase|wave|round|series|season|episode|act|scene|match|game)\b)"
    r"([A-Z][a-z'’-]+)\s+\d{1,2}\s*\(\s*$"
)
# "they put 9/12/2011 as my birthday", not "on 12/12/2024 as my birthday was the day before".
_AS_BIRTH = re.compile(
    # "they wrote 12/09/2009 instead of my real birthday"
    r"\s+(?:(?:down\s+)?as|instead\s+of)\s+(?:my|his|her|their|the|our|your|ur)\s+"
    r"(?:(?:real|actual|right|correct|proper)\s+)?"
    + _BIRTH_WORD
    + r"\w*(?!\s+(?:was|is|were|party|meal|treat|present))"
    # "they wrote 1/12/2011 for his date of birth" (not "for my birthday": a present's day)
    r"|\s+(?:down\s+)?(?:for|under)\s+(?:my|his|her|their|the|our|your|ur)\s+"
    r"(?:date\s+of\s+birth|d\s?[./]?\s?o\s?[./]?\s?b\b|birth\s?date)",
    re.IGNORECASE,
)
# The answer to a question about a birthday: "when is my birthday? its 17/11/2011".
_BIRTH_QUESTION = re.compile(
    _BIRTH_WORD + r"[^.!?\n\d]{0,25}\?+\s*(?:(?:it['’]?s|it\s+is|thats|that['’]s)\s+)?$",
    re.IGNORECASE,
)
# Between two dates of birth in one sentence: "... 9/9/1988 and my son's is 10/10/2015".
_BETWEEN_BIRTHS = re.compile(
    r"^(?:(?!\b(?:on|dated|meeting|conference|review|appointment|visit|from|until|till|to|"
    r"since|by|next|last|moved|arrived|came|started|left|placed|joined|went|adopted|"
    r"diagnosed|care|removed|taken|excluded)\b)[^.!?\n\d]){1,40}$",
    re.IGNORECASE,
)
# The right date after a wrong one, in the next sentence: "... 9th Sept 2011. Correct date: ..."
_CORRECTED = re.compile(
    r"^[^\d]{0,12}\b(?:correct|right|actual|real|true)\b[^\d.!?]{0,25}$", re.IGNORECASE
)
# The right date in the sentence after one that says a birth date is wrong: "Her date of birth
# on the report is wrong. It should be 29/02/2012."
_CORRECTION = re.compile(
    r"^\s*(?:(?:it|that|this|the\s+(?:right|correct|real|actual|proper)\s+(?:one|date))\s*)?"
    r"(?:should\s+(?:be|say|read|have\s+been)|['’]?s\s+(?:actually|really)|is\s+(?:actually|really)"
    r"|was\s+(?:actually|really)|is)\s*(?:the\s+)?[:\-–]?\s*$",
    re.IGNORECASE,
)
_BIRTH_IN = re.compile(_BIRTH_WORD, re.IGNORECASE)
# "my birthday is the 7th but its 4/7/13": a birth word, a wrong day, then the right date.
_BIRTH_BUT = re.compile(
    _BIRTH_WORD + r"[^.!?\n]{0,40}?\b(?:but|no|actually)\b[\s,]*"
    r"(?:(?:it['’]?s|its|it\s+is|it\s+was|really|actually|should\s+be)\s*){1,2}(?:the\s+)?$",
    re.IGNORECASE,
)
_EVENT_WORDS = re.compile(
    r"\b(?:party|parties|meeting|conference|review|appointment|visit|dated|letter)\b", re.IGNORECASE
)
# "1st Jan 2012 is my dob", "02/11/2013 (DOB)", "13/04/2011 thats my birthday", "(age 12)".
_BIRTH_AFTER = re.compile(
    r"[\s(,–—-]*"
    # a child putting themselves right first: "... no wait thats when i was born"
    r"(?:(?:\.{2,}|…)?\s*(?:(?:no|wait|sorry|oops|i\s+mean|actually|hang\s+on|hold\s+on|um|erm)"
    r"[\s,.!]+){1,3})?"
    r"(?:(?:is|was|=|thats|that['’]s|that\s+is|its|it['’]s)\s+)?"
    r"(?:(?:my|his|her|their|the|our)\s+)?"
    + r"(?:"
    + _BIRTH_WORD
    + r"|(?:when|the\s+day)\s+(?:i|he|she|they|we)\s+(?:was|were)\s+born"
    r"|aged?\s*:?\s*\d{1,2}\b|\d{1,2}\s*(?:yrs?|years?\s+old|y/?o)\b)",
    re.IGNORECASE,
)
# "mine is 18/10/2010 if thats what ur asking for dob": a date that opens its sentence (or
# follows only "mine is", "its"), with a birth word later in the sentence and nothing between
# that makes the date another day's ("the day after my birthday").
_OPENS_SENTENCE = re.compile(
    r"^[\s\W]*(?:(?:mine|its|it['’]s|it|thats|that['’]s)(?:\s+(?:is|was))?[\s:,–—-]*)?$",
    re.IGNORECASE,
)
_BIRTH_LATER = re.compile(
    r"(?:(?!\b(?:after|before|since|until|till|party|parties|meeting|conference|review|visit|"
    r"day|week|weeks|month|not|isnt|wasnt|near|close|around|dated|on)\b)[^.!?\n\d]){1,40}?"
    + _BIRTH_WORD,
    re.IGNORECASE,
)
# "Arjun (04/06/2012)", "Lacey-Jo, 02/11/2013", "Re: Leo Grant 13/04/2011": after a name.
# An initial may have its full stop ("P. (03/03/12)"); a table's column bar counts as a comma
# ("Tia Marsh | 14/02/2012").
_AFTER_WORD = re.compile(r"(?:(\S+)[ \t]+)?([A-Za-z][\w'’-]*\.?)[ \t]*([(,|–—-]?)\s*$")
# "my grandson (13/04/2011)", "my son, 3/4/12": after a word for a child.
_CHILD_WORDS = word_set(
    "son daughter grandson granddaughter grandchild child baby brother sister nephew niece "
    "stepson stepdaughter boy girl yp cyp twin twins sons daughters sibling siblings cousin "
    "cousins stepbrother stepsister kid kids pupil pupils student learner infant toddler "
    "brothers sisters grandsons granddaughters grandchildren children "
    "teenager youngster foster"
)
_OWNERS = word_set("my his her their our your ur")
# After a date written straight after a child or a name, what happened that day: "my son
# 12/03/2024 started nursery", "my daughter 3/4/2023 was seen by the nurse", "Kayla 12/03/2024 -
# home visit".
_EVENT_AFTER = re.compile(
    r"(?:\s*[,:;–—-])?\s+(?:(?:home|school|first|last|follow[\s-]?up|core|group|strategy|"
    r"review|initial|an?|the)\s+)?(?:(?:he|she|they|we|i|had|has|have|was|were|got|finally)\s+)?"
    r"(?:started|starts|went|had|was\s+(?:seen|taken|moved|placed|excluded|sent|told|given)|"
    r"were\s+(?:seen|taken|moved|placed)|seen|moved|came|left|got|attended|joined|began|returned|"
    r"visited|saw|met|stayed|changed|finished|missed|ran|arrived|appointment|meeting|review|"
    r"visit|court)\b",
    re.IGNORECASE,
)
# A date with only a space before it, after an age said as one ("im 11 years old 6/6/2013",
# "aged 9 3/3/2015") or after a name and a number ("mia 10 9/3/2014"); the date must be years
# back, as a birth date is.
_AGE_BARE = re.compile(
    r"(?:\baged?\s*:?\s*\d{1,2}|\b\d{1,2}\s*(?:yrs?|years?(?:\s+old)?|y/?o)"
    r"|(?:^|[\s,;:])([A-Za-z][a-z'’-]+)\s+\d{1,2})[ \t]+$",
    re.IGNORECASE,
)
# "Child 1: 03/05/2015", "Sibling B - 4/4/2016", "Baby: 12/12/2023": a child labelled on a form.
_CHILD_LABEL = re.compile(
    r"(?:^|[\s;,(])(?i:child|sibling|yp|cyp|baby|son|daughter|brother|sister|twin)"
    r"(?:\s*(?:\d{1,2}|[A-Z]))?\s*[:=–—-]\s*$"
)
# Before a name written bare in a sentence, words that make the date after it the day something
# happened ("met Sarah 12/06/2019", "rang Kai 3/3/2018").
_MET_WORDS = word_set(
    "met meet meeting saw seen see visited visit called call rang ring phoned phone told tell "
    "asked ask emailed email texted text with to from by for on at about saw spoke"
)
# After the date of a name written bare in a sentence: the end of a clause or the next in a
# list ("My children are Harvey 1/9/2012 and Poppy 26/12/2014.").
_LIST_GOES_ON = re.compile(r"\s*(?:$|[.,;:)\n]|&|\band\b|\bor\b)", re.IGNORECASE)
# "Young person (16/4/09)": a person only when a young one.
_YOUNG = word_set("young")


def find_dates_of_birth(text: str, is_name: Callable[[str], bool]) -> Iterator[Span]:
    """Dates with a year that the text gives as someone's date of birth."""
    if not _DIGIT.search(text) and not _YEAR_IN_WORDS.search(text):
        return
    previous_birth = -1
    dates = list(_numeric_dates(text))
    if _MONTH_HINT.search(text):
        dates = sorted([*dates, *_WORDED_DATE.finditer(text)], key=lambda match: match.start())
    if "of the" in text.lower():
        dates = sorted(
            [*dates, *_ORDINAL_MONTH_DATE.finditer(text)], key=lambda match: match.start()
        )
    previous_date = -1
    for match in dates:
        before = text[max(0, match.start() - 60) : match.start()]
        after_word = _AFTER_WORD.search(before[-30:])
        years_back = not _recent(match.group())
        named = after_word is not None and (
            _names_a_person(after_word, is_name)
            or (years_back and _names_a_person_loosely(text, after_word, match, is_name))
        )
        if not named and _CHILD_LABEL.search(before[-30:]):
            # "Child 1: 03/05/2015"; not "Child 1: 03/05/2025 seen at home"
            named = years_back or not _EVENT_AFTER.match(text, match.end())
        if (
            named
            and after_word is not None
            and after_word.group(3) != "("
            and _EVENT_AFTER.match(text, match.end())
            and _recent(match.group())
        ):
            # "my son 12/03/2024 started nursery", "Ben, 12/12/2025, home visit": the day he
            # started; but a date years back is when the child was born ("my son 12/03/2015
            # started school in september").
            named = False
        follows_birth = previous_birth >= 0 and bool(
            _BETWEEN_BIRTHS.match(text[previous_birth : match.start()])
            or _CORRECTED.match(text[previous_birth : match.start()])
        )
        if (
            named
            or follows_birth
            or (
                (_BIRTH_CUE.search(before) or _BIRTH_CUE_FAR.search(_this_sentence(before)))
                and not _BIRTHDAY_EVENT.search(before)
            )
            or _BORN_SOMEWHERE.search(before)
            or _BIRTH_QUESTION.search(before)
            or _BIRTH_LISTED.search(_this_sentence(before))
            or _AGE_BEFORE.search(before[-30:])
            or (years_back and _age_bare(before[-30:], is_name))
            or _birth_table(text, match.start())
            or _name_age_bracket(before, is_name)
            or _BIRTH_AFTER.match(text, match.end())
            or (
                _OPENS_SENTENCE.match(_this_sentence(before))
                and _BIRTH_LATER.match(text, match.end())
            )
            or _AS_BIRTH.match(text, match.end())
            or _corrects_a_birth_date(text, match.start())
            or _birth_year_date(text, match, previous_date)
            or _age_in_sentence_matches(text, match)
        ):
            previous_birth = match.end()
            yield Span(match.start(), match.end(), DATE_OF_BIRTH)
        previous_date = match.end()
    if "born" in text.lower():
        for match in _BORN_IN_MONTH.finditer(text):
            yield Span(match.start(1), match.end(1), DATE_OF_BIRTH)
            # "born in june 2012 and my brother in may 2014": the next month and year in the
            # sentence is a birth too.
            following = _MONTH_YEAR.search(text, match.end())
            if following and _BETWEEN_BIRTHS.match(text[match.end() : following.start()]):
                yield Span(following.start(1), following.end(1), DATE_OF_BIRTH)


# A whole date (day, month and year) of a year in which a child of school age was born, written
# with no birth word: "the form says 2011-05-14", "me 12-3-2011 and my brother", "my birthday
# out loud?? 4/11/12". Days that happened (a move, a meeting) are written with recent years, or
# with a word that makes them so ("on 3/4/2012 we moved", "since 12/03/2015", "11.11.11 is when
# my nan got married"); those are kept.
_BIRTH_YEARS_BACK = 7
_OLDEST_BIRTH_YEAR = 1930
# What may stand straight before such a date: nothing (it opens the answer or its sentence:
# "... out loud?? 4/11/12"), "me" or "mine" ("me 12-3-2011 and my brother"), or a word that gives
# or records it ("the form says", "she put", "my mum wrote", "the paperwork has"). Not a verb of
# something done ("burnt down 5/11/2012", "lost grandad 23.4.2015").
_GIVEN_LEAD = re.compile(
    r"(?:^|[.!?\n]|\b(?:me|mine|myself|its|it['’]s|is|was|says|said|say|saying|put|puts|putting|"
    r"wrote|writes|writing|written|has|had|have|gave|give|given|typed|reads|shows|showed|showing|"
    r"states|stated|listed|as|reckons?|thinks?|(?:put|wrote|written|typed)\s+(?:it\s+)?down)"
    r"\s*[:=–—-]?)\s*$",
    re.IGNORECASE,
)
# Words in the same sentence that make a date the day something happened.
_EVENT_IN_SENTENCE = re.compile(
    r"\b(?:care|moved?|moving|placed|placement|started|start|joined|left|died|dead|funeral|"
    r"married|wedding|divorced?|court|hearing|meeting|conference|review|visit|appointment|"
    r"letter|referral|plan|arrived|came|went|excluded|exclusion|adopted|adoption|diagnosed|"
    r"removed|taken|happened|since|until|anniversary|party|due|expires?|expiry|issued|"
    r"deadline|term|holiday|holidays|trip|accident|incident|arrested|police|hospital|operation|"
    r"day|days|night|weekend|christmas|fire|lost|died|passed|funeral|tattoo|tattooed|got)\b",
    re.IGNORECASE,
)
# After the date, words that make it the day something happened: "3/4/2012 is when we moved".
_EVENT_FOLLOWS = re.compile(
    r"[\s,]*(?:(?:is|was|that['’]?s|thats)\s+(?:when|the\s+day|the\s+date)|to\s+\d|[–—-]\s*\d)",
    re.IGNORECASE,
)
_FULL_YEAR = re.compile(r"(?:19|20)\d\d")
_LAST_WORD = re.compile(r"([^\W\d_]+)\s*[:=–—-]?\s*$")
# The end of the clause after a date: "me 12-3-2011 and my brother ... went" is not "went" then.
_CLAUSE_END = re.compile(r"[,;:()]|\s(?:and|but|so|because|cos|coz|like|if)\b", re.IGNORECASE)


def _birth_year_date(text: str, date: re.Match[str], previous_date: int) -> bool:
    """Whether a date with no birth word near it is still a birth date: a whole date of a year
    some years back (a child's birth year), with nothing before or after it that makes it the day
    something happened, and no other date just before it (a list of days)."""
    value = date.group()
    if not _whole_date(value):
        return False
    year = _year_of(value)
    if year is None or (not _FULL_YEAR.search(value) and "." in value):
        return False  # "11.11.11", "1.2.10": too like a number with points
    this_year = datetime.date.today().year
    if not _OLDEST_BIRTH_YEAR <= year <= this_year - _BIRTH_YEARS_BACK:
        return False
    if previous_date >= 0 and date.start() - previous_date < 40:
        return False  # "from 3/4/2012 to 5/6/2012", dates listed
    before = text[max(0, date.start() - 40) : date.start()]
    last_word = _LAST_WORD.search(before)
    child = last_word is not None and last_word.group(1).lower() in _CHILD_WORDS
    if not (_GIVEN_LEAD.search(before) or child):
        return False  # "sister 03/06/2014, me 2/2/2011": a child's word straight before counts
    sentence = _this_sentence(text[max(0, date.start() - 120) : date.start()])
    end = len(text)
    for mark in (". ", "! ", "? ", "\n"):
        found_end = text.find(mark, date.end())
        if found_end >= 0:
            end = min(end, found_end)
    after = _CLAUSE_END.split(text[date.end() : min(end, date.end() + 60)], maxsplit=1)[0]
    if _EVENT_IN_SENTENCE.search(sentence) or _EVENT_IN_SENTENCE.search(after):
        return False
    return not (_EVENT_FOLLOWS.match(after) or _EVENT_AFTER.match(text, date.end()))


# An age a child gives in the sentence: "i turned 15 last week", "im 12", "she is 9 years old".
_AGE_GIVEN = re.compile(
    r"(?:\b(?:turned|turning|turn|i['’]?m|im|i\s+am|am|is|was|aged?)\s+(\d{1,2})"
    r"|\b(\d{1,2})\s*(?:yrs?|years?(?:\s+old)?|y/?o))\b"
    r"(?!\s*(?:%|[:.]\d|times|days|weeks|months|mins|minutes|hours|pounds|quid|miles|km|pupils|"
    r"people|kids|children|of\b))",
    re.IGNORECASE,
)


def _age_in_sentence_matches(text: str, date: re.Match[str]) -> bool:
    """Whether the sentence gives an age that the date's year is a birth year for: "i turned 15
    last week, 12/11/2011" (15 years back), with nothing in the sentence that makes the date the
    day something happened ("she is 12 and on 3/4/2014 we moved")."""
    if not _whole_date(date.group()):
        return False
    year = _year_of(date.group())
    if year is None:
        return False
    age = datetime.date.today().year - year
    if not 4 <= age <= 25:
        return False
    start = text.rfind(". ", max(0, date.start() - 80), date.start())
    end = text.find(". ", date.end(), date.end() + 60)
    sentence_start = max(0, date.start() - 80) if start < 0 else start + 2
    sentence_end = min(len(text), date.end() + 60) if end < 0 else end
    if _EVENT_IN_SENTENCE.search(text, sentence_start, sentence_end):
        return False
    for given in _AGE_GIVEN.finditer(text, sentence_start, sentence_end):
        stated = int(given.group(1) or given.group(2))
        if stated not in (age, age - 1):
            continue
        between = (
            text[given.end() : date.start()]
            if given.end() <= date.start()
            else text[date.end() : given.start()]
        )
        if not _DIGIT.search(between):
            return True
    return False


def _whole_date(value: str) -> bool:
    """Whether a date has a day, a month and a year: a worded one with its year in four figures
    ("3 June, 17" is two days), one in figures with a real day and month either way round."""
    parts = re.split(r"\s*[./ -]\s*", value)
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return bool(_FULL_YEAR.search(value))
    if len(parts[0]) == 4:
        return True  # the year first, its month and day checked by the pattern
    first, second = int(parts[0]), int(parts[1])
    return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)


_DIGIT_RUN = re.compile(r"\d+")
# How many years back a date written straight after a child can still be a day something
# happened to them; further back, a parent writing "my son 3/4/15 started school" gives his
# birth date.
_RECENT_YEARS = 4
_LAST_NUMBER = re.compile(r"(\d+)\D*$")


def _year_of(date: str) -> int | None:
    """The year of a date: its first figures when they are a year ("2011-05-14"), else its last,
    a two-figure year read as the latest year it can be (up to next year)."""
    first = _FULL_YEAR.match(date)
    if first is not None:
        return int(first.group())
    found = _LAST_NUMBER.search(date)
    if found is None:
        return None
    year = int(found.group(1))
    if year < 100:
        year += 2000 if year <= datetime.date.today().year % 100 + 1 else 1900
    return year


def _recent(date: str) -> bool:
    """Whether a date in figures falls within the last few years (or later)."""
    year = _year_of(date)
    return year is None or year >= datetime.date.today().year - _RECENT_YEARS


def _numeric_dates(text: str) -> Iterator[re.Match[str]]:
    """Dates in figures, tried only where a run of digits starts (the pattern alone would be
    tried at every character)."""
    end = 0
    for run in _DIGIT_RUN.finditer(text):
        if run.start() < end:
            continue
        match = _NUMERIC_DATE.match(text, run.start())
        if match:
            end = match.end()
            yield match


def _names_a_person(after_word: re.Match[str], is_name: Callable[[str], bool]) -> bool:
    """Whether the word before a date is a name ("Arjun (...)", "Lacey-Jo, ...", "Leo Grant
    ..."), or a word for a child in brackets or after a comma ("my son, ...")."""
    before, word, bracket = after_word.groups()
    if word.endswith("."):
        # "P. (03/03/12)": an initial with its full stop; not "... told Mum. 12/03/2024"
        word = word[:-1]
        if len(word) > 1:
            return False
    if before is not None and before[-1] in ":;" and before[:-1].lower() in _CHILD_WORDS:
        # "Child: K, 04.05.11"
        before = before[:-1]
    if len(word) == 1 and word.isupper() and word not in "AI" and bracket == "(":
        # "R (4/4/2011) and S (9/9/2013)": letters standing for children, listed or heading
        return before is None or before.lower() in ("and", "&", "or") or before[-1] in ",:;"
    if word.lower() in ("person", "people") and before is not None:
        return bool(bracket) and before.lower() in _YOUNG
    if word.lower() in _CHILD_WORDS:
        # "my son (13/4/11)", and straight after "my son" or "our twins" with no "on" between:
        # "me and my twin 3/5/11", "my brothers 6/6/10 and 7/7/12"
        return bool(bracket) or (before is not None and before.lower() in _OWNERS)
    if len(word) == 1 and word.isupper() and before is not None:
        # "Child B, 14/01/2013", "YP (K) ...": a letter standing for the child
        return bool(bracket) and before.lower() in _CHILD_WORDS
    if not word[0].isupper():
        # "Arjun (...)" in lower case, or a child's name after the word for them ("my son
        # jayden 13/4/11")
        child = before is not None and before.lower() in _CHILD_WORDS
        return (bracket == "(" or child) and is_name(word)
    if not is_name(word):
        return False
    if bracket:
        return True
    # A bare space: a full name ("Leo Grant 13/04/2011"), a name heading a line ("Re: Kai
    # ..."), a child's ("my sister Maisie 3/3/15"); not a name in a sentence ("met Sarah
    # 12/06/2024").
    return (
        before is None
        or before[-1] in ":-–"
        or (before[0].isupper() and before.isalpha())
        or before.lower() in _CHILD_WORDS
    )


def _names_a_person_loosely(
    text: str, after_word: re.Match[str], date: re.Match[str], is_name: Callable[[str], bool]
) -> bool:
    """For a date years back, whether the word before it is a name written without a bracket:
    a lower-case name after a comma or heading a line ("i am leah, 1st sep 2010", "liam
    14.2.2011"), or a name bare in a sentence that lists or ends there ("Harvey 1/9/2012 and
    Poppy ...")."""
    before, word, bracket = after_word.groups()
    if word.endswith(".") or len(word) < 3 or not is_name(word):
        return False
    if before is not None and before.rstrip(",:;").lower() in _MET_WORDS:
        return False
    if bracket in (",", "|") or before is None or before.endswith(":"):
        return True
    return word[0].isupper() and bool(_LIST_GOES_ON.match(text, date.end()))


def _age_bare(before: str, is_name: Callable[[str], bool]) -> bool:
    """Whether before ends with an age said as one, or a name and a number, then a space."""
    match = _AGE_BARE.search(before)
    if match is None:
        return False
    return match.group(1) is None or is_name(match.group(1))


def _birth_table(text: str, start: int) -> bool:
    """Whether the date at start is in a row of a table whose header line names a birth date
    ("Name | DOB", "Child\tD.O.B.")."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start == 0:
        return False
    line_end = text.find("\n", start)
    row = text[line_start : line_end if line_end >= 0 else len(text)]
    if "|" not in row and "\t" not in row:
        return False
    header_end = text.find("\n")
    header = text[:header_end]
    return ("|" in header or "\t" in header) and bool(_BIRTH_IN.search(header))


def _name_age_bracket(before: str, is_name: Callable[[str], bool]) -> bool:
    """Whether before ends with a name and an age, then a bracket: "Kai 12 (" ."""
    match = _NAME_AGE_BRACKET.search(before[-30:])
    return match is not None and is_name(match.group(1))


def _corrects_a_birth_date(text: str, start: int) -> bool:
    """Whether the date at start puts right a birth date: "... the 7th but its 4/7/13", or the
    sentence before says a date of birth is wrong and this one says what it should be."""
    before = text[max(0, start - 120) : start]
    sentence = _this_sentence(before)
    if _BIRTH_BUT.search(sentence) and not _EVENT_WORDS.search(sentence):
        return True
    if not _CORRECTION.match(sentence) or len(sentence) == len(before):
        return False
    previous = before[: len(before) - len(sentence)]
    return bool(
        _BIRTH_IN.search(previous)
        and re.search(r"\b(?:wrong|incorrect|mistake|not\s+right|error)\b", previous, re.I)
        and not _EVENT_WORDS.search(previous)
    )


def _this_sentence(before: str) -> str:
    """The end of before, from the start of its sentence ("d.o.b" is not a sentence end)."""
    cut = max(before.rfind(". "), before.rfind("! "), before.rfind("? "), before.rfind("\n"))
    if cut >= 0 and not re.search(r"\b(?:d\.\s?o|d\.\s?o\.\s?b|b)$", before[:cut], re.I):
        return before[cut + 1 :]
    return before


# --- Postcodes by their outward code alone -------------------------------------------------

# The postcode areas of the United Kingdom (Royal Mail).
_AREAS = re.findall(
    r"\w+",
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY "
    "E EC EH EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL LN "
    "LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM "
    "SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE",
)
_AREA_SET = frozenset(_AREAS)
# Letters and one or two digits (and maybe a letter): "PE29", "ip4", "SW1A", "m6".
_OUTWARD_SHAPE = re.compile(r"\b([A-Za-z]{1,2})(\d[\dA-Za-z]?)\b", re.ASCII)
_POSTCODE_CUE = re.compile(
    r"(?:post\s?code|area|live|living|lives|moved|in|near|around|round|covering|covers|"
    r"cover|from)\W+(?:is\W+|are\W+|was\W+)?$",
    re.IGNORECASE,
)
# "i want to move back to ip1": a two-letter area where someone goes (not "going to s1", a
# Scottish school year).
_GOING_TO = re.compile(
    r"\b(?:move|moving|moved|go|going|went|get|come|coming|came)\s+(?:back\s+)?to\s+$",
    re.IGNORECASE,
)
# Chemistry and vitamins, not places.
_NOT_POSTCODES = frozenset({"CO2", "SO2", "NO2", "B12", "B6"})


# A word, maybe two, and a comma or a space straight before a bare district: "Rotherham S60",
# "Oak Road, M14".
_WORDS_BEFORE = re.compile(r"([A-Za-z][\w'’-]*(?: [A-Za-z][\w'’-]*)?),?[ ]$")
# Street words after which a district is the end of an address ("12 Mill Lane, s6").
_STREET_ENDS = word_set(
    "road rd street st lane ln avenue ave drive dr close cl way court ct crescent cres terrace "
    "gardens grove place pl walk mews view hill green park rise row square parade estate house"
)


def find_outward_codes(text: str, places: frozenset[str] = frozenset()) -> Iterator[Span]:
    """Postcode districts given without the rest of the postcode.

    A two-letter area in capitals ("PE29", "NR19") is a postcode district wherever it stands;
    "m6", "ip4" or "E1" only where the text says it is a postcode or a place, or straight after
    a town or a street ("Rotherham S60", "Heather View, s6").
    """
    for match in _OUTWARD_SHAPE.finditer(text):
        area = match.group(1)
        code = match.group().upper()
        if area.upper() not in _AREA_SET or code in _NOT_POSTCODES:
            continue
        if (
            (len(area) == 2 and match.group().isupper())
            or _POSTCODE_CUE.search(text, max(0, match.start() - 25), match.start())
            or (
                len(area) == 2 and _GOING_TO.search(text, max(0, match.start() - 25), match.start())
            )
            or _after_a_place(text, match.start(), places)
        ):
            yield Span(match.start(), match.end(), POSTCODE)


def _after_a_place(text: str, start: int, places: frozenset[str]) -> bool:
    """Whether a town or a street word stands straight before start."""
    before = _WORDS_BEFORE.search(text, max(0, start - 40), start)
    if before is None:
        return False
    named = before.group(1).lower().replace("’", "'")
    last = named.rsplit(" ", 1)[-1]
    return named in places or last in places or last in _STREET_ENDS


# A postcode typed with a hyphen or several spaces between its halves: "IP4-2AB", "ip4   2ab".
# (The first pass takes those with one space or none.)
_LOOSE_POSTCODE = re.compile(
    r"\b([A-Z]{1,2})\d[A-Z\d]?(?:[ \t\u00a0]{2,4}|[ ]?[-–][ ]?)\d[A-Z]{2}\b",
    re.IGNORECASE | re.ASCII,
)
# "S3 - 4th" is a range of Scottish school years, not Sheffield's S3 4TH; "B1-4th" is a postcode.
_SCHOOL_YEARS = re.compile(r"S[1-6]\s?[-–]\s?(?:1st|2nd|3rd|[4-6]th)", re.IGNORECASE)


def find_loose_postcodes(text: str) -> Iterator[Span]:
    """Full postcodes split by a hyphen or by more than one space."""
    if not _DIGIT.search(text) or not any(mark in text for mark in ("-", "–", "  ", "\t")):
        return
    for match in _LOOSE_POSTCODE.finditer(text):
        if match.group(1).upper() in _AREA_SET and not _SCHOOL_YEARS.fullmatch(match.group()):
            yield Span(match.start(), match.end(), POSTCODE)


# A reference given as a code and groups of figures, after a word that says it is one: "Ref
# given on the phone was COMP 24 7719", "your reference: TX 2023 00417". Without the cue a code
# and a year ("CIN 2024 review") name a plan, so the cue must be in the same sentence.
_CUED_CODE = re.compile(
    r"\b(?:ref(?:erence)?|case|complaint|ticket|log|incident|crime)\b(?:\s+(?:no|number|num))?"
    r"[^.!?\n]{0,40}?(?<![\w/-])(?P<ref>[A-Z]{2,6}(?:[ ][\dO]{2,8}){2,3})(?![\w/-]|[ ]\d)",
    re.IGNORECASE,
)
_CAPITALS = re.compile(r"[A-Z]{2,6}")
_TWO_GROUPS = re.compile(r"\d\d [\dO]{2}")


def find_cued_codes(text: str) -> Iterator[Span]:
    """A council's code and a number in spaced groups after "ref", "reference" or "case" (six
    figures or more; the code in capitals)."""
    if not _TWO_GROUPS.search(text):
        return
    for match in _CUED_CODE.finditer(text):
        value = match.group("ref")
        code = value.split(" ", 1)[0]
        if not _CAPITALS.fullmatch(code) or sum(char.isdigit() for char in value) < 6:
            continue
        yield Span(match.start("ref"), match.end("ref"), ID)
