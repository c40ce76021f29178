"""prepost.csv, prepost.xlsx and the unpaired comparison: the figures a facilitator downloads
for meeting one against meeting four, checked against independent computations and the
disclosure rules."""

from __future__ import annotations

import datetime as dt
import io
import statistics
from typing import Any

import numpy as np
import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from survey_app import operations
from survey_app.clock import clock_of
from survey_app.definitions.model import PeriodKind
from survey_app.models import Publication
from survey_app.periods import Period, period_sent_in
from survey_app.respondent.journey import PERSONAL_CODE_KEY, WAVE_KEY
from tests.cellkeys import ExpectedChange, expected_change, within_spread
from tests.conftest import close_periods, rows_of, sign_in
from tests.programmes import ITEM, LOOK_BACK, SHIPPED, WAVES, run_programme, wave_distribution
from tests.submissions import submit

SURVEY = "/facilitator/surveys/practitioner-skills"
API = "/api/v1/surveys/practitioner-skills"
REGION = "Region (all councils)"

# Twenty Norfolk practitioners' ratings of ITEM at meeting one and four, and their look-back
# ratings. Ties and zero changes on purpose (the usual case with 1-5 ratings), and enough of
# each (12 improved, 8 the same) for every count, and so the statistics, to be shown.
NORFOLK_BEFORE = [2, 2, 3, 1, 2, 3, 3, 2, 4, 2, 1, 3] + [2, 2, 3, 1, 2, 3, 3, 2]
NORFOLK_AFTER = [4, 3, 4, 3, 4, 4, 4, 3, 5, 4, 3, 4] + [2, 2, 3, 1, 2, 3, 3, 2]
# Looking back, 10 rate their start lower than they did at the time, 10 the same.
NORFOLK_LOOK_BACK = [max(1, rating - 1) for rating in NORFOLK_BEFORE[:12]] + NORFOLK_BEFORE[12:]


# The period the tests' answers are sent in (the shipped surveys' periods are quarters).
PERIOD = Period.of(PeriodKind.QUARTER, dt.date.today()).key


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"SURVEY_DIR": str(SHIPPED)}


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    """The shipped surveys on SQLite, and again on PostgreSQL."""
    return app_each_db


def row(rows: list[dict[str, str]], council: str, item: str = ITEM) -> dict[str, str]:
    (found,) = [r for r in rows if r["council"] == council and r["item"] == item]
    return found


def exact_pratt_p(before: list[int], after: list[int]) -> float:
    """Two-sided exact Wilcoxon signed-rank p with Pratt's zeros: the distribution of the sum
    of positive ranks over every sign flip, counted by subset sums of the (doubled) ranks.
    Written here from the definition, independently of the service's code."""
    d = np.subtract(after, before).astype(float)
    ranks = statistics_ranks(np.abs(d))
    nonzero = [int(round(2 * r)) for r, v in zip(ranks, d, strict=True) if v != 0]
    observed = sum(int(round(2 * r)) for r, v in zip(ranks, d, strict=True) if v > 0)
    total = sum(nonzero)
    ways = [0] * (total + 1)  # ways[t]: sign flips whose positive doubled ranks sum to t
    ways[0] = 1
    for rank in nonzero:
        for t in range(total, rank - 1, -1):
            ways[t] += ways[t - rank]
    distance = abs(2 * observed - total)
    extreme = sum(w for t, w in enumerate(ways) if abs(2 * t - total) >= distance)
    return extreme / 2 ** len(nonzero)


def statistics_ranks(values: np.ndarray) -> list[float]:
    """Average ranks of values, ties sharing (zeros included, as Pratt ranks them)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def walsh_median(before: list[int], after: list[int]) -> float:
    d = np.subtract(after, before)
    walsh = [(d[i] + d[j]) / 2 for i in range(len(d)) for j in range(i, len(d))]
    return float(np.median(walsh))


def rank_biserial(changes: list[float]) -> float:
    """(positive ranks - negative ranks) / their total, zeros ranked then left out."""
    ranks = statistics_ranks(np.abs(np.array(changes)))
    up = sum(r for r, c in zip(ranks, changes, strict=True) if c > 0)
    down = sum(r for r, c in zip(ranks, changes, strict=True) if c < 0)
    return (up - down) / (up + down) if up + down else 0.0


def assert_row_shows(found: dict[str, str], expected: ExpectedChange) -> None:
    """The row's counts are the pairs' perturbed counts, and its statistics are worked out from
    the perturbed changes and ratings (computed here, apart from the service), never the exact
    ones."""
    counts = (found["pairs"], found["improved"], found["same"], found["worse"])
    assert counts == (expected.pairs, expected.improved, expected.same, expected.worse)
    changes = expected.changes
    assert float(found["median_before"]) == statistics.median(expected.firsts)
    assert float(found["median_after"]) == statistics.median(expected.seconds)
    assert float(found["hl_shift"]) == walsh_median([0] * len(changes), changes)
    p = exact_pratt_p([0] * len(changes), changes)
    if len(changes) <= 5:
        assert found["wilcoxon_p"] == found["ci_low"] == ""  # too few to test
        return
    assert float(found["ci_low"]) <= float(found["hl_shift"]) <= float(found["ci_high"])
    if p < 0.0001:
        assert found["wilcoxon_p"] == "<0.0001"  # never shown as a bare 0
    else:
        assert float(found["wilcoxon_p"]) == pytest.approx(p, rel=1e-3)
    assert float(found["rank_biserial"]) == pytest.approx(rank_biserial(changes), abs=5e-4)


def test_prepost_csv_gives_the_paired_change_per_council_and_region(app, client, make_user, worker):
    run_programme(app, "Norfolk", NORFOLK_BEFORE, NORFOLK_AFTER, NORFOLK_LOOK_BACK)
    run_programme(app, "Suffolk", [2, 3, 3], [3, 3, 4])  # 6 responses: too small
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    rows = rows_of(client.get(f"{SURVEY}/prepost.csv"))

    assert list(rows[0]) == [
        "council",
        "item",
        "pairs",
        "median_before",
        "median_after",
        "improved",
        "same",
        "worse",
        "hl_shift",
        "ci_low",
        "ci_high",
        "wilcoxon_p",
        "rank_biserial",
        "note",
    ]
    norfolk = row(rows, "Norfolk")
    changes = np.subtract(NORFOLK_AFTER, NORFOLK_BEFORE)
    assert (changes > 0).sum() == 12 and (changes == 0).sum() == 8
    # 20 pairs, 12 up and 8 the same: each count perturbed by its pairs' keys, then shown.
    assert within_spread(norfolk["pairs"], 20)
    assert within_spread(norfolk["improved"], 12) and within_spread(norfolk["same"], 8)
    assert within_spread(norfolk["worse"], 0)
    assert_row_shows(norfolk, expected_change(app.extensions["database"], "Norfolk", ITEM, WAVES))

    suffolk = row(rows, "Suffolk")
    assert suffolk["pairs"] == "x" and suffolk["hl_shift"] == "" and suffolk["wilcoxon_p"] == ""
    assert "too small" in suffolk["note"]

    # The region is every council shown: Suffolk is too small, so it is Norfolk's figures.
    region = row(rows, REGION)
    assert region["hl_shift"] == norfolk["hl_shift"]
    assert region["wilcoxon_p"] == norfolk["wilcoxon_p"]
    assert region["improved"] == norfolk["improved"]


def test_improved_same_and_worse_are_protected_counts(app, client, make_user, worker):
    # 40 pairs: 25 up by one, 10 the same, 5 down by one.
    before = [2] * 40
    after = [3] * 25 + [2] * 10 + [1] * 5
    run_programme(app, "Norfolk", before, after)
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    norfolk = row(rows_of(client.get(f"{SURVEY}/prepost.csv")), "Norfolk")

    # Each count perturbed by its own pairs' keys (the 5 most likely shown as c), like every
    # other count; the statistics worked out from perturbed counts too.
    assert within_spread(norfolk["pairs"], 40)
    assert within_spread(norfolk["improved"], 25) and within_spread(norfolk["same"], 10)
    assert within_spread(norfolk["worse"], 5)
    assert_row_shows(norfolk, expected_change(app.extensions["database"], "Norfolk", ITEM, WAVES))


def test_statistics_are_worked_out_from_perturbed_counts_never_exact_ones(
    app, client, make_user, worker
):
    """Published from the exact pairs, the pairs, shift, interval, p and rank-biserial fit
    exactly one split of 12 pairs: 10 improved, 0 the same, 2 worse (issue 10, attack 4; the
    enumeration is in test_prepost_attacks). Now they are worked out from the pairs' perturbed
    counts, or not shown when the perturbed pairs are too few."""
    before = [2] * 12
    after = [3] * 10 + [1] * 2
    run_programme(app, "Norfolk", before, after)
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    rows = rows_of(client.get(f"{SURVEY}/prepost.csv"))

    expected = expected_change(app.extensions["database"], "Norfolk", ITEM, WAVES)
    for group in ("Norfolk", REGION):
        found = row(rows, group)
        if expected.pairs == "x":
            assert (found["pairs"], found["improved"], found["worse"]) == ("x", "x", "x")
            statistics_shown = [
                found[column]
                for column in (
                    "median_before",
                    "median_after",
                    "hl_shift",
                    "ci_low",
                    "ci_high",
                    "wilcoxon_p",
                    "rank_biserial",
                )
            ]
            assert statistics_shown == [""] * 7
            assert "fewer than 10 pairs" in found["note"]
        else:
            assert_row_shows(found, expected)


def test_the_look_back_rating_is_a_response_shift_row(app, client, make_user, worker):
    run_programme(app, "Norfolk", NORFOLK_BEFORE, NORFOLK_AFTER, NORFOLK_LOOK_BACK)
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    shift = row(rows_of(client.get(f"{SURVEY}/prepost.csv")), "Norfolk", LOOK_BACK)

    assert "response shift" in shift["note"]
    # Looking back, 10 of 20 say they started lower than they said: the row counts them (and
    # works out its statistics) from the look-back answers' pairs, perturbed by their keys.
    assert within_spread(shift["worse"], 10)
    expected = expected_change(
        app.extensions["database"], "Norfolk", ITEM, WAVES, looking_back=LOOK_BACK
    )
    assert_row_shows(shift, expected)


def test_items_with_too_few_pairs_show_only_that(app, client, make_user, worker):
    # 12 responses in the council, but only 6 people answered at both meetings.
    run_programme(app, "Norfolk", [2, 3, 3, 2, 1, 2], [3, 4, 4, 3, 3, 2], unpaired_before=[3, 2, 4])
    submit_more = wave_distribution(app, "Norfolk", WAVES[1])
    for rating in (4, 4, 5):
        submit(app, submit_more, **{WAVE_KEY: WAVES[1], ITEM: str(rating)})
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    norfolk = row(rows_of(client.get(f"{SURVEY}/prepost.csv")), "Norfolk")

    # Decided on the 6 pairs as perturbed by their keys (rarely lifted to 10 or more).
    expected = expected_change(app.extensions["database"], "Norfolk", ITEM, WAVES)
    if expected.pairs == "x":
        assert norfolk["pairs"] == "x"
        assert norfolk["median_before"] == norfolk["hl_shift"] == norfolk["wilcoxon_p"] == ""
        assert "fewer than 10 pairs" in norfolk["note"]
    else:
        assert_row_shows(norfolk, expected)


def test_unpaired_answers_are_compared_separately_and_only_when_large_enough(
    app, client, make_user, worker
):
    before = [1, 2, 2, 3, 2, 1, 3, 2, 2, 1, 2]
    after = [3, 4, 4, 3, 5, 4, 3, 4, 2, 4, 3]
    run_programme(app, "Norfolk", [], [], unpaired_before=before, unpaired_after=after)
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    unpaired = row(rows_of(client.get(f"{SURVEY}/prepost-unpaired.csv")), "Norfolk")
    paired = row(rows_of(client.get(f"{SURVEY}/prepost.csv")), "Norfolk")

    from scipy import stats

    expected = stats.mannwhitneyu(after, before, alternative="two-sided", method="asymptotic")
    assert float(unpaired["mann_whitney_p"]) == pytest.approx(expected.pvalue, rel=1e-3)
    assert (unpaired["responses_before"], unpaired["responses_after"]) == ("10", "10")
    assert float(unpaired["median_before"]) == statistics.median(before)
    assert "not change in the same people" in unpaired["note"]
    assert paired["pairs"] == "x"  # nobody gave a code twice


def test_a_council_lead_sees_only_their_council_and_no_region(app, client, make_user, worker):
    run_programme(app, "Norfolk", NORFOLK_BEFORE, NORFOLK_AFTER)
    run_programme(app, "Suffolk", NORFOLK_AFTER, NORFOLK_BEFORE)
    worker()
    close_periods(app)
    make_user("lead@suffolk.example.org", role="council_lead", council="Suffolk")
    sign_in(client, "lead@suffolk.example.org")

    rows = rows_of(client.get(f"{SURVEY}/prepost.csv"))

    assert {r["council"] for r in rows} == {"Suffolk"}
    # Suffolk's ratings went down: 12 of 20 rated lower.
    suffolk = row(rows, "Suffolk")
    assert within_spread(suffolk["worse"], 12)
    assert_row_shows(suffolk, expected_change(app.extensions["database"], "Suffolk", ITEM, WAVES))


def test_prepost_is_recorded_and_repeats_safely_with_the_counts(
    app, client, make_user, database, worker
):
    run_programme(app, "Norfolk", NORFOLK_BEFORE, NORFOLK_AFTER)
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    assert client.get(f"{SURVEY}/aggregates.csv").status_code == 200
    assert client.get(f"{SURVEY}/prepost.csv").status_code == 200

    with database.session() as session:
        scopes = session.scalars(select(Publication.scope).order_by(Publication.id)).all()
    assert f"Norfolk, period {PERIOD} (before and after)" in scopes
    # The counts are per meeting: each wave's group recorded on its own, none across waves.
    assert any(s.startswith(f"Norfolk, Meeting one, period {PERIOD} (counts)") for s in scopes)
    assert not any(s.startswith(f"Norfolk, period {PERIOD} (counts)") for s in scopes)


def test_a_survey_without_waves_explains_there_is_nothing_to_pair(app, client, make_user):
    make_user()
    sign_in(client, "facilitator@example.org")

    answer = client.get("/facilitator/surveys/child-cp-conference/prepost.csv")

    assert answer.status_code == 400
    assert "nothing to pair" in answer.get_data(as_text=True)


def test_prepost_xlsx_has_a_sheet_per_comparison_with_the_notes(app, client, make_user, worker):
    run_programme(app, "Norfolk", NORFOLK_BEFORE, NORFOLK_AFTER, NORFOLK_LOOK_BACK)
    worker()
    make_user()
    sign_in(client, "facilitator@example.org")
    csv_rows = rows_of(client.get(f"{SURVEY}/prepost.csv"))

    answer = client.get(f"{SURVEY}/prepost.xlsx")

    assert answer.status_code == 200
    assert answer.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(answer.get_data()), read_only=True)
    assert book.sheetnames == ["Before and after", "Response shift", "Not paired", "Column key"]
    sheet = list(book["Before and after"].values)
    header, *rest = sheet
    # Columns in words, never the CSV's ids; the key sheet gives each one's id and meaning.
    assert header[:3] == ("Council", "Question", "Pairs")
    assert not {"hl_shift", "ci_low", "ci_high", "wilcoxon_p"} & set(header)
    key = {row[0]: row[1:] for row in list(book["Column key"].values)[1:]}
    ids = [key[name][0] for name in header]
    assert ids == list(csv_rows[0])
    assert "after minus before" in key["Typical change"][1]
    data = [r for r in rest if r and r[0] in ("Norfolk", REGION)]
    as_text = [
        {column: ("" if v is None else str(v)) for column, v in zip(ids, r, strict=True)}
        for r in data
    ]
    expected = [r for r in csv_rows if "response shift" not in r["note"]]
    # The same rows as the CSV, each item in its words (its question without the opening).
    definition = app.extensions["surveys"]["practitioner-skills"]
    words = {q.id: q.text.en for q in definition.questions}
    assert len(as_text) == len(expected)
    for shown, row in zip(as_text, expected, strict=True):
        assert shown["item"] != row["item"]
        assert shown["item"].lower().rstrip("?") in words[row["item"]].lower()
        assert {**shown, "item": row["item"]} == row
    notes = [r[0] for r in rest if r and r[0] and r[0].startswith(("hidden:", "wilcoxon_p"))]
    assert len(notes) == 2


def test_aggregates_xlsx_has_a_sheet_per_council_matching_the_csv(app, client, make_user, worker):
    run_programme(app, "Norfolk", NORFOLK_BEFORE, NORFOLK_AFTER)
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")
    csv_rows = rows_of(client.get(f"{SURVEY}/aggregates.csv"))

    answer = client.get(f"{SURVEY}/aggregates.xlsx")

    book = load_workbook(io.BytesIO(answer.get_data()), read_only=True)
    # A sheet per council and wave: nothing adds meeting one and meeting four together.
    assert book.sheetnames == [
        "Norfolk, meeting_one",
        "Norfolk, meeting_four",
        "Region, meeting_one",
        "Region, meeting_four",
    ]
    header, *rest = list(book["Norfolk, meeting_four"].values)
    data = [r for r in rest if r and r[0] == "practitioner-skills" and r[1] == "Norfolk"]
    as_text = [
        {h: ("" if v is None else str(v)) for h, v in zip(header, r, strict=True)} for r in data
    ]
    assert as_text == [
        r for r in csv_rows if r["council"] == "Norfolk" and r["wave"] == "meeting_four"
    ]
    assert any(r and str(r[0]).startswith("hidden: c = hidden") for r in rest)


def test_counts_are_per_wave_and_never_added_across_waves(app, client, make_user, worker):
    before, after = [2] * 10 + [3] * 12, [3] * 10 + [4] * 12
    run_programme(app, "Norfolk", before, after)
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    rows = rows_of(client.get(f"{SURVEY}/aggregates.csv"))

    assert {r["wave"] for r in rows} == set(WAVES)
    for wave, ratings in ((WAVES[0], before), (WAVES[1], after)):
        items = {}
        for council in ("Norfolk", REGION):
            item = {
                r["option"]: r
                for r in rows
                if (r["council"], r["wave"], r["question"]) == (council, wave, ITEM)
            }
            (base,) = {r["base"] for r in item.values()}
            assert within_spread(base, 22)  # 22, perturbed by its cell key, rounded to 5
            # Each rating's count, counted here from the ratings given: within the table's
            # spread of the wave's own count, never of both waves' together.
            for rating in ("1", "2", "3", "4", "5"):
                given = ratings.count(int(rating))
                assert within_spread(item[rating]["count"], given), (wave, rating)
            items[council] = {option: r["count"] for option, r in item.items()}
        # The region is Norfolk alone here: the same responses, so the same figures.
        assert items[REGION] == items["Norfolk"]


def test_the_api_gives_prepost_with_a_token(app, client, make_user, database, worker):
    run_programme(app, "Norfolk", NORFOLK_BEFORE, NORFOLK_AFTER)
    worker()
    close_periods(app)
    make_user()
    with database.session() as session:
        token = operations.create_api_token(session, "facilitator@example.org")
        session.commit()

    answer = client.get(f"{API}/prepost.csv", headers={"Authorization": f"Bearer {token}"})
    refused = client.get(f"{API}/prepost.csv")

    assert within_spread(row(rows_of(answer), "Norfolk")["pairs"], 20)
    assert refused.status_code == 401


def test_a_replaced_answer_is_left_out_of_filtered_counts_as_of_the_totals(
    app, client, make_user, worker
):
    before = [2] * 20
    run_programme(app, "Norfolk", before, [3] * 20)
    one = wave_distribution(app, "Norfolk", WAVES[0])
    # Eight practitioners answer meeting one again: each new answer replaces the old one.
    for number in range(8):
        code = f"NO{number:06d}".replace("0", "A").replace("1", "B")
        submit(app, one, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: "5"})
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")
    totals = rows_of(client.get(f"{SURVEY}/aggregates.csv?council=Norfolk"))
    filtered = rows_of(client.get(f"{SURVEY}/aggregates.csv?council=Norfolk&period={PERIOD}"))

    def counts(rows: list[dict[str, str]]) -> dict[str, str]:
        return {
            r["option"]: r["count"] for r in rows if r["question"] == ITEM and r["wave"] == WAVES[0]
        }

    assert counts(totals) == counts(filtered)
    # 12 and 8, each perturbed by its cell key, then hidden below 8 or rounded.
    assert within_spread(counts(totals)["2"], 12)
    assert within_spread(counts(totals)["5"], 8)


def test_the_region_never_shows_a_count_a_few_away_from_a_council_shown_beside_it(
    app, client, make_user, worker
):
    """Norfolk: 20 improved. Suffolk: 5 improved, 20 the same, 20 worse, all hidden. Shown
    alone, the region's 25 improved would give Suffolk's 5 away (25 - 20): tables shown earlier
    in the same download count as published for the ones after them."""
    run_programme(app, "Norfolk", [2] * 20, [3] * 20)
    run_programme(app, "Suffolk", [2] * 45, [3] * 5 + [2] * 20 + [1] * 20)
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    rows = rows_of(client.get(f"{SURVEY}/prepost.csv"))

    database = app.extensions["database"]
    assert (
        row(rows, "Norfolk")["improved"]
        == expected_change(database, "Norfolk", ITEM, WAVES).improved
    )
    suffolk = expected_change(database, "Suffolk", ITEM, WAVES)
    assert (row(rows, "Suffolk")["improved"], row(rows, "Suffolk")["same"]) == (
        suffolk.improved,
        suffolk.same,
    )
    # 25 improved in the region, 20 in Norfolk: the region's count is hidden whatever its
    # perturbed value, as a reader who knew both exactly would read Suffolk's 5.
    region = row(rows, REGION)
    assert region["improved"] == "c"


def test_a_programme_straddling_two_quarters_shows_its_pairs_in_the_later_quarter(
    app, client, make_user, worker
):
    """Meeting one in one quarter, meeting four in the next: each pair belongs to the quarter
    its meeting-four answer was sent in, paired with the same code's meeting-one answer of the
    quarter before; the earlier quarter's tables count those meeting-one answers once only."""
    settings = app.extensions["surveys"]["practitioner-skills"].publication
    one, four = (
        wave_distribution(app, "Norfolk", WAVES[0]),
        wave_distribution(app, "Norfolk", WAVES[1]),
    )
    codes = [f"NF{number:06d}".replace("0", "A").replace("1", "B") for number in range(20)]
    first = period_sent_in(settings, clock_of(app).now())
    for code, rating in zip(codes, NORFOLK_BEFORE, strict=True):
        submit(app, one, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: str(rating)})
    for rating in [3] * 10:  # no code: never paired
        submit(app, one, **{WAVE_KEY: WAVES[0], ITEM: str(rating)})
    worker()
    close_periods(app)
    second = period_sent_in(settings, clock_of(app).now())
    for code, rating in zip(codes, NORFOLK_AFTER, strict=True):
        submit(app, four, **{WAVE_KEY: WAVES[1], PERSONAL_CODE_KEY: code, ITEM: str(rating)})
    for rating in [4] * 10:  # no code: never paired
        submit(app, four, **{WAVE_KEY: WAVES[1], ITEM: str(rating)})
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    later = rows_of(client.get(f"{SURVEY}/prepost.csv"))
    named = rows_of(client.get(f"{SURVEY}/prepost.csv?period={second.key}"))
    earlier = rows_of(client.get(f"{SURVEY}/prepost.csv?period={first.key}"))
    later_unpaired = rows_of(client.get(f"{SURVEY}/prepost-unpaired.csv"))

    # Counted here, from what was sent, independently of the service's pairing.
    sent_before = dict(zip(codes, NORFOLK_BEFORE, strict=True))
    changes = [now - sent_before[code] for code, now in zip(codes, NORFOLK_AFTER, strict=True)]
    assert (len(changes), sum(c > 0 for c in changes), sum(c == 0 for c in changes)) == (20, 12, 8)
    assert (first.key, second.key) == (first.key, first.following().key)
    norfolk = row(later, "Norfolk")
    assert norfolk == row(named, "Norfolk")
    assert within_spread(norfolk["pairs"], 20) and within_spread(norfolk["improved"], 12)
    assert_row_shows(norfolk, expected_change(app.extensions["database"], "Norfolk", ITEM, WAVES))
    # The earlier quarter has meeting-one answers only: no pairs, and nothing of the later one.
    assert row(earlier, "Norfolk")["pairs"] == "x"
    assert "too small" in row(earlier, "Norfolk")["note"]
    # The earlier quarter's meeting-one answers are only the before of pairs in the later
    # quarter: the 10 without a code are not counted again there as unpaired answers.
    unpaired = row(later_unpaired, "Norfolk")
    assert unpaired["responses_before"] == "x" and "too small" in unpaired["note"]
