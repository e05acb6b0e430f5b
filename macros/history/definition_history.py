"""Model data from history: how long each definition of good has held — the day of its last
change, from the commits along HEAD's first parents within `history_since`.

Each commit that touched plans/ is compared with the one before it by the diff engine, and the
definitions its changes touch (macros/definition_changes.py) get that commit's day; the walk
stops when every definition has one. One side is read per commit, so the cost is linear in the
commits. Render gets the result as `definitions.Held` and never reads history itself. Where no
day is known the result says why; a day is never guessed.
"""
from __future__ import annotations

from pathlib import Path

from . import history
from .definition_changes import touched
from ..core.definitions import Held, definitions
from .sides import Side, SideError
from .policy_changes import commit_side
from .diff import diff

Found = dict[str, dict[str, Held]]  # plan id -> definition key -> how long it has held


def _changes(old: Side, new: Side) -> list | None:
    try:
        return diff(old, new)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError):
        return None  # as in diff.policy_changes: an old commit never stops the build


def _touched(changes: list, new: Side, alias: dict[str, str]) -> set[tuple[str, str]]:
    """(plan id as built now, key) of each definition the changes touch, those of a plan that
    came with them included; a plan renamed since is followed by `alias` (old id -> now)."""
    found = {(alias.get(t.plan, t.plan), t.key) for t in touched(changes)}
    for change in changes:
        if change.section == "Plan" and change.path == "" and change.old is None \
                and change.plan in new.plans:
            found |= {(alias.get(change.plan, change.plan), d.key)
                      for d in definitions(new.plans[change.plan])}
    for change in changes:  # a rename: older commits name the plan by its former id
        if change.section == "Plan" and change.path == "id" and isinstance(change.old, str):
            alias[change.old] = alias.get(change.plan, change.plan)
    return found


def held(plans_dir: Path, since: str | None, plans: dict[str, dict], org: dict) -> Found:
    """For each plan (as built now, by id), each of its definitions' `Held`."""
    wanted = {(plan_id, d.key) for plan_id, plan in plans.items() for d in definitions(plan)}
    found: dict[tuple[str, str], Held] = {}
    logged = history.log(plans_dir, since, first_parent_of="HEAD")
    folder = history.prefix(plans_dir)
    sides: dict[str, Side | SideError] = {}

    def side(commit: str | None) -> Side | SideError:
        if commit is None:
            return Side("", {}, {})  # before the first commit there were no plans
        if commit not in sides:
            read = commit_side(plans_dir, folder or ".", commit)
            # A commit without plans/ at all held no plans (no file of it failed to load).
            sides[commit] = Side("", {}, {}) if isinstance(read, SideError) \
                and read.file is None else read
        return sides[commit]

    complete = logged is not None and folder is not None
    alias: dict[str, str] = {}
    if complete:  # what is built now but not committed yet
        head = side(logged[0].change.commit if logged else None)
        now = _changes(head, Side("", plans, org)) if isinstance(head, Side) else None
        for key in _touched(now or [], Side("", plans, org), {}):
            found.setdefault(key, Held(reason="uncommitted"))
    for i, entry in enumerate(logged if complete else []):
        if not wanted - found.keys():
            break
        new = side(entry.change.commit)
        # The plans before this commit are the next older commit's that touched plans/; the
        # oldest one within history_since is compared with its parent (what came before).
        before = logged[i + 1].change.commit if i + 1 < len(logged) else \
            next(iter(entry.parents), None)
        old = side(before)
        changes = _changes(old, new) if isinstance(old, Side) and isinstance(new, Side) \
            else None
        if changes is None:
            complete = False  # what happened before this commit cannot be told
            break
        for key in _touched(changes, new, alias) & wanted:
            found.setdefault(key, Held(entry.change.date, "changed" if entry.change.date
                                       else "unknown"))
    # Not found in a complete walk: before history_since, or under an id it no longer has
    # (a renamed stage); never a guessed day.
    rest = Held(reason="before" if since else "untraced", history_since=since) if complete \
        else Held()
    result: Found = {}
    for plan_id, key in sorted(wanted):
        result.setdefault(plan_id, {})[key] = found.get((plan_id, key), rest)
    return result
