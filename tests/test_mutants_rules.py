"""What the rules report, where mutmut found it untested (tests/MUTANTS.md).

`relaxed` is what `handbook diff` lists when a plan's tier is lowered ("no longer requires
..."), and what the scorecard reads from the tier table: each phrase, exactly.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from macros.core.tiers import relaxed, requirements
from macros.core.validate import check

from .conftest import FIXTURES, TODAY

HIGH_OVER_MEDIUM = [
    "approval before any action, unless the first stage is read-only", "at least 3 stage(s)",
    "a blocking criterion on every gate", "trained reviewers", "support tiers",
    "a response time on every support tier",
    "escalation paths that end with someone who can pause", "2 people who can pause",
    "a risk register and governance"]
MEDIUM_OVER_LOW = [
    "a review rule for every output", "at least 2 stage(s)",
    "a gate after every stage but the last", "training before every stage that adds people",
    "an issue-reporting process", "an escalation path",
    "metrics for quality, value, cost, risk, adoption, support",
    "pause authority, triggers, fallbacks, return to normal",
    "an announcement before the first stage"]


def test_lowering_high_to_medium_lists_what_only_high_requires():
    assert relaxed("high", "medium") == HIGH_OVER_MEDIUM


def test_lowering_medium_to_low_lists_what_medium_adds_to_low():
    assert relaxed("medium", "low") == MEDIUM_OVER_LOW


def test_lowering_high_to_low_lists_every_requirement_high_has_over_low_once():
    dropped = relaxed("high", "low")
    assert len(dropped) == len(set(dropped)) == 16
    assert set(dropped) == (set(HIGH_OVER_MEDIUM) | set(MEDIUM_OVER_LOW)) - {
        "a review rule for every output", "at least 2 stage(s)"}


def test_raising_or_keeping_the_tier_relaxes_nothing():
    assert relaxed("low", "high") == relaxed("medium", "medium") == relaxed("low", "low") == []


def test_an_unknown_tier_is_held_to_the_lowest():
    assert relaxed("high", "extreme") == relaxed("high", None) == relaxed("high", "low")
    assert requirements(3).tier == requirements("").tier == "low"
    assert requirements(["high"]).tier == "low"  # a list (the schema refuses it) never crashes
    assert requirements("medium").tier == "medium"


# --- rule 6, impact-tier: what the editor is told, with and without a tier_rationale --------

def _impact_tier(tmp_path: Path, **fields) -> list:
    plans = tmp_path / "plans"
    shutil.copytree(FIXTURES / "valid" / "minimum", plans)
    plan_file = plans / "menu-drafts.yaml"
    data = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    data.update(fields)
    plan_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return [(d.severity, d.message, d.hint) for d in check([plans], today=TODAY).diagnostics
            if d.rule == "impact-tier"]


def test_an_impact_above_the_tier_is_an_error_that_asks_to_raise_the_tier(tmp_path: Path):
    assert _impact_tier(tmp_path, impact=["customers", "employees", "safety"]) == [
        ("error", "risk_tier: impact on employees, safety means the tier should be high",
         "Raise risk_tier, or explain in tier_rationale why not.")]


def test_with_a_rationale_it_is_a_warning_that_says_who_reads_it(tmp_path: Path):
    assert _impact_tier(tmp_path, impact=["customers"], tier_rationale="Drafts only") == [
        ("warning", "risk_tier: impact on customers means the tier should be at least medium",
         "tier_rationale explains the lower tier, and whoever approves the plan reads it: "
         "raise risk_tier when it no longer holds.")]
