"""The one judgement every change of `handbook diff` carries, and the tier's part in it.

needs approval    structured values cannot prove that it tightens control (diff._approval)
tightens          structured values prove that it tightens control
no policy effect  provably changes nothing the rules read: a rename, a reference that follows
                  one, a new order of a list whose order means nothing
not judged        anything else: text (never parsed), or a value whose direction the format
                  does not give; a person reviews it by hand

The tier is policy: the tier whose requirements apply (`risk_tier`) and the tier the impact
implies (rule 6, `tiers.implied_tier`, the same function the impact-tier check reads) are
computed for each side. A `tier_rationale` or an impact that lets the new side stay below its
implied tier needs approval, as does an impact removed so that the implied tier falls.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..core.tiers import TIERS, implied_tier, requirements

NEEDS_APPROVAL = "needs-approval"
TIGHTENS = "tightens"
NO_EFFECT = "no-policy-effect"
NOT_JUDGED = "not-judged"
JUDGEMENTS = (NEEDS_APPROVAL, TIGHTENS, NO_EFFECT, NOT_JUDGED)
# How each judgement reads in a comment or a terminal.
WORDS = {NEEDS_APPROVAL: "needs approval", TIGHTENS: "tightens", NO_EFFECT: "no policy effect",
         NOT_JUDGED: "not judged, review by hand"}
TIER_KEYS = ("impact", "tier_rationale")  # risk_tier is judged with the tier table's order

# What a tier judgement rests on, for the words of the reason.
BELOW, FLOOR_LOWERED = "below", "floor-lowered"


@dataclass(frozen=True)
class TierSide:
    """One side's tier facts."""

    applied: str  # the tier whose requirements apply (an unknown tier is held to the lowest)
    implied: str  # the lowest tier the impact allows without a tier_rationale
    rationale: bool  # whether a tier_rationale is given (what it says is never read)

    @property
    def below(self) -> bool:
        return TIERS.index(self.applied) < TIERS.index(self.implied)


def tier_side(plan: Any) -> TierSide:
    plan = plan if isinstance(plan, dict) else {}
    return TierSide(requirements(plan.get("risk_tier")).tier, implied_tier(plan.get("impact")),
                    bool(plan.get("tier_rationale")))


def _rank(impact: Any) -> int:
    """The tier rank one impact (or a list of them) implies on its own."""
    return TIERS.index(implied_tier(impact if isinstance(impact, list) else [impact]))


def tier_judgement(key: str, old: Any, new: Any, old_plan: Any, new_plan: Any
                   ) -> tuple[str, str | None]:
    """The judgement of a change to `impact` (an item, or the whole value) or `tier_rationale`,
    and what an approval rests on (BELOW, FLOOR_LOWERED) or None."""
    before, after = tier_side(old_plan), tier_side(new_plan)
    if key == "tier_rationale":
        if new is not None:  # added or rewritten: text that lets the tier stay low is policy
            return (NEEDS_APPROVAL, BELOW) if after.below else (NO_EFFECT, None)
        return (TIGHTENS, None) if after.below else (NO_EFFECT, None)
    removed = _rank(old) if old is not None else 0
    added = _rank(new) if new is not None else 0
    if removed > TIERS.index(after.implied):
        return NEEDS_APPROVAL, FLOOR_LOWERED
    if added > TIERS.index(after.applied):
        return NEEDS_APPROVAL, BELOW
    if added > TIERS.index(before.implied):
        return TIGHTENS, None
    return NO_EFFECT, None


def date_judgement(old: Any, new: Any) -> str:
    """A stage's start or end moved later (a delay) tightens: the model opens a stage at its
    start or its gate's decision, whichever is later, so no one gets access sooner. Moved
    earlier, added or removed: not judged (access may come sooner)."""
    if isinstance(old, (dt.date, str)) and isinstance(new, (dt.date, str)):
        try:
            if dt.date.fromisoformat(str(new)) > dt.date.fromisoformat(str(old)):
                return TIGHTENS
        except ValueError:
            pass
    return NOT_JUDGED
