"""A new organisation from zero: clone, `handbook init`, its own plans, its own published
handbook — touching only plans/, and nothing of ours in it."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from macros.cli.init import init, is_shipped_example
from macros.cli.shipped import SHIPPED_EXAMPLES

from .conftest import FIXTURES, ROOT, TODAY

NEWORG = FIXTURES / "neworg"
EXAMPLE_IDS = ("support-replies", "hr-policy-answers", "marketing-drafts", "Northwind")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=Governance", "-c", "user.email=g@example.com",
                           *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout


def handbook(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", *args], cwd=cwd, capture_output=True,
                          text=True, env=env)


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
    quiet = {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}
    built = handbook(repo, "build", "--site-dir", str(site), "--today", TODAY.isoformat(),
                     env=quiet)
    assert built.returncode == 0, built.stderr
    # Material's end-of-life notice (its own words, printed once as MkDocs starts) is shown,
    # and `--strict` does not fail on it.
    assert built.stderr.count("Material for MkDocs reaches end of life") == 1, built.stderr

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


def modeline_targets(folder: Path) -> dict[Path, Path]:
    """Each YAML file under `folder` with the file its `$schema=` modeline names."""
    targets = {}
    for path in folder.rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        if "$schema=" in first:
            targets[path] = path.parent / first.split("$schema=", 1)[1].strip()
    return targets


def test_init_without_an_mkdocs_yml_writes_a_repository_of_its_own(tmp_path: Path):
    """No mkdocs.yml beside plans/: the organisation owns it, and init writes the minimal one
    that README "A repository of your own" shows, the schema files its modelines name and a
    .gitignore, saying which layout it chose and the command that exists there."""
    from macros.cli.init import MINIMAL_MKDOCS

    done = handbook(tmp_path, "init", "--name", "Fjordline Ferries", "--plan", "first-plan")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == MINIMAL_MKDOCS
    assert "Layout: a repository of your own" in done.stderr
    assert "`handbook build`" in done.stderr and "make build" not in done.stderr
    assert done.stdout.splitlines() == [
        "wrote    plans/_org.yaml", "wrote    mkdocs.yml", "wrote    docs/.gitkeep",
        "wrote    schema/plan.schema.json",
        "wrote    schema/org.schema.json", "wrote    .gitignore  (added /site, /.site-*)",
        "wrote    plans/first-plan.yaml"]
    targets = modeline_targets(tmp_path / "plans")
    assert len(targets) == 2 and all(target.is_file() for target in targets.values()), targets
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert MINIMAL_MKDOCS.replace("site_name", "# mkdocs.yml\nsite_name", 1) in readme


COPY_MKDOCS = "site_name: ours\nhooks:\n  - macros/publish.py\nplugins: [search]\n"
PLUGIN_MKDOCS = ("site_name: ours\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
                 "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                 "plugins:\n  - search\n  - handbook\n  - macros: {render_by_default: false}\n")


@pytest.mark.parametrize("config, makefile, words, command, schema", [
    (COPY_MKDOCS, True, "Layout: a copy of the tool's repository", "make build", False),
    (COPY_MKDOCS, False, "Layout: a copy of the tool's repository", "handbook build", False),
    (PLUGIN_MKDOCS, False, "Layout: a repository of your own (mkdocs.yml uses the handbook "
                           "plugin)", "handbook build", True),
    ("site_name: ours\n", False, "Layout: not wired in yet", "handbook build", True),
], ids=["copy", "copy-without-makefile", "plugin", "neither"])
def test_init_names_the_layout_it_is_in_and_the_next_command_there(
        tmp_path: Path, config: str, makefile: bool, words: str, command: str, schema: bool):
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    if makefile:
        (tmp_path / "Makefile").write_text("build:\n\ttrue\n", encoding="utf-8")
    done = handbook(tmp_path, "init", "--name", "Fjordline Ferries", "--plan", "first-plan")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == config
    assert words in done.stderr
    assert done.stderr.rstrip().endswith(f"then `{command}`."), done.stderr
    assert "make build" not in done.stderr or makefile
    # A copy has the tool's schema/ already; a repository of its own gets it from init.
    assert (tmp_path / "schema" / "org.schema.json").is_file() == schema
    if schema:
        assert all(t.is_file() for t in modeline_targets(tmp_path / "plans").values())


def test_init_appends_only_the_build_output_lines_a_gitignore_lacks(tmp_path: Path):
    """The organisation's .gitignore keeps every line; a `site/` line does not cover the `site`
    link a build leaves, so `/site` is added; a second init adds nothing."""
    (tmp_path / "mkdocs.yml").write_text(PLUGIN_MKDOCS, encoding="utf-8")
    ours = "node_modules/\nsite/\n.site-builds/"  # no newline at the end
    (tmp_path / ".gitignore").write_text(ours, encoding="utf-8")
    done = handbook(tmp_path, "init", "--name", "Fjordline Ferries")
    assert done.returncode == 0, done.stderr
    assert "wrote    .gitignore  (added /site, /.site-*)" in done.stdout.splitlines()
    text = (tmp_path / ".gitignore").read_text(encoding="utf-8")
    assert text.startswith(ours + "\n") and text.endswith("/site\n/.site-*\n")
    (tmp_path / ".site-builds" / "1").mkdir(parents=True)
    (tmp_path / ".site-builds" / "1" / "index.html").write_text("x", encoding="utf-8")
    (tmp_path / "site").symlink_to(".site-builds/1")
    (tmp_path / ".site-new-7").symlink_to(".site-builds/1")
    git(tmp_path, "init", "-q")
    ignored = git(tmp_path, "status", "--porcelain", "--ignored").splitlines()
    assert {"!! site", "!! .site-builds/", "!! .site-new-7"} <= set(ignored), ignored
    (tmp_path / "plans" / "_org.yaml").unlink()
    again = handbook(tmp_path, "init", "--name", "Fjordline Ferries")
    assert again.returncode == 0, again.stderr
    assert ".gitignore" not in again.stdout
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == text


def test_init_refuses_an_org_file_that_is_a_link_and_touches_nothing(tmp_path: Path):
    """A dangling `plans/_org.yaml` link to a file outside the repository: writing would create
    that file. Nothing is written or removed; the editor is told why."""
    repo, outside = tmp_path / "repo", tmp_path / "outside" / "org.yaml"
    shutil.copytree(ROOT / "plans", repo / "plans")
    (repo / "plans" / "_org.yaml").unlink()
    (repo / "plans" / "_org.yaml").symlink_to(outside)
    before = sorted(p.name for p in (repo / "plans").iterdir())
    done = handbook(repo, "init", "--name", "Fjordline Ferries")
    assert done.returncode == 1
    assert "plans/_org.yaml is a link" in done.stderr and "Nothing was changed" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not outside.exists() and not outside.parent.exists()
    assert sorted(p.name for p in (repo / "plans").iterdir()) == before
    assert sorted(p.name for p in repo.iterdir()) == ["plans"]


def test_init_checks_the_first_plan_before_removing_any_example(tmp_path: Path):
    """`--plan first-plan` where plans/first-plan.yaml is a dangling link: refused before the
    examples are removed (it used to remove them, then die with a traceback)."""
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    (tmp_path / "plans" / "first-plan.yaml").symlink_to(tmp_path / "nowhere.yaml")
    before = sorted(p.name for p in (tmp_path / "plans").iterdir())
    done = handbook(tmp_path, "init", "--name", "Fjordline Ferries", "--plan", "first-plan")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "plans/first-plan.yaml is a link" in done.stderr, done.stderr
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == before
    assert not (tmp_path / "nowhere.yaml").exists()


def test_init_reports_a_link_among_the_plans_and_leaves_it(tmp_path: Path):
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    link = tmp_path / "plans" / "old-plan.yaml"
    link.symlink_to(tmp_path / "nowhere.yaml")
    done = handbook(tmp_path, "init", "--name", "Fjordline Ferries")
    assert done.returncode == 0, done.stderr
    assert (f"skipped  plans/old-plan.yaml  (a link to {tmp_path / 'nowhere.yaml'}, which "
            "points nowhere)") in done.stdout.splitlines(), done.stdout
    assert link.is_symlink()


@pytest.mark.parametrize("name", ["Fjordline\nFerries", "Fjordline\rFerries", "Fjord\tline",
                                  "Fjord\u2028line", "Fjord\u202eline", "Fjord\x1b[2Jline"])
def test_a_name_with_a_control_character_is_a_usage_error(tmp_path: Path, name: str):
    done = handbook(tmp_path, "init", "--name", name)
    assert done.returncode == 2, done.stderr
    assert "--name holds a line break, tab or invisible control character" in done.stderr
    assert not (tmp_path / "plans").exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ['Fjord "line" #1', "O'Brien & *Sons*: ferries", "- [a]: {b}",
                                  "| > % @ ` !x \\ \\n", "Ørsted — fjord 🚢", "yes", "null"])
def test_any_printable_name_is_written_as_yaml_text(tmp_path: Path, name: str):
    done = handbook(tmp_path, "init", "--name", name)
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "plans" / "_org.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(written)["organisation"]["name"] == name
    checked = handbook(tmp_path, "check", "--format", "json", "--today", TODAY.isoformat())
    rules = {d["rule"] for d in json.loads(checked.stdout)}
    assert rules <= {"placeholder"}, rules


def test_init_refuses_a_schema_path_that_is_not_a_folder_before_removing_anything(
        tmp_path: Path):
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    (tmp_path / "schema").write_text("ours\n", encoding="utf-8")
    before = sorted(p.name for p in (tmp_path / "plans").iterdir())
    outcome = init(tmp_path / "plans", "Fjordline Ferries", schema_dir=tmp_path / "schema")
    assert outcome.refused.endswith("schema is not a folder. Nothing was changed.")
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == before
