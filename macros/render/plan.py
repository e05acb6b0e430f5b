"""A plan's pages for staff and for governance: the plan page, summary first, and its evidence
page (measurements, decisions, risks, budget, communications, who owns the definitions).

The plan page answers what a member of staff came for on its first screen — what the plan is,
who has it now, what they may and must never do, who helps, what comes next — then the blocks
those lines link to. Nothing is said twice: monitoring data and governance's tables live on the
evidence page only. Ids that used to mark sections of the plan page stay on it, where a line
points to the page that now holds what they marked.
"""
from __future__ import annotations

from ..model.model import Handbook, Plan
from ..model.parts import Stage
from .charts import adoption_chart, timeline_chart
from .definitions import plan_definitions
from .drift_words import has_usual_range, usual_range_block
from ..core.dates import day_near, day_words
from .fragments import Fragments
from .labels import CAPTURE, FALLBACKS, FORMATS, MODES, continues_while_paused, written_day
from .paths import Paths
from .front import _few, next_step, uses_in_force
from .faq import plan_faq
from .help import plan_help
from .page import bullets, page, section
from .sentences import capitalised, count, plain_end, sentence, sentences, tally
from .text import anchor, attr, cell, inline, table

# Ids of sections that moved to the evidence page; kept on the plan page (public contract).
MOVED = ("monitoring", "decisions", "communications", "risks", "budget", "governance")


# --- the plan page ------------------------------------------------------------------------------


def plan_page(hb: Handbook, plan: Plan) -> str:
    f = Fragments(hb, Paths.plan(plan.id))
    # No table of contents beside the page: the summary is its contents, and the column it
    # frees lets the tables below read in full rows (a phone never shows one anyway).
    return page(
        plan.title,
        f.banners(plan),
        inline(plan.summary),
        summary(f, plan),
        facts(f, plan),
        section("What you may do now", "now", *may(f, plan)),
        section("What you must never do", "data-rules", *never(f, plan)),
        section("What you must review", "review", review(f, plan)),
        section("Training", "training", training(hb, f, plan)),
        section("Help and support", "support", f.support(plan), plan_help(f, plan)),
        plan_faq(f, plan),
        section("Reporting an issue", "issue-reporting", *reporting(f, plan)),
        section("Escalation paths", "escalation", escalation(f, plan)),
        section("Stages", "stages", anchor("status") + status(f, plan), f.end_state(plan),
                f.stages_table(plan)),
        section("Pause and fallback", "pause", *pause(f, plan)),
        section("Scope", "scope", scope(f, plan)),
        section("Evidence and governance", "monitoring", moved(f, plan)),
        hide=["toc"],
    )


def summary(f: Fragments, plan: Plan) -> str:
    """Five one-line answers, each linking to its block below."""
    lines = [("Who has it now", who_has_it(f, plan), "stages"),
             ("You may", may_line(f, plan), "now"),
             ("Never", never_line(plan), "data-rules"),
             ("Who helps", help_line(f, plan), "support"),
             ("What comes next", sentence(capitalised(next_step(f, plan))), "stages")]
    return "\n".join(f"- [**{label}**](#{anchor_id}): {text}" for label, text, anchor_id in lines)


def who_has_it(f: Fragments, plan: Plan) -> str:
    if plan.paused:
        if not continues_while_paused(plan):
            return "Nobody: the rollout is paused."
        who = f.holders(plan.access)
        return sentence(capitalised(who or "those who had access")
                        + ", only on the conditions of the pause notice above")
    if plan.position.state == "stopped":
        return "Nobody: the rollout was stopped."
    if plan.status in ("draft", "retired"):
        return f"Nobody: the plan is {'a draft' if plan.status == 'draft' else 'retired'}."
    access = plan.access
    if access.stage is None:
        first = plan.stages[0] if plan.stages else None
        return sentence("Nobody yet" + (f"; the rollout starts with {f.stage_link(plan, first)}"
                                        + (f", planned from {day_near(first.start, plan.today)}"
                                           if first.start else "") if first else ""))
    who = f.holders(access)
    return sentence((capitalised(who) if who else "No stage names who")
                    + f", at {f.stage_link(plan, access.stage)}")


def may_line(f: Fragments, plan: Plan) -> str:
    if plan.paused:
        return ("Only what the pause notice above allows, on its conditions." if continues_while_paused(plan)
                else "Nothing while the rollout is paused.")
    if not uses_in_force(plan):
        return "Nothing under this plan today."
    uses = [inline(plain_end(u.text)) for u in plan.allowed_now]
    return sentence(capitalised(_few(uses))) if uses else "Nothing at this stage yet."


def never_line(plan: Plan) -> str:
    enter = plan.get("data_rules", "never_enter", default=[])
    parts = [_few([inline(plain_end(u.text)) for u in plan.prohibited], "or"),
             ("enter " + _few([inline(plain_end(i)) for i in enter], "or")) if enter else ""]
    said = "; never ".join(p for p in parts if p)
    return sentence(capitalised(said)) if said else "Nothing listed beyond the rules for everyone."


def help_line(f: Fragments, plan: Plan) -> str:
    support = plan.get("support", default={})
    tiers = sorted(support.get("tiers", []), key=lambda t: t["level"])
    first = tiers[0] if tiers else {}
    where = [inline(plain_end(c)) for c in first.get("channels", [])]
    where += [f.person(c) for c in first.get("contacts", [])]
    reporting = plan.get("issue_reporting", default={})
    parts = [("ask in " + _few(where, "or")) if where else "",
             f"support owner {f.person(support['owner'])}" if support.get("owner") else "",
             f"report a problem in {inline(plain_end(reporting['channel']))}"
             if reporting.get("channel") else ""]
    said = "; ".join(p for p in parts if p)
    return sentence(capitalised(said)) if said else "Ask the plan's owner, " \
        + f.person(plan.owner) + "."


def facts(f: Fragments, plan: Plan) -> str:
    """Only what staff need to trust the page: its status, owner, approval and last change."""
    approval = plan.get("approval")
    rows = table(["", ""], [
        ["Status", f"**{inline(f.status_word(plan))}**"],
        ["Owner", f.person_with_contact(plan.owner) if plan.owner else cell(None)],
        ["Approved", f"{f.person(approval['by'])} on {written_day(approval['date'])}" if approval
         else cell(None)],
        ["Last changed", f.last_change(plan)],
    ])
    more = " · ".join([f.link("Print this plan for sign-off", Paths.print(plan.id)),
                       f.link("Evidence and governance", Paths.evidence(plan.id)),
                       f.link("Readiness", Paths.readiness(plan.id))])
    return rows + "\n\n" + more


def may(f: Fragments, plan: Plan) -> list[str]:
    """What is allowed today, then what later stages add: each use once, with its id."""
    now = f.allowed_now(plan)
    listed = {u.id for u in plan.allowed_now} if uses_in_force(plan) else set()
    later = [u for u in plan.allowed if u.id not in listed]
    rows = [[anchor(u.id) + cell(u.text) + f.use_audience(plan, u, "<br>For: "),
             cell(u.example), f.stage_link(plan, plan.stage(u.from_stage) or
                                           (plan.stages[0] if plan.stages else None)),
             f.use_today(plan, u)] for u in later]
    lead = "**The plan's other uses:**" if listed else "**The plan's uses:**"
    return [anchor("uses") + now,
            (lead + "\n\n" + table(["Use", "Example", "From stage", "Allowed today"], rows))
            if rows else ""]


def never(f: Fragments, plan: Plan) -> list[str]:
    """Prohibited uses, then the data rules: what never to enter, and the data that may be
    used only on its conditions (the section keeps the data rules' old id)."""
    data = plan.get("data_rules", "allowed", default=[])
    return [f.prohibited_uses(plan), "**Never enter into the tool:**\n\n" + f.never_enter(plan),
            ("**Data you may use, only on these conditions:**\n\n" + bullets(data))
            if data else "",
            sentence("The " + f.link("rules for everyone", Paths.home, "everyone")
                     + " apply too")]


def review(f: Fragments, plan: Plan) -> str:
    """Each output to review, as a few lines: who, how and when, then what they check."""
    items = []
    for r in plan.get("review", default=[]):
        how = inline(MODES.get(r["mode"], r["mode"])).lower() + (
            f", {inline(r['time_allowed'])}" if r.get("time_allowed") else "")
        before = f" — before: {inline(plain_end(r['before']))}" if r.get("before") else ""
        checks = "; ".join(inline(plain_end(c)) for c in r.get("checks", []))
        items.append(f"- {anchor(r['id'])}**{inline(r['output'])}**: {f.who(r['reviewer'])}, "
                     f"{how}{before}." + (f"<br>Checks: {checks}." if checks else ""))
    return "\n".join(items)


def training(hb: Handbook, f: Fragments, plan: Plan) -> str:
    """Each module once, with the stages that require it before access."""
    stages: dict[str, list[Stage]] = {}
    for stage in plan.stages:
        for module_id in stage.training:
            stages.setdefault(module_id, []).append(stage)
    rows = []
    for module_id, at in stages.items():
        module = hb.modules.get(module_id)
        rows.append([f.module_link(module_id),
                     cell(f"{module.duration_minutes} min" if module and module.duration_minutes
                          else None),
                     cell(FORMATS.get(module.format, module.format) if module else None),
                     _from(f, plan, at)])
    return table(["Module", "Length", "Format", "Before access"], rows)


def _from(f: Fragments, plan: Plan, stages: list[Stage]) -> str:
    """'From Wave 1 on' when every stage from the first that requires a module does; else
    the stages, named."""
    first = stages[0]
    if [s.index for s in stages] == list(range(first.index, len(plan.stages))):
        return f"At {f.stage_link(plan, first)}" + (" and every later stage"
                                                     if len(stages) > 1 else "")
    return "At " + ", ".join(f.stage_link(plan, s) for s in stages)


def reporting(f: Fragments, plan: Plan) -> list[str]:
    reports = plan.get("issue_reporting", default={})
    if not reports:
        return []
    return [f"Report in **{inline(reports['channel'])}**; triaged by "
            f"{f.person(reports.get('triage_owner'))}.",
            sentence("Say in your report: " + "; ".join(
                inline(plain_end(CAPTURE.get(c, c))).lower() for c in reports["capture"]))
            if reports.get("capture") else ""]


def escalation(f: Fragments, plan: Plan) -> str:
    """Each path once, as numbered steps: who, how to reach them, within what time, what
    they do. Readable on a phone and by a screen reader."""
    parts = []
    for path in plan.get("escalation", default=[]):
        steps = [f"{n}. {f.contact(s['contact'])}"
                 + (f" — within {inline(s['within'])}" if s.get("within") else "")
                 + (f": {inline(s['action'])}" if s.get("action") else "")
                 for n, s in enumerate(path.get("steps", []), 1)]
        parts.append(f"### {inline(path['when'])} {{#{path['id']}}}\n\n"
                     + ("\n".join(steps) or "_No steps._"))
    return "\n\n".join(parts) or "_No escalation paths._"


def pause(f: Fragments, plan: Plan) -> list[str]:
    rules = plan.get("pause", default={})
    return [("**Who may pause:** " + f.people(rules.get("authority", [])))
            if rules.get("authority") else "",
            table(["Trigger", "Metric"], [
                [anchor(f"trigger-{t['id']}") + cell(t["text"]),
                 f.metric_link(plan, t["metric"]) if t.get("metric") else cell(None)]
                for t in rules.get("triggers", [])]),
            sentence("**Fallbacks when paused:** " + "; ".join(
                inline(plain_end(FALLBACKS.get(x, x))) for x in rules["fallbacks"]))
            if rules.get("fallbacks") else "",
            sentence("**Return to normal when:** " + "; ".join(
                inline(plain_end(x)) for x in rules["return_to_normal"]))
            if rules.get("return_to_normal") else ""]


def scope(f: Fragments, plan: Plan) -> str:
    scope = plan.get("scope", default={})
    return table(["", ""], [
        ["Purpose", cell(scope.get("purpose"))],
        ["Users", f.people(scope.get("users", []))],
        ["Tools", ", ".join(f.tool_link(t) for t in scope.get("tools", [])) or cell(None)],
        ["Data sources", cell("; ".join(scope.get("data_sources", [])))],
        ["Outputs", cell("; ".join(scope.get("outputs", [])))],
        ["Out of scope", cell("; ".join(scope.get("out_of_scope", [])))],
    ])


def moved(f: Fragments, plan: Plan) -> str:
    """Where the sections that moved went; their old ids (and each metric's and risk's) land
    here, so a link made before the move still reaches a line that leads on."""
    kept = [*MOVED[1:], *(f"metric-{m.id}" for m in plan.monitors),
            *(f"chart-{m.id}-section" for m in plan.monitors),
            *(f"risk-{r['id']}" for r in plan.get("risks", default=[]))]
    spans = "".join(f'<span id="{attr(i)}"></span>' for i in kept)
    return spans + sentence(
        "Measurements and their charts, gate decisions, communications, risks, budget and "
        "who may change the definitions of good are on "
        + f.link("the plan's evidence page", Paths.evidence(plan.id)))


def status(f: Fragments, plan: Plan) -> str:
    """Where the rollout stands and why: derived from dates, decisions and measurements. The
    timeline chart is on the evidence page: here the stages table says the same."""
    position = plan.position
    lines = []
    if position.stage is not None:
        when = f.position_phrase(plan, with_label=False)
        if position.state == "complete":
            when = "the last stage, ended" + (f" on {day_words(position.since)}"
                                              if position.since else "")
        lines.append(sentence(f"**{inline(position.label)}:** "
                              f"{f.stage_link(plan, position.stage)}"
                              + ("," if position.state in ("not_started", "complete") and when
                                 else "")
                              + (f" {when}" if when else "")))
    if position.decision is not None:
        d = position.decision
        rationale = inline(plain_end(d.rationale))
        lines.append(sentence(f"Last gate decision: **{inline(d.outcome)}** on "
                              f"{day_words(d.date)} by {f.person(d.by)}"
                              + (f" — {rationale}" if rationale else "")))
    if plan.next_gate:
        stage, gate = plan.next_gate
        gate_link = f.link("the gate of " + stage.name, Paths.stage(plan.id, stage.id), "gate")
        lines.append(sentence(f"Next gate: {gate_link}, decided by {f.person(gate.decider)}"))
        lines.append(evidence_summary(plan, stage))
    return " ".join(lines)


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


# --- the evidence page --------------------------------------------------------------------------


def evidence_page(hb: Handbook, plan: Plan) -> str:
    """Governance's view of one plan: why its tier, what the measurements say (one chart per
    metric, its readings folded), the decisions taken, the risks, budget and messages."""
    f = Fragments(hb, Paths.evidence(plan.id))
    governance = plan.get("governance", default={})
    return page(
        f"Evidence: {plan.title}",
        f.banners(plan),
        sentence("What stands behind " + f.plan_link(plan) + ": its risk tier, its "
                 "measurements and decisions, its risks, budget and planned messages. "
                 "Readiness against the rollout checklist is on "
                 + f.link("its readiness page", Paths.readiness(plan.id))),
        governance_facts(f, plan),
        section("Monitoring", "monitoring", _charts(plan), f.monitoring(plan),
                *[f"### {inline(m.metric)} {{#chart-{m.id}-section}}\n\n"
                  + "\n\n".join(filter(None, (usual_range_block(plan, m, f.person),
                                               f.measurements(plan, m))))
                  for m in plan.monitors if plan.series(m.id) or has_usual_range(m)]),
        section("Gate decisions", "decisions", f.decisions(plan) or "_No decision yet._"),
        section("Pauses", "pauses", f.pause_history(plan)
                or "_No pause recorded._"),
        section("Communications", "communications", table(
            ["When", "Audience", "Channel", "Message"],
            [[f.message_timing(plan, c), f.people(c.get("audience", [])), cell(c.get("channel")),
              cell(c.get("message"))] for c in plan.get("communications", default=[])])),
        section("Risks", "risks", table(
            ["Risk", "Mitigation", "Contingency", "Owner"],
            [[anchor(f"risk-{r['id']}") + cell(r["risk"]), cell(r.get("mitigation")),
              cell(r.get("contingency")), f.person(r.get("owner"))]
             for r in plan.get("risks", default=[])])),
        section("Budget", "budget", budget(f, plan)),
        section("Who may change the definitions of good", "governance",
                (f"**Owner of the definitions** (targets, thresholds, what counts as a good "
                 f"output): {f.person(governance.get('definition_owner'))}")
                if governance.get("definition_owner") else "",
                f"**How:** {inline(governance['change_process'])}"
                if governance.get("change_process") else "", plan_definitions(f, hb, plan)),
    )


def governance_facts(f: Fragments, plan: Plan) -> str:
    """The facts governance reads and staff do not need on the plan page."""
    position = plan.position
    return table(["", ""], [
        ["Risk tier", cell(plan.risk_tier.title()) + (
            f" — {inline(plan.get('tier_rationale'))}" if plan.get("tier_rationale") else "")],
        ["Affects", cell(", ".join(i.replace("_", " ") for i in plan.get("impact", default=[])))],
        ["Executive sponsor", f.person(plan.get("sponsor"))],
        ["Review by", cell(day_words(plan.review_by) if plan.review_by else None)
         + (" **(overdue)**" if plan.review_overdue else "")],
        ["Current stage", (f.stage_link(plan, position.stage) + " — "
                           + f.position_phrase(plan)) if position.stage else cell(None)],
        ["Next gate", (f"{f.stage_link(plan, plan.next_gate[0])}, decided by "
                       f"{f.person(plan.next_gate[1].decider)}") if plan.next_gate
         else cell(None)],
    ])


def _charts(plan: Plan) -> str:
    """The stages over time and adoption against its targets (the plan page has the table)."""
    charts = [c for c in (timeline_chart(plan), adoption_chart(plan)) if c]
    return "\n\n".join(f'<div class="chart-figure">{c}</div>' for c in charts)


def budget(f: Fragments, plan: Plan) -> str:
    spend = plan.get("budget", default={})
    currency = spend.get("currency", "")
    items = spend.get("items", [])
    rows = []
    for stage_id in dict.fromkeys(i.get("stage") for i in items):
        in_stage = [i for i in items if i.get("stage") == stage_id]
        label = f.stage_link(plan, plan.stage(stage_id)) if stage_id else "Whole plan"
        rows += [[label, cell(i["category"]), cell(money(i["amount"], currency))]
                 for i in in_stage]
        rows.append(["", "_Stage total_", "_" + inline(money(
            sum(i["amount"] for i in in_stage), currency)) + "_"])
    if rows:
        total = inline(money(sum(i["amount"] for i in items), currency))
        stated = " (equals the stated total)" if spend.get("total") is not None else ""
        rows.append(["**Total**", "", f"**{total}**{stated}"])
    return table(["Stage", "Category", "Amount"], rows)


def money(amount: float, currency: str) -> str:
    return f"{amount:,.0f} {currency}".strip() if amount == int(amount) else \
        f"{amount:,.2f} {currency}".strip()
