"""Readiness: each plan judged against seed 000's rollout checklist and seed 001's production
readiness list, from its own content and evidence, in proportion to its risk tier.

A verdict is "ready enough", "not ready" or "no data yet", always with the reason, so a reader
can act on it. Every verdict reads structured fields and the tier table (`tiers.requirements`);
where no field holds a fact, the reason says "not recorded" and names the field it would read.
Reasons are plain text; a field name is written between backticks. A line says "not ready" for
what the plan says only where the check complains too (AREA_RULES); what no tier requires is
said as "not recorded" or "not written", never as "not ready".
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.dates import day_words
from .model import Handbook, Plan
from .tier_gaps import count as _count
from .tier_gaps import gaps, plan_modules
from .tier_gaps import join_and as _and
from ..core.tiers import MONITORING_AREAS, Requirements, requirements

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


ROLLOUT = "Rollout checklist"
PRODUCTION = "Production readiness"

# The check's rule ids that judge the same fact as a readiness line: such a line is "not ready"
# for its content exactly when one of its rules gives an error or a warning on the plan
# (tests/test_readiness_rules.py proves it), so a page never asks for what the tier does not.
# Two lines that read one rule (Support, Rollback and Pause) give the same gaps, each in its own
# list; Pause is also "not ready" from evidence when a pause value is crossed.
AREA_RULES: dict[tuple[str, str], tuple[str, ...]] = {
    (ROLLOUT, "Scope"): ("tier-required",),
    (ROLLOUT, "Stages"): ("tier-stages",),
    (ROLLOUT, "Training"): ("training-topics",),
    (ROLLOUT, "Support"): ("tier-support",),
    (ROLLOUT, "Monitoring"): ("tier-monitoring", "monitoring-adoption-only"),
    (ROLLOUT, "Pause"): ("tier-pause",),
    (PRODUCTION, "Integrations"): ("tool-status",),
    (PRODUCTION, "Training"): ("tier-training",),
    (PRODUCTION, "Support"): ("tier-support",),
    (PRODUCTION, "Rollback"): ("tier-pause",),
    # No rule asks for these (alert values, tool instructions, module pages): never "not
    # ready", at most "no data yet" with what is not recorded.
    (PRODUCTION, "Monitoring"): (),
    (PRODUCTION, "Documentation"): (),
}
# Judged from evidence, not from what the plan says it will do: the next gate's measurements
# against its blocking criteria (Gates) and a review recorded as done (Security review). No
# rule judges evidence, so these may say "not ready" with no error in the check.
EVIDENCE_ONLY: tuple[tuple[str, str], ...] = ((ROLLOUT, "Gates"), (PRODUCTION, "Security review"))


# Over 60 lines: the scorecard, one area after the other in the order the page shows them.
def readiness(plan: Plan, handbook: Handbook) -> list[Verdict]:
    need = requirements(plan.risk_tier)
    proportionate = need.rank == 0  # the lowest tier: seed 000's minimum plan
    scope = plan.get("scope", default={})
    monitors = plan.monitors
    pause = plan.get("pause", default={})
    support = plan.get("support", default={})
    tier = f"{need.tier} tier"
    verdicts: list[Verdict] = []

    def lacks(source: str, area: str) -> list[str]:
        return gaps(plan, handbook, AREA_RULES[(source, area)])

    unwritten = [k.replace("_", " ") for k in ("purpose", "users", "data_sources", "outputs",
                                                "out_of_scope") if not scope.get(k)]
    verdicts.append(_ok(ROLLOUT, "Scope", lacks(ROLLOUT, "Scope"),
                        "use case, users, tools, data, outputs and limits are written",
                        [f"not written: the scope's {_and(unwritten)}"] if unwritten else []))

    ungated = [s.name for s in plan.stages[:-1] if s.gate is None]
    gated = "each but the last ending in a gate" if not ungated else (
        "gates are not required between them at " + tier)
    verdicts.append(_ok(ROLLOUT, "Stages", lacks(ROLLOUT, "Stages"),
                        f"{_count(len(plan.stages), 'controlled stage', 'controlled stages')}"
                        + (f", {gated}" if len(plan.stages) > 1 else "")))

    verdicts.append(_gates(plan))

    first = next((s for s in plan.stages if s.gives_access), None)
    unknown = [m for s in plan.stages[: first.index + 1 if first else 0] for m in s.training
               if m not in plan_modules(plan, handbook)]  # the check's ref error says which
    verdicts.append(_ok(ROLLOUT, "Training", lacks(ROLLOUT, "Training"),
                        "training before access covers purpose, limits, data rules, review, "
                        "escalation, issue reporting and overreliance" if first else
                        "no stage gives anyone access yet",
                        [f"not judged: {_count(len(unknown), 'module', 'modules')} not defined "
                         f"({_and(unknown)})"] if unknown else []))

    have = [what for what, there in (("a named owner", support.get("owner")),
                                     ("support tiers", support.get("tiers")),
                                     ("an issue-reporting process",
                                      plan.get("issue_reporting"))) if there]
    verdicts.append(_ok(ROLLOUT, "Support", lacks(ROLLOUT, "Support"), _and(have) if have else
                        f"nothing more is required at {tier}"))

    verdicts.append(_monitoring(plan, need, tier, lacks(ROLLOUT, "Monitoring")))
    verdicts.append(_pause(plan, pause, lacks(ROLLOUT, "Pause")))

    # Seed 001: what production needs beyond the pilot.
    missing_data = []
    if not any(m.pause_value is not None for m in monitors):
        missing_data.append("not recorded: no metric has a numeric pause value (add "
                            "`pause_value` and `better` to a metric to get an alert)")
    if not plan.measurements:
        missing_data.append("no measurements yet — nothing to put on a dashboard")
    missing_data += _stale(plan)
    alerting = [m.metric for m in monitors if m.pause_value is not None]
    verdicts.append(
        _ok(PRODUCTION, "Monitoring", [], "proportionate at low tier: metrics with owners are "
            "enough") if proportionate else
        _ok(PRODUCTION, "Monitoring", lacks(PRODUCTION, "Monitoring"),
            f"{_count(len(alerting), 'metric', 'metrics')} with a numeric pause value, and "
            "measurements recorded", missing_data))

    verdicts.append(_security(plan, proportionate, tier))
    verdicts.append(_integrations(plan, handbook, lacks(PRODUCTION, "Integrations")))

    unwritten = [f"{handbook.tools[t].name}'s instructions" for t in scope.get("tools", [])
                 if t in handbook.tools and not handbook.tools[t].instructions]
    unwritten += [f"the page of module {m.title}" for m in plan.modules if not m.content]
    verdicts.append(_ok(PRODUCTION, "Documentation", lacks(PRODUCTION, "Documentation"),
                        "tool instructions and training pages exist",
                        ["not written yet: " + "; ".join(unwritten)] if unwritten else []))

    verdicts.append(_ok(PRODUCTION, "Training", lacks(PRODUCTION, "Training"),
                        "every stage that adds people requires training"
                        if all(s.training for s in plan.stages if s.gives_access) else
                        f"at least one training module, which is enough at {tier}"))

    verdicts.append(_ok(PRODUCTION, "Support", lacks(PRODUCTION, "Support"),
                        "named tiers answer when something breaks" if support.get("tiers") else
                        f"proportionate at {tier}: a support owner is enough"))

    way_back = " and a way back" if pause.get("return_to_normal") else ""
    verdicts.append(_ok(PRODUCTION, "Rollback", lacks(PRODUCTION, "Rollback"),
                        f"fallbacks{way_back} are defined" if pause.get("fallbacks") else
                        f"proportionate at {tier}: fallbacks are not required"))
    return verdicts


def _gates(plan: Plan) -> Verdict:
    """From evidence only: what each gate must have is the Stages line's (tier-stages)."""
    problems, missing_data = [], []
    empty = [s.name for s in plan.stages if s.gate and not s.gate.criteria]
    gates = [s for s in plan.stages if s.gate]
    fine = ("no stage has a gate" if not gates else "every gate has criteria" if not empty
            else "no criteria at the gate of " + _and(empty))
    if plan.next_gate:
        stage, gate = plan.next_gate
        blocking = [plan.evidence(c, stage) for c in gate.criteria if c.blocking]
        failing = [e.criterion.question for e in blocking if e.verdict == "not_met"]
        no_data = [e.criterion.question for e in blocking if e.verdict == "no_data"]
        stale = [e.criterion.question for e in blocking if e.verdict == "stale"]
        met = [e for e in blocking if e.verdict == "met"]
        judged = [e for e in blocking if e.verdict == "judged"]
        if failing:
            problems.append("the next gate's blocking criteria are not met: "
                            + "; ".join(failing))
        if no_data:
            missing_data.append("nothing measured yet for the next gate's blocking criteria: "
                                + "; ".join(no_data))
        if stale:
            missing_data.append("no current reading (stale) for the next gate's blocking "
                                "criteria: " + "; ".join(stale))
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


def _monitoring(plan: Plan, need: Requirements, tier: str, problems: list[str]) -> Verdict:
    monitors = plan.monitors
    unowned = [m.metric for m in monitors if not m.owner or not m.cadence]
    missing_data = ["not recorded: the owner or cadence of " + "; ".join(unowned)] \
        if unowned else []
    watched = _count(len(monitors), "metric", "metrics") + (
        " with owners and cadence" if not unowned else "")
    stale = _stale(plan)  # old readings are no evidence of monitoring today
    if plan.measurements and not stale:
        return _ok(ROLLOUT, "Monitoring", problems, watched + ", measured", missing_data)
    if need.monitoring_areas == MONITORING_AREAS:  # every area watched: evidence is expected
        return _ok(ROLLOUT, "Monitoring", problems, watched,
                   missing_data + (stale or ["no measurements yet — nothing can be judged"]))
    return _ok(ROLLOUT, "Monitoring", problems, watched + "; " + "; ".join(
        stale or ["no measurements yet"]) + f", which is enough at {tier}", missing_data)


def _stale(plan: Plan) -> list[str]:
    """The metrics whose latest reading is stale (the model's judgement), as one reason."""
    stale = [f"{m.metric} (last reading {day_words(plan.latest(m.id).date)})"
             for m in plan.monitors if plan.stale(m.id)]
    return ["stale, no current reading: " + "; ".join(stale)] if stale else []


def _pause(plan: Plan, pause: dict, problems: list[str]) -> Verdict:
    problems = list(problems)
    authority = sorted(set(pause.get("authority") or []))
    if plan.breaches and not plan.paused:  # evidence: a pause value is reached
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


def _integrations(plan: Plan, handbook: Handbook, problems: list[str]) -> Verdict:
    """Not ready for a tool the check refuses; an account that may train on inputs is said,
    but no tier requires an enterprise account (governance approved the tool as it is)."""
    tools = plan.get("scope", "tools", default=[])
    problems = problems + [f"{t} is not in the organisation's tool list" for t in tools
                           if t not in handbook.tools]  # the ref rule's error in the check
    consumer = [handbook.tools[t].name for t in tools if t in handbook.tools
                and (handbook.tools[t].account != "enterprise"
                     or handbook.tools[t].trains_on_inputs)]
    fine = "approved tools" + (
        f"; {_and(consumer)} {'is' if len(consumer) == 1 else 'are'} not on an enterprise "
        "account that keeps inputs out of training (no tier requires one)" if consumer else
        ", on enterprise accounts that do not train on inputs")
    return _ok(PRODUCTION, "Integrations", problems, fine)


def _security(plan: Plan, proportionate: bool, tier: str) -> Verdict:
    """Read from checklist items' `kind` and `done`, never from their wording. Not ready only
    while a review the plan lists is not done: no tier requires one to be listed."""
    items = [c for s in plan.stages for c in s.checklist if c.kind in SECURITY_KINDS]
    done = [c for c in items if c.done and c.done <= plan.today]
    open_ = [c for c in items if c not in done]
    if done and not open_:
        return Verdict(PRODUCTION, "Security review", READY, "done: " + "; ".join(
            f"{c.item} ({c.done.isoformat()})" for c in done))
    if proportionate and not items:
        return Verdict(PRODUCTION, "Security review", READY, f"not required at {tier}")
    if not items:
        return Verdict(PRODUCTION, "Security review", NO_DATA,
                       "not recorded: no checklist item has `kind: security_review` or "
                       "`kind: data_protection_review`")
    reason = "not recorded as done: " + "; ".join(c.item for c in open_) + \
             " (add `done` with the date to the checklist item)"
    if done:
        reason += "; done: " + "; ".join(f"{c.item} ({c.done.isoformat()})" for c in done)
    if proportionate:
        return Verdict(PRODUCTION, "Security review", READY, f"not required at {tier}; {reason}")
    return Verdict(PRODUCTION, "Security review", NOT_READY, reason)
