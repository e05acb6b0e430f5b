"""Load: what git knows about the plan files — when each last changed, and in which commit.

What each commit did to the rules is the diff's to say (diff.policy_changes).

One `git log` over plans/ serves every plan (not a process per file). Outside a git checkout,
or without git, there is simply no history: pages say so instead of failing.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_FORMAT = "%x1e%H%x1f%cs%x1f%an%x1f%s"  # record separator, then hash, date, author, subject


@dataclass(frozen=True)
class Commit:
    commit: str
    date: dt.date
    author: str
    subject: str

    @property
    def short(self) -> str:
        return self.commit[:10]


_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")


def since_option(since: str | None) -> list[str]:
    """The revisions of this organisation's history, for `git log` and `git rev-list`: after
    the commit `history_since` names (init writes the commit it started from), or after a
    date; everything when it is not set."""
    if since and _COMMIT.match(since):
        return [f"{since}..HEAD"]
    # The organisation's history starts at `history_since` in _org.yaml (written by init):
    # commits before it are this tool's or another organisation's, never this one's.
    return [f"--since={since}"] if since else []


def last_changes(plans_dir: Path, since: str | None = None) -> dict[str, Commit]:
    """The latest commit touching each file in `plans_dir`, by file name."""
    git = shutil.which("git")
    if git is None:
        return {}
    try:
        done = subprocess.run([git, "log", f"--format={_FORMAT}", *since_option(since),
                               "--name-only",
                               "--", "."],
                              cwd=plans_dir, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    found: dict[str, Commit] = {}
    for record in done.stdout.split("\x1e")[1:]:
        header, _, names = record.partition("\n")
        commit, date, author, subject = header.split("\x1f", 3)
        change = Commit(commit, dt.date.fromisoformat(date), author, subject)
        for name in names.split():
            found.setdefault(Path(name).name, change)
    return found
