"""One output's publishing unit of work: the only way figures about children leave the service.

An output (a download, a report page, an API call, a future themes or concerns count) opens one
`Publishing` for a survey with `publishing(...)`, settles each group of responses it wants to
show, hands the unit each group's exact counts and gets back their published form. The unit
does the steps every output needs, in the order they must happen:

1. lock: one output of a survey is checked and recorded at a time (`ledger.lock_publishing`);
2. read what was published before (`ledger.published_groups`);
3. settle each group against that and against the groups settled before it in this output
   (`differencing.settle_group`): publish it, repeat an earlier group instead, or refuse;
4. protect its counts: force hidden every count that differs by a small number from the same
   count in an overlapping table already shown, here or before (`cells`), then apply the
   survey's `Protection` (by default the cell key method, `cellkey.protect_with_cell_keys`:
   each count perturbed by its members' secret keys, then suppressed and rounded);
5. when the `with` block ends without an exception, and only then: record every group shown
   with the exact counts behind its numbers (`ledger.record_publications`), and hand all of it
   to the `Audit`, if one is given. An output that raises (a refusal) records nothing.

Two hooks: `Protection`, how one question's exact counts become published cells (the cell
key method by default); and `Audit`, which sees every group each output published, exact and
as shown (the tests' linear-programming audit, tests/disclosure_audit.py, goes here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from ...models import Publication
from . import notes
from .cellkey import protect_with_cell_keys
from .cells import CellRecord, clashing_options, forced_hidden, merge, shown_cells
from .differencing import PublishedGroup, Settlement, overlapping_records, settle_group
from .groups import Condition, protect_group, protect_region
from .ledger import lock_publishing, published_groups, record_publications
from .members import MemberSet
from .rules import DisclosureRules
from .tables import PublishedQuestion, QuestionCounts, withheld_question

# The region's options from its summed counts and the councils' tables.
OptionsOf = Callable[[Mapping[str, int], Sequence[QuestionCounts]], tuple[str, ...]]


class Protection(Protocol):
    """How one question's exact counts in one group become the cells that are published.

    withhold: a note code when the question must not be broken down for a reason found
    elsewhere (skip logic, a small group); forced: options whose counts must be hidden because
    of figures already published.
    """

    def __call__(
        self,
        counted: QuestionCounts,
        rules: DisclosureRules,
        withhold: str = "",
        forced: frozenset[str] = frozenset(),
    ) -> PublishedQuestion: ...


@dataclass(frozen=True)
class Shown:
    """One group's figures as one output showed them: what the ledger records about it and
    what the audit sees. `counted` and `published` are empty for row-level outputs."""

    scope: str
    members: frozenset[int]
    counted: tuple[QuestionCounts, ...] = ()
    published: tuple[PublishedQuestion, ...] = ()
    # The exact counts behind the numbers shown (see `cells`); None when no counts were shown.
    cells: CellRecord | None = field(default=None, compare=False)


class Audit(Protocol):
    """Sees everything one output published, after it was recorded."""

    def __call__(self, survey_id: str, shown: Sequence[Shown]) -> None: ...


class Publishing:
    """One output's unit of work; made by `publishing()`, which records it when the output
    has passed every check."""

    def __init__(
        self,
        session: Session,
        survey_id: str,
        rules: DisclosureRules,
        requested_by_id: int | None,
        protection: Protection,
        audit: Audit | None,
    ) -> None:
        self.session = session
        self.survey_id = survey_id
        self.rules = rules
        self.requested_by_id = requested_by_id
        self.protection = protection
        self.audit = audit
        lock_publishing(session, survey_id)
        # Groups this transaction recorded before (another unit of the same page) count too.
        session.flush()
        self.earlier: list[PublishedGroup] = published_groups(session, survey_id)
        self.shown: list[Shown] = []
        # Digests of the groups settled in this unit: figures are shown about no other group.
        self._settled: set[str] = set()
        # The ledger's rows, once recorded.
        self.recorded: list[Publication] = []

    # Settling ------------------------------------------------------------------------------

    def settle(
        self, requested: frozenset[int], scope: str, *, hold_back_new: bool = True
    ) -> Settlement:
        """What may be published for the group `requested` (see `differencing.settle_group`).

        A group below the minimum base publishes no numbers: it is neither checked nor
        recorded, and settles to no members. A settled group counts as published for every
        group settled after it in this output; a refused one (`Settlement.conflict`) does not.
        """
        if len(requested) < self.rules.minimum_base:
            return Settlement(frozenset())
        settlement = settle_group(
            requested, scope, self.earlier, self.rules, hold_back_new=hold_back_new
        )
        if settlement.conflict is None:
            self.earlier.append(PublishedGroup(settlement.members, scope))
            self._settled.add(MemberSet.of(settlement.members).digest)
        return settlement

    # Protecting ----------------------------------------------------------------------------

    def protect_group(
        self,
        members: frozenset[int],
        scope: str,
        counted: Sequence[QuestionCounts],
        *,
        size: int,
        conditions: Mapping[str, Condition] | None = None,
        record_repeats: bool = True,
    ) -> list[PublishedQuestion]:
        """Every question of one settled group, protected together (skip logic), and shown.

        size: responses in the group (below the minimum base nothing is broken down).
        record_repeats: False to record nothing when the same figures about the same responses
        are already on record (a report page re-showing a group a download already showed).
        """
        forced = forced_hidden(counted, self._records_overlapping(members), self.rules)
        protected = protect_group(
            counted, size, self.rules, conditions, forced, protect=self.protection
        )
        self._show(scope, members, counted, protected, record_repeats=record_repeats)
        return protected

    def protect_tables(
        self,
        members: frozenset[int],
        scope: str,
        counted: Sequence[QuestionCounts],
        *,
        record_repeats: bool = True,
    ) -> list[PublishedQuestion]:
        """Tables about one settled group that do not depend on each other (before/after items,
        responses per month), each protected on its own; shown as one group (even with no
        table, when everything about it was too small to count)."""
        records = self._records_overlapping(members)
        protected = [
            self.protection(table, self.rules, forced=clashing_options(table, records, self.rules))
            for table in counted
        ]
        self._show(scope, members, counted, protected, record_repeats=record_repeats)
        return protected

    def protect_region(
        self,
        members: frozenset[int],
        scope: str,
        councils: Sequence[Sequence[tuple[QuestionCounts, PublishedQuestion]]],
        options_of: Sequence[OptionsOf],
    ) -> list[PublishedQuestion]:
        """The region's questions as sums of the councils shown beside it (`groups.protect_region`)
        for a settled region group `members`.

        councils: per question, each included council's exact counts and published form.
        options_of: per question, the region's options from its summed counts.
        The region cannot hide more on its own without breaking the sum; a question that would
        have to (it differs by a small number from a table already shown) is not shown.
        """
        records = self._records_overlapping(members)
        exact, published = [], []
        for parts, options in zip(councils, options_of, strict=True):
            counted, question = protect_region(parts, self.rules, options)
            shown_options = {cell.option for cell in question.cells if isinstance(cell.count, int)}
            if question.shown and clashing_options(counted, records, self.rules) & shown_options:
                question = withheld_question(counted, notes.CANNOT_PROTECT)
            exact.append(counted)
            published.append(question)
        self._show(scope, members, exact, published)
        return published

    def show_rows(self, members: frozenset[int], scope: str) -> None:
        """Record that the rows of the settled group `members` are shown (a row-level output:
        anonymised responses), with no counts."""
        self._show(scope, members, (), (), rows=True)

    # Recording -----------------------------------------------------------------------------

    def _records_overlapping(self, members: frozenset[int]) -> list[CellRecord]:
        """The exact counts shown for groups that overlap `members` without being the same
        group: published before, or shown earlier in this output."""
        mine = [PublishedGroup(s.members, s.scope, cells=s.cells) for s in self.shown]
        return overlapping_records(members, [*self.earlier, *mine])

    def _show(
        self,
        scope: str,
        members: frozenset[int],
        counted: Sequence[QuestionCounts],
        published: Sequence[PublishedQuestion],
        *,
        rows: bool = False,
        record_repeats: bool = True,
    ) -> None:
        if len(members) < self.rules.minimum_base:
            return  # no numbers are shown about a group this small
        if MemberSet.of(members).digest not in self._settled:
            # Showing figures about a group never checked against what was published would
            # skip differencing altogether: a mistake in the output, so it fails loudly.
            raise ValueError(f"Figures about a group that was not settled first: {scope}")
        cells = None if rows else shown_cells(counted, published)
        if not record_repeats and cells is not None and self._on_record(members, cells):
            return
        for index, earlier in enumerate(self.shown):
            if earlier.scope == scope and earlier.members == members:
                self.shown[index] = Shown(
                    scope,
                    members,
                    (*earlier.counted, *counted),
                    (*earlier.published, *published),
                    merge([earlier.cells, cells]),
                )
                return
        self.shown.append(Shown(scope, members, tuple(counted), tuple(published), cells))

    def _on_record(self, members: frozenset[int], cells: CellRecord) -> bool:
        """Whether the same figures about the same responses are already recorded or shown."""
        mine = [PublishedGroup(s.members, s.scope, cells=s.cells) for s in self.shown]
        return any(
            group.members == members
            and group.cells is not None
            and all(group.cells.get(q, {}).items() >= shown.items() for q, shown in cells.items())
            for group in [*self.earlier, *mine]
        )

    def record(self) -> list[Publication]:
        """Record every group shown, then let the audit see them; called once, at the end."""
        self.recorded = record_publications(
            self.session,
            self.survey_id,
            self.requested_by_id,
            [(MemberSet.of(s.members), s.scope, s.cells) for s in self.shown],
        )
        if self.audit is not None:
            self.audit(self.survey_id, tuple(self.shown))
        return self.recorded


@contextmanager
def publishing(
    session: Session,
    survey_id: str,
    rules: DisclosureRules,
    requested_by_id: int | None,
    *,
    protection: Protection = protect_with_cell_keys,
    audit: Audit | None = None,
) -> Iterator[Publishing]:
    """Open one output's publishing unit of work in the caller's transaction (the caller
    commits). Everything shown in the `with` block is recorded when it ends without an
    exception; an exception (a refusal) records nothing."""
    unit = Publishing(session, survey_id, rules, requested_by_id, protection, audit)
    yield unit
    unit.record()
