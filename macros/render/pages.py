"""Pages: every generated page of the handbook, as Markdown keyed by its source path.

Each page kind is one function over the model; they assemble `Fragments`. Pages carry
`render_macros: false`: plan text never reaches Jinja as template source.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..dates import day_words
from ..model import Access, Handbook, Plan, Stage
from ..readiness import NO_DATA, NOT_READY, readiness
from ..rules import RULES, rule_ids
from ..schema_export import LIMITS
from ..validate import schemas
from .charts import adoption_chart, timeline_chart
from .fragments import (
    CAPTURE,
    FALLBACKS,
    FORMATS,
    MODES,
    PATTERNS,
    Fragments,
    Paths,
    _percent,
    _period,
    fields_as_code,
    use_anchor,
)
from .front import FrontDoor
from .front import involves as _involves
from .print_view import print_page
from .search import left_out, searched
from .sentences import and_list, count, plain_end, sentence, sentences, tally
from .text import (anchor, cell, code, front_matter, inline, link_or_text, markdown, table, title,
                   visible)


def _page(title: str, *blocks: str) -> str:
    body = "\n\n".join(b for b in blocks if b)
    return front_matter(title) + f"\n# {inline(title)}\n\n{body}\n"


def dated(page: str, day: dt.date) -> str:
    """A page as `_page` writes it, with the day it describes right under its h1: the build's
    day, the one every verdict on it was judged on."""
    head, h1, rest = page.partition("\n# ")
    title_line, _, body = rest.partition("\n\n")
    return f"{head}{h1}{title_line}\n\nAs of {day_words(day)}.\n\n{body}"


def _section(title: str, anchor_id: str, *blocks: str) -> str:
    body = "\n\n".join(b for b in blocks if b)
    return f"## {title} {{#{anchor_id}}}\n\n{body or '_Not specified in this plan._'}"


def _bullets(items, label=lambda x: inline(x)) -> str:
    return "\n".join(f"- {label(i)}" for i in items)


# --- plan pages ---------------------------------------------------------------------------------


def plan_page(hb: Handbook, plan: Plan) -> str:
    f = Fragments(hb, Paths.plan(plan.id))
    position = plan.position
    approval = plan.get("approval")
    facts = table(["", ""], [
        ["Status", f"**{inline(f.status_word(plan))}**"],
        ["Risk tier", cell(plan.risk_tier.title()) + (
            f" — {inline(plan.get('tier_rationale'))}" if plan.get("tier_rationale") else "")],
        ["Affects", cell(", ".join(i.replace("_", " ") for i in plan.get("impact", default=[])))],
        ["Business owner", f.person(plan.owner)],
        ["Executive sponsor", f.person(plan.get("sponsor"))],
        ["Approved", f"{f.person(approval['by'])} on {approval['date']}" if approval
         else cell(None)],
        ["Review by", cell(plan.review_by.isoformat() if plan.review_by else None)
         + (" **(overdue)**" if plan.review_overdue else "")],
        ["Last changed", f.last_change(plan)],
        ["Current stage", (f.stage_link(plan, position.stage) + " — "
                           + f.position_phrase(plan)) if position.stage else cell(None)],
        ["Next gate", (f"{f.stage_link(plan, plan.next_gate[0])}, decided by "
                       f"{f.person(plan.next_gate[1].decider)}") if plan.next_gate
         else cell(None)],
    ])
    scope = plan.get("scope", default={})
    scope_rows = [
        ["Purpose", cell(scope.get("purpose"))],
        ["Users", f.people(scope.get("users", []))],
        ["Tools", ", ".join(f.tool_link(t) for t in scope.get("tools", [])) or cell(None)],
        ["Data sources", cell("; ".join(scope.get("data_sources", [])))],
        ["Outputs", cell("; ".join(scope.get("outputs", [])))],
        ["Out of scope", cell("; ".join(scope.get("out_of_scope", [])))],
    ]
    review_rows = [[anchor(r["id"]) + cell(r["output"]), f.who(r["reviewer"]),
                    cell(_mode(r["mode"])), cell(r.get("before")),
                    cell("; ".join(r.get("checks", []))), cell(r.get("time_allowed"))]
                   for r in plan.get("review", default=[])]
    training_rows = []
    for stage in plan.stages:
        for module_id in stage.training:
            module = hb.modules.get(module_id)
            training_rows.append([f.stage_link(plan, stage), f.module_link(module_id),
                                  cell(f"{module.duration_minutes} min" if module and
                                       module.duration_minutes else None),
                                  cell(FORMATS.get(module.format, module.format) if module
                                       else None)])
    reporting = plan.get("issue_reporting", default={})
    pause = plan.get("pause", default={})
    comms_rows = [[f.message_timing(plan, c), f.people(c.get("audience", [])),
                   cell(c.get("channel")), cell(c.get("message"))]
                  for c in plan.get("communications", default=[])]
    risk_rows = [[anchor(f"risk-{r['id']}") + cell(r["risk"]), cell(r.get("mitigation")),
                  cell(r.get("contingency")), f.person(r.get("owner"))]
                 for r in plan.get("risks", default=[])]
    budget = plan.get("budget", default={})
    currency = budget.get("currency", "")
    budget_rows = []
    items = budget.get("items", [])
    for stage_id in dict.fromkeys(i.get("stage") for i in items):
        in_stage = [i for i in items if i.get("stage") == stage_id]
        label = f.stage_link(plan, plan.stage(stage_id)) if stage_id else "Whole plan"
        budget_rows += [[label, cell(i["category"]), cell(_money(i["amount"], currency))]
                        for i in in_stage]
        budget_rows.append(["", "_Stage total_", "_" + inline(_money(
            sum(i["amount"] for i in in_stage), currency)) + "_"])
    if budget_rows:
        total = sum(i["amount"] for i in items)
        stated = budget.get("total")
        check_note = (" (equals the stated total)" if stated is not None else "")
        budget_rows.append(["**Total**", "", f"**{inline(_money(total, currency))}**"
                            + check_note])
    governance = plan.get("governance", default={})
    return _page(
        plan.title,
        f.banners(plan),
        inline(plan.summary),
        facts,
        f.link("Print this plan for sign-off", Paths.print(plan.id)),
        _section("Where the rollout stands", "status", status(f, plan)),
        _section("What you may do now", "now",
                 f.allowed_now(plan),
                 "**Never, at any stage:**\n\n" + _bullets(u.text for u in plan.prohibited),
                 "**Never enter into the tool:**\n\n" + f.never_enter(plan)),
        _section("Scope", "scope", table(["", ""], scope_rows)),
        _section("Allowed and prohibited uses", "uses", f.allowed_uses(plan),
                 f.prohibited_uses(plan)),
        _section("Data rules", "data-rules",
                 "**Never enter:**\n\n" + f.never_enter(plan),
                 ("**Allowed, with conditions:**\n\n" +
                  _bullets(plan.get("data_rules", "allowed", default=[])))
                 if plan.get("data_rules", "allowed") else ""),
        _section("Human review", "review", table(
            ["Output", "Reviewer", "Mode", "Before", "Checks", "Time allowed"], review_rows)),
        _section("Training", "training", table(["Stage", "Required module", "Length", "Format"],
                                               training_rows)),
        _section("Stages", "stages", f.end_state(plan), f.stages_table(plan)),
        _section("Gate decisions", "decisions", f.decisions(plan)),
        _section("Support", "support", f.support(plan)),
        _section("Reporting an issue", "issue-reporting",
                 f"Report in **{inline(reporting['channel'])}**; triaged by "
                 f"{f.person(reporting.get('triage_owner'))}." if reporting else "",
                 ("Say in your report:\n\n" + _bullets(reporting.get("capture", []),
                                                       lambda c: inline(CAPTURE.get(c, c))))
                 if reporting.get("capture") else ""),
        _section("Escalation paths", "escalation", f.escalation(plan)),
        _section("Monitoring", "monitoring", f.monitoring(plan), *[
            f"### {inline(m.metric)} {{#chart-{m.id}-section}}\n\n" + f.measurements(plan, m)
            for m in plan.monitors if plan.series(m.id)]),
        _section("Pause and fallback", "pause",
                 ("**Who may pause:** " + f.people(pause.get("authority", [])))
                 if pause.get("authority") else "",
                 table(["Trigger", "Metric"], [
                     [anchor(f"trigger-{t['id']}") + cell(t["text"]),
                      f.metric_link(plan, t["metric"]) if t.get("metric") else cell(None)]
                     for t in pause.get("triggers", [])]),
                 ("**Fallbacks when paused:**\n\n" + _bullets(
                     pause["fallbacks"], lambda x: inline(FALLBACKS.get(x, x))))
                 if pause.get("fallbacks") else "",
                 ("**Return to normal when:**\n\n" + _bullets(pause["return_to_normal"]))
                 if pause.get("return_to_normal") else "", f.pause_history(plan)),
        _section("Communications", "communications",
                 table(["When", "Audience", "Channel", "Message"], comms_rows)),
        _section("Risks", "risks", table(["Risk", "Mitigation", "Contingency", "Owner"],
                                         risk_rows)),
        _section("Budget", "budget", table(["Stage", "Category", "Amount"], budget_rows)),
        _section("Governance", "governance",
                 (f"**Who may change the definitions of good** (targets, thresholds, what counts "
                  f"as a good output): {f.person(governance.get('definition_owner'))}")
                 if governance.get("definition_owner") else "",
                 f"**How:** {inline(governance['change_process'])}"
                 if governance.get("change_process") else ""),
    )


def status(f: Fragments, plan: Plan) -> str:
    """Where the rollout stands and why: derived from dates, decisions and measurements."""
    position = plan.position
    lines = []
    if position.stage is not None:
        when = f.position_phrase(plan, with_label=False)
        if position.state == "complete":
            when = "the last stage, ended" + (f" on {position.since}" if position.since else "")
        lines.append(sentence(f"**{inline(position.label)}:** "
                              f"{f.stage_link(plan, position.stage)}"
                              + ("," if position.state in ("not_started", "complete") and when
                                 else "")
                              + (f" {when}" if when else "")))
    if position.decision is not None:
        d = position.decision
        rationale = inline(plain_end(d.rationale))
        lines.append(sentence(f"Last gate decision: **{inline(d.outcome)}** on {d.date} by "
                              f"{f.person(d.by)}" + (f" — {rationale}" if rationale else "")))
    if plan.next_gate:
        stage, gate = plan.next_gate
        gate_link = f.link("the gate of " + stage.name, Paths.stage(plan.id, stage.id), "gate")
        lines.append(sentence(f"Next gate: {gate_link}, decided by {f.person(gate.decider)}"))
        lines.append(evidence_summary(plan, stage))
    timeline = timeline_chart(plan)
    adoption = adoption_chart(plan)
    return "\n\n".join([" ".join(lines)]
                        + ([f'<div class="chart-figure">{timeline}</div>'] if timeline else [])
                        + ([f'<div class="chart-figure">{adoption}</div>'] if adoption else []))


def evidence_summary(plan: Plan, stage: Stage) -> str:
    """The gate's criteria, three-valued: '2 met, 1 not met, 1 with no data yet'."""
    evidence = [plan.evidence(c, stage) for c in stage.gate.criteria] if stage.gate else []
    if not evidence:
        return "The gate has no criteria."
    verdicts = [e.verdict for e in evidence]
    blocking = sum(e.criterion.blocking and e.verdict == "not_met" for e in evidence)
    counts = tally([(verdicts.count("met"), "met"), (verdicts.count("not_met"), "not met"),
                    (verdicts.count("no_data"), "with no data yet"),
                    (verdicts.count("stale"), "with no current data (stale)"),
                    (verdicts.count("judged"), "judged by the decider")])
    measured = verdicts.count("met") + verdicts.count("not_met")
    return sentences(
        f"**{count(blocking, 'blocking criterion', 'blocking criteria')} not met.**"
        if blocking else "",
        f"Criteria so far: {counts}",
        "" if measured or not {"no_data", "stale"} & set(verdicts) else
        "No measurements yet — nothing can be judged" if "stale" not in verdicts else
        "No current measurements — nothing can be judged")


def stage_page(hb: Handbook, plan: Plan, stage: Stage) -> str:
    f = Fragments(hb, Paths.stage(plan.id, stage.id))
    reach = plan.grants_through(stage)
    facts = table(["", ""], [
        ["Plan", f.plan_link(plan)],
        ["State", f.stage_state(plan, stage)],
        ["Pattern", cell(PATTERNS.get(stage.pattern, stage.pattern))],
        ["Teams that join", f.people(stage.teams)],
        *([["Teams whose access ends", f.people(stage.leave)]] if stage.leave else []),
        ["People added at this stage", f.stage_headcount(stage)],
        *([["Named for access", f.people(stage.people)]] if stage.people else []),
        ["Who has access during this stage",
         f.holders(Access(plan.today, stage, reach)) or cell(None)],
        ["Access (cumulative share of users)", cell(_percent(stage.access_percent))],
        ["Adoption target", cell(_percent(stage.adoption_target_percent))],
        ["Planned dates", cell(_period(stage))],
    ])
    training = _bullets(stage.training, f.module_link) or "_No training required at this stage._"
    return _page(
        f"Stage {stage.index + 1}: {stage.name}",
        f.banners(plan),
        facts,
        _section("Training before access", "training", training),
        _section("Allowed uses at this stage", "uses", f.allowed_uses(plan, stage)),
        _section("Never, at any stage", "never", f.prohibited_uses(plan),
                 "**Never enter into the tool:**\n\n" + f.never_enter(plan)),
        _section("Checklist", "checklist", f.checklist(plan, stage)),
        _section("Gate", "gate", f.gate(plan, stage)),
        _section("Decision", "decision", f.decisions(plan, stage) or (
            "_No decision yet._" if stage.gate else
            "_This stage has no gate, so no decision is taken at it._")),
    )


def readiness_page(hb: Handbook, plan: Plan) -> str:
    f = Fragments(hb, Paths.readiness(plan.id))
    verdicts = readiness(plan, hb)
    blocks = []
    for source in dict.fromkeys(v.source for v in verdicts):
        rows = [[cell(v.area), f"**{v.label}**", fields_as_code(v.reason) or cell(None)]
                for v in verdicts if v.source == source]
        blocks.append(f"## {inline(source)}\n\n" + table(["Area", "Verdict", "Why"], rows))
    not_ready = sum(v.state == NOT_READY for v in verdicts)
    no_data = sum(v.state == NO_DATA for v in verdicts)
    parts = ([f"{not_ready} {'is' if not_ready == 1 else 'are'} not ready"] if not_ready
             else []) + ([f"{no_data} {'has' if no_data == 1 else 'have'} no data yet"]
                         if no_data else [])
    summary = (f"**Of {count(len(verdicts), 'area', 'areas')}, {and_list(parts)}.**"
               if parts else "**Every area is ready enough.**")
    return _page(f"Readiness: {plan.title}", f.banners(plan),
                 f"{summary} Judged from {f.plan_link(plan)} itself — its content, its gate "
                 f"decisions and its measurements — in proportion to its "
                 f"{inline(plan.risk_tier)} risk tier.", *blocks)


# --- training -----------------------------------------------------------------------------------


def module_page(hb: Handbook, module_id: str) -> str:
    f = Fragments(hb, Paths.module(module_id))
    module = hb.modules[module_id]
    origin = (f"Part of {f.plan_link(hb.plans[module.plan_id])}." if module.plan_id in hb.plans
              else "For the whole organisation.")
    objectives = ("## Objectives {#objectives}\n\n" + _bullets(module.objectives)
                  if module.objectives else "")
    content = ("## Content {#content}\n\n" + markdown(module.content)) if module.content else ""
    return _page(module.title, origin, f.module_facts(module), objectives, content)


def training_index(hb: Handbook) -> str:
    f = Fragments(hb, Paths.training)
    by_audience: dict[str, list[str]] = defaultdict(list)
    for module in hb.modules.values():
        for who in module.audience or ("everyone",):
            by_audience[who].append(module.id)
    blocks = []
    for who in sorted(by_audience, key=lambda w: hb.name_of(w).lower()):
        rows = [[f.module_link(m), cell(f"{hb.modules[m].duration_minutes} min"
                                        if hb.modules[m].duration_minutes else None),
                 cell(FORMATS.get(hb.modules[m].format, hb.modules[m].format)),
                 "Yes" if hb.modules[m].required_before_access else "No"]
                for m in by_audience[who]]
        title = "Everyone" if who == "everyone" else inline(hb.name_of(who))
        blocks.append(f"## {title} {{#{who}}}\n\n" +
                      table(["Module", "Length", "Format", "Before access"], rows))
    return _page("Training", "Every training module, by audience.", *blocks)


# --- cross-plan indexes ---------------------------------------------------------------------------


def reviews_page(hb: Handbook) -> str:
    """Every plan by review date, overdue first: nobody can miss an expired plan."""
    f = Fragments(hb, Paths.reviews)
    rows = []
    for plan in sorted(hb.plans.values(), key=lambda p: (p.review_by is None,
                                                          p.review_by or hb.today, p.id)):
        due = plan.review_by
        if due is None:
            state = "No review date"
        elif plan.review_overdue:
            state = f"**Overdue** by {(hb.today - due).days} days"
        elif (due - hb.today).days <= 30:
            state = f"Due in {(due - hb.today).days} days"
        else:
            state = "Scheduled"
        rows.append([f.plan_link(plan), cell(due.isoformat() if due else None), state,
                     f.person_with_contact(plan.owner) if plan.owner else cell(None),
                     f.last_change(plan)])
    return _page("Plan reviews", "Every plan must be reviewed by its owner before its review "
                 "date. Overdue plans carry a banner on every page until they are reviewed.",
                 table(["Plan", "Review by", "State", "Owner", "Last changed"], rows)
                 or "_No plans yet._")


def changes_page(hb: Handbook) -> str:
    """Recent policy changes across plans, newest first, in the diff engine's words."""
    f = Fragments(hb, Paths.changes)
    blocks = []
    for entry in hb.changelog:
        # Commits no check saw: everything from them is data (see diff.site and text.visible).
        c = entry.change
        lines = [f"## {c.day} — {inline(visible(c.subject))} {{#commit-{c.short}}}", "",
                 f"Commit `{c.short}` by {inline(visible(c.author))}.", ""]
        if entry.unreadable:
            lines.append(f"- {entry.unreadable_text}")
        for effect in entry.effects:
            plan = hb.plans.get(effect.plan)
            name = f.plan_link(plan) if plan else code(effect.plan)
            flag = (f"⚠️ **Needed approval by {inline(visible(effect.approver))}** "
                    f"({effect.reason_text}): " if effect.needs_approval else "")
            lines.append(f"- {name} — {effect.section}: {flag}{effect.text}")
        lines += [f"- {note}" for note in entry.skipped_text]
        blocks.append("\n".join(lines))
    return _page("Recent policy changes",
                 "What each recent change to the plans did to the rules, newest first. A change "
                 "that could not be shown to tighten control needed the approval of the plan's "
                 "owner of the definitions of good.",
                 *blocks or ["_No history: the handbook was built outside a git checkout, or no "
                             "plan has changed yet._"])


def plans_index(hb: Handbook) -> str:
    return _page("Plans", Fragments(hb, Paths.plans).plans_table())


def uses_page(hb: Handbook) -> str:
    f = Fragments(hb, Paths.uses)
    prohibited, allowed = [], []
    for plan in hb.plans.values():
        for use in plan.prohibited:
            prohibited.append([anchor(use_anchor(plan.id, use.id)) + f"**{inline(use.text)}**",
                               f.plan_link(plan, use.id), cell(use.reason)])
        for use in plan.allowed:
            stage = plan.stage(use.from_stage) or (plan.stages[0] if plan.stages else None)
            if use in plan.allowed_now:
                in_force = f.use_in_force(plan, use)
            elif plan.paused and use in plan.uses_at(plan.position.stage):
                in_force = f.use_while_paused(plan)
            elif use in plan.access.uses:  # in force, but its audience has no access today
                in_force = f"No: it is for {f.people_and(use.audience)}, who have no access today"
            else:
                in_force = "Not yet" if plan.in_force else "No"
            allowed.append([anchor(use_anchor(plan.id, use.id)) + cell(use.text),
                            f.plan_link(plan, use.id), f.stage_link(plan, stage), in_force,
                            cell(use.example)])
    return _page(
        "Can I use AI for this?",
        "Every allowed and prohibited use across all plans. Search for your task, or scan the "
        "lists. Each use has a permanent link: its plan and use ids.",
        "## Not listed? {#not-listed}\n\n" + f.not_listed(),
        "## Never allowed {#prohibited}\n\n" + (table(["Use", "Plan", "Why"], prohibited)
                                                 or "_None._"),
        "## Allowed {#allowed}\n\n" + (table(["Use", "Plan", "From stage", "Allowed today",
                                               "Example"], allowed) or "_None._"),
    )


def tools_page(hb: Handbook) -> str:
    return _page("AI tools", "The tool inventory. Only **approved** tools may be used for work "
                 "under a plan; **prohibited** tools must not be used at all.",
                 Fragments(hb, Paths.tools).tools_table())


def contacts_page(hb: Handbook) -> str:
    f = Fragments(hb, Paths.contacts)
    roles = hb.roles

    def role_list(ref: str) -> str:
        held = [f"{inline(role)}" + (f" — {f.plan_link(plan)}" if plan else "")
                for plan, role in roles.get(ref, [])]
        return "<br>".join(held) or cell(None)

    people = [[anchor(p.id) + f"**{inline(p.name)}**", cell(p.role),
               link_or_text(p.contact, f"mailto:{p.contact}" if "@" in p.contact else p.contact)
               if p.contact else cell(None), role_list(p.id)] for p in hb.people.values()]
    teams = [[f.who(t.id), cell(t.headcount), f.person(t.lead), role_list(t.id)]
             for t in hb.teams.values()]
    return _page("Contacts", "Everyone named in a plan, with the roles they hold.",
                 "## People {#people}\n\n" + table(["Name", "Role", "Contact", "Holds"], people),
                 "## Teams {#teams}\n\n" + table(["Team", "People", "Lead", "Holds"], teams))


def team_page(hb: Handbook, team_id: str) -> str:
    """What applies to me: one team, across every plan. The front door: four one-line answers
    for today first, the rules for everyone, then the blocks the answers link to."""
    f = Fragments(hb, Paths.team(team_id))
    door = FrontDoor(hb, f, team_id)
    intro = (f"Everything that applies to **{inline(hb.teams[team_id].name)}**, across every AI "
             "rollout plan. New to the team? Start here.")
    if not door.plans:  # the rules for everyone still apply: the page is never a dead end
        intro += "\n\n_No rollout plan gives your team more yet; these rules apply to you._"
    return _page(hb.teams[team_id].name, intro, door.answers(), f.rules_for_everyone(),
                 *door.blocks())


def teams_index(hb: Handbook) -> str:
    f = Fragments(hb, Paths.teams)
    rows = [[f.who(t.id), cell(t.headcount), f.person(t.lead),
             ", ".join(f.plan_link(p) for p in hb.plans.values() if _involves(p, t.id))
             or cell(None)] for t in hb.teams.values()]
    return _page("Teams", "Pick your team to see what applies to you.",
                 table(["Team", "People", "Lead", "Plans"], rows))


# --- the whole handbook -----------------------------------------------------------------------


def reference_page() -> str:
    """The plan format for editors, generated from schema/ (never written by hand)."""
    s = schemas()

    def type_of(rules: dict) -> str:
        kind = rules.get("type", "")
        sub = rules.get("schema")
        if kind == "list" and isinstance(sub, dict):
            inner = sub.get("schema")
            return f"list of {inner}" if isinstance(inner, str) else f"list of {type_of(sub)}"
        if kind == "dict" and isinstance(sub, str):
            return sub
        return {"slug": "id", "dict": "mapping", "outputs": "all, or list of text"}.get(kind, kind)

    def rows(fields: dict, prefix: str = "") -> list[list[str]]:
        out = []
        for name, rules in fields.items():
            meta = rules.get("meta") or {}
            allowed = ", ".join(map(str, rules.get("allowed", [])))
            sub = rules.get("schema")
            if rules.get("type") == "list" and isinstance(sub, dict) and "allowed" in sub:
                allowed = ", ".join(map(str, sub["allowed"]))
            bounds = [f"{word} {rules[key]}" for key, word in (("min", "at least"),
                                                              ("max", "at most")) if key in rules]
            out.append([f"`{prefix}{name}`", cell(type_of(rules)),
                        "yes" if rules.get("required") else "",
                        cell("; ".join(filter(None, [allowed] + bounds)) or None),
                        cell(meta.get("tiers")), cell(meta.get("description"))])
            if rules.get("type") == "dict" and isinstance(sub, dict):
                out += rows(sub, f"{prefix}{name}.")
        return out

    headers = ["Key", "Type", "Required", "Allowed values", "Tier requirement", "Description"]
    blocks = ["## A plan file {#plan}\n\n`plans/<plan-id>.yaml`\n\n" + table(headers, rows(s.plan)),
              "## The organisation file {#org}\n\n`plans/_org.yaml`\n\n"
              + table(headers, rows(s.org))]
    for name, part in sorted(s.parts.items()):
        blocks.append(f"### {name} {{#{name}}}\n\n" + table(headers, rows(part)))
    blocks.append(rules_reference())
    blocks.append(editor_schema_limits())
    return _page(
        "Plan format reference",
        "Every key of the plan format (version 1), generated from the schema that the check "
        "uses. *id* means lowercase letters, digits and single hyphens; dates are written "
        "YYYY-MM-DD. Measurements live beside a plan in `plans/<plan-id>.measurements.csv` "
        "with the columns `date,metric,value` and an optional `note`.",
        *blocks[:2], "## Parts {#parts}\n\nThe entries that lists and sections above are "
        "made of.", *blocks[2:])


def rules_reference() -> str:
    """Every rule of the check and the fields it reads: free text is shown, never read."""
    rows = []
    for rule in RULES:
        doc = " ".join((rule.__doc__ or "").split())
        rows.append([", ".join(f"`{i}`" for i in rule_ids(rule)), cell(doc),
                     cell("; ".join(getattr(rule, "reads", ())))])
    return ("## Rules and the fields they read {#rules}\n\nBeyond the shape above, the check "
            "applies these rules. Each reads only ids, dates, numbers, enumerations and whether "
            "a key is present: the words of a text field are shown to people and never decide "
            "an error, a warning, a verdict or a diff.\n\n"
            + table(["Rule", "What it checks", "Fields it reads"], rows))


def editor_schema_limits() -> str:
    """What the editor schema (JSON Schema) cannot state, so only `handbook check` finds it."""
    rows = [[", ".join(f"`{r}`" for r in limit.rules), cell(limit.reason)]  # ids: our slugs
            for limit in LIMITS]
    return ("## What the editor schema cannot check {#editor-schema}\n\nThe editor schema "
            "(`schema/plan.schema.json`, written by `handbook schema --write`) holds the shape "
            "above and every rule a JSON Schema can state, so an editor such as VS Code marks "
            "most mistakes as you type. It cannot state these; only `handbook check` finds "
            "them, and warnings, too, come only from the check.\n\n"
            + table(["Rules", "Why the editor schema cannot check it"], rows))


def all_pages(hb: Handbook) -> dict[str, str]:
    """Every generated page, by source path."""
    pages = {
        Paths.plans: plans_index(hb),
        Paths.uses: uses_page(hb),
        Paths.tools: tools_page(hb),
        Paths.contacts: contacts_page(hb),
        Paths.training: training_index(hb),
        Paths.teams: teams_index(hb),
        Paths.reference: reference_page(),
        Paths.reviews: reviews_page(hb),
        Paths.changes: changes_page(hb),
    }
    for plan in hb.plans.values():
        pages[Paths.plan(plan.id)] = plan_page(hb, plan)
        for stage in plan.stages:
            pages[Paths.stage(plan.id, stage.id)] = stage_page(hb, plan, stage)
        pages[Paths.readiness(plan.id)] = readiness_page(hb, plan)
        pages[Paths.print(plan.id)] = print_page(hb, plan)
    for module_id in hb.modules:
        pages[Paths.module(module_id)] = module_page(hb, module_id)
    for team_id in hb.teams:
        pages[Paths.team(team_id)] = team_page(hb, team_id)
    return {path: searched(path, dated(page, hb.today)) for path, page in pages.items()}


def navigation(hb: Handbook) -> list:
    """The generated part of the nav: plans > plan > stages, then the cross-plan pages.
    Titles are plan text as plain text (`title`); the theme overrides escape them."""
    plans = [{"All plans": Paths.plans}]
    for plan in hb.plans.values():
        plans.append({title(plan.title): [{"Overview": Paths.plan(plan.id)}] + [
            {title(f"{s.index + 1}. {s.name}"): Paths.stage(plan.id, s.id)} for s in plan.stages]
            + [{"Readiness": Paths.readiness(plan.id)}]})
    return [
        {"Plans": plans},
        {"Can I use AI for this?": Paths.uses},
        {"Teams": [{"All teams": Paths.teams}] + [{title(t.name): Paths.team(t.id)}
                                                 for t in hb.teams.values()]},
        {"Training": [{"All modules": Paths.training}] + [{title(m.title): Paths.module(m.id)}
                                                         for m in hb.modules.values()]},
        {"AI tools": Paths.tools},
        {"Contacts": Paths.contacts},
        {"Plan reviews": Paths.reviews},
        {"Recent policy changes": Paths.changes},
        {"Plan format reference": Paths.reference},
    ]


def _mode(mode: str) -> str:
    return MODES.get(mode, mode)


def _money(amount: float, currency: str) -> str:
    return f"{amount:,.0f} {currency}".strip() if amount == int(amount) else \
        f"{amount:,.2f} {currency}".strip()


def errors_page(diagnostics) -> str:
    """Shown by `make serve` while a plan is broken; the build refuses to publish instead."""
    rows = [[cell(f"{d.file}:{d.line}:{d.column}"), cell(d.severity), cell(d.message),
             cell(d.hint), cell(d.rule)] for d in diagnostics]
    return left_out(_page("Plan errors",
                 '!!! danger "The plans have errors"\n    Nothing new is published until they '
                 "are fixed. The rest of this preview shows the last good version.",
                 table(["Where", "Severity", "Problem", "How to fix", "Rule"], rows)))
