"""`handbook build` publishes atomically: site/ is never missing or half-written for a reader,
an interrupted build leaves no MkDocs process behind, and the next build removes its leftovers."""
from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import FIXTURES, TODAY, make_project

BUILD = [sys.executable, "-m", "macros", "build", "--today", TODAY.isoformat()]


# A hook that holds MkDocs until the test removes the file `hold`: a build can be interrupted
# while MkDocs surely runs, and an orphaned MkDocs would wait there forever, not finish.
HOLD = """import os, time


def on_pre_build(config):
    while os.path.exists("hold"):
        time.sleep(0.05)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    (project / "hold.py").write_text(HOLD, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - macros/publish.py\n", "  - macros/publish.py\n  - hold.py\n"), encoding="utf-8")
    return project


@contextlib.contextmanager
def held(project: Path):
    (project / "hold").touch()
    try:
        yield
    finally:
        (project / "hold").unlink()


def build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(BUILD, cwd=project, capture_output=True, text=True)


def mkdocs_processes(project: Path) -> list[int]:
    """Live MkDocs processes working in `project` (zombies have no command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if b"mkdocs" in argv and cwd == os.path.realpath(project):
            found.append(int(entry.name))
    return found


def wait_until(condition, what: str, seconds: float = 60.0):
    """Poll until `condition()` is true; the deadline only turns a hang into a failure."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting: {what}")


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.glob(".site-*") if p.name != ".site-builds")


def builds(project: Path) -> set[Path]:
    return {p.resolve() for p in (project / ".site-builds").iterdir() if p.name != ".lock"}


def test_readers_never_find_the_site_missing(project: Path):
    assert build(project).returncode == 0
    index = project / "site" / "index.html"
    reads, problems, stop = [0], [], threading.Event()

    def read_continuously() -> None:
        while not stop.is_set():
            try:
                text = index.read_text(encoding="utf-8")
            except OSError as error:
                problems.append(repr(error))
                continue
            if not text.rstrip().endswith("</html>"):
                problems.append(f"incomplete page ({len(text)} characters)")
            reads[0] += 1

    reader = threading.Thread(target=read_continuously)
    reader.start()
    try:
        targets = set()
        for _ in range(3):
            done = build(project)
            assert done.returncode == 0, done.stderr
            targets.add(os.readlink(project / "site"))
    finally:
        stop.set()
        reader.join()
    assert problems == []
    assert reads[0] > 0
    assert len(targets) == 3  # every build was swapped in, while the reader kept reading
    assert leftovers(project) == []


def test_a_killed_build_leaves_no_mkdocs_behind_and_the_next_build_cleans_up(project: Path):
    assert build(project).returncode == 0
    good = os.readlink(project / "site")
    chance = random.Random(12)
    # Random moments, then one kill that surely lands while MkDocs is running.
    for delay in [chance.uniform(0, 3) for _ in range(4)] + [None]:
        with held(project) if delay is None else contextlib.nullcontext():
            builder = subprocess.Popen(BUILD, cwd=project, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            try:
                if delay is None:
                    wait_until(lambda: mkdocs_processes(project), "mkdocs to start")
                else:
                    time.sleep(delay)
            finally:
                builder.send_signal(signal.SIGKILL)
                builder.wait()
            wait_until(lambda: not mkdocs_processes(project), "the orphaned mkdocs to die")
        assert (project / "site" / "index.html").is_file()
    before = os.readlink(project / "site")
    done = build(project)
    assert done.returncode == 0, done.stderr
    assert leftovers(project) == []
    live = (project / "site").resolve()
    assert builds(project) <= {live, (project / before).resolve()}
    assert good  # the first build was live until a killed build could replace it


def test_sigterm_stops_the_build_and_keeps_the_last_good_site(project: Path):
    assert build(project).returncode == 0
    good, kept = os.readlink(project / "site"), builds(project)
    with held(project):
        builder = subprocess.Popen(BUILD, cwd=project, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: mkdocs_processes(project), "mkdocs to start")
            builder.send_signal(signal.SIGTERM)
            _, stderr = builder.communicate(timeout=60)
        finally:
            if builder.poll() is None:
                builder.kill()
                builder.wait()
    assert builder.returncode == 130, stderr
    assert "site/ left as it was" in stderr
    assert mkdocs_processes(project) == []
    assert os.readlink(project / "site") == good
    assert builds(project) == kept  # the unfinished build folder is gone
    assert leftovers(project) == []


def test_a_site_folder_from_an_older_build_is_replaced_by_the_link(project: Path):
    (project / "site" / "plans").mkdir(parents=True)
    (project / "site" / "index.html").write_text("old layout", encoding="utf-8")
    done = build(project)
    assert done.returncode == 0, done.stderr
    site = project / "site"
    assert site.is_symlink() and not os.path.isabs(os.readlink(site))  # the tree can move
    assert "old layout" not in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "plans" / "menu-drafts" / "index.html").is_file()
    assert leftovers(project) == []
    assert builds(project) == {site.resolve()}
