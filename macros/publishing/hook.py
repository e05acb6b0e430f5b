"""Publish: the MkDocs adapter (loaded by mkdocs.yml as a hook). Thin on purpose.

on_config checks the plans and renders every page before MkDocs reads a file; on_files adds the
generated pages. A plan error aborts `mkdocs build` (PluginError) before anything is written; under
`mkdocs serve` the errors become a page and the last good handbook stays on screen (only the
hand-written pages, if serve started on broken plans). Titles reach the theme as plain text;
docs/overrides/ escapes them.
"""
from __future__ import annotations

import datetime as dt
import html
import logging
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel

from macros.publishing import pipeline
from macros.publishing.build_session import BuildSession, active, open_session
from macros.core.dates import DateError, resolve_today
from macros.core.diagnostics import format_text
from macros.history.as_of import AsOfError, as_of_day
from macros.publishing.serve_staging import Staging, always_modified, remove_output
from macros.publishing.snapshots import add_to, past_site
from macros.publishing.theme_fixes import theme_fixes
from macros.render.historical import is_snapshot, with_banner
from macros.render.paths import Paths
from macros.render.pages import errors_page
from macros.render.text import title

ERRORS_PAGE = "handbook-errors.md"


def on_startup(*, command: str, dirty: bool) -> None:
    # The adapter's build session: MkDocs calls this once per process, and re-imports this
    # hook on every serve rebuild, so the session is reached through `session()` below.
    open_session(BuildSession(mode=command, dirty=dirty))


def session() -> BuildSession:
    """This process's build session (a fresh "build" one if on_startup never ran)."""
    return active() or open_session(BuildSession())


def _today() -> dt.date:
    # HANDBOOK_TODAY: the day `handbook build` checked on, or one frozen for a rebuild.
    try:
        return resolve_today()
    except DateError as error:
        raise PluginError(f"handbook: {error}") from None


def on_config(config):
    builds = session()  # a code edit restarts `handbook serve` (publishing/code_watch.py)
    if builds.listing is not None:
        builds.listing.wrap(config.theme)
    if builds.staged:
        build_log = logging.getLogger("mkdocs.commands.build")
        if not any(isinstance(f, _NoDirtyWarning) for f in build_log.filters):
            build_log.addFilter(_NoDirtyWarning())
    plans_dir = _plans_dir(config)
    with builds.drawing():  # under serve, charts are drawn off the edit's path
        site = builds.remember(_site(plans_dir, config, builds.reusable(plans_dir)))
    if not site.ok:
        errors = [d for d in site.diagnostics if d.is_error]
        if builds.mode != "serve":
            raise PluginError(f"{len(errors)} error(s) in the plans or pages; nothing was "
                              "published.\n"
                              + format_text(errors))
        config.extra["handbook_errors"] = len(errors)
    shown = builds.shown()
    if _lists_follow(site):
        # A pass that shows edited plans first: the 404 page and the sitemap follow with the
        # pages that list them (their nav and list would be all that changed).
        config.theme.static_templates = set()
    if shown is None:
        # `make serve` started on broken plans: no generated page exists yet, so the links from
        # the hand-written pages to them cannot resolve. That is expected, and must not abort
        # the preview under `strict: true`; serve reloads mkdocs.yml, so the next good rebuild
        # checks links as strictly as ever.
        config.validation.links.not_found = logging.INFO
        config.validation.links.anchors = logging.INFO
        config.extra["handbook_nothing_good"] = True
    if shown and shown.handbook:
        config.site_name = title(f"{shown.handbook.name} AI handbook")  # plain: see title()
    home, *rest = config.nav or [{"Home": "index.md"}]
    generated = shown.nav if shown else []
    if not site.ok:
        generated = [{"Plan errors": ERRORS_PAGE}] + generated
    config.nav = [home, *generated, *rest]
    return config


def _plans_dir(config) -> Path:
    return Path(config.config_file_path).parent / "plans"


def _site(plans_dir: Path, config, previous: pipeline.Site | None) -> pipeline.Site:
    """Today's site with its dated snapshots; under `handbook build --as-of D`, the plans as
    they stood on D, every page bannered (on_page_markdown)."""
    day = as_of_day()
    if day is None:
        site = pipeline.run(plans_dir, _today(), Path(config.docs_dir), previous,
                            edited_first=session().edited_first,
                            charts_follow=session().charts_follow)
        add_to(site, plans_dir)
        return site
    try:
        site, note, errors = past_site(plans_dir, day, Path(config.docs_dir), config.site_url)
    except AsOfError as error:
        raise PluginError(f"handbook: {error}") from None
    if errors:  # shown, never a reason to refuse a past policy (not a logged warning: strict)
        print("Left out of this past policy (they fail today's rules):\n"
              + format_text(errors), file=sys.stderr)
    config.extra["handbook_as_of_note"] = note
    return site


def without_plans_folder(files, config):
    """`files` minus every file whose source is in plans/, whatever docs_dir is (`docs_dir:
    plans` in a repository of its own, or `.`): plans/ is data only, so no page, script or
    other file of it is published or rendered as a template (a plan is published only as the
    pages generated from it). The check names each such file (`plans-file`)."""
    plans = _plans_dir(config).resolve()
    for file in list(files):
        if file.abs_src_path and Path(file.abs_src_path).resolve().is_relative_to(plans):
            files.remove(file)
    return files


def on_files(files, config):
    files = without_plans_folder(files, config)
    builds = session()
    site, shown = builds.latest, builds.shown()
    pages = {**shown.pages, **shown.redirects, **shown.assets} if shown else {}
    if site and not site.ok:
        pages[ERRORS_PAGE] = errors_page(site.diagnostics, _today())
    staging = None
    if builds.staged:
        staging = builds.staging = builds.staging or Staging()
        staging.stage(pages)
        _rebuild_what_the_pages_cannot_tell(files, staging, config, set(pages),
                                            _lists_follow(site))
    for src, text in pages.items():
        if files.get_file_from_path(src) is not None:
            raise PluginError(f"docs/{src} has the same path as a generated page; rename it.")
        # A print view is reached from its plan page, not the nav (omitted_files would warn).
        inclusion = InclusionLevel.NOT_IN_NAV if Paths.is_print(src) or is_snapshot(src) \
            else InclusionLevel.UNDEFINED
        if staging is not None:
            files.append(File(src, str(staging.folder), config.site_dir,
                              config.use_directory_urls, inclusion=inclusion))
        else:
            files.append(File.generated(config, src, content=text, inclusion=inclusion))
    return files


def _look(config) -> tuple:
    """What every page shows besides its own text: the errors banner, the site name."""
    return (config.site_name, config.extra.get("handbook_errors"),
            config.extra.get("handbook_nothing_good"))


def _lists_follow(site: pipeline.Site | None) -> bool:
    """True when this serve pass shows edited plans first and leaves the pages that list them
    to a follow-up pass (render/incremental.py: `deferred`)."""
    return bool(site and site.rendered and site.rendered.deferred)


def _rebuild_what_the_pages_cannot_tell(files, staging: Staging, config, generated: set[str],
                                        lists_follow: bool) -> None:
    """Under `serve --dirty` (publishing/serve_staging.py): hand-written pages may show the
    handbook through macros, so they are rebuilt on every pass but one that shows edited
    plans first (they follow with the lists); every page is when what all pages show changed
    (the errors banner, the site name)."""
    everything = staging.everything_changed(_look(config))
    if not lists_follow or everything:
        for file in files:  # the hand-written pages: the generated ones are not added yet
            if file.is_documentation_page() and file.src_uri not in generated:
                file.is_modified = always_modified
    if everything:
        staging.touch_all()


class _NoDirtyWarning(logging.Filter):
    """`serve --dirty` is how `handbook serve` previews quickly; MkDocs' warning about it would
    fail the preview under `strict: true`. What it warns of is handled in serve_staging."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def on_serve(server, config, builder):
    _notice_quickly(server)
    # Work left for later signals here (serve_staging.Signal): serve rebuilds when it is done.
    signal = session().signal
    if signal is not None:
        server.watch(str(signal.folder))
    return server


POLL_SECONDS = 0.1  # MkDocs polls every 0.5 s: a saved plan waited 0.25 s for its rebuild


def _notice_quickly(server) -> None:
    """Poll the watched files every POLL_SECONDS. MkDocs fixes its interval in the server it
    makes (watchdog's polling observer: no option); its watches are already scheduled, and
    later ones (the plans folder, serve's signals) follow the observer's. A few hundred files
    a poll: about a millisecond. Another engine's server is left as it is."""
    observer = getattr(server, "observer", None)
    emitters = getattr(observer, "emitters", None)
    if observer is None or emitters is None or not hasattr(observer, "_timeout"):
        return
    for watcher in [observer, *emitters]:
        watcher._timeout = min(watcher._timeout, POLL_SECONDS)  # watchdog reads it each poll


def on_env(env, config, files):
    templates = session().templates
    if templates is not None:  # serve: compiled once, not on every rebuild
        env.bytecode_cache = templates
    return env


def on_post_build(config) -> None:
    builds = session()
    if builds.signal is not None and _lists_follow(builds.latest):
        builds.signal.rebuild()  # the follow-up pass: the pages that list the edited plans
    if as_of_day() is None:  # a past policy is no starting point for the next build
        builds.keep(_plans_dir(config))
    staging = builds.staging
    if builds.staged and staging is not None:
        for src in staging.removed:
            gone = File(src, str(staging.folder), config.site_dir, config.use_directory_urls)
            remove_output(Path(config.site_dir), gone.dest_uri)


def on_page_markdown(markdown: str, page, config, files) -> str:
    # `handbook build --as-of`: every page, generated or hand-written, says it is a past policy.
    note = config.extra.get("handbook_as_of_note")
    return with_banner(markdown, note) if note else markdown


@event_priority(50)  # before the search plugin reads the page
def on_page_context(context, page, config, nav):
    # A build hands over the pages that show charts with notes in their places, and MkDocs
    # converts every page while the charts are drawn; here, in its second pass over the pages,
    # each page gets its charts (a page without is left as it is).
    shown = session().shown()
    if shown is not None and shown.waits(page.file.src_uri):
        try:
            page.content = shown.with_charts(page.file.src_uri, page.content)
        except RuntimeError as error:
            raise PluginError(f"handbook: {error}. Build with HANDBOOK_CACHE=off (every chart "
                              "drawn before MkDocs reads a page), and please report it.") from None
    return context


def on_page_content(html_text: str, page, config, files) -> str:
    # Titles reach the theme as plain text and the overrides escape them. Only a title MkDocs
    # takes from the page's first heading is HTML (entities kept): make it plain text too.
    # A title from the nav or the front matter is an instance attribute or in `meta`.
    if "title" not in vars(page) and "title" not in page.meta and page.title:
        page.title = html.unescape(page.title)
    return html_text


def on_post_page(output: str, page, config) -> str:
    return theme_fixes(output)


def on_post_template(output_content: str, template_name: str, config) -> str:
    return theme_fixes(output_content)  # 404.html is a template, not a page
