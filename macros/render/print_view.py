"""The print view of a plan: one or two A4 pages to sign off, printed by the browser itself.

Only what a signatory must see: the plan's version, tier, scope, uses, data rules, stages and
gates, pause, support and an approval block. Plan text goes through render/text.py like on every
other page; the stylesheet's `@media print` strips the site around it.
"""
from __future__ import annotations

from ..core.dates import day_words
from ..model.model import Handbook, Plan
from .fragments import Fragments
from .labels import PATTERNS, _percent, _period, written_day
from .paths import Paths
from .sentences import bound, pause_bound
from .text import cell, code, front_matter, inline, table

# The section headings a printed plan always has, in order (the print test looks for each).
SECTIONS = ("Scope", "Allowed and prohibited uses", "Data rules", "Stages and gates",
            "Pause", "Support", "Approval")


def print_title(plan: Plan) -> str:
    return f"{plan.title} — for sign-off"


def print_page(hb: Handbook, plan: Plan) -> str:
    f = Fragments(hb, Paths.print(plan.id))
    blocks = [_facts(f, hb, plan), _scope(hb, plan), _uses(f, plan), _data_rules(plan),
              _stages(f, plan), _pause(f, plan), f.support(plan) or "", _approval(hb, plan)]
    # The banners (paused, threshold crossed, overdue) as on every page of the plan: whoever
    # signs must see them on paper too.
    body = [f.banners(plan), inline(plan.summary), blocks[0]]
    for heading, block in zip(SECTIONS, blocks[1:]):
        anchor_id = heading.lower().replace(" ", "-")
        body.append(f"## {heading} {{#{anchor_id}}}\n\n"
                    f"{block or '_Not specified in this plan._'}")
    # Off the search index (the plan page answers searches). The sidebars stay on screen:
    # hiding them leaves the theme's drawer labels pointing at nothing (Nu checker errors);
    # print CSS hides them on paper.
    head = front_matter(print_title(plan), search={"exclude": True}, hide=["toc"])
    return head + f"\n# {inline(print_title(plan))}\n\n" + "\n\n".join(b for b in body if b) + "\n"


def _facts(f: Fragments, hb: Handbook, plan: Plan) -> str:
    change = plan.last_change
    version = f"Built {day_words(hb.today)}; " + (
        f"plan last changed {_day(change.date)}, version {code(change.short)}"
        if change is not None else "the plan's change history is not recorded")
    rationale = plan.get("tier_rationale")
    return table(["", ""], [
        ["Version", version],
        ["Status", cell(f.status_word(plan))],
        ["Risk tier", cell(plan.risk_tier.title()) + (f" — {inline(rationale)}" if rationale
                                                      else "")],
        ["Affects", cell(", ".join(i.replace("_", " ")
                                   for i in plan.get("impact", default=[])))],
        ["Business owner", cell(hb.name_of(plan.owner) or None)],
        ["Executive sponsor", cell(hb.name_of(plan.get("sponsor")) or None)],
        ["Review by", cell((day_words(plan.review_by) + (" — overdue for review"
                                                          if plan.review_overdue else ""))
                           if plan.review_by else None)],
    ])


def _scope(hb: Handbook, plan: Plan) -> str:
    scope = plan.get("scope", default={})
    tools = [hb.tools[t].name if t in hb.tools else t for t in scope.get("tools", [])]
    return table(["", ""], [
        ["Purpose", cell(scope.get("purpose"))],
        ["Users", cell(", ".join(hb.name_of(u) for u in scope.get("users", [])))],
        ["Tools", cell(", ".join(tools))],
        *[[label, cell("; ".join(scope.get(key, [])))]
          for label, key in (("Data sources", "data_sources"), ("Outputs", "outputs"),
                             ("Out of scope", "out_of_scope"))],
    ])


def _uses(f: Fragments, plan: Plan) -> str:
    first = plan.stages[0].name if plan.stages else None
    allowed = [[cell(u.text) + f.use_audience(plan, u, "<br>For: "),
                cell(plan.stage(u.from_stage).name if plan.stage(u.from_stage) else first)]
               for u in plan.allowed]
    never = [[cell(u.text), cell(u.reason)] for u in plan.prohibited]
    return "\n\n".join([table(["Allowed use", "From stage"], allowed) or "_No allowed uses._",
                        table(["Never", "Why"], never) or "_No prohibited uses._"])


def _data_rules(plan: Plan) -> str:
    never = plan.get("data_rules", "never_enter", default=[])
    allowed = plan.get("data_rules", "allowed", default=[])
    parts = ["**Never enter:** " + ("; ".join(inline(x) for x in never) or "_none listed_")]
    if allowed:
        parts.append("**Allowed, with conditions:** " + "; ".join(inline(x) for x in allowed))
    return "\n\n".join(parts)


def _stages(f: Fragments, plan: Plan) -> str:
    rows = []
    for s in plan.stages:
        gate = s.gate
        criteria = "<br>".join(inline(c.question) + _criterion_bound(plan, c)
                               + (" **(blocking)**" if c.blocking else "")
                               for c in gate.criteria) if gate else ""
        teams = cell(", ".join(f.hb.name_of(t) for t in s.teams))
        if s.leave:
            teams += "; access ends: " + inline(", ".join(f.hb.name_of(t) for t in s.leave))
        rows.append([f"{s.index + 1}. {inline(s.name)}",
                     cell(PATTERNS.get(s.pattern, s.pattern)), teams,
                     cell(_percent(s.access_percent)), cell(_period(s)),
                     cell(f.hb.name_of(gate.decider) if gate else "No gate"),
                     criteria or cell(None)])
    stages = table(["Stage", "Pattern", "Teams", "Access", "Dates", "Gate decided by",
                    "Gate criteria"], rows) or "_No stages._"
    return "\n\n".join(p for p in (f.end_state(plan), stages) if p)


def _criterion_bound(plan: Plan, criterion) -> str:
    """' — at most 30 %': the figure the signer agrees the gate compares (the question names
    what is measured; the stage page links the metric)."""
    monitor = plan.monitor(criterion.metric)
    said = bound(criterion.value, monitor.better, monitor.unit) if monitor else None
    return f" — {inline(said)}" if said else ""


def _trigger_bound(plan: Plan, trigger: dict) -> str:
    """' (50 % or more)': the pause value of the metric a trigger names, when it has one."""
    monitor = plan.monitor(trigger.get("metric"))
    said = pause_bound(monitor.pause_value, monitor.better, monitor.unit) if monitor else None
    return f" ({inline(said)})" if said else ""


def _pause(f: Fragments, plan: Plan) -> str:
    pause = plan.get("pause", default={})
    authority = ", ".join(f.hb.name_of(p) for p in pause.get("authority", []))
    triggers = "\n".join(f"- {inline(t['text'])}{_trigger_bound(plan, t)}"
                         for t in pause.get("triggers", []))
    return "\n\n".join(p for p in [
        f"**Who may pause:** {cell(authority)}",
        f"**Pause when:**\n\n{triggers}" if triggers else "",
        ("**Return to normal when:** " + "; ".join(inline(x) for x in pause["return_to_normal"]))
        if pause.get("return_to_normal") else ""] if p)


def _approval(hb: Handbook, plan: Plan) -> str:
    """Approver and date come from `approval` when the plan records one; else blank lines to
    fill in by hand. The signature line is always blank: it is what the paper is for."""
    approval = plan.get("approval", default={})
    who = approval.get("by")
    person = hb.people.get(who) if who else None
    approver = inline(hb.name_of(who)) + (f" ({inline(person.role)})" if person and person.role
                                          else "") if who else ""
    date = written_day(approval.get("date", ""))
    rows = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in
                   (("Approver", approver), ("Date", date), ("Signature", "")))
    return f'<table class="print-approval">{rows}</table>'


def _day(day) -> str:
    return day_words(day) if day else "on a day git cannot give"
