"""The pull-request kit: CODEOWNERS is generated from the plans, and stays in step with them."""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from macros.core.codeowners import is_clean
from macros.history.diff import diff, read_side, to_json
from macros.history.sides import Side

from .conftest import FIXTURES, ROOT

EXAMPLES = read_side((ROOT / "plans").as_posix())


def test_committed_codeowners_matches_the_plans():
    done = subprocess.run([sys.executable, "-m", "macros", "codeowners"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8") == done.stdout
    assert "/plans/support-replies.yaml maria.lopez@example.com" in done.stdout


def test_workflow_and_hook_run_the_real_commands():
    workflow = yaml.safe_load((ROOT / ".github/workflows/handbook.yml").read_text())
    steps = [s.get("run", "") for s in workflow["jobs"]["check"]["steps"]]
    assert "handbook check --format github" in steps
    assert "handbook build" in steps
    assert any(s.startswith("handbook diff") for s in steps)
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "handbook-check" and hooks[0]["entry"] == "handbook check plans"


def org_with(tmp_path: Path, **ana: str) -> Path:
    """The minimum fixture set with Ana Silva (owner and sponsor of its plan) changed."""
    plans = tmp_path / "plans"
    shutil.copytree(FIXTURES / "valid" / "minimum", plans)
    org = plans / "_org.yaml"
    data = yaml.safe_load(org.read_text(encoding="utf-8"))
    data["people"][0].update(ana)
    org.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return plans


def codeowners(plans: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", "codeowners", "--plans", "plans"],
                          cwd=plans.parent, capture_output=True, text=True)


def test_a_contact_cannot_add_a_line_or_an_owner_to_codeowners(tmp_path: Path):
    """`"ana@example.com\\n* @mallory"` made @mallory the owner of every path."""
    plans = org_with(tmp_path, contact="ana@example.com\n* @mallory")
    done = codeowners(plans)
    assert done.returncode == 1 and "@mallory" not in done.stdout
    assert "_org.yaml:" in done.stderr and "[codeowners-handle]" in done.stderr
    clean = codeowners(org_with(tmp_path / "clean", contact="@ana-silva"))
    assert clean.returncode == 0, clean.stderr
    assert "/plans/menu-drafts.yaml @ana-silva" in clean.stdout.splitlines()


@pytest.mark.parametrize("text", [
    "ana@example.com", "@ana", "@ana-silva", "@Example-Org/ai_governance", "a.b+c@mail.example.org",
    "@" + "a" * 39])
def test_one_address_or_handle_is_a_clean_owner(text: str):
    assert is_clean(text)


@pytest.mark.parametrize("text", [
    "ana@example.com\n* @mallory", "ana@example.com @mallory", "@mallory *", "@ana\n", " @ana",
    "@a--b", "@-ana", "@ana-", "@" + "a" * 40, "@org/team/more", "@org/", "ana@example",
    "mailto:ana@example.com", "ana@example.com#x", "ana@@example.com", "ana@exa_mple.com",
    "Slack: @ana", "@", "ana@example.com,bo@example.com", "@аna"])
def test_anything_else_is_not(text: str):
    assert not is_clean(text)


def test_a_contact_change_that_changes_codeowners_needs_approval():
    """What CODEOWNERS writes for a person changes only with the approval of the sponsors, who
    own _org.yaml; a contact CODEOWNERS does not use (a `github` name is given) changes freely."""
    def changes(before: dict, **maria: str) -> list[tuple[str, bool, str | None]]:
        old, new = copy.deepcopy(EXAMPLES.org), copy.deepcopy(EXAMPLES.org)
        for org, values in ((old, before), (new, {**before, **maria})):
            next(p for p in org["people"] if p["id"] == "maria-lopez").update(values)
        return [(c["path"], c["needs_approval"], c["approver"])
                for c in json.loads(to_json(diff(Side("old", EXAMPLES.plans, old),
                                                 Side("new", EXAMPLES.plans, new))))]

    contact = "people[maria-lopez].contact"
    assert changes({}, contact="@mallory") == [(contact, True, "Dana Okafor")]
    assert changes({}, contact="ext. 4411") == [(contact, True, "Dana Okafor")]
    assert changes({}, github="mallory") == [("people[maria-lopez].github", True, "Dana Okafor")]
    assert changes({}, role="Head of support") == [("people[maria-lopez].role", False, None)]
    assert changes({"github": "maria-lopez"}, contact="@mallory") == [(contact, False, None)]
