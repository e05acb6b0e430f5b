"""Reviews and ownership: overdue plans are visible everywhere; pages say when a plan last
changed, from git, and degrade gracefully outside a checkout."""
from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from macros.core.dates import day_words
from macros.publishing.pipeline import run

from .conftest import FIXTURES, TODAY
from .test_history_hostile import PLAN, Repo


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
    today = day_words(dt.date.today())
    # The plan's approval (2026-09-01) predates the commit: it is not taken as approving it.
    assert f"| Last changed | {today}: new plan — approval not recorded |" in page
    assert commit[:10] not in page and "Add the menu plan" not in page


def _dated(repo: Repo, day: str, message: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GIT_COMMITTER_DATE", f"{day}T12:00:00+0000")
    return repo.commit(message)


def test_last_change_reads_as_a_day_and_what_changed_for_staff(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    repo = Repo(tmp_path)
    plan = copy.deepcopy(PLAN)
    plan["uses"]["prohibited"].append({"id": "no-prices", "text": "Set prices",
                                       "reason": "Finance sets prices"})
    repo.write(plan)
    _dated(repo, "2026-10-01", "Prices are not the assistant's", monkeypatch)
    plan["uses"]["allowed"] += [{"id": "draft-notice", "text": "Draft a notice"},
                                {"id": "draft-sign", "text": "Draft a sign"}]
    plan["uses"]["prohibited"].pop()
    plan["pause"]["authority"] = ["ben-cho"]
    plan["approval"] = {"by": "ben-cho", "date": "2026-10-02"}
    repo.write(plan)
    commit = _dated(repo, "2026-10-02", "Widen the plan <b>now</b>", monkeypatch)
    site = run(repo.plans, TODAY)
    page = site.pages["plans/menu-drafts/index.md"]
    assert ("| Last changed | Fri 2 Oct 2026: approval by changed, approval date changed, 2 uses "
            "added, 1 prohibited use removed, pause authority changed — approved by "
            "[Ben Cho](../../contacts.md#ben-cho) |") in page
    reviews = site.pages["reviews.md"]
    for staff_page in (page, reviews):
        assert commit[:10] not in staff_page and "Widen the plan" not in staff_page
        assert "Ben Cho by" not in staff_page  # no author either
    # The change log keeps the commit.
    assert f"Commit `{commit[:10]}`" in site.pages["changes.md"]


def test_an_approval_dated_before_the_change_is_not_recorded_as_approving_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    repo = Repo(tmp_path)
    plan = copy.deepcopy(PLAN)
    plan["pause"]["authority"] = ["ana-silva", "ben-cho"]
    plan["approval"] = {"by": "ana-silva", "date": "2026-10-01"}
    repo.write(plan)
    _dated(repo, "2026-10-02", "Ben may pause too", monkeypatch)
    page = run(repo.plans, TODAY).pages["plans/menu-drafts/index.md"]
    assert ("| Last changed | Fri 2 Oct 2026: approval date changed, pause authority changed — "
            "approval not recorded |") in page


def test_a_change_merged_with_a_merge_commit_is_listed_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    repo = Repo(tmp_path)
    repo.git("checkout", "-q", "-b", "notices")
    plan = copy.deepcopy(PLAN)
    plan["uses"]["allowed"].append({"id": "draft-notice", "text": "Draft a shop notice"})
    repo.write(plan)
    branch = _dated(repo, "2026-10-01", "Notices too", monkeypatch)
    repo.git("checkout", "-q", "-")
    # Both sides touch plans/: git cannot drop the merge as the same as one of its parents.
    org = (repo.plans / "_org.yaml").read_text(encoding="utf-8")
    (repo.plans / "_org.yaml").write_text(org.replace(
        "name: Fixture Bakery", "name: Fixture Bakery Ltd"), encoding="utf-8")
    _dated(repo, "2026-10-02", "Our full name", monkeypatch)
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-10-03T12:00:00+0000")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge notices", "notices")
    merge = repo.git("rev-parse", "HEAD")
    page = run(repo.plans, TODAY).pages["changes.md"]
    assert page.count("Draft a shop notice") == 1
    assert f"Commit `{merge[:10]}`" in page and f"Commit `{branch[:10]}`" not in page
    assert "Fixture Bakery Ltd" in page  # the main side's own change is still listed


def test_without_git_the_page_says_so(tmp_path: Path):
    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    page = run(tmp_path / "plans", TODAY).pages["plans/menu-drafts/index.md"]
    assert "| Last changed | _not recorded_ |" in page


def test_overdue_plans_lead_the_reviews_page_and_carry_a_banner(tmp_path: Path):
    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    site = run(tmp_path / "plans", dt.date(2027, 3, 11))  # review_by is 2027-03-01
    reviews = site.pages["reviews.md"]
    assert "| [Drafting menu descriptions](plans/menu-drafts/index.md) | Mon 1 Mar 2027 | " \
           "**Overdue** by 10 days | [Ana Silva](contacts.md#ana-silva) (Owner)" in reviews
    for src, page in site.pages.items():
        if src.startswith("plans/menu-drafts/"):
            assert '!!! warning "Overdue for review"' in page, src
    assert "| Review by | Mon 1 Mar 2027 — overdue for review |" in \
        site.pages["plans/menu-drafts/print.md"]
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
