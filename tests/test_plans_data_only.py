"""plans/ is data only, and hand-written pages cannot reach Python: a pull request that changes
only plans/ runs no code on the build machine and publishes no file of its own, in a repository
of its own (`docs_dir: plans`, the plugin), in this repository's hook layout and when someone
points the hook layout's docs_dir at plans/; a page in docs/ that reaches for Python is refused
by the check at its line and column and stopped by the sandbox if it is rendered anyway.

Each build also runs as `mkdocs serve` runs it (its errors do not stop the build): the check
alone must not be what keeps a payload from running or a file from being published.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
import yaml
from jinja2.sandbox import SecurityError

from macros.cli.init import MINIMAL_MKDOCS
from macros.render.page_sandbox import page_environment
from macros.publishing.plugin import SCRIPT, SITE_DATA

from .conftest import FIXTURES, ROOT, TODAY, make_project, mkdocs_build


def payload(marker: Path) -> str:
    """A page that, rendered by plain Jinja, runs a shell command writing `marker`."""
    return ("---\nrender_macros: true\n---\n\n# Notes\n\nSee below.\n\n"
            f'{{{{ cycler.__init__.__globals__.os.popen("touch {marker}").read() }}}}\n')


HOSTILE_HTML = "<html><body><script>alert('plans')</script></body></html>\n"
HOSTILE_SCRIPT = "alert('replaced the handbook script');\n"


def plant(plans: Path, marker: Path) -> None:
    (plans / "notes.md").write_text(payload(marker), encoding="utf-8")
    (plans / "page.html").write_text(HOSTILE_HTML, encoding="utf-8")
    (plans / "javascripts").mkdir()
    (plans / "javascripts" / "handbook.js").write_text(HOSTILE_SCRIPT, encoding="utf-8")


# A repository of its own as `handbook init` wrote it up to 0.2.0: plans/ as docs_dir. Such a
# mkdocs.yml keeps building under MkDocs, with nothing of plans/ published.
LEGACY_MKDOCS = re.sub(r"^docs_dir: docs .*$", "docs_dir: plans", MINIMAL_MKDOCS, flags=re.M)


def own_repository(where: Path) -> Path:
    """A repository of its own with `docs_dir: plans` (LEGACY_MKDOCS): mkdocs.yml, plans/."""
    shutil.copytree(FIXTURES / "valid" / "minimum", where / "plans")
    (where / "mkdocs.yml").write_text(LEGACY_MKDOCS, encoding="utf-8")
    return where


def handbook(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", *args, "--today", TODAY.isoformat()],
                          cwd=cwd, capture_output=True, text=True)


# `mkdocs serve` rebuilds with the plugins told the command is "serve": plan errors become a
# page and the build goes on. The same build, once, into a folder.
SERVE_BUILD = """
import logging, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
logging.basicConfig(level=logging.WARNING)
config = load_config("mkdocs.yml", site_dir=sys.argv[1])
config.plugins.on_startup(command="serve", dirty=False)
build(config)
"""


def serve_build(project: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HANDBOOK_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-c", SERVE_BUILD, str(site)], cwd=project, env=env,
                          capture_output=True, text=True)


def published(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


PLANTED = ["plans/javascripts/handbook.js:1:1", "plans/notes.md:1:1", "plans/page.html:1:1"]


def test_a_page_script_and_html_in_plans_are_check_errors_at_their_paths(tmp_path: Path):
    repo = own_repository(tmp_path / "harbour")
    marker = tmp_path / "ran"
    plant(repo / "plans", marker)
    done = handbook("check", cwd=repo)
    assert done.returncode == 1
    located = [line.split(": error: ")[0] for line in done.stdout.splitlines()
               if "[plans-file]" in line]
    assert located == PLANTED, done.stdout
    assert "docs_dir: docs" in done.stdout  # the hint says where pages go
    assert not marker.exists()


@pytest.mark.parametrize("path", ["plans/notes.md", "plans/javascripts/handbook.js",
                                  "plans/page.html", "plans/menu.yaml", "docs/onboarding.md"])
def test_the_pre_commit_hook_runs_when_any_file_in_plans_changes(path: str):
    """pre-commit runs a hook only for the paths its `files` pattern matches: a commit that
    adds only a page to plans/ must still be checked."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "handbook-check"]
    assert re.search(hook["files"], path)


def test_the_own_repository_build_fails_and_runs_nothing(tmp_path: Path):
    repo = own_repository(tmp_path / "harbour")
    marker = tmp_path / "ran"
    plant(repo / "plans", marker)
    done = mkdocs_build(repo, tmp_path / "site")
    assert done.returncode != 0
    assert "plans/notes.md:1:1: error: " in done.stderr and "[plans-file]" in done.stderr
    assert "Traceback" not in done.stderr
    assert not marker.exists()
    assert not (tmp_path / "site" / "index.html").exists()


def assert_nothing_from_plans(site: Path, marker: Path) -> None:
    assert not marker.exists(), "a page in plans/ was rendered as a template"
    files = published(site)
    assert "404.html" in files  # the build did publish a site
    assert not [f for f in files if f.startswith("notes") or f.endswith(".md")
                or f == "page.html" or f.endswith((".yaml", ".csv"))], files
    for page in site.rglob("*.html"):
        assert "alert('plans')" not in page.read_text(encoding="utf-8"), page


def test_under_serve_nothing_in_plans_is_published_or_rendered(tmp_path: Path):
    """The own-repository layout: the tool's script stays the one shipped; no page, .html or
    plan file of plans/ reaches the site, and the payload never runs."""
    repo = own_repository(tmp_path / "harbour")
    marker = tmp_path / "ran"
    plant(repo / "plans", marker)
    (repo / "plans" / "<img src=x onerror=alert(1)>.txt").write_text("x\n", encoding="utf-8")
    done = serve_build(repo, tmp_path / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    assert_nothing_from_plans(tmp_path / "site", marker)
    errors = (tmp_path / "site" / "handbook-errors" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in errors  # the preview names each file, as text
    assert "plans/<img src=x onerror=alert(1)>.txt:1:1" in html.unescape(errors)
    assert "plans/notes.md:1:1" in html.unescape(errors)
    shipped = (SITE_DATA / SCRIPT).read_text(encoding="utf-8")
    assert (tmp_path / "site" / SCRIPT).read_text(encoding="utf-8") == shipped


def test_the_hook_layout_is_safe_with_docs_dir_plans(tmp_path: Path):
    """This repository's own layout (`hooks:`), with docs_dir pointed at plans/: the same."""
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    config = project / "mkdocs.yml"
    # Not strict: the nav names docs/ pages that are now missing, and the site must be written
    # for the test to look at it.
    config.write_text(config.read_text(encoding="utf-8").replace(
        "docs_dir: docs", "docs_dir: plans").replace("strict: true", "strict: false"),
        encoding="utf-8")
    marker = tmp_path / "ran"
    plant(project / "plans", marker)
    done = serve_build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    assert_nothing_from_plans(tmp_path / "site", marker)
    assert not (tmp_path / "site" / SCRIPT).exists()  # only docs/ could provide it here


def docs_payload(project: Path, marker: Path) -> None:
    (project / "docs" / "notes.md").write_text(payload(marker), encoding="utf-8")


def test_a_page_in_docs_reaching_for_python_is_refused_at_its_line(tmp_path: Path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    marker = tmp_path / "ran"
    docs_payload(project, marker)
    done = handbook("check", cwd=project)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "docs/notes.md:9:4: error: calls into 'cycler': pages may call only the handbook's "
        "macros [page-expression]")
    assert not marker.exists()


def own_repository_with_docs(where: Path) -> Path:
    """A repository of its own with pages of its own: docs_dir: docs, the pluglet form."""
    repo = own_repository(where / "harbour")
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "docs_dir: plans", "docs_dir: docs"), encoding="utf-8")
    (repo / "docs").mkdir()
    return repo


@pytest.mark.parametrize("layout", ["hook", "own-repository"])
def test_a_page_in_docs_rendered_anyway_is_stopped_by_the_sandbox(layout: str, tmp_path: Path):
    """Under serve the check's errors do not stop the build: the page is rendered, the sandbox
    refuses `__init__`, and the build fails without running the command. Both ways of loading
    the macros (`module_name:` in the hook layout, the pluglet in a repository of its own)."""
    project = (make_project(FIXTURES / "valid" / "minimum", tmp_path) if layout == "hook"
               else own_repository_with_docs(tmp_path))
    marker = tmp_path / "ran"
    docs_payload(project, marker)
    done = serve_build(project, tmp_path / "site")
    assert not marker.exists(), "the page's Jinja reached Python"
    assert done.returncode != 0
    assert "SecurityError" in done.stderr or "unsafe" in done.stderr, done.stderr[-3000:]


@pytest.mark.parametrize("template", [
    '{{ cycler.__init__.__globals__.os.popen("id").read() }}',
    "{{ plans_table.__globals__ }}",
    "{% set ex = handbook_examples() %}{{ ex.__class__.__mro__ }}",
])
def test_the_sandbox_refuses_python_internals(template: str):
    sandbox = page_environment({"plans_table": lambda: "", "handbook_examples": dict},
                               jinja2.Environment(undefined=jinja2.StrictUndefined))
    with pytest.raises(SecurityError):
        sandbox.from_string(template).render()


def test_the_sandbox_shows_only_the_macros():
    """mkdocs-macros passes config, page, plugin and more: a page sees none of them, nor
    Jinja's own globals."""
    sandbox = page_environment({"plans_table": lambda: "TABLE"},
                               jinja2.Environment(undefined=jinja2.StrictUndefined))
    assert sandbox.from_string("{{ plans_table() }}").render(config={"x": 1}) == "TABLE"
    for name in ("config", "page", "plugin", "environment", "range", "cycler", "lipsum"):
        with pytest.raises(jinja2.UndefinedError):
            sandbox.from_string(f"{{{{ {name} }}}}").render(config={}, page={}, plugin={},
                                                           environment={})
    with pytest.raises(TypeError):  # no loader: no include, import or extends
        sandbox.from_string("{% include 'plans/_org.yaml' %}").render()


@pytest.mark.parametrize("line", ['docs_dir: "pages"', "docs_dir: 'pages'",
                                  "docs_dir: !ENV [HANDBOOK_TEST_NO_SUCH_VARIABLE, pages]",
                                  'docs_dir: "pages"   # a comment'])
def test_a_quoted_docs_dir_keeps_the_page_check_on(line: str, tmp_path: Path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    (project / "docs").rename(project / "pages")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("docs_dir: docs", line)
                      + "extra:\n  icon: !!python/name:os.system\n", encoding="utf-8")
    (project / "pages" / "onboarding.md").write_text(
        "---\nrender_macros: true\n---\n\n{{ allowed_now('menu-draft') }}\n", encoding="utf-8")
    done = handbook("check", cwd=project)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("pages/onboarding.md:5:16: error: allowed_now: 'menu-draft' "
                                  "is not a plan")
