"""`handbook schema`: a JSON Schema generated from schema/, usable by editors' YAML servers.

The schema is held to the check itself: check-jsonschema (the real CLI, as CI and editors'
tooling run it) reads every fixture file and every example plan, and must refuse exactly the
files the check refuses, except where LIMITS says why a schema cannot.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from macros.core.diagnostics import Diagnostic
from macros.core.load import load_file
from macros.core.schema_export import json_schema, schema_text
from macros.core.schema_limits import LIMITS, beyond_schema
from macros.core.validate import check

from .conftest import FIXTURES, ROOT, TODAY, invalid_case_plans

CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def sets() -> list[str]:
    """Every plan set: the examples, valid/ and legacy/ sets, and each invalid/ case."""
    return ["examples"] + [f"{kind}/{p.name}" for kind in ("valid", "legacy", "invalid")
                           for p in sorted((FIXTURES / kind).iterdir()) if p.is_dir()]


def build(name: str, where: Path) -> Path:
    """The plans folder of a set; an invalid case is built as tests/test_fixtures.py does."""
    if name == "examples":
        return ROOT / "plans"
    if not name.startswith("invalid/"):
        return FIXTURES / name
    case = FIXTURES / name
    return invalid_case_plans(case, where / case.name / "plans")


def checked(folder: Path) -> list[Diagnostic]:
    here = Path.cwd()
    os.chdir(folder)  # diagnostics then name files as the folder holds them
    try:
        return check([Path(".")], today=TODAY).diagnostics
    finally:
        os.chdir(here)


def refused_by_schema(schema: Path, files: list[Path]) -> dict[str, list[str]]:
    """check-jsonschema over all `files`, in one run per CPU (its YAML reader is pure Python):
    the messages for each file it refuses. Files with the same bytes are read once."""
    unique = list({path.read_bytes(): path for path in reversed(files)}.values())
    share = -(-len(unique) // (os.cpu_count() or 1)) or 1
    runs = [subprocess.Popen([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), "-o", "json",
                              *map(str, unique[i:i + share])], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for i in range(0, len(unique), share)]
    refused: dict[bytes, list[str]] = {}
    for run in runs:
        out, err = run.communicate()
        assert run.returncode in (0, 1), err
        report = json.loads(out)
        for problem in report.get("errors", []) + report.get("parse_errors", []):
            raw = Path(problem["filename"]).read_bytes()
            refused.setdefault(raw, []).append(problem["message"])
    return {str(path): refused[path.read_bytes()] for path in files
            if path.read_bytes() in refused}


# Hostile structures the check refuses before reading them: check-jsonschema's YAML reader
# recurses on them until Python gives up (RecursionError), so they are not handed to it.
HOSTILE = {"yaml-depth", "file-size"}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> dict[str, list[tuple[str, list[Diagnostic], list[str]]]]:
    """For each set, each YAML file: (name, the check's errors in it, the schema's refusals)."""
    where = tmp_path_factory.mktemp("schema-sets")
    for kind in ("plan", "org"):
        (where / f"{kind}.schema.json").write_text(schema_text(kind), encoding="utf-8")
    errors: dict[Path, list[Diagnostic]] = {}
    files: dict[str, list[Path]] = {}
    for name in sets():
        folder = build(name, where)
        found = [d for d in checked(folder) if d.is_error]
        files[name] = sorted(folder.glob("*.yaml"))
        for path in files[name]:
            errors[path] = [d for d in found if d.file == path.name]
    readable = [p for p, found in errors.items() if not HOSTILE & {d.rule for d in found}]
    refused = refused_by_schema(where / "plan.schema.json",
                                [p for p in readable if not p.name.startswith("_")])
    refused |= refused_by_schema(where / "org.schema.json",
                                 [p for p in readable if p.name == "_org.yaml"])
    return {name: [(p.name, errors[p], refused.get(str(p), [])) for p in paths]
            for name, paths in files.items()}


@pytest.mark.parametrize("name", sets())
def test_the_schema_refuses_what_the_check_refuses(name: str, verdicts):
    """A file the check refuses for a rule the schema can state is refused by the schema; a
    file the schema refuses has an error in the check (the editor never shows red on a
    valid plan)."""
    for file, errors, refusals in verdicts[name]:
        if refusals:
            assert errors, f"{file}: refused by the schema, accepted by the check: {refusals}"
        stated = [f"{d.rule}: {d.message}" for d in errors if not beyond_schema(d.rule, d.message)]
        if stated:
            assert refusals, f"{file}: the schema accepts what the check refuses: {stated}"


def test_every_set_is_read():
    assert len(sets()) > 150  # the invalid cases are found, not an empty glob


def test_committed_schema_files_equal_the_export():
    for kind in ("plan", "org"):
        written = (ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert written == schema_text(kind), "run: handbook schema --write"


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def minimum_plan() -> dict:
    doc, problems = load_file(FIXTURES / "valid" / "minimum" / "menu-drafts.yaml", "x")
    assert not problems
    return json.loads(json.dumps(doc.data))


def test_schema_rejects_an_unknown_key():
    data = dict(minimum_plan(), ownr="ana-silva")
    errors = list(validator("plan").iter_errors(data))
    assert [e.validator for e in errors] == ["additionalProperties"]
    assert "ownr" in errors[0].message


def test_schema_rejects_a_wrong_enum_in_a_registry_part():
    data = minimum_plan()
    data["review"][0]["mode"] = "approve_later"
    assert [e.validator for e in validator("plan").iter_errors(data)] == ["enum"]


def test_tier_requirements_come_from_the_tier_table(monkeypatch):
    """Changing a cell of macros/tiers.py changes the schema: it restates no number."""
    import dataclasses

    from macros.core import tiers

    data = minimum_plan()
    assert validator("plan").is_valid(data)
    low = dataclasses.replace(tiers.TABLE["low"], min_stages=len(data["stages"]) + 1)
    monkeypatch.setitem(tiers.TABLE, "low", low)
    assert not validator("plan").is_valid(data)


def test_two_pause_authorities_at_high_tier_are_counted():
    """LIMITS lets the one-person case pass the fixture test (the same person twice is beyond
    a schema): the count itself is still in the schema."""
    doc, _ = load_file(FIXTURES / "valid" / "read-only" / "policy-answers.yaml", "x")
    data = json.loads(json.dumps(doc.data))
    assert validator("plan").is_valid(data)
    data["pause"]["authority"] = data["pause"]["authority"][:1]
    assert not validator("plan").is_valid(data)


def test_a_whole_number_written_with_a_decimal_point_means_the_same_to_both(tmp_path: Path):
    """headcount: 2.0 is the whole number 2 for JSON Schema; the check agrees (it once refused
    it while the editor showed green). 5.5 stays refused by both."""
    source = (FIXTURES / "valid" / "minimum" / "menu-drafts.yaml").read_text(encoding="utf-8")
    assert "headcount: 10\n" in source
    plans = tmp_path / "plans"  # the schema sits beside plans/: nothing but data is in it
    plans.mkdir()
    plan = plans / "menu-drafts.yaml"
    shutil.copyfile(FIXTURES / "valid" / "minimum" / "_org.yaml", plans / "_org.yaml")
    (tmp_path / "plan.schema.json").write_text(schema_text("plan"), encoding="utf-8")
    plan.write_text(source.replace("headcount: 10\n", "headcount: 10.0\n"), encoding="utf-8")
    assert [d for d in checked(plans) if d.is_error] == []
    assert refused_by_schema(tmp_path / "plan.schema.json", [plan]) == {}
    plan.write_text(source.replace("headcount: 10\n", "headcount: 5.5\n"), encoding="utf-8")
    assert [d.rule for d in checked(plans) if d.is_error] == ["type"]
    assert refused_by_schema(tmp_path / "plan.schema.json", [plan]) != {}


def test_every_limit_names_known_rules_and_gives_a_reason():
    for limit in LIMITS:
        assert limit.rules and limit.reason.endswith(".")
        assert all(rule == rule.lower() and " " not in rule for rule in limit.rules)


def test_an_unknown_cerberus_rule_stops_the_export(monkeypatch):
    from macros.core import schema_export

    s = schema_export.schemas()
    part = dict(s.parts["risk"])
    part["owner"] = {**part["owner"], "coerce": "lower"}
    monkeypatch.setitem(s.parts, "risk", part)
    with pytest.raises(ValueError, match="coerce"):
        schema_export.json_schema("plan")


def test_every_field_has_a_description():
    def walk(node, where):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert sub.get("description"), f"{where}.{name} has no description"
                walk(sub, f"{where}.{name}")
            walk(node.get("items"), f"{where}[]")

    for kind in ("plan", "org"):
        schema = json_schema(kind)
        walk({"properties": schema["properties"]}, kind)
        for name, part in schema["$defs"].items():
            walk(part, name)  # parts; a shared rule schema has no properties of its own


def test_cli_prints_the_generated_schema():
    done = subprocess.run([sys.executable, "-m", "macros", "schema"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert done.stdout == schema_text("plan")
    assert json.loads(done.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_cli_writes_both_schema_files(tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "macros", "schema", "--write",
                           str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for kind in ("plan", "org"):
        path = tmp_path / "out" / f"{kind}.schema.json"
        assert path.read_text(encoding="utf-8") == schema_text(kind)
        assert f"Wrote {path}" in done.stderr
    again = subprocess.run([sys.executable, "-m", "macros", "schema", "--write",
                            str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True)
    assert "unchanged" in again.stderr


def test_cli_writes_beside_plans_by_default(tmp_path: Path):
    (tmp_path / "plans").mkdir()
    done = subprocess.run([sys.executable, "-m", "macros", "schema", "--write"], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ,
                                                               "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "schema" / "plan.schema.json").read_text(encoding="utf-8") == \
        schema_text("plan")


def test_check_warns_when_the_written_schema_is_stale(tmp_path: Path):
    plans = tmp_path / "plans"
    shutil.copytree(FIXTURES / "valid" / "minimum", plans)
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "plan.schema.json").write_text(schema_text("plan"), encoding="utf-8")
    (tmp_path / "schema" / "org.schema.json").write_text(schema_text("org"), encoding="utf-8")
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        assert check([Path("plans")], today=TODAY).diagnostics == []
        (tmp_path / "schema" / "plan.schema.json").write_text("{}\n", encoding="utf-8")
        found = check([Path("plans")], today=TODAY).diagnostics
    finally:
        os.chdir(here)
    assert [(d.file, d.line, d.column, d.severity, d.rule) for d in found] == [
        ("schema/plan.schema.json", 1, 1, "warning", "editor-schema")]
    assert "handbook schema --write" in found[0].hint


def test_new_plans_name_the_written_schema(tmp_path: Path):
    from macros.cli.templates import render_template

    first = render_template("minimum", "menu-drafts").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/plan.schema.json"
    assert (ROOT / "plans" / first.split("=", 1)[1]).resolve() == \
        (ROOT / "schema" / "plan.schema.json")


def test_a_medium_plan_without_communications_is_refused():
    """LIMITS leaves the timing of tier-communications to the check; having a message at all
    is still in the schema."""
    doc, _ = load_file(FIXTURES / "valid" / "phased" / "email-replies.yaml", "x")
    data = json.loads(json.dumps(doc.data))
    assert data["risk_tier"] == "medium" and validator("plan").is_valid(data)
    del data["communications"]
    assert [e.validator for e in validator("plan").iter_errors(data)] == ["required"]


def test_a_new_plan_is_red_in_the_editor_until_filled(tmp_path: Path):
    """What `handbook new` writes: its TODO(...) values are refused, as the check refuses them;
    filled in, it passes the schema as it passes the check."""
    from macros.cli.templates import TEMPLATES, render_template

    from .test_templates import fill

    (tmp_path / "plan.schema.json").write_text(schema_text("plan"), encoding="utf-8")
    drafts, filled = [], []
    for name in sorted(TEMPLATES):
        for folder, text in ((tmp_path / "draft" / name, render_template(name, "new-plan")),
                             (tmp_path / "filled" / name,
                              fill(render_template(name, "new-plan")))):
            folder.mkdir(parents=True)
            (folder / "new-plan.yaml").write_text(text, encoding="utf-8")
        drafts.append(tmp_path / "draft" / name / "new-plan.yaml")
        filled.append(tmp_path / "filled" / name / "new-plan.yaml")
    refused = refused_by_schema(tmp_path / "plan.schema.json", drafts + filled)
    assert sorted(refused) == sorted(map(str, drafts))
    assert all("TODO(" in message for path in drafts for message in refused[str(path)])


def test_the_org_schema_flags_every_placeholder_init_writes(tmp_path: Path):
    """An editor opening the `_org.yaml` that `handbook init` writes sees a mark on exactly the
    values `handbook check` calls placeholders (the id and number ones only, before)."""
    from macros.cli.init import init

    plans = tmp_path / "plans"
    assert not init(plans, "Fjordline Ferries", since="2026-01-01").refused
    (tmp_path / "org.schema.json").write_text(schema_text("org"), encoding="utf-8")
    done = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(tmp_path / "org.schema.json"),
                           "-o", "json", str(plans / "_org.yaml")], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    flagged = {error["path"] for error in json.loads(done.stdout)["errors"]}
    placeholders = {"$." + d.message.split(": still a placeholder", 1)[0]
                    for d in checked(plans) if d.rule == "placeholder"}
    assert len(placeholders) == 23
    assert flagged == placeholders
