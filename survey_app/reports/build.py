"""The report page: charts, their text alternatives and data tables, for one council or the
region, built only from figures that have passed disclosure control.

What a report shows depends on the survey:

- A survey with waves (practitioners at meeting one and meeting four): ratings at each wave
  (diverging stacked bars), the paired change per item with its confidence interval, the
  look-back (response shift) and unpaired comparisons, programme feedback, responses over time.
- A survey without waves (children): each question's answers for the council and each of its
  age bands (or, for the region, each council and the region), and responses over time.

Every group a chart is about (a council, a wave within it, an age band within it) goes through
the same checks as a download: the minimum base, hidden small counts, secondary suppression, and
differencing against what was already published. A group that may not be shown is left out
with the reason beside the chart; showing the report records what it published.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import downloads
from ..analysis.prepost import rated_items
from ..definitions.model import FACE_SCALE, MULTIPLE_CHOICE, SCALE, Question, SurveyDefinition
from ..downloads.counting import option_ids, option_label, question_counts, skip_logic
from ..downloads.groups import GroupFilter, councils_for
from ..downloads.prepost import GroupAnswers, PublishedPrepost
from ..models import Council, Distribution, Response
from ..privacy.disclosure import (
    DisclosureRules,
    PublishedGroup,
    PublishedQuestion,
    QuestionCounts,
    notes,
    protect_group,
    protect_question,
    settle_group,
)
from ..privacy.disclosure.cells import CellRecord, clashing_options, forced_hidden, shown_cells
from ..privacy.disclosure.differencing import overlapping_records
from ..privacy.disclosure.ledger import published_groups, record_publication
from ..privacy.disclosure.members import MemberSet, union_of
from ..processing import answer_cells
from . import charts
from .sources import band_groups, responses_per_month

REGION = notes.REGION


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: str
    summary: str
    table: Table
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    heading: str
    intro: str = ""
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    definition: SurveyDefinition
    group: str
    groups: tuple[str, ...]  # what else may be chosen
    responses: int | str
    sections: tuple[Section, ...]
    method_notes: tuple[str, ...] = ()
    made_on: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class Member:
    """One response of the group, as the report needs it."""

    id: int
    wave: str
    age_band: str
    month: str
    superseded: bool
    answers: dict


def build_report(
    session: Session,
    definition: SurveyDefinition,
    council_ids: Iterable[int] | None,
    council: str | None,
    requested_by_id: int | None,
) -> Report:
    """The report for one council (or, with council None, the region, or the user's own council
    for a council lead). Records what it publishes in the caller's transaction; raises like the
    downloads (nothing recorded) if the group itself may not be published."""
    visible = None if council_ids is None else list(council_ids)
    chosen = GroupFilter(council=council)
    tables = downloads.publish_aggregates(session, definition, visible, chosen, requested_by_id)
    choices = tuple(table.label for table in tables)
    if visible is None and council is None and REGION in choices:
        label = REGION
    else:
        label = choices[0] if choices else (council or "")
    table = next((t for t in tables if t.label == label), None)
    rules = DisclosureRules.of(definition)
    builder = _Builder(session, definition, rules, requested_by_id)
    councils, _ = councils_for(session, definition, visible, GroupFilter())
    if definition.waves and len(definition.waves) >= 2:
        members = load_members(session, definition, visible, council)
        prepost = downloads.publish_prepost(session, definition, visible, chosen, requested_by_id)
        group = next((g for g in prepost.groups if g.label == label), None)
        sections = builder.practitioner(label, group, prepost, table, members)
        method = downloads.method_notes(definition, rules)
    else:
        council_ids = {name: council_id for council_id, name in councils}
        sections = builder.children(label, {t.label: t for t in tables}, council_ids)
        method = ()
    responses = _group_size(table)
    all_choices = ((REGION,) if visible is None else ()) + tuple(name for _, name in councils)
    return Report(definition, label, all_choices, responses, tuple(sections), tuple(method))


def _group_size(table: downloads.PublishedTable | None) -> int | str:
    """The group's published size: the largest base among its questions."""
    if table is None:
        return notes.NOT_SHOWN
    bases = [q.base for q in table.questions if isinstance(q.base, int)]
    return max(bases) if bases else notes.NOT_SHOWN


def load_members(
    session: Session, definition: SurveyDefinition, visible: list[int] | None, council: str | None
) -> dict[str, list[Member]]:
    """Each council's counted responses (by council name): those the user may see, or one
    council's."""
    query = (
        select(
            Council.name,
            Response.id,
            Response.wave,
            Response.age_band,
            Response.submitted_on,
            Response.superseded,
            Response.answers,
        )
        .join(Distribution, Response.distribution_id == Distribution.id)
        .join(Council, Distribution.council_id == Council.id)
        .where(Distribution.survey_id == definition.id, Response.aggregated.is_(True))
    )
    if visible is not None:
        query = query.where(Council.id.in_(visible))
    if council is not None:
        query = query.where(Council.name.ilike(council))
    found: dict[str, list[Member]] = defaultdict(list)
    for name, rid, wave, band, day, superseded, answers in session.execute(query):
        found[name].append(Member(rid, wave or "", band or "", f"{day:%Y-%m}", superseded, answers))
    return found


class _Builder:
    def __init__(
        self,
        session: Session,
        definition: SurveyDefinition,
        rules: DisclosureRules,
        requested_by_id: int | None,
    ) -> None:
        self.session = session
        self.definition = definition
        self.rules = rules
        self.requested_by_id = requested_by_id
        self.earlier: list[PublishedGroup] | None = None

    # Groups within the group ---------------------------------------------------------------

    def _earlier(self) -> list[PublishedGroup]:
        if self.earlier is None:
            self.session.flush()
            self.earlier = published_groups(self.session, self.definition.id)
        return self.earlier

    def subgroup(
        self, members: Sequence[Member], scope: str
    ) -> tuple[str | None, list[PublishedQuestion]]:
        """A group within the group (a wave, an age band): checked against everything already
        published, protected, and recorded. Returns (why it may not be shown, or None; its
        protected questions)."""
        return self.subgroup_of(
            frozenset(m.id for m in members),
            lambda: self._counted(members),
            sum(1 for m in members if not m.superseded),
            scope,
        )

    def subgroup_of(
        self,
        ids: frozenset[int],
        counted: Callable[[], list[QuestionCounts]],
        size: int,
        scope: str,
    ) -> tuple[str | None, list[PublishedQuestion]]:
        """`subgroup` for a group given by its ids, its exact counts (worked out only if it may
        be shown) and how many of its responses are counted."""
        if len(ids) < self.rules.minimum_base:
            return f"Not shown: fewer than {self.rules.minimum_base} responses in this group.", []
        earlier = self._earlier()
        settlement = settle_group(ids, scope, earlier, self.rules, hold_back_new=False)
        if settlement.conflict is not None:
            return (
                "Not shown: these responses differ from figures already published by only "
                f"{_few(settlement.conflict, self.rules)}, so showing them would let someone "
                "work out how those few answered.",
                [],
            )
        exact = counted()
        forced = forced_hidden(exact, overlapping_records(ids, earlier), self.rules)
        protected = protect_group(exact, size, self.rules, skip_logic(self.definition), forced)
        self._record(ids, scope, shown_cells(exact, protected))
        return None, protected

    def _record(self, ids: frozenset[int], scope: str, cells: CellRecord) -> None:
        earlier = self._earlier()
        if any(
            group.members == ids
            and group.cells is not None
            and all(group.cells.get(q, {}).items() >= shown.items() for q, shown in cells.items())
            for group in earlier
        ):
            return  # the same figures about the same responses are already on record
        record_publication(
            self.session, self.definition.id, ids, scope, self.requested_by_id, cells
        )
        earlier.append(PublishedGroup(ids, scope, cells=cells))

    def _counted(self, members: Sequence[Member]) -> list[QuestionCounts]:
        """Every question's exact counts for these responses (superseded ones left out)."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        bases: Counter[str] = Counter()
        for member in members:
            if member.superseded:
                continue
            cells, questions = answer_cells(member.answers)
            for question_id, option in cells:
                counts[question_id][option] += 1
            bases.update(questions)
        return [
            question_counts(question, counts.get(question.id, {}), bases.get(question.id, 0))
            for question in self.definition.questions
        ]

    # Practitioners ---------------------------------------------------------------------------

    def practitioner(
        self,
        label: str,
        group: GroupAnswers | None,
        prepost: PublishedPrepost,
        table: downloads.PublishedTable | None,
        members_by_council: dict[str, list[Member]],
    ) -> list[Section]:
        definition = self.definition
        first, last = definition.waves[0], definition.waves[-1]
        sections: list[Section] = []
        if group is None or not group.shown or table is None:
            return [
                Section(
                    "Too few responses",
                    f"{label} has fewer than {self.rules.minimum_base} responses, so nothing "
                    "is shown.",
                )
            ]
        members = [
            m for found in members_by_council.values() for m in found if m.id in group.members
        ]
        items = rated_items(definition)
        by_wave: dict[str, list[PublishedQuestion] | str] = {}
        for wave in (first, last):
            at_wave = [m for m in members if m.wave == wave.id]
            reason, protected = self.subgroup(at_wave, f"{label}, {wave.label.en} answers (report)")
            by_wave[wave.id] = reason if reason else protected
        positions = {q.id: i for i, q in enumerate(definition.questions)}
        rating_charts = []
        remarks = [
            f"{wave.label.en}: {by_wave[wave.id]}"
            for wave in (first, last)
            if isinstance(by_wave[wave.id], str)
        ]
        for item in items:
            bars = []
            for wave in (first, last):
                published = by_wave[wave.id]
                if isinstance(published, str):
                    continue
                bars.append((wave.label.en, published[positions[item.id]]))
            rating_charts.append(self.rating_chart(item, bars))
        sections.append(
            Section(
                f"Ratings at {first.label.en} and {last.label.en}",
                "Everyone who answered at each meeting, paired or not. Bars are centred on the "
                "middle of the scale: lower ratings to the left, higher to the right.",
                tuple(rating_charts),
                remarks=tuple(remarks),
            )
        )
        sections.append(self.change_section(label, prepost, first.label.en, last.label.en))
        feedback = [
            q for q in definition.questions if q.waves and not q.retrospective_of and q.is_choice
        ]
        if feedback:
            charts_ = []
            for question in feedback:
                charts_.append(
                    self.rating_chart(question, [(label, table.questions[positions[question.id]])])
                )
            sections.append(
                Section("Programme feedback", f"Asked at {last.label.en}.", tuple(charts_))
            )
        months = Counter(m.month for m in members if not m.superseded and m.id in group.members)
        sections.append(self.over_time(label, months, group.members))
        return sections

    def change_section(
        self, label: str, prepost: PublishedPrepost, first: str, last: str
    ) -> Section:
        rows = [row for row in prepost.changes if row.group == label]
        changes = [r for r in rows if r.kind == "change"]
        shown = [r for r in changes if r.shown and r.change and r.change.hodges_lehmann is not None]
        words = {q.id: q.text.en for q in self.definition.questions}
        header = tuple(downloads.PREPOST_COLUMNS[1:])
        change_table = Table(
            f"Change from {first} to {last}, same people ({label})",
            header,
            tuple(tuple(row.cells()[1:]) for row in changes),
        )
        charts_: list[Chart] = []
        if shown:
            intervals = [
                charts.Interval(
                    _short(words.get(r.item, r.item)),
                    float(r.change.hodges_lehmann),  # type: ignore[union-attr, arg-type]
                    r.change.interval_low,  # type: ignore[union-attr]
                    r.change.interval_high,  # type: ignore[union-attr]
                )
                for r in shown
            ]
            title = f"Typical change per person, with 95% confidence interval ({label})"
            summary = "; ".join(
                f"{i.label}: {i.estimate:+g} points"
                + (
                    f" (95% CI {i.low:+g} to {i.high:+g})"
                    if i.low is not None and i.high is not None
                    else ""
                )
                for i in intervals
            )
            charts_.append(
                Chart(
                    "change",
                    title,
                    charts.change_intervals(
                        title, intervals, "Change in rating points (after minus before)"
                    ),
                    f"{title}. {summary}.",
                    change_table,
                )
            )
        shift = [r for r in rows if r.kind == "response_shift"]
        shift_table = Table(
            f"Looking back: the {last} view of the starting point against the {first} rating "
            f"({label})",
            header,
            tuple(tuple(row.cells()[1:]) for row in shift),
        )
        unpaired = [r for r in prepost.unpaired if r.group == label]
        unpaired_table = Table(
            f"Not paired: the two meetings' answers compared as separate groups ({label})",
            tuple(downloads.UNPAIRED_COLUMNS[1:]),
            tuple(tuple(row.cells()[1:]) for row in unpaired),
        )
        return Section(
            "Change in the same people",
            "Each person's rating at the later meeting minus their own rating at the first. "
            "A dot right of the dashed line means ratings went up.",
            tuple(charts_),
            (change_table, shift_table, unpaired_table)
            if not charts_
            else (shift_table, unpaired_table),
        )

    # Children ----------------------------------------------------------------------------------

    def children(
        self,
        label: str,
        by_council: dict[str, downloads.PublishedTable],
        council_ids: dict[str, int],
    ) -> list[Section]:
        definition = self.definition
        positions = {q.id: i for i, q in enumerate(definition.questions)}
        groups: list[tuple[str, list[PublishedQuestion]]] = []
        remarks: list[str] = []
        if label == REGION:
            groups = [(name, t.questions) for name, t in by_council.items()]
            # The region last, after its councils.
            groups.sort(key=lambda pair: pair[0] == REGION)
        elif label in by_council:
            groups.append((label, by_council[label].questions))
            settled = by_council[label].members
            words = {band.id: band.label.en for band in definition.age_bands}
            for band in band_groups(self.session, definition, council_ids[label], settled):
                band_label = f"{label}, aged {words[band.band]}"
                reason, protected = self.subgroup_of(
                    band.ids,
                    lambda band=band: band.counted,  # type: ignore[misc]
                    band.size,
                    f"{band_label}, all dates (report)",
                )
                if reason:
                    remarks.append(f"{band_label}: {reason}")
                else:
                    groups.append((band_label, protected))
        sections = []
        charts_ = []
        for question in definition.questions:
            if not question.is_choice:
                continue
            bars = [(name, questions[positions[question.id]]) for name, questions in groups]
            charts_.append(self.rating_chart(question, bars))
        sections.append(
            Section(
                "Answers to each question",
                "Each bar is one group's answers, as a share of those who answered the question.",
                tuple(charts_),
                remarks=tuple(remarks),
            )
        )
        shown = by_council[label].members if label in by_council else frozenset()
        # The group shown, council by council: a council's published group, or for the region
        # the published groups of the councils it adds up (its members by construction).
        parts = {
            council_ids[name]: table.members
            for name, table in by_council.items()
            if shown and name != REGION and table.members and (label == REGION or name == label)
        }
        if parts and union_of(parts.values()) != shown:
            parts = {council: MemberSet.of(shown) & part for council, part in parts.items()}
        months = responses_per_month(self.session, definition, parts)
        sections.append(self.over_time(label, months, shown))
        return sections

    # Charts ------------------------------------------------------------------------------------

    def rating_chart(
        self, question: Question, bars: Sequence[tuple[str, PublishedQuestion]]
    ) -> Chart:
        """One question's answers in several groups: a chart, its words and its data table."""
        options = option_ids(question, {})
        rows: list[tuple[object, ...]] = []
        drawn: list[charts.Bar] = []
        left_out: list[str] = []
        for name, published in bars:
            if not published.shown:
                left_out.append(f"{name}: {_withheld_words(published.withheld, self.rules)}")
                rows.append((name, "(all answers)", notes.NOT_SHOWN, "", notes.NOT_SHOWN))
                if published.withheld in (notes.SMALL_BASE, notes.CANNOT_PROTECT):
                    # The chart keeps the group's place and says why it has no bar.
                    hidden = (charts.Segment(option_label(question, o), None) for o in options)
                    drawn.append(charts.Bar(name, tuple(hidden)))
                continue
            cells = {cell.option: cell for cell in published.cells}
            segments = []
            for option in options:
                cell = cells.get(option)
                if cell is None:
                    continue
                percent = (
                    float(cell.percent) if cell.percent else (0.0 if cell.count == 0 else None)
                )
                segments.append(charts.Segment(option_label(question, option), percent))
            for cell in published.cells:
                rows.append(
                    (
                        name,
                        option_label(question, cell.option),
                        cell.count,
                        cell.percent,
                        published.base,
                    )
                )
            drawn.append(charts.Bar(name, tuple(segments)))
        title = question.text.en
        table = Table(title, ("Group", "Answer", "Count", "Percent", "Base"), tuple(rows))
        if all(bar.too_few for bar in drawn):
            words = " ".join(left_out) or charts.in_words(drawn) or "Nothing to show."
            return Chart(question.id, title, "", words, table)
        core = [o for o in options if o not in question.special_options()]
        if question.kind == MULTIPLE_CHOICE:
            svg = charts.choice_bars(title, drawn)
        elif question.kind in (SCALE, FACE_SCALE) and _one_scale(question) and len(core) >= 3:
            svg = charts.diverging_bars(
                title, drawn, len(core) // 2, len(core) % 2 == 1, beside=len(options) - len(core)
            )
        else:
            svg = charts.stacked_bars(title, drawn, special=len(options) - len(core))
        summary = charts.in_words(drawn, multiple=question.kind == MULTIPLE_CHOICE)
        return Chart(question.id, title, svg, summary, table, tuple(left_out))

    def over_time(self, label: str, months: Counter[str], group: frozenset[int]) -> Section:
        """Responses a month for the published group (counted responses of its members),
        protected like a question, and recorded with the group."""
        ordered = sorted(months)
        counted = QuestionCounts(
            "responses per month", tuple(ordered), dict(months), sum(months.values())
        )
        forced = clashing_options(counted, overlapping_records(group, self._earlier()), self.rules)
        published = protect_question(counted, self.rules, forced=forced)
        title = f"Responses each month ({label})"
        if not published.shown or not ordered:
            return Section(
                "Responses over time",
                remarks=(f"Not shown: fewer than {self.rules.minimum_base} responses.",),
            )
        self._record(
            group, f"{label}, responses each month (report)", shown_cells([counted], [published])
        )
        values = [cell.count if isinstance(cell.count, int) else None for cell in published.cells]
        table = Table(
            title,
            ("Month", "Responses"),
            tuple((cell.option, cell.count) for cell in published.cells),
        )
        summary = ", ".join(
            f"{month}: {value if value is not None else 'hidden'}"
            for month, value in zip(ordered, values, strict=True)
        )
        chart = Chart(
            "over-time",
            title,
            charts.counts_over_time(title, ordered, values),
            f"{title}. {summary}.",
            table,
        )
        return Section("Responses over time", "", (chart,))


def _withheld_words(code: str, rules: DisclosureRules) -> str:
    for footnote in notes.footnotes(rules):
        if footnote.code == code:
            return footnote.text
    return "not shown."


def _few(conflict, rules: DisclosureRules) -> str:  # type: ignore[no-untyped-def]
    overlap = conflict.overlap
    parts = (overlap.only_requested, overlap.only_earlier, overlap.both)
    parts = tuple(p for p in parts if rules.is_small(p))
    few = min(parts) if parts else 0
    return f"{few} response" if few == 1 else f"{few} responses"


def _one_scale(question: Question) -> bool:
    """Whether every age band is asked on the question's own scale (until bands are counted
    apart, a chart of several bands can only diverge from a middle they all share)."""
    own = [option.id for option in question.options]
    return all(
        wording.options is None or [option.id for option in wording.options] == own
        for wording in question.bands.values()
    )


def _short(text: str) -> str:
    """An item's words without the question's repeated opening (the chart wraps them)."""
    for prefix in ("How would you rate your ", "How would you rate "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.rstrip("?")
    return text[:1].upper() + text[1:]
