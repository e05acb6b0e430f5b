"""cli: the `handbook` commands (check, new, init, build, serve, render, diff, ...), on top of
everything else. `macros.cli:main` is the console script's entry point."""
from .commands import main

__all__ = ["main"]
