"""Case-file audits: recording one audit per case and period (`recording`, a keyed hash of the
case reference, never the reference), anonymising their notes, and their results per council
and closed period through disclosure control (`results`)."""

from __future__ import annotations

from .recording import (
    CASE_REFERENCE,
    anonymise_notes,
    audit_forms,
    case_hash,
    choice_questions,
    normalise_case_reference,
    read_items,
    record_audit,
    unprocessed_audit_ids,
)
from .results import (
    RESULT_COLUMNS,
    CouncilAudits,
    CriterionResult,
    audit_results,
    closed_period,
    criterion_results,
    headline,
    results_csv,
)

__all__ = [
    "CASE_REFERENCE",
    "RESULT_COLUMNS",
    "CouncilAudits",
    "CriterionResult",
    "anonymise_notes",
    "audit_forms",
    "audit_results",
    "case_hash",
    "choice_questions",
    "closed_period",
    "criterion_results",
    "headline",
    "normalise_case_reference",
    "read_items",
    "record_audit",
    "results_csv",
    "unprocessed_audit_ids",
]
