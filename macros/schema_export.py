"""The JSON Schema (draft 2020-12) for editors, generated from the Cerberus schema in schema/.

Never written by hand: a YAML language server reads it for completion and inline errors. The
semantic rules (references, tiers) are the check's job; this covers shape, types and values.
"""
from __future__ import annotations

from typing import Any

from .validate import DATE, SLUG, schemas

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"

_TYPES: dict[str, dict] = {
    "slug": {"type": "string", "pattern": SLUG.pattern, "maxLength": 64},
    # YAML 1.1-minded servers read an unquoted date as a date; both are accepted by the check.
    "date": {"type": "string", "pattern": DATE.pattern, "format": "date"},
    "text": {"type": "string", "minLength": 1, "pattern": r"\S"},
    "markdown": {"type": "string", "minLength": 1},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "list": {"type": "array"},
    "dict": {"type": "object"},
}


def _field(rules: dict) -> dict[str, Any]:
    out: dict[str, Any] = dict(_TYPES[rules["type"]])
    meta = rules.get("meta") or {}
    if "description" in meta:
        out["description"] = meta["description"] + (
            f" Tier requirement: {meta['tiers']}." if "tiers" in meta else ""
        )
    if "allowed" in rules:
        out["enum"] = list(rules["allowed"])
    if "regex" in rules:
        out["pattern"] = f"^(?:{rules['regex']})$"  # Cerberus matches the whole value
    if "min" in rules:
        out["minimum"] = rules["min"]
    if "max" in rules:
        out["maximum"] = rules["max"]
    length = ("minItems", "maxItems") if rules["type"] == "list" else ("minLength", "maxLength")
    if "minlength" in rules:
        out[length[0]] = rules["minlength"]
    if "maxlength" in rules:
        out[length[1]] = rules["maxlength"]
    sub = rules.get("schema")
    if rules["type"] == "list" and isinstance(sub, dict):
        out["items"] = _field(sub)
    elif rules["type"] == "dict" and isinstance(sub, str):
        out = {"$ref": f"#/$defs/{sub}", **{k: v for k, v in out.items() if k == "description"}}
    elif rules["type"] == "dict" and isinstance(sub, dict):
        out.update(_object(sub))
    return out


def _object(fields: dict) -> dict[str, Any]:
    required = [name for name, rules in fields.items() if rules.get("required")]
    out: dict[str, Any] = {
        "type": "object",
        "properties": {name: _field(rules) for name, rules in fields.items()},
        "additionalProperties": False,
    }
    if required:
        out["required"] = required
    return out


def json_schema(kind: str = "plan") -> dict[str, Any]:
    s = schemas()
    top = s.plan if kind == "plan" else s.org
    title = "AI rollout plan" if kind == "plan" else "Organisation registries (_org.yaml)"
    return {
        "$schema": SCHEMA_URI,
        "$id": f"rollout-handbook/{kind}.schema.json",
        "title": title,
        "description": "Plan format v1, generated from schema/ by `handbook schema`.",
        **_object(top),
        "$defs": {name: _object(fields) for name, fields in sorted(s.parts.items())},
    }
