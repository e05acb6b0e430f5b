"""Which definitions of good a change touches, read from the diff engine's structured changes
(`Change.steps`), and the record `handbook diff` requires for each.

When plans/_org.yaml sets `definitions_recorded_since` and the new side of a diff is from that
day or later, every definition the diff changes in a plan that already existed needs an entry
in that plan's `definition_changes` that this change adds and that names it (`what`). A
definition that goes with its metric, criterion or review rule is not required a record: no
record can name what no longer exists (the diff asks its owner's approval anyway). A new plan
brings its definitions with its own approval.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import history
from ..core.definitions import METRIC_FIELDS, approver, criterion_id, key_of, records, what_text
from ..core.diagnostics import ERROR, Diagnostic
from .diff import Change
from .leaves import Item
from .sides import Side
from .history import HistoryError
from ..core.yaml_strict import display_path
from ..core.load import load_text
from ..core.values import parse_date

RULE = "definition-record"


@dataclass(frozen=True)
class Touched:
    """A definition a change touches; `gone` when its metric, criterion or rule went too."""

    plan: str
    key: str
    gone: bool
    steps: tuple  # the change's path (diff.Item steps), for the line in the new file


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _criteria(gate: Any, stage: str) -> list[str]:
    items = _dict(gate).get("criteria")
    return [f"criterion:{stage}/{criterion_id(c, n)}"
            for n, c in enumerate(items if isinstance(items, list) else [], 1)]


def keys_of(change: Change) -> list[tuple[str, bool]]:
    """(key, gone) of each definition `change` touches: from its path, never its words."""
    steps, whole = change.steps, change.kind not in ("renamed", "reordered")
    if len(steps) < 2 or not isinstance(steps[1], Item) or steps[1].key is None or not whole:
        return []
    item, gone = steps[1].key, change.new is None
    value = change.new if change.new is not None else change.old
    if steps[0] == "monitoring":
        if len(steps) == 2:
            return [(f"metric:{item}:{f}", gone) for f in METRIC_FIELDS
                    if _dict(value).get(f) is not None]
        return [(f"metric:{item}:{steps[2]}", False)] if steps[2] in METRIC_FIELDS else []
    if steps[0] == "review":
        if len(steps) == 2:
            return [(f"review:{item}", gone)] if _dict(value).get("checks") else []
        return [(f"review:{item}", False)] if steps[2] == "checks" else []
    if steps[0] != "stages":
        return []
    if len(steps) == 2:
        return [(key, gone) for key in _criteria(_dict(value).get("gate"), item)]
    if steps[2] != "gate":
        return []
    if len(steps) == 3:
        return [(key, gone) for key in _criteria(value, item)]
    if steps[3] != "criteria" or len(steps) < 5 or not isinstance(steps[4], Item):
        return []
    at = steps[4]
    index = at.new_index if at.new_index is not None else at.old_index
    name = at.key if at.key is not None else f"criterion-{(index or 0) + 1}"
    return [(f"criterion:{item}/{name}", len(steps) == 5 and gone)]


def touched(changes: Iterable[Change]) -> list[Touched]:
    """Every definition the changes touch, once each (the first change that touches it)."""
    found: dict[tuple[str, str], Touched] = {}
    for change in changes:
        for key, gone in keys_of(change):
            found.setdefault((change.plan, key), Touched(change.plan, key, gone, change.steps))
    return list(found.values())


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def missing_records(changes: Iterable[Change], old: Side, new: Side, head_day: dt.date
                    ) -> list[Touched]:
    """The definitions changed in plans that exist on both sides with no record added by this
    change; none unless the new side's _org.yaml sets `definitions_recorded_since` and
    `head_day` (the new side's day) is on or after it."""
    since = parse_date(_dict(new.org).get("definitions_recorded_since"))
    if since is None or head_day < since:
        return []
    missing = []
    for found in touched(changes):
        if found.gone or found.plan not in old.plans or found.plan not in new.plans:
            continue
        before = {_canonical(r) for _, r in records(old.plans[found.plan])}
        added = [r for _, r in records(new.plans[found.plan]) if _canonical(r) not in before]
        if not any(key_of(r.get("what")) == found.key for r in added):
            missing.append(found)
    return missing


def head_day(spec: str, today: dt.date, repo: Path = Path(".")) -> dt.date:
    """The day of the new side: today for a file or folder, else the revision's commit date."""
    if Path(spec).exists():
        return today
    try:
        commit = history.resolve(spec, repo)
    except HistoryError:
        return today
    logged = history.log(repo, limit=1, first_parent_of=commit) or []
    day = logged[0].change.date if logged else None
    return day or today


def _head_file(spec: str, plan: str, repo: Path, folder: str) -> tuple[str, bytes | None]:
    """The new side's file of `plan`, as the diff names it, and its bytes (None: unreadable)."""
    name = f"{plan}.yaml"
    path = Path(spec)
    if path.is_file():
        return spec, path.read_bytes()
    if path.is_dir():
        file = path / name
        return file.as_posix(), file.read_bytes() if file.is_file() else None
    shown = name if folder in ("", ".") else f"{folder}/{name}"
    try:
        files, _ = history.tree_files(history.resolve(spec, repo), repo, folder)
    except HistoryError:
        return shown, None
    return shown, files.get(name)


def _index_path(steps: tuple) -> tuple:
    """The path in the new file (list positions): up to the last step it still has."""
    path: list = []
    for step in steps:
        if isinstance(step, Item):
            if step.new_index is None:
                break
            path.append(step.new_index)
        else:
            path.append(step)
    return tuple(path)


def record_diagnostics(missing: list[Touched], new: Side, spec: str, repo: Path = Path("."),
                       folder: str = "plans") -> list[Diagnostic]:
    """One error per definition changed without a record, at its line in the new file."""
    found = []
    since = _dict(new.org).get("definitions_recorded_since")
    for item in missing:
        file, raw = _head_file(spec, item.plan, repo, folder)
        doc = load_text(file, raw)[0] if raw is not None else None
        path = _index_path(item.steps)
        line, column = doc.position(path) if doc is not None else (1, 1)
        owner = approver(new.plans.get(item.plan) or {}) or "<the plan's owner>"
        found.append(Diagnostic(
            file, line, column, ERROR, RULE,
            f"{display_path(path)}: the definition of good {what_text(item.key)} changed, and "
            "this change adds no entry to definition_changes that names it",
            f"Add to definition_changes: {{date: <today>, what: {what_text(item.key)}, "
            f"validated_by: <person>, how: <how it was validated>, approved_by: {owner}}}. "
            f"plans/_org.yaml asks for a record of every change since {since} "
            "(definitions_recorded_since)."))
    return found


def record_errors(changes: list[Change], old: Side, new: Side, spec: str, today: dt.date,
                  repo: Path = Path("."), folder: str = "plans") -> list[Diagnostic]:
    """What `handbook diff` reports for the definitions changed without a record."""
    missing = missing_records(changes, old, new, head_day(spec, today, repo))
    return record_diagnostics(missing, new, spec, repo, folder)
