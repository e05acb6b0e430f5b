"""Fragments: the Markdown pieces that generated pages and hand-written pages (macros) share.

A `Fragments` is bound to the handbook and to the page it writes into, so that every link it
makes is relative to that page and checked by MkDocs under --strict.
"""
from __future__ import annotations

import datetime as dt
import posixpath
import re

from ..dates import day_near, day_words, distance_if_near
from ..model import Access, Evidence, Grant, Handbook, Module, Plan, Stage
from ..readiness import PRODUCTION, readiness
from ..values import parse_date
from .charts import metric_chart
from .diagram import escalation_svg
from .sentences import (amount, and_list, bound, capitalised, count, pause_bound, plain_end,
                        sentence, sentences)
from .text import anchor, cell, inline, link_or_text, markdown, safe_url, table, visible

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
# Fallbacks under which use goes on, restricted (seed 000); the others replace it.
CONTINUING_FALLBACKS = ("extra_review", "limit_to_trained", "remove_sensitive_data",
                        "pause_expansion")
FALLBACKS = {
    "manual_work": "Return to manual work",
    "extra_review": "Add extra review of every output",
    "limit_to_trained": "Limit use to trained staff",
    "remove_sensitive_data": "Remove sensitive data access",
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
    governance = "governance.md"
    changes = "changes.md"
    communications = "communications.md"
    faq = "faq.md"

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
    def evidence(plan_id: str) -> str:
        return f"plans/{plan_id}/evidence.md"

    @staticmethod
    def print(plan_id: str) -> str:
        return f"plans/{plan_id}/print.md"

    @staticmethod
    def is_print(src: str) -> bool:
        """A plan's print view: published, but in no nav (the plan page links to it)."""
        return src.startswith("plans/") and src.endswith("/print.md")

    @staticmethod
    def module(module_id: str) -> str:
        return f"training/{module_id}.md"

    @staticmethod
    def team(team_id: str) -> str:
        return f"teams/{team_id}.md"


def use_anchor(plan_id: str, use_id: str) -> str:
    # Slugs never contain "--", so plan "a-b" + use "c" cannot collide with plan "a" + use "b-c".
    return f"{plan_id}--{use_id}"


def continues_while_paused(plan: Plan) -> bool:
    """A pause whose fallbacks let use go on, on conditions (the Paused notice names them)."""
    return any(f in CONTINUING_FALLBACKS for f in plan.fallbacks_in_force)


def relative(target: str, folder: str) -> str:
    """posixpath.relpath for two paths inside the docs folder, without its os.getcwd() call
    per link (a tenth of a 100-plan build's own time went there)."""
    to = [part for part in posixpath.normpath(target).split("/") if part not in ("", ".")]
    start = [part for part in posixpath.normpath(folder or ".").split("/") if part not in ("", ".")]
    common = 0
    while common < min(len(to), len(start)) and to[common] == start[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


class Fragments:
    def __init__(self, handbook: Handbook, page: str):
        self.hb = handbook
        self.page = page

    # --- links ---------------------------------------------------------------------------------

    def href(self, target: str, fragment: str = "") -> str:
        rel = relative(target, posixpath.dirname(self.page))
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

    def contact(self, ref: str, role: bool = False) -> str:
        """A person by name (with their role if asked), then how to reach them."""
        person = self.hb.people.get(ref)
        out = self.person(ref)
        if role and person and person.role:
            out += f" ({inline(person.role)})"
        if person and person.contact:
            contact = person.contact
            url = f"mailto:{contact}" if "@" in contact and ":" not in contact else contact
            out += " — " + link_or_text(contact, url)
        return out

    def person_with_contact(self, ref: str) -> str:
        return self.contact(ref, role=True)

    def last_change(self, plan: Plan) -> str:
        """The day and what changed for staff, and whether that change was approved. Commit
        ids, authors and messages are the governance change log's, not staff pages'."""
        change = plan.last_change
        if change is None:
            return "_not recorded_"
        by = plan.change_approved_by
        day = day_words(change.date) if change.date else "date unknown"
        return (f"{day}: {inline(visible(change.summary))} — "
                + (f"approved by {self.person(by)}" if by else "approval not recorded"))

    # --- banners -------------------------------------------------------------------------------

    def banners(self, plan: Plan, pause: bool = True) -> str:
        """What must be impossible to miss on every page of a plan. `pause=False` where the
        text beside it already says the rollout is paused and what to do (a team page's may
        block), so it is not said twice."""
        out = [self.breach_banner(plan, b) for b in plan.breaches]
        authority = plan.get("pause", "authority", default=[])
        if plan.paused and pause:
            text = sentences(
                " ".join(["The rollout is **paused**", self.pause_record(plan)]).strip(),
                self.while_paused(plan),
                ("Who may lift the pause: " + self.people_and(authority)) if authority else
                "The plan names nobody who may lift the pause: ask its owner")
            out.append(f'!!! danger "Paused"\n    {text}')
        if plan.position.state == "stopped":
            out.append('!!! danger "Stopped"\n    The rollout was stopped by a gate decision. '
                       "Do not use AI for this work.")
        if plan.review_overdue:
            out.append(
                f'!!! warning "Overdue for review"\n    This plan was due for review on '
                f"{day_words(plan.review_by)}. Owner: {self.person(plan.owner)}."
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

    def use_while_paused(self, plan: Plan) -> str:
        """A use of the stage a pause interrupted, as /uses/ says it: the same reading as the
        plan's Paused banner (what continues, on which condition), in one cell."""
        since = plan.position.since
        head = "Paused" + (f" since {day_words(since)}" if since else "")
        if continues_while_paused(plan):
            return (f"{head}: only on the conditions its "
                    f"{self.link('Paused notice', Paths.plan(plan.id))} names")
        return f"{head}: do not use"

    def status_word(self, plan: Plan) -> str:
        """The plan's status as staff must read it: a pause in force outranks 'Active'."""
        if plan.paused and plan.status != "paused":
            since = plan.position.since
            return "Paused" + (f" since {day_words(since)}" if since else "")
        return STATUS.get(plan.status, plan.status)

    def pause_history(self, plan: Plan) -> str:
        """Every recorded pause, with who took and lifted it, why, and what was in force."""
        rows = []
        for pause in plan.pauses:
            listed = pause.fallbacks or tuple(plan.get("pause", "fallbacks", default=[]))
            ended = (f"{day_words(pause.resumed)}, by {self.person(pause.resumed_by)}"
                     + (f": {inline(plain_end(pause.resume_reason))}"
                        if pause.resume_reason else "")) if pause.resumed else "**in force**"
            rows.append([cell(day_words(pause.date)), self.person(pause.by), cell(pause.reason),
                         "; ".join(inline(plain_end(FALLBACKS.get(f, f))) for f in listed)
                         or cell(None), ended])
        return table(["Paused on", "By", "Why", "In force", "Resumed"], rows)

    def pause_record(self, plan: Plan) -> str:
        """'since … , by …: reason', from what recorded the pause ('' when nothing did: a
        `status: paused` says neither when nor who)."""
        position = plan.position
        pause = position.pause
        if pause is not None:
            reason = f": {inline(plain_end(pause.reason))}" if pause.reason else ""
            return f"since {day_words(pause.date)}, by {self.person(pause.by)}{reason}"
        decision = position.decision
        if decision is not None and decision.outcome == "pause":
            return (f"since {day_words(decision.date)}, by {self.person(decision.by)} at the "
                    f"gate of {self.stage_link(plan, plan.stage(decision.stage))}")
        return ""

    def while_paused(self, plan: Plan) -> str:
        """What staff do while paused. A fallback that lets use go on (extra review, trained
        staff only, no sensitive data access, no expansion) is a condition of continued use,
        never listed beside "use is paused" as if both held."""
        in_force = plan.fallbacks_in_force
        continuing = [f for f in in_force if f in CONTINUING_FALLBACKS]
        stopping = [f for f in in_force if f not in CONTINUING_FALLBACKS]
        named = [inline(plain_end(FALLBACKS.get(f, f))) for f in stopping]
        if not continuing:
            return (("Do not use AI for this work. Instead: " + "; ".join(named)) if named
                     else "Do not use AI for this work")
        conditions = "; ".join(inline(plain_end(FALLBACKS[f])) for f in continuing)
        return sentences(
            f"Use may continue for those who had access, only on these conditions: {conditions}",
            ("Where these cannot be met: " + "; ".join(named)) if named else "")

    def breach_banner(self, plan: Plan, breach) -> str:
        monitor = breach.monitor
        fired = "; ".join(inline(plain_end(t)) for t in breach.triggers)
        fallbacks = [inline(plain_end(FALLBACKS.get(f, f)))
                     for f in plan.get("pause", "fallbacks", default=[])]
        authority = plan.get("pause", "authority", default=[])
        reached = "at" if breach.latest.value == monitor.pause_value else "past"
        lines = [
            (f"**Trigger fired: {fired}.** " if fired else "")
            + sentence(f"{self.metric_link(plan, monitor.id)}"
                       f" measured **{inline(amount(breach.latest.value, monitor.unit))}** on "
                       f"{day_words(breach.latest.date)}, {reached} its pause value of "
                       f"{inline(amount(monitor.pause_value, monitor.unit))} (since "
                       f"{day_words(breach.since.date)})"),
        ]
        if plan.paused:  # decided: the Paused banner says what holds now
            return '!!! warning "Pause threshold reached"\n' + "\n".join(
                f"    {line}\n" for line in lines).rstrip("\n")
        if plan.stale(monitor.id):  # an old reading is not a current alarm: it asks for data
            lines.append(sentence("No reading since: the metric's owner, "
                                  f"{self.person(monitor.owner)}, must measure it again "
                                  "before anyone can tell whether the threshold still holds")
                         if monitor.owner else sentence(
                             "No reading since: measure it again before anyone can tell "
                             "whether the threshold still holds"))
            return '!!! warning "Last reading past the pause threshold — no current data"\n' \
                + "\n".join(f"    {line}\n" for line in lines).rstrip("\n")
        lines.append(sentence("**Who decides now:** " + (
            self.people_and(authority) if authority
            else "the plan names nobody: ask its owner")))
        if fallbacks:
            lines.append(sentence("**Fallbacks:** " + "; ".join(fallbacks)))
        return '!!! danger "Pause threshold crossed"\n' + "\n".join(
            f"    {line}\n" for line in lines).rstrip("\n")

    def people_and(self, refs) -> str:
        """People or teams in a sentence: 'A, B and C'."""
        return and_list(self.who(r) for r in refs)

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
            rows.append([anchor(f"metric-{m.id}") + cell(m.metric), cell(m.area.title()),
                         cell(bound(m.target_value, m.better, m.unit) or m.target),
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

    # --- cross-plan ----------------------------------------------------------------------------

    def plans_table(self) -> str:
        rows = []
        for plan in self.hb.plans.values():
            position = plan.position
            stage = (self.stage_link(plan, position.stage) + f" — {self.position_phrase(plan)}"
                     if position.stage else cell(None))
            review = cell(day_words(plan.review_by) if plan.review_by else None)
            if plan.review_overdue:
                review += " **(overdue)**"
            rows.append([self.plan_link(plan), cell(self.status_word(plan)),
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
                row.append("✔" if verdict.ready else
                           f"**✘** {fields_as_code(verdict.reason)}" if verdict.state ==
                           "not_ready" else f"**No data yet:** {fields_as_code(verdict.reason)}")
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
                self.tool_instructions(tool),
            ])
        return table(["Tool", "Vendor", "Status", "Account", "Trains on inputs", "Used by",
                      "Instructions"], rows)

    # --- the rules for everyone ----------------------------------------------------------------

    def rules_for_everyone(self) -> str:
        """The baseline that binds everyone whatever their team or plan: the tool inventory by
        status with its instructions, then `baseline:` of _org.yaml. Each part has a stable id
        (`#everyone`, `#everyone-never`, ...) that trainers link; a part with nothing to say is
        left out."""
        base = self.hb.baseline
        parts = ["## Rules for everyone {#everyone}",
                 f"These apply to everyone at {inline(self.hb.name)}, whatever their team. "
                 "Each rollout plan adds its own rules to them."]
        for status, heading, anchor_id in TOOL_GROUPS:
            tools = [t for t in self.hb.tools.values() if t.status == status]
            if tools:
                parts.append(f"### {heading} {{#{anchor_id}}}\n\n" + "\n".join(
                    f"- **{self.link(t.name, Paths.tools, t.id)}**"
                    + (f" — {self.tool_instructions(t)}" if t.instructions else "")
                    for t in tools))
        if base.never_enter:
            parts.append("### Never enter into any AI tool {#everyone-never}\n\n"
                         + "\n".join(f"- {inline(item)}" for item in base.never_enter))
        if base.review_before_sending:
            parts.append("### Review before sending {#everyone-review}\n\n"
                         + inline(base.review_before_sending))
        if base.reports:
            parts.append("### Report a problem {#everyone-report}\n\n" + self._where_who(
                (base.report_channel,) if base.report_channel else (),
                (base.report_contact,) if base.report_contact else ()))
        if base.asks:
            parts.append("### Ask before you try {#everyone-ask}\n\n"
                         + self._where_who(base.ask_channels, base.ask_contacts))
        return "\n\n".join(parts)

    def _where_who(self, channels: tuple[str, ...], contacts: tuple[str, ...]) -> str:
        lines = [f"- **Where:** {'; '.join(inline(c) for c in channels)}" if channels else "",
                 f"- **Who:** {'; '.join(self.person_with_contact(c) for c in contacts)}"
                 if contacts else ""]
        return "\n".join(line for line in lines if line)

    def find_your_team(self) -> str:
        """Every team, linked to its page, on one line each: the staff's way in."""
        return "\n".join(f"- {self.link(t.name, Paths.team(t.id))}"
                         for t in self.hb.teams.values()) or "_No teams yet._"

    def not_listed(self) -> str:
        """/uses/' answer for a task it does not list, from the baseline's fields alone."""
        base = self.hb.baseline
        who = and_list([self.person(c) for c in base.ask_contacts]
                       + [inline(plain_end(c)) for c in base.ask_channels], "or")
        never = and_list([inline(plain_end(i)) for i in base.never_enter], "or")
        answer = sentence("**Not listed? Then it is not approved**" + (
            f": ask {who}" if who else "") + (f"; never with {never}" if never else ""))
        return answer + " " + sentence(
            "The " + self.link("rules for everyone", Paths.home, "everyone") + " apply to every "
            "task")

    def tool_link(self, tool_id: str) -> str:
        """A tool by name, linked to its row; a tool that is not plainly approved says so."""
        tool = self.hb.tools.get(tool_id)
        link = self.link(tool.name if tool else tool_id, Paths.tools, tool_id)
        return link + (f" ({tool.status})" if tool and tool.status != "approved" else "")

    def tool_instructions(self, tool) -> str:
        """A tool's `instructions` under the words its status calls for: how to get an approved
        tool, the condition of a restricted one, why not for a prohibited one. A link is a
        link; text is shown as written (for a restricted tool it is its only rule)."""
        if not tool.instructions:
            return cell(None)
        label = INSTRUCTIONS_LABEL.get(tool.status, "Instructions")
        if safe_url(tool.instructions):
            return link_or_text(label, tool.instructions)
        return f"**{label}:** {inline(tool.instructions)}"


_FIELD = re.compile(r"`([a-z_][a-z0-9_.]*(?:: [a-z_]+)?)`")


def fields_as_code(text: str) -> str:
    """Plain text in which our own field names are written between backticks ("add
    `pause_value`"): the names become code, everything else is escaped."""
    parts = _FIELD.split(text)
    # inline() trims each piece; the spaces around a field name belong to the sentence.
    return "".join(f"`{p}`" if i % 2 else
                   (" " if p[:1].isspace() else "") + inline(p)
                   + (" " if p[-1:].isspace() and p.strip() else "")
                   for i, p in enumerate(parts))


def _reading(measured, unit: str | None) -> str | None:
    """A measurement as plain text, with its metric's unit: '28 % on 2026-11-23'."""
    if measured is None:
        return None
    return f"{amount(measured.value, unit)} on {day_words(measured.date)}"


def _stale(measured) -> str:
    return f"stale (no reading since {day_words(measured.date)})"


def written_day(value: object) -> str:
    """A day the plan writes as text (`approval.date`, a message's date), as staff read days;
    anything that is not a date is shown as written."""
    day = parse_date(value)
    return day_words(day) if day else inline(value)


def _planned(stage: Stage, today: dt.date) -> str:
    """' (planned from Mon 7 Dec 2026, in 13 days)': one pair of brackets, never two."""
    if not stage.start:
        return ""
    near = distance_if_near(stage.start, today)
    return f" (planned from {day_words(stage.start)}" + (f", {near})" if near else ")")


# The tools of the rules for everyone, by status: (status, heading, stable anchor id).
TOOL_GROUPS = (("approved", "Approved tools", "everyone-approved"),
               ("restricted", "Restricted tools: only on their condition", "everyone-restricted"),
               ("prohibited", "Prohibited tools: never for work", "everyone-prohibited"))

# The heading a tool's `instructions` go under, by the tool's status.
INSTRUCTIONS_LABEL = {"approved": "How to get it", "restricted": "Condition of use",
                      "prohibited": "Why not"}

# What a closing decision did, after "the gate …".
GATE_OUTCOME_PAST = {"proceed": "proceeded", "limit": "limited the rollout",
                     "redesign": "sent the stage for redesign", "stop": "stopped the rollout"}


def _judged_value(evidence: Evidence, monitor) -> str | None:
    """A criterion's `value` in words, in its metric's direction: 'at most 30 %'."""
    if monitor is None:
        return None
    return bound(evidence.criterion.value, monitor.better, monitor.unit)


def _percent(value: float | None) -> str | None:
    return None if value is None else f"{value:g} %"


def _period(stage: Stage) -> str | None:
    if stage.start and stage.end:
        return f"{day_words(stage.start)} to {day_words(stage.end)}"
    if stage.start:
        return f"from {day_words(stage.start)}"
    return None
