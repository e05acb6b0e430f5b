"""Escalation paths as static SVG, drawn at build time: no script, no request, prints well.

Colours come from the theme's CSS variables (see docs/stylesheets/handbook.css), so the diagram
follows light and dark mode.
"""
from __future__ import annotations

import textwrap

from .text import attr

# 360 px wide: a 390 px phone's column (~358 px) shows it nearly 1:1, so its 14 px text stays
# above 12 px (issue 21, item 7); at 520 px it was scaled to 9 px.
BOX_WIDTH = 340
LINE_HEIGHT = 18
CHARS_PER_LINE = 36  # ~8.5 px per character at 14 px
GAP = 34


def escalation_svg(svg_id: str, title: str, steps: list[tuple[str, str, str]]) -> str:
    """A top-to-bottom chain of boxes; each step is (who, time limit, action)."""
    blocks = []
    for n, (who, within, action) in enumerate(steps, 1):
        lines = textwrap.wrap(f"{n}. {who}" + (f" — within {within}" if within else ""),
                              CHARS_PER_LINE) or [""]
        heading = len(lines)  # who and when, bold over as many lines as they wrap to
        lines += textwrap.wrap(action, CHARS_PER_LINE) if action else []
        blocks.append((lines, heading))
    y = 10
    parts = []
    for n, (lines, heading) in enumerate(blocks):
        height = 16 + LINE_HEIGHT * len(lines)
        parts.append(f'<rect class="esc-box" x="10" y="{y}" width="{BOX_WIDTH}" '
                     f'height="{height}" rx="6"/>')
        for k, line in enumerate(lines):
            weight = ' class="esc-who"' if k < heading else ""
            parts.append(f'<text x="24" y="{y + 22 + k * LINE_HEIGHT}"{weight}>'
                         f"{attr(line)}</text>")
        y += height
        if n < len(blocks) - 1:
            mid = 10 + BOX_WIDTH // 2
            parts.append(f'<line class="esc-arrow" x1="{mid}" y1="{y}" x2="{mid}" '
                         f'y2="{y + GAP - 8}"/>')
            parts.append(f'<polygon class="esc-head" points="{mid - 6},{y + GAP - 10} '
                         f'{mid + 6},{y + GAP - 10} {mid},{y + GAP - 2}"/>')
            y += GAP
    height = y + 10
    description = "; then ".join(
        _without_full_stop(f"{who}" + (f" within {within}" if within else "")
                           + (f": {action}" if action else ""))
        for who, within, action in steps
    ) + "."
    return (
        f'<svg class="escalation-diagram" role="img" viewBox="0 0 {BOX_WIDTH + 20} {height}" '
        f'width="{BOX_WIDTH + 20}" height="{height}" aria-labelledby="{svg_id}-title {svg_id}-desc">'
        f'<title id="{svg_id}-title">{attr(title)}</title>'
        f'<desc id="{svg_id}-desc">{attr(description)}</desc>'
        + "".join(parts) + "</svg>"
    )


def _without_full_stop(step: str) -> str:
    """A step as a clause of the one description sentence: not '….; then'."""
    step = step.rstrip()
    return step[:-1] if step.endswith(".") else step
