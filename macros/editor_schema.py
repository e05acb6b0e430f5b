"""Is the editor schema a repository wrote still the one this tool exports?

A repository keeps schema/plan.schema.json and schema/org.schema.json (written by
`handbook schema --write`) for its editors' YAML servers. When the tool is upgraded, those files
go stale and the editor shows green where the check fails: the check warns. The tool's own
schema/ folder carries the same files, kept equal to the export by a test, so comparing bytes
with them is the whole check (no export needed: `validate` calls this on every run).
"""
from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import WARNING, Diagnostic

SHIPPED = Path(__file__).resolve().parent.parent / "schema"
FILES = {"plan": "plan.schema.json", "org": "org.schema.json"}


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return os.path.normpath(path)


def stale_editor_schemas(repository_schema: Path, shipped: Path = SHIPPED) -> list[Diagnostic]:
    """A warning for each schema file in `repository_schema` (the schema/ folder beside plans/)
    that differs from the installed tool's; nothing when a file is absent or is the tool's own."""
    found = []
    for name in FILES.values():
        written, ours = repository_schema / name, shipped / name
        if not written.is_file() or not ours.is_file() or written.resolve() == ours.resolve():
            continue
        try:
            same = written.read_bytes() == ours.read_bytes()
        except OSError:
            continue  # unreadable: the editor cannot use it either; nothing to compare
        if not same:
            found.append(Diagnostic(
                _shown(written), 1, 1, WARNING, "editor-schema",
                "differs from the schema of the installed handbook tool: the editor may accept "
                "what the check refuses", "Run handbook schema --write to update it."))
    return found
