"""The plan format's Cerberus schemas, read once from schema/ (package data): the parts folded
into each top schema, the validator for a plan or _org.yaml, and the tool's and the format's
versions.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import cerberus
import yaml
from cerberus import errors as cerr

from .values import is_slug, parse_date


# Package data (pyproject.toml maps schema/ to macros.schema): the installed tool reads its own
# copy, an editable install the live folder; never a path relative to the source tree.
SCHEMA_DIR = Path(str(resources.files("macros.schema")))
DISTRIBUTION = "rollout-handbook"


with warnings.catch_warnings():
    # Cerberus 1.3 deprecates `_validate_type_*` methods in favour of TypeDefinition, which can
    # only test Python classes, not a pattern; 1.3 is pinned and the methods work as documented.
    warnings.simplefilter("ignore", DeprecationWarning)

    class PlanValidator(cerberus.Validator):
        """Cerberus with the plan format's own types: slug, date, text and markdown."""

        # Cerberus' own `date` means a datetime.date object; ours is YYYY-MM-DD text, quoted or not.
        types_mapping = {k: v for k, v in cerberus.Validator.types_mapping.items() if k != "date"}

        def _validate_regex(self, pattern: str, field: str, value: Any) -> None:
            """{'type': 'string'}"""
            # The whole value, as the JSON Schema says: Cerberus' `re.match` with `$` would let
            # a trailing line break through, and an unanchored alternative anything after it.
            if isinstance(value, str) and not re.fullmatch(pattern, value):
                self._error(field, cerr.REGEX_MISMATCH)

        def _validate_type_slug(self, value: Any) -> bool:
            return is_slug(value)

        def _validate_type_date(self, value: Any) -> bool:
            return parse_date(value) is not None

        def _validate_type_text(self, value: Any) -> bool:
            return isinstance(value, str) and value.strip() != ""

        _validate_type_markdown = _validate_type_text

        def _validate_type_outputs(self, value: Any) -> bool:
            # review[].covers: `all`, or a non-empty list of scope.outputs texts.
            return value == "all" or (isinstance(value, list) and value != [] and all(
                isinstance(v, str) and v.strip() != "" for v in value))


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per read of the files
class Schemas:
    org: dict
    plan: dict
    parts: dict[str, dict]

    def rules_at(self, top: dict, path: tuple) -> dict | None:
        """The field rules of the mapping at `path` (None when the path leaves the schema)."""
        fields: dict | None = top
        rules: dict | None = None
        for part in path:
            if isinstance(part, int):
                if rules is None or rules.get("type") != "list":
                    return None
                rules = rules.get("schema")
            else:
                if fields is None or part not in fields:
                    return None
                rules = fields[part]
            fields = self._fields(rules)
        return fields

    def _fields(self, rules: dict | None) -> dict | None:
        if not isinstance(rules, dict) or rules.get("type") != "dict":
            return None
        sub = rules.get("schema")
        return self.parts.get(sub) if isinstance(sub, str) else sub


def _schema_files() -> tuple[tuple[str, int], ...]:
    """The schema files and their modification times: the cache key, so that `make serve`
    picks up an edited schema without a restart."""
    paths = [SCHEMA_DIR / "org.yaml", SCHEMA_DIR / "plan.yaml",
             *sorted((SCHEMA_DIR / "parts").glob("*.yaml"))]
    return tuple((str(p), p.stat().st_mtime_ns) for p in paths)


def schemas() -> Schemas:
    return _read_schemas(_schema_files())


def tool_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "unknown"


def format_version(s: Schemas | None = None) -> int:
    """The highest plan format (`schema_version`) this tool reads."""
    return max((s or schemas()).plan["schema_version"]["allowed"])


_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # every command reads the schema first


@lru_cache(maxsize=1)
def _read_schemas(files: tuple[tuple[str, int], ...]) -> Schemas:
    def read(path: Path) -> dict:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_SAFE)  # libyaml: a tenth of the time, same data

    parts = {p.stem: read(p) for p in sorted((SCHEMA_DIR / "parts").glob("*.yaml"))}
    return Schemas(read(SCHEMA_DIR / "org.yaml"), read(SCHEMA_DIR / "plan.yaml"), parts)


def _without_meta(rules: Any) -> Any:
    """The schema minus `meta` (descriptions for docs and the JSON Schema): Cerberus would
    dispatch the no-op rule on every field of every plan, about a third of its time."""
    if isinstance(rules, dict):
        return {k: _without_meta(v) for k, v in rules.items() if k != "meta"}
    return rules


@lru_cache(maxsize=3)  # org, plan and faq-file
def _build_validator(kind: str, s: Schemas) -> PlanValidator:
    # Building a validator costs milliseconds (schema checks); build each once and reuse it.
    s = Schemas(_without_meta(s.org), _without_meta(s.plan),
                {name: _without_meta(part) for name, part in s.parts.items()})
    registry = cerberus.schema_registry.__class__()
    for name, part in s.parts.items():
        registry.add(name, part)
    return PlanValidator(_top(s, kind), schema_registry=registry)


def _top(s: Schemas, kind: str) -> dict:
    """The top-level schema of a kind of file: `org`, `plan`, or a part that describes a
    whole file (`faq-file`: plans/_faq.yaml)."""
    return getattr(s, kind) if kind in ("org", "plan") else s.parts[kind]
