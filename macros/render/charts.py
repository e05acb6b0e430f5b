"""Charts: static SVG drawn at build time with matplotlib — no script, no request, prints well.

Every chart carries a title and a description for screen readers; the page shows the same data
as a table. Text and axes are drawn in `currentColor`, so charts follow light and dark mode.
Output is deterministic (fixed hash salt, no date) so two builds of a commit are identical.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import re
from functools import lru_cache

from .. import cache
from ..dates import day_words, short_day
from ..model import Monitor, Plan
from .sentences import amount, bound, pause_bound
from .text import attr

INK = "#010203"  # drawn as currentColor: replaced in the SVG text
MEASURED, TARGET, PAUSE, STAGE = "#2f5fb3", "#2e7d32", "#c62828", "#8a8a8a"


@lru_cache(maxsize=1)
def _pyplot():
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.fonttype": "none",  # real <text>: selectable, uses the page's font, no font files
        # Plan text is text: "$5 to $10" is not mathtext, and no text is TeX.
        "text.parse_math": False, "text.usetex": False,
        "svg.hashsalt": "rollout-handbook",
        "font.size": 10,
        "font.family": "sans-serif",
        "text.color": INK, "axes.labelcolor": INK, "axes.edgecolor": INK,
        "xtick.color": INK, "ytick.color": INK,
        "axes.facecolor": "none", "figure.facecolor": "none", "savefig.facecolor": "none",
        "axes.spines.top": False, "axes.spines.right": False,
    })
    return plt


CACHE_DIR = "charts"  # a folder of the tool's own cache (macros/cache.py), outside the repository
PURPOSE = "chart-svg-v1"


def cached(draw):
    """Keep each drawn chart under a hash of everything it is drawn from (the plan's data, today's
    date, the tool's code and matplotlib's version: cache.tool_key): a rebuild redraws only
    charts whose data changed. matplotlib takes ~50 ms a chart, most of a cold build's own time.
    The SVG is inlined into pages, so an entry is used only when its seal verifies
    (macros/cache.py): a planted file is redrawn over."""

    @functools.wraps(draw)
    def chart(plan: Plan, *args):
        folder = cache.folder(CACHE_DIR)
        if folder is None:
            return draw(plan, *args)
        inputs = repr((draw.__name__, cache.tool_key().hex(), plan.today, plan.title, plan.stages,
                       plan.decisions, plan.monitors, plan.series_key, args))
        path = folder / (hashlib.sha256(inputs.encode()).hexdigest() + ".svg")
        stored = cache.read(path, PURPOSE)
        if stored is not None:
            try:
                return stored.decode("utf-8")
            except UnicodeDecodeError:
                pass
        svg = draw(plan, *args)
        cache.write(path, PURPOSE, svg.encode("utf-8"))
        return svg

    return chart


def _svg(figure, chart_id: str, title: str, description: str) -> str:
    plt = _pyplot()
    buffer = io.StringIO()
    # Fixed margins instead of bbox_inches="tight", which draws every chart twice.
    figure.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.24)
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML declaration and doctype: inline in HTML
    svg = _COMMENT.sub("", svg)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = _TAG.sub(lambda m: _scoped_tag(m.group(), chart_id), svg)
    head = (f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"')
    svg = svg.replace("<svg", head, 1)
    first_close = svg.index(">") + 1
    return (svg[:first_close] + f'<title id="{chart_id}-title">{attr(title)}</title>'
            f'<desc id="{chart_id}-desc">{attr(description)}</desc>' + svg[first_close:])


# matplotlib escapes `<` and `>` in text nodes, attribute values and comments alike, so a tag is
# `<` to the next `>`; plan text drawn as <text> lies between tags and is never rewritten.
_TAG = re.compile(r"<[^<>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)  # text drawn as paths is repeated in a comment
_ID = re.compile(r'\sid="([^"]+)"')
_REFERENCE = re.compile(r'(xlink:href|href|clip-path)="(url\()?#([^")]+)(\))?"')


def _scoped_tag(tag: str, chart_id: str) -> str:
    """One tag with its ids and references made unique to the chart (several charts share a
    page) and the ink colour drawn as currentColor."""
    tag = tag.replace(INK, "currentColor")
    tag = _ID.sub(lambda m: f' id="{chart_id}-{m.group(1)}"', tag)
    return _REFERENCE.sub(lambda m: f'{m.group(1)}="{m.group(2) or ""}#{chart_id}-{m.group(3)}'
                                    f'{m.group(4) or ""}"', tag)


def _stage_lines(ax, plan: Plan, first: dt.date, last: dt.date) -> None:
    for stage in plan.stages:
        if stage.start and first <= stage.start <= last:
            ax.axvline(stage.start, color=STAGE, linestyle=":", linewidth=1)
            ax.annotate(stage.name, (stage.start, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -2), textcoords="offset points", fontsize=8, va="top",
                        color=STAGE)


def _describe(monitor: Monitor, values: list[float], dates: list[dt.date]) -> str:
    unit = monitor.unit
    parts = [f"{len(values)} measurements from {day_words(dates[0])} to {day_words(dates[-1])}; "
             f"latest "
             f"{amount(values[-1], unit)}, lowest {amount(min(values), unit)}, highest "
             f"{amount(max(values), unit)}"]
    # In the metric's direction when the plan gives it ('target at most 30 %'), as on the page.
    if monitor.target_value is not None:
        parts.append("target " + (bound(monitor.target_value, monitor.better, unit)
                                  or amount(monitor.target_value, unit)))
    if monitor.pause_value is not None:
        parts.append("pause at " + (pause_bound(monitor.pause_value, monitor.better, unit)
                                    or amount(monitor.pause_value, unit)))
    return "; ".join(parts) + "."


@cached
def metric_chart(plan: Plan, monitor: Monitor) -> str:
    """The metric over time with its target and pause lines and the stage boundaries."""
    series = plan.series(monitor.id)
    if not series:
        return ""
    plt = _pyplot()
    dates, values = [m.date for m in series], [m.value for m in series]
    figure, ax = plt.subplots(figsize=(7.2, 2.8))
    ax.plot(dates, values, color=MEASURED, marker="o", markersize=3, linewidth=2,
            label="Measured")
    if monitor.target_value is not None:
        ax.axhline(monitor.target_value, color=TARGET, linestyle="--", linewidth=1.5,
                   label="Target")
    if monitor.pause_value is not None:
        ax.axhline(monitor.pause_value, color=PAUSE, linestyle="-", linewidth=1.5,
                   label="Pause")
    _stage_lines(ax, plan, dates[0], dates[-1])
    ax.set_ylabel(monitor.unit or "value")
    # A fixed place above the plot: loc="best" searches every position, the slowest step.
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.02), ncols=3, frameon=False, fontsize=8)
    _day_ticks(ax, figure)
    return _svg(figure, f"chart-{monitor.id}", f"{monitor.metric} over time",
                _describe(monitor, values, dates))


@cached
def adoption_chart(plan: Plan) -> str:
    """An adoption metric beside each stage's adoption target. The target is a share of the
    people with access; the metric is whatever the plan measures (a share of cases, say), so
    each is labelled as what it is, and both are drawn only when the metric is in %."""
    monitor = next((m for m in plan.monitors if m.area == "adoption" and plan.series(m.id)
                    and m.unit.strip() == "%"), None)
    targets = [(s.start, s.adoption_target_percent) for s in plan.stages
               if s.start and s.adoption_target_percent is not None]
    if monitor is None or not targets:
        return ""
    plt = _pyplot()
    series = plan.series(monitor.id)
    figure, ax = plt.subplots(figsize=(7.2, 2.8))
    ax.plot([m.date for m in series], [m.value for m in series], color=MEASURED, marker="o",
            markersize=3, linewidth=2, label=monitor.metric)
    end = max(series[-1].date, targets[-1][0])
    ax.step([t for t, _ in targets] + [end], [v for _, v in targets] + [targets[-1][1]],
            where="post", color=TARGET, linestyle="--", linewidth=1.5,
            label="Stage adoption target (% of people with access)")
    ax.set_ylabel("%")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.02), ncols=2, frameon=False, fontsize=8)
    _day_ticks(ax, figure)
    described = "; ".join(f"from {day_words(t)}: target {v:g} % of people with access"
                          for t, v in targets)
    return _svg(figure, "chart-adoption",
                f"Adoption: {monitor.metric} beside each stage's adoption target",
                f"Latest {monitor.metric}: {series[-1].value:g} % on "
                f"{day_words(series[-1].date)}. "
                f"{described}.")


@cached
def timeline_chart(plan: Plan) -> str:
    """The stages as bars on a calendar, with gate decisions and today marked."""
    stages = [s for s in plan.stages if s.start]
    if not stages:
        return ""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=(7.2, 0.5 + 0.45 * len(stages)))
    for row, stage in enumerate(reversed(stages)):
        nxt = plan.stages[stage.index + 1].start if stage.index + 1 < len(plan.stages) else None
        end = stage.end or nxt or stage.start + dt.timedelta(days=30)
        current = plan.position.stage is not None and plan.position.stage.id == stage.id
        ax.barh(row, (end - stage.start).days, left=stage.start, height=0.5,
                color=MEASURED if current else STAGE, alpha=1 if current else 0.6)
    rows = {s.id: len(stages) - 1 - i for i, s in enumerate(stages)}
    for decision in plan.decisions:
        if decision.stage in rows:
            ax.plot(decision.date, rows[decision.stage], marker="D", color=INK, markersize=5)
            ax.annotate(decision.outcome, (decision.date, rows[decision.stage]),
                        xytext=(5, 4), textcoords="offset points", fontsize=7)
    ax.axvline(plan.today, color=PAUSE, linewidth=1)
    ax.annotate("today", (plan.today, 1), xycoords=("data", "axes fraction"), fontsize=8,
                color=PAUSE, ha="center", va="bottom")
    ax.set_yticks(range(len(stages)), [s.name for s in reversed(stages)], fontsize=8)
    figure.subplots_adjust(left=0.3)  # room for the stage names
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    _day_ticks(ax, figure)
    description = "; ".join(
        f"{s.name}: from {day_words(s.start)}" + (f" to {day_words(s.end)}" if s.end else "")
        for s in stages)
    decisions = "; ".join(f"{d.outcome} on {day_words(d.date)} ({_stage_name(plan, d.stage)})"
                          for d in plan.decisions)
    return _svg(figure, "chart-timeline", f"Timeline of {plan.title}",
                f"Stages — {description}. Decisions — {decisions or 'none yet'}. "
                f"Today is {day_words(plan.today)}.")


def _stage_name(plan: Plan, stage_id: str) -> str:
    stage = plan.stage(stage_id)
    return stage.name if stage is not None else stage_id


def _day_ticks(ax, figure) -> None:
    """Days on the time axis as staff read them ('8 Sep 2026'), in our words whatever the
    machine's locale, slanted so that they do not overlap."""
    # matplotlib loads lazily, as in _pyplot: a build without charts never imports it
    from matplotlib.dates import num2date
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: short_day(num2date(x).date())))
    figure.autofmt_xdate()
