"""Words on charts that fit: wrapping by measured width, labels that fit their bar, and the
figure as an <svg> element the page's Content Security Policy accepts."""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.text import Text

FONT = "DejaVu Sans"
INK = "#222222"


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


def drop_labels_that_do_not_fit(figure: Figure, labels: Sequence[tuple[Text, Rectangle]]) -> None:
    """Lay the figure out, then remove each bar label wider or taller than its bar: a number
    spilling over the next segment would be read as that segment's."""
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for label, bar in labels:
        text = label.get_window_extent(renderer)
        box = bar.get_window_extent(renderer)
        if text.width + 4 > box.width or text.height + 2 > box.height:
            label.remove()


STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
HEADER = re.compile(r"^.*?(?=<svg)", re.S)
METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)
SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


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
