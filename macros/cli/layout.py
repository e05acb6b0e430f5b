"""Which of the README's layouts a handbook repository has, and the `.gitignore` lines a build
needs there.

plugin  an mkdocs.yml whose `plugins:` names `handbook` (README "A repository of your own")
copy    an mkdocs.yml whose `hooks:` runs `macros/publish.py` (a copy of the tool's repository)
none    no mkdocs.yml yet: `handbook init` writes the plugin's minimal one
other   an mkdocs.yml that uses neither (or cannot be read): the handbook is not wired in yet
"""
from __future__ import annotations

import fnmatch
from pathlib import Path

import yaml

PLUGIN, COPY, NONE, OTHER = "plugin", "copy", "none", "other"
HOOK = "macros/publish.py"

# What `handbook build` leaves beside mkdocs.yml (macros/publishing/publish_site.py): `site` is
# a link to one build in `.site-builds/`, and `.site-new-*`/`.site-old-*` live for a moment while
# it switches. A link is not a folder to git, so `site/` would not ignore it: `/site` does.
BUILD_OUTPUT = ("/site", "/.site-*")
_IGNORED = {"/site": (("site", False),),
            "/.site-*": ((".site-builds", True), (".site-new-1", False), (".site-old-1", False))}


class _Tolerant(yaml.SafeLoader):
    """mkdocs.yml may carry `!!python/name:` and `!ENV` tags for other plugins: read them as
    nothing rather than running or refusing them."""


_Tolerant.add_multi_constructor("", lambda loader, suffix, node: None)


def _names(entries: object) -> list[str]:
    """The names in a `plugins:` or `hooks:` list: plain strings or one-key mappings."""
    if isinstance(entries, dict):
        return [str(k) for k in entries]
    if not isinstance(entries, list):
        return []
    return [str(next(iter(e))) if isinstance(e, dict) and e else str(e) for e in entries]


def layout_of(root: Path) -> str:
    """The layout of the repository whose mkdocs.yml would be `root/mkdocs.yml`."""
    config = root / "mkdocs.yml"
    if not config.is_symlink() and not config.exists():
        return NONE
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_Tolerant)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return OTHER
    if not isinstance(data, dict):
        return OTHER
    if any(hook.replace("\\", "/").endswith(HOOK) for hook in _names(data.get("hooks"))):
        return COPY
    if "handbook" in _names(data.get("plugins")):
        return PLUGIN
    return OTHER


def missing_ignores(gitignore_text: str) -> list[str]:
    """The lines of BUILD_OUTPUT that no line of this `.gitignore` already covers."""
    patterns = [line.strip() for line in gitignore_text.splitlines()
                if line.strip() and not line.lstrip().startswith(("#", "!"))]

    def covered(name: str, is_folder: bool) -> bool:
        for pattern in patterns:
            if pattern.endswith("/") and not is_folder:
                continue  # `site/` matches folders only; `site` is a link
            body = pattern.strip("/")
            if "/" not in body and fnmatch.fnmatchcase(name, body):
                return True
        return False

    return [line for line in BUILD_OUTPUT
            if not all(covered(name, is_folder) for name, is_folder in _IGNORED[line])]


def next_steps(layout: str, root: Path) -> str:
    """For `handbook init`: which layout it found, how the tool is upgraded there, and the next
    command (`make build` only where a Makefile is)."""
    own = ("the tool comes from the installed package: pin rollout-handbook (README \"A "
           "repository of your own\") and upgrade by changing the pin.")
    words = {
        PLUGIN: "Layout: a repository of your own (mkdocs.yml uses the handbook plugin): " + own,
        NONE: "Layout: a repository of your own (no mkdocs.yml was here; init wrote one that "
              "uses the handbook plugin): " + own,
        COPY: "Layout: a copy of the tool's repository (mkdocs.yml runs macros/publish.py as a "
              "hook): only plans/ is yours to change; upgrade by merging the tool's release tag.",
    }.get(layout, "Layout: not wired in yet: mkdocs.yml uses neither the handbook plugin nor "
                  "the tool's hook. Add `- handbook` under `plugins:` as README \"A repository "
                  "of your own\" shows.")
    build = "make build" if layout == COPY and (root / "Makefile").is_file() else "handbook build"
    return (f"{words}\nNext: replace every TODO(...) value, run `handbook check` until it is "
            f"clean, commit, then `{build}`.")
