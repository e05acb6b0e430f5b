"""The policy changes along git history, newest first, for the history page: each commit's plans
compared with its first parent's (an unreadable side is said, never skipped silently).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import history
from .change_words import Key, Sentence, site
from .diff import _load, diff, notes
from .history import Commit, HistoryError
from .sides import Side, SideError


@dataclass(frozen=True)
class PolicyChange:
    """One commit's effect on the rules, through the diff engine. A commit whose plans cannot
    be read says so (`unreadable`) instead of listing effects; `skipped` are the files it
    added that were not compared (see `notes`)."""

    change: Commit
    effects: tuple  # of diff.Change
    unreadable: Sentence | None = None
    skipped: tuple = ()  # of Sentence

    @property
    def unreadable_text(self) -> str:
        """Markdown for the handbook's pages, like `Change.text`."""
        return site(self.unreadable) if self.unreadable else ""

    @property
    def skipped_text(self) -> list[str]:
        return [site(note) for note in self.skipped]


def commit_side(plans_dir: Path, folder: str, commit: str) -> Side | SideError:
    """The plans `folder` held at `commit`, or why they cannot be read."""
    try:
        files, skipped = history.tree_files(commit, plans_dir, folder)
        return _load(files, commit, tuple(skipped))
    except HistoryError as error:
        return SideError(commit, error.file)
    except SideError as error:
        return error


_BACK = 20  # how far back, along first parents, an unreadable parent's predecessor is sought


def policy_changes(plans_dir: Path, limit: int = 20, since: str | None = None
                   ) -> list[PolicyChange]:
    """The latest commits that changed the rules, newest first; commits that only reformat a
    plan (no policy effect) are left out. Empty outside a git checkout. With `since`, the
    plans as they stood then are not compared with: what came before is not this history.
    History was never checked: a commit that cannot be read is listed as such and compared
    with nothing; the one after it is compared with the last readable one before it."""
    # First-parent history: each change is listed once, as it landed on the branch the
    # handbook is built from. A merge commit stands for its branch (compared with its first
    # parent, it shows everything the branch did) and the branch's own commits are not listed
    # again; without this, a merge whose both sides touched plans/ doubled the branch's effects.
    commits = history.log(plans_dir, since, limit=limit, first_parent_of="HEAD")
    folder = history.prefix(plans_dir)
    if commits is None or folder is None:
        return []
    in_history = history.revisions(plans_dir, since)
    sides: dict[str, Side | SideError] = {}

    def side(commit: str) -> Side | SideError:
        if commit not in sides:
            sides[commit] = commit_side(plans_dir, folder, commit)
        return sides[commit]

    def before(parent: str | None) -> Side:
        """The plans as they stood before: the parent's, else the last readable ones."""
        if parent is None or (in_history is not None and parent not in in_history):
            return Side("", {}, {})  # the first commit of this history
        if isinstance(found := side(parent), Side):
            return found
        for entry in history.log(plans_dir, since, limit=_BACK, first_parent_of=parent) or []:
            if isinstance(found := side(entry.change.commit), Side):
                return found
        return Side("", {}, {})

    found = []
    for entry in commits:
        new = side(entry.change.commit)
        if isinstance(new, SideError):
            found.append(PolicyChange(entry.change, (), _unreadable(new)))
            continue
        old = before(next(iter(entry.parents), None))
        try:
            # Questions and answers are no policy: a commit of FAQ changes only is not listed.
            effects = [c for c in diff(old, new) if c.section != "FAQ"]
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError):
            # An old commit must never stop the build: a shape the engine does not expect
            # is reported, not raised.
            found.append(PolicyChange(entry.change, (), (
                "Not readable: the plans of this commit could not be compared",)))
            continue
        skipped = tuple(note for note in notes(new) if note not in notes(old))
        if effects or skipped:
            found.append(PolicyChange(entry.change, tuple(effects), None, skipped))
    return found


def _unreadable(error: SideError) -> Sentence:
    if error.file is None:
        return ("Not readable: the plans of this commit cannot be read",)
    return ("Not readable: ", Key(error.file), " does not load, so what this commit changed "
            "cannot be shown")
