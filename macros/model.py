"""Model: read-only plan objects built from checked documents, and the facts derived from them.

Derived facts (where a rollout stands, what is allowed now, who holds which role) are computed
here once; renderers only read them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from .baseline import Baseline, build_baseline
from .faq import Entry, entries_of
from .measurements import Measurement
from .rules import ORG_REFERENCES, PLAN_REFERENCES, latest_breaches, select
from .staleness import is_stale, stale_after
from .support import Help, build_help
from .values import gives_access, parse_date


def _list(value: Any) -> tuple:
    return tuple(value) if isinstance(value, list) else ()


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str = ""
    contact: str = ""


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    headcount: int | None = None
    lead: str | None = None


@dataclass(frozen=True)
class Tool:
    id: str
    name: str
    status: str
    vendor: str = ""
    account: str = ""
    trains_on_inputs: bool | None = None
    instructions: str = ""


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    audience: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    duration_minutes: int | None = None
    format: str = ""
    required_before_access: bool = False
    objectives: tuple[str, ...] = ()
    content: str = ""
    plan_id: str | None = None  # None: an organisation-wide module
    former_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Use:
    id: str
    text: str
    allowed: bool
    example: str = ""
    reason: str = ""
    from_stage: str | None = None
    audience: tuple[str, ...] = ()  # teams or people it is for; empty: everyone with access

    def for_team(self, team: str, teams: tuple[str, ...]) -> bool:
        """Whether members of `team` may make this use: it names no audience, names the team,
        or names only people (who may be in any team: the page says who)."""
        return (not self.audience or team in self.audience
                or not any(a in teams for a in self.audience))


@dataclass(frozen=True)
class Criterion:
    anchor: str
    question: str
    metric: str | None = None
    threshold: str = ""  # for people: shown, never parsed
    blocking: bool = False
    value: float | None = None  # what the handbook judges against, in the metric's direction


@dataclass(frozen=True)
class Gate:
    decider: str
    criteria: tuple[Criterion, ...] = ()
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChecklistItem:
    anchor: str
    item: str
    owner: str | None = None
    evidence: str = ""
    done: dt.date | None = None
    kind: str | None = None  # security_review | data_protection_review


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    index: int
    pattern: str = ""
    teams: tuple[str, ...] = ()  # added to the teams that already have access
    leave: tuple[str, ...] = ()  # teams whose access ends when this stage starts
    people: tuple[str, ...] = ()  # people named for access at this stage
    headcount: int | None = None  # people given access at this stage, across its teams
    access_percent: float | None = None
    adoption_target_percent: float | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    training: tuple[str, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    gate: Gate | None = None
    former_ids: tuple[str, ...] = ()
    gives_access: bool = False  # values.gives_access: no headcount means the whole teams
    headcount_by_team: tuple[tuple[str, int], ...] = ()  # optional split of the headcount


@dataclass(frozen=True)
class Decision:
    stage: str
    date: dt.date
    outcome: str
    by: str
    rationale: str = ""
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pause:
    """A pause taken by someone with pause authority, outside the gate cycle, and its resume.
    `fallbacks` are those in force; empty means every fallback the plan lists."""

    date: dt.date
    by: str
    reason: str = ""
    fallbacks: tuple[str, ...] = ()
    resumed: dt.date | None = None
    resumed_by: str | None = None
    resume_reason: str = ""

    def in_force_on(self, day: dt.date) -> bool:
        return self.date <= day and (self.resumed is None or self.resumed > day)


@dataclass(frozen=True)
class Monitor:
    """A monitored metric. The numeric fields are optional (plan format v1 stays valid)."""

    id: str
    area: str
    metric: str
    target: str = ""
    pause_threshold: str = ""
    cadence: str = ""
    owner: str | None = None
    supports: str = ""
    unit: str = ""
    target_value: float | None = None
    pause_value: float | None = None
    better: str | None = None
    pause_after_readings: int = 1  # consecutive readings at or past pause_value that pause


@dataclass(frozen=True)
class Breach:
    """A metric whose latest measurement reached its pause value, and what that fires."""

    monitor: Monitor
    latest: Measurement
    since: Measurement
    triggers: tuple[str, ...]  # texts of the pause triggers that name the metric


@dataclass(frozen=True)
class Evidence:
    """A gate criterion against its metric: met, not met, no data yet, or judged by the decider
    (the criterion has no `value`, or no metric to measure). An open gate is judged on the latest
    measurement not after today; a decided gate on the latest one on its decision's date (what
    the decider saw), and `decision` says which decision that was."""

    criterion: Criterion
    latest: Measurement | None
    verdict: str  # met | not_met | no_data | stale | judged
    decision: Decision | None = None  # the decision that closed the gate, if any

    LABELS = {"met": "Met", "not_met": "Not met", "no_data": "No data yet",
              "stale": "No current data", "judged": "Judged by the decider"}

    @property
    def label(self) -> str:
        return self.LABELS[self.verdict]


# Decisions that settle a gate; `extend` and `pause` keep it open.
GATE_CLOSING = frozenset({"proceed", "limit", "redesign", "stop"})


def at_least_as_good(value: float, target: float, better: str) -> bool:
    return value >= target if better == "higher" else value <= target


@dataclass(frozen=True)
class Grant:
    """The access one stage gives: its teams (less those that left since), how many people
    across them (None: the whole teams) and who by name."""

    stage: Stage
    teams: tuple[str, ...]
    headcount: int | None = None
    people: tuple[str, ...] = ()
    left: tuple[str, ...] = ()  # teams of the stage whose access has ended since

    @property
    def shared(self) -> bool:
        """Given across several teams, even if only one of them still has access."""
        return len(self.teams) + len(self.left) > 1

    @property
    def at_most(self) -> bool:
        """A number given across several teams, some of which have left: the people still
        counted are at most that number (the plan does not say how many each team had)."""
        return bool(self.left) and self.headcount is not None


@dataclass(frozen=True)
class Access:
    """Who has access on a day, and to what: the one definition every page reads.

    Access accumulates across the stages reached; a stage's `leave` ends a team's access; a
    pause or a stop ends everyone's; a plan that is not active gives nobody access."""

    day: dt.date
    stage: Stage | None  # the stage whose uses are in force; None: nothing is in force
    grants: tuple[Grant, ...] = ()
    uses: tuple[Use, ...] = ()
    why_none: str = ""  # when stage is None: no_stages | status | paused | stopped | not_started

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for g in self.grants for t in g.teams))

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for g in self.grants for p in g.people))

    def has(self, team: str) -> bool:
        return team in self.teams

    def grants_for(self, team: str) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if team in g.teams)


@dataclass(frozen=True)
class Position:
    """Where a rollout stands: the stage in force and its state."""

    stage: Stage | None
    state: str  # not_started | in_progress | extended | limited | redesign | paused | stopped |
    #             complete | retired
    since: dt.date | None = None  # never after the day the position is taken on
    decision: Decision | None = None
    starts: dt.date | None = None  # not started: the planned first day of `stage`
    pause: Pause | None = None  # the pause entry in force, when that is what pauses the plan

    LABELS = {
        "not_started": "Not started",
        "in_progress": "In progress",
        "extended": "Extended",
        "limited": "Limited",
        "redesign": "Being redesigned",
        "paused": "Paused",
        "stopped": "Stopped",
        "complete": "Rollout complete",
        "retired": "Retired",
    }

    @property
    def label(self) -> str:
        return self.LABELS[self.state]


@dataclass(frozen=True)
class LastChange:
    """A plan's latest change as staff read it: the day, and what it did to the plan in the
    diff engine's counts (`summary`). No commit id, author or message: those are the
    governance change log's."""

    date: dt.date | None  # None: a date git wrote that Python cannot hold
    summary: str
    commit: str = ""  # for the signed print view only (a version governance can find)

    @property
    def short(self) -> str:
        return self.commit[:10]


@dataclass(frozen=True)
class Plan:
    """One rollout plan. The raw sections that are shown as-is stay as plain data (`raw`)."""

    id: str
    title: str
    status: str
    risk_tier: str
    raw: dict
    file: str
    today: dt.date
    stages: tuple[Stage, ...] = ()
    uses: tuple[Use, ...] = ()
    modules: tuple[Module, ...] = ()
    decisions: tuple[Decision, ...] = ()
    pauses: tuple[Pause, ...] = ()
    monitors: tuple[Monitor, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    last_change: LastChange | None = None  # from git; None outside a checkout
    stale_after_days: int | None = None  # _org.yaml; else two cadence periods per metric

    def get(self, *keys: str, default: Any = None) -> Any:
        data: Any = self.raw
        for key in keys:
            data = data.get(key) if isinstance(data, dict) else None
        return default if data is None else data

    @property
    def former_ids(self) -> tuple[str, ...]:
        return tuple(self.get("former_ids", default=[]))

    @cached_property
    def help(self) -> Help:
        """Office hours, watched channels and champions of this plan (macros/support.py)."""
        return build_help(self.get("support"))

    @property
    def summary(self) -> str:
        return self.get("summary", default="")

    @property
    def owner(self) -> str | None:
        return self.get("owner")

    @property
    def review_by(self) -> dt.date | None:
        return parse_date(self.get("review_by"))

    @property
    def review_overdue(self) -> bool:
        return bool(self.review_by and self.review_by < self.today and self.status != "retired")

    @property
    def change_approved_by(self) -> str | None:
        """Who approved the plan's last change: `approval.by` when `approval.date` is on or
        after the day of that change; None when not recorded (or no change is known)."""
        approval = self.get("approval")
        change = self.last_change
        if not isinstance(approval, dict) or change is None or change.date is None:
            return None
        approved = parse_date(approval.get("date"))
        by = approval.get("by")
        return by if approved and approved >= change.date and isinstance(by, str) else None

    def stage(self, stage_id: str | None) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    @cached_property
    def position(self) -> Position:
        """The stage in force today, from the decision log and the dates."""
        return self.position_at(self.today)

    def position_at(self, day: dt.date) -> Position:
        """The stage in force on `day` (never typed by hand): decisions dated later have not
        happened yet on that day."""
        if not self.stages:
            return Position(None, "not_started")
        first = self.stages[0]
        decisions = [d for d in self.decisions if d.date <= day]
        if self.status in ("draft", "approved") or (first.start and first.start > day
                                                     and not decisions):
            # Nothing runs before the plan is active, whatever the calendar says.
            return Position(first, "not_started", starts=first.start)
        current, state, since, last = first, "in_progress", first.start, None
        for decision in decisions:
            stage = self.stage(decision.stage) or current
            last, since = decision, decision.date
            if decision.outcome == "proceed":
                nxt = self.stages[stage.index + 1] if stage.index + 1 < len(self.stages) else None
                current, state = (nxt, "in_progress") if nxt else (stage, "complete")
                if nxt and nxt.start and nxt.start > decision.date:
                    since = nxt.start
            else:
                current = stage
                state = {"extend": "extended", "limit": "limited"}.get(
                    decision.outcome, decision.outcome
                )
                state = {"pause": "paused", "stop": "stopped"}.get(state, state)
        if state == "in_progress" and current.start and current.start > day:
            # Approved to proceed, but the next stage has not begun: the previous one holds.
            state, since = "not_started", None
        pause = self.pause_on(day)
        if pause is not None and state not in ("stopped", "complete", "not_started"):
            # Taken by someone with pause authority between gates: it outranks the gate cycle
            # until it is resumed; the next gate decision does not lift it.
            return Position(current, "paused", pause.date, last, pause=pause)
        if self.status in ("paused", "retired") and state not in ("stopped", "complete"):
            # The plan's status outranks the calendar; since when is not recorded.
            return Position(current, self.status, None, last)
        if state == "not_started":
            return Position(current, state, None, last, starts=current.start)
        return Position(current, state, since, last)

    @cached_property
    def periods(self) -> dict[str, tuple[dt.date | None, dt.date | None]]:
        """When each stage that has begun by today actually ran: (first day, day its gate
        moved on or stopped; None while it runs)."""
        if self.reached_index() < 0:
            return {}
        first = self.stages[0]
        decisions = [d for d in self.decisions if d.date <= self.today]
        found: dict[str, list] = {first.id: [first.start, None]}
        for decision in decisions:
            stage = self.stage(decision.stage)
            if stage is None or stage.id not in found:
                continue
            if decision.outcome in ("proceed", "stop"):
                found[stage.id][1] = decision.date
            if decision.outcome == "proceed" and stage.index + 1 < len(self.stages):
                nxt = self.stages[stage.index + 1]
                began = max(decision.date, nxt.start) if nxt.start else decision.date
                if began <= self.today:
                    found[nxt.id] = [began, None]
        return {k: (v[0], v[1]) for k, v in found.items()}

    # --- access: who may do what, on which day ----------------------------------------------

    def grants_through(self, stage: Stage) -> tuple[Grant, ...]:
        """The access in force once `stage` is reached: every stage up to it adds its teams
        and people, after removing the teams it lists under `leave`. A plan whose stages name
        no team at all gives its users (scope.users) access from the first stage."""
        implicit = not any(s.teams for s in self.stages)
        grants: list[Grant] = []
        for s in self.stages[: stage.index + 1]:
            if s.leave:
                grants = [replace(g, teams=tuple(t for t in g.teams if t not in s.leave),
                                  left=g.left + tuple(t for t in g.teams if t in s.leave))
                          for g in grants]
                grants = [g for g in grants if g.teams]
            teams = s.teams or (self.users if implicit and s.index == 0 else ())
            if s.headcount_by_team and s.headcount != 0:
                # Split by team: each team's number is its own, and leaves with it.
                grants += [Grant(s, (team, ), n) for team, n in s.headcount_by_team if n]
                if s.people:
                    grants.append(Grant(s, (), None, s.people))
            elif (teams or s.people) and s.headcount != 0:
                grants.append(Grant(s, teams, s.headcount, s.people))
        return tuple(grants)

    def access_on(self, day: dt.date) -> Access:
        if not self.stages:
            return Access(day, None, why_none="no_stages")
        if self.status != "active":
            return Access(day, None, why_none="status")
        position = self.position_at(day)
        if position.state in ("paused", "stopped"):
            return Access(day, None, why_none=position.state)
        index = self.reached_index(day)
        if index < 0:
            return Access(day, None, why_none="not_started")
        stage = self.stages[index]
        return Access(day, stage, self.grants_through(stage), tuple(self.uses_at(stage)))

    @cached_property
    def access(self) -> Access:
        """Who has access today, and to what."""
        return self.access_on(self.today)

    def reached_index(self, day: dt.date | None = None) -> int:
        """The index of the last stage reached on `day` (today by default); -1 before the
        first one starts."""
        position = self.position_at(day) if day else self.position
        if position.stage is None:
            return -1
        return position.stage.index - (1 if position.state == "not_started" else 0)

    def joins_at(self, team: str) -> Stage | None:
        """The next stage, after those reached today, that gives `team` access."""
        implicit = not any(s.teams for s in self.stages)
        for s in self.stages[self.reached_index() + 1:]:
            if team in s.teams or (implicit and s.index == 0 and team in self.users):
                return s
        return None

    def left_at(self, team: str) -> Stage | None:
        """The stage reached today at which `team`'s access ended, if it did."""
        if self.access.stage is None or self.access.has(team):
            return None
        return next((s for s in reversed(self.stages[: self.access.stage.index + 1])
                     if team in s.leave), None)

    def returns_later(self, team: str, after: Stage) -> bool:
        """Whether a stage after `after` gives `team` access again."""
        return any(team in s.teams for s in self.stages[after.index + 1:])

    @property
    def ends_limited(self) -> bool:
        """The plan says its rollout deliberately stops short of everyone (end_state)."""
        return self.get("end_state") == "limited"

    def stage_done(self, stage: Stage) -> bool:
        """Whether `stage` is behind the rollout today: its gate moved on."""
        position = self.position
        if position.stage is None:
            return False
        return stage.index < position.stage.index or position.state == "complete"

    @property
    def in_force(self) -> bool:
        """Whether any use is in force under this plan today."""
        return self.access.stage is not None

    @property
    def paused(self) -> bool:
        return self.status == "paused" or self.position.state == "paused"

    def uses_at(self, stage: Stage | None) -> list[Use]:
        """Allowed uses in force at `stage` (a use without from_stage applies from the first)."""
        if stage is None:
            return []
        return [
            u for u in self.uses
            if u.allowed and (self.stage(u.from_stage) or self.stages[0]).index <= stage.index
        ] if self.stages else []

    @property
    def allowed_now(self) -> list[Use]:
        """Uses in force today, for whoever has access: a use meant for teams none of which has
        access today reaches nobody and is not among them."""
        return [u for u in self.access.uses
                if not u.audience or self.use_teams(u) or self.use_people(u)]

    def allowed_for(self, team: str) -> list[Use]:
        """Uses `team` may make today: none unless the team has access, and of those only the
        ones meant for it (a use's `audience`)."""
        if not self.access.has(team):
            return []
        return [u for u in self.access.uses if u.for_team(team, self.teams_named)]

    @cached_property
    def teams_named(self) -> tuple[str, ...]:
        """Every team the plan names for access: its users and its stages' teams."""
        teams = [t for t in self.get("scope", "users", default=[]) if isinstance(t, str)]
        teams += [t for s in self.stages for t in s.teams]
        return tuple(dict.fromkeys(teams))

    def use_teams(self, use: Use) -> tuple[str, ...]:
        """The teams that have access today and may make `use`."""
        return tuple(t for t in self.access.teams if use.for_team(t, self.teams_named))

    def use_people(self, use: Use) -> tuple[str, ...]:
        """The people a use names in its audience (not teams)."""
        return tuple(a for a in use.audience if a not in self.teams_named)

    @property
    def allowed(self) -> list[Use]:
        return [u for u in self.uses if u.allowed]

    @property
    def prohibited(self) -> list[Use]:
        return [u for u in self.uses if not u.allowed]

    @property
    def next_gate(self) -> tuple[Stage, Gate] | None:
        stage = self.position.stage
        if stage and stage.gate and self.position.state not in ("stopped", "complete"):
            return stage, stage.gate
        return None

    @property
    def users(self) -> tuple[str, ...]:
        return tuple(self.get("scope", "users", default=[]))

    @cached_property
    def series_key(self) -> tuple:
        """Every measurement, as plain values: part of a chart's cache key."""
        return tuple((m.date, m.metric, m.value) for m in self.measurements)

    def monitor(self, metric_id: str | None) -> Monitor | None:
        return next((m for m in self.monitors if m.id == metric_id), None)

    def series(self, metric_id: str) -> list[Measurement]:
        return sorted((m for m in self.measurements if m.metric == metric_id),
                      key=lambda m: m.date)

    def latest(self, metric_id: str | None) -> Measurement | None:
        series = self.series(metric_id) if metric_id else []
        return series[-1] if series else None

    def stale(self, metric_id: str | None) -> bool:
        """Whether the metric's latest reading is too old to count as current today."""
        latest, monitor = self.latest(metric_id), self.monitor(metric_id)
        return (latest is not None and monitor is not None
                and is_stale(latest.date, self.today,
                             stale_after(monitor.cadence, self.stale_after_days)))

    @cached_property
    def breaches(self) -> tuple[Breach, ...]:
        """Metrics past their pause value: every page of the plan shows them."""
        raw = [m for m in self.get("monitoring", default=[]) if isinstance(m, dict)]
        found = []
        for monitor, latest, since in latest_breaches(raw, self.measurements):
            triggers = tuple(t["text"] for t in self.get("pause", "triggers", default=[])
                             if t.get("metric") == monitor["id"])
            found.append(Breach(self.monitor(monitor["id"]), latest, since, triggers))
        return tuple(found)

    @property
    def decision_due(self) -> dt.date | None:
        """The planned end of the current stage once it has passed with the stage's gate still
        to decide: the page says the decision is due, not that all is in progress."""
        position = self.position
        stage = position.stage
        if (position.state in ("in_progress", "extended") and stage is not None
                and stage.gate is not None
                and stage.end is not None and stage.end < self.today
                and self.gate_decision(stage) is None):
            return stage.end
        return None

    def pause_on(self, day: dt.date) -> Pause | None:
        """The pause entry in force on `day`: the latest one taken and not yet resumed."""
        found = [p for p in self.pauses if p.in_force_on(day)]
        return max(found, key=lambda p: p.date) if found else None

    @property
    def fallbacks_in_force(self) -> tuple[str, ...]:
        """While paused, the fallbacks in force: those the pause entry names, else every
        fallback the plan lists (a `pause` decision or `status: paused` names none)."""
        listed = tuple(x for x in self.get("pause", "fallbacks", default=[])
                       if isinstance(x, str))
        pause = self.position.pause
        return pause.fallbacks if pause and pause.fallbacks else listed

    def gate_decision(self, stage: Stage) -> Decision | None:
        """The decision that closed the stage's gate: its last `proceed`, `limit`, `redesign`
        or `stop` not after today. `extend` and `pause` leave the gate open."""
        closing = [d for d in self.decisions if d.stage == stage.id
                   and d.outcome in GATE_CLOSING and d.date <= self.today]
        # The latest by date; of two on one day, the one written last (a stable sort).
        return sorted(closing, key=lambda d: d.date)[-1] if closing else None

    def evidence(self, criterion: Criterion, stage: Stage) -> Evidence:
        """A criterion against its metric's latest measurement not after today; for a decided
        gate, not after the decision's date. Only the structured `value` and the metric's
        `better` are read, never the threshold text."""
        decision = self.gate_decision(stage)
        last_day = decision.date if decision else self.today
        series = ([m for m in self.series(criterion.metric) if m.date <= last_day]
                  if criterion.metric else [])
        latest = series[-1] if series else None
        monitor = self.monitor(criterion.metric)
        better = monitor.better if monitor else None
        if criterion.value is None or better not in ("higher", "lower"):
            return Evidence(criterion, latest, "judged", decision)
        if latest is None:
            return Evidence(criterion, None, "no_data", decision)
        if decision is None and self.stale(criterion.metric):
            return Evidence(criterion, latest, "stale")  # an open gate needs a current reading
        met = at_least_as_good(latest.value, criterion.value, better)
        return Evidence(criterion, latest, "met" if met else "not_met", decision)


@dataclass
class Handbook:
    """The organisation, its registries and every plan: what the renderers draw from."""

    name: str
    people: dict[str, Person]
    teams: dict[str, Team]
    tools: dict[str, Tool]
    modules: dict[str, Module]
    plans: dict[str, Plan]
    today: dt.date
    org: dict = field(default_factory=dict)
    changelog: list = field(default_factory=list)  # diff.PolicyChange, newest first
    baseline: Baseline = field(default_factory=Baseline)  # the rules for everyone
    help: Help = field(default_factory=Help)  # help for everyone (_org.yaml support)
    # Questions and answers: plans/_faq.yaml's first, then each plan's (macros/faq.py).
    faq: tuple[Entry, ...] = ()

    def person_name(self, ref: str | None) -> str:
        return self.people[ref].name if ref in self.people else (ref or "")

    def name_of(self, ref: str | None) -> str:
        if ref in self.people:
            return self.people[ref].name
        if ref in self.teams:
            return self.teams[ref].name
        return ref or ""

    def required_by(self, module_id: str) -> list[tuple[Plan, Stage]]:
        """Where a module is required before access: (plan, stage) pairs."""
        return [(p, s) for p in self.plans.values() for s in p.stages if module_id in s.training]

    @cached_property
    def roles(self) -> dict[str, list[tuple[Plan | None, str]]]:
        """Every role a person or team holds, by id: (plan or None for the org, role name)."""
        found: dict[str, list] = {}
        seen: set[tuple[str, int, str]] = set()  # by identity: comparing plans field by field
        # made this quadratic in the plans' size

        def add(ref: Any, plan: Plan | None, role: str) -> None:
            if isinstance(ref, str) and (ref, id(plan), role) not in seen:
                seen.add((ref, id(plan), role))
                found.setdefault(ref, []).append((plan, role))

        for pattern, _kind in ORG_REFERENCES:
            role = ROLE_NAMES.get(pattern)
            if role:
                for path, ref in select(self.org, pattern):
                    add(ref, None, self._org_role(role, path))
        for plan in self.plans.values():
            for pattern, _kind in PLAN_REFERENCES:
                role = ROLE_NAMES.get(pattern)
                if role:
                    for _path, ref in select(plan.raw, pattern):
                        add(ref, plan, role)
        return found

    def _org_role(self, role: str, path: tuple) -> str:
        """A team lead's role names the team: 'Team lead' alone does not say of which."""
        if path[:1] == ("teams",) and path[-1:] == ("lead",):
            team = self.org["teams"][path[1]]
            return f"{role}, {team.get('name') or team.get('id')}"
        return role


ROLE_NAMES: dict[tuple, str] = {
    ("owner",): "Business owner",
    ("sponsor",): "Executive sponsor",
    ("approval", "by"): "Approver",
    ("scope", "users", "*"): "User team",
    ("review", "*", "reviewer"): "Reviewer",
    ("training", "modules", "*", "audience", "*"): "Trainee",
    ("support", "owner"): "Support owner",
    ("support", "tiers", "*", "contacts", "*"): "Support contact",
    ("support", "champions", "*"): "Champion",
    ("support", "champion_groups", "*", "people", "*"): "Champion",
    ("support", "office_hours", "*", "host"): "Hosts office hours",
    ("support", "channels", "*", "watched_by", "*"): "Watches a help channel",
    ("issue_reporting", "triage_owner"): "Triage owner",
    ("escalation", "*", "steps", "*", "contact"): "Escalation contact",
    ("monitoring", "*", "owner"): "Metric owner",
    ("pause", "authority", "*"): "Pause authority",
    ("pauses", "*", "by"): "Paused the rollout",
    ("pauses", "*", "resume", "by"): "Lifted a pause",
    ("stages", "*", "teams", "*"): "Stage team",
    ("stages", "*", "leave", "*"): "Team whose access ends at a stage",
    ("stages", "*", "people", "*"): "Named for access at a stage",
    ("stages", "*", "checklist", "*", "owner"): "Checklist owner",
    ("stages", "*", "gate", "decider"): "Gate decider",
    ("risks", "*", "owner"): "Risk owner",
    ("governance", "definition_owner"): "Owner of the definitions of good",
    ("teams", "*", "lead"): "Team lead",
    ("training", "*", "audience", "*"): "Trainee (organisation-wide training)",
    ("baseline", "report", "contact"): "Takes reports of problems (rules for everyone)",
    ("baseline", "ask", "contacts", "*"): "Answers questions (rules for everyone)",
}


# --- building ---------------------------------------------------------------------------------


def _module(raw: dict, plan_id: str | None) -> Module:
    return Module(
        id=raw["id"], title=raw["title"], audience=_list(raw.get("audience")),
        topics=_list(raw.get("topics")), duration_minutes=raw.get("duration_minutes"),
        format=raw.get("format", ""), required_before_access=bool(raw.get("required_before_access")),
        objectives=_list(raw.get("objectives")), content=raw.get("content", ""), plan_id=plan_id,
        former_ids=_list(raw.get("former_ids")),
    )


def _stage(raw: dict, index: int) -> Stage:
    gate = raw.get("gate")
    return Stage(
        id=raw["id"], name=raw["name"], index=index, pattern=raw.get("pattern", ""),
        former_ids=_list(raw.get("former_ids")),
        teams=_list(raw.get("teams")), leave=_list(raw.get("leave")),
        people=_list(raw.get("people")), headcount=raw.get("headcount"),
        access_percent=raw.get("access_percent"),
        adoption_target_percent=raw.get("adoption_target_percent"),
        start=parse_date(raw.get("start")), end=parse_date(raw.get("end")),
        training=_list(raw.get("training")), gives_access=gives_access(raw),
        headcount_by_team=tuple((t, n) for t, n in (raw.get("headcount_by_team") or {}).items()
                                if isinstance(n, int)),
        checklist=tuple(
            ChecklistItem(c.get("id") or f"check-{n}", c["item"], c.get("owner"),
                          c.get("evidence", ""), parse_date(c.get("done")), c.get("kind"))
            for n, c in enumerate(_list(raw.get("checklist")), 1)
        ),
        gate=Gate(
            decider=gate["decider"],
            criteria=tuple(
                Criterion(c.get("id") or f"criterion-{n}", c["question"], c.get("metric"),
                          c.get("threshold", ""), bool(c.get("blocking")), c.get("value"))
                for n, c in enumerate(_list(gate.get("criteria")), 1)
            ),
            outcomes=_list(gate.get("outcomes")),
        ) if isinstance(gate, dict) else None,
    )


_MONITOR_FIELDS = {f for f in Monitor.__dataclass_fields__}


def build_plan(raw: dict, file: str, today: dt.date,
               measurements: tuple[Measurement, ...] = (),
               last_change: LastChange | None = None,
               stale_after_days: int | None = None) -> Plan:
    uses = raw.get("uses") or {}
    # A row dated after today is not evidence yet: no page, verdict or chart counts it.
    measurements = tuple(m for m in measurements if m.date <= today)
    return Plan(
        id=raw["id"], title=raw["title"], status=raw["status"], risk_tier=raw["risk_tier"],
        raw=raw, file=file, today=today, measurements=measurements, last_change=last_change,
        stale_after_days=stale_after_days,
        monitors=tuple(Monitor(**{k: v for k, v in m.items() if k in _MONITOR_FIELDS})
                       for m in _list(raw.get("monitoring"))),
        stages=tuple(_stage(s, i) for i, s in enumerate(_list(raw.get("stages")))),
        uses=tuple(
            Use(u["id"], u["text"], True, example=u.get("example", ""),
                from_stage=u.get("from_stage"), audience=_list(u.get("audience")))
            for u in _list(uses.get("allowed"))
        ) + tuple(
            Use(u["id"], u["text"], False, reason=u.get("reason", ""))
            for u in _list(uses.get("prohibited"))
        ),
        modules=tuple(_module(m, raw["id"]) for m in _list((raw.get("training") or {}).get("modules"))),
        decisions=tuple(
            Decision(d["stage"], parse_date(d["date"]), d["outcome"], d["by"],
                     d.get("rationale", ""), _list(d.get("evidence")))
            for d in _list(raw.get("decisions"))
        ),
        pauses=tuple(_pause(p) for p in _list(raw.get("pauses"))),
    )


def _pause(raw: dict) -> Pause:
    resume = raw.get("resume") or {}
    return Pause(parse_date(raw["date"]), raw["by"], raw.get("reason", ""),
                 _list(raw.get("fallbacks")), parse_date(resume.get("date")),
                 resume.get("by"), resume.get("reason", ""))


def build_handbook(org: dict, plans: list[tuple[dict, str]], today: dt.date,
                   measurements: dict[str, tuple[Measurement, ...]] | None = None,
                   history: dict[str, LastChange] | None = None,
                   faq: dict | None = None) -> Handbook:
    """From checked data (org mapping, (plan mapping, file) pairs, measurements by plan id,
    git history by file name and plans/_faq.yaml's mapping) to the model."""
    measurements, history = measurements or {}, history or {}
    stale_days = org.get("stale_after_days")
    built = [build_plan(raw, file, today, measurements.get(raw["id"], ()),
                        history.get(f"{raw['id']}.yaml"),
                        stale_days if isinstance(stale_days, int) else None)
             for raw, file in plans]
    modules = {m["id"]: _module(m, None) for m in _list(org.get("training"))}
    for plan in built:
        modules.update({m.id: m for m in plan.modules})
    return Handbook(
        name=(org.get("organisation") or {}).get("name", "Handbook"),
        people={p["id"]: Person(p["id"], p["name"], p.get("role", ""), p.get("contact", ""))
                for p in _list(org.get("people"))},
        teams={t["id"]: Team(t["id"], t["name"], t.get("headcount"), t.get("lead"))
               for t in _list(org.get("teams"))},
        tools={t["id"]: Tool(t["id"], t["name"], t["status"], t.get("vendor", ""),
                             t.get("account", ""), t.get("trains_on_inputs"),
                             t.get("instructions", "")) for t in _list(org.get("tools"))},
        modules=dict(sorted(modules.items())),
        plans={p.id: p for p in sorted(built, key=lambda p: p.id)},
        today=today,
        org=org,
        baseline=build_baseline(org),
        help=build_help(org.get("support")),
        faq=entries_of(faq, None, today) + tuple(
            e for raw, _ in sorted(plans, key=lambda p: p[0]["id"])
            for e in entries_of(raw, raw["id"], today)),
    )
