"""The site map: every generated page and how to make it, and the nav of the generated part.

A page maker takes the handbook it is to read (render/incremental.py hands it a watched one,
to note what the page reads) and looks its own plan up there.
"""
from __future__ import annotations

from functools import partial
from typing import Callable

from ..model.model import Handbook, Plan
from .faq import faq_page
from .page import page
from .pages import (changes_page, communications_page, contacts_page, governance_page,
                    module_page, plans_index, readiness_page, reference_page, reviews_page,
                    stage_page, team_page, teams_index, tools_page, training_index, uses_page)
from .definitions import definitions_page
from .paths import Paths
from .plan import evidence_page, plan_page
from .print_view import print_page
from .text import title


def page_makers(hb: Handbook) -> dict[str, Callable[[Handbook], str]]:
    """How to make every generated page, by source path: each maker takes the handbook it is
    to read (render/incremental.py watches what it reads) and looks its own plan up there."""
    makers: dict[str, Callable[[Handbook], str]] = {
        Paths.plans: plans_index,
        Paths.uses: uses_page,
        Paths.tools: tools_page,
        Paths.contacts: contacts_page,
        Paths.training: training_index,
        Paths.teams: teams_index,
        Paths.reference: lambda _hb: reference_page(),
        Paths.reviews: reviews_page,
        Paths.governance: governance_page,
        Paths.definitions: definitions_page,
        Paths.changes: changes_page,
        Paths.communications: communications_page,
        Paths.faq: lambda hb: page(
            "Questions and answers", "What staff ask about AI here, answered. Beside each "
            "answer, the status today of every use and tool it is about, from the plans "
            "themselves.", faq_page(hb)),
    }
    for plan in hb.plans.values():
        makers.update(plan_pages(plan))
    for module_id in hb.modules:
        makers[Paths.module(module_id)] = partial(_swapped, module_page, module_id)
    for team_id in hb.teams:
        makers[Paths.team(team_id)] = partial(_swapped, team_page, team_id)
    return makers


def plan_pages(plan: Plan) -> dict[str, Callable[[Handbook], str]]:
    """A plan's own pages (overview, stages, evidence, readiness, print view) and their makers."""
    return {
        Paths.plan(plan.id): partial(_of_plan, plan_page, plan.id),
        **{Paths.stage(plan.id, stage.id): partial(_of_stage, plan.id, stage.index)
           for stage in plan.stages},
        Paths.evidence(plan.id): partial(_of_plan, evidence_page, plan.id),
        Paths.readiness(plan.id): partial(_of_plan, readiness_page, plan.id),
        Paths.print(plan.id): partial(_of_plan, print_page, plan.id),
    }


def _of_plan(make: Callable[[Handbook, Plan], str], plan_id: str, hb: Handbook) -> str:
    return make(hb, hb.plans[plan_id])


def _of_stage(plan_id: str, index: int, hb: Handbook) -> str:
    plan = hb.plans[plan_id]
    return stage_page(hb, plan, plan.stages[index])


def _swapped(make: Callable[[Handbook, str], str], key: str, hb: Handbook) -> str:
    return make(hb, key)


def navigation(hb: Handbook) -> list:
    """The generated part of the nav: plans > plan > stages, then the cross-plan pages.
    Titles are plan text as plain text (`title`); the theme overrides escape them."""
    plans = [{"All plans": Paths.plans}]
    for plan in hb.plans.values():
        plans.append({title(plan.title): [{"Overview": Paths.plan(plan.id)}] + [
            {title(f"{s.index + 1}. {s.name}"): Paths.stage(plan.id, s.id)} for s in plan.stages]
            + [{"Evidence": Paths.evidence(plan.id)}, {"Readiness": Paths.readiness(plan.id)}]})
    return [
        {"Plans": plans},
        {"Can I use AI for this?": Paths.uses},
        {"Questions and answers": Paths.faq},
        {"What you will hear": Paths.communications},
        {"Teams": [{"All teams": Paths.teams}] + [{title(t.name): Paths.team(t.id)}
                                                 for t in hb.teams.values()]},
        {"Training": [{"All modules": Paths.training}] + [{title(m.title): Paths.module(m.id)}
                                                         for m in hb.modules.values()]},
        {"AI tools": Paths.tools},
        {"Contacts": Paths.contacts},
        {"Governance": [{"Overview": Paths.governance}, {"Plan reviews": Paths.reviews},
                        {"Recent policy changes": Paths.changes},
                        {"Definitions of good": Paths.definitions},
                        {"Plan format reference": Paths.reference}]},
    ]
