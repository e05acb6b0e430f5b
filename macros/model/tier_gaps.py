"""What a plan lacks that its risk tier requires, in the scorecard's words, keyed by the id of
the rule that reports the same gap in the check.

Each function reads the fields its rule in macros/core/rules/ reads, with the same tier-table cell
(`tiers.requirements`) and the same helpers (`values.gives_access`), so the readiness page says
"not ready" for a plan's content exactly when the check complains (tests/test_readiness_rules.py).
A gap the check leaves to another rule (an unknown module or person is `ref`'s finding) is not
judged here either.
"""
from __future__ import annotations

from typing import Callable

from .model import Handbook, Plan
from ..core.tiers import ALWAYS_REQUIRED, REQUIRED_TOPICS, Requirements, requirements

_ALWAYS = {("owner",): "no business owner", ("scope", "tools"): "no tools named",
           ("uses", "allowed"): "no allowed uses", ("uses", "prohibited"): "no prohibited uses",
           ("data_rules", "never_enter"): "no data named that must never be entered"}


def join_and(items: list[str]) -> str:
    """The scorecard's lists: 'a, b and c'."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _tier_required(plan: Plan, need: Requirements, handbook: Handbook) -> list[str]:
    return [_ALWAYS[path] for path in ALWAYS_REQUIRED if plan.get(*path) in (None, [], "")]


def _tier_stages(plan: Plan, need: Requirements, handbook: Handbook) -> list[str]:
    stages, gaps = plan.stages, []
    if len(stages) < need.min_stages:
        gaps.append(f"{count(len(stages), 'stage', 'stages')}; {need.min_stages} needed at "
                    f"{need.tier} tier")
    last = len(stages) - 1
    ungated = [s.name for s in stages[:last] if s.gate is None]
    if ungated and need.gate_on_every_stage_but_last:
        gaps.append("no gate after " + join_and(ungated))
    if need.blocking_criterion_on_every_gate:
        gaps += [f"the gate of {s.name} has no blocking criterion" for s in stages
                 if s.gate and not any(c.blocking for c in s.gate.criteria)]
    return gaps


def plan_modules(plan: Plan, handbook: Handbook) -> dict:
    """The modules a plan may require: the organisation's and its own (as the rules read)."""
    return {**{m.id: m for m in handbook.modules.values() if m.plan_id is None},
            **{m.id: m for m in plan.modules}}


def _training_topics(plan: Plan, need: Requirements, handbook: Handbook) -> list[str]:
    """Rule 8, at every tier: by the first stage that adds people, the required modules cover
    the required topics; missing overreliance is the rule's warning."""
    modules, required = plan_modules(plan, handbook), []
    for stage in plan.stages:
        required += stage.training
        if not stage.gives_access:
            continue
        if any(m not in modules for m in required):
            return []  # an unknown module is the ref rule's finding
        covered = {t for m in required for t in modules[m].topics}
        missing = [t.replace("_", " ") for t in REQUIRED_TOPICS if t not in covered]
        if missing:
            return [f"training before access misses {join_and(missing)}"]
        return [] if "overreliance" in covered else ["training before access does not cover "
                                                     "overreliance"]
    return []


def _tier_training(plan: Plan, need: Requirements, handbook: Handbook) -> list[str]:
    needed = {m for s in plan.stages for m in s.training}
    gaps = [] if plan.modules or needed else ["no training module"]
    if need.training_per_stage_that_adds_people:
        untrained = [s.name for s in plan.stages if s.gives_access and not s.training]
        if untrained:
            gaps.append("no onboarding for " + join_and(untrained))
    modules = plan_modules(plan, handbook)
    if need.reviewers_trained and needed <= set(modules):
        trained = {a for m in needed for a in modules[m].audience}
        known = set(handbook.people) | set(handbook.teams)
        reviewers = [r.get("reviewer") for r in plan.get("review", default=[])
                     if isinstance(r, dict)]
        untrained = [r for r in reviewers if isinstance(r, str) and r not in trained
                     and (r in known or not handbook.org)]
        if untrained:
            gaps.append("no required module trains the reviewer " + join_and(untrained))
    return gaps


def _tier_support(plan: Plan, need: Requirements, handbook: Handbook) -> list[str]:
    gaps = [] if plan.get("support", "owner") else ["no named support owner"]
    if need.issue_reporting and not isinstance(plan.get("issue_reporting"), dict):
        gaps.append("no issue-reporting channel")
    tiers = [t for t in plan.get("support", "tiers", default=[]) if isinstance(t, dict)]
    if need.support_tiers and not tiers:
        gaps.append("no support tiers: nobody is named to answer when something breaks")
    if need.response_time_on_every_tier and any(not t.get("response_time") for t in tiers):
        gaps.append("a support tier has no response time")
    return gaps


def _areas(plan: Plan) -> set:
    return {m.area for m in plan.monitors}


def _tier_monitoring(plan: Plan, need: Requirements, handbook: Handbook) -> list[str]:
    return [f"nothing watches {a}" for a in need.monitoring_areas if a not in _areas(plan)]


def _adoption_only(plan: Plan, need: Requirements, handbook: Handbook) -> list[str]:
    return ["only adoption is watched; usage alone is not success"] \
        if _areas(plan) == {"adoption"} else []


def _tier_pause(plan: Plan, need: Requirements, handbook: Handbook) -> list[str]:
    gaps = [f"no pause {k.replace('_', ' ')}" for k in need.pause_keys if not plan.get("pause", k)]
    authority = {a for a in plan.get("pause", "authority", default=[]) if isinstance(a, str)}
    if 0 < len(authority) < need.min_pause_authority:
        gaps.append(f"{count(len(authority), 'person', 'people')} can pause; "
                    f"{need.min_pause_authority} needed at {need.tier} tier")
    return gaps


def _tool_status(plan: Plan, need: Requirements, handbook: Handbook) -> list[str]:
    return [f"{handbook.tools[t].name} is {handbook.tools[t].status}, not approved"
            for t in plan.get("scope", "tools", default=[])
            if t in handbook.tools and handbook.tools[t].status in ("restricted", "prohibited")]


GAPS: dict[str, Callable[[Plan, Requirements, Handbook], list[str]]] = {
    "tier-required": _tier_required, "tier-stages": _tier_stages,
    "training-topics": _training_topics, "tier-training": _tier_training,
    "tier-support": _tier_support, "tier-monitoring": _tier_monitoring,
    "monitoring-adoption-only": _adoption_only, "tier-pause": _tier_pause,
    "tool-status": _tool_status,
}


def gaps(plan: Plan, handbook: Handbook, rule_ids: tuple[str, ...]) -> list[str]:
    """What the plan lacks, in the scorecard's words, by the rules `rule_ids` (each once)."""
    need = requirements(plan.risk_tier)
    found: list[str] = []
    for rule_id in rule_ids:
        found += [g for g in GAPS[rule_id](plan, need, handbook) if g not in found]
    return found
