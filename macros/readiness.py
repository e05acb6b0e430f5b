"""Readiness: each plan judged against seed 000's rollout checklist and seed 001's production
readiness list, from its own content and evidence, in proportion to its risk tier.

A verdict is "ready enough", "not ready" or "no data yet", always with the reason, so a reader
can act on it. Every verdict reads structured fields and the tier table (`tiers.requirements`);
where no field holds a fact, the reason says "not recorded" and names the field it would read.
Reasons are plain text; a field name is written between backticks.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Plan
from .tiers import MONITORING_AREAS, REQUIRED_TOPICS, requirements

READY, NOT_READY, NO_DATA = "ready", "not_ready", "no_data"
SECURITY_KINDS = ("security_review", "data_protection_review")


@dataclass(frozen=True)
class Verdict:
    source: str  # ROLLOUT (seed 000's checklist) or PRODUCTION (seed 001's list)
    area: str
    state: str  # ready | not_ready | no_data
    reason: str

    LABELS = {READY: "Ready enough", NOT_READY: "Not ready", NO_DATA: "No data yet"}

    @property
    def ready(self) -> bool:
        return self.state == READY

    @property
    def label(self) -> str:
        return self.LABELS[self.state]


def _ok(source: str, area: str, problems: list[str], fine: str,
        missing_data: list[str] | None = None) -> Verdict:
    """Not ready when there are problems; else no data yet when evidence is missing; else
    ready, with what was checked."""
    if problems:
        return Verdict(source, area, NOT_READY, "; ".join(problems))
    if missing_data:
        return Verdict(source, area, NO_DATA, "; ".join(missing_data))
    return Verdict(source, area, READY, fine)


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


ROLLOUT = "Rollout checklist"
PRODUCTION = "Production readiness"


def readiness(plan: Plan, handbook) -> list[Verdict]:
    need = requirements(plan.risk_tier)
    proportionate = need.rank == 0  # the lowest tier: seed 000's minimum plan
    scope = plan.get("scope", default={})
    monitors = plan.monitors
    pause = plan.get("pause", default={})
    support = plan.get("support", default={})
    tier = f"{need.tier} tier"
    verdicts: list[Verdict] = []

    missing = [k.replace("_", " ") for k in ("purpose", "users", "tools", "data_sources",
                                               "outputs", "out_of_scope") if not scope.get(k)]
    verdicts.append(_ok(ROLLOUT, "Scope", [f"scope has no {_and(missing)}"] if missing
                        else [], "use case, users, tools, data, outputs and limits are written"))

    problems = []
    if len(plan.stages) < need.min_stages:
        problems.append(f"{_count(len(plan.stages), 'stage', 'stages')}; "
                        f"{need.min_stages} needed at {tier}")
    ungated = [s.name for s in plan.stages[:-1] if s.gate is None]
    if ungated and need.gate_on_every_stage_but_last:
        problems.append("no gate after " + _and(ungated))
    gated = "each but the last ending in a gate" if not ungated else (
        "gates are not required between them at " + tier)
    verdicts.append(_ok(ROLLOUT, "Stages", problems,
                        f"{_count(len(plan.stages), 'controlled stage', 'controlled stages')}"
                        + (f", {gated}" if len(plan.stages) > 1 else "")))

    verdicts.append(_gates(plan, need))

    first = next((s for s in plan.stages if s.gives_access), None)
    covered = {t for s in plan.stages[: (first.index + 1) if first else 0] for m in s.training
               for t in (handbook.modules[m].topics if m in handbook.modules else ())}
    gaps = [t.replace("_", " ") for t in REQUIRED_TOPICS if t not in covered]
    verdicts.append(_ok(ROLLOUT, "Training", [f"training before access misses {_and(gaps)}"]
                        if gaps else [], "training before access covers purpose, limits, data "
                        "rules, review, escalation and issue reporting"))

    problems, have = [], []
    if support.get("owner"):
        have.append("a named owner")
    else:
        problems.append("no named support owner")
    if support.get("tiers"):
        have.append("support tiers")
    elif need.support_tiers:
        problems.append("no support tiers")
    if plan.get("issue_reporting"):
        have.append("an issue-reporting process")
    elif need.issue_reporting:
        problems.append("no issue-reporting channel")
    verdicts.append(_ok(ROLLOUT, "Support", problems, _and(have) if have else
                        f"nothing more is required at {tier}"))

    verdicts.append(_monitoring(plan, need, tier))
    verdicts.append(_pause(plan, need, pause))

    # Seed 001: what production needs beyond the pilot.
    problems, missing_data = [], []
    if not any(m.pause_value is not None for m in monitors):
        problems.append("not recorded: no metric has a numeric pause value (add `pause_value` "
                        "and `better` to a metric to get an alert)")
    if not plan.measurements:
        missing_data.append("no measurements yet — nothing to put on a dashboard")
    alerting = [m.metric for m in monitors if m.pause_value is not None]
    verdicts.append(
        _ok(PRODUCTION, "Monitoring", [], "proportionate at low tier: metrics with owners are "
            "enough") if proportionate else
        _ok(PRODUCTION, "Monitoring", problems, f"{_count(len(alerting), 'metric', 'metrics')} "
            f"with a numeric pause value, and measurements recorded", missing_data))

    verdicts.append(_security(plan, proportionate, tier))

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

    untrained = [s.name for s in plan.stages if s.gives_access and not s.training]
    verdicts.append(_ok(PRODUCTION, "Training", [f"no onboarding for {_and(untrained)}"]
                        if untrained else [], "every stage that adds people requires training"))

    problems = []
    tiers = support.get("tiers", [])
    if need.response_time_on_every_tier and any(not t.get("response_time") for t in tiers):
        problems.append("a support tier has no response time")
    if not tiers and not proportionate:
        problems.append("nobody is named to answer when something breaks")
    verdicts.append(_ok(PRODUCTION, "Support", problems,
                        "named tiers answer when something breaks" if tiers else
                        f"proportionate at {tier}: a support owner is enough"))

    problems = []
    if not pause.get("fallbacks") and "fallbacks" in need.pause_keys:
        problems.append("no fallback to the old way of working")
    if not pause.get("return_to_normal") and "return_to_normal" in need.pause_keys:
        problems.append("no conditions for returning to normal")
    way_back = " and a way back" if pause.get("return_to_normal") else ""
    verdicts.append(_ok(PRODUCTION, "Rollback", problems,
                        f"fallbacks{way_back} are defined" if pause.get("fallbacks") else
                        f"proportionate at {tier}: fallbacks are not required"))
    return verdicts


def _gates(plan: Plan, need) -> Verdict:
    problems, missing_data = [], []
    for stage in plan.stages:
        if stage.gate and not stage.gate.criteria:
            problems.append(f"the gate of {stage.name} has no criteria")
        if (stage.gate and need.blocking_criterion_on_every_gate
                and not any(c.blocking for c in stage.gate.criteria)):
            problems.append(f"the gate of {stage.name} has no blocking criterion")
    gates = [s for s in plan.stages if s.gate]
    fine = ("every gate has criteria" if gates else "no stage has a gate")
    if plan.next_gate:
        stage, gate = plan.next_gate
        blocking = [plan.evidence(c, stage) for c in gate.criteria if c.blocking]
        failing = [e.criterion.question for e in blocking if e.verdict == "not_met"]
        no_data = [e.criterion.question for e in blocking if e.verdict == "no_data"]
        met = [e for e in blocking if e.verdict == "met"]
        judged = [e for e in blocking if e.verdict == "judged"]
        if failing:
            problems.append("the next gate's blocking criteria are not met: "
                            + "; ".join(failing))
        if no_data:
            missing_data.append("nothing measured yet for the next gate's blocking criteria: "
                                + "; ".join(no_data))
        said = []
        if met:
            said.append(f"{_count(len(met), 'blocking criterion', 'blocking criteria')} of the "
                        "next gate met")
        if judged:
            said.append(f"{_count(len(judged), 'blocking criterion', 'blocking criteria')} "
                        "judged by the decider")
        if not blocking:
            said.append("the next gate has no blocking criterion")
        fine += "; " + _and(said)
    else:
        fine += "; no gate is ahead"
    return _ok(ROLLOUT, "Gates", problems, fine, missing_data)


def _monitoring(plan: Plan, need, tier: str) -> Verdict:
    monitors = plan.monitors
    areas = {m.area for m in monitors}
    problems = [f"nothing watches {a}" for a in need.monitoring_areas if a not in areas]
    unowned = [m.metric for m in monitors if not m.owner or not m.cadence]
    if unowned:
        problems.append("no owner or cadence for " + "; ".join(unowned))
    watched = _count(len(monitors), "metric", "metrics") + " with owners and cadence"
    if plan.measurements:
        return _ok(ROLLOUT, "Monitoring", problems, watched + ", measured")
    if need.monitoring_areas == MONITORING_AREAS:  # every area watched: evidence is expected
        return _ok(ROLLOUT, "Monitoring", problems, watched,
                   ["no measurements yet — nothing can be judged"])
    return _ok(ROLLOUT, "Monitoring", problems, watched + f"; no measurements yet, which is "
               f"enough at {tier}")


def _pause(plan: Plan, need, pause: dict) -> Verdict:
    problems = [f"no pause {k.replace('_', ' ')}" for k in need.pause_keys if not pause.get(k)]
    authority = pause.get("authority") or []
    if authority and len(authority) < need.min_pause_authority:
        problems.append(f"{_count(len(authority), 'person', 'people')} can pause; "
                        f"{need.min_pause_authority} needed at {need.tier} tier")
    if plan.breaches and not plan.paused:
        problems.append("a pause threshold is crossed: " + ", ".join(
            b.monitor.metric for b in plan.breaches))
    have = [_count(len(authority), "person can pause", "people can pause")] if authority else []
    for key, one, many in (("triggers", "trigger", "triggers"),
                           ("fallbacks", "fallback", "fallbacks")):
        if pause.get(key):
            have.append(f"{_count(len(pause[key]), one, many)} defined")
    if pause.get("return_to_normal"):
        have.append("a way back to normal defined")
    watched = [m for m in plan.monitors if m.pause_value is not None
               and m.better in ("higher", "lower")]
    missing_data = []
    if not watched:
        have.append("no pause value to watch: not recorded (add `pause_value` and `better` to a "
                    "metric to get an alert)")
    elif not any(plan.series(m.id) for m in watched):
        missing_data.append("no measurements yet — nothing can be judged against the pause "
                            "values")
    elif plan.breaches:  # and paused: the pause authority has acted (why is theirs to say)
        since = plan.position.since
        have.append(("paused" + (f" since {since.isoformat()}" if since else "")
                     + "; a pause value is reached: ")
                    + ", ".join(b.monitor.metric for b in plan.breaches))
    else:
        have.append("no pause value is reached")
    return _ok(ROLLOUT, "Pause", problems, "; ".join(have), missing_data)


def _security(plan: Plan, proportionate: bool, tier: str) -> Verdict:
    """Read from checklist items' `kind` and `done`, never from their wording."""
    items = [c for s in plan.stages for c in s.checklist if c.kind in SECURITY_KINDS]
    done = [c for c in items if c.done and c.done <= plan.today]
    open_ = [c for c in items if c not in done]
    if done and not open_:
        return Verdict(PRODUCTION, "Security review", READY, "done: " + "; ".join(
            f"{c.item} ({c.done.isoformat()})" for c in done))
    if proportionate and not items:
        return Verdict(PRODUCTION, "Security review", READY, f"not required at {tier}")
    if not items:
        return Verdict(PRODUCTION, "Security review", NOT_READY,
                       "not recorded: no checklist item has `kind: security_review` or "
                       "`kind: data_protection_review`")
    reason = "not recorded as done: " + "; ".join(c.item for c in open_) + \
             " (add `done` with the date to the checklist item)"
    if done:
        reason += "; done: " + "; ".join(f"{c.item} ({c.done.isoformat()})" for c in done)
    if proportionate:
        return Verdict(PRODUCTION, "Security review", READY, f"not required at {tier}; {reason}")
    return Verdict(PRODUCTION, "Security review", NOT_READY, reason)
