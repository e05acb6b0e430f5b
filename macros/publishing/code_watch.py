"""Whether the tool's code changed: `handbook serve` restarts its MkDocs child when it did.

A restart, not `importlib.reload`: a fresh process imports every module of the new code in its
own order, with no hand-kept list of modules to reload and no state carried over from old code.
"""
from __future__ import annotations

import time
from pathlib import Path

SETTLE = 0.3  # seconds: an editor saving several files restarts once, after the last


def code_folders(package: Path, project: Path) -> list[Path]:
    """The installed package, and the project's own `macros/` (the `hooks:` layout, which the
    MkDocs child imports from its working folder) when there is one."""
    folders = [package.resolve()]
    own = project / "macros"
    if own.is_dir() and own.resolve() not in folders:
        folders.append(own.resolve())
    return folders


def _stamps(folders: list[Path]) -> dict[Path, int]:
    stamps = {}
    for folder in folders:
        for path in folder.rglob("*.py"):
            try:
                stamps[path] = path.stat().st_mtime_ns
            except OSError:  # deleted while we looked: the next look sees it gone
                continue
    return stamps


class CodeWatch:
    """`changed()` is True once after any .py file under the folders was added, removed or
    written since the last look."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders
        self.seen = _stamps(folders)

    def changed(self) -> bool:
        now = _stamps(self.folders)
        if now == self.seen:
            return False
        time.sleep(SETTLE)
        self.seen = _stamps(self.folders)
        return True
