"""Disclosure control: what may be published about children, decided in one place.

Every output (CSV and XLSX downloads, report pages and their charts, the API) takes its numbers
through this package:

- `rules`: a survey's thresholds (`DisclosureRules.of(definition)`), rounding and percentages.
- `tables`: one question in one group -> publishable cells with reasons (`protect_question`).
- `groups`: all questions of a group together (skip logic), and a region row from councils.
- `differencing`: whether a group may be published given the groups already published.
- `cells`: which counts to hide so that no count differs by 1-7 from the same count in a table
  already published about an overlapping group; the record of what each table showed.
- `members`: the stored form of a published group's response ids.
- `ledger`: reading and recording publications in the database.
- `notes`: the markers and note codes, and the footnotes that explain them.

All but `ledger` are pure functions over plain data, tested without a database.
"""

from .differencing import Conflict, Overlap, PublishedGroup, Settlement, settle_group
from .groups import Condition, protect_group, protect_region
from .members import MemberBitmap, decode_members, encode_members
from .notes import Footnote, footnotes, rules_in_words
from .rules import DisclosureRules
from .tables import PublishedCell, PublishedQuestion, QuestionCounts, protect_question

__all__ = [
    "Condition",
    "Conflict",
    "DisclosureRules",
    "Footnote",
    "MemberBitmap",
    "Overlap",
    "PublishedCell",
    "PublishedGroup",
    "PublishedQuestion",
    "QuestionCounts",
    "Settlement",
    "decode_members",
    "encode_members",
    "footnotes",
    "protect_group",
    "protect_question",
    "protect_region",
    "rules_in_words",
    "settle_group",
]
