"""Diff: what a change to the plans does to the rules, in plain words.

Each side is a plan file, a folder of plans, or a git revision (its plans/ folder). Changes are
grouped per plan and section; names are resolved (people by name, uses by text); a change that
loosens control is flagged as needing the governance owner's approval.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .load import load_text
from .render.fragments import MODES

MODE_STRENGTH = {"spot_check": 0, "review_before_use": 1, "approval_first": 2}
TIER_STRENGTH = {"low": 0, "medium": 1, "high": 2}
SECTIONS = ["Plan", "Uses", "Data rules", "Human review", "Stages", "Gates", "Training",
            "Monitoring", "Pause"]


@dataclass(frozen=True)
class Change:
    plan: str
    section: str
    text: str  # Markdown, plan text already escaped
    old: Any = None
    new: Any = None
    loosens: bool = False


@dataclass
class Side:
    """One side of a comparison: plans by id, and the registries for names."""

    label: str
    plans: dict[str, dict]
    org: dict


class SideError(Exception):
    """A side that cannot be read: no such file, folder or revision."""


# --- reading a side -------------------------------------------------------------------------


def _load(files: dict[str, bytes], label: str) -> Side:
    plans, org = {}, {}
    for name, raw in sorted(files.items()):
        doc, problems = load_text(name, raw)
        if doc is None or any(p.is_error for p in problems):
            raise SideError(f"{label}: {name} cannot be read as YAML; run `handbook check` first")
        if name == "_org.yaml":
            org = doc.data
        elif not name.startswith("_") and isinstance(doc.data.get("id"), str):
            plans[doc.data["id"]] = doc.data
    return Side(label, plans, org)


def read_side(spec: str, repo: Path = Path("."), folder: str = "plans") -> Side:
    """A file, a folder, or a git revision (whose `folder` is read, from the repository root)."""
    path = Path(spec)
    if path.is_file():
        files = {path.name: path.read_bytes()}
        org = path.parent / "_org.yaml"
        if org.exists() and path.name != "_org.yaml":
            files["_org.yaml"] = org.read_bytes()
        return _load(files, spec)
    if path.is_dir():
        return _load({p.name: p.read_bytes() for p in path.glob("*.yaml")}, spec)
    git = shutil.which("git")
    listing = subprocess.run([git, "ls-tree", "--full-tree", "--name-only", f"{spec}:{folder}"],
                             cwd=repo,
                             capture_output=True, text=True) if git else None
    if not listing or listing.returncode != 0:
        raise SideError(f"'{spec}' is not a file, a folder or a git revision with plans/")
    files = {}
    for name in listing.stdout.split():
        if name.endswith(".yaml"):
            shown = subprocess.run([git, "show", f"{spec}:{folder}/{name}"], cwd=repo,
                                   capture_output=True)
            files[name] = shown.stdout
    return _load(files, spec)


# --- comparing ------------------------------------------------------------------------------


def _q(text: Any) -> str:
    from .render.text import inline

    return f"“{inline(text)}”"


def _by_id(items: Any) -> dict[str, dict]:
    if not isinstance(items, list):
        return {}
    return {x["id"]: x for x in items if isinstance(x, dict) and isinstance(x.get("id"), str)}


def _get(data: Any, *keys: str, default: Any = None) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return default if data is None else data


_LIMIT = re.compile(r"^\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)")


def _threshold_loosened(old: Any, new: Any) -> bool:
    """'<= 30%' -> '<= 40%' loosens; '>= 95%' -> '>= 90%' loosens. Unreadable text: no flag."""
    a, b = _LIMIT.match(str(old or "")), _LIMIT.match(str(new or ""))
    if not a or not b or a.group(1)[0] != b.group(1)[0]:
        return False
    before, after = float(a.group(2)), float(b.group(2))
    return after > before if a.group(1).startswith("<") else after < before


class _Differ:
    def __init__(self, plan_id: str, old: dict, new: dict, names: dict[str, str]):
        self.plan, self.old, self.new, self.names = plan_id, old, new, names
        self.changes: list[Change] = []

    def name(self, ref: Any) -> str:
        return _q(self.names.get(ref, ref)) if ref else "nobody"

    def add(self, section: str, text: str, old: Any = None, new: Any = None,
            loosens: bool = False) -> None:
        self.changes.append(Change(self.plan, section, text, old, new, loosens))

    def run(self) -> list[Change]:
        for step in (self.plan_facts, self.uses, self.data_rules, self.review, self.stages,
                     self.gates, self.training, self.monitoring, self.pause):
            step()
        return self.changes

    def plan_facts(self) -> None:
        for key, label in (("risk_tier", "Risk tier"), ("status", "Status")):
            a, b = self.old.get(key), self.new.get(key)
            if a != b:
                lowered = key == "risk_tier" and TIER_STRENGTH.get(b, 0) < TIER_STRENGTH.get(a, 0)
                self.add("Plan", f"{label}: {_q(a)} → {_q(b)}", a, b, lowered)
        for key, label in (("owner", "Business owner"), ("sponsor", "Executive sponsor")):
            a, b = self.old.get(key), self.new.get(key)
            if a != b:
                self.add("Plan", f"{label}: {self.name(a)} → {self.name(b)}", a, b)

    def uses(self) -> None:
        def table(side: dict) -> dict[str, tuple[str, dict]]:
            found = {}
            for kind in ("allowed", "prohibited"):
                for use_id, use in _by_id(_get(side, "uses", kind)).items():
                    found[use_id] = (kind, use)
            return found

        old, new = table(self.old), table(self.new)
        for use_id in sorted(set(old) | set(new)):
            if use_id not in new:
                kind, use = old[use_id]
                self.add("Uses", f"{kind.title()} use removed: {_q(use.get('text'))}",
                         use.get("text"), None, loosens=kind == "prohibited")
            elif use_id not in old:
                kind, use = new[use_id]
                stage = f" (from stage {_q(use['from_stage'])})" if use.get("from_stage") else ""
                self.add("Uses", f"New {kind} use: {_q(use.get('text'))}{stage}", None,
                         use.get("text"), loosens=kind == "allowed")
            else:
                (a_kind, a), (b_kind, b) = old[use_id], new[use_id]
                if a_kind != b_kind:
                    self.add("Uses", f"{_q(b.get('text'))} moved from {a_kind} to {b_kind}",
                             a_kind, b_kind, loosens=b_kind == "allowed")
                elif a.get("text") != b.get("text"):
                    self.add("Uses", f"{a_kind.title()} use reworded: {_q(a.get('text'))} → "
                             f"{_q(b.get('text'))}", a.get("text"), b.get("text"))
                if a_kind == b_kind == "allowed" and a.get("from_stage") != b.get("from_stage"):
                    self.add("Uses", f"{_q(b.get('text'))} now applies from stage "
                             f"{_q(b.get('from_stage') or 'the first')} (was "
                             f"{_q(a.get('from_stage') or 'the first')})",
                             a.get("from_stage"), b.get("from_stage"))

    def _list(self, section: str, path: tuple, what: str, removal_loosens: bool) -> None:
        a, b = _get(self.old, *path, default=[]), _get(self.new, *path, default=[])
        for item in a:
            if item not in b:
                self.add(section, f"{what} removed: {_q(item)}", item, None, removal_loosens)
        for item in b:
            if item not in a:
                self.add(section, f"{what} added: {_q(item)}", None, item)

    def data_rules(self) -> None:
        self._list("Data rules", ("data_rules", "never_enter"), "Never enter", True)
        self._list("Data rules", ("data_rules", "allowed"), "Allowed data", False)

    def review(self) -> None:
        old, new = _by_id(self.old.get("review")), _by_id(self.new.get("review"))
        for rule_id in sorted(set(old) | set(new)):
            a, b = old.get(rule_id), new.get(rule_id)
            if b is None:
                self.add("Human review", f"Review of {_q(a.get('output'))} removed", rule_id,
                         None, loosens=True)
            elif a is None:
                self.add("Human review", f"New review of {_q(b.get('output'))}: "
                         f"{_q(MODES.get(b.get('mode'), b.get('mode')))} by "
                         f"{self.name(b.get('reviewer'))}")
            else:
                if a.get("mode") != b.get("mode"):
                    weaker = MODE_STRENGTH.get(b.get("mode"), 0) < MODE_STRENGTH.get(
                        a.get("mode"), 0)
                    self.add("Human review", f"Review of {_q(b.get('output'))}: "
                             f"{_q(MODES.get(a.get('mode'), a.get('mode')))} → "
                             f"{_q(MODES.get(b.get('mode'), b.get('mode')))}", a.get("mode"),
                             b.get("mode"), weaker)
                if a.get("reviewer") != b.get("reviewer"):
                    self.add("Human review", f"Reviewer of {_q(b.get('output'))}: "
                             f"{self.name(a.get('reviewer'))} → {self.name(b.get('reviewer'))}",
                             a.get("reviewer"), b.get("reviewer"))

    def stages(self) -> None:
        old, new = _by_id(self.old.get("stages")), _by_id(self.new.get("stages"))
        for stage_id in old:
            if stage_id not in new:
                self.add("Stages", f"Stage {_q(old[stage_id].get('name'))} removed")
        for stage_id in new:
            if stage_id not in old:
                self.add("Stages", f"New stage {_q(new[stage_id].get('name'))}")
        common_old = [s for s in old if s in new]
        common_new = [s for s in new if s in old]
        if common_old != common_new:
            self.add("Stages", "Stages reordered: " + " → ".join(
                _q(new[s].get("name")) for s in common_new), common_old, common_new)
        for stage_id in common_new:
            a, b = old[stage_id], new[stage_id]
            label = _q(b.get("name"))
            if a.get("access_percent") != b.get("access_percent"):
                self.add("Stages", f"Access share of {label}: {a.get('access_percent')} % → "
                         f"{b.get('access_percent')} %", a.get("access_percent"),
                         b.get("access_percent"))
            for key, what in (("start", "Start"), ("end", "End")):
                if a.get(key) != b.get(key):
                    self.add("Stages", f"{what} of {label}: {a.get(key) or 'none'} → "
                             f"{b.get(key) or 'none'}", a.get(key), b.get(key))
            removed = [m for m in a.get("training", []) if m not in b.get("training", [])]
            added = [m for m in b.get("training", []) if m not in a.get("training", [])]
            for module in removed:
                self.add("Training", f"{self.name(module)} no longer required before {label}",
                         module, None, loosens=True)
            for module in added:
                self.add("Training", f"{self.name(module)} now required before {label}", None,
                         module)

    def gates(self) -> None:
        old, new = _by_id(self.old.get("stages")), _by_id(self.new.get("stages"))
        for stage_id in (s for s in new if s in old):
            a, b = old[stage_id].get("gate") or {}, new[stage_id].get("gate") or {}
            label = _q(new[stage_id].get("name"))
            if a and not b:
                self.add("Gates", f"The gate after {label} was removed", loosens=True)
                continue
            if b and not a:
                self.add("Gates", f"New gate after {label}")
                continue
            if a.get("decider") != b.get("decider"):
                self.add("Gates", f"Decider of the gate after {label}: "
                         f"{self.name(a.get('decider'))} → {self.name(b.get('decider'))}",
                         a.get("decider"), b.get("decider"))
            criteria_a = {c.get("id") or c.get("question"): c for c in a.get("criteria", [])
                          if isinstance(c, dict)}
            criteria_b = {c.get("id") or c.get("question"): c for c in b.get("criteria", [])
                          if isinstance(c, dict)}
            for key, ca in criteria_a.items():
                cb = criteria_b.get(key)
                if cb is None:
                    self.add("Gates", f"Criterion {_q(ca.get('question'))} removed from the gate "
                             f"after {label}", loosens=bool(ca.get("blocking")))
                    continue
                if ca.get("threshold") != cb.get("threshold"):
                    self.add("Gates", f"Threshold of {_q(cb.get('question'))} at {label}: "
                             f"`{ca.get('threshold')}` → `{cb.get('threshold')}`",
                             ca.get("threshold"), cb.get("threshold"),
                             _threshold_loosened(ca.get("threshold"), cb.get("threshold")))
                if bool(ca.get("blocking")) != bool(cb.get("blocking")):
                    now = "blocking" if cb.get("blocking") else "non-blocking"
                    self.add("Gates", f"{_q(cb.get('question'))} at {label} is now {now}",
                             bool(ca.get("blocking")), bool(cb.get("blocking")),
                             loosens=not cb.get("blocking"))
            for key, cb in criteria_b.items():
                if key not in criteria_a:
                    self.add("Gates", f"New criterion for the gate after {label}: "
                             f"{_q(cb.get('question'))}"
                             + (" (blocking)" if cb.get("blocking") else ""))

    def training(self) -> None:
        old = _by_id(_get(self.old, "training", "modules"))
        new = _by_id(_get(self.new, "training", "modules"))
        for module_id in old:
            if module_id not in new:
                self.add("Training", f"Module {_q(old[module_id].get('title'))} removed")
        for module_id in new:
            if module_id not in old:
                self.add("Training", f"New module {_q(new[module_id].get('title'))}")

    def monitoring(self) -> None:
        old, new = _by_id(self.old.get("monitoring")), _by_id(self.new.get("monitoring"))
        for metric_id in old:
            if metric_id not in new:
                self.add("Monitoring", f"Metric {_q(old[metric_id].get('metric'))} removed",
                         loosens=True)
        for metric_id, b in new.items():
            a = old.get(metric_id)
            if a is None:
                self.add("Monitoring", f"New metric {_q(b.get('metric'))}")
                continue
            if a.get("pause_threshold") != b.get("pause_threshold"):
                self.add("Monitoring", f"Pause threshold of {_q(b.get('metric'))}: "
                         f"`{a.get('pause_threshold')}` → `{b.get('pause_threshold')}`",
                         a.get("pause_threshold"), b.get("pause_threshold"),
                         _threshold_loosened(a.get("pause_threshold"), b.get("pause_threshold")))
            pa, pb = a.get("pause_value"), b.get("pause_value")
            if pa != pb and isinstance(pb, (int, float)) and isinstance(pa, (int, float)):
                looser = pb > pa if b.get("better") == "lower" else pb < pa
                self.add("Monitoring", f"Pause value of {_q(b.get('metric'))}: {pa:g} → {pb:g}",
                         pa, pb, looser)
            elif pa is None and isinstance(pb, (int, float)):
                self.add("Monitoring", f"Pause value of {_q(b.get('metric'))} set to {pb:g}",
                         None, pb)
            elif pa is not None and pb is None:
                self.add("Monitoring", f"Pause value of {_q(b.get('metric'))} removed", pa,
                         None, loosens=True)
            if a.get("target") != b.get("target"):
                self.add("Monitoring", f"Target of {_q(b.get('metric'))}: `{a.get('target')}` → "
                         f"`{b.get('target')}`", a.get("target"), b.get("target"))

    def pause(self) -> None:
        a, b = self.old.get("pause") or {}, self.new.get("pause") or {}
        for person in a.get("authority", []):
            if person not in b.get("authority", []):
                self.add("Pause", f"{self.name(person)} can no longer pause the rollout",
                         person, None, loosens=True)
        for person in b.get("authority", []):
            if person not in a.get("authority", []):
                self.add("Pause", f"{self.name(person)} can now pause the rollout", None, person)
        old, new = _by_id(a.get("triggers")), _by_id(b.get("triggers"))
        for trigger_id in old:
            if trigger_id not in new:
                self.add("Pause", f"Pause trigger removed: {_q(old[trigger_id].get('text'))}",
                         loosens=True)
        for trigger_id in new:
            if trigger_id not in old:
                self.add("Pause", f"New pause trigger: {_q(new[trigger_id].get('text'))}")
        self._list("Pause", ("pause", "fallbacks"), "Fallback", True)


def diff(old: Side, new: Side) -> list[Change]:
    names = {p.get("id"): p.get("name") for side in (old, new)
             for p in side.org.get("people", []) if isinstance(p, dict)}
    names.update({t.get("id"): t.get("name") for side in (old, new)
                  for t in side.org.get("teams", []) if isinstance(t, dict)})
    for side in (old, new):
        modules = list(side.org.get("training", [])) + [
            m for plan in side.plans.values() for m in _get(plan, "training", "modules",
                                                            default=[])]
        names.update({m.get("id"): m.get("title") for m in modules if isinstance(m, dict)})
    changes: list[Change] = []
    for plan_id in sorted(set(old.plans) | set(new.plans)):
        if plan_id not in new.plans:
            changes.append(Change(plan_id, "Plan", "Plan removed: "
                                  + _q(old.plans[plan_id].get("title")), loosens=True))
        elif plan_id not in old.plans:
            changes.append(Change(plan_id, "Plan", "New plan: "
                                  + _q(new.plans[plan_id].get("title"))))
        else:
            changes += _Differ(plan_id, old.plans[plan_id], new.plans[plan_id], names).run()
    return changes


# --- output ---------------------------------------------------------------------------------


def to_markdown(changes: list[Change], old: Side, new: Side) -> str:
    from .render.text import inline

    if not changes:
        return f"**No policy changes** between `{old.label}` and `{new.label}`.\n"
    lines = [f"### Policy changes: `{old.label}` → `{new.label}`", ""]
    for plan_id in dict.fromkeys(c.plan for c in changes):
        # Approval comes from the governance owner as the plan stood before the change.
        plan = old.plans.get(plan_id) or new.plans.get(plan_id) or {}
        mine = [c for c in changes if c.plan == plan_id]
        lines += [f"#### {inline(plan.get('title', plan_id))} (`{plan_id}`)", ""]
        loose = [c for c in mine if c.loosens]
        if loose:
            owner = _get(plan, "governance", "definition_owner") or plan.get("owner")
            name = next((p.get("name") for p in old.org.get("people", []) + new.org.get(
                "people", []) if p.get("id") == owner), owner)
            lines += [f"> **Needs approval by the governance owner ({inline(name)}):** "
                      f"{len(loose)} change(s) loosen control.", ""]
        for section in SECTIONS:
            in_section = [c for c in mine if c.section == section]
            if in_section:
                lines.append(f"**{section}**")
                lines += [("- ⚠️ **Loosens control:** " if c.loosens else "- ") + c.text
                          for c in in_section]
                lines.append("")
    return "\n".join(lines)


def to_json(changes: list[Change]) -> str:
    return json.dumps([asdict(c) for c in changes], indent=2, ensure_ascii=False, default=str)

