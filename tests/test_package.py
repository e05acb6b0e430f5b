"""The tool as another organisation gets it: a wheel in a fresh virtualenv, a repository holding
only mkdocs.yml and plans/, and the pre-commit hook run by pre-commit itself.

Slow on purpose (pip installs the pinned dependencies, from pip's local cache when it can): one
wheel and one virtualenv per test session (conftest.py), shared by the tests below and by
tests/test_hostile_titles.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from macros.cli.init import MINIMAL_MKDOCS
from macros.core.schemas import format_version

from .conftest import ROOT, TODAY, git

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]

# A scratch organisation of its own (none of this repository's example ids).
ORG = """\
schema_version: 1
organisation: {name: Harbour Library, headcount: 9}
people:
  - {id: lena-berg, name: Lena Berg, role: Head librarian, contact: lena@harbour.example}
  - {id: omar-haddad, name: Omar Haddad, role: Desk lead, contact: omar@harbour.example}
teams:
  - {id: desk, name: Front desk, headcount: 6, lead: omar-haddad}
tools:
  - {id: notes-ai, name: Notes assistant, vendor: SampleVendor, status: approved,
     account: enterprise, trains_on_inputs: false, instructions: "https://wiki.harbour.example/ai"}
training:
  - id: notes-intro
    title: Writing catalogue notes with AI
    audience: [desk]
    topics: [purpose, limits, data_rules, review, escalation, issue_reporting, overreliance]
    duration_minutes: 20
    format: live
    required_before_access: true
    objectives: [Know what the assistant may draft]
    content: |
      Draft notes only. Never enter borrower details.
"""
PLAN = """\
schema_version: 1
id: catalogue-notes
title: Drafting catalogue notes
summary: Desk staff draft catalogue notes with the assistant; the head librarian approves them.
status: active
risk_tier: low
owner: lena-berg
sponsor: lena-berg
approval: {by: lena-berg, date: 2026-09-01}
review_by: 2027-03-01
scope:
  purpose: Quicker catalogue notes.
  users: [desk]
  tools: [notes-ai]
  outputs: [Catalogue note]
uses:
  allowed:
    - {id: draft-note, text: Draft a catalogue note, example: "A note for a local history book"}
  prohibited:
    - {id: no-borrowers, text: Write about borrowers, reason: Borrower records are confidential}
data_rules:
  never_enter: [Borrower names, Card numbers]
review:
  - {id: librarian-check, output: Catalogue note, reviewer: lena-berg, mode: review_before_use}
support:
  owner: omar-haddad
escalation:
  - id: wrong-note
    when: A published note is wrong
    steps: [{contact: omar-haddad, within: 1 day, action: Correct the note}]
monitoring:
  - {id: edits, area: quality, metric: Notes needing heavy edits, target: "< 50%",
     cadence: monthly, owner: lena-berg}
  - {id: time-saved, area: value, metric: Minutes saved per week, target: ">= 30",
     cadence: monthly, owner: lena-berg}
pause:
  authority: [lena-berg]
stages:
  - id: trial
    name: Trial
    pattern: limited_pilot
    teams: [desk]
    headcount: 6
    access_percent: 100
    start: 2026-09-07
    training: [notes-intro]
    checklist:
      - {item: Everyone took the intro, owner: omar-haddad, evidence: Sign-off sheet}
"""
# The minimal layout, as `handbook init` writes it and README "A repository of your own" shows.
MKDOCS = MINIMAL_MKDOCS


def write_org(folder: Path, *, mkdocs: str = MKDOCS) -> Path:
    """A scratch organisation's repository: mkdocs.yml and plans/, nothing else."""
    (folder / "plans").mkdir(parents=True)
    (folder / "plans" / "_org.yaml").write_text(ORG, encoding="utf-8")
    (folder / "plans" / "catalogue-notes.yaml").write_text(PLAN, encoding="utf-8")
    (folder / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    (folder / "docs").mkdir()  # the docs_dir, as `handbook init` makes it
    return folder


def outside_env(tmp: Path) -> dict[str, str]:
    """The environment of someone who has only the installed tool: no PYTHONPATH, no venv of
    ours on PATH, caches in a folder of the test's own."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not Path(p).resolve().is_relative_to(ROOT))
    return {**env, "XDG_CACHE_HOME": str(tmp / "xdg-cache"), "NO_MKDOCS_2_WARNING": "1",
            "HANDBOOK_TODAY": TODAY.isoformat()}


def test_the_wheel_carries_the_schema_and_site_files_byte_for_byte(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name: archive.read(name) for name in archive.namelist()}
    for folder, package in [("schema", "macros/schema"), ("docs", "macros/site")]:
        tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                                  folder], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout.split()
        # Everything of schema/; of docs/, what the tool provides (not this repository's own
        # pages beyond the default ones, which docs/ holds as the working example).
        for name in tracked:
            inside = f"{package}/{Path(name).relative_to(folder)}"
            if folder == "schema" or inside in shipped:
                assert shipped.get(inside) == (ROOT / name).read_bytes(), name
        assert {n for n in shipped if n.startswith(package + "/")} <= {
            f"{package}/{Path(n).relative_to(folder)}" for n in tracked}
    for needed in ["macros/site/overrides/main.html", "macros/site/stylesheets/handbook.css",
                   "macros/site/javascripts/handbook.js",
                   "macros/site/javascripts/search-worker.js", "macros/site/about.md",
                   "macros/site/macros.md", "macros/site/index.md", "macros/schema/plan.yaml",
                   "macros/schema/parts/stage.yaml"]:
        assert needed in shipped, needed


def test_the_wheel_ships_every_file_the_plugin_reads(wheel: Path):
    """What the plugin opens at run time, listed from where it opens it (macros/plugin.py, the
    schema folder validate reads): the theme overrides at every depth, the stylesheet, script
    and tool pages, the schema. A folder missing from pyproject.toml's `packages` is left out
    of the wheel without a word, and the theme then prints titles unescaped."""
    from macros.publishing import plugin
    from macros.core.schemas import SCHEMA_DIR

    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())

    def files(folder: Path) -> set[Path]:
        return {p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}

    read = {f"macros/site/{p.relative_to(plugin.SITE_DATA).as_posix()}"
            for p in files(plugin.OVERRIDES)}
    assert "macros/site/overrides/partials/nav-item.html" in read  # the listing is not empty
    read |= {f"macros/site/{name}" for name in [*plugin.TOOL_PAGES, plugin.STYLESHEET,
                                                 plugin.SCRIPT]}
    read |= {f"macros/schema/{p.relative_to(SCHEMA_DIR).as_posix()}" for p in files(SCHEMA_DIR)}
    assert sorted(read - shipped) == []


def run(venv: Path, *args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "handbook"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_installed_wheel_runs_every_command_outside_the_checkout(venv: Path, tmp_path: Path):
    org = write_org(tmp_path / "harbour")
    env = outside_env(tmp_path)
    assert not org.resolve().is_relative_to(ROOT)

    imported = subprocess.run([str(venv / "bin" / "python"), "-c",
                               "import macros, macros.core.validate as v; print(macros.__file__); "
                               "print(v.SCHEMA_DIR)"],
                              cwd=org, env=env, capture_output=True, text=True, check=True)
    for line in imported.stdout.split():
        assert Path(line).resolve().is_relative_to(venv.resolve()), line

    version = run(venv, "--version", cwd=org, env=env)
    assert (version.returncode, version.stdout.strip()) == (
        0, f"handbook {VERSION} (plan format {format_version()})")

    checked = run(venv, "check", cwd=org, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "2 file(s) checked: 0 error(s), 0 warning(s)" in checked.stderr

    schema = run(venv, "schema", cwd=org, env=env)
    assert schema.returncode == 0, schema.stderr
    assert "schema_version" in json.loads(schema.stdout)["properties"]

    new = run(venv, "new", "--template", "minimum", "returns-desk", "--plans", "drafts",
              cwd=org, env=env)
    assert new.returncode == 0, new.stderr
    assert (org / "drafts" / "returns-desk.yaml").read_text(encoding="utf-8").count("TODO(") > 0

    rendered = run(venv, "render", "out", cwd=org, env=env)
    assert rendered.returncode == 0, rendered.stderr
    assert (org / "out" / "docs" / "plans" / "catalogue-notes" / "index.md").is_file()
    assert (org / "out" / "mkdocs.yml").is_file() and not list((org / "out").rglob("*.yaml"))

    built = run(venv, "build", cwd=org, env=env)
    assert built.returncode == 0, built.stderr[-3000:]
    home = (org / "site" / "index.html").read_text(encoding="utf-8")
    assert "Harbour Library AI handbook" in home
    assert "stylesheets/handbook.css" in home and "javascripts/handbook.js" in home
    assert (org / "site" / "plans" / "catalogue-notes" / "index.html").is_file()
    assert "javascripts/search-worker.js" in home  # the staff search, with its entries
    assert (org / "site" / "javascripts" / "search-worker.js").is_file()
    assert (org / "site" / "search" / "handbook.json").is_file()
    guide = (org / "site" / "macros" / "index.html").read_text(encoding="utf-8")
    assert "allowed_now(&#39;catalogue-notes&#39;)" in guide or \
        "allowed_now('catalogue-notes')" in guide
    assert not list((org / "site").rglob("*.yaml")), "plan files are not published as files"

    (org / "plans" / "catalogue-notes.yaml").write_text(PLAN.replace(
        "schema_version: 1", "schema_version: 9"), encoding="utf-8")
    newer = run(venv, "check", cwd=org, env=env)
    assert newer.returncode == 1
    assert ("plans/catalogue-notes.yaml:1:17: error: schema_version: plan format 9 is newer "
            "than this tool reads (up to 1) [schema-version]") in newer.stdout
    assert f"rollout-handbook {VERSION} reads plan format up to 1" in newer.stdout


def test_installed_init_starts_a_repository_of_its_own_that_builds(venv: Path, tmp_path: Path):
    """From the wheel, in an empty folder: init writes the plugin's mkdocs.yml, the schema files
    its modelines name and a .gitignore, and names `handbook build` (there is no Makefile)."""
    org = tmp_path / "harbour"
    org.mkdir()
    env = outside_env(tmp_path)
    done = run(venv, "init", "--name", "Harbour Library", "--plan", "first-plan", cwd=org,
               env=env)
    assert done.returncode == 0, done.stderr
    assert "then `handbook build`." in done.stderr and "make build" not in done.stderr
    assert (org / "mkdocs.yml").read_text(encoding="utf-8") == MKDOCS
    for name in ("_org.yaml", "first-plan.yaml"):
        modeline = (org / "plans" / name).read_text(encoding="utf-8").splitlines()[0]
        target = org / "plans" / modeline.split("$schema=", 1)[1]
        assert json.loads(target.read_text(encoding="utf-8"))["$schema"], name
    assert "/site\n" in (org / ".gitignore").read_text(encoding="utf-8")
    reference = run(venv, "reference", "--format", "text", cwd=org, env=env)
    assert reference.returncode == 0 and "&#" not in reference.stdout


def test_an_organisation_page_replaces_the_tool_page_of_the_same_path(venv: Path,
                                                                      tmp_path: Path):
    """docs/ of the organisation's own: its about.md wins over the package's, the tool's other
    pages are still added, its own extra page is published."""
    org = write_org(tmp_path / "harbour",
                    mkdocs=MKDOCS + "nav:\n  - Home: index.md\n  - Our rules: house-rules.md\n")
    (org / "docs" / "about.md").write_text("# About our handbook\n\nHarbour's own words.\n",
                                           encoding="utf-8")
    (org / "docs" / "house-rules.md").write_text("# House rules\n\nQuiet please.\n",
                                                 encoding="utf-8")
    built = run(venv, "build", cwd=org, env=outside_env(tmp_path))
    assert built.returncode == 0, built.stderr[-3000:]
    about = (org / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert "Harbour&#39;s own words." in about or "Harbour's own words." in about
    assert "How to read this handbook" not in about.split("<article", 1)[1]
    assert (org / "site" / "house-rules" / "index.html").is_file()
    assert (org / "site" / "macros" / "index.html").is_file()


def pre_commit(plans_repo: Path, tool: Path, tmp: Path) -> subprocess.CompletedProcess:
    env = {**outside_env(tmp), "PRE_COMMIT_HOME": str(tmp / "pre-commit-home")}
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(tool),
                           "handbook-check", "--all-files"], cwd=plans_repo, env=env,
                          capture_output=True, text=True)


def test_pre_commit_hook_runs_from_another_repository(source_commit: Path, tmp_path: Path):
    """pre-commit installs the tool from a clone of its committed HEAD (here: this worktree's
    files, committed in a copy) and runs the hook on a repository that holds only plans."""
    plans_repo = tmp_path / "harbour"
    write_org(plans_repo)
    (plans_repo / "mkdocs.yml").unlink()
    git("init", "-q", cwd=plans_repo)
    git("add", "-A", cwd=plans_repo)
    git("commit", "-q", "-m", "plans", cwd=plans_repo)

    good = pre_commit(plans_repo, source_commit, tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "check AI rollout plans" in good.stdout and "Passed" in good.stdout

    broken = PLAN.replace("owner: lena-berg\nsponsor", "owner: lena-bergg\nsponsor").replace(
        "risk_tier: low", "risk_tier: lowest")
    (plans_repo / "plans" / "catalogue-notes.yaml").write_text(broken, encoding="utf-8")
    git("add", "-A", cwd=plans_repo)
    bad = pre_commit(plans_repo, source_commit, tmp_path)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    located = [line for line in bad.stdout.splitlines() if line.startswith("plans/")]
    assert located == [
        "plans/catalogue-notes.yaml:6:12: error: risk_tier: expected one of: low, medium, high "
        "but received: 'lowest' [allowed-value]",
        "plans/catalogue-notes.yaml:7:8: error: owner: 'lena-bergg' is not a person in "
        "plans/_org.yaml; did you mean 'lena-berg'? [ref]",
    ], bad.stdout


def test_version_names_the_tool_and_the_plan_format(capsys):
    from macros.cli.commands import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"handbook {VERSION} (plan format 1)\n"
