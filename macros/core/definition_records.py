"""The check's half of a plan's `definition_changes`: each record names a definition the plan
has, was approved by the plan's owner of the definitions of good, and a plan whose definitions
changed more than once in `definition_churn_days` (default 30) is warned about (seed 002: "if
the scorecard changes weekly, people will stop believing it").

Churn is counted from the records' dates, not from git: the check reads files, never history,
and `handbook diff` is what makes sure a record exists for each change. Person ids are checked
by the `ref` rule; nothing here reads the words of `how`. The rules in macros/rules.py turn
these findings into diagnostics.
"""
from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .definitions import (
    DEFAULT_CHURN_DAYS,
    KINDS,
    METRIC_FIELDS,
    approver,
    definitions,
    key_of,
    records,
)
from .values import parse_date


@dataclass(frozen=True)
class Problem:
    path: tuple  # within the plan, from its top
    message: str
    hint: str


_SHAPES = ("{metric: <metric id>, field: <one of " + ", ".join(METRIC_FIELDS) + ">}, "
           "{criterion: <stage id>/<criterion id>} or {review: <review rule id>}")


def _close(word: str, known: list[str]) -> str:
    found = difflib.get_close_matches(word, known, n=1, cutoff=0.5)
    return f"; did you mean '{found[0]}'?" if found else ""


def _shape_problem(what: dict) -> str | None:
    """Why `what` is no single reference, or None (also when the schema refuses a value)."""
    named = [k for k in KINDS if k in what]
    if len(named) != 1:
        return ("names no definition" if not named else
                "names " + " and ".join(named) + ": a record is about one definition")
    if named[0] == "metric" and "field" not in what:
        return "names a metric but not which of its fields changed"
    if named[0] != "metric" and "field" in what:
        return "has a field, which only a metric reference has"
    return None


def ref_problems(plan: dict) -> Iterator[Problem]:
    """Every record whose `what` is not one reference to a definition the plan has."""
    keys = {d.key for d in definitions(plan)}
    metrics = [m["id"] for m in plan.get("monitoring") or []
               if isinstance(m, dict) and isinstance(m.get("id"), str)]
    rules = [r["id"] for r in plan.get("review") or []
             if isinstance(r, dict) and isinstance(r.get("id"), str)]
    criteria = sorted(k.split(":", 1)[1] for k in keys if k.startswith("criterion:"))
    for i, record in records(plan):
        what = record.get("what")
        if not isinstance(what, dict):
            continue  # the schema reports it
        path = ("definition_changes", i, "what")
        shape = _shape_problem(what)
        if shape:
            yield Problem(path, f"what {shape}", f"Write one of {_SHAPES}.")
            continue
        key = key_of(what)
        if key is None:
            continue  # a field or criterion the schema refuses: reported there
        kind, name = next((k, what[k]) for k in KINDS if k in what)
        known = {"metric": metrics, "review": rules, "criterion": criteria}[kind]
        if name in known or (kind == "metric" and key in keys):
            continue
        what_kind = {"metric": "metric in monitoring", "review": "review rule in review",
                     "criterion": "gate criterion (<stage id>/<criterion id>) of a stage"}[kind]
        listed = ", ".join(known[:20]) or "none"
        yield Problem(path + (kind,), f"'{name}' is not a {what_kind} of this plan"
                      + _close(name, known),
                      f"A record names a definition the plan has now. Known: {listed}."
                      + (" A criterion without an id is criterion-<n>, counting from 1 in its "
                         "gate." if kind == "criterion" else ""))


def approver_problems(plan: dict) -> Iterator[Problem]:
    """Every record approved by someone other than the plan's owner of its definitions."""
    owner = approver(plan)
    if owner is None:
        return
    by_whom = "governance.definition_owner" if (plan.get("governance") or {}).get(
        "definition_owner") else "owner (the plan names no governance.definition_owner)"
    for i, record in records(plan):
        given = record.get("approved_by")
        if isinstance(given, str) and given != owner:
            yield Problem(("definition_changes", i, "approved_by"),
                          f"'{given}' approved a change of a definition of good, but the "
                          f"plan's {by_whom} is '{owner}'",
                          f"Only '{owner}' approves changes of this plan's definitions of good "
                          "(seed 002): write approved_by: " + owner + ", or change "
                          "governance.definition_owner in its own reviewed change first.")


def churn_days(org: Any) -> int:
    days = org.get("definition_churn_days") if isinstance(org, dict) else None
    return days if isinstance(days, int) and not isinstance(days, bool) and days > 0 \
        else DEFAULT_CHURN_DAYS


def churn_problem(plan: dict, today: dt.date, days: int) -> Problem | None:
    """A warning at the latest record when more than one change is recorded in the `days`
    days up to today (records dated after today are not counted yet)."""
    recent = sorted(((parse_date(r.get("date")), i) for i, r in records(plan)
                     if (d := parse_date(r.get("date"))) and today - dt.timedelta(days) < d
                     <= today), key=lambda pair: (pair[0], pair[1]))
    if len(recent) < 2:
        return None
    shown = ", ".join(d.isoformat() for d, _ in recent)
    return Problem(("definition_changes", recent[-1][1], "date"),
                   f"{len(recent)} changes of this plan's definitions of good in the {days} days "
                   f"up to {today.isoformat()} ({shown}): a scorecard that keeps changing stops "
                   "being believed",
                   "Hold definitions still for longer and group changes. If your organisation "
                   "reviews its definitions more often on purpose, set definition_churn_days in "
                   "plans/_org.yaml. This is a warning only.")
