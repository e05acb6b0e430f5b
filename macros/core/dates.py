"""The day every command judges and shows: `--today`, else HANDBOOK_TODAY, else the clock.

One function, used by the CLI, the MkDocs hook and the pipeline, so that a build's check and its
pages, or a CI job checking an old commit, judge one stated day.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Mapping

from .values import parse_date

ENV = "HANDBOOK_TODAY"


class DateError(ValueError):
    """A given date that is not YYYY-MM-DD; the message names where it came from."""


def resolve_today(option: str | None = None,
                  environ: Mapping[str, str] | None = None) -> dt.date:
    """`option` (the --today value) if given, else $HANDBOOK_TODAY if set, else the clock."""
    environ = os.environ if environ is None else environ
    if option is not None:
        return _parse(option, "--today")
    value = environ.get(ENV, "")
    if value.strip():
        return _parse(value, ENV)
    return dt.date.today()


def _parse(value: str, source: str) -> dt.date:
    day = parse_date(value.strip())
    if day is None:
        raise DateError(f"{source} is {value!r}, not a date written YYYY-MM-DD "
                        "(e.g. 2026-11-24)")
    return day


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(day: dt.date) -> str:
    """A day as staff read it, 'Tue 24 Nov 2026', whatever the machine's locale."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def days_away(day: dt.date, today: dt.date) -> str:
    """How far a day is from today in words: 'today', 'tomorrow', 'in 3 days', '2 days ago'."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"in {delta} days" if delta > 0 else f"{-delta} days ago"


SOON = 14  # days: nearer than this, a day is also said as a distance ('in 3 days')


def distance_if_near(day: dt.date, today: dt.date) -> str | None:
    """'in 3 days' when a day is within two weeks of today, where a team lead planning around
    a gate or a next stage needs the distance more than the day; else None."""
    return days_away(day, today) if abs((day - today).days) < SOON else None


def day_near(day: dt.date, today: dt.date) -> str:
    """'Tue 12 Jan 2027', followed by '(in 3 days)' when it is within two weeks of today."""
    near = distance_if_near(day, today)
    return f"{day_words(day)} ({near})" if near else day_words(day)
