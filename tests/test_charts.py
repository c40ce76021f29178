"""Charts that cannot mislead: the right chart for each kind of answer, hidden figures drawn
apart from the answers, and words that neither overlap nor leave the figure.

Layout is measured with matplotlib's own text extents on the figure the SVG is made from. The
page and the PDF scale that SVG to their width (at most 48rem on the page, 180 mm on A4), which
scales every piece of text and every bar alike: what does not overlap here does not overlap
there.
"""

from __future__ import annotations

import colorsys
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from playwright.sync_api import Browser

from survey_app.reports import charts
from tests.conftest import PASSWORD, make_council

# Where the screenshots and PDFs go for a person to look at (nothing secret is written).
SCREENSHOTS = Path("/tmp")  # noqa: S108

Segment, Bar = charts.Segment, charts.Bar

RATINGS = ("Very limited", "Limited", "Adequate", "Good", "Excellent")
LONG_TITLE = (
    "Looking back, how would you now rate your skill in involving children in their child "
    "protection plans before the programme, taking into account everything you have learned?"
)
REASONS = (
    "I didn't know about it",
    "It was at school time",
    "I didn't want to",
    "I was scared or worried",
    "Nobody asked me",
    "I was told not to come, by someone who was going to be at the meeting",
    "Something else",
    "I don't know",
)


def rating(label: str, *shares: float | None, rather_not_say: float | None = 3.0) -> Bar:
    """One group's answers on the five-point scale, then "I'd rather not say"."""
    segments = tuple(Segment(name, share) for name, share in zip(RATINGS, shares, strict=True))
    return Bar(label, (*segments, Segment("I'd rather not say", rather_not_say)))


def reasons(label: str, *shares: float | None) -> Bar:
    return Bar(label, tuple(Segment(n, s) for n, s in zip(REASONS, shares, strict=True)))


# Every kind of chart, with short and long words, hidden figures and groups with too few.
FIGURES = {
    "diverging, two waves": lambda: charts.diverging_figure(
        "How would you rate your knowledge of children's rights?",
        [rating("Meeting one", 20, 40, 37, 0, 0), rating("Meeting four", 0, 5, 30, 40, 22)],
        2,
        True,
        beside=1,
    ),
    "diverging, long words, hidden and too few": lambda: charts.diverging_figure(
        LONG_TITLE,
        [
            rating("Norfolk County Council children's services, aged 12 to 17", 8, 2, 30, 30, 27),
            rating("Meeting one", None, None, 40, 30, 20, rather_not_say=None),
            rating("Suffolk", None, None, None, None, None, rather_not_say=None),
        ],
        2,
        True,
        beside=1,
    ),
    "diverging, even scale": lambda: charts.diverging_figure(
        "Four points",
        [Bar("Group", tuple(Segment(n, 25.0) for n in ("Never", "Rarely", "Often", "Always")))],
        2,
        False,
    ),
    "stacked": lambda: charts.stacked_figure(
        "Did you go to the meeting about you?",
        [
            Bar("Suffolk", (Segment("Yes", 62.0), Segment("No", 30.0), Segment("Not sure", 8.0))),
            Bar(
                "Suffolk, aged 12 to 17",
                (Segment("Yes", 70.0), Segment("No", None), Segment("Not sure", None)),
            ),
            Bar("Suffolk, aged 8 to 11", (Segment("Yes", None),) * 3),
        ],
    ),
    "stacked, many long answers": lambda: charts.stacked_figure(
        LONG_TITLE,
        [
            Bar(
                "Region (all councils)",
                tuple(
                    Segment(name, share)
                    for name, share in zip(
                        (
                            "Social worker",
                            "Conference chair or Independent Reviewing Officer (IRO)",
                            "Advocate",
                            "Manager",
                            "Other",
                            "I'd rather not say",
                        ),
                        (40.0, 25.0, 15.0, 10.0, 6.0, 4.0),
                        strict=True,
                    )
                ),
            )
        ],
    ),
    # Published shares are of a perturbed, rounded base: a small group's can pass 100%.
    "stacked, shares past 100": lambda: charts.stacked_figure(
        "Did you have an advocate or someone else with you?",
        [
            Bar(
                "Suffolk",
                (Segment("Yes", 80.0), Segment("No", 60.0), Segment("I don't know", 10.0)),
            )
        ],
        special=1,
    ),
    "multiple choice": lambda: charts.choice_figure(
        "Why didn't you go to the meeting?",
        [
            reasons("Suffolk", 45, 30, None, 96, 20, 0, 10, 5),
            reasons("Suffolk, aged 12 to 17", 50, 35, 20, 90, None, None, 10, 5),
            reasons("Suffolk, aged 8 to 11", *([None] * len(REASONS))),
        ],
    ),
    "change": lambda: charts.change_figure(
        "Typical change per person, with 95% confidence interval (Norfolk)",
        [
            charts.Interval(
                "Skill in involving children in child protection conferences", 1, 0.5, 1.5
            ),
            charts.Interval("Knowledge of children's rights", 0.5, None, None),
            charts.Interval("Skill in recording the child's voice", -0.5, -1.5, 0.0),
        ],
        "Change in rating points (after minus before)",
    ),
    "responses over time, a few months": lambda: charts.counts_figure(
        "Responses each month (Suffolk)", ["2026-01", "2026-02", "2026-03"], [25, None, 30]
    ),
    "responses over time, three years": lambda: charts.counts_figure(
        "Responses each month (Region (all councils))",
        [f"{year}-{month:02d}" for year in (2024, 2025, 2026) for month in range(1, 13)],
        [None if month % 7 == 0 else 5 * month for month in range(36)],
    ),
}


def drawn_texts(figure: Figure) -> list[tuple[Text, Bbox]]:
    """Every piece of text the figure draws, with where it lands (in pixels)."""
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    off_axis = set()
    for axes in figure.axes:
        for axis, (low, high) in ((axes.xaxis, axes.get_xlim()), (axes.yaxis, axes.get_ylim())):
            low, high = sorted((low, high))
            for tick in axis.get_major_ticks():
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    off_axis.update({id(tick.label1), id(tick.label2)})
    return [
        (text, text.get_window_extent(renderer))
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip() and id(text) not in off_axis
    ]


def overlap(one: Bbox, other: Bbox, slack: float = 0.5) -> bool:
    return (
        min(one.x1, other.x1) - max(one.x0, other.x0) > slack
        and min(one.y1, other.y1) - max(one.y0, other.y0) > slack
    )


def inside(small: Bbox, large: Bbox, slack: float = 0.5) -> bool:
    return (
        small.x0 >= large.x0 - slack
        and small.y0 >= large.y0 - slack
        and small.x1 <= large.x1 + slack
        and small.y1 <= large.y1 + slack
    )


def bar_patches(figure: Figure) -> list[Rectangle]:
    """The bars drawn (not the axes' own background)."""
    return [
        patch
        for axes in figure.axes
        for patch in axes.patches
        if isinstance(patch, Rectangle) and patch.get_width() > 0
    ]


def words_of(figure: Figure) -> list[str]:
    return [" ".join(text.get_text().split()) for text, _ in drawn_texts(figure)]


@pytest.mark.parametrize("name", FIGURES)
def test_no_two_words_on_a_chart_overlap_and_none_leave_the_figure(name: str) -> None:
    figure = FIGURES[name]()

    texts = drawn_texts(figure)

    page = figure.bbox
    outside = [text.get_text() for text, box in texts if not inside(box, page)]
    assert outside == [], f"{name}: text cut off at the edge of the figure"
    clashes = [
        (a.get_text(), b.get_text())
        for (a, box_a), (b, box_b) in itertools.combinations(texts, 2)
        if overlap(box_a, box_b)
    ]
    assert clashes == [], f"{name}: overlapping text"


@pytest.mark.parametrize("name", FIGURES)
def test_a_number_on_a_bar_sits_wholly_inside_it_or_wholly_off_it(name: str) -> None:
    figure = FIGURES[name]()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = drawn_texts(figure)

    straddling = [
        text.get_text()
        for patch in bar_patches(figure)
        for text, box in texts
        if overlap(box, patch.get_window_extent(renderer))
        and not inside(box, patch.get_window_extent(renderer))
    ]

    assert straddling == []


def test_a_long_title_is_wrapped_whole_not_cut() -> None:
    figure = FIGURES["diverging, long words, hidden and too few"]()

    words = words_of(figure)

    assert LONG_TITLE in words
    title = next(
        text for text, _ in drawn_texts(figure) if " ".join(text.get_text().split()) == LONG_TITLE
    )
    assert "\n" in title.get_text()


def test_a_multiple_choice_chart_has_one_bar_per_answer_from_zero_and_says_why_they_pass_100() -> (
    None
):
    figure = charts.choice_figure(
        "Why didn't you go to the meeting?", [reasons("Suffolk", 45, 30, 20, 96, 20, 0, 10, 5)]
    )

    bars = bar_patches(figure)

    # 7 bars (the 0% answer has none): 226% in all, each its own share of those who answered.
    assert sorted(round(bar.get_width()) for bar in bars) == [5, 10, 20, 20, 30, 45, 96]
    assert {bar.get_x() for bar in bars} == {0.0}
    assert all(bar.get_x() + bar.get_width() <= 100 for bar in bars)
    assert any("could choose more than one" in words for words in words_of(figure))
    assert "96%" in words_of(figure)


def test_a_hidden_multiple_choice_answer_says_so_where_its_bar_would_be() -> None:
    figure = charts.choice_figure(
        "Why didn't you go to the meeting?", [reasons("Suffolk", 45, 30, None, 96, 20, 0, 10, 5)]
    )

    assert words_of(figure).count("not shown (small numbers)") == 1
    assert len(bar_patches(figure)) == 6


def test_hidden_figures_on_a_rating_scale_stand_beside_the_bar_never_at_its_positive_end() -> None:
    figure = charts.diverging_figure(
        "How would you rate your knowledge of children's rights?",
        [rating("Meeting one", 20, 40, 31, None, None, rather_not_say=3)],
        2,
        True,
        beside=1,
    )
    bars_axes = figure.axes[0]

    segments = [bar for bar in bar_patches(figure) if bar.axes is bars_axes]

    # Very limited, Limited, Adequate drawn; Good and Excellent hidden: nothing right of the
    # half of "Adequate" past the middle, and nothing hatched in the bar at all.
    assert len(segments) == 3
    assert max(bar.get_x() + bar.get_width() for bar in segments) == pytest.approx(15.5)
    assert not any(bar.get_hatch() for bar in segments)
    words = words_of(figure)
    assert "Not shown (small numbers)" in words and "6%" in words
    assert "I'd rather not say" in words and "3%" in words


def test_dont_know_and_rather_not_say_are_beside_a_rating_bar_not_inside_it() -> None:
    figure = charts.diverging_figure(
        "Ratings",
        [rating("Meeting one", 10, 20, 30, 20, 10, rather_not_say=10)],
        2,
        True,
        beside=1,
    )
    bars_axes, beside_axes = figure.axes

    drawn = [bar for bar in bar_patches(figure) if bar.axes is bars_axes]

    assert sum(bar.get_width() for bar in drawn) == pytest.approx(90)
    assert [t.get_text() for t in beside_axes.texts] == ["10%"]
    assert [t.get_text() for t in beside_axes.get_xticklabels()] == ["I'd rather\nnot say"]


def test_a_hidden_rather_not_say_is_written_not_shown_beside_the_bar() -> None:
    figure = charts.diverging_figure(
        "Ratings", [rating("Meeting one", 20, 40, 30, 8, None, rather_not_say=None)], 2, True, 1
    )

    beside = [text.get_text() for text in figure.axes[1].texts]

    # Excellent and "I'd rather not say" hidden: 2% between them, said once, apart from both.
    assert beside == ["not shown", "2%"]


@pytest.mark.parametrize("kind", ["diverging", "stacked", "multiple choice"])
def test_a_group_with_every_figure_hidden_says_too_few_answers_and_has_no_bar(kind: str) -> None:
    hidden = rating("Suffolk", None, None, None, None, None, rather_not_say=None)
    if kind == "diverging":
        figure = charts.diverging_figure("Ratings", [hidden], 2, True, beside=1)
    elif kind == "stacked":
        figure = charts.stacked_figure("Ratings", [hidden])
    else:
        figure = charts.choice_figure("Reasons", [hidden])

    assert bar_patches(figure) == []
    assert "Too few answers to show" in words_of(figure)


def test_a_stacked_bar_puts_what_is_hidden_in_one_neutral_hatched_block_at_its_end() -> None:
    figure = charts.stacked_figure(
        "Did you go?",
        [Bar("Suffolk", (Segment("Yes", 60.0), Segment("No", None), Segment("Not sure", None)))],
    )

    bars = sorted(bar_patches(figure), key=lambda bar: bar.get_x())

    assert [round(bar.get_width()) for bar in bars] == [60, 40]
    assert bars[-1].get_hatch() and to_rgb(bars[-1].get_facecolor()) == (1.0, 1.0, 1.0)
    assert "Not shown (small numbers)" in words_of(figure)


def test_shown_shares_past_100_fill_the_bar_in_proportion_and_keep_their_published_numbers() -> (
    None
):
    figure = FIGURES["stacked, shares past 100"]()

    bars = sorted(bar_patches(figure), key=lambda bar: bar.get_x())

    assert [round(bar.get_width()) for bar in bars] == [53, 40, 7]  # 80:60:10 of one bar
    assert round(bars[-1].get_x() + bars[-1].get_width()) == 100
    assert {"80%", "60%"} <= {t.get_text() for t in figure.axes[0].texts}


def hue_and_lightness(colour: str) -> tuple[float, float, float]:
    hue, lightness, saturation = colorsys.rgb_to_hls(*to_rgb(colour))
    return hue * 360, lightness, saturation


@pytest.mark.parametrize(
    ("negative", "neutral", "positive"), [(2, True, 2), (3, False, 3), (1, True, 1), (3, True, 3)]
)
def test_a_rating_scale_is_one_hue_family_a_side_darkening_outwards_with_a_grey_middle(
    negative: int, neutral: bool, positive: int
) -> None:
    colours = charts.diverging_colours(negative, neutral, positive)

    low, high = colours[:negative], colours[len(colours) - positive :]
    for side in (low, high):
        hues = [hue_and_lightness(c)[0] for c in side]
        assert max(hues) - min(hues) < 20  # one family
    # Lighter towards the middle on both sides.
    assert [hue_and_lightness(c)[1] for c in low] == sorted(hue_and_lightness(c)[1] for c in low)
    assert [hue_and_lightness(c)[1] for c in high] == sorted(
        (hue_and_lightness(c)[1] for c in high), reverse=True
    )
    # The two sides are told apart by hue, not only lightness (orange against blue).
    assert abs(hue_and_lightness(low[0])[0] - hue_and_lightness(high[0])[0]) > 120
    if neutral:
        assert hue_and_lightness(colours[negative])[2] == 0  # grey


def test_numbers_too_wide_for_their_segment_are_left_to_the_table() -> None:
    figure = charts.diverging_figure(
        "Ratings", [rating("Meeting one", 1, 2, 40, 54, 1, rather_not_say=2)], 2, True, beside=1
    )

    on_bars = [t.get_text() for t in figure.axes[0].texts]

    assert "40%" in on_bars and "54%" in on_bars
    assert "1%" not in on_bars and "2%" not in on_bars


def test_the_svg_keeps_its_title_and_no_inline_style() -> None:
    svg = charts.choice_bars(
        "Why didn't you go?", [reasons("Suffolk", 45, 30, None, 96, 20, 0, 10, 5)]
    )

    assert svg.startswith('<svg class="chart" role="img"')
    assert "<title>Why didn't you go?</title>" in svg
    # No inline styles: the page's Content Security Policy forbids them.
    assert ' style="' not in svg and "<style" not in svg
    assert re.search(r"could choose more than one", svg)


def test_a_chart_in_words_says_what_is_hidden_and_what_can_pass_100() -> None:
    words = charts.in_words(
        [
            reasons("Suffolk", 45, 30, None, 96, 20, 0, 10, 5),
            reasons("Suffolk, aged 8 to 11", *([None] * len(REASONS))),
        ],
        multiple=True,
    )

    assert "could choose more than one answer" in words
    assert "I was scared or worried 96%" in words and "I didn't want to not shown" in words
    assert "Suffolk, aged 8 to 11: too few answers to show." in words
    rated = charts.in_words([rating("Meeting one", 20, 40, 31, None, None, rather_not_say=3)])
    assert rated == (
        "Meeting one: Very limited 20%, Limited 40%, Adequate 31%, Good not shown, "
        "Excellent not shown, I'd rather not say 3% (6% not shown in all, small numbers)."
    )


# Each chart's words as Chromium lays them out (its own font, at the page's size): any that
# leave their chart or overlap another.
TEXT_PROBLEMS = """() => {
  const problems = [];
  for (const svg of document.querySelectorAll("svg.chart")) {
    const chart = svg.querySelector("title").textContent;
    const frame = svg.getBoundingClientRect();
    const boxes = [...svg.querySelectorAll("text")]
      .filter(text => text.textContent.trim())
      .map(text => [text.textContent.trim(), text.getBoundingClientRect()]);
    for (const [words, box] of boxes) {
      if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5 ||
          box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5) {
        problems.push(`${chart}: "${words}" leaves the chart`);
      }
    }
    boxes.forEach(([words, box], index) => {
      for (const [other, next] of boxes.slice(index + 1)) {
        const wide = Math.min(box.right, next.right) - Math.max(box.left, next.left);
        const high = Math.min(box.bottom, next.bottom) - Math.max(box.top, next.top);
        if (wide > 0.5 && high > 0.5) problems.push(`${chart}: "${words}" overlaps "${other}"`);
      }
    });
  }
  return problems;
}"""


def test_in_chromium_no_chart_words_overlap_or_leave_their_chart_on_screen_or_in_print(
    browser: Browser,
    make_app: Callable[..., Flask],
    worker: Callable[[], None],
) -> None:
    from survey_app import operations
    from tests.conftest import close_periods
    from tests.live_server import serve
    from tests.programmes import SHIPPED, run_programme
    from tests.submissions import submit

    server = serve(make_app, SURVEY_DIR=str(SHIPPED))
    run_programme(server.app, "Norfolk", [1] * 8 + [2] * 16 + [3] * 16, [2] * 8 + [3] * 32)
    with server.app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        suffolk = operations.create_distribution(
            session, "child-cp-conference", "Suffolk", "CP conferences"
        )
        operations.create_user(session, "facilitator@example.org", PASSWORD, "facilitator", None)
        session.commit()
    faces, help_from = ("okay", "happy", "very_happy"), ("advocate", "no_one")
    for number in range(30):  # 10 or more of every answer given, so nothing is hidden
        submit(
            server.app,
            suffolk,
            went_to_meeting="no",
            why_not_there=["didnt_know", "school_time"] if number < 20 else ["nobody_asked"],
            listened_to=faces[number % 3],
            understood_decision=("yes", "some", "no")[number % 3],
            who_helped=help_from[number % 2],
        )
    worker()
    close_periods(server.app)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(server.url + "/facilitator/login")
        page.get_by_label("Email address").fill("facilitator@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in", exact=True).click()
        # The page at 1280 px, then as printed on A4 (180 mm of width inside the margins).
        for width, media in ((1280, "screen"), (680, "print")):
            page.set_viewport_size({"width": width, "height": 900})
            page.emulate_media(media=media)
            for survey in ("practitioner-skills", "child-cp-conference"):
                page.goto(f"{server.url}/facilitator/surveys/{survey}/report")
                assert page.locator("svg.chart").count() >= 3
                assert page.evaluate(TEXT_PROBLEMS) == [], f"{survey} at {width} px ({media})"
                shot = SCREENSHOTS / f"report-charts-{survey}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
        for survey in ("practitioner-skills", "child-cp-conference"):
            pdf = page.request.get(f"{server.url}/facilitator/surveys/{survey}/report.pdf")
            assert pdf.ok and pdf.body().startswith(b"%PDF")
            (SCREENSHOTS / f"report-charts-{survey}.pdf").write_bytes(pdf.body())
    finally:
        context.close()
        server.stop()
