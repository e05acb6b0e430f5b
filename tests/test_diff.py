"""`handbook diff`: fixture pairs with the exact expected Markdown; git revisions; JSON."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT

CASES = sorted(p for p in (FIXTURES / "diff").iterdir() if p.is_dir())


def handbook(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", *args], cwd=cwd, capture_output=True,
                          text=True)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_diff_reads_as_expected(case: Path):
    """Each case: new/ is compared with the valid/ base named in base.txt (default minimum)."""
    base = (case / "base.txt").read_text().strip() if (case / "base.txt").exists() else "minimum"
    old = "plans" if base == "examples" else (FIXTURES / "valid" / base).relative_to(
        ROOT).as_posix()
    done = handbook("diff", old, (case / "new").relative_to(ROOT).as_posix())
    assert done.returncode == 0, done.stderr
    assert done.stdout == (case / "expected.md").read_text(encoding="utf-8")


def test_diff_between_git_revisions(tmp_path: Path):
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
                       cwd=tmp_path, check=True, capture_output=True)

    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "first")
    shutil.copyfile(FIXTURES / "diff" / "loosening" / "new" / "menu-drafts.yaml",
                    tmp_path / "plans" / "menu-drafts.yaml")
    git("commit", "-q", "-am", "second")
    done = handbook("diff", "HEAD~1", "HEAD", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    changes = json.loads(done.stdout)
    assert [(c["section"], c["loosens"]) for c in changes] == [
        ("Plan", False), ("Uses", True), ("Uses", False), ("Data rules", True),
        ("Human review", True), ("Pause", False)]
    assert set(changes[0]) == {"plan", "section", "text", "old", "new", "loosens"}
    # NEW defaults to the working tree's plans/: no change against HEAD.
    same = handbook("diff", "HEAD", cwd=tmp_path)
    assert same.stdout.startswith("**No policy changes**")


def test_an_unknown_side_is_a_usage_error(tmp_path: Path):
    done = handbook("diff", "no-such-revision", "plans", cwd=tmp_path)
    assert done.returncode == 2
    assert "is not a file, a folder or a git revision" in done.stderr
