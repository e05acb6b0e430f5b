"""Benchmarks: figures for `make bench`. Prints; never fails on a timing; not a test.

check  N generated plans (clones of plans/ with unique ids): wall seconds of `handbook check`
       (best of 3), plans per second and the child's peak memory; then the same for
       `check-jsonschema` against the schema `handbook schema` exports, on the same files.
build  N generated plans: `handbook build` cold (an empty cache) and warm — seconds, pages,
       seconds per plan, peak memory — against a plain `mkdocs build --strict` of the same
       rendered Markdown with the same theme and nav but no hook and no macros, each run beside
       ours; medians of 3 rounds (--rounds). And Zensical's build of that Markdown when the
       `zensical` extra is installed.
edit   `handbook serve` on 100 generated plans (--edit-plans): one plan's title edited, seconds
       until the served page shows it, median of 3; each edit once the server is idle (the
       lists and charts of the one before shown).

readers  the example plans and the stranger's (tests/fixtures/stranger-2) in Debian's chromium.
       pages: for every plan, where its page's summary ends on a 1280x900 screen, how many such
       screens the page is, and how many A4 pages its print view prints on. phones: at 390x844
       and 1280x900, how far the worst staff page or element runs past the screen (px; 0 is
       right) and the smallest chart text (px; at least 12 is right).
snapshots  a year of weekly snapshots (tests/bench_snapshots.py): `handbook build` with
       `snapshots: weekly` against the same build without, on a history that changes quarterly.
search the staff question sets (tests/fixtures/questions/): for each, the share of whole-sentence
       questions answered on a top-3 result by the site's search, and by Material's lunr search
       over the same site for comparison (a browser: Debian's chromium). "answer" counts the
       result that holds the answer (a use, a tool, a section); "page" counts any result on
       the answer's page (lunr has one entry per heading, none per use or tool).

Peak memory is the child's maximum resident set size (ru_maxrss of a process that only runs
the command), so runs do not contaminate each other.
"""
from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

from macros.render.chart_cache import PENDING
from tests.bench_snapshots import bench_snapshots
from tests.conftest import CHROMIUM_FLAGS, FIXTURES, make_project, mkdocs_build, serve
from tests.page_figures import PRINTED, SCREENS, plan_figures
from tests.phone_layout import VIEWPORTS, measure, staff_paths
from tests.search_questions import build, hit_rate, lunr_worker, question_sets

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TODAY = "2026-11-24"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_TODAY": TODAY}


def generate(n: int, folder: Path) -> Path:
    """n plans cloned round-robin from plans/, with unique plan and training-module ids."""
    plans = folder / "plans"
    plans.mkdir(parents=True)
    shutil.copyfile(ROOT / "plans" / "_org.yaml", plans / "_org.yaml")
    sources = sorted(p for p in (ROOT / "plans").glob("*.yaml") if not p.name.startswith("_"))
    loaded = [(p, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sources]
    for i in range(n):
        source, plan = loaded[i % len(loaded)]
        plan = json.loads(json.dumps(plan, default=str))
        suffix = f"{i:04d}"
        plan["id"] = new_id = f"{plan['id']}-{suffix}"
        renamed = {}
        for module in plan.get("training", {}).get("modules", []):
            renamed[module["id"]] = module["id"] = f"{module['id']}-{suffix}"
        for linking in [*plan.get("stages", []), *plan.get("faq", [])]:
            if "training" in linking:
                linking["training"] = [renamed.get(m, m) for m in linking["training"]]
        (plans / f"{new_id}.yaml").write_text(yaml.safe_dump(plan, sort_keys=False,
                                                             allow_unicode=True),
                                              encoding="utf-8")
        csv = source.with_name(source.stem + ".measurements.csv")
        if csv.exists():
            shutil.copyfile(csv, plans / f"{new_id}.measurements.csv")
    return plans


def _fresh_cache() -> str:
    """An empty cache folder for one measurement, outside the run's working directory (the
    tool ignores a cache folder inside it, as it would be inside a checkout)."""
    folder = tempfile.mkdtemp(prefix="handbook-bench-cache-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def timed(command: list[str], cwd: Path, runs: int, env: dict | None = None
          ) -> tuple[float, float]:
    """Best wall seconds over `runs`, and the peak RSS in MB of the slowest-memory run."""
    seconds, peak = timed_runs(command, cwd, runs, env)
    return min(seconds), peak


def timed_runs(command: list[str], cwd: Path, runs: int, env: dict | None = None
               ) -> tuple[list[float], float]:
    """Wall seconds of each run, and the peak RSS in MB over the runs."""
    probe = ("import resource, subprocess, sys, time;"
             "t = time.perf_counter();"
             "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
             " stderr=subprocess.DEVNULL);"
             "print(time.perf_counter() - t,"
             " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    times, peak = [], 0.0
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, env=env or ENV,
                             capture_output=True, text=True, check=True).stdout.split()
        seconds, rss_kb, code = float(out[0]), int(out[1]), int(out[2])
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(command)} exited {code}")
        times.append(seconds)
        peak = max(peak, rss_kb / 1024)
    return times, peak


def bench_check(sizes: list[int]) -> list[str]:
    lines = ["check: plans | cold s | plans/s | warm s | peak MB || check-jsonschema s | plans/s"
             " | peak MB || ratio cold | ratio warm",
             "       (cold: first run; warm: unchanged files, served by the content cache)"]
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            plans = generate(n, Path(tmp))
            # The caches live in the user's cache folder: each measurement gets its own, so
            # that the first timed run is cold and the others warm.
            ok = subprocess.run([str(BIN / "handbook"), "check", str(plans), "--today", TODAY],
                                capture_output=True, text=True,
                                env={**ENV, "XDG_CACHE_HOME": _fresh_cache()})
            if ok.returncode != 0:
                raise SystemExit(f"generated plans do not check:\n{ok.stdout[:2000]}")
            schema = Path(tmp) / "plan.schema.json"
            schema.write_text(subprocess.run([str(BIN / "handbook"), "schema"],
                                             capture_output=True, text=True,
                                             check=True).stdout)
            runs, ours_mb = timed_runs([str(BIN / "handbook"), "check", str(plans), "--today",
                                        TODAY], Path(tmp), 3,
                                       {**ENV, "XDG_CACHE_HOME": _fresh_cache()})
            cold, warm = runs[0], min(runs[1:])
            files = sorted(str(p) for p in plans.glob("*.yaml") if not p.name.startswith("_"))
            theirs, theirs_mb = timed([str(BIN / "check-jsonschema"), "--schemafile",
                                       str(schema), *files], Path(tmp), 3)
            lines.append(f"check: {n:5d} | {cold:6.2f} | {n / cold:7.0f} | {warm:6.2f} | "
                         f"{ours_mb:6.0f} || {theirs:8.2f} | {n / theirs:7.0f} | "
                         f"{theirs_mb:6.0f} || {cold / theirs:.2f} | {warm / theirs:.2f}")
    return lines


def _plain_project(plans: Path, where: Path) -> Path:
    """The same handbook built by MkDocs alone (no hook, no macros): the project `handbook
    render` writes, as it is."""
    project = where / "plain"
    subprocess.run([str(BIN / "handbook"), "render", str(project), "--plans", str(plans),
                    "--today", TODAY], check=True, capture_output=True, env=ENV)
    return project


ROUNDS = 3  # build rounds: a shared 2-core machine drifts by a third from minute to minute


def bench_build(sizes: list[int], rounds: int = ROUNDS) -> list[str]:
    """Each round: a cold build (an empty cache), plain MkDocs, a warm rebuild, plain MkDocs
    again, one after the other, so each of ours is compared with the plain build beside it; the
    ratios printed are the medians of the rounds' ratios (a machine that slows for a minute
    slows both halves of a pair)."""
    from tests.conftest import make_project

    lines = ["build: plans | pages | cold s | warm s | warm s/plan | peak MB || plain mkdocs s "
             "| overhead cold | overhead warm",
             f"       (cold: first build, charts drawn; warm: rebuild, charts from the cache; "
             f"medians of {rounds} rounds, each ratio against the plain build run beside it)"]
    per_plan = {}
    build = [sys.executable, "-m", "macros", "build", "--today", TODAY]
    plain_build = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            where = Path(tmp)
            plans = generate(n, where / "gen")
            project = make_project(plans, where)
            plain = _plain_project(plans, where)
            colds, warms, plains, cold_ratios, warm_ratios, peak = [], [], [], [], [], 0.0
            for _ in range(rounds):
                env = {**ENV, "XDG_CACHE_HOME": _fresh_cache()}
                (cold,), cold_mb = timed_runs(build, project, 1, env)
                (theirs_cold,), _ = timed_runs(plain_build, plain, 1)
                (warm,), warm_mb = timed_runs(build, project, 1, env)
                (theirs_warm,), _ = timed_runs(plain_build, plain, 1)
                if not (project / "site" / "index.html").exists():
                    raise SystemExit(f"the build of {n} generated plans failed")
                colds.append(cold)
                warms.append(warm)
                plains += [theirs_cold, theirs_warm]
                cold_ratios.append(cold / theirs_cold)
                warm_ratios.append(warm / theirs_warm)
                peak = max(peak, cold_mb, warm_mb)
            cold, warm = statistics.median(colds), statistics.median(warms)
            pages = sum(1 for _ in (project / "site").rglob("index.html"))
            per_plan[n] = warm / n
            lines.append(f"build: {n:5d} | {pages:5d} | {cold:7.2f} | {warm:7.2f} | "
                         f"{warm / n:6.3f} | {peak:6.0f} || {statistics.median(plains):8.2f} | "
                         f"{statistics.median(cold_ratios):.2f}x | "
                         f"{statistics.median(warm_ratios):.2f}x")
            lines.append(f"build: {n:5d} | each round's ratios, cold: "
                         f"{' '.join(f'{r:.2f}x' for r in cold_ratios)}; warm: "
                         f"{' '.join(f'{r:.2f}x' for r in warm_ratios)}")
            lines.append(f"build: {n:5d} | zensical build of the same Markdown s: "
                         f"{_zensical(plain)}")
    if len(per_plan) > 1:
        small, large = min(per_plan), max(per_plan)
        lines.append(f"build: warm seconds per plan at {large} vs {small} plans: "
                     f"{per_plan[large] / per_plan[small]:.2f}x")
    return lines


def _zensical(plain: Path) -> str:
    """Zensical's build of the same rendered project, when the `zensical` extra is installed."""
    zensical = BIN / "zensical"
    if not zensical.exists():
        return "not installed (pip install -e '.[zensical]')"
    seconds, _ = timed([str(zensical), "build", "-f", "mkdocs.yml"], plain, 2)
    return f"{seconds:.2f}"


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def bench_edit(n: int, tries: int = 3) -> list[str]:
    """Edit -> visible: `handbook serve` on n plans; one plan's title edited, seconds until the
    served page shows it (polled every 0.1 s); the median of `tries` edits."""
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        project = make_project(generate(n, where / "gen"), where)
        plan = sorted((project / "plans").glob("*.yaml"))[-1]
        page = f"http://127.0.0.1:{(port := _free_port())}/plans/{plan.stem}/"
        evidence, index = f"{page}evidence/", f"http://127.0.0.1:{port}/plans/"
        started = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "macros", "serve", "--dev-addr",
                                   f"127.0.0.1:{port}"], cwd=project,
                                  env={**ENV, "XDG_CACHE_HOME": _fresh_cache()},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  process_group=0)
        try:
            _until(lambda: "<html" in _get(page), 0.2)
            up = time.perf_counter() - started
            # Serve draws charts off the edit's path (render/chart_cache.py): the site is up
            # before they are; the edits start once they are drawn and the server is idle.
            _until(lambda: "<svg" in (text := _get(evidence)) and PENDING not in text, 0.5)
            drawn = time.perf_counter() - started
            seconds = []
            for attempt in range(tries):
                time.sleep(2)  # the server is idle when the editor saves
                text = plan.read_text(encoding="utf-8")
                marker = f"Renamed {attempt}"
                plan.write_text(re.sub(r"^title: .*$", f"title: {marker}", text, count=1,
                                       flags=re.M), encoding="utf-8")
                saved = time.perf_counter()
                _until(lambda: marker in _get(page), 0.1)
                seconds.append(time.perf_counter() - saved)
                # The lists follow in a second pass and the charts in the background: the
                # next edit waits for both, as the first did.
                _until(lambda: marker in _get(index), 0.2)
                _until(lambda: PENDING not in _get(evidence), 0.2)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
    return [f"edit: plans | serve up s | charts drawn s | edit -> visible s (median of {tries}) "
            "| each",
            f"edit: {n:5d} | {up:10.2f} | {drawn:14.2f} | {statistics.median(seconds):8.2f} | "
            + " ".join(f"{s:.2f}" for s in seconds)]


def _until(condition, every: float, limit: float = 900) -> None:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("edit: the served page never showed the edit")
        time.sleep(every)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_readers() -> list[str]:
    """What readers get, in Debian's chromium, for the example plans and the stranger's: each
    site is built once, then measured the way the browser tests measure it —
    tests/page_figures.py (issue 21: summary, screens, print pages) and tests/phone_layout.py
    (overflow, chart text at phone and laptop widths)."""
    executable = shutil.which("chromium")
    if not executable:
        return ["pages, phones: skipped — chromium is not installed (apt-get install chromium)"]
    sets = {"examples": (ROOT / "plans", TODAY),
            "stranger": (FIXTURES / "stranger-2" / "plans", "2026-12-05")}
    pages = [f"pages: set | plan | summary ends at (px of 900) | screens (<= {SCREENS}) | "
             f"print pages (<= {PRINTED})"]
    phones = ["phones: plans | width | pages | worst overflow px (page) | smallest chart text px"]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        for name, (plans, day) in sets.items():
            where = Path(tmp) / name
            where.mkdir()
            done = mkdocs_build(make_project(plans, where), where / "site",
                                dt.date.fromisoformat(day))
            if done.returncode:
                pages.append(f"pages: {name}: build failed\n{done.stderr[-2000:]}")
                continue
            ids = sorted(p.stem for p in plans.glob("*.yaml") if not p.name.startswith("_"))
            with serve(where / "site") as origin:
                for plan_id in ids:
                    f = plan_figures(browser, origin, plan_id)
                    pages.append(f"pages: {name} | {plan_id} | {f['summary_bottom']:.0f} | "
                                 f"{f['screens']:.1f} | {f['print_pages']}")
                phones += _phone_figures(browser, origin, name, where / "site")
        browser.close()
    return pages + phones


def _phone_figures(browser, origin: str, name: str, site: Path) -> list[str]:
    lines = []
    for width, height in VIEWPORTS:
        page = browser.new_context(viewport={"width": width, "height": height}).new_page()
        found = [measure(page, origin, p) for p in staff_paths(site)]
        worst = max(found, key=lambda m: max([m.scroll] + [w for w, _ in m.worst]))
        over = max([worst.scroll] + [w for w, _ in worst.worst])
        texts = [m.chart_text for m in found if m.chart_text is not None]
        smallest = f"{min(texts):.1f}" if texts else "no chart shown"
        lines.append(f"phones: {name:8} | {width:5d} | {len(found):5d} | "
                     f"{over:6.0f} {f'(/{worst.path})' if over > 0 else ''} | {smallest}")
        page.context.close()
    return lines


def bench_search() -> list[str]:
    if not shutil.which("chromium"):
        return ["search: skipped: chromium is not installed (apt-get install chromium)"]
    lines = ["search: question set | questions | top-3 answer: handbook | lunr "
             "|| top-3 page: handbook | lunr"]
    missed_all = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                             args=CHROMIUM_FLAGS)
        for question_set in question_sets():
            with tempfile.TemporaryDirectory() as tmp:
                site = build(question_set, Path(tmp))
                with serve(site) as origin:
                    page = browser.new_page()
                    ours, missed = hit_rate(page, origin, question_set)
                    lunr, _ = hit_rate(page, origin, question_set, lunr_worker(site))
                    ours_page, _ = hit_rate(page, origin, question_set, pages=True)
                    lunr_page, _ = hit_rate(page, origin, question_set, lunr_worker(site),
                                            pages=True)
                    page.close()
            lines.append(f"search: {question_set.name:12} | {len(question_set.questions):9d} | "
                         f"{ours:14.0%} | {lunr:4.0%} || {ours_page:17.0%} | {lunr_page:.0%}")
            missed_all += [f"search:   missed ({question_set.name}): {m}" for m in missed]
        browser.close()
    return lines + missed_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,500")
    parser.add_argument("--only", choices=["check", "build", "edit", "readers", "search",
                                           "snapshots"])
    parser.add_argument("--edit-plans", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="build rounds (medians)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    started = time.perf_counter()
    if args.only in (None, "readers"):
        for line in bench_readers():
            print(line, flush=True)
    if args.only in (None, "check"):
        for line in bench_check(sizes):
            print(line, flush=True)
    if args.only in (None, "build"):
        for line in bench_build(sizes, args.rounds):
            print(line, flush=True)
    if args.only in (None, "edit"):
        for line in bench_edit(args.edit_plans):
            print(line, flush=True)
    if args.only in (None, "search"):
        for line in bench_search():
            print(line, flush=True)
    if args.only in (None, "snapshots"):
        for line in bench_snapshots(TODAY, ENV, timed):
            print(line, flush=True)
    print(f"(benchmark took {time.perf_counter() - started:.0f} s on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
