"""Shared test helpers: the repository root, a frozen "today", and tool discovery."""
from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from macros.core.measurements import Measurement
from macros.model.build import build_handbook
from macros.core.validate import check
from macros.publishing.engines import installed, missing_message

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2026, 11, 24)  # tests never depend on the real date


def require_tool(name: str, how: str) -> str:
    """The path of a system tool; skip locally when missing, fail in CI (CI is set there)."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed; install it with: {how}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def zensical() -> str:
    """Zensical from this virtualenv (optional extra `zensical`, which `make` installs)."""
    found = shutil.which("zensical", path=str(Path(sys.executable).parent))
    return found or require_tool("zensical", "pip install -e '.[zensical]'")


def require_engine(name: str) -> None:
    """An engine `handbook build --engine` runs: skip locally when missing, fail in CI."""
    if installed(name):
        return
    if os.environ.get("CI"):
        pytest.fail(missing_message(name))
    pytest.skip(missing_message(name))


@pytest.fixture
def today() -> dt.date:
    return TODAY


def invalid_case_plans(case: Path, work: Path) -> Path:
    """The plans folder of an invalid fixture case at `work`: a copy of its base (a valid set,
    or `examples` for plans/) with the case's files replacing or adding files, and `remove`d
    ones gone (see tests/test_fixtures.py)."""
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    base = ROOT / "plans" if spec["base"] == "examples" else FIXTURES / "valid" / spec["base"]
    shutil.copytree(base, work)
    for removed in spec.get("remove", []):
        (work / removed).unlink()
    for path in case.iterdir():
        if path.name != "case.yaml":
            shutil.copyfile(path, work / path.name)
    return work


def defined_macros() -> dict:
    """The macros that macros/main.py registers with mkdocs-macros, by name."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("handbook_macros", ROOT / "macros" / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    defined: dict = {}

    class Env:
        def macro(self, function):
            defined[function.__name__] = function
            return function

    module.define_env(Env())
    return defined


def make_project(plans: Path, where: Path) -> Path:
    """A copy of the handbook project whose plans/ is `plans` (a fixture set). Every page in
    docs/ works with any plans, the macro guide included."""
    project = where / "project"
    project.mkdir()
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copyfile(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    for name in ("macros", "schema"):
        (project / name).symlink_to(ROOT / name)
    shutil.copytree(plans, project / "plans")
    return project


def mkdocs_build(project: Path, site: Path, day: dt.date = TODAY
                 ) -> subprocess.CompletedProcess:
    env = {**os.environ, "HANDBOOK_TODAY": day.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(site)], cwd=project, env=env, capture_output=True, text=True)


def built_site(tmp_path_factory, case: str) -> Path:
    """The site of the valid fixture set `case`, built once by the real MkDocs build."""
    where = tmp_path_factory.mktemp(case)
    project = make_project(FIXTURES / "valid" / case, where)
    done = mkdocs_build(project, where / "site")
    assert done.returncode == 0, done.stderr
    return where / "site"


def add_page(project: Path, name: str, text: str, nav_title: str | None = None) -> None:
    """A hand-written page in docs/, listed in the nav under About (title from the page when
    `nav_title` is None)."""
    (project / "docs" / name).write_text(text, encoding="utf-8")
    entry = f"{nav_title}: {name}" if nav_title else name
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      - How to read this handbook: about.md",
        f"      - How to read this handbook: about.md\n      - {entry}"), encoding="utf-8")


def watched_page(browser, site_origin: str):
    """A page that records every dialog it opens and every request that leaves the origin."""
    page = browser.new_context().new_page()
    dialogs: list[str] = []
    foreign: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda r: None if r.url.startswith(site_origin) else
            foreign.append(r.url))
    return page, dialogs, foreign


def every_page(page, site_origin: str, site: Path):
    """Open each page of a built site in turn (at least ten), yielding its folder's URL path
    ('' for the home page) once the page has settled."""
    paths = sorted(site.rglob("index.html"))
    assert len(paths) > 10
    for path in paths:
        url = path.parent.relative_to(site).as_posix()
        url = "" if url == "." else url
        page.goto(f"{site_origin}/{url + '/' if url else ''}")
        page.wait_for_load_state("networkidle")
        yield url


REFUSED = (FIXTURES / "content" / "refused.md").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def refused_site(tmp_path_factory) -> Path:
    """The hostile fixture's handbook plus one hand-written page holding content the check
    refuses, rendered anyway: the sanitiser alone must make it harmless."""
    from macros.render import text

    where = tmp_path_factory.mktemp("refused")
    project = make_project(FIXTURES / "valid" / "hostile", where)
    page = text.front_matter("Refused content") + "\n" + text.markdown(REFUSED) + "\n"
    (project / "docs" / "refused-content.md").write_text(page, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - Home: index.md\n", "  - Home: index.md\n  - Refused content: refused-content.md\n"),
        encoding="utf-8")
    done = mkdocs_build(project, where / "site")
    assert done.returncode == 0, done.stderr
    return where / "site"


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    return built_site(tmp_path_factory, "hostile")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("examples")
    done = subprocess.run([sys.executable, "-m", "macros", "build", "--site-dir",
                           str(where / "site"), "--today", TODAY.isoformat()],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return where / "site"


CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """A static server for a built site on a free loopback port; yields its origin."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def origin(example_site: Path):
    with serve(example_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    executable = require_tool("chromium", "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def hostile_titles_site(tmp_path_factory) -> Path:
    """A site whose plan, stage, module, team and organisation names are `Q&A & R&D <b> "x"`."""
    return built_site(tmp_path_factory, "hostile-titles")


# --- the tool as another organisation gets it (tests/test_package.py, test_hostile_titles.py) --
# One wheel and one virtualenv per test session, shared by every test that needs them.


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
                           "-c", "init.defaultBranch=main", *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    return done.stdout


def changed_handbook(plan_id: str, *, plan_changed=None, org_changed=None, rows=None,
                     day: dt.date = TODAY, folder: Path = FIXTURES / "states"):
    """The handbook of a checked fixture set, with `plan_changed(data)` applied to one plan,
    `org_changed(org)` to _org.yaml, and `rows` ((day, metric, value), ...) as that plan's
    measurements: the model and pages of a variation, without writing files. The fixtures are
    checked on the tests' TODAY; the handbook is built on `day`."""
    checked = check([folder], today=TODAY)
    assert checked.ok, checked.diagnostics
    org = copy.deepcopy(checked.org.data)
    if org_changed:
        org_changed(org)
    plans = [(copy.deepcopy(d.data), d.file) for d in checked.plans]
    for data, _file in plans:
        if data["id"] == plan_id and plan_changed:
            plan_changed(data)
    measured = {pid: m.rows for pid, m in checked.measurements.items()}
    if rows is not None:
        measured[plan_id] = tuple(Measurement(dt.date.fromisoformat(when), metric, value, "",
                                              n + 2) for n, (when, metric, value) in enumerate(rows))
    return build_handbook(org, plans, day, measured)


def repository_of(plans: Path, where: Path) -> Path:
    """A git repository at `where` whose first commit holds a copy of `plans` as plans/."""
    shutil.copytree(plans, where / "plans")
    git("init", "-q", cwd=where)
    git("add", ".", cwd=where)
    git("commit", "-q", "-m", "first", cwd=where)
    return where / "plans"


@pytest.fixture(scope="session")
def source_commit(tmp_path_factory) -> Path:
    """This worktree's files as they are now (tracked and new, not ignored), committed in a
    repository of their own: what a wheel is built from and what pre-commit clones. Building
    from a copy also keeps a stale build/ folder of the checkout out of the wheel."""
    copy = tmp_path_factory.mktemp("source") / "rollout-handbook"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    git("init", "-q", cwd=copy)
    git("add", "-A", cwd=copy)
    git("commit", "-q", "-m", "the worktree under test", cwd=copy)
    return copy


@pytest.fixture(scope="session")
def wheel(source_commit: Path, tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist),
                    str(source_commit)], check=True, capture_output=True)
    (found,) = dist.glob("rollout_handbook-*.whl")
    return found


@pytest.fixture(scope="session")
def venv(wheel: Path, tmp_path_factory) -> Path:
    """A fresh virtualenv outside the checkout with the wheel and its pinned dependencies."""
    where = tmp_path_factory.mktemp("venv") / "env"
    assert not where.resolve().is_relative_to(ROOT)
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    done = subprocess.run([str(where / "bin" / "python"), "-m", "pip", "install", "--quiet",
                           str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return where
