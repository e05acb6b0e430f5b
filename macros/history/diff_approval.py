"""Approval: what cannot be proved to tighten control needs the approval of the plan's owner of
the definitions of good. Proof comes from structured values only (numbers with `better`,
strength orders of enums, inclusion of list items); free text is never parsed, so a reworded
policy always needs approval.
"""
from __future__ import annotations

from typing import Any

from ..core.codeowners import entry as codeowners_entry
from ..core.tiers import TIERS, relaxed
from ..render.labels import MODES
from .change_words import Sentence, Value
from .diff_judgement import (BELOW, NEEDS_APPROVAL, NO_EFFECT, NOT_JUDGED, TIER_KEYS, TIGHTENS,
                             date_judgement, tier_judgement, tier_side)
from .leaves import Item, Leaf, _last_key, _shape
from .sides import _PEOPLE_KEYS, Side, _entries, _get, _name, _Names, _Plan, _rank


MODE_STRENGTH = {"spot_check": 0, "review_before_use": 1, "approval_first": 2}
CADENCE_STRENGTH = {"quarterly": 0, "monthly": 1, "weekly": 2, "daily": 3}
TOOL_OPENNESS = {"prohibited": 0, "restricted": 1, "approved": 2}  # higher: looser


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


# Over 60 lines: one ordered list of proofs that a change tightens; the first that fits wins.
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
    """The change's one judgement (macros/history/diff_judgement.py), with the reason when it needs
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
