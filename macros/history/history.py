"""Load: what git knows about the plan files — when each last changed, in which commit, and what
plans/ held at a commit.

What each commit did to the rules is the diff's to say (diff.policy_changes).

One `git log` over plans/ serves every plan (not a process per file). Outside a git checkout,
or without git, there is simply no history: pages say so instead of failing.

Everything git prints is untrusted: commits were never checked, so messages may be in any
encoding and hold any character but NUL, dates may be beyond what Python can represent, and
file names may hold spaces or newlines. Output is read as NUL-separated fields and decoded
leniently; nothing the history holds is ever passed to git where it could be read as an option.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..core.yaml_strict import MAX_BYTES

ORG_FILE = "_org.yaml"
FAQ_FILE = "_faq.yaml"
_START = "/commit"  # starts each commit's record; no path git prints starts with "/"
_FORMAT = f"{_START}%x00%H%x00%cs%x00%an%x00%s%x00%P"
_FIELDS = 5  # after the start: hash, date, author, subject, parents (NUL ends each)


@dataclass(frozen=True)
class Commit:
    commit: str
    date: dt.date | None  # None: a date git wrote but Python cannot hold (after year 9999)
    author: str
    subject: str

    @property
    def short(self) -> str:
        return self.commit[:10]

    @property
    def day(self) -> str:
        return self.date.isoformat() if self.date else "date unknown"


@dataclass(frozen=True)
class Logged:
    """One commit of `git log`, with its parents and (when asked) the files it touched."""

    change: Commit
    parents: tuple[str, ...]
    files: tuple[str, ...] = ()


class HistoryError(Exception):
    """A revision or tree that cannot be read; `file` when one file of it is the cause."""

    def __init__(self, message: str, file: str | None = None):
        super().__init__(message)
        self.file = file


# What `history_since` may be: a commit id, or an ISO date (with a time). Nothing else reaches
# git: no ranges, no revision syntax, no options.
_COMMIT = re.compile(r"[0-9a-f]{7,64}")  # SHA-1 or SHA-256 ids
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?")


def since_option(since: str | None, tip: str = "HEAD") -> list[str]:
    """The revisions of this organisation's history, for `git log` and `git rev-list`: after
    the commit `history_since` names (init writes the commit it started from), or after a
    date; everything when it is not set, or not a commit id or a date (which the check
    refuses)."""
    # The organisation's history starts at `history_since` in _org.yaml (written by init):
    # commits before it are this tool's or another organisation's, never this one's.
    if not isinstance(since, str):
        return []
    if _COMMIT.fullmatch(since):
        return [f"{since}..{tip}"]
    return [f"--since={since}"] if _DATE.fullmatch(since) else []


def _range(since: str | None, tip: str) -> list[str]:
    """`since_option` with the tip it counts back from."""
    option = since_option(since, tip)
    return option if option and ".." in option[0] else [*option, tip]


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes | None:
    """git's output, or None without git, outside a checkout, or on any failure."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run([git, *args], cwd=cwd, input=stdin, capture_output=True,
                              timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def log(plans_dir: Path, since: str | None = None, limit: int | None = None,
        files: bool = False, first_parent_of: str | None = None) -> list[Logged] | None:
    """The commits touching `plans_dir`, newest first; None outside a git checkout. With
    `first_parent_of` (a commit id, or "HEAD"), those along that commit's first parents."""
    tip = first_parent_of or "HEAD"
    # A user's log.showSignature or color.ui=always would mix their output into the records.
    args = ["-c", "log.showSignature=false", "log", "--no-color", "-z", f"--format={_FORMAT}",
            *(["--first-parent"] if first_parent_of else []),
            *([f"-n{limit}"] if limit else []), *(["--name-only"] if files else []),
            *_range(since, tip), "--", "."]
    out = _git(args, plans_dir)
    if out is None:
        return None
    tokens = out.split(b"\x00")
    found: list[tuple[Commit, tuple[str, ...], list[str]]] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == _START.encode() and i + _FIELDS < len(tokens):
            commit, date, author, subject, parents = map(_text, tokens[i + 1:i + 1 + _FIELDS])
            found.append((Commit(commit, _date(date), author, subject), tuple(parents.split()),
                          []))
            i += 1 + _FIELDS
            continue
        name = tokens[i].lstrip(b"\n")  # the commit's first file name follows a line break
        if found and name:
            found[-1][2].append(_text(name))
        i += 1
    return [Logged(change, parents, tuple(names)) for change, parents, names in found]


def last_changes(plans_dir: Path, since: str | None = None) -> dict[str, Commit]:
    """The latest commit touching each file in `plans_dir`, by file name."""
    found: dict[str, Commit] = {}
    for entry in log(plans_dir, since, files=True) or []:
        for name in entry.files:
            found.setdefault(name.rsplit("/", 1)[-1], entry.change)
    return found


def revisions(plans_dir: Path, since: str | None) -> set[str] | None:
    """Every commit of this organisation's history (after `history_since`); None: all."""
    option = since_option(since)
    if not option:
        return None
    out = _git(["rev-list", *_range(since, "HEAD")], plans_dir)
    return set(_text(out).split()) if out is not None else None


def prefix(plans_dir: Path) -> str | None:
    """The folder of `plans_dir` from the repository's root ("." at the root); None outside."""
    out = _git(["rev-parse", "--show-prefix"], plans_dir)
    return None if out is None else (_text(out).strip().rstrip("/") or ".")


def resolve(revision: str, repo: Path) -> str:
    """The commit id a revision names. Never an option: one that starts with "-" is refused
    (`--end-of-options` would need git 2.30)."""
    if not revision or revision.startswith("-") or any(ord(c) < 0x20 for c in revision):
        raise HistoryError(f"'{revision}' is not a git revision")
    out = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], repo)
    if out is None:
        raise HistoryError(f"'{revision}' is not a git revision")
    return _text(out).strip()


def yaml_like(name: str) -> bool:
    return name.lower().endswith((".yaml", ".yml"))


def unread(name: str, link: bool, regular: bool) -> str | None:
    """Why a YAML-like file in plans/ is not compared, or None: only plan files and the org
    file are, as the check reads them, and never through a link (where it points was not
    reviewed as a plan)."""
    if link:
        return "a link"
    if not regular:
        return "not a file"
    if not name.endswith(".yaml"):
        return "plan files end in .yaml"
    if name.startswith("_") and name not in (ORG_FILE, FAQ_FILE):
        return "only plan files, the organisation file and _faq.yaml are read"
    return None


def tree_files(commit: str, repo: Path, folder: str
               ) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """The files of `folder` at `commit` (an id from `resolve`) that the check reads as plans
    or the org file, and the (name, reason) of each other .yaml-like entry, skipped. A file
    over the size limit of a plan is not read at all (a commit may hold any blob)."""
    where = f"{commit}:" if folder in ("", ".") else f"{commit}:{folder}"
    listing = _git(["ls-tree", "-z", "-l", "--full-tree", where], repo)
    if listing is None:
        raise HistoryError(f"{commit[:10]} has no folder {folder}")
    wanted: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    for entry in filter(None, listing.split(b"\x00")):
        head, _, raw_name = entry.partition(b"\t")
        mode, kind, oid, size = _text(head).split()
        name = _text(raw_name)
        if not yaml_like(name):
            continue  # not a file the check reads (measurements are no part of a diff)
        why = unread(name, link=mode == "120000", regular=kind == "blob")
        if why:
            skipped.append((name, why))
        elif not size.isdigit():  # git says BAD when the object is missing
            raise HistoryError(f"{name} cannot be read", name)
        elif int(size) > MAX_BYTES:
            raise HistoryError(f"{name} is over the size limit of a plan", name)
        else:
            wanted.append((oid, name))
    return _blobs(wanted, repo), skipped


def _blobs(wanted: list[tuple[str, str]], repo: Path) -> dict[str, bytes]:
    """The contents of (object id, file name) blobs, by file name, from one process."""
    if not wanted:
        return {}
    out = _git(["cat-file", "--batch"], repo, "".join(f"{oid}\n" for oid, _ in wanted).encode())
    files: dict[str, bytes] = {}
    at = 0
    for _, name in wanted:
        header_end = out.find(b"\n", at) if out is not None else -1
        header = _text(out[at:header_end]).split(" ") if header_end >= 0 else []
        if len(header) != 3 or not header[2].isdigit():  # "<oid> missing", or no git
            raise HistoryError(f"{name} cannot be read", name)
        start = header_end + 1
        files[name] = out[start:start + int(header[2])]
        at = start + int(header[2]) + 1
    return files
