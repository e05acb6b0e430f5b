"""A real browser (Debian's chromium, headless, driven by Playwright) on the built handbook.

It opens the home page, a stage page, a training page and /uses/, searches for a prohibited use
and finds it, sees the escalation diagram drawn, and records every request the pages make: none
may leave the site's own origin.
"""
from __future__ import annotations

import pytest
import yaml

from .conftest import ROOT

pytestmark = pytest.mark.browser

@pytest.fixture
def page(browser, origin):
    context = browser.new_context()
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    foreign = [url for url in page.requests if not url.startswith(origin + "/")]
    assert foreign == [], f"requests left the origin: {foreign}"
    assert page.errors == []
    context.close()


def a_plan() -> dict:
    return yaml.safe_load((ROOT / "plans" / "support-replies.yaml").read_text(encoding="utf-8"))


def test_home_lists_every_team_and_governance_every_plan(page, origin):
    page.goto(origin + "/")
    org = yaml.safe_load((ROOT / "plans" / "_org.yaml").read_text(encoding="utf-8"))
    for team in org["teams"]:
        assert page.locator("article a", has_text=team["name"]).first.is_visible(), team["name"]
    page.goto(origin + "/governance/")
    table = page.locator("article table").first
    for path in sorted((ROOT / "plans").glob("[!_]*.yaml")):
        title = yaml.safe_load(path.read_text(encoding="utf-8"))["title"]
        assert table.get_by_text(title, exact=True).is_visible()


def heading(page) -> str:
    return page.locator("h1").inner_text().rstrip("¶").strip()


def test_stage_page_shows_its_checklist(page, origin):
    plan = a_plan()
    stage = plan["stages"][0]
    page.goto(f"{origin}/plans/{plan['id']}/stages/{stage['id']}/")
    assert heading(page) == f"Stage 1: {stage['name']}"
    checklist = page.locator("table", has_text=stage["checklist"][0]["item"])
    assert checklist.is_visible()
    assert checklist.locator("th").all_inner_texts() == ["Done", "Item", "Owner", "Evidence"]
    assert checklist.locator("tbody tr").count() == len(stage["checklist"])


def test_training_page_shows_its_content(page, origin):
    plan = a_plan()
    module = plan["training"]["modules"][0]
    page.goto(f"{origin}/training/{module['id']}/")
    assert heading(page) == module["title"]
    assert page.locator("#content").is_visible()


def test_search_finds_a_prohibited_use(page, origin):
    use = a_plan()["uses"]["prohibited"][0]
    page.goto(origin + "/uses/")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(" ".join(use["text"].split()[:3]), delay=20)
    result = page.locator(".md-search-result__item").filter(has_text=use["text"].split()[0])
    result.first.wait_for(state="visible", timeout=10_000)
    assert result.count() >= 1


def test_uses_are_linkable_by_plan_and_use_id(page, origin):
    plan = a_plan()
    use = plan["uses"]["prohibited"][0]
    page.goto(f"{origin}/uses/#{plan['id']}--{use['id']}")
    row = page.locator(f"tr:has(#{plan['id']}--{use['id']})")
    assert row.is_visible()
    assert use["text"] in row.inner_text()


def test_escalation_diagram_is_drawn(page, origin):
    """The diagram is the escalation_path macro's (the plan page lists each path's steps)."""
    page.goto(f"{origin}/macros/")
    diagram = page.locator("svg.escalation-diagram").first
    diagram.wait_for(state="visible")
    box = diagram.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 40
    assert diagram.locator("rect").count() >= 2  # one box a step


def test_hostile_plan_text_runs_nothing_in_the_browser(browser, hostile_site):
    """Every page built from the hostile fixture (script tags, javascript: links, event
    handlers, template syntax in every field) opens without a single dialog or foreign request."""
    from .conftest import every_page, serve, watched_page

    with serve(hostile_site) as site_origin:
        page, dialogs, foreign = watched_page(browser, site_origin)
        for url in every_page(page, site_origin, hostile_site):
            for link in page.locator("article a[href]").all()[:40]:
                href = link.get_attribute("href") or ""
                assert not href.lower().startswith("javascript:"), (url, href)
        page.context.close()
    assert dialogs == [] and foreign == []


def test_refused_training_content_runs_nothing_in_the_browser(browser, refused_site):
    """Content the check refuses (javascript: links hidden by case, entities, tabs and list
    indentation; outside images; raw HTML with handlers) rendered anyway, on a built page: the
    sanitiser alone keeps it inert. Every visible element is hovered, every link without an address
    clicked; no dialog opens and no request leaves the origin."""
    from .conftest import serve, watched_page

    with serve(refused_site) as site_origin:
        page, dialogs, foreign = watched_page(browser, site_origin)
        page.goto(f"{site_origin}/refused-content/")
        page.wait_for_load_state("networkidle")
        content = page.locator("article .handbook-content")
        assert "defined inside the item" in content.inner_text()
        assert content.locator("img, iframe, object, embed, svg, script, style").count() == 0
        for element in content.locator("*").all():
            if element.is_visible():  # the paragraph emptied of its images is not
                element.hover()
        for link in content.locator("a").all():
            href = link.get_attribute("href")
            if href is None:
                link.click()
            else:
                assert href.startswith(("https:", "http:", "mailto:")), href
        page.wait_for_load_state("networkidle")
        assert page.url == f"{site_origin}/refused-content/"
        page.context.close()
    assert dialogs == [] and foreign == []
