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
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..core.cache import PLANS_CACHE, folder
from ..core.dates import ENV as TODAY_ENV
from ..core.dates import DateError, resolve_today
from ..core.diagnostics import FORMATS, summary
from ..history.as_of import ENV as AS_OF_ENV
from ..history.as_of import AsOfError, as_of_option, dated_sides, resolve
from ..publishing.engines import ENGINES
from ..publishing.mkdocs_config import docs_dir
from ..core.schemas import format_version, tool_version
from ..core.validate import shown_path

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # what a shell reports for Ctrl-C


def cmd_check(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [Path("plans")]
    cache = folder(PLANS_CACHE)  # outside the repository; None when HANDBOOK_CACHE=off
    result = _check_all(paths, args.today, cache)
    output = FORMATS[args.format](result.diagnostics)
    if output:
        print(output)
    if args.format == "text":
        print(summary(result.diagnostics, result.files), file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_ERRORS


def _check_all(paths: list[Path], today: dt.date, cache: Path | None = None,
               repository: Path | None = None):
    """The plans, then the macro calls of the hand-written pages beside them."""
    from ..publishing.pipeline import check_pages_of, model
    from ..core.validate import check

    result = check(paths, today=today, jobs=os.cpu_count() or 1, cache_dir=cache,
                   repository=repository)
    docs = _docs_beside(paths)
    if docs is not None and result.ok and result.org is not None:
        check_pages_of(result, model(result, today), docs, paths[0])
    return result


def _docs_beside(paths: list[Path]) -> Path | None:
    """The hand-written pages of the handbook whose plans folder is checked: the docs_dir of
    the mkdocs.yml beside it (default docs/). None when the check is given single files."""
    if len(paths) != 1 or not paths[0].is_dir():
        return None
    config = paths[0].resolve().parent / "mkdocs.yml"
    if not config.is_file():
        return None
    try:
        return docs_dir(config)
    except (OSError, UnicodeDecodeError):
        return None


def cmd_schema(args: argparse.Namespace) -> int:
    from ..core.schema_export import schema_text, write_schemas

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


def cmd_render(args: argparse.Namespace) -> int:
    from ..publishing.render_site import render_site

    return render_site(Path(args.plans), Path(args.out), today=args.today)


def cmd_diff(args: argparse.Namespace) -> int:
    from ..history.definition_changes import record_errors
    from ..core.diagnostics import format_text
    from ..history.change_words import plain
    from ..history.diff import diff, notes, read_side
    from ..history.sides import SideError
    from ..history.diff_check import check_errors
    from ..history.diff_text import render
    from ..render.text import visible

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


def cmd_new(args: argparse.Namespace) -> int:
    from .templates import write_template
    from ..core.values import is_slug

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
    from .init import init, name_problem
    from .layout import COPY, NONE, layout_of, next_steps
    from ..core.values import is_slug

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
    from ..render.pages import reference_page

    text = reference_page()
    text = text.split("---\n", 2)[2].lstrip("\n") if text.startswith("---\n") else text
    text_format = args.format or ("text" if sys.stdout.isatty() else "markdown")
    print(_terminal_text(text) if text_format == "text" else text)
    return EXIT_OK


def _terminal_text(markdown: str) -> str:
    """Markdown as a terminal shows it readably: `&#58;` and `&#8212;` as `:` and `—`. An
    entity that decodes to a control character is dropped: a terminal would obey it."""
    import html

    from ..core.yaml_strict import HAZARDS

    return "".join(ch for ch in html.unescape(markdown) if ord(ch) not in HAZARDS)


def cmd_codeowners(args: argparse.Namespace) -> int:
    """CODEOWNERS from the plans: each plan file and its measurements belong to its business
    owner and its owner of the definitions of good; _org.yaml to every sponsor."""
    from ..core.codeowners import codeowners
    from ..core.diagnostics import format_text
    from ..core.validate import check

    result = check([Path(args.plans)], today=args.today)
    if not result.ok or result.org is None:
        print(format_text([d for d in result.diagnostics if d.is_error]), file=sys.stderr)
        return EXIT_ERRORS
    people = {p["id"]: p for p in result.org.data.get("people", [])}
    print(codeowners(people, [doc.data for doc in result.plans], args.plans))
    return EXIT_OK


def _mkdocs(*argv: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *argv]


def cmd_build(args: argparse.Namespace) -> int:
    """Validate, build into a fresh folder, and only then point site/ at it (see
    publish_site: readers never see a missing or half-written site; the last good one stays
    if anything fails)."""
    from ..publishing.engine_build import engine_builder
    from ..publishing.engines import installed, missing_message
    from ..publishing.publish_site import Stopped, build_site, run_child

    if args.engine and not installed(args.engine):
        print(missing_message(args.engine), file=sys.stderr)
        return EXIT_USAGE
    if args.engine and args.as_of is not None:
        print("handbook build: --as-of builds with MkDocs only; leave out --engine",
              file=sys.stderr)
        return EXIT_USAGE
    site = Path(args.site_dir)
    # Material prints its end-of-life notice once, as the child starts (to stderr, not a
    # logged warning: `--strict` does not fail on it); NO_MKDOCS_2_WARNING=1 is the user's.
    # The pages are made in the mkdocs child: it reads the day this check judged.
    env = {**os.environ, TODAY_ENV: args.today.isoformat()}
    env.pop(AS_OF_ENV, None)
    if args.as_of is not None:
        env[AS_OF_ENV] = args.as_of.isoformat()
    # The check runs beside the MkDocs child, which takes a second or two to start: the child
    # is stopped as soon as the check fails, and site/ moves only when both succeed.
    with ThreadPoolExecutor(max_workers=1) as pool:
        checking = pool.submit(_plans_to_build, args)

        def failed() -> bool:
            return checking.done() and checking.result() is None

        def mkdocs_build(folder: Path) -> int:
            # Never -q/-v with --strict: mkdocs then exits 0 on warnings (mkdocs#4126).
            code = run_child(_mkdocs("build", "--strict", "--site-dir", str(folder)), env,
                             stop=signal.SIGTERM, give_up_when=failed)
            return EXIT_ERRORS if checking.result() is None else code

        build = mkdocs_build
        if args.engine:  # the project `handbook render` writes, built by a stock engine
            if checking.result() is None:  # built in this process: after the check
                return EXIT_ERRORS
            build = engine_builder(args.engine, Path("plans"), args.today, env)
            if build is None:
                return EXIT_ERRORS
        try:
            code = build_site(site, build)
        except (KeyboardInterrupt, Stopped):
            print("Build interrupted; site/ left as it was.", file=sys.stderr)
            return EXIT_INTERRUPTED
        files = checking.result()
    if files is None:  # the check said why, and that site/ was left as it was
        return EXIT_ERRORS
    if code != 0:
        print(f"{args.engine or 'mkdocs'} build failed; site/ left as it was.", file=sys.stderr)
        return EXIT_ERRORS
    print(f"Built {site}/ from {files}.", file=sys.stderr)
    return EXIT_OK


def _plans_to_build(args: argparse.Namespace) -> str | None:
    """What `handbook build` builds, in words; None (with the reason printed) when nothing."""
    from ..core.diagnostics import format_text

    if args.as_of is not None:  # a past policy: built whatever today's rules say of it
        try:
            held = resolve(Path("plans"), args.as_of)
        except AsOfError as error:
            print(f"handbook build: {error}", file=sys.stderr)
            return None
        print(f"The policy as it stood on {args.as_of} (commit {held.change.commit[:7]} of "
              f"{held.change.day}).", file=sys.stderr)
        args.today = args.as_of
        return "plans/ as it stood then"
    # The repository is here, where mkdocs.yml is: the hook checks against the same folder.
    result = _check_all([Path("plans")], args.today, repository=Path.cwd())
    if result.diagnostics:
        print(format_text(result.diagnostics), file=sys.stderr)
    if not result.ok:
        print(f"{summary(result.diagnostics, result.files)}; site/ left as it was.",
              file=sys.stderr)
        return None
    return f"{result.files} file(s) in plans/"


def cmd_serve(args: argparse.Namespace) -> int:
    """`mkdocs serve` as a child that dies with this command; Ctrl-C reaches it as SIGINT. An
    edit to the tool's code restarts the child, so the preview runs the code as it is now."""
    from ..publishing.code_watch import CodeWatch, code_folders
    from ..publishing.publish_site import Stopped, run_child

    extra = ["--dev-addr", args.dev_addr] if args.dev_addr else []
    code = CodeWatch(code_folders(Path(__file__).parent.parent, Path.cwd()))  # an edit restarts it
    env = dict(os.environ)  # Material's end-of-life notice shows once, as in cmd_build
    if args.today_given:  # else the preview follows the clock, past midnight too
        env[TODAY_ENV] = args.today.isoformat()
    try:
        # --dirty: rebuild only the pages an edit changed (macros/serve_staging.py).
        return run_child(_mkdocs("serve", "--dirty", *extra), env, stop=signal.SIGINT,
                         restart_when=code.changed)
    except (KeyboardInterrupt, Stopped):
        return EXIT_OK  # stopping the preview is how it ends


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
    check.set_defaults(run=cmd_check)

    schema = sub.add_parser("schema", help="print the JSON Schema (draft 2020-12) for editors")
    schema.add_argument("--kind", choices=["plan", "org"], default="plan",
                        help="which schema to print: a plan file's or plans/_org.yaml's")
    schema.add_argument("--write", nargs="?", const="", metavar="DIR",
                        help="write plan.schema.json and org.schema.json into DIR "
                             "(default: schema/, beside plans/) instead of printing")
    schema.set_defaults(run=cmd_schema)

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
    diff.set_defaults(run=cmd_diff)

    new = sub.add_parser("new", help="scaffold a plan from a seed template")
    new.add_argument("--template", required=True,
                     choices=["minimum", "phased", "rapid", "organic", "read-only"])
    new.add_argument("id", metavar="ID")
    new.add_argument("--plans", default="plans")
    new.set_defaults(run=cmd_new)

    start = sub.add_parser("init", help="start a new organisation's handbook in plans/")
    start.add_argument("--name", required=True, help="the organisation's name")
    start.add_argument("--plan", metavar="ID", help="also scaffold a first plan with this id")
    start.add_argument("--template", default="minimum",
                       choices=["minimum", "phased", "rapid", "organic", "read-only"])
    start.add_argument("--plans", default="plans")
    start.set_defaults(run=cmd_init)

    reference = sub.add_parser("reference", help="print the plan format reference")
    reference.add_argument("--format", choices=["text", "markdown"],
                           help="text (entities decoded; the default for a terminal) or "
                                "markdown, the published page (the default otherwise)")
    reference.set_defaults(run=cmd_reference)

    owners = sub.add_parser("codeowners", help="print a CODEOWNERS file from plan owners")
    owners.add_argument("--plans", default="plans")
    _today_option(owners)
    owners.set_defaults(run=cmd_codeowners)

    render = sub.add_parser("render", help="write a handbook project (DIR/mkdocs.yml, DIR/docs/) "
                            "that MkDocs or Zensical builds as it is")
    render.add_argument("out", metavar="DIR")
    render.add_argument("--plans", default="plans")
    _today_option(render)
    render.set_defaults(run=cmd_render)

    build = sub.add_parser("build", help="check, then build site/ atomically")
    build.add_argument("--site-dir", default="site")
    build.add_argument("--engine", choices=sorted(ENGINES),
                       help="build the project `handbook render` writes with this engine "
                            "(default: MkDocs with this tool's hook or plugin, as always)")
    _today_option(build)
    build.add_argument("--as-of", metavar="YYYY-MM-DD",
                       help="build the plans as they stood on this day (the last commit on or "
                            "before it), judged on it; every page says it is a past policy")
    build.set_defaults(run=cmd_build)

    serve = sub.add_parser("serve", help="live preview")
    serve.add_argument("--dev-addr", metavar="IP:PORT")
    _today_option(serve)
    serve.set_defaults(run=cmd_serve)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "as_of", None) is not None:
        try:
            args.as_of = as_of_option(args.as_of, args.today)
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
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
