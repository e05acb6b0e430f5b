"""Rules on monitoring and measurements: the areas the tier requires, monitor values, the
measurements files, breaches that call for a pause, and sane measured dates and values.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from ..diagnostics import ERROR, WARNING, Diagnostic
from ..load import Document
from ..measurements import MeasurementFile
from ..measurements import SUFFIX as MEASUREMENTS_SUFFIX
from ..drift import baseline_problems
from ..values import parse_date
from .base import (
    METRIC,
    Scope,
    _known_list,
    _required,
    _stages,
    _suggest,
    emits,
    entries,
    get,
    reads,
    texts,
)


@reads('risk_tier', 'monitoring[].area')
def rule_tier_monitoring(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: low monitors quality and value; medium and high all six areas."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        areas = {m.get("area") for _, m in entries(plan.get("monitoring"))}
        missing = [a for a in required.monitoring_areas if a not in areas]
        if missing:
            yield scope.report(doc, ("monitoring",), ERROR, "tier-monitoring",
                               f"no metric for {', '.join(missing)} (required at "
                               f"{required.tier} tier)",
                               "Add a monitoring entry with area: " + missing[0] + ".")


@reads('monitoring[].area')
def rule_monitoring_adoption_only(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 7: monitoring only adoption is an error; usage alone is not success (seed 000)."""
    for doc in scope.plans:
        areas = {m.get("area") for _, m in entries(doc.data.get("monitoring"))}
        if areas == {"adoption"}:
            yield scope.report(doc, ("monitoring",), ERROR, "monitoring-adoption-only",
                               "only adoption is monitored; usage alone is not success",
                               "Add quality and value metrics.")


@reads('monitoring[].target_value', 'monitoring[].pause_value', 'monitoring[].better',
       'monitoring[].pause_after_readings')
def rule_monitor_values(scope: Scope) -> Iterator[Diagnostic]:
    """Numeric targets and pause values need a direction, or nobody can tell a breach; readings
    in a row before a pause need a pause value to count against."""
    for doc in scope.plans:
        for i, monitor in entries(doc.data.get("monitoring")):
            numeric = [k for k in ("target_value", "pause_value") if k in monitor]
            if numeric and "better" not in monitor:
                yield scope.report(doc, ("monitoring", i, numeric[0]), ERROR, "monitor-values",
                                   f"{numeric[0]} is given without 'better'",
                                   "Add better: higher or better: lower.")
            if "pause_after_readings" in monitor and "pause_value" not in monitor:
                yield scope.report(doc, ("monitoring", i, "pause_after_readings"), ERROR,
                                   "monitor-values",
                                   "pause_after_readings is given without 'pause_value'",
                                   "Add pause_value and better, or remove "
                                   "pause_after_readings: it counts readings past the pause "
                                   "value.")


def _measured(scope: Scope, doc: Document) -> MeasurementFile | None:
    return scope.measurements.get(doc.data.get("id"))


@emits("measurement-plan", "measurement-metric")
@reads('the measurements file name', 'its metric column', 'monitoring[].id')
def rule_measurement_ref(scope: Scope) -> Iterator[Diagnostic]:
    """Measurements belong to a plan, and name one of its metrics."""
    plans = {doc.data.get("id"): doc for doc in scope.plans}
    for plan_id, measured in scope.measurements.items():
        doc = plans.get(plan_id)
        if doc is None and any(d.file.endswith(f"{plan_id}.yaml") and d.is_error
                               for d in scope.found):
            continue  # the plan is there but broken: its own errors say so
        if doc is None:
            yield Diagnostic(measured.file, 1, 1, ERROR, "measurement-plan",
                             f"there is no plan '{plan_id}' for these measurements",
                             f"Name the file <plan-id>{MEASUREMENTS_SUFFIX}.")
            continue
        metrics = {m.get("id") for _, m in entries(doc.data.get("monitoring"))}
        for row in measured.rows:
            if row.metric not in metrics:
                yield Diagnostic(measured.file, row.line, _metric_column(row), ERROR,
                                 "measurement-metric",
                                 f"'{row.metric}' is not a metric of {plan_id}"
                                 + _suggest(row.metric, [m for m in metrics if m]),
                                 _known_list(METRIC, [m for m in metrics if m]))


def _metric_column(row: Any) -> int:
    return len(row.date.isoformat()) + 2


def breached(value: float, pause_value: float, better: str) -> bool:
    """Reaching the pause value counts: 1 incident with pause_value 1 (better: lower) pauses."""
    return value >= pause_value if better == "lower" else value <= pause_value


def latest_breaches(monitoring: list, rows) -> list[tuple[dict, Any, Any]]:
    """(monitor, latest row, first row of the current breach) for each metric whose latest
    `pause_after_readings` measurements (default 1), one after another, all reach or pass its
    pause_value. Shared with the model."""
    found = []
    for monitor in monitoring:
        pause, better = monitor.get("pause_value"), monitor.get("better")
        if pause is None or better not in ("higher", "lower"):
            continue
        needed = monitor.get("pause_after_readings")
        needed = needed if isinstance(needed, int) and needed >= 1 else 1
        series = sorted((r for r in rows if r.metric == monitor.get("id")), key=lambda r: r.date)
        run = []  # the latest readings past the pause value, newest first
        for row in reversed(series):
            if not breached(row.value, pause, better):
                break
            run.append(row)
        if len(run) >= needed:
            found.append((monitor, series[-1], run[-1]))
    return found


@reads('monitoring[].pause_value', 'monitoring[].better', 'monitoring[].pause_after_readings',
       'the measurements', 'pause.authority')
def rule_pause_triggered(scope: Scope) -> Iterator[Diagnostic]:
    """A metric whose latest measurement reaches its pause value (its latest
    `pause_after_readings` in a row, when given): the pause authority must decide (a warning:
    the check cannot pause anything itself; every page shows a banner)."""
    for doc in scope.plans:
        measured = _measured(scope, doc)
        if measured is None:
            continue
        monitors = [m for _, m in entries(doc.data.get("monitoring"))]
        authority = [get(scope.people.get(p), "name", default=p)
                     for p in texts(get(doc.data, "pause", "authority"))]
        decisions = [d for _, d in entries(doc.data.get("decisions"))]
        for monitor, latest, since in latest_breaches(monitors, measured.rows):
            if _already_paused(doc.data, decisions, since.date):
                continue  # the pause authority has decided: nothing is waiting on them
            yield Diagnostic(measured.file, latest.line, 1, WARNING, "pause-triggered",
                             f"{monitor['id']} measured {latest.value:g} on {latest.date} "
                             f"(since {since.date}), "
                             f"{'at' if latest.value == monitor['pause_value'] else 'past'} its "
                             "pause value "
                             f"{monitor['pause_value']:g}; pause authority: "
                             f"{', '.join(authority) or 'nobody named'}",
                             "The pause authority decides now: pause, limit, or record why not "
                             "in the decision log.")


def _already_paused(plan: dict, decisions: list[dict], breach_since: dt.date) -> bool:
    """The plan is paused or stopped (its status, or a decision on or after the breach)."""
    if plan.get("status") == "paused":
        return True
    latest = decisions[-1] if decisions else {}
    decided = parse_date(latest.get("date"))
    if latest.get("outcome") in ("pause", "stop") and decided and decided >= breach_since:
        return True
    # A pause entry taken on or after the breach and not resumed since.
    return any(parse_date(e.get("date")) and parse_date(e.get("date")) >= breach_since
               and not isinstance(e.get("resume"), dict) for _, e in entries(plan.get("pauses")))


ABSURD = 1e12  # no count, duration, share or amount a rollout measures comes near this


@emits("measurement-date", "measurement-value")
@reads("the measurements' dates and values", 'stages[0].start',
       'monitoring[].unit (only the exact unit "%")')
def rule_measurement_sane(scope: Scope) -> Iterator[Diagnostic]:
    """A measurement is evidence only if it could have been taken: not in the future, not
    before the rollout began, and a value the metric's unit allows. `unit` is free text, so
    only the exact unit "%" is read as a share (0 to 100)."""
    for doc in scope.plans:
        measured = _measured(scope, doc)
        if measured is None:
            continue
        starts = [parse_date(stage.get("start")) for _, stage in _stages(doc.data)]
        first = starts[0] if starts else None
        units = {m.get("id"): m.get("unit") for _, m in entries(doc.data.get("monitoring"))}
        for row in measured.rows:
            if row.date > scope.today:
                yield Diagnostic(measured.file, row.line, 1, ERROR, "measurement-date",
                                 f"{row.metric} is dated {row.date}, after today "
                                 f"({scope.today})",
                                 "Record a measurement once it has been taken; check the year.")
            elif first and row.date < first:
                yield Diagnostic(measured.file, row.line, 1, ERROR, "measurement-date",
                                 f"{row.metric} is dated {row.date}, before the first stage "
                                 f"starts on {first}",
                                 "Keep baselines taken before the rollout out of this file, or "
                                 "check the date.")
            if abs(row.value) > ABSURD:
                yield Diagnostic(measured.file, row.line, row.value_column, ERROR,
                                 "measurement-value",
                                 f"{row.metric} is {row.value:g}, beyond ±{ABSURD:g}: "
                                 "not a plausible measurement",
                                 "Check the export: the value looks like an id or a timestamp.")
            elif units.get(row.metric) == "%" and not 0 <= row.value <= 100:
                yield Diagnostic(measured.file, row.line, row.value_column, ERROR,
                                 "measurement-value",
                                 f"{row.metric} is {row.value:g}, but its unit is % (0 to 100)",
                                 "Write shares as percentages: 22.5 for 22.5 %.")


# What each kind of baseline problem (macros/drift.py) is reported as.
_BASELINE_RULES = {"missing": (ERROR, "drift-baseline"), "form": (ERROR, "baseline-form"),
                   "period": (ERROR, "baseline-period"), "readings": (WARNING, "baseline-readings")}


@emits(*(rule for _, rule in _BASELINE_RULES.values()))
@reads('monitoring[].area', 'monitoring[].baseline', 'the measurements of the metric')
def rule_drift_baseline(scope: Scope) -> Iterator[Diagnostic]:
    """A drift or scope_drift metric has a baseline; a baseline is value and band, or a period
    from before to holding at least two readings (fewer: a warning, readings arrive later)."""
    for doc in scope.plans:
        measured = _measured(scope, doc)
        for problem in baseline_problems(doc.data.get("monitoring"),
                                         measured.rows if measured else ()):
            severity, rule = _BASELINE_RULES[problem.kind]
            yield scope.report(doc, problem.path, severity, rule, problem.message, problem.hint)
