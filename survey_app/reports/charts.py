"""Charts drawn on the server with matplotlib, as SVG to put straight into the page.

The SVG keeps its words as text (so it is sharp, searchable and small), carries a <title> and
an aria-labelledby link to the text alternative beside it, and has no <style> element or style
attributes (they are turned into SVG presentation attributes), so the page's Content Security
Policy can forbid inline styles. Colours are the Okabe-Ito colour-blind safe palette, with a
hatch on hidden segments so they never rely on colour alone.

Every function takes figures that have already been through disclosure control: a segment
given as None is hidden and is drawn as one grey "hidden" block together with the other hidden
ones in its bar (their total is already known from the shown figures).
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

SETTINGS = {
    "svg.fonttype": "none",
    "svg.hashsalt": "survey-report",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# Okabe & Ito (2008): distinguishable with every common form of colour blindness.
NEGATIVE = ("#D55E00", "#E69F00")  # strongest first
NEUTRAL = "#BBBBBB"
POSITIVE = ("#56B4E9", "#0072B2")  # weakest first
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
HIDDEN_COLOUR = "#FFFFFF"
HIDDEN_LABEL = "Hidden (small numbers)"
HIDDEN_STYLE = {"facecolor": HIDDEN_COLOUR, "edgecolor": "#666666", "hatch": "///"}
INK = "#222222"


@dataclass(frozen=True)
class Segment:
    label: str
    percent: float | None  # None: hidden


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]


def diverging_bars(title: str, bars: Sequence[Bar], negative: int, neutral: bool) -> str:
    """Stacked bars centred on the middle of a rating scale: the first `negative` segments of
    every bar go left of zero (strongest furthest), a neutral middle segment (if `neutral`) is
    split across zero, and the rest go right."""
    labels = [segment.label for segment in bars[0].segments] if bars else []
    positive = len(labels) - negative - (1 if neutral else 0)

    def start(bar: Bar) -> float:
        shown = [s.percent for s in bar.segments]
        middle = (shown[negative] or 0.0) / 2 if neutral else 0.0
        return -middle - sum(p or 0.0 for p in shown[:negative])

    return _stacked(
        title,
        bars,
        _diverging_colours(negative, neutral, positive),
        start,
        ([-100, -50, 0, 50, 100], ["100%", "50%", "0", "50%", "100%"]),
        centre_line=True,
    )


def stacked_bars(title: str, bars: Sequence[Bar]) -> str:
    """100% stacked bars, one per group, for answers without a natural middle."""
    count = len(bars[0].segments) if bars else 0
    return _stacked(
        title,
        bars,
        [SERIES[i % len(SERIES)] for i in range(count)],
        lambda _bar: 0.0,
        ([0, 25, 50, 75, 100], ["0", "25%", "50%", "75%", "100%"]),
        centre_line=False,
    )


def _stacked(  # type: ignore[no-untyped-def]
    title: str,
    bars: Sequence[Bar],
    colours: Sequence[str],
    start,
    ticks: tuple[list[int], list[str]],
    centre_line: bool,
) -> str:
    """Horizontal stacked bars, each starting at start(bar); hidden segments drawn together as
    one hatched block at the end of their bar."""
    labels = [segment.label for segment in bars[0].segments] if bars else []
    with matplotlib.rc_context(SETTINGS):
        figure = Figure(figsize=(7.5, 0.45 * len(bars) + 1.4))
        axes = figure.subplots()
        for row, bar in enumerate(bars):
            y = len(bars) - 1 - row
            left = start(bar)
            for index, segment in enumerate(bar.segments):
                if segment.percent is None:
                    continue
                axes.barh(y, segment.percent, left=left, color=colours[index], height=0.7)
                if segment.percent >= 7:
                    axes.text(
                        left + segment.percent / 2,
                        y,
                        f"{segment.percent:.0f}%",
                        ha="center",
                        va="center",
                        fontsize=9,
                        color="#000000",
                    )
                left += segment.percent
            shown = [s.percent for s in bar.segments]
            hidden = 100.0 - sum(p for p in shown if p is not None)
            if None in shown and hidden > 0.05:
                axes.barh(y, hidden, left=left, height=0.7, **HIDDEN_STYLE)
        if centre_line:
            axes.axvline(0, color=INK, linewidth=0.8)
        axes.set_yticks(range(len(bars)), [bar.label for bar in reversed(bars)])
        axes.set_xlim(ticks[0][0], ticks[0][-1])
        axes.set_xticks(*ticks)
        handles = [Patch(color=c, label=name) for c, name in zip(colours, labels, strict=True)]
        if any(s.percent is None for bar in bars for s in bar.segments):
            handles.append(Patch(label=HIDDEN_LABEL, **HIDDEN_STYLE))
        axes.set_title(textwrap.fill(title, 72), loc="left", fontsize=11, color=INK)
        _legend_below(figure, axes, handles)
        return _svg(figure, title)


@dataclass(frozen=True)
class Interval:
    label: str
    estimate: float
    low: float | None
    high: float | None


def change_intervals(title: str, items: Sequence[Interval], unit: str) -> str:
    """Each item's estimated change as a dot with its confidence interval as a line."""
    with matplotlib.rc_context(SETTINGS):
        figure = Figure(figsize=(7.5, 0.45 * len(items) + 1.2))
        axes = figure.subplots()
        for row, item in enumerate(items):
            y = len(items) - 1 - row
            if item.low is not None and item.high is not None:
                axes.plot([item.low, item.high], [y, y], color=SERIES[0], linewidth=2.5)
            axes.plot([item.estimate], [y], "o", color=INK, markersize=6)
        axes.axvline(0, color=INK, linewidth=0.8, linestyle="--")
        axes.set_yticks(range(len(items)), [item.label for item in reversed(items)])
        values = [v for i in items for v in (i.estimate, i.low, i.high) if v is not None]
        reach = max([1.0, *map(abs, values)]) + 0.25
        axes.set_xlim(-reach, reach)
        axes.set_ylim(-0.7, len(items) - 0.3)
        axes.set_xlabel(unit)
        axes.set_title(textwrap.fill(title, 72), loc="left", fontsize=11, color=INK)
        figure.tight_layout()
        return _svg(figure, title)


def counts_over_time(title: str, months: Sequence[str], counts: Sequence[int | None]) -> str:
    """Responses a month as columns; a hidden month is an outlined, hatched column of no
    height with the word "hidden" above it."""
    with matplotlib.rc_context(SETTINGS):
        figure = Figure(figsize=(7.5, 2.8))
        axes = figure.subplots()
        tallest = max([c for c in counts if c is not None] or [1])
        for index, count in enumerate(counts):
            if count is None:
                axes.text(
                    index,
                    tallest * 0.02,
                    "hidden",
                    ha="center",
                    va="bottom",
                    fontsize=9,
                    rotation=90,
                    color=INK,
                )
                continue
            axes.bar(index, count, color=SERIES[0], width=0.7)
        axes.set_xticks(range(len(months)), list(months), rotation=45, ha="right")
        axes.set_xlim(-0.6, len(months) - 0.4)
        axes.set_ylabel("Responses (rounded to 5)")
        axes.set_title(textwrap.fill(title, 72), loc="left", fontsize=11, color=INK)
        figure.tight_layout()
        return _svg(figure, title)


def _diverging_colours(negative: int, neutral: bool, positive: int) -> list[str]:
    low = list(_spread(NEGATIVE, negative))
    high = list(_spread(POSITIVE, positive))
    return [*low, *([NEUTRAL] if neutral else []), *high]


def _spread(palette: Sequence[str], count: int) -> Sequence[str]:
    if count <= len(palette):
        return palette[-count:] if count else ()
    return [palette[min(i * len(palette) // count, len(palette) - 1)] for i in range(count)]


def _legend_below(figure: Figure, axes, handles: list[Patch]) -> None:  # type: ignore[no-untyped-def]
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        ncol=min(len(handles), 3),
        frameon=False,
        fontsize=9,
    )
    figure.tight_layout()


STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
HEADER = re.compile(r"^.*?(?=<svg)", re.S)
METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)
SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


def _svg(figure: Figure, title: str) -> str:
    """The figure as an <svg> element for the page: no XML header, metadata, <style> or style
    attributes; scales to its container; titled."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = HEADER.sub("", text, count=1)
    text = METADATA.sub("", text)
    text = STYLE_ELEMENT.sub("", text)
    text = STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), text)
    text = SIZE.sub(r"<svg\1", text, count=1)
    text = text.replace("<defs>\n  </defs>", "")
    return text.replace(
        "<svg ",
        '<svg class="chart" role="img" focusable="false" stroke-linejoin="round" '
        'stroke-linecap="butt" ',
        1,
    ).replace(">", f"><title>{escape(title)}</title>", 1)


def _attributes(style: str) -> str:
    """`fill: #fff; stroke: none` as ` fill="#fff" stroke="none"` (SVG presentation
    attributes: every property matplotlib writes has one)."""
    parts = []
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name and value:
            parts.append(f' {name}="{value.replace(chr(34), chr(39))}"')
    return "".join(parts)
