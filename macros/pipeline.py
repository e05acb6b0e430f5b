"""The pipeline in one call: plans/ -> check -> model -> pages. No MkDocs here.

`publish` (the MkDocs hook) and `cli render` both go through `run`; so does every macro, through
`current()`, so generated and hand-written pages always show the same handbook.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic
from .history import last_changes, policy_changes
from .model import Handbook, build_handbook
from .render import all_pages, navigation
from .render.redirects import redirects
from .validate import check


@dataclass
class Site:
    """A checked handbook and its generated pages; `handbook` is None when a plan has errors."""

    diagnostics: list[Diagnostic]
    handbook: Handbook | None = None
    pages: dict[str, str] = field(default_factory=dict)
    nav: list = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)  # HTML by output path

    @property
    def ok(self) -> bool:
        return self.handbook is not None


# The latest run and the last good one. `globals().get` keeps them when `make serve` reloads
# this module after a code edit.
_state: dict[str, Site] = globals().get("_state", {})
mode = globals().get("mode", "build")  # set by the MkDocs hook: "build" or "serve"
code_stamps: dict[str, int] = globals().get("code_stamps", {})  # the hook's reload check


def run(plans_dir: Path, today: dt.date | None = None) -> Site:
    today = today or dt.date.today()
    checked = check([plans_dir], today=today)
    if not checked.ok or checked.org is None:
        site = Site(checked.diagnostics)
    else:
        handbook = build_handbook(checked.org.data, [(d.data, d.file) for d in checked.plans],
                                  today, {plan_id: m.rows for plan_id, m in
                                          checked.measurements.items()},
                                  last_changes(plans_dir))
        handbook.changelog = policy_changes(plans_dir)
        pages = all_pages(handbook)
        site = Site(checked.diagnostics, handbook, pages, navigation(handbook),
                    redirects(handbook, pages))
        _state["good"] = site
    _state["latest"] = site
    return site


def current() -> Site | None:
    return _state.get("latest")


def last_good() -> Site | None:
    return _state.get("good")
