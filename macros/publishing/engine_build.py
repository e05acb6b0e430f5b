"""`handbook build --engine NAME`: the project `handbook render` writes, built by a stock engine
(MkDocs, ProperDocs or Zensical, none of which runs this tool's hook) and published like
`handbook build` (publish_site: atomic swap, the last good site kept on failure).

The project is rendered into a private temporary folder; the engine builds it there with
`--strict` into the site/ beside the config (Zensical refuses a site_dir outside the project)
and the pages are moved into the build folder publish_site swaps in. The theme fixes the hook
makes are applied to every HTML file first.
"""
from __future__ import annotations

import datetime as dt
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Callable

from . import publish_site
from .engines import ENGINES
from .render_site import project_files, write_project
from .theme_fixes import fix_site


def argv(name: str, config: Path) -> list[str]:
    """The engine's strict build of `config` into the site/ folder beside it."""
    return [sys.executable, "-m", ENGINES[name].module, "build", "--strict", "-f", str(config)]


def build_with(name: str, files: dict[str, bytes], env: dict[str, str], folder: Path) -> int:
    """Write the rendered project `files` into a temporary folder, build it with engine `name`
    and move the site into `folder`; the engine's exit code (site untouched on failure)."""
    with tempfile.TemporaryDirectory(prefix="handbook-render-") as work:
        project = Path(work)
        write_project(project, files)
        # Looked up at each call, as cli.py does: a test replaces the child runner there.
        code = publish_site.run_child(argv(name, project / "mkdocs.yml"), env,
                                      stop=signal.SIGTERM)
        built = project / "site"
        if code != 0 or not built.is_dir():
            return code or 1
        fix_site(built)
        for entry in built.iterdir():
            shutil.move(str(entry), str(folder / entry.name))
    return 0


def engine_builder(name: str, plans: Path, today: dt.date, env: dict[str, str]
                   ) -> Callable[[Path], int] | None:
    """The build step publish_site runs for engine `name`: the project rendered now (the plans
    were checked just before), built into the folder it is given. None, with the diagnostics
    printed, when the plans have errors."""
    made = project_files(plans, today)
    if made is None:
        return None
    files = made[0]
    return lambda folder: build_with(name, files, env, folder)
