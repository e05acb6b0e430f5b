"""Pages: every generated page of the handbook, as Markdown keyed by its source path.

Each page kind is one function over the model; they assemble `Fragments`. Pages carry
`render_macros: false`: plan text never reaches Jinja as template source.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..core.dates import day_words
from ..model.model import Handbook, Plan
from ..model.parts import Access, Stage
from ..model.readiness import NO_DATA, NOT_READY, readiness
from ..core.rules import RULES
from ..core.rules.base import rule_ids
from ..core.schema_limits import LIMITS
from ..core.schemas import schemas
from .definitions import definitions_reference
from .fragments import Fragments
from .labels import FORMATS, PATTERNS, _percent, _period, fields_as_code
from .paths import Paths, use_anchor
from .front import FrontDoor
from .front import involves as _involves
from .messages import timeline
from .page import bullets, dated, page, section
from .search import left_out
from .sentences import and_list, count
from .text import anchor, cell, code, inline, link_or_text, markdown, table, visible


# --- plan pages ---------------------------------------------------------------------------------


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
    training = bullets(stage.training, f.module_link) or "_No training required at this stage._"
    return page(
        f"Stage {stage.index + 1}: {stage.name}",
        f.banners(plan),
        facts,
        section("Training before access", "training", training),
        section("Allowed uses at this stage", "uses", f.allowed_uses(plan, stage)),
        section("Never, at any stage", "never", f.prohibited_uses(plan),
                 "**Never enter into the tool:**\n\n" + f.never_enter(plan)),
        section("Checklist", "checklist", f.checklist(plan, stage)),
        section("Gate", "gate", f.gate(plan, stage)),
        section("Decision", "decision", f.decisions(plan, stage) or (
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
    return page(f"Readiness: {plan.title}", f.banners(plan),
                 f"{summary} Judged from {f.plan_link(plan)} itself — its content, its gate "
                 f"decisions and its measurements — in proportion to its "
                 f"{inline(plan.risk_tier)} risk tier.", *blocks)


# --- training -----------------------------------------------------------------------------------


def module_page(hb: Handbook, module_id: str) -> str:
    f = Fragments(hb, Paths.module(module_id))
    module = hb.modules[module_id]
    origin = (f"Part of {f.plan_link(hb.plans[module.plan_id])}." if module.plan_id in hb.plans
              else "For the whole organisation.")
    objectives = ("## Objectives {#objectives}\n\n" + bullets(module.objectives)
                  if module.objectives else "")
    content = ("## Content {#content}\n\n" + markdown(module.content)) if module.content else ""
    return page(module.title, origin, f.module_facts(module), objectives, content)


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
    return page("Training", "Every training module, by audience.", *blocks)


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
        rows.append([f.plan_link(plan), cell(day_words(due) if due else None), state,
                     f.person_with_contact(plan.owner) if plan.owner else cell(None),
                     f.last_change(plan)])
    return page("Plan reviews", "Every plan must be reviewed by its owner before its review "
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
    return page("Recent policy changes",
                 "What each recent change to the plans did to the rules, newest first. A change "
                 "that could not be shown to tighten control needed the approval of the plan's "
                 "owner of the definitions of good.",
                 *blocks or ["_No history: the handbook was built outside a git checkout, or no "
                             "plan has changed yet._"])


def governance_page(hb: Handbook) -> str:
    """Governance's tables, off the staff's way: every plan with its tier and review date,
    every plan against the readiness areas, and where the change log and reviews are."""
    f = Fragments(hb, Paths.governance)
    return page(
        "Governance", "For the people who keep the plans: where each rollout stands, whether "
        "it is ready, when it must be reviewed and what changed. Staff read their "
        + f.link("team's page", Paths.teams) + ".",
        "## Rollout plans {#plans}\n\n" + f.plans_table(),
        "## Readiness {#readiness}\n\nEach plan judged against the rollout checklist and the "
        "production-readiness list, from its own content and evidence, in proportion to its risk "
        "tier. ✔ ready enough; ✘ not ready, with the reason; *no data yet* where the evidence "
        "does not exist yet.\n\n" + f.readiness_matrix(),
        "## Reviews and changes {#more}\n\n" + bullets([
            f.link("Plan reviews", Paths.reviews) + ": every plan by its review date",
            f.link("Recent policy changes", Paths.changes) + ": what each change did to the rules",
            f.link("Definitions of good", Paths.definitions) + ": every target, pause value, "
            "gate criterion and review check, and how long each has held",
            f.link("Plan format reference", Paths.reference) + ": every key and every rule of the "
            "check"], str), search={"exclude": True})


def plans_index(hb: Handbook) -> str:
    return page("Plans", Fragments(hb, Paths.plans).plans_table())


def uses_page(hb: Handbook) -> str:
    f = Fragments(hb, Paths.uses)
    prohibited, allowed = [], []
    for plan in hb.plans.values():
        for use in plan.prohibited:
            prohibited.append([anchor(use_anchor(plan.id, use.id)) + f"**{inline(use.text)}**",
                               f.plan_link(plan, use.id), cell(use.reason)])
        for use in plan.allowed:
            stage = plan.stage(use.from_stage) or (plan.stages[0] if plan.stages else None)
            in_force = f.use_today(plan, use)
            allowed.append([anchor(use_anchor(plan.id, use.id)) + cell(use.text),
                            f.plan_link(plan, use.id), f.stage_link(plan, stage), in_force,
                            cell(use.example)])
    return page(
        "Can I use AI for this?",
        "Every allowed and prohibited use across all plans. Search for your task, or scan the "
        "lists. Each use has a permanent link.",
        "## Not listed? {#not-listed}\n\n" + f.not_listed(),
        "## Never allowed {#prohibited}\n\n" + (table(["Use", "Plan", "Why"], prohibited)
                                                 or "_None._"),
        "## Allowed {#allowed}\n\n" + (table(["Use", "Plan", "From stage", "Allowed today",
                                               "Example"], allowed) or "_None._"),
    )


def tools_page(hb: Handbook) -> str:
    return page("AI tools", "The tool inventory. Only **approved** tools may be used for work "
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
    return page("Contacts", "Everyone named in a plan, with the roles they hold.",
                 "## People {#people}\n\n" + table(["Name", "Role", "Contact", "Holds"], people),
                 "## Teams {#teams}\n\n" + table(["Team", "People", "Lead", "Holds"], teams))


def team_page(hb: Handbook, team_id: str) -> str:
    """What applies to me: one team, across every plan. The front door: four one-line answers
    for today first, the rules for everyone, then the blocks the answers link to."""
    f = Fragments(hb, Paths.team(team_id))
    door = FrontDoor(hb, f, team_id)
    intro = f"What applies to **{inline(hb.teams[team_id].name)}** today, across every AI plan."
    if not door.plans:  # the rules for everyone still apply: the page is never a dead end
        intro += "\n\n_No rollout plan gives your team more yet; these rules apply to you._"
    return page(hb.teams[team_id].name, intro, door.answers(), f.rules_for_everyone(),
                 *door.blocks())


def communications_page(hb: Handbook) -> str:
    """What you will hear, and when: every plan's planned messages by date or stage."""
    f = Fragments(hb, Paths.communications)
    return page("What you will hear, and when", "The messages each rollout plan will send, "
                "to whom and how, soonest first: dated ones on their day, the others before "
                "the stage they announce or at each gate decision.", *timeline(hb, f))


def teams_index(hb: Handbook) -> str:
    f = Fragments(hb, Paths.teams)
    rows = [[f.who(t.id), cell(t.headcount), f.person(t.lead),
             ", ".join(f.plan_link(p) for p in hb.plans.values() if _involves(p, t.id))
             or cell(None)] for t in hb.teams.values()]
    return page("Teams", "Pick your team to see what applies to you.",
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
    blocks.append(definitions_reference())
    blocks.append(editor_schema_limits())
    return page(
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


def errors_page(diagnostics, day: dt.date) -> str:
    """Shown by `make serve` while a plan is broken; the build refuses to publish instead.
    Dated: the check judged the plans on that day ('after today', 'overdue')."""
    rows = [[cell(f"{d.file}:{d.line}:{d.column}"), cell(d.severity), cell(d.message),
             cell(d.hint), cell(d.rule)] for d in diagnostics]
    return left_out(dated(page("Plan errors",
                               '!!! danger "The plans have errors"\n    Nothing new is published '
                               "until they are fixed. The rest of this preview shows the last "
                               "good version.",
                               table(["Where", "Severity", "Problem", "How to fix", "Rule"],
                                     rows)), day))
