"""Cell-level differencing: however groups overlap, two published tables never show counts of
the same answer that differ by 1 to 7 (a reader who recovers the exact counts from the
percentages could subtract them and find a small count)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.privacy.disclosure import (
    DisclosureRules,
    PublishedGroup,
    QuestionCounts,
    protect_group,
    settle_group,
)
from survey_app.privacy.disclosure.cells import (
    clashing_options,
    decode_cells,
    encode_cells,
    forced_hidden,
    merge,
    shown_cells,
)
from survey_app.privacy.disclosure.differencing import overlapping_records

RULES = DisclosureRules()
OPTIONS = ("yes", "no", "not_sure", "dont_know")


def publish(
    answers: dict[int, str], members: frozenset[int], earlier: list[PublishedGroup]
) -> dict[str, int | str] | None:
    """Publish one group through the same steps the downloads take; None if refused."""
    settlement = settle_group(members, "test", earlier, RULES, hold_back_new=False)
    if settlement.conflict is not None or len(members) < RULES.minimum_base:
        return None
    counts = Counter(answers[i] for i in members)
    counted = [QuestionCounts("went", OPTIONS, dict(counts), len(members))]
    forced = forced_hidden(counted, overlapping_records(members, earlier), RULES)
    (question,) = protect_group(counted, len(members), RULES, None, forced)
    earlier.append(PublishedGroup(members, "test", cells=shown_cells(counted, [question])))
    return {cell.option: cell.count for cell in question.cells} if question.shown else None


@settings(max_examples=300, deadline=None)
@given(
    answers=st.lists(st.sampled_from(OPTIONS), min_size=40, max_size=80),
    windows=st.lists(st.tuples(st.integers(0, 30), st.integers(10, 80)), min_size=2, max_size=6),
)
def test_no_two_published_tables_differ_by_a_small_count(answers, windows) -> None:
    by_id = dict(enumerate(answers))
    earlier: list[PublishedGroup] = []
    shown: list[tuple[frozenset[int], dict[str, int]]] = []
    for start, length in windows:
        members = frozenset(i for i in range(start, start + length) if i in by_id)
        published = publish(by_id, members, earlier)
        if published is None:
            continue
        exact = Counter(by_id[i] for i in members)
        shown.append(
            (members, {o: exact[o] for o, value in published.items() if isinstance(value, int)})
        )
    for index, (first, first_cells) in enumerate(shown):
        for second, second_cells in shown[index + 1 :]:
            if first == second or first.isdisjoint(second):
                continue
            for option in first_cells.keys() & second_cells.keys():
                difference = abs(first_cells[option] - second_cells[option])
                assert not RULES.is_small(difference), (option, first_cells, second_cells)


def test_a_grown_group_hides_a_count_that_grew_by_a_few() -> None:
    answers = {i: "yes" for i in range(20)} | {i: "no" for i in range(20, 30)}
    earlier: list[PublishedGroup] = []
    assert publish(answers, frozenset(answers), earlier) == {
        "yes": 20,
        "no": 10,
        "not_sure": 0,
        "dont_know": 0,
    }
    answers |= {30: "yes", 31: "yes", 32: "yes"} | {i: "no" for i in range(33, 40)}

    second = publish(answers, frozenset(answers), earlier)

    assert second is not None
    assert second["yes"] == "c" and second["no"] == "c"  # 23 - 20 = 3 and 17 - 10 = 7


def test_the_same_group_again_and_separate_groups_hide_nothing_extra() -> None:
    answers = {i: "yes" if i % 3 else "no" for i in range(60)}
    earlier: list[PublishedGroup] = []
    first = frozenset(range(30))
    other = frozenset(range(30, 60))

    once = publish(answers, first, earlier)
    again = publish(answers, first, earlier)
    beside = publish(answers, other, earlier)

    assert once == again
    assert beside is not None and "c" not in beside.values()


def test_cell_records_round_trip_and_merge() -> None:
    record = {"went": {"yes": 20, "no": 0}, "feel": {"happy": 12}}

    assert decode_cells(encode_cells(record)) == record
    assert decode_cells(None) is None
    assert merge([{"went": {"yes": 20}}, None, {"went": {"no": 0}}]) == {
        "went": {"yes": 20, "no": 0}
    }
    assert merge([None, None]) is None


def test_a_clash_is_a_difference_from_1_to_7_only() -> None:
    counted = QuestionCounts("went", OPTIONS, {"yes": 28, "no": 20, "not_sure": 12}, 60)
    earlier = [{"went": {"yes": 20, "no": 20, "not_sure": 5}}]

    # yes differs by 8 (fine), no by 0 (the same), not_sure by 7 (hidden).
    assert clashing_options(counted, earlier, RULES) == frozenset({"not_sure"})
