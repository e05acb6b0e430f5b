"""Is the editor schema a repository wrote still the one this tool exports?

A repository keeps schema/plan.schema.json and schema/org.schema.json (written by
`handbook schema --write`) for its editors' YAML servers. When the tool is upgraded, those files
go stale and the editor shows green where the check fails: the check warns. The tool's own
schema/ folder carries the same files, kept equal to the export by a test, so comparing bytes
with them is the whole check: `validate` runs it on every check without exporting anything.
"""
from __future__ import annotations

from pathlib import Path

FILES = {"plan": "plan.schema.json", "org": "org.schema.json"}


def stale_editor_schemas(repository_schema: Path, shipped: Path) -> list[Path]:
    """The schema files in `repository_schema` (the schema/ folder beside plans/) that differ
    from the installed tool's in `shipped` (its package data, validate.SCHEMA_DIR); none when a
    file is absent or is the tool's own."""
    stale = []
    for name in FILES.values():
        written, ours = repository_schema / name, shipped / name
        if not written.is_file() or not ours.is_file() or written.resolve() == ours.resolve():
            continue
        try:
            if written.read_bytes() != ours.read_bytes():
                stale.append(written)
        except OSError:
            continue  # unreadable: the editor cannot use it either; nothing to compare
    return stale
