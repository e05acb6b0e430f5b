"""Who helps and when: champions, the next office hours as a date, and the channels watched,
for a team page (from the organisation's help and its plans') and for a plan's support section.

Dates come from the page's as-of day; a plan's help is there from its stage (`from_stage`) on,
once the rollout has reached it. Plan text is escaped by the text.py helpers only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.dates import day_words
from ..model.model import Handbook, Plan
from ..core.support import HelpChannel, OfficeHours, days_words
from .fragments import Fragments
from .sentences import and_list
from .text import inline, link_or_text, safe_url

SHOWN = 1  # channels named in the one-line answer (a phone's first screen holds four answers)


@dataclass(frozen=True)
class Session:
    """One upcoming office hour: the day it is next held, and whose it is (None: everyone's)."""

    day: dt.date
    hours: OfficeHours
    plan: Plan | None


def in_force(plan: Plan, stage_id: str | None) -> bool:
    """Whether help given `from_stage` is there on the plan's as-of day: its stage (the first
    without one) is reached, and the plan is neither a draft, retired nor stopped. A stage not
    reached yet has no certain day: its gate decides when it starts."""
    if plan.status in ("draft", "retired") or plan.position.state == "stopped" \
            or not plan.stages:
        return False
    stage = plan.stage(stage_id) or plan.stages[0]
    return plan.reached_index() >= stage.index


def hours_words(f: Fragments, session: Session, short: bool = False) -> str:
    """'Tue 8 Dec 2026, 10:00–11:00, Room 2' with the link and the host; `short` (one line
    on a phone's first screen): the place, else the link as 'online', and no host."""
    hours = session.hours
    if short:
        online = "online" if safe_url(hours.link) else hours.link
        where = [inline(hours.place) or link_or_text(online, hours.link)]
    else:
        where = [inline(hours.place), link_or_text(hours.link, hours.link) if hours.link else "",
                 f"with {f.person(hours.host)}" if hours.host else ""]
    return f"{day_words(session.day)}, {hours.time}–{hours.ends}" + "".join(
        f", {w}" for w in where if w)


def here(label: str, anchor_id: str) -> str:
    return f"[{inline(label)}](#{anchor_id})"


def channel_words(f: Fragments, channel: HelpChannel, watchers: bool = False,
                  short: bool = False) -> str:
    """'#ai-help (watched Mon–Fri 08:00–18:00)', optionally by whom; `short`: the days and
    hours alone."""
    name = link_or_text(channel.name, channel.link) if channel.link else inline(channel.name)
    by = (" by " + and_list([f.who(w) for w in channel.watched_by])
          if watchers and channel.watched_by else "")
    return (f"{name} ({'' if short else 'watched '}{days_words(channel.days)} "
            f"{channel.opens}–{channel.closes}{by})")


class TeamHelp:
    """The help one team has today: its organisation's and that of the plans it is in."""

    def __init__(self, hb: Handbook, f: Fragments, team_id: str, plans: list[Plan]) -> None:
        self.hb, self.f, self.team, self.plans = hb, f, team_id, plans

    def champions(self) -> list[str]:
        """Person ids of the champions who help this team today."""
        found = [p for g in self.hb.help.champion_groups if g.helps(self.team) for p in g.people]
        for plan in self.plans:
            if not in_force(plan, None):
                continue
            found += plan.help.champions
            found += [p for g in plan.help.champion_groups
                      if g.helps(self.team) and in_force(plan, g.from_stage)
                      for p in g.people]
        return list(dict.fromkeys(found))

    def sessions(self) -> list[Session]:
        """Each office hour open to this team, on the next day it is held, soonest first."""
        found = [Session(day, o, None) for o in self.hb.help.office_hours
                 if (day := o.next_on_or_after(self.hb.today))]
        for plan in self.plans:
            found += [Session(day, hours, plan) for hours in plan.help.office_hours
                      if in_force(plan, hours.from_stage)
                      and (day := hours.next_on_or_after(plan.today))]
        return sorted(found, key=lambda s: (s.day, s.hours.time))

    def channels(self) -> list[tuple[HelpChannel, Plan | None]]:
        found: list[tuple[HelpChannel, Plan | None]] = [(c, None) for c in self.hb.help.channels]
        for plan in self.plans:
            found += [(c, plan) for c in plan.help.channels
                      if in_force(plan, c.from_stage)]
        return found

    # --- what the page says ------------------------------------------------------------------

    def champion_phrase(self) -> str:
        names = [self.f.person(p) for p in self.champions()]
        if not names:
            return "no champion for your team yet"
        return ("your champion: " if len(names) == 1 else "your champions: ") + and_list(names)

    def line_parts(self) -> list[str]:
        """For the one-line answer: the champions, where to ask now, the next office hours."""
        sessions = self.sessions()
        channels = self.channels()
        # The team's own (its plans') channels first: the most specific place to ask.
        named = [channel_words(self.f, c, short=True)
                 for c, _ in sorted(channels, key=lambda pair: pair[1] is None)]
        if len(named) > SHOWN:  # one line stays one line: the rest are in #help
            named = named[:SHOWN] + [here(f"{len(named) - SHOWN} more", "help")]
        return [self.champion_phrase(),
                ("ask now in " + and_list(named, "or")) if named else "",
                ("next office hours " + hours_words(self.f, sessions[0], short=True))
                if sessions else ""]

    def block(self) -> str:
        """The start of `#help`: champions, office hours with their next dates, channels."""
        f = self.f
        parts = ["**Champions:** " + (and_list([f.person_with_contact(p)
                                                 for p in self.champions()])
                                       or "_none named for your team yet._")]
        sessions = self.sessions()
        if sessions:
            parts.append("**Office hours:**\n\n" + "\n".join(
                f"- {hours_words(f, s)} — every {days_words(s.hours.days)}"
                + (f" ({f.plan_link(s.plan)})" if s.plan else " (open to everyone)")
                for s in sessions))
        channels = self.channels()
        if channels:
            parts.append("**Ask in:**\n\n" + "\n".join(
                f"- {channel_words(f, c, watchers=True)}"
                + (f" ({f.plan_link(plan)})" if plan else "") for c, plan in channels))
        return "\n\n".join(parts)


def plan_help(f: Fragments, plan: Plan) -> str:
    """A plan's champion groups, office hours and channels, each with the stage it starts at
    and, for office hours in force, the next day held (from the page's as-of day)."""
    def stage(stage_id: str | None) -> str:
        return f.stage_link(plan, plan.stage(stage_id) or (plan.stages[0] if plan.stages
                                                            else None))

    # Lists, not tables: a plan page is read on a phone, and each entry is one line there.
    groups = [f"- {f.people(g.people)} — for "
              + (f.people(g.teams) if g.teams else "all the plan's teams")
              + f", from {stage(g.from_stage)}" for g in plan.help.champion_groups]
    hours = []
    for o in plan.help.office_hours:
        day = o.next_on_or_after(plan.today) if in_force(plan, o.from_stage) else None
        where = "; ".join(x for x in (inline(o.place), link_or_text(o.link, o.link)
                                      if o.link else "") if x)
        hours.append(f"- Every {days_words(o.days)}, {o.time}–{o.ends}"
                     + (f", {where}" if where else "")
                     + (f", with {f.person(o.host)}" if o.host else "")
                     + (f" — next: **{day_words(day)}**" if day else
                        f" — from {stage(o.from_stage)}"))
    channels = [f"- {channel_words(f, c)}"
                + (f", watched by {f.people(c.watched_by)}" if c.watched_by else "")
                + f", from {stage(c.from_stage)}" for c in plan.help.channels]
    return "\n\n".join(x for x in (
        ("**Champion groups:**\n\n" + "\n".join(groups)) if groups else "",
        ("**Office hours:**\n\n" + "\n".join(hours)) if hours else "",
        ("**Help channels:**\n\n" + "\n".join(channels)) if channels else "") if x)
