"""A child survey's report: each question's answers for the council and each of its age bands
(or, for the region, each council and the region), and responses over time."""

from __future__ import annotations

import dataclasses

from .. import downloads
from ..answers import collapsed_question, is_collapsed
from ..definitions.model import Question, Text
from ..privacy.disclosure import MemberSet, PublishedQuestion, union_of
from .figures import REGION, Chart, Figures, Finding, Section
from .sources import band_groups, responses_per_month
from .summary import answer_sentence, summary_section


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
    bands: dict[str, list[PublishedQuestion] | None] = {}  # each band's figures, if shown
    band_words: dict[str, str] = {}  # each band's group in words ("children aged 8 to 11 in …")
    # The age bands apart: a band's own scale is charted in that band's words.
    band_bars: list[tuple[str, str, list[PublishedQuestion]]] = []
    remarks: list[str] = []
    intro = "Each bar is one group's answers, as a share of those who answered the question."
    if label == REGION:
        groups = [(name, t.questions) for name, t in by_council.items()]
        # The region last, after its councils.
        groups.sort(key=lambda pair: pair[0] == REGION)
        if len(groups) == 2 and groups[-1][0] == REGION:
            # One council: the region is that council, so its block would only repeat it.
            groups = [pair for pair in groups if pair[0] == REGION]
            intro += " The region has one council, so its figures are that council's."
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
            who = f"children aged {words[band.band]} in {label}"
            if reason:
                remarks.append(f"{band_label}: {reason}")
                bands[band.band] = None
            else:
                groups.append((band_label, protected))
                bands[band.band] = protected
                band_bars.append((band.band, band_label, protected))
            band_words[band.band] = who
    sections = []
    charts_ = []
    findings = []
    main = dict(groups).get(label)
    main_who = "children in the region" if label == REGION else f"children in {label}"
    for question in definition.questions:
        if not question.is_choice:
            continue
        if is_collapsed(question):
            charts_ += _banded_charts(figures, question, groups, band_bars, positions)
        else:
            bars = [(name, questions[positions[question.id]]) for name, questions in groups]
            charts_.append(figures.rating_chart(question, bars))
        if band_words and question.scales_differ_by_band:
            # Each band was asked on its own scale or words: a sentence per band, in its words.
            sentences = tuple(
                answer_sentence(
                    question.for_band(band),
                    who,
                    None if bands[band] is None else bands[band][positions[question.id]],
                )
                for band, who in band_words.items()
            )
        else:
            published = None if main is None else main[positions[question.id]]
            # Across age bands with scales of their own, the group's figures are its directions.
            asked = collapsed_question(question) if is_collapsed(question) else question
            sentences = (answer_sentence(asked, main_who, published),)
        findings.append(Finding(question.text.en, sentences))
    sections.append(
        Section("Answers to each question", intro, tuple(charts_), remarks=tuple(remarks))
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
    return [summary_section(sections, findings, figures.rules), *sections]


def _banded_charts(
    figures: Figures,
    question: Question,
    groups: list[tuple[str, list[PublishedQuestion]]],
    band_bars: list[tuple[str, str, list[PublishedQuestion]]],
    positions: dict[str, int],
) -> list[Chart]:
    """A question each age band answers on its own scale: one chart per band in that band's
    words, and across bands (councils, the region) only its declared directions."""
    position = positions[question.id]
    band_ids = {band for band, _, _ in band_bars}
    across = [
        (name, questions[position])
        for name, questions in groups
        if not any(name == label for _, label, _ in band_bars)
    ]
    made = []
    if across:
        collapsed = collapsed_question(question)
        words = f"{question.text.en} (every age band: negative, middle and positive answers)"
        made.append(
            figures.rating_chart(dataclasses.replace(collapsed, text=Text.english(words)), across)
        )
    for band in figures.definition.age_bands:
        if band.id not in band_ids:
            continue
        asked = question.for_band(band.id)
        words = f"{asked.text.en} (aged {band.label.en})"
        bars = [(label, found[position]) for b, label, found in band_bars if b == band.id]
        chart = figures.rating_chart(dataclasses.replace(asked, text=Text.english(words)), bars)
        made.append(dataclasses.replace(chart, key=f"{question.id}-{band.id}"))
    return made
