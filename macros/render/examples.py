"""Examples: ids from whatever plans exist, for the macro guide's live examples.

The guide is a page the tool provides; it must work for any organisation's plans, so it never
names a plan itself. It asks for the richest plan (one with stages, gates, checklists and an
escalation path) and shows each macro called with that plan's real ids.
"""
from __future__ import annotations

from ..model.model import Handbook, Plan


def _richness(plan: Plan) -> tuple:
    return (sum(1 for s in plan.stages if s.gate), sum(len(s.checklist) for s in plan.stages),
            len(plan.get("escalation", default=[])), len(plan.stages), plan.id)


def examples(handbook: Handbook) -> dict[str, str | None]:
    """plan, stage (with a checklist), gated (a stage with a gate), path, module and team ids."""
    plans = sorted(handbook.plans.values(), key=_richness, reverse=True)
    plan = plans[0] if plans else None
    stages = plan.stages if plan else ()
    paths = [p["id"] for p in plan.get("escalation", default=[])] if plan else []
    module = next((m for s in stages for m in s.training), None) or next(iter(handbook.modules),
                                                                         None)
    return {
        "plan": plan.id if plan else None,
        "stage": next((s.id for s in stages if s.checklist), stages[0].id if stages else None),
        "gated": next((s.id for s in stages if s.gate), None),
        "path": paths[0] if paths else None,
        "module": module,
        "team": next(iter(plan.users), None) if plan else next(iter(handbook.teams), None),
    }
