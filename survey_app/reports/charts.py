"""Charts drawn on the server with matplotlib, as SVG to put straight into the page.

Each kind of answer has the one chart that cannot mislead about it:

- a rating scale: bars diverging from the middle of the scale, in scale order, lower ratings
  in one hue family and higher ones in another, the middle in grey; "don't know", "rather not
  say" and what is not shown stand beside the bar, never inside it;
- answers that do not form a scale: 100% bars, with what is not shown as a separate, neutral
  block at the end;
- a question where several answers could be chosen: one bar per answer, each a share of those
  who answered, saying so (the bars can add up to more than 100%).

Every function takes figures that have already been through disclosure control: a segment
given as None is hidden, and a group whose figures are all hidden shows "Too few answers to
show" and no bar. Words are wrapped by their measured width, never cut, and laid out so that no
two pieces of text overlap and none leaves the figure (tests/test_charts.py measures it).

The SVG keeps its words as text (sharp, searchable, small), carries a <title>, and has no
<style> element or style attributes, so the page's Content Security Policy can forbid inline
styles. Hidden blocks are hatched so they never rely on colour alone.

Over 400 lines on purpose: one function per kind of chart, side by side so they share one
palette and one way of showing what is hidden; the layout arithmetic is in `chart_layout.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib import colormaps  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .chart_layout import (  # noqa: E402
    HIDDEN_STYLE,
    INK,
    LABEL_SIZE,
    NOT_SHOWN_LABEL,
    SETTINGS,
    SMALL_SIZE,
    WIDTH,
    bar_rows,
    headed_figure,
    ink_on,
    labelled_segment,
    line_count,
    styled,
    svg,
    titled_figure,
    width_in_points,
    wrap,
    wrapped_heading,
)

# One hue family a side, darker for stronger answers (sequential, so the order survives
# colour blindness and greyscale printing); the middle of the scale neutral grey.
NEGATIVE_COLOURS = "Oranges"
POSITIVE_COLOURS = "Blues"
NEUTRAL = "#BDBDBD"
# Okabe & Ito (2008): distinguishable with every common form of colour blindness.
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
# Paul Tol's "muted" scheme, also colour-blind safe, for answers too many for Okabe & Ito's.
MANY_SERIES = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
# "Don't know" and "rather not say" are not answers to the question: greys, not hues.
SPECIAL_GREYS = ("#8C8C8C", "#D0D0D0")
TOO_FEW = "Too few answers to show"
MULTIPLE_CHOICE_WORDS = (
    "Each bar is the share of those who answered who chose that answer. Each person could "
    "choose more than one answer, so the shares can add up to more than 100%."
)
MULTIPLE_CHOICE_AXIS = (
    "% of those who answered. Each person could choose more than one answer, "
    "so the bars can add up to more than 100%."
)


@dataclass(frozen=True)
class Segment:
    label: str
    percent: float | None  # None: hidden


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]

    @property
    def too_few(self) -> bool:
        """Every answer given is hidden (what is shown is only zeros): a bar would be nothing
        but "not shown"."""
        shares = [segment.percent for segment in self.segments]
        return None in shares and not any(shares)

    def not_shown(self) -> float | None:
        """The share hidden in small numbers (what the shown shares leave of 100%), or None
        when nothing is hidden, or everything is. Only for answers that partition those who
        answered (not multiple choice, whose shares need not add up to 100%)."""
        shown = [s.percent for s in self.segments]
        if None not in shown or self.too_few:
            return None
        return max(0.0, 100.0 - sum(p for p in shown if p is not None))


@dataclass(frozen=True)
class Interval:
    label: str
    estimate: float
    low: float | None
    high: float | None


def diverging_bars(
    title: str, bars: Sequence[Bar], negative: int, neutral: bool, beside: int = 0
) -> str:
    """A rating scale's answers, one bar per group, centred on the middle of the scale (see
    `diverging_figure`), as SVG."""
    with matplotlib.rc_context(SETTINGS):
        return svg(diverging_figure(title, bars, negative, neutral, beside), title)


@styled
def diverging_figure(
    title: str, bars: Sequence[Bar], negative: int, neutral: bool, beside: int = 0
) -> Figure:
    """The first `negative` segments of every bar go left of zero (strongest furthest), a
    neutral middle segment (if `neutral`) is split across zero, the rest of the scale goes
    right; the last `beside` segments ("don't know", "rather not say") and the share not shown
    are written in columns beside the bars."""
    scale_size = len(bars[0].segments) - beside if bars else 0
    scale = [s.label for s in bars[0].segments[:scale_size]] if bars else []
    colours = diverging_colours(negative, neutral, scale_size - negative - int(neutral))
    columns = [s.label for s in bars[0].segments[scale_size:]] if bars else []
    if any(bar.not_shown() is not None for bar in bars):
        columns.append(NOT_SHOWN_LABEL)
    headers = [wrap(name, 60, 8.5) for name in columns]
    figure, axes, side = bar_rows(
        title, [b.label for b in bars], scale, colours, headers, hidden_in_legend=False
    )
    for row, bar in enumerate(bars):
        y = len(bars) - 1 - row
        if bar.too_few:
            axes.text(0, y, TOO_FEW, ha="center", va="center", fontsize=SMALL_SIZE, color=INK)
            continue
        shares = [s.percent for s in bar.segments[:scale_size]]
        middle = (shares[negative] or 0.0) / 2 if neutral else 0.0
        left = -middle - sum(p or 0.0 for p in shares[:negative])
        for index, share in enumerate(shares):
            if share is None:
                continue
            labelled_segment(axes, y, left, share, colours[index], span=200)
            left += share
        if side is not None:
            cells = [
                "not shown" if s.percent is None else f"{s.percent:.0f}%"
                for s in bar.segments[scale_size:]
            ]
            if NOT_SHOWN_LABEL in columns:
                cells.append(f"{bar.not_shown() or 0:.0f}%")
            for column, words in enumerate(cells):
                side.text(column, y, words, ha="center", va="center", fontsize=SMALL_SIZE)
    axes.axvline(0, color=INK, linewidth=0.8)
    axes.set_xlim(-100, 100)
    axes.set_xticks([-100, -50, 0, 50, 100], ["100%", "50%", "0", "50%", "100%"])
    return figure


def stacked_bars(title: str, bars: Sequence[Bar], special: int = 0) -> str:
    """Answers that do not form a scale, one 100% bar per group (see `stacked_figure`), as
    SVG."""
    with matplotlib.rc_context(SETTINGS):
        return svg(stacked_figure(title, bars, special), title)


@styled
def stacked_figure(title: str, bars: Sequence[Bar], special: int = 0) -> Figure:
    """One bar per group from 0 to 100%, its answers in order, the last `special` of them
    ("don't know", "rather not say") in greys; what is hidden is one neutral, hatched "not
    shown" block at the end of the bar."""
    names = [segment.label for segment in bars[0].segments] if bars else []
    answers = len(names) - special
    palette = SERIES if answers <= len(SERIES) else MANY_SERIES
    colours = [palette[i % len(palette)] for i in range(answers)]
    colours += [SPECIAL_GREYS[i % len(SPECIAL_GREYS)] for i in range(special)]
    hidden = any(bar.not_shown() is not None for bar in bars)
    figure, axes, _ = bar_rows(
        title, [b.label for b in bars], names, colours, [], hidden_in_legend=hidden
    )
    for row, bar in enumerate(bars):
        y = len(bars) - 1 - row
        if bar.too_few:
            axes.text(50, y, TOO_FEW, ha="center", va="center", fontsize=SMALL_SIZE, color=INK)
            continue
        # Shares are of a perturbed, rounded base, so the shown ones can pass 100% ("80%" and
        # "60%" of a small group): the bar is still the whole group, so its segments are drawn
        # in proportion to fit it, each labelled with its published share, never past the axis.
        shown = sum(segment.percent or 0.0 for segment in bar.segments)
        scale = 100 / shown if shown > 100 else 1.0
        left = 0.0
        for index, segment in enumerate(bar.segments):
            if segment.percent is not None:
                width = segment.percent * scale
                labelled_segment(
                    axes, y, left, width, colours[index], span=100, words=f"{segment.percent:.0f}%"
                )
                left += width
        rest = bar.not_shown()
        if rest is not None and rest > 0.05:
            axes.barh(y, rest, left=left, height=0.62, linewidth=0.8, **HIDDEN_STYLE)
    axes.set_xlim(0, 100)
    axes.set_xticks([0, 25, 50, 75, 100], ["0", "25%", "50%", "75%", "100%"])
    return figure


def choice_bars(title: str, bars: Sequence[Bar]) -> str:
    """A question where several answers could be chosen (see `choice_figure`), as SVG."""
    with matplotlib.rc_context(SETTINGS):
        return svg(choice_figure(title, bars), title)


@styled
def choice_figure(title: str, bars: Sequence[Bar]) -> Figure:
    """One panel per group, one bar per answer: the share of those who answered that chose it.
    A hidden answer says "not shown (small numbers)" where its bar would be."""
    options = [wrap(s.label, 170, LABEL_SIZE) for s in bars[0].segments] if bars else []
    row = max([0.3, *(line_count(o) * 0.17 + 0.1 for o in options)])
    names_width = max(
        [0.0, *(width_in_points(line, LABEL_SIZE) for o in options for line in o.split("\n"))]
    )
    left, right = (names_width + 14) / 72, WIDTH - 0.3
    heading, heading_height = wrapped_heading(title)
    axis_words = wrap(MULTIPLE_CHOICE_AXIS, (WIDTH - 0.3) * 72, SMALL_SIZE)
    axis_height = 0.32 + line_count(axis_words) * SMALL_SIZE * 1.3 / 72 + 0.1
    names = [wrap(bar.label, (right - left) * 72, LABEL_SIZE) for bar in bars]
    panels = [
        (
            line_count(name) * LABEL_SIZE * 1.3 / 72 + 0.1,
            0.45 if bar.too_few else row * len(options),
        )
        for name, bar in zip(names, bars, strict=True)
    ]
    gap = 0.15
    height = heading_height + sum(t + b + gap for t, b in panels) + axis_height
    figure = headed_figure(heading, height)
    top = height - heading_height
    first = None
    for bar, name, (name_height, body) in zip(bars, names, panels, strict=True):
        top -= name_height
        axes = figure.add_axes(
            (left / WIDTH, (top - body) / height, (right - left) / WIDTH, body / height),
            sharex=first,
        )
        top -= body + gap
        first = first or axes
        axes.set_title(name, loc="left", fontsize=LABEL_SIZE, fontweight="bold", color=INK, pad=4)
        axes.set_xlim(0, 100)
        axes.tick_params(axis="x", labelbottom=False)
        if bar.too_few:
            axes.set_ylim(-0.6, 0.6)
            axes.set_yticks([])
            axes.text(50, 0, TOO_FEW, ha="center", va="center", fontsize=SMALL_SIZE, color=INK)
            continue
        count = len(bar.segments)
        axes.set_yticks(range(count), list(reversed(options)))
        axes.set_ylim(-0.6, count - 0.4)
        axes.tick_params(axis="y", length=0)
        for index, segment in enumerate(bar.segments):
            _answer_bar(axes, count - 1 - index, segment.percent)
    if first is not None:
        axes.set_xticks([0, 25, 50, 75, 100], ["0", "25%", "50%", "75%", "100%"])
        axes.tick_params(axis="x", labelbottom=True)
    figure.text(
        0.1 / WIDTH,
        0.1 / height,
        axis_words,
        ha="left",
        va="bottom",
        fontsize=SMALL_SIZE,
        color=INK,
    )
    return figure


def _answer_bar(axes: Axes, y: float, share: float | None) -> None:
    """One answer's bar from zero, its percentage after its end (inside, when the bar nearly
    fills the axis), or the words "not shown" where a hidden answer's bar would be."""
    if share is None:
        axes.text(
            1,
            y,
            "not shown (small numbers)",
            ha="left",
            va="center",
            fontsize=SMALL_SIZE - 0.5,
            color="#444444",
            style="italic",
        )
        return
    axes.barh(y, share, height=0.62, color=SERIES[0])
    inside = share > 88
    axes.text(
        share - 1 if inside else share + 1,
        y,
        f"{share:.0f}%",
        ha="right" if inside else "left",
        va="center",
        fontsize=SMALL_SIZE,
        color=ink_on(SERIES[0]) if inside else INK,
    )


def change_intervals(title: str, items: Sequence[Interval], unit: str) -> str:
    """Each item's estimated change as a dot with its confidence interval as a line, as SVG."""
    with matplotlib.rc_context(SETTINGS):
        return svg(change_figure(title, items, unit), title)


@styled
def change_figure(title: str, items: Sequence[Interval], unit: str) -> Figure:
    """Each item's estimated change as a dot with its confidence interval as a line."""
    names = [wrap(item.label, 180, LABEL_SIZE) for item in items]
    row = max([0.36, *(line_count(n) * 0.17 + 0.12 for n in names)])
    figure = titled_figure(title, row * max(len(items), 1) + 0.7)
    axes = figure.subplots()
    for index, item in enumerate(items):
        y = len(items) - 1 - index
        if item.low is not None and item.high is not None:
            axes.plot([item.low, item.high], [y, y], color=SERIES[0], linewidth=2.5)
        axes.plot([item.estimate], [y], "o", color=INK, markersize=6)
    axes.axvline(0, color=INK, linewidth=0.8, linestyle="--")
    axes.set_yticks(range(len(items)), list(reversed(names)))
    values = [v for i in items for v in (i.estimate, i.low, i.high) if v is not None]
    reach = max([1.0, *map(abs, values)]) + 0.25
    axes.set_xlim(-reach, reach)
    axes.set_ylim(-0.7, len(items) - 0.3)
    axes.set_xlabel(wrap(unit, (WIDTH - 0.4) * 72, LABEL_SIZE))
    return figure


def counts_over_time(title: str, months: Sequence[str], counts: Sequence[int | None]) -> str:
    """Responses a month as columns (see `counts_figure`), as SVG."""
    with matplotlib.rc_context(SETTINGS):
        return svg(counts_figure(title, months, counts), title)


@styled
def counts_figure(title: str, months: Sequence[str], counts: Sequence[int | None]) -> Figure:
    """Responses a month as columns; a hidden month has no column and the words "not shown"
    standing where it would be. Month names turn upright, then thin out, when they would
    not fit side by side."""
    room = (WIDTH - 1.0) * 72
    widest = max([width_in_points(m, SMALL_SIZE) for m in months] or [0.0])
    upright = len(months) * (widest + 6) > room
    step = 1
    while upright and len(months) / step * (SMALL_SIZE * 1.3) > room:
        step += 1
    figure = titled_figure(title, 2.2 + (widest / 72 if upright else 0.2))
    axes = figure.subplots()
    tallest = max([c for c in counts if c is not None] or [1])
    for index, count in enumerate(counts):
        if count is None:
            axes.text(
                index,
                tallest * 0.03,
                "not shown",
                ha="center",
                va="bottom",
                fontsize=SMALL_SIZE - 1,
                rotation=90,
                color=INK,
            )
            continue
        axes.bar(index, count, color=SERIES[0], width=0.7)
    shown = range(0, len(months), step)
    axes.set_xticks(
        list(shown), [months[i] for i in shown], rotation=90 if upright else 0, fontsize=SMALL_SIZE
    )
    axes.set_xlim(-0.6, len(months) - 0.4)
    axes.set_ylim(0, tallest * 1.1)
    axes.set_ylabel("Responses (rounded)")
    return figure


def in_words(bars: Sequence[Bar], multiple: bool = False) -> str:
    """What a bar chart shows, group by group, for the text alternative beside it."""
    sentences = [MULTIPLE_CHOICE_WORDS] if multiple else []
    for bar in bars:
        if bar.too_few:
            sentences.append(f"{bar.label}: {TOO_FEW.lower()}.")
            continue
        parts = [
            f"{s.label} {s.percent:g}%" if s.percent is not None else f"{s.label} not shown"
            for s in bar.segments
        ]
        rest = None if multiple else bar.not_shown()
        together = "" if rest is None else f" ({rest:.0f}% not shown in all, small numbers)"
        sentences.append(f"{bar.label}: {', '.join(parts)}{together}.")
    return " ".join(sentences)


def diverging_colours(negative: int, neutral: bool, positive: int) -> list[str]:
    """The scale's colours in scale order: the strongest negative answer darkest orange, through
    lighter oranges, grey for the middle, then blues darkening to the strongest positive."""
    low = list(reversed(_shades(NEGATIVE_COLOURS, negative)))
    high = _shades(POSITIVE_COLOURS, positive)
    return [*low, *([NEUTRAL] if neutral else []), *high]


def _shades(family: str, count: int) -> list[str]:
    """`count` shades of one colour family, lightest first, never so pale they vanish."""
    palette = colormaps[family]
    if count == 1:
        return [to_hex(palette(0.6))]
    return [to_hex(palette(0.35 + 0.55 * i / (count - 1))) for i in range(count)]
