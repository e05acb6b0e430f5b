"""Chart text on a phone (issue 21, item 7): no label is cut off by the chart's edge, at any
length of stage name, unit or metric and any number of stages; no two labels overlap (date
ticks included); and every text is at least 12 CSS px when the chart is scaled into a 390 px
phone's column. Each <text> of the SVG is measured in the chart's font (matplotlib's
metrics) from its own position, anchor and rotation, then compared with the viewBox.
"""
from __future__ import annotations

import copy
import datetime as dt
import html
import math
import re

import pytest
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from macros.render import charts

from .conftest import ROOT, changed_handbook

PLAN = "support-replies"
PHONE_COLUMN = 358  # CSS px: a 390 px screen less Material's margins (measured in chromium)
LONG = ("Wave two for the whole customer support organisation including the night shift and "
        "the Supercalifragilisticexpialidocious-escalation-desk-of-last-resort (25 %)")


def _texts(svg: str):
    """(text, font size, corners) of every <text>, in the viewBox's units."""
    for match in re.finditer(r"<text([^>]*)>(.*?)</text>", svg, re.S):
        attrs, text = match.group(1), html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
        if not text.strip():
            continue
        size = float(re.search(r"font-size: ([\d.]+)px", attrs).group(1))
        anchor = re.search(r"text-anchor: (\w+)", attrs)
        share = {"start": 0, "middle": 0.5, "end": 1}[anchor.group(1) if anchor else "start"]
        x = float((re.search(r'\sx="([-\d.e]+)"', attrs) or [0, 0])[1])
        y = float((re.search(r'\sy="([-\d.e]+)"', attrs) or [0, 0])[1])
        w, h, d = text_to_path.get_text_width_height_descent(
            text, FontProperties(family="sans-serif", size=size), ismath=False)
        corners = [(x + dx, y + dy) for dx in (-w * share, w * (1 - share))
                   for dy in (-(h - d), d)]
        transform = re.search(r'transform="([^"]*)"', attrs)
        steps = re.findall(r"(translate|rotate)\(([^)]*)\)", transform.group(1)) \
            if transform else []
        for kind, args in reversed(steps):  # SVG applies the rightmost transform first
            numbers = [float(n) for n in re.split(r"[\s,]+", args.strip())]
            if kind == "translate":
                tx, ty = numbers[0], numbers[1] if len(numbers) > 1 else 0.0
                corners = [(px + tx, py + ty) for px, py in corners]
            else:
                a = math.radians(numbers[0])
                cx, cy = (numbers[1], numbers[2]) if len(numbers) == 3 else (0.0, 0.0)
                corners = [(cx + (px - cx) * math.cos(a) - (py - cy) * math.sin(a),
                            cy + (px - cx) * math.sin(a) + (py - cy) * math.cos(a))
                           for px, py in corners]
        yield text, size, corners


def _view_box(svg: str) -> tuple[float, float]:
    _, _, w, h = (float(n) for n in re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    return w, h


def _variation(names, *, unit=None, metric=None, extra_stages=0):
    def change(data):
        stages = data["stages"]
        for n in range(extra_stages):
            stage = copy.deepcopy(stages[-1])
            stage["id"] = f"extra-{n}"
            for key in ("start", "end"):
                stage[key] = (dt.date.fromisoformat(str(stage[key]))
                              + dt.timedelta(days=40 * (n + 1))).isoformat()
            stages.append(stage)
        for n, stage in enumerate(stages):
            stage["name"] = names(n)
        for monitor in data["monitoring"]:
            if unit is not None:
                monitor["unit"] = unit if monitor.get("unit") != "%" else "%"
            if metric is not None:
                monitor["metric"] = metric

    return changed_handbook(PLAN, plan_changed=change, folder=ROOT / "plans").plans[PLAN]


CASES = {
    "the example plan": lambda: changed_handbook(PLAN, folder=ROOT / "plans").plans[PLAN],
    "one-letter names": lambda: _variation(lambda n: "AB"[n % 2]),
    "long names, unit and metric": lambda: _variation(
        lambda n: f"{n + 1}. {LONG}", unit="completed customer conversations per agent per week",
        metric=LONG),
    "large values": lambda: changed_handbook(
        PLAN, folder=ROOT / "plans", rows=[
            (day, metric, value * (1 + n % 3)) for n, day in enumerate(
                ["2026-08-03", "2026-09-01", "2026-10-01", "2026-11-02", "2026-11-23"])
            for metric, value in (("edit-rate", 1234567.5), ("weekly-active", 20))]
    ).plans[PLAN],
    "twelve stages": lambda: _variation(lambda n: f"Wave {n + 1} ({(n + 1) * 8} %)",
                                        extra_stages=8),
    # Issue 24: a usual range on every metric, its edges named inside the plot.
    "usual ranges": lambda: changed_handbook(PLAN, folder=ROOT / "plans", plan_changed=lambda d: [
        m.update(baseline={"from": "2026-08-03", "to": "2026-08-28"})
        for m in d["monitoring"]]).plans[PLAN],
}


def _charts(plan) -> dict[str, str]:
    drawn = {"timeline": charts.timeline_chart.__wrapped__(plan),
             "adoption": charts.adoption_chart.__wrapped__(plan)}
    for monitor in plan.monitors:
        drawn[monitor.id] = charts.metric_chart.__wrapped__(plan, monitor)
    return {name: svg for name, svg in drawn.items() if svg}


@pytest.fixture(scope="module", params=sorted(CASES))
def drawn(request):
    plan = CASES[request.param]()
    found = _charts(plan)
    assert {"timeline", "adoption"} <= set(found) and len(found) > 3, request.param
    return request.param, found


def test_no_chart_text_crosses_the_edge(drawn):
    case, found = drawn
    for name, svg in found.items():
        width, height = _view_box(svg)
        for text, _, corners in _texts(svg):
            xs, ys = [x for x, _ in corners], [y for _, y in corners]
            assert min(xs) >= -0.5 and max(xs) <= width + 0.5 and min(ys) >= -0.5 and \
                max(ys) <= height + 0.5, (f"{case}, {name} chart: {text!r} spans x "
                                          f"{min(xs):.0f}..{max(xs):.0f}, y {min(ys):.0f}.."
                                          f"{max(ys):.0f} of a {width:.0f}x{height:.0f} chart")


def test_no_two_chart_labels_overlap(drawn):
    case, found = drawn
    for name, svg in found.items():
        boxes = []
        for text, _, corners in _texts(svg):
            xs, ys = [x for x, _ in corners], [y for _, y in corners]
            boxes.append((text, min(xs), max(xs), min(ys), max(ys)))
        for i, (a, ax0, ax1, ay0, ay1) in enumerate(boxes):
            for b, bx0, bx1, by0, by1 in boxes[i + 1:]:
                overlap = min(ax1, bx1) - max(ax0, bx0) > 1 and min(ay1, by1) - max(ay0, by0) > 1
                assert not overlap, f"{case}, {name} chart: {a!r} overlaps {b!r}"


def test_chart_text_is_at_least_12_px_in_a_phone_column(drawn):
    case, found = drawn
    for name, svg in found.items():
        width, _ = _view_box(svg)
        shown = min(1.0, PHONE_COLUMN / (width * 4 / 3))  # the viewBox is in points
        smallest = min(size for _, size, _ in _texts(svg)) * 4 / 3 * shown
        assert smallest >= 12, f"{case}, {name} chart: text {smallest:.1f} px on a phone"
