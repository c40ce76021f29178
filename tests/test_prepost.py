"""Pairing meeting one with meeting four, per council and for the region."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from survey_app.analysis.prepost import (
    REGION,
    WaveAnswer,
    item_results,
    pair_waves,
    rated_items,
    unpaired_results,
)
from survey_app.definitions import load_file

SKILLS = load_file(Path(__file__).parent.parent / "survey_definitions" / "practitioner-skills.yaml")
ITEM = "knowledge_childrens_rights"


def said(
    council: str,
    wave: str,
    code: str | None,
    rating: str,
    self_code: str | None = None,
    **more: str,
) -> WaveAnswer:
    return WaveAnswer(council, wave, code, self_code, {ITEM: rating, **more})


def test_people_are_paired_by_their_code_and_the_rest_are_listed_as_unpaired() -> None:
    pairing = pair_waves(
        [
            said("Norfolk", "meeting_one", "a", "2"),
            said("Norfolk", "meeting_one", "b", "3"),
            said("Norfolk", "meeting_four", "a", "4"),
            said("Norfolk", "meeting_four", "zzz", "5"),
        ],
        "meeting_one",
        "meeting_four",
    )
    assert [(first.link_hash, last.link_hash) for first, last in pairing.pairs] == [("a", "a")]
    assert [a.link_hash for a in pairing.unpaired_before] == ["b"]
    assert [a.link_hash for a in pairing.unpaired_after] == ["zzz"]


def test_an_earlier_periods_meeting_one_answer_pairs_but_is_never_left_over_as_unpaired() -> None:
    """Carried answers (meeting one sent in an earlier, closed period) are only the before of a
    pair whose meeting-four answer is in the period published; the latest of a code's meeting-one
    answers pairs."""
    earlier = said("Norfolk", "meeting_one", "a", "1")
    pairing = pair_waves(
        [
            replace(earlier, carried=True),
            replace(said("Norfolk", "meeting_one", "b", "2"), carried=True),
            replace(said("Norfolk", "meeting_one", "c", "2"), carried=True),
            said("Norfolk", "meeting_one", "c", "3"),
            said("Norfolk", "meeting_one", "d", "3"),
            said("Norfolk", "meeting_four", "a", "4"),
            said("Norfolk", "meeting_four", "c", "5"),
        ],
        "meeting_one",
        "meeting_four",
    )

    found = [
        (one.link_hash, one.answers[ITEM], one.carried, four.link_hash)
        for one, four in pairing.pairs
    ]
    assert found == [
        ("a", "1", True, "a"),
        ("c", "3", False, "c"),
    ]
    assert [a.link_hash for a in pairing.unpaired_before] == ["d"]
    assert pairing.unpaired_after == ()


def test_a_lost_code_is_made_up_for_by_a_unique_self_generated_code() -> None:
    pairing = pair_waves(
        [
            said("Norfolk", "meeting_one", "a", "2", self_code="s1"),
            said("Norfolk", "meeting_four", "new", "4", self_code="s1"),
        ],
        "meeting_one",
        "meeting_four",
    )
    assert len(pairing.pairs) == 1 and not pairing.unpaired_after


def test_a_self_generated_code_shared_by_two_people_pairs_nobody() -> None:
    pairing = pair_waves(
        [
            said("Norfolk", "meeting_one", "a", "2", self_code="s1"),
            said("Norfolk", "meeting_one", "b", "3", self_code="s1"),
            said("Norfolk", "meeting_four", "new", "4", self_code="s1"),
        ],
        "meeting_one",
        "meeting_four",
    )
    assert pairing.pairs == ()


def test_results_come_per_council_and_for_the_region_with_the_right_direction() -> None:
    answers = []
    for index in range(8):
        answers.append(said("Norfolk", "meeting_one", f"n{index}", "2"))
        answers.append(said("Norfolk", "meeting_four", f"n{index}", "4"))
        answers.append(said("Suffolk", "meeting_one", f"s{index}", "3"))
        answers.append(said("Suffolk", "meeting_four", f"s{index}", "3"))
    results = {
        (r.group, r.item): r
        for r in item_results(SKILLS, answers, include_region=True)
        if r.kind == "change"
    }
    norfolk, suffolk, region = (results[(g, ITEM)] for g in ("Norfolk", "Suffolk", REGION))
    assert norfolk.change.pairs == 8 and norfolk.change.improved == 8
    assert norfolk.change.hodges_lehmann == 2.0
    assert suffolk.change.same == 8 and suffolk.change.p_value == 1.0
    assert region.change.pairs == 16
    assert {r[0] for r in results} == {"Norfolk", "Suffolk", REGION}


def test_a_council_lead_gets_no_region_rows() -> None:
    answers = [said("Norfolk", "meeting_one", "a", "2"), said("Norfolk", "meeting_four", "a", "3")]
    groups = {r.group for r in item_results(SKILLS, answers, include_region=False)}
    assert groups == {"Norfolk"}


def test_rather_not_say_is_left_out_of_the_ratings_not_counted_as_zero() -> None:
    answers = [
        said("Norfolk", "meeting_one", "a", "prefer_not_to_say"),
        said("Norfolk", "meeting_four", "a", "4"),
        said("Norfolk", "meeting_one", "b", "2"),
        said("Norfolk", "meeting_four", "b", "3"),
    ]
    [result] = [
        r for r in item_results(SKILLS, answers, False) if r.item == ITEM and r.kind == "change"
    ]
    assert result.change.pairs == 1


def test_the_look_back_rating_is_compared_with_the_meeting_one_rating_as_response_shift() -> None:
    answers = []
    for index in range(6):
        answers.append(said("Norfolk", "meeting_one", f"n{index}", "3"))
        answers.append(said("Norfolk", "meeting_four", f"n{index}", "4", **{f"before_{ITEM}": "2"}))
    [shift] = [
        r
        for r in item_results(SKILLS, answers, False)
        if r.kind == "response_shift" and r.item == ITEM
    ]
    # Looking back they rate their start lower than they did at the time: shift is negative.
    assert shift.change.hodges_lehmann == -1.0 and shift.change.worse == 6


def test_only_items_asked_at_both_waves_are_compared() -> None:
    ids = {question.id for question in rated_items(SKILLS)}
    assert ITEM in ids and f"before_{ITEM}" not in ids and "role" not in ids


def test_unpaired_answers_are_compared_as_two_separate_groups() -> None:
    answers = [said("Norfolk", "meeting_one", f"a{i}", "2") for i in range(4)]
    answers += [said("Norfolk", "meeting_four", f"b{i}", "4") for i in range(4)]
    [(item, comparison)] = [r for r in unpaired_results(SKILLS, answers) if r[0] == ITEM]
    assert comparison.responses_before == 4 and comparison.responses_after == 4
    assert comparison.median_before == 2 and comparison.median_after == 4
    assert "not" in comparison.note.lower()


@pytest.mark.parametrize("wave", ["meeting_one", "meeting_four"])
def test_a_group_with_no_pairs_reports_zero_pairs_and_no_test(wave: str) -> None:
    [result] = [
        r
        for r in item_results(SKILLS, [said("Norfolk", wave, "a", "2")], False)
        if r.item == ITEM and r.kind == "change"
    ]
    assert result.change.pairs == 0 and result.change.p_value is None
