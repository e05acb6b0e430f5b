"""Load: what git knows about the plan files — when each last changed, and in which commit.

One `git log` over plans/ serves every plan (not a process per file). Outside a git checkout,
or without git, there is simply no history: pages say so instead of failing.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_FORMAT = "%x1e%H%x1f%cs%x1f%an%x1f%s"  # record separator, then hash, date, author, subject


@dataclass(frozen=True)
class Change:
    commit: str
    date: dt.date
    author: str
    subject: str

    @property
    def short(self) -> str:
        return self.commit[:10]


def last_changes(plans_dir: Path) -> dict[str, Change]:
    """The latest commit touching each file in `plans_dir`, by file name."""
    git = shutil.which("git")
    if git is None:
        return {}
    try:
        done = subprocess.run([git, "log", f"--format={_FORMAT}", "--name-only", "--", "."],
                              cwd=plans_dir, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    found: dict[str, Change] = {}
    for record in done.stdout.split("\x1e")[1:]:
        header, _, names = record.partition("\n")
        commit, date, author, subject = header.split("\x1f", 3)
        change = Change(commit, dt.date.fromisoformat(date), author, subject)
        for name in names.split():
            found.setdefault(Path(name).name, change)
    return found


@dataclass(frozen=True)
class PolicyChange:
    """One commit's effect on the rules, through the diff engine."""

    change: Change
    effects: tuple  # of diff.Change


def policy_changes(plans_dir: Path, limit: int = 20) -> list[PolicyChange]:
    """The latest commits that changed the rules, newest first; commits that only reformat a
    plan (no policy effect) are left out. Empty outside a git checkout."""
    from .diff import SideError, diff, read_side

    git = shutil.which("git")
    if git is None:
        return []
    try:
        prefix = subprocess.run([git, "rev-parse", "--show-prefix"], cwd=plans_dir,
                                capture_output=True, text=True, timeout=30)
        log = subprocess.run([git, "log", f"-n{limit}", f"--format={_FORMAT}", "--", "."],
                             cwd=plans_dir, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return []
    if prefix.returncode != 0 or log.returncode != 0:
        return []
    folder = prefix.stdout.strip().rstrip("/") or "."
    sides: dict[str, object] = {}

    def side(revision: str):
        if revision not in sides:
            try:
                sides[revision] = read_side(revision, plans_dir, folder)
            except SideError:
                sides[revision] = None
        return sides[revision]

    found = []
    for record in log.stdout.split("\x1e")[1:]:
        commit, date, author, subject = record.strip().split("\x1f", 3)
        new, old = side(commit), side(f"{commit}^")
        if new is None:
            continue
        if old is None:  # the first commit with plans: everything is new
            from .diff import Side

            old = Side(f"{commit}^", {}, {})
        effects = diff(old, new)
        if effects:
            found.append(PolicyChange(Change(commit, dt.date.fromisoformat(date), author,
                                             subject), tuple(effects)))
    return found
