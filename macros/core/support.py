"""Help with hours and people: office hours, watched help channels and champion groups, from a
plan's `support` or the organisation's (`_org.yaml` `support`), as read-only data; and the
counts the champion-ratio rule reads.

Everything here comes from ids, days, times and headcounts, never from the words of a text
field. It imports nothing of the handbook's but values, so that the rules (which count) and the
model (which shows) can both use it.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKING_DAYS = WEEKDAYS[:5]
DEFAULT_PEOPLE_PER_CHAMPION = 50  # seed 003: "1-2 champions per 50 people"


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(x for x in value if isinstance(x, str)) if isinstance(value, list) else ()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dicts(value: Any) -> list[dict]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def minutes_of(clock: str) -> int | None:
    """'10:30' -> 630; None for anything else."""
    hours, _, minutes = clock.partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        return None
    return int(hours) * 60 + int(minutes)


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class OfficeHours:
    """A weekly drop-in session, held on each of its days."""

    days: tuple[str, ...]
    time: str
    minutes: int
    place: str = ""
    link: str = ""
    host: str | None = None
    from_stage: str | None = None

    @property
    def ends(self) -> str:
        start = minutes_of(self.time) or 0
        return clock(min(start + self.minutes, 24 * 60 - 1))

    def next_on_or_after(self, day: dt.date) -> dt.date | None:
        """The first day from `day` on (that day included) on which it is held."""
        held = [WEEKDAYS.index(d) for d in self.days if d in WEEKDAYS]
        if not held:
            return None
        return min(day + dt.timedelta((weekday - day.weekday()) % 7) for weekday in held)


@dataclass(frozen=True)
class HelpChannel:
    """A channel people ask in, watched on some days between two times."""

    name: str
    opens: str
    closes: str
    days: tuple[str, ...] = WORKING_DAYS
    link: str = ""
    watched_by: tuple[str, ...] = ()  # people or teams
    from_stage: str | None = None


@dataclass(frozen=True)
class ChampionGroup:
    people: tuple[str, ...]
    teams: tuple[str, ...] = ()  # empty: every team of the plan (of the organisation)
    from_stage: str | None = None

    def helps(self, team: str) -> bool:
        return not self.teams or team in self.teams


@dataclass(frozen=True)
class Help:
    """The help of one plan, or of the whole organisation."""

    office_hours: tuple[OfficeHours, ...] = ()
    channels: tuple[HelpChannel, ...] = ()
    champion_groups: tuple[ChampionGroup, ...] = ()
    champions: tuple[str, ...] = ()  # the flat support.champions of a plan: every team, always
    people_per_champion: int = DEFAULT_PEOPLE_PER_CHAMPION

    @property
    def names_champions(self) -> bool:
        return bool(self.champions or self.champion_groups)


def build_help(support: Any, people_per_champion: Any = None) -> Help:
    """From a checked `support` mapping (a plan's or the organisation's); tolerant of missing
    or partial data."""
    raw = support if isinstance(support, dict) else {}
    ratio = people_per_champion if people_per_champion is not None else raw.get(
        "people_per_champion")
    return Help(
        office_hours=tuple(
            OfficeHours(_texts(o.get("days")), _text(o.get("time")), o["minutes"],
                        _text(o.get("place")), _text(o.get("link")), o.get("host"),
                        o.get("from_stage"))
            for o in _dicts(raw.get("office_hours"))
            if isinstance(o.get("minutes"), int) and minutes_of(_text(o.get("time"))) is not None),
        channels=tuple(
            HelpChannel(_text(c.get("name")), _text(c.get("opens")), _text(c.get("closes")),
                        _texts(c.get("days")) or WORKING_DAYS, _text(c.get("link")),
                        _texts(c.get("watched_by")), c.get("from_stage"))
            for c in _dicts(raw.get("channels")) if _text(c.get("name"))),
        champion_groups=tuple(
            ChampionGroup(_texts(g.get("people")), _texts(g.get("teams")), g.get("from_stage"))
            for g in _dicts(raw.get("champion_groups"))),
        champions=_texts(raw.get("champions")),
        people_per_champion=ratio if isinstance(ratio, int) and not isinstance(ratio, bool)
        and ratio >= 1 else DEFAULT_PEOPLE_PER_CHAMPION,
    )


def days_words(days: tuple[str, ...]) -> str:
    """('mon', 'tue', 'wed', 'thu', 'fri') -> 'Mon–Fri'; ('tue', 'thu') -> 'Tue, Thu'."""
    order = sorted({WEEKDAYS.index(d) for d in days if d in WEEKDAYS})
    names = [WEEKDAYS[i].title() for i in order]
    if len(order) >= 3 and order == list(range(order[0], order[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)


# --- counting, for the champion-ratio rule -----------------------------------------------------


def stage_index(stages: list[dict], stage_id: Any) -> int:
    """The index of the stage a `from_stage` names; 0 without one (the first stage); -1 when
    it names no stage of the plan (the ref rule reports it)."""
    if stage_id is None:
        return 0
    return next((i for i, s in enumerate(stages) if s.get("id") == stage_id), -1)


def with_access(stages: list[dict], users: tuple[str, ...], team_sizes: dict[str, int],
                index: int) -> tuple[int, tuple[str, ...]]:
    """How many people have access once stage `index` is reached, and in which teams, from
    headcounts only: a stage's `headcount` (or its split by team), else its teams' headcounts
    in plans/_org.yaml; teams a stage lists under `leave` take their people with them (a
    number shared with teams that stay is kept: at most that many). As the model's grants."""
    implicit = not any(_texts(s.get("teams")) for s in stages)
    grants: list[tuple[tuple[str, ...], int]] = []
    for i, stage in enumerate(stages[: index + 1]):
        leave = _texts(stage.get("leave"))
        if leave:
            grants = [(tuple(t for t in teams if t not in leave), n) for teams, n in grants]
            grants = [(teams, n) for teams, n in grants if teams]
        teams = _texts(stage.get("teams")) or (users if implicit and i == 0 else ())
        headcount = stage.get("headcount")
        split = stage.get("headcount_by_team")
        if headcount == 0:
            continue
        if isinstance(split, dict) and split:
            grants += [((team,), n) for team, n in split.items()
                       if isinstance(n, int) and n > 0]
        elif teams:
            counted = headcount if isinstance(headcount, int) and not isinstance(
                headcount, bool) else sum(team_sizes.get(t, 0) for t in teams)
            grants.append((teams, counted))
        elif _texts(stage.get("people")):
            grants.append(((), len(_texts(stage.get("people")))))
    teams = tuple(dict.fromkeys(t for names, _ in grants for t in names))
    return sum(n for _, n in grants), teams


def champions_at(plan_help: Help, org_help: Help, stages: list[dict], index: int,
                 teams: tuple[str, ...]) -> set[str]:
    """The champions who help the people with access at stage `index`: the plan's flat list,
    its groups in force by then, and the organisation's groups that name one of `teams` (a
    group for everyone is not counted against one plan: it helps the whole organisation)."""
    found = set(plan_help.champions)
    for group in plan_help.champion_groups:
        start = stage_index(stages, group.from_stage)
        if 0 <= start <= index:
            found |= set(group.people)
    for group in org_help.champion_groups:
        if set(group.teams) & set(teams):
            found |= set(group.people)
    return found


def champions_needed(people: int, per_champion: int) -> int:
    return max(1, math.ceil(people / per_champion))
