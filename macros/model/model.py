"""Model: read-only plan objects built from checked documents, and the facts derived from them.

Derived facts (where a rollout stands, what is allowed now, who holds which role) are computed
here once; renderers only read them. The parts of a plan are in parts.py; Plan's access methods
in plan_access.py and its monitoring and evidence methods in plan_evidence.py; build.py makes a
Plan and the Handbook from checked documents.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..core.baseline import Baseline
from ..core.measurements import Measurement
from ..core.rules.base import select
from ..core.rules.references import ORG_REFERENCES, PLAN_REFERENCES
from ..core.support import Help, build_help
from ..core.values import parse_date
from .faq import Entry
from .parts import (Decision, Gate, LastChange, Module, Monitor, Pause, Person, Position, Stage,
                    Team, Tool, Use)
from .plan_access import PlanAccess
from .plan_evidence import PlanEvidence

# Read from model before parts.py was split off; still found here.
from .parts import (GATE_CLOSING, Access, Breach, Evidence, Grant,  # noqa: F401
                    at_least_as_good)


@dataclass(frozen=True)
class Plan(PlanAccess, PlanEvidence):
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
        """Office hours, watched channels and champions of this plan (macros/core/support.py)."""
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
    # How long each definition of good has held: definitions.Held by plan id, then key (from
    # git, macros/history/definition_history.py); empty without history.
    definitions_held: dict = field(default_factory=dict)
    baseline: Baseline = field(default_factory=Baseline)  # the rules for everyone
    help: Help = field(default_factory=Help)  # help for everyone (_org.yaml support)
    # Questions and answers: plans/_faq.yaml's first, then each plan's (macros/model/faq.py).
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
