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
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..core import cache
from ..render.chart_cache import Later, drawn_later
from ..render.incremental import Rendered
from ..render.search import INDEX_PATH
from .pipeline import Site, run
from .serve_staging import Compiled, ListedOnce, Signal, Staging


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
    listing: ListedOnce | None = None  # under serve: the theme's files, matched once

    def __post_init__(self) -> None:
        if self.mode == "serve" and self.later is None:
            self.signal = Signal()
            self.later = Later(self.signal.rebuild)
            self.templates = Compiled()
            self.listing = ListedOnce()
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
        A run reuses the pages of `reusable` whose inputs did not change."""
        with self.drawing():
            return self.remember(run(plans_dir, today, docs_dir, self.reusable(plans_dir),
                                     self.edited_first))

    @property
    def charts_follow(self) -> bool:
        """A build hands MkDocs the pages that wait for a chart with a note in its place, and
        the chart goes into the page's HTML in MkDocs' second pass over the pages (hook:
        on_page_context): MkDocs converts every page while the charts are drawn. Serve shows
        the note and rebuilds."""
        return self.mode != "serve"

    @property
    def edited_first(self) -> bool:
        """A serve rebuild shows edited plans before the pages that list them."""
        return self.mode == "serve"

    def reusable(self, plans_dir: Path) -> Site | None:
        """The run whose unchanged pages a run may reuse: under serve the last good one; for a
        build the last complete build of these plans, kept in the tool's cache (`keep`)."""
        if self.mode == "serve":
            return self.good
        stored = cache.read(path, KEPT) if (path := _kept_build(plans_dir)) else None
        try:
            kept = json.loads(stored) if stored is not None else None
            if not kept or kept["tool"] != cache.tool_key().hex():
                return None  # none kept, or by another version of the tool
            rendered, index = Rendered.restored(kept["rendered"]), kept["index"]
        except (ValueError, TypeError, KeyError):
            return None
        if rendered is None:
            return None
        return Site([], rendered=rendered,
                    assets={INDEX_PATH: index} if isinstance(index, str) else {})

    def keep(self, plans_dir: Path) -> None:
        """Keep the latest build's final pages for the next build of these plans (a build
        renders only what changed since; the result is the same as rendering every page)."""
        site, path = self.latest, _kept_build(plans_dir)
        if self.mode == "serve" or path is None or site is None or site.rendered is None:
            return
        if site.rendered.reused == len(site.rendered.pages):
            return  # every page came from the build kept: it is kept as it was
        if site.rendered.follow is not None:
            site.rendered.follow.pages()  # each finished already, unless MkDocs skipped one
        kept = {"tool": cache.tool_key().hex(), "rendered": site.rendered.stored(),
                "index": site.assets.get(INDEX_PATH)}
        cache.write(path, KEPT, json.dumps(kept, ensure_ascii=False).encode("utf-8"))

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


KEPT = "kept-build-v1"  # the purpose its entries are sealed under (macros/core/cache.py)


def _kept_build(plans_dir: Path) -> Path | None:
    """Where the last build of `plans_dir` is kept: one file a plans folder, in the cache."""
    folder = cache.folder("builds")
    where = hashlib.sha256(str(plans_dir.resolve()).encode("utf-8")).hexdigest()[:32]
    return folder / f"{where}.json" if folder is not None else None


_active: list[BuildSession] = []  # the one the adapter opened; a pointer, not build state


def open_session(session: BuildSession) -> BuildSession:
    """Make `session` the one the macros read (an adapter calls this once per process)."""
    _active[:] = [session]
    return session


def active() -> BuildSession | None:
    """The session the adapter opened, or None when no adapter ran the pipeline."""
    return _active[0] if _active else None
