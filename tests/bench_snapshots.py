"""`python -m tests.bench --only snapshots`: a year of weekly snapshots against one build.

The example plans committed a year before the benchmark's day and changed once a quarter (a
plan retitled), so 52 Mondays hold 5 different plans folders: `handbook build` with
`snapshots: weekly` against the same build with `snapshots: none`. Prints; never fails on a
timing.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import make_project

ROOT = Path(__file__).resolve().parent.parent
CHANGES_EVERY_WEEKS = 13


def _commit(project: Path, message: str, day: dt.date) -> None:
    stamp = f"{day.isoformat()}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
           "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)


def _year_of_history(where: Path, today: dt.date) -> Path:
    project = make_project(ROOT / "plans", where)
    start = today - dt.timedelta(days=365)
    org = project / "plans" / "_org.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace(
        "schema_version: 1\n", f'schema_version: 1\nhistory_since: "{start}"\n', 1),
        encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    _commit(project, "the plans", start)
    plan = project / "plans" / "support-replies.yaml"
    for n in range(1, 5):
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace("\ntitle: ", f"\ntitle: (revision {n}) ", 1),
                        encoding="utf-8")
        _commit(project, f"revision {n}", start + dt.timedelta(weeks=CHANGES_EVERY_WEEKS * n))
    return project


def bench_snapshots(today: str, env: dict, timed) -> list[str]:
    day = dt.date.fromisoformat(today)
    with tempfile.TemporaryDirectory() as tmp:
        project = _year_of_history(Path(tmp), day)
        build = [sys.executable, "-m", "macros", "build", "--today", today]
        one, _ = timed(build, project, 2, env)
        org = project / "plans" / "_org.yaml"  # the work tree's setting, as an editor sets it
        org.write_text(org.read_text(encoding="utf-8").replace(
            "schema_version: 1\n", "schema_version: 1\nsnapshots: weekly\n", 1),
            encoding="utf-8")
        weekly, peak = timed(build, project, 2, env)
        site = project / "site" / "as-of"
        days = sum(1 for p in site.iterdir() if p.is_dir())
        built = sum(1 for p in site.iterdir() if (p / "plans").is_dir()
                    and any((p / "plans").rglob("*.html"))
                    and "http-equiv=\"refresh\"" not in (p / "index.html").read_text())
    return ["snapshots: days | built | one build s | with snapshots s | peak MB | ratio",
            f"snapshots: {days:4d} | {built:5d} | {one:11.2f} | {weekly:16.2f} | {peak:7.0f} | "
            f"{weekly / one:.2f}x  (plans changed every {CHANGES_EVERY_WEEKS} weeks)"]
