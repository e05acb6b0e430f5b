"""After an edit to one plan, the pipeline checks only what changed: per-file parse and schema
results come from the content cache (validate.PlanCache), for the hook as for `handbook check`."""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from macros.core import validate
from macros.core.cache import PLANS_CACHE, folder
from macros.publishing.pipeline import run
from macros.publishing.serve_staging import Staging

from .bench import generate
from .conftest import ROOT, TODAY


def test_a_rebuild_parses_and_validates_only_the_edited_plan(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    parsed: list[str] = []
    load_plan = validate._load_plan
    monkeypatch.setattr(validate, "_load_plan",
                        lambda path: parsed.append(path.name) or load_plan(path))
    first = run(plans, TODAY)
    assert first.ok and len(parsed) == len(first.handbook.plans) > 1
    edited = sorted(plans.glob("*.yaml"))[-1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    parsed.clear()
    again = run(plans, TODAY)
    assert parsed == [edited.name]
    assert again.pages == first.pages  # the same site, from cached results


def test_two_checks_at_once_parse_each_plan_once(tmp_path: Path, monkeypatch):
    """`handbook build` checks beside its MkDocs child, whose hook checks the same plans: the
    second check waits for the first and finds every plan in the cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    parsed: list[str] = []
    began = threading.Event()
    load_plan = validate._load_plan

    def slow(path: Path):
        parsed.append(threading.current_thread().name)
        began.set()
        time.sleep(0.05)  # the second check starts while the first is parsing
        return load_plan(path)

    monkeypatch.setattr(validate, "_load_plan", slow)
    done = {}

    def check() -> None:
        done[threading.current_thread().name] = validate.check(
            [plans], today=TODAY, cache_dir=folder(PLANS_CACHE))

    first = threading.Thread(target=check, name="first")
    first.start()
    assert began.wait(10)
    second = threading.Thread(target=check, name="second")
    second.start()
    first.join()
    second.join()
    assert parsed == ["first"] * len(done["first"].plans)
    assert done["second"].ok and done["second"].diagnostics == done["first"].diagnostics
    assert [d.data for d in done["second"].plans] == [d.data for d in done["first"].plans]


def test_handbook_build_checks_through_the_content_cache(tmp_path: Path, monkeypatch):
    """The check `handbook build` runs beside its MkDocs child reads and fills the cache the
    child's hook reads: it parsed every plan on every build."""
    from macros.cli import commands as cli
    from macros.publishing import publish_site

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "plans", project / "plans")
    monkeypatch.chdir(project)
    monkeypatch.setattr(publish_site, "run_child", lambda *args, **when: 0)
    monkeypatch.setattr(publish_site, "build_site", lambda site, build: build(site))
    parsed: list[str] = []
    load_plan = validate._load_plan
    monkeypatch.setattr(validate, "_load_plan",
                        lambda path: parsed.append(path.name) or load_plan(path))
    assert validate.check([project / "plans"], today=TODAY,
                          cache_dir=folder(PLANS_CACHE)).ok  # as the child's hook would
    parsed.clear()
    assert cli.main(["build", "--today", TODAY.isoformat()]) == cli.EXIT_OK
    assert parsed == []


def test_after_a_title_edit_serve_rewrites_only_that_plans_pages_and_the_lists(tmp_path: Path):
    """`handbook serve` runs MkDocs with --dirty: it rebuilds a page only when its staged file
    was rewritten (macros/serve_staging.py), so an unchanged page must keep its file."""
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    staging = Staging()
    first = run(plans, TODAY)
    assert staging.stage(first.pages) == set(first.pages)
    edited = plans / "marketing-drafts.yaml"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("title: Drafting marketing copy",
                                   "title: Drafting marketing copy, renamed"), encoding="utf-8")
    stamps = {src: (staging.folder / src).stat().st_mtime_ns for src in first.pages}
    again = run(plans, TODAY)
    rewritten = staging.stage(again.pages)
    others = {p.stem for p in plans.glob("*.yaml")} - {"marketing-drafts", "_org", "_faq"}
    assert any(src.startswith("plans/marketing-drafts/") for src in rewritten)
    assert "plans/index.md" in rewritten  # a page that lists it
    assert not [src for src in rewritten if any(f"plans/{o}/" in src for o in others)]
    assert len(rewritten) < len(again.pages) / 2
    for src in set(again.pages) - rewritten:
        assert (staging.folder / src).stat().st_mtime_ns == stamps[src]
        assert (staging.folder / src).read_text(encoding="utf-8") == again.pages[src]


def test_a_check_in_worker_processes_finds_what_one_process_finds(tmp_path: Path, monkeypatch):
    """From PARALLEL_FROM files on, `handbook check` loads plans and measurement files in
    forked workers: the same plans, measurements and diagnostics (line and column) as one
    process, broken files included, cold and from the cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    plans = generate(validate.PARALLEL_FROM // 2 + 2, tmp_path / "gen")
    tables = sorted(plans.glob("*.measurements.csv"))
    assert len(tables) + len(list(plans.glob("*.yaml"))) > validate.PARALLEL_FROM
    tables[0].write_text(tables[0].read_text() + "2026-13-01,x,1\n2026-11-02,y,many\n")
    broken = sorted(plans.glob("[!_]*.yaml"))[3]
    broken.write_text(broken.read_text().replace("risk_tier:", "risk_tier: [", 1))
    one = validate.check([plans], today=TODAY)
    for cache_dir in (None, tmp_path / "c", tmp_path / "c"):  # cold, then from the cache
        workers = validate.check([plans], today=TODAY, jobs=2, cache_dir=cache_dir)
        assert workers.diagnostics == one.diagnostics
        assert {d.rule for d in one.diagnostics if d.is_error} >= {
            "measurement-date", "measurement-value"}
        assert workers.measurements == one.measurements
        assert [p.data for p in workers.plans] == [p.data for p in one.plans]
