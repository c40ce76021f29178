"""Differencing between cells: two tables about overlapping groups must not differ by 1 to 7 in
any count they both show.

`differencing.settle_group` keeps every part of two overlapping groups (only in A, only in B,
in both) at 0 or at least `suppress_below` responses. That is not enough on its own: a part of
10 responses can still hold a count of 2 for some answer, and a reader who knows the exact
counts some other way (percentages from exact counts in files published before they were
worked out from the rounded ones, or answers they sent themselves) can subtract. So every
table records the exact counts behind the numbers it showed (`CellRecord`), and a later table
about a group that overlaps an earlier one (without being the same group) hides any count
whose difference from the earlier table's count of the same answer is between 1 and
`suppress_below - 1`. Hiding it may then need other counts hidden too (secondary suppression),
which `protect_question` does as for any hidden count.

For nested groups (a date range moved, new responses added) the difference of a count is
exactly the count in the part between them. For groups that overlap without nesting the
difference is the count only in one part minus the count only in the other; a small difference
is hidden there too, which is stricter than needed but never reveals a small count.

With the cell key method this compares exact counts still, and a count hidden this way is a
`c` that may stand for a large count: it tells a reader that the exact difference from the
earlier table is 1 to 7 (never which), a little about exact counts that the perturbation
otherwise hides. Comparing the published (perturbed) counts instead would tell nothing beyond
what is shown, but would protect nothing the perturbation does not already; whether to drop
the check for keyed tables is left open until the audit (tests/disclosure_audit.py) has been
run over overlapping groups without it.

Records are merged per group: the same responses give the same exact counts, so a group's
record is the union of the counts any output showed for it. Tables published before these
records existed have none and are covered by the group rule alone.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping, Sequence

from .rules import DisclosureRules
from .tables import PublishedQuestion, QuestionCounts

FORMAT = 1

# question -> option -> exact count, for the counts shown as numbers.
CellRecord = dict[str, dict[str, int]]


def shown_cells(
    counted: Sequence[QuestionCounts], published: Sequence[PublishedQuestion]
) -> CellRecord:
    """The exact counts behind the numbers a table shows (zeros included: a 0 is shown too)."""
    record: CellRecord = {}
    for counts, question in zip(counted, published, strict=True):
        if not question.shown:
            continue
        options = {
            cell.option: int(counts.counts.get(cell.option, 0))
            for cell in question.cells
            if isinstance(cell.count, int)
        }
        if options:
            record[question.question] = options
    return record


def merge(records: Iterable[CellRecord | None]) -> CellRecord | None:
    merged: CellRecord = {}
    found = False
    for record in records:
        if record is None:
            continue
        found = True
        for question, options in record.items():
            merged.setdefault(question, {}).update(options)
    return merged if found else None


def clashing_options(
    counted: QuestionCounts, earlier: Iterable[CellRecord], rules: DisclosureRules
) -> frozenset[str]:
    """The options of this question whose exact count differs by 1 to suppress_below - 1 from
    the count of the same option in any earlier record (of an overlapping, different group)."""
    clashes = set()
    for record in earlier:
        shown = record.get(counted.question)
        if not shown:
            continue
        for option, value in shown.items():
            difference = abs(int(counted.counts.get(option, 0)) - value)
            if rules.is_small(difference):
                clashes.add(option)
    return frozenset(clashes)


def forced_hidden(
    counted: Sequence[QuestionCounts], earlier: Sequence[CellRecord], rules: DisclosureRules
) -> dict[str, frozenset[str]]:
    """Per question, the options to hide because of the earlier records (empty: none)."""
    if not earlier:
        return {}
    forced = {}
    for counts in counted:
        clashes = clashing_options(counts, earlier, rules)
        if clashes:
            forced[counts.question] = clashes
    return forced


def encode_cells(record: Mapping[str, Mapping[str, int]]) -> bytes:
    text = json.dumps(record, separators=(",", ":"), sort_keys=True)
    return bytes([FORMAT]) + zlib.compress(text.encode("utf-8"), 9)


def decode_cells(stored: bytes | None) -> CellRecord | None:
    if not stored:
        return None
    if stored[0] != FORMAT:
        raise ValueError("Not a stored cell record (unknown format).")
    return json.loads(zlib.decompress(stored[1:]).decode("utf-8"))  # type: ignore[no-any-return]
