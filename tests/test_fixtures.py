"""Every fixture plan set, discovered and parametrised.

valid/<case>/    a folder of plans (with its _org.yaml) that must check with no error and no
                 warning.
legacy/<case>/   plans as they were valid before a format round: no error, warnings allowed.
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

from macros.core.diagnostics import format_text
from macros.core.validate import check

from .conftest import FIXTURES, ROOT, TODAY, invalid_case_plans


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


@pytest.mark.parametrize("case", cases("legacy"), ids=lambda p: p.name)
def test_plans_valid_before_this_format_round_stay_valid(case: Path, monkeypatch):
    """legacy/<case>/: plans exactly as they were valid before structured timing, exact review
    outputs and the other additions. They must never gain an error (warnings that name the
    field to add are allowed)."""
    lines = diagnostics_in(case, monkeypatch)
    assert [line for line in lines if ": error: " in line] == []
    for line in lines:
        assert ": warning: " in line


def test_example_plans_are_clean(monkeypatch):
    assert diagnostics_in(ROOT / "plans", monkeypatch) == []


@pytest.mark.parametrize("case", cases("invalid"), ids=lambda p: p.name)
def test_invalid_case_reports_exactly(case: Path, tmp_path: Path, monkeypatch):
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    work = invalid_case_plans(case, tmp_path / "plans")
    assert diagnostics_in(work, monkeypatch) == spec["expect"]


# Rules exercised by other tests rather than by a fixture folder, and where.
COVERED_ELSEWHERE = {
    "file-read": "test_cli.py::test_missing_path_is_an_error_not_a_crash",
    "file-link": "test_cli.py::test_a_link_to_a_plan_outside_the_repository_is_refused",
    "file-size": "test_cli.py::test_hostile_structure_is_refused_quickly",
    "yaml-depth": "test_cli.py::test_hostile_structure_is_refused_quickly",
    "pause-triggered": "fixtures/invalid/pause-triggered (a warning case)",
    "internal": "test_fixtures.py::test_a_rule_failing_on_one_plan_is_reported_there_only "
                "(a rule crash on schema-clean data, simulated)",
    "definition-record": "test_definitions.py (a `handbook diff` finding, not the check's)",
    "schema": "fallback for Cerberus rules the schema does not use",
    "editor-schema": "test_schema_export.py::test_check_warns_when_the_written_schema_is_stale "
                     "(schema/ sits beside plans/, where a fixture cannot put a file)",
}


def test_every_rule_id_has_a_negative_case():
    import re

    from .conftest import ROOT

    emitted = set()
    core = ROOT / "macros" / "core"
    emitting = ("validate.py", "load.py", "yaml_walk.py", "yaml_hints.py", "measurements.py")
    for path in [*sorted((core / "rules").glob("*.py")), *(core / name for name in emitting)]:
        source = path.read_text(encoding="utf-8")
        emitted |= set(re.findall(r'(?:ERROR|WARNING)[^,]*,\s*"([a-z0-9-]+)"', source))
        emitted |= set(re.findall(r'rule = "([a-z0-9-]+)"', source))
        emitted |= set(re.findall(r'"((?:yaml|file|measurement)-[a-z-]+)"', source))
    emitted |= {"tier-risks", "tier-governance"}  # f"tier-{key}"
    covered = set()
    for case in cases("invalid"):
        for line in yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))["expect"]:
            covered.add(line.rsplit("[", 1)[1].rstrip("]"))
    assert sorted(emitted - covered - set(COVERED_ELSEWHERE)) == []


def test_every_rule_declares_the_fields_it_reads():
    """The format reference lists, per rule, the fields it reads (free text is never one)."""
    from macros.core.rules import RULES

    assert [rule.__name__ for rule in RULES if not getattr(rule, "reads", ())] == []


def test_a_rule_failing_on_one_plan_is_reported_there_only(tmp_path: Path, monkeypatch):
    """A rule that compares plans failed for all of them at once, and its error was put on
    whichever plan came first: the finding below in another plan was lost."""
    from macros.core import rules

    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    plan = plans / "support-replies.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "\nowner: maria-lopez\n", "\nowner: maria-lopes\n", 1), encoding="utf-8")

    def failing_on_marketing(real):
        def rule(scope):
            if any(doc.data.get("id") == "marketing-drafts" for doc in scope.plans):
                raise KeyError("stages")
            yield from real(scope)
        rule.__name__ = real.__name__
        return rule

    patched = {real: failing_on_marketing(real) for real in (rules.rule_ref, rules.rule_approval)}
    monkeypatch.setattr(rules, "RULES", [patched.get(r, r) for r in rules.RULES])
    monkeypatch.setattr(rules, "CROSS_PLAN_RULES",
                        {patched.get(r, r) for r in rules.CROSS_PLAN_RULES})
    monkeypatch.chdir(tmp_path)
    found = check([Path("plans")], today=TODAY).diagnostics
    internal = [d for d in found if d.rule == "internal"]
    assert [(d.file, d.line, d.severity) for d in internal] == [
        ("plans/marketing-drafts.yaml", 1, "error")] * 2
    assert sorted(d.message for d in internal) == [
        f"internal error: the check's rule '{name}' failed on this file (KeyError('stages')); "
        "its findings here are missing" for name in ("approval", "ref")]
    assert all("bug in the handbook tool" in d.hint for d in internal)
    assert [(d.file, d.rule) for d in found if d.rule == "ref"] == [
        ("plans/support-replies.yaml", "ref")]
