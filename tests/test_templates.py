"""`handbook new`: every seed template scaffolds a plan that passes the check once its
placeholders are filled with the example organisation's people."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from macros.cli.templates import TEMPLATES
from macros.core.validate import check

from .conftest import ROOT, TODAY

PEOPLE = {  # each distinct person placeholder gets a distinct person of the example org
    "TODO(person): the business owner": "maria-lopez",
    "TODO(person): the executive sponsor, who decides the gates": "dana-okafor",
    "TODO(person): a second person who may pause": "lena-fischer",
}


def fill(text: str) -> str:
    text = re.sub(r"\[\"TODO\(impact\)[^\]]*\]", "[customers]", text)
    for placeholder, person in PEOPLE.items():
        text = text.replace(placeholder, person)
    text = re.sub(r"TODO\(team\)[^\"]*", "support", text)
    text = re.sub(r"TODO\(tool\)[^\"]*", "helpdesk-drafts", text)
    return re.sub(r"TODO\(text\)[^\"]*", "Example text", text)


def scaffold(tmp_path: Path, template: str) -> tuple[subprocess.CompletedProcess, Path]:
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    done = subprocess.run([sys.executable, "-m", "macros", "new", "--template", template,
                           "new-plan", "--plans", str(plans)], capture_output=True, text=True)
    return done, plans / "new-plan.yaml"


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_filled_template_passes_the_check(template: str, tmp_path: Path):
    done, path = scaffold(tmp_path, template)
    assert done.returncode == 0, done.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/plan.schema.json\n")
    unfilled = check([path.parent], today=TODAY)
    rules = {d.rule for d in unfilled.diagnostics if d.file.endswith("new-plan.yaml")}
    assert rules == {"placeholder"}, rules  # the check explains what is left to fill in
    path.write_text(fill(text), encoding="utf-8")
    assert "TODO(" not in path.read_text(encoding="utf-8")
    result = check([path.parent], today=TODAY)
    assert [f"{d.line}: {d.message}" for d in result.diagnostics] == []


def test_new_never_overwrites(tmp_path: Path):
    done, path = scaffold(tmp_path, "minimum")
    assert done.returncode == 0
    path.write_text("mine", encoding="utf-8")
    again = subprocess.run([sys.executable, "-m", "macros", "new", "--template", "minimum",
                            "new-plan", "--plans", str(path.parent)], capture_output=True,
                           text=True)
    assert again.returncode == 1 and "was not overwritten" in again.stderr
    assert path.read_text(encoding="utf-8") == "mine"
