"""A practitioner survey's report: ratings at each wave (diverging stacked bars), the paired
change per item with its confidence interval, the look-back (response shift) and unpaired
comparisons, programme feedback, and responses over time."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import downloads
from ..analysis.prepost import rated_items
from ..definitions.model import SurveyDefinition
from ..downloads.prepost import PublishedPrepost
from ..downloads.prepost_rows import GroupAnswers
from ..models import Council, Distribution, SurveyResponse
from ..privacy.disclosure import DisclosureRules, PublishedQuestion, notes
from . import charts
from .figures import Chart, Figures, Finding, Member, Section, Table
from .summary import answer_sentence, change_sentence, summary_section


def load_members(
    session: Session, definition: SurveyDefinition, visible: list[int] | None, council: str | None
) -> dict[str, list[Member]]:
    """Each council's counted responses (by council name): those the user may see, or one
    council's."""
    query = (
        select(
            Council.name,
            SurveyResponse.id,
            SurveyResponse.wave,
            SurveyResponse.age_band,
            SurveyResponse.submitted_on,
            SurveyResponse.superseded,
            SurveyResponse.answers,
            SurveyResponse.cell_key,
        )
        .join(Distribution, SurveyResponse.distribution_id == Distribution.id)
        .join(Council, Distribution.council_id == Council.id)
        .where(Distribution.survey_id == definition.id, SurveyResponse.aggregated.is_(True))
    )
    if visible is not None:
        query = query.where(Council.id.in_(visible))
    if council is not None:
        query = query.where(Council.name.ilike(council))
    found: dict[str, list[Member]] = defaultdict(list)
    for name, rid, wave, band, day, superseded, answers, key in session.execute(query):
        found[name].append(
            Member(rid, wave or "", band or "", f"{day:%Y-%m}", superseded, answers, key)
        )
    return found


def practitioner_sections(
    figures: Figures,
    label: str,
    group: GroupAnswers | None,
    prepost: PublishedPrepost,
    table: downloads.PublishedTable | None,
    members_by_council: dict[str, list[Member]],
) -> list[Section]:
    """The sections of a practitioner survey's report: ratings at each wave, change in the
    same people, programme feedback and responses over time."""
    definition = figures.definition
    first, last = definition.waves[0], definition.waves[-1]
    sections: list[Section] = []
    if group is None or not group.shown or table is None:
        return [
            Section(
                "Too few responses",
                f"{label} has fewer than {figures.rules.minimum_base} responses, so nothing "
                "is shown.",
            )
        ]
    members = [m for found in members_by_council.values() for m in found if m.id in group.members]
    items = rated_items(definition)
    by_wave: dict[str, list[PublishedQuestion] | str] = {}
    for wave in (first, last):
        at_wave = [m for m in members if m.wave == wave.id]
        reason, protected = figures.subgroup(at_wave, f"{label}, {wave.label.en} answers (report)")
        by_wave[wave.id] = reason if reason else protected
    positions = {q.id: i for i, q in enumerate(definition.questions)}
    changes = {r.item: r for r in prepost.changes if r.group == label and r.kind == "change"}
    rating_charts = []
    findings = []
    remarks = [
        f"{wave.label.en}: {by_wave[wave.id]}"
        for wave in (first, last)
        if isinstance(by_wave[wave.id], str)
    ]
    for item in items:
        bars = []
        sentences = []
        for wave in (first, last):
            wave_figures = by_wave[wave.id]
            answered = None if isinstance(wave_figures, str) else wave_figures[positions[item.id]]
            if answered is not None:
                bars.append((wave.label.en, answered))
            sentences.append(answer_sentence(item, f"practitioners at {wave.label.en}", answered))
        row = changes.get(item.id)
        moved = (
            change_sentence(row.change, row.pairs, row.shown, figures.rules)
            if row is not None
            else change_sentence(None, 0, False, figures.rules)
        )
        rating_charts.append(replace(figures.rating_chart(item, bars), finding=moved))
        findings.append(Finding(downloads.short_label(item.text.en), (*sentences, moved)))
    sections.append(
        Section(
            f"Before and after: {first.label.en} and {last.label.en}, question by question",
            f"For each question, the ratings at {first.label.en} and at {last.label.en} side by "
            "side (everyone who answered each time, paired or not), then the change in the same "
            "people. Bars are centred on the middle of the scale: lower ratings to the left, "
            "higher to the right.",
            tuple(rating_charts),
            remarks=tuple(remarks),
        )
    )
    feedback = [
        q for q in definition.questions if q.waves and not q.retrospective_of and q.is_choice
    ]
    if feedback:
        charts_ = []
        for question in feedback:
            feedback_figures = table.questions[positions[question.id]]
            charts_.append(figures.rating_chart(question, [(label, feedback_figures)]))
            who = f"practitioners at {last.label.en}"
            sentence = answer_sentence(question, who, feedback_figures)
            findings.append(Finding(question.text.en, (sentence,)))
        sections.append(Section("Programme feedback", f"Asked at {last.label.en}.", tuple(charts_)))
    # After the feedback, so that the change tables' landscape page(s) start after full pages.
    sections.append(change_section(figures, label, prepost, first.label.en, last.label.en))
    counted = [m for m in members if not m.superseded and m.id in group.members]
    months = Counter(m.month for m in counted)
    keys: Counter[str] = Counter()
    for member in counted:
        keys[member.month] += member.cell_key
    sections.append(figures.over_time(label, months, group.members, keys))
    return [summary_section(sections, findings, figures.rules), *sections]


def change_section(
    figures: Figures, label: str, prepost: PublishedPrepost, first: str, last: str
) -> Section:
    """The paired change per item, the look-back and the unpaired comparison, as tables with
    plain-English column names, a column key and numbered notes (and a chart of the items whose
    statistics may be shown)."""
    definition = figures.definition
    rows = [row for row in prepost.changes if row.group == label]
    changes = [r for r in rows if r.kind == "change"]
    shown = [r for r in changes if r.shown and r.change and r.change.hodges_lehmann is not None]
    words = downloads.item_words(definition)
    numbered: dict[str, int] = {}
    change_columns = downloads.PREPOST_COLUMNS[1:]
    change_table = Table(
        f"Change from {first} to {last}, same people ({label})",
        tuple(downloads.COLUMN_WORDS[c] for c in change_columns),
        tuple(_in_words(row.cells()[1:], words, numbered, figures.rules) for row in changes),
        wide=True,
    )
    charts_: list[Chart] = []
    if shown:
        intervals = [
            charts.Interval(
                words.get(r.item, r.item),
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
    shift = [r for r in prepost.changes if r.group == label and r.kind == "response_shift"]
    looking_back = f"Looking back: the {last} view of the starting point against the {first} rating"
    shift_table = Table(
        f"{looking_back} ({label})",
        tuple(downloads.COLUMN_WORDS[c] for c in change_columns),
        tuple(_in_words(row.cells()[1:], words, numbered, figures.rules) for row in shift),
        wide=True,
    )
    unpaired = [r for r in prepost.unpaired if r.group == label]
    unpaired_columns = downloads.UNPAIRED_COLUMNS[1:]
    unpaired_table = Table(
        f"Not paired: the two meetings' answers compared as separate groups ({label})",
        tuple(downloads.COLUMN_WORDS[c] for c in unpaired_columns),
        tuple(_in_words(row.cells()[1:], words, numbered, figures.rules) for row in unpaired),
        wide=True,
    )
    key = tuple(
        (name, meaning)
        for name, meaning in downloads.column_key(definition, figures.rules)
        if name != downloads.COLUMN_WORDS["council"]
    )
    return Section(
        "Change in the same people",
        "Each person's rating at the later meeting minus their own rating at the first. "
        "A dot right of the dashed line means ratings went up. The column key and the "
        "numbered notes are below the tables.",
        tuple(charts_),
        (change_table, shift_table, unpaired_table)
        if not charts_
        else (shift_table, unpaired_table),
        notes=tuple(numbered),
        column_key=key,
    )


def _in_words(
    cells: list[object], words: dict[str, str], numbered: dict[str, int], rules: DisclosureRules
) -> tuple[object, ...]:
    """A download row for a report table: the item in words, and its note as the numbers of
    notes given once below the tables (a long note repeated on every row would fill pages); a
    note code becomes its explanation."""
    explained = {footnote.code: footnote.text for footnote in notes.footnotes(rules)}
    item, *middle, note = cells
    numbers = []
    for part in str(note).split("; "):
        if part:
            text = explained.get(part, part[:1].upper() + part[1:])
            numbers.append(numbered.setdefault(text, len(numbered) + 1))
    return (words.get(str(item), str(item)), *middle, ", ".join(map(str, numbers)))
