"""A new organisation from zero: clone, `handbook init`, its own plans, its own published
handbook — touching only plans/, and nothing of ours in it."""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from macros.init import init, is_shipped_example
from macros.shipped import SHIPPED_EXAMPLES

from .conftest import FIXTURES, ROOT, TODAY

NEWORG = FIXTURES / "neworg"
EXAMPLE_IDS = ("support-replies", "hr-policy-answers", "marketing-drafts", "Northwind")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=Governance", "-c", "user.email=g@example.com",
                           *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout


def handbook(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", *args], cwd=cwd, capture_output=True,
                          text=True)


def fill(skeleton: str, values: list[str]) -> str:
    """Type the organisation's values over the TODO(...) placeholders, in order."""
    parts = re.split(r'"TODO\([a-z]+\):[^"]*"', skeleton)
    assert len(parts) == len(values) + 1, "the skeleton's placeholders changed"
    out = parts[0]
    for value, rest in zip(values, parts[1:], strict=True):
        out += (value if value.isdigit() else yaml.safe_dump(value).strip().removesuffix("...")
                .strip()) + rest
    return out


@pytest.fixture(scope="module")
def copied_repository(tmp_path_factory) -> Path:
    """This repository as an organisation gets it: our history, then today's files."""
    repo = tmp_path_factory.mktemp("org") / "handbook"
    git(ROOT, "clone", "-q", str(ROOT), str(repo))
    tracked = git(ROOT, "ls-files", "-co", "--exclude-standard").splitlines()
    for name in tracked:
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, repo / name)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "The tool as it was copied")
    return repo


def test_a_new_organisation_publishes_its_own_handbook_touching_only_plans(copied_repository,
                                                                          tmp_path: Path):
    repo = copied_repository
    copied = git(repo, "rev-parse", "HEAD").strip()
    for path in (repo / "plans").iterdir():
        path.unlink()
    done = handbook(repo, "init", "--name", "Fjordline Ferries")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["wrote    plans/_org.yaml"]

    before = handbook(repo, "check", "--today", TODAY.isoformat())
    assert before.returncode == 1
    assert "still a placeholder" in before.stdout and "Traceback" not in before.stderr

    org = repo / "plans" / "_org.yaml"
    org.write_text(fill(org.read_text(encoding="utf-8"),
                        yaml.safe_load((NEWORG / "fill.yaml").read_text(encoding="utf-8"))),
                   encoding="utf-8")
    for plan in ("timetable-notices.yaml", "rebooking-replies.yaml"):
        shutil.copyfile(NEWORG / plan, repo / "plans" / plan)
    git(repo, "add", "-A", "plans")
    git(repo, "commit", "-q", "-m", "Fjordline's first two plans")

    checked = handbook(repo, "check", "--today", TODAY.isoformat())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout == ""
    site = tmp_path / "site"
    built = handbook(repo, "build", "--site-dir", str(site), "--today", TODAY.isoformat())
    assert built.returncode == 0, built.stderr

    changed = git(repo, "diff", "--name-only", copied, "HEAD").split()
    assert changed and all(name.startswith("plans/") for name in changed), changed
    assert git(repo, "status", "--porcelain") == ""

    text = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "Fjordline Ferries AI handbook" in text
    assert "Answering rebooking requests" in text
    for ours in EXAMPLE_IDS:
        assert ours not in text, ours
    for line in git(ROOT, "log", "--format=%H%x1f%s").splitlines():
        commit, subject = line.split("\x1f", 1)
        assert commit[:10] not in text
        assert f"— {subject}" not in text
    changes = (site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "first two plans" in changes and "Plan removed" not in changes


def test_init_removes_only_unedited_examples_and_says_what_it_touched(tmp_path: Path):
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    edited = plans / "marketing-drafts.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# our note\n", encoding="utf-8")
    (plans / "our-own.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    outcome = init(plans, "Fjordline Ferries", plan_id="first-plan", template="minimum")
    assert not outcome.refused
    assert sorted(p.name for p in outcome.kept) == ["marketing-drafts.yaml", "our-own.yaml"]
    assert "support-replies.yaml" in [p.name for p in outcome.removed]
    assert sorted(p.name for p in outcome.written) == ["_org.yaml", "first-plan.yaml"]
    assert edited.read_text(encoding="utf-8").endswith("# our note\n")


def test_init_never_overwrites_an_organisation_file_someone_wrote(tmp_path: Path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "_org.yaml").write_text("schema_version: 1\n# ours\n", encoding="utf-8")
    done = handbook(tmp_path, "init", "--name", "Fjordline Ferries")
    assert done.returncode == 1
    assert "is kept" in done.stderr
    assert (plans / "_org.yaml").read_text(encoding="utf-8") == "schema_version: 1\n# ours\n"


def test_every_example_file_in_plans_is_known_as_shipped():
    """When an example changes, its new bytes are appended to macros/shipped.py, so that the
    organisations that copied it can still have it removed by init."""
    missing = [f'"{hashlib.sha256(p.read_bytes()).hexdigest()}": "{p.name}",'
               for p in sorted((ROOT / "plans").iterdir()) if not is_shipped_example(p)]
    assert missing == [], "append to SHIPPED_EXAMPLES in macros/shipped.py:\n" + "\n".join(missing)
    assert len(SHIPPED_EXAMPLES) >= len(list((ROOT / "plans").iterdir()))


def test_the_format_reference_is_readable_without_building():
    done = handbook(ROOT, "reference")
    assert done.returncode == 0
    assert done.stdout.startswith("# Plan format reference")
    assert "`history_since`" in done.stdout and "## Rules and the fields they read" in done.stdout


def test_init_without_an_mkdocs_yml_writes_a_repository_of_its_own(tmp_path: Path):
    """No mkdocs.yml beside plans/: the organisation owns it, and init writes the minimal one
    that README "A repository of your own" shows, saying which layout it chose and why."""
    from macros.init import MINIMAL_MKDOCS

    done = handbook(tmp_path, "init", "--name", "Fjordline Ferries", "--plan", "first-plan")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == MINIMAL_MKDOCS
    assert "Layout: a repository of your own" in done.stderr
    assert sorted(done.stdout.split()) == sorted(
        ["wrote", "plans/_org.yaml", "wrote", "plans/first-plan.yaml", "wrote",
         str(tmp_path / "mkdocs.yml")])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert MINIMAL_MKDOCS.replace("site_name", "# mkdocs.yml\nsite_name", 1) in readme


def test_init_beside_an_mkdocs_yml_changes_only_plans(tmp_path: Path):
    (tmp_path / "mkdocs.yml").write_text("site_name: ours\n", encoding="utf-8")
    done = handbook(tmp_path, "init", "--name", "Fjordline Ferries")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: ours\n"
    assert "Layout: a copy of the tool's repository" in done.stderr
