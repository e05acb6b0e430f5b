"""A plan's definitions of good (seed 002), each named by a structured reference.

A definition is what a plan says good looks like: a metric's target and pause values, a gate
criterion, a review rule's checks. Each has a reference a record in `definition_changes` can
name and the diff can match, written as in the plan format:

    {metric: edit-rate, field: pause_value}   one field of a monitoring metric
    {criterion: pilot/usage}                  a gate criterion: <stage id>/<criterion id>, or
                                              <stage id>/criterion-<n> for one without an id
    {review: reply-check}                     the checks of a review rule

Only ids and key names are read here, never the words of a target or a check. History (git,
the diff) is read elsewhere (macros/definition_history.py, macros/definition_changes.py); this
module is plain data, so the model and render may use it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# The fields of a metric that say what good is (schema/parts/monitor.yaml).
METRIC_FIELDS = ("target", "target_value", "pause_threshold", "pause_value",
                 "pause_after_readings", "baseline")  # baseline: a drift metric's usual range
KINDS = ("metric", "criterion", "review")
DEFAULT_CHURN_DAYS = 30


@dataclass(frozen=True)
class Definition:
    """One definition of good of a plan, as it stands in the plan's data."""

    key: str  # "metric:<id>:<field>", "criterion:<stage>/<id>" or "review:<id>"
    path: tuple  # where it is in the plan, for line numbers
    value: Any  # what it says now (shown, never parsed)
    owner: str | None  # the definition owner, else the plan owner

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def what(self) -> dict:
        """The structured reference, as a record writes it."""
        return what_of(self.key)


@dataclass(frozen=True)
class Held:
    """How long a definition has held, from git history (macros/definition_history.py).

    `since` is the day of its last change. Without it, `reason` says why no day is known:
    "before" (not changed since this handbook's history began at `history_since`),
    "untraced" (the history does not show when, e.g. under a stage's former id), "uncommitted"
    (changed in the plans being built) or "unknown" (no git history, or it could not be read)."""

    since: dt.date | None = None
    reason: str = "unknown"
    history_since: str | None = None


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def approver(plan: dict) -> str | None:
    """Who approves a change of the plan's definitions: the definition owner (seed 002), else
    the plan's owner, as the diff routes it (diff._approver)."""
    person = _dict(plan.get("governance")).get("definition_owner") or plan.get("owner")
    return person if isinstance(person, str) else None


def criterion_id(criterion: Any, n: int) -> str:
    """A criterion's id, or `criterion-<n>` (1-based, the anchor the stage page gives it)."""
    given = _dict(criterion).get("id")
    return given if isinstance(given, str) else f"criterion-{n}"


def definitions(plan: dict) -> list[Definition]:
    """Every definition of good of a plan, in the order of the file."""
    owner = approver(plan)
    found = []
    for i, metric in enumerate(_list(plan.get("monitoring"))):
        if isinstance(metric, dict) and isinstance(metric.get("id"), str):
            found += [Definition(f"metric:{metric['id']}:{name}", ("monitoring", i, name),
                                 metric[name], owner)
                      for name in METRIC_FIELDS if metric.get(name) is not None]
    for i, rule in enumerate(_list(plan.get("review"))):
        if isinstance(rule, dict) and isinstance(rule.get("id"), str) and rule.get("checks"):
            found.append(Definition(f"review:{rule['id']}", ("review", i, "checks"),
                                    rule["checks"], owner))
    for i, stage in enumerate(_list(plan.get("stages"))):
        if not isinstance(stage, dict) or not isinstance(stage.get("id"), str):
            continue
        for n, criterion in enumerate(_list(_dict(stage.get("gate")).get("criteria")), 1):
            if isinstance(criterion, dict):
                found.append(Definition(
                    f"criterion:{stage['id']}/{criterion_id(criterion, n)}",
                    ("stages", i, "gate", "criteria", n - 1), criterion, owner))
    return found


def key_of(what: Any) -> str | None:
    """The key of a record's `what`; None when it is not one reference of a known kind."""
    what = _dict(what)
    named = [k for k in KINDS if k in what]
    if len(named) != 1 or not isinstance(what[named[0]], str):
        return None
    kind = named[0]
    if kind == "metric":
        field = what.get("field")
        return f"metric:{what['metric']}:{field}" if field in METRIC_FIELDS else None
    if "field" in what:
        return None
    if kind == "criterion" and what["criterion"].count("/") != 1:
        return None
    return f"{kind}:{what[kind]}"


def what_of(key: str) -> dict:
    kind, _, rest = key.partition(":")
    if kind == "metric":
        metric, _, field = rest.rpartition(":")
        return {"metric": metric, "field": field}
    return {kind: rest}


def what_text(key: str) -> str:
    """A reference as an editor writes it: `{metric: edit-rate, field: pause_value}`."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in what_of(key).items()) + "}"


def records(plan: dict) -> list[tuple[int, dict]]:
    """The plan's `definition_changes` entries that are mappings, with their positions."""
    return [(i, r) for i, r in enumerate(_list(plan.get("definition_changes")))
            if isinstance(r, dict)]
