"""The print view of a plan: one or two A4 pages to sign off, printed by the browser itself."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from macros.core.dates import day_words
from macros.publishing.pipeline import run
from macros.render.paths import Paths
from macros.render.print_view import SECTIONS

from .conftest import ROOT, TODAY
from .page_figures import PRINTED, pdf_pages


def example_plans() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((ROOT / "plans").glob("[!_]*.yaml"))]


@pytest.fixture(scope="module")
def site():
    built = run(ROOT / "plans", TODAY)
    assert built.ok, built.diagnostics
    return built


def test_every_plan_has_a_print_view_with_every_section(site):
    for plan in example_plans():
        page = site.pages[Paths.print(plan["id"])]
        for heading in SECTIONS:
            assert f"\n## {heading} {{#" in page, (plan["id"], heading)
        assert f"| Version | Built {day_words(TODAY)}; plan last changed " in page
        assert '<table class="print-approval">' in page


def test_the_plan_page_links_its_print_view_and_the_nav_does_not(site):
    for plan in example_plans():
        assert "[Print this plan for sign-off](print.md)" in site.pages[Paths.plan(plan["id"])]
    assert not re.search(r"print\.md", repr(site.nav))


def test_the_approval_block_shows_the_recorded_approver_and_a_blank_signature(site):
    plan = next(p for p in example_plans() if p.get("approval"))
    page = site.pages[Paths.print(plan["id"])]
    name = site.handbook.people[plan["approval"]["by"]].name
    assert f"<tr><th>Approver</th><td>{name}" in page
    approved = dt.date.fromisoformat(str(plan['approval']['date']))
    assert f"<tr><th>Date</th><td>{day_words(approved)}</td></tr>" in page
    assert "<tr><th>Signature</th><td></td></tr>" in page


@pytest.mark.browser
@pytest.mark.parametrize("plan", example_plans(), ids=lambda p: p["id"])
def test_a_print_view_prints_on_at_most_two_a4_pages(browser, origin, plan):
    page = browser.new_page()
    page.goto(f"{origin}/plans/{plan['id']}/print/")
    page.emulate_media(media="print")
    for heading in SECTIONS:
        assert page.locator("article h2", has_text=heading).first.is_visible(), heading
    assert page.get_by_text("Signature", exact=True).is_visible()
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer"):
        assert not page.locator(chrome).first.is_visible(), chrome
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert 1 <= pdf_pages(pdf) <= PRINTED
    page.close()
