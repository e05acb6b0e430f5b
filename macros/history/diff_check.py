"""Whether the new side of a diff passes `handbook check`: a diff against plans that fail the
check says so. Only the number of errors is read, never their text."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..core.measurements import SUFFIX as MEASUREMENTS
from ..core.validate import check


def check_errors(spec: str, today: dt.date, repo: Path = Path("."), folder: str = "plans"
                 ) -> int:
    """The number of errors `handbook check` finds in a side of a diff: a plan file (with the
    _org.yaml beside it), a folder, or a git revision's `folder` (checked from a copy)."""
    path = Path(spec)
    if path.exists():
        return _errors([path], today)
    git = shutil.which("git")
    listing = subprocess.run([git, "ls-tree", "-z", "--full-tree", "--name-only",
                              f"{spec}:{folder}"],
                             cwd=repo, capture_output=True, text=True, check=False) if git else None
    if not listing or listing.returncode != 0:
        return 0  # not a side at all: reading it has already failed with its own message
    with tempfile.TemporaryDirectory(prefix="handbook-diff-") as tmp:
        plans = Path(tmp) / "plans"
        plans.mkdir()
        for name in listing.stdout.split("\0"):
            if name.endswith((".yaml", MEASUREMENTS)) and "/" not in name:
                shown = subprocess.run([git, "show", f"{spec}:{folder}/{name}"], cwd=repo,
                                       capture_output=True, check=False)
                (plans / name).write_bytes(shown.stdout)
        return _errors([plans], today)


def _errors(paths: list[Path], today: dt.date) -> int:
    return sum(d.is_error for d in check(paths, today=today).diagnostics)
