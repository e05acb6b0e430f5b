"""Charts: static SVG drawn at build time with matplotlib — no script, no request, prints well.

Every chart carries a title and a description for screen readers; the page shows the same data
as a table. Text and axes are drawn in `currentColor`, so charts follow light and dark mode.
Output is deterministic (fixed hash salt, no date) so two builds of a commit are identical.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from functools import lru_cache

from ..core.dates import day_words
from ..core.drift import Band, band
from ..model.model import Plan
from ..model.parts import Monitor
from .chart_cache import cached
from .chart_text import FONT, WIDTH, fits, width, wrap
from .drift_words import outside_words, range_words, shown
from .sentences import amount, bound, pause_bound
from .text import attr

INK = "#010203"  # drawn as currentColor: replaced in the SVG text
MEASURED, TARGET, PAUSE, STAGE = "#2f5fb3", "#2e7d32", "#c62828", "#8a8a8a"
USUAL, OUTSIDE = "#6a4c93", "#b35900"  # a metric's usual range, and readings outside it


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
        "font.size": FONT, "legend.fontsize": FONT,
        "xtick.labelsize": FONT, "ytick.labelsize": FONT, "axes.labelsize": FONT,
        "font.family": "sans-serif",
        "text.color": INK, "axes.labelcolor": INK, "axes.edgecolor": INK,
        "xtick.color": INK, "ytick.color": INK,
        "axes.facecolor": "none", "figure.facecolor": "none", "savefig.facecolor": "none",
        "axes.spines.top": False, "axes.spines.right": False,
    })
    return plt


def _svg(figure, chart_id: str, title: str, description: str) -> str:
    plt = _pyplot()
    buffer = io.StringIO()
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
    svg = (svg[:first_close] + f'<title id="{chart_id}-title">{attr(title)}</title>'
           f'<desc id="{chart_id}-desc">{attr(description)}</desc>' + svg[first_close:])
    # As Markdown leaves it (it empties lines of spaces and expands tabs, even in raw HTML):
    # a page's HTML gets the chart as it is in its note's place (incremental.py: converted).
    return _BLANK.sub("", svg).replace("\t", "&#9;").replace("\r", "&#13;")


# matplotlib escapes `<` and `>` in text nodes, attribute values and comments alike, so a tag is
# `<` to the next `>`; plan text drawn as <text> lies between tags and is never rewritten.
_TAG = re.compile(r"<[^<>]*>")
_BLANK = re.compile(r"^[ \t]+$", re.M)
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


PLOT = (WIDTH - 0.9) * 72  # points: room for a label across the plot, beside the axis labels
LINE = FONT * 1.45 / 72  # inches: one line of wrapped text, with its spacing


def _stage_lines(ax, plan: Plan, first: dt.date, last: dt.date) -> None:
    """A dotted line where each stage starts, named at its top right: its name when that fits
    before the next line, else "Stage N", else N, else nothing (the stages table beside the
    chart names them in full). Labels never overlap each other or run off the chart."""
    span = max((last - first).days, 1)
    plot = ax.get_position().width * WIDTH * 72  # points, once the plot is placed
    shown = [s for s in plan.stages if s.start and first <= s.start <= last]
    at = [(s.start - first).days / span * plot for s in shown] + [plot]
    for n, stage in enumerate(shown):
        room = at[n + 1] - at[n] - 8
        label = next((text for text in (stage.name, f"Stage {stage.index + 1}",
                                         str(stage.index + 1)) if fits(text, room)), "")
        ax.axvline(stage.start, color=STAGE, linestyle=":", linewidth=1)
        ax.annotate(label, (stage.start, 1), xycoords=("data", "axes fraction"), xytext=(3, -2),
                    textcoords="offset points", va="top", ha="left", color=STAGE)


def _dates(ax) -> None:
    """Few date ticks, written short, never rotated: they do not overlap at any span."""
    import matplotlib.dates as mdates  # matplotlib loads with the first chart (_pyplot)

    locator = mdates.AutoDateLocator(minticks=2, maxticks=4)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _lines(*texts: str) -> int:
    return sum(text.count("\n") + 1 for text in texts)


def _block(text: str) -> float:
    """Inches a text of some lines takes, with a little air below (matplotlib spaces lines
    ~1.28 em apart; its first line is ~1.08 em high)."""
    return FONT * (1.1 + 1.3 * (_lines(text) - 1)) / 72 + 0.05


def _figure():
    plt = _pyplot()
    figure = plt.figure(figsize=(WIDTH, 1))
    return figure, figure.add_axes((0, 0, 1, 1))


PLOT_HEIGHT = 1.9  # inches
BELOW = 1.8 * LINE + 0.05  # inches: the dates under the plot and, when they need it, the year


def _place(figure, ax, legend: list[str], ncols: int, unit: str) -> None:
    """The plot placed by hand: matplotlib's own layout engines measure every artist again and
    doubled the time a chart takes. Above the plot, the legend (each entry's lines) and the
    unit; left of it, the widest value on its axis; every size measured in the chart's font."""
    # One entry a row, or `ncols` entries a row (the metric chart's short words).
    rows = [_lines(label) for label in legend] if ncols == 1 else \
        [max(_lines(label) for label in legend)] * -(-len(legend) // ncols)
    legend_height = FONT * (1.2 * sum(rows) + 0.5 * (len(rows) - 1) + 0.8) / 72 + 0.05
    top = legend_height + LINE * _lines(unit) + 0.05
    height = top + PLOT_HEIGHT + BELOW
    figure.set_size_inches(WIDTH, height)
    # The plot's height first: how many values its axis shows, so how wide they are, follows.
    ax.set_position((0.1, BELOW / height, 0.8, PLOT_HEIGHT / height))
    # Plain values, no offset ("+1e3") above the axis: so the unit, level with the top of
    # the plot, never has one to move clear of.
    ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    low, high = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if low <= t <= high]
    labels = ax.yaxis.get_major_formatter().format_ticks(ticks)
    left = max(width(label) for label in labels) / 72 + 0.15 if labels else 0.3
    ax.set_position((left / WIDTH, BELOW / height, 1 - (left + 0.25) / WIDTH,
                     PLOT_HEIGHT / height))
    # y given: matplotlib otherwise measures the whole y axis at every draw to see whether
    # the title must move (a quarter of a chart's time); with no offset it never does.
    ax.set_title(unit, loc="left", fontsize=FONT, pad=4, y=1.0)
    figure.legend(loc="upper left", bbox_to_anchor=(0.02, 1), ncols=ncols, frameon=False,
                  handlelength=1.5, columnspacing=1.0, borderaxespad=0.1)


def _describe(monitor: Monitor, values: list[float], dates: list[dt.date],
              usual: Band | None = None, series: list | None = None) -> str:
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
    if usual is not None:
        parts.append(f"usual range {range_words(usual, unit)}; "
                     f"{outside_words(usual, series or [], unit)}")
    return "; ".join(parts) + "."


@cached(shows=lambda plan, monitor: bool(plan.series(monitor.id)))
def metric_chart(plan: Plan, monitor: Monitor) -> str:
    """The metric over time with its target and pause lines and the stage boundaries."""
    series = plan.series(monitor.id)
    if not series:
        return ""
    dates, values = [m.date for m in series], [m.value for m in series]
    # The unit above the plot, level: a long one wraps instead of running off a rotated edge.
    unit = wrap(monitor.unit or "value", PLOT)
    figure, ax = _figure()
    ax.plot(dates, values, color=MEASURED, marker="o", markersize=3, linewidth=2,
            label="Measured")
    if monitor.target_value is not None:
        ax.axhline(monitor.target_value, color=TARGET, linestyle="--", linewidth=1.5,
                   label="Target")
    if monitor.pause_value is not None:
        ax.axhline(monitor.pause_value, color=PAUSE, linestyle="-", linewidth=1.5,
                   label="Pause")
    usual = band(monitor.baseline, series)
    if usual is not None:
        _usual_range(ax, usual, series)
    _dates(ax)
    legend = [h.get_label() for h in ax.get_lines() + ax.patches if h.get_label()[0] != "_"]
    _place(figure, ax, legend, 3, unit)
    _stage_lines(ax, plan, dates[0], dates[-1])
    if usual is not None:
        _name_edges(ax, usual)
    return _svg(figure, f"chart-{monitor.id}", f"{monitor.metric} over time",
                _describe(monitor, values, dates, usual, series))


def _usual_range(ax, usual: Band, series: list) -> None:
    """The usual range as a shaded band between two thin lines, and a ring round each reading
    outside it."""
    ax.axhspan(usual.low, usual.high, color=USUAL, alpha=0.15, linewidth=0, label="Usual range")
    for edge in (usual.high, usual.low):
        ax.axhline(edge, color=USUAL, linestyle="-", linewidth=0.8)
    outside = [m for m in series if usual.outside(m.value)]
    if outside:
        ax.plot([m.date for m in outside], [m.value for m in outside], linestyle="none",
                marker="o", markersize=8, markerfacecolor="none", markeredgecolor=OUTSIDE,
                markeredgewidth=1.5, label="Outside")


def _name_edges(ax, usual: Band) -> None:
    """Each edge of the usual range named with its value at the right of the plot, once the
    plot is placed: just above its line, or just below the high edge where the top row of the
    plot (the stage names) leaves no room above. A band too narrow for two names gets one for
    both edges."""
    bottom, top = ax.get_ylim()
    height = ax.get_position().height * ax.figure.get_size_inches()[1] * 72  # points
    tall = FONT * 1.3  # points: one name
    ceiling = height - tall - 4  # the top of the room under the stage names

    def at(y: float) -> float:
        return (y - bottom) / (top - bottom) * height

    def spot(edge: float, above: bool) -> float:
        """Where a name's foot goes (points above the plot's bottom), kept in the plot."""
        foot = at(edge) + 2 if above else at(edge) - 2 - tall
        return min(max(foot, 0.0), ceiling - tall)

    def name(text: str, foot: float) -> None:
        ax.annotate(text, (1, foot / height), xycoords="axes fraction", xytext=(-2, 0),
                    textcoords="offset points", ha="right", va="bottom", color=USUAL)

    low, high = shown(usual.low), shown(usual.high)
    high_above = at(usual.high) + 2 + tall <= ceiling
    feet = spot(usual.high, high_above), spot(usual.low, True)
    if feet[0] - feet[1] >= tall + 1:
        name(f"usual high {high:g}", feet[0])
        name(f"usual low {low:g}", feet[1])
    else:
        name(f"usual {high:g}" if low == high else f"usual {low:g} to {high:g}",
             feet[0] if high_above else spot(usual.low, False))


def _adoption(plan: Plan) -> tuple[Monitor | None, list[tuple[dt.date, float]]]:
    """The plan's adoption metric in %, with readings, and each stage's adoption target."""
    monitor = next((m for m in plan.monitors if m.area == "adoption" and plan.series(m.id)
                    and m.unit.strip() == "%"), None)
    return monitor, [(s.start, s.adoption_target_percent) for s in plan.stages
                     if s.start and s.adoption_target_percent is not None]


@cached(shows=lambda plan: all(_adoption(plan)))
def adoption_chart(plan: Plan) -> str:
    """An adoption metric beside each stage's adoption target. The target is a share of the
    people with access; the metric is whatever the plan measures (a share of cases, say), so
    each is labelled as what it is, and both are drawn only when the metric is in %."""
    monitor, targets = _adoption(plan)
    if monitor is None or not targets:
        return ""
    series = plan.series(monitor.id)
    measured = wrap(monitor.metric, PLOT - 30)
    target = wrap("Stage adoption target (% of people with access)", PLOT - 30)
    figure, ax = _figure()
    ax.plot([m.date for m in series], [m.value for m in series], color=MEASURED, marker="o",
            markersize=3, linewidth=2, label=measured)
    end = max(series[-1].date, targets[-1][0])
    ax.step([t for t, _ in targets] + [end], [v for _, v in targets] + [targets[-1][1]],
            where="post", color=TARGET, linestyle="--", linewidth=1.5, label=target)
    _dates(ax)
    _place(figure, ax, [measured, target], 1, "%")
    described = "; ".join(f"from {day_words(t)}: target {v:g} % of people with access"
                          for t, v in targets)
    return _svg(figure, "chart-adoption",
                f"Adoption: {monitor.metric} beside each stage's adoption target",
                f"Latest {monitor.metric}: {series[-1].value:g} % on "
                f"{day_words(series[-1].date)}. "
                f"{described}.")


BAR = 0.2  # inches: a stage's bar, under its name


# Over 60 lines: one figure drawn in order (rows, bars, names, decisions, today).
@cached(shows=lambda plan: any(s.start for s in plan.stages))
def timeline_chart(plan: Plan) -> str:
    """The stages as bars on a calendar, each named above its bar across the whole width (a
    name of any length wraps; none is cut at the left), with gate decisions and today."""
    stages = [s for s in plan.stages if s.start]
    if not stages:
        return ""
    names = [wrap(s.name, PLOT) for s in stages]
    # Rows top to bottom in inches: each a name of one or more lines, then its bar.
    tops, y = [], 0.0
    for name in names:
        tops.append(y)
        y += _block(name) + BAR + 0.15
    # The plot is placed by hand, its height exactly the rows: a name's lines (points) and the
    # rows (data units) then agree. Below it the dates, above it "today".
    below, above, side = 1.8 * LINE + 0.05, LINE + 0.1, 0.25
    plt = _pyplot()
    height = y + below + above
    figure = plt.figure(figsize=(WIDTH, height))
    ax = figure.add_axes((side / WIDTH, below / height, 1 - 2 * side / WIDTH, y / height))
    ends = []
    for stage, top, name in zip(stages, tops, names):
        nxt = plan.stages[stage.index + 1].start if stage.index + 1 < len(plan.stages) else None
        end = stage.end or nxt or stage.start + dt.timedelta(days=30)
        ends.append(end)
        current = plan.position.stage is not None and plan.position.stage.id == stage.id
        bar = top + _block(name) + BAR / 2
        ax.barh(bar, (end - stage.start).days, left=stage.start, height=BAR,
                color=MEASURED if current else STAGE, alpha=1 if current else 0.6)
        ax.text(0, top, name, transform=ax.get_yaxis_transform(), va="top", ha="left")
    first = min([s.start for s in stages] + [plan.today])
    last = max(ends + [plan.today])
    span = max((last - first).days, 1)
    margin = dt.timedelta(days=span * 0.03 + 1)
    ax.set_xlim(first - margin, last + margin)
    ax.set_ylim(y, 0)
    bars = {s.id: top + _block(name) + BAR / 2 for s, top, name in zip(stages, tops, names)}
    # A diamond for each decision; its outcomes named once a stage, after the last one.
    decided: dict[str, list] = {}
    for decision in plan.decisions:
        if decision.stage in bars:
            decided.setdefault(decision.stage, []).append(decision)
            ax.plot(decision.date, bars[decision.stage], marker="D", color=INK, markersize=5)
    for stage_id, decisions in decided.items():
        latest = max(decisions, key=lambda d: d.date)
        right = (latest.date - first).days / span > 0.6
        ax.annotate(" → ".join(d.outcome for d in sorted(decisions, key=lambda d: d.date)),
                    (latest.date, bars[stage_id]), xytext=(-6 if right else 6, 0),
                    textcoords="offset points", va="center", ha="right" if right else "left")
    where = (plan.today - first).days / span
    ax.axvline(plan.today, color=PAUSE, linewidth=1)
    ax.annotate("today", (plan.today, 1), xycoords=("data", "axes fraction"), color=PAUSE,
                va="bottom", ha="left" if where < 0.1 else "right" if where > 0.9 else "center")
    _dates(ax)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
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

