"""Build state lives on the adapter's BuildSession, not in the pipeline module: two sessions
never see each other's runs, and the macros read the one the adapter opened."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from macros.publishing import build_session, pipeline
from macros.publishing import page_macros as main
from macros.publishing.build_session import BuildSession, open_session

from .conftest import FIXTURES, TODAY


def test_the_pipeline_module_keeps_no_build_state():
    assert not {"_state", "mode", "code_stamps", "current", "last_good"} & set(vars(pipeline))


def test_the_macros_read_the_session_the_adapter_opened(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(build_session, "_active", [])
    broken = tmp_path / "plans"
    shutil.copytree(FIXTURES / "valid" / "minimum", broken)
    plan = broken / "menu-drafts.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("owner: ana-silva", "owner: nobody"),
                    encoding="utf-8")
    good, bad = BuildSession(), BuildSession(mode="serve")
    assert good.run(FIXTURES / "valid" / "minimum", TODAY).ok
    assert not bad.run(broken, TODAY).ok
    assert bad.good is None and good.latest is good.good  # neither sees the other's run
    open_session(good)
    assert main.page_fragments("index.md").hb is good.good.handbook
    open_session(bad)
    with pytest.raises(main.PlansBroken):
        main.page_fragments("index.md")
