""" "What children and families told us": themes across sources by period for one council or
the region, what works well against what needs to change, focus-group dot votes and shows of
hands, case-file audit results beside them, and approved quotes.

Every figure comes through the publishing unit (whole closed periods, cell keys, recorded):
theme counts from `publish_themes`, votes from `focus_groups.publish_votes`, audit results
from `audits.audit_results`. Sources are never added together, nor themes (an item can carry
several): each source's counts stand beside the others, each with its own base. Votes are
counts of votes, not children, and only the options of one prompt are ever counted together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .. import audits
from ..definitions.guides import GuideDefinition
from ..definitions.model import SurveyDefinition
from ..focus_groups import PromptVotes, publish_votes
from ..periods import Period, PeriodError, published_period, recent_published
from ..privacy.disclosure import notes
from ..voices import Source
from .codebook import Codebook, ThemeDirection
from .quotes import Quote, approved_quotes
from .results import (
    SOURCE_WORDS,
    ThemeFilter,
    chosen_councils,
    codebook_subject,
    publish_themes,
)

PERIODS_SHOWN = 4


@dataclass(frozen=True)
class ThemeFigure:
    """One theme's published count in one source and period."""

    theme_id: str
    label: str
    count: int | str  # a number, or "c" (hidden) / "x" (not shown)
    direction: ThemeDirection | None

    @property
    def number(self) -> int:
        """The count as a bar's length (0 for a hidden one)."""
        return self.count if isinstance(self.count, int) else 0


@dataclass(frozen=True)
class SourceTable:
    """One source's theme counts in one period, with their base (coded items)."""

    source: Source
    words: str
    base: int | str
    figures: tuple[ThemeFigure, ...]
    note: str = ""

    @property
    def shown(self) -> bool:
        return isinstance(self.base, int)

    def largest(self) -> int:
        return max([figure.number for figure in self.figures] + [1])

    def headline(self) -> str:
        """A sentence with its base, or why there is none."""
        if not self.shown:
            return f"{self.words.capitalize()}: too few coded items to tell."
        top = max(self.figures, key=lambda figure: figure.number, default=None)
        if top is None or top.number == 0:
            return f"{self.words.capitalize()}: no theme stood out in about {self.base} items."
        return (
            f"{self.words.capitalize()}: most often “{top.label}” (about {top.count} of "
            f"about {self.base} coded items)."
        )


@dataclass(frozen=True)
class AuditTable:
    """One audit form's published results in one period, for the council or the region."""

    form: str
    period: str
    criteria: tuple[audits.CriterionResult, ...]

    @property
    def shown(self) -> bool:
        return any(isinstance(criterion.base, int) for criterion in self.criteria)

    @property
    def base(self) -> int | str:
        """Records audited, as published (the largest criterion base shown)."""
        bases = [c.base for c in self.criteria if isinstance(c.base, int)]
        return max(bases) if bases else notes.NOT_SHOWN

    def largest(self) -> int:
        return max([criterion.number for criterion in self.criteria] + [1])


@dataclass(frozen=True)
class PeriodTables:
    """Every source's table in one period, with the focus groups' votes and the audits'
    results of the same period."""

    period: Period
    tables: tuple[SourceTable, ...]
    votes: tuple[PromptVotes, ...] = ()
    audits: tuple[AuditTable, ...] = ()


@dataclass(frozen=True)
class ThemeReport:
    """The report for one council (or the region)."""

    scope: str
    periods: tuple[PeriodTables, ...]
    quotes: tuple[Quote, ...]

    def by_direction(
        self, direction: ThemeDirection
    ) -> list[tuple[Period, SourceTable, ThemeFigure]]:
        """Each period's shown figures of themes leaning this way: newest period first, then
        largest first."""
        found = []
        for shown in self.periods:
            entries = [
                (shown.period, table, figure)
                for table in shown.tables
                for figure in table.figures
                if figure.direction == direction and figure.number > 0
            ]
            found.extend(sorted(entries, key=lambda entry: -entry[2].number))
        return found


@dataclass(frozen=True)
class OtherVoices:
    """What the report shows beside the themes: the focus-group guides (their votes), the
    case-file audit forms, and the key vote keys are made with."""

    guides: Mapping[str, GuideDefinition]
    audit_forms: Sequence[SurveyDefinition]
    link_key: str


def build_report(
    session: Session,
    codebook: Codebook,
    council_ids: Sequence[int] | None,
    council: str | None,
    requested_by_id: int | None,
    now: dt.datetime,
    voices: OtherVoices | None = None,
) -> ThemeReport:
    """The report for `council` (None: the region of every council the user may see), over the
    latest closed periods, recorded as published; with voices, each period's votes and audit
    results too. The caller commits."""
    chosen_scope = ThemeFilter(council=council)
    councils = chosen_councils(session, council_ids, chosen_scope)
    scope = councils[0].name if council is not None else notes.REGION
    periods = []
    for period in recent_published(codebook.publication, now, PERIODS_SHOWN):
        published = publish_themes(
            session,
            codebook,
            council_ids,
            ThemeFilter(council=council, start=period.start, end=period.end),
            requested_by_id,
            now,
            region=council is None,
        )
        tables = _tables(codebook, published.rows)
        votes: list[PromptVotes] = []
        audited: list[AuditTable] = []
        if voices is not None and councils:
            ids = [c.id for c in councils]
            votes = publish_votes(
                session,
                codebook_subject(session, codebook),
                voices.guides,
                ids,
                scope,
                period,
                voices.link_key,
                requested_by_id,
            )
            audited = _audits(
                session, voices.audit_forms, ids, period, requested_by_id, now, council is None
            )
        periods.append(PeriodTables(period, tuple(tables), tuple(votes), tuple(audited)))
    oldest = periods[-1].period.start if periods else now.date()
    newest = periods[0].period.end if periods else now.date()
    quotes = approved_quotes(session, [c.id for c in councils], oldest, newest)
    return ThemeReport(scope, tuple(periods), tuple(quotes))


def _audits(
    session: Session,
    forms: Sequence[SurveyDefinition],
    council_ids: Sequence[int],
    period: Period,
    requested_by_id: int | None,
    now: dt.datetime,
    region: bool,
) -> list[AuditTable]:
    """Each audit form's results over the councils together, for a form published per the same
    period as the report (a form published per month is left to its own results page)."""
    tables = []
    for form in forms:
        try:
            same = published_period(form.publication, now, period.start, period.end)
        except PeriodError:
            continue
        results = audits.audit_results(
            session, form, council_ids, same, requested_by_id, region=region
        )
        for result in results:
            criteria = audits.criterion_results(form, result)
            tables.append(AuditTable(form.title.en, same.key, tuple(criteria)))
    return tables


def _tables(codebook: Codebook, rows: Sequence[tuple[object, ...]]) -> list[SourceTable]:
    by_source: dict[Source, list[tuple[object, ...]]] = {}
    for row in rows:
        by_source.setdefault(Source(str(row[1])), []).append(row)
    tables = []
    for source, source_rows in by_source.items():
        label_to_theme = {theme.label: theme for theme in codebook.themes}
        figures = []
        for _, _, label, count, _, _ in source_rows:
            theme = label_to_theme.get(str(label))
            if theme is None or (theme.retired and count in (0, notes.HIDDEN)):
                continue
            figures.append(ThemeFigure(theme.id, theme.label, count, theme.direction))  # type: ignore[arg-type]
        base = source_rows[0][4]
        note = str(source_rows[0][5]) if not isinstance(base, int) else ""
        tables.append(
            SourceTable(source, SOURCE_WORDS[source], base, tuple(figures), note)  # type: ignore[arg-type]
        )
    return tables
