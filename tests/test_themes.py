"""The theme codebook, the suggester, coding across sources and the theme results: what a
facilitator coding items, and a reader of the downloads, would notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey_app import operations, themes, voices
from survey_app.definitions import DefinitionError, check_directory
from survey_app.definitions.model import PeriodKind
from survey_app.downloads import FilterError
from survey_app.models import (
    Publication,
    ThemeCode,
    ThemeCoding,
    ThemeItem,
    ThemeSuggestion,
    User,
)
from survey_app.periods import Period
from survey_app.privacy.disclosure import SPREAD
from survey_app.voices import ItemQuery, Source
from tests import theme_items
from tests.conftest import make_council, running_worker
from tests.submissions import submit
from tests.theme_items import CLOSED, code, items, register
from workers.actors import QUEUE, THEMES_QUEUE, suggest_themes

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "survey_definitions"


def codebook_of(app: Flask) -> themes.Codebook:
    codebook: themes.Codebook = app.extensions["codebook"]
    return codebook


def council_id(app: Flask, name: str) -> int:
    with app.extensions["database"].session() as session:
        council = make_council(session, name)
        session.commit()
        return council.id


def coder(make_user: Callable[..., User], email: str, **kwargs: str) -> User:
    return make_user(email, **kwargs)


# The codebook -------------------------------------------------------------------------------


def test_the_shipped_codebook_names_the_reports_themes_and_keeps_a_retired_one():
    codebook = themes.load_codebook(SHIPPED)
    ids = {theme.id for theme in codebook.themes}
    assert {
        "listened_to",
        "meeting_purpose",
        "too_many_people",
        "knowing_social_worker",
        "told_decisions",
        "readable_plans",
        "feeling_safe",
        "family_time",
        "school",
        "respect",
        "waiting",
        "meeting_place",
    } <= ids
    retired = [theme for theme in codebook.themes if theme.retired]
    assert retired and all(theme not in codebook.active for theme in retired)
    assert codebook.get("too_many_people").direction == themes.ThemeDirection.NEEDS_CHANGE
    assert codebook.get("meeting_purpose").parent == "the_meeting"


def test_a_bad_codebook_is_refused_with_file_line_and_field():
    source = """id: bad
version: 1
title: Bad
themes:
  - id: waiting
    label: Waiting
    description: Delays.
    child_words: Waiting
    direction: sideways
    examples: [we waited]
  - id: waiting
    label: Waiting again
    description: Delays.
    child_words: Waiting
    examples: []
"""
    with pytest.raises(DefinitionError) as refused:
        themes.parse_codebook(source, "survey_definitions/themes.yaml")
    problems = [str(problem) for problem in refused.value.problems]
    assert any(
        p.startswith("survey_definitions/themes.yaml:9: themes[0].direction:") for p in problems
    )
    assert any(
        p.startswith("survey_definitions/themes.yaml:15: themes[1].examples: give at least one")
        for p in problems
    )


def test_a_codebook_theme_whose_parent_is_missing_or_repeated_id_is_refused():
    source = """id: bad
version: 1
title: Bad
themes:
  - {id: a, label: A, description: d, child_words: c, examples: [x], parent: nowhere}
  - {id: a, label: A, description: d, child_words: c, examples: [x]}
"""
    with pytest.raises(DefinitionError) as refused:
        themes.parse_codebook(source, "themes.yaml")
    text = str(refused.value)
    assert "themes.yaml:5: themes[0].parent: no theme 'nowhere' here" in text
    assert "themes.yaml:6: themes[1].id: the theme id 'a' is used twice" in text


def test_the_survey_folder_loads_without_taking_the_codebook_for_a_survey():
    definitions, problems = check_directory(SHIPPED)
    assert problems == []
    assert "themes" not in definitions and definitions


# The suggester ------------------------------------------------------------------------------


def test_the_suggester_proposes_the_theme_a_text_resembles_and_never_a_retired_one():
    codebook = themes.load_codebook(SHIPPED)
    suggester = themes.Suggester(codebook)
    [crowded, social_worker, nothing] = suggester.suggest(
        [
            "there were so many adults in the room i didnt know",
            "i have had loads of different social workers this year",
            "zzz",
        ]
    )
    assert crowded[0].theme_id == "too_many_people"
    assert social_worker[0].theme_id == "knowing_social_worker"
    assert nothing == []
    retired = {theme.id for theme in codebook.themes if theme.retired}
    assert not retired & set(suggester.theme_ids)


# Items from every source --------------------------------------------------------------------


@pytest.fixture
def theme_worker() -> Iterator[Callable[[], None]]:
    """An in-process worker; calling it drains the responses' and the themes' queues."""
    yield from running_worker(QUEUE, THEMES_QUEUE)


def test_written_answers_become_items_with_their_question_month_and_redacted_text(app, worker):
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        suffolk = operations.create_distribution(session, "test-child", "Suffolk", "Conferences")
        session.commit()
    submit(app, suffolk, went="yes", better="ring me on 07700 900412 please")
    worker()
    with app.extensions["database"].session() as session:
        [item] = voices.read_items(session, ItemQuery())
    assert item.source == Source.SURVEY and item.ref.startswith("answer:")
    assert item.prompt == "What one thing would make it better?"
    assert item.month.day == 1
    assert "07700 900412" not in item.text and "please" in item.text


def test_the_suggester_actor_registers_items_across_sources_once_and_suggestions_are_not_codes(
    app, monkeypatch, theme_worker
):
    suffolk = council_id(app, "Suffolk")
    monkeypatch.setitem(
        voices._READERS, Source.FOCUS_GROUP, "tests.theme_items:read_focus_group_items"
    )
    monkeypatch.setattr(
        theme_items,
        "FOCUS_GROUP_NOTES",
        [(suffolk, CLOSED.start, "Three houses: worries", "we waited outside for ages")],
    )
    with app.extensions["database"].session() as session:
        themes.register_items(session, items(suffolk, ["the room was packed with people"]))
        session.commit()
    suggest_themes.send()
    suggest_themes.send()
    theme_worker()
    with app.extensions["database"].session() as session:
        rows = {row.source: row for row in session.scalars(select(ThemeItem))}
        assert set(rows) == {"feedback", "focus_group"}
        assert all(row.suggested for row in rows.values())
        assert themes.suggestions_of(session, rows["focus_group"].id)[0] == "waiting"
        assert session.scalar(select(func.count()).select_from(ThemeCoding)) == 0
        assert themes.work_waiting(session) is False
        # Suggestions alone: nothing is coded, so nothing is counted.
        published = themes.publish_themes(
            session,
            codebook_of(app),
            None,
            themes.ThemeFilter(start=CLOSED.start, end=CLOSED.end),
            None,
            dt.datetime.now(),
        )
        assert published.rows == ()


# Coding -------------------------------------------------------------------------------------


def test_the_first_coders_decision_counts_and_a_second_coding_does_not_count_twice(app, make_user):
    suffolk = council_id(app, "Suffolk")
    first = coder(make_user, "first@example.org")
    second = coder(make_user, "second@example.org")
    codebook = codebook_of(app)
    with app.extensions["database"].session() as session:
        [row] = register(session, items(suffolk, ["we waited for ages"]))
        code(session, codebook, first, [row], [["waiting"]])
        code(session, codebook, second, [row], [["waiting", "school"]])
        session.commit()
        codings = session.scalars(select(ThemeCoding).order_by(ThemeCoding.id)).all()
        assert [c.counted for c in codings] == [True, False]
        assert themes.next_item(session, second.id, None) is None
        assert themes.next_item(session, second.id, None, themes.Queue.SECOND) is None


def test_undo_takes_back_the_coders_last_decision_and_the_item_waits_again(app, make_user):
    suffolk = council_id(app, "Suffolk")
    first = coder(make_user, "first@example.org")
    codebook = codebook_of(app)
    with app.extensions["database"].session() as session:
        rows = register(session, items(suffolk, ["one", "two"]))
        code(session, codebook, first, rows, [["school"], ["waiting"]])
        code(session, codebook, first, [rows[0]], [["school"]], now=dt.datetime(2026, 12, 5, 13))
        assert themes.undo_last(session, first, None) == rows[0].id
        assert themes.next_item(session, first.id, None).id == rows[0].id
        assert themes.coding_of(session, rows[1].id, first.id) is not None


def test_a_retired_theme_stays_on_an_item_coded_with_it_but_is_not_given_anew(app, make_user):
    suffolk = council_id(app, "Suffolk")
    first = coder(make_user, "first@example.org")
    codebook = codebook_of(app)
    with app.extensions["database"].session() as session:
        [old, new] = register(session, items(suffolk, ["from before", "new"]))
        # Coded while the theme was active: kept through later changes to the item's coding.
        session.add(ThemeCoding(item_id=old.id, coder_id=first.id, counted=True))
        session.flush()
        coding = themes.coding_of(session, old.id, first.id)
        coding.codes = [ThemeCode(theme_id="old_theme")]
        session.flush()
        themes.confirm(
            session, codebook, old, first, ["old_theme", "school"], dt.datetime(2026, 12, 5)
        )
        with pytest.raises(themes.CodingError):
            themes.confirm(session, codebook, new, first, ["old_theme"], dt.datetime(2026, 12, 5))


def hand_kappa(first: list[int], second: list[int]) -> float:
    """Cohen's kappa written out: observed agreement against the agreement chance gives."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    yes = (sum(first) / n) * (sum(second) / n)
    no = (1 - sum(first) / n) * (1 - sum(second) / n)
    return (observed - (yes + no)) / (1 - (yes + no))


def test_agreement_between_two_coders_is_cohens_kappa_per_theme(app, make_user):
    suffolk = council_id(app, "Suffolk")
    first = coder(make_user, "first@example.org")
    second = coder(make_user, "second@example.org")
    codebook = codebook_of(app)
    a = [["waiting"], ["waiting"], [], ["waiting", "school"], [], ["school"], ["waiting"], []]
    b = [["waiting"], [], [], ["waiting"], ["waiting"], ["school"], ["waiting"], ["school"]]
    with app.extensions["database"].session() as session:
        rows = register(session, items(suffolk, [f"item {n}" for n in range(len(a))]))
        code(session, codebook, first, rows, a)
        code(session, codebook, second, rows, b)
        [pair] = themes.agreement(session, codebook, None)
    by_theme = {theme.theme_id: theme for theme in pair.themes}
    assert pair.items == 8
    for theme_id in ("waiting", "school"):
        expected = hand_kappa(
            [int(theme_id in given) for given in a], [int(theme_id in given) for given in b]
        )
        assert by_theme[theme_id].kappa == pytest.approx(expected)
    assert by_theme["listened_to"].kappa is None  # neither gave it: nothing to agree on
    assert "old_theme" not in by_theme


# Results ------------------------------------------------------------------------------------


def publish(app: Flask, council_ids=None, **filters) -> themes.PublishedThemes:  # type: ignore[no-untyped-def]
    with app.extensions["database"].session() as session:
        chosen = themes.ThemeFilter(start=CLOSED.start, end=CLOSED.end, **filters)
        published = themes.publish_themes(
            session, codebook_of(app), council_ids, chosen, None, dt.datetime.now()
        )
        session.commit()
        return published


def test_theme_counts_are_per_council_and_source_perturbed_rounded_and_recorded(app, make_user):
    suffolk = council_id(app, "Suffolk")
    first = coder(make_user, "first@example.org")
    codebook = codebook_of(app)
    with app.extensions["database"].session() as session:
        rows = register(session, items(suffolk, [f"complaint {n}" for n in range(30)]))
        code(session, codebook, first, rows, [["waiting"]] * 20 + [["waiting", "school"]] * 10)
        fg = register(
            session,
            items(suffolk, [f"note {n}" for n in range(4)], source=Source.FOCUS_GROUP),
        )
        code(session, codebook, first, fg, [["waiting"]] * 4)
        session.commit()
    published = publish(app)
    by_theme = {(row[1], row[2]): row for row in published.rows}
    waiting = by_theme[("feedback", "Waiting")]
    assert waiting[0] == "Suffolk"
    assert isinstance(waiting[3], int) and waiting[3] % 5 == 0
    assert abs(waiting[3] - 30) <= SPREAD.largest + 2
    assert isinstance(waiting[4], int) and waiting[4] % 5 == 0
    # Four coded focus-group notes are too few to break down: no number about them.
    [focus_groups] = [row for row in published.rows if row[1] == "focus_group"]
    assert focus_groups[3] == "x" and focus_groups[5] == "small-base"
    with app.extensions["database"].session() as session:
        assert (
            session.scalar(select(func.count()).where(Publication.survey_id == "test-themes")) == 1
        )


def test_theme_counts_refuse_part_of_a_period_or_an_open_one_naming_what_to_ask_for(app):
    with pytest.raises(FilterError) as part:
        publish_between(app, CLOSED.start, CLOSED.start + dt.timedelta(days=9))
    assert f"period={CLOSED.key}" in str(part.value)
    this_month = Period.of(PeriodKind.MONTH, dt.date.today())
    with pytest.raises(FilterError) as still_open:
        publish_between(app, this_month.start, this_month.end)
    assert "not closed yet" in str(still_open.value)


def publish_between(app: Flask, start: dt.date, end: dt.date) -> None:
    with app.extensions["database"].session() as session:
        themes.publish_themes(
            session,
            codebook_of(app),
            None,
            themes.ThemeFilter(start=start, end=end),
            None,
            dt.datetime.now(),
        )


def test_suggestions_are_stored_once_per_item_even_when_asked_again(app):
    suffolk = council_id(app, "Suffolk")
    codebook = codebook_of(app)
    suggester = themes.suggester_for(codebook)
    with app.extensions["database"].session() as session:
        themes.register_items(session, items(suffolk, ["we waited outside for ages"]))
        assert themes.suggest_for_new_items(session, suggester) == 1
        assert themes.suggest_for_new_items(session, suggester) == 0
        assert session.scalar(select(func.count()).select_from(ThemeSuggestion)) == 1


def test_coding_and_theme_counts_work_on_each_database(app_each_db):
    app = app_each_db
    suffolk = council_id(app, "Suffolk")
    codebook = codebook_of(app)
    with app.extensions["database"].session() as session:
        first = operations.create_user(session, "first@example.org", "x" * 20, "facilitator")
        rows = register(session, items(suffolk, [f"we waited {n}" for n in range(25)]))
        code(session, codebook, first, rows, [["waiting"]] * 25)
        session.commit()
    published = publish(app)
    waiting = next(row for row in published.rows if row[2] == "Waiting")
    assert isinstance(waiting[3], int) and abs(waiting[3] - 25) <= SPREAD.largest + 2
