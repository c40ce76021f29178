"""How charts are laid out: their size and type, a title and key measured to fit, words
wrapped by measured width, numbers that fit their bar, and the figure as an <svg> element the
page's Content Security Policy accepts."""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch

FONT = "DejaVu Sans"
INK = "#222222"


P = ParamSpec("P")
SETTINGS: Any = {  # matplotlib types each key of rc_context as a literal
    "svg.fonttype": "none",
    "svg.hashsalt": "survey-report",
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# The page shows a chart at most 48rem (768 px) wide and the PDF 180 mm; the SVG scales to fit,
# so the layout drawn at this width is the layout at every width.
WIDTH = 7.5
TITLE_SIZE = 11.0
LABEL_SIZE = 10.0
SMALL_SIZE = 9.0
GROUP_LABEL_WIDTH = 140.0  # points: the words naming a bar
NOT_SHOWN_LABEL = "Not shown (small numbers)"
HIDDEN_STYLE: dict[str, Any] = {"facecolor": "#FFFFFF", "edgecolor": "#666666", "hatch": "///"}


@functools.cache
def _ruler() -> RendererAgg:
    # At 72 dots an inch a width in pixels is a width in points.
    return RendererAgg(1, 1, 72)


def width_in_points(text: str, size: float) -> float:
    """How wide `text` is (its widest line), in points, set in the charts' font at `size`."""
    font = FontProperties(family=FONT, size=size)
    return max(
        float(_ruler().get_text_width_height_descent(line, font, ismath=False)[0])
        for line in text.split("\n")
    )


def wrap(text: str, width: float, size: float) -> str:
    """`text` broken into lines no wider than `width` points (words kept whole unless one
    word alone is wider, when it is split), so nothing is cut off."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if width_in_points(candidate, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while width_in_points(word, size) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and width_in_points(word[:cut] + "-", size) > width:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return "\n".join(lines)


def line_count(text: str) -> int:
    return text.count("\n") + 1


def ink_on(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (WCAG relative luminance)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in to_rgb(colour))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    # Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05): equal at 0.179.
    return "#000000" if luminance > 0.179 else "#FFFFFF"


def legend_columns(labels: Sequence[str], size: float, width: float) -> int:
    """How many columns a legend of `labels` can have and stay within `width` points."""
    handle = size * (2.0 + 0.8 + 2.0)  # handle, its gap to the words, gap between columns
    for columns in range(len(labels), 1, -1):
        rows = [labels[i : i + columns] for i in range(0, len(labels), columns)]
        widest = [
            max(width_in_points(row[c], size) for row in rows if c < len(row))
            for c in range(columns)
        ]
        if sum(widest) + handle * columns <= width:
            return columns
    return 1


STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
HEADER = re.compile(r"^.*?(?=<svg)", re.S)
METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)
SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')
# matplotlib names its groups figure_1, axes_1, patch_1... in every chart, and its clip paths by
# their geometry, so two charts on one page (or in one PDF) would repeat ids.
ID_NAMES = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def svg(figure: Figure, title: str) -> str:
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
    text = _unique_ids(text, title)
    return text.replace(
        "<svg ",
        '<svg class="chart" role="img" focusable="false" stroke-linejoin="round" '
        'stroke-linecap="butt" ',
        1,
    ).replace(">", f"><title>{escape(title)}</title>", 1)


def _unique_ids(text: str, title: str) -> str:
    """Every id in the chart (and every reference to one) prefixed with a name drawn from the
    chart itself, so ids stay the same from run to run but differ from chart to chart."""
    prefix = "c" + hashlib.sha256(f"{title}\0{text}".encode()).hexdigest()[:10]
    return ID_NAMES.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)


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


def styled(draw: Callable[P, Figure]) -> Callable[P, Figure]:
    """Draw with the charts' settings, whoever calls (the page, or a test measuring it)."""

    @functools.wraps(draw)
    def styled(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with matplotlib.rc_context(SETTINGS):
            return draw(*args, **kwargs)

    return styled


def titled_figure(title: str, body: float) -> Figure:
    """A figure the charts' width, tall enough for `body` inches and the wrapped title."""
    words = wrap(title, (WIDTH - 0.3) * 72, TITLE_SIZE)
    height = body + line_count(words) * TITLE_SIZE * 1.4 / 72 + 0.2
    figure = Figure(figsize=(WIDTH, height), layout="constrained")
    FigureCanvasAgg(figure)  # measures text while laying out
    figure.suptitle(words, x=0.02, ha="left", fontsize=TITLE_SIZE, color=INK)
    return figure


def bar_rows(
    title: str,
    group_names: Sequence[str],
    names: Sequence[str],
    colours: Sequence[str],
    columns: Sequence[str],
    hidden_in_legend: bool,
) -> tuple[Figure, Axes, Axes | None]:
    """The figure for one bar a group (named by `group_names`, top to bottom), laid out by
    measure from the top: the wrapped title, a key to the answers in reading order, the bars
    with the groups' names to their left and (with `columns`) a narrow panel of figures to
    their right, then the percentage axis. Returns (figure, bar axes, panel axes or None)."""
    groups = [wrap(name, GROUP_LABEL_WIDTH, LABEL_SIZE) for name in group_names]
    row = max([0.4, *(line_count(g) * 0.17 + 0.14 for g in groups)])
    names_width = max(
        [0.0, *(width_in_points(line, LABEL_SIZE) for g in groups for line in g.split("\n"))]
    )
    entries = [wrap(name, 150, SMALL_SIZE) for name in names]
    handles = [
        Patch(facecolor=c, edgecolor="#595959", linewidth=0.5, label=e)
        for c, e in zip(colours, entries, strict=True)
    ]
    if hidden_in_legend:
        handles.append(Patch(label=NOT_SHOWN_LABEL, linewidth=0.8, **HIDDEN_STYLE))
    keys = [str(h.get_label()) for h in handles]
    panel = 0.8 * len(columns)
    right = WIDTH - panel - 0.25
    header_height = max([0.0, *(line_count(c) * 0.15 + 0.12 for c in columns)])
    ncol = legend_columns(keys, SMALL_SIZE, (WIDTH - 0.3) * 72)
    top_height = _key_height(keys, ncol) + header_height
    # The key left of the panel's column headers, level with them, when that is shorter than
    # the key above them (a page of charts is then a chart shorter; nothing overlaps).
    beside = legend_columns(keys, SMALL_SIZE, (right - 0.2) * 72)
    level = max(_key_height(keys, beside), header_height)
    if columns and _key_fits(keys, beside, (right - 0.2) * 72) and level < top_height:
        ncol, top_height = beside, level
    key_rows = [keys[i : i + ncol] for i in range(0, len(keys), ncol)]
    heading, heading_height = wrapped_heading(title)
    body = row * max(len(groups), 1)
    axis_height = 0.4
    height = heading_height + top_height + body + axis_height
    figure = headed_figure(heading, height)
    if handles:
        # Matplotlib fills a key column by column; padded and reordered, it reads in rows.
        blank = Patch(visible=False, label="")
        padded = handles + [blank] * (len(key_rows) * ncol - len(handles))
        ordered = [padded[r * ncol + c] for c in range(ncol) for r in range(len(key_rows))]
        figure.legend(
            handles=ordered,
            loc="upper left",
            bbox_to_anchor=(0.05 / WIDTH, 1 - heading_height / height),
            borderaxespad=0,
            borderpad=0,
            ncol=ncol,
            frameon=False,
            fontsize=SMALL_SIZE,
        )
    left = (names_width + 14) / 72
    bottom, top = axis_height, height - heading_height - top_height
    axes = figure.add_axes(
        (left / WIDTH, bottom / height, (right - left) / WIDTH, (top - bottom) / height)
    )
    side = None
    if columns:
        side = figure.add_axes(
            (
                (right + 0.1) / WIDTH,
                bottom / height,
                (panel - 0.05) / WIDTH,
                (top - bottom) / height,
            ),
            sharey=axes,
        )
        side.set_xlim(-0.5, len(columns) - 0.5)
        side.set_xticks(range(len(columns)), list(columns), fontsize=8.5)
        side.xaxis.tick_top()
        side.tick_params(axis="x", length=0)
        side.tick_params(axis="y", left=False, labelleft=False)
        for spine in side.spines.values():
            spine.set_visible(False)
    axes.set_yticks(range(len(groups)), list(reversed(groups)))
    axes.set_ylim(-0.6, len(groups) - 0.4)
    axes.tick_params(axis="y", length=0)
    return figure, axes, side


def _key_height(keys: Sequence[str], ncol: int) -> float:
    """The inches a key of `keys` in `ncol` columns takes."""
    rows = [keys[i : i + ncol] for i in range(0, len(keys), ncol)]
    return sum(max(map(line_count, r)) * 0.165 + 0.1 for r in rows)


def _key_fits(keys: Sequence[str], ncol: int, width: float) -> bool:
    """Whether a key of `keys` in `ncol` columns stays within `width` points."""
    rows = [keys[i : i + ncol] for i in range(0, len(keys), ncol)]
    widest = [
        max(width_in_points(row[c], SMALL_SIZE) for row in rows if c < len(row))
        for c in range(ncol)
    ]
    return sum(widest) + SMALL_SIZE * 4.8 * ncol <= width


def labelled_segment(
    axes: Axes,
    y: float,
    left: float,
    share: float,
    colour: str,
    span: float,
    words: str | None = None,
) -> None:
    """One answer's share of a bar, its percentage inside it when the number fits (a number
    spilling over the next segment would be read as that segment's; the table has it).
    `span`: how many percentage points the axis spans; `words`: the label, when the segment is
    drawn narrower than its published share (the share by default)."""
    # The outline keeps pale segments visible against the page (WCAG 1.4.11, 3:1).
    axes.barh(y, share, left=left, color=colour, height=0.62, edgecolor="#595959", linewidth=0.5)
    words = words or f"{share:.0f}%"
    box = axes.get_position()
    figure = axes.get_figure(root=True)
    assert figure is not None  # the axes were made on a figure
    width, height = figure.get_size_inches()
    low, high = axes.get_ylim()
    segment_width = share / span * box.width * width * 72
    segment_height = 0.62 / abs(high - low) * box.height * height * 72
    if width_in_points(words, SMALL_SIZE) + 4 <= segment_width and (
        segment_height >= SMALL_SIZE * 1.25 + 2
    ):
        axes.text(
            left + share / 2,
            y,
            words,
            ha="center",
            va="center",
            fontsize=SMALL_SIZE,
            color=ink_on(colour),
        )


def wrapped_heading(title: str) -> tuple[str, float]:
    """A chart's title wrapped to the chart's width, and the inches it takes at the top."""
    words = wrap(title, (WIDTH - 0.3) * 72, TITLE_SIZE)
    return words, line_count(words) * TITLE_SIZE * 1.25 / 72 + 0.2


def headed_figure(heading: str, height: float) -> Figure:
    """A figure the charts' width and `height` inches tall, `heading` at its top left; what
    goes below is placed by measure (no layout engine: its result is known before drawing)."""
    figure = Figure(figsize=(WIDTH, height))
    FigureCanvasAgg(figure)
    figure.text(
        0.1 / WIDTH, 1 - 0.1 / height, heading, ha="left", va="top", fontsize=TITLE_SIZE, color=INK
    )
    return figure
