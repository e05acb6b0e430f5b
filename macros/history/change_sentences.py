"""Sentences for the common changes (a stage's access, a gate, a use, a person ...); any other
leaf reads "<section> › <path>: old → new" with the schema's field names.
"""
from __future__ import annotations

from functools import lru_cache

from ..core.schemas import Schemas, schemas
from ..render.labels import MODES
from .change_words import Key, Sentence, Value
from .leaves import _USE_LISTS, Item, Leaf, _shape, path_text
from .sides import _ORG_SECTIONS, _PLAN_SECTIONS, _get, _name, _Plan


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


# Over 60 lines: one ordered list of shape -> sentence cases; the first that matches wins.
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
