"""Disclosure control as pure functions: thresholds, tables, skip logic, regions, differencing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from survey_app.definitions import DefinitionError, parse_definition
from survey_app.privacy.disclosure import (
    Condition,
    DisclosureRules,
    MemberBitmap,
    PublishedGroup,
    PublishedQuestion,
    QuestionCounts,
    decode_members,
    encode_members,
    footnotes,
    notes,
    protect_group,
    protect_question,
    protect_region,
    settle_group,
)
from survey_app.privacy.disclosure.cellkey import perturbed_counts, protect_with_cell_keys
from survey_app.privacy.disclosure.differencing import Overlap

RULES = DisclosureRules()
SURVEY_YAML = """\
id: strict
version: 1
audience: practitioner
title: Strict
introduction: Hello
thank_you: Thanks
disclosure:
  minimum_base: {minimum_base}
  suppress_below: {suppress_below}
  round_to: {round_to}
pages:
  - id: first
    questions:
      - id: q1
        kind: yes_no_not_sure
        text: Yes?
"""


def survey_yaml(minimum_base: int = 10, suppress_below: int = 8, round_to: int = 5) -> str:
    return SURVEY_YAML.format(
        minimum_base=minimum_base, suppress_below=suppress_below, round_to=round_to
    )


def single(counts: dict[str, int], base: int | None = None) -> QuestionCounts:
    return QuestionCounts(
        "q", tuple(counts), counts, sum(counts.values()) if base is None else base
    )


def ticks(counts: dict[str, int], base: int, exclusive: tuple[str, ...] = ()) -> QuestionCounts:
    return QuestionCounts("q", tuple(counts), counts, base, True, frozenset(exclusive))


def published(question: PublishedQuestion) -> dict[str, object]:
    return {cell.option: cell.count for cell in question.cells}


# Thresholds -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (8, 10), (12, 10), (13, 15), (17, 15), (18, 20), (22, 20), (23, 25), (100, 100)],
)
def test_counts_are_rounded_to_the_nearest_five(count, shown):
    assert RULES.rounded(count) == shown


def test_a_half_way_count_rounds_up_when_a_survey_rounds_to_ten():
    tens = DisclosureRules(round_to=10)

    assert [tens.rounded(count) for count in (14, 15, 25, 26)] == [10, 20, 30, 30]


@pytest.mark.parametrize(
    ("count", "base", "percent"),
    [(1, 8, "12.5"), (1, 16, "6.3"), (2, 3, "66.7"), (23, 47, "48.9"), (0, 12, "0.0")],
)
def test_percentages_are_from_exact_counts_to_one_decimal_halves_up(count, base, percent):
    assert RULES.percent(count, base) == percent


def test_counts_from_one_to_seven_are_small_and_zero_is_not():
    assert [n for n in range(0, 12) if RULES.is_small(n)] == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    "looser",
    [{"minimum_base": 9}, {"suppress_below": 5}, {"round_to": 1}],
)
def test_rules_looser_than_the_safe_floors_cannot_be_made(looser):
    with pytest.raises(ValueError, match="safe floors"):
        DisclosureRules(**looser)


def test_a_survey_can_be_stricter_in_its_yaml():
    definition = parse_definition(survey_yaml(20, 11, 10), "strict.yaml")

    assert DisclosureRules.of(definition) == DisclosureRules(20, 11, 10)


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (
            {"minimum_base": 5},
            "strict.yaml:8: disclosure.minimum_base: must be at least 10 (the safe floor)",
        ),
        (
            {"suppress_below": 5},
            "strict.yaml:9: disclosure.suppress_below: must be at least 8 (the safe floor)",
        ),
        (
            {"round_to": 1},
            "strict.yaml:10: disclosure.round_to: must be at least 5 (the safe floor)",
        ),
    ],
)
def test_a_survey_yaml_looser_than_the_floors_is_refused_with_file_and_line(settings, problem):
    with pytest.raises(DefinitionError) as caught:
        parse_definition(survey_yaml(**settings), "strict.yaml")

    assert [str(found) for found in caught.value.problems] == [problem]


# One question in one group --------------------------------------------------------------------


def test_a_question_answered_by_fewer_than_ten_shows_no_numbers_at_all():
    question = protect_question(single({"yes": 9, "no": 0}), RULES)

    assert not question.shown
    assert question.base == "x"
    assert [(c.count, c.percent, c.note) for c in question.cells] == [
        ("x", "", "small-base"),
        ("x", "", "small-base"),
    ]


def test_one_small_count_is_hidden_with_the_next_smallest_and_zeros_stay():
    question = protect_question(single({"yes": 30, "no": 3, "not_sure": 12, "dont_know": 0}), RULES)

    assert published(question) == {"yes": 30, "no": "c", "not_sure": "c", "dont_know": 0}
    assert question.base == 45
    percents = {cell.option: cell.percent for cell in question.cells}
    assert percents == {"yes": "66.7", "no": "", "not_sure": "", "dont_know": "0.0"}
    assert {cell.note for cell in question.cells if cell.count == "c"} == {"hidden"}


def test_percentages_are_worked_out_from_the_rounded_count_and_base_shown():
    # 42 of 65 to one decimal from the exact counts is 64.6%, and only 42 of 65 gives that:
    # it would undo the rounding of the 42 (shown as 40). From what is shown: 40 of 65.
    question = protect_question(single({"yes": 42, "no": 23}), RULES)

    assert published(question) == {"yes": 40, "no": 25}
    assert question.base == 65
    assert {cell.option: cell.percent for cell in question.cells} == {
        "yes": "61.5",
        "no": "38.5",
    }


def test_a_percentage_adds_nothing_to_the_count_and_base_it_sits_beside():
    for yes in range(8, 60):
        question = protect_question(single({"yes": yes, "no": 60 - yes + 8}), RULES)
        for cell in question.cells:
            if isinstance(cell.count, int):
                assert cell.percent == RULES.percent(cell.count, question.base)


def test_a_count_hidden_because_of_an_earlier_table_has_the_same_note_as_any_hidden_count():
    # A different note would tell a reader this one is hidden for being close to a count
    # already published, not for being small: a clue to its value.
    question = protect_question(
        single({"yes": 30, "no": 12, "not_sure": 15}), RULES, forced=frozenset({"no"})
    )

    hidden = {cell.option: cell.note for cell in question.cells if cell.count == "c"}
    assert "no" in hidden
    assert set(hidden.values()) == {"hidden"}


def test_no_footnote_tells_why_a_particular_count_is_hidden():
    codes = [footnote.code for footnote in footnotes(RULES)]

    assert codes.count("hidden") == 1
    assert "differencing" not in codes


def test_two_small_counts_that_make_a_small_total_are_hidden_with_a_larger_one():
    # 3 + 4 = 7: the base minus the rest would say "7 between them", which pins little, but a
    # reader knowing both are small would know a lot; a larger count joins them.
    question = protect_question(single({"a": 3, "b": 4, "c": 20, "d": 40}), RULES)

    assert published(question) == {"a": "c", "b": "c", "c": "c", "d": 40}


def test_when_no_hidden_counts_can_protect_each_other_the_question_is_not_shown():
    # Base 10 split 3 and 7: hiding both still leaves "10 between them, both small".
    question = protect_question(single({"yes": 3, "no": 7}), RULES)

    assert question.withheld == "cannot-protect"
    assert published(question) == {"yes": "x", "no": "x"}
    assert question.base == "x"


def test_a_lone_hidden_tick_is_safe_when_the_other_ticks_already_cover_everyone():
    question = protect_question(ticks({"a": 15, "b": 12, "c": 3}, base=20), RULES)

    assert published(question) == {"a": 15, "b": 10, "c": "c"}


def test_a_lone_hidden_tick_that_the_base_would_give_away_is_joined_by_another():
    # Everyone ticked exactly one: 20 - 13 = 7 would reveal c.
    question = protect_question(ticks({"a": 13, "b": 0, "c": 7}, base=20), RULES)

    assert published(question) == {"a": "c", "b": 0, "c": "c"}


def test_rather_not_say_beside_ticks_is_protected_as_a_partition():
    # Everyone who did not say "rather not say" ticked a, so 20 - 19 = 1 would reveal it.
    question = protect_question(
        ticks({"a": 19, "prefer_not_to_say": 1}, base=20, exclusive=("prefer_not_to_say",)), RULES
    )

    assert published(question) == {"a": "c", "prefer_not_to_say": "c"}


def test_every_code_in_a_table_has_a_footnote():
    codes = {footnote.code for footnote in footnotes(RULES)}
    tables = [
        protect_question(single({"yes": 30, "no": 3, "not_sure": 12}), RULES),
        protect_question(single({"yes": 3, "no": 7}), RULES),
        protect_question(single({"yes": 2}), RULES),
    ]

    assert {cell.note for table in tables for cell in table.cells} - {""} <= codes


def test_footnotes_use_the_surveys_own_thresholds():
    words = " ".join(footnote.text for footnote in footnotes(DisclosureRules(20, 11, 10)))

    assert "fewer than 20 responses" in words
    assert "came to between 1 and 10" in words


# A whole group --------------------------------------------------------------------------------

WENT = Condition("went", ("no",))


def test_a_group_smaller_than_the_minimum_shows_no_question():
    questions = protect_group([single({"yes": 5, "no": 4})], size=9, rules=RULES)

    assert [question.withheld for question in questions] == ["small-base"]


def test_a_question_asked_only_after_a_hidden_answer_is_not_shown():
    went = QuestionCounts(
        "went", ("yes", "no", "not_sure"), {"yes": 30, "no": 12, "not_sure": 3}, 45
    )
    why = QuestionCounts("why_not", ("school", "scared"), {"school": 11, "scared": 1}, 12, True)

    questions = protect_group([went, why], size=45, rules=RULES, conditions={"why_not": WENT})

    assert published(questions[0])["no"] == "c"
    assert questions[1].withheld == "follows-hidden"
    assert questions[1].base == "x"


def test_a_question_asked_after_a_shown_answer_is_protected_on_its_own():
    went = QuestionCounts("went", ("yes", "no"), {"yes": 30, "no": 20}, 50)
    why = QuestionCounts("why_not", ("school", "scared"), {"school": 20, "scared": 1}, 20, True)

    questions = protect_group([went, why], size=50, rules=RULES, conditions={"why_not": WENT})

    assert questions[1].shown
    assert published(questions[1]) == {"school": 20, "scared": "c"}


# The region -----------------------------------------------------------------------------------


def council(counts: dict[str, int]) -> tuple[QuestionCounts, PublishedQuestion]:
    counted = single(counts)
    return counted, protect_question(counted, RULES)


def test_the_region_hides_what_any_council_hides_and_adds_up_the_rest():
    suffolk = council({"yes": 40, "no": 3, "not_sure": 20})
    norfolk = council({"yes": 30, "no": 20, "not_sure": 25})

    region, shown = protect_region([suffolk, norfolk], RULES)

    assert region.base == 138
    assert published(shown) == {"yes": 70, "no": "c", "not_sure": "c"}
    assert shown.remark == ""


def test_the_region_leaves_out_a_council_whose_figures_are_not_shown():
    suffolk = council({"yes": 40, "no": 30})
    norfolk = council({"yes": 4, "no": 4})

    region, shown = protect_region([suffolk, norfolk], RULES)

    assert region.base == 70
    assert published(shown) == {"yes": 40, "no": 30}
    assert shown.remark == "region-leaves-out"


def test_a_region_with_no_council_shown_shows_nothing():
    _, shown = protect_region([council({"yes": 4}), council({"yes": 5})], RULES)

    assert shown.withheld == "region-leaves-out"
    assert shown.base == "x"


def test_a_region_whose_base_is_perturbed_to_nothing_still_shows_its_shared_council():
    # Every answer in Norfolk answered "Why not?" (10 of 10), so Norfolk's table is shown on its
    # exact base; a base key at the table's edge perturbs the region's base of 10 down to 0.
    counted = QuestionCounts(
        "why_not",
        ("school", "other"),
        {"school": 10},
        10,
        keys={"school": 12345},
        base_key=0,
        group_size=10,
    )
    assert perturbed_counts(counted).base == 0
    norfolk = (counted, protect_with_cell_keys(counted, RULES))

    _, shown = protect_region([norfolk], RULES)

    assert shown.shown
    assert shown.base == RULES.minimum_base
    assert all(cell.percent for cell in shown.cells if cell.count != notes.HIDDEN)


# Differencing ---------------------------------------------------------------------------------

EARLIER = PublishedGroup(frozenset(range(100, 150)), "Suffolk, all dates", dt.date(2026, 11, 28))


def test_exactly_the_same_group_may_be_published_again():
    settled = settle_group(frozenset(range(100, 150)), "Suffolk", [EARLIER], RULES)

    assert not settled.refused
    assert settled.members == EARLIER.members


@pytest.mark.parametrize("fewer", range(1, 8))
def test_a_group_one_to_seven_smaller_than_one_published_is_refused(fewer):
    settled = settle_group(frozenset(range(100 + fewer, 150)), "Suffolk", [EARLIER], RULES)

    assert settled.refused
    assert settled.members == frozenset()
    assert settled.conflict.overlap == Overlap(0, fewer, 50 - fewer)


def test_a_group_eight_smaller_than_one_published_is_allowed():
    assert not settle_group(frozenset(range(108, 150)), "Suffolk", [EARLIER], RULES).refused


@pytest.mark.parametrize("new", range(1, 8))
def test_a_group_grown_by_a_few_new_responses_repeats_the_earlier_figures(new):
    settled = settle_group(frozenset(range(100, 150 + new)), "Suffolk", [EARLIER], RULES)

    assert not settled.refused
    assert settled.members == EARLIER.members
    assert settled.held_back == new


def test_a_group_grown_by_eight_is_published_in_full():
    grown = frozenset(range(100, 158))

    settled = settle_group(grown, "Suffolk", [EARLIER], RULES)

    assert (settled.members, settled.held_back) == (grown, 0)


def test_a_few_new_responses_are_not_held_back_where_a_repeat_is_not_allowed():
    settled = settle_group(
        frozenset(range(100, 153)), "Region", [EARLIER], RULES, hold_back_new=False
    )

    assert settled.refused


def test_holding_back_repeats_the_largest_earlier_group_it_grew_from():
    older = PublishedGroup(frozenset(range(100, 145)), "Suffolk, older")

    settled = settle_group(frozenset(range(100, 152)), "Suffolk", [older, EARLIER], RULES)

    assert settled.members == EARLIER.members
    assert settled.held_back == 2


@pytest.mark.parametrize(
    ("requested", "refused"),
    [
        (range(103, 160), True),  # 3 only in the earlier, 10 only in the requested
        (range(110, 153), True),  # 10 only in the earlier, 3 only in the requested
        (range(110, 160), False),  # 10 and 10
        (range(147, 200), True),  # only 3 in common: with their union published, revealed
        (range(142, 200), False),  # 8 in common
        (range(200, 215), False),  # none in common
    ],
)
def test_overlapping_groups_must_differ_by_eight_on_each_side_and_in_common(requested, refused):
    assert settle_group(frozenset(requested), "Suffolk", [EARLIER], RULES).refused is refused


def test_a_refusal_says_what_clashed_why_and_how_to_go_on():
    settled = settle_group(
        frozenset(range(103, 150)), "Suffolk, 2 to 30 November", [EARLIER], RULES
    )

    explanation = settled.conflict.explanation(RULES)

    assert "The figures for Suffolk, 2 to 30 November cannot be published" in explanation
    assert (
        "too close to figures for Suffolk, all dates already published on 28 November 2026"
        in explanation
    )
    assert "Nothing has been published." in explanation
    assert "at least 8 responses of difference" in explanation


@pytest.mark.parametrize(
    "requested",
    [
        range(103, 150),  # leaves out 3 of the earlier group
        range(100, 153),  # adds 3 to it
        range(103, 160),  # leaves out 3 and adds 10
        range(147, 200),  # only 3 in common
    ],
)
def test_a_refusal_never_says_by_how_much_the_groups_differ(requested):
    # The difference is the small number being protected: 3 children.
    settled = settle_group(frozenset(requested), "Suffolk", [EARLIER], RULES, hold_back_new=False)

    explanation = settled.conflict.explanation(RULES)

    assert "too close" in explanation
    assert not re.search(r"\b3\b|\b10 responses|in common|leave out|include", explanation)


def test_stored_members_round_trip_and_stay_small():
    ids = frozenset(range(1, 5001)) | {10**12}

    stored = encode_members(ids)

    assert decode_members(stored) == ids
    assert len(stored) < 200
    assert decode_members(encode_members([])) == frozenset()


def test_stored_members_of_another_format_are_refused():
    with pytest.raises(ValueError, match="unknown format"):
        decode_members(b"\x07abc")


def test_a_bitmap_of_stored_groups_holds_exactly_their_members():
    first = frozenset(range(1, 5001, 3)) | {10**12}
    second = frozenset(range(4000, 200_000, 7))
    bitmap = MemberBitmap()

    bitmap.add_stored(encode_members(first))
    bitmap.add_stored(encode_members(second))
    bitmap.add_stored(encode_members([]))

    assert len(bitmap) == len(first | second)
    assert {n for n in range(0, 210_000) if n in bitmap} == (first | second) - {10**12}
    assert 10**12 in bitmap and 10**12 + 1 not in bitmap
    assert -1 not in bitmap and "7" not in bitmap


def test_a_bitmap_refuses_a_stored_group_cut_short():
    stored = encode_members(range(1, 100_000))

    with pytest.raises(ValueError, match="cut short"):
        MemberBitmap().add_stored(stored[:-5])
    with pytest.raises(ValueError, match="unknown format"):
        MemberBitmap().add_stored(b"\x07abc")


def test_note_codes_are_never_numbers_or_markers():
    codes = [footnote.code for footnote in footnotes(RULES)]

    assert len(set(codes)) == len(codes)
    assert not {notes.HIDDEN, notes.NOT_SHOWN} & set(codes)
