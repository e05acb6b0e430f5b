"""Renames keep links: a renamed plan or stage answers at its old URL with a redirect."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import FIXTURES, make_project, mkdocs_build, serve


@pytest.fixture(scope="module")
def renamed_site(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("renamed")
    plans = where / "plans"
    shutil.copytree(FIXTURES / "valid" / "minimum", plans)
    old = plans / "menu-drafts.yaml"
    text = old.read_text(encoding="utf-8")
    text = text.replace("id: menu-drafts\n", "id: menu-texts\nformer_ids: [menu-drafts]\n")
    text = text.replace("  - id: trial\n", "  - id: tasting\n    former_ids: [trial]\n")
    old.unlink()
    (plans / "menu-texts.yaml").write_text(text, encoding="utf-8")
    project = make_project(plans, where)
    done = mkdocs_build(project, where / "site")
    assert done.returncode == 0, done.stderr
    return where / "site"


def test_old_urls_have_redirect_pages(renamed_site: Path):
    stage = renamed_site / "plans/menu-drafts/stages/trial/index.html"
    assert 'http-equiv="refresh" content="0; url=../../../menu-texts/stages/tasting/"' in \
        stage.read_text(encoding="utf-8")
    assert (renamed_site / "plans/menu-texts/stages/tasting/index.html").exists()
    assert (renamed_site / "plans/menu-drafts/index.html").exists()
    assert (renamed_site / "plans/menu-texts/stages/trial/index.html").exists()


@pytest.mark.browser
def test_a_trainers_old_link_lands_on_the_renamed_stage(browser, renamed_site: Path):
    with serve(renamed_site) as origin:
        page = browser.new_page()
        page.goto(f"{origin}/plans/menu-drafts/stages/trial/#check-1")
        page.wait_for_url(f"{origin}/plans/menu-texts/stages/tasting/#check-1")
        assert page.locator("h1").inner_text().startswith("Stage 1: Trial")
        page.close()


def test_a_printed_plans_old_address_redirects(renamed_site: Path):
    # A signed paper copy may carry the print view's address: it must outlive a rename.
    old = renamed_site / "plans/menu-drafts/print/index.html"
    assert 'url=../../menu-texts/print/"' in old.read_text(encoding="utf-8")
    assert (renamed_site / "plans/menu-texts/print/index.html").exists()
