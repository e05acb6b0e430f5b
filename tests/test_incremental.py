"""After an edit to one plan, the pipeline checks only what changed: per-file parse and schema
results come from the content cache (validate.PlanCache), for the hook as for `handbook check`."""
from __future__ import annotations

import shutil
from pathlib import Path

from macros.core import validate
from macros.publishing.pipeline import run
from macros.publishing.serve_staging import Staging

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
