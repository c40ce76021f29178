"""A cheap test that a pattern cannot match: the words any match must contain.

Scanning a text with some hundred cue patterns is the screen's main cost. Each pattern is made of
word lists ("grabs|grabbed|pulls..." then "me|us|my sister..."), so a match is impossible unless
a word from each list is in the text; set lookups say so many times faster than the pattern.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from re import _constants as constants  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]

_ZERO_WIDTH = {constants.AT, constants.ASSERT, constants.ASSERT_NOT}
_REPEATS = {constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT}


@dataclass(frozen=True)
class Gate:
    """For each word a match must contain: the words (or word starts) it can be."""

    parts: tuple[tuple[frozenset[str], tuple[str, ...]], ...]

    def may_match(self, words: set[str], text: str) -> bool:
        """False only when no match is possible in text (whose words are words)."""
        # Loops, not any() over a generator: asked some eighty times a text, the generator
        # cost more than the lookups.
        for whole, prefixes in self.parts:
            if whole.isdisjoint(words):
                for prefix in prefixes:
                    if prefix in text:
                        break
                else:
                    return False
        return True


def _is_word_end(items: list, index: int) -> bool:  # type: ignore[type-arg]
    if index >= len(items):
        return False
    op, argument = items[index]
    if op is constants.LITERAL:
        return chr(argument) == " "
    return op is constants.AT and argument is constants.AT_BOUNDARY


def _starts(items: list, index: int = 0) -> set[tuple[str, bool]] | None:  # type: ignore[type-arg]
    """(first word or its start, is it whole) for matches of items[index:], or None if unknown."""
    prefix = ""
    while index < len(items):
        op, argument = items[index]
        if op is constants.LITERAL:
            if chr(argument) == " " and prefix:
                return {(prefix, True)}
            prefix += chr(argument)
            index += 1
            continue
        if prefix:
            return {(prefix, _is_word_end(items, index))}
        if op in _ZERO_WIDTH:
            index += 1
            continue
        rest = items[index + 1 :]
        if op is constants.SUBPATTERN:
            return _starts(list(argument[-1]) + rest)
        if op is constants.BRANCH:
            found: set[tuple[str, bool]] = set()
            for branch in argument[1]:
                starts = _starts(list(branch) + rest)
                if starts is None:
                    return None
                found |= starts
            return found
        if op in _REPEATS:
            low, _high, item = argument
            inner = _starts(list(item) + rest)
            if low >= 1 or inner is None:
                return inner
            after = _starts(rest)
            return None if after is None else inner | after
        return None
    return {(prefix, False)} if prefix else None


def _part(found: set[tuple[str, bool]] | None) -> tuple[frozenset[str], tuple[str, ...]] | None:
    if not found or any(not start for start, _whole in found):
        return None
    prefixes = sorted({start for start, whole in found if not whole}, key=len)
    kept: list[str] = []
    for prefix in prefixes:
        if not any(prefix.startswith(shorter) for shorter in kept):
            kept.append(prefix)
    return frozenset(start for start, whole in found if whole), tuple(kept)


def gate(pattern: str) -> Gate | None:
    """The gate for pattern: one part per element that starts a word of every match."""
    return _gate(list(parser.parse(pattern)), strict=False)


def branch_gates(pattern: str) -> tuple[Gate, ...] | None:
    """For a pattern of alternatives ("a b|c d"), a gate per alternative: no match is possible
    when no alternative's gate may match. Sharper than `gate`, which can only ask for the words
    every alternative starts with (often as common as "i" or "no"). None when the pattern is not
    alternatives, an alternative has no gate, or a word may repeat. Sound only for a normalised
    text without "£" (see `_gate`)."""
    items = list(parser.parse(pattern))
    # The parser moves what every alternative starts with (\b) in front of the alternatives:
    # each alternative is what comes before, the alternative, then what comes after.
    at = next((i for i, (op, _argument) in enumerate(items) if op is constants.BRANCH), None)
    if at is None or _repeats_a_word(items):
        return None
    gates = []
    for branch in items[at][1][1]:
        found = _gate([*items[:at], *branch, *items[at + 1 :]], strict=True)
        if found is None:
            return None
        gates.append(found)
    return tuple(gates)


# What a word is made of in a normalised text without "£" (the screen's words, and \w there).
_LETTERS_AND_DIGITS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _repeats_a_word(items: list) -> bool:  # type: ignore[type-arg]
    """Whether items repeat something that starts with letters ("(?:ha)+"): a whole word found
    after it could be longer than the gate would think ("hahaha")."""
    for op, argument in items:
        if op in _REPEATS:
            _low, high, item = argument
            if high > 1 and _starts(list(item)) is not None:
                return True
            inner = [list(item)]
        elif op is constants.SUBPATTERN:
            inner = [list(argument[-1])]
        elif op is constants.BRANCH:
            inner = [list(branch) for branch in argument[1]]
        elif op in (constants.ASSERT, constants.ASSERT_NOT):
            inner = [list(argument[1])]
        else:
            continue
        if any(_repeats_a_word(one) for one in inner):
            return True
    return False


def _gate(items: list, strict: bool) -> Gate | None:  # type: ignore[type-arg]
    """The parts for items. Not strict (`gate`, as the screen has always been gated), an element
    after a group is taken to begin a word, which it may not ("(?:my|her)self"). Strict, for a
    text without "£" (where the screen's words and \\b agree): only an element after a space or
    \\b, whose starts are letters and digits, is taken to begin a word."""
    parts = []
    for index, (op, argument) in enumerate(items):
        if op in _ZERO_WIDTH or (op is constants.LITERAL and chr(argument) == " "):
            continue
        previous = items[index - 1] if index else None
        # Only elements that begin a word: not the middle of a literal word.
        if previous is not None and previous[0] is constants.LITERAL and chr(previous[1]) != " ":
            continue
        if strict and not (
            previous is not None
            and (
                (previous[0] is constants.AT and previous[1] is constants.AT_BOUNDARY)
                or (previous[0] is constants.LITERAL and chr(previous[1]) == " ")
            )
        ):
            continue
        starts = _starts(items, index)
        if strict and starts and any(not _LETTERS_AND_DIGITS.issuperset(s) for s, _ in starts):
            continue
        part = _part(starts)
        if part is not None and part not in parts:
            parts.append(part)
    return Gate(tuple(parts)) if parts else None


# Words in nearly every text: a gate filed under one of them is asked of nearly every text.
_COMMON_WORDS = (
    "a an and at be but did do dont for get go got had has have he her him his i im in is it me "
    "my no not of on or out she so that the them they this to up us was we were what when with you"
)
_COMMON = frozenset(_COMMON_WORDS.split())


def _filing(found: Gate) -> tuple[frozenset[str], tuple[str, ...]]:
    """The part a gate is filed under: any part will do (every part must be in a text the gate
    lets through), so the one least likely to be in a text, by a rough count."""

    def cost(part: tuple[frozenset[str], tuple[str, ...]]) -> tuple[int, int]:
        whole, prefixes = part
        common = sum(word in _COMMON for word in whole) + sum(len(p) < 3 for p in prefixes)
        return common, len(whole) + len(prefixes)

    return min(found.parts, key=cost)


class GateIndex:
    """Which of many gates may match a text, found from the text's words in one pass instead of
    asking every gate: each gate is filed under the words (and word starts) of one of its parts
    (its rarest), and only the gates filed under something in the text are asked in full.

    With owners, several gates can stand for one thing (a cue's alternatives, each with its
    own gate): `may_match` then gives the owners with at least one gate that may match."""

    def __init__(self, gates: Sequence[Gate | None], owners: Sequence[int] | None = None) -> None:
        self._owners = tuple(range(len(gates)) if owners is None else owners)
        self._always = frozenset(index for index, found in enumerate(gates) if found is None)
        by_word: dict[str, list[int]] = {}
        by_prefix: dict[str, list[int]] = {}
        # Each gate's parts but the one it is filed under: a gate found through that part has
        # it, so only the others are asked.
        rest: list[tuple[tuple[frozenset[str], tuple[str, ...]], ...]] = []
        for index, found in enumerate(gates):
            if found is None:
                rest.append(())
                continue
            filing = _filing(found)
            whole, prefixes = filing
            for word in whole:
                by_word.setdefault(word, []).append(index)
            for prefix in prefixes:
                by_prefix.setdefault(prefix, []).append(index)
            others = list(found.parts)
            others.remove(filing)
            rest.append(tuple(others))
        self._rest = tuple(rest)
        self._by_word = by_word
        self._words = frozenset(by_word)
        self._by_prefix = tuple((prefix, tuple(found)) for prefix, found in by_prefix.items())

    def may_match(self, words: set[str], text: str) -> list[int]:
        """The indexes (owners), in order, of the gates that may match text (whose words are
        words): the same as asking each gate's may_match, only faster."""
        filed = set(self._always)
        for word in self._words.intersection(words):
            filed.update(self._by_word[word])
        for prefix, found in self._by_prefix:
            if prefix in text:
                filed.update(found)
        owners, rest = self._owners, self._rest
        passed: set[int] = set()
        # `Gate.may_match` inline: asked a hundred times a text, the calls cost more than the
        # lookups.
        for index in filed:
            owner = owners[index]
            if owner in passed:
                continue
            for whole, prefixes in rest[index]:
                if whole.isdisjoint(words):
                    for prefix in prefixes:
                        if prefix in text:
                            break
                    else:
                        break
            else:
                passed.add(owner)
        return sorted(passed)
