"""Render only what changed: each generated page remembers which parts of the handbook it read.

A page is rendered through a `Watched` handbook. It notes every plan and training module the
page looks up by id, or that the page went through them all (a list of plans reads every plan).
The rest of the handbook is one fingerprint that every page depends on: the organisation, today,
the history, the questions and answers.

A later run reuses a page when every part it noted has the same fingerprint, and renders the
rest. After an edit to one plan, that means the plan's own pages and the pages that list it.
The result is the same as rendering every page; tests/test_incremental_render.py compares them byte
for byte after edits of each kind. A build's previous run is the last build of the same plans,
kept in the tool's cache (publishing/build_session.py: `keep`).
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Callable

from ..model.model import Handbook
from .chart_cache import PENDING, Later, building_later, charts_of, drawn, with_charts
from .page import dated
from .site_map import page_makers, plan_pages
from .search import searched

EVERY = "*"  # noted when a page goes through a whole registry instead of looking one id up

# What a watched handbook hands through unwatched: the parts in `_everywhere`, which every
# page depends on as a whole. Anything else a page asks for fails loudly (AttributeError), so a
# new way for a page to reach plans cannot skip the notes by accident.
SHARED = ("name", "people", "teams", "tools", "today", "org", "changelog", "definitions_held",
          "baseline", "help", "faq", "person_name", "name_of")


def _fingerprint(value: Any) -> bytes:
    # Equal bytes mean equal data; unequal bytes can also come from equal data. That only costs
    # a needless re-render, never a stale page. `fast`: no memo, so that a string shared by two
    # places (a fresh parse) and two equal strings (the check's cache) give the same bytes.
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).digest()


def _plan_fingerprint(plan) -> bytes:
    # Every field the model built the plan from (not its cached views of them).
    return _fingerprint(tuple(getattr(plan, f.name) for f in dataclasses.fields(plan)))


def _everywhere(hb: Handbook) -> bytes:
    return _fingerprint(tuple(getattr(hb, name) for name in SHARED
                              if not callable(getattr(hb, name))))


@dataclass
class Notes:
    """What one page read: plan and module ids, or EVERY."""

    plans: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)


class _Noted(Mapping):
    """A registry of the handbook (plans or modules) that notes each id a page looks up."""

    def __init__(self, items: Mapping, noted: set[str]) -> None:
        self._items, self._noted = items, noted

    def __getitem__(self, key: str):
        self._noted.add(key)
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        self._noted.add(EVERY)
        return iter(self._items)

    def __len__(self) -> int:
        self._noted.add(EVERY)
        return len(self._items)


class Watched:
    """The handbook as one page sees it: plans and modules noted as the page reads them."""

    def __init__(self, hb: Handbook, notes: Notes) -> None:
        self._hb = hb
        self.plans = _Noted(hb.plans, notes.plans)
        self.modules = _Noted(hb.modules, notes.modules)

    def required_by(self, module_id: str):
        self.plans.__len__()  # it goes through every plan
        return self._hb.required_by(module_id)

    @property
    def roles(self):
        self.plans.__len__()  # from every plan
        return self._hb.roles

    def __getattr__(self, name: str):
        if name in SHARED:
            return getattr(self._hb, name)
        raise AttributeError(f"{name}: a part of the handbook incremental.py does not watch")


@dataclass
class Rendered:
    """Generated pages, and what each read, so that the next run can reuse them."""

    pages: dict[str, str]
    notes: dict[str, Notes] = field(default_factory=dict)
    plans: dict[str, bytes] = field(default_factory=dict)  # fingerprints by id
    modules: dict[str, bytes] = field(default_factory=dict)
    everywhere: bytes = b""
    reused: int = 0  # pages taken from the previous run
    changed: set[str] | None = None  # plans added or edited since it; None: no previous run
    deferred: set[str] = field(default_factory=set)  # pages kept as they were (edited_first)
    follow: ChartsFollow | None = None  # pages finished once their charts are drawn

    def same_handbook(self, previous: Rendered | None) -> bool:
        """Whether every part of the handbook is as in `previous`: every page is then reused,
        and so is whatever is made from them all (the search index)."""
        return previous is not None and (self.plans, self.modules, self.everywhere) == (
            previous.plans, previous.modules, previous.everywhere)

    def stored(self) -> dict:
        """The final pages and what each read, as JSON values: a build keeps them for the next
        one (publishing/build_session.py). A page still waiting for a chart is left out."""
        return {"pages": {path: self.pages[path] for path in self.notes},
                "notes": {path: [sorted(n.plans, key=repr), sorted(n.modules, key=repr)]
                          for path, n in self.notes.items()},
                "plans": {i: mark.hex() for i, mark in self.plans.items()},
                "modules": {i: mark.hex() for i, mark in self.modules.items()},
                "everywhere": self.everywhere.hex()}

    @classmethod
    def restored(cls, stored: dict) -> Rendered | None:
        """What `stored` gave, or None when it is not that (a damaged or older entry)."""
        try:
            notes = {path: Notes(set(plans), set(modules))
                     for path, (plans, modules) in stored["notes"].items()}
            pages = {path: stored["pages"][path] for path in notes}
            return cls(pages, notes, {i: bytes.fromhex(m) for i, m in stored["plans"].items()},
                       {i: bytes.fromhex(m) for i, m in stored["modules"].items()},
                       bytes.fromhex(stored["everywhere"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def _read_the_same(notes: set[str], before: dict[str, bytes], now: dict[str, bytes]) -> bool:
    if EVERY in notes:
        return before == now  # the same ids, in the same order, each unchanged
    return all(before.get(key) == now.get(key) for key in notes)


def render_pages(hb: Handbook, previous: Rendered | None = None,
                 edited_first: bool = False, charts_follow: bool = False) -> Rendered:
    """Every generated page, by source path; those whose reads are unchanged since `previous`
    are taken from it.

    `edited_first` (a serve rebuild): when plans were edited, render only their own pages and
    keep every other page as it was (`deferred`: rendered by the next run, which the caller
    starts at once). The edited plan shows without waiting for every page that lists it.

    In a build whose charts are drawn in processes, the pages that showed a note for one are
    rendered again once the charts are drawn: here, or, with `charts_follow`, when the engine
    has converted every page (`done.follow`), so that it converts them while charts are drawn."""
    done = Rendered({}, plans={i: _plan_fingerprint(p) for i, p in hb.plans.items()},
                    modules={i: _fingerprint(m) for i, m in hb.modules.items()},
                    everywhere=_everywhere(hb))
    if previous is not None and previous.everywhere != done.everywhere:
        previous = None
    if previous is not None:
        done.changed = {i for i, mark in done.plans.items() if previous.plans.get(i) != mark}
    makers: dict[str, Callable[[Any], str]] = page_makers(hb)
    first = {path for plan_id in done.changed or () for path in plan_pages(hb.plans[plan_id])} \
        if edited_first else set()
    later, marks = building_later(), {}
    for path, make in makers.items():
        notes = previous.notes.get(path) if previous else None
        if notes is not None and path in previous.pages \
                and _read_the_same(notes.plans, previous.plans, done.plans) \
                and _read_the_same(notes.modules, previous.modules, done.modules):
            done.pages[path], done.notes[path] = previous.pages[path], notes
            done.reused += 1
            continue
        if first and path not in first and previous and path in previous.pages:
            done.pages[path] = previous.pages[path]  # no notes: the next run renders it
            done.deferred.add(path)
            continue
        _render(done, hb, path, make)
        if path not in done.notes and later is not None:  # it waits for a chart
            marks[path] = later.mark()  # the charts queued so far, its own the last
    waiting = [p for p in makers if p not in done.notes and p not in done.deferred]
    if charts_follow and later is not None and waiting:
        done.follow = ChartsFollow(hb, done, later, {p: (makers[p], marks[p]) for p in waiting})
    elif drawn():  # a build: its charts were drawn in parallel; the pages that waited for one
        for path in waiting:
            _render(done, hb, path, makers[path])
    return done


class ChartsFollow:
    """A build's pages that wait for charts its processes draw. Each was rendered with a note
    in a chart's place, after the charts queued before it; `page` waits for those charts and
    renders the page again (the charts then come from the cache: one that failed in its
    process is drawn there, and reports as it would have)."""

    def __init__(self, hb: Handbook, done: Rendered, later: Later,
                 waiting: dict[str, tuple[Callable[[Any], str], int]]):
        self._hb, self._done, self._later = hb, done, later
        self._makers = {path: make for path, (make, _) in waiting.items()}
        self._marks = {path: mark for path, (_, mark) in waiting.items()}
        self._first = {path: done.pages[path] for path in waiting}  # with the notes

    def waits(self, path: str) -> bool:
        return path in self._first

    def converted(self, path: str, html: str) -> str | None:
        """The HTML an engine made of the page's first text, with the charts in the notes'
        places: a note is raw HTML, which the engine passes through as it is, so the chart in
        its place is what converting the final text gives. None when the final text is not
        the first with the charts in, or a note is not in the HTML as it was written (another
        plugin changed it): then only converting the final text again would do."""
        final, charts = self.page(path), charts_of(self._first[path])
        if charts is None or with_charts(self._first[path], charts) != final:
            return None
        html = with_charts(html, charts)  # each chart read once, for both
        return None if PENDING in html else html

    def page(self, path: str) -> str:
        mark = self._marks.pop(path, None)
        if mark is not None:
            self._later.wait_until(mark)
            _render(self._done, self._hb, path, self._makers[path])
        return self._done.pages[path]

    def pages(self) -> dict[str, str]:
        """Every page, all final."""
        for path in list(self._marks):
            self.page(path)
        return self._done.pages


def _render(done: Rendered, hb: Handbook, path: str, make: Callable[[Any], str]) -> None:
    notes = Notes()
    done.pages[path] = text = searched(path, dated(make(Watched(hb, notes)), hb.today))
    if PENDING not in text:  # a chart still being drawn: render it again next time
        done.notes[path] = notes


def all_pages(hb: Handbook) -> dict[str, str]:
    """Every generated page, by source path, all rendered."""
    return render_pages(hb).pages
