"""`handbook render`, `build` and `serve`: the site, through an engine, as a child process."""
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
from ..core.diagnostics import format_text, summary
from ..history.as_of import ENV as AS_OF_ENV
from ..history.as_of import AsOfError, resolve
from ..publishing.code_watch import CodeWatch, code_folders
from ..publishing.engine_build import engine_builder
from ..publishing.engines import installed, missing_message
from ..publishing import publish_site  # its functions looked up when called: tests stand in
from ..publishing.render_site import render_site
from .check_command import _check_all
from .exits import EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE


def cmd_render(args: argparse.Namespace) -> int:
    return render_site(Path(args.plans), Path(args.out), today=args.today)


def _mkdocs(*argv: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *argv]


def cmd_build(args: argparse.Namespace) -> int:
    """Validate, build into a fresh folder, and only then point site/ at it (see
    publish_site: readers never see a missing or half-written site; the last good one stays
    if anything fails)."""

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
        if not _policy_held(args.as_of):
            return EXIT_ERRORS
        env[AS_OF_ENV] = args.as_of.isoformat()
    # The check runs beside the MkDocs child, which takes a second or two to start: the child
    # is stopped as soon as the check fails, and site/ moves only when both succeed.
    with ThreadPoolExecutor(max_workers=1) as pool:
        checking = pool.submit(_plans_to_build, args)

        def failed() -> bool:
            return checking.done() and checking.result() is None

        def mkdocs_build(folder: Path) -> int:
            # Never -q/-v with --strict: mkdocs then exits 0 on warnings (mkdocs#4126).
            code = publish_site.run_child(
                _mkdocs("build", "--strict", "--site-dir", str(folder)), env,
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
            code = publish_site.build_site(site, build)
        except (KeyboardInterrupt, publish_site.Stopped):
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


def _policy_held(day: dt.date) -> bool:
    """Whether a policy held on `day`, said in one line either way. Asked before the MkDocs
    child starts (git's log only: milliseconds), so a day with no policy is said once, by this
    process, never again by a child that raced the check."""
    try:
        held = resolve(Path("plans"), day)
    except AsOfError as error:
        print(f"handbook build: {error}", file=sys.stderr)
        return False
    print(f"The policy as it stood on {day} (commit {held.change.commit[:7]} of "
          f"{held.change.day}).", file=sys.stderr)
    return True


def _plans_to_build(args: argparse.Namespace) -> str | None:
    """What `handbook build` builds, in words; None (with the reason printed) when nothing."""

    if args.as_of is not None:  # a past policy (found by cmd_build): built whatever
        args.today = args.as_of   # today's rules say of it
        return "plans/ as it stood then"
    # The repository is here, where mkdocs.yml is: the hook checks against the same folder,
    # with the same content cache (whichever check comes second finds the plans in it).
    result = _check_all([Path("plans")], args.today, folder(PLANS_CACHE), repository=Path.cwd())
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

    extra = ["--dev-addr", args.dev_addr] if args.dev_addr else []
    code = CodeWatch(code_folders(Path(__file__).parent.parent, Path.cwd()))  # an edit restarts it
    env = dict(os.environ)  # Material's end-of-life notice shows once, as in cmd_build
    if args.today_given:  # else the preview follows the clock, past midnight too
        env[TODAY_ENV] = args.today.isoformat()
    try:
        # --dirty: rebuild only the pages an edit changed (macros/serve_staging.py).
        return publish_site.run_child(_mkdocs("serve", "--dirty", *extra), env,
                                      stop=signal.SIGINT, restart_when=code.changed)
    except (KeyboardInterrupt, publish_site.Stopped):
        return EXIT_OK  # stopping the preview is how it ends
