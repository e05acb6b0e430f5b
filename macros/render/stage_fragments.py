"""Fragments on stages and what surrounds them: a plan's position and its stages table,
checklists, gates and their evidence, decisions, training modules, escalation, support and
monitoring.
"""
from __future__ import annotations

from ..core.dates import day_near, day_words
from ..model.model import Plan
from ..model.parts import Evidence, Module, Stage
from .charts import metric_chart
from .diagram import escalation_svg
from .drift_words import usual_range_short
from .labels import FORMATS, TOPICS, _percent, _period, _planned, written_day
from .paths import Paths
from .sentences import amount, bound, count, pause_bound
from .text import anchor, cell, inline, markdown, table


class StageFragments:
    """Stages, gates and evidence; training; escalation, support and monitoring.
    A part of Fragments, which supplies the links and names these methods call."""

    # --- stages --------------------------------------------------------------------------------

    def stage_state(self, plan: Plan, stage: Stage) -> str:
        """A stage's state in the right tense: done from … to …, current since …, planned to
        start on … or when the gate before it decides."""
        current = plan.position.stage
        if plan.stage_done(stage):
            began, ended = plan.periods.get(stage.id, (None, None))
            if began and ended:
                return f"Done, {day_words(began)} to {day_words(ended)}"
            return "Done" + (f", until {day_words(ended)}" if ended else "")
        if current is not None and stage.index == current.index:
            return f"**Current** — {self.position_phrase(plan)}"
        if plan.position.state == "stopped":
            return "Will not start: the rollout was stopped"
        previous = plan.stages[stage.index - 1] if stage.index else None
        if previous is not None:  # the stage before it is still running, or not started
            return (f"Planned — starts once the gate of stage {previous.index + 1}, "
                    f"“{inline(previous.name)}”, decides" + _planned(stage, plan.today))
        if stage.start:
            return f"Planned — starts on {day_near(stage.start, plan.today)}"
        return "Planned"

    def message_timing(self, plan: Plan, message: dict) -> str:
        """When a message goes out: the plan's own words, then the structured timing the
        check reads (a date, before a stage, at every gate), so the two can be compared."""
        when = inline(message.get("when"))
        if message.get("date"):
            fixed = f"on {written_day(message['date'])}"
        elif message.get("before"):
            stage = plan.stage(message["before"])
            fixed = ("before " + (self.stage_link(plan, stage) if stage
                                  else inline(message["before"]))
                     + (f", which starts {day_near(stage.start, plan.today)}"
                        if stage and stage.start else ""))
        elif message.get("at_each_gate"):
            fixed = "at every gate decision"
        else:
            return when or cell(None)
        return f"{when}<br>— {fixed}" if when else fixed

    def end_state(self, plan: Plan) -> str:
        """A rollout that deliberately stops short of everyone says so, with its last share."""
        if not plan.ends_limited or not plan.stages:
            return ""
        last = plan.stages[-1].access_percent
        share = f" at {last:g} %" if last is not None else ""
        return (f"This rollout deliberately stops{share}: it does not go on to everyone in its "
                "teams.")

    def stages_table(self, plan: Plan) -> str:
        rows = []
        for s in plan.stages:
            teams = self.people(s.teams) if s.teams else cell(None)
            if s.leave:
                teams += "; access ends: " + ", ".join(self.who(t) for t in s.leave)
            # The pattern and adoption target are on each stage's page: this table is the
            # plan page's, read by staff, and must fit beside the navigation.
            rows.append([
                f"{s.index + 1}. " + self.stage_link(plan, s),
                teams,
                self.stage_headcount(s),
                cell(_percent(s.access_percent)),
                cell(_period(s)),
                self.stage_state(plan, s),
            ])
        return table(["Stage", "Teams that join", "People added", "Share with access",
                      "Planned dates", "State"], rows) or "_No stages._"

    def checklist(self, plan: Plan, stage: Stage) -> str:
        """Each item with the day it was done; on a stage that is behind the rollout, an item
        without `done` reads 'not recorded', never an open box."""
        done_stage = plan.stage_done(stage)
        rows = []
        for c in stage.checklist:
            if c.done and c.done <= plan.today:
                state = f"✔ {day_words(c.done)}"
            elif done_stage:
                state = "Not recorded"
            else:
                state = "☐ Not yet"
            rows.append([state, anchor(c.anchor) + cell(c.item), self.person(c.owner),
                         cell(c.evidence)])
        return table(["Done", "Item", "Owner", "Evidence"], rows) or "_No checklist items._"

    def gate(self, plan: Plan, stage: Stage) -> str:
        gate = stage.gate
        if gate is None:
            return "_This stage has no gate: it is the last one._" if \
                stage.index == len(plan.stages) - 1 else "_This stage has no gate._"
        rows = []
        for c in gate.criteria:
            monitor = plan.monitor(c.metric)
            metric_text = self.metric_link(plan, c.metric) if c.metric else cell(None)
            evidence = plan.evidence(c, stage)
            latest = _reading(evidence.latest, monitor.unit if monitor else "")
            rows.append([anchor(c.anchor) + cell(c.question), metric_text,
                         cell(_judged_value(evidence, monitor) or c.threshold),
                         "**Blocking**" if c.blocking else "Advisory", cell(latest),
                         self.verdict(evidence, monitor)])
        parts = [f"**Decided by:** {self.person(gate.decider)}",
                 table(["Question", "Metric", "Threshold", "Blocking", "Latest", "Evidence"],
                       rows),
                 "**Possible outcomes:** " + ", ".join(inline(o) for o in gate.outcomes)]
        return "\n\n".join(p for p in parts if p)

    def metric_link(self, plan: Plan, metric_id: str) -> str:
        """A metric by its name (never its id), linked to its row on the evidence page."""
        monitor = plan.monitor(metric_id)
        return self.link(monitor.metric if monitor else metric_id, Paths.evidence(plan.id),
                         f"metric-{metric_id}")

    def verdict(self, evidence: Evidence, monitor) -> str:
        """Met, not met, no data yet, or judged by the decider with the field that would let
        the handbook judge it. A decided gate is judged as the decider saw it, on the decision's
        date, and never 'blocks the next stage': the decision has been taken."""
        c = evidence.criterion
        value = inline(_judged_value(evidence, monitor))
        closed = evidence.decision
        if closed is not None and evidence.verdict in ("met", "not_met"):
            seen = f"at the decision on {day_words(closed.date)} ({value})"
            if evidence.verdict == "met":
                return f"✔ Met {seen}"
            return f"✘ Not met {seen}; the gate {GATE_OUTCOME_PAST[closed.outcome]}"
        if evidence.verdict == "met":
            return f"✔ Met ({value})"
        if evidence.verdict == "not_met":
            return (f"**✘ Not met ({value}) — blocks the next stage**" if c.blocking
                    else f"✘ Not met ({value})")
        if evidence.verdict == "no_data":
            return "No data when decided" if closed else "No data yet"
        if evidence.verdict == "stale":
            return f"No current data: {_stale(evidence.latest)}"
        # Staff read why the handbook does not judge it; which field to add is for editors,
        # on their pages (the readiness page counts these, the reference names the fields).
        if not c.metric:
            why = "no metric is named"
        elif monitor is not None and monitor.better not in ("higher", "lower"):
            why = "the plan does not say whether higher or lower is better"
        else:
            why = "no figure is given"
        return f"Judged by the decider ({why})"

    def decisions(self, plan: Plan, stage: Stage | None = None) -> str:
        rows = [[cell(day_words(d.date)), self.stage_link(plan, plan.stage(d.stage)),
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
            # One per line: a channel's own name may hold a comma.
            rows.append([str(t["level"]), cell(t["name"]), "<br>".join(where) or cell(None),
                         cell(t.get("response_time"))])
        return table(["Tier", "Name", "Where to ask", "Response time"], rows)

    def monitoring(self, plan: Plan) -> str:
        rows = []
        for m in plan.monitors:
            latest = plan.latest(m.id)
            reading = _reading(latest, m.unit)
            if plan.stale(m.id):
                reading += f" — {_stale(latest)}"
            rows.append([anchor(f"metric-{m.id}") + cell(m.metric),
                         cell(m.area.replace("_", " ").capitalize()),
                         cell(bound(m.target_value, m.better, m.unit) or m.target
                              or usual_range_short(plan, m)),
                         cell(pause_bound(m.pause_value, m.better, m.unit) or m.pause_threshold),
                         cell(reading),
                         cell(m.cadence), self.person(m.owner), cell(m.supports)])
        return table(["Metric", "Area", "Target", "Pause threshold", "Latest", "Cadence",
                      "Owner", "Decision it supports"], rows) or "_No metrics._"

    def measurements(self, plan: Plan, monitor) -> str:
        """A metric's chart, then the same data as a table, folded (screen readers, print, a
        reader who wants the numbers). Raw HTML: Markdown inside a block of HTML would need an
        extension; every cell goes through `cell`, whose entities are HTML too."""
        series = plan.series(monitor.id)
        if not series:
            return ""
        unit = f" ({cell(monitor.unit)})" if monitor.unit else ""
        rows = "".join(f"<tr><td>{cell(day_words(m.date))}</td><td>{cell(f'{m.value:g}')}</td>"
                       f"<td>{cell(m.note)}</td></tr>\n" for m in series)
        return (f'<div class="chart-figure">{metric_chart(plan, monitor)}</div>\n\n'
                f'<details class="readings"><summary>The {count(len(series), "reading")} as a '
                f"table</summary>\n<table>\n<thead><tr><th>Date</th><th>Value{unit}</th>"
                f"<th>Note</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</details>")


def _reading(measured, unit: str | None) -> str | None:
    """A measurement as plain text, with its metric's unit: '28 % on 2026-11-23'."""
    if measured is None:
        return None
    return f"{amount(measured.value, unit)} on {day_words(measured.date)}"


def _stale(measured) -> str:
    return f"stale (no reading since {day_words(measured.date)})"


# What a closing decision did, after "the gate …".
GATE_OUTCOME_PAST = {"proceed": "proceeded", "limit": "limited the rollout",
                     "redesign": "sent the stage for redesign", "stop": "stopped the rollout"}


def _judged_value(evidence: Evidence, monitor) -> str | None:
    """A criterion's `value` in words, in its metric's direction: 'at most 30 %'."""
    if monitor is None:
        return None
    return bound(evidence.criterion.value, monitor.better, monitor.unit)
