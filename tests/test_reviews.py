"""Reviews and ownership: overdue plans are visible everywhere; pages say when a plan last
changed, from git, and degrade gracefully outside a checkout."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from macros.pipeline import run

from .conftest import FIXTURES, TODAY


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_last_change_comes_from_git(tmp_path: Path):
    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    git("init", "-q", cwd=tmp_path)
    git("-c", "user.name=Ana Silva", "-c", "user.email=ana@example.com", "add", ".",
        cwd=tmp_path)
    git("-c", "user.name=Ana Silva", "-c", "user.email=ana@example.com", "commit", "-q", "-m",
        "Add the menu plan", cwd=tmp_path)
    commit = git("rev-parse", "HEAD", cwd=tmp_path)
    page = run(tmp_path / "plans", TODAY).pages["plans/menu-drafts/index.md"]
    today = dt.date.today().isoformat()
    assert f"| Last changed | {today} in commit `{commit[:10]}` by Ana Silva: Add the menu " \
           "plan |" in page


def test_without_git_the_page_says_so(tmp_path: Path):
    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    page = run(tmp_path / "plans", TODAY).pages["plans/menu-drafts/index.md"]
    assert "| Last changed | _not recorded (no git history)_ |" in page


def test_overdue_plans_lead_the_reviews_page_and_carry_a_banner(tmp_path: Path):
    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    site = run(tmp_path / "plans", dt.date(2027, 3, 11))  # review_by is 2027-03-01
    reviews = site.pages["reviews.md"]
    assert "| [Drafting menu descriptions](plans/menu-drafts/index.md) | 2027-03-01 | " \
           "**Overdue** by 10 days | [Ana Silva](contacts.md#ana-silva) (Owner)" in reviews
    for src, page in site.pages.items():
        if src.startswith("plans/menu-drafts/"):
            assert '!!! warning "Overdue for review"' in page, src
    warnings = [d for d in site.diagnostics if d.rule == "review-overdue"]
    assert [d.message for d in warnings] == [
        "review_by: the review was due on 2027-03-01; Ana Silva owns the plan"]


def test_changelog_lists_recent_policy_changes_newest_first(tmp_path: Path):
    def commit(message: str) -> None:
        git("add", ".", cwd=tmp_path)
        git("-c", "user.name=Ben Cho", "-c", "user.email=ben@example.com", "commit", "-q",
            "-m", message, cwd=tmp_path)

    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    git("init", "-q", cwd=tmp_path)
    commit("Add the menu plan")
    shutil.copyfile(FIXTURES / "diff" / "loosening" / "new" / "menu-drafts.yaml",
                    tmp_path / "plans" / "menu-drafts.yaml")
    commit("Let staff write allergen notes")
    page = run(tmp_path / "plans", TODAY).pages["changes.md"]
    newest, oldest = page.index("Let staff write allergen notes"), page.index("Add the menu plan")
    assert newest < oldest
    assert ("- [Drafting menu descriptions](plans/menu-drafts/index.md) — Uses: ⚠️ **Needed "
            "approval by Ana Silva** (moves a prohibited use to allowed): “Write allergen "
            "information” moved from prohibited to allowed") in page
    assert "New plan: “Drafting menu descriptions”" in page
