"""Charts kept in the tool's cache, and, under `handbook serve`, drawn off the edit's path.

matplotlib takes ~50 ms a chart, most of a cold build's own time: each drawn chart is kept
under a hash of everything it is drawn from, so a rebuild redraws only charts whose data
changed. Inside `drawn_later(later)` a chart not in the cache is left to `later` and the page
shows a note in its place. Under serve, `later` draws it on a background thread and then asks
serve to rebuild (publishing/hook.py); such a page is never reused by the next rebuild
(render/incremental.py looks for PENDING). A build is always complete: its `later` draws in
one process per core, and render_pages waits for them (`drawn()`) and renders the pages that
showed a note again before any page is handed over; or, in a MkDocs build, MkDocs converts
the pages with their notes, and each chart goes into the page's HTML in its note's place
(`with_charts`) in MkDocs' second pass over the pages.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import hashlib
import logging
import os
import re
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from contextvars import ContextVar
from pathlib import Path
from typing import Callable, Iterator

from ..core import cache
from ..model.model import Plan

# A folder of the tool's own cache (macros/core/cache.py), outside the repository.
CACHE_DIR = "charts"
PURPOSE = "chart-svg-v2"
PENDING = "chart-pending"  # the class of the note that stands in for a chart being drawn
_SAYS = "This chart is being drawn; the page shows it in a moment."
# A note names its chart (the name of the chart's entry in the cache): `with_charts` puts each
# chart in its note's place once it is drawn.
NOTE = re.compile(f'<p class="{PENDING}" data-chart="([0-9a-f]{{64}})">{re.escape(_SAYS)}</p>')


def note(name: str) -> str:
    return f'<p class="{PENDING}" data-chart="{name}">{_SAYS}</p>'

_DRAWING = threading.Lock()  # pyplot is not thread-safe: one chart at a time, whichever thread


class Later:
    """Charts left to a pool: one background thread under serve (`ready()` runs each time the
    queue empties), or, for a build, as many processes as the machine has cores, which the
    build waits for (`wait()`) before it renders the pages that showed a note again. A pool
    runs the public chart function, which draws and stores in the cache itself (its context
    has no `Later`): the page's next render finds the chart there."""

    def __init__(self, ready: Callable[[], None] = lambda: None, processes: int = 0) -> None:
        self._ready = ready
        self._processes = processes
        self._pool: Executor | None = None  # made on the first chart: a warm build has none
        self._queued: dict[Path, Future] = {}
        self._taken: list[Future] = []  # every chart queued, in order: see mark()
        self._failed: set[Path] = set()  # drawn in the page's own run next time: errors show
        self._lock = threading.Lock()

    def take(self, path: Path, chart: Callable[..., str], *args) -> bool:
        """Queue `chart(*args)` for `path`; False when this chart must be drawn now instead."""
        with self._lock:
            if path in self._failed:
                return False
            if path in self._queued:
                return True
            try:
                future = self._queued[path] = self._executor().submit(chart, *args)
                self._taken.append(future)
            except (RuntimeError, OSError):  # no process can start (a broken pool): draw now
                self._failed.add(path)
                return False
        # Outside the lock: a future already done runs the callback here, and it locks.
        future.add_done_callback(functools.partial(self._done, path))
        return True

    def _executor(self) -> Executor:
        if self._pool is None:
            # spawn: MkDocs or serve may run threads, which a forked child could deadlock on.
            self._pool = ProcessPoolExecutor(self._processes, get_context("spawn"),
                                             initializer=_behind_the_build) \
                if self._processes else ThreadPoolExecutor(1, "handbook-charts")
        return self._pool

    def _done(self, path: Path, future: Future) -> None:
        if future.exception() is not None:  # the page's next render draws it, and reports
            logging.getLogger(__name__).debug("chart %s failed in the background", path,
                                              exc_info=future.exception())
        with self._lock:
            if future.exception() is not None:
                self._failed.add(path)
            self._queued.pop(path, None)
            done = not self._queued
        if done:
            self._ready()

    def wait(self) -> bool:
        """For a build: wait until every queued chart is drawn; False when none was queued."""
        with self._lock:
            futures = list(self._queued.values())
        concurrent.futures.wait(futures)
        return bool(futures)

    def mark(self) -> int:
        """How many charts were queued so far: a page rendered just now waits for no others."""
        with self._lock:
            return len(self._taken)

    def wait_until(self, mark: int) -> None:
        """For a build: wait until the first `mark` charts queued are drawn (or failed)."""
        with self._lock:
            futures = self._taken[:mark]
        concurrent.futures.wait(futures)

    @property
    def waits(self) -> bool:
        return self._processes > 0


def _behind_the_build() -> None:
    """A chart process yields the core to the build that waits for it."""
    os.nice(10)


_LATER: ContextVar[Later | None] = ContextVar("handbook_charts_later", default=None)


@contextlib.contextmanager
def drawn_later(later: Later | None) -> Iterator[None]:
    """Within this block, charts missing from the cache are left to `later` (None: drawn now)."""
    token = _LATER.set(later)
    try:
        yield
    finally:
        _LATER.reset(token)


def building_later() -> Later | None:
    """The processes of a build that draw the charts missing from the cache, if any."""
    later = _LATER.get()
    return later if later is not None and later.waits else None


def drawn() -> bool:
    """In a build whose charts are drawn in parallel processes: wait for them, True when any
    was (the pages that showed a note are then rendered again). False under serve."""
    later = building_later()
    return later is not None and later.wait()


def _store(path: Path, svg: str) -> None:
    cache.write(path, PURPOSE, svg.encode("utf-8"))


def cached(shows: Callable[..., bool]):
    """Keep each drawn chart under a hash of everything it is drawn from (the plan's data, today's
    date, the tool's code and matplotlib's version: cache.tool_key). The SVG is inlined into
    pages, so an entry is used only when its seal verifies (macros/core/cache.py): a planted
    file is redrawn over. `shows(plan, *args)` says, without drawing, whether there is a
    chart: a page never waits, nor holds a note, for one that turns out empty."""
    return functools.partial(_cached, shows=shows)


def _cached(draw, shows: Callable[..., bool]):
    def locked(plan: Plan, *args) -> str:
        with _DRAWING:
            return draw(plan, *args)

    @functools.wraps(draw)
    def chart(plan: Plan, *args):
        if not shows(plan, *args):
            return ""
        folder = cache.folder(CACHE_DIR)
        if folder is None:
            return locked(plan, *args)
        inputs = repr((draw.__name__, cache.tool_key().hex(), plan.today, plan.title, plan.stages,
                       plan.decisions, plan.monitors, plan.series_key, args))
        path = folder / (hashlib.sha256(inputs.encode()).hexdigest() + ".svg")
        stored = _stored(path)
        if stored is not None:
            return stored
        later = _LATER.get()
        if later is not None and later.take(path, chart, plan, *args):
            return note(path.stem)
        svg = locked(plan, *args)
        _store(path, svg)
        return svg

    return chart


def _stored(path: Path) -> str | None:
    """The chart kept at `path`, if its seal verifies and it is text."""
    stored = cache.read(path, PURPOSE)
    try:
        return stored.decode("utf-8") if stored is not None else None
    except UnicodeDecodeError:
        return None


def charts_of(text: str) -> dict[str, str] | None:
    """The chart of each note in `text`, drawn since, by name; None when one is missing."""
    folder = cache.folder(CACHE_DIR)
    charts = {name: _stored(folder / f"{name}.svg") if folder else None
              for name in NOTE.findall(text)}
    return None if None in charts.values() else charts  # type: ignore[return-value]


def with_charts(text: str, charts: dict[str, str]) -> str:
    """`text` (a page, or its HTML) with each note of `charts` replaced by its chart."""
    return NOTE.sub(lambda found: charts.get(found.group(1), found.group()), text)
