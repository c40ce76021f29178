"""The report page: charts, their text alternatives and data tables, for one council or the
region, built only from figures that have passed disclosure control.

What a report shows depends on the survey:

- A survey with waves (practitioners at meeting one and meeting four): `practitioners`.
- A survey without waves (children): `children`.

The whole page is one publishing unit of work (`privacy.disclosure.publishing`): the counts
download's tables, the before/after results and every group within the group (`figures`) are
settled and protected in it, and what the page showed is recorded when it has all passed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from .. import downloads
from ..definitions.model import SurveyDefinition
from ..downloads.groups import GroupFilter, councils_for
from ..privacy.disclosure import Audit, DisclosureRules, notes, publishing
from .children import children_sections
from .figures import REGION, Figures, Section
from .practitioners import load_members, practitioner_sections


@dataclass(frozen=True)
class Report:
    definition: SurveyDefinition
    group: str
    groups: tuple[str, ...]  # what else may be chosen
    responses: int | str
    sections: tuple[Section, ...]
    method_notes: tuple[str, ...] = ()
    # The one closed publication period the figures are about.
    period: str = ""
    made_on: dt.date = field(default_factory=dt.date.today)


def build_report(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    council: str | None,
    requested_by_id: int | None,
    *,
    chosen: GroupFilter,
    audit: Audit | None = None,
) -> Report:
    """The report for one council (or, with council None, the region, or the user's own council
    for a council lead). Records what it publishes in the caller's transaction; raises like the
    downloads (nothing recorded) if the group itself may not be published.

    chosen: the one closed period the report is about (its `asked_at` is the app's clock); its
    council is replaced by `council`."""
    visible = None if council_ids is None else list(council_ids)
    chosen = dataclasses.replace(chosen, council=council, distribution=None)
    rules = DisclosureRules.of(definition)
    with publishing(session, definition.id, rules, requested_by_id, audit=audit) as unit:
        tables = downloads.aggregate_tables(unit, definition, visible, chosen)
        choices = tuple(table.label for table in tables)
        if visible is None and council is None and REGION in choices:
            label = REGION
        else:
            label = choices[0] if choices else (council or "")
        table = next((t for t in tables if t.label == label), None)
        figures = Figures(unit, definition)
        councils, _ = councils_for(session, definition, visible, GroupFilter())
        if definition.waves and len(definition.waves) >= 2:
            members = load_members(session, definition, visible, council)
            prepost = downloads.prepost_results(unit, definition, visible, chosen)
            group = next((g for g in prepost.groups if g.label == label), None)
            sections = practitioner_sections(figures, label, group, prepost, table, members)
            method = downloads.method_in_words(definition)
        else:
            ids_by_name = {name: council_id for council_id, name in councils}
            sections = children_sections(figures, label, {t.label: t for t in tables}, ids_by_name)
            method = ()
    responses = _group_size(table)
    all_choices = ((REGION,) if visible is None else ()) + tuple(name for _, name in councils)
    period = chosen.period(definition.publication).key
    return Report(definition, label, all_choices, responses, tuple(sections), tuple(method), period)


def _group_size(table: downloads.PublishedTable | None) -> int | str:
    """The group's published size: the largest base among its questions."""
    if table is None:
        return notes.NOT_SHOWN
    bases = [q.base for q in table.questions if isinstance(q.base, int)]
    return max(bases) if bases else notes.NOT_SHOWN
