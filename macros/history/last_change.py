"""Model data from history: each plan's last change in words staff read — the day and what it
did to the plan ("2 uses added, 1 prohibited use removed, pause authority changed").

The words are counts of the diff engine's structured changes (`Change.steps`, section by
section), never taken from a commit message or any other free text. Render gets the result as
`model.LastChange` and never reads history itself.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from . import history
from .diff import Change, diff
from .leaves import Item
from .policy_changes import commit_side
from .sides import Side, SideError
from ..model.parts import LastChange

# Names of things kept in lists with ids: (one, many). Any other list reads "<key> item(s)".
_NOUNS = {
    "allowed": ("use", "uses"), "prohibited": ("prohibited use", "prohibited uses"),
    "stages": ("stage", "stages"), "decisions": ("decision", "decisions"),
    "pauses": ("pause record", "pause records"), "risks": ("risk", "risks"),
    "monitoring": ("metric", "metrics"), "criteria": ("gate criterion", "gate criteria"),
    "modules": ("training module", "training modules"), "review": ("review step", "review steps"),
    "escalation": ("escalation route", "escalation routes"),
    "communications": ("message", "messages"), "faq": ("question", "questions"),
}
_KEY = re.compile(r"[a-z][a-z0-9_]{0,40}")  # a schema-like key; anything else is not shown
_NOTHING = "no change for staff (the file was only reformatted)"
UNREADABLE = "what changed cannot be shown (the plans of that change cannot be read)"


def _words(keys: Iterable) -> str:
    shown = [k.replace("_", " ") if isinstance(k, str) and _KEY.fullmatch(k) else "a field"
             for k in keys]
    text = " ".join(shown) or "plan"
    return {"uses allowed": "uses", "uses prohibited": "prohibited uses"}.get(text, text)


def _noun(key: object, count: int) -> str:
    one, many = _NOUNS.get(key, (None, None)) if isinstance(key, str) else (None, None)
    if one is None:
        words = _words([key])
        one, many = ("entry", "entries") if words == "a field" else (f"{words} item",
                                                                       f"{words} items")
    return one if count == 1 else many


def _verb(change: Change) -> str:
    if change.kind == "moved":  # a use between the lists: old and new name the lists
        return f"moved from {change.old} to {change.new}"
    return "added" if change.old is None else "removed" if change.new is None else "changed"


def summary(changes: Iterable[Change]) -> str:
    """What the changes did, counted: items of lists with ids (uses, stages, ...) by how many
    were added, removed or changed; any other field by name."""
    items: dict[tuple[object, str], set] = {}  # (list key, verb) -> the distinct items
    # Ordered as the changes are (by section): a field phrase (1-tuple) or a count key.
    phrases: dict[tuple, None] = {}
    for change in changes:
        steps = change.steps
        if not steps:  # the whole plan came, went or was renamed
            phrases[(("new plan" if change.old is None else "plan removed"
                      if change.new is None else "plan id changed"),)] = None
            continue
        at = next((i for i, s in enumerate(steps) if isinstance(s, Item) and s.key), None)
        if at is None:
            keys = [s for s in steps if not isinstance(s, Item)][:2]
            verb = _verb(change) if not any(isinstance(s, Item) for s in steps) else "changed"
            phrases[(f"{_words(keys)} {verb}",)] = None
            continue
        whole = at == len(steps) - 1
        key = (steps[at - 1] if at else change.section, _verb(change) if whole else "changed")
        items.setdefault(key, set()).add(steps[:at + 1])
        phrases[key] = None
    out = []
    for phrase in phrases:
        if len(phrase) == 1:
            out.append(phrase[0])
        else:
            count = len(items[phrase])
            out.append(f"{count} {_noun(phrase[0], count)} {phrase[1]}")
    return ", ".join(out) or _NOTHING


def last_changes(plans_dir: Path, since: str | None = None) -> dict[str, LastChange]:
    """Each plan file's latest change (history.last_changes), in words, by file name: the
    diff between that commit's first parent and that commit, for that plan only."""
    logged = history.log(plans_dir, since, files=True)
    folder = history.prefix(plans_dir)
    if logged is None or folder is None:
        return {}
    in_history = history.revisions(plans_dir, since)
    latest: dict[str, history.Logged] = {}
    for entry in logged:
        for name in entry.files:
            latest.setdefault(name.rsplit("/", 1)[-1], entry)
    sides: dict[str, Side | SideError] = {}

    def side(commit: str | None) -> Side | SideError:
        # Before this organisation's history (or a first commit) there were no plans.
        if commit is None or (in_history is not None and commit not in in_history):
            return Side("", {}, {})
        if commit not in sides:
            sides[commit] = commit_side(plans_dir, folder, commit)
        return sides[commit]

    effects: dict[str, list[Change] | None] = {}  # by commit: one diff serves all its plans
    found: dict[str, LastChange] = {}
    for name, entry in latest.items():
        if not name.endswith(".yaml") or name.startswith("_"):
            continue
        commit = entry.change.commit
        if commit not in effects:
            effects[commit] = _effects(side(next(iter(entry.parents), None)), side(commit))
        changes = effects[commit]
        plan_id = name.removesuffix(".yaml")
        found[name] = LastChange(entry.change.date, UNREADABLE if changes is None else
                                 summary(c for c in changes if c.plan == plan_id), commit)
    return found


def _effects(old: Side | SideError, new: Side | SideError) -> list[Change] | None:
    """The diff engine's changes from `old` to `new`; None when they cannot be compared."""
    if isinstance(old, SideError) or isinstance(new, SideError):
        return None
    try:
        return diff(old, new)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError):
        return None  # as in diff.policy_changes: an old commit never stops the build
