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
