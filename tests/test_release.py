"""The README pins the release it describes, and the release step makes that tag exist.

tests/release.py is what `make release` and `make release-check` run; these tests hold the
README to pyproject.toml on every commit, and try the release step in a scratch repository (the
real tag is created by a maintainer, so its absence never fails an ordinary commit's CI).
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from .conftest import ROOT
from .release import agreement_problems, main, readme_problems, version


def test_every_version_the_readme_names_is_the_pyproject_version():
    current = version((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert current and agreement_problems(ROOT) == []
    # The pins the README shows are found at all (a pattern that matched nothing would pass).
    for named in (f"@v{current}", f"rev: v{current}", f"git merge v{current}",
                  f"# handbook {current} (plan format"):
        assert named in readme, named


def test_another_version_in_the_readme_is_named_with_its_line():
    readme = ("pip install 'x @ git+https://example.com/x@v0.1.9'\n"
              "sed -i 's/@v0.1.0/@v0.2.0/' requirements.txt\n"  # the old pin, on purpose
              "    rev: v0.3.0\ngit merge v0.2.0\n")
    assert readme_problems(readme, "0.2.0") == [
        "README.md:1: names 0.1.9, pyproject.toml says 0.2.0: "
        "pip install 'x @ git+https://example.com/x@v0.1.9'",
        "README.md:3: names 0.3.0, pyproject.toml says 0.2.0: rev: v0.3.0"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=R", "-c", "user.email=r@example.com", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout


def release_repository(where: Path, pinned: str = "0.2.0") -> Path:
    where.mkdir()
    (where / "pyproject.toml").write_text('[project]\nversion = "0.2.0"\n', encoding="utf-8")
    (where / "README.md").write_text(f"pip install x@v{pinned}\n", encoding="utf-8")
    (where / "CHANGELOG.md").write_text("# Changelog\n\n## 0.2.0\n\nFirst.\n", encoding="utf-8")
    git(where, "init", "-q")
    git(where, "add", "-A")
    git(where, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "0.2.0")
    return where


def test_the_release_check_fails_until_the_release_step_creates_the_tag(tmp_path: Path, capsys):
    repo = release_repository(tmp_path / "repo")
    assert main(["check"], repo) == 1
    assert "tag v0.2.0 does not exist" in capsys.readouterr().err
    assert main(["tag"], repo) == 0
    assert git(repo, "tag", "-l") == "v0.2.0\n"
    assert main(["check"], repo) == 0
    assert main(["check", "v0.2.0"], repo) == 0
    assert main(["check", "v0.3.0"], repo) == 1  # the tag CI was started for is another one
    assert "the pushed tag v0.3.0 is not v0.2.0" in capsys.readouterr().err


def test_the_release_step_refuses_files_that_disagree(tmp_path: Path, capsys):
    repo = release_repository(tmp_path / "repo", pinned="0.1.0")
    assert main(["tag"], repo) == 1
    assert "README.md:1: names 0.1.0" in capsys.readouterr().err
    assert git(repo, "tag", "-l") == ""


def test_the_tag_is_checked_only_by_a_release_never_by_an_ordinary_commit():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "release-check:" in make and "-m tests.release check" in make
    assert "-m tests.release tag" in make
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(
        encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers == {"push": {"tags": ["v*"]}}
    steps = [step.get("run", "") for step in workflow["jobs"]["release-check"]["steps"]]
    assert any(run.startswith("make release-check") for run in steps)
    main_workflow = (ROOT / ".github" / "workflows" / "handbook.yml").read_text(encoding="utf-8")
    assert "release" not in main_workflow
    assert "make release" in (ROOT / "README.md").read_text(encoding="utf-8")
