"""The FAQ on pages: /faq/ (every question), a plan's section, a team's `#faq` block.

Each question is a heading of its own with a stable id (`Entry.anchor`), so the site's search
indexes it as its own entry, titled by the question. Beside the answer, the status of every use
or tool it links is read from the plan model on the page's day (the same facts /uses/ and the
tool inventory show), never from the answer: an answer cannot contradict the policy it explains.
"""
from __future__ import annotations

from ..core.dates import day_words
from ..model.faq import Entry
from ..model.model import Handbook, Plan
from ..model.parts import Use
from .fragments import Fragments
from .paths import Paths
from .text import cell, inline, markdown_block

TOOL_STATUS = {"approved": "**Approved**", "restricted": "**Restricted**: only on its "
               "conditions", "prohibited": "**Prohibited**: must not be used at all"}


def faq_page(hb: Handbook) -> str:
    """Every question: those for everyone first, then each plan's under its title."""
    f = Fragments(hb, Paths.faq)
    parts = []
    everyone = [e for e in hb.faq if e.plan_id is None]
    if everyone:
        parts.append("## For everyone {#faq-everyone}\n\n"
                     + "\n\n".join(entry(f, e) for e in everyone))
    for plan in hb.plans.values():
        mine = [e for e in hb.faq if e.plan_id == plan.id]
        if mine:
            parts.append(f"## {inline(plan.title)} {{#faq-plan-{plan.id}}}\n\n"
                         + "\n\n".join(entry(f, e) for e in mine))
    return "\n\n".join(parts) or "_No questions yet._"


def plan_faq(f: Fragments, plan: Plan) -> str:
    """The plan page's section, or '' when the plan has no questions: each question once, as a
    link to its answer on /faq/ (the answers in full would double a page staff read first)."""
    mine = [e for e in f.hb.faq if e.plan_id == plan.id]
    if not mine:
        return ""
    return "## Questions and answers {#faq}\n\n" + "\n".join(
        f"- {f.link(e.question, Paths.faq, e.anchor)}"
        + (" — **New**" if e.is_new(f.hb.today) else "") for e in mine)


def team_faq(f: Fragments, team_id: str) -> str:
    """The team page's `#faq` block: the questions whose audience names the team, or ''."""
    mine = [e for e in f.hb.faq if e.for_audience(team_id)]
    if not mine:
        return ""
    return ("## Questions and answers {#faq}\n\n"
            + "\n\n".join(entry(f, e, team_id) for e in mine))


def entry(f: Fragments, e: Entry, team: str | None = None) -> str:
    """One question: its heading, whether it is new, the status of what it links, the answer
    and where to go next."""
    hb = f.hb
    new = "**New** · " if e.is_new(hb.today) else ""
    plan = hb.plans.get(e.plan_id) if e.plan_id else None
    about = f" · about {f.plan_link(plan)}" if plan and f.page != Paths.plan(plan.id) else ""
    staged = hb.plans.get(e.stage[0]) if e.stage else None
    if staged and staged.stage(e.stage[1]):
        about += f" · stage {f.stage_link(staged, staged.stage(e.stage[1]))}"
    lines = [f"- {status_line(f, *found, team)}" for found in _uses(hb, e.uses)]
    lines += [f"- {f.link(hb.tools[t].name, Paths.tools, t)}: "
              + TOOL_STATUS.get(hb.tools[t].status, cell(None))
              + (", " + f.only_plan_users(hb.tools[t]) if hb.tools[t].plan_users_only else "")
              for t in e.tools if t in hb.tools]
    more = [_escalation(f, plan_id, path_id) for plan_id, path_id in e.escalation
            if plan_id in hb.plans]
    more += [f"training: {f.module_link(m)}" for m in e.training if m in hb.modules]
    if e.data_rules:
        more.append(f.link("data rules", Paths.plan(plan.id), "data-rules") if plan else
                    f.link("what never to enter", Paths.home, "everyone-never"))
    return "\n\n".join(part for part in (
        f"### {inline(e.question)} {{#{e.anchor}}}",
        f"_{new}Added {day_words(e.added)}{about}_",
        "**What this is about, today:**\n\n" + "\n".join(lines) if lines else "",
        markdown_block(e.answer),
        ("**See also:** " + "; ".join(more)) if more else "") if part)


def _uses(hb: Handbook, refs) -> list[tuple[Plan, Use]]:
    found = []
    for plan_id, use_id in refs:
        plan = hb.plans.get(plan_id)
        use = next((u for u in plan.uses if u.id == use_id), None) if plan else None
        if use is not None:
            found.append((plan, use))
    return found


def _escalation(f: Fragments, plan_id: str, path_id: str) -> str:
    plan = f.hb.plans[plan_id]
    path = next((p for p in plan.get("escalation", default=[]) if p.get("id") == path_id), {})
    return "if it happens: " + f.link(path.get("when") or path_id, Paths.plan(plan_id), path_id)


def status_line(f: Fragments, plan: Plan, use: Use, team: str | None = None) -> str:
    """A linked use as the plan gives it on the page's day: allowed (for whom, since which
    stage), paused, not yet, or prohibited. On a team's page, for that team."""
    name = f"{inline(use.text)} ({f.plan_link(plan, use.id)})"
    if not use.allowed:
        return f"{name}: **Prohibited**"
    since = plan.stage(use.from_stage) or (plan.stages[0] if plan.stages else None)
    if team is not None:  # since the later of the use's stage and the team's first stage
        joined = next((s for s in plan.stages if team in s.teams), None)
        since = joined if joined and since and joined.index > since.index else since
    after = f", since {f.stage_link(plan, since)}" if since else ""
    if team is not None and use in plan.allowed_for(team):
        return f"{name}: **Allowed for your team**{after}"
    if use in plan.allowed_now and team is None:
        who = f.use_in_force(plan, use).removeprefix("Yes").removeprefix(",")  # " for …"
        return f"{name}: **Allowed today**{who}{after}"
    if plan.paused and use in plan.uses_at(plan.position.stage):
        return f"{name}: **{f.use_while_paused(plan)}**"
    if use in plan.allowed_now or use in plan.access.uses:
        if team is None:
            return (f"{name}: **Not allowed today**: it is for {f.people_and(use.audience)}, "
                    "who have no access today")
        joined = plan.joins_at(team)  # the next stage that gives the team access, if any
        left = plan.left_at(team)
        return f"{name}: **Not for your team today**" + (
            f": your team joins at {f.stage_link(plan, joined)}" if joined else
            f": your team's access ended at {f.stage_link(plan, left)}" if left else "")
    if plan.position.state == "stopped" or plan.status in ("draft", "retired"):
        return f"{name}: **Not allowed**: the plan is " + (
            "stopped" if plan.position.state == "stopped" else plan.status)
    return f"{name}: **Not yet allowed**" + (
        f": from {f.stage_link(plan, since)}" if since else "")
