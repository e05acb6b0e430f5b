"""Drift: a metric's usual range (its baseline band), and the checks on how a plan states it.

Seed 002: once measurement exists, drift becomes visible, and unplanned for it reads as "the
system is wrong" instead of "the work changed". A metric of a drift area (tiers.DRIFT_AREAS)
states its baseline either as `{value, band}` (usual value, and how far either side is still
usual) or as `{from, to}`, a period of its own readings: the band is then their mean ± two
sample standard deviations, which holds about 95 % of the readings of a steady process.

Not the rules for everyone of `_org.yaml` (macros/baseline.py): that "baseline" is another one.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .measurements import Measurement
from .tiers import DRIFT_AREAS
from .values import parse_date

STATED, PERIOD = ("value", "band"), ("from", "to")
DEVIATIONS = 2  # the band of a period: its mean ± this many standard deviations
MIN_READINGS = 2  # a standard deviation needs two readings


@dataclass(frozen=True)
class Band:
    """The usual range of a metric: centre ± half_width. From a period, also the period and
    how many readings it held."""

    centre: float
    half_width: float
    start: dt.date | None = None
    end: dt.date | None = None
    readings: int = 0

    @property
    def low(self) -> float:
        return self.centre - self.half_width

    @property
    def high(self) -> float:
        return self.centre + self.half_width

    def outside(self, value: float) -> bool:
        """A reading on an edge is still usual."""
        return value < self.low or value > self.high


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def form(baseline: Any) -> tuple[str, str] | None:
    """STATED or PERIOD when `baseline` gives exactly one whole form and no key of the other."""
    if not isinstance(baseline, dict):
        return None
    return next((whole for whole in (STATED, PERIOD) if set(baseline) == set(whole)), None)


def band(baseline: Any, readings: Iterable[Measurement]) -> Band | None:
    """The usual range `baseline` states, from the metric's own `readings` for a period; None
    where it states none that can be used (the check says why)."""
    shape = form(baseline)
    if shape == STATED:
        value, width = baseline["value"], baseline["band"]
        if _number(value) and _number(width) and width >= 0:
            return Band(float(value), float(width))
        return None
    if shape != PERIOD:
        return None
    start, end = parse_date(baseline["from"]), parse_date(baseline["to"])
    if start is None or end is None or start >= end:
        return None
    values = [r.value for r in readings if start <= r.date <= end]
    if len(values) < MIN_READINGS:
        return None
    return Band(statistics.fmean(values), DEVIATIONS * statistics.stdev(values), start, end,
                len(values))


@dataclass(frozen=True)
class Problem:
    """What the check reports about one metric's baseline. `kind`: missing (a drift metric has
    none), form (not exactly one whole form), period (from not before to), readings (the period
    holds too few readings: a warning, readings arrive over time)."""

    kind: str
    path: tuple
    message: str
    hint: str


HOW = ("baseline: {value: <usual value>, band: <how far either side is still usual>}, or "
       "baseline: {from: <first day>, to: <last day>} for a period of its own readings")


def baseline_problems(monitoring: Any, readings: Iterable[Measurement]) -> list[Problem]:
    """The problems of every metric's baseline in a plan's `monitoring` list (raw data: it may
    also have schema errors), given the plan's measurements."""
    rows = list(readings)
    found: list[Problem] = []
    for i, monitor in enumerate(monitoring if isinstance(monitoring, list) else []):
        if not isinstance(monitor, dict):
            continue
        at, baseline = ("monitoring", i), monitor.get("baseline")
        if baseline is None:
            if monitor.get("area") in DRIFT_AREAS:
                found.append(Problem(
                    "missing", at + ("area",),
                    f"a {str(monitor['area']).replace('_', ' ')} metric needs a baseline: the "
                    "usual range its readings are compared with", f"Add {HOW}."))
            continue
        if not isinstance(baseline, dict) or set(baseline) - set(STATED + PERIOD):
            continue  # the schema reports the type or the unknown key
        found += _form_problems(at + ("baseline",), baseline)
        if form(baseline) == PERIOD:
            found += _period_problems(at + ("baseline",), baseline, monitor.get("id"), rows)
    return found


_MEANS = {"value": "value: the usual value, e.g. value: 20",
          "band": "band: how far either side of value is still usual, e.g. band: 5",
          "from": "from: the first day of the period, e.g. from: 2026-09-07",
          "to": "to: the last day of the period, e.g. to: 2026-10-05"}


def _form_problems(at: tuple, baseline: dict) -> list[Problem]:
    stated, period = [k for k in STATED if k in baseline], [k for k in PERIOD if k in baseline]
    if stated and period:
        return [Problem("form", at, "give either value and band, or from and to, not both",
                        "Keep value and band for a usual range you know, or from and to for "
                        "one computed from a period of readings; remove the other pair.")]
    for given, whole in ((stated, STATED), (period, PERIOD)):
        missing = [k for k in whole if k not in given]
        if given and missing:
            return [Problem("form", at, f"'{missing[0]}' is missing: "
                            f"{' and '.join(whole)} go together", f"Add {_MEANS[missing[0]]}.")]
    if not baseline:
        return [Problem("form", at, "is empty", f"Write {HOW}.")]
    return []


def _period_problems(at: tuple, baseline: dict, metric: Any, rows: list[Measurement]
                     ) -> list[Problem]:
    start, end = parse_date(baseline["from"]), parse_date(baseline["to"])
    if start is None or end is None:
        return []  # the schema reports a date it cannot read
    if start >= end:
        return [Problem("period", at + ("to",), f"{end} is not after from ({start})",
                        "A baseline period runs from its first day to a later last day.")]
    held = sum(1 for r in rows if r.metric == metric and start <= r.date <= end)
    if held < MIN_READINGS:
        return [Problem("readings", at + ("from",),
                        f"the period {start} to {end} holds {held} "
                        f"reading{'' if held == 1 else 's'} of {metric}; a band needs at least "
                        f"{MIN_READINGS}",
                        "Widen the period to hold two readings or more, or state the baseline "
                        "as value and band. Until then the chart shows no usual range.")]
    return []
