"""Access: who may do what on which day — one fact in the model, read by every page.

The property test builds random plans (several teams per stage, headcounts below a team's
size, teams that join late or leave, pauses and stops) and random days, and checks that what
each team page lists under "What you may do" (#may) is exactly what a small reference function
computes from the plan's YAML alone.
"""
from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macros.model.build import build_handbook
from macros.render.fragments import Fragments
from macros.render.paths import Paths
from macros.render.pages import stage_page, team_page

TEAMS = {"shop": 10, "office": 4, "kitchen": 14, "finance": 6}
ORG = {"people": [{"id": "ana", "name": "Ana"}],
       "teams": [{"id": t, "name": t.title(), "headcount": n} for t, n in TEAMS.items()]}
START = dt.date(2026, 1, 5)


def stage(sid, teams, start, headcount=None, leave=(), people=()):
    raw = {"id": sid, "name": sid.title(), "teams": list(teams), "start": start.isoformat()}
    if headcount is not None:
        raw["headcount"] = headcount
    if leave:
        raw["leave"] = list(leave)
    if people:
        raw["people"] = list(people)
    return raw


def plan_raw(stages, decisions=(), status="active", users=tuple(TEAMS)):
    uses = [{"id": "first-use", "text": "First use"}] + [
        {"id": f"use-{s['id']}", "text": f"Use from {s['id']}", "from_stage": s["id"]}
        for s in stages[1:]]
    return {"id": "p", "title": "P", "status": status, "risk_tier": "low",
            "scope": {"users": list(users)}, "stages": stages,
            "uses": {"allowed": uses, "prohibited": []},
            "decisions": [{"stage": s, "date": d.isoformat(), "outcome": o, "by": "ana"}
                          for s, d, o in decisions]}


def handbook(raw, today):
    return build_handbook(ORG, [(raw, "p.yaml")], today)


def may_do_now(raw, team, today) -> set[str]:
    """The use ids the team's page lists in its block "What you may do" (#may)."""
    page = team_page(handbook(raw, today), team)
    match = re.search(r"## What you may do \{#may\}\n\n(.*?)\n## ", page, re.S)
    return set(re.findall(r"\]\([^)]*#([a-z0-9-]+)\)\)", match.group(1))) if match else set()


# --- the reference: from the YAML alone, written independently of the model -----------------


def reference(raw: dict, team: str, today: dt.date) -> set[str]:
    if raw["status"] != "active":
        return set()
    stages = raw["stages"]
    index = {s["id"]: i for i, s in enumerate(stages)}
    def day(text: str) -> dt.date:
        return dt.date.fromisoformat(text)

    decisions = [d for d in raw["decisions"] if day(d["date"]) <= today]
    reached = 0 if decisions or day(stages[0]["start"]) <= today else -1
    for d in decisions:
        if d["outcome"] in ("pause", "stop"):
            return set()
        if d["outcome"] == "proceed":
            i = index[d["stage"]]
            following = i + 1 < len(stages)
            reached = i + 1 if following and day(stages[i + 1]["start"]) <= today else i
    if reached < 0:
        return set()
    named = any(s["teams"] for s in stages)
    having: set[str] = set()
    for i, s in enumerate(stages[: reached + 1]):
        having -= set(s.get("leave", []))
        teams = s["teams"] if named else (raw["scope"]["users"] if i == 0 else [])
        if s.get("headcount") != 0:
            having |= set(teams)
    if team not in having:
        return set()
    return {u["id"] for u in raw["uses"]["allowed"]
            if index.get(u.get("from_stage"), 0) <= reached}


@st.composite
def plans_and_days(draw):
    count = draw(st.integers(1, 4))
    stages, day = [], START
    seen: list[str] = []
    for n in range(count):
        day += dt.timedelta(days=draw(st.integers(7, 60)))
        teams = draw(st.lists(st.sampled_from(sorted(TEAMS)), max_size=3, unique=True))
        leave = draw(st.lists(st.sampled_from(sorted(seen)), max_size=2, unique=True)) \
            if seen and draw(st.booleans()) else []
        headcount = draw(st.one_of(st.none(), st.integers(0, 20)))
        stages.append(stage(f"s{n}", teams, day, headcount, leave))
        seen += teams
    decisions, when = [], START
    for s in stages:
        begins = dt.date.fromisoformat(s["start"])
        when = max(when, begins) + dt.timedelta(days=draw(st.integers(1, 40)))
        outcome = draw(st.sampled_from(["none", "proceed", "proceed", "extend", "pause",
                                        "stop"]))
        if outcome == "none":
            break
        decisions.append((s["id"], when, outcome))
        if outcome == "extend":
            when += dt.timedelta(days=draw(st.integers(1, 20)))
            decisions.append((s["id"], when, "proceed"))
        elif outcome != "proceed":
            break
    status = draw(st.sampled_from(["active"] * 5 + ["approved", "paused", "draft", "retired"]))
    today = START + dt.timedelta(days=draw(st.integers(0, 400)))
    return plan_raw(stages, decisions, status), today


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_days(), st.sampled_from(sorted(TEAMS)))
def test_each_team_page_lists_what_the_yaml_allows(case, team):
    raw, today = case
    assert may_do_now(raw, team, today) == reference(raw, team, today)


def test_the_reference_is_not_trivially_empty():
    raw = plan_raw([stage("a", ["shop"], dt.date(2026, 2, 1))])
    assert reference(raw, "shop", dt.date(2026, 3, 1)) == {"first-use"}
    assert may_do_now(raw, "shop", dt.date(2026, 3, 1)) == {"first-use"}


# --- the sentences, case by case ----------------------------------------------------------


def wave_plan(status="active", decisions=(("a", dt.date(2026, 3, 1), "proceed"),)):
    return plan_raw([stage("a", ["shop"], dt.date(2026, 2, 1), headcount=5),
                     stage("b", ["finance"], dt.date(2026, 3, 2)),
                     stage("c", ["kitchen"], dt.date(2026, 6, 1), leave=["shop"])],
                    decisions, status)


def now_for(raw, team, today=dt.date(2026, 4, 1)):
    hb = handbook(raw, today)
    return Fragments(hb, Paths.team(team)).allowed_now(hb.plans["p"], team)


def test_access_accumulates_a_later_stage_does_not_hand_over():
    plan = handbook(wave_plan(), dt.date(2026, 4, 1)).plans["p"]
    assert plan.access.teams == ("shop", "finance")
    assert "these uses are allowed for [Shop](shop.md) (5 of the team's 10)" in now_for(
        wave_plan(), "shop")
    assert "allowed for [Finance](finance.md):" in now_for(wave_plan(), "finance")


def test_a_team_that_joins_later_reads_when():
    assert now_for(wave_plan(), "kitchen") == (
        "**Nothing yet**: your team joins at [C](../plans/p/stages/c.md) (planned from "
        "Mon 1 Jun 2026).")


def test_leave_ends_a_teams_access_when_the_stage_starts():
    raw = wave_plan(decisions=(("a", dt.date(2026, 3, 1), "proceed"),
                               ("b", dt.date(2026, 5, 1), "proceed")))
    plan = handbook(raw, dt.date(2026, 6, 2)).plans["p"]
    assert plan.access.teams == ("finance", "kitchen")
    assert now_for(raw, "shop", dt.date(2026, 6, 2)) == (
        "**Nothing**: your team's access ended when [C](../plans/p/stages/c.md) started on "
        "Mon 1 Jun 2026 and does not return under this plan.")
    # Before stage c starts, shop keeps its access.
    assert handbook(raw, dt.date(2026, 5, 15)).plans["p"].access.has("shop")


def test_a_pause_or_a_stop_removes_all_access():
    for outcome in ("pause", "stop"):
        raw = wave_plan(decisions=(("a", dt.date(2026, 3, 1), "proceed"),
                                   ("b", dt.date(2026, 3, 20), outcome)))
        plan = handbook(raw, dt.date(2026, 4, 1)).plans["p"]
        assert plan.access.teams == () and plan.allowed_for("shop") == []
        said = now_for(raw, "shop")
        assert said.startswith("**Paused**" if outcome == "pause" else "**Nothing**"), said
        assert outcome != "pause" or "Do not use AI for this work" in said


def test_a_plan_that_is_not_active_gives_nobody_access():
    for status in ("draft", "approved", "paused", "retired"):
        plan = handbook(wave_plan(status), dt.date(2026, 4, 1)).plans["p"]
        assert plan.access.stage is None and plan.allowed_for("shop") == []
        # The status outranks the calendar: a paused or retired plan is not "in progress".
        assert plan.position.state == {"paused": "paused", "retired": "retired"}.get(
            status, "not_started")


def test_a_shared_headcount_is_counted_across_its_teams():
    raw = plan_raw([stage("a", ["kitchen", "finance"], dt.date(2026, 2, 1), headcount=5,
                          people=["ana"])])
    hb = handbook(raw, dt.date(2026, 3, 1))
    text = Fragments(hb, Paths.plan("p")).allowed_now(hb.plans["p"])
    assert ("allowed for 5 people across [Kitchen](../../teams/kitchen.md) and "
            "[Finance](../../teams/finance.md):") in text
    assert "Named for access: [Ana](../../contacts.md#ana)." in text
    assert "(part of the 5 people across [Kitchen](kitchen.md) and [Finance](finance.md))" in now_for(
        raw, "finance", dt.date(2026, 3, 1))


def test_a_future_decision_has_not_happened_yet():
    raw = wave_plan(decisions=(("a", dt.date(2026, 3, 1), "stop"),))
    plan = handbook(raw, dt.date(2026, 2, 15)).plans["p"]
    assert plan.position.state == "in_progress" and plan.access.has("shop")


def test_a_number_given_across_teams_reads_up_to_once_a_team_leaves():
    """10 people across Kitchen and Finance; Finance leaves: the plan does not say how many of
    the 10 were Finance's, so no page may keep the full 10 against the Kitchen alone."""
    raw = plan_raw([stage("a", ["kitchen", "finance"], dt.date(2026, 2, 1), headcount=10),
                    stage("b", ["shop"], dt.date(2026, 3, 1), headcount=5, leave=["finance"])],
                   decisions=(("a", dt.date(2026, 2, 20), "proceed"),))
    hb = handbook(raw, dt.date(2026, 3, 15))
    text = Fragments(hb, Paths.plan("p")).allowed_now(hb.plans["p"])
    assert "up to 10 people across [Kitchen](../../teams/kitchen.md)" in text
    assert "10 people across [Kitchen](../../teams/kitchen.md) and" not in text
    assert "(part of up to 10 people across [Kitchen](kitchen.md))" in now_for(
        raw, "kitchen", dt.date(2026, 3, 15))


def test_a_stage_without_headcount_adds_its_whole_teams_on_its_page():
    raw = plan_raw([stage("a", ["kitchen"], dt.date(2026, 2, 1))])
    hb = handbook(raw, dt.date(2026, 3, 1))
    page = stage_page(hb, hb.plans["p"], hb.plans["p"].stages[0])
    assert "| People added at this stage | the whole [Kitchen]" in page


def test_a_later_stage_without_headcount_gives_the_whole_teams_never_zero_of_them():
    raw = plan_raw([stage("a", ["kitchen", "finance"], dt.date(2026, 2, 1), headcount=4),
                    stage("b", ["kitchen", "finance"], dt.date(2026, 3, 1))],
                   decisions=(("a", dt.date(2026, 2, 20), "proceed"),))
    hb = handbook(raw, dt.date(2026, 3, 15))
    text = Fragments(hb, Paths.plan("p")).allowed_now(hb.plans["p"])
    assert "0 of the team" not in text
    assert "[Kitchen](../../teams/kitchen.md), [Finance](../../teams/finance.md)" in text or (
        "[Kitchen](../../teams/kitchen.md) and [Finance](../../teams/finance.md)" in text)


def test_a_headcount_split_by_team_keeps_each_teams_number_after_one_leaves():
    first = stage("a", ["kitchen", "finance"], dt.date(2026, 2, 1), headcount=10)
    first["headcount_by_team"] = {"kitchen": 6, "finance": 4}
    raw = plan_raw([first, stage("b", ["shop"], dt.date(2026, 3, 1), headcount=5,
                                 leave=["finance"])],
                   decisions=(("a", dt.date(2026, 2, 20), "proceed"),))
    hb = handbook(raw, dt.date(2026, 3, 15))
    text = Fragments(hb, Paths.plan("p")).allowed_now(hb.plans["p"])
    assert "[Kitchen](../../teams/kitchen.md) (6 of the team's 14)" in text
    assert "up to" not in text and "Finance" not in text
    page = stage_page(hb, hb.plans["p"], hb.plans["p"].stages[0])
    assert ("| People added at this stage | [Kitchen](../../../teams/kitchen.md): 6 join (the "
            "team has 14); [Finance](../../../teams/finance.md): 4 join (the team has 6) |") in page
