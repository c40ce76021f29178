"""Where people live: addresses, estates, and towns and villages (schools are in schools.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..redaction import Span
from .lexicon import (
    DAYS,
    DETERMINERS,
    FUNCTION_WORDS,
    HOLIDAYS,
    MONTHS,
    NEVER_NAMES,
    Lexicon,
    fold,
    word_set,
)
from .text import Word

# Whether a text has a digit at all, in one C call rather than a Python test per character.
_ANY_DIGIT = re.compile(r"\d")

ADDRESS = "ADDRESS"
LOCATION = "LOCATION"

# --- Addresses -----------------------------------------------------------------------------

# A street type after a name is a street whatever the case: "14 oak road", "Fen Lane".
_STREETS = word_set(
    "road rd street st lane ln avenue ave av drive crescent cres terrace tce gardens gdns grove "
    "mews parade pde square sq boulevard blvd embankment"
    # Scottish and northern street words: "Kirk Brae", "Bank Wynd".
    " brae wynd vennel"
)
# These are also ordinary words ("close to", "the end"): a street only with capitals or a number.
_WEAK_STREETS = word_set(
    "close way walk court ct place rise row view hill green park gate vale wharf yard fields "
    "meadow meadows chase croft path end approach broadway quay circus dr mount dale fold "
    "garth glade nook orchard paddock ridge spinney copse dell esplanade promenade causeway "
    "drove hollow loan gait"
    # abbreviations as written on envelopes: "7 Priory Cl", "4 Sycamore Pl", "9 Laburnum Gr"
    " cl pl gr grn wk terr"
)
# A named building is an address only where the text says someone lives there.
_BUILDINGS = word_set(
    "house court lodge cottage cottages farm mansions tower towers heights manor barn flats "
    "buildings villas"
    # old buildings now homes: "the Old Rectory", "Church Farm Granary", "the Old Forge"
    " rectory vicarage grange granary stables forge bungalow maltings hostel"
)
# Words that make "X Court" or "X House" an institution rather than a home.
_INSTITUTIONS = word_set(
    "family crown youth county magistrates high supreme council town city endeavour community "
    "police government"
)
# "the council estate" is not a place anyone could be found by.
_GENERIC_ESTATE = word_set(
    "council housing same new old local big whole industrial trading business real private "
    "rough other next family country retail estate"
)
_FLAT = re.compile(
    # Glasgow's floor and door: "Flat 1/2".
    r"\b(?:(?:flat|fflat|apartment|apt|maisonette)\s*(?:no\.?\s*)?(?:\d/\d\b|\d+[a-z]?)"
    # Edinburgh's floor-and-door flats before a house number: "2F1, 14 Marchmont Crescent".
    r"|(?:[1-9]|[GBP])F[1-9](?=,?\s+\d))\b",
    re.IGNORECASE,
)
# The building a flat is in, named after it: "Apartment 14, The Maltings", "Flat 3, Kingsley
# House": up to three capitalised words, ending the line or the clause.
_BUILDING_AFTER_FLAT = re.compile(
    r"(?:,[ ]*|[ ]*\n[ ]*)((?:The[ ]+)?[A-Z][\w'’-]*(?:[ ]+[A-Z][\w'’-]*){0,2})"
    r"(?=[ ]*(?:[,.;\n)]|$))"
)
# A plot or pitch on a Traveller site, as one gives a home: "plot 12, Sandy Lane site",
# "we're on pitch 4".
_PLOT = re.compile(r"\b(?:plot|pitch)\s*(?:no\.?\s*)?\d{1,3}[a-z]?\b", re.IGNORECASE)
_PLOT_GIVEN = re.compile(
    r"\b(?:(?:live|lives|living|lived|moved|move|moving|stay|stays|staying|we['’]?re|we\s+are|"
    r"they['’]?re|they\s+are|home\s+is)(?:\s+(?:on|at|to|in))?|address(?:\s+is)?:?)\s+$",
    re.IGNORECASE,
)
# The named site a plot is on: "plot 3, Oak Tree site", "pitch 9 at the Willow Lane site".
_NAMED_SITE = re.compile(
    r"(?:,[ ]*|[ ]+(?:at|on|in)[ ]+)(?:the[ ]+)?"
    r"([A-Z][\w'’-]*(?:[ ][A-Z][\w'’-]*){0,2}[ ]+(?:(?:caravan|travellers?['’]?)[ ]+)?site)\b"
)
# "at plot 12"; but "we won on pitch 4" is a game
_AT_A_PLOT = re.compile(r"\b(?:at|on)\s+$", re.IGNORECASE)
# "... Sandy Lane site", "Mill Road caravan site": the site a street names is part of the home.
_SITE_AFTER = re.compile(
    r"[ ]+(?:(?:caravan|travellers?['’]?|gypsy|council)[ ]+)?site\b", re.IGNORECASE
)
_HOUSE_NUMBER = re.compile(r"\d{1,4}[a-zA-Z]?$")
_ON_A_STREET = re.compile(
    r"\b(?:on|off|down|up|along|at|in|to|near|round|from|by|live|lives|living|moved)\s+$",
    re.IGNORECASE,
)
_NUMBER_NEAR = re.compile(r"n(?:umber|o\.?) ?\d")
# "im at number 12 now", "we moved to no. 4": a house by its number alone.
_AT_NUMBER = re.compile(
    r"\b(?:at|to|live|lives|living|stay|stays|staying)\s+((?:number|no\.?)\s?\d{1,4}[a-z]?)\b"
    r"(?!\s*(?:(?:in|on|at)\s+(?:the|my|our|his|her|their|a)\b|out\s+of|of|%|percent|per))",
    re.IGNORECASE,
)
_LIVES_ON = re.compile(
    # "i live down chapel lane", "nan lives up hill road"
    r"\b(?:(?:live|lives|living|lived|moved|stay|stays|staying)\s+(?:on|at|to|down|up|along|off)"
    # where a home is given: "address is station walk", "send it to mill view"
    r"|address(?:\s+is)?\s*:?|(?:send|post|write)\s+(?:(?:it|them|letters?)\s+)?to"
    r"|(?:new\s+)?(?:house|home)\s+is)\s+$",
    re.IGNORECASE,
)
# Where a home is given before a house number: "we live at The Willows, 62a station ct".
_HOME_GIVEN = re.compile(
    r"(?:\b(?:live|lives|living|lived|moved|stay|stays|staying|address|send|post|write)\b"
    r"|\b(?:house|home)\s+is\b)[^.!?\n]{0,50}$|\b(?:no\.?|number)[ ]?$",
    re.IGNORECASE,
)
# "we live above the chip shop on high st": on a street, one word names it even in lower case.
_ON_THE_STREET = re.compile(r"\b(?:on|off|along)\s+$", re.IGNORECASE)
# Phrases where a street word is a figure of speech: "down memory lane", "on easy street".
_IDIOM_STREETS = word_set("memory easy civvy queer fast slow main wrong right two one")
# "no.8 Harrow ct", "number 12 Mill Lane": the word for number belongs to the address.
_NUMBER_WORD_BEFORE = re.compile(r"\b(?:no\.?|num(?:ber)?\.?|nr\.?)[ ]?$|#$", re.IGNORECASE)
_LIVES_AT = re.compile(
    # "staying at the Old Rectory": a house's name may open with "the"
    r"\b(?:live|lives|living|lived|moved|move|stay|stays|staying|address|address is|at|to)\W+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
_BEFORE_ESTATE = word_set("the on at in off near round from")
# "we live at 7 the paddocks", "moved to 12 The Maltings": a house number, then a street named
# with "the" and no street word, where someone lives.
_NUMBER_THE = re.compile(
    r"\b(?:live|lives|living|lived|moved|stay|stays|staying)\s+(?:at|to)\s+"
    r"(\d{1,4}[a-z]?,?\s+the\s+(?!(?:same|whole|other|next|last|first|best|end|start|rest|"
    r"only|most|time|moment|weekend|day|night|morning|evening|afternoon|week|meeting|hospital|"
    r"school|park|shop|shops|door|top|bottom|back|front|side|corner|bus|station|weeks|days)\b)"
    r"[^\W\d_][\w'’-]*(?:\s+(?!(?:now|with|and|in|on|at|since|"
    r"for|but|so|near|by|then|too|as|which|where|because|cos|till|until|its|it['’]s|is|was|"
    r"next|off|opposite)\b)[^\W\d_][\w'’-]*)?)"
    r"(?!\s+(?:of|floor|time|times|year|years|minutes|mins|days|weeks|months)\b)",
    re.IGNORECASE,
)
# Welsh street words, written before the name.
_WELSH_STREETS = word_set(
    "ffordd stryd lôn lon heol rhodfa cilgant maes teras clos llwybr cwrt rhes sgwâr sgwar "
    "gerddi allt pant cae"
    # court, park, hall, houses, view; "tŷ" (house) with its circumflex ("ty" is "thank you")
    " llys parc plas tai trem tŷ"
)
_FLOOR_FLAT_HINT = re.compile(r"[1-9GBPgbp][Ff][1-9]")
# Where someone's home is given: "i live at", "our new house is", "Address:", "post it to".
_HOME_CUE = re.compile(
    r"(?:\b(?:live|lives|living|lived|moved|move|moving|stay|stays|staying)\s+(?:at|to|in)"
    # "at home 2 nil" is a score: a house or home only when the text says it is one
    r"|\baddress(?:\s+(?:is|now|now\s+is))?\s*[:,–-]?|\b(?:house|home)(?:\s+(?:is|now\s+is)|\s*:)"
    r"|\b(?:send|post|write)\s+(?:(?:it|them|letters?|post)\s+)?to)\s+$",
    re.IGNORECASE,
)
# After a house number these are what the number counts, not a street: "moved to 3 new schools".
_COUNTED = (
    MONTHS
    | DAYS
    | word_set(
        "years year months weeks days times mins minutes hours places houses homes schools "
        "different new bedroom bedrooms bed beds people kids children"
    )
)
# "my house is 2 minutes walk from school": a distance, not a house number and a street.
_DISTANCES = _COUNTED | word_set(
    "min minute second seconds hour hrs mile miles metres meters yards step steps door doors "
    "stop stops"
)


def _named_after_a_number(text: str, words: Sequence[Word], lexicon: Lexicon) -> Iterator[Span]:
    """A house number and a street named without a street word, where the text gives someone's
    home: "dad lives at 4 Mount Pleasant", "our new house is 3 Bryn Eithin"."""
    for index, word in enumerate(words[:-1]):
        if not (word.is_number and _HOUSE_NUMBER.fullmatch(word.text)):
            continue
        if not _HOME_CUE.search(text, max(0, word.start - 30), word.start):
            continue
        last = index
        while last + 1 < len(words) and last - index < 3:
            following = words[last + 1]
            if text[words[last].end : following.start] != " ":
                break
            key = following.key
            plain = following.shouted or not following.capitalised
            counted = (
                last == index and key.endswith("s") and key[:-1] in lexicon.common_words
            )  # "my house is 3 Streets away"
            if (
                key in _COUNTED
                or counted
                or key in NEVER_NAMES
                or not _is_name_word(following, lexicon)
                or (plain and key in lexicon.common_words)
            ):
                break
            last += 1
        if last > index:
            yield Span(word.start, words[last].end, ADDRESS)


_HOUSE_JOINERS = word_set("the y yr ar na an of on")
# One to three capitalised words and a comma straight before an address: "Pen y Bryn, ...".
_HOUSE_NAME = re.compile(
    r"((?:[A-Z][\w'’-]*)(?:[ ](?:(?:y|yr|ar|na|an|of|on|the)[ ])?[A-Z][\w'’-]*){0,3}),[ ]?$"
)
_LOWER_HOUSE_NAME = re.compile(
    r"\b(?:(?:live|lives|living|lived|moved|stay|stays|staying)\s+(?:at|to)|address(?:\s+is)?"
    r"\s*:?|(?:send|post|write)\s+(?:(?:it|them|letters?)\s+)?to)\s+"
    r"((?:the\s+)?[^\W\d_][\w'’-]*(?:\s[^\W\d_][\w'’-]*){0,2}),\s?$",
    re.IGNORECASE,
)
_HOUSE_NAME_CUE = re.compile(
    r"\b(?:to|at|on|is|address|live|lives|living|use|moved|write|post|send|called|of)"
    r"(?:\s+the)?\W*$",
    re.IGNORECASE,
)


# "our house is called The Haven", "the farm's called bryn teg": a home's name after "called".
_HOME_CALLED = re.compile(
    r"\b(?:house|home|cottage|farm|bungalow|flat|caravan|place)(?:['’]s|\s+(?:is|was))\s+"
    r"(?:called|named)\s+((?:the\s+)?[^\W\d_][\w'’-]*(?:[ ][^\W\d_][\w'’-]*){0,2})",
    re.IGNORECASE,
)


def _homes_called(text: str, lexicon: Lexicon) -> Iterator[Span]:
    """A home's name after "our house is called": up to three words, ending before a word that
    carries the sentence on ("our house is called The Haven and it has a garden"). A capital
    "The" is part of the name; a lower-case "the" is left out, as estates are."""
    for match in _HOME_CALLED.finditer(text):
        start = match.start(1)
        parts = match.group(1).split(" ")
        if parts[0] in ("the", "The"):
            if parts[0] == "the":
                start += 4
            parts = parts[1:]
        kept: list[str] = []
        for part in parts:
            key = fold(part)
            if key in FUNCTION_WORDS or key in DETERMINERS or key in NEVER_NAMES:
                break
            kept.append(part)
        if not kept:
            continue  # "my house is called a semi"
        first = kept[0]
        # "rose cottage", "ivy house", "the old chapel": a building's word, or a building that
        # was once something else
        building = len(kept) > 1 and (fold(kept[-1]) in _BUILDINGS or fold(kept[0]) == "old")
        if (
            not (first[0].isupper() and not first.isupper())
            and fold(first) in lexicon.common_words
            and not building
        ):
            continue  # "the house was called out to"
        end = match.start(1) + match.group(1).index(first) + len(" ".join(kept))
        yield Span(start, end, ADDRESS)


# A home named after the place it stands, where the sentence says someone lives or stays there:
# "my nan lives at the old farm at Pentre Isaf", "we stay in a cottage at Bryn Glas".
_HOME_AT = re.compile(
    r"\b(?:farm|cottage|bungalow|caravan|barn|smallholding|farmhouse|chalet)\s+(?:at|called|named)"
    r"\s+([A-Z][\w'’-]*(?:[ ](?:y[ ]|yr[ ])?[A-Z][\w'’-]*){0,2})"
)
_STAYS_THERE = re.compile(
    r"\b(?:live|lives|living|lived|stay|stays|staying|stayed|moved|home|grew\s+up)\b", re.IGNORECASE
)


# "a cottage at Whitsun": when, not where.
_TIMES_OF_YEAR = word_set(
    "whitsun whitsuntide easter christmas xmas halloween half-term halfterm summer winter spring "
    "autumn weekend weekends night new year"
)


def _homes_at(text: str, lexicon: Lexicon) -> Iterator[Span]:
    """A farm or cottage "at" a name that is no town, where someone lives or stays."""
    for match in _HOME_AT.finditer(text):
        sentence_start = max(
            text.rfind(stop, 0, match.start()) for stop in (". ", "! ", "? ", "\n")
        )
        if not _STAYS_THERE.search(text, max(0, sentence_start), match.start()):
            continue
        names = [fold(name) for name in match.group(1).split()]
        if any(
            name in NEVER_NAMES
            or name in MONTHS
            or name in DAYS
            or name in HOLIDAYS
            or name in _TIMES_OF_YEAR
            for name in names
        ):
            continue
        if " ".join(names) in lexicon.places or (len(names) == 1 and names[0] in lexicon.places):
            continue  # "the farm at Eye": a town, found as one
        yield Span(match.start(1), match.end(1), ADDRESS)


# A post office box is where someone's letters go: "PO Box 77", "P.O. Box 1234", "po box 9".
_PO_BOX = re.compile(
    r"\b(?:P\.?\s?O\.?|post\s+office)\s?box\s*(?:no\.?\s*)?\d{1,6}\b", re.IGNORECASE
)


def find_addresses(text: str, words: Sequence[Word], lexicon: Lexicon) -> list[Span]:
    """House numbers and streets, flats, named buildings and estates."""
    lowered = text.lower()
    flats: list[Span] = []
    if any(word in lowered for word in ("flat", "apartment", "apt", "maisonette")) or (
        _FLOOR_FLAT_HINT.search(text)
    ):
        flats = [Span(m.start(), m.end(), ADDRESS) for m in _FLAT.finditer(text)]
    spans = list(flats)
    spans.extend(_buildings_after_flats(text, flats, lexicon))
    if "plot" in lowered or "pitch" in lowered:
        spans.extend(_plots(text))
    if "box" in lowered:
        spans.extend(Span(m.start(), m.end(), ADDRESS) for m in _PO_BOX.finditer(text))
    if " the " in lowered:
        spans.extend(Span(m.start(1), m.end(1), ADDRESS) for m in _NUMBER_THE.finditer(text))
    if _NUMBER_NEAR.search(lowered):
        spans.extend(Span(m.start(1), m.end(1), ADDRESS) for m in _AT_NUMBER.finditer(text))
    for index, word in enumerate(words):
        if index and (word.key in _STREETS or word.key in _WEAK_STREETS or word.key in _BUILDINGS):
            span = _street_or_building(text, words, index, flats, lexicon)
            if span is not None:
                spans.append(span)
    if "estate" in lowered:
        spans.extend(_estates(text, words, lexicon))
    spans.extend(_welsh_streets(text, words, lexicon))
    if " y " in lowered or " yr " in lowered:
        spans.extend(_welsh_house_names(text, words, lexicon))
    spans.extend(_named_after_a_number(text, words, lexicon))
    if _ANY_DIGIT.search(text):
        spans.extend(_lines_to_postcodes(text, lexicon))
    if "called" in lowered or "named" in lowered:
        spans.extend(_homes_called(text, lexicon))
    if " at " in lowered or "called" in lowered or "named" in lowered:
        spans.extend(_homes_at(text, lexicon))
    found = [
        _with_house_name(text, with_number_word(text, span), lexicon)
        for span in _join_neighbours(text, spans)
    ]
    if "site" in lowered:
        found = [_with_site(text, span) for span in found]
    return found


def _buildings_after_flats(text: str, flats: Sequence[Span], lexicon: Lexicon) -> Iterator[Span]:
    """The named building a flat is in: "Apartment 14, The Maltings", "Flat 3, Kingsley House"
    (not a town: "Flat 2, Ipswich" leaves the town to be found as one)."""
    for flat in flats:
        match = _BUILDING_AFTER_FLAT.match(text, flat.end)
        if match is None:
            continue
        names = [fold(name) for name in match.group(1).split()]
        if names[0] == "the":
            names = names[1:]
        if not names or any(
            name in NEVER_NAMES or name in MONTHS or name in DAYS for name in names
        ):
            continue
        joined = " ".join(names)
        if joined in lexicon.places or tuple(names) in lexicon.places_by_first_word.get(
            names[0], ()
        ):
            continue
        yield Span(match.start(1), match.end(1), ADDRESS)


def _plots(text: str) -> Iterator[Span]:
    """A plot or pitch given as a home ("we live at plot 12", "on pitch 4"), or straight before
    the rest of an address ("plot 12, Sandy Lane site")."""
    for match in _PLOT.finditer(text):
        given = _PLOT_GIVEN.search(text, max(0, match.start() - 20), match.start()) or (
            match.group()[0] in "pP"
            and match.group()[1] in "lL"
            and _AT_A_PLOT.search(text, max(0, match.start() - 5), match.start())
        )
        site = _NAMED_SITE.match(text, match.end())
        if site is not None:
            yield Span(match.start(), match.end(), ADDRESS)
            yield Span(site.start(1), site.end(1), ADDRESS)
        elif given or re.match(r",[ ]?[A-Z0-9]", text[match.end() : match.end() + 3]):
            yield Span(match.start(), match.end(), ADDRESS)


def _with_site(text: str, span: Span) -> Span:
    """ "Sandy Lane site": a street followed by "site" names a site, and the site is the home."""
    match = _SITE_AFTER.match(text, span.end)
    return Span(span.start, match.end(), span.label) if match else span


# Where the words before a name give it as someone's home: "nanas house is Bryn Awel", "i live
# at ty mawr", "my grandad's farm is Tyddyn Isaf", "Placement address: Pen Rhiw".
_GIVEN_AS_A_HOME = re.compile(
    r"(?:\b(?:live|lives|living|lived|moved|move|moving|stay|stays|staying|placed)\s+(?:at|to)"
    r"|\b(?:house|home|farm|cottage|address|bungalow|caravan)(?:\s+(?:is|was|now\s+is|is\s+called"
    r"|was\s+called|called))?\s*[:,–-]?"
    r"|\b(?:send|post|write)\s+(?:(?:it|them|letters?|post)\s+)?to)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def given_as_a_home(text: str, span: Span) -> bool:
    """Whether the words straight before span give it as someone's home ("we live at", "my
    house is", "address:"): a house's name needs neither a number nor a street word."""
    return bool(_GIVEN_AS_A_HOME.search(text, max(0, span.start - 40), span.start))


def measures_a_distance(span: Span, answer_words: Sequence[Word]) -> bool:
    """Whether an address found by whatever means counts minutes, miles or steps after its
    number ("2 minutes walk from school"): a distance, not a house number and a street."""
    inside = [word for word in answer_words if span.start <= word.start < span.end]
    return any(
        word.is_number and index + 1 < len(inside) and inside[index + 1].key in _DISTANCES
        for index, word in enumerate(inside)
    )


def with_number_word(text: str, span: Span) -> Span:
    """ "no.8 Harrow ct", "number 12 Mill Lane": the word for number joins the house number."""
    if not text[span.start : span.start + 1].isdigit():
        return span
    before = _NUMBER_WORD_BEFORE.search(text, max(0, span.start - 8), span.start)
    if before is None:
        return span
    return Span(before.start(), span.end, span.label)


def _welsh_streets(text: str, words: Sequence[Word], lexicon: Lexicon) -> Iterator[Span]:
    """Welsh streets, where the street word comes first: "Heol y Felin", "12 Ffordd Pentre",
    "Rhodfa'r Môr", "stryd fawr"."""
    for index, word in enumerate(words):
        key = word.key
        street = key.split("'", 1)[0] if "'" in key else key
        if street not in _WELSH_STREETS or index + 1 >= len(words):
            continue
        last = index
        while last + 1 < len(words) and last - index < 3:
            following = words[last + 1]
            if text[words[last].end : following.start] != " ":
                break
            joiner = following.key in ("y", "yr", "'r") and last + 2 < len(words)
            if not (joiner or _welsh_name_word(following, lexicon)):
                break
            last += 1
        while last > index and words[last].key in ("y", "yr"):
            last -= 1
        if last == index and "'" not in key:
            continue
        numbered = index > 0 and _numbered(text, words[index - 1], word)
        start = word.start
        lives_there = bool(_ON_A_STREET.search(text, max(0, start - 12), start)) or bool(
            _LIVES_AT.search(text, max(0, start - 16), start)
        )
        joined = "'" in key or any(part.key in ("y", "yr") for part in words[index : last + 1])
        named = _after_a_house_name(text, start)
        if not (word.capitalised or numbered or lives_there or joined or named):
            continue  # "heol y felin" is Welsh enough alone; "pant" or "cae" is not
        yield Span(words[index - 1].start if numbered else start, words[last].end, ADDRESS)


# Before a Welsh name joined by "y", where a home or a visit is: "i live at Tan y Bryn", "she is
# moving to Ael y Bryn", "the social worker came to Glan yr Afon".
_AT_A_HOME = re.compile(
    r"\b(?:at|to|address(?:\s+is)?\s*:?|(?:house|home|farm|cottage)\s+is(?:\s+called)?|called)\s+$",
    re.IGNORECASE,
)


def _welsh_house_names(text: str, words: Sequence[Word], lexicon: Lexicon) -> Iterator[Span]:
    """Houses, farms and streets named in Welsh with "y" or "yr" between two words ("Tan y
    Bryn", "Glan yr Afon", "Pen y Graig"): capitalised, or in lower case after "live at"."""
    for index in range(1, len(words) - 1):
        joiner = words[index]
        if joiner.key not in ("y", "yr"):
            continue
        before, after = words[index - 1], words[index + 1]
        if text[before.end : joiner.start] != " " or text[joiner.end : after.start] != " ":
            continue
        if not (_welsh_name_word(before, lexicon) and _welsh_name_word(after, lexicon)):
            continue
        if before.key in _WELSH_STREETS:
            continue  # "Heol y Felin" is a street, found with the street words
        start = before.start
        if index >= 2 and words[index - 2].key in ("tŷ", "ty") and words[index - 2].capitalised:
            start = words[index - 2].start  # "Tŷ Pen y Bryn"
        capitals = before.capitalised and after.capitalised and not before.shouted
        cued = bool(_AT_A_HOME.search(text, max(0, start - 30), start)) or bool(
            _HOME_CUE.search(text, max(0, start - 30), start)
        )
        if not cued or not (capitals or before.key not in lexicon.common_words):
            continue
        yield Span(start, after.end, ADDRESS)


# --- An address line that ends in a postcode ---------------------------------------------

_POSTCODE_START = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t\u00a0]?\d[A-Z]{2}\b", re.I | re.ASCII)
_CAPITALISED = r"[A-Z][\w'’-]*"
# A name of capitalised words, Welsh and English joiners between: "Coed y Brenin", "Old Forge".
_LINE_JOINERS = r"(?:y|yr|ar|of|the|upon|on|le|de|la)"
_LINE_NAME = rf"{_CAPITALISED}(?:[ ](?:{_LINE_JOINERS}[ ])?{_CAPITALISED}){{0,4}}"
_NUMBERED_NAME = re.compile(rf"(?<![\w/.,:-])(\d{{1,4}}[A-Za-z]?)[ ]+{_LINE_NAME}$")
_LINE_SEGMENT = re.compile(rf"(?:\d{{1,4}}[A-Za-z]?[ ]+)?{_LINE_NAME}")
# Numbers that count something else: "Year 9 Ipswich", "aged 12".
_NOT_HOUSE_NUMBERS = word_set("year yr years room class age aged page table bus route")
# A name's last word that makes it a service or a shop, not a home: "Kingfisher Family Hub,
# Station Road", "Maple Leaf Cafe, High Street".
_PUBLIC_PLACES = word_set(
    "hub centre center cafe café surgery clinic library office offices station hospital church "
    "chapel mosque temple gurdwara synagogue shop shops store supermarket club pub restaurant "
    "takeaway bakery garage gym pool museum theatre cinema practice pharmacy chemist bank "
    "services service team unit"
)


def _public_place(names: Sequence[str]) -> bool:
    """Whether a name (folded words) is a service's or a shop's, not a home's: "Family Hub",
    but not "The Old Chapel" or "The Old Post Office", buildings that became homes."""
    return bool(names) and names[-1] in _PUBLIC_PLACES and "old" not in names


def _lines_to_postcodes(text: str, lexicon: Lexicon) -> Iterator[Span]:
    """The address written before a postcode on one line: a house number and a street with
    no street word ("2 Coed y Brenin CF83 1UX"), a house's name ("The Old Forge, Wickham
    Market, IP13 0SB"). The town before the postcode is left to find_locations."""
    for postcode in _POSTCODE_START.finditer(text):
        line_start = max(0, postcode.start() - 120)
        before = text[line_start : postcode.start()]
        cut = max(before.rfind(mark) for mark in "\n.!?;:()")
        line_start += cut + 1
        before = text[line_start : postcode.start()]
        offset = line_start
        segments = []
        for part in re.finditer(r"[^,]+", before):
            stripped = part.group().strip()
            if stripped:
                start = part.start() + part.group().index(stripped)
                segments.append((offset + start, stripped))
        for position, (start, segment) in enumerate(reversed(segments)):
            last = position == 0
            numbered = _NUMBERED_NAME.search(segment)
            if numbered is not None:
                word_before = segment[: numbered.start()].split()[-1:]
                if not (word_before and fold(word_before[0]) in _NOT_HOUSE_NUMBERS):
                    yield Span(start + numbered.start(), start + len(segment), ADDRESS)
                    continue
            if not _LINE_SEGMENT.fullmatch(segment):
                break
            names = [fold(name) for name in segment.split()]
            named_building = len(names) > 1 and names[-1] in _BUILDINGS  # "The Coach House"
            if _public_place(names) or (
                not named_building
                and any(name in NEVER_NAMES and name not in _HOUSE_JOINERS for name in names)
            ):
                break
            if " ".join(names) in lexicon.places or tuple(names) in (
                lexicon.places_by_first_word.get(names[0], ())
            ):
                continue  # the town: "Wickham Market, IP13 0SB"
            house = (
                names[0] == "the"
                or names[-1] in _BUILDINGS
                or any(name in ("y", "yr", "ar") for name in names)
            )
            if house or (not last and names[-1] in _STREETS | _WEAK_STREETS):
                yield Span(start, start + len(segment), ADDRESS)
                continue
            break


# A home given by a house's name and a comma, straight before a street: "we live at Bryn Haul, "
_HOUSE_NAME_BEFORE = re.compile(
    r"\b(?:(?:live|lives|living|lived|moved|stay|stays|staying)\s+(?:at|to|on|in)"
    r"|address(?:\s+is)?\s*:?|(?:send|post|write)\s+(?:(?:it|them|letters?)\s+)?to"
    r"|(?:house|home)\s+is)"
    r"\s+(?:[A-Z][\w'’-]*[ ]){0,3}[A-Z][\w'’-]*,[ ]?$"
)


def _after_a_house_name(text: str, start: int) -> bool:
    """Whether a house's name, given as someone's home, stands straight before start."""
    return bool(_HOUSE_NAME_BEFORE.search(text, max(0, start - 70), start))


def _welsh_name_word(word: Word, lexicon: Lexicon) -> bool:
    """A word of a Welsh street's name: "Felin", "fawr", "Môr", "Eglwys"."""
    key = word.key
    if word.is_number or key in FUNCTION_WORDS or key in DETERMINERS or key in NEVER_NAMES:
        return False
    # After a Welsh street word any word may be the name, Welsh being no English word.
    # A common English word in lower case ends it: "Ffordd means way in Welsh".
    return (
        word.capitalised
        or key not in lexicon.common_words
        or (len(key) <= 5 and key not in _ENGLISH_AFTER_A_STREET)
    )


# Verbs and words that follow a Welsh street word used as a word, not as a street's name.
_ENGLISH_AFTER_A_STREET = word_set(
    "means mean meant is was are in and or the a to for"
    # where the street is: "i live on ffordd y morfa near the park"
    " near by next off with its it's now behind round opposite past so but then too"
)


def _with_house_name(text: str, span: Span, lexicon: Lexicon) -> Span:
    """A house name before the street joins the address: "Ty Gwyn, Heol y Felin", "Rose
    Cottage, Mill Lane", "The Old Forge, Church Street"."""
    match = _HOUSE_NAME.search(text, max(0, span.start - 40), span.start)
    if match is None:
        if text[span.start : span.start + 1].isdigit():
            # In lower case only after words that give a home: "i live at the gables, 4 ashby
            # lane" (the house number says the name before it is a house's).
            lower = _LOWER_HOUSE_NAME.search(text, max(0, span.start - 60), span.start)
            if lower is not None and not any(
                fold(name) in NEVER_NAMES and fold(name) not in _HOUSE_JOINERS
                for name in lower.group(1).split()
            ):
                return Span(lower.start(1), span.end, ADDRESS)
        return span
    names = [fold(name) for name in match.group(1).split()]
    # "The Coach House", and a service's or shop's building, which the street's span takes in
    # as it takes a house's ("the Phoenix Centre, Barley Road": where a child goes, found by it)
    named_building = len(names) > 1 and (names[-1] in _BUILDINGS or _public_place(names))
    if not named_building and any(
        name in NEVER_NAMES and name not in _HOUSE_JOINERS for name in names
    ):
        return span
    # Only the words just before the name are read (the whole text before it, once for each
    # address, made a long answer with many addresses quadratic).
    window = text[max(0, match.start(1) - 80) : match.start(1)]
    at_it = re.search(r"\b(?:at|address(?:\s+is)?\s*:?)\s+$", window[-20:], re.I)
    if not at_it and (
        " ".join(names) in lexicon.places
        or tuple(names) in lexicon.places_by_first_word.get(names[0], ())
    ):
        # "Ipswich, 12 Oak Road" is a town before the address; one is "in" a town and "at" a
        # house, whatever it shares its name with ("placed at Oakwood, 3 Elm Walk")
        return span
    before = window.rstrip(" \t")
    if before.endswith("\n"):
        # A line of its own above the street, as a letter is signed off: "Lorraine Whitlock\nThe
        # Old Forge, Mill Lane\nEye"
        return Span(match.start(1), span.end, ADDRESS)
    before = before.rstrip()
    if before and before[-1].isalnum() and not _HOUSE_NAME_CUE.search(before):
        return span  # "... said Rose, Mill Lane" is no house
    return Span(match.start(1), span.end, ADDRESS)


def _street_or_building(
    text: str, words: Sequence[Word], index: int, flats: Sequence[Span], lexicon: Lexicon
) -> Span | None:
    word = words[index]
    key = word.key
    if key in ("st", "dr") and index + 1 < len(words) and words[index + 1].capitalised:
        return None  # "St Edmund's" is a saint and "Dr Shah" a doctor, not a street
    first = index
    while first > 0 and index - first < 4:
        candidate = words[first - 1]
        if text[candidate.end : words[first].start] not in (" ", "\u00a0"):
            break
        if _is_name_word(candidate, lexicon) and index - first < 3:
            first -= 1
        elif candidate.key in ("st", "saint") and first < index and index - first < 3:
            first -= 1  # "st helens street", "St John's Road": a saint's name before the street
            break
        elif _welsh_joiner(words, first - 1, lexicon):
            first -= 2  # "Pen y Lan Road": a Welsh name joined by "y" between capitals
        else:
            break
    if key in _STREETS and (first == index or not _numbered(text, words[first - 1], words[first])):
        # "14 oak road", "2 mill lane": after a house number even ordinary words name a street
        first = _after_house_number(text, words, index, first)
    if key in _WEAK_STREETS and first == index:
        # "no.8 mill place", "62a station ct": after a house number where a home is given
        numbered_from = _after_house_number(text, words, index, first, weak=True)
        measured = any(part.key in _DISTANCES for part in words[numbered_from:index])
        if (
            numbered_from < first
            and not measured
            and _HOME_GIVEN.search(
                text, max(0, words[numbered_from - 1].start - 60), words[numbered_from - 1].start
            )
        ):
            first = numbered_from
    if first == index and index >= 2 and (key in _STREETS or key in _WEAK_STREETS):
        first = _plain_street_name(text, words, index, first)
    if first == index and index >= 2 and (key not in _BUILDINGS or key in _WEAK_STREETS):
        # "we live at The Willows, church court": a lower-case street after a house's name
        name = words[index - 1]
        plain = not (name.is_number or name.key in FUNCTION_WORDS or name.key in DETERMINERS)
        if plain and text[name.end : word.start] == " " and _after_a_house_name(text, name.start):
            first = index - 1
    if first == index:
        return None
    names = words[first:index]
    if key not in _STREETS and any(name.key in _INSTITUTIONS for name in names):
        return None  # "Youth Court", "Crown House"; but "High Street" is a street
    numbered = first > 0 and _numbered(text, words[first - 1], words[first])
    capitalised = word.capitalised and all(name.capitalised for name in names)
    start = names[0].start
    if key in _BUILDINGS and key not in _STREETS and key not in _WEAK_STREETS:
        after_flat = any(0 <= start - flat.end <= 2 for flat in flats)
        lives_there = bool(_LIVES_AT.search(text, max(0, start - 20), start))
        evidence = numbered or after_flat or lives_there
        if lives_there and first > 0 and words[first - 1].text == "The":
            start = words[first - 1].start  # "we live at The Old Forge": "The" is in its name
    elif key in _WEAK_STREETS:
        # "my nan lives on meadow way": where someone lives, even in lower case
        evidence = (
            capitalised or numbered or bool(_LIVES_ON.search(text, max(0, start - 20), start))
        )
    else:
        on_it = bool(_ON_A_STREET.search(text, max(0, start - 12), start))
        given = bool(_LIVES_ON.search(text, max(0, start - 24), start))
        evidence = capitalised or numbered or on_it or given
    if not evidence and not _after_a_house_name(text, start):
        return None
    return Span(words[first - 1].start if numbered else start, word.end, ADDRESS)


def _plain_street_name(text: str, words: Sequence[Word], index: int, first: int) -> int:
    """Where a street named in ordinary lower-case words starts, if the text gives it as a home
    ("my nan lives on station rd", "address is ash tree place") or as where something is ("the
    chip shop on high st"); otherwise first, unchanged."""
    for size in (1, 2):
        start = index - size
        if start < 1:
            break
        name = words[start]
        plain = not (name.is_number or name.key in FUNCTION_WORDS or name.key in DETERMINERS)
        if not plain or text[name.end : words[start + 1].start] != " ":
            break
        if _LIVES_ON.search(text, max(0, name.start - 24), name.start):
            return start
        if (
            size == 1
            and words[index].key in _STREETS
            and name.key not in _IDIOM_STREETS
            and _ON_THE_STREET.search(text, max(0, name.start - 8), name.start)
        ):
            return start
    return first


def _welsh_joiner(words: Sequence[Word], index: int, lexicon: Lexicon) -> bool:
    """Whether words[index] is "y" or "yr" between two capitalised name words."""
    if words[index].key not in ("y", "yr") or index < 1 or index + 1 >= len(words):
        return False
    before, after = words[index - 1], words[index + 1]
    return before.capitalised and after.capitalised and _is_name_word(before, lexicon)


def _after_house_number(
    text: str, words: Sequence[Word], index: int, first: int, weak: bool = False
) -> int:
    """Where a street's name starts if one or two words lie between a house number and the
    street word ("14 oak road"); otherwise first, unchanged. Not "3 big road trips": a street
    ends a phrase (and a weak street word such as "place" or "walk" also needs a home given)."""
    if index + 1 < len(words) and not weak:
        after = words[index + 1]
        plain_word = after.key not in FUNCTION_WORDS and after.key not in DETERMINERS
        if plain_word and text[words[index].end : after.start] == " ":
            return first
    for start in (index - 1, index - 2):
        if start < 1:
            break
        between = words[start:index]
        if any(
            part.is_number or part.key in FUNCTION_WORDS or part.key in DETERMINERS
            for part in between
        ):
            break
        following = [*between[1:], words[index]]
        if any(text[a.end : b.start] != " " for a, b in zip(between, following, strict=True)):
            break
        if _numbered(text, words[start - 1], words[start]):
            return start
    return first


def _is_name_word(word: Word, lexicon: Lexicon) -> bool:
    """A word that can be part of a street, building or estate name."""
    if word.is_number or word.key in FUNCTION_WORDS or word.key in DETERMINERS:
        return False
    return word.capitalised or word.key not in lexicon.common_words


def _numbered(text: str, before: Word, first: Word) -> bool:
    """A house number ("14", "27b") straight before the street name."""
    return bool(
        before.is_number
        and _HOUSE_NUMBER.match(before.text)
        and text[before.end : first.start].strip(", ") == ""
    )


def _estates(text: str, words: Sequence[Word], lexicon: Lexicon) -> Iterator[Span]:
    """ "the Gainsborough estate", "the chantry estate" (without "the")."""
    for position, word in enumerate(words):
        if word.key not in ("estate", "estates") or not position:
            continue
        first = position
        while first > 0 and position - first < 2:
            candidate = words[first - 1]
            if candidate.key in _GENERIC_ESTATE or not _is_name_word(candidate, lexicon):
                break
            if not candidate.capitalised and (
                first < 2 or words[first - 2].key not in _BEFORE_ESTATE
            ):
                break
            first -= 1
        if first < position:
            yield Span(words[first].start, word.end, ADDRESS)


def _join_neighbours(text: str, spans: list[Span]) -> list[Span]:
    """One span for "Flat 2, 31 Carr Street": parts of one address separated by a comma."""
    joined: list[Span] = []
    for span in sorted(spans, key=lambda span: (span.start, -span.end)):
        if (
            joined
            and span.start - joined[-1].end <= 2
            and (text[joined[-1].end : span.start].strip(", ") == "")
        ):
            previous = joined.pop()
            joined.append(Span(previous.start, max(previous.end, span.end), ADDRESS))
        else:
            joined.append(span)
    return joined


# --- Towns and villages --------------------------------------------------------------------

# Words after a place that make it part of an organisation's name ("Ipswich Hospital").
INSTITUTION_AFTER = word_set(
    "council county borough district hospital police constabulary town united city fc "
    "university college academy airport station"
)
_PLACE_CUE = word_set(
    "in at from to near round around down up outside towards across nr into of covering covers via"
)
_RESIDENCE = re.compile(
    r"\b(?:live|lives|living|lived|moved|move|moving|based|stay|stays|staying|born|grew up)"
    r"\s+(?:in|to|at|near|from)\s+$",
    re.IGNORECASE,
)
_NEVER_PLACES = MONTHS | DAYS | HOLIDAYS
# Small words inside place names: "Clacton on Sea", "Wells next the Sea".
_PLACE_JOINERS = word_set("on upon the next le by in")
_AREA_WORDS = word_set("team office area locality side hub estate")


def find_locations(text: str, words: Sequence[Word], lexicon: Lexicon) -> list[Span]:
    """Towns, villages and neighbourhoods."""
    spans: list[Span] = []
    index = 0
    while index < len(words):
        length = _place_length(text, words, index, lexicon)
        if length and _is_place_here(text, words, index, length, lexicon, spans):
            spans.append(Span(words[index].start, words[index + length - 1].stem_end, LOCATION))
            index += length
        else:
            index += 1
    return spans


def _place_length(text: str, words: Sequence[Word], index: int, lexicon: Lexicon) -> int:
    """How many words from index make a known place (0 if none)."""
    word = words[index]
    candidates = lexicon.places_by_first_word.get(word.key, ())
    if word.stem_end < word.end:  # "King's Lynn" is listed with its apostrophe
        candidates += lexicon.places_by_first_word.get(fold(word.text), ())
    for candidate in candidates:
        length = len(candidate)
        if index + length > len(words):
            continue
        following = words[index + 1 : index + length]
        if all(
            candidate[offset] in (part.key, fold(part.text))
            and text[words[index + offset - 1].end : part.start] == " "
            for offset, part in enumerate(following, start=1)
        ):
            return length
    return 1 if word.key in lexicon.places else 0


def _is_place_here(
    text: str,
    words: Sequence[Word],
    index: int,
    length: int,
    lexicon: Lexicon,
    found: Sequence[Span],
) -> bool:
    """Whether the known place at index means the place here, judging by case and context."""
    word = words[index]
    if index + length < len(words):
        following = words[index + length]
        if following.key in INSTITUTION_AFTER and following.capitalised:
            return False  # "Ipswich Hospital", "Norwich City"
    before = words[index - 1] if index else None
    if before is not None and before.key in ("st", "saint"):
        return False
    if length > 1:
        # "Castle Hill" or "old heath" in lower case is a description, not a place.
        parts = words[index : index + length]
        if all(part.key in lexicon.dictionary for part in parts):
            return all(part.capitalised or part.key in _PLACE_JOINERS for part in parts)
        return True
    key = word.key
    if key in _NEVER_PLACES:
        # "we live in March", but "the next one is in March".
        residence = _RESIDENCE.search(text, max(0, word.start - 20), word.start)
        return bool(word.capitalised and residence)
    # Places spelt like an ordinary word or a first name ("Eye", "Bury", "Stanley").
    if key not in lexicon.dictionary and key not in lexicon.first_names:
        return True
    if not word.capitalised or before is None:
        return False
    if before.key in _PLACE_CUE:
        return True
    if text[before.end : word.start].strip() == "," and (
        before.key in _STREETS
        or before.key in _WEAK_STREETS
        or before.key in _WELSH_STREETS
        or before.key in _BUILDINGS
    ):
        return True  # "Church Street, Eye", "Hillside Farm, Eye": the town of an address
    if before.key == "the" and index + 1 < len(words):
        return words[index + 1].key in _AREA_WORDS  # "the Sudbury team"
    # "Colchester and Clacton": beside a place just found.
    return bool(found) and found[-1].end <= before.start and before.key in ("and", "or")
