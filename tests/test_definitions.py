"""Definitions of good that hold still (issue 24 item 1): how long each has held, from a
temporary repository with dated commits; the record `handbook diff` requires for each change
once `definitions_recorded_since` is set; the churn warning; the reference."""
from __future__ import annotations

import copy
import json
import datetime as dt
import shutil
from pathlib import Path

import pytest

from macros.history.definition_changes import touched
from macros.core.definitions import key_of
from macros.history.definition_history import held
from macros.history.sides import Side
from macros.history.diff import diff
from macros.publishing.pipeline import run
from macros.core.validate import check

from .conftest import FIXTURES, TODAY
from .test_diff import handbook
from .test_history_hostile import PLAN, Repo

GATE = {"decider": "ana-silva", "outcomes": ["proceed", "pause"], "criteria": [
    {"id": "few-edits", "question": "Are few drafts heavily edited?", "metric": "edits",
     "threshold": "< 50%"},
    {"question": "Is time saved?", "metric": "time-saved", "threshold": ">= 60"}]}
RECORD = {"date": "2026-10-01", "what": {"metric": "edits", "field": "target"},
          "validated_by": "ben-cho", "how": "A month of drafts compared by hand",
          "approved_by": "ana-silva"}


def _on(day: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_COMMITTER_DATE", "GIT_AUTHOR_DATE"):
        monkeypatch.setenv(name, f"{day}T12:00:00+0000")


def _plan() -> dict:
    plan = copy.deepcopy(PLAN)
    plan["stages"][0]["gate"] = copy.deepcopy(GATE)
    plan["review"][0]["checks"] = ["Prices match the till", "No health claims"]
    return plan


def _history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Repo, dict]:
    """2026-08-01 the plan with a gate and review checks; 2026-09-01 the edits target and the
    review checks change; 2026-10-01 the second criterion changes; 2026-10-15 only the summary
    (no definition)."""
    _on("2026-07-01", monkeypatch)
    repo = Repo(tmp_path, "The plan without its gate")
    plan = _plan()
    repo.write(plan)
    _on("2026-08-01", monkeypatch)
    repo.commit("Gate and review checks")
    plan["monitoring"][0]["target"] = "< 40%"
    plan["review"][0]["checks"].append("Spelling")
    repo.write(plan)
    _on("2026-09-01", monkeypatch)
    repo.commit("Tighter edits target")
    plan["stages"][0]["gate"]["criteria"][1]["threshold"] = ">= 90"
    repo.write(plan)
    _on("2026-10-01", monkeypatch)
    repo.commit("Time saved criterion")
    plan["summary"] = "Staff draft menu text with the assistant."
    repo.write(plan)
    _on("2026-10-15", monkeypatch)
    repo.commit("Reword the summary")
    return repo, plan


def _org(repo: Repo, line: str) -> None:
    org = repo.plans / "_org.yaml"
    org.write_text(org.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def test_unchanged_since_follows_the_last_change_of_each_definition(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    repo, plan = _history(tmp_path, monkeypatch)
    found = held(repo.plans, None, {"menu-drafts": plan}, {})["menu-drafts"]
    assert {key: h.since.isoformat() for key, h in found.items()} == {
        "metric:edits:target": "2026-09-01",
        "metric:time-saved:target": "2026-07-01",  # with the plan, never changed since
        "review:owner-check": "2026-09-01",
        "criterion:trial/few-edits": "2026-08-01",
        "criterion:trial/criterion-2": "2026-10-01"}
    page = run(repo.plans, TODAY).pages["plans/menu-drafts/evidence.md"]
    edits = next(line for line in page.splitlines() if "#metric-edits): target" in line)
    assert edits.endswith("| unchanged since Tue 1 Sep 2026 |")
    assert "| unchanged since Thu 1 Oct 2026 |" in page
    definitions = run(repo.plans, TODAY).pages["governance/definitions.md"]
    assert definitions.count("unchanged since") == 5


def test_before_history_since_no_day_is_invented(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch):
    repo, plan = _history(tmp_path, monkeypatch)
    found = held(repo.plans, "2026-08-15", {"menu-drafts": plan}, {})["menu-drafts"]
    assert found["metric:edits:target"].since == dt.date(2026, 9, 1)
    assert (found["metric:time-saved:target"].since, found["metric:time-saved:target"].reason,
            found["criterion:trial/few-edits"].reason) == (None, "before", "before")
    _org(repo, 'history_since: "2026-08-15"')
    page = run(repo.plans, TODAY).pages["plans/menu-drafts/evidence.md"]
    line = next(x for x in page.splitlines() if "#metric-time-saved): target" in x)
    assert "no change since this handbook's history began (history_since: " in line
    assert "2026-08-15" in line and "unchanged since" not in line


def test_without_git_or_before_committing_the_page_says_so(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch):
    repo, plan = _history(tmp_path, monkeypatch)
    plan["monitoring"][1]["target"] = ">= 90"
    repo.write(plan)
    found = held(repo.plans, None, {"menu-drafts": plan}, {})["menu-drafts"]
    assert found["metric:time-saved:target"].reason == "uncommitted"
    assert found["metric:edits:target"].since == dt.date(2026, 9, 1)
    outside = tmp_path.parent / f"{tmp_path.name}-outside" / "plans"  # no repository
    shutil.copytree(repo.plans, outside)
    page = run(outside, TODAY).pages["plans/menu-drafts/evidence.md"]
    assert "not known: the plans' change history could not be read" in page
    assert "unchanged since" not in page


def test_the_diff_engine_names_the_definitions_a_change_touches():
    plan = _plan()
    later = copy.deepcopy(plan)
    later["monitoring"][0]["pause_value"] = 60
    later["monitoring"][0]["cadence"] = "weekly"  # no definition of good
    later["stages"][0]["gate"]["criteria"][1]["blocking"] = True
    later["review"][0]["checks"] = ["Prices match the till"]
    del later["monitoring"][1]
    changes = diff(Side("a", {"menu-drafts": plan}, {}), Side("b", {"menu-drafts": later}, {}))
    assert sorted((t.key, t.gone) for t in touched(changes)) == [
        ("criterion:trial/criterion-2", False), ("metric:edits:pause_value", False),
        ("metric:time-saved:target", True), ("review:owner-check", False)]


def _pull_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record: bool,
                  since: str | None = "2026-09-01") -> tuple[Repo, str]:
    _on("2026-08-01", monkeypatch)
    repo = Repo(tmp_path)
    if since:
        _org(repo, f"definitions_recorded_since: {since}")
    plan = copy.deepcopy(PLAN)
    repo.write(plan)
    repo.commit("Record definition changes from September")
    plan["monitoring"][0]["target"] = "< 40%"
    if record:
        plan["definition_changes"] = [copy.deepcopy(RECORD)]
    repo.write(plan)
    _on("2026-10-01", monkeypatch)
    repo.commit("Tighter edits target")
    text = (repo.plans / "menu-drafts.yaml").read_text(encoding="utf-8")
    line = next(n for n, x in enumerate(text.splitlines(), 1) if "target: < 40%" in x)
    return repo, f"plans/menu-drafts.yaml:{line}:"


def test_a_definition_change_without_a_record_fails_the_diff_at_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    repo, at = _pull_request(tmp_path, monkeypatch, record=False)
    done = handbook("diff", "HEAD~1", "HEAD", cwd=repo.root)
    assert done.returncode == 1
    assert done.stderr.startswith(
        at + "11: error: monitoring[0].target: the definition of good {metric: edits, "
        "field: target} changed, and this change adds no entry to definition_changes that "
        "names it [definition-record]")
    assert "hint: Add to definition_changes: {date: <today>, what: {metric: edits, field: " \
        "target}, validated_by: <person>, how: <how it was validated>, approved_by: " \
        "ana-silva}" in done.stderr
    assert "Drafts needing heavy edits" in done.stdout  # the diff itself is still shown
    # The pull-request comment says first why the pull request cannot merge, and where.
    assert done.stdout.startswith("> ❌ **1 definition(s) of good changed without a record**")
    assert f"> - `{at[:-1]}` `monitoring[0].target: the definition of good" in done.stdout
    as_json = json.loads(handbook("diff", "HEAD~1", "HEAD", "--format", "json",
                                  cwd=repo.root).stdout)
    assert [(c["section"], c["path"]) for c in as_json if c["plan"] is None] == [
        ("Definitions", at[:-1])]
    # The working tree against the base: the same finding, in the folder's file.
    folder = handbook("diff", "HEAD~1", "plans", cwd=repo.root)
    assert folder.returncode == 1 and f"{at}11: error:" in folder.stderr


def test_with_a_record_the_diff_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    repo, _ = _pull_request(tmp_path, monkeypatch, record=True)
    done = handbook("diff", "HEAD~1", "HEAD", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    assert "definition-record" not in done.stderr
    # A record added before does not cover a later change of the same definition.
    plan = copy.deepcopy(PLAN)
    plan["monitoring"][0]["target"] = "< 30%"
    plan["definition_changes"] = [copy.deepcopy(RECORD)]
    repo.write(plan)
    repo.commit("Tighter again, no new record")
    assert handbook("diff", "HEAD~1", "HEAD", cwd=repo.root).returncode == 1


@pytest.mark.parametrize("since", [None, "2026-11-01"])
def test_no_requirement_when_unset_or_the_change_is_older(
        since: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Unset: existing repositories keep passing. Set after the head commit's day: the change
    came before the organisation began recording."""
    repo, _ = _pull_request(tmp_path, monkeypatch, record=False, since=since)
    done = handbook("diff", "HEAD~1", "HEAD", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    assert "definition-record" not in done.stderr


def test_churn_days_are_configurable(tmp_path: Path):
    """Two changes 19 days apart warn within the default 30 days, not within 10."""
    repo_plans = tmp_path / "plans"
    shutil.copytree(Path(__file__).parent / "fixtures" / "valid" / "definition-changes",
                    repo_plans)
    plan = repo_plans / "menu-drafts.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("2026-08-03", "2026-11-01")
                    .replace("2026-10-12", "2026-11-20"), encoding="utf-8")
    found = check([repo_plans], today=TODAY).diagnostics
    assert [(d.rule, d.severity) for d in found] == [("definition-churn", "warning")]
    org = repo_plans / "_org.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "definition_churn_days: 10\n",
                   encoding="utf-8")
    assert check([repo_plans], today=TODAY).diagnostics == []


def test_the_reference_lists_the_new_fields_and_rules():
    done = handbook("reference", "--format", "markdown")
    for word in ("`definition_changes`", "`definitions_recorded_since`",
                 "`definition_churn_days`", "`definition-ref`", "`definition-approver`",
                 "`definition-churn`", "`definition-record`", "{#definitions}"):
        assert word in done.stdout, word


def test_history_is_read_once_per_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Linear in commits: each commit's plans are read at most once, however many
    definitions and commits there are."""
    from collections import Counter

    from macros.history import definition_history

    repo, plan = _history(tmp_path, monkeypatch)
    reads: Counter = Counter()
    real = definition_history.commit_side

    def counted(plans_dir, folder, commit):
        reads[commit] += 1
        return real(plans_dir, folder, commit)

    monkeypatch.setattr(definition_history, "commit_side", counted)
    held(repo.plans, None, {"menu-drafts": plan}, {})
    assert len(reads) == 5 and set(reads.values()) == {1}


def test_the_governance_section_links_the_definitions_page(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch):
    repo, _ = _history(tmp_path, monkeypatch)
    site = run(repo.plans, TODAY)
    governance = next(v for item in site.nav for k, v in item.items() if k == "Governance")
    assert {"Definitions of good": "governance/definitions.md"} in governance
    assert "[Definitions of good](governance/definitions.md)" in site.pages["governance.md"]


def test_a_record_has_no_policy_effect_in_the_diff():
    """A record documents a change; the change itself is what the diff judges."""
    from macros.history.diff_judgement import NO_EFFECT

    plan = _plan()
    later = copy.deepcopy(plan)
    later["definition_changes"] = [copy.deepcopy(RECORD)]
    changes = diff(Side("a", {"menu-drafts": plan}, {}), Side("b", {"menu-drafts": later}, {}))
    assert [(c.path, c.judgement) for c in changes] == [("definition_changes[0]", NO_EFFECT)]


def test_a_day_the_history_does_not_show_is_not_guessed(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    """A stage renamed (former_ids) gives its criteria new references: the history holds them
    under the old id, so no day is known for them; the page says so."""
    repo, plan = _history(tmp_path, monkeypatch)
    plan["stages"][0].update(id="first-trial", former_ids=["trial"])
    repo.write(plan)
    _on("2026-10-20", monkeypatch)
    repo.commit("Rename the stage")
    found = held(repo.plans, None, {"menu-drafts": plan}, {})["menu-drafts"]
    assert (found["criterion:first-trial/few-edits"].since,
            found["criterion:first-trial/few-edits"].reason) == (None, "untraced")
    assert found["metric:edits:target"].since == dt.date(2026, 9, 1)
    page = run(repo.plans, TODAY).pages["plans/menu-drafts/evidence.md"]
    assert "| not known: the plans' history does not show when it was last changed |" in page


def test_a_drift_metrics_usual_range_is_a_definition_of_good():
    """Widening a drift metric's band changes what counts as usual: the diff names it, a
    record may name it, and the definitions page shows it as one 'usual range'."""
    plan = _plan()
    plan["monitoring"][0]["baseline"] = {"value": 20, "band": 2}
    later = copy.deepcopy(plan)
    later["monitoring"][0]["baseline"]["band"] = 5
    changes = diff(Side("a", {"menu-drafts": plan}, {}), Side("b", {"menu-drafts": later}, {}))
    assert [(t.key, t.gone) for t in touched(changes)] == [("metric:edits:baseline", False)]
    assert key_of({"metric": "edits", "field": "baseline"}) == "metric:edits:baseline"


def test_the_definitions_page_shows_a_usual_range_in_numbers(tmp_path: Path):
    plans = tmp_path / "plans"
    shutil.copytree(FIXTURES / "valid" / "drift", plans)
    site = run(plans, today=TODAY)
    assert site.ok, site.diagnostics
    page = site.pages["governance/definitions.md"]
    row = next(line for line in page.splitlines() if "Drafts for texts other than" in line)
    assert ": usual range | 2 ± 2 |" in row
    assert "readings from Mon 7 Sep 2026 to Mon 5 Oct 2026" in page


def _drift_with_a_record(tmp_path: Path) -> Path:
    """The drift fixture's plans, one change of a usual range recorded."""
    plans = tmp_path / "plans"
    shutil.copytree(FIXTURES / "valid" / "drift", plans)
    plan = plans / "menu-drafts.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + (
        "definition_changes:\n  - {date: 2026-11-02, what: {metric: other-texts, field: baseline},"
        " validated_by: ana-silva, how: Four weeks of readings, approved_by: ana-silva}\n"),
        encoding="utf-8")
    return plans


def test_a_record_may_name_a_usual_range(tmp_path: Path):
    """The schema accepts what the diff asks for: {metric: <id>, field: baseline}."""
    plans = _drift_with_a_record(tmp_path)
    checked = check([plans], today=TODAY)
    assert [d for d in checked.diagnostics if d.is_error] == []


def test_a_recorded_change_names_the_definition_as_staff_read_it(tmp_path: Path):
    plans = _drift_with_a_record(tmp_path)
    site = run(plans, today=TODAY)
    assert site.ok, site.diagnostics
    logged = site.pages["plans/menu-drafts/evidence.md"].split("**Recorded changes:**")[1]
    row = next(line for line in logged.splitlines() if "Mon 2 Nov 2026" in line)
    assert "[Drafts for texts other than menus and notices](evidence.md#metric-other-texts): " \
        "usual range" in row
    assert "field" not in row
