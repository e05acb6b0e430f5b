"""`handbook`: the command governance editors and the Makefile run.

check   validate plans, print every problem (text, github or json), exit 1 on any error
diff    what a change does to the rules, in plain words (for pull-request comments)
new     scaffold plans/<id>.yaml from a seed template, with TODO(...) values to fill in
init    start a new organisation: remove the shipped examples, write a _org.yaml skeleton
reference  print the plan format reference (the same page the handbook publishes)
codeowners  a CODEOWNERS file from the plans' owners
schema  print the JSON Schema for editors, generated from schema/
render  write a whole handbook project (mkdocs.yml, docs/) any MkDocs-like engine builds
build   check, then `mkdocs build --strict` into a fresh folder; site/ points at it only on
        success (--engine mkdocs|properdocs|zensical: the rendered project, by that engine)
serve   `mkdocs serve`; broken plans show their errors in the page
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from importlib import import_module

from ..core.dates import ENV as TODAY_ENV
from ..core.dates import DateError, resolve_today
from ..core.diagnostics import FORMATS
from ..core.schemas import format_version, tool_version
from ..core.values import parse_date
from ..publishing.engines import ENGINES
from .exits import EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

__all__ = ["EXIT_ERRORS", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main", "parser"]

# Each command's code is imported when the command runs ("module.function" below): `handbook
# check`, which pre-commit runs on every commit, starts without the site's and the history's.


def _as_of_day(value: str, today: str | None) -> dt.date:
    """The day of `--as-of`; ValueError (a usage error, one line) when it is no date or comes
    with `--today` (a past policy is judged on its own day)."""
    if today is not None:
        raise ValueError("--as-of and --today cannot be used together: --as-of D judges the "
                         "plans of D on D; --today D judges today's plans on D")
    day = parse_date(value.strip())
    if day is None:
        raise ValueError(f"--as-of is {value!r}, not a date written YYYY-MM-DD")
    return day


def _today_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--today", metavar="YYYY-MM-DD",
                         help=f"judge and show the plans as on this day (default: ${TODAY_ENV} "
                              "if set, else the system date)")


# Over 60 lines: every command's arguments, declared in one place as `--help` lists them.
def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="handbook", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument("--version", action="version",
                     version=f"handbook {tool_version()} (plan format {format_version()})",
                     help="print the tool's version and the plan format it reads")
    sub = top.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate plans and print every problem")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (plans/)")
    check.add_argument("--format", choices=sorted(FORMATS), default="text")
    _today_option(check)
    check.set_defaults(run="check_command.cmd_check")

    schema = sub.add_parser("schema", help="print the JSON Schema (draft 2020-12) for editors")
    schema.add_argument("--kind", choices=["plan", "org"], default="plan",
                        help="which schema to print: a plan file's or plans/_org.yaml's")
    schema.add_argument("--write", nargs="?", const="", metavar="DIR",
                        help="write plan.schema.json and org.schema.json into DIR "
                             "(default: schema/, beside plans/) instead of printing")
    schema.set_defaults(run="editor_commands.cmd_schema")

    diff = sub.add_parser("diff", help="what a change does to the rules, in plain words")
    diff.add_argument("old", metavar="OLD", nargs="?",
                      help="plan file, folder, or git revision (or give --since)")
    diff.add_argument("new", metavar="NEW", nargs="?", default="plans",
                      help="plan file, folder, or git revision (default: plans/)")
    diff.add_argument("--format", choices=["text", "markdown", "json"], default=None,
                      help="text (the default on a terminal), markdown (the default otherwise: "
                           "a pull-request comment) or json")
    diff.add_argument("--since", metavar="D1", help="compare the plans as they stood on D1 "
                      "(YYYY-MM-DD; the commit `handbook build --as-of` would show) ...")
    diff.add_argument("--until", metavar="D2", help="... with those of D2 (default: today)")
    diff.add_argument("--exit-code", action="store_true",
                      help="exit 1 when any change needs approval, else 0")
    diff.set_defaults(run="diff_command.cmd_diff")

    new = sub.add_parser("new", help="scaffold a plan from a seed template")
    new.add_argument("--template", required=True,
                     choices=["minimum", "phased", "rapid", "organic", "read-only"])
    new.add_argument("id", metavar="ID")
    new.add_argument("--plans", default="plans")
    new.set_defaults(run="editor_commands.cmd_new")

    start = sub.add_parser("init", help="start a new organisation's handbook in plans/")
    start.add_argument("--name", required=True, help="the organisation's name")
    start.add_argument("--plan", metavar="ID", help="also scaffold a first plan with this id")
    start.add_argument("--template", default="minimum",
                       choices=["minimum", "phased", "rapid", "organic", "read-only"])
    start.add_argument("--plans", default="plans")
    start.set_defaults(run="editor_commands.cmd_init")

    reference = sub.add_parser("reference", help="print the plan format reference")
    reference.add_argument("--format", choices=["text", "markdown"],
                           help="text (entities decoded; the default for a terminal) or "
                                "markdown, the published page (the default otherwise)")
    reference.set_defaults(run="editor_commands.cmd_reference")

    owners = sub.add_parser("codeowners", help="print a CODEOWNERS file from plan owners")
    owners.add_argument("--plans", default="plans")
    _today_option(owners)
    owners.set_defaults(run="check_command.cmd_codeowners")

    render = sub.add_parser("render", help="write a handbook project (DIR/mkdocs.yml, DIR/docs/) "
                            "that MkDocs or Zensical builds as it is")
    render.add_argument("out", metavar="DIR")
    render.add_argument("--plans", default="plans")
    _today_option(render)
    render.set_defaults(run="site_commands.cmd_render")

    build = sub.add_parser("build", help="check, then build site/ atomically")
    build.add_argument("--site-dir", default="site")
    build.add_argument("--engine", choices=sorted(ENGINES),
                       help="build the project `handbook render` writes with this engine "
                            "(default: MkDocs with this tool's hook or plugin, as always)")
    _today_option(build)
    build.add_argument("--as-of", metavar="YYYY-MM-DD",
                       help="build the plans as they stood on this day (the last commit on or "
                            "before it), judged on it; every page says it is a past policy")
    build.set_defaults(run="site_commands.cmd_build")

    serve = sub.add_parser("serve", help="live preview")
    serve.add_argument("--dev-addr", metavar="IP:PORT")
    _today_option(serve)
    serve.set_defaults(run="site_commands.cmd_serve")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "as_of", None) is not None:
        try:
            args.as_of = _as_of_day(args.as_of, args.today)
        except ValueError as error:
            print(f"handbook {args.command}: {error}", file=sys.stderr)
            return EXIT_USAGE
    if hasattr(args, "today"):
        # One day for the whole command: --today, else $HANDBOOK_TODAY, else the clock.
        args.today_given = args.today is not None or bool(os.environ.get(TODAY_ENV, "").strip())
        try:
            args.today = resolve_today(args.today)
        except DateError as error:
            print(f"handbook {args.command}: {error}", file=sys.stderr)
            return EXIT_USAGE
    module, command = args.run.split(".")
    return getattr(import_module(f".{module}", __package__), command)(args)


if __name__ == "__main__":
    sys.exit(main())
