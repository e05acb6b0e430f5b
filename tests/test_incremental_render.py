"""A serve rebuild reuses pages (macros/render/incremental.py): byte for byte what rendering
every page gives, after an edit of each kind, and only the pages the edit can reach re-rendered."""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import threading

import pytest

from macros.core import cache
from macros.core.validate import check
from macros.model.build import build_handbook
from macros.model.model import Handbook
from macros.render import all_pages, charts, incremental, render_pages
from macros.publishing import pipeline
from macros.publishing.build_session import BuildSession
from macros.render.chart_cache import PENDING, Later, drawn_later
from macros.render.search import INDEX_PATH
from macros.render.incremental import SHARED, Notes, Watched
from tests.conftest import ROOT, TODAY, make_project

EXAMPLES = ROOT / "plans"


@pytest.fixture(scope="module")
def checked():
    checked = check([EXAMPLES], today=TODAY)
    assert checked.ok, checked.diagnostics
    return checked


def handbook(checked, *, plans=None, org=None, rows=None, day=TODAY) -> Handbook:
    """The examples' handbook; `plans(list_of_data)` and `org(data)` edit copies in place."""
    org_data = copy.deepcopy(checked.org.data)
    if org:
        org(org_data)
    data = [copy.deepcopy(d.data) for d in checked.plans]
    if plans:
        plans(data)
    measured = {pid: m.rows for pid, m in checked.measurements.items()}
    if rows:
        rows(measured)
    return build_handbook(org_data, [(d, f"{d['id']}.yaml") for d in data], day, measured,
                          faq=checked.faq.data if checked.faq else None)


def _plan(data, plan_id):
    return next(d for d in data if d["id"] == plan_id)


def retitle(data):
    _plan(data, "support-replies")["title"] = "Replies drafted with AI"


def retitle_module(data):
    _plan(data, "hr-policy-answers")["training"]["modules"][0]["title"] = "Checking answers"


def require_more_training(data):
    stage = _plan(data, "marketing-drafts")["stages"][0]
    stage["training"] = [*stage.get("training", []), "hr-answers-review"]


def add_a_plan(data):
    clone = copy.deepcopy(_plan(data, "marketing-drafts"))
    clone["id"], clone["title"] = "marketing-drafts-two", "A second marketing plan"
    for n, module in enumerate(clone.get("training", {}).get("modules", [])):
        module["id"] = f"second-{n}"
    for stage in clone["stages"]:
        stage["training"] = [t for t in stage.get("training", []) if t == "ai-basics"]
    data.append(clone)


def remove_a_plan(data):
    data.remove(_plan(data, "hr-policy-answers"))


def rename_a_person(org):
    org["people"][0]["name"] = "Someone Else"


def drop_readings(measured):
    plan_id = next(iter(measured))
    measured[plan_id] = measured[plan_id][:-1]


EDITS = {
    "plan title": dict(plans=retitle),
    "module title": dict(plans=retitle_module),
    "training required": dict(plans=require_more_training),
    "plan added": dict(plans=add_a_plan),
    "plan removed": dict(plans=remove_a_plan),
    "person renamed": dict(org=rename_a_person),
    "readings": dict(rows=drop_readings),
    "another day": dict(day=TODAY + dt.timedelta(days=3)),
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_rebuild_after_an_edit_is_what_rendering_everything_gives(checked, edit):
    before = render_pages(handbook(checked))
    after = handbook(checked, **EDITS[edit])
    assert render_pages(after, before).pages == all_pages(after)


def test_a_title_edit_re_renders_its_plan_and_the_lists_not_the_other_plans(checked):
    before = render_pages(handbook(checked))
    after = render_pages(handbook(checked, plans=retitle), before)
    redone = {path for path, text in after.pages.items()
              if path not in before.pages or after.notes[path] is not before.notes[path]}
    assert {"plans/support-replies/index.md", "plans/support-replies/evidence.md",
            "plans/index.md", "uses.md"} <= redone
    assert not {p for p in redone if p.startswith(("plans/hr-policy-answers/",
                                                   "plans/marketing-drafts/"))}
    assert after.reused == len(after.pages) - len(redone) > 0


def test_nothing_changed_reuses_every_page(checked):
    before = render_pages(handbook(checked))
    assert render_pages(handbook(checked), before).reused == len(before.pages)


def test_the_whole_handbook_is_watched_or_shared():
    """A new part of the handbook must be classified: watched by id (plans, modules) or part
    of the fingerprint every page depends on (SHARED)."""
    public = {f.name for f in dataclasses.fields(Handbook)} | {
        name for name in vars(Handbook) if not name.startswith("_")}
    watched = {"plans", "modules", "required_by", "roles"}
    assert public - watched - set(SHARED) == set()
    with pytest.raises(AttributeError, match="does not watch"):
        Watched(handbook_of_nothing(), Notes()).not_a_part


def handbook_of_nothing() -> Handbook:
    return build_handbook({}, [], TODAY)


def test_edited_first_renders_the_edited_plan_and_defers_the_lists_to_the_next_run(checked):
    before = render_pages(handbook(checked))
    after = handbook(checked, plans=retitle)
    first = render_pages(after, before, edited_first=True)
    assert first.changed == {"support-replies"}
    assert "Replies drafted with AI" in first.pages["plans/support-replies/index.md"]
    assert {"plans/index.md", "uses.md", "teams/support.md"} <= first.deferred
    assert first.pages["plans/index.md"] == before.pages["plans/index.md"]  # as it was
    assert not {p for p in first.deferred if p.startswith("plans/support-replies/")}
    follow_up = render_pages(after, first, edited_first=True)
    assert not follow_up.deferred and follow_up.changed == set()
    assert follow_up.pages == all_pages(after)


def test_a_chart_left_to_the_background_shows_on_the_next_run(checked, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    drawn = threading.Event()
    later = Later(drawn.set)
    hb = handbook(checked)
    with drawn_later(later):
        first = render_pages(hb)
    evidence = "plans/support-replies/evidence.md"
    assert PENDING in first.pages[evidence] and evidence not in first.notes
    assert drawn.wait(120)
    with drawn_later(later):
        second = render_pages(hb, first)
    assert PENDING not in second.pages[evidence] and 'class="chart"' in second.pages[evidence]
    assert second.pages == all_pages(hb)


def test_a_build_draws_its_charts_in_processes_and_waits_for_them(checked, tmp_path,
                                                                    monkeypatch):
    """A build (BuildSession's Later with processes) hands over no page with a chart note:
    the charts are drawn by the pool into the cache and those pages rendered again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    hb = handbook(checked)
    with drawn_later(Later(processes=2)):
        built = render_pages(hb)
    assert not [p for p, text in built.pages.items() if PENDING in text]
    assert len(built.notes) == len(built.pages)  # every page reusable
    assert list((tmp_path / "rollout-handbook" / "charts").glob("*.svg"))
    assert built.pages == all_pages(hb)


def test_a_build_hands_over_pages_that_wait_for_charts_and_finishes_each_when_read(
        checked, tmp_path, monkeypatch):
    """With charts_follow (a MkDocs build), the pages that wait for a chart come back with
    its note and are finished one by one when read, each waiting only for the charts queued
    up to it: MkDocs converts the other pages meanwhile. Read, they are the complete pages."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    hb = handbook(checked)
    later = Later(processes=2)
    with drawn_later(later):
        built = render_pages(hb, charts_follow=True)
    waiting = [p for p, text in built.pages.items() if PENDING in text]
    assert len(waiting) > 1 and built.follow is not None
    assert all(built.follow.waits(p) for p in waiting)
    assert not any(built.follow.waits(p) for p in built.pages if p not in waiting)
    first, noted = waiting[0], built.pages[waiting[0]]
    assert PENDING not in built.follow.page(first) and built.follow.waits(first)
    assert PENDING in built.pages[waiting[-1]]  # the others are not finished by the first
    # The text with the notes, with the charts put in their places, is the final text.
    assert built.follow.converted(first, noted) == built.pages[first]
    assert built.follow.pages() == all_pages(hb)
    assert len(built.notes) == len(built.pages)  # every page reusable once finished


def test_a_page_whose_final_text_is_not_its_first_with_the_charts_is_not_patched(
        checked, tmp_path, monkeypatch):
    """Charts go into the HTML of a page converted with notes only when the page's final
    text is its first with the charts in; otherwise `converted` says so (None)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    hb = handbook(checked)
    with drawn_later(Later(processes=2)):
        built = render_pages(hb, charts_follow=True)
    waiting = [p for p, text in built.pages.items() if PENDING in text]
    noted = built.pages[waiting[0]]
    # A note another plugin changed in the HTML: the chart's place is lost.
    assert built.follow.converted(waiting[0], noted.replace(" data-chart=", " data-x=")) is None
    assert built.follow.converted(waiting[0], noted) == built.pages[waiting[0]]
    # A page whose text, rendered again, is not its first with the charts in.
    monkeypatch.setattr(incremental, "dated", lambda text, today: text + "\nchanged\n")
    assert built.follow.converted(waiting[1], built.pages[waiting[1]]) is None


def test_a_build_makes_its_search_index_at_once_and_the_charts_follow_in_the_html(
        tmp_path, monkeypatch):
    """The search index skips charts and the notes in their places: a build makes it before
    its charts are drawn, and it is the index of the finished pages. A page's HTML, made of
    its text with notes, gets each chart in its note's place."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    with drawn_later(Later(processes=2)):
        site = pipeline.run(EXAMPLES, TODAY, charts_follow=True)
    waiting = [src for src, text in site.pages.items() if PENDING in text]
    assert len(waiting) > 2 and all(site.waits(src) for src in waiting)
    assert not any(site.waits(src) for src in site.pages if src not in waiting)
    assert INDEX_PATH in site.assets
    noted = {src: site.pages[src] for src in waiting}
    html = {src: site.with_charts(src, f"<main>{text}</main>") for src, text in noted.items()}
    complete = pipeline.run(EXAMPLES, TODAY)  # the charts are in the cache now
    assert site.assets[INDEX_PATH] == complete.assets[INDEX_PATH]
    assert site.pages == complete.pages
    assert html == {src: f"<main>{complete.pages[src]}</main>" for src in waiting}


def test_a_build_reuses_the_pages_the_last_build_kept(tmp_path, monkeypatch):
    """A build keeps its final pages in the tool's cache; the next build of the same plans
    renders only what changed since, and the result is what rendering everything gives."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    plans = tmp_path / "plans"
    shutil.copytree(EXAMPLES, plans)
    first = BuildSession()
    kept = first.run(plans, TODAY)
    first.keep(plans)
    again = BuildSession().run(plans, TODAY)
    assert again.rendered.reused == len(again.pages) == len(kept.pages)
    assert again.pages == kept.pages and again.assets == kept.assets
    edited = plans / "support-replies.yaml"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("\ntitle: ", "\ntitle: Retitled ", 1), encoding="utf-8")
    after = BuildSession().run(plans, TODAY)
    assert 0 < after.rendered.reused < len(after.pages)
    monkeypatch.setenv("HANDBOOK_CACHE", "off")
    everything = pipeline.run(plans, TODAY)
    assert "Retitled " in after.pages["plans/support-replies/index.md"]
    assert after.pages == everything.pages and after.assets == everything.assets


def test_a_build_kept_by_another_version_of_the_tool_is_not_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    first = BuildSession()
    first.run(EXAMPLES, TODAY)
    first.keep(EXAMPLES)
    assert BuildSession().reusable(EXAMPLES) is not None
    monkeypatch.setattr(cache, "tool_key", lambda: b"another version".ljust(32, b"."))
    assert BuildSession().reusable(EXAMPLES) is None


def test_a_cold_mkdocs_build_whose_pages_wait_for_charts_publishes_the_complete_site(
        tmp_path):
    """A real build on an empty chart cache hands MkDocs the pages that wait for a chart as
    they are finished: its site is byte for byte the site of a build that draws every chart
    before any page (no cache at all). So is the next build, which reuses the pages the first
    kept, and the build after an edit, which reuses the others."""
    project = make_project(EXAMPLES, tmp_path)

    def built(name: str, cache: dict) -> dict:
        env = {**os.environ, "HANDBOOK_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1",
               **cache}
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                               "--site-dir", str(tmp_path / name)], cwd=project, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return {p.relative_to(tmp_path / name): p.read_bytes()
                for p in (tmp_path / name).rglob("*") if p.is_file()}

    def same(site: dict, inline: dict) -> None:
        assert site.keys() == inline.keys()
        differ = [p for p in site if site[p] != inline[p]]
        assert differ == [], differ
        assert not any(PENDING.encode() in text for text in site.values())

    cached, off = {"XDG_CACHE_HOME": str(tmp_path / "cache")}, {"HANDBOOK_CACHE": "off"}
    inline = built("inline", off)
    same(built("cold", cached), inline)
    assert list((tmp_path / "cache" / "rollout-handbook" / "charts").glob("*.svg"))
    assert list((tmp_path / "cache" / "rollout-handbook" / "builds").glob("*.json"))
    same(built("warm", cached), inline)
    edited = project / "plans" / "support-replies.yaml"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("\ntitle: ", "\ntitle: Retitled ", 1), encoding="utf-8")
    same(built("edited", cached), built("edited-inline", off))


def test_a_chart_is_as_markdown_leaves_raw_html(checked):
    """Markdown empties lines of spaces and expands tabs in a page, raw HTML included; a chart
    has neither, so the chart put into a page's HTML in its note's place is what converting
    the page with the chart in gives."""
    plan = dataclasses.replace(next(iter(handbook(checked).plans.values())),
                               title="Tabs\tin\ta title")
    svg = charts.timeline_chart.__wrapped__(plan)
    assert "Tabs&#9;in&#9;a title" in svg
    assert "\t" not in svg and "\r" not in svg and not re.search(r"^[ \t]+$", svg, re.M)
