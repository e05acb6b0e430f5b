"""After an edit to one plan, the pipeline checks only what changed: per-file parse and schema
results come from the content cache (validate.PlanCache), for the hook as for `handbook check`."""
from __future__ import annotations

import shutil
from pathlib import Path

from macros import validate
from macros.pipeline import run

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
