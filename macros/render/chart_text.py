"""Text in charts: one size for every label, measured in the chart's font, wrapped to fit.

A chart is an SVG drawn at its natural width and scaled down to the page's column: on a 390 px
phone the column is ~358 px. WIDTH and FONT are chosen together so that text stays at least
12 CSS px there (issue 21, item 7): FONT pt * 4/3 px * 358 / (WIDTH * 96) = 13.6 px.
Labels are plan text of any length, so they are wrapped by their measured width, never cut
off by the chart's edge.
"""
from __future__ import annotations

from functools import lru_cache

WIDTH = 4.4  # inches: 422 px at 1:1 on a laptop, ~85 % of that on a phone
FONT = 12.0  # points, every text of every chart
# The page may draw the text in a wider font than matplotlib's DejaVu Sans (the SVG names a
# list; a reader's machine may lack the first): wrap to this share of the room.
SLACK = 0.85


@lru_cache(maxsize=1)
def _measure():
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family="sans-serif", size=FONT)
    return lambda text: text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0]


def width(text: str) -> float:
    """The width in points of one line of `text` at FONT in the chart's font."""
    return _measure()(text) if text else 0.0


def fits(text: str, room: float) -> bool:
    """Whether one line of `text` fits `room` points (times SLACK)."""
    return width(text) <= room * SLACK


def wrap(text: str, room: float, max_lines: int | None = None) -> str:
    """`text` as lines no wider than `room` points (times SLACK): broken between words, and
    inside a word longer than a line. With max_lines, what does not fit ends in an ellipsis."""
    room *= SLACK
    lines: list[str] = []
    line = ""
    for word in str(text).split():
        candidate = f"{line} {word}" if line else word
        if width(candidate) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
        while width(word) > room and len(word) > 1:
            cut = 1
            while cut < len(word) and width(word[:cut + 1]) <= room:
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and width(last + "…") > room:
            last = last[:-1].rstrip()
        lines = lines[:max_lines - 1] + [last + "…"]
    return "\n".join(lines)
