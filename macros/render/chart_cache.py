"""Charts kept in the tool's cache, and, under `handbook serve`, drawn off the edit's path.

matplotlib takes ~50 ms a chart, most of a cold build's own time: each drawn chart is kept
under a hash of everything it is drawn from, so a rebuild redraws only charts whose data
changed. A preview does not wait even for those: inside `drawn_later(later)` a chart not in the
cache is left to `later`, which draws it on a background thread and then asks serve to rebuild
(publishing/hook.py), and the page shows a note in its place meanwhile. Such a page is never
reused by the next rebuild (render/incremental.py looks for PENDING). A `build` is always
complete: it never enters `drawn_later`.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from pathlib import Path
from typing import Callable, Iterator

from ..core import cache
from ..model.model import Plan

# A folder of the tool's own cache (macros/core/cache.py), outside the repository.
CACHE_DIR = "charts"
PURPOSE = "chart-svg-v2"
PENDING = "chart-pending"  # the class of the note that stands in for a chart being drawn
NOTE = f'<p class="{PENDING}">This chart is being drawn; the page shows it in a moment.</p>'

_DRAWING = threading.Lock()  # pyplot is not thread-safe: one chart at a time, whichever thread


class Later:
    """Charts left to draw on one background thread; `ready()` runs once the queue is empty."""

    def __init__(self, ready: Callable[[], None]) -> None:
        self._ready = ready
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="handbook-charts")
        self._queued: set[Path] = set()
        self._failed: set[Path] = set()  # drawn in the page's own run next time: errors show
        self._lock = threading.Lock()

    def take(self, path: Path, draw: Callable[[], str]) -> bool:
        """Queue `draw` for `path`; False when this chart must be drawn now instead."""
        with self._lock:
            if path in self._failed:
                return False
            if path not in self._queued:
                self._queued.add(path)
                self._pool.submit(self._draw, path, draw)
        return True

    def _draw(self, path: Path, draw: Callable[[], str]) -> None:
        try:
            _store(path, draw())
        except Exception:  # noqa: BLE001 — the next rebuild draws it in the open and reports
            logging.getLogger(__name__).debug("chart %s failed in the background", path,
                                              exc_info=True)
            with self._lock:
                self._failed.add(path)
        with self._lock:
            self._queued.discard(path)
            done = not self._queued
        if done:
            self._ready()


_LATER: ContextVar[Later | None] = ContextVar("handbook_charts_later", default=None)


@contextlib.contextmanager
def drawn_later(later: Later | None) -> Iterator[None]:
    """Within this block, charts missing from the cache are left to `later` (None: drawn now)."""
    token = _LATER.set(later)
    try:
        yield
    finally:
        _LATER.reset(token)


def _store(path: Path, svg: str) -> None:
    cache.write(path, PURPOSE, svg.encode("utf-8"))


def cached(draw):
    """Keep each drawn chart under a hash of everything it is drawn from (the plan's data, today's
    date, the tool's code and matplotlib's version: cache.tool_key). The SVG is inlined into
    pages, so an entry is used only when its seal verifies (macros/core/cache.py): a planted
    file is redrawn over."""

    def locked(plan: Plan, *args) -> str:
        with _DRAWING:
            return draw(plan, *args)

    @functools.wraps(draw)
    def chart(plan: Plan, *args):
        folder = cache.folder(CACHE_DIR)
        if folder is None:
            return locked(plan, *args)
        inputs = repr((draw.__name__, cache.tool_key().hex(), plan.today, plan.title, plan.stages,
                       plan.decisions, plan.monitors, plan.series_key, args))
        path = folder / (hashlib.sha256(inputs.encode()).hexdigest() + ".svg")
        stored = cache.read(path, PURPOSE)
        if stored is not None:
            try:
                return stored.decode("utf-8")
            except UnicodeDecodeError:
                pass
        later = _LATER.get()
        if later is not None and later.take(path, functools.partial(locked, plan, *args)):
            return NOTE
        svg = locked(plan, *args)
        _store(path, svg)
        return svg

    return chart
