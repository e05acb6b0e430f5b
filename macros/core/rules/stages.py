"""Rules on stages, gates and decisions: access and dates per stage, gate outcomes, the decision
log, pauses taken, headcount splits, the teams of a stage, gate criteria, training per stage.
"""
from __future__ import annotations

from typing import Iterator

from ..diagnostics import ERROR, WARNING, Diagnostic
from ..tiers import REQUIRED_TOPICS
from ..values import gives_access, parse_date
from .base import PERSON, TEAM, Scope, _modules_of, _required, _stages, entries, get, reads, texts


@reads('stages[].access_percent', 'stages[].headcount', 'scope.users',
       'teams[].headcount in plans/_org.yaml', 'end_state')
def rule_stage_access(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 2: access shares rise to 100 (unless end_state: limited); headcounts match access
    shares within 10 %. An adoption target is a share of those with access at that stage
    (seed 003): it may fall as access widens, and may be above the access share itself. Once a
    stage says a team leaves (`leave`), access may fall: from there on neither the rise nor the
    headcounts can be judged from the sums, and neither is; a rollout that ends below 100 %
    says so with end_state: limited."""
    for doc in scope.plans:
        plan = doc.data
        stages = _stages(plan)
        users = texts(get(plan, "scope", "users"))
        population = sum(get(scope.teams.get(t), "headcount", default=0) for t in users)
        if not all(scope.known(TEAM, t) for t in users):
            population = 0  # an unknown user team spoils the total: the ref rule reports it
        previous_access = None
        added = 0
        for i, stage in stages:
            if texts(stage.get("leave")):
                break
            access = stage.get("access_percent")
            numeric = isinstance(access, (int, float)) and not isinstance(access, bool)
            if numeric and previous_access is not None and access <= previous_access:
                yield scope.report(doc, ("stages", i, "access_percent"), ERROR, "stage-access",
                                   f"{access} % does not rise above the previous stage's "
                                   f"{previous_access} %",
                                   "access_percent is cumulative: each stage reaches more people.")
            headcount = stage.get("headcount")
            if isinstance(headcount, int) and not isinstance(headcount, bool):
                added += headcount
                if numeric and population:
                    expected = population * access / 100
                    if abs(added - expected) > 0.1 * expected:
                        yield scope.report(doc, ("stages", i, "headcount"), WARNING,
                                           "stage-access", f"{added} people have access by this "
                                           f"stage, but {access} % of the {population} users is "
                                           f"{expected:g}", "Align headcount with access_percent "
                                           "(within 10 %), or fix the teams' headcounts.")
            if numeric:
                previous_access = access
        if stages and plan.get("end_state") != "limited":
            i, last = stages[-1]
            access = last.get("access_percent")
            if isinstance(access, (int, float)) and access != 100:
                yield scope.report(doc, ("stages", i, "access_percent"), ERROR, "stage-access",
                                   f"the last stage reaches {access} %, not 100 %",
                                   "End at 100 %, or set end_state: limited if the rollout "
                                   "deliberately stops short.")


@reads('stages[].start', 'stages[].end', 'decisions[].date', 'decisions[].stage')
def rule_stage_dates(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 3: stage dates are ordered and do not overlap; a decision falls after its stage's
    start."""
    for doc in scope.plans:
        plan = doc.data
        previous_end = None
        starts = {}
        for i, stage in _stages(plan):
            start, end = parse_date(stage.get("start")), parse_date(stage.get("end"))
            starts[stage.get("id")] = start
            if start and end and end < start:
                yield scope.report(doc, ("stages", i, "end"), ERROR, "stage-dates",
                                   f"ends on {end} before it starts on {start}",
                                   "Correct one of the dates: a stage ends on or after its start.")
            if start and previous_end and start <= previous_end[0]:
                yield scope.report(doc, ("stages", i, "start"), ERROR, "stage-dates",
                                   f"starts on {start}, on or before the day the previous "
                                   f"stage {previous_end[1]} on {previous_end[0]}",
                                   "Stages follow one another without overlapping.")
            if end or start:
                previous_end = (end, "ends") if end else (start, "starts")
        for i, decision in entries(plan.get("decisions")):
            date, start = parse_date(decision.get("date")), starts.get(decision.get("stage"))
            if date and start and date <= start:
                yield scope.report(doc, ("decisions", i, "date"), ERROR, "stage-dates",
                                   f"decided on {date}, not after the stage started on {start}",
                                   "A gate decides a stage that has begun: check the decision's "
                                   "date and stage.")


@reads('stages[].gate.outcomes')
def rule_gate_outcomes(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 4: a gate offers proceed and one of pause/stop."""
    for doc in scope.plans:
        for i, stage in _stages(doc.data):
            gate = stage.get("gate")
            if not isinstance(gate, dict):
                continue
            outcomes = set(texts(gate.get("outcomes")))
            if "proceed" not in outcomes or not outcomes & {"pause", "stop"}:
                yield scope.report(doc, ("stages", i, "gate", "outcomes"), ERROR, "gate-outcomes",
                                   "a gate must offer proceed and at least one of pause or stop",
                                   "e.g. outcomes: [proceed, extend, limit, pause, stop].")


@reads('decisions[].stage', 'decisions[].outcome', 'decisions[].date', 'decisions[].by',
       'stages[].gate.outcomes', 'stages[].gate.decider')
def rule_decision_log(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 5: a decision is one its gate offers, decisions are in date order, and after a
    stop nothing proceeds."""
    for doc in scope.plans:
        plan = doc.data
        gates = {s.get("id"): s.get("gate") for _, s in _stages(plan)}
        stages = _stages(plan)
        # Stages whose missing gate tier-stages reports: a decision there is not a second error.
        gate_required = {s.get("id") for n, (_, s) in enumerate(stages) if n < len(stages) - 1
                         and _required(plan).gate_on_every_stage_but_last}
        previous, stopped = None, False
        for i, decision in entries(plan.get("decisions")):
            stage, outcome = decision.get("stage"), decision.get("outcome")
            date = parse_date(decision.get("date"))
            if stage in gates:
                gate = gates[stage]
                if not isinstance(gate, dict):
                    if stage not in gate_required:
                        yield scope.report(doc, ("decisions", i, "stage"), ERROR,
                                           "decision-log", f"stage '{stage}' has no gate to "
                                           "decide", "Add a gate to the stage (decider, "
                                           "criteria, outcomes), or remove the decision.")
                elif outcome not in texts(gate.get("outcomes")):
                    yield scope.report(doc, ("decisions", i, "outcome"), ERROR, "decision-log",
                                       f"'{outcome}' is not an outcome the gate of '{stage}' "
                                       "offers",
                                       "Offered: " + ", ".join(texts(gate.get("outcomes"))))
                elif (decision.get("by") not in (None, gate.get("decider"))
                      and not (outcome == "pause" and decision.get("by") in texts(
                          get(plan, "pause", "authority")))
                      and scope.known(PERSON, decision.get("by"))
                      and scope.known(PERSON, gate.get("decider"))):
                    yield scope.report(doc, ("decisions", i, "by"), WARNING, "decision-log",
                                       f"decided by '{decision.get('by')}', but the gate's decider "
                                       f"is '{gate.get('decider')}'",
                                       "Record who decided, or change the gate's decider.")
            if date and previous and date < previous:
                yield scope.report(doc, ("decisions", i, "date"), ERROR, "decision-log",
                                   f"{date} comes before the previous decision ({previous})",
                                   "Keep the decision log in date order.")
            if stopped and outcome == "proceed":
                yield scope.report(doc, ("decisions", i, "outcome"), ERROR, "decision-log",
                                   "nothing may proceed after a stop decision",
                                   "Start a new plan, or correct the earlier stop.")
            stopped = stopped or outcome == "stop"
            previous = date or previous


@reads('stages[].headcount_by_team', 'stages[].headcount', 'stages[].teams')
def rule_headcount_split(scope: Scope) -> Iterator[Diagnostic]:
    """A headcount split by team names the stage's own teams and adds up to its headcount."""
    for doc in scope.plans:
        for i, stage in _stages(doc.data):
            split = stage.get("headcount_by_team")
            if not isinstance(split, dict) or not split:
                continue
            teams = texts(stage.get("teams"))
            for team in split:
                if isinstance(team, str) and scope.known(TEAM, team) and team not in teams:
                    yield scope.report(doc, ("stages", i, "headcount_by_team", team), ERROR,
                                       "headcount-split", f"'{team}' is not one of this "
                                       "stage's teams", "Split the headcount among the "
                                       "stage's teams: " + (", ".join(teams) or "add teams"))
            total = sum(n for n in split.values() if isinstance(n, int))
            headcount = stage.get("headcount")
            if headcount != total:
                said = "not given" if headcount is None else headcount
                yield scope.report(doc, ("stages", i, "headcount_by_team"), ERROR,
                                   "headcount-split", f"the split adds up to {total}, but "
                                   f"headcount is {said}",
                                   f"Set headcount: {total}, or correct the split.")


@reads('pauses[].by', 'pauses[].date', 'pauses[].fallbacks', 'pauses[].resume.date',
       'pauses[].resume.by', 'pause.authority', 'pause.fallbacks')
def rule_pause_entry(scope: Scope) -> Iterator[Diagnostic]:
    """A pause entry is taken and lifted by someone in pause.authority, names only fallbacks
    the plan lists, is not dated after today, and resumes on or after the day it began."""
    for doc in scope.plans:
        plan = doc.data
        authority = texts(get(plan, "pause", "authority"))
        listed = texts(get(plan, "pause", "fallbacks"))
        for i, entry in entries(plan.get("pauses")):
            resume = entry.get("resume") if isinstance(entry.get("resume"), dict) else {}
            for path, who in ((("pauses", i, "by"), entry.get("by")),
                              (("pauses", i, "resume", "by"), resume.get("by"))):
                if isinstance(who, str) and scope.known(PERSON, who) and who not in authority:
                    yield scope.report(doc, path, ERROR, "pause-entry",
                                       f"'{who}' does not have pause authority in this plan",
                                       "Record who paused or resumed it, or add that person "
                                       "to pause.authority.")
            for n, fallback in enumerate(texts(entry.get("fallbacks"))):
                if fallback not in listed:
                    yield scope.report(doc, ("pauses", i, "fallbacks", n), ERROR,
                                       "pause-entry", f"'{fallback}' is not one of this plan's "
                                       "pause.fallbacks", "Name fallbacks the plan lists: "
                                       + (", ".join(listed) or "add pause.fallbacks first") + ".")
            began, ended = parse_date(entry.get("date")), parse_date(resume.get("date"))
            if began and began > scope.today:
                yield scope.report(doc, ("pauses", i, "date"), ERROR, "pause-entry",
                                   f"the pause is dated {began}, after today ({scope.today})",
                                   "Record a pause once it is taken.")
            if began and ended and ended < began:
                yield scope.report(doc, ("pauses", i, "resume", "date"), ERROR, "pause-entry",
                                   f"use resumed on {ended}, before the pause began ({began})",
                                   "A resume is dated on or after its pause.")


@reads('stages[].training', 'stages[].headcount', 'stages[].teams', 'stages[].people',
       "modules' topics")
def rule_training_topics(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 8: by the first stage that adds people, the required modules cover purpose, limits,
    data rules, review, escalation and issue reporting; missing overreliance is a warning."""
    for doc in scope.plans:
        plan = doc.data
        modules = _modules_of(scope, plan)
        required: list[str] = []
        for i, stage in _stages(plan):
            required += texts(stage.get("training"))
            if not gives_access(stage):
                continue
            if any(m not in modules for m in required):
                break  # an unknown module is reported by rule_ref; its topics cannot be judged
            covered = {t for m in required for t in texts(get(modules.get(m), "topics"))}
            missing = [t for t in REQUIRED_TOPICS if t not in covered]
            where = ("stages", i, "training") if "training" in stage else ("stages", i)
            if missing:
                yield scope.report(doc, where, ERROR, "training-topics",
                                   f"before access at stage '{stage.get('id')}', the required "
                                   f"training does not cover: {', '.join(missing)}",
                                   "Require a module whose topics include them (e.g. the "
                                   "organisation-wide basics).")
            elif "overreliance" not in covered:
                yield scope.report(doc, where, WARNING, "training-topics",
                                   f"before access at stage '{stage.get('id')}', no required module "
                                   "covers overreliance", "Add overreliance to a required module's "
                                   "topics.")
            break


@reads('stages[].teams', 'scope.users')
def rule_stage_team(scope: Scope) -> Iterator[Diagnostic]:
    """A team a stage gives access to is one of the plan's users: scope.users says who the
    plan is for, and every page that says who may do what reads the stages."""
    for doc in scope.plans:
        listed = get(doc.data, "scope", "users")
        users = set(texts(listed))
        if not isinstance(listed, list) or not users <= set(scope.teams):
            continue  # the schema or the ref rule already reports scope.users itself
        for i, stage in _stages(doc.data):
            for j, team in enumerate(stage.get("teams") or []):
                # A misspelt team (`suport`) is the ref rule's error alone: a hint to add it to
                # scope.users would copy the typo.
                if isinstance(team, str) and team not in users and team in scope.teams:
                    yield scope.report(doc, ("stages", i, "teams", j), WARNING, "stage-team",
                                       f"'{team}' gets access at this stage but is not among "
                                       "the plan's users (scope.users)",
                                       f"Add {team} to scope.users, or remove it from the "
                                       "stage.")


@reads('stages[].gate.criteria[].value', 'stages[].gate.criteria[].metric', 'monitoring[].better')
def rule_criterion_value(scope: Scope) -> Iterator[Diagnostic]:
    """A criterion's `value` is judged in the direction of its metric's `better`: without a
    metric that has one, nobody can tell whether it is met."""
    for doc in scope.plans:
        better = {m.get("id"): m.get("better") for _, m in entries(doc.data.get("monitoring"))}
        for i, stage in _stages(doc.data):
            for j, criterion in entries(get(stage, "gate", "criteria")):
                if "value" not in criterion:
                    continue
                metric = criterion.get("metric")
                path = ("stages", i, "gate", "criteria", j, "value")
                if not isinstance(metric, str):
                    yield scope.report(doc, path, ERROR, "criterion-value",
                                       "value is given without a metric to measure it",
                                       "Name the metric this value is judged on.")
                elif metric in better and better[metric] not in ("higher", "lower"):
                    yield scope.report(doc, path, ERROR, "criterion-value",
                                       f"value is given, but the metric '{metric}' has no "
                                       "'better'", f"Add better: higher or better: lower to "
                                       f"the metric {metric}.")
