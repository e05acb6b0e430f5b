"""Rules on help with hours and people: what the tier requires of support, the champion ratio
and teams, support hours.
"""
from __future__ import annotations

from typing import Iterator

from ..diagnostics import ERROR, WARNING, Diagnostic
from ..support import build_help, champions_at, champions_needed, minutes_of, with_access
from ..values import gives_access
from .base import Scope, _outside_access, _required, _stages, entries, get, reads, texts


@reads('risk_tier', 'support.owner', 'support.tiers[].response_time', 'issue_reporting')
def rule_tier_support(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: support owner always; issue reporting at medium and high; support tiers with
    response times at high."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        if not get(plan, "support", "owner"):
            yield scope.report(doc, ("support",), ERROR, "tier-support",
                               "a named support owner is required; champions alone are not "
                               "support", "Add support: {owner: <person>}.")
        if required.issue_reporting and not isinstance(plan.get("issue_reporting"), dict):
            yield scope.report(doc, (), ERROR, "tier-support",
                               "issue_reporting is required at medium and high tier",
                               "Add issue_reporting: {channel, triage_owner, capture}.")
        tiers = entries(get(plan, "support", "tiers"))
        if required.support_tiers and not tiers:
            yield scope.report(doc, ("support",), ERROR, "tier-support",
                               "support tiers with response times are required at high tier",
                               "Add support.tiers with level, name and response_time.")
        if required.response_time_on_every_tier:
            for i, t in tiers:
                if not t.get("response_time"):
                    yield scope.report(doc, ("support", "tiers", i), ERROR, "tier-support",
                                       "every support tier needs a response_time at high tier",
                                       "Add response_time, e.g. 24 hours.")


@reads('support.champions', 'support.champion_groups', 'stages[].headcount',
       'stages[].headcount_by_team', 'stages[].teams', 'stages[].leave', 'risk_tier',
       'teams[].headcount, support.champion_groups and support.people_per_champion in '
       'plans/_org.yaml')
def rule_champion_ratio(scope: Scope) -> Iterator[Diagnostic]:
    """A plan that names champions has enough of them at every stage: people with access (from
    headcounts) per champion at most the organisation's ratio (default 50, seed 003). A
    warning; an error at high tier where the plan uses champion_groups."""
    org = scope.org.data if scope.org else {}
    org_help = build_help(org.get("support"))
    sizes = {t: n for t, team in scope.teams.items()
             if isinstance(n := team.get("headcount"), int)}
    for doc in scope.plans:
        plan = doc.data
        own = build_help(get(plan, "support"))
        stages = [s for _, s in _stages(plan)]
        users = tuple(texts(get(plan, "scope", "users")))
        strict = plan.get("risk_tier") == "high" and bool(own.champion_groups)
        for i, stage in _stages(plan):
            people, teams = with_access(stages, users, sizes, i)
            champions = champions_at(own, org_help, stages, i, teams)
            if not (own.names_champions or champions) or not gives_access(stage):
                continue  # no champion anywhere: the pages say so; the ratio needs one
            ratio = org_help.people_per_champion
            if people <= ratio * len(champions):
                continue
            need = champions_needed(people, ratio)
            have = f"{len(champions)} champion" + ("s help" if len(champions) != 1 else
                                                   " helps")
            said = (f"{have} them, more than {ratio} people per champion" if champions
                    else "no champion helps them yet")
            yield scope.report(
                doc, ("stages", i), ERROR if strict else WARNING, "champion-ratio",
                f"{people} people have access at this stage and {said}",
                f"At most {ratio} people per champion (support.people_per_champion in "
                f"plans/_org.yaml, 50 unless set): name at least {need} champions for this "
                "stage in support.champion_groups (people, teams, from_stage).")


@reads('support.champion_groups[].teams', 'scope.users', 'stages[].teams')
def rule_champion_team(scope: Scope) -> Iterator[Diagnostic]:
    """A plan's champion group helps teams the plan gives access: elsewhere it helps nobody,
    and no team page names it."""
    for doc, path, team in _outside_access(scope, ("support", "champion_groups"), "teams"):
        yield scope.report(doc, path, ERROR, "champion-team", f"the team '{team}' never gets "
                           "access under this plan, so these champions would help nobody there",
                           "Name a team of scope.users or of a stage; champions for other "
                           "teams belong in support.champion_groups of plans/_org.yaml.")


@reads('support.channels[].opens', 'support.channels[].closes', 'support.office_hours[].time',
       'support.office_hours[].minutes', 'the same in plans/_org.yaml')
def rule_support_hours(scope: Scope) -> Iterator[Diagnostic]:
    """A help channel closes after it opens, and office hours end on the day they start."""
    docs = ([scope.org] if scope.org else []) + scope.plans
    for doc in docs:
        for i, channel in entries(get(doc.data, "support", "channels")):
            opens = minutes_of(str(channel.get("opens", "")))
            closes = minutes_of(str(channel.get("closes", "")))
            if opens is not None and closes is not None and closes <= opens:
                yield scope.report(doc, ("support", "channels", i, "closes"), ERROR,
                                   "support-hours", f"the channel closes at "
                                   f"{channel['closes']}, not after it opens at "
                                   f"{channel['opens']}", "Write the hours on the 24-hour "
                                   "clock, e.g. opens: \"08:00\", closes: \"18:00\".")
        for i, session in entries(get(doc.data, "support", "office_hours")):
            start = minutes_of(str(session.get("time", "")))
            length = session.get("minutes")
            if start is not None and isinstance(length, int) and start + length > 24 * 60:
                yield scope.report(doc, ("support", "office_hours", i, "minutes"), ERROR,
                                   "support-hours", f"a session starting at "
                                   f"{session['time']} for {length} minutes runs past midnight",
                                   "Shorten it, or start it earlier.")
