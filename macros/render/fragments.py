"""Fragments: the Markdown pieces that generated pages and hand-written pages (macros) share.

A `Fragments` is bound to the handbook and to the page it writes into, so that every link it
makes is relative to that page and checked by MkDocs under --strict.
"""
from __future__ import annotations

import posixpath

from ..model import Handbook, Module, Plan, Stage
from ..readiness import PRODUCTION, readiness
from .charts import metric_chart
from .diagram import escalation_svg
from .text import anchor, cell, inline, link_or_text, markdown, table

MODES = {
    "spot_check": "Spot check after use",
    "review_before_use": "Review before use",
    "approval_first": "Approval before any action",
}
CAPTURE = {
    "what_happened": "What happened",
    "use_case": "Which use case it was",
    "output_used": "Whether the output was used",
    "anyone_affected": "Whether anyone was affected",
    "correction": "What was corrected",
}
FALLBACKS = {
    "manual_work": "Return to manual work",
    "extra_review": "Add extra review of every output",
    "limit_to_trained": "Limit use to trained staff",
    "remove_sensitive_data": "Remove sensitive data from inputs",
    "pause_expansion": "Pause further expansion",
}
TOPICS = {
    "purpose": "Purpose", "limits": "Limits", "data_rules": "Data rules", "review": "Review",
    "escalation": "Escalation", "issue_reporting": "Issue reporting",
    "overreliance": "Overreliance", "ai_literacy": "AI literacy",
}
FORMATS = {"live": "Live session", "self_paced": "Self-paced", "peer_led": "Peer-led",
           "one_to_one": "One-to-one"}
PATTERNS = {
    "limited_pilot": "Limited pilot", "low_risk_task": "Low-risk task", "department": "Department",
    "read_only": "Read-only", "approval_first": "Approval-first", "wave": "Wave", "full": "Full",
}
STATUS = {"draft": "Draft", "approved": "Approved", "active": "Active", "paused": "Paused",
          "retired": "Retired"}


class Paths:
    """Source paths of generated pages: the stable URLs are built from ids, never titles."""

    home = "index.md"
    plans = "plans/index.md"
    uses = "uses.md"
    tools = "tools.md"
    contacts = "contacts.md"
    training = "training/index.md"
    teams = "teams/index.md"
    reference = "reference.md"
    reviews = "reviews.md"
    changes = "changes.md"

    @staticmethod
    def plan(plan_id: str) -> str:
        return f"plans/{plan_id}/index.md"

    @staticmethod
    def stage(plan_id: str, stage_id: str) -> str:
        return f"plans/{plan_id}/stages/{stage_id}.md"

    @staticmethod
    def readiness(plan_id: str) -> str:
        return f"plans/{plan_id}/readiness.md"

    @staticmethod
    def module(module_id: str) -> str:
        return f"training/{module_id}.md"

    @staticmethod
    def team(team_id: str) -> str:
        return f"teams/{team_id}.md"


def use_anchor(plan_id: str, use_id: str) -> str:
    # Slugs never contain "--", so plan "a-b" + use "c" cannot collide with plan "a" + use "b-c".
    return f"{plan_id}--{use_id}"


class Fragments:
    def __init__(self, handbook: Handbook, page: str):
        self.hb = handbook
        self.page = page

    # --- links ---------------------------------------------------------------------------------

    def href(self, target: str, fragment: str = "") -> str:
        rel = posixpath.relpath(target, posixpath.dirname(self.page) or ".")
        return rel + (f"#{fragment}" if fragment else "")

    def link(self, label: object, target: str, fragment: str = "") -> str:
        return f"[{inline(label)}]({self.href(target, fragment)})"

    def plan_link(self, plan: Plan, fragment: str = "") -> str:
        return self.link(plan.title, Paths.plan(plan.id), fragment)

    def stage_link(self, plan: Plan, stage: Stage | None) -> str:
        if stage is None:
            return cell(None)
        return self.link(stage.name, Paths.stage(plan.id, stage.id))

    def module_link(self, module_id: str) -> str:
        module = self.hb.modules.get(module_id)
        return self.link(module.title if module else module_id, Paths.module(module_id))

    def person(self, ref: str | None) -> str:
        if not ref:
            return cell(None)
        return self.link(self.hb.name_of(ref), Paths.contacts, ref)

    def who(self, ref: str | None) -> str:
        """A person or team: teams link to their page, people to the contacts page."""
        if ref in self.hb.teams:
            return self.link(self.hb.teams[ref].name, Paths.team(ref))
        return self.person(ref)

    def people(self, refs) -> str:
        return ", ".join(self.who(r) for r in refs) or cell(None)

    def person_with_contact(self, ref: str) -> str:
        person = self.hb.people.get(ref)
        out = self.person(ref)
        if person and person.role:
            out += f" ({inline(person.role)})"
        if person and person.contact:
            contact = person.contact
            url = f"mailto:{contact}" if "@" in contact and ":" not in contact else contact
            out += " — " + link_or_text(contact, url)
        return out

    def last_change(self, plan: Plan) -> str:
        change = plan.last_change
        if change is None:
            return "_not recorded (no git history)_"
        return (f"{change.date} in commit `{change.short}` by {inline(change.author)}: "
                f"{inline(change.subject)}")

    # --- banners -------------------------------------------------------------------------------

    def banners(self, plan: Plan) -> str:
        """What must be impossible to miss on every page of a plan."""
        out = [self.breach_banner(plan, b) for b in plan.breaches]
        if plan.paused:
            fallbacks = [FALLBACKS.get(f, f) for f in plan.get("pause", "fallbacks", default=[])]
            text = "Use under this plan is **paused**."
            if fallbacks:
                text += " In force instead: " + "; ".join(inline(f) for f in fallbacks) + "."
            text += " Who may lift the pause: " + self.people(plan.get("pause", "authority",
                                                                        default=[])) + "."
            out.append(f'!!! danger "Paused"\n    {text}')
        if plan.position.state == "stopped":
            out.append('!!! danger "Stopped"\n    The rollout was stopped by a gate decision. '
                       "Do not use AI for this work.")
        if plan.review_overdue:
            out.append(
                f'!!! warning "Overdue for review"\n    This plan was due for review on '
                f"{plan.review_by.isoformat()}. Owner: {self.person(plan.owner)}."
            )
        if plan.status in ("draft", "approved", "retired") and not plan.paused:
            meaning = {
                "draft": "This plan is a **draft**: nothing in it is allowed yet.",
                "approved": "This plan is **approved** but not active yet: nothing in it is "
                            "allowed yet.",
                "retired": "This plan is **retired**: its uses are no longer allowed.",
            }[plan.status]
            out.append(f'!!! note "{STATUS[plan.status]}"\n    {meaning}')
        return "\n\n".join(out)

    def breach_banner(self, plan: Plan, breach) -> str:
        monitor = breach.monitor
        unit = f" {inline(monitor.unit)}" if monitor.unit else ""
        fired = "; ".join(inline(t) for t in breach.triggers)
        fallbacks = [FALLBACKS.get(f, f) for f in plan.get("pause", "fallbacks", default=[])]
        lines = [
            (f"**Trigger fired: {fired}.** " if fired else "")
            + f"{self.link(monitor.metric, Paths.plan(plan.id), f'metric-{monitor.id}')}"
            f" measured **{breach.latest.value:g}{unit}** on {breach.latest.date}, past "
            f"its pause value of {monitor.pause_value:g}{unit} (since {breach.since.date}).",
            "**Who decides now:** " + self.people(plan.get("pause", "authority", default=[]))
            + ".",
        ]
        if fallbacks:
            lines.append("**Fallbacks:** " + "; ".join(inline(f) for f in fallbacks) + ".")
        return '!!! danger "Pause threshold crossed"\n' + "\n".join(
            f"    {line}\n" for line in lines).rstrip("\n")

    # --- uses ----------------------------------------------------------------------------------

    def allowed_uses(self, plan: Plan, stage: Stage | None = None) -> str:
        """Allowed uses; with a stage, only those in force at it."""
        uses = plan.uses_at(stage) if stage else plan.allowed
        rows = [[anchor(u.id) + cell(u.text), cell(u.example),
                 self.stage_link(plan, plan.stage(u.from_stage) or
                                 (plan.stages[0] if plan.stages else None))] for u in uses]
        return table(["Allowed use", "Example", "From stage"], rows) or "_No allowed uses._"

    def prohibited_uses(self, plan: Plan) -> str:
        rows = [[anchor(u.id) + cell(u.text), cell(u.reason)] for u in plan.prohibited]
        return table(["Never", "Why"], rows) or "_No prohibited uses._"

    def never_enter(self, plan: Plan) -> str:
        items = plan.get("data_rules", "never_enter", default=[])
        return "\n".join(f"- {inline(i)}" for i in items) or "_None listed._"

    def allowed_now(self, plan: Plan) -> str:
        position = plan.position
        if plan.in_force:
            uses = plan.allowed_now
            lines = [f"- {inline(u.text)} ([details]({self.href(Paths.plan(plan.id), u.id)}))"
                     for u in uses]
            intro = (f"At the current stage, {self.stage_link(plan, position.stage)}, "
                     f"these uses are allowed for {self.people(position.stage.teams or plan.users)}:")
            return intro + "\n\n" + ("\n".join(lines) or "_None yet._")
        if plan.paused:
            return "**Nothing**: use is paused. Follow the fallback in the banner above."
        if position.state == "not_started" and position.stage is not None:
            when = f" on {position.since.isoformat()}" if position.since else ""
            return (f"**Nothing yet**: the rollout starts with "
                    f"{self.stage_link(plan, position.stage)}{when}.")
        if position.state == "stopped":
            return "**Nothing**: the rollout was stopped."
        return f"**Nothing**: the plan is {STATUS.get(plan.status, plan.status).lower()}."

    # --- stages --------------------------------------------------------------------------------

    def stage_state(self, plan: Plan, stage: Stage) -> str:
        current = plan.position.stage
        if current is None:
            return "Planned"
        if stage.index < current.index or plan.position.state == "complete":
            return "Done"
        if stage.index > current.index:
            return "Planned"
        return f"**Current** — {plan.position.label.lower()}"

    def stages_table(self, plan: Plan) -> str:
        rows = []
        for s in plan.stages:
            rows.append([
                f"{s.index + 1}. " + self.stage_link(plan, s),
                cell(PATTERNS.get(s.pattern, s.pattern)),
                self.people(s.teams),
                cell(s.headcount),
                cell(_percent(s.access_percent)),
                cell(_percent(s.adoption_target_percent)),
                cell(_period(s)),
                self.stage_state(plan, s),
            ])
        return table(["Stage", "Pattern", "Teams", "People added", "Access", "Adoption target",
                      "Dates", "State"], rows) or "_No stages._"

    def checklist(self, plan: Plan, stage: Stage) -> str:
        rows = [["☐", anchor(c.anchor) + cell(c.item), self.person(c.owner), cell(c.evidence)]
                for c in stage.checklist]
        return table(["Done", "Item", "Owner", "Evidence"], rows) or "_No checklist items._"

    def gate(self, plan: Plan, stage: Stage) -> str:
        gate = stage.gate
        if gate is None:
            return "_This stage has no gate: it is the last one._"
        rows = []
        for c in gate.criteria:
            monitor = plan.monitor(c.metric)
            metric_text = (self.link(monitor.metric if monitor else c.metric,
                                     Paths.plan(plan.id), f"metric-{c.metric}")
                           if c.metric else cell(None))
            evidence = plan.evidence(c, stage)
            latest = (f"{evidence.latest.value:g}{' ' + monitor.unit if monitor and monitor.unit else ''}"
                      f" on {evidence.latest.date}" if evidence.latest else None)
            verdict = evidence.label
            if evidence.verdict == "met":
                verdict = "✔ Met"
            elif evidence.verdict == "not_met":
                verdict = "**✘ Not met — blocks the next stage**" if c.blocking else "✘ Not met"
            rows.append([anchor(c.anchor) + cell(c.question), metric_text, cell(c.threshold),
                         "**Blocking**" if c.blocking else "Advisory", cell(latest), verdict])
        parts = [f"**Decided by:** {self.person(gate.decider)}",
                 table(["Question", "Metric", "Threshold", "Blocking", "Latest", "Evidence"],
                       rows),
                 "**Possible outcomes:** " + ", ".join(inline(o) for o in gate.outcomes)]
        return "\n\n".join(p for p in parts if p)

    def decisions(self, plan: Plan, stage: Stage | None = None) -> str:
        rows = [[cell(d.date.isoformat()), self.stage_link(plan, plan.stage(d.stage)),
                 f"**{inline(d.outcome)}**", self.person(d.by), cell(d.rationale),
                 cell("; ".join(d.evidence))]
                for d in plan.decisions if stage is None or d.stage == stage.id]
        return table(["Date", "Stage", "Outcome", "By", "Rationale", "Evidence"], rows)

    # --- training ------------------------------------------------------------------------------

    def module_facts(self, module: Module) -> str:
        rows = [
            ["Audience", self.people(module.audience)],
            ["Duration", cell(f"{module.duration_minutes} minutes" if module.duration_minutes
                              else None)],
            ["Format", cell(FORMATS.get(module.format, module.format))],
            ["Required before access", "Yes" if module.required_before_access else "No"],
            ["Topics", cell(", ".join(TOPICS.get(t, t) for t in module.topics))],
        ]
        required = self.hb.required_by(module.id)
        if required:
            rows.append(["Required at", "<br>".join(
                f"{self.plan_link(p)}: {self.stage_link(p, s)}" for p, s in required)])
        return table(["", ""], rows)

    def training_module(self, module_id: str) -> str:
        """A whole module: facts, objectives and content (for a hand-written page)."""
        module = self.hb.modules[module_id]
        parts = [self.module_facts(module)]
        if module.objectives:
            parts.append("**After this module you can:**\n\n" +
                         "\n".join(f"- {inline(o)}" for o in module.objectives))
        if module.content:
            parts.append(markdown(module.content))
        return "\n\n".join(parts)

    # --- escalation, support, monitoring --------------------------------------------------------

    def escalation_path(self, plan: Plan, path: dict) -> str:
        steps = path.get("steps", [])
        svg = escalation_svg(
            f"{plan.id}--{path['id']}-diagram",
            f"Escalation path: {path['when']}",
            [(self._name_role(s["contact"]), s.get("within", ""), s.get("action", ""))
             for s in steps],
        )
        rows = [[str(n), self.person_with_contact(s["contact"]), cell(s.get("within")),
                 cell(s.get("action"))] for n, s in enumerate(steps, 1)]
        return (f'<div class="escalation-figure">{svg}</div>\n\n'
                + table(["Step", "Contact", "Within", "Action"], rows))

    def _name_role(self, ref: str) -> str:
        person = self.hb.people.get(ref)
        if person is None:
            return self.hb.name_of(ref)
        return person.name + (f" ({person.role})" if person.role else "")

    def escalation(self, plan: Plan) -> str:
        parts = []
        for path in plan.get("escalation", default=[]):
            parts.append(f"### {inline(path['when'])} {{#{path['id']}}}\n\n"
                         + self.escalation_path(plan, path))
        return "\n\n".join(parts) or "_No escalation paths._"

    def support(self, plan: Plan) -> str:
        """Who owns support, the champions, and the tiers: where to ask for help."""
        support = plan.get("support", default={})
        parts = [f"**Support owner:** {self.person_with_contact(support['owner'])}"
                 if support.get("owner") else "",
                 f"**Champions:** {self.people(support['champions'])}"
                 if support.get("champions") else "",
                 self.support_tiers(plan)]
        return "\n\n".join(p for p in parts if p)

    def support_tiers(self, plan: Plan) -> str:
        rows = []
        for t in sorted(plan.get("support", "tiers", default=[]), key=lambda t: t["level"]):
            where = [inline(c) for c in t.get("channels", [])]
            where += [self.person(c) for c in t.get("contacts", [])]
            rows.append([str(t["level"]), cell(t["name"]), ", ".join(where) or cell(None),
                         cell(t.get("response_time"))])
        return table(["Tier", "Name", "Where to ask", "Response time"], rows)

    def monitoring(self, plan: Plan) -> str:
        rows = []
        for m in plan.monitors:
            latest = plan.latest(m.id)
            rows.append([anchor(f"metric-{m.id}") + cell(m.metric), cell(m.area.title()),
                         cell(m.target), cell(m.pause_threshold),
                         cell(f"{latest.value:g} on {latest.date}" if latest else None),
                         cell(m.cadence), self.person(m.owner), cell(m.supports)])
        return table(["Metric", "Area", "Target", "Pause threshold", "Latest", "Cadence",
                      "Owner", "Decision it supports"], rows) or "_No metrics._"

    def measurements(self, plan: Plan, monitor) -> str:
        """A metric's chart, then the same data as a table (screen readers, print)."""
        series = plan.series(monitor.id)
        if not series:
            return ""
        rows = [[cell(m.date.isoformat()), cell(f"{m.value:g}"), cell(m.note)] for m in series]
        unit = f" ({inline(monitor.unit)})" if monitor.unit else ""
        return (f'<div class="chart-figure">{metric_chart(plan, monitor)}</div>\n\n'
                + table(["Date", f"Value{unit}", "Note"], rows))

    # --- cross-plan ----------------------------------------------------------------------------

    def plans_table(self) -> str:
        rows = []
        for plan in self.hb.plans.values():
            position = plan.position
            stage = (self.stage_link(plan, position.stage) + f" — {position.label.lower()}"
                     if position.stage else cell(None))
            review = cell(plan.review_by.isoformat() if plan.review_by else None)
            if plan.review_overdue:
                review += " **(overdue)**"
            rows.append([self.plan_link(plan), cell(STATUS.get(plan.status, plan.status)),
                         cell(plan.risk_tier.title()), stage, self.person(plan.owner), review])
        return table(["Plan", "Status", "Risk tier", "Current stage", "Owner", "Review by"],
                     rows) or "_No plans yet._"

    def readiness_matrix(self) -> str:
        """Every plan against every readiness area: where each rollout is not ready yet."""
        plans = list(self.hb.plans.values())
        if not plans:
            return "_No plans yet._"
        verdicts = {p.id: readiness(p, self.hb) for p in plans}
        areas = [(v.source, v.area) for v in verdicts[plans[0].id]]
        headers = ["Plan"] + [("Production: " if src == PRODUCTION else "") + area
                              for src, area in areas]
        rows = []
        for plan in plans:
            row = [self.link(plan.title, Paths.readiness(plan.id))]
            for verdict in verdicts[plan.id]:
                row.append("✔" if verdict.ready else f"**✘** {inline(verdict.reason)}")
            rows.append(row)
        return table(headers, rows)

    def tools_table(self) -> str:
        rows = []
        for tool in self.hb.tools.values():
            users = [p for p in self.hb.plans.values() if tool.id in p.get("scope", "tools",
                                                                            default=[])]
            rows.append([
                anchor(tool.id) + f"**{inline(tool.name)}**",
                cell(tool.vendor),
                f"**{inline(tool.status.title())}**",
                cell(tool.account.title() if tool.account else None),
                cell({True: "Yes", False: "No"}.get(tool.trains_on_inputs)),
                ", ".join(self.plan_link(p) for p in users) or cell(None),
                link_or_text("How to get it", tool.instructions) if tool.instructions
                else cell(None),
            ])
        return table(["Tool", "Vendor", "Status", "Account", "Trains on inputs", "Used by",
                      "Instructions"], rows)


def _percent(value: float | None) -> str | None:
    return None if value is None else f"{value:g} %"


def _period(stage: Stage) -> str | None:
    if stage.start and stage.end:
        return f"{stage.start.isoformat()} to {stage.end.isoformat()}"
    if stage.start:
        return f"from {stage.start.isoformat()}"
    return None
