"""The engines `handbook build --engine NAME` can run on the project `handbook render` writes,
and the pip extra of this package that installs each. Read when the command line is parsed, so
nothing heavy is imported here (engine_build.py builds).
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class Engine:
    name: str
    module: str  # run as `python -m <module>`, from the Python running this command
    extra: str  # the pip extra of this package that installs it ("" when always installed)


ENGINES = {engine.name: engine for engine in [
    Engine("mkdocs", "mkdocs", ""),
    Engine("properdocs", "properdocs", "properdocs"),
    Engine("zensical", "zensical", "zensical"),
]}


def installed(name: str) -> bool:
    return importlib.util.find_spec(ENGINES[name].module) is not None


def missing_message(name: str) -> str:
    """One line: the engine is not installed, and the pip command that installs it."""
    return (f"handbook build: {name} is not installed; install it with: "
            f"pip install 'rollout-handbook[{ENGINES[name].extra}]'")
