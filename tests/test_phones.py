"""Staff pages on a phone (390x844) and a laptop (1280x900), in a real browser (issue 21,
item 7), for the example plans and the stranger's plans: no page scrolls sideways and no
element of the page runs past the screen or scrolls its own content sideways (a wide table
reads as cards instead); chart text is at least 12 px on the phone and never cut off by its
chart; the stages table fits a laptop with its State column in view.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .conftest import FIXTURES, make_project, mkdocs_build, serve
from .phone_layout import VIEWPORTS, measure, staff_paths
from .test_accessibility import AXE_OPTIONS, TOOLS, require_file

pytestmark = pytest.mark.browser
STRANGER_DAY = dt.date(2026, 12, 5)  # the day the stranger read the site (test_stranger.py)


@pytest.fixture(scope="module")
def sites(example_site, tmp_path_factory) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("stranger-phones")
    done = mkdocs_build(make_project(FIXTURES / "stranger-2" / "plans", where), where / "site",
                        STRANGER_DAY)
    assert done.returncode == 0, done.stderr
    return {"examples": example_site, "stranger": where / "site"}


@pytest.mark.parametrize("width,height", VIEWPORTS)
@pytest.mark.parametrize("case", ["examples", "stranger"])
def test_no_staff_page_runs_past_the_screen(browser, sites, case, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    with serve(sites[case]) as origin:
        paths = staff_paths(sites[case])
        assert len(paths) >= 7 and "tools/" in paths
        for path in paths:
            found = measure(page, origin, path)
            assert found.scroll <= 0, f"/{path} at {width} px scrolls {found.scroll} px sideways"
            assert not found.worst, f"/{path} at {width} px: overflowing (px, element) " \
                                    f"{found.worst}"
            if width < 500 and found.chart_text is not None:
                assert found.chart_text >= 12, \
                    f"/{path} at {width} px: chart text {found.chart_text:.1f} px"
    context.close()


# Every chart <text> inside its chart's box as the browser draws it (the page's own font).
_CLIPPED = """() => [...document.querySelectorAll("article svg.chart")].flatMap(svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll("text")].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    return (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ||
            r.bottom > box.bottom + 1) ? t.textContent : null;
  }).filter(Boolean);
})"""


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_chart_labels_stay_inside_their_chart_as_drawn(browser, sites, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    for case, site in sites.items():
        with serve(site) as origin:
            for plan in sorted(p.name for p in (site / "plans").iterdir() if p.is_dir()):
                page.goto(f"{origin}/plans/{plan}/evidence/")  # the plan's charts
                assert page.locator("article svg.chart").count() >= 1, plan
                assert page.evaluate(_CLIPPED) == [], (case, plan, width)
    context.close()


def test_the_stages_table_fits_a_laptop_and_reads_as_cards_on_a_phone(browser, sites):
    site = sites["examples"]
    with serve(site) as origin:
        for width, height in VIEWPORTS:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(f"{origin}/plans/support-replies/")
            table = page.locator("article table", has=page.locator("th", has_text="State"))
            assert table.count() == 1
            if width > 1000:
                assert table.get_attribute("data-cards") is None  # a table, not cards
                state = table.locator("th", has_text="State").bounding_box()
                assert state["x"] + state["width"] <= width
                wrap = table.locator("xpath=ancestor::div[contains(@class, "
                                     "'md-typeset__scrollwrap')]")
                assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
            else:
                assert table.get_attribute("data-cards") is not None
                cell = table.locator("tbody tr").first.locator("td").last
                assert cell.get_attribute("data-label") == "State"
                box = cell.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width
            context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tables_read_as_cards_pass_axe_on_a_phone(browser, sites, scheme):
    """The cards keep a table's meaning (roles) and their column names stay legible."""
    axe = require_file(TOOLS / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    with serve(sites["examples"]) as origin:
        for path in ("tools/", "plans/support-replies/"):
            page.goto(f"{origin}/{path}")
            page.wait_for_load_state("networkidle")
            assert page.locator("article table[data-cards]").count() >= 1, path
            page.add_script_tag(content=axe)
            violations = page.evaluate(
                f"async () => (await axe.run(document, {AXE_OPTIONS})).violations"
                ".filter(v => ['serious', 'critical'].includes(v.impact))"
                ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))")
            assert violations == [], (path, scheme)
    context.close()
