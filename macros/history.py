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


def _since(since: str | None) -> list[str]:
    # The organisation's history starts at `history_since` in _org.yaml (written by init):
    # commits before it are this tool's or another organisation's, never this one's.
    return [f"--since={since}"] if since else []


def last_changes(plans_dir: Path, since: str | None = None) -> dict[str, Change]:
    """The latest commit touching each file in `plans_dir`, by file name."""
    git = shutil.which("git")
    if git is None:
        return {}
    try:
        done = subprocess.run([git, "log", f"--format={_FORMAT}", *_since(since), "--name-only",
                               "--", "."],
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


def policy_changes(plans_dir: Path, limit: int = 20, since: str | None = None
                   ) -> list[PolicyChange]:
    """The latest commits that changed the rules, newest first; commits that only reformat a
    plan (no policy effect) are left out. Empty outside a git checkout. With `since`, the
    plans as they stood then are not compared with: what came before is not this history."""
    from .diff import Side, SideError, diff, read_side

    git = shutil.which("git")
    if git is None:
        return []
    try:
        prefix = subprocess.run([git, "rev-parse", "--show-prefix"], cwd=plans_dir,
                                capture_output=True, text=True, timeout=30)
        log = subprocess.run([git, "log", f"-n{limit}", f"--format={_FORMAT}%x1f%P",
                              *_since(since),
                              "--", "."], cwd=plans_dir, capture_output=True, text=True,
                             timeout=30)
        inside = subprocess.run([git, "rev-list", *_since(since), "HEAD"], cwd=plans_dir,
                                capture_output=True, text=True, timeout=30) if since else None
    except (OSError, subprocess.SubprocessError):
        return []
    if prefix.returncode != 0 or log.returncode != 0:
        return []
    folder = prefix.stdout.strip().rstrip("/") or "."
    in_history = set(inside.stdout.split()) if inside and inside.returncode == 0 else None
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
        commit, date, author, rest = record.strip("\n").split("\x1f", 3)
        subject, _, parents = rest.rpartition("\x1f")
        new = side(commit)
        if new is None:
            continue
        parent = next(iter(parents.split()), None)
        old = side(parent) if parent and (in_history is None or parent in in_history) else None
        if old is None:  # the first commit of this history: everything is new
            old = Side(f"{commit}^", {}, {})
        effects = diff(old, new)
        if effects:
            found.append(PolicyChange(Change(commit, dt.date.fromisoformat(date), author,
                                             subject), tuple(effects)))
    return found

