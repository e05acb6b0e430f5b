"""Readiness: each plan judged against seed 000's rollout checklist and seed 001's production
readiness list, from its own content and evidence, in proportion to its risk tier.

A verdict is "ready enough" or "not ready", always with the reason, so a reader can act on it.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Plan
from .tiers import MONITORING_AREAS, REQUIRED_TOPICS

TIER = {"low": 0, "medium": 1, "high": 2}
SECURITY_WORDS = ("security", "privacy", "data protection", "penetration", "masking", "dpia")


@dataclass(frozen=True)
class Verdict:
    source: str  # ROLLOUT (seed 000's checklist) or PRODUCTION (seed 001's list)
    area: str
    ready: bool
    reason: str


def _ok(source: str, area: str, problems: list[str], fine: str) -> Verdict:
    return Verdict(source, area, not problems, "; ".join(problems) if problems else fine)


ROLLOUT = "Rollout checklist"
PRODUCTION = "Production readiness"


def readiness(plan: Plan, handbook) -> list[Verdict]:
    tier = TIER.get(plan.risk_tier, 0)
    scope = plan.get("scope", default={})
    monitors = plan.monitors
    pause = plan.get("pause", default={})
    support = plan.get("support", default={})
    verdicts: list[Verdict] = []

    missing = [k.replace("_", " ") for k in ("purpose", "users", "tools", "data_sources",
                                               "outputs", "out_of_scope") if not scope.get(k)]
    verdicts.append(_ok(ROLLOUT, "Scope", [f"scope has no {', '.join(missing)}"] if missing
                        else [], "use case, users, tools, data, outputs and limits are written"))

    minimum = {0: 1, 1: 2, 2: 3}[tier]
    problems = []
    if len(plan.stages) < minimum:
        problems.append(f"{len(plan.stages)} stage(s); {minimum} needed at {plan.risk_tier} tier")
    ungated = [s.name for s in plan.stages[:-1] if s.gate is None]
    if ungated:
        problems.append("no gate after " + ", ".join(ungated))
    verdicts.append(_ok(ROLLOUT, "Stages", problems,
                        f"{len(plan.stages)} controlled stages, each but the last ending in a "
                        "gate"))

    problems = []
    for stage in plan.stages:
        if stage.gate and not stage.gate.criteria:
            problems.append(f"the gate of {stage.name} has no criteria")
        if stage.gate and tier == 2 and not any(c.blocking for c in stage.gate.criteria):
            problems.append(f"the gate of {stage.name} has no blocking criterion")
    if plan.next_gate:
        stage, gate = plan.next_gate
        failing = [c.question for c in gate.criteria
                   if c.blocking and plan.evidence(c, stage).verdict == "not_met"]
        if failing:
            problems.append("the next gate's blocking criteria are not met: " + "; ".join(failing))
    verdicts.append(_ok(ROLLOUT, "Gates", problems,
                        "every gate has criteria, and the evidence so far meets the blocking "
                        "ones"))

    first = next((s for s in plan.stages if (s.headcount or 0) > 0), None)
    covered = {t for s in plan.stages[: (first.index + 1) if first else 0] for m in s.training
               for t in (handbook.modules[m].topics if m in handbook.modules else ())}
    gaps = [t.replace("_", " ") for t in REQUIRED_TOPICS if t not in covered]
    verdicts.append(_ok(ROLLOUT, "Training", [f"training before access misses {', '.join(gaps)}"]
                        if gaps else [], "training before access covers purpose, limits, data "
                        "rules, review, escalation and issue reporting"))

    problems = []
    if not support.get("owner"):
        problems.append("no named support owner")
    if not plan.get("issue_reporting"):
        problems.append("no issue-reporting channel")
    if tier >= 1 and not support.get("tiers"):
        problems.append("no support tiers")
    verdicts.append(_ok(ROLLOUT, "Support", problems,
                        "a named owner, a support path and an issue-reporting process"))

    areas = {m.area for m in monitors}
    needed = ("quality", "value") if tier == 0 else MONITORING_AREAS
    problems = [f"nothing watches {a}" for a in needed if a not in areas]
    unowned = [m.metric for m in monitors if not m.owner or not m.cadence]
    if unowned:
        problems.append("no owner or cadence for " + "; ".join(unowned))
    if tier >= 1 and not plan.measurements:
        problems.append("no measurements recorded yet")
    verdicts.append(_ok(ROLLOUT, "Monitoring", problems,
                        f"{len(monitors)} metrics with owners and cadence"
                        + (", measured" if plan.measurements else "")))

    needed = ["authority"] + (["triggers", "fallbacks", "return_to_normal"] if tier else [])
    problems = [f"no pause {k.replace('_', ' ')}" for k in needed if not pause.get(k)]
    if plan.breaches:
        problems.append("a pause threshold is crossed: " + ", ".join(
            b.monitor.metric for b in plan.breaches))
    verdicts.append(_ok(ROLLOUT, "Pause", problems,
                        "someone can pause, triggers and fallbacks are defined, no threshold "
                        "is crossed"))

    # Seed 001: what production needs beyond the pilot.
    problems = []
    if not any(m.pause_value is not None for m in monitors):
        problems.append("no metric has a numeric pause value to alert on")
    if not plan.measurements:
        problems.append("no measurements: nothing to put on a dashboard")
    verdicts.append(_ok(PRODUCTION, "Monitoring", problems if tier else [],
                        "numeric pause values and recorded measurements" if tier else
                        "proportionate at low tier: metrics with owners are enough"))

    reviewed = [c.item for s in plan.stages for c in s.checklist
                if any(w in (c.item + " " + _role(handbook, c.owner)).lower()
                       for w in SECURITY_WORDS)]
    verdicts.append(_ok(PRODUCTION, "Security review",
                        ["no checklist item records a security or data-protection review"]
                        if tier and not reviewed else [],
                        ("reviewed: " + "; ".join(reviewed)) if reviewed else
                        "not required at low tier"))

    problems = []
    for tool_id in scope.get("tools", []):
        tool = handbook.tools.get(tool_id)
        if tool is None or tool.status != "approved":
            problems.append(f"{tool_id} is not approved")
        elif tool.account != "enterprise" or tool.trains_on_inputs:
            problems.append(f"{tool.name} lacks an enterprise account that keeps inputs out of "
                            "training")
    verdicts.append(_ok(PRODUCTION, "Integrations", problems,
                        "approved enterprise tools that do not train on inputs"))

    problems = [f"{handbook.tools[t].name} has no instructions" for t in scope.get("tools", [])
                if t in handbook.tools and not handbook.tools[t].instructions]
    problems += [f"module {m.title} has no content" for m in plan.modules if not m.content]
    verdicts.append(_ok(PRODUCTION, "Documentation", problems,
                        "tool instructions and training pages exist"))

    untrained = [s.name for s in plan.stages if (s.headcount or 0) > 0 and not s.training]
    verdicts.append(_ok(PRODUCTION, "Training", [f"no onboarding for {', '.join(untrained)}"]
                        if untrained else [], "every stage that adds people requires training"))

    problems = []
    tiers = support.get("tiers", [])
    if tier == 2 and any(not t.get("response_time") for t in tiers):
        problems.append("a support tier has no response time")
    if not tiers and tier:
        problems.append("nobody is named to answer when something breaks")
    verdicts.append(_ok(PRODUCTION, "Support", problems,
                        "named tiers answer when something breaks"))

    fallbacks = pause.get("fallbacks", [])
    problems = []
    if not fallbacks:
        problems.append("no fallback to the old way of working")
    if not pause.get("return_to_normal"):
        problems.append("no conditions for returning to normal")
    verdicts.append(_ok(PRODUCTION, "Rollback", problems if tier else problems[:1],
                        "fallbacks and a way back are defined"))
    return verdicts


def _role(handbook, ref: str | None) -> str:
    person = handbook.people.get(ref) if ref else None
    return person.role if person else ""
