"""`handbook serve` (what `make serve` runs): broken plans show their errors in the browser,
whether they break mid-session or are broken when the server starts; the server keeps running,
and fixing the file recovers without a restart."""
from __future__ import annotations

import html
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import Files

from macros.core.dates import day_words
from macros.publishing import hook
from macros.publishing.serve_staging import ListedOnce
from macros.render.chart_cache import PENDING

from .conftest import FIXTURES, ROOT, TODAY, make_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, html.unescape(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, ""


def wait_for(condition, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = condition()
            if result:
                return result
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("timed out waiting for the server")


def test_broken_plan_shows_errors_and_recovers(tmp_path: Path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HANDBOOK_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: fetch(base + "/plans/menu-drafts/")[0] == 200)
        plan = project / "plans" / "menu-drafts.yaml"
        good = plan.read_text(encoding="utf-8")
        plan.write_text(good.replace("owner: ana-silva", "owner: nobody"), encoding="utf-8")
        status, page = wait_for(lambda: (r := fetch(base + "/handbook-errors/"))[0] == 200 and r)
        assert "menu-drafts.yaml:7:8" in page and "nobody" in page
        assert f"As of {day_words(TODAY)}." in page  # the day the check judged the plans on
        status, page = fetch(base + "/plans/menu-drafts/")
        assert status == 200  # the last good pages stay, with a banner
        assert "3 error(s) in the plans." in page  # the owner and two metric owners
        assert server.poll() is None

        plan.write_text(good, encoding="utf-8")
        wait_for(lambda: fetch(base + "/handbook-errors/")[0] == 404)
        assert fetch(base + "/plans/menu-drafts/")[0] == 200
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=10)


def start_serve(project: Path, port: int) -> subprocess.Popen:
    """`handbook serve` in its own process group, so that the test can stop all of it."""
    env = {**os.environ, "HANDBOOK_TODAY": TODAY.isoformat()}
    return subprocess.Popen([sys.executable, "-m", "macros", "serve", "--dev-addr",
                             f"127.0.0.1:{port}"], cwd=project, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            process_group=0)


def stop_serve(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait()


def test_serve_starts_on_broken_plans_and_recovers(tmp_path: Path):
    """mkdocs.yml says strict: true, and the home page links to pages that only exist once the
    plans are good: the preview must start anyway, with the errors page and the hand-written
    pages, and must become the full handbook once the plan is fixed."""
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    plan = project / "plans" / "menu-drafts.yaml"
    good = plan.read_text(encoding="utf-8")
    plan.write_text(good.replace("owner: ana-silva", "owner: nobody"), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_serve(project, port)
    try:
        status, page = wait_for(lambda: (r := fetch(base + "/handbook-errors/"))[0] == 200 and r)
        assert "menu-drafts.yaml:7:8" in page and "nobody" in page
        status, page = fetch(base + "/")
        assert status == 200
        assert "3 error(s) in the plans." in page
        assert "this preview shows only the hand-written pages" in page
        assert "The plans have errors, so this part of the page cannot be shown." in page
        assert fetch(base + "/about/")[0] == 200
        assert fetch(base + "/plans/menu-drafts/")[0] == 404
        assert server.poll() is None

        plan.write_text(good, encoding="utf-8")
        wait_for(lambda: fetch(base + "/plans/menu-drafts/")[0] == 200)
        assert fetch(base + "/handbook-errors/")[0] == 404
        status, page = fetch(base + "/")
        assert "error(s) in the plans" not in page and "teams/shop/" in page  # find your team
        assert server.poll() is None
    finally:
        stop_serve(server)


def _children(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return {int(p) for p in handle.read().split()}
    except OSError:
        return set()


def test_a_code_edit_restarts_serve_and_shows(tmp_path: Path):
    """An edit to the tool's code under macros/ restarts the MkDocs child of `handbook serve`
    (a new process imports all of the new code; nothing is reloaded in place), and the served
    page shows what the new code renders."""
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    (project / "macros").unlink()  # the project's own copy of the code, to edit
    shutil.copytree(ROOT / "macros", project / "macros",
                    ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    page = f"http://127.0.0.1:{port}/plans/menu-drafts/"
    server = start_serve(project, port)
    try:
        wait_for(lambda: fetch(page)[0] == 200)
        assert "Edited-in-code" not in fetch(page)[1]
        first = _children(server.pid)
        assert len(first) == 1
        dates = project / "macros" / "core" / "dates.py"
        code = dates.read_text(encoding="utf-8")
        said = '    return f"{_WEEKDAYS[day.weekday()]}'
        dates.write_text(code.replace(said, '    return "Edited-in-code " + ' + said[11:]),
                         encoding="utf-8")
        wait_for(lambda: "Edited-in-code" in fetch(page)[1], seconds=120)
        assert _children(server.pid) - first  # a new child process serves it
        assert server.poll() is None
    finally:
        stop_serve(server)


def test_an_edit_shows_its_plan_first_then_the_lists_and_the_charts(tmp_path: Path):
    """Serve shows an edited plan's pages in a first pass; the pages that list it follow in a
    second pass and the charts from the background (render/incremental.py, chart_cache.py),
    with no further edit."""
    project = make_project(ROOT / "plans", tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HANDBOOK_TODAY": TODAY.isoformat(),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}  # no chart drawn yet
    server = subprocess.Popen([sys.executable, "-m", "macros", "serve", "--dev-addr",
                               f"127.0.0.1:{port}"], cwd=project, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              process_group=0)
    evidence = base + "/plans/support-replies/evidence/"
    try:
        wait_for(lambda: fetch(base + "/plans/support-replies/")[0] == 200, 120)
        wait_for(lambda: 'class="chart"' in fetch(evidence)[1]
                 and PENDING not in fetch(evidence)[1], 120)
        plan = project / "plans" / "support-replies.yaml"
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace("\ntitle: ", "\ntitle: Renamed — ", 1), encoding="utf-8")
        wait_for(lambda: "Renamed — " in fetch(base + "/plans/support-replies/")[1], 120)
        wait_for(lambda: "Renamed — " in fetch(base + "/plans/")[1], 120)
        wait_for(lambda: "Renamed — " in fetch(base + "/teams/support/")[1], 120)
        wait_for(lambda: 'class="chart"' in (page := fetch(evidence)[1])
                 and PENDING not in page, 120)
        assert server.poll() is None
    finally:
        stop_serve(server)


def test_serve_polls_the_watched_files_every_tenth_of_a_second(tmp_path: Path):
    """MkDocs polls every 0.5 s; the hook makes every watch, made before it or after, poll
    every 0.1 s, so a saved plan's rebuild starts sooner."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "plans").mkdir()
    server = LiveReloadServer(lambda: None, "127.0.0.1", 0, str(tmp_path / "site"))
    try:
        server.watch(str(tmp_path / "docs"))
        assert {e.timeout for e in server.observer.emitters} == {0.5}
        hook._notice_quickly(server)
        server.watch(str(tmp_path / "plans"))  # as MkDocs does for config.watch, after on_serve
        assert len(server.observer.emitters) == 2
        assert {e.timeout for e in server.observer.emitters} == {hook.POLL_SECONDS} == {0.1}
    finally:
        server.server_close()


def test_serve_matches_the_theme_files_once_and_sees_a_new_one(tmp_path: Path):
    """Under serve the theme's static files are matched once per process: every build still
    gets MkDocs' own list, and a file added to the overrides is in the next build's."""
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)

    def theme_files(listing: ListedOnce | None) -> list[str]:
        config = load_config(str(project / "mkdocs.yml"))
        if listing is not None:
            listing.wrap(config.theme)
            listing.wrap(config.theme)  # once only, however often on_config runs
        files = Files([])
        files.add_files_from_theme(config.theme.get_env(), config)
        return sorted(f.src_uri for f in files)

    listing = ListedOnce()
    assert theme_files(listing) == theme_files(listing) == theme_files(None)
    assert len(listing._listed) == 1 and theme_files(None)
    added = project / "docs" / "overrides" / "assets" / "extra.js"
    added.parent.mkdir(parents=True, exist_ok=True)
    added.write_text("", encoding="utf-8")
    assert "assets/extra.js" in theme_files(listing) == theme_files(None)
