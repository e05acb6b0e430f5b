"""Who may do what under a plan, on which day (the Plan's access methods).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cached_property

from .parts import Access, Grant, Stage


class PlanAccess:
    """Who may do what under a plan, on which day: the grants its stages give and where each
    team joins and leaves. A part of Plan, whose fields and position these methods read."""

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
