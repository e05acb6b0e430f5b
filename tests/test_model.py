"""Derived facts: where a rollout stands, from stage dates, the decision log and today."""
from __future__ import annotations

import datetime as dt

import pytest

from macros.model.build import build_plan

STAGES = [
    {"id": "pilot", "name": "Pilot", "start": "2026-09-01", "end": "2026-09-30",
     "gate": {"decider": "d", "outcomes": ["proceed", "extend", "limit", "pause", "stop"]}},
    {"id": "wave", "name": "Wave", "start": "2026-10-05", "end": "2026-11-30",
     "gate": {"decider": "d", "outcomes": ["proceed", "extend", "pause", "stop"]}},
    {"id": "all", "name": "Everyone", "start": "2026-12-07"},
]
USES = {"allowed": [{"id": "early", "text": "Early use"},
                    {"id": "later", "text": "Later use", "from_stage": "wave"}],
        "prohibited": [{"id": "never", "text": "Never"}]}


def plan(decisions, today="2026-11-24", status="active"):
    raw = {"id": "p", "title": "P", "status": status, "risk_tier": "low", "stages": STAGES,
           "uses": USES, "decisions": [
               {"stage": s, "date": d, "outcome": o, "by": "d"} for s, d, o in decisions]}
    return build_plan(raw, "p.yaml", dt.date.fromisoformat(today))


@pytest.mark.parametrize("decisions, today, stage, state, allowed", [
    # Before the first stage starts, nothing is in force.
    ([], "2026-08-15", "pilot", "not_started", []),
    # No decision yet: the first stage is in progress.
    ([], "2026-09-10", "pilot", "in_progress", ["early"]),
    # Proceed moves on to the next stage, whose uses come into force.
    ([("pilot", "2026-10-01", "proceed")], "2026-10-10", "wave", "in_progress", ["early", "later"]),
    # Proceeded, but the next stage has not started: nothing new yet, and access accumulates,
    # so what the stages reached allowed still holds until the next one starts.
    ([("pilot", "2026-10-01", "proceed"), ("wave", "2026-12-01", "proceed")], "2026-12-03",
     "all", "not_started", ["early", "later"]),
    # Extend keeps the stage, marked extended.
    ([("pilot", "2026-10-01", "extend")], "2026-10-10", "pilot", "extended", ["early"]),
    # Limit keeps the stage, limited.
    ([("pilot", "2026-10-01", "limit")], "2026-10-10", "pilot", "limited", ["early"]),
    # Pause: nothing is allowed.
    ([("pilot", "2026-10-01", "proceed"), ("wave", "2026-11-02", "pause")], "2026-11-24", "wave",
     "paused", []),
    # Stop: nothing is allowed, ever.
    ([("pilot", "2026-10-01", "stop")], "2026-11-24", "pilot", "stopped", []),
    # Extended, then proceeded.
    ([("pilot", "2026-10-01", "extend"), ("pilot", "2026-10-03", "proceed")], "2026-10-10",
     "wave", "in_progress", ["early", "later"]),
    # Proceeding from the last stage completes the rollout.
    ([("pilot", "2026-10-01", "proceed"), ("wave", "2026-12-01", "proceed"),
      ("all", "2027-01-10", "proceed")], "2027-01-20", "all", "complete", ["early", "later"]),
])
def test_position(decisions, today, stage, state, allowed):
    p = plan(decisions, today)
    assert (p.position.stage.id, p.position.state) == (stage, state)
    assert [u.id for u in p.allowed_now] == allowed


def test_a_draft_allows_nothing_even_mid_stage():
    assert plan([], "2026-09-10", status="draft").allowed_now == []


def test_a_paused_status_allows_nothing_and_is_paused():
    p = plan([], "2026-09-10", status="paused")
    assert p.paused and p.allowed_now == []


def test_next_gate_is_the_current_stage_gate():
    p = plan([("pilot", "2026-10-01", "proceed")], "2026-10-10")
    stage, gate = p.next_gate
    assert stage.id == "wave" and gate.decider == "d"


def test_review_overdue():
    raw = {"id": "p", "title": "P", "status": "active", "risk_tier": "low",
           "review_by": "2026-11-01"}
    assert build_plan(raw, "p.yaml", dt.date(2026, 11, 24)).review_overdue
    assert not build_plan(raw, "p.yaml", dt.date(2026, 10, 24)).review_overdue
