"""The policy on any day (issue 24 item 3): `handbook build --as-of D`, dated snapshots under
/as-of/, and `handbook diff --since D1 --until D2`, on a git repository with dated commits.

(tests/test_as_of.py is about the "As of" line every page carries, issue 21.)
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from macros.history.as_of import AsOfError, held_on, plan_commits
from macros.render.historical import INDEX
from macros.publishing.render_site import render_site
from macros.publishing.snapshots import snapshot_days, snapshots
from tests.conftest import FIXTURES, make_project

OLD_TITLE = "Drafting menu descriptions"
NEW_TITLE = "Drafting menu descriptions and specials"
PLAN = "menu-drafts"


def _commit(root: Path, message: str, when: str) -> str:
    stamp = f"{when}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True,
                          capture_output=True, text=True).stdout.strip()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _dated_project(where: Path, org_lines: str = 'history_since: "2026-01-01"\n') -> Path:
    """The `minimum` fixture committed on 2026-01-10, its plan retitled on 2026-03-10."""
    project = make_project(FIXTURES / "valid" / "minimum", where)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
    _edit(project / "plans" / "_org.yaml", "schema_version: 1\n",
          f"schema_version: 1\n{org_lines}")
    _commit(project, "first plans", "2026-01-10")
    _edit(project / "plans" / f"{PLAN}.yaml", f"title: {OLD_TITLE}", f"title: {NEW_TITLE}")
    _commit(project, "retitle the plan", "2026-03-10")
    return project


def _handbook(project: Path, *args: str, today: str = "2026-03-20"
              ) -> subprocess.CompletedProcess:
    env = {**os.environ, "HANDBOOK_TODAY": today, "NO_MKDOCS_2_WARNING": "1",
           "HANDBOOK_CACHE": "off"}
    return subprocess.run([sys.executable, "-m", "macros", *args], cwd=project, env=env,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return _dated_project(tmp_path_factory.mktemp("dated"))


def test_as_of_a_day_between_two_commits_builds_the_earlier_policy(project, tmp_path):
    done = _handbook(project, "build", "--as-of", "2026-02-15", "--site-dir",
                     str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site" / "plans" / PLAN / "index.html").read_text(encoding="utf-8")
    assert OLD_TITLE in page and NEW_TITLE not in page
    first = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=project,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert (f"This is the policy as it stood on Sun 15 Feb 2026 (commit {first[:7]} of "
            "2026-01-10)") in page
    # Judged on that day, and hand-written pages carry the banner too.
    assert "As of Sun 15 Feb 2026" in page
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "This is the policy as it stood on Sun 15 Feb 2026" in home


def test_as_of_before_the_history_says_so(project, tmp_path):
    done = _handbook(project, "build", "--as-of", "2025-12-01", "--site-dir",
                     str(tmp_path / "site"))
    assert done.returncode == 1
    assert done.stderr.strip() == ("handbook build: 2025-12-01 is before this handbook's "
                                   "history, which starts on 2026-01-01 (history_since in "
                                   "_org.yaml)")
    assert not (tmp_path / "site").exists()


def test_as_of_before_the_first_commit_says_so(tmp_path):
    project = _dated_project(tmp_path, org_lines="")
    done = _handbook(project, "build", "--as-of", "2026-01-09", "--site-dir",
                     str(tmp_path / "site"))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "2026-01-09 is before the first commit of the plans (2026-01-10)" in done.stderr


@pytest.mark.parametrize("day", ["2025-12-01", "2026-01-09"])
def test_a_day_with_no_policy_starts_no_mkdocs_child(tmp_path, monkeypatch, capsys, day):
    """Said once, before the child starts: a child that raced the check said it again (and
    its log lines) whenever git was slower than MkDocs' start, as on a busy CI machine."""
    from macros.cli import commands as cli
    from macros.publishing import publish_site

    project = _dated_project(tmp_path, org_lines='history_since: "2026-01-01"\n'
                             if day < "2026" else "")
    started = []
    monkeypatch.setattr(publish_site, "run_child", lambda *a, **k: started.append(a) or 0)
    monkeypatch.chdir(project)
    assert cli.main(["build", "--as-of", day, "--site-dir", str(tmp_path / "site")]) == 1
    assert started == []
    assert capsys.readouterr().err.count("\n") == 1
    assert not (tmp_path / "site").exists()


def test_as_of_with_today_is_a_usage_error(project, tmp_path):
    done = _handbook(project, "build", "--as-of", "2026-02-15", "--today", "2026-02-15")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "--as-of and --today cannot be used together" in done.stderr


def test_as_of_with_another_engine_is_a_usage_error(project, tmp_path):
    """A past policy is built through the hook (MkDocs); an engine build would show today's."""
    done = _handbook(project, "build", "--as-of", "2026-02-15", "--engine", "mkdocs")
    assert done.returncode == 2
    assert done.stderr.strip() == ("handbook build: --as-of builds with MkDocs only; leave out "
                                   "--engine")
    assert not (project / "site").exists()


def test_the_commit_held_on_a_day_is_the_last_on_or_before_it(project):
    commits = plan_commits(project / "plans", "2026-01-01")
    assert held_on(dt.date(2026, 3, 10), commits, None).subject == "retitle the plan"
    assert held_on(dt.date(2026, 3, 9), commits, None).subject == "first plans"
    with pytest.raises(AsOfError):
        held_on(dt.date(2026, 1, 9), commits, None)


def test_snapshot_days():
    assert snapshot_days("monthly", dt.date(2026, 1, 10), dt.date(2026, 3, 20)) == [
        dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    weekly = snapshot_days("weekly", dt.date(2026, 1, 1), dt.date(2026, 1, 20))
    assert weekly == [dt.date(2026, 1, 5), dt.date(2026, 1, 12), dt.date(2026, 1, 19)]
    assert snapshot_days("none", dt.date(2026, 1, 1), dt.date(2026, 3, 1)) == []


def test_weekly_snapshots_are_dated_bannered_and_not_searched(tmp_path):
    project = _dated_project(tmp_path,
                             org_lines='history_since: "2026-01-01"\nsnapshots: weekly\n')
    site = tmp_path / "site"
    done = _handbook(project, "build", "--site-dir", str(site))
    assert done.returncode == 0, done.stderr
    mondays = [dt.date(2026, 1, 12) + dt.timedelta(weeks=n) for n in range(10)]  # to Mar 16
    assert sorted(p.name for p in (site / "as-of").iterdir() if p.is_dir()) == [
        d.isoformat() for d in mondays]
    # The first snapshot and the one after the change are built, each bannered.
    early = (site / "as-of" / "2026-01-12" / "plans" / PLAN / "index.html").read_text()
    late = (site / "as-of" / "2026-03-16" / "plans" / PLAN / "index.html").read_text()
    assert OLD_TITLE in early and NEW_TITLE not in early and NEW_TITLE in late
    assert "This is the policy as it stood on Mon 12 Jan 2026" in early
    assert "This is the policy as it stood on Mon 16 Mar 2026" in late
    # Weeks without a change reuse the earlier snapshot's pages.
    reused = (site / "as-of" / "2026-02-02" / "plans" / PLAN / "index.html").read_text()
    assert 'url=../../../2026-01-12/plans/menu-drafts/' in reused
    # Listed on /as-of/, which is in the nav; no snapshot page is searched.
    listing = (site / "as-of" / "index.html").read_text()
    assert 'href="2026-01-12/"' in listing and 'href="2026-03-16/"' in listing
    staff = json.loads((site / "search" / "handbook.json").read_text())
    assert staff and not any("as-of" in json.dumps(entry) for entry in staff)
    lunr = json.loads((site / "search" / "search_index.json").read_text())
    assert not [d["location"] for d in lunr["docs"] if d["location"].startswith("as-of/")]
    governance = (site / "governance" / "index.html").read_text()
    assert 'href="../as-of/"' in governance  # the nav: the list, under Governance
    assert "as-of/2026" not in governance  # never a snapshot


def test_a_snapshot_failing_todays_rules_is_built_with_a_notice(tmp_path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
    # A second plan that names a person _org.yaml does not list: an error today.
    broken = (project / "plans" / f"{PLAN}.yaml").read_text(encoding="utf-8")
    (project / "plans" / "broken.yaml").write_text(
        broken.replace(f"id: {PLAN}", "id: broken", 1).replace("owner: ", "owner: nobody-")
        .replace("title: ", "title: Broken ", 1), encoding="utf-8")
    _commit(project, "first plans", "2026-01-10")
    made = snapshots(project / "plans", "monthly", dt.date(2026, 2, 15), set())
    home = made.pages["as-of/2026-02-01/index.md"]
    assert '!!! warning "These plans fail today\'s rules"' in home
    assert "| plans/broken.yaml&#58;7&#58;8 | ref |" in home
    assert f"as-of/2026-02-01/plans/{PLAN}/index.md" in made.pages  # the rest is shown
    assert "as-of/2026-02-01/plans/broken/index.md" not in made.pages
    assert "1 file(s) of the plans then fail today's rules" in \
        made.pages[f"as-of/2026-02-01/plans/{PLAN}/index.md"]
    assert INDEX in made.pages


def test_diff_since_until_prints_the_change(project):
    done = _handbook(project, "diff", "--since", "2026-02-01", "--until", "2026-03-15",
                     "--format", "text")
    assert done.returncode == 0, done.stderr
    assert NEW_TITLE in done.stdout and OLD_TITLE in done.stdout
    assert "plans as of 2026-02-01" in done.stdout and "plans as of 2026-03-15" in done.stdout
    same = _handbook(project, "diff", "--since", "2026-01-20", "--until", "2026-02-20",
                     "--format", "text")
    assert same.returncode == 0 and NEW_TITLE not in same.stdout
    both = _handbook(project, "diff", "HEAD", "--since", "2026-02-01")
    assert both.returncode == 2 and both.stderr.count("\n") == 1


def test_as_of_plans_failing_todays_rules_are_left_out_and_listed(tmp_path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
    plan = project / "plans" / f"{PLAN}.yaml"
    _edit(plan, "owner: ana-silva", "owner: nobody")  # an error under today's rules
    _commit(project, "a plan naming nobody", "2026-01-10")
    done = _handbook(project, "build", "--as-of", "2026-02-01", "--site-dir",
                     str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert "Left out of this past policy (they fail today's rules):" in done.stderr
    assert f"plans/{PLAN}.yaml:" in done.stderr and "[ref]" in done.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "1 file(s) of the plans then fail today's rules and are not shown" in home
    assert not (tmp_path / "site" / "plans" / PLAN).exists()


def test_the_engine_neutral_render_writes_the_snapshots_a_stock_build_accepts(tmp_path):
    project = _dated_project(tmp_path,
                             org_lines='history_since: "2026-01-01"\nsnapshots: monthly\n')
    out = tmp_path / "rendered"
    assert render_site(project / "plans", out, dt.date(2026, 3, 20)) == 0
    assert (out / "docs" / "as-of" / "2026-02-01" / "plans" / PLAN / "index.md").is_file()
    assert (out / "docs" / "as-of" / "2026-03-01" / "index.html").is_file()  # the same plans
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                           str(out / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    page = (tmp_path / "site" / "as-of" / "2026-02-01" / "plans" / PLAN / "index.html")
    assert "This is the policy as it stood on Sun 1 Feb 2026" in page.read_text()
