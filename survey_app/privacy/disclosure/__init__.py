"""Disclosure control: what may be published about children, decided in one place.

Every output (CSV and XLSX downloads, report pages and their charts, the API) takes its numbers
through this package, and through one door: `publishing()`, the unit of work that locks,
settles, protects and records (see `publishing`). Only the names below are for use outside the
package (tests/test_disclosure_boundary.py checks); its modules are:

- `publishing`: the unit of work every output opens, with its `Protection` and `Audit` hooks.
- `rules`: a survey's thresholds (`DisclosureRules.of(definition)`), rounding and percentages.
- `cellkey`: the cell key method, the default protection: every count perturbed by a value
  looked up from its members' secret keys, zeros too, before suppression and rounding.
- `tables`: one question in one group -> publishable cells with reasons (`protect_question`).
- `groups`: all questions of a group together (skip logic), and a region row from councils.
- `differencing`: whether a group may be published given the groups already published.
- `cells`: which counts to hide so that no count differs by 1-7 from the same count in a table
  already published about an overlapping group; the record of what each table showed.
- `members`: sets of response ids as bitmaps, and their stored form.
- `ledger`: reading and recording publications in the database.
- `microdata`: the describing columns of row-level outputs (k-anonymity).
- `notes`: the markers and note codes, and the footnotes that explain them.

All but `ledger` and `publishing` are pure functions over plain data, tested without a database.
"""

from . import notes
from .cellkey import (
    KEY_RANGE,
    PERTURBATION,
    SPREAD,
    cell_key,
    pair_cell_key,
    perturbation,
    perturbed_counts,
    protect_with_cell_keys,
    zero_cell_key,
)
from .differencing import Conflict, Overlap, PublishedGroup, Settlement, settle_group
from .groups import Condition, protect_group, protect_region
from .members import BLOCK_BITS, MemberBitmap, MemberSet, decode_members, encode_members, union_of
from .microdata import generalise
from .notes import Footnote, footnotes, markers, rules_in_words
from .publishing import Audit, Protection, Publishing, Shown, publishing
from .rules import DisclosureRules
from .tables import PublishedCell, PublishedQuestion, QuestionCounts, protect_question

__all__ = [
    "BLOCK_BITS",
    "KEY_RANGE",
    "PERTURBATION",
    "SPREAD",
    "Audit",
    "Condition",
    "Conflict",
    "DisclosureRules",
    "Footnote",
    "MemberBitmap",
    "MemberSet",
    "Overlap",
    "Protection",
    "PublishedCell",
    "PublishedGroup",
    "PublishedQuestion",
    "Publishing",
    "QuestionCounts",
    "Settlement",
    "Shown",
    "decode_members",
    "encode_members",
    "footnotes",
    "generalise",
    "notes",
    "cell_key",
    "pair_cell_key",
    "perturbation",
    "perturbed_counts",
    "protect_group",
    "protect_question",
    "protect_region",
    "protect_with_cell_keys",
    "publishing",
    "markers",
    "rules_in_words",
    "settle_group",
    "union_of",
    "zero_cell_key",
]
