"""The JSON Schema (draft 2020-12) for editors, generated from the Cerberus schema in schema/.

Never written by hand: a YAML language server reads it for completion and inline errors. Besides
shape, types and values it carries every rule of the check that JSON Schema can state: what each
tier requires (read from the tier table in macros/core/tiers.py, never restated), approval for
approved plans, gate outcomes, numeric values with a direction, placeholders and invisible
characters. What it cannot state is listed in LIMITS, with the reason, and shown on the format
reference page; those rules only `handbook check` enforces.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .diagnostics import ERROR
from .drift import PERIOD, STATED
from .editor_schema import FILES
from .schema_errors import TYPE_WORDS
from .schemas import Schemas, schemas
from .tiers import (ALWAYS_REQUIRED, APPROVAL_FIRST, APPROVAL_STATUSES, DRIFT_AREAS, HIGH_IMPACTS,
                    TABLE, TIERS, Requirements)
from .values import DATE, SLUG
from .yaml_strict import HAZARDS


SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"

# "Every stage but the last" and "the last stage" have no JSON Schema keyword: they are spelled
# out position by position, for plans of up to this many stages (beyond, LIMITS says so).
STAGE_POSITIONS = 20


def _char_class(codes: set[int]) -> str:
    """The code points as the inside of a regex class, in ranges: `\\u0000-\\u0008...`."""
    out, ordered = [], sorted(codes)
    start = prev = ordered[0]
    for code in ordered[1:] + [-1]:
        if code == prev + 1:
            prev = code
            continue
        out.append(f"\\u{start:04x}" + (f"-\\u{prev:04x}" if prev > start else ""))
        start = prev = code
    return "".join(out)


_HAZARD = _char_class(HAZARDS)
_PLACEHOLDER = r"(?!TODO\()"  # `handbook new` and `init` leave TODO(kind): ... to replace


def _types(kind: str) -> dict[str, dict]:
    """JSON Schema for each Cerberus type. A text is refused as the check refuses it: blank,
    holding an invisible character, or still a placeholder (in a plan, left by `handbook new`;
    in _org.yaml, by `handbook init`)."""
    # `patternErrorMessage`: the sentence the VS Code YAML server shows instead of the regex.
    clean = ("no invisible control or direction characters, and not a TODO(...) placeholder "
             f"left by handbook {'new' if kind == 'plan' else 'init'}")
    text = {"type": "string", "minLength": 1,
            "pattern": f"^{_PLACEHOLDER}[^{_HAZARD}]*[^\\s{_HAZARD}][^{_HAZARD}]*$",
            "patternErrorMessage": f"Expected text: not blank, {clean}."}
    return {
        "slug": {"type": "string", "pattern": SLUG.pattern, "maxLength": 64,
                 "patternErrorMessage": f"Expected {TYPE_WORDS['slug']}."},
        # YAML 1.1-minded servers read an unquoted date as a date; both are accepted by the check.
        "date": {"type": "string", "pattern": DATE.pattern, "format": "date",
                 "patternErrorMessage": f"Expected {TYPE_WORDS['date']}."},
        "text": text,
        "markdown": dict(text),  # the check reads Markdown as text: non-blank, no hazards
        "outputs": {"anyOf": [{"const": "all"}, {"type": "array", "minItems": 1, "items": text}]},
        "string": {"type": "string", "pattern": f"^{_PLACEHOLDER}[^{_HAZARD}]*$",
                   "patternErrorMessage": f"Expected text with {clean}."},
        # JSON Schema counts 2.0 as a whole number; so does the loader (load._number).
        "integer": {"type": "integer"},
        "number": {"type": "number"},
        "boolean": {"type": "boolean"},
        "list": {"type": "array"},
        "dict": {"type": "object"},
    }


# The Cerberus rules this generator translates. Any other rule in schema/ stops the export (and
# its test) rather than being dropped without a word.
_KNOWN_RULES = {"type", "required", "meta", "allowed", "regex", "min", "max", "minlength",
                "maxlength", "schema", "excludes", "dependencies", "empty", "nullable",
                "keysrules", "valuesrules"}


class _Export:
    def __init__(self, s: Schemas, kind: str):
        self.s, self.kind, self.types = s, kind, _types(kind)
        self.used: set[str] = set()
        self.shared: dict[str, Any] = {}  # rule schemas used by more than one tier

    def define(self, name: str, schema: dict) -> dict:
        """A $ref to `schema`, written once in $defs under `name`."""
        self.shared[name] = schema
        return {"$ref": f"#/$defs/{name}"}

    def field(self, rules: dict, where: str) -> dict[str, Any]:
        unknown = set(rules) - _KNOWN_RULES
        if unknown:
            raise ValueError(f"schema_export cannot translate {sorted(unknown)} at {where}")
        kind = rules["type"]
        out: dict[str, Any] = dict(self.types[kind])
        meta = rules.get("meta") or {}
        if "description" in meta:
            out["description"] = meta["description"] + (
                f" Tier requirement: {meta['tiers']}." if "tiers" in meta else ""
            )
        if "allowed" in rules:
            out["enum"] = list(rules["allowed"])
            out.pop("pattern", None)  # the values are the schema's own
            out.pop("patternErrorMessage", None)
        if "regex" in rules:
            own = f"^(?:{rules['regex']})$"  # Cerberus matches the whole value
            if "pattern" in out:
                out.setdefault("allOf", []).append(
                    {"pattern": out["pattern"], "patternErrorMessage": out["patternErrorMessage"]})
            out["pattern"] = own
            out["patternErrorMessage"] = " ".join(
                ["Does not have the expected form.", meta.get("description", "")]).strip()
        if "min" in rules:
            out["minimum"] = rules["min"]
        if "max" in rules:
            out["maximum"] = rules["max"]
        length = ("minItems", "maxItems") if kind == "list" else ("minLength", "maxLength")
        if "minlength" in rules:
            out[length[0]] = rules["minlength"]
        if "maxlength" in rules:
            out[length[1]] = rules["maxlength"]
        if rules.get("empty") is False:
            key = {"list": "minItems", "dict": "minProperties"}.get(kind, "minLength")
            out[key] = max(out.get(key, 0), 1)
        sub = rules.get("schema")
        if kind == "list" and isinstance(sub, dict):
            out["items"] = self.field(sub, where + "[]")
        elif kind == "dict" and isinstance(sub, str):
            self.used.add(sub)
            out = {"$ref": f"#/$defs/{sub}", **{k: v for k, v in out.items() if k == "description"}}
        elif kind == "dict" and isinstance(sub, dict):
            out.update(self.object(sub, where + "."))
        elif kind == "dict" and "valuesrules" in rules:  # a mapping of ids to values
            out["propertyNames"] = self.field(rules.get("keysrules", {}), where + "{}")
            out["additionalProperties"] = self.field(rules["valuesrules"], where + "{}")
        if rules.get("nullable"):
            out = {"anyOf": [out, {"type": "null"}]}
        return out

    def object(self, fields_: dict, where: str = "") -> dict[str, Any]:
        required = [name for name, rules in fields_.items() if rules.get("required")]
        out: dict[str, Any] = {
            "type": "object",
            "properties": {name: self.field(rules, where + name)
                           for name, rules in fields_.items()},
            "additionalProperties": False,
        }
        if required:
            out["required"] = required
        dependent_required, dependent_schemas = {}, {}
        for name, rules in fields_.items():
            needs = rules.get("dependencies")
            if isinstance(needs, str):
                needs = [needs]
            if isinstance(needs, list):
                dependent_required[name] = needs
            elif needs is not None:
                raise ValueError(f"schema_export cannot translate dependencies at {where}{name}")
            excluded = rules.get("excludes")
            if excluded:
                excluded = [excluded] if isinstance(excluded, str) else list(excluded)
                dependent_schemas[name] = {"not": {"anyOf": [{"required": [e]} for e in excluded]}}
        if dependent_required:
            out["dependentRequired"] = dependent_required
        if dependent_schemas:
            out["dependentSchemas"] = dependent_schemas
        return out

    def definitions(self) -> dict[str, Any]:
        """Every part the schema refers to, and the parts those refer to."""
        done: dict[str, Any] = {}
        while self.used - done.keys():
            for name in sorted(self.used - done.keys()):
                done[name] = self.object(self.s.parts[name], name + ".")
        return dict(sorted((done | self.shared).items()))


def _at(path: tuple, schema: Any, *, required: bool = True) -> dict[str, Any]:
    """`schema` for the value at `path` from the top ("*": every list item). With `required`,
    every key on the way must be there; without, the schema applies only where they are."""
    for key in reversed(path):
        if key == "*":
            schema = {"items": schema}
        else:
            schema = {"properties": {key: schema}} | ({"required": [key]} if required else {})
    return schema


def _rule(rule_id: str, schema: dict) -> dict:
    return {"$comment": f"handbook check [{rule_id}]", **schema}


def _given(rules_at: dict) -> dict[str, Any]:
    """Present with a value, as a tier rule asks (`not value`): a list has an entry, a mapping
    a key; text is never blank anyway."""
    kind = rules_at.get("type")
    return {"list": {"minItems": 1}, "dict": {"minProperties": 1}}.get(kind, {})


def _cerberus_rules(s: Schemas, top: dict, path: tuple) -> dict:
    """The Cerberus rules of the field at `path` (keys only)."""
    rules: dict = {"type": "dict", "schema": top}
    for key in path:
        fields_ = rules.get("schema")
        if isinstance(fields_, str):
            fields_ = s.parts[fields_]
        rules = fields_[key]
    return rules


def _each_stage_but_last(schema: dict) -> dict:
    """Every stage but the last matches `schema`: position n when there is a stage after it."""
    return {"allOf": [{"if": {"minItems": n + 2}, "then": {"prefixItems": [True] * n + [schema]}}
                      for n in range(STAGE_POSITIONS)]}


def _last_stage(schema: dict) -> dict:
    return {"allOf": [{"if": {"minItems": n, "maxItems": n},
                       "then": {"prefixItems": [True] * (n - 1) + [schema]}}
                      for n in range(1, STAGE_POSITIONS + 1)]}


def _tier_rules(required: Requirements, export: _Export, top: dict) -> list[dict]:
    """One column of the tier table (macros/core/tiers.py) as JSON Schema."""
    s = export.s
    # Every kind of review requirement starts with at least one rule.
    out = [_rule("tier-review", _at(("review",), {"minItems": 1}))]
    if required.review == APPROVAL_FIRST:
        read_only_first = _at(("stages",), {"minItems": 1, "prefixItems": [
            _at(("pattern",), {"const": "read_only"})]})
        every_approval_first = _at(("review", "*", "mode"), {"const": "approval_first"},
                                   required=False)
        out.append(_rule("tier-review", {"anyOf": [read_only_first, every_approval_first]}))
    out.append(_rule("tier-stages", _at(("stages",), {"minItems": required.min_stages})))
    if required.gate_on_every_stage_but_last:
        gated = {"required": ["gate"]}
        every_gate = export.define("gate-on-every-stage-but-last", {
            **_each_stage_but_last(gated),
            # Beyond the positions spelled out: at most one stage without a gate.
            "contains": {"not": gated}, "minContains": 0, "maxContains": 1})
        out.append(_rule("tier-stages", _at(("stages",), every_gate, required=False)))
    if required.blocking_criterion_on_every_gate:
        blocking = _at(("blocking",), {"const": True})
        out.append(_rule("tier-stages", _at(("stages", "*", "gate"), _at(
            ("criteria",), {"contains": blocking}), required=False)))
    if required.training_per_stage_that_adds_people:
        adds_people = _at(("headcount",), {"type": "number", "exclusiveMinimum": 0})
        out.append(_rule("tier-training", _at(("stages", "*"), {
            "if": adds_people, "then": _at(("training",), {"minItems": 1})}, required=False)))
    if required.issue_reporting:
        out.append(_rule("tier-support", {"required": ["issue_reporting"]}))
    if required.support_tiers:
        out.append(_rule("tier-support", _at(("support", "tiers"), {"minItems": 1})))
    if required.response_time_on_every_tier:
        out.append(_rule("tier-support", _at(("support", "tiers", "*"),
                                             {"required": ["response_time"]}, required=False)))
    if required.escalation == ERROR:
        out.append(_rule("tier-escalation", _at(("escalation",), {"minItems": 1})))
    areas = [{"contains": _at(("area",), {"const": area})} for area in required.monitoring_areas]
    out.append(_rule("tier-monitoring", _at(("monitoring",), {"allOf": areas})))
    for key in required.pause_keys:
        out.append(_rule("tier-pause", _at(("pause", key),
                                           _given(_cerberus_rules(s, top, ("pause", key))))))
    if required.min_pause_authority > 1:  # `0 < people < minimum`: none is another matter
        enough = {"minItems": required.min_pause_authority}
        if "authority" not in required.pause_keys:
            enough = {"anyOf": [{"maxItems": 0}, enough]}
        out.append(_rule("tier-pause", _at(("pause", "authority"), enough, required=False)))
    if required.communication_before_first_stage:
        out.append(_rule("tier-communications", _at(("communications",), {"minItems": 1})))
    if required.risks_and_governance == ERROR:
        for key in ("risks", "governance"):
            out.append(_rule(f"tier-{key}", _at((key,), _given(_cerberus_rules(s, top, (key,))))))
    return out


def _plan_rules(export: _Export, top: dict) -> list[dict]:
    """The plan rules JSON Schema can state, each marked with the check's rule id."""
    s = export.s
    out = []
    for path in ALWAYS_REQUIRED:  # `value in (None, [], "")`: an empty list counts as missing
        rules_at = _cerberus_rules(s, top, path)
        out.append(_rule("tier-required", _at(path, {"minItems": 1} if rules_at["type"] == "list"
                                              else {})))
    # Rows of the tier table that hold at every tier, beside the columns of TABLE.
    out.append(_rule("tier-support", _at(("support", "owner"), {})))
    out.append(_rule("tier-training", {"anyOf": [
        _at(("training", "modules"), {"minItems": 1}),
        _at(("stages",), {"contains": _at(("training",), {"minItems": 1})})]}))
    for tier in TIERS:
        out.append({"$comment": f"what a {tier}-tier plan requires (macros/tiers.py)",
                    "if": _at(("risk_tier",), {"const": tier}),
                    "then": {"allOf": _tier_rules(TABLE[tier], export, top)}})
    out.append(_rule("approval", {
        "if": _at(("status",), {"enum": list(APPROVAL_STATUSES)}),
        "then": {"required": ["approval", "review_by"]}}))
    # Rule 6: the tier an impact calls for, unless tier_rationale says why not (a warning then).
    for impacts, rank in ((sorted(HIGH_IMPACTS), TIERS.index("high")),
                          (None, TIERS.index("medium"))):
        named = {"enum": impacts} if impacts else {"type": "string"}
        out.append(_rule("impact-tier", {
            "if": {**_at(("impact",), {"contains": named}),
                   "not": {"required": ["tier_rationale"]}},
            "then": _at(("risk_tier",), {"enum": list(TIERS[rank:])}, required=False)}))
    out.append(_rule("monitoring-adoption-only", {"not": _at(("monitoring",), {
        "minItems": 1, "items": _at(("area",), {"const": "adoption"})})}))
    out.append(_rule("gate-outcomes", _at(("stages", "*", "gate"), _at(("outcomes",), {"allOf": [
        {"contains": {"const": "proceed"}}, {"contains": {"enum": ["pause", "stop"]}}]}),
        required=False)))
    out.append(_rule("stage-access", {
        "if": _at(("end_state",), {"not": {"const": "limited"}}, required=False),
        "then": _at(("stages",), _last_stage(_at(("access_percent",), {"const": 100},
                                                 required=False)), required=False)}))
    out.append(_rule("monitor-values", _at(("monitoring", "*"), {"dependentRequired": {
        "target_value": ["better"], "pause_value": ["better"]}}, required=False)))
    out += _baseline_rules()
    return out


def _baseline_rules() -> list[dict]:
    """A drift metric has a baseline (macros/drift.py), and a baseline is one whole form."""
    def only(whole: tuple, other: tuple) -> dict:
        return {"required": list(whole), "properties": {k: False for k in other}}

    return [_rule("drift-baseline", _at(("monitoring", "*"), {
                "if": _at(("area",), {"enum": list(DRIFT_AREAS)}),
                "then": {"required": ["baseline"]}}, required=False)),
            _rule("baseline-form", _at(("monitoring", "*", "baseline"), {
                "anyOf": [only(STATED, PERIOD), only(PERIOD, STATED)]}, required=False))]


def json_schema(kind: str = "plan") -> dict[str, Any]:
    s = schemas()
    top = s.plan if kind == "plan" else s.org
    export = _Export(s, kind)
    title = "AI rollout plan" if kind == "plan" else "Organisation registries (_org.yaml)"
    body = export.object(top)
    if kind == "plan":
        body["allOf"] = _plan_rules(export, top)
    return {
        "$schema": SCHEMA_URI,
        "$id": f"rollout-handbook/{kind}.schema.json",
        "title": title,
        "description": "Plan format v1, generated from schema/ by `handbook schema`; "
                       "`handbook check` also applies the rules this schema cannot state.",
        **body,
        "$defs": export.definitions(),
    }


def schema_text(kind: str) -> str:
    """The exported schema as written to schema/<kind>.schema.json: byte for byte the same
    on every run, so that a stale copy is found by comparing bytes."""
    return _dump(json_schema(kind)) + "\n"


def _dump(value: Any, indent: str = "") -> str:
    """JSON with two-space indents, plain values side by side on one line (enums, the padding
    of positions): readable in review, and the same bytes on every run."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dump(v, inner)}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list) and any(_nested(v) for v in value):
        lines: list[list[str]] = []  # runs of plain values share a line
        for v in value:
            if not _nested(v) and lines and not _nested(lines[-1][-1]):
                lines[-1].append(v)
            else:
                lines.append([v])
        return "[\n" + ",\n".join(inner + ", ".join(_dump(v, inner) for v in run)
                                   for run in lines) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


def _nested(value: Any) -> bool:
    return isinstance(value, (dict, list)) and bool(value)


def write_schemas(folder: Path) -> list[tuple[Path, bool]]:
    """Write both schema files into `folder`; (path, changed) for each."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, name in FILES.items():
        path, text = folder / name, schema_text(kind)
        changed = not path.is_file() or path.read_text(encoding="utf-8") != text
        if changed:
            path.write_text(text, encoding="utf-8")
        written.append((path, changed))
    return written
