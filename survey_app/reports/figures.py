"""The figures of a report page: groups within the page's group (a wave, an age band) checked,
protected and recorded in the page's unit of work, and the charts drawn from protected figures.

Every group a chart is about goes through the same checks as a download: the minimum base,
hidden small counts, secondary suppression, and differencing against what was already
published (`privacy.disclosure.publishing`). A group that may not be shown is left out with the
reason beside the chart; the reason never says by how much it differs from figures already
published (that would be the small number being protected).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..answers import answer_cells, option_ids, option_label, question_counts, skip_logic
from ..definitions.model import FACE_SCALE, MULTIPLE_CHOICE, SCALE, Question, SurveyDefinition
from ..privacy.disclosure import (
    KEY_RANGE,
    DisclosureRules,
    PublishedQuestion,
    Publishing,
    QuestionCounts,
    notes,
)
from . import charts

REGION = notes.REGION
TOO_CLOSE = (
    "Not shown: these responses are too close to figures already published, so showing them "
    "could let someone work out how a few children answered."
)


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    wide: bool = False  # printed on a landscape page


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: str
    summary: str
    table: Table
    remarks: tuple[str, ...] = ()
    finding: str = ""  # a sentence under the chart (the change in the same people)


@dataclass(frozen=True)
class Finding:
    """One question's sentences on the summary page."""

    question: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    heading: str
    intro: str = ""
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    remarks: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()  # numbered notes its tables refer to, each given once
    column_key: tuple[tuple[str, str], ...] = ()  # a column's words and what it means
    key: str = ""  # an id for the section's element (the summary page is "summary")


@dataclass(frozen=True)
class Member:
    """One response of the group, as the report needs it."""

    id: int
    wave: str
    age_band: str
    month: str
    superseded: bool
    answers: dict
    cell_key: int = 0


class Figures:
    """A report page's protected figures, in the page's open unit of work."""

    def __init__(self, unit: Publishing, definition: SurveyDefinition) -> None:
        self.unit = unit
        self.session = unit.session
        self.definition = definition
        self.rules: DisclosureRules = unit.rules

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
        settlement = self.unit.settle(ids, scope, hold_back_new=False)
        if settlement.conflict is not None:
            return TOO_CLOSE, []
        protected = self.unit.protect_group(
            ids,
            scope,
            counted(),
            size=size,
            conditions=skip_logic(self.definition),
            record_repeats=False,
        )
        return None, protected

    def _counted(self, members: Sequence[Member]) -> list[QuestionCounts]:
        """Every question's exact counts for these responses (superseded ones left out)."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        bases: Counter[str] = Counter()
        keys: dict[str, Counter[str]] = defaultdict(Counter)
        base_keys: Counter[str] = Counter()
        for member in members:
            if member.superseded:
                continue
            cells, questions = answer_cells(member.answers)
            for question_id, option in cells:
                counts[question_id][option] += 1
                keys[question_id][option] += member.cell_key
            bases.update(questions)
            for question_id in questions:
                base_keys[question_id] += member.cell_key
        return [
            question_counts(
                question,
                counts.get(question.id, {}),
                bases.get(question.id, 0),
                {option: key % KEY_RANGE for option, key in keys[question.id].items()},
                base_keys[question.id] % KEY_RANGE,
            )
            for question in self.definition.questions
        ]

    def rating_chart(
        self, question: Question, bars: Sequence[tuple[str, PublishedQuestion]]
    ) -> Chart:
        """One question's answers in several groups: a chart, its words and its data table."""
        options = option_ids(question, {})
        drawn: list[charts.Bar] = []
        left_out: list[str] = []
        for name, published in bars:
            if not published.shown:
                left_out.append(f"{name}: {_withheld_words(published.withheld, self.rules)}")
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
            drawn.append(charts.Bar(name, tuple(segments)))
        title = question.text.en
        table = answers_table(question, title, options, bars)
        if all(bar.too_few for bar in drawn):
            words = " ".join(left_out) or charts.in_words(drawn) or "Nothing to show."
            return Chart(question.id, title, "", words, table)
        core = [o for o in options if o not in question.special_options()]
        if question.kind == MULTIPLE_CHOICE:
            svg = charts.choice_bars(title, drawn)
        elif question.kind in (SCALE, FACE_SCALE) and one_scale(question) and len(core) >= 3:
            svg = charts.diverging_bars(
                title, drawn, len(core) // 2, len(core) % 2 == 1, beside=len(options) - len(core)
            )
        else:
            svg = charts.stacked_bars(title, drawn, special=len(options) - len(core))
        summary = charts.in_words(drawn, multiple=question.kind == MULTIPLE_CHOICE)
        return Chart(question.id, title, svg, summary, table, tuple(left_out))

    def over_time(
        self,
        label: str,
        months: Counter[str],
        group: frozenset[int],
        keys: Mapping[str, int] | None = None,
    ) -> Section:
        """Responses a month for the published group (counted responses of its members),
        protected like a question (perturbed by the month's cell key), and recorded with the
        group."""
        ordered = sorted(months)
        counted = QuestionCounts(
            "responses per month",
            tuple(ordered),
            dict(months),
            sum(months.values()),
            keys=None if keys is None else {m: key % KEY_RANGE for m, key in keys.items()},
            base_key=None if keys is None else sum(keys.values()) % KEY_RANGE,
            group_size=sum(months.values()),  # every counted member has a month
        )
        (published,) = self.unit.protect_tables(
            group, f"{label}, responses each month (report)", [counted], record_repeats=False
        )
        title = f"Responses each month ({label})"
        if not published.shown or not ordered:
            return Section(
                "Responses over time",
                remarks=(f"Not shown: fewer than {self.rules.minimum_base} responses.",),
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


def answers_table(
    question: Question,
    caption: str,
    options: Sequence[str],
    groups: Sequence[tuple[str, PublishedQuestion]],
) -> Table:
    """One question's published answers: a row per answer and a column per group, each cell
    the count and its share ("20 (40.0%)"), and the base last; "x" where a group's answers
    are not shown, "c" where a count is hidden (the key below the tables says so)."""
    by_group = [{cell.option: cell for cell in published.cells} for _, published in groups]
    rows: list[tuple[object, ...]] = []
    for option in options:
        row: list[object] = [option_label(question, option)]
        for (_, published), cells in zip(groups, by_group, strict=True):
            cell = cells.get(option)
            if not published.shown or cell is None:
                row.append(notes.NOT_SHOWN)
            elif cell.percent and isinstance(cell.count, int):
                row.append(f"{cell.count} ({cell.percent}%)")
            else:
                row.append(cell.count)
        rows.append(tuple(row))
    rows.append(("Answered (base)", *(str(published.base) for _, published in groups)))
    return Table(caption, ("Answer", *(name for name, _ in groups)), tuple(rows))


def _withheld_words(code: str, rules: DisclosureRules) -> str:
    for footnote in notes.footnotes(rules):
        if footnote.code == code:
            return footnote.text
    return "not shown."


def one_scale(question: Question) -> bool:
    """Whether every age band is asked on the question's own scale (until bands are counted
    apart, a chart of several bands can only diverge from a middle they all share)."""
    own = [option.id for option in question.options]
    return all(
        wording.options is None or [option.id for option in wording.options] == own
        for wording in question.bands.values()
    )
