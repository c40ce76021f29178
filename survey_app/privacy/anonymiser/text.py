"""Words of an answer with their positions, spelling shape, and whether a capital means anything."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import fold

# Letters and digits, with apostrophes and hyphens inside: "O’Sullivan", "Lacey-Jo", "don't".
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(?:-[^\W_]+(?:['’][^\W_]+)*)*")
# After these a capital letter says nothing about a name: the start of a sentence, a line, a
# quotation, a list item, or a field ("Name: Adebayo").
_STARTERS = frozenset('.!?:;\n"“”‘«»•*-–—|/…')


@dataclass(slots=True)
class Word:
    start: int
    end: int
    text: str
    # Folded, without a possessive 's: the key for every list.
    key: str
    # Where the word ends without its possessive 's ("Shantelle" in "Shantelle's").
    stem_end: int
    capitalised: bool
    upper: bool
    # The capital is there because of where the word is (sentence start), not what it is.
    initial: bool
    is_number: bool
    # The whole answer is in capitals: a capital says nothing about a name ("RHYS SAID"), though
    # streets and schools are still read as written with capitals.
    shouted: bool = False


def words(text: str) -> list[Word]:
    """Split text into words, keeping their positions in text."""
    found: list[Word] = []
    shouting = _shouting(text)
    append = found.append
    # Positional arguments and the plain-ASCII fold inline: this runs for every word of every
    # answer, and the calls cost more than the work.
    for match in _WORD.finditer(text):
        start, end = match.span()
        raw = match.group()
        stem_end = end
        if len(raw) > 2 and raw[-2] in "'’" and raw[-1] in "sS":
            stem_end = end - 2
            stem = text[start:stem_end]
        else:
            stem = raw
        first = stem[0]
        append(
            Word(
                start,
                end,
                raw,
                stem.lower() if stem.isascii() else fold(stem),
                stem_end,
                first.isupper(),
                stem.isupper() and len(stem) > 1 and not shouting,
                _starts_sentence(text, start),
                first.isdigit(),
                shouting,
            )
        )
    return found


def _shouting(text: str) -> bool:
    """Whether the answer is written in capitals: no lower-case letter, at least a few words."""
    return len(text) >= 12 and text.isupper() and " " in text.strip()


def _starts_sentence(text: str, start: int) -> bool:
    position = start - 1
    while position >= 0 and text[position] in " \t\u00a0":
        position -= 1
    if position < 0:
        return True
    before = text[position]
    if before in _STARTERS:
        return True
    # An emoji or other symbol ends a thought as a full stop would: "Nia ❤️ Precious".
    return not (before.isalnum() or before in ",&()'’[]+%£$#@_=~<>")


def gap(text: str, left: Word, right: Word) -> str:
    """What lies between two words."""
    return text[left.end : right.start]
