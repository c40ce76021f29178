"""'You said, we did': actions councils take because children and practitioners spoke, the
child-friendly words children see through the same QR link, and the figure each should move."""

from .checks import KIND_WORDS, READING_GRADE, personal_data_kinds, reading_warnings
from .measure import TOO_FEW, Measure, MeasurePoint, Side, action_measures, measure_label
from .records import (
    NEWEST_FOR_CHILDREN,
    ActionError,
    ActionFields,
    ChildAction,
    action_by_id,
    approve_action,
    check_themes,
    child_languages,
    child_texts,
    for_children,
    may_approve,
    may_record,
    may_see_action,
    record_action,
    set_status,
    staff_actions,
    warnings_for,
)
from .tables import ACTION_COLUMNS, REGION_WORDS, action_rows
from .words import ChildWords, child_words

__all__ = [
    "ACTION_COLUMNS",
    "KIND_WORDS",
    "NEWEST_FOR_CHILDREN",
    "READING_GRADE",
    "REGION_WORDS",
    "TOO_FEW",
    "ActionError",
    "ActionFields",
    "ChildAction",
    "ChildWords",
    "Measure",
    "MeasurePoint",
    "Side",
    "action_by_id",
    "action_measures",
    "action_rows",
    "approve_action",
    "check_themes",
    "child_languages",
    "child_texts",
    "child_words",
    "for_children",
    "may_approve",
    "may_record",
    "may_see_action",
    "measure_label",
    "personal_data_kinds",
    "reading_warnings",
    "record_action",
    "set_status",
    "staff_actions",
    "warnings_for",
]
