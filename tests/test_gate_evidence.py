"""A gate's evidence follows the gate's state (issue 20): an open gate is judged on the latest
measurement not after today; a decided gate as its decider saw it, and never "blocks" a stage
that has started. `extend` and `pause` leave a gate open."""
from __future__ import annotations

import datetime as dt
import shutil

import yaml

from macros.model.readiness import readiness
from macros.render import Fragments, all_pages
from macros.render.plan import evidence_summary
from macros.core.validate import check

from .conftest import FIXTURES, TODAY, changed_handbook

STATES = FIXTURES / "states"


def _plan(decisions: list[dict], rows: list[tuple[str, str, float]]):
    """The fixture plan `data-met` with these decisions and these `edits` readings."""
    handbook = changed_handbook("data-met", rows=rows,
                                plan_changed=lambda d: d.__setitem__("decisions", decisions))
    return handbook, handbook.plans["data-met"]


def _edits(handbook, plan, stage_id: str):
    stage = plan.stage(stage_id)
    criterion = next(c for c in stage.gate.criteria if c.metric == "edits")
    evidence = plan.evidence(criterion, stage)
    shown = Fragments(handbook, "x.md").verdict(evidence, plan.monitor("edits"))
    return evidence, shown


def test_an_open_gate_with_a_pause_logged_is_judged_on_the_latest_reading():
    pause = {"stage": "wave", "date": "2026-11-20", "outcome": "pause", "by": "ana-silva",
             "rationale": "Complaints"}
    handbook, plan = _plan([pause], [("2026-11-16", "edits", 30), ("2026-11-23", "edits", 60)])
    evidence, shown = _edits(handbook, plan, "wave")
    assert evidence.decision is None  # a pause keeps the gate open
    assert (evidence.verdict, evidence.latest.value) == ("not_met", 60)
    assert "blocks the next stage" in shown
    assert "1 not met" in evidence_summary(plan, plan.stage("wave"))


def test_an_extended_gate_stays_open():
    extend = {"stage": "wave", "date": "2026-11-20", "outcome": "extend", "by": "ana-silva"}
    _handbook, plan = _plan([extend], [("2026-11-16", "edits", 30),
                                       ("2026-11-23", "edits", 60)])
    stage = plan.stage("wave")
    assert plan.gate_decision(stage) is None
    criterion = next(c for c in stage.gate.criteria if c.metric == "edits")
    assert plan.evidence(criterion, stage).verdict == "not_met"


def test_a_passed_gate_is_judged_at_its_decision_and_blocks_nothing():
    proceed = {"stage": "pilot", "date": "2026-11-06", "outcome": "proceed", "by": "ana-silva",
               "rationale": "Good enough"}
    handbook, plan = _plan([proceed], [("2026-10-20", "edits", 80),
                                       ("2026-11-16", "edits", 30)])
    evidence, shown = _edits(handbook, plan, "pilot")
    assert evidence.decision is not None and evidence.decision.outcome == "proceed"
    assert (evidence.verdict, evidence.latest.value) == ("not_met", 80)
    assert shown == "✘ Not met at the decision on Fri 6 Nov 2026 (at most 50 %); the gate proceeded"
    assert "blocks" not in shown


def test_the_last_closing_decision_decides_after_a_pause_and_a_resume():
    decisions = [
        {"stage": "pilot", "date": "2026-10-20", "outcome": "pause", "by": "ana-silva"},
        {"stage": "pilot", "date": "2026-11-06", "outcome": "proceed", "by": "ana-silva"},
    ]
    handbook, plan = _plan(decisions, [("2026-10-15", "edits", 80),
                                       ("2026-11-02", "edits", 40)])
    evidence, shown = _edits(handbook, plan, "pilot")
    assert evidence.decision.date == dt.date(2026, 11, 6)
    assert evidence.latest.value == 40
    assert shown == "✔ Met at the decision on Fri 6 Nov 2026 (at most 50 %)"


# --- small untruths (issue 20, item 7): each on the page's own words ---------------------------


def _pages(plans_changed=None, today: dt.date = TODAY) -> dict[str, str]:
    """The states fixture's pages, with `plans_changed(data)` applied to data-met first."""
    return all_pages(changed_handbook("data-met", plan_changed=plans_changed, day=today))


def test_a_stage_past_its_planned_end_with_its_gate_undecided_says_the_decision_is_due():
    # The pilot ran until 2026-10-30 and nobody has decided its gate.
    late = _pages()["plans/data-met/index.md"]
    assert "in progress since Mon 5 Oct 2026; the gate's decision is due since Fri 30 Oct 2026" in late
    in_time = _pages(today=dt.date(2026, 10, 20))["plans/data-met/index.md"]
    assert "in progress since Mon 5 Oct 2026" in in_time and "decision is due" not in in_time


def test_a_last_stage_without_a_gate_does_not_wait_for_a_decision():
    page = _pages()["plans/data-met/stages/everyone.md"]
    assert "No decision yet" not in page
    assert "no gate, so no decision is taken at it" in page


def test_latest_readings_carry_their_unit():
    page = _pages()["plans/data-met/evidence.md"]
    assert "28 % on Mon 23 Nov 2026" in page
    assert "75 minutes on Mon 23 Nov 2026" in page


def test_pause_triggers_name_the_metric_not_its_id():
    def trigger(data):
        data["pause"]["triggers"] = [{"id": "edit-spike", "text": "Heavy edits two weeks running",
                                      "metric": "edits"}]
    page = _pages(trigger)["plans/data-met/index.md"]
    assert "[Drafts needing heavy edits](evidence.md#metric-edits)" in page
    assert "[edits](" not in page


def test_a_channel_with_a_comma_stays_one_channel():
    def tiers(data):
        data["support"]["tiers"] = [{"level": 1, "name": "Ask first",
                                     "channels": ["Drop-in, Room 4", "#ai-help"]}]
    page = _pages(tiers)["plans/data-met/index.md"]
    assert "Drop-in, Room 4<br>&#35;ai-help" in page or "Drop-in, Room 4<br>#ai-help" in page


def test_an_escalation_text_alternative_reads_as_one_sentence():
    def steps(data):
        data["escalation"][0]["steps"] = [
            {"contact": "ben-cho", "within": "1 hour", "action": "Take the text down."},
            {"contact": "ana-silva", "action": "Tell the customer."}]
    hb = changed_handbook("data-met", plan_changed=steps)
    plan = hb.plans["data-met"]
    # The diagram is the escalation_path macro's (the plan page lists the steps).
    drawn = Fragments(hb, "index.md").escalation_path(plan, plan.get("escalation")[0])
    assert ".; then" not in drawn
    assert "Take the text down; then Ana Silva" in drawn
    listed = all_pages(hb)["plans/data-met/index.md"]
    assert "within 1 hour: Take the text down." in listed


def test_a_team_lead_is_named_with_the_team():
    assert "Team lead, Shop staff" in _pages()["contacts.md"]


# --- what the plan says is published (issue 20, item 4) ---------------------------------------


def _org_pages(org_changed, plans_changed=None) -> dict[str, str]:
    return all_pages(changed_handbook("data-met", plan_changed=plans_changed,
                                      org_changed=org_changed))


def test_tool_instructions_written_as_text_are_shown_under_their_status():
    def tools(org):
        org["tools"] = [
            {"id": "chat", "name": "ShopChat", "status": "approved",
             "instructions": "Ask the office for a licence"},
            {"id": "scribe", "name": "Scribe", "status": "restricted",
             "instructions": "Only for the weekly notice, never with customer names"},
            {"id": "freebot", "name": "FreeBot", "status": "prohibited",
             "instructions": "Consumer account: it keeps what you type"},
        ]
    page = _org_pages(tools)["tools.md"]
    assert "**How to get it:** Ask the office for a licence" in page
    assert "**Condition of use:** Only for the weekly notice, never with customer names" in page
    assert "**Why not:** Consumer account&#58; it keeps what you type" in page
    assert page.count("How to get it") == 1  # a banned tool never invites "How to get it"


def test_a_deliberately_limited_rollout_says_where_it_stops():
    def limited(data):
        data["end_state"] = "limited"
        data["stages"][-1]["access_percent"] = 90
    page = _pages(limited)["plans/data-met/index.md"]
    assert "This rollout deliberately stops at 90 %" in page


def test_structured_message_timing_is_shown_beside_the_words():
    def comms(data):
        data["communications"] = [
            {"when": "Before the wave", "before": "wave", "audience": ["shop"],
             "message": "The wave starts"},
            {"when": "On launch day", "date": "2026-10-05", "message": "Welcome"},
            {"when": "After each decision", "at_each_gate": True, "message": "What we decided"}]
    page = _pages(comms)["plans/data-met/evidence.md"]
    assert "Before the wave<br>— before [Wave](stages/wave.md), which starts Mon 9 Nov 2026" in page
    assert "On launch day<br>— on Mon 5 Oct 2026" in page
    assert "After each decision<br>— at every gate decision" in page


def test_a_team_sees_what_it_reviews_on_its_own_page():
    def reviewer(data):
        data["review"][0]["reviewer"] = "shop"
    page = _pages(reviewer)["teams/shop.md"]
    part = page.split("{#data-met-review}", 1)[1].split("\n#", 1)[0]  # in the block #review
    assert "[Menu text](../plans/data-met/index.md#owner-check)" in part


# --- no headcount means the whole teams, for training too (issue 20, item 2) ----------------


def _readiness(plans_changed) -> dict:
    handbook = changed_handbook("data-met", plan_changed=plans_changed)
    return {(v.source, v.area): v for v in readiness(handbook.plans["data-met"], handbook)}


def _whole_teams(data):
    for stage in data["stages"]:
        stage.pop("headcount", None)


def test_a_stage_without_headcount_gives_its_whole_teams_access_for_training():
    verdicts = _readiness(_whole_teams)
    before_access = verdicts[("Rollout checklist", "Training")]
    assert before_access.state == "ready", before_access.reason


def test_the_check_judges_training_topics_on_a_stage_without_headcount(tmp_path):
    folder = tmp_path / "plans"
    shutil.copytree(STATES, folder)
    path = folder / "data-met.yaml"
    data = yaml.safe_load(path.read_text())
    _whole_teams(data)
    org = yaml.safe_load((folder / "_org.yaml").read_text())
    org["training"][0]["topics"] = ["purpose", "limits"]
    (folder / "_org.yaml").write_text(yaml.safe_dump(org, sort_keys=False))
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    found = [d for d in check([folder], today=TODAY).diagnostics
             if d.rule == "training-topics" and d.file.endswith("data-met.yaml")]
    assert found and "before access at stage 'pilot'" in found[0].message


def test_readiness_does_not_ask_for_fallbacks_at_low_tier():
    def no_fallbacks(data):
        data["pause"].pop("fallbacks", None)
    verdicts = _readiness(no_fallbacks)
    rollback = verdicts[("Production readiness", "Rollback")]
    assert rollback.state == "ready" and "not required" in rollback.reason
