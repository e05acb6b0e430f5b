"""The team page is the front door (issue 21, item 2): four one-line answers for today — what
the team may do, what never, who helps, what comes next — on the first screen of a phone
(390x844) and a laptop (1280x900), each linking to its block below; the blocks have the stable
ids trainers link, once per page, and every plan keeps the id its section had.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from macros.publishing.pipeline import run

from .conftest import FIXTURES, TODAY, built_site, make_project, mkdocs_build, serve

BLOCKS = ("may", "never", "training", "review", "help", "next")
ANSWERS = ("may", "never", "help", "next")
VIEWPORTS = ((390, 844), (1280, 900))
STATES = FIXTURES / "states"
# (fixture set, team, what the team is): a team with plans (eleven of them), a team that
# joins later, a team without a plan, a team with one plan.
PAGES = (("states", "shop", "with plans"), ("states", "kitchen", "joins later"),
         ("minimum", "bakery", "without a plan"), ("minimum", "shop", "with a plan"),
         ("help-hours", "front-desk", "with champions, office hours and channels"))


def _pages(case: str) -> dict[str, str]:
    site = run(STATES if case == "states" else FIXTURES / "valid" / case, TODAY)
    assert site.ok, site.diagnostics
    return site.pages


@pytest.mark.parametrize("case,team,kind", PAGES)
def test_the_four_answers_come_first_and_link_their_blocks(case, team, kind):
    page = _pages(case)[f"teams/{team}.md"]
    ids = re.findall(r"\{#([a-z0-9-]+)\}", page)
    for block in BLOCKS:
        assert ids.count(block) == 1, (kind, block)
    answers = re.findall(r"^- \[\*\*[^*]+\*\*\]\(#([a-z]+)\): ", page, re.M)
    assert tuple(answers) == ANSWERS, kind
    # The answers, then the rules for everyone, then the blocks in order.
    first_block = page.index("{#may}")
    assert page.index("](#next): ") < page.index("{#everyone}") < first_block
    assert [page.index(f"{{#{b}}}") for b in BLOCKS] == sorted(
        page.index(f"{{#{b}}}") for b in BLOCKS)


def test_every_plan_keeps_its_anchor_on_its_part():
    pages = _pages("states")
    page = pages["teams/shop.md"]
    plan_ids = re.findall(r"\(\.\./plans/([a-z0-9-]+)/index\.md", pages["teams/index.md"]
                          .split("[Shop staff]", 1)[1].split("\n", 1)[0])
    assert len(plan_ids) > 5
    may = page.split("{#may}", 1)[1].split("\n## ", 1)[0]
    for pid in plan_ids:
        assert f"{{#{pid}}}" in may  # links made to the old plan sections still land
        for suffix in ("never", "training", "help", "next"):
            assert page.count(f"{{#{pid}-{suffix}}}") == 1


def test_a_team_without_a_plan_is_told_what_it_may_use_and_that_nothing_comes_next():
    page = _pages("minimum")["teams/bakery.md"]
    may = next(line for line in page.splitlines() if line.startswith("- [**What you may do"))
    assert "[Chat assistant](#everyone-approved)" in may
    after = next(line for line in page.splitlines() if line.startswith("- [**What comes next"))
    assert "No rollout plan includes your team yet" in after


def test_a_team_that_joins_later_is_told_when():
    page = _pages("states")["teams/kitchen.md"]
    after = next(line for line in page.splitlines() if line.startswith("- [**What comes next"))
    assert "your team joins at [Everyone]" in after and "planned from Mon 11 Jan 2027" in after


@pytest.fixture(scope="module")
def sites(tmp_path_factory, example_site) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("front-states")
    done = mkdocs_build(make_project(STATES, where), where / "site")
    assert done.returncode == 0, done.stderr
    return {"states": where / "site", "minimum": built_site(tmp_path_factory, "minimum"),
            "help-hours": built_site(tmp_path_factory, "help-hours"), "examples": example_site}


@pytest.mark.browser
@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_the_four_answers_are_on_the_first_screen(browser, sites, width, height):
    # Beside the fixtures, the example organisation's longest team page (support: three uses,
    # champions, office hours) and a team without a plan.
    for case, team, kind in PAGES + (("examples", "support", "examples' longest"),
                                     ("examples", "operations", "examples' without a plan")):
        with serve(sites[case]) as origin:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(f"{origin}/teams/{team}/")
            for block in BLOCKS:
                assert page.locator(f"article [id='{block}']").count() == 1, (kind, block)
            for answer in ANSWERS:
                item = page.locator(f"article li:has(> a[href='#{answer}'])")
                assert item.count() == 1, (kind, answer)
                box = item.bounding_box()
                assert box is not None and box["y"] + box["height"] <= height, \
                    f"{kind} at {width}x{height}: the answer #{answer} ends at " \
                    f"{box and box['y'] + box['height']:.0f} px"
            context.close()


# Every id the shop's page had before the blocks (its HTML on main, states fixtures).
OLD_SHOP_IDS = """adds-team approved-not-started complete data-met data-not-met everyone
everyone-approved joins-later limited no-data paused shop-staff stopped""".split() + [
    f"{slug}{f'_{n}' if n else ''}" for n in range(10) for slug in (
        "help", "if-something-goes-wrong", "never", "training-before-access",
        "what-you-may-do-now")]
# Where an old heading's id must land now: inside the block that holds what it marked.
OLD_IN_BLOCK = {"what-you-may-do-now": "may", "never": "never",
                "training-before-access": "training", "help": "help",
                "if-something-goes-wrong": "help"}


def test_every_old_anchor_of_a_team_page_still_lands(sites):
    html = (sites["states"] / "teams" / "shop" / "index.html").read_text(encoding="utf-8")
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    at = {m.group(1): m.start() for m in re.finditer(r'id="([^"]+)"', article)}
    assert set(OLD_SHOP_IDS) <= set(at), sorted(set(OLD_SHOP_IDS) - set(at))
    bounds = [at[b] for b in BLOCKS] + [len(article)]
    for ident in OLD_SHOP_IDS:
        block = OLD_IN_BLOCK.get(ident.split("_")[0])
        if block:
            i = BLOCKS.index(block)
            assert bounds[i] <= at[ident] < bounds[i + 1], (ident, block)
