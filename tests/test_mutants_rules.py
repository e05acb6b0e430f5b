"""What the rules report, where mutmut found it untested (tests/MUTANTS.md).

`relaxed` is what `handbook diff` lists when a plan's tier is lowered ("no longer requires
..."), and what the scorecard reads from the tier table: each phrase, exactly.
"""
from __future__ import annotations

from macros.tiers import relaxed, requirements

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
