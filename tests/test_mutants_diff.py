"""What `handbook diff` judges, where mutmut found it untested (tests/MUTANTS.md).

The judgement of a change to a plan's tier facts (impact, tier_rationale) and to a stage's
dates, as the diff's comment shows it to whoever approves the change.
"""
from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from macros.history.sides import Side
from macros.history.diff import diff, read_side, to_json
from macros.history.diff_judgement import (
    BELOW,
    FLOOR_LOWERED,
    NEEDS_APPROVAL,
    NO_EFFECT,
    NOT_JUDGED,
    TIGHTENS,
    date_judgement,
    tier_judgement,
    tier_side,
)

from .conftest import ROOT

EXAMPLES = read_side((ROOT / "plans").as_posix())


def plan(tier=None, impact=None, rationale=None) -> dict:
    raw: dict = {}
    if tier is not None:
        raw["risk_tier"] = tier
    if impact is not None:
        raw["impact"] = impact
    if rationale is not None:
        raw["tier_rationale"] = rationale
    return raw


def test_a_sides_tier_facts_come_from_its_tier_impact_and_rationale():
    side = tier_side(plan("medium", ["employees"], "Read by a person"))
    assert (side.applied, side.implied, side.rationale) == ("medium", "high", True)
    assert side.below
    side = tier_side(plan("unknown", ["customers"], ""))
    assert (side.applied, side.implied, side.rationale) == ("low", "medium", False)
    side = tier_side(["not", "a", "plan"])
    assert (side.applied, side.implied, side.rationale) == ("low", "low", False)
    assert not side.below


# --- tier_rationale --------------------------------------------------------------------------

def test_a_rationale_added_to_a_plan_below_its_tier_needs_approval_as_below():
    new = plan("medium", ["employees"], "Sent by a person")
    assert tier_judgement("tier_rationale", None, "Sent by a person", plan("medium"), new) == (
        NEEDS_APPROVAL, BELOW)


def test_a_rationale_on_a_plan_at_its_tier_has_no_effect_added_or_removed():
    at_tier = plan("high", ["employees"])
    assert tier_judgement("tier_rationale", None, "x", at_tier, at_tier) == (NO_EFFECT, None)
    assert tier_judgement("tier_rationale", "x", None, at_tier, at_tier) == (NO_EFFECT, None)


def test_a_rationale_removed_from_a_plan_below_its_tier_tightens():
    below = plan("medium", ["employees"])
    assert tier_judgement("tier_rationale", "x", None, below, below) == (TIGHTENS, None)


# --- impact ----------------------------------------------------------------------------------

def test_an_impact_removed_so_that_the_floor_falls_needs_approval_as_floor_lowered():
    old = plan("high", ["employees", "customers"])
    new = plan("high", ["customers"])
    assert tier_judgement("impact", "employees", None, old, new) == (
        NEEDS_APPROVAL, FLOOR_LOWERED)


def test_an_impact_removed_while_another_keeps_the_floor_has_no_effect():
    old = plan("high", ["employees", "safety"])
    new = plan("high", ["safety"])
    assert tier_judgement("impact", "employees", None, old, new) == (NO_EFFECT, None)


def test_a_medium_impact_removed_from_a_plan_left_with_none_lowers_the_floor():
    old = plan("medium", ["customers"])
    new = plan("medium", [])
    assert tier_judgement("impact", "customers", None, old, new) == (
        NEEDS_APPROVAL, FLOOR_LOWERED)


def test_an_impact_added_above_the_applied_tier_needs_approval_as_below():
    old = plan("medium", ["customers"])
    new = plan("medium", ["customers", "finances"])
    assert tier_judgement("impact", None, "finances", old, new) == (NEEDS_APPROVAL, BELOW)


def test_an_impact_added_that_the_tier_already_meets_tightens():
    old = plan("high", ["customers"])
    new = plan("high", ["customers", "finances"])
    assert tier_judgement("impact", None, "finances", old, new) == (TIGHTENS, None)


def test_an_impact_added_at_the_floor_already_implied_has_no_effect():
    old = plan("medium", ["customers"])
    new = plan("medium", ["customers", "suppliers"])
    assert tier_judgement("impact", None, "suppliers", old, new) == (NO_EFFECT, None)


def test_a_whole_impact_list_is_ranked_by_its_highest_item():
    old = plan("low")
    new = plan("high", ["customers", "safety"])
    assert tier_judgement("impact", None, ["customers", "safety"], old, new) == (TIGHTENS, None)
    new = plan("medium", ["customers", "safety"])
    assert tier_judgement("impact", None, ["customers", "safety"], old, new) == (
        NEEDS_APPROVAL, BELOW)


def test_a_first_impact_on_a_low_plan_raised_to_medium_tightens():
    old = plan("low")
    new = plan("medium", ["customers"])
    assert tier_judgement("impact", None, "customers", old, new) == (TIGHTENS, None)


def test_an_impact_replaced_by_one_of_the_same_rank_has_no_effect():
    old = plan("medium", ["customers"])
    new = plan("medium", ["suppliers"])
    assert tier_judgement("impact", "customers", "suppliers", old, new) == (NO_EFFECT, None)


# --- stage dates -----------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, judgement", [
    ("2026-10-01", "2026-11-05", TIGHTENS),
    (dt.date(2026, 10, 1), dt.date(2026, 10, 2), TIGHTENS),
    ("2026-10-01", "2026-10-01", NOT_JUDGED),
    ("2026-10-01", "2026-09-30", NOT_JUDGED),
    (None, "2026-10-01", NOT_JUDGED),
    ("2026-10-01", None, NOT_JUDGED),
    ("2026-10-01", "soon", NOT_JUDGED),
    ("2026-10-01", 20261105, NOT_JUDGED),
])
def test_only_a_stage_moved_later_tightens(old, new, judgement):
    assert date_judgement(old, new) == judgement


# --- through `diff`: the section a change is listed under and its judgement ------------------

def _changes(old_plans: dict, new_plans: dict, old_org: dict | None = None,
             new_org: dict | None = None) -> list:
    return json.loads(to_json(diff(Side("old", old_plans, old_org or EXAMPLES.org),
                                   Side("new", new_plans, new_org or EXAMPLES.org))))


def _edited(plan_id: str, edit) -> list:
    old = copy.deepcopy(EXAMPLES.plans[plan_id])
    new = copy.deepcopy(old)
    edit(new)
    return _changes({plan_id: old}, {plan_id: new})


def test_each_change_is_listed_under_the_section_a_reader_looks_in():
    def edit(plan):
        plan["owner"] = "li-wei"
        plan["stages"][0]["gate"]["decider"] = "li-wei"
        plan["stages"][0]["training"] = []
        plan["stages"][0]["end"] = "2027-12-31"
        plan["pause"]["authority"].append("li-wei")
    sections = {c["path"]: c["section"] for c in _edited("support-replies", edit)}
    assert {p.partition("[")[0]: s for p, s in sections.items()
            if not p.startswith("stages")} == {"owner": "Plan", "pause.authority": "Pause"}
    assert {p.partition("].")[2].partition("[")[0]: s for p, s in sections.items()
            if p.startswith("stages")} == {"gate.decider": "Gates", "training": "Training",
                                           "end": "Stages"}


def test_org_changes_are_listed_under_their_own_sections():
    org = copy.deepcopy(EXAMPLES.org)
    org["teams"][0]["name"] = "Support"
    org["people"][0]["name"] = "Someone Else"
    org["support"] = {"people_per_champion": 10}
    changes = _changes(EXAMPLES.plans, EXAMPLES.plans, new_org=org)
    sections = {c["path"].partition("[")[0].partition(".")[0]: c["section"] for c in changes}
    assert sections == {"teams": "Teams", "people": "People", "support": "Organisation"}


def test_a_new_plan_is_listed_under_plan():
    [change] = _changes({}, {"support-replies": EXAMPLES.plans["support-replies"]})
    assert (change["section"], change["path"]) == ("Plan", "")


def test_a_metrics_description_is_text_and_a_criterions_metric_is_a_reference():
    def reword(plan):
        plan["monitoring"][0]["metric"] = "Something else entirely"

    def point_elsewhere(plan):
        criterion = next(c for s in plan["stages"] if s.get("gate")
                         for c in s["gate"].get("criteria", []) if c.get("metric"))
        criterion["metric"] = plan["monitoring"][1]["id"]
    [reworded] = _edited("support-replies", reword)
    assert reworded["reason"] == "wording changed; cannot be judged automatically"
    [pointed] = _edited("support-replies", point_elsewhere)
    assert pointed["reason"] == ("“Share of drafts heavily edited before sending” replaced by "
                                 "“Median handling time of routine tickets”; cannot be judged "
                                 "automatically")


def test_a_rename_has_no_policy_effect_and_a_use_moved_to_prohibited_tightens():
    def rename(plan):
        plan["stages"][1]["id"] = "second-wave"
        plan["stages"][1]["former_ids"] = ["wave-2"]
    [renamed] = _edited("support-replies", rename)
    assert (renamed["path"], renamed["judgement"]) == ("stages[second-wave].id", NO_EFFECT)

    def prohibit(plan):
        use = plan["uses"]["allowed"].pop(0)
        use.pop("from_stage", None)
        plan["uses"]["prohibited"].append({"id": use["id"], "text": use["text"]})
    judgements = {c["judgement"] for c in _edited("support-replies", prohibit)}
    assert judgements == {TIGHTENS}


def test_a_stage_added_is_listed_under_stages_and_a_gate_added_under_gates():
    def add_stage(plan):
        plan["stages"].append({"id": "everyone", "name": "Everyone", "start": "2027-06-01"})

    old = copy.deepcopy(EXAMPLES.plans["support-replies"])
    new = copy.deepcopy(old)
    add_stage(new)
    assert {(c["path"], c["section"]) for c in _changes({"support-replies": old},
                                                        {"support-replies": new})} == {
        ("stages[everyone]", "Stages")}
    gated = next(s for s in old["stages"] if s.get("gate"))
    without = copy.deepcopy(old)
    next(s for s in without["stages"] if s["id"] == gated["id"]).pop("gate")
    assert {c["section"] for c in _changes({"support-replies": without},
                                           {"support-replies": old})} == {"Gates"}


def test_a_new_order_of_the_stages_needs_approval_unlike_other_reorders():
    def swap(plan):
        plan["stages"][0], plan["stages"][1] = plan["stages"][1], plan["stages"][0]
    [change] = _edited("support-replies", swap)
    assert (change["path"], change["judgement"]) == ("stages", NEEDS_APPROVAL)
