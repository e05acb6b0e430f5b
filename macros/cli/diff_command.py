"""`handbook diff`: what a change does to the rules, in plain words (a pull-request comment)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.dates import DateError, resolve_today
from ..core.diagnostics import format_text
from ..history.as_of import AsOfError, dated_sides
from ..history.change_words import plain
from ..history.definition_changes import record_errors
from ..history.diff import diff, notes, read_side
from ..history.diff_check import check_errors
from ..history.diff_text import render
from ..history.sides import SideError
from ..render.text import visible
from .exits import EXIT_ERRORS, EXIT_OK, EXIT_USAGE


def cmd_diff(args: argparse.Namespace) -> int:
    labels = {}
    if (args.since is None) == (args.old is None) or (args.until and args.since is None):
        print("handbook diff: give either OLD [NEW] or --since D1 [--until D2]",
              file=sys.stderr)
        return EXIT_USAGE
    if args.since is not None:  # the plans as they stood on two days (see handbook build)
        try:
            (args.old, labels[0]), (args.new, labels[1]) = dated_sides(
                Path("plans"), args.since, args.until, resolve_today())
        except (ValueError, AsOfError) as error:
            print(f"handbook diff: {error}", file=sys.stderr)
            return EXIT_USAGE if isinstance(error, ValueError) else EXIT_ERRORS
    try:
        old, new = read_side(args.old), read_side(args.new)
        old.label, new.label = labels.get(0, old.label), labels.get(1, new.label)
    except SideError as error:  # names from an unchecked revision: no control reaches the terminal
        print(f"handbook diff: {visible(error)}", file=sys.stderr)
        return EXIT_USAGE
    for side in (old, new):
        for note in notes(side):
            print(f"handbook diff: {visible(side.label)}: {plain(note)}", file=sys.stderr)
    changes = diff(old, new)
    # A terminal gets plain text; a pipe or file (a pull-request comment) gets Markdown.
    fmt = args.format or ("text" if sys.stdout.isatty() else "markdown")
    try:  # the check of the new side judges the day every other command judges
        today = resolve_today()
    except DateError as error:
        print(f"handbook diff: {error}", file=sys.stderr)
        return EXIT_USAGE
    errors = check_errors(args.new, today)
    unrecorded = record_errors(changes, old, new, args.new, today)  # definitions_recorded_since
    print(render(fmt, changes, old, new, errors, unrecorded), end="" if fmt == "text" else "\n")
    if unrecorded:
        print(format_text(unrecorded), file=sys.stderr)
        return EXIT_ERRORS
    # Like `git diff --exit-code`: CI can require the approval the comment asks for.
    if args.exit_code and any(c.needs_approval for c in changes):
        return EXIT_ERRORS
    return EXIT_OK
