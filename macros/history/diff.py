"""Diff: what a change to the plans does to the rules, in plain words.

Each side is a plan file, a folder of plans, or a git revision (its plans/ folder). Nothing is
ever hidden: the two sides are walked leaf by leaf (lists matched by `id`, renames followed
through `former_ids`, other lists by value and position) and every changed leaf becomes one
change. Common changes read as hand-written sentences; any other leaf reads "<section> ›
<path>: old → new".

A change to a policy (pause rules, thresholds, targets, uses, data rules, reviews, gates, tier,
authority, stage access, training requirements) needs the approval of the plan's owner of the
definitions of good unless structured values PROVE that it tightens control: numbers with
`better`, strength orders of enums, inclusion of list items. Free text is never parsed: a
reworded policy always needs approval. Every change carries exactly one judgement (needs
approval, tightens, no policy effect, not judged): see macros/diff_judgement.py, which also
holds the tier's part (the tier is policy).

A sentence keeps plan values apart from the tool's own words, so each output escapes them in
its own way, once: plain text for JSON, inert code spans for GitHub comments, the handbook's
escaping for the site.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import history
from ..core.codeowners import entry as codeowners_entry
from .diff_judgement import (
    BELOW,
    NEEDS_APPROVAL,
    NO_EFFECT,
    NOT_JUDGED,
    TIER_KEYS,
    TIGHTENS,
    WORDS,
    date_judgement,
    tier_judgement,
    tier_side,
)
from .history import Commit, HistoryError
from .listdiff import differing_spans
from ..core.load import HAZARDS, load_text
from ..render.fragments import MODES
from ..render.text import code, inline, visible
from ..core.tiers import TIERS, relaxed
from ..core.validate import Schemas, schemas

ORG_FILE = "_org.yaml"
FAQ_FILE = "_faq.yaml"  # questions and answers: never policy (FAQ_ONLY)
FAQ_ONLY = "FAQ only — no policy change"
MODE_STRENGTH = {"spot_check": 0, "review_before_use": 1, "approval_first": 2}
CADENCE_STRENGTH = {"quarterly": 0, "monthly": 1, "weekly": 2, "daily": 3}
TOOL_OPENNESS = {"prohibited": 0, "restricted": 1, "approved": 2}  # higher: looser
SECTIONS = ["Plan", "Scope", "Uses", "Data rules", "Human review", "Stages", "Gates", "Training",
            "Monitoring", "Pause", "Support", "Issue reporting", "Escalation", "Communications",
            "Decisions", "Risks", "Budget", "Governance", "FAQ", "Organisation", "People",
            "Teams", "Tools"]
_PLAN_SECTIONS = {"scope": "Scope", "uses": "Uses", "data_rules": "Data rules",
                  "review": "Human review", "stages": "Stages", "training": "Training",
                  "monitoring": "Monitoring", "pause": "Pause", "support": "Support",
                  "issue_reporting": "Issue reporting", "escalation": "Escalation",
                  "communications": "Communications", "decisions": "Decisions",
                  "risks": "Risks", "budget": "Budget", "governance": "Governance",
                  "faq": "FAQ"}
_ORG_SECTIONS = {"people": "People", "teams": "Teams", "tools": "Tools", "training": "Training"}


# --- sentences: the tool's words with plan values kept apart ---------------------------------


@dataclass(frozen=True)
class Value:
    """A value from a plan or the org file, shown as written. `quoted` text reads “so” in plain
    text; ids, numbers and dates read bare."""

    value: Any
    quoted: bool = True


@dataclass(frozen=True)
class Key(Value):
    """A key the plan format does not define, from a plan no check has seen (a past commit):
    data like any value, shown as code, never as the tool's own words."""

    quoted: bool = False


Sentence = tuple  # of str (the tool's words) and Value (plan data)


def _shown(value: Any) -> str:
    """The value as text, invisible characters made visible: a revision's plans were never
    checked, and the text goes to terminals as well as pages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dict, list)):
        return visible(json.dumps(value, ensure_ascii=False, default=str))
    return "none" if value is None else visible(value)


def plain(sentence: Sentence) -> str:
    """Plain text: no Markdown, no HTML entities (JSON, terminals)."""
    out = []
    for part in sentence:
        if isinstance(part, Value):
            text = _shown(part.value)
            out.append(f"“{text}”" if part.quoted else text)
        else:
            out.append(part)
    return "".join(out)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def code_span(value: Any) -> str:
    """A GitHub-flavoured Markdown code span that shows `value` exactly and does nothing else.

    Inside a code span CommonMark interprets nothing (no links, images, HTML, emphasis), and
    GitHub turns neither @mentions, #references, commit hashes nor bare URLs in it into links
    or notifications — unlike backslash escapes, which GitHub's autolinker and mention
    processing ignore, or zero-width characters, which change what a reader copies. The fence
    is one backtick longer than any run inside, so a backtick in the value cannot close it; a
    value that starts or ends with a backtick, or with spaces at both ends, is padded with one
    space on each side (CommonMark strips exactly one). A line break would end the paragraph
    and let the next line start a block, so it is shown as ⏎; a tab, as in the terminal, ␉."""
    text = _LINE_BREAK.sub("⏎", _shown(value)).replace("\t", "␉")
    if not text:
        return "“”"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    if text[0] == "`" or text[-1] == "`" or (text[0] == text[-1] == " " and text.strip()):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def gfm(sentence: Sentence) -> str:
    """GitHub-flavoured Markdown for pull-request comments: every value a code span."""
    return "".join(code_span(p.value) if isinstance(p, Value) else p for p in sentence)


def site(sentence: Sentence) -> str:
    """Markdown for the handbook's own pages, escaped by render.text like all plan text."""
    out = []
    for part in sentence:
        if isinstance(part, Key):
            out.append(code(part.value))
        elif isinstance(part, Value):
            text = inline(_shown(part.value))
            out.append(f"“{text}”" if part.quoted else text)
        else:
            out.append(part)
    return "".join(out)


# --- what changed: leaves -------------------------------------------------------------------


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


# --- names ----------------------------------------------------------------------------------

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


def _last_key(path: tuple) -> str | None:
    return next((step for step in reversed(path) if isinstance(step, str)), None)


# --- sentences for the common changes -------------------------------------------------------


def _arrow(ctx: _Plan, leaf: Leaf) -> tuple:
    return (ctx.value(leaf.path, leaf.old), " → ", ctx.value(leaf.path, leaf.new))


def _stage(ctx: _Plan, leaf: Leaf) -> Value:
    return ctx.label(leaf.path[:2])



def _member(ctx, leaf: Leaf, added: str, removed: str, replaced: str) -> tuple:
    """An item of a stage's list (a module, a team, a person) added, removed or replaced."""
    p, a, b = leaf.path, leaf.old, leaf.new
    if leaf.removed:
        return (ctx.value(p, a), removed, _stage(ctx, leaf))
    if leaf.added:
        return (ctx.value(p, b), added, _stage(ctx, leaf))
    return (ctx.value(p, b), replaced, _stage(ctx, leaf), " instead of ", ctx.value(p, a))


def _plan_sentence(leaf: Leaf, ctx: _Plan) -> Sentence | None:
    p, shape, kind = leaf.path, _shape(leaf.path), leaf.kind
    a, b = leaf.old, leaf.new
    key = p[-1] if p and isinstance(p[-1], str) else None
    if ctx.follows_rename(leaf) and kind != "renamed":
        return None  # a reference that follows a rename reads as such (see _generic)
    if shape == ("faq", "*") and (leaf.added or leaf.removed):  # a question, by its words
        question = (b if leaf.added else a).get("question") if isinstance(b or a, dict) else None
        return ("Question added: " if leaf.added else "Question removed: ",
                Value(question if isinstance(question, str) else path_text(p)))
    if shape == ("id",) and kind == "renamed":
        return ("Plan ", Value(ctx.new.get("title", b)), " renamed from ", Value(a, False),
                " — old links redirect")
    if shape in (("risk_tier",), ("status",)):
        return ("Risk tier" if key == "risk_tier" else "Status", ": ") + _arrow(ctx, leaf)
    if shape in (("owner",), ("sponsor",)):
        return ("Business owner" if key == "owner" else "Executive sponsor", ": ",
                ctx.names.person(a), " → ", ctx.names.person(b))
    if shape == ("governance", "definition_owner"):
        return ("Owner of the definitions of good: ", ctx.names.person(a), " → ",
                ctx.names.person(b))
    if len(shape) == 3 and shape[0] == "uses" and shape[1] in _USE_LISTS and shape[2] == "*":
        which = p[1]
        if kind == "moved":  # with what only the new list has: its reason or first stage
            item = ctx.item(p)
            reason, stage = item.get("reason"), item.get("from_stage")
            return (ctx.label(p), f" moved from {a} to {b}") + (
                (" (reason: ", Value(reason), ")") if b == "prohibited" and reason else
                (" (from stage ", Value(_name(ctx.stages, stage)), ")") if b == "allowed"
                and stage else ())
        if leaf.removed:
            return (f"{which.title()} use removed: ", ctx.label(p))
        if leaf.added:
            stage = b.get("from_stage") if isinstance(b, dict) else None
            return (f"New {which} use: ", ctx.label(p)) + (
                (" (from stage ", Value(_name(ctx.stages, stage)), ")") if stage else ())
    if len(shape) == 4 and shape[0] == "uses" and shape[1] in _USE_LISTS \
            and shape[2:] == ("*", "text") and a is not None and b is not None:
        return (f"{p[1].title()} use reworded: ", Value(a), " → ", Value(b))
    if shape == ("uses", "allowed", "*", "from_stage"):
        return (ctx.label(p[:3]), " now applies from stage ",
                Value(_name(ctx.stages, b)) if b else "the first", " (was ",
                Value(_name(ctx.stages, a)) if a else "the first", ")")
    if shape[:2] == ("data_rules", "never_enter") or shape[:2] == ("data_rules", "allowed"):
        what = "Never enter" if p[1] == "never_enter" else "Allowed data"
        if len(p) == 3 and leaf.removed:
            return (f"{what} removed: ", Value(a))
        if len(p) == 3 and leaf.added:
            return (f"{what} added: ", Value(b))
        if len(p) == 3:
            return (f"{what} reworded: ", Value(a), " → ", Value(b))
    if shape == ("review", "*"):
        if leaf.removed:
            return ("Review of ", ctx.label(p), " removed")
        if leaf.added:
            mode = _get(b, "mode")
            return ("New review of ", ctx.label(p), ": ", Value(_name(MODES, mode)), " by ",
                    ctx.names.person(_get(b, "reviewer")))
    if shape == ("review", "*", "mode"):
        return ("Review of ", ctx.label(p[:2]), ": ", Value(_name(MODES, a)) if a else "none",
                " → ", Value(_name(MODES, b)) if b else "none")
    if shape == ("review", "*", "reviewer"):
        return ("Reviewer of ", ctx.label(p[:2]), ": ", ctx.names.person(a), " → ",
                ctx.names.person(b))
    if shape == ("stages",) and kind == "reordered":
        names = []
        for stage_id in b:
            names += [" → "] if names else []
            names.append(Value(_name(ctx.stages, stage_id)))
        return ("Stages reordered: ", *names)
    if shape == ("stages", "*"):
        if leaf.removed:
            return ("Stage ", ctx.label(p), " removed")
        if leaf.added:
            return ("New stage ", ctx.label(p))
    if shape == ("stages", "*", "id") and kind == "renamed":
        return ("Stage ", _stage(ctx, leaf), " renamed from ", Value(a, False),
                " — old links redirect")
    if shape == ("stages", "*", "access_percent"):
        return ("Access share of ", _stage(ctx, leaf), ": ", ctx.value(p, a), " % → ",
                ctx.value(p, b), " %")
    if shape == ("stages", "*", "headcount"):
        return ("People given access at ", _stage(ctx, leaf), ": ") + _arrow(ctx, leaf)
    if shape in (("stages", "*", "start"), ("stages", "*", "end")):
        return (f"{key.title()} of ", _stage(ctx, leaf), ": ", ctx.value(p, a), " → ",
                ctx.value(p, b))
    if shape == ("stages", "*", "training", "*"):
        return _member(ctx, leaf, " now required before ", " no longer required before ",
                       " required before ")
    if shape in (("stages", "*", "teams", "*"), ("stages", "*", "people", "*")):
        return _member(ctx, leaf, " gets access at ", " no longer gets access at ",
                       " gets access at ")
    if shape == ("stages", "*", "leave", "*"):
        if leaf.removed:
            return ("Access of ", ctx.value(p, a), " no longer ends when ", _stage(ctx, leaf),
                    " starts")
        if leaf.added:
            return ("Access of ", ctx.value(p, b), " ends when ", _stage(ctx, leaf), " starts")
    if shape == ("stages", "*", "gate"):
        if leaf.removed:
            return ("The gate after ", _stage(ctx, leaf), " was removed")
        if leaf.added:
            return ("New gate after ", _stage(ctx, leaf))
    if shape == ("stages", "*", "gate", "decider"):
        return ("Decider of the gate after ", _stage(ctx, leaf), ": ", ctx.names.person(a),
                " → ", ctx.names.person(b))
    if shape == ("stages", "*", "gate", "criteria", "*"):
        if leaf.removed:
            return ("Criterion ", ctx.label(p), " removed from the gate after ",
                    _stage(ctx, leaf))
        if leaf.added:
            return ("New criterion for the gate after ", _stage(ctx, leaf), ": ",
                    ctx.label(p)) + ((" (blocking)",) if _get(b, "blocking") else ())
    if shape == ("stages", "*", "gate", "criteria", "*", "threshold"):
        return ("Threshold of ", ctx.label(p[:5]), " at ", _stage(ctx, leaf), ": ") + _arrow(
            ctx, leaf)
    if shape == ("stages", "*", "gate", "criteria", "*", "value"):
        return ("Value of ", ctx.label(p[:5]), " at ", _stage(ctx, leaf), ": ") + _arrow(
            ctx, leaf)
    if shape == ("stages", "*", "gate", "criteria", "*", "blocking"):
        return (ctx.label(p[:5]), " at ", _stage(ctx, leaf),
                " is now " + ("blocking" if b else "non-blocking"))
    if shape == ("training", "modules", "*"):
        if leaf.removed:
            return ("Module ", ctx.label(p), " removed")
        if leaf.added:
            return ("New module ", ctx.label(p))
    if shape == ("training", "modules", "*", "id") and kind == "renamed":
        return ("Module ", ctx.label(p[:3]), " renamed from ", Value(a, False),
                " — old links redirect")
    if shape == ("training", "modules", "*", "required_before_access"):
        return ("Module ", ctx.label(p[:3]), " is now " + (
            "required before access" if b else "no longer required before access"))
    if shape == ("monitoring", "*"):
        if leaf.removed:
            return ("Metric ", ctx.label(p), " removed")
        if leaf.added:
            return ("New metric ", ctx.label(p))
    words = {"pause_threshold": "Pause threshold", "pause_value": "Pause value",
             "target": "Target", "target_value": "Target value"}
    if len(shape) == 3 and shape[:2] == ("monitoring", "*") and key in words:
        if leaf.added and key.endswith("_value"):
            return (f"{words[key]} of ", ctx.label(p[:2]), " set to ", ctx.value(p, b))
        if leaf.removed and key.endswith("_value"):
            return (f"{words[key]} of ", ctx.label(p[:2]), " removed (was ", ctx.value(p, a),
                    ")")
        return (f"{words[key]} of ", ctx.label(p[:2]), ": ") + _arrow(ctx, leaf)
    if shape == ("pause", "authority", "*"):
        if leaf.removed:
            return (ctx.value(p, a), " can no longer pause the rollout")
        if leaf.added:
            return (ctx.value(p, b), " can now pause the rollout")
    if shape == ("pause", "triggers", "*"):
        if leaf.removed:
            return ("Pause trigger removed: ", ctx.label(p))
        if leaf.added:
            return ("New pause trigger: ", ctx.label(p))
    if shape == ("pause", "triggers", "*", "text") and a is not None and b is not None:
        return ("Pause trigger reworded: ", Value(a), " → ", Value(b))
    if shape == ("pause", "fallbacks", "*"):
        if leaf.removed:
            return ("Fallback removed: ", Value(a))
        if leaf.added:
            return ("Fallback added: ", Value(b))
    return None


def _org_sentence(leaf: Leaf, ctx: _Plan) -> Sentence | None:
    p, shape = leaf.path, _shape(leaf.path)
    what = {"people": "person", "teams": "team", "tools": "tool", "training": "module"}
    if len(shape) == 2 and shape[0] in what and shape[1] == "*":
        if leaf.removed:
            return (what[shape[0]].title() + " ", ctx.label(p), " removed")
        if leaf.added:
            return ("New " + what[shape[0]] + " ", ctx.label(p))
    if shape == ("training", "*", "id") and leaf.kind == "renamed":
        return ("Module ", ctx.label(p[:2]), " renamed from ", Value(leaf.old, False),
                " — old links redirect")
    if shape == ("tools", "*", "status"):
        return ("Tool ", ctx.label(p[:2]), ": status ") + _arrow(ctx, leaf)
    return None


def _field_names(fields: dict) -> set[str]:
    """Every field name in a schema mapping, nested mappings included."""
    names = set(fields)
    for rules in fields.values():
        while isinstance(rules, dict):
            sub = rules.get("schema")
            if isinstance(sub, dict) and "type" not in sub:
                names |= _field_names(sub)
            rules = sub if isinstance(sub, dict) and "type" in sub else None
    return names


@lru_cache(maxsize=2)
def _known_fields(s: Schemas) -> frozenset[str]:
    return frozenset(_field_names(s.org) | _field_names(s.plan)).union(
        *(_field_names(part) for part in s.parts.values()))


def _field(key: str) -> str | Key:
    """A key in words when the plan format defines it (anywhere: a use moved between the lists
    keeps the other list's fields); else as data, as a past commit may hold any key."""
    return key.replace("_", " ") if key in _known_fields(schemas()) else Key(key)


def _generic(leaf: Leaf, ctx: _Plan, section: str) -> Sentence:
    """`<section> › <path>: old → new` for any leaf no sentence above covers."""
    parts: list = [section]
    for i, step in enumerate(leaf.path):
        if isinstance(step, Item):
            parts += [" › ", ctx.label(leaf.path[:i + 1])]
        elif not (i == 0 and (_PLAN_SECTIONS.get(step, _ORG_SECTIONS.get(step)) == section
                              or step == "stages")):  # the stage's name follows
            parts += [" › ", _field(step)]
    if leaf.kind == "reordered":
        order = [ctx.label(leaf.path + (Item(k, None, j),)) for j, k in enumerate(leaf.new)]
        parts.append(": order changed to ")
        for i, name in enumerate(order):
            parts += [", "] if i else []
            parts.append(name)
        return tuple(parts)
    if ctx.follows_rename(leaf):
        return (*parts, ": ", Value(leaf.old, False), " → ", Value(leaf.new, False),
                " (renamed)")
    if leaf.added:
        return (*parts, ": added ", ctx.value(leaf.path, leaf.new))
    if leaf.removed:
        return (*parts, ": removed (was ", ctx.value(leaf.path, leaf.old), ")")
    return (*parts, ": ") + _arrow(ctx, leaf)


# --- approval: what cannot be proved to tighten control --------------------------------------

# What adding an item to a list does: "tightens" (so removing one needs approval), "loosens"
# (adding needs approval), "either" (both need it). Keys are path shapes.
_SETS = {
    ("uses", "prohibited"): ("tightens", "a prohibited use"),
    ("uses", "allowed"): ("loosens", "an allowed use"),
    ("data_rules", "never_enter"): ("tightens", "data that must never be entered"),
    ("data_rules", "allowed"): ("loosens", "data that may be entered"),
    ("review",): ("tightens", "a human review rule"),
    ("review", "*", "checks"): ("tightens", "a review check"),
    ("stages",): ("either", "a stage (with its access and gate)"),
    ("stages", "*", "teams"): ("loosens", "a team given access"),
    ("stages", "*", "people"): ("loosens", "a person given access"),
    ("stages", "*", "leave"): ("tightens", "a team whose access ends"),
    ("stages", "*", "training"): ("tightens", "training required before access"),
    ("stages", "*", "gate", "criteria"): ("tightens", "a gate criterion"),
    ("stages", "*", "gate", "outcomes"): ("either", "a gate outcome"),
    ("monitoring",): ("tightens", "a metric"),
    ("pause", "authority"): ("tightens", "a person who can pause"),
    ("pause", "triggers"): ("tightens", "a pause trigger"),
    ("pause", "fallbacks"): ("tightens", "a fallback"),
    ("pause", "return_to_normal"): ("tightens", "a condition for returning to normal"),
    ("training", "modules"): ("tightens", "a training module"),
    ("training", "modules", "*", "topics"): ("tightens", "a training topic"),
    ("training", "modules", "*", "audience"): ("tightens", "a team that must take a module"),
}
# Where a change is a policy change: shapes, and a "$" for "exactly this, not below".
_POLICY = [
    ("risk_tier",), ("uses", "prohibited"), ("uses", "allowed", "*", "$"),
    ("uses", "allowed", "*", "text"), ("uses", "allowed", "*", "from_stage"),
    ("uses", "allowed", "*", "audience"),
    ("data_rules",), ("review",), ("pause",), ("governance", "definition_owner"),
    ("governance", "change_process"), ("monitoring", "$"), ("monitoring", "*", "$"),
    *(("monitoring", "*", k) for k in ("metric", "target", "target_value", "pause_threshold",
                                       "pause_value", "better", "unit", "cadence", "area",
                                       "pause_after_readings")),
    ("stages", "$"), ("stages", "*", "$"),
    *(("stages", "*", k) for k in ("teams", "leave", "people", "headcount", "access_percent",
                                   "training", "gate", "pattern")),
    ("training", "modules", "*", "$"),
    *(("training", "modules", "*", k) for k in ("required_before_access", "topics", "audience",
                                                "duration_minutes")),
]
_WORDING = ("wording changed; cannot be judged automatically",)
_LOWER_TIGHTENS = {"access_percent": "access share", "headcount": "people given access"}
_BETTER_NUMBERS = {"pause_value": "pause value", "target_value": "target value",
                   "value": "criterion value"}
_TRUE_TIGHTENS = {"blocking": "criterion no longer blocks the gate",
                  "required_before_access": "module no longer required before access"}
_ORDERS = {"mode": MODE_STRENGTH, "cadence": CADENCE_STRENGTH,
           "risk_tier": {tier: rank for rank, tier in enumerate(TIERS)}}
_REF_KEYS = _PEOPLE_KEYS | {"metric", "from_stage", "stage", "better", "area", "pattern",
                            "outcomes", "topics", "training", "fallbacks"}


def _is_reference(path: tuple) -> bool:
    """Whether the value at `path` is an id or enum (else it is text for people)."""
    key = _last_key(path)
    return key in _REF_KEYS and not (key == "metric" and path[0] == "monitoring")


def _is_policy(shape: tuple) -> bool:
    for prefix in _POLICY:
        if prefix[-1] == "$":
            if shape == prefix[:-1]:
                return True
        elif shape[:len(prefix)] == prefix:
            return True
    return False


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _direction(leaf: Leaf, ctx: _Plan) -> str | None:
    """`better` for a monitoring value, or of the metric a gate criterion names; None when it
    is missing or differs between the two versions (then nothing can be proved)."""
    if leaf.path[0] == "monitoring":
        a = _get(ctx.at(leaf.path[:2], False), "better")
        b = _get(ctx.at(leaf.path[:2]), "better")
    else:
        def better(plan: dict, criterion: Any) -> Any:
            metric = _get(criterion, "metric")
            return next((m.get("better") for m in _entries(plan, "monitoring")
                         if m.get("id") == metric), None)
        a = better(ctx.old, ctx.at(leaf.path[:-1], False))
        b = better(ctx.new, ctx.at(leaf.path[:-1]))
    return b if a == b and b in ("higher", "lower") else None


def _approval(leaf: Leaf, ctx: _Plan) -> Sentence | None:
    """Why a plan change needs approval; None when it is no policy change or provably tighter."""
    p, shape, a, b = leaf.path, _shape(leaf.path), leaf.old, leaf.new
    if leaf.kind in ("renamed", "moved-in") or ctx.follows_rename(leaf) or not p \
            or not _is_policy(shape):
        return None
    if leaf.kind == "reordered":
        return ("changes the order of stages",) if shape == ("stages",) else None
    if leaf.kind == "moved":
        return None if b == "prohibited" else ("moves a prohibited use to allowed",)
    if shape[:4] == ("uses", "allowed", "*", "audience"):
        return _audience_approval(ctx, p[:3])
    if isinstance(p[-1], Item) and shape[:-1] in _SETS:
        effect, what = _SETS[shape[:-1]]
        if leaf.added:
            return None if effect == "tightens" else ("adds " + what,)
        if leaf.removed:
            return None if effect == "loosens" else ("removes " + what,)
        if isinstance(a, str) and isinstance(b, str) and not _is_reference(p):
            return _WORDING
        return (ctx.value(p, a), " replaced by ", ctx.value(p, b),
                "; cannot be judged automatically")
    key = _last_key(p)
    if key == "risk_tier":
        ra, rb = _rank(_ORDERS["risk_tier"], a), _rank(_ORDERS["risk_tier"], b)
        if ra is not None and rb is not None and rb > ra:
            return None
        if ra is None or rb is None:
            return ("risk tier changed from ", ctx.value(p, a), " to ", ctx.value(p, b),
                    "; cannot be judged automatically")
        dropped = relaxed(a, b)
        return ("risk tier lowered from ", Value(a), " to ", Value(b)) + (
            ("; no longer requires: " + "; ".join(dropped),) if dropped else ())
    if key in _ORDERS:
        order, what = _ORDERS[key], {"mode": "review mode"}.get(key, key)
        ra, rb = _rank(order, a), _rank(order, b)
        if ra is not None and rb is not None:
            if rb > ra:
                return None
            shown = (Value(_name(MODES, a)), " to ", Value(_name(MODES, b))) if key == "mode" \
                else (Value(a), " to ", Value(b))
            return (f"{what} lowered from ", *shown)
        if a is None and rb is not None:
            return None if key == "cadence" else (f"{what} set to ", Value(b))
        return (f"{what} changed from ", ctx.value(p, a), " to ", ctx.value(p, b))
    if key in _TRUE_TIGHTENS and not isinstance(p[-1], Item):
        if bool(b) and not bool(a):
            return None
        return (_TRUE_TIGHTENS[key],)
    if key in _BETTER_NUMBERS and (_number(a) or _number(b)):
        what = _BETTER_NUMBERS[key]
        if a is None:
            return None  # a new pause value, target or criterion value adds a rule
        if b is None:
            return (f"{what} removed (was ", Value(a, False), ")")
        better = _direction(leaf, ctx)
        if _number(a) and _number(b) and better:
            if (b < a) == (better == "lower"):
                return None
            return (f"{what} {'raised' if b > a else 'lowered'} from ", Value(a, False), " to ",
                    Value(b, False), f" (better: {better})")
        return (f"{what} changed from ", ctx.value(p, a), " to ", ctx.value(p, b),
                "; whether higher or lower is better is not given (or it changed), so it "
                "cannot be judged")
    if key == "pause_after_readings":  # absent means 1; more readings pause later
        a, b = (1 if x is None else x for x in (a, b))
        if _number(a) and _number(b) and b <= a:
            return None
        return ("readings in a row needed to pause raised from ", Value(a, False), " to ",
                Value(b, False))
    if key in _LOWER_TIGHTENS and _number(a) and _number(b):
        if b < a:
            return None
        return (f"{_LOWER_TIGHTENS[key]} raised from ", Value(a, False), " to ",
                Value(b, False))
    if key == "duration_minutes" and _number(a) and _number(b) and b > a:
        return None
    if key == "from_stage":
        order = [s.get("id") for s in _entries(ctx.new, "stages")]
        before = order.index(a) if isinstance(a, str) and a in order else 0 if a is None else None
        after = order.index(b) if isinstance(b, str) and b in order else 0 if b is None else None
        if before is not None and after is not None and after > before:
            return None
        return ("now applies from an earlier or unknown stage",)
    if key == "gate" and leaf.added:
        return None
    if key == "gate" and leaf.removed:
        return ("removes the gate",)
    if (isinstance(a, str) or isinstance(b, str)) and not _is_reference(p) \
            and not isinstance(a, (dict, list)) and not isinstance(b, (dict, list)):
        return _WORDING
    return (ctx.value(p, a), " replaced by ", ctx.value(p, b), "; cannot be judged automatically")


def _judgement(leaf: Leaf, ctx: _Plan) -> tuple[str, Sentence | None]:
    """The change's one judgement (macros/diff_judgement.py), with the reason when it needs
    approval."""
    shape = _shape(leaf.path)
    if leaf.kind == "renamed" or ctx.follows_rename(leaf) \
            or (leaf.kind == "reordered" and shape != ("stages",)):
        return NO_EFFECT, None
    if leaf.kind == "moved-in":  # part of a new prohibition
        return TIGHTENS, None
    if shape[:1] in (("faq",), ("definition_changes",)):  # they explain or record policy
        return NO_EFFECT, None
    if shape and shape[0] in TIER_KEYS:
        judgement, why = tier_judgement(shape[0], leaf.old, leaf.new, ctx.old, ctx.new)
        return judgement, _tier_reason(why, ctx) if judgement == NEEDS_APPROVAL else None
    if shape in (("stages", "*", "start"), ("stages", "*", "end")):
        return date_judgement(leaf.old, leaf.new), None
    if not leaf.path or not _is_policy(shape):
        return NOT_JUDGED, None
    reason = _approval(leaf, ctx)
    return (NEEDS_APPROVAL, reason) if reason else (TIGHTENS, None)


def _tier_reason(why: str | None, ctx: _Plan) -> Sentence:
    before, after = tier_side(ctx.old), tier_side(ctx.new)
    if why == BELOW:
        return ("keeps the plan at the ", Value(after.applied), " tier, below the ",
                Value(after.implied), " tier its impact calls for; " + (
                    "a tier rationale is text and cannot be judged automatically"
                    if after.rationale else "the check refuses this without a tier rationale"))
    return ("lowers the tier the impact calls for from ", Value(before.implied), " to ",
            Value(after.implied))


def _audience_approval(ctx: _Plan, use: tuple) -> Sentence | None:
    """A use's `audience` narrows who may make it; no audience means everyone with access. So
    a change tightens when the new audience is set and within the old one (or the old was
    everyone), and needs approval otherwise (it reaches someone it did not)."""
    before = ctx.at(use, new_side=False) or {}
    after = ctx.at(use) or {}
    was = set(before.get("audience") or []) if isinstance(before, dict) else set()
    now = set(after.get("audience") or []) if isinstance(after, dict) else set()
    if now and (not was or now <= was):
        return None
    return ("the use now reaches people it did not: its audience widened",)


def _org_approval(leaf: Leaf, ctx: _Plan) -> Sentence | None:
    """Tools that became more open, and shared modules that require less."""
    p, shape, a, b = leaf.path, _shape(leaf.path), leaf.old, leaf.new
    if shape == ("tools", "*", "status"):
        ra, rb = _rank(TOOL_OPENNESS, a), _rank(TOOL_OPENNESS, b)
        if ra is not None and rb is not None and rb < ra:
            return None
        return ("tool status changed from ", ctx.value(p, a), " to ", ctx.value(p, b))
    if shape == ("tools", "*", "account"):
        return None if b == "enterprise" else ("account changed from ", ctx.value(p, a),
                                               " to ", ctx.value(p, b))
    if shape == ("tools", "*", "trains_on_inputs"):
        return None if b is False else ("the vendor may now train on inputs",)
    if shape == ("tools", "*", "available_to"):  # unset means everyone
        return None if b == "plan-users" else ("the tool is now for everyone, not only the "
                                               "people a plan gives access to",)
    if shape == ("tools", "*") and leaf.removed:
        return None
    if shape[:2] == ("training", "*") and len(shape) <= 4:
        as_plan = Leaf(("training", "modules") + p[1:], a, b, leaf.kind)
        return _approval(as_plan, ctx)
    if shape in (("people", "*", "contact"), ("people", "*", "github")):
        was, now = ((codeowners_entry(ctx.at(p[:2], side)) or ("", "none"))[1]
                    for side in (False, True))
        if was != now:  # who CODEOWNERS names as the owner of this person's plans
            return ("the CODEOWNERS owner changes from ", Value(was), " to ", Value(now))
    return None


def _org_judgement(leaf: Leaf, ctx: _Plan, loosens: bool) -> str:
    """The judgement of an org change whose approval `_org_approval` did not ask for (one it
    asks for that no plan's owner can give is not judged either)."""
    p, shape = leaf.path, _shape(leaf.path)
    if leaf.kind in ("renamed", "reordered") or ctx.follows_rename(leaf):
        return NO_EFFECT
    if shape[:2] == ("training", "*") and len(shape) <= 4 and not loosens:
        return _judgement(Leaf(("training", "modules") + p[1:], leaf.old, leaf.new, leaf.kind),
                          ctx)[0]
    judged = shape in (("tools", "*", "status"), ("tools", "*", "account"),
                       ("tools", "*", "trains_on_inputs"), ("tools", "*", "available_to")) \
        or (shape == ("tools", "*") and leaf.removed)
    return TIGHTENS if judged and not loosens else NOT_JUDGED


def _org_approvers(leaf: Leaf, old: Side, names: _Names) -> list[str]:
    """Who approves an org change: the owners of the definitions of good of the plans that use
    the tool or module, as they stood before. When no plan uses it yet, the plans' sponsors,
    who own _org.yaml (see `handbook codeowners`)."""
    shape = _shape(leaf.path)
    if shape[:1] == ("people",):  # a CODEOWNERS owner: _org.yaml belongs to the sponsors
        return _sponsors(old, names)
    if len(shape) < 2 or shape[0] not in ("tools", "training"):
        return []
    step = leaf.path[1]
    ref = step.key
    users = []
    for plan in old.plans.values():
        if shape[0] == "tools":
            used = ref in (_get(plan, "scope", "tools") or [])
        else:
            used = any(ref in (s.get("training") or []) for s in _entries(plan, "stages"))
        if used:
            users.append(_approver(plan, names))
    return list(dict.fromkeys(users)) or _sponsors(old, names)


def _sponsors(old: Side, names: _Names) -> list[str]:
    return list(dict.fromkeys(str(_name(names.refs, p["sponsor"])) for p in old.plans.values()
                              if isinstance(p.get("sponsor"), str)))


def _approver(plan: dict, names: _Names) -> str:
    """The plan's owner of the definitions of good (seed 002), else its business owner."""
    person = _get(plan, "governance", "definition_owner") or plan.get("owner")
    return str(_name(names.refs, person)) if person else "the plan's owner"


# --- the comparison -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One changed leaf of a plan or of the org file, in words."""

    plan: str  # the plan id, or "_org.yaml"
    section: str
    path: str
    old: Any
    new: Any
    sentence: Sentence
    reason: Sentence | None = None  # why it needs approval; None: it does not
    approver: str | None = None
    # One of diff_judgement's four; a change with a reason always needs approval.
    judgement: str = NOT_JUDGED
    # The changed leaf's path (keys and Items), for counting changes by section; not compared.
    steps: tuple = field(default=(), compare=False)
    kind: str = field(default="changed", compare=False)  # Leaf.kind: "moved" for a use

    def __post_init__(self) -> None:
        # needs_approval and judgement never disagree: approval comes with its reason (and one
        # no approver can give is not judged).
        if self.reason is not None:
            object.__setattr__(self, "judgement", NEEDS_APPROVAL)
        elif self.judgement == NEEDS_APPROVAL:
            object.__setattr__(self, "judgement", NOT_JUDGED)

    @property
    def needs_approval(self) -> bool:
        return self.reason is not None

    @property
    def judgement_text(self) -> str:
        return WORDS[self.judgement]

    @property
    def reason_text(self) -> str:
        """Why it needs approval, as Markdown for the handbook's pages."""
        return site(self.reason) if self.reason else ""

    @property
    def text(self) -> str:
        """Markdown for the handbook's pages (plan text escaped by render.text)."""
        return site(self.sentence)

    def as_json(self) -> dict:
        return {"plan": self.plan, "section": self.section, "path": self.path,
                "old": self.old, "new": self.new, "text": plain(self.sentence),
                "judgement": self.judgement, "needs_approval": self.needs_approval,
                "reason": plain(self.reason) if self.reason else None,
                "approver": self.approver}


def _section(path: tuple, org: bool) -> str:
    if not path:
        return "Organisation" if org else "Plan"
    if org:
        return _ORG_SECTIONS.get(path[0], "Organisation")
    if path[0] == "stages" and len(path) > 2 and path[2] in ("gate", "training"):
        return "Gates" if path[2] == "gate" else "Training"
    return _PLAN_SECTIONS.get(path[0], "Plan")


def _plan_changes(plan_id: str, old: dict, new: dict, names: _Names) -> list[Change]:
    ctx = _Plan(old, new, names)
    approver = _approver(old, names)
    changes = []
    for leaf in _moved_uses(list(walk(old, new))):
        section = _section(leaf.path, org=False)
        sentence = _plan_sentence(leaf, ctx) or _generic(leaf, ctx, section)
        judgement, reason = _judgement(leaf, ctx)
        changes.append(Change(plan_id, section, path_text(leaf.path), leaf.old, leaf.new,
                              sentence, reason, approver if reason else None, judgement,
                              leaf.path, leaf.kind))
    return changes


def _org_changes(old: Side, new: Side, names: _Names) -> list[Change]:
    if bool(old.org) != bool(new.org):  # the whole file came or went (a first commit)
        org = new.org or old.org
        title = _get(org, "organisation", "name") or ORG_FILE
        words = "New organisation file: " if new.org else "Organisation file removed: "
        return [Change(ORG_FILE, "Organisation", "", old.org or None, new.org or None,
                       (words, Value(title)))]
    ctx = _Plan(old.org, new.org, names)
    changes = []
    for leaf in walk(old.org, new.org):
        section = _section(leaf.path, org=True)
        sentence = _org_sentence(leaf, ctx) or _generic(leaf, ctx, section)
        reason = _org_approval(leaf, ctx)
        approvers = _org_approvers(leaf, old, names) if reason else []
        changes.append(Change(ORG_FILE, section, path_text(leaf.path), leaf.old, leaf.new,
                              sentence, reason if approvers else None,
                              ", ".join(approvers) or None,
                              _org_judgement(leaf, ctx, reason is not None)))
    return changes


def diff(old: Side, new: Side) -> list[Change]:
    """Every change from `old` to `new`: plans in id order, then the org file; within a plan,
    by section, in the order of the file."""
    names = _Names(old, new)
    changes: list[Change] = []
    old_plans, new_plans = list(old.plans.values()), list(new.plans.values())
    matched, a_ids, b_ids = _match(old_plans, new_plans)
    for plan_id, i in a_ids.items():
        if plan_id not in matched:
            plan = old_plans[i]
            changes.append(Change(plan_id, "Plan", "", plan, None, (
                "Plan removed: ", Value(plan.get("title", plan_id))),
                ("removes the plan and every rule in it",), _approver(plan, names)))
    renamed_to = set(matched.values())
    for plan_id, j in b_ids.items():
        if plan_id not in renamed_to:
            # A new plan has no approver from before: it carries its own `approval`.
            plan = new_plans[j]
            changes.append(Change(plan_id, "Plan", "", None, plan, (
                "New plan: ", Value(plan.get("title", plan_id)))))
    for a_id, b_id in matched.items():
        a, b = old_plans[a_ids[a_id]], new_plans[b_ids[b_id]]
        if a_id != b_id:
            leaf = Leaf(("id",), a_id, b_id, "renamed")
            changes.append(Change(b_id, "Plan", "id", a_id, b_id,
                                  _plan_sentence(leaf, _Plan(a, b, names)) or (),
                                  judgement=NO_EFFECT))
            a, b = _without_rename(a, b, a_id)
        changes += _plan_changes(b_id, a, b, names)
    changes += _org_changes(old, new, names)
    faq = _Plan(old.faq, new.faq, names)
    changes += [Change(FAQ_FILE, "FAQ", path_text(leaf.path), leaf.old, leaf.new,
                       _plan_sentence(leaf, faq) or _generic(leaf, faq, "FAQ"),
                       judgement=NO_EFFECT, steps=leaf.path)
                for leaf in walk(old.faq, new.faq)]
    plans = sorted({c.plan for c in changes if c.plan not in (ORG_FILE, FAQ_FILE)}) + [
        ORG_FILE, FAQ_FILE]
    rank = {plan: i for i, plan in enumerate(plans)}
    return sorted(changes, key=lambda c: (rank[c.plan], SECTIONS.index(c.section)))


# --- reading a side -------------------------------------------------------------------------


def _load(files: dict[str, bytes], label: str, skipped: tuple = ()) -> Side:
    plans, org, faq = {}, {}, {}
    for name, raw in sorted(files.items()):
        doc, problems = load_text(name, raw)
        if doc is None or any(p.is_error for p in problems) or not isinstance(doc.data, dict):
            raise SideError(f"{label}: {name} cannot be read as YAML; run `handbook check` "
                            "first", name)
        if name == ORG_FILE:
            org = doc.data
        elif name == FAQ_FILE:
            faq = doc.data
        elif not name.startswith("_") and isinstance(doc.data.get("id"), str):
            plans[doc.data["id"]] = doc.data
    return Side(label, plans, org, tuple(skipped), faq)


def read_side(spec: str, repo: Path = Path("."), folder: str = "plans") -> Side:
    """A file, a folder, or a git revision (whose `folder` is read, from the repository root)."""
    path = Path(spec)
    if path.is_file():
        files = {path.name: path.read_bytes()}
        org = path.parent / ORG_FILE
        if org.exists() and path.name != ORG_FILE:
            files[ORG_FILE] = org.read_bytes()
        return _load(files, spec)
    if path.is_dir():
        files, skipped = {}, []
        for file in sorted(p for p in path.iterdir() if history.yaml_like(p.name)):
            why = history.unread(file.name, file.is_symlink(), file.is_file())
            if why:
                skipped.append((file.name, why))
            else:
                files[file.name] = file.read_bytes()
        return _load(files, spec, tuple(skipped))
    try:  # what git holds is read as the check would read the folder: see history.tree_files
        files, skipped = history.tree_files(history.resolve(spec, repo), repo, folder)
    except HistoryError:
        raise SideError(f"'{spec}' is not a file, a folder or a git revision with plans/") \
            from None
    return _load(files, spec, tuple(skipped))


# --- output ---------------------------------------------------------------------------------


def to_markdown(changes: list[Change], old: Side, new: Side) -> str:
    """A pull-request comment. Only the tool's own words make structure: every value from a
    plan, the org file or the command line is an inert code span (see `code_span`)."""
    if not changes:
        return (f"**No policy changes** between {code_span(old.label)} and "
                f"{code_span(new.label)}.\n")
    head = FAQ_ONLY if faq_only(changes) else "Policy changes"
    lines = [f"### {head}: {code_span(old.label)} → {code_span(new.label)}", ""]
    for plan_id in dict.fromkeys(c.plan for c in changes):
        mine = [c for c in changes if c.plan == plan_id]
        if plan_id in (ORG_FILE, FAQ_FILE):
            what = "Organisation" if plan_id == ORG_FILE else "Questions for everyone"
            lines += [f"#### {what} ({code_span(plan_id)})", ""]
        else:
            plan = new.plans.get(plan_id) or old.plans.get(plan_id) or {}
            lines += [f"#### {code_span(plan.get('title', plan_id))} ({code_span(plan_id)})", ""]
        approvers = list(dict.fromkeys(c.approver for c in mine if c.needs_approval))
        if approvers:
            count = sum(c.needs_approval for c in mine)
            who = " and ".join(code_span(a) for a in approvers)
            lines += [f"> ⚠️ **Needs approval by {who}:** {count} change(s) below cannot be "
                      "proved to tighten control.", ""]
        for section in SECTIONS:
            in_section = [c for c in mine if c.section == section]
            if not in_section:
                continue
            lines.append(f"**{section}**")
            for c in in_section:
                if c.needs_approval:
                    lines.append(f"- ⚠️ {gfm(c.sentence)} — **needs approval by "
                                 f"{code_span(c.approver)}:** {gfm(c.reason)}")
                else:
                    lines.append(f"- {gfm(c.sentence)} — **{c.judgement_text}**")
            lines.append("")
    return _bounded(lines, changes, old, new)


def faq_only(changes: list[Change]) -> bool:
    """Whether every change is to questions and answers: a quick review, no approval."""
    return bool(changes) and all(c.section == "FAQ" for c in changes)


COMMENT_LIMIT = 60_000  # GitHub refuses a comment body over 65,536 characters


def _bounded(lines: list[str], changes: list[Change], old: Side, new: Side) -> str:
    """The comment, cut after a whole change line when it is longer than COMMENT_LIMIT. Then
    what needs approval comes first, so that no cut can hide it, and the last sentence says how
    many changes were left out and how to see them all."""
    text = "\n".join(lines)
    if len(text) <= COMMENT_LIMIT:
        return text
    approvals = [c for c in changes if c.needs_approval]
    by_plan: dict[str, list[Change]] = {}
    for change in approvals:
        by_plan.setdefault(change.plan, []).append(change)
    summary = [f"- {code_span(plan)} needs approval by "
               + " and ".join(code_span(a) for a in dict.fromkeys(c.approver for c in mine))
               + f": {len(mine)} change(s)" for plan, mine in by_plan.items()]
    head = [lines[0], ""]
    if approvals:
        head += [(f"> ⚠️ **Needs approval:** {len(approvals)} change(s) in {len(by_plan)} "
                  "plan(s) cannot be proved to tighten control."), ""]
        if len("\n".join(summary)) <= COMMENT_LIMIT // 2:
            head += summary + [""]
    command = code_span(f"handbook diff --format json {old.label} {new.label}")
    total = sum(line.startswith("- ") for line in lines)
    room = COMMENT_LIMIT - len("\n".join(head)) - 400 - len(command)
    body: list[str] = []
    shown = 0
    for line in lines[2:]:
        room -= len(line) + 1
        if room < 0:
            break
        body.append(line)
        shown += line.startswith("- ")
    while body and not body[-1].startswith("- "):  # no heading left without its changes
        body.pop()
    left_out = (f"{total - shown} of {total} changes are not shown here, because GitHub refuses "
                f"a comment longer than 65,536 characters. To see every change, run {command}.")
    return "\n".join([*head, *body, "", left_out])


_JSON_HAZARD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(HAZARDS)
                                       if c >= 0x20) + "]")


def to_json(changes: list[Change]) -> str:
    """Plain text throughout: no Markdown, no HTML entities. Invisible characters (JSON itself
    escapes only C0 controls) are written as \\u escapes: the values stay exact, and a terminal
    that shows the output is sent no control sequence."""
    return json_text([c.as_json() for c in changes])


def json_text(items: list[dict]) -> str:
    """The JSON output of a list of changes (and notes), invisible characters as escapes."""
    text = json.dumps(items, indent=2, ensure_ascii=False, default=str)
    return _JSON_HAZARD.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def notes(side: Side) -> list[Sentence]:
    """The files of a side that were not compared, and why."""
    return [("Not compared: ", Key(name), f" ({why})") for name, why in side.skipped]


# --- over git history ----------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyChange:
    """One commit's effect on the rules, through the diff engine. A commit whose plans cannot
    be read says so (`unreadable`) instead of listing effects; `skipped` are the files it
    added that were not compared (see `notes`)."""

    change: Commit
    effects: tuple  # of diff.Change
    unreadable: Sentence | None = None
    skipped: tuple = ()  # of Sentence

    @property
    def unreadable_text(self) -> str:
        """Markdown for the handbook's pages, like `Change.text`."""
        return site(self.unreadable) if self.unreadable else ""

    @property
    def skipped_text(self) -> list[str]:
        return [site(note) for note in self.skipped]


def commit_side(plans_dir: Path, folder: str, commit: str) -> Side | SideError:
    """The plans `folder` held at `commit`, or why they cannot be read."""
    try:
        files, skipped = history.tree_files(commit, plans_dir, folder)
        return _load(files, commit, tuple(skipped))
    except HistoryError as error:
        return SideError(commit, error.file)
    except SideError as error:
        return error


_BACK = 20  # how far back, along first parents, an unreadable parent's predecessor is sought


def policy_changes(plans_dir: Path, limit: int = 20, since: str | None = None
                   ) -> list[PolicyChange]:
    """The latest commits that changed the rules, newest first; commits that only reformat a
    plan (no policy effect) are left out. Empty outside a git checkout. With `since`, the
    plans as they stood then are not compared with: what came before is not this history.
    History was never checked: a commit that cannot be read is listed as such and compared
    with nothing; the one after it is compared with the last readable one before it."""
    # First-parent history: each change is listed once, as it landed on the branch the
    # handbook is built from. A merge commit stands for its branch (compared with its first
    # parent, it shows everything the branch did) and the branch's own commits are not listed
    # again; without this, a merge whose both sides touched plans/ doubled the branch's effects.
    commits = history.log(plans_dir, since, limit=limit, first_parent_of="HEAD")
    folder = history.prefix(plans_dir)
    if commits is None or folder is None:
        return []
    in_history = history.revisions(plans_dir, since)
    sides: dict[str, Side | SideError] = {}

    def side(commit: str) -> Side | SideError:
        if commit not in sides:
            sides[commit] = commit_side(plans_dir, folder, commit)
        return sides[commit]

    def before(parent: str | None) -> Side:
        """The plans as they stood before: the parent's, else the last readable ones."""
        if parent is None or (in_history is not None and parent not in in_history):
            return Side("", {}, {})  # the first commit of this history
        if isinstance(found := side(parent), Side):
            return found
        for entry in history.log(plans_dir, since, limit=_BACK, first_parent_of=parent) or []:
            if isinstance(found := side(entry.change.commit), Side):
                return found
        return Side("", {}, {})

    found = []
    for entry in commits:
        new = side(entry.change.commit)
        if isinstance(new, SideError):
            found.append(PolicyChange(entry.change, (), _unreadable(new)))
            continue
        old = before(next(iter(entry.parents), None))
        try:
            # Questions and answers are no policy: a commit of FAQ changes only is not listed.
            effects = [c for c in diff(old, new) if c.section != "FAQ"]
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError):
            # An old commit must never stop the build: a shape the engine does not expect
            # is reported, not raised.
            found.append(PolicyChange(entry.change, (), (
                "Not readable: the plans of this commit could not be compared",)))
            continue
        skipped = tuple(note for note in notes(new) if note not in notes(old))
        if effects or skipped:
            found.append(PolicyChange(entry.change, tuple(effects), None, skipped))
    return found


def _unreadable(error: SideError) -> Sentence:
    if error.file is None:
        return ("Not readable: the plans of this commit cannot be read",)
    return ("Not readable: ", Key(error.file), " does not load, so what this commit changed "
            "cannot be shown")
