"""Schools, colleges and nurseries named in an answer, with or without a type word."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence

from ..redaction import Span
from .lexicon import (
    DAYS,
    DETERMINERS,
    FUNCTION_WORDS,
    HOLIDAYS,
    MONTHS,
    NEVER_NAMES,
    NOT_PLACES,
    PERSON_NOUNS,
    RELATIONS,
    Lexicon,
    fold,
    word_set,
)
from .places import INSTITUTION_AFTER
from .text import Word

SCHOOL = "SCHOOL"


_SCHOOL_TYPES = word_set(
    "primary junior juniors infant infants nursery preschool pre-school academy high "
    "secondary school college grammar prep pru utc sixth 6th comp comprehensive montessori "
    "playgroup kindergarten"
    # Welsh county primaries ("Llanfair CP", for Cynradd) and Irish national schools ("NS")
    " cp ns"
    # as practitioners shorten them ("Priory Sch", "Chalkwell Hall Jnr") and children spell them
    " sch prim jnr inf coll acad acadamy acadmy accademy acedemy primery primry skool"
    # letters swapped or doubled as typed fast: "thornhill acadmey", "secondry"
    " acadmey acadamey academey acadomy akademy acaddemy secondry seconday secondery primay"
    " primarey"
    # church schools by their church: "st marys rc", "St Peter's CE", "Holy Trinity CofE"
    " rc ce cofe"
)
# Describe a school without naming it: "my old primary", "the high school", "Secondary School".
_GENERIC_SCHOOL = word_set(
    "primary secondary high junior infant nursery special new old local big same other "
    "previous current last next first boarding private state village nearest grammar "
    "school college sixth form year dance drama music driving sunday summer forest art "
    "football swimming sports language catholic community church england c e of ce virtual "
    "hospital home outdoor holiday online night boarding boxing gymnastics karate cheer "
    "cheerleading stage theatre police army cadets cadet coding breakfast homework revision "
    "saturday weekend after film bible quran madrassa mosque tuition sch prim jnr inf coll "
    "acad comp comprehensive skool acadamy acadmy accademy acedemy primery primry acadmey "
    "acadamey academey acadomy akademy acaddemy secondry seconday secondery primay primarey"
)
# Words that may follow the type word as part of the name: "High School", "Academy Trust".
_SCHOOL_SUFFIXES = word_set(
    "school college academy primary form high junior infants trust sch prim jnr inf nursery"
)
_TO_SCHOOL = word_set("at from to attend attends attended go goes went in")
# "they rang stoke high", "i hate oak grove high": a school is what these are done to here.
_DONE_TO_A_SCHOOL = word_set(
    "rang ring rings phoned phone phones called call calls emailed email emails contacted "
    "contact told tell tells visited visit left leave leaving joined join hate hated love "
    "loved like liked miss missed"
)
# Words that show an answer talks about school ("year 9" is found apart, in _school_talk).
_SCHOOL_TALK = word_set(
    "school schools teacher teachers miss sir head class classes lesson lessons tutor tutors "
    "college pupil pupils uniform detention excluded exclusion expelled ysgol gcse gcses exam "
    "exams homework attendance maths playground timetable pru nursery academy primary "
    "secondary headteacher senco dsl isolation suspended suspension"
)
# Welsh and Irish school words come before the name: "Ysgol Glan Morfa", "Gaelscoil Bhríde".
_SCHOOL_FIRST = word_set("ysgol coleg scoil gaelscoil coláiste colaiste gaelcholáiste")
# Welsh words inside many schools' names that are also English words or slang: "Ysgol Bro
# Dinefwr", "Ysgol Gyfun Maes Y Gwendraeth", "Ysgol Pen Y Bryn", "Ysgol Glan Conwy".
_WELSH_NAME_WORDS = word_set(
    "bro gyfun gynradd uwchradd maes pen glan cwm bryn llan tre dyffryn gymraeg coed nant"
)
_SCHOOL_VERBS = word_set("attend attends attended attending excluded expelled")
_GO = word_set("go goes going went gone moved move moving back started start")
# A school's name follows these without a type word.
# Before a school's bare name: "excluded from X", "the teachers at X", "year 9 at X".
_SCHOOL_STAFF = word_set(
    "teacher teachers staff head headteacher pupil pupils student students senco dsl tutor "
    "attendance roll"
)
_SENT_AWAY = word_set("excluded expelled suspended out")
_ATTENDS = word_set("attend attends attended attending")
_MOVED = word_set("moved move moving transferred transfer")
# Every word a bare school name may follow (checked first, to skip the rest quickly).
_BEFORE_A_SCHOOL = _ATTENDS | word_set("called named is from of at in to go goes into")
# Words that end many schools' names: "Sandhill View", "Moor Park", "Castle Hill".
_NAME_ENDINGS = word_set(
    "view park hill green fields field grove wood woods vale bank side moor heath meadow "
    "meadows valley brook court gate hall manor farm castle rise way end high primary academy"
)
# Words after "St X" that make it no school.
_NOT_A_SCHOOL_AFTER = word_set(
    "ambulance day day's hospital hospice church cathedral chapel centre center road street st "
    "lane avenue close way park ward surgery clinic house court station ives neots albans "
    "helens austell andrews leonards"
)
_CHURCH_WORDS = word_set(
    "mass church chapel service services communion confession sunday parish vicar priest "
    "father choir christening baptism wedding funeral"
)
_NOT_SAINTS = FUNCTION_WORDS | DAYS | MONTHS
# Capitals after "at" that are services, shops or tests, not schools.
_NOT_SCHOOL_ACRONYMS = word_set(
    "nhs camhs nspcc nyas mash lado cafcass ofsted dwp edt pru kfc asda ikea tgi ymca ywca "
    "bbc itv gcse gcses sats ucas send sen ehcp pep cin cla lac yot yos aa na gp gps sw iro "
    "ppe dbs ptsd adhd asd ocd hmp hmyoi sats mot mcdonalds tesco aldi lidl bham ldn "
    # school words in capitals, not a school's initials
    "iep slt hoy pshe rse btec nvq mfl ict elsa semh asc lgbt lgbtq aqa ocr sendco ssa"
)
# An unknown acronym doing what a school does: "HPA gave me a detention", "CHS rang mum".
_SCHOOL_ACTS = word_set(
    "is are was were gave give gives rang rings phoned phones called calls excluded expelled "
    "suspended said says told tells has have had put puts sent sends let lets made makes know "
    "knows knew dont don't didnt didn't never always wont won't"
)


def find_schools(text: str, words: Sequence[Word], lexicon: Lexicon) -> list[Span]:
    """Named schools, colleges and nurseries, with the type word written next to the name, or
    without one where the words around say it is a school ("at St Bede's", "goes to KGS")."""
    spans: list[Span] = []
    talk: list[bool] = []

    def school_talk() -> bool:
        # Read the whole answer for school words only once a candidate needs it.
        if not talk:
            talk.append(_school_talk(words))
        return talk[0]

    last = len(words) - 1
    for index, word in enumerate(words):
        key = word.key
        if key not in _TRIGGERS and not word.upper:
            continue  # most words: nothing to check
        span = None
        if word.upper and index < last and key not in _SCHOOL_TYPES:
            span = _acronym_acting(words, index, lexicon, school_talk)
        elif index and key in _SCHOOL_TYPES:
            span = _school(text, words, index, lexicon)
        elif key in _SCHOOL_FIRST and index < last:
            span = _welsh_school(text, words, index, lexicon)
        elif key in ("st", "saint") and index < last:
            span = _saints_school(text, words, index, lexicon, school_talk)
        elif index and key in _SAINT_KEYS:
            span = _saint_without_st(words, index, school_talk)
        elif key in _RELIGIOUS_FIRST and index < last:
            span = _religious_name(text, words, index, school_talk)
        elif key in _FOUNDER_TITLES and index < last:
            span = _founders_school(text, words, index, lexicon, school_talk)
        if span is not None:
            spans.append(span)
        if key in _BESIDE_TRIGGERS and index < last:
            span = _school_beside(text, words, index, lexicon)
            if span is not None:
                spans.append(span)
    lowered = text.lower()
    if any(noun in lowered for noun in _SAID_NOUNS):
        spans.extend(_said_to_be_a_school(text, lexicon))
        spans.extend(_school_given_as(text, lexicon))
    if "from" in lowered and " to " in lowered:
        spans.extend(_moved_between(text, words, lexicon, school_talk))
    spans.extend(_schools_after_cues(text, words, lexicon, school_talk))
    spans.extend(_schools_by_name_alone(text, words, lexicon, school_talk))
    spans.extend(_land_names(words, lexicon, school_talk))
    spans.extend(_halls(text, words, lexicon, school_talk))
    if "saints " in lowered or " ss " in f" {lowered}":
        spans.extend(_two_saints(text, school_talk))
    # "moving up to s3", "going into p7": Scottish school years, not a school's name
    return [span for span in spans if not _SCHOOL_YEAR.fullmatch(text, span.start, span.end)]


_SCHOOL_YEAR = re.compile(r"[SPsp][1-7]")


_SAID_NOUNS = ("school", "academy", "college", "nursery", "pru", "unit", "primary", "secondary")
# A name after "at" or "to", then the sentence says what it is: "im at oaks park now its a special
# school", "he goes to brookvale, which is a school for kids with autism".
_SAID_TO_BE = re.compile(
    r"\b(?:at|to|attends?|attended|attending)\s+((?:the\s+)?[^\W\d_][\w'’-]*"
    r"(?:[ ][^\W\d_][\w'’-]*){0,2}?)[ ]*(?:,[ ]*|[ ]+[–—-][ ]+|[ ]+)"
    r"(?:(?:now|and|but|cos|because|coz|as)[ ]+)?"
    r"(?:it['’]?s|it[ ]+is|which[ ]+is|thats|that['’]s|that[ ]+is|its[ ]+like)[ ]+(?:a|an)[ ]+"
    r"(?:[\w-]+[ ]+){0,2}?(?:school|academy|college|nursery|pru|unit|primary|secondary)\b"
    # "went to Legoland its a school trip": a school's outing, not a school
    r"(?![ ]+(?:trip|trips|day|days|holiday|holidays|uniform|bus|run|thing|night|project|event|"
    r"visit|friend|friends|mate|mates|disco|play|show|fair|camp|club|residential|outing|week|"
    r"weeks|based|run|night|morning|term)\b)",
    re.IGNORECASE,
)
# Somewhere that is no school's name, whatever the sentence says next: "at home now its a ...".
_NOT_NAMED = word_set(
    "home work school college nursery church hospital dads mums nans home's mine yours this that "
    "it one new old special different same other"
    # what inspectors and parents call a school: 'the school was "Outstanding"'
    " outstanding good requires improvement inadequate excellent ok okay fine rubbish bad great"
)


def _said_to_be_a_school(text: str, lexicon: Lexicon) -> Iterator[Span]:
    """A name the sentence goes on to call a school: "im at oaks park now its a special school"."""
    for match in _SAID_TO_BE.finditer(text):
        span = _name_in(text, match.start(1), match.group(1), lexicon, lower_case=True)
        if span is not None:
            yield span


# A school given in a form's or a note's words: "gave school as \"BMH\"", "school listed as
# Kingsfield", "school: 'the Ashley'".
_GIVEN_AS = re.compile(
    r"\b(?:school|college|nursery|academy|setting)(?:[ ]+(?:name|given|listed|recorded|put|written|"
    r"down|named|called))*[ ]*(?:as|is|was|:|=|called|named)[ ]*"
    r"(?:[\"“‘']([^\"”’'\n]{2,40}?)[\"”’']|(?<=as[ ])([A-Z][\w'’-]*(?:[ ][A-Z][\w'’-]*){0,2}))",
    re.IGNORECASE,
)


def _school_given_as(text: str, lexicon: Lexicon) -> Iterator[Span]:
    """A school's name in quotes after a word for a school, or a capitalised name after "school
    as": "gave school as \"BMH\"", "her school was 'Little Owls'"."""
    for match in _GIVEN_AS.finditer(text):
        group = 1 if match.group(1) is not None else 2
        name = match.group(group)
        if group == 2:
            # IGNORECASE lets "[A-Z]" take "well" in "school as well", and "on the" after a name
            capitals = list(itertools.takewhile(lambda part: part[0].isupper(), name.split()))
            if not capitals:
                continue
            name = " ".join(capitals)
        if group == 1 and not (name[0].isupper() or name[0].isdigit()):
            continue  # 'my school is "rubbish"': a word quoted, not a name
        span = _name_in(text, match.start(group), name, lexicon, lower_case=False)
        if span is not None:
            yield span


def _name_in(
    text: str, start: int, name: str, lexicon: Lexicon, *, lower_case: bool
) -> Span | None:
    """The span of a school's name written at start, without a lower-case "the" before it, if
    every word could be part of a name."""
    if name[:4].lower() == "the " and name[0] == "t":
        rest = name[4:].lstrip()
        start += len(name) - len(rest)
        name = rest
    parts = name.split()
    if not parts:
        return None
    for part in parts:
        key = fold(part.strip("'’"))
        if (
            key in FUNCTION_WORDS
            or key in DETERMINERS
            or key in NEVER_NAMES
            or key in MONTHS
            or key in DAYS
            or key in HOLIDAYS
            or key in _NOT_NAMED
            or key in _GENERIC_SCHOOL
            or key == "i"
        ):
            return None
    if len(parts) == 1 and len(parts[0]) < 2:
        return None
    if not lower_case and not any(part[0].isupper() for part in parts):
        return None
    return Span(start, start + len(name.rstrip("'’")), SCHOOL)


# "moved from Castle Hill to Thomas Gainsborough in year 8", "YP transferred from Kesgrave to
# Thurston mid-year": a move between schools, named on both sides.
_MOVED_BETWEEN = re.compile(
    r"\b(?P<verb>moved|move|moving|transferred|transfer|transferring|changed|switched|went)"
    r"(?:[ ]+(?:schools?|school|over))?[ ]+from[ ]+"
    r"(?P<first>[A-Za-z][\w'’-]*(?:[ ][A-Za-z][\w'’-]*){0,2}?)[ ]+to[ ]+"
    r"(?P<second>[A-Za-z][\w'’-]*(?:[ ][A-Za-z][\w'’-]*){0,2}?)"
    r"(?=[ ]*(?:[.,;!?)\n]|$|[ ]+(?:in|at|mid|for|when|after|because|cos|and|but|last|this|"
    r"since|halfway|half)\b))",
    re.IGNORECASE,
)
_TRANSFERRED = word_set("transferred transfer transferring switched")
_MOVED_BY_SOMEONE = re.compile(r"\b(?:was|were|got|been|being|is|are)[ ]+$", re.IGNORECASE)


def _moved_between(
    text: str, words: Sequence[Word], lexicon: Lexicon, school_talk: Callable[[], bool]
) -> Iterator[Span]:
    """Both schools of a move between schools, capitalised, where the answer talks of school or
    the move is a transfer: towns moved between ("moved from Ipswich to Norwich") stay towns."""
    for match in _MOVED_BETWEEN.finditer(text):
        # "she was moved from X to Y": a child is moved between schools; a family moves house
        passive = bool(_MOVED_BY_SOMEONE.search(text, max(0, match.start() - 8), match.start()))
        transferred = fold(match.group("verb")) in _TRANSFERRED or passive
        said = (
            "school" in match.group().lower() or "mid-year" in text[match.end() : match.end() + 12]
        )
        if not (transferred or said or school_talk()):
            continue
        names = []
        for group in ("first", "second"):
            name = match.group(group)
            if not all(part[0].isupper() for part in name.split()):
                break
            names.append(_name_in(text, match.start(group), name, lexicon, lower_case=False))
        if len(names) < 2 or None in names:
            continue
        keys = [fold(match.group(group)) for group in ("first", "second")]
        if all(key in lexicon.places for key in keys) and not (
            said or (transferred and school_talk())
        ):
            # two towns: a family moving house in year 8, a case or a child transferred
            # between areas ("I was transferred from Ipswich to Lowestoft last year")
            continue
        yield from (name for name in names if name is not None)


# The last word of a school named after a house ("Thorpe Hall", "Stoke Manor").
_HALLS = word_set("hall manor grange")
# The last word of a school named from the land in two words ("thorpe wood", "ash grove"): a
# school only where someone goes there every day, attends it or is excluded from it, or (in an
# answer that talks of school) has left, rung or hated it.
_LAND_WORDS = word_set("wood woods grove vale mead meadow meadows field fields heath brook dene")
# Before such a name: going there, being there, or what a school has done to one.
_BEFORE_A_HALL = _TO_SCHOOL | _DONE_TO_A_SCHOOL | _SCHOOL_VERBS


def _halls(
    text: str, words: Sequence[Word], lexicon: Lexicon, school_talk: Callable[[], bool]
) -> Iterator[Span]:
    """ "i dont like thorpe hall the teachers ...", "im at Oak Manor now, my tutor ...": a name
    and "hall" (in any case) after going, being at or liking, in an answer that talks of school;
    not "the village hall" or "the town hall", named by ordinary words."""
    for index in range(2, len(words)):
        land = words[index].key in _LAND_WORDS
        if words[index].key not in _HALLS and not land:
            continue
        name, cue = words[index - 1], words[index - 2]
        if land and not (
            _goes_to(words, index - 1)
            or cue.key in _SCHOOL_VERBS
            or (cue.key in _DONE_TO_A_SCHOOL and school_talk())
        ):
            continue  # "we went to thorpe wood on a trip": a wood; "i go to thorpe wood": a school
        if cue.key not in _BEFORE_A_HALL or text[name.end : words[index].start] != " ":
            continue
        key = name.key
        if name.is_number or key in NEVER_NAMES or key in FUNCTION_WORDS or key in DETERMINERS:
            continue
        if key in lexicon.common_words and key not in lexicon.places:
            continue  # "the sports hall", "to town hall"
        if _goes_to(words, index - 1) or school_talk():  # "i go to thorpe hall": every day
            yield Span(name.start, words[index].stem_end, SCHOOL)


# Endings of the compound names schools take from the land: "Kingsway", "Parkside",
# "Ravenswood", "Brookfield", "Larkmead", "Fairhurst".
_LAND_ENDINGS = (
    "way", "side", "wood", "woods", "field", "fields", "fleet", "mead", "brook", "croft",
    "dene", "denes", "gate", "hurst", "lands", "moor", "vale", "view", "grove", "bank",
)  # fmt: skip
# Words before a place's name that make it the school's: "i hate kingsway", "excluded from X".
_DONE_OR_ATTENDED = _DONE_TO_A_SCHOOL | _SCHOOL_VERBS | _SENT_AWAY


def _land_name(key: str, lexicon: Lexicon) -> bool:
    """A compound named from the land ("kingsway", "parkside") that is no ordinary word."""
    return (
        len(key) >= 7
        and key.endswith(_LAND_ENDINGS)
        and key not in lexicon.dictionary
        and key not in lexicon.common_words
        and key not in NEVER_NAMES
    )


def _land_names(
    words: Sequence[Word], lexicon: Lexicon, school_talk: Callable[[], bool]
) -> Iterator[Span]:
    """ "i hate kingsway", "parkside rang my mum", "i go to Westwood and the teachers ...": a
    name from the land that no name list holds, that someone goes to, leaves or hates, or that
    does what a school does, or (not a known town) in an answer that talks of school."""
    last = len(words) - 1
    for index, word in enumerate(words):
        key = word.key
        if len(key) < 7 or not key.endswith(_LAND_ENDINGS) or not word.text.isalpha():
            continue
        if not _land_name(key, lexicon) or key in lexicon.first_names or key in lexicon.surnames:
            continue
        cue = words[index - 1].key if index else ""
        acting = index < last and words[index + 1].key in _SCHOOL_ACTS
        done = cue in _DONE_OR_ATTENDED or (
            cue == "to" and index >= 2 and words[index - 2].key in _DONE_OR_ATTENDED
        )
        if key in lexicon.places:
            # a town's name is the school's only where someone goes there daily or it acts
            found = done or ((_goes_to(words, index) or acting) and school_talk())
        else:
            found = done or acting or cue in _TO_SCHOOL or cue in _GO or school_talk()
        if found:
            yield Span(word.start, word.stem_end, SCHOOL)


def _welsh_school(text: str, words: Sequence[Word], index: int, lexicon: Lexicon) -> Span | None:
    """ "Ysgol Glan Morfa", "Coleg Gwent", "Gaelscoil Bhríde": the type word comes first."""
    last = index
    while last + 1 < len(words) and last - index < 4:
        following = words[last + 1]
        if text[words[last].end : following.start] != " ":
            break
        joiner = (
            following.key in ("y", "yr", "na", "an") or following.key in _WELSH_NAME_WORDS
        ) and last + 2 < len(words)
        if not (joiner or _school_name_word(following, lexicon)):
            break
        if not joiner and not following.capitalised and following.key in lexicon.vocabulary:
            break
        last += 1
    if last == index or words[last].key in ("y", "yr", "na", "an"):
        return None
    return Span(words[index].start, words[last].stem_end, SCHOOL)


def _saints_school(
    text: str, words: Sequence[Word], index: int, lexicon: Lexicon, school_talk: Callable[[], bool]
) -> Span | None:
    """ "St Bede's", "saint brigid's", "st joes", "St Teilo's" where the answer talks of
    school or goes to it; not "St John Ambulance" or "St Andrew's Day"."""
    saint = words[index + 1]
    gap = text[words[index].end : saint.start]
    if gap not in (" ", ". ") or saint.is_number or saint.key in _NOT_SAINTS:
        return None
    last = index + 1
    # "St Mary and St John", "St Thomas More": up to two more name words.
    while (
        last + 1 < len(words)
        and last - index < 3
        and words[last].stem_end == words[last].end
        and text[words[last].end : words[last + 1].start] == " "
        and words[last + 1].capitalised
        and saint.capitalised
        and words[last + 1].key not in _SCHOOL_TYPES
        and words[last + 1].key not in _NOT_A_SCHOOL_AFTER
        and _school_name_word(words[last + 1], lexicon)
    ):
        last += 1
    if last + 1 < len(words) and words[last + 1].key in _NOT_A_SCHOOL_AFTER:
        return None  # "St John Ambulance", "St Andrew's Day", "St Mary's hospital"
    if any(later.key in _CHURCH_WORDS for later in words[last + 1 : last + 5]):
        return None  # "St David's for Sunday mass"
    cue = words[index - 1].key if index else ""
    strong = cue in _TO_SCHOOL or cue in _SCHOOL_VERBS
    town = ("saint", saint.key) in lexicon.places_by_first_word.get("saint", ())
    if index:
        # "Bury St Edmunds", "Leonards St ...": the saint is part of a town's name
        first = words[index - 1].key
        listed = lexicon.places_by_first_word.get(first, ())
        town = town or any((first, st, saint.key) in listed for st in ("st", "saint", "st."))
    if town and cue not in _SCHOOL_VERBS:
        return None  # "St Ives", "St Albans"
    # "St Bede's have been great", "st joes": a saint's name in the possessive is, in these
    # answers, a school (a church or hospital is named as one).
    possessive = words[last].stem_end < words[last].end or (
        words[last].key.endswith("s") and not town and not words[last].capitalised
    )
    if not (strong or possessive or school_talk()):
        return None
    return Span(words[index].start, words[_second_saint(text, words, last)].end, SCHOOL)


_SAINTS_JOINED = re.compile(r"[ ]+(?:and|&)[ ]+", re.IGNORECASE)


def _second_saint(text: str, words: Sequence[Word], last: int) -> int:
    """Where a school named after two saints ends: "St Mary and St Michael", "St Peter & St
    Paul's" are one school's name, not two; last is the first saint's name's last word."""
    joined = last + 3 < len(words) and words[last + 2].key in ("st", "saint")
    if not joined or words[last].stem_end < words[last].end:
        return last  # "St Bede's and St John's": two schools
    if not _SAINTS_JOINED.fullmatch(text, words[last].end, words[last + 2].start):
        return last
    saint = words[last + 3]
    if text[words[last + 2].end : saint.start] not in (" ", ". ") or saint.key in _NOT_SAINTS:
        return last
    if saint.is_number or (words[last].capitalised and not saint.capitalised):
        return last
    return last + 3


# "saints peter and paul", "SS Peter & Paul": a school named after two saints together.
_TWO_SAINTS = re.compile(
    r"\b(?:saints|ss)\.?[ ]+([^\W\d_][\w'’-]*)[ ]+(?:and|&)[ ]+([^\W\d_][\w'’-]*)", re.IGNORECASE
)


def _two_saints(text: str, school_talk: Callable[[], bool]) -> Iterator[Span]:
    """ "i go to saints peter and paul", "SS Philip & James" where the answer goes to it or talks
    of school (the two names after "saints" are no one's)."""
    for match in _TWO_SAINTS.finditer(text):
        if fold(match.group(1)) in _NOT_SAINTS or fold(match.group(2)) in _NOT_SAINTS:
            continue
        before = text[max(0, match.start() - 30) : match.start()].split()
        cue = fold(before[-1]) if before else ""
        if cue in _TO_SCHOOL or cue in _SCHOOL_VERBS or school_talk():
            yield Span(match.start(), match.end(), SCHOOL)


def _schools_after_cues(
    text: str, words: Sequence[Word], lexicon: Lexicon, school_talk: Callable[[], bool]
) -> Iterator[Span]:
    """A school named bare after words that say it is one: "goes to KGS", "excluded from
    Castle Hill", "my school is called Penrhos", "in year 9 at QEGS"."""
    for index in range(1, len(words)):
        if words[index - 1].key not in _BEFORE_A_SCHOOL:
            continue
        word = words[index]
        in_year = _year_follows(words, index, lexicon)
        sure = in_year or _strong_school_cue(text, words, index)
        strong = sure or (_moved_to(words, index) and word.capitalised and school_talk())
        acronym = word.upper and 3 <= len(word.key) <= 6 and word.text.isalpha()
        if acronym and not _known_word(word.key, lexicon):
            weak = _goes_straight(words, index) or (
                words[index - 1].key in ("at", "to", "from")
                and (_goes(words, index) or _school_initials(word.key) or school_talk())
            )
            if strong or weak:
                yield Span(word.start, word.stem_end, SCHOOL)
            continue
        if not strong and word.capitalised and not word.initial and _goes_straight(words, index):
            # "i used to go Fairfield": capitalised, and no town or word a child goes to
            key = word.key
            if not (key in lexicon.places or key in NEVER_NAMES or key in lexicon.common_words):
                strong = True
        if not strong:
            if not word.capitalised and (
                _goes_straight(words, index) or (_goes_to(words, index) and school_talk())
            ):
                span = _lower_case_school(text, words, index, lexicon)
                if span is not None:
                    yield span
            continue
        last = index
        while last < len(words) and last - index < 3 and _bare_school_word(words[last], lexicon):
            if words[last].stem_end < words[last].end or last + 1 >= len(words):
                break
            if text[words[last].end : words[last + 1].start] != " ":
                break
            last += 1
        if not _bare_school_word(words[last], lexicon):
            last -= 1
        if last < index and _named_as_school(words, index):
            last = _plain_words_name(text, words, index)
        parts = words[index : last + 1]
        after = words[last + 1] if 0 <= last + 1 < len(words) else None
        if (
            parts
            and not all(part.key in _GENERIC_SCHOOL for part in parts)
            and not any(part.key in INSTITUTION_AFTER for part in parts)
            # "staff at Ipswich Hospital", "the head at Ely": a body, or a town
            and not (after is not None and after.capitalised and after.key in NEVER_NAMES)
            and not (
                len(parts) == 1
                and parts[0].key in lexicon.places
                and not _moving_up(words, index)
                and not in_year
                # "year 9 at Kesgrave": a village no dictionary knows is the school's name
                # after these words; "the head at Ely" is a town everyone knows, but "form at
                # Westwood" is named from the land as schools are
                and (
                    (parts[0].key in lexicon.vocabulary and not _land_name(parts[0].key, lexicon))
                    or not sure
                )
            )
            and tuple(part.key for part in parts)
            not in lexicon.places_by_first_word.get(parts[0].key, ())
        ):
            yield Span(word.start, words[last].stem_end, SCHOOL)  # not "at High School"


def _acronym_acting(
    words: Sequence[Word], index: int, lexicon: Lexicon, school_talk: Callable[[], bool]
) -> Span | None:
    """ "HPA gave me a detention": an acronym no list knows, doing what a school does, in an
    answer that talks of school."""
    word = words[index]
    if not (3 <= len(word.key) <= 5 and word.text.isalpha()):
        return None
    acting = words[index + 1].key in _SCHOOL_ACTS and not _known_word(word.key, lexicon)
    if acting and (_school_initials(word.key) or school_talk()):
        return Span(word.start, word.stem_end, SCHOOL)
    return None


# How schools' initials end: "KHS" (High School), "QEGS" (Grammar School), "SPS" (Primary
# School), "WJS" (Junior School), "BSFC" (Sixth Form College).
_INITIALS_ENDINGS = ("hs", "gs", "ps", "js", "sfc")


def _school_initials(key: str) -> bool:
    """Whether an acronym ends as a school's initials do."""
    return len(key) >= 3 and key.endswith(_INITIALS_ENDINGS)


def _known_word(key: str, lexicon: Lexicon) -> bool:
    """A word or a known abbreviation in capitals ("BOOTS", "CAMHS"), not a school's initials."""
    return key in _NOT_SCHOOL_ACRONYMS or key in NEVER_NAMES or key in lexicon.common_words


def _goes_to(words: Sequence[Word], index: int) -> bool:
    """ "i go to X", "my brother goes to X": where someone goes every day, not once ("went")."""
    return (
        index >= 3
        and words[index - 1].key == "to"
        and words[index - 2].key in ("go", "goes")
        and words[index - 3].key in _GOERS
    )


_GOERS = word_set("i he she they we u brother sister son daughter both also still now")


def _goes_straight(words: Sequence[Word], index: int) -> bool:
    """ "i go X", "she goes X", "i used to go X": a child's way of naming the school they go
    to."""
    if index < 2 or words[index - 1].key not in ("go", "goes"):
        return False
    subject = words[index - 2].key
    used_to = subject == "to" and index >= 3 and words[index - 3].key == "used"
    return used_to or subject in ("i", "he", "she", "they", "we", "u", "brother", "sister")


def _lower_case_school(
    text: str, words: Sequence[Word], index: int, lexicon: Lexicon
) -> Span | None:
    """ "i go sandhill view": a word no dictionary or list knows, and the landscape words that
    end many schools' names ("view", "park", "hill")."""
    word = words[index]
    key = word.key
    going_to = words[index - 1].key == "to"
    # After "i go to" a village's name is the school's ("i go to claydon and my tutor ...")
    if key in lexicon.vocabulary or (key in lexicon.places and not going_to) or key in NEVER_NAMES:
        return None
    if key in lexicon.first_names or len(key) < 4 or word.is_number:
        return None
    if key.endswith("s") and (key[:-1] in NEVER_NAMES or key[:-1] in lexicon.vocabulary):
        return None  # "i go nans", "she goes brownies"
    last = index
    while (
        last + 1 < len(words)
        and words[last + 1].key in _NAME_ENDINGS
        and text[words[last].end : words[last + 1].start] == " "
    ):
        last += 1
    return Span(word.start, words[last].stem_end, SCHOOL)


# Church schools' names, without "St": "holy trinity", "our lady", "sacred heart".
_RELIGIOUS = {
    "holy": word_set(
        "trinity family cross rood spirit ghost name redeemer innocents rosary angels apostles "
        "child"
    ),
    "sacred": word_set("heart hearts"),
    "our": word_set("lady ladys lady's saviour saviour's"),
    "all": word_set("saints hallows souls"),
    "christ": word_set("church"),
    "corpus": word_set("christi"),
    "english": word_set("martyrs"),
    # dedications common among Catholic and Church of England schools
    "good": word_set("shepherd"),
    "precious": word_set("blood"),
    "immaculate": word_set("conception"),
    "blessed": word_set("sacrament"),
}
_RELIGIOUS_FIRST = frozenset(_RELIGIOUS)


# Saints whose names schools carry and children rarely do: "i go to bedes", "at cuthberts".
_SAINTS = word_set(
    "bede bedes cuthbert chad wilfrid wilfred oswald dunstan alban anselm augustine boniface "
    "columba ignatius swithun edmund benedict bernadette ambrose etheldreda botolph hilda "
    "illtyd teilo brigid kentigern mungo ninian piran petroc cecilia"
)
# Saints' names that are also children's names count only in school talk: "at marys".
_SAINT_NAMES = word_set("mary marys john johns joseph josephs anne annes ann anns peter peters")


_SAINT_KEYS = _SAINTS | frozenset(saint + "s" for saint in _SAINTS) | _SAINT_NAMES


def _saint(key: str) -> bool:
    return key in _SAINTS or (key[-1:] == "s" and key[:-1] in _SAINTS)


def _saint_without_st(
    words: Sequence[Word], index: int, school_talk: Callable[[], bool]
) -> Span | None:
    """ "i go to bedes", "at cuthbert's": a saint's name in the possessive after going or
    "at", taken for the school named after the saint."""
    word = words[index]
    possessive = word.stem_end < word.end or word.key.endswith("s")
    cue = words[index - 1].key
    going = cue in ("at", "from") or _goes_straight(words, index) or _goes(words, index)
    if not (possessive and going) or word.initial:
        return None
    if index + 1 < len(words) and words[index + 1].key in _CHURCH_BUILDINGS | _NOT_A_SCHOOL_END:
        return None  # "at cuthberts church", "bedes house"
    if not _saint(word.key) and not (word.key in _SAINT_NAMES and school_talk()):
        return None
    return Span(word.start, word.end, SCHOOL)


def _religious_name(
    text: str, words: Sequence[Word], index: int, school_talk: Callable[[], bool]
) -> Span | None:
    """ "i go holy trinity", "at Our Lady's": a church school named without a type word, where
    the words before say someone goes there or the answer talks of school."""
    following = words[index + 1]
    if following.key not in _RELIGIOUS[words[index].key]:
        return None
    if text[words[index].end : following.start] != " ":
        return None
    after = words[index + 2 : index + 5]
    if (
        after
        and after[0].key in _CHURCH_BUILDINGS
        or any(later.key in _SERVICES for later in after)
    ):
        return None  # "holy trinity church", "All Saints for mass"
    cue = words[index - 1].key if index else ""
    # "Sacred Heart have not been told": capitalised, and doing what a school does
    acting = (
        words[index].capitalised
        and following.capitalised
        and bool(after)
        and after[0].key in _SCHOOL_ACTS
    )
    if not (cue in _TO_SCHOOL or cue in _SCHOOL_VERBS or cue == "go" or acting or school_talk()):
        return None
    return Span(words[index].start, _dedication_end(text, words, index + 1), SCHOOL)


def _dedication_end(text: str, words: Sequence[Word], last: int) -> int:
    """Where a church school's name ends: "our lady of walsingham", "Our Lady of the Rosary",
    "Our Lady and St Joseph" run on past "our lady" (one more name, and "the" before it)."""
    end = words[last].end
    if last + 2 >= len(words) or words[last + 1].key not in ("of", "and"):
        return end
    joiner = words[last + 1].key
    name = last + 2
    if joiner == "of" and words[name].key == "the" and name + 1 < len(words):
        name += 1
    elif joiner == "and":
        # "and St Joseph", "and saint patrick": a second saint
        if words[name].key not in ("st", "saint") or name + 1 >= len(words):
            return end
        name += 1
    gap = text[words[last].end : words[name].start]
    candidate = words[name]
    if len(gap) > 12 or "\n" in gap or candidate.is_number or candidate.key in FUNCTION_WORDS:
        return end
    return candidate.end


_CHURCH_BUILDINGS = word_set("church chapel cathedral parish hall")

# Titles of the people many schools are named after: "Cardinal Newman", "Bishop Stopford",
# "Archbishop Tenison's", "Sir John Leman" (a knight's name needs a first name and a surname).
_FOUNDER_TITLES = word_set("cardinal bishop archbishop pope sir dame")


def _founders_school(
    text: str, words: Sequence[Word], index: int, lexicon: Lexicon, school_talk: Callable[[], bool]
) -> Span | None:
    """ "i go to Cardinal Newman", "Bishop Stopford rang mum": a school named after its founder
    or patron without a type word, where the words around say it is a school."""
    title = words[index]
    if not title.capitalised:
        return None  # "sir said", "the bishop came": a teacher, a churchman
    last = index
    while (
        last + 1 < len(words)
        and last - index < 3
        and words[last].stem_end == words[last].end
        and text[words[last].end : words[last + 1].start] == " "
        and words[last + 1].capitalised
        and words[last + 1].key not in FUNCTION_WORDS
        and words[last + 1].key not in _SCHOOL_TYPES
    ):
        last += 1
    knighted = title.key in ("sir", "dame")
    if last == index or (knighted and last - index < 2):
        return None
    keys = tuple(word.key for word in words[index : last + 1])
    towns = lexicon.places_by_first_word.get(title.key, ()) + lexicon.places_by_first_word.get(
        fold(title.text), ()
    )
    if any(keys[: len(town)] == town for town in towns):
        return None  # "Bishop Auckland", "Bishops Stortford"
    cue = words[index - 1].key if index else ""
    strong = cue in _TO_SCHOOL or cue in _SCHOOL_VERBS or cue in _GO
    acting = last + 1 < len(words) and words[last + 1].key in _SCHOOL_ACTS
    if not (strong or ((acting or not knighted) and school_talk()) or (acting and not knighted)):
        return None
    return Span(title.start, words[last].end, SCHOOL)


_SERVICES = word_set("mass service services communion confession christening baptism wedding")


def _goes(words: Sequence[Word], index: int) -> bool:
    """ "i go to X", "she goes to X", "went to X" (a school, a club or a town)."""
    return index >= 2 and words[index - 2].key in _GO


def _strong_school_cue(text: str, words: Sequence[Word], index: int) -> bool:
    """The words before index say a school's name comes next: "my school is called X",
    "excluded from X", "attends X", "year 9 at X", "the teachers at X"."""
    previous = words[index - 1].key
    before = words[index - 2].key if index >= 2 else ""
    if previous in _ATTENDS:
        return True
    if previous in ("called", "named"):
        return before in ("school", "college", "nursery") or (
            before == "is" and index >= 3 and words[index - 3].key in ("school", "college")
        )
    if previous == "is":
        return before == "school" and index >= 3 and words[index - 3].key in _SCHOOL_OWNERS
    if previous in ("from", "of") and before in _SENT_AWAY:
        return True
    if previous == "to" and (_moving_up(words, index) or before in _TRANSITION):
        return True
    if previous == "into":
        return before in ("got", "get", "getting")  # "i got into Northgate for sixth form"
    if previous in ("at", "from", "in"):
        if before in _SCHOOL_STAFF or before in _IN_CLASS:
            return True
        year = index >= 3 and words[index - 3].key in _YEAR and words[index - 2].is_number
        # "a Year 10 girl from X", "year 9 pupils at X"
        year = year or (
            index >= 4
            and words[index - 4].key in _YEAR
            and words[index - 3].is_number
            and (before in PERSON_NOUNS or before in _SCHOOL_STAFF)
        )
        return year or _year_word(before)
    return False


def _named_as_school(words: Sequence[Word], index: int) -> bool:
    """ "my school is X", "her school was called X": the words before index give its name."""
    previous = words[index - 1].key
    if words[index].key in ("called", "named"):
        return False  # the name comes after: "my school is called Brook Green"
    at = index - 2 if previous in ("is", "was") else index - 3 if previous == "called" else 0
    if previous == "called" and words[index - 2].key not in ("is", "was"):
        return False
    return (
        at >= 1 and words[at].key in ("school", "college") and words[at - 1].key in _SCHOOL_OWNERS
    )


# "my school is really big", "her school is so far": not a name.
_INTENSIFIERS = word_set("very really so too quite well pretty dead proper super well quite not")


def _plain_words_name(text: str, words: Sequence[Word], index: int) -> int:
    """The last word of a school's name in ordinary lower-case words ("my school is castle
    manor", "his school is oak grove high"): two or three words ending with a word that ends
    many schools' names; index - 1 if there is none."""
    last = index
    while last + 1 < len(words) and last - index < 2:
        following = words[last + 1]
        if text[words[last].end : following.start] != " ":
            break
        if following.is_number or following.key in FUNCTION_WORDS or following.key in DETERMINERS:
            break
        last += 1
    while last > index and words[last].key not in _NAME_ENDINGS:
        last -= 1
    first = words[index]
    if last == index or first.key in _INTENSIFIERS or first.key in FUNCTION_WORDS:
        return index - 1
    if any(part.is_number or part.key in NEVER_NAMES for part in words[index : last + 1]):
        return index - 1
    return last


# "transition to X", "moving up to X": children change school, not town, in these words.
_TRANSITION = word_set("transition transitioning transitioned transfer transferring")
# "nursery class at X", "top set at X", "reception at X".
_IN_CLASS = word_set("class set reception form")


def _moving_up(words: Sequence[Word], index: int) -> bool:
    """ "moving up to X", "transition to X": a move between schools, so even a town's name
    after it is the school's ("im moving up to Kesgrave in september")."""
    if index < 2 or words[index - 1].key != "to":
        return False
    before = words[index - 2].key
    if before in _TRANSITION:
        return True
    return before == "up" and index >= 3 and words[index - 3].key in _MOVED | _GO


def _year_follows(words: Sequence[Word], index: int, lexicon: Lexicon) -> bool:
    """ "ive been at X since year 7", "at X in year 8": a school year straight after a
    capitalised name after "at" or "from", or after one lower-case word that no dictionary
    knows and that is not a school's generic word ("i was at brookfield till year 6"; not "at
    home till year 6")."""
    if words[index - 1].key not in ("at", "from"):
        return False
    if not words[index].capitalised:
        word = words[index]
        if not _bare_school_word(word, lexicon) or word.key in lexicon.common_words:
            return False
        singular = word.key[:-1] if word.key.endswith("s") else word.key
        if word.key in RELATIONS or singular in RELATIONS or singular in lexicon.vocabulary:
            return False  # "at nans in year 9": a grandmother's house, typed without its '"'"'s
        return _year_at(words, index + 1)
    for after in range(index + 1, min(len(words) - 1, index + 4)):
        if _year_at(words, after):
            return True
        if not words[after].capitalised:
            return False
    return False


def _year_at(words: Sequence[Word], after: int) -> bool:
    """ "in year 8", "since yr7", "till year 6" starting at words[after]."""
    if after + 1 >= len(words) or words[after].key not in ("in", "since", "from", "till", "until"):
        return False
    return (
        words[after + 1].key in _YEAR and after + 2 < len(words) and words[after + 2].is_number
    ) or _year_word(words[after + 1].key)


def _moved_to(words: Sequence[Word], index: int) -> bool:
    """ "got moved to X", "started at X" (a school, where the answer talks of school)."""
    previous = words[index - 1].key
    before = words[index - 2].key if index >= 2 else ""
    return (previous == "to" and before in _MOVED) or (previous == "at" and before == "started")


def _year_word(key: str) -> bool:
    """ "year9", "yr9", "y9": a school year typed without a space."""
    return _YEAR_WORD.fullmatch(key) is not None


_YEAR_WORD = re.compile(r"(?:year|yr|y)\d{1,2}")
_YEAR = word_set("year yr")


def _school_talk(words: Sequence[Word]) -> bool:
    """Whether the answer talks about school: "teacher", "lessons", "year 9"."""
    for index, word in enumerate(words):
        key = word.key
        if key in _SCHOOL_TALK or _year_word(key):
            if key == "school" and index and words[index - 1].key in _SCHOOL_AS_A_TIME:
                continue  # "i go to the Scouts after school": somewhere else
            return True
        if key in _YEAR and index + 1 < len(words) and words[index + 1].is_number:
            return True
        if key == "provision" and index and words[index - 1].key == "alternative":
            return True
    return False


_SCHOOL_AS_A_TIME = word_set("after before with")


def _bare_school_word(word: Word, lexicon: Lexicon) -> bool:
    """A word of a school's name written without a type word: a capitalised word that is no
    function word, or a word no dictionary knows."""
    key = word.key
    if word.is_number or key in FUNCTION_WORDS or key in DETERMINERS:
        return False
    if key in MONTHS or key in DAYS or key in HOLIDAYS or key in NEVER_NAMES:
        return False
    if word.capitalised or word.upper:
        return True  # "High Storrs": a capital makes even a generic word part of a name
    return key not in lexicon.vocabulary and key not in _GENERIC_SCHOOL


def _school(text: str, words: Sequence[Word], index: int, lexicon: Lexicon) -> Span | None:
    if words[index].key in ("sixth", "6th") and not (
        index + 1 < len(words) and words[index + 1].key == "form"
    ):
        return None
    first = index
    while first > 0 and index - first < 6:
        candidate = words[first - 1]
        if text[candidate.end : words[first].start] not in (" ", "\u00a0"):
            break
        joins_names = (
            candidate.key in ("of", "the", "and")
            and first >= 2
            and words[first - 2].capitalised
            and words[first].capitalised
        )
        # "heathfield special school": generic words inside a lower-case name too
        inside = (
            candidate.key in _GENERIC_SCHOOL
            and candidate.key not in FUNCTION_WORDS
            and candidate.key not in _SCHOOL_TYPES
            and first > 1
            and index - first < 3
        )
        if candidate.key in _DONE_TO_A_SCHOOL or candidate.key in _GO:
            break  # "they rang stoke high": the name starts after the verb
        if not (joins_names or inside or _school_name_word(candidate, lexicon)):
            break
        if (
            words[first].capitalised
            and not candidate.capitalised
            and not joins_names
            and candidate.key not in ("st", "saint")
        ):
            break  # "Child attends Greenway Primary School": a name in capitals starts here
        first -= 1
    # "Heathfield Special School": generic words may sit inside a name but not begin one.
    while first < index and words[first].key in _GENERIC_SCHOOL:
        first += 1
    first = _name_opening(text, words, first, index)
    cue = words[first - 1].key if first > 0 else ""
    lower_case = not all(
        name.capitalised or name.key in ("of", "the", "and") for name in words[first:index]
    )
    # "hillcrest junior", "brookfield high": a name no dictionary knows needs no capital
    unknown = first < index and all(
        name.key in _GENERIC_SCHOOL or name.key not in lexicon.vocabulary
        for name in words[first:index]
    )
    if (
        first >= index - 1
        and not words[index - 1].capitalised
        and _landscape_name(words, index, lexicon)
    ):
        first = index - 2  # "castle hill primary phoned me", "i hate oak grove high"
    elif first == index or (
        lower_case
        and not unknown
        and cue not in _TO_SCHOOL
        and cue not in _DONE_TO_A_SCHOOL
        and words[first].key != "st"
    ):
        # "i go oak grove high": ordinary words, but straight after "go" or "at"
        start = _after_school_cue(words, index)
        if start is None:
            return None  # "my old primary" is no name; "at oakwood primary" is
        first = start
    names = words[first:index]
    last = index
    while last + 1 < len(words):
        following = words[last + 1]
        if text[words[last].end : following.start] != " ":
            break
        if following.key in _SCHOOL_SUFFIXES:
            last += 1
        elif (
            following.key == "and"
            and last + 2 < len(words)
            and words[last + 2].key in _SCHOOL_TYPES
            and text[following.end : words[last + 2].start] == " "
        ):
            last += 2  # "Westfield Infant and Nursery School"
        else:
            break
    return Span(names[0].start, words[last].end, SCHOOL)


# Capitalised small words that open a school's name: "Our Lady of Lourdes", "All Saints",
# "The Beacon School" (a capital "The" mid-sentence is part of the name).
_OPENINGS = {"our": word_set("lady"), "all": word_set("saints hallows souls"), "the": None}


def _name_opening(text: str, words: Sequence[Word], first: int, index: int) -> int:
    """first, or the word before it if that opens the name ("Our Lady", "All Saints")."""
    if first == 0 or first >= index:
        return first
    before = words[first - 1]
    if not before.capitalised or text[before.end : words[first].start] != " ":
        return first
    if before.key not in _OPENINGS or not words[first].capitalised:
        return first
    allowed = _OPENINGS[before.key]
    if allowed is None:
        return first - 1 if not before.initial else first
    return first - 1 if words[first].key in allowed else first


def _landscape_name(words: Sequence[Word], index: int, lexicon: Lexicon) -> bool:
    """ "castle hill primary", "oak grove high": an ordinary word and a word that ends many
    schools' names, straight before the type word, in lower case."""
    if index < 2:
        return False
    ending, opening = words[index - 1], words[index - 2]
    if index >= 3 and words[index - 3].key in DETERMINERS:
        return False  # "the play park nursery", "a small field school": a description
    return (
        ending.key in _NAME_ENDINGS
        and ending.key not in _SCHOOL_TYPES
        and opening.text.isalpha()
        and opening.key not in FUNCTION_WORDS
        and opening.key not in DETERMINERS
        and opening.key not in _GENERIC_SCHOOL
        and opening.key not in NEVER_NAMES
        and opening.key not in _SUBJECTS
    )


def _after_school_cue(words: Sequence[Word], index: int) -> int | None:
    """Where a lower-case name starts after "go", "at" or "to": "go oak grove high"."""
    for first in range(index - 1, max(0, index - 4), -1):
        word = words[first]
        if (
            word.is_number
            or word.key in FUNCTION_WORDS
            or word.key in DETERMINERS
            or word.key in _GENERIC_SCHOOL
            or (word.key in NEVER_NAMES and word.key not in NOT_PLACES)  # "west suffolk college"
        ):
            return None
        cue = words[first - 1].key
        going = first >= 2 and words[first - 2].key in _GO
        if cue in ("at", "from") or cue in _GO or (cue == "to" and going):
            return first
    return None


def _school_name_word(word: Word, lexicon: Lexicon) -> bool:
    key = word.key
    if key in ("st", "saint"):
        return True
    if word.is_number or key in FUNCTION_WORDS or key in DETERMINERS:
        return False
    if word.stem_end < word.end and (key in PERSON_NOUNS or key in RELATIONS):
        return False  # "Child's school", "my brother's college"
    if word.capitalised:
        return True
    return key not in _GENERIC_SCHOOL and key not in lexicon.common_words


def _schools_by_name_alone(
    text: str, words: Sequence[Word], lexicon: Lexicon, school_talk: Callable[[], bool]
) -> Iterator[Span]:
    """ "miss T from Elmhurst": a capitalised word no list knows, after at/from, in school talk;
    "my exams at Ormiston Denes": two or three capitalised words there, not a known place."""
    for index in range(1, len(words)):
        word = words[index]
        cue = words[index - 1].key
        going = cue == "to" and index >= 2 and words[index - 2].key in _GO
        # "i go to the Beacon"; in lower case only a word no list knows: "im at the ridgeway"
        unknown = not word.capitalised and _lower_case_unknown(word, lexicon)
        if cue == "the" and index >= 2 and (word.capitalised or unknown) and not word.initial:
            span = _the_named_school(text, words, index, lexicon, school_talk)
            if span is not None:
                yield span
            continue
        if cue not in ("at", "from") and not going:
            continue
        if not word.capitalised:
            if _lower_case_bare_name(words, index, lexicon, school_talk):
                yield Span(word.start, word.stem_end, SCHOOL)
            continue
        if word.initial:
            continue
        key = word.key
        last = _capitalised_run(text, words, index, lexicon)
        if last > index and school_talk():
            parts = tuple(part.key for part in words[index : last + 1])
            if parts not in lexicon.places_by_first_word.get(key, ()):
                yield Span(word.start, words[last].stem_end, SCHOOL)
            continue
        known = (
            key in lexicon.vocabulary
            or key in lexicon.first_names
            or key in lexicon.surnames
            or key in lexicon.places
            or key in lexicon.places_by_first_word
        )
        if not known and not word.upper and len(key) > 2 and school_talk():
            yield Span(word.start, word.stem_end, SCHOOL)


def _lower_case_bare_name(
    words: Sequence[Word], index: int, lexicon: Lexicon, school_talk: Callable[[], bool]
) -> bool:
    """ "at elmhurst the teachers are kind", "i go to elmhurst": a lower-case word no list
    knows, after "at" or "from" in school talk, or where someone goes every day."""
    word = words[index]
    key = word.key
    if len(key) < 4 or word.is_number or not word.text.isalpha():
        return False
    if key in lexicon.vocabulary or key in NEVER_NAMES or key in lexicon.first_names:
        return False
    if key in lexicon.surnames or key in lexicon.foreign_words:
        return False
    if key.endswith("s") and (key[:-1] in lexicon.first_names or key[:-1] in lexicon.vocabulary):
        return False  # "at kaydens", "to brownies"
    daily = _goes_to(words, index) or (
        index >= 4 and words[index - 4].key == "used" and words[index - 2].key == "go"
    )
    if key in lexicon.places:
        # "from felixstowe to school" is a town; "i go to kesgrave and my teacher ..." the school
        return daily and key not in lexicon.vocabulary and school_talk()
    return (daily and not key.endswith("s")) or school_talk()


def _lower_case_unknown(word: Word, lexicon: Lexicon) -> bool:
    """A lower-case word of letters that no dictionary, name or place list knows."""
    key = word.key
    return (
        len(key) >= 4
        and word.text.isalpha()
        and key not in lexicon.vocabulary
        and key not in lexicon.first_names
        and key not in lexicon.surnames
        and key not in lexicon.places
        and key not in NEVER_NAMES
    )


_RANKS = word_set("best worst same only biggest smallest greatest nicest better worse last first")


def _the_named_school(
    text: str, words: Sequence[Word], index: int, lexicon: Lexicon, school_talk: Callable[[], bool]
) -> Span | None:
    """ "i go to the Beacon", "he attends the Bridge": a capitalised name after "the", where
    someone goes to it and the answer talks of school."""
    before = words[index - 2]
    going = (
        before.key in _ATTENDS
        or (before.key == "to" and index >= 3 and words[index - 3].key in _GO)
        # "my school is the Beacon"; not "my school is The Best"
        or (_named_as_school(words, index - 1) and words[index].key not in _RANKS)
    )
    if not going and before.key not in ("at", "from"):
        return None
    key = words[index].key
    if key in NEVER_NAMES or key in MONTHS or key in DAYS or key in _NOT_A_SCHOOL_END:
        return None
    last = _capitalised_run(text, words, index, lexicon)
    if words[last].key in _SCHOOL_TYPES or not school_talk():
        return None  # "at the High School" is found as a school with its type word, or not
    if last == index and key in lexicon.places:
        return None
    return Span(words[index].start, words[last].stem_end, SCHOOL)


# The last word of a place that is no school: "at Endeavour House", "at Christchurch Park".
_NOT_A_SCHOOL_END = word_set(
    "house centre center hub office library church chapel cathedral station hospital court "
    "zoo cinema park stadium ground pool prison shop shops mall market cafe café restaurant "
    "surgery clinic hotel services team street road lane avenue"
)


def _capitalised_run(text: str, words: Sequence[Word], index: int, lexicon: Lexicon) -> int:
    """The last of up to three capitalised words from index that may make a school's name
    ("Ormiston Victory"), or index itself when no such run is there."""
    last = index
    while (
        last + 1 < len(words)
        and last - index < 2
        and words[last].stem_end == words[last].end
        and text[words[last].end : words[last + 1].start] == " "
        and words[last + 1].capitalised
        and not words[last + 1].upper
        and words[last + 1].key not in NEVER_NAMES
        and words[last + 1].key not in _SCHOOL_TYPES
    ):
        last += 1
    first = words[index].key
    if last == index or first in NEVER_NAMES or first in MONTHS or first in DAYS:
        return index
    run = words[index : last + 2]  # and the word after: "St Ives Community Centre"
    if any(part.key in _NOT_A_SCHOOL_END and part.capitalised for part in run):
        return index
    listed = lexicon.places_by_first_word.get(first, ())
    for end in range(index + 2, last + 2):
        if tuple(part.key for part in words[index:end]) in listed:
            return index  # "at Bury St Edmunds"
    if any(part.key in INSTITUTION_AFTER for part in words[index : last + 1]):
        return index
    return last


_SUBJECTS = word_set(
    "maths math english science sciences history geography pe art music drama french spanish "
    "german re rs pshe computing ict dt technology biology chemistry physics business sport "
    "sports media psychology sociology"
)
# Words for a school, after which its name may stand: "my old school Ravenscliffe".
_SCHOOL_NOUNS = word_set(
    "school schools college nursery academy pru unit primary secondary setting provision"
)
# A form's field for the school: "School: X", "Education setting: X".
_SCHOOL_FIELDS = word_set("school college nursery setting provision education")
# Whose school, or which: "my school", "her old school", "his new college".
_SCHOOL_OWNERS = word_set("my his her their our your old new current previous last other")
# After "X is my school": "Red Oak is my school", "Hillside is a special school".
_IS_A = word_set("my his her their our a an the")
_SENT_OUT = word_set("excluded expelled suspended")
_BESIDE_TRIGGERS = _SCHOOL_NOUNS | _SENT_OUT | word_set("called named is was")
_PEOPLE_SENT = word_set("me him her us them")


def _school_beside(text: str, words: Sequence[Word], index: int, lexicon: Lexicon) -> Span | None:
    """A school's bare name beside a word for a school: "my old school Ravenscliffe", "Her
    school, Westbourne, were", "his school (Gusford)", "School: Castle Hill", "the pupil
    referral unit (Parkside)", "its called Compass" after the PRU, "Red Oak is my school",
    "Highfield excluded me"."""
    key = words[index].key
    if key in _SCHOOL_NOUNS:
        return _name_after_school_word(text, words, index, lexicon)
    if key in ("called", "named") and _school_word_before(text, words, index):
        return _school_name_from(text, words, index + 1, lexicon, lower_case=True, towns=True)
    if index == 0:
        return None
    if key in ("is", "was") and index + 2 < len(words) and _is_a_school(text, words, index):
        return _school_name_before(text, words, index, lexicon)
    if key in _SENT_OUT and words[index + 1].key in _PEOPLE_SENT:
        return _school_name_before(text, words, index, lexicon, lower_case=False)
    return None


def _name_after_school_word(
    text: str, words: Sequence[Word], index: int, lexicon: Lexicon
) -> Span | None:
    word = words[index]
    gap = text[word.end : words[index + 1].start]
    before = words[index - 1] if index else None
    owned = before is not None and (
        before.key in _SCHOOL_OWNERS or (before.stem_end < before.end and before.key in RELATIONS)
    )
    field = word.capitalised or (before is not None and before.capitalised and before.initial)
    if gap.strip() == ":" and field and word.key in _SCHOOL_FIELDS:
        return _school_name_from(text, words, index + 1, lexicon, lower_case=True)  # a form
    following = words[index + 1]
    named = (
        index + 2 < len(words)
        and (
            words[index + 2].capitalised
            or (
                # "my school is the Ashley", not "my school is the Best"
                words[index + 2].key == "the"
                and index + 3 < len(words)
                and words[index + 3].capitalised
                and words[index + 3].key not in _RANKS
                # "my college is the Ipswich one": which town's, not a name
                and not (
                    index + 4 < len(words)
                    and words[index + 4].key in ("one", "ones", "campus", "site")
                )
                and text[words[index + 2].end : words[index + 3].start] == " "
            )
        )
    )
    if (
        following.key in ("is", "was")
        and gap == " "
        and named
        and text[following.end : words[index + 2].start] == " "
        and word.key != "unit"
    ):
        # "my brothers nursery is Little Stars", "the school was St Mark's"
        span = _school_name_from(text, words, index + 2, lexicon, lower_case=False, towns=True)
        if span is not None and words[index + 2].key == "the":
            # "my school is the Ashley": "the" is read as part of a name said this way
            return Span(words[index + 2].start, span.end, SCHOOL)
        return span
    if gap in (", ", " (", " - ", " – "):
        referral = before is not None and before.key == "referral" and word.key == "unit"
        if owned or referral:
            # "Her school, Westbourne, were": set off like this, even a town's name is the school's
            return _school_name_from(text, words, index + 1, lexicon, lower_case=False, towns=True)
    elif gap == " " and owned and word.key != "unit":
        return _school_name_from(
            text, words, index + 1, lexicon, lower_case=False, plain=True, towns=True
        )
    return None


def _school_name_from(
    text: str,
    words: Sequence[Word],
    index: int,
    lexicon: Lexicon,
    *,
    lower_case: bool,
    plain: bool = False,
    towns: bool = False,
) -> Span | None:
    """One to three words of a school's name from index: capitalised words, and with
    lower_case also ordinary words ("called beacon hill"); with plain only words no
    dictionary knows in lower case ("my old school sidegate")."""
    if words[index].key == "the" and index + 1 < len(words) and words[index + 1].capitalised:
        index += 1  # "its called the Bridge"
    last = index - 1
    while last + 1 < len(words) and last + 1 - index < 3:
        candidate = words[last + 1]
        if last >= index and text[words[last].end : candidate.start] != " ":
            break
        if not _school_name_part(candidate, lexicon, lower_case=lower_case, plain=plain):
            break
        last += 1
        if candidate.stem_end < candidate.end:
            break  # "Westbourne's"
    if last < index:
        return None
    names = words[index : last + 1]
    if len(names[0].key) < 3 and len(names) == 1:
        return None
    if len(names) == 1 and names[0].key in lexicon.places and not towns:
        return None  # "my school Ipswich": a town, not a name
    return Span(names[0].start, names[-1].stem_end, SCHOOL)


def _school_name_part(word: Word, lexicon: Lexicon, *, lower_case: bool, plain: bool) -> bool:
    key = word.key
    if word.is_number or key in FUNCTION_WORDS or key in DETERMINERS or key in NEVER_NAMES:
        return False
    if key in MONTHS or key in DAYS or key in HOLIDAYS or key in _GENERIC_SCHOOL:
        return False
    if key in _SUBJECTS:
        return False  # "my school Maths teacher"
    if word.capitalised and not word.shouted:
        return True
    if plain:
        return key not in lexicon.vocabulary
    return lower_case and (key not in lexicon.common_words or key in _NAME_ENDINGS)


def _school_word_before(text: str, words: Sequence[Word], index: int) -> bool:
    """ "my school is called", "im at the pru now its called": a word for a school within the
    six words before, in the same sentence."""
    for back in range(index - 1, max(-1, index - 7), -1):
        if any(stop in text[words[back].end : words[back + 1].start] for stop in ".!?\n"):
            return False
        if words[back].key in _SCHOOL_NOUNS:
            return True
    return False


def _is_a_school(text: str, words: Sequence[Word], index: int) -> bool:
    """ "is my school", "is a special school", "is my old primary school" and then the end of
    the clause."""
    if words[index + 1].key not in _IS_A:
        return False
    for ahead in range(index + 2, min(len(words), index + 5)):
        key = words[ahead].key
        if key in _SCHOOL_NOUNS and key not in ("unit", "schools"):
            following = words[ahead + 1] if ahead + 1 < len(words) else None
            return following is None or (
                following.key in FUNCTION_WORDS
                or any(stop in text[words[ahead].end : following.start] for stop in ".,!?;\n")
            )
        if key not in _GENERIC_SCHOOL:
            return False
    return False


def _school_name_before(
    text: str, words: Sequence[Word], index: int, lexicon: Lexicon, *, lower_case: bool = True
) -> Span | None:
    """The one to three words of a name straight before index: "Red Oak is my school"."""
    first = index
    while first > 0 and index - first < 3:
        candidate = words[first - 1]
        if text[candidate.end : words[first].start] != " ":
            break
        if candidate.key in ("st", "saint") or not _school_name_part(
            candidate, lexicon, lower_case=lower_case, plain=not lower_case
        ):
            break
        first -= 1
    if first == index:
        return None
    names = words[first:index]
    if not any(name.capitalised for name in names) and not lower_case:
        return None
    if len(names) == 1 and names[0].key in lexicon.places and not lower_case:
        return None  # "Ipswich excluded him"; but "Hillside is a special school"
    return Span(names[0].start, names[-1].stem_end, SCHOOL)


# Every word the school finder stops at (all others are passed over at once).
_TRIGGERS = (
    _SCHOOL_TYPES
    | _SCHOOL_FIRST
    | _SAINT_KEYS
    | frozenset(_RELIGIOUS_FIRST)
    | _FOUNDER_TITLES
    | _BESIDE_TRIGGERS
    | word_set("st saint")
)
