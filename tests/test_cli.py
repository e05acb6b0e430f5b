"""`handbook check`: output formats, exit codes, and no traceback whatever the input."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from macros.core.validate import workers_pool

from .conftest import FIXTURES, ROOT

BROKEN = FIXTURES / "invalid" / "ref-unknown-person" / "menu-drafts.yaml"


def handbook(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", *args, "--today", "2026-11-24"]
                          if args and args[0] == "check" else [sys.executable, "-m", "macros", *args],
                          cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def broken_plans(tmp_path: Path) -> Path:
    plans = tmp_path / "plans"
    plans.mkdir()
    for source in (FIXTURES / "valid" / "minimum").iterdir():
        (plans / source.name).write_bytes(source.read_bytes())
    (plans / "menu-drafts.yaml").write_bytes(BROKEN.read_bytes())
    return tmp_path


def test_clean_plans_exit_0_and_print_nothing_on_stdout():
    done = handbook("check", str(FIXTURES / "valid" / "minimum"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "0 error(s), 0 warning(s)" in done.stderr


def test_text_format(broken_plans: Path):
    done = handbook("check", "plans", cwd=broken_plans)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "plans/menu-drafts.yaml:7:8: error: owner: 'ana' is not a person in plans/_org.yaml; "
        "did you mean 'ana-silva'? [ref]",
        "    hint: Known people: ana-silva, ben-cho.",
    ]


def test_default_path_is_plans(broken_plans: Path):
    done = handbook("check", cwd=broken_plans)
    assert done.returncode == 1
    assert done.stdout.startswith("plans/menu-drafts.yaml:7:8: error:")


def test_github_format_is_workflow_commands(broken_plans: Path):
    done = handbook("check", "--format", "github", "plans", cwd=broken_plans)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "::error file=plans/menu-drafts.yaml,line=7,col=8,title=ref::owner: 'ana' is not a "
        "person in plans/_org.yaml; did you mean 'ana-silva'? (hint: Known people: ana-silva, "
        "ben-cho.)"
    ]


def test_json_format_has_exactly_the_documented_keys(broken_plans: Path):
    done = handbook("check", "--format", "json", "plans", cwd=broken_plans)
    assert done.returncode == 1
    assert json.loads(done.stdout) == [{
        "file": "plans/menu-drafts.yaml", "line": 7, "column": 8, "severity": "error",
        "rule": "ref",
        "message": "owner: 'ana' is not a person in plans/_org.yaml; did you mean 'ana-silva'?",
        "hint": "Known people: ana-silva, ben-cho.",
    }]


def test_warnings_alone_exit_0(tmp_path: Path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for source in (FIXTURES / "valid" / "minimum").iterdir():
        text = source.read_text(encoding="utf-8").replace("review_by: 2027-03-01",
                                                          "review_by: 2026-10-01")
        (plans / source.name).write_text(text, encoding="utf-8")
    done = handbook("check", "--format", "json", "plans", cwd=tmp_path)
    assert done.returncode == 0
    assert [d["rule"] for d in json.loads(done.stdout)] == ["review-overdue"]


def test_a_single_file_is_checked_with_the_org_beside_it(broken_plans: Path):
    done = handbook("check", "plans/menu-drafts.yaml", cwd=broken_plans)
    assert done.returncode == 1
    assert "[ref]" in done.stdout


@pytest.mark.parametrize("args", [["check", "--format", "xml"], ["nonsense"], [],
                                  ["check", "--today", "yesterday"]])
def test_bad_usage_exits_2(args):
    done = subprocess.run([sys.executable, "-m", "macros", *args], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_missing_path_is_an_error_not_a_crash(tmp_path: Path):
    done = handbook("check", "nowhere", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "nowhere:1:1: error: no such file or folder [file-read]" in done.stdout


@pytest.mark.parametrize("content", [
    b"", b"\x00\x01\x02", b"- a\n- b\n", b"[", b"{a: [}", b"\xff\xfe\x00", b"a: *x\n",
    b"schema_version: 1\nid: [1, {2: 3}]\nstages: 7\nuses: {allowed: 3}\n",
    b"schema_version: 1\nstages: [{id: a, gate: 3}, 5, {gate: {criteria: [7]}}]\n",
    b"schema_version: 1\nrisk_tier: high\nreview: [3]\nescalation: [{steps: 4}]\n",
    b'a: "x\n', b"a: [b\n", b"a: {b\n", b"\xef\xbf\xbf", b'"\\u202e": 1\n', b'"\\t": "\\t"\n',
    "\u201ca\u201d: [\u201cb, c\u201d]\n{\u2018d: e, f\u2019: }".encode(),
    b"a: &x {b: 1}\nc: {<<: *x}\n",
    b"a:\n  b c\n  d: 1\n", b"a: 1\n  b: 2\n", b"a:\n - b\n  - c\n", b"\t- a\n",
])
def test_garbage_never_crashes(tmp_path: Path, content: bytes):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "_org.yaml").write_bytes((FIXTURES / "valid" / "minimum" / "_org.yaml").read_bytes())
    (plans / "junk.yaml").write_bytes(content)
    done = handbook("check", "--format", "json", "plans", cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr
    found = json.loads(done.stdout)
    assert found and all(d["file"] == "plans/junk.yaml" for d in found)
    assert not [d for d in found if d["rule"] == "internal"]


def test_a_link_to_a_plan_outside_the_repository_is_refused(broken_plans: Path, tmp_path: Path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text("schema_version: 1\n", encoding="utf-8")
    (broken_plans / "plans" / "menu-drafts.yaml").unlink()
    (broken_plans / "plans" / "menu-drafts.yaml").symlink_to(outside)
    done = handbook("check", "--format", "json", "plans", cwd=broken_plans)
    assert done.returncode == 1
    assert [(d["file"], d["rule"]) for d in json.loads(done.stdout)] == [
        ("plans/menu-drafts.yaml", "file-link")]


@pytest.mark.parametrize("content, rule, where", [
    (b"schema_version: 1\nx: [" + b",".join([b"{a: 1}"] * 15000) + b"]\n", "file-size", "2:"),
    (b"x: " + b"[" * 50000 + b"]" * 50000 + b"\n", "yaml-depth", "1:"),
    (b"a: 1\n" * 120000, "file-size", "1:1"),
])
def test_hostile_structure_is_refused_quickly(tmp_path: Path, content: bytes, rule: str,
                                              where: str):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "_org.yaml").write_bytes((FIXTURES / "valid" / "minimum" / "_org.yaml").read_bytes())
    (plans / "huge.yaml").write_bytes(content)
    done = handbook("check", "plans", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"plans/huge.yaml:{where}") and first.endswith(f"[{rule}]"), first


def plans_of(case: str, tmp_path: Path) -> Path:
    """A plans/ folder built as tests/test_fixtures.py builds an invalid case."""
    import shutil

    import yaml

    folder = FIXTURES / "invalid" / case
    spec = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    base = ROOT / "plans" if spec["base"] == "examples" else FIXTURES / "valid" / spec["base"]
    shutil.copytree(base, tmp_path / "plans")
    for path in folder.iterdir():
        if path.name != "case.yaml":
            shutil.copyfile(path, tmp_path / "plans" / path.name)
    return tmp_path


# Each editor mistake is named where it was made, with the fix that matches it.
@pytest.mark.parametrize("case, first, hint", [
    ("yaml-unclosed-quote-at-end", "plans/menu-drafts.yaml:33:75: error: YAML syntax: this quote "
     "is never closed", 'Add the closing " at the end of the text.'),
    ("yaml-unclosed-bracket", "plans/menu-drafts.yaml:13:10: error: YAML syntax: this '[' is "
     "never closed", "Close it with ']' at the end of the entry."),
    ("yaml-comment-in-flow", "plans/menu-drafts.yaml:46:9: error: YAML syntax: this '{' is never "
     "closed: the ' #' in column 87", "Put the text that holds '#' in double quotes"),
    ("yaml-syntax-tab", "plans/menu-drafts.yaml:12:1: error: YAML syntax: a tab is used for "
     "indentation", "YAML indents with spaces only"),
    ("yaml-typographic-quote-colon", "plans/menu-drafts.yaml:4:10: error: YAML syntax: \u201c is "
     "a typographic quote", "These are typographic quotes; YAML needs straight quotes \" or '."),
    ("yaml-typographic-quote-key", "plans/menu-drafts.yaml:7:1: error: the key \u201cowner\u201d",
     "Write it without quotes: owner:"),
    ("yaml-number-with-percent", "plans/menu-drafts.yaml:32:99: error: monitoring[0].target_value:",
     "Write the number alone: 50 (the unit belongs in `unit:`)."),
    ("yaml-escape", "plans/menu-drafts.yaml:12:42: warning: scope.purpose: inside double quotes "
     "\\t is read as a tab", "put the text in single quotes ('Faster menu text, saved in "
     "C:\\temp\\notes') or write each backslash as \\\\."),
    ("yaml-missing-colon", "plans/menu-drafts.yaml:7:1: error: YAML syntax: 'owner ana-silva' "
     "has no ':'", "'owner: ana-silva'"),
    ("yaml-over-indent", "plans/menu-drafts.yaml:8:2: error: YAML syntax: 'sponsor' is indented "
     "more than 'owner' on line 7", "start 'sponsor' in column 1, under 'owner'."),
    ("yaml-over-indent-nested", "plans/menu-drafts.yaml:14:4: error: YAML syntax: 'tools' is "
     "indented more", "start it in column 3, like 'purpose' on line 12."),
])
def test_a_yaml_mistake_is_named_with_its_fix(tmp_path: Path, case: str, first: str, hint: str):
    done = handbook("check", "plans", cwd=plans_of(case, tmp_path))
    lines = done.stdout.splitlines()
    assert "Traceback" not in done.stderr
    assert len([line for line in lines if not line.startswith("    hint:")]) == 1, lines
    assert lines[0].startswith(first), lines
    assert lines[1].startswith("    hint: ") and hint in lines[1], lines


def minimum_with(tmp_path: Path, old: bytes, new: bytes) -> Path:
    """tmp_path/plans: the minimum fixture set with one edit made in its files."""
    plans = tmp_path / "plans"
    plans.mkdir()
    for source in (FIXTURES / "valid" / "minimum").iterdir():
        (plans / source.name).write_bytes(source.read_bytes().replace(old, new))
    return plans


def test_a_percentage_key_says_the_key_already_holds_the_unit(tmp_path: Path):
    minimum_with(tmp_path, b"access_percent: 100", b"access_percent: 100 %")
    done = handbook("check", "plans", cwd=tmp_path)
    assert done.stdout.splitlines() == [
        "plans/menu-drafts.yaml:42:21: error: stages[0].access_percent: expected a number but "
        "found '100 %' [type]",
        "    hint: Write the number alone: 100 (the key already says it is a percentage).",
    ]


def test_a_line_break_in_a_key_cannot_forge_a_diagnostic(tmp_path: Path):
    root = plans_of("yaml-key-newline", tmp_path)
    text = handbook("check", "plans", cwd=root).stdout.splitlines()
    assert len(text) == 2 and text[0].startswith("plans/menu-drafts.yaml:12:3: error: ")
    assert "scope.purpose\\nmenu-drafts.yaml:1:1: error: forged [x]" in text[0]
    assert text[1].startswith("    hint: ")
    github = handbook("check", "--format", "github", "plans", cwd=root).stdout.splitlines()
    assert len(github) == 1 and "purpose%0Amenu-drafts.yaml" in github[0]


def test_control_characters_in_a_message_are_shown_escaped():
    from macros.core.diagnostics import Diagnostic, format_text

    shown = format_text([Diagnostic("plans/a.yaml", 1, 2, "error", "x", "a\rb\u2028c\x1bd",
                                    "e\nf")])
    assert shown.splitlines() == ["plans/a.yaml:1:2: error: a\\rb\\u2028c\\u001bd [x]",
                                  "    hint: e\\nf"]


def test_the_only_key_of_a_mapping_without_its_colon_gets_the_rewritten_line(tmp_path: Path):
    minimum_with(tmp_path, b"support:\n  owner: ben-cho", b"support:\n  owner ben-cho")
    lines = handbook("check", "plans", cwd=tmp_path).stdout.splitlines()
    found = lines.index("plans/menu-drafts.yaml:26:3: error: support: expected a mapping of keys "
                        "to values but found 'owner ben-cho' [type]")
    assert lines[found + 1] == ("    hint: A key needs ':' and a space after it: write "
                                "'owner: ben-cho'.")


# --- the repository boundary: nothing outside it is read, checked or published ---------------


@pytest.fixture
def outside_plans(tmp_path_factory) -> Path:
    """A complete, valid plans folder that lives outside the project."""
    outside = tmp_path_factory.mktemp("elsewhere") / "plans"
    outside.mkdir()
    for source in (FIXTURES / "valid" / "minimum").iterdir():
        (outside / source.name).write_bytes(source.read_bytes())
    return outside


def test_a_plans_folder_linked_from_outside_is_refused(tmp_path: Path, outside_plans: Path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "plans").symlink_to(outside_plans, target_is_directory=True)
    done = handbook("check", "--format", "json", cwd=project)
    assert done.returncode == 1
    found = json.loads(done.stdout)
    # One error, at the path the editor wrote; no plan inside the folder was read.
    assert [(d["file"], d["rule"]) for d in found] == [("plans", "file-link")]
    assert str(outside_plans) in found[0]["message"]


def test_a_linked_folder_named_on_the_command_line_is_refused(tmp_path: Path,
                                                              outside_plans: Path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "shared-plans").symlink_to(outside_plans, target_is_directory=True)
    done = handbook("check", "--format", "json", "shared-plans", cwd=project)
    assert done.returncode == 1
    assert [(d["file"], d["rule"]) for d in json.loads(done.stdout)] == [
        ("shared-plans", "file-link")]


def test_a_linked_file_named_on_the_command_line_is_refused(broken_plans: Path,
                                                            outside_plans: Path):
    (broken_plans / "plans" / "menu-drafts.yaml").unlink()
    (broken_plans / "plans" / "menu-drafts.yaml").symlink_to(outside_plans / "menu-drafts.yaml")
    done = handbook("check", "--format", "json", "plans/menu-drafts.yaml", cwd=broken_plans)
    assert done.returncode == 1
    assert [(d["file"], d["rule"]) for d in json.loads(done.stdout)] == [
        ("plans/menu-drafts.yaml", "file-link")]


def test_an_org_file_linked_from_outside_is_not_read(broken_plans: Path, outside_plans: Path):
    # The plan names a tool that the outside _org.yaml prohibits: read, it would be an error.
    (broken_plans / "plans" / "menu-drafts.yaml").write_bytes(
        (outside_plans / "menu-drafts.yaml").read_bytes().replace(b"tools: [chat]",
                                                                  b"tools: [free-bot]"))
    (broken_plans / "plans" / "_org.yaml").unlink()
    (broken_plans / "plans" / "_org.yaml").symlink_to(outside_plans / "_org.yaml")
    for args in (["plans"], ["plans/menu-drafts.yaml"]):
        done = handbook("check", "--format", "json", *args, cwd=broken_plans)
        assert done.returncode == 1
        found = json.loads(done.stdout)
        assert ("plans/_org.yaml", "file-link") in [(d["file"], d["rule"]) for d in found]
        # Unread: the plan is not judged against registries that could not be read (no
        # cascade of reference errors), and nothing else is said of the linked file.
        assert [d["rule"] for d in found if d["file"] == "plans/_org.yaml"] == ["file-link"]
        assert not any(d["rule"] in ("tool-status", "ref") for d in found), found


def test_a_link_inside_the_repository_is_fine(broken_plans: Path):
    kept = broken_plans / "kept"
    kept.mkdir()
    (kept / "menu-drafts.yaml").write_bytes(
        (FIXTURES / "valid" / "minimum" / "menu-drafts.yaml").read_bytes())
    (broken_plans / "plans" / "menu-drafts.yaml").unlink()
    (broken_plans / "plans" / "menu-drafts.yaml").symlink_to(kept / "menu-drafts.yaml")
    done = handbook("check", cwd=broken_plans)
    assert done.returncode == 0, done.stdout


def test_the_site_build_refuses_a_plans_folder_linked_from_outside(tmp_path: Path,
                                                                   outside_plans: Path):
    from .conftest import make_project, mkdocs_build

    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    shutil.rmtree(project / "plans")
    (project / "plans").symlink_to(outside_plans, target_is_directory=True)
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode != 0
    assert "plans:1:1: error: is a link to the folder" in done.stderr
    assert not (tmp_path / "site" / "plans" / "menu-drafts").exists()


def test_the_reference_in_a_terminal_is_text_with_its_entities_decoded(monkeypatch, capsys):
    from macros.cli import commands as cli

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert cli.main(["reference"]) == 0
    shown = capsys.readouterr().out
    assert "&#" not in shown, [line for line in shown.splitlines() if "&#" in line][:3]
    assert "| `id` | id | yes | — | — |" in shown and "/plans/<id>/" in shown
    assert cli.main(["reference", "--format", "markdown"]) == 0
    assert "&#8212;" in capsys.readouterr().out  # the published page, as it is


def test_the_reference_piped_is_the_markdown_page_unless_text_is_asked_for():
    piped = handbook("reference")
    assert piped.returncode == 0 and "| `id` | id | yes | &#8212; |" in piped.stdout
    text = handbook("reference", "--format", "text")
    assert text.returncode == 0 and "&#" not in text.stdout


@pytest.mark.parametrize("command", [["serve"], ["build", "--site-dir", "site"]])
def test_build_and_serve_let_material_show_its_end_of_life_notice(
        monkeypatch, tmp_path: Path, command: list[str]):
    """Material prints its notice (once, as MkDocs starts) unless NO_MKDOCS_2_WARNING is set:
    the commands no longer set it; a user who sets it still can."""
    from macros.cli import commands as cli
    from macros.publishing import publish_site

    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_MKDOCS_2_WARNING", raising=False)
    envs: list[dict] = []
    monkeypatch.setattr(publish_site, "run_child",
                        lambda argv, env, stop, **when: envs.append(env) or 1)
    cli.main([*command, *(["--today", "2026-11-24"] if command[0] == "build" else [])])
    assert envs and "NO_MKDOCS_2_WARNING" not in envs[0]
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    cli.main([*command, *(["--today", "2026-11-24"] if command[0] == "build" else [])])
    assert envs[1]["NO_MKDOCS_2_WARNING"] == "1"


# --- handbook build --engine ------------------------------------------------------------------


def _last_good_site(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """A repository with plans/ and a site/ from an earlier build (a link to its folder)."""
    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    build = tmp_path / ".site-builds" / "earlier"
    build.mkdir(parents=True)
    (build / "index.html").write_text("last good\n", encoding="utf-8")
    (tmp_path / "site").symlink_to(".site-builds/earlier", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "site", build


def test_an_engine_that_is_not_installed_is_one_line_naming_its_extra(
        monkeypatch, tmp_path: Path, capsys):
    from macros.cli import commands as cli
    from macros.publishing import engines

    site, build = _last_good_site(tmp_path, monkeypatch)
    monkeypatch.setitem(engines.ENGINES, "zensical",
                        engines.Engine("zensical", "no_such_engine_module", "zensical"))
    assert cli.main(["build", "--engine", "zensical", "--today", "2026-11-24"]) == 2
    said = capsys.readouterr().err
    assert said == ("handbook build: zensical is not installed; install it with: "
                    "pip install 'rollout-handbook[zensical]'\n")
    assert site.resolve() == build.resolve() and (site / "index.html").read_text() == "last good\n"


def test_a_failed_engine_build_keeps_the_last_good_site(monkeypatch, tmp_path: Path, capsys):
    from macros.cli import commands as cli
    from macros.publishing import engine_build

    site, build = _last_good_site(tmp_path, monkeypatch)
    monkeypatch.setattr(engine_build, "argv", lambda name, config: [
        sys.executable, "-c", "import sys; sys.exit(3)"])
    assert cli.main(["build", "--engine", "mkdocs", "--today", "2026-11-24"]) == 1
    assert "mkdocs build failed; site/ left as it was." in capsys.readouterr().err
    assert site.resolve() == build.resolve() and (site / "index.html").read_text() == "last good\n"
    assert [p.name for p in (tmp_path / ".site-builds").iterdir() if p.name != ".lock"] == [
        "earlier"]


def test_an_engine_build_renders_the_project_and_publishes_what_the_engine_wrote(
        monkeypatch, tmp_path: Path):
    """The engine gets the rendered project (mkdocs.yml, docs/, nothing of plans/); what it
    writes into site/ beside the config is what site/ shows, with the theme fixes made."""
    from macros.cli import commands as cli
    from macros.publishing import engine_build

    site, _ = _last_good_site(tmp_path, monkeypatch)
    seen: list[list[str]] = []
    fake_engine = ("import pathlib, sys; config = pathlib.Path(sys.argv[1]); "
                   "out = config.parent / 'site'; out.mkdir(); "
                   "(out / 'index.html').write_text("
                   "'<input type=\"checkbox\" id=\"x\" autocomplete=\"off\">'); "
                   "(out / 'listing.txt').write_text('\\n'.join(sorted("
                   "p.relative_to(config.parent).as_posix() for p in config.parent.rglob('*'))))")

    def argv(name: str, config: Path) -> list[str]:
        seen.append([name, str(config)])
        return [sys.executable, "-c", fake_engine, str(config)]

    monkeypatch.setattr(engine_build, "argv", argv)
    assert cli.main(["build", "--engine", "zensical", "--today", "2026-11-24"]) == 0
    assert [name for name, _ in seen] == ["zensical"]
    assert not Path(seen[0][1]).exists(), "the temporary project is removed"
    assert (site / "index.html").read_text() == '<input type="checkbox" id="x">'
    listing = (site / "listing.txt").read_text().splitlines()
    assert {"mkdocs.yml", "docs/index.md", "docs/plans/index.md"} <= set(listing)
    assert not [p for p in listing if p.endswith((".yaml", ".csv"))], listing


def test_an_engine_build_with_plan_errors_runs_no_engine(monkeypatch, tmp_path: Path, capsys):
    from macros.cli import commands as cli
    from macros.publishing import engine_build

    site, build = _last_good_site(tmp_path, monkeypatch)
    (tmp_path / "plans" / "_org.yaml").write_text("name: [\n", encoding="utf-8")
    monkeypatch.setattr(engine_build, "build_with", lambda *a: pytest.fail("engine ran"))
    assert cli.main(["build", "--engine", "mkdocs", "--today", "2026-11-24"]) == 1
    assert "site/ left as it was" in capsys.readouterr().err
    assert site.resolve() == build.resolve()


def test_a_build_whose_check_fails_stops_its_mkdocs_child_and_keeps_the_site(
        monkeypatch, tmp_path: Path, capsys):
    """The check runs beside the MkDocs child (cmd_build): when it fails, the child is
    stopped, nothing is published, and the check's own message says why."""
    from macros.cli import commands as cli
    from macros.publishing import publish_site

    site, build = _last_good_site(tmp_path, monkeypatch)
    (tmp_path / "plans" / "_org.yaml").write_text("name: [\n", encoding="utf-8")
    gave_up = []
    real = publish_site.run_child

    def child(argv, env, stop, **when):
        code = real([sys.executable, "-c", "import time; time.sleep(60)"], env, stop, **when)
        gave_up.append(code)
        return code

    monkeypatch.setattr(publish_site, "run_child", child)
    assert cli.main(["build", "--today", "2026-11-24"]) == 1
    err = capsys.readouterr().err
    assert gave_up == [publish_site.GAVE_UP]  # stopped, not waited for (60 s)
    assert "site/ left as it was" in err and "mkdocs build failed" not in err
    assert site.resolve() == build.resolve()


def test_python_m_macros_runs_nothing_when_a_chart_process_imports_it():
    """A build's chart processes are spawned: each imports the main module as __mp_main__.
    `python -m macros` must then not run the command again in every one of them."""
    import runpy

    runpy.run_module("macros.__main__", run_name="__mp_main__")  # no SystemExit


class _Stopped(Exception):
    pass


def _stop(*_):
    raise _Stopped


def test_the_checks_workers_end_on_sigterm_whatever_handler_the_build_set(monkeypatch):
    """`handbook build` checks in a thread while run_child's SIGTERM handler is set; the pool's
    workers must not keep it, or the SIGTERM that ends the pool is caught (a worker then
    hung on its last write, and the build with it)."""
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        with workers_pool(2) as pool:
            assert pool.apply(signal.getsignal, (signal.SIGTERM,)) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, previous)
