"""A pause is an event (issue 20, item 3): taken between gates by someone with pause authority,
with the fallbacks in force and, later, a resume. Once paused, no page asks who decides now or
calls a crossed threshold "not ready", and no page says "use is paused" beside a fallback that
lets use go on."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from macros.model.readiness import readiness
from macros.render import all_pages
from macros.core.validate import check

from .conftest import FIXTURES, TODAY, changed_handbook

STATES = FIXTURES / "states"
PAUSE = {"date": "2026-11-18", "by": "ana-silva", "reason": "Two wrong allergen claims"}


def _handbook(changed, rows: list[tuple[str, str, float]] | None = None):
    def with_fallbacks(data):
        data["pause"]["fallbacks"] = ["manual_work", "extra_review", "remove_sensitive_data"]
        changed(data)
    handbook = changed_handbook("data-met", plan_changed=with_fallbacks, rows=rows)
    return handbook, handbook.plans["data-met"]


def _pages(changed, rows=None) -> dict[str, str]:
    handbook, _plan = _handbook(changed, rows)
    return all_pages(handbook)


def test_a_pause_entry_pauses_the_plan_until_it_is_resumed():
    _hb, plan = _handbook(lambda d: d.__setitem__("pauses", [dict(PAUSE)]))
    assert plan.position.state == "paused" and plan.position.since == dt.date(2026, 11, 18)
    assert plan.access.stage is None and plan.access.why_none == "paused"
    resumed = dict(PAUSE, resume={"date": "2026-11-22", "by": "ana-silva"})
    _hb, plan = _handbook(lambda d: d.__setitem__("pauses", [resumed]))
    assert plan.position.state == "in_progress" and plan.access.stage is not None


def test_the_paused_banner_says_who_paused_when_why_and_what_continues():
    page = _pages(lambda d: d.__setitem__("pauses", [dict(PAUSE)]))["plans/data-met/index.md"]
    banner = page.split('!!! danger "Paused"\n    ', 1)[1].split("\n\n", 1)[0]
    assert banner.startswith("The rollout is **paused** since Wed 18 Nov 2026, by "
                             "[Ana Silva](../../contacts.md#ana-silva): Two wrong allergen claims.")
    assert ("Use may continue for those who had access, only on these conditions: Add extra "
            "review of every output; Remove sensitive data access.") in banner
    assert "Where these cannot be met: Return to manual work." in banner
    assert "use is paused" not in page.lower()


def test_only_the_fallbacks_the_entry_names_are_in_force():
    entry = dict(PAUSE, fallbacks=["manual_work"])
    page = _pages(lambda d: d.__setitem__("pauses", [entry]))["teams/shop.md"]
    assert "Do not use AI for this work. Instead: Return to manual work." in page
    assert "extra review" not in page.lower()


def test_once_paused_a_crossed_threshold_asks_nobody_to_decide():
    rows = [("2026-11-16", "edits", 75), ("2026-11-23", "edits", 80)]
    hb, plan = _handbook(lambda d: d.__setitem__("pauses", [dict(PAUSE)]), rows)
    page = all_pages(hb)["plans/data-met/index.md"]
    assert "Who decides now" not in page and "Pause threshold crossed" not in page
    assert "Pause threshold reached" in page
    pause = next(v for v in readiness(plan, hb) if v.area == "Pause")
    assert pause.state == "ready" and "paused since 2026-11-18; a pause value is reached" in \
        pause.reason


def test_a_reading_equal_to_the_pause_value_is_at_it_not_past_it():
    rows = [("2026-11-16", "edits", 70), ("2026-11-23", "edits", 70)]
    page = _pages(lambda d: None, rows)["plans/data-met/index.md"]
    assert "at its pause value of 70 %" in page and "past its pause value" not in page


def _checked_with(tmp_path: Path, change) -> list:
    folder = tmp_path / "plans"
    shutil.copytree(STATES, folder)
    path = folder / "paused.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return [d for d in check([folder], today=TODAY).diagnostics if d.file.endswith("paused.yaml")]


def test_a_pause_decision_by_a_pause_authority_is_not_a_decision_log_warning(tmp_path: Path):
    def by_authority(data):
        data["pause"]["authority"] = ["ana-silva", "ben-cho"]
        data["decisions"][-1]["by"] = "ben-cho"
    assert [d.rule for d in _checked_with(tmp_path, by_authority)] == []


def test_a_pause_entry_is_checked_against_the_plan(tmp_path: Path):
    def wrong(data):
        data["pause"]["fallbacks"] = ["manual_work"]
        data["pauses"] = [{"date": "2026-11-21", "by": "ben-cho", "fallbacks": ["extra_review"],
                           "resume": {"date": "2026-11-20", "by": "ana-silva"}},
                          {"date": "2026-12-24", "by": "ana-silva"}]
    found = [(d.rule, d.line, d.message) for d in _checked_with(tmp_path, wrong)]
    messages = [m for rule, _line, m in found if rule == "pause-entry"]
    assert messages == [
        "pauses[0].by: 'ben-cho' does not have pause authority in this plan",
        "pauses[0].fallbacks[0]: 'extra_review' is not one of this plan's pause.fallbacks",
        "pauses[0].resume.date: use resumed on 2026-11-20, before the pause began (2026-11-21)",
        "pauses[1].date: the pause is dated 2026-12-24, after today (2026-11-24)",
    ], found
