"""`handbook check` (and `codeowners`, which reads what the check loads): the plans, then the
macro calls of the hand-written pages beside them."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from ..core.cache import PLANS_CACHE, folder
from ..core.codeowners import codeowners
from ..core.diagnostics import FORMATS, format_text, summary
from ..core.validate import check
from ..publishing.mkdocs_config import docs_dir
from .exits import EXIT_ERRORS, EXIT_OK


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
    result = check(paths, today=today, jobs=os.cpu_count() or 1, cache_dir=cache,
                   repository=repository)
    docs = _docs_beside(paths)
    if docs is not None and result.ok and result.org is not None:
        # Only here: pre-commit passes single files, and the check then starts without the
        # pages' code (a third of its start-up).
        from ..publishing.pipeline import check_pages_of, model

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


def cmd_codeowners(args: argparse.Namespace) -> int:
    """CODEOWNERS from the plans: each plan file and its measurements belong to its business
    owner and its owner of the definitions of good; _org.yaml to every sponsor."""

    result = check([Path(args.plans)], today=args.today)
    if not result.ok or result.org is None:
        print(format_text([d for d in result.diagnostics if d.is_error]), file=sys.stderr)
        return EXIT_ERRORS
    people = {p["id"]: p for p in result.org.data.get("people", [])}
    print(codeowners(people, [doc.data for doc in result.plans], args.plans))
    return EXIT_OK
