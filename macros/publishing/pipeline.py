"""The pipeline in one call: plans/ -> check -> model -> pages. No MkDocs here.

`publish` (the MkDocs hook) and `cli render` both go through `run`; it keeps nothing: the
adapter's BuildSession (build_session.py) remembers runs, and every macro reads the handbook
from it, so generated and hand-written pages always show the same handbook.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..core.cache import PLANS_CACHE, folder
from ..core.dates import resolve_today
from ..core.diagnostics import Diagnostic
from ..history.definition_history import held
from ..history.policy_changes import policy_changes
from ..history.last_change import last_changes
from ..model.build import build_handbook
from ..model.model import Handbook
from ..render import Rendered, navigation, render_pages
from ..render.redirects import redirects
from ..render.search import INDEX_PATH, search_index
from ..core.validate import Checked, check
from ..render.validate_pages import check_pages


@dataclass
class Site:
    """A checked handbook and its generated pages; `handbook` is None when a plan has errors."""

    diagnostics: list[Diagnostic]
    handbook: Handbook | None = None
    pages: dict[str, str] = field(default_factory=dict)
    nav: list = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)  # HTML by output path
    assets: dict[str, str] = field(default_factory=dict)  # other files (the search index)
    rendered: Rendered | None = None  # the pages with what each read, for the next run to reuse

    @property
    def ok(self) -> bool:
        return self.handbook is not None

    def waits(self, src: str) -> bool:
        """True for a page the engine gets with a note where a chart is being drawn (a build
        with `charts_follow`): its HTML goes through `with_charts` before it is used."""
        follow = self.rendered.follow if self.rendered else None
        return follow is not None and follow.waits(src)

    def with_charts(self, src: str, html: str) -> str:
        """The HTML the engine made of a page that waited for charts, with them in (it waits
        for them): the engine converted the other pages while they were drawn."""
        follow = self.rendered.follow if self.rendered else None
        converted = follow.converted(src, html) if follow is not None else html
        if converted is None:
            raise RuntimeError(f"{src}: its charts could not be put into its HTML")
        return converted


def model(checked: Checked, today: dt.date, plans_dir: Path | None = None) -> Handbook:
    """The handbook of checked plans; with `plans_dir`, their git history too."""
    since = checked.org.data.get("history_since")
    history = last_changes(plans_dir, since) if plans_dir else {}
    handbook = build_handbook(checked.org.data, [(d.data, d.file) for d in checked.plans],
                              today, {plan_id: m.rows for plan_id, m in
                                      checked.measurements.items()}, history,
                              checked.faq.data if checked.faq else None)
    if plans_dir:
        handbook.changelog = policy_changes(plans_dir, since=since)
        handbook.definitions_held = held(plans_dir, since, {
            p.id: p.raw for p in handbook.plans.values()}, checked.org.data)
    return handbook


def check_pages_of(checked: Checked, handbook: Handbook, docs_dir: Path | None,
                   plans_dir: Path | None = None) -> None:
    """The macro calls of the hand-written pages, checked against the plans; their problems
    join the plans' own. Files in `plans_dir` are no pages (`plans-file` names them)."""
    if docs_dir is not None:
        checked.diagnostics += check_pages(docs_dir, handbook, _shown(docs_dir), plans_dir)


def _shown(folder: Path) -> str:
    try:
        return folder.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return folder.as_posix()


def run(plans_dir: Path, today: dt.date | None = None, docs_dir: Path | None = None,
        previous: Site | None = None, edited_first: bool = False,
        charts_follow: bool = False) -> Site:
    """With `previous` (a serve rebuild), pages whose inputs did not change are reused from
    it (render/incremental.py); the result is the same as without. With `edited_first`, the
    pages of edited plans come first and the others are `rendered.deferred` to the next run.
    With `charts_follow` (a build), pages that wait for a chart being drawn are handed over
    with a note in its place, and their HTML gets the chart once it is drawn
    (`Site.with_charts`)."""
    today = today or resolve_today()
    # Unchanged files are not parsed or validated again: the content cache `handbook check`
    # and `handbook build` fill (macros/cache.py; off with HANDBOOK_CACHE=off).
    checked = check([plans_dir], today=today, cache_dir=folder(PLANS_CACHE))
    handbook = model(checked, today, plans_dir) if checked.ok and checked.org else None
    if handbook is not None:
        check_pages_of(checked, handbook, docs_dir, plans_dir)
    if handbook is None or not checked.ok:
        site = Site(checked.diagnostics)
    else:
        rendered = render_pages(handbook, previous.rendered if previous else None,
                                edited_first, charts_follow)
        pages = rendered.pages
        # While pages are deferred the search index follows with them (next run). It skips
        # charts, and the notes in their places while they are drawn.
        assets = {INDEX_PATH: previous.assets[INDEX_PATH] if (
            previous and INDEX_PATH in previous.assets and (
                rendered.deferred or rendered.same_handbook(previous.rendered))) else
            search_index(handbook, pages)}
        site = Site(checked.diagnostics, handbook, pages, navigation(handbook),
                    redirects(handbook, pages), assets, rendered)
    return site
