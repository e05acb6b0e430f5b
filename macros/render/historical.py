"""Pages of the policy as it stood on a past day: the banner every such page carries, the home
page of a dated snapshot (with the problems today's rules find in it) and the list of snapshots.

Commit ids are hexadecimal and days are dates; every other word here is the tool's own or goes
through the text.py helpers.
"""
from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass

from ..core.dates import day_words
from ..core.diagnostics import Diagnostic
from ..model.model import Handbook
from .fragments import Fragments
from .paths import Paths
from .page import page
from .search import never_searched
from .text import cell, inline, table

ROOT = "as-of"
INDEX = f"{ROOT}/index.md"


@dataclass(frozen=True)
class Stood:
    """Which commit's plans a historical page shows, and on which day they were judged."""

    day: dt.date
    commit: str
    committed: dt.date | None
    left_out: int = 0  # plan files not shown: they have errors under today's rules

    @property
    def short(self) -> str:
        return self.commit[:7]


def folder(day: dt.date) -> str:
    """The source folder of the snapshot of a day: as-of/YYYY-MM-DD/."""
    return f"{ROOT}/{day.isoformat()}/"


def is_snapshot(src: str) -> bool:
    """A page of a dated snapshot: published, in no nav, in no search."""
    return src.startswith(f"{ROOT}/") and src != INDEX


def banner(stood: Stood, today_link: str | None, home: str | None = None) -> str:
    """The note that opens every historical page. `today_link`: the address of today's
    policy, relative to the page (None: there is no page of it to link); `home`: the page
    that lists the errors ("": this one; None: none, the build printed them)."""
    committed = stood.committed.isoformat() if stood.committed else "an unknown date"
    text = (f"This is the policy as it stood on {day_words(stood.day)} (commit {stood.short} "
            f"of {committed}).")
    if stood.left_out:
        errors = (f"[the errors]({home})" if home else "the errors listed below"
                  if home == "" else "the errors the build printed")
        text += (f" {stood.left_out} file(s) of the plans then fail today's rules and are not "
                 f"shown; see {errors}.")
    today = f"[Today's policy]({today_link})" if today_link else "Today's policy: the handbook " \
        "built without --as-of"
    return f'!!! note "A past policy"\n    {text} {today}.'


def with_banner(markdown: str, note: str) -> str:
    """A page with `note` right under its h1 (or first, on a page without one)."""
    head, h1, rest = markdown.partition("\n# ")
    if not h1:
        if markdown.startswith("# "):
            title_line, _, body = markdown.partition("\n")
            return f"{title_line}\n\n{note}\n\n{body.lstrip(chr(10))}"
        return f"{note}\n\n{markdown}"
    title_line, _, body = rest.partition("\n")
    return f"{head}{h1}{title_line}\n\n{note}\n\n{body.lstrip(chr(10))}"


def moved(page_src: str, prefix: str) -> str:
    """A generated page's source path inside a snapshot folder. Generated pages link to each
    other by relative paths, so a whole set moved under one folder keeps every link."""
    return prefix + page_src


def relative(target: str, from_src: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(from_src) or ".")


def snapshot_home(stood: Stood, errors: list[Diagnostic], handbook: Handbook | None) -> str:
    """as-of/D/index.md: the home page of a snapshot, where its pages' links to the home page
    lead (the rules for everyone, the teams), with the problems today's rules find in the
    plans of that day (shown, never a reason to refuse)."""
    blocks = ["_No page of this policy can be shown: its organisation file fails today's "
              "rules._"]
    if handbook is not None:
        here = Fragments(handbook, Paths.home)  # moved with the pages it links to
        blocks = [here.rules_for_everyone(), "## Find your team {#find-your-team}",
                  here.find_your_team(), "## For governance\n\n"
                  + here.link("Plans, readiness, reviews and the change log", Paths.governance)]
    if errors:
        rows = [[cell(f"{d.file}:{d.line}:{d.column}"), cell(d.rule), cell(d.message)]
                for d in errors]
        listing = table(["Where", "Rule", "Problem"], rows).replace("\n", "\n    ")
        blocks.append('!!! warning "These plans fail today\'s rules"\n    The plans as they '
                      "stood then are judged by today's check. Files with errors are left out "
                      "of this snapshot; the rest is shown.\n\n    " + listing)
    return never_searched(page(f"The policy on {day_words(stood.day)}",
                         "What staff were allowed to do that day, as the plans then said.",
                         *blocks))


@dataclass(frozen=True)
class Listed:
    """One dated snapshot in the list: its day, and the earlier day whose pages it reuses."""

    stood: Stood
    same_as: dt.date | None = None


def snapshots_index(listed: list[Listed]) -> str:
    """as-of/index.md: every dated snapshot, newest first."""
    rows = []
    for item in reversed(listed):
        day = item.stood.day
        shown = item.same_as or day
        note = (f"unchanged since {day_words(item.same_as)}" if item.same_as
                else "plans changed" if item.stood.left_out == 0
                else f"{item.stood.left_out} file(s) fail today's rules")
        committed = item.stood.committed.isoformat() if item.stood.committed else ""
        rows.append([f"[{inline(day_words(day))}]({relative(folder(shown) + 'index.md', INDEX)})",
                     f"`{item.stood.short}`", cell(committed), cell(note)])
    body = (table(["Day", "Commit", "Committed", "Note"], rows) if rows
            else "_No snapshot yet: none of the days falls within the history._")
    return never_searched(page("The policy on past days",
                         "What the handbook said on each of these days, built from the plans "
                         "in git as they stood then. Each page of a snapshot says so at its "
                         "top; search finds only today's policy.", body))
