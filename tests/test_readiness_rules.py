"""Readiness and the check agree (issue 20, item 6): a scorecard line is "not ready" for what a
plan says exactly when the check's rules for the same fact (readiness.AREA_RULES) give an error
or a warning on it. Every fixture plan set is checked as written and under mutations that flip
each mapped rule both ways, at each risk tier.

The scorecard is built without measurements: what it says from evidence (a crossed pause value,
an unmet gate criterion) is no rule's business, and only the lines in readiness.EVIDENCE_ONLY
judge nothing else.
"""
from __future__ import annotations

import copy
import dataclasses
from functools import lru_cache
from typing import Any, Callable

from macros.core import rules
from macros.model.build import build_handbook
from macros.model.readiness import AREA_RULES, EVIDENCE_ONLY, NOT_READY, readiness
from macros.core.tiers import TIERS
from macros.core.validate import Checked, check
from macros.core.values import gives_access

from .conftest import FIXTURES, ROOT, TODAY

PLAN_SETS = [*sorted(p for p in (FIXTURES / "valid").iterdir() if p.is_dir()),
             FIXTURES / "states", ROOT / "plans", FIXTURES / "stranger-2" / "plans"]
MAPPED = {rule_id for ids in AREA_RULES.values() for rule_id in ids}
RULES = [r for r in rules.RULES if set(rules.rule_ids(r)) & MAPPED]

Mutation = Callable[[dict], Any]


def _pop(*path: str) -> Mutation:
    def mutate(data: dict) -> None:
        parent = rules.get(data, *path[:-1]) if len(path) > 1 else data
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
    return mutate


def _stages(change: Callable[[dict], Any]) -> Mutation:
    def mutate(data: dict) -> None:
        for stage in data.get("stages", []):
            change(stage)
    return mutate


def _first_access_untrained(data: dict) -> None:
    stage = next((s for s in data.get("stages", []) if gives_access(s)), None)
    if stage:
        stage.pop("training", None)


def _no_training(data: dict) -> None:
    data.pop("training", None)
    _stages(lambda s: s.pop("training", None))(data)


def _own_topics_without(topic: str) -> Mutation:
    def mutate(data: dict) -> None:
        for module in rules.get(data, "training", "modules", default=[]):
            module["topics"] = [t for t in module.get("topics", []) if t != topic]
    return mutate


def _pause_fields_added(data: dict) -> None:
    pause = data.setdefault("pause", {})
    pause.setdefault("fallbacks", ["manual_work"])
    pause.setdefault("return_to_normal", ["The metric is back under its target"])
    if len(set(pause.get("authority", []))) < 2:
        pause["authority"] = list(dict.fromkeys([*pause.get("authority", []), data["owner"]]))


def _one_stage(data: dict) -> None:
    data["stages"] = data["stages"][:1]
    for key in ("decisions", "pauses", "communications"):
        data.pop(key, None)


def _monitoring_only(area: str) -> Mutation:
    def mutate(data: dict) -> None:
        data["monitoring"] = [m for m in data.get("monitoring", []) if m.get("area") == area]
    return mutate


def _support_tiers_without_response_time(data: dict) -> None:
    for tier in rules.get(data, "support", "tiers", default=[]):
        tier.pop("response_time", None)


def _reviewer_is_the_owner(data: dict) -> None:
    for rule in data.get("review", []):
        rule["reviewer"] = data["owner"]


PLAN_MUTATIONS: dict[str, Mutation] = {
    "as written": lambda data: None,
    "no pause fallbacks": _pop("pause", "fallbacks"),
    "no way back to normal": _pop("pause", "return_to_normal"),
    "no pause triggers": _pop("pause", "triggers"),
    "no pause authority": _pop("pause", "authority"),
    "one person can pause": lambda d: d.get("pause", {}).update(
        authority=d.get("pause", {}).get("authority", [])[:1]),
    "pause fields added": _pause_fields_added,
    "no stage requires training": _stages(lambda s: s.pop("training", None)),
    "first stage with access untrained": _first_access_untrained,
    "no training at all": _no_training,
    "own modules skip overreliance": _own_topics_without("overreliance"),
    "own modules skip escalation": _own_topics_without("escalation"),
    "nobody gets access": _stages(lambda s: s.update(headcount=0)),
    "whole teams": _stages(lambda s: s.pop("headcount", None)),
    "reviewers are the owner": _reviewer_is_the_owner,
    "no support owner": _pop("support", "owner"),
    "no support tiers": _pop("support", "tiers"),
    "support tiers without response times": _support_tiers_without_response_time,
    "no issue reporting": _pop("issue_reporting"),
    "one stage": _one_stage,
    "no gates": _stages(lambda s: s.pop("gate", None)),
    "no blocking criterion": _stages(lambda s: [c.update(blocking=False) for c in rules.get(
        s, "gate", "criteria", default=[])]),
    "quality metrics only": _monitoring_only("quality"),
    "adoption metrics only": _monitoring_only("adoption"),
    "no tools": _pop("scope", "tools"),
    "no out_of_scope or purpose": lambda d: [_pop("scope", k)(d) for k in ("out_of_scope",
                                                                          "purpose")],
    "nothing never to enter": _pop("data_rules", "never_enter"),
}


def _tool_status(status: str) -> Callable[[dict, dict], None]:
    def mutate(org: dict, plan: dict) -> None:
        tools = rules.get(plan, "scope", "tools", default=[])
        for tool in org.get("tools", []):
            if tools and tool.get("id") == tools[0]:
                tool["status"] = status
    return mutate


def _org_topics_without(topic: str) -> Callable[[dict, dict], None]:
    def mutate(org: dict, plan: dict) -> None:
        for module in org.get("training", []):
            module["topics"] = [t for t in module.get("topics", []) if t != topic]
    return mutate


ORG_MUTATIONS: dict[str, Callable[[dict, dict], None]] = {
    "its first tool restricted": _tool_status("restricted"),
    "its first tool prohibited": _tool_status("prohibited"),
    "organisation modules skip overreliance": _org_topics_without("overreliance"),
    "organisation modules skip data rules": _org_topics_without("data_rules"),
}


@lru_cache(maxsize=None)
def _checked(index: int) -> Checked:
    return check([PLAN_SETS[index]], today=TODAY)


def _fired(checked: Checked, org: dict, doc, data: dict) -> set[str]:
    """The mapped rule ids the check reports on this plan (errors and warnings alike)."""
    scope = rules.Scope(dataclasses.replace(checked.org, data=org),
                        [dataclasses.replace(doc, data=data)], TODAY)
    return {d.rule for rule in RULES for d in rule(scope)} & MAPPED


def _disagreements(checked: Checked, org: dict, doc, data: dict, seen: dict) -> list[str]:
    fired = _fired(checked, org, doc, data)
    for rule_id in MAPPED:
        seen[rule_id].add(rule_id in fired)
    handbook = build_handbook(org, [(data, doc.file)], TODAY)  # content only: no evidence
    found = []
    for verdict in readiness(handbook.plans[data["id"]], handbook):
        line = (verdict.source, verdict.area)
        if line in EVIDENCE_ONLY:
            continue
        rule_ids = set(AREA_RULES[line])  # a line in neither table is a KeyError: map it
        if rule_ids:
            seen[line].add(verdict.state == NOT_READY)
        if (verdict.state == NOT_READY) != bool(fired & rule_ids):
            found.append(f"{line}: {verdict.label} ({verdict.reason}); the check gives "
                         f"{sorted(fired & rule_ids) or 'nothing'} of {sorted(rule_ids)}")
    return found


def test_every_readiness_line_is_mapped_or_judged_from_evidence():
    handbook_lines = set(AREA_RULES) | set(EVIDENCE_ONLY)
    checked = _checked(PLAN_SETS.index(ROOT / "plans"))
    doc = checked.plans[0]
    handbook = build_handbook(checked.org.data, [(doc.data, doc.file)], TODAY)
    lines = {(v.source, v.area) for v in readiness(handbook.plans[doc.data["id"]], handbook)}
    assert lines == handbook_lines
    assert not set(AREA_RULES) & set(EVIDENCE_ONLY)
    emitted = {rule_id for rule in rules.RULES for rule_id in rules.rule_ids(rule)}
    assert MAPPED <= emitted, MAPPED - emitted


def test_a_readiness_line_is_not_ready_exactly_when_its_rules_complain():
    seen: dict[Any, set[bool]] = {rule_id: set() for rule_id in MAPPED}
    seen.update({line: set() for line, rule_ids in AREA_RULES.items() if rule_ids})
    problems = []
    for index, folder in enumerate(PLAN_SETS):
        checked = _checked(index)
        for doc in checked.plans:
            for tier in TIERS:
                variants = [(name, mutate, None) for name, mutate in PLAN_MUTATIONS.items()]
                variants += [(name, None, mutate) for name, mutate in ORG_MUTATIONS.items()]
                for name, plan_mutation, org_mutation in variants:
                    data, org = copy.deepcopy(doc.data), copy.deepcopy(checked.org.data)
                    data["risk_tier"] = tier
                    if plan_mutation:
                        plan_mutation(data)
                    if org_mutation:
                        org_mutation(org, data)
                    problems += [f"{folder.name}/{doc.data['id']} at {tier} tier, {name}: {p}"
                                 for p in _disagreements(checked, org, doc, data, seen)]
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} in all)"
    # Each mapped rule and each line it judges was seen both passing and failing, or the test
    # proves nothing about it.
    assert all(v == {True, False} for v in seen.values()), seen


def test_what_no_tier_asks_for_is_said_but_never_not_ready():
    checked = _checked(PLAN_SETS.index(ROOT / "plans"))
    doc = next(d for d in checked.plans if d.data["id"] == "support-replies")
    data = copy.deepcopy(doc.data)
    assert data["risk_tier"] == "medium"
    for stage in data["stages"]:
        stage.pop("checklist", None)  # no security review listed
        if "gate" in stage:
            stage["gate"]["criteria"] = []  # criteria are optional below high tier
    rows = {plan_id: m.rows for plan_id, m in checked.measurements.items()}
    handbook = build_handbook(checked.org.data, [(data, doc.file)], TODAY, rows)
    verdicts = {(v.source, v.area): v for v in readiness(handbook.plans[data["id"]], handbook)}
    gates = verdicts[("Rollout checklist", "Gates")]
    assert gates.state == "ready" and "no criteria at the gate of" in gates.reason
    security = verdicts[("Production readiness", "Security review")]
    assert security.state == "no_data" and security.reason.startswith("not recorded")
    assert not _fired(checked, checked.org.data, doc, data) & {"tier-stages"}


def test_training_with_an_unknown_module_is_not_judged_as_covered_or_missing():
    checked = _checked(PLAN_SETS.index(ROOT / "plans"))
    doc = next(d for d in checked.plans if d.data["id"] == "support-replies")
    data = copy.deepcopy(doc.data)
    first = next(s for s in data["stages"] if gives_access(s))
    first["training"] = [*first.get("training", []), "no-such-module"]
    handbook = build_handbook(checked.org.data, [(data, doc.file)], TODAY)
    training = next(v for v in readiness(handbook.plans[data["id"]], handbook)
                    if v.source == "Rollout checklist" and v.area == "Training")
    assert (training.state, training.reason) == (
        "no_data", "not judged: 1 module not defined (no-such-module)")
    assert "training-topics" not in _fired(checked, checked.org.data, doc, data)
