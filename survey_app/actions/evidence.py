"""What showed an action's "you said": the approved quotes it points to (shown only while they
stay in the quote bank) and the figures, published when shown through disclosure control like
the action's measure ("too few answers to tell" where that is the truth).

A figure is the action's council's; an action for the whole region shows the figure of the
plan's council (or, on the region's plan, the region's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import downloads
from ..definitions.model import SurveyDefinition
from ..models import Action, ActionFigure, ActionQuote, ApprovedQuote, Council, ThemeItem
from ..periods import Period, PeriodError, is_published, last_published
from ..privacy.disclosure import DisclosureRules, notes
from ..privacy.disclosure import publishing as open_publishing
from ..themes.codebook import Codebook
from ..themes.quotes import approved_quotes
from ..voices import Source
from .measure import TOO_FEW, figure_words, measure_label, period_table, published_cell
from .records import REGION_WORDS

NOT_CLOSED = "not published yet: the period has not closed"
NOT_LOADED = "not shown: the survey is not loaded"
NO_THEME = "Not coded with a theme yet"


@dataclass(frozen=True)
class LinkedQuote:
    """An approved quote an action points to, as staff read it."""

    id: int
    text: str
    council: str
    month: dt.date
    source: Source


@dataclass(frozen=True)
class LinkedFigure:
    """A figure an action points to, and what is published of it now."""

    survey: str
    question: str
    option: str
    # The period asked for ("" : the latest closed one) and the one shown.
    period: str
    shown_period: str
    label: str
    place: str
    count: int | str = notes.NOT_SHOWN
    base: int | str = notes.NOT_SHOWN
    percent: str = ""
    why_not: str = ""

    @property
    def in_words(self) -> str:
        """ "35 of 50 (70.0%)", "too few answers to tell", or why nothing is shown."""
        return self.why_not or figure_words(self.count, self.base, self.percent)

    @property
    def reference(self) -> str:
        """What it is, where and when: "Did you go?: Yes, Suffolk, 2026-Q3"."""
        return ", ".join(part for part in (self.label, self.place, self.shown_period) if part)


@dataclass(frozen=True)
class Evidence:
    """Each action's linked quotes and figures, by action id."""

    quotes: Mapping[int, Sequence[LinkedQuote]] = field(default_factory=dict)
    figures: Mapping[int, Sequence[LinkedFigure]] = field(default_factory=dict)


def linked_quotes(
    session: Session, actions: Collection[Action], councils: Collection[int] | None
) -> dict[int, list[LinkedQuote]]:
    """The quotes each action points to that are still approved (a withdrawn quote is gone
    from every action as from every report), said in one of `councils` (None: any), by action
    id: an action for the whole region may point to any council's quotes, and a council's
    page shows only its own."""
    ids = [action.id for action in actions]
    if not ids:
        return {}
    statement = (
        select(
            ActionQuote.action_id,
            ThemeItem.id,
            ThemeItem.text,
            Council.name,
            ThemeItem.month,
            ThemeItem.source,
        )
        .join(ThemeItem, ThemeItem.id == ActionQuote.item_id)
        .join(ApprovedQuote, ApprovedQuote.item_id == ThemeItem.id)
        .join(Council, Council.id == ThemeItem.council_id)
        .where(ActionQuote.action_id.in_(ids))
        .order_by(ActionQuote.action_id, ThemeItem.id)
    )
    if councils is not None:
        statement = statement.where(ThemeItem.council_id.in_(list(councils)))
    found: dict[int, list[LinkedQuote]] = {}
    for action_id, item_id, text, council, month, source in session.execute(statement):
        found.setdefault(action_id, []).append(
            LinkedQuote(item_id, text, council, month, Source(source))
        )
    return found


@dataclass(frozen=True)
class QuoteChoice:
    """An approved quote staff may link, with the themes it was coded with."""

    id: int
    text: str
    council: str
    month: dt.date
    source: Source
    also: tuple[str, ...]


def quotes_to_choose(
    session: Session, council_ids: Sequence[int] | None, codebook: Codebook | None
) -> list[tuple[str, list[QuoteChoice]]]:
    """The approved quotes of these councils (None: every council), grouped by their first
    theme's label (the themes in the codebook's order, quotes not coded yet last); `also`
    names a quote's other themes."""

    def label(theme_id: str) -> str:
        theme = codebook.get(theme_id) if codebook is not None else None
        return theme.label if theme is not None else theme_id

    order = {theme.id: n for n, theme in enumerate(codebook.themes)} if codebook else {}
    groups: dict[str, list[QuoteChoice]] = {}
    for quote in approved_quotes(session, council_ids, dt.date.min, dt.date.max):
        themes = sorted(quote.theme_ids, key=lambda t: (order.get(t, len(order)), t))
        first = themes[0] if themes else ""
        groups.setdefault(first, []).append(
            QuoteChoice(
                quote.item_id,
                quote.text,
                quote.council,
                quote.month,
                quote.source,
                tuple(label(t) for t in themes[1:]),
            )
        )
    ordered = sorted(groups, key=lambda t: (t == "", order.get(t, len(order)), t))
    return [(label(t) if t else NO_THEME, groups[t]) for t in ordered]


def linked_figures(
    session: Session,
    definitions: Mapping[str, SurveyDefinition],
    actions: Collection[Action],
    visible: Collection[int] | None,
    council: str | None,
    requested_by_id: int | None,
    now: dt.datetime,
) -> dict[int, list[LinkedFigure]]:
    """Each action's figures as published now, by action id: the action's council's (a region
    action's: `council`'s, None the region's), one publishing unit of work per survey, each
    table published once; the caller commits what was recorded."""
    by_survey: dict[str, list[tuple[Action, ActionFigure]]] = {}
    found: dict[int, list[LinkedFigure]] = {action.id: [] for action in actions if action.figures}
    for action in actions:
        for figure in action.figures:
            by_survey.setdefault(figure.survey_id, []).append((action, figure))
    for survey_id, linked in sorted(by_survey.items()):
        definition = definitions.get(survey_id)
        if definition is None:
            for action, figure in linked:
                found[action.id].append(_unshown(figure, NOT_LOADED, ""))
            continue
        rules = DisclosureRules.of(definition)
        tables: dict[tuple[str | None, Period], downloads.PublishedTable | None] = {}
        with open_publishing(session, survey_id, rules, requested_by_id) as unit:
            for action, figure in linked:
                where = action.council.name if action.council is not None else council
                place = where if where is not None else REGION_WORDS
                label = measure_label(definition, figure.question_id, figure.option)
                try:
                    period = (
                        Period.parse(figure.period)
                        if figure.period
                        else last_published(definition.publication, now)
                    )
                except PeriodError:  # a survey's periods changed since: nothing to say
                    found[action.id].append(_unshown(figure, TOO_FEW, label, place))
                    continue
                if not is_published(definition.publication, period, now):
                    found[action.id].append(_unshown(figure, NOT_CLOSED, label, place, period.key))
                    continue
                if (where, period) not in tables:
                    tables[(where, period)] = period_table(
                        unit, definition, visible, where, period, now
                    )
                count, base, percent = published_cell(
                    tables[(where, period)], figure.question_id, figure.option
                )
                found[action.id].append(
                    LinkedFigure(
                        figure.survey_id,
                        figure.question_id,
                        figure.option,
                        figure.period,
                        period.key,
                        label,
                        place,
                        count,
                        base,
                        percent,
                    )
                )
    return found


def _unshown(
    figure: ActionFigure, why: str, label: str, place: str = "", period: str = ""
) -> LinkedFigure:
    return LinkedFigure(
        figure.survey_id,
        figure.question_id,
        figure.option,
        figure.period,
        period or figure.period,
        label or f"{figure.survey_id}: {figure.question_id}: {figure.option}",
        place,
        why_not=why,
    )


def action_evidence(
    session: Session,
    definitions: Mapping[str, SurveyDefinition],
    actions: Collection[Action],
    visible: Collection[int] | None,
    council: str | None,
    requested_by_id: int | None,
    now: dt.datetime,
    quote_councils: Collection[int] | None = None,
) -> Evidence:
    """The actions' linked quotes (still approved, of `quote_councils`: None any) and figures
    (published now for `council` as `linked_figures` says, recorded in session for the caller
    to commit)."""
    return Evidence(
        linked_quotes(session, actions, quote_councils),
        linked_figures(session, definitions, actions, visible, council, requested_by_id, now),
    )
