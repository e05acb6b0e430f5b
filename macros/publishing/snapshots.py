"""Dated snapshots: the policy as it stood on past days, published beside today's.

`_org.yaml` `snapshots: monthly | weekly` adds, for every first of a month or every Monday
within the organisation's history (`history_since`), the plans of the commit that held then
(as_of.held_on), judged on that day, under as-of/YYYY-MM-DD/. The pipeline runs on a copy of
that commit's plans folder; its pages keep their relative links, so they move under the
folder as they are. A day whose plans folder is the same tree as the previous snapshot's
reuses that snapshot's pages: its addresses lead there, and nothing is built twice.

Plans that fail today's rules are no reason to refuse a snapshot: the files with errors are
left out and the snapshot's home page lists the errors.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..history.as_of import AsOfError, held_on, history_since, plan_commits, resolve, trees, unpack
from ..core import cache as caches
from ..core.diagnostics import Diagnostic
from ..history.history import FAQ_FILE, ORG_FILE
from ..core.measurements import SUFFIX as MEASUREMENTS
from ..model.model import Handbook
from ..render import all_pages
from ..render.historical import (INDEX, Listed, Stood, banner, folder, moved, relative,
                                snapshot_home, snapshots_index, with_banner)
from ..render.redirects import moved_page
from ..render.search import never_searched
from .pipeline import Site, model, run
from ..core.validate import check
from ..core.values import parse_date

SETTINGS = ("none", "monthly", "weekly")
_HOME = "index.md"  # the hand-written home page every generated page may link to


@dataclass
class Built:
    """The pages of one plans folder judged on a day, built whatever today's rules say."""

    handbook: Handbook | None
    pages: dict[str, str] = field(default_factory=dict)
    errors: list[Diagnostic] = field(default_factory=list)
    left_out: int = 0


def build_leniently(plans_dir: Path, day: dt.date) -> Built:
    """Check and render a copy of a plans folder; a plan file with errors is deleted from the
    copy (with its measurements) and the rest is built. Only an organisation file with errors
    leaves nothing to build."""
    cache = caches.folder("plans")  # the plans most snapshots share are checked once
    checked = check([plans_dir], today=day, cache_dir=cache)
    # Named as in the repository, not by the temporary folder of the copy.
    errors = [replace(d, file=f"plans/{Path(d.file).name}") for d in checked.diagnostics
              if d.is_error]
    failing = {Path(d.file).name for d in errors}
    if ORG_FILE in failing:
        return Built(None, errors=errors)
    for name in failing:
        (plans_dir / name).unlink(missing_ok=True)
        (plans_dir / name.replace(".yaml", MEASUREMENTS)).unlink(missing_ok=True)
    if failing:
        checked = check([plans_dir], today=day, cache_dir=cache)
        if not checked.ok or checked.org is None:  # what is left still fails: show nothing
            return Built(None, errors=errors)
    handbook = model(checked, day)
    return Built(handbook, all_pages(handbook), errors, len(failing - {FAQ_FILE}))


def snapshot_days(setting: str, start: dt.date, today: dt.date) -> list[dt.date]:
    """The days of the snapshots from `start` to `today`: each first of a month, or each
    Monday."""
    days: list[dt.date] = []
    if setting == "monthly":
        day = start if start.day == 1 else _next_month(start)
        while day <= today:
            days.append(day)
            day = _next_month(day)
    elif setting == "weekly":
        day = start + dt.timedelta(days=(7 - start.weekday()) % 7)
        while day <= today:
            days.append(day)
            day += dt.timedelta(days=7)
    return days


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass
class Snapshots:
    """What the snapshots add to the site: pages (source paths) and redirect pages (output
    paths) of reused snapshots, and the index page that lists them."""

    pages: dict[str, str] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    listed: list[Listed] = field(default_factory=list)


def snapshots(plans_dir: Path, setting: str, today: dt.date, today_pages: set[str]
              ) -> Snapshots:
    """Every dated snapshot of `plans_dir`'s history. `today_pages`: today's generated pages,
    which a banner links to when the same page exists today."""
    out = Snapshots()
    if setting not in ("monthly", "weekly"):
        return out
    since = history_since(plans_dir)
    try:
        commits = plan_commits(plans_dir, since)
    except AsOfError:
        commits = []
    dated = [c.date for c in commits if c.date is not None]
    start = held_start(since, dated)
    held = []
    for day in snapshot_days(setting, start, today) if start else []:
        try:
            held.append((day, held_on(day, commits, since)))
        except AsOfError:
            continue  # before the first commit of the history: no policy yet
    tree_of = trees(plans_dir, list(dict.fromkeys(c.commit for _, c in held)))
    previous: tuple[str, Listed, list[str]] | None = None  # tree, its snapshot, its pages
    with tempfile.TemporaryDirectory(prefix="handbook-snapshots-") as tmp:
        for n, (day, change) in enumerate(held):
            tree = tree_of.get(change.commit, change.commit)
            if previous and previous[0] == tree:
                first = previous[1]
                out.listed.append(Listed(Stood(day, change.commit, change.date,
                                               first.stood.left_out), first.stood.day))
                _reuse(out, folder(day), folder(first.stood.day), previous[2])
                continue
            try:
                copy = unpack(plans_dir, change.commit, Path(tmp) / str(n))
            except AsOfError:
                continue  # a commit without the plans folder: nothing to show for the day
            built = build_leniently(copy, day)
            stood = Stood(day, change.commit, change.date, built.left_out)
            listed = Listed(stood)
            out.listed.append(listed)
            sources = _add(out, stood, built, today_pages)
            previous = (tree, listed, sources)
    out.pages[INDEX] = snapshots_index(out.listed)
    return out


def held_start(since: str | None, dated: list[dt.date]) -> dt.date | None:
    """The first day of the history: a `history_since` date, else the first commit's."""
    from_since = parse_date(since[:10]) if since else None
    return from_since or (min(dated) if dated else None)


def _add(out: Snapshots, stood: Stood, built: Built, today_pages: set[str]) -> list[str]:
    """A snapshot's pages under its folder, each with the banner; their source paths."""
    prefix = folder(stood.day)
    home = prefix + _HOME
    pages = {**built.pages, _HOME: snapshot_home(stood, built.errors, built.handbook)}
    for src, text in pages.items():
        at = moved(src, prefix)
        today = relative(src if src in today_pages else _HOME, at)
        note = banner(stood, today, relative(home, at) if src != _HOME else "")
        out.pages[at] = never_searched(with_banner(text, note))
    return list(pages)


def _reuse(out: Snapshots, at: str, earlier: str, sources: list[str]) -> None:
    """Redirect pages at `at` to the same pages of the snapshot at `earlier`."""
    for src in sources:
        stem = src.removesuffix(".md")
        url = stem.removesuffix("index") if stem.endswith("index") else stem + "/"
        old, new = at + url, earlier + url
        out.redirects[old + "index.html"] = moved_page(relative(new, old + "index.html") + "/")


def with_index_in_nav(nav: list) -> list:
    """The generated nav with the list of snapshots under Governance (the snapshots
    themselves stay out of the nav)."""
    entry = {"The policy on past days": INDEX}
    for section in nav:
        if isinstance(section, dict) and isinstance(section.get("Governance"), list):
            section["Governance"] = [*section["Governance"], entry]
            return nav
    return [*nav, entry]


def add_to(site: Site, plans_dir: Path) -> None:
    """A built site with the snapshots its _org.yaml asks for (`snapshots`, default none)."""
    if site.handbook is None or site.handbook.org.get("snapshots", "none") == "none":
        return
    made = snapshots(plans_dir, site.handbook.org["snapshots"], site.handbook.today,
                     set(site.pages))
    site.pages.update(made.pages)
    site.redirects.update(made.redirects)
    site.nav = with_index_in_nav(site.nav)


def past_site(plans_dir: Path, day: dt.date, docs_dir: Path | None, today_url: str | None
              ) -> tuple[Site, str, list[Diagnostic]]:
    """`handbook build --as-of`: the site of the plans as they stood on `day`, judged on it,
    with the banner every page gets and the errors of the files left out. Raises AsOfError."""
    held = resolve(plans_dir, day)
    with tempfile.TemporaryDirectory(prefix="handbook-as-of-") as tmp:
        copy = unpack(plans_dir, held.change.commit, Path(tmp))
        built = build_leniently(copy, day)  # deletes what fails from the copy
        site = run(copy, day, docs_dir)
    stood = Stood(day, held.change.commit, held.change.date, built.left_out)
    return site, banner(stood, today_url), built.errors
