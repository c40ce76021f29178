"""A learned sequence tagger (a linear-chain CRF) that finds personal data the rules miss.

The rules see what their authors thought of; the tagger weighs every cue at once: the word, its
shape and case, which lists hold it, and the same for its neighbours ("jessica smith said", "asked
P. about it", "she goes to oak grove high"). It is trained by `train_tagger.py` on the labelled
tuning sets plus a synthetic corpus (`synthetic.py`) that puts names, schools, streets, dates of
birth and reference numbers from the word lists into many wordings, so that it learns the
contexts rather than the values. The model file (data/tagger.crfsuite) is small and tagging is
deterministic; `anonymise` keeps the union of the rules' spans and the tagger's.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

from ..redaction import Span
from . import places
from .lexicon import (
    ABBREVIATIONS,
    DAYS,
    MONTHS,
    NEVER_NAMES,
    PLATFORMS,
    RELATIONS,
    ROLES,
    TITLES,
    Lexicon,
    load,
    plain,
    word_set,
)
from .text import Word

MODEL = Path(__file__).parent / "data" / "tagger.crfsuite"
# Kinds the tagger adds to the rules' findings. Towns are left to the rules (found but kept),
# and so are dates of birth: at the shipped confidence the tagger found none the rules missed
# in leave-one-set-out scoring, and it took event dates after "born in hospital" for them.
KINDS = ("PERSON", "ADDRESS", "SCHOOL", "ID", "POSTCODE", "PHONE")

_STREET = word_set(
    "road rd street st lane ln avenue ave drive dr crescent terrace gardens grove mews parade "
    "square close way walk court place rise row view hill green park gate vale wharf yard fields "
    "meadow meadows chase croft path end approach quay mount dale orchard ridge cl pl gr "
    "ffordd stryd lôn lon heol rhodfa cilgant maes teras clos llwybr cwrt rhes sgwâr gerddi allt "
    "brae wynd flat flats house cottage farm lodge estate"
)
_SCHOOL = word_set(
    "primary junior juniors infant infants nursery academy high secondary school college "
    "grammar prep sixth form comp comprehensive ysgol coleg cp rc ce cofe sch prim jnr"
)
_BIRTH = word_set("born dob birth birthday bday b d.o.b d.o.b. date")
_PERSON_CUES = word_set(
    "said says told tells asked asks was is and me with called named shouted explained "
    "came come helped helps listened"
)
_WORD_LISTS = (
    ("ti", TITLES),
    ("rel", RELATIONS | ROLES),
    ("md", MONTHS | DAYS),
    ("st", _STREET),
    ("sc", _SCHOOL),
    ("bo", _BIRTH),
    ("nv", NEVER_NAMES),
    ("pc", _PERSON_CUES),
    ("ab", ABBREVIATIONS | PLATFORMS),
)


@functools.lru_cache(maxsize=65536)
def _shape(text: str) -> str:
    """The word's spelling pattern with runs collapsed: "Smith" -> "Xx", "07700" -> "d"."""
    out: list[str] = []
    for char in text:
        kind = "X" if char.isupper() else "x" if char.islower() else "d" if char.isdigit() else char
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out[:5])


def _gap(text: str, start: int, end: int) -> str:
    """The punctuation between two words ("" for a space)."""
    gap = text[start:end].strip()
    if not gap:
        return "_" if "\n" not in text[start:end] else "nl"
    # A line break inside (".\n👍") would break the model file's feature names into two lines.
    return " ".join(gap.splitlines())[:2]


@functools.lru_cache(maxsize=65536)
def _flags(key: str) -> tuple[str, ...]:
    """Which lists hold a folded word (cached: answers repeat the same few thousand words)."""
    lexicon = load()
    bare = plain(key)
    flags: list[str] = []
    if key in lexicon.first_names or bare in lexicon.first_names:
        flags.append("fn")
    elif key[-1:] == "s" and key[:-1] in lexicon.first_names:
        flags.append("fns")  # a name's possessive without its apostrophe: "rorys dad"
    if key in lexicon.surnames or bare in lexicon.surnames:
        flags.append("sn")
    if key in lexicon.common_words:
        flags.append("cw")
    elif key in lexicon.dictionary:
        flags.append("dw")
    elif key not in lexicon.vocabulary:
        flags.append("oov")
    if key in lexicon.foreign_words:
        flags.append("fw")
    if key in lexicon.places:
        flags.append("pl")
    for name, words in _WORD_LISTS:
        if key in words:
            flags.append(name)
    if not key.isascii():
        flags.append("na")
    return tuple(flags)


def _voice(text: str) -> str:
    """Whether a text is written all in lower case, all in capitals, or mixed."""
    if text.islower():
        return "low"
    if text.isupper():
        return "up"
    return "mix"


def _case(word: Word) -> str:
    if word.upper:
        return "up"
    if word.shouted:
        return "sh"
    if word.capitalised:
        return "ci" if word.initial else "cap"
    return "num" if word.is_number else "low"


@functools.lru_cache(maxsize=65536)
def _views(
    key: str, case: str, shape: str, keep: frozenset[str] | None
) -> tuple[tuple[str, ...], ...]:
    """A word's own features and its features as seen from each neighbour (-2, -1, +1, +2),
    cached: answers repeat the same words, and building the strings is most of the cost. With
    keep, only the features the model has weights for (the others change nothing)."""
    flags = (*_flags(key), case)
    own = ("w=" + key, "s=" + shape, "x3=" + key[-3:], "l=" + str(min(len(key), 6)), *flags)
    seen: list[tuple[str, ...]] = [own]
    for offset in (-2, -1, 1, 2):
        tag = f"{offset}:"
        view = [tag + "w=" + key, *(tag + flag for flag in flags)]
        if offset in (-1, 1):
            view.append(tag + "s=" + shape)
        seen.append(tuple(view))
    if keep is None:
        return tuple(seen)
    return tuple(tuple(feature for feature in view if feature in keep) for view in seen)


def features(
    text: str, words: Sequence[Word], lexicon: Lexicon, keep: frozenset[str] | None = None
) -> list[list[str]]:
    """Each word's features: its own, its neighbours', and the punctuation around it (with
    keep, a word's features are only those in keep; the rest are left for the model to ignore,
    as filtering each row costs more than it saves)."""
    count = len(words)
    cases = [_case(word) for word in words]
    views = [
        _views(word.key, case, _shape(word.text), keep)
        for word, case in zip(words, cases, strict=True)
    ]
    # The writer's voice: in an answer with no capitals a lower-case word says nothing against
    # a name, and in one all in capitals a capital says nothing for one.
    voice = "tv=" + _voice(text)
    gaps = [_gap(text, words[i - 1].end if i else 0, words[i].start) for i in range(count)]
    gaps.append(_gap(text, words[-1].end, len(text)) if words else "")
    result: list[list[str]] = []
    for index, word in enumerate(words):
        key = word.key
        row = [
            "b", "gb=" + gaps[index], "ga=" + gaps[index + 1], voice, voice + cases[index],
            *views[index][0],
        ]  # fmt: skip
        if index == 0:
            row.append("BOS")
        else:
            row.extend(views[index - 1][2])
            row.append("-1:ga=" + gaps[index])
            row.append("bg=" + words[index - 1].key + "|" + key)
            if index > 1:
                row.extend(views[index - 2][1])
        if index == count - 1:
            row.append("EOS")
        else:
            row.extend(views[index + 1][3])
            row.append("1:ga=" + gaps[index + 2])
            row.append("bg+=" + key + "|" + words[index + 1].key)
            if index + 2 < count:
                row.extend(views[index + 2][4])
        result.append(row)
    return result


_NEVER_PERSONAL = NEVER_NAMES | ABBREVIATIONS | PLATFORMS

_local = threading.local()
# The model in use: the shipped file, or another (training and cross-validation), or none.
_current: dict[str, Path | None] = {"model": MODEL}


def use_model(path: Path | None) -> None:
    """Tag with the model at path from now on (None: no tagger, the rules alone)."""
    _current["model"] = path


def _tagger() -> tuple[pycrfsuite.Tagger, frozenset[str]] | None:
    """One tagger per thread (a crfsuite tagger holds state while it tags), opened once."""
    path = _current["model"]
    if path is None:
        return None
    cached = getattr(_local, "tagger", None)
    if cached is None or cached[0] != path:
        if not path.exists():
            # Fail loudly: quietly running on the rules alone would leave names in the text.
            raise FileNotFoundError(f"the anonymiser's tagger model is missing: {path}")
        tagger = pycrfsuite.Tagger()
        tagger.open(str(path))
        cached = (path, tagger, _weighted(path))
        _local.tagger = cached
    return cached[1], cached[2]


@functools.lru_cache(maxsize=4)
def _weighted(path: Path) -> frozenset[str]:
    """The features a model has weights for (read once per model: about 0.2 s)."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return frozenset(attribute for attribute, _ in tagger.info().state_features)


# A span is kept only when the model is this sure of every word in it (its marginal
# probability): below it the tagger's guesses cost more precision than they add recall.
# Chosen with `train_tagger --sweep pii-heldout2 pii-heldout` (sets the model is not trained
# on): from 0.97 down to 0.95 names and schools are found at no cost in precision on either
# set; 0.9 finds one name more but takes words of a Polish sentence ("Dziękujemy, że ...") for
# names, and below it precision falls.
CONFIDENCE = 0.95


def tagged_spans(text: str, words: Sequence[Word], lexicon: Lexicon) -> list[tuple[Span, float]]:
    """Each span the tagger finds with its confidence (the least marginal of its words)."""
    loaded = _tagger()
    if loaded is None or not words:
        return []
    tagger, weighted = loaded
    tags = tagger.tag(features(text, words, lexicon, weighted))
    result = []
    for span, first, last in _runs(words, tags):
        confidence = min(tagger.marginal(tags[i], i) for i in range(first, last + 1))
        result.append((span, confidence))
    return result


def _runs(words: Sequence[Word], tags: Sequence[str]) -> list[tuple[Span, int, int]]:
    """B-/I- runs of the same kind as spans with their first and last word; a name stops before
    its possessive 's."""
    runs: list[tuple[Span, int, int]] = []
    first = -1
    kind = ""

    def close(last: int) -> None:
        end = words[last].stem_end if kind == "PERSON" else words[last].end
        runs.append((Span(words[first].start, end, kind), first, last))

    for index, label in enumerate(tags):
        if label.startswith("I-") and label[2:] == kind and not _new_sentence(words, index, kind):
            continue
        if kind:
            close(index - 1)
            kind = ""
        if label != "O":
            kind = label[2:]
            first = index
    if kind:
        close(len(tags) - 1)
    return runs


def _new_sentence(words: Sequence[Word], index: int, kind: str) -> bool:
    """Whether a name's run crosses a sentence's end: "I sat with Tom. Priya came later" is two
    people ("J. Smith", "Mr. Khan" and "St. Mary's" are one)."""
    if kind != "PERSON" or not words[index].initial:
        return False
    before = words[index - 1]
    return len(before.text) > 1 and before.key not in TITLES and before.key not in ("st", "saint")


# Letters of English and of the names and places of Wales, Scotland and Ireland (and of loan
# words: café, naïve). Any other letter (Polish ł ż ę, Romanian ș ț ă, Lithuanian ė ų, Arabic,
# Urdu, Cyrillic script) belongs to a language the tagger was never trained on.
_ITS_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzáàâäéèêëíìîïóòôöúùûüŵŷýÿç")


def written_in_another_alphabet(words: Sequence[Word]) -> bool:
    """Whether an answer is mostly in a language with letters the tagger has never seen: at
    least two such words and a quarter of its words. Trained on English answers, it reads a
    Polish sentence's unknown words as names ("Dziękujemy, że ..."); the rules still read it,
    and a Polish name in an English answer ("mum needed Agnieszka") leaves the tagger on."""
    lettered = [word for word in words if any(char.isalpha() for char in word.text)]
    foreign = sum(
        1
        for word in lettered
        if any(char.isalpha() and char not in _ITS_LETTERS for char in word.text.lower())
    )
    return foreign >= 2 and 4 * foreign >= len(lettered)


def find(
    text: str, words: Sequence[Word], lexicon: Lexicon, confidence: float | None = None
) -> list[Span]:
    """The tagger's spans of the kinds it adds (not towns) that it is sure enough of."""
    least = CONFIDENCE if confidence is None else confidence
    if written_in_another_alphabet(words):
        return []
    return [
        span
        for span, sure in tagged_spans(text, words, lexicon)
        if span.label in KINDS
        and sure >= least
        and not _never_personal(span, words)
        and not (span.label == "PERSON" and _a_relations_modal(span, words, lexicon))
        and not (span.label == "PERSON" and _a_modal_asking(text, span, words))
        and (
            span.label != "ADDRESS"
            or _has_street_or_number(span, words)
            or places.given_as_a_home(text, span)  # "my house is Bryn Awel"
        )
        and not (span.label == "ADDRESS" and _a_ranking(span, words))
        # a name or a school is written in letters: "00" of "2:00" is neither
        and (span.label not in ("PERSON", "SCHOOL") or _has_a_letter(text, span))
        and not (span.label == "SCHOOL" and _before_a_place_of_worship(span, words))
        and not (span.label == "SCHOOL" and _someones_home(span, words, lexicon))
    ]


# "holy trinity church", "st marys chapel": a saint's or a feast's name before one of these is
# a place of worship, not a school (schools are named the same way).
_WORSHIP = word_set("church chapel cathedral abbey mosque masjid temple gurdwara synagogue mandir")


def _before_a_place_of_worship(span: Span, words: Sequence[Word]) -> bool:
    following = [word for word in words if word.start >= span.end]
    return bool(following) and following[0].key in _WORSHIP


def _someones_home(span: Span, words: Sequence[Word], lexicon: Lexicon) -> bool:
    """ "i go to kaydens after school", "at my nans": one word, a name's or a relation's
    possessive without its apostrophe, is someone's home, not a school."""
    inside = [word for word in words if span.start <= word.start < span.end]
    if len(inside) != 1 or inside[0].key[-1:] != "s":
        return False
    stem = inside[0].key[:-1]
    return stem in lexicon.first_names or stem in RELATIONS


# Modal verbs that are also names ("will", "may"): after a family word or a job and before
# another verb they are the verb ("if my sister will come"), not someone.
_MODALS = word_set("will may can might must")


def _a_relations_modal(span: Span, words: Sequence[Word], lexicon: Lexicon) -> bool:
    inside = [index for index, word in enumerate(words) if span.start <= word.start < span.end]
    if len(inside) != 1:
        return False
    index = inside[0]
    word = words[index]
    if word.key not in _MODALS or word.capitalised or not 0 < index < len(words) - 1:
        return False
    before, after = words[index - 1].key, words[index + 1]
    return (
        (before in RELATIONS or before in ROLES)
        and not after.capitalised
        and after.key in lexicon.common_words
        and after.key not in ("said", "says", "and", "was", "is")
    )


def _a_modal_asking(text: str, span: Span, words: Sequence[Word]) -> bool:
    """ "Will the chair ring me back?", "Can you tell me": a modal first in a question."""
    inside = [word for word in words if span.start <= word.start < span.end]
    if len(inside) != 1 or inside[0].key not in _MODALS or not inside[0].initial:
        return False
    rest = re.split(r"[.!\n]", text[span.end :], maxsplit=1)[0]
    return "?" in rest


_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)$", re.IGNORECASE)


def _a_ranking(span: Span, words: Sequence[Word]) -> bool:
    """ "came 2nd place", "1st - 2nd place": a place in a race, not a street called Place."""
    inside = [word for word in words if span.start <= word.start < span.end]
    return any(
        word.key == "place" and index and _ORDINAL.match(inside[index - 1].text)
        for index, word in enumerate(inside)
    )


def _has_a_letter(text: str, span: Span) -> bool:
    return any(char.isalpha() for char in text[span.start : span.end])


def _has_street_or_number(span: Span, words: Sequence[Word]) -> bool:
    """Whether an address holds a number or a street or house word ("no.8 Harrow ct", "cae crwn
    estate"): trained on Welsh house names, the tagger can take a whole sentence of a language
    it has no lists for (Polish, Arabic) for one, and an address without either is rare."""
    return any(
        word.is_number or word.key in _STREET or any(char.isdigit() for char in word.text)
        for word in words
        if span.start <= word.start < span.end
    )


def _never_personal(span: Span, words: Sequence[Word]) -> bool:
    """Whether every word of a span is one the lists say is never personal data on its own
    (services, products, family words, months, function words): "CAMHS", "max", "mum"."""
    inside = [word for word in words if span.start <= word.start < span.end]
    return all(word.key in _NEVER_PERSONAL for word in inside if not word.is_number) and not all(
        word.is_number for word in inside
    )
