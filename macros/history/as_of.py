"""The policy on any day: which commit held the plans on a day, and those plans in a folder.

The plans as of day D are those of the last first-parent commit of HEAD, with a committer date
on or before D, that changed plans/ (the same tree as the last first-parent commit of any kind
on or before D). Only the organisation's history counts (`history_since` in _org.yaml): a day
before it, or before the first commit, has no policy to show, and says so.

Git is read, never written: the plans of a commit are unpacked with `git archive` into a
folder the caller owns; the user's work tree and index are never touched.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .history import ORG_FILE, Commit, _git, log, prefix
from ..core.values import parse_date

ENV = "HANDBOOK_AS_OF"  # set by `handbook build --as-of D` for the MkDocs child


class AsOfError(Exception):
    """A day with no policy to show (before the history, outside git); one line for people."""


@dataclass(frozen=True)
class Held:
    """The commit whose plans held on `day`."""

    day: dt.date
    change: Commit


def history_since(plans_dir: Path) -> str | None:
    """`history_since` of today's _org.yaml, read leniently (the check reports its problems)."""
    try:
        data = yaml.safe_load((plans_dir / ORG_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    since = data.get("history_since") if isinstance(data, dict) else None
    return str(since) if isinstance(since, (str, dt.date)) else None


def plan_commits(plans_dir: Path, since: str | None) -> list[Commit]:
    """The first-parent commits of HEAD that changed `plans_dir`, newest first, within the
    organisation's history. Raises AsOfError outside a git checkout."""
    # A day alone reads, to git, as that day at the current time of day: count it whole.
    whole_days = f"{since}T00:00:00" if since and len(since) == 10 else since
    found = log(plans_dir, whole_days, first_parent_of="HEAD")
    if found is None:
        raise AsOfError(f"{plans_dir} is not in a git checkout with commits: there is no "
                        "history to read")
    return [entry.change for entry in found]


def held_on(day: dt.date, commits: list[Commit], since: str | None) -> Commit:
    """The newest commit on or before `day`; AsOfError when there is none."""
    start = parse_date(since[:10]) if since else None
    if start is not None and day < start:
        raise AsOfError(f"{day.isoformat()} is before this handbook's history, which starts "
                        f"on {start.isoformat()} (history_since in {ORG_FILE})")
    for change in commits:  # newest first along first parents
        if change.date is not None and change.date <= day:
            return change
    if not commits:
        raise AsOfError("the plans have no commits in this handbook's history yet")
    first = min((c.date for c in commits if c.date is not None), default=None)
    where = " after history_since" if since else ""
    raise AsOfError(f"{day.isoformat()} is before the first commit of the plans{where} "
                    f"({first.isoformat() if first else 'date unknown'}): there was no policy "
                    "yet")


def trees(plans_dir: Path, commits: list[str]) -> dict[str, str]:
    """The tree id of the plans folder at each commit, from one git process."""
    folder = prefix(plans_dir) or "."
    where = "" if folder == "." else folder
    asked = "".join(f"{c}:{where}\n" for c in commits).encode()
    out = _git(["cat-file", "--batch-check"], plans_dir, asked)
    lines = out.decode("utf-8", "replace").splitlines() if out is not None else []
    return {c: line.split()[0] for c, line in zip(commits, lines) if " tree " in line}


def resolve(plans_dir: Path, day: dt.date) -> Held:
    """The commit whose plans held on `day`."""
    since = history_since(plans_dir)
    return Held(day, held_on(day, plan_commits(plans_dir, since), since))


def unpack(plans_dir: Path, commit: str, into: Path) -> Path:
    """The plans folder as it was at `commit`, written into `into`/plans (a new folder)."""
    folder = prefix(plans_dir) or "."
    tree = f"{commit}:" if folder == "." else f"{commit}:{folder}"
    top = _git(["rev-parse", "--show-toplevel"], plans_dir)
    # From the top: in a subfolder, git archive would keep only what lies under it.
    out = _git(["archive", "--format=tar", tree], Path(top.decode().strip())) if top else None
    if out is None:
        raise AsOfError(f"the plans of commit {commit[:7]} cannot be read")
    target = into / "plans"
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(out)) as archive:
        archive.extractall(target, filter=_data_only)
    return target


def _data_only(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """Files and folders only: a link out of the folder, a device or an absolute name in a
    commit is left out (the check never reads through a link anyway)."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None


def as_of_day() -> dt.date | None:
    """The day `handbook build --as-of` asked for, passed to the MkDocs child."""
    return parse_date(os.environ.get(ENV, "").strip()) if os.environ.get(ENV) else None


def dated_sides(plans_dir: Path, since: str, until: str | None, today: dt.date
                ) -> tuple[tuple[str, str], tuple[str, str]]:
    """`handbook diff --since D1 --until D2`: (commit, label) of the plans held on D1 and on
    D2 (default today). ValueError for a date that is not one; AsOfError for a day with no
    policy."""
    days = []
    for option, value in (("--since", since), ("--until", until)):
        day = today if value is None else parse_date(value.strip())
        if day is None:
            raise ValueError(f"{option} is {value!r}, not a date written YYYY-MM-DD")
        days.append(day)
    history = history_since(plans_dir)
    commits = plan_commits(plans_dir, history)
    sides = []
    for day in days:
        change = held_on(day, commits, history)
        sides.append((change.commit, f"plans as of {day.isoformat()} ({change.commit[:7]})"))
    return sides[0], sides[1]
