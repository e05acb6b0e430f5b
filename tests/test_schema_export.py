"""`handbook schema`: a JSON Schema generated from schema/, usable by editors' YAML servers."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from macros.load import load_file
from macros.schema_export import json_schema

from .conftest import FIXTURES, ROOT

VALID_SETS = [ROOT / "plans"] + sorted(p for p in (FIXTURES / "valid").iterdir() if p.is_dir())


def plan_files() -> list[Path]:
    return [p for folder in VALID_SETS for p in sorted(folder.glob("*.yaml"))]


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", plan_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_schema_accepts_every_valid_file(path: Path):
    doc, problems = load_file(path, path.name)
    assert not problems
    kind = "org" if path.name == "_org.yaml" else "plan"
    errors = [e.message for e in validator(kind).iter_errors(doc.data)]
    assert errors == []


def test_schema_rejects_an_unknown_key():
    doc, _ = load_file(FIXTURES / "valid" / "minimum" / "menu-drafts.yaml", "x")
    data = dict(doc.data, ownr="ana-silva")
    errors = list(validator("plan").iter_errors(data))
    assert [e.validator for e in errors] == ["additionalProperties"]
    assert "ownr" in errors[0].message


def test_schema_rejects_a_wrong_enum_in_a_registry_part():
    doc, _ = load_file(FIXTURES / "valid" / "minimum" / "menu-drafts.yaml", "x")
    data = json.loads(json.dumps(doc.data))
    data["review"][0]["mode"] = "approve_later"
    assert [e.validator for e in validator("plan").iter_errors(data)] == ["enum"]


def test_every_field_has_a_description():
    def walk(node, where):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert sub.get("description"), f"{where}.{name} has no description"
                walk(sub, f"{where}.{name}")
            walk(node.get("items"), f"{where}[]")

    for kind in ("plan", "org"):
        schema = json_schema(kind)
        walk(schema, kind)
        for name, part in schema["$defs"].items():
            walk(part, name)


def test_cli_prints_the_generated_schema():
    done = subprocess.run([sys.executable, "-m", "macros", "schema"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    printed = json.loads(done.stdout)
    assert printed == json_schema("plan")
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
