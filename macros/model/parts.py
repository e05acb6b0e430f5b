"""The parts a plan is made of, as read-only values: people, teams, tools, training modules, uses,
stages with their gates and checklists, decisions, pauses, monitors, breaches and evidence, and
who holds access on a day (Grant, Access) and where a rollout stands (Position).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..core.measurements import Measurement
from ..core.values import gives_access


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
    available_to: str = "everyone"  # or "plan-users": only those a plan gives access to

    @property
    def for_everyone(self) -> bool:
        """Approved for anyone under the rules for everyone, with no plan needed."""
        return self.status == "approved" and self.available_to != "plan-users"

    @property
    def plan_users_only(self) -> bool:
        """Approved, but only for the people a plan naming it in `scope.tools` gives access to."""
        return self.status == "approved" and self.available_to == "plan-users"


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
    baseline: dict | None = None  # its usual range as written (macros/core/drift.py reads it)


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
