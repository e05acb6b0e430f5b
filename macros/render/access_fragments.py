"""Fragments on access and uses: who may do what today (teams, people, shares of a team), and
which uses are allowed, in force, prohibited or continue while paused.
"""
from __future__ import annotations

from ..core.dates import day_near, day_words
from ..model.model import Plan
from ..model.parts import Access, Grant, Stage
from .labels import _planned
from .paths import Paths
from .sentences import and_list, capitalised, count, sentence, sentences
from .text import anchor, cell, inline, table


class AccessFragments:
    """Who may do what, and which uses are allowed, in force or prohibited.
    A part of Fragments, which supplies the links and names these methods call."""

    # --- access: who may do what ----------------------------------------------------------

    def headcount(self, grant: Grant, joining: bool = False) -> str:
        """How many people a stage gives access: '5 of the team's 14', '5 people across
        Customer Support and Finance', '' when the stage counts nobody. `joining`: the number
        is of the people the stage adds, said so ('5 join (the team has 14)'), since beside a
        cumulative share (50 %) '5 of the team's 14' reads as everyone with access."""
        if grant.headcount is None:
            return ""
        if grant.at_most:  # a team has left: its share of the number is not known
            names = and_list(self.who(t) for t in grant.teams)
            return f"up to {count(grant.headcount, 'person', 'people')} across {names}"
        if len(grant.teams) == 1:
            team = self.hb.teams.get(grant.teams[0])
            if team and team.headcount and grant.headcount >= team.headcount:
                return f"the whole team of {team.headcount}"
            if team and team.headcount:
                return (f"{grant.headcount} join (the team has {team.headcount})" if joining
                        else f"{grant.headcount} of the team's {team.headcount}")
            return count(grant.headcount, "person", "people") + (" join" if joining else "")
        # Linked names: a team's own name may hold "and" (Validation and Registration).
        names = and_list(self.who(t) for t in grant.teams)
        people = count(grant.headcount, "person", "people") + (" join" if joining else "")
        return f"{people} across {names}" if names else people

    def stage_headcount(self, stage: Stage) -> str:
        """The people a stage adds: its headcount, or without one the whole teams it names."""
        if stage.headcount_by_team:
            return "; ".join(
                f"{self.who(t)}: {self.headcount(Grant(stage, (t, ), n), joining=True)}"
                for t, n in stage.headcount_by_team)
        said = self.headcount(Grant(stage, stage.teams, stage.headcount), joining=True)
        if said:
            return said
        if stage.headcount is None and stage.teams:
            return "the whole " + and_list(self.who(t) for t in stage.teams)
        return cell(None)

    def team_reach(self, access: Access, team_id: str) -> str:
        """One team with access, by name, and how much of it: 'Customer Support',
        'Customer Support (4 of the team's 40)'."""
        grants = access.grants_for(team_id)
        name = self.who(team_id)
        if not grants or any(g.headcount is None for g in grants):
            return name
        team = self.hb.teams.get(team_id)
        counted = sum(g.headcount for g in grants if not g.shared)
        shared = [g for g in grants if g.shared]
        if team and team.headcount and counted >= team.headcount:
            return name
        parts = []
        if counted:
            parts.append(f"{counted} of the team's {team.headcount}" if team and team.headcount
                         else count(counted, "person", "people"))
        parts += [f"part of {'' if g.at_most else 'the '}{self.headcount(g)}" for g in shared]
        return f"{name} ({'; '.join(parts)})" if parts else name

    def holders(self, access: Access) -> str:
        """Everyone with access, in a sentence: teams by name with their share, people who
        share a count across teams, and named people."""
        whole = {t for g in access.grants if g.headcount is None for t in g.teams}
        # A number across teams that a later stage gave whole says nothing more: left out.
        shared = [g for g in access.grants if g.shared and g.headcount is not None
                  and not set(g.teams) <= whole]
        only_shared = {t for t in access.teams
                       if all(g in shared for g in access.grants_for(t))}
        parts = [self.team_reach(access, t) if not any(g in shared for g in
                                                       access.grants_for(t))
                 else self._single_part(access, t)
                 for t in access.teams if t not in only_shared]
        parts += [self.headcount(g) for g in shared]
        parts += [self.people_and(g.people) for g in access.grants if not g.teams]
        return and_list(p for p in parts if p)

    def _single_part(self, access: Access, team_id: str) -> str:
        """A team that is also counted in a shared headcount: its own stages' share only."""
        grants = access.grants_for(team_id)
        own = [g for g in grants if not g.shared]
        name = self.who(team_id)
        if any(g.headcount is None for g in grants):  # a stage gave the whole team access
            return name
        team = self.hb.teams.get(team_id)
        counted = sum(g.headcount for g in own)
        if not counted:  # only its part of a shared number, said beside it
            return ""
        if team and team.headcount and counted < team.headcount:
            return f"{name} ({counted} of the team's {team.headcount})"
        return name

    def named_people(self, grants) -> str:
        people = list(dict.fromkeys(p for g in grants for p in g.people))
        return sentence("Named for access: " + self.people_and(people)) if people else ""

    # --- uses ----------------------------------------------------------------------------------

    def allowed_uses(self, plan: Plan, stage: Stage | None = None) -> str:
        """Allowed uses; with a stage, only those in force at it."""
        uses = plan.uses_at(stage) if stage else plan.allowed
        rows = [[anchor(u.id) + cell(u.text) + self.use_audience(plan, u, "<br>For: "),
                 cell(u.example),
                 self.stage_link(plan, plan.stage(u.from_stage) or
                                 (plan.stages[0] if plan.stages else None))] for u in uses]
        return table(["Allowed use", "Example", "From stage"], rows) or "_No allowed uses._"

    def use_audience(self, plan: Plan, use, lead: str = " — for ", team: str | None = None
                     ) -> str:
        """Who a use is meant for, when its `audience` narrows it: '' for everyone with access.
        On a team's page only the people it names are said (the team itself is implied)."""
        if not use.audience:
            return ""
        if team is not None:
            people = plan.use_people(use)
            return (f"{lead}{self.people_and(people)} only"
                    if people and team not in use.audience else "")
        return f"{lead}{self.people_and(use.audience)} only"

    def use_in_force(self, plan: Plan, use) -> str:
        """'Yes, for …' on /uses/: the teams (with their share, as team pages say it) and
        people a use in force reaches today, and the rule that only those given access may."""
        access = plan.access
        parts = [self.team_reach(access, t) for t in plan.use_teams(use)]
        parts += [self.who(p) for p in plan.use_people(use)]
        parts += [self.people_and(g.people) for g in access.grants if not g.teams
                  and not use.audience]
        who = and_list(p for p in parts if p)
        limited = any(self.team_reach(access, t) != self.who(t) for t in plan.use_teams(use))
        return ("Yes, for " + who + (" (only those given access)" if limited else "")
                if who else "Yes")

    def use_today(self, plan: Plan, use) -> str:
        """Whether an allowed use may be used today, and by whom: /uses/' and the plan page's
        one reading of the access fact."""
        if use in plan.allowed_now:
            return self.use_in_force(plan, use)
        if plan.paused and use in plan.uses_at(plan.position.stage):
            return self.use_while_paused(plan)
        if use in plan.access.uses:  # in force, but its audience has no access today
            return f"No: it is for {self.people_and(use.audience)}, who have no access today"
        return "Not yet" if plan.in_force else "No"

    def prohibited_uses(self, plan: Plan) -> str:
        rows = [[anchor(u.id) + cell(u.text), cell(u.reason)] for u in plan.prohibited]
        return table(["Never", "Why"], rows) or "_No prohibited uses._"

    def never_enter(self, plan: Plan) -> str:
        items = plan.get("data_rules", "never_enter", default=[])
        return "\n".join(f"- {inline(i)}" for i in items) or "_None listed._"

    def allowed_now(self, plan: Plan, team: str | None = None) -> str:
        """What may be done under a plan today; with a team, what that team may do. Read from
        the one access fact of the model (`Plan.access`)."""
        access = plan.access
        position = plan.position
        if plan.paused:
            authority = plan.get("pause", "authority", default=[])
            return sentences(
                " ".join(["**Paused**", self.pause_record(plan)]).strip(),
                self.while_paused(plan),
                ("Ask " + self.people_and(authority) + " what to do") if authority else "")
        if position.state == "stopped":
            return "**Nothing**: the rollout was stopped."
        if plan.status in ("draft", "retired"):
            return sentence("**Nothing**: the plan is "
                            + ("a draft" if plan.status == "draft" else "retired"))
        if team is not None and not access.has(team):
            return self._no_access(plan, team)
        if access.stage is None:
            first = plan.stages[0] if plan.stages else None
            if first is None:
                return "**Nothing yet**: the plan has no stages."
            why = "the plan is approved but not active yet; " if plan.status == "approved" \
                else ""
            return sentence(f"**Nothing yet**: {why}the rollout starts with "
                            f"{self.stage_link(plan, first)}" + _planned(first, plan.today))
        uses = plan.allowed_for(team) if team else plan.allowed_now
        if self.page == Paths.plan(plan.id):  # the plan page: each use is listed here, once
            lines = [f"- {anchor(u.id)}{inline(u.text)}{self.use_audience(plan, u)}"
                     + (f" — _for example:_ {inline(u.example)}" if u.example else "")
                     for u in uses]
        else:
            lines = [f"- {inline(u.text)}{self.use_audience(plan, u, team=team)} "
                     f"([details]({self.href(Paths.plan(plan.id), u.id)}))" for u in uses]
        who = self.team_reach(access, team) if team else self.holders(access)
        intro = self._in_force_intro(plan, access)
        if who:
            intro += f" these uses are allowed for {who}:"
        else:
            intro += (" these uses are in force, but no stage names who has access (ask the "
                      "plan's owner):")
        extra = []
        grants = access.grants_for(team) if team else access.grants
        if team and self.team_reach(access, team) != self.who(team):
            extra.append("Only those given access may use them: if you are not among them, "
                         "nothing yet.")
        extra.append(self.named_people(grants))
        body = "\n".join(lines) or "_No use is allowed at this stage yet._"
        return "\n\n".join(p for p in [capitalised(intro), body, " ".join(e for e in extra if e)]
                           if p)

    def _in_force_intro(self, plan: Plan, access: Access) -> str:
        position = plan.position
        if position.state == "complete":
            return "The rollout is complete:"
        if position.state == "not_started" and position.stage is not access.stage:
            return (f"{self.stage_link(plan, position.stage)} starts"
                    + (f" on {day_near(position.starts, plan.today)}" if position.starts
                       else " later")
                    + f"; until then, what {self.stage_link(plan, access.stage)} allows holds:")
        return f"At the current stage, {self.stage_link(plan, access.stage)},"

    def _no_access(self, plan: Plan, team: str) -> str:
        """A team without access today: when it joins, or why not."""
        left = plan.left_at(team)
        if left is not None:
            ended = f" on {day_words(left.start)}" if left.start else ""
            final = ("" if plan.returns_later(team, left)
                     else " and does not return under this plan")
            return sentence(f"**Nothing**: your team's access ended when "
                            f"{self.stage_link(plan, left)} started{ended}{final}")
        joins = plan.joins_at(team)
        if joins is None:
            return "**Nothing**: no stage of this plan gives your team access."
        why = " once the plan is active" if plan.status == "approved" else ""
        return sentence(f"**Nothing yet**: your team joins at {self.stage_link(plan, joins)}"
                        + _planned(joins, plan.today) + why)

    def position_phrase(self, plan: Plan, with_label: bool = True) -> str:
        """Where the rollout stands, in the right tense: 'in progress since 2026-10-12',
        'not started: starts on 2026-12-07', 'stopped on …'. A future date never follows
        'since'. Without the label, only the part about time ('since 2026-10-12')."""
        position = plan.position
        stage = position.stage
        if stage is None:
            return ""
        label = "rollout complete" if position.state == "complete" else position.label.lower()
        if position.state == "not_started":
            label += ":"
            if position.starts:
                when = f"starts on {day_near(position.starts, plan.today)}"
            elif plan.status in ("draft", "approved"):
                when = "starts when the plan is active"
            else:
                previous = plan.stages[stage.index - 1] if stage.index else None
                when = (f"starts once the gate of stage {previous.index + 1}, "
                        f"“{inline(previous.name)}”, decides" if previous else "")
        else:
            since = day_words(position.since) if position.since else ""
            word = "on" if position.state == "stopped" else "since"
            when = f"{word} {since}" if since else ""
            if plan.decision_due and position.state == "extended":
                when += (f"; its planned end, {day_near(plan.decision_due, plan.today)}, has "
                         "passed and no new end is recorded: the gate's decision is due")
            elif plan.decision_due:
                when += (f"; the gate's decision is due since "
                         f"{day_near(plan.decision_due, plan.today)}")
        return " ".join(p for p in ([label] if with_label else []) + [when] if p)
