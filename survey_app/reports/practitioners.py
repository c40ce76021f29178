"""A practitioner survey's report: ratings at each wave (diverging stacked bars), the paired
change per item with its confidence interval, the look-back (response shift) and unpaired
comparisons, programme feedback, and responses over time."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import downloads
from ..analysis.prepost import rated_items
from ..definitions.model import SurveyDefinition
from ..downloads.prepost import PublishedPrepost
from ..downloads.prepost_rows import GroupAnswers
from ..models import Council, Distribution, SurveyResponse
from ..privacy.disclosure import PublishedQuestion
from . import charts
from .figures import Chart, Figures, Member, Section, Table


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
        rating_charts.append(figures.rating_chart(item, bars))
    sections.append(
        Section(
            f"Ratings at {first.label.en} and {last.label.en}",
            "Everyone who answered at each meeting, paired or not. Bars are centred on the "
            "middle of the scale: lower ratings to the left, higher to the right.",
            tuple(rating_charts),
            remarks=tuple(remarks),
        )
    )
    sections.append(change_section(figures, label, prepost, first.label.en, last.label.en))
    feedback = [
        q for q in definition.questions if q.waves and not q.retrospective_of and q.is_choice
    ]
    if feedback:
        charts_ = []
        for question in feedback:
            charts_.append(
                figures.rating_chart(question, [(label, table.questions[positions[question.id]])])
            )
        sections.append(Section("Programme feedback", f"Asked at {last.label.en}.", tuple(charts_)))
    counted = [m for m in members if not m.superseded and m.id in group.members]
    months = Counter(m.month for m in counted)
    keys: Counter[str] = Counter()
    for member in counted:
        keys[member.month] += member.cell_key
    sections.append(figures.over_time(label, months, group.members, keys))
    return sections


def change_section(
    figures: Figures, label: str, prepost: PublishedPrepost, first: str, last: str
) -> Section:
    """The paired change per item, the look-back and the unpaired comparison, as tables (and a
    chart of the items whose statistics may be shown)."""
    rows = [row for row in prepost.changes if row.group == label]
    changes = [r for r in rows if r.kind == "change"]
    shown = [r for r in changes if r.shown and r.change and r.change.hodges_lehmann is not None]
    words = {q.id: q.text.en for q in figures.definition.questions}
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
                short_label(words.get(r.item, r.item)),
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
    looking_back = f"Looking back: the {last} view of the starting point against the {first} rating"
    shift_table = Table(
        f"{looking_back} ({label})",
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


def short_label(text: str) -> str:
    """An item's words without the question's repeated opening (the chart wraps them)."""
    for prefix in ("How would you rate your ", "How would you rate "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.rstrip("?")
    return text[:1].upper() + text[1:]
