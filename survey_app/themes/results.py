"""Theme results: how many coded items of each source carried each theme (themes.csv), and the
coded items themselves (items.csv), for one whole closed publication period, through the one
publishing unit of work (survey_app.privacy.disclosure.publishing).

Counts of coded items are counts about people (a child's answer, a parent's complaint), so they
follow the surveys' rules: one whole closed period of the codebook's `publication` settings
(anything else is refused, naming the period to ask for); each council's items of one source
are a group, settled against every group published before under the codebook (a group too small
or too close to one already out shows nothing); each count and the base (the group's coded
items) is perturbed by its members' secret cell keys, then small counts hidden and the rest
rounded; every group shown is recorded as a publication. Only confirmed codings count (the
first coder's of each item), never suggestions.

Coding goes on after a period closes, so a period's counts can grow after they were first
published: the ledger's differencing checks are what stop two downloads either side of a few
codings telling those few apart.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import operations
from ..downloads.problems import FilterError, UnknownGroup
from ..models import Council, Survey, ThemeCode, ThemeCoding, ThemeItem
from ..periods import Period, PeriodError, published_period
from ..privacy.disclosure import (
    KEY_RANGE,
    DisclosureRules,
    PublishedQuestion,
    QuestionCounts,
    footnotes,
    notes,
    publishing,
)
from ..voices import Source
from .codebook import Codebook

THEME_COLUMNS = ["council", "source", "theme", "count", "base", "note"]
ITEM_COLUMNS = ["council", "source", "month", "prompt", "text", "themes", "note"]
RULES = DisclosureRules()

SOURCE_WORDS = {
    Source.SURVEY: "survey answers",
    Source.FOCUS_GROUP: "focus groups",
    Source.FEEDBACK: "complaints and compliments",
    Source.AUDIT: "case-file audits",
}
WITHHELD_WORDS = {
    notes.SMALL_BASE: "Too few coded items in this council, source and period: nothing shown.",
    notes.TOO_CLOSE: "Too close to figures already published about these items: nothing shown.",
    notes.HELD_BACK: "Items coded since an earlier download are held back from this one.",
}


@dataclass(frozen=True)
class ThemeFilter:
    """What a request for theme results asked for: a council's name (None: every council the
    user may see), a source (None: each), and the first and last day of one whole period."""

    council: str | None = None
    source: Source | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def from_query(cls, args: Mapping[str, str]) -> ThemeFilter:
        """The filter from `council`, `source`, `from`, `to` (or `period`); FilterError names
        what is wrong."""
        source = (args.get("source") or "").strip() or None
        if source is not None and source not in {s.value for s in Source}:
            known = ", ".join(s.value for s in Source)
            raise FilterError(f"'source' is one of: {known}.")
        start, end = _day(args, "from"), _day(args, "to")
        named = (args.get("period") or "").strip()
        if named:
            # `period=2026-Q3` is `from` its first day `to` its last (what a refusal suggests).
            if start or end:
                raise FilterError("Ask for a period, or from and to, not both.")
            try:
                period = Period.parse(named)
            except PeriodError as error:
                raise FilterError(str(error)) from None
            start, end = period.start, period.end
        return cls(
            council=(args.get("council") or "").strip() or None,
            source=Source(source) if source else None,
            start=start,
            end=end,
        )


def _day(args: Mapping[str, str], name: str) -> dt.date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"'{name}' is a date, YYYY-MM-DD.") from None


@dataclass(frozen=True)
class Group:
    """One council's coded items of one source in the period: item ids, with each item's
    themes and secret cell key."""

    council: str
    source: Source
    themes: Mapping[int, frozenset[str]]
    keys: Mapping[int, int]


@dataclass(frozen=True)
class PublishedThemes:
    """The rows of a themes download and the period they are about."""

    period: Period
    rows: tuple[tuple[object, ...], ...]


def codebook_subject(session: Session, codebook: Codebook) -> str:
    """The surveys row theme counts are published and recorded under (made or brought up to
    date here): the codebook's id."""
    row = session.get(Survey, codebook.id)
    if row is None:
        row = Survey(id=codebook.id, audience="codebook")
        session.add(row)
    if row.checksum != codebook.checksum:
        row.version = codebook.version
        row.title = codebook.title
        row.checksum = codebook.checksum
        row.source = codebook.source
    session.flush()
    return codebook.id


def chosen_period(codebook: Codebook, chosen: ThemeFilter, now: dt.datetime) -> Period:
    """The one whole closed period asked for (the latest by default); FilterError otherwise."""
    try:
        return published_period(codebook.publication, now, chosen.start, chosen.end)
    except PeriodError as error:
        raise FilterError(str(error)) from None


def chosen_councils(
    session: Session, council_ids: Sequence[int] | None, chosen: ThemeFilter
) -> list[Council]:
    """The councils asked for, in name order; UnknownGroup for one the user may not see."""
    visible = [
        council
        for council in operations.all_councils(session)
        if council_ids is None or council.id in council_ids
    ]
    if chosen.council is None:
        return sorted(visible, key=lambda council: council.name)
    found = operations.find_council(session, chosen.council)
    if found is None or found not in visible:
        raise UnknownGroup(f"No council called '{chosen.council}' that you may see.")
    return [found]


def coded_groups(
    session: Session,
    councils: Sequence[Council],
    source: Source | None,
    period: Period,
    *,
    region: bool = False,
) -> list[Group]:
    """Each council's counted codings of each source in the period, in council then source
    order; with region, all the councils' together, per source."""
    names = {council.id: council.name for council in councils}
    if region:
        groups = coded_groups(session, councils, source, period)
        merged: dict[Source, Group] = {}
        for group in groups:
            earlier = merged.get(group.source)
            merged[group.source] = Group(
                notes.REGION,
                group.source,
                {**(earlier.themes if earlier else {}), **group.themes},
                {**(earlier.keys if earlier else {}), **group.keys},
            )
        return [merged[s] for s in Source if s in merged]
    statement = (
        select(
            ThemeItem.id,
            ThemeItem.council_id,
            ThemeItem.source,
            ThemeItem.cell_key,
            ThemeCode.theme_id,
        )
        .join(ThemeCoding, (ThemeCoding.item_id == ThemeItem.id) & ThemeCoding.counted)
        .outerjoin(ThemeCode, ThemeCode.coding_id == ThemeCoding.id)
        .where(
            ThemeItem.council_id.in_(list(names)),
            ThemeItem.month >= period.start,
            ThemeItem.month <= period.end,
        )
    )
    if source is not None:
        statement = statement.where(ThemeItem.source == source.value)
    themes: dict[tuple[int, str], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    keys: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    for item_id, council_id, item_source, key, theme_id in session.execute(statement):
        given = themes[(council_id, item_source)][item_id]
        if theme_id is not None:
            given.add(theme_id)
        keys[(council_id, item_source)][item_id] = key
    order = [s for s in Source]
    found = sorted(themes, key=lambda k: (names[k[0]], order.index(Source(k[1]))))
    return [
        Group(
            names[council_id],
            Source(item_source),
            {item: frozenset(given) for item, given in themes[(council_id, item_source)].items()},
            keys[(council_id, item_source)],
        )
        for council_id, item_source in found
    ]


def theme_counts(codebook: Codebook, group: Group, members: frozenset[int]) -> QuestionCounts:
    """The exact count of members given each theme, with cell keys (members' keys summed)."""
    counts: dict[str, int] = defaultdict(int)
    key_sums: dict[str, int] = defaultdict(int)
    for item in members:
        for theme_id in group.themes[item]:
            counts[theme_id] += 1
            key_sums[theme_id] = (key_sums[theme_id] + group.keys[item]) % KEY_RANGE
    options = tuple(theme.id for theme in codebook.themes)
    return QuestionCounts(
        question=group.source.value,
        options=options,
        counts=dict(counts),
        base=len(members),
        multiple=True,
        keys={option: key_sums.get(option, 0) for option in options},
        base_key=sum(group.keys[item] for item in members) % KEY_RANGE,
        group_size=len(members),
    )


def publish_themes(
    session: Session,
    codebook: Codebook,
    council_ids: Sequence[int] | None,
    chosen: ThemeFilter,
    requested_by_id: int | None,
    now: dt.datetime,
    *,
    region: bool = False,
) -> PublishedThemes:
    """Check, protect and record the theme counts asked for; the caller commits. Raises
    FilterError (not one whole closed period, a bad filter) or UnknownGroup (a council the user
    may not see), with nothing recorded. With region: one group per source over every council
    chosen (the region row of a report)."""
    period = chosen_period(codebook, chosen, now)
    councils = chosen_councils(session, council_ids, chosen)
    subject = codebook_subject(session, codebook)
    groups = coded_groups(session, councils, chosen.source, period, region=region)
    rows: list[tuple[object, ...]] = []
    with publishing(session, subject, RULES, requested_by_id) as unit:
        for group in groups:
            scope = f"{group.council}, {group.source.value}, period {period.key} (themes)"
            settlement = unit.settle(frozenset(group.themes), scope)
            withheld = ""
            if settlement.conflict is not None:
                withheld = notes.TOO_CLOSE
            elif not settlement.members:
                withheld = notes.SMALL_BASE
            if withheld:
                rows.append(_withheld_row(group, withheld))
                continue
            counted = theme_counts(codebook, group, settlement.members)
            [published] = unit.protect_tables(settlement.members, scope, [counted])
            remark = notes.HELD_BACK if settlement.held_back else ""
            rows.extend(_theme_rows(codebook, group, published, remark))
    return PublishedThemes(period, tuple(rows))


def _withheld_row(group: Group, reason: str) -> tuple[object, ...]:
    return (
        group.council,
        group.source.value,
        "",
        notes.NOT_SHOWN,
        notes.NOT_SHOWN,
        reason,
    )


def _theme_rows(
    codebook: Codebook, group: Group, published: PublishedQuestion, remark: str
) -> list[tuple[object, ...]]:
    if not published.shown:
        return [_withheld_row(group, published.withheld)]
    rows: list[tuple[object, ...]] = []
    for cell in published.cells:
        note = " ".join(code for code in (cell.note, remark) if code)
        rows.append(
            (
                group.council,
                group.source.value,
                codebook.label(cell.option),
                cell.count,
                published.base,
                note,
            )
        )
    return rows


def theme_notes(codebook: Codebook, period: Period) -> list[str]:
    """What the notes below a themes table say."""
    return [
        f"Coded items per theme, {period.key}: each count is of items a person confirmed the "
        "theme for (suggestions never count); an item may carry several themes, so counts do "
        "not add up to the base. Base = coded items of that source in that council.",
        *(f"{note.code}: {note.text}" for note in footnotes(RULES)),
        *(f"{code}: {words}" for code, words in WITHHELD_WORDS.items()),
    ]


# Items ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedItems:
    """The coded items a user may have, shuffled, and the groups withheld."""

    period: Period
    rows: tuple[tuple[object, ...], ...]


def publish_items(
    session: Session,
    codebook: Codebook,
    council_ids: Sequence[int] | None,
    chosen: ThemeFilter,
    requested_by_id: int | None,
    now: dt.datetime,
) -> PublishedItems:
    """One row per coded item (anonymised text only, month, source, prompt, themes) under the
    row-level rules of the surveys' items download: each council's source is a group of the
    publishing unit (too small or too close: withheld, with a row saying so, never how many);
    a prompt with 1 to 7 coded items in a group shows none of them; no column links two items
    and the order is drawn afresh from the operating system's random source."""
    period = chosen_period(codebook, chosen, now)
    councils = chosen_councils(session, council_ids, chosen)
    subject = codebook_subject(session, codebook)
    groups = coded_groups(session, councils, chosen.source, period)
    shown: list[tuple[Group, frozenset[int]]] = []
    withheld: list[tuple[object, ...]] = []
    with publishing(session, subject, RULES, requested_by_id) as unit:
        for group in groups:
            scope = f"{group.council}, {group.source.value}, period {period.key} (coded items)"
            settlement = unit.settle(frozenset(group.themes), scope)
            reason = ""
            if settlement.conflict is not None:
                reason = notes.TOO_CLOSE
            elif not settlement.members:
                reason = notes.SMALL_BASE
            if reason:
                withheld.append(
                    (group.council, group.source.value, "", "", "", "", WITHHELD_WORDS[reason])
                )
                continue
            unit.show_rows(settlement.members, scope)
            shown.append((group, settlement.members))
    rows: list[tuple[object, ...]] = []
    for group, members in shown:
        by_prompt: dict[str, list[tuple[object, ...]]] = defaultdict(list)
        for item in _items(session, members):
            labels = "; ".join(sorted(codebook.label(t) for t in group.themes[item.id]))
            by_prompt[item.prompt].append(
                (
                    group.council,
                    group.source.value,
                    f"{item.month:%Y-%m}",
                    item.prompt,
                    item.text,
                    labels,
                    "",
                )
            )
        for prompt_rows in by_prompt.values():
            # Counting items counts the people who said them: 1 to 7 is a small count.
            if len(prompt_rows) >= RULES.suppress_below:
                rows.extend(prompt_rows)
    secrets.SystemRandom().shuffle(rows)
    return PublishedItems(period, tuple(rows + withheld))


def _items(session: Session, members: frozenset[int], batch: int = 1000) -> list[ThemeItem]:
    ids = sorted(members)
    found: list[ThemeItem] = []
    for start in range(0, len(ids), batch):
        found.extend(
            session.scalars(select(ThemeItem).where(ThemeItem.id.in_(ids[start : start + batch])))
        )
    return found
