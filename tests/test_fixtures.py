"""Every fixture plan set, discovered and parametrised.

valid/<case>/    a folder of plans (with its _org.yaml) that must check with no error and no
                 warning.
invalid/<case>/  case.yaml says which base to start from (a valid/ case, or `examples` for
                 plans/) and lists the exact diagnostics expected; every other file in the folder
                 replaces or adds that file in a copy of the base. Removing a base file: list it
                 under `remove`.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from macros.diagnostics import format_text
from macros.validate import check

from .conftest import FIXTURES, ROOT, TODAY


def cases(kind: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / kind).iterdir() if p.is_dir())


def diagnostics_in(folder: Path, monkeypatch) -> list[str]:
    monkeypatch.chdir(folder)
    result = check([Path(".")], today=TODAY)
    return [line for line in format_text(result.diagnostics).splitlines()
            if not line.startswith("    hint:")]


@pytest.mark.parametrize("case", cases("valid"), ids=lambda p: p.name)
def test_valid_case_is_clean(case: Path, monkeypatch):
    assert diagnostics_in(case, monkeypatch) == []


def test_example_plans_are_clean(monkeypatch):
    assert diagnostics_in(ROOT / "plans", monkeypatch) == []


@pytest.mark.parametrize("case", cases("invalid"), ids=lambda p: p.name)
def test_invalid_case_reports_exactly(case: Path, tmp_path: Path, monkeypatch):
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    base = ROOT / "plans" if spec["base"] == "examples" else FIXTURES / "valid" / spec["base"]
    work = tmp_path / "plans"
    shutil.copytree(base, work)
    for name in spec.get("remove", []):
        (work / name).unlink()
    for path in case.iterdir():
        if path.name != "case.yaml":
            shutil.copyfile(path, work / path.name)
    assert diagnostics_in(work, monkeypatch) == spec["expect"]
