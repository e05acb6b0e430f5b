"""The two sides of a diff (plans and _org.yaml as read) and what a sentence names from them:
people, teams, tools, stages and labels by id, for the plan a leaf belongs to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .change_words import Value
from .leaves import Item, Leaf, _last_key, _match


ORG_FILE = "_org.yaml"
FAQ_FILE = "_faq.yaml"  # questions and answers: never policy (FAQ_ONLY)


_PLAN_SECTIONS = {"scope": "Scope", "uses": "Uses", "data_rules": "Data rules",
                  "review": "Human review", "stages": "Stages", "training": "Training",
                  "monitoring": "Monitoring", "pause": "Pause", "support": "Support",
                  "issue_reporting": "Issue reporting", "escalation": "Escalation",
                  "communications": "Communications", "decisions": "Decisions",
                  "risks": "Risks", "budget": "Budget", "governance": "Governance",
                  "faq": "FAQ"}
_ORG_SECTIONS = {"people": "People", "teams": "Teams", "tools": "Tools", "training": "Training"}


# Keys whose values are ids of people or teams (one namespace), tools, modules, stages, metrics.
_PEOPLE_KEYS = {"owner", "sponsor", "reviewer", "decider", "contact", "contacts", "champions",
                "authority", "triage_owner", "lead", "by", "definition_owner", "people",
                "users", "teams", "audience", "leave"}
_LABEL_KEYS = {"stages": "name", "allowed": "text", "prohibited": "text", "modules": "title",
               "monitoring": "metric", "triggers": "text", "review": "output",
               "criteria": "question", "escalation": "when", "risks": "risk", "tiers": "name",
               "training": "title", "people": "name", "teams": "name", "tools": "name",
               "checklist": "item", "items": "category", "communications": "message"}


@dataclass
class Side:
    """One side of a comparison: plans by id, and the registries for names."""

    label: str
    plans: dict[str, dict]
    org: dict
    # Files of a revision the check would not read as plans, so not compared: (name, why).
    skipped: tuple[tuple[str, str], ...] = ()
    faq: dict = field(default_factory=dict)  # plans/_faq.yaml


class SideError(Exception):
    """A side that cannot be read: no such file, folder or revision, or a file in it that does
    not load (`file`)."""

    def __init__(self, message: str, file: str | None = None):
        super().__init__(message)
        self.file = file


def _entries(data: Any, key: str) -> list[dict]:
    items = data.get(key) if isinstance(data, dict) else None
    return [x for x in items if isinstance(x, dict)] if isinstance(items, list) else []


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


class _Names:
    """Ids to the names people read: people and teams, tools, modules, and (within a plan)
    stages and metrics. Only values of reference keys are looked up; text is never matched."""

    def __init__(self, old: Side, new: Side):
        self.refs: dict[str, str] = {}
        self.modules: dict[str, str] = {}
        modules: tuple[list, list] = ([], [])
        for side, found in zip((old, new), modules):
            for key in ("people", "teams", "tools"):
                self.refs.update({x["id"]: x["name"] for x in _entries(side.org, key)
                                  if isinstance(x.get("id"), str) and x.get("name")})
            found += _entries(side.org, "training") + [
                m for plan in side.plans.values() for m in _entries(plan.get("training"),
                                                                    "modules")]
            self.modules.update({m["id"]: m["title"] for m in found
                                 if isinstance(m.get("id"), str) and m.get("title")})
        # Module ids are unique across the org file and all plans, so renames are found across
        # them all (a stage may require a shared module that was renamed).
        matched, _, _ = _match(*modules)
        self.renamed_modules = {a: b for a, b in matched.items() if a != b}

    def person(self, ref: Any) -> Value | str:
        return Value(_name(self.refs, ref)) if ref else "nobody"


class _Plan:
    """Both versions of one plan (or of the org file), for names and labels along a path."""

    def __init__(self, old: dict, new: dict, names: _Names):
        self.old, self.new, self.names = old, new, names
        # Old id -> new id of renamed stages and modules: references that follow a rename.
        self.renames = dict(names.renamed_modules)
        matched, _, _ = _match(_entries(old, "stages"), _entries(new, "stages"))
        self.renames.update({a: b for a, b in matched.items() if a != b})
        self.stages: dict[str, str] = {}
        self.metrics: dict[str, str] = {}
        for plan in (old, new):
            self.stages.update({s["id"]: s.get("name") or s["id"]
                                for s in _entries(plan, "stages") if isinstance(s.get("id"), str)})
            self.metrics.update({m["id"]: m.get("metric") or m["id"]
                                 for m in _entries(plan, "monitoring")
                                 if isinstance(m.get("id"), str)})

    def at(self, path: tuple, new_side: bool = True) -> Any:
        data = self.new if new_side else self.old
        for step in path:
            if isinstance(step, Item):
                index = step.new_index if new_side else step.old_index
                ok = isinstance(data, list) and index is not None and index < len(data)
                data = data[index] if ok else None
            else:
                data = data.get(step) if isinstance(data, dict) else None
        return data

    def item(self, path: tuple) -> dict:
        """The item at `path` as it is now, else as it was."""
        found = self.at(path) if path[-1].new_index is not None else None
        if not isinstance(found, dict):
            found = self.at(path, new_side=False)
        return found if isinstance(found, dict) else {}

    def label(self, path: tuple) -> Value | str:
        """An item's name (a stage's name, a use's text, ...), else its id or position."""
        step, key = path[-1], _last_key(path[:-1])
        item = self.item(path)
        text = item.get(_LABEL_KEYS.get(key, "")) if key else None
        if isinstance(text, (str, int, float)) and text != "":
            return Value(text)
        if step.key is not None:
            return Value(step.key, quoted=False)
        index = step.new_index if step.new_index is not None else step.old_index
        return f"item {index + 1}"

    def follows_rename(self, leaf: Leaf) -> bool:
        """A reference changed only because what it names was renamed."""
        return isinstance(leaf.old, str) and leaf.old in self.renames \
            and self.renames[leaf.old] == leaf.new

    def value(self, path: tuple, value: Any) -> Value | str:
        """A value with ids resolved by the key that holds it."""
        if value is None:
            return "none"
        key = _last_key(path)
        if isinstance(value, str):
            if key in _PEOPLE_KEYS or key == "tools" and path[0] == "scope":
                return Value(_name(self.names.refs, value))
            if key == "training" and len(path) > 2 and path[0] == "stages":
                return Value(_name(self.names.modules, value))
            if key in ("from_stage", "stage") or key == "before" and path[0] == "communications":
                return Value(_name(self.stages, value))
            if key == "metric" and path[0] != "monitoring":
                return Value(_name(self.metrics, value))
            return Value(value)
        if isinstance(value, dict) and isinstance(path[-1], Item):
            label = _LABEL_KEYS.get(key or "")
            if label and isinstance(value.get(label), str):
                return Value(value[label])
        return Value(value, quoted=isinstance(value, (dict, list)))


def _name(names: dict, ref: Any) -> Any:
    """The name for an id; anything else (a malformed value included) as it is."""
    return names[ref] if isinstance(ref, str) and ref in names else ref


def _rank(order: dict, value: Any) -> int | None:
    return order[value] if isinstance(value, str) and value in order else None
