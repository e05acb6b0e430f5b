"""A plan's measurements, breaches, pauses and gate decisions, and the evidence for each gate
criterion (the Plan's monitoring methods).
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property

from ..core.measurements import Measurement
from ..core.rules.monitoring import latest_breaches
from .parts import (GATE_CLOSING, Breach, Criterion, Decision, Evidence, Monitor, Pause, Stage,
                    at_least_as_good)
from .staleness import is_stale, stale_after


class PlanEvidence:
    """A plan's measurements, breaches, pauses and gate decisions, and the evidence for each
    criterion. A part of Plan, whose fields and stages these methods read."""

    @cached_property
    def series_key(self) -> tuple:
        """Every measurement, as plain values: part of a chart's cache key."""
        return tuple((m.date, m.metric, m.value) for m in self.measurements)

    def monitor(self, metric_id: str | None) -> Monitor | None:
        return next((m for m in self.monitors if m.id == metric_id), None)

    def series(self, metric_id: str) -> list[Measurement]:
        return sorted((m for m in self.measurements if m.metric == metric_id),
                      key=lambda m: m.date)

    def latest(self, metric_id: str | None) -> Measurement | None:
        series = self.series(metric_id) if metric_id else []
        return series[-1] if series else None

    def stale(self, metric_id: str | None) -> bool:
        """Whether the metric's latest reading is too old to count as current today."""
        latest, monitor = self.latest(metric_id), self.monitor(metric_id)
        return (latest is not None and monitor is not None
                and is_stale(latest.date, self.today,
                             stale_after(monitor.cadence, self.stale_after_days)))

    @cached_property
    def breaches(self) -> tuple[Breach, ...]:
        """Metrics past their pause value: every page of the plan shows them."""
        raw = [m for m in self.get("monitoring", default=[]) if isinstance(m, dict)]
        found = []
        for monitor, latest, since in latest_breaches(raw, self.measurements):
            triggers = tuple(t["text"] for t in self.get("pause", "triggers", default=[])
                             if t.get("metric") == monitor["id"])
            found.append(Breach(self.monitor(monitor["id"]), latest, since, triggers))
        return tuple(found)

    @property
    def decision_due(self) -> dt.date | None:
        """The planned end of the current stage once it has passed with the stage's gate still
        to decide: the page says the decision is due, not that all is in progress."""
        position = self.position
        stage = position.stage
        if (position.state in ("in_progress", "extended") and stage is not None
                and stage.gate is not None
                and stage.end is not None and stage.end < self.today
                and self.gate_decision(stage) is None):
            return stage.end
        return None

    def pause_on(self, day: dt.date) -> Pause | None:
        """The pause entry in force on `day`: the latest one taken and not yet resumed."""
        found = [p for p in self.pauses if p.in_force_on(day)]
        return max(found, key=lambda p: p.date) if found else None

    @property
    def fallbacks_in_force(self) -> tuple[str, ...]:
        """While paused, the fallbacks in force: those the pause entry names, else every
        fallback the plan lists (a `pause` decision or `status: paused` names none)."""
        listed = tuple(x for x in self.get("pause", "fallbacks", default=[])
                       if isinstance(x, str))
        pause = self.position.pause
        return pause.fallbacks if pause and pause.fallbacks else listed

    def gate_decision(self, stage: Stage) -> Decision | None:
        """The decision that closed the stage's gate: its last `proceed`, `limit`, `redesign`
        or `stop` not after today. `extend` and `pause` leave the gate open."""
        closing = [d for d in self.decisions if d.stage == stage.id
                   and d.outcome in GATE_CLOSING and d.date <= self.today]
        # The latest by date; of two on one day, the one written last (a stable sort).
        return sorted(closing, key=lambda d: d.date)[-1] if closing else None

    def evidence(self, criterion: Criterion, stage: Stage) -> Evidence:
        """A criterion against its metric's latest measurement not after today; for a decided
        gate, not after the decision's date. Only the structured `value` and the metric's
        `better` are read, never the threshold text."""
        decision = self.gate_decision(stage)
        last_day = decision.date if decision else self.today
        series = ([m for m in self.series(criterion.metric) if m.date <= last_day]
                  if criterion.metric else [])
        latest = series[-1] if series else None
        monitor = self.monitor(criterion.metric)
        better = monitor.better if monitor else None
        if criterion.value is None or better not in ("higher", "lower"):
            return Evidence(criterion, latest, "judged", decision)
        if latest is None:
            return Evidence(criterion, None, "no_data", decision)
        if decision is None and self.stale(criterion.metric):
            return Evidence(criterion, latest, "stale")  # an open gate needs a current reading
        met = at_least_as_good(latest.value, criterion.value, better)
        return Evidence(criterion, latest, "met" if met else "not_met", decision)
