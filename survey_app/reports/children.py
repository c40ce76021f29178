"""A child survey's report: each question's answers for the council and each of its age bands
(or, for the region, each council and the region), and responses over time."""

from __future__ import annotations

from .. import downloads
from ..privacy.disclosure import MemberSet, PublishedQuestion, union_of
from .figures import REGION, Figures, Section
from .sources import band_groups, responses_per_month


def children_sections(
    figures: Figures,
    label: str,
    by_council: dict[str, downloads.PublishedTable],
    council_ids: dict[str, int],
) -> list[Section]:
    """The sections of a child survey's report for the group `label`."""
    definition = figures.definition
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
        for band in band_groups(figures.session, definition, council_ids[label], settled):
            band_label = f"{label}, aged {words[band.band]}"
            reason, protected = figures.subgroup_of(
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
        charts_.append(figures.rating_chart(question, bars))
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
    months, keys = responses_per_month(figures.session, definition, parts)
    sections.append(figures.over_time(label, months, shown, keys))
    return sections
