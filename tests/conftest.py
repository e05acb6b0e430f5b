"""Shared test helpers: the repository root, a frozen "today", and tool discovery."""
from __future__ import annotations

import contextlib
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


@pytest.fixture
def today() -> dt.date:
    return TODAY


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


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HANDBOOK_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(site)], cwd=project, env=env, capture_output=True, text=True)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("hostile")
    project = make_project(FIXTURES / "valid" / "hostile", where)
    done = mkdocs_build(project, where / "site")
    assert done.returncode == 0, done.stderr
    return where / "site"


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
    where = tmp_path_factory.mktemp("hostile-titles")
    project = make_project(FIXTURES / "valid" / "hostile-titles", where)
    done = mkdocs_build(project, where / "site")
    assert done.returncode == 0, done.stderr
    return where / "site"
