"""The sub-packages keep the pipeline's layers (pyproject.toml [tool.importlinter]): core imports
nothing above it, model never imports render or history, render never imports history, and
nothing below publishing imports an engine. lint-imports reads every import, function-local ones
included, so a cycle cannot be hidden inside a function either.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    # PYTHONPATH first: the copy's `macros` wins over the editable install's.
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo",
                           "--config", str(root / "pyproject.toml")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_the_layers_hold():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(("module", "breach", "reported"), [
    ("core/values.py", "from macros.model import model", "macros.core.values -> macros.model"),
    ("model/staleness.py", "from macros.render import text",
     "macros.model.staleness -> macros.render.text"),
    ("model/staleness.py", "from macros.history import listdiff",
     "macros.model.staleness -> macros.history.listdiff"),
    ("render/sentences.py", "from macros.history import listdiff",
     "macros.render.sentences -> macros.history.listdiff"),
    ("render/sentences.py", "from macros.publishing import pipeline",
     "macros.render.sentences -> macros.publishing.pipeline"),
    ("history/listdiff.py", "import mkdocs", "macros.history.listdiff -> mkdocs"),
])
def test_an_import_across_the_layers_fails(tmp_path: Path, module: str, breach: str,
                                           reported: str):
    """The contracts can fail: one import that breaks a rule, added to a copy, is reported."""
    shutil.copytree(ROOT / "macros", tmp_path / "macros",
                    ignore=shutil.ignore_patterns("__pycache__", "schema", "site"))
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert lint_imports(tmp_path).returncode == 0  # the copy alone holds
    target = tmp_path / "macros" / module
    # Inside a function, as a dodge would put it: still an import.
    target.write_text(target.read_text(encoding="utf-8")
                      + f"\n\ndef _breach():\n    {breach}\n", encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert reported in done.stdout, done.stdout


def test_the_documented_hook_file_and_the_plugin_offer_every_hook_event():
    """`hooks: [macros/publish.py]` and `plugins: [handbook]` are thin: each passes on every
    event publishing/hook.py handles (a missing one is silently never called by MkDocs)."""
    import inspect

    import macros.publish
    from macros.publishing import hook
    from macros.publishing.plugin import HandbookPlugin

    events = {name for name, _ in inspect.getmembers(hook, inspect.isfunction)
              if name.startswith("on_") and _.__module__ == hook.__name__}
    assert "on_serve" in events
    assert events <= set(vars(macros.publish))
    assert events <= {name for name in vars(HandbookPlugin) if name.startswith("on_")}
