"""A build session: what one process running the pipeline remembers between runs.

The adapter that runs the pipeline owns it — the MkDocs hook or plugin (one per `mkdocs build`
or `mkdocs serve` process), `handbook render` — and opens it with `open_session`, so that the
macros module, which its engine loads apart from the adapter, finds the same handbook through
`active()` (macros/main.py: page_fragments). The session holds the latest run and the last good
one (serve keeps showing that while a plan is broken) and whatever a run may reuse from the
previous one. A code edit restarts the serve process (macros/code_watch.py), so a session
never outlives the code that made it.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..render.chart_cache import Later, drawn_later
from .pipeline import Site, run
from .serve_staging import Compiled, Signal, Staging


@dataclass
class BuildSession:
    """`mode` is MkDocs' command: "build" (always complete) or "serve" (a preview)."""

    mode: str = "build"
    dirty: bool = False  # `mkdocs serve --dirty`: rebuild only pages whose source changed
    latest: Site | None = None
    good: Site | None = None
    staging: Staging | None = None  # the generated pages as files, under serve --dirty
    signal: Signal | None = None  # under serve: makes serve rebuild when later work is done
    later: Later | None = None  # where charts missing from the cache are drawn
    templates: Compiled | None = None  # under serve: the theme's templates, compiled once

    def __post_init__(self) -> None:
        if self.mode == "serve" and self.later is None:
            self.signal = Signal()
            self.later = Later(self.signal.rebuild)
            self.templates = Compiled()
        elif self.later is None:  # a build: charts drawn on every core while pages render
            self.later = Later(processes=os.cpu_count() or 1)

    @contextlib.contextmanager
    def drawing(self) -> Iterator[None]:
        """A run inside this block leaves missing charts to `later`: the background under
        serve; under a build, processes it waits for before it hands the pages over."""
        with drawn_later(self.later):
            yield

    def run(self, plans_dir: Path, today: dt.date | None = None,
            docs_dir: Path | None = None) -> Site:
        """Run the pipeline and remember the result (and it as the last good one if it is).
        A serve rebuild reuses what the last good run rendered; a build renders everything."""
        with self.drawing():
            return self.remember(run(plans_dir, today, docs_dir, self.reusable(),
                                     self.edited_first))

    @property
    def charts_follow(self) -> bool:
        """A build hands MkDocs the pages that wait for a chart as it draws them (MkDocs
        converts the others meanwhile); serve shows a note and rebuilds."""
        return self.mode != "serve"

    @property
    def edited_first(self) -> bool:
        """A serve rebuild shows edited plans before the pages that list them."""
        return self.mode == "serve"

    def reusable(self) -> Site | None:
        """The run a serve rebuild may reuse pages from (none for a build)."""
        return self.good if self.mode == "serve" else None

    def remember(self, site: Site) -> Site:
        """Keep `site` as the latest run (and as the last good one if it is)."""
        self.latest = site
        if site.ok:
            self.good = site
        return site

    @property
    def staged(self) -> bool:
        return self.mode == "serve" and self.dirty

    def shown(self) -> Site | None:
        """What the pages show: the latest run when its plans are good, else the last good."""
        return self.latest if self.latest is not None and self.latest.ok else self.good


_active: list[BuildSession] = []  # the one the adapter opened; a pointer, not build state


def open_session(session: BuildSession) -> BuildSession:
    """Make `session` the one the macros read (an adapter calls this once per process)."""
    _active[:] = [session]
    return session


def active() -> BuildSession | None:
    """The session the adapter opened, or None when no adapter ran the pipeline."""
    return _active[0] if _active else None
