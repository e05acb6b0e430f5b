"""What the model derives, where mutmut found it untested (tests/MUTANTS.md): where a rollout
stands on a day (the status line every plan page shows), a pause taken between gates, and
which stages are behind the rollout."""
from __future__ import annotations

import datetime as dt

from macros.model.build import build_plan

STAGES = [
    {"id": "pilot", "name": "Pilot", "start": "2026-09-01", "end": "2026-09-30"},
    {"id": "wave", "name": "Wave", "start": "2026-10-05", "end": "2026-11-30"},
    {"id": "all", "name": "Everyone", "start": "2026-12-07"},
]
D = dt.date.fromisoformat


def plan(decisions=(), pauses=(), status="active", stages=STAGES, today="2026-11-24"):
    raw = {"id": "p", "title": "P", "status": status, "risk_tier": "low", "stages": stages,
           "uses": {"allowed": [{"id": "u", "text": "U"}], "prohibited": []},
           "decisions": [{"stage": s, "date": d, "outcome": o, "by": "d"}
                         for s, d, o in decisions],
           "pauses": list(pauses)}
    return build_plan(raw, "p.yaml", D(today))


PROCEEDED = [("pilot", "2026-10-01", "proceed")]


def test_a_plan_without_stages_has_not_started_and_has_no_stage():
    position = plan(stages=[]).position
    assert (position.stage, position.state, position.label) == (None, "not_started",
                                                                 "Not started")


def test_a_decision_counts_from_its_own_day():
    p = plan(PROCEEDED)
    on_the_day = p.position_at(D("2026-10-01"))
    assert (on_the_day.stage.id, on_the_day.state) == ("wave", "not_started")
    assert on_the_day.decision.outcome == "proceed" and on_the_day.starts == D("2026-10-05")
    before = p.position_at(D("2026-09-30"))
    assert (before.stage.id, before.state, before.decision) == ("pilot", "in_progress", None)


def test_in_progress_since_the_later_of_the_decision_and_the_next_stages_start():
    position = plan(PROCEEDED).position
    assert (position.stage.id, position.state, position.since) == ("wave", "in_progress",
                                                                   D("2026-10-05"))
    assert position.decision.date == D("2026-10-01")
    late = plan([("pilot", "2026-10-07", "proceed")]).position
    assert (late.stage.id, late.since) == ("wave", D("2026-10-07"))
    same_day = plan([("pilot", "2026-10-05", "proceed")]).position
    assert same_day.since == D("2026-10-05")


def test_a_decision_naming_an_unknown_stage_applies_to_the_current_one():
    position = plan([("nowhere", "2026-10-01", "extend")]).position
    assert (position.stage.id, position.state) == ("pilot", "extended")


PAUSE = {"date": "2026-11-02", "by": "d", "reason": "Too many errors",
         "fallbacks": ["extra_review"]}


def test_a_pause_entry_pauses_the_stage_in_force_from_its_day_with_its_fallbacks():
    p = plan(PROCEEDED, [PAUSE])
    position = p.position
    assert (position.stage.id, position.state, position.since) == ("wave", "paused",
                                                                   D("2026-11-02"))
    assert position.decision.outcome == "proceed" and position.pause.by == "d"
    assert position.label == "Paused" and p.fallbacks_in_force == ("extra_review",)
    assert p.position_at(D("2026-11-01")).state == "in_progress"
    assert p.pause_on(D("2026-11-01")) is None
    assert p.pause_on(D("2026-11-02")).reason == "Too many errors"


def test_the_latest_pause_in_force_is_the_one_shown_and_a_resumed_one_is_not():
    older = dict(PAUSE, date="2026-10-20", fallbacks=["manual_work"])
    newer = dict(PAUSE, date="2026-11-02")
    p = plan(PROCEEDED, [newer, older])
    assert p.pause_on(D("2026-11-10")).date == D("2026-11-02")
    resumed = dict(PAUSE, resume={"date": "2026-11-10", "by": "d"})
    q = plan(PROCEEDED, [resumed])
    assert q.pause_on(D("2026-11-09")) is not None and q.pause_on(D("2026-11-10")) is None
    assert q.position.state == "in_progress"


def test_a_pause_does_not_touch_a_plan_stopped_complete_or_not_started():
    stopped = plan([("pilot", "2026-10-01", "stop")], [PAUSE]).position
    assert stopped.state == "stopped"
    done = plan(PROCEEDED + [("wave", "2026-10-20", "proceed"), ("all", "2026-10-30", "proceed")],
                [PAUSE]).position
    assert (done.stage.id, done.state) == ("all", "complete")
    waiting = plan(PROCEEDED, [dict(PAUSE, date="2026-10-02")], today="2026-10-03").position
    assert (waiting.stage.id, waiting.state, waiting.starts) == ("wave", "not_started",
                                                                 D("2026-10-05"))


def test_a_paused_or_retired_status_outranks_the_calendar():
    for status in ("paused", "retired"):
        position = plan(PROCEEDED, status=status).position
        assert (position.stage.id, position.state, position.since) == ("wave", status, None)
        assert position.decision.outcome == "proceed"
    stopped = plan([("pilot", "2026-10-01", "stop")], status="retired").position
    assert stopped.state == "stopped"


def test_not_started_says_when_the_stage_starts():
    position = plan(today="2026-08-01").position
    assert (position.stage.id, position.state, position.starts) == ("pilot", "not_started",
                                                                   D("2026-09-01"))
    assert position.since is None and position.decision is None


def test_stages_behind_the_rollout_are_those_before_the_current_one_or_all_when_complete():
    p = plan(PROCEEDED)
    assert [p.stage_done(s) for s in p.stages] == [True, False, False]
    done = plan(PROCEEDED + [("wave", "2026-10-20", "proceed"), ("all", "2026-10-30", "proceed")])
    assert [done.stage_done(s) for s in done.stages] == [True, True, True]


def test_a_completed_rollout_stays_complete_whatever_the_status_says():
    done = plan(PROCEEDED + [("wave", "2026-10-20", "proceed"), ("all", "2026-10-30", "proceed")],
                status="paused").position
    assert (done.stage.id, done.state) == ("all", "complete")


def test_a_decision_on_a_named_stage_moves_the_rollout_to_that_stage():
    position = plan([("wave", "2026-10-10", "extend")]).position
    assert (position.stage.id, position.state) == ("wave", "extended")
