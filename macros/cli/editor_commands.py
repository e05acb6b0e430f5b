"""`handbook new`, `init`, `schema` and `reference`: what an editor starts from and reads."""
from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

from ..core.schema_export import schema_text, write_schemas
from ..core.validate import shown_path
from ..core.values import is_slug
from ..core.yaml_strict import HAZARDS
from ..render.pages import reference_page
from .exits import EXIT_ERRORS, EXIT_OK, EXIT_USAGE
from .init import init, name_problem
from .layout import COPY, NONE, layout_of, next_steps
from .templates import write_template


def cmd_schema(args: argparse.Namespace) -> int:
    if args.write is None:
        sys.stdout.write(schema_text(args.kind))
        return EXIT_OK
    # The repository's schema/ sits beside plans/: where `handbook new` points the modeline.
    folder = Path(args.write) if args.write else Path("schema")
    try:
        written = write_schemas(folder)
    except OSError as error:
        print(f"handbook schema: cannot write {folder}/: {error.strerror}", file=sys.stderr)
        return EXIT_ERRORS
    for path, changed in written:
        print(f"Wrote {path}" if changed else f"{path} unchanged", file=sys.stderr)
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    if not is_slug(args.id):
        print(f"handbook new: '{args.id}' is not an id (lowercase letters, digits, hyphens)",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        path = write_template(args.template, args.id, Path(args.plans))
    except FileExistsError:
        print(f"handbook new: {args.plans}/{args.id}.yaml exists; it was not overwritten",
              file=sys.stderr)
        return EXIT_ERRORS
    print(f"Wrote {path}. Replace every TODO(...) value, then run: handbook check {path}",
          file=sys.stderr)
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    """Start a new organisation's handbook: examples out, an _org.yaml skeleton in, and what
    its layout needs beside plans/."""

    if args.plan and not is_slug(args.plan):
        print(f"handbook init: '{args.plan}' is not an id (lowercase letters, digits, hyphens)",
              file=sys.stderr)
        return EXIT_USAGE
    name = args.name.strip()
    if name_problem(name):
        print(f"handbook init: {name_problem(name)}", file=sys.stderr)
        return EXIT_USAGE
    plans = Path(args.plans)
    root = plans.resolve().parent  # where mkdocs.yml is, or would be
    layout = layout_of(root)
    try:
        outcome = init(plans, name, args.plan, args.template,
                       config=root / "mkdocs.yml" if layout == NONE else None,
                       schema_dir=None if layout == COPY else root / "schema",
                       gitignore=root / ".gitignore")
    except OSError as error:
        print(f"handbook init: cannot write {error.filename or 'a file'}: {error.strerror}",
              file=sys.stderr)
        return EXIT_ERRORS
    if outcome.refused:
        print(f"handbook init: {outcome.refused}", file=sys.stderr)
        return EXIT_ERRORS
    for path in outcome.removed:
        print(f"removed  {shown_path(path)}  (an example shipped with the tool, unedited)")
    for path in outcome.kept:
        print(f"kept     {shown_path(path)}  (not a shipped example: yours, or an edited example)")
    for path, why in outcome.skipped:
        print(f"skipped  {shown_path(path)}  ({why})")
    for path in outcome.written:
        added = f"  (added {', '.join(outcome.ignored)})" if path.name == ".gitignore" else ""
        print(f"wrote    {shown_path(path)}{added}")
    for path in outcome.unchanged:
        print(f"kept     {shown_path(path)}  (already this tool's)")
    print(next_steps(layout, root), file=sys.stderr)
    return EXIT_OK


def cmd_reference(args: argparse.Namespace) -> int:
    """The plan format reference: the page the handbook publishes, as Markdown; for a terminal
    (the default when stdout is one) the same text with its HTML entities decoded."""

    text = reference_page()
    text = text.split("---\n", 2)[2].lstrip("\n") if text.startswith("---\n") else text
    text_format = args.format or ("text" if sys.stdout.isatty() else "markdown")
    print(_terminal_text(text) if text_format == "text" else text)
    return EXIT_OK


def _terminal_text(markdown: str) -> str:
    """Markdown as a terminal shows it readably: `&#58;` and `&#8212;` as `:` and `—`. An
    entity that decodes to a control character is dropped: a terminal would obey it."""


    return "".join(ch for ch in html.unescape(markdown) if ord(ch) not in HAZARDS)
