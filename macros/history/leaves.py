"""What changed, leaf by leaf: two sides walked in step (lists matched by `id`, renames followed
through `former_ids`, other lists by value and position); every changed leaf is one Leaf.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .listdiff import differing_spans


@dataclass(frozen=True)
class Item:
    """A list element: by id when the list's items have ids, else by position."""

    key: str | None
    old_index: int | None
    new_index: int | None

    def __str__(self) -> str:
        if self.key is not None:
            return f"[{self.key}]"
        return f"[{self.new_index if self.new_index is not None else self.old_index}]"


def path_text(path: tuple) -> str:
    """`stages[pilot].gate.criteria[0].threshold`: ids where items have them, else indexes."""
    out = ""
    for step in path:
        out += str(step) if isinstance(step, Item) else ("." if out else "") + step
    return out


def _shape(path: tuple) -> tuple:
    return tuple("*" if isinstance(step, Item) else step for step in path)


@dataclass(frozen=True)
class Leaf:
    """One changed value. `old`/`new` is None where the value is absent (added or removed)."""

    path: tuple
    old: Any
    new: Any
    # changed | renamed (an id) | reordered (a list) | moved (a use, between allowed and
    # prohibited) | moved-in (changed with a use moved to prohibited)
    kind: str = "changed"

    @property
    def added(self) -> bool:
        return self.old is None and self.new is not None

    @property
    def removed(self) -> bool:
        return self.new is None and self.old is not None


_USE_LISTS = ("allowed", "prohibited")  # the keys under `uses`; any other is data
# Dicts shown as one change when they appear or go (elsewhere a new dict lists its keys).
_WHOLE = {"gate"}


def walk(old: Any, new: Any, path: tuple = ()) -> Iterator[Leaf]:
    """Every changed leaf between two YAML values."""
    if old == new:
        return
    if isinstance(old, list) or isinstance(new, list):
        if (old is None or isinstance(old, list)) and (new is None or isinstance(new, list)):
            yield from _walk_list(old or [], new or [], path)
            return
    whole = path and (isinstance(path[-1], Item) or path[-1] in _WHOLE)
    if isinstance(old, dict) or isinstance(new, dict):
        if (old is None or isinstance(old, dict)) and (new is None or isinstance(new, dict)) \
                and not (whole and (old is None or new is None)):
            a, b = old or {}, new or {}
            for key in list(a) + [k for k in b if k not in a]:
                yield from walk(a.get(key), b.get(key), path + (str(key),))
            return
    yield Leaf(path, old, new)


def _ids(items: list) -> dict[str, int]:
    """Position of each item by id; items without an id, or sharing one, are matched by value."""
    seen: dict[str, int] = {}
    shared: set[str] = set()
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            if item["id"] in seen:
                shared.add(item["id"])
            seen[item["id"]] = index
    return {key: index for key, index in seen.items() if key not in shared}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _match(old: list, new: list) -> tuple[dict[str, str], dict[str, int], dict[str, int]]:
    """Items matched by id, old id -> new id; a renamed item lists its old id in former_ids
    (plans, stages, training modules). Also each side's positions by id."""
    a_ids, b_ids = _ids(old), _ids(new)
    renamed: dict[str, str] = {}
    for b_id, j in b_ids.items():
        formers = new[j].get("former_ids")
        if b_id in a_ids or not isinstance(formers, list):
            continue
        for former in formers:
            if isinstance(former, str) and former in a_ids and former not in b_ids \
                    and former not in renamed:
                renamed[former] = b_id
                break
    return {a_id: a_id for a_id in a_ids if a_id in b_ids} | renamed, a_ids, b_ids


def _without_rename(a: dict, b: dict, a_id: str) -> tuple[dict, dict]:
    """The two versions of a renamed item without the rename itself (its id and the former id
    it gained), so that only its other changes remain."""
    a, b = dict(a), dict(b)
    a.pop("id", None), b.pop("id", None)
    formers = b.get("former_ids")
    if isinstance(formers, list):
        b["former_ids"] = [f for f in formers if f != a_id]
        if not b["former_ids"] and "former_ids" not in a:
            b.pop("former_ids")
    return a, b


def _walk_list(old: list, new: list, path: tuple) -> Iterator[Leaf]:
    matched, a_ids, b_ids = _match(old, new)
    by_new = {b_id: a_id for a_id, b_id in matched.items()}
    for a_id, i in a_ids.items():
        if a_id not in matched:
            yield Leaf(path + (Item(a_id, i, None),), old[i], None)
    for b_id, j in b_ids.items():
        if b_id not in by_new:
            yield Leaf(path + (Item(b_id, None, j),), None, new[j])
            continue
        a_id = by_new[b_id]
        i = a_ids[a_id]
        here = path + (Item(b_id, i, j),)
        if a_id == b_id:
            yield from walk(old[i], new[j], here)
        else:
            yield Leaf(here + ("id",), a_id, b_id, "renamed")
            yield from walk(*_without_rename(old[i], new[j], a_id), here)
    order_old = [matched[a_id] for a_id in a_ids if a_id in matched]
    order_new = [b_id for b_id in b_ids if b_id in by_new]
    if order_old != order_new:
        yield Leaf(path, order_old, order_new, "reordered")
    # Items without ids: equal ones are matched by value, the rest by position.
    a_taken, b_taken = set(a_ids.values()), set(b_ids.values())
    a_rest = [i for i in range(len(old)) if i not in a_taken]
    b_rest = [j for j in range(len(new)) if j not in b_taken]
    for a1, a2, b1, b2 in differing_spans([_canonical(old[i]) for i in a_rest],
                                          [_canonical(new[j]) for j in b_rest]):
        pairs = min(a2 - a1, b2 - b1)
        for k in range(pairs):
            i, j = a_rest[a1 + k], b_rest[b1 + k]
            yield from walk(old[i], new[j], path + (Item(None, i, j),))
        for i in a_rest[a1 + pairs:a2]:
            yield Leaf(path + (Item(None, i, None),), old[i], None)
        for j in b_rest[b1 + pairs:b2]:
            yield Leaf(path + (Item(None, None, j),), None, new[j])


# Keys of a use that only allowed uses or only prohibited uses have (schema/parts/*-use.yaml).
_ONE_LIST_KEYS = {"from_stage", "example", "reason"}


def _moved_uses(leaves: list[Leaf]) -> list[Leaf]:
    """A use removed from one list and added to the other with the same id was moved."""
    def use(leaf: Leaf) -> bool:
        shape = _shape(leaf.path)
        return len(shape) == 3 and shape[0] == "uses" and shape[1] in _USE_LISTS \
            and shape[2] == "*" and leaf.path[2].key is not None and leaf.kind != "moved"

    gone = {(lf.path[1], lf.path[2].key): lf for lf in leaves if use(lf) and lf.removed}
    out = []
    for leaf in leaves:
        here = leaf.path
        if use(leaf) and leaf.added:
            other = "allowed" if here[1] == "prohibited" else "prohibited"
            before = gone.pop((other, here[2].key), None)
            if before is not None:
                # Only the new side can be navigated: the old item sat in the other list.
                item = Item(here[2].key, None, here[2].new_index)
                out.append(Leaf(("uses", here[1], item), other, here[1], "moved"))
                # What else changed with a move to prohibited belongs to a new prohibition.
                # Keys only one list has (a reason, a first stage) go with the move's line.
                kind = "moved-in" if here[1] == "prohibited" else "changed"
                out += [Leaf(lf.path, lf.old, lf.new, kind)
                        for lf in walk(before.old, leaf.new, ("uses", here[1], item))
                        if _last_key(lf.path) not in _ONE_LIST_KEYS]
                continue
        out.append(leaf)
    return [lf for lf in out
            if not (use(lf) and lf.removed and (lf.path[1], lf.path[2].key) not in gone)]


def _last_key(path: tuple) -> str | None:
    return next((step for step in reversed(path) if isinstance(step, str)), None)
