"""What each risk tier requires: the one table (PLAN-FORMAT.md, "What each tier requires") that
the rules, the readiness scorecard, the editor schema and the diff all read.

A rule never restates a number from the table; it asks `requirements(tier)`. Changing a cell
here changes the check, the scorecard, the JSON Schema and what the diff says a tier change
relaxes, together.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from .diagnostics import ERROR, WARNING

TIERS = ("low", "medium", "high")
# The six areas of seed 000 step 8: what the tier table asks for at medium and high.
MONITORING_AREAS = ("quality", "value", "cost", "risk", "adoption", "support")
# Areas a plan may add and no tier requires (issue 24 item 2): drift (seed 002), scope drift and
# review burden (seed 000 step 8). A metric of a drift area is read against its baseline
# (macros/drift.py).
DRIFT_AREAS = ("drift", "scope_drift")
OPTIONAL_AREAS = DRIFT_AREAS + ("review_burden",)
ACCEPTED_AREAS = MONITORING_AREAS + OPTIONAL_AREAS  # what monitoring[].area may hold
REQUIRED_TOPICS = ("purpose", "limits", "data_rules", "review", "escalation", "issue_reporting")
# Sections required and non-empty at every tier (the table's first row).
ALWAYS_REQUIRED = (("owner",), ("scope", "tools"), ("uses", "allowed"), ("uses", "prohibited"),
                   ("data_rules", "never_enter"))
APPROVAL_STATUSES = ("approved", "active")  # need approval and review_by at every tier
# Rule 6: an impact on these means the high tier; any other impact at least medium (unless a
# tier_rationale says why not).
HIGH_IMPACTS = frozenset({"employees", "safety", "access_to_services", "regulated_work",
                          "finances"})

# Review: at least one rule / one rule per output / approval_first unless read_only first.
ONE_RULE, PER_OUTPUT, APPROVAL_FIRST = "one_rule", "per_output", "approval_first"


@dataclass(frozen=True)
class Requirements:
    """One column of the tier table."""

    tier: str
    review: str
    min_stages: int
    gate_on_every_stage_but_last: bool
    blocking_criterion_on_every_gate: bool
    training_per_stage_that_adds_people: bool
    reviewers_trained: bool
    issue_reporting: bool
    support_tiers: bool
    response_time_on_every_tier: bool
    escalation: str  # the severity of a plan without an escalation path
    escalation_ends_with_pause_authority: bool
    monitoring_areas: tuple[str, ...]
    pause_keys: tuple[str, ...]
    min_pause_authority: int
    communication_before_first_stage: bool
    risks_and_governance: str | None  # severity when missing; None: not asked for

    @property
    def rank(self) -> int:
        return TIERS.index(self.tier)


TABLE: dict[str, Requirements] = {
    "low": Requirements(
        tier="low", review=ONE_RULE, min_stages=1, gate_on_every_stage_but_last=False,
        blocking_criterion_on_every_gate=False, training_per_stage_that_adds_people=False,
        reviewers_trained=False, issue_reporting=False, support_tiers=False,
        response_time_on_every_tier=False, escalation=WARNING,
        escalation_ends_with_pause_authority=False, monitoring_areas=("quality", "value"),
        pause_keys=("authority",), min_pause_authority=1,
        communication_before_first_stage=False, risks_and_governance=None),
    "medium": Requirements(
        tier="medium", review=PER_OUTPUT, min_stages=2, gate_on_every_stage_but_last=True,
        blocking_criterion_on_every_gate=False, training_per_stage_that_adds_people=True,
        reviewers_trained=False, issue_reporting=True, support_tiers=False,
        response_time_on_every_tier=False, escalation=ERROR,
        escalation_ends_with_pause_authority=False, monitoring_areas=MONITORING_AREAS,
        pause_keys=("authority", "triggers", "fallbacks", "return_to_normal"),
        min_pause_authority=1, communication_before_first_stage=True,
        risks_and_governance=WARNING),
    "high": Requirements(
        tier="high", review=APPROVAL_FIRST, min_stages=3, gate_on_every_stage_but_last=True,
        blocking_criterion_on_every_gate=True, training_per_stage_that_adds_people=True,
        reviewers_trained=True, issue_reporting=True, support_tiers=True,
        response_time_on_every_tier=True, escalation=ERROR,
        escalation_ends_with_pause_authority=True, monitoring_areas=MONITORING_AREAS,
        pause_keys=("authority", "triggers", "fallbacks", "return_to_normal"),
        min_pause_authority=2, communication_before_first_stage=True,
        risks_and_governance=ERROR),
}


def requirements(tier: object) -> Requirements:
    """The column for `tier`; an unknown or missing tier is held to the lowest (the schema
    reports the bad value itself)."""
    return TABLE.get(tier if isinstance(tier, str) else "", TABLE["low"])


def implied_tier(impact: object) -> str:
    """The lowest tier a plan's `impact` allows without a tier_rationale (rule 6). The check's
    impact-tier rule and the diff both read it; only the named impacts count, never text."""
    named = {x for x in impact if isinstance(x, str)} if isinstance(impact, list) else set()
    return "high" if named & HIGH_IMPACTS else "medium" if named else "low"


# What each requirement means, in the words of the diff and the scorecard.
_MEANING = {
    "review": {ONE_RULE: "at least one human review rule",
               PER_OUTPUT: "a review rule for every output",
               APPROVAL_FIRST: "approval before any action, unless the first stage is read-only"},
    "min_stages": "at least {} stage(s)",
    "gate_on_every_stage_but_last": "a gate after every stage but the last",
    "blocking_criterion_on_every_gate": "a blocking criterion on every gate",
    "training_per_stage_that_adds_people": "training before every stage that adds people",
    "reviewers_trained": "trained reviewers",
    "issue_reporting": "an issue-reporting process",
    "support_tiers": "support tiers",
    "response_time_on_every_tier": "a response time on every support tier",
    "escalation": {ERROR: "an escalation path", WARNING: ""},
    "escalation_ends_with_pause_authority": "escalation paths that end with someone who can "
                                            "pause",
    "monitoring_areas": "metrics for {}",
    "pause_keys": "pause {}",
    "min_pause_authority": "{} people who can pause",
    "communication_before_first_stage": "an announcement before the first stage",
    "risks_and_governance": {ERROR: "a risk register and governance", WARNING: "", None: ""},
}


def _describe(name: str, value: object) -> str:
    meaning = _MEANING[name]
    if isinstance(meaning, dict):
        return meaning.get(value, "")
    if isinstance(value, bool):
        return meaning if value else ""
    if isinstance(value, tuple):
        return meaning.format(", ".join(v.replace("_", " ") for v in value))
    return meaning.format(value) if value and value != 1 or name == "min_stages" else ""


def relaxed(old_tier: object, new_tier: object) -> list[str]:
    """What the plan is no longer required to have after its tier changes from `old_tier` to
    `new_tier`, one phrase per requirement ("a blocking criterion on every gate")."""
    old, new = requirements(old_tier), requirements(new_tier)
    if new.rank >= old.rank:  # the table only ever adds requirements as the tier rises
        return []
    dropped = []
    for f in fields(Requirements):
        if f.name == "tier":
            continue
        before, after = getattr(old, f.name), getattr(new, f.name)
        if before == after:
            continue
        phrase = _describe(f.name, before)
        if phrase and phrase != _describe(f.name, after):
            dropped.append(phrase)
    return dropped
