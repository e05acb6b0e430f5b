"""Issue 21 item 3: the plan page opens with a summary staff can act on, says each thing once,
and leaves measurements and governance's tables to the plan's evidence page; the home page
opens with the rules for everyone and "find your team"; governance's tables have their own page.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from macros.publishing.pipeline import run
from macros.render.paths import Paths
from macros.render.plan import MOVED

from .conftest import FIXTURES, ROOT, TODAY, make_project, mkdocs_build, serve
from .page_figures import PRINTED, SCREENS, WIDE, plan_figures

STRANGER = FIXTURES / "stranger-2" / "plans"
# Each set on the day it was written for (the stranger's council read its plans on 5 Dec).
SETS = {"examples": (ROOT / "plans", TODAY), "stranger": (STRANGER, dt.date(2026, 12, 5))}
SUMMARY = ("Who has it now", "You may", "Never", "Who helps", "What comes next")


@pytest.fixture(scope="module")
def handbooks():
    out = {}
    for name, (folder, day) in SETS.items():
        site = run(folder, day)
        assert site.ok, site.diagnostics
        out[name] = site
    return out


def _plans(site):
    return [src.split("/")[1] for src in site.pages
            if re.fullmatch(r"plans/[^/]+/index\.md", src)]


def _summary(page: str) -> list[str]:
    return [line for line in page.splitlines() if line.startswith("- [**")]


def test_the_plan_page_opens_with_five_answers_linking_their_blocks(handbooks):
    for name, site in handbooks.items():
        for plan_id in _plans(site):
            page = site.pages[Paths.plan(plan_id)]
            lines = _summary(page)
            assert [re.match(r"- \[\*\*(.*?)\*\*\]", x).group(1) for x in lines] == \
                list(SUMMARY), (name, plan_id)
            for line in lines:
                target = re.match(r"- \[\*\*.*?\*\*\]\(#([a-z-]+)\)", line).group(1)
                assert f"{{#{target}}}" in page, (plan_id, target)
            # The summary comes before every section.
            assert page.index(lines[-1]) < page.index("\n## ")


def test_each_use_is_said_once_outside_the_summary(handbooks):
    for site in handbooks.values():
        for plan_id in _plans(site):
            page = site.pages[Paths.plan(plan_id)]
            body = page.split(_summary(page)[-1], 1)[1]
            ids = re.findall(r'<span id="([^"]+)"></span>', body)
            assert len(ids) == len(set(ids)), (plan_id, sorted(i for i in ids if ids.count(i) > 1))
            for use in re.findall(r"^- <span id=\"([^\"]+)\"></span>", body, re.M):
                assert body.count(f'id="{use}"') == 1


def test_measurements_and_governance_tables_are_on_the_evidence_page(handbooks):
    site = handbooks["examples"]
    plan, evidence = (site.pages[Paths.plan("support-replies")],
                      site.pages[Paths.evidence("support-replies")])
    assert '<svg class="chart"' not in plan and "<details" not in plan
    for heading in ("## Monitoring {#monitoring}", "## Gate decisions {#decisions}",
                    "## Communications {#communications}", "## Risks {#risks}",
                    "## Budget {#budget}"):
        assert heading in evidence and heading not in plan
    # One chart per metric with readings, each with its readings folded under it.
    series = [m for m in site.handbook.plans["support-replies"].monitors
              if site.handbook.plans["support-replies"].series(m.id)]
    for monitor in series:
        part = evidence.split(f"{{#chart-{monitor.id}-section}}", 1)[1].split("\n### ", 1)[0]
        assert part.count('<svg class="chart"') == 1, monitor.id
        assert part.count('<details class="readings">') == 1, monitor.id
    # Staff facts only on the plan page; the tier and sponsor on the evidence page.
    assert "| Risk tier |" in evidence and "| Risk tier |" not in plan
    assert "| Executive sponsor |" in evidence and "| Executive sponsor |" not in plan


def test_every_old_anchor_of_the_plan_page_still_lands_on_it(handbooks):
    """Trainers linked sections that moved: their ids stay, on a line that leads on."""
    site = handbooks["examples"]
    for plan_id in _plans(site):
        page = site.pages[Paths.plan(plan_id)]
        plan = site.handbook.plans[plan_id]
        kept = [*MOVED, "status", "uses", "now", "scope", "data-rules", "review", "training",
                "support", "issue-reporting", "escalation", "stages", "pause",
                *(f"metric-{m.id}" for m in plan.monitors),
                *(f"chart-{m.id}-section" for m in plan.monitors if plan.series(m.id)),
                *(f"risk-{r['id']}" for r in plan.get("risks", default=[]))]
        for anchor_id in kept:
            assert f'id="{anchor_id}"' in page or f"{{#{anchor_id}}}" in page, \
                (plan_id, anchor_id)


def test_the_training_table_names_each_module_once(handbooks):
    page = handbooks["examples"].pages[Paths.plan("support-replies")]
    training = page.split("{#training}", 1)[1].split("\n## ", 1)[0]
    rows = [r for r in training.splitlines() if r.startswith("| [")]
    modules = [re.match(r"\| \[([^\]]+)\]", r).group(1) for r in rows]
    assert modules and len(modules) == len(set(modules))
    assert "and every later stage" in training


def test_governance_tables_moved_off_the_home_page(handbooks, example_site: Path):
    home = (example_site / "index.html").read_text(encoding="utf-8")
    assert "readiness-matrix" not in home and "Risk tier" not in home
    assert home.index('id="everyone"') < home.index('id="find-your-team"')
    for team in handbooks["examples"].handbook.teams:
        assert f'href="teams/{team}/"' in home
    governance = handbooks["examples"].pages[Paths.governance]
    assert "## Rollout plans {#plans}" in governance and "## Readiness {#readiness}" in governance
    assert "| Risk tier |" in governance or "Risk tier" in governance


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name, (folder, day) in SETS.items():
        where = tmp_path_factory.mktemp(f"summary-{name}")
        done = mkdocs_build(make_project(folder, where), where / "site", day)
        assert done.returncode == 0, done.stderr
        out[name] = where / "site"
    return out


@pytest.mark.browser
@pytest.mark.parametrize("name", SETS)
def test_every_plan_summary_fits_the_first_screen_and_the_page_six(browser, sites, handbooks,
                                                                   name):
    with serve(sites[name]) as origin:
        for plan_id in _plans(handbooks[name]):
            figures = plan_figures(browser, origin, plan_id)
            assert figures["summary_bottom"] <= WIDE["height"], (plan_id, figures)
            assert figures["screens"] <= SCREENS, (plan_id, figures)
            assert 1 <= figures["print_pages"] <= PRINTED, (plan_id, figures)


def test_a_paused_plan_is_said_once_on_its_teams_page(handbooks):
    """The may block says the rollout is paused and what to do; the next block does not repeat
    it as a banner."""
    page = handbooks["stranger"].pages[Paths.team("building-control")]
    assert page.count("since Fri 27 Nov 2026, by") == 1
    assert '!!! danger "Paused"' not in page


def test_a_pause_that_lets_use_go_on_is_not_summarised_as_nobody(handbooks):
    """inspection-notes is paused with fallbacks under which use continues: the summary must
    agree with the Paused notice above it."""
    page = handbooks["stranger"].pages[Paths.plan("inspection-notes")]
    summary = "\n".join(_summary(page))
    assert "Nobody" not in summary
    assert "only on the conditions of the pause notice above" in summary
