"""The pull-request kit: CODEOWNERS is generated from the plans, and stays in step with them."""
from __future__ import annotations

import subprocess
import sys

import yaml

from .conftest import ROOT


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
