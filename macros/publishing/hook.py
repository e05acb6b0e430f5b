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
from mkdocs.structure.files import File, InclusionLevel

from macros.publishing import pipeline
from macros.core.dates import DateError, resolve_today
from macros.core.diagnostics import format_text
from macros.history.as_of import AsOfError, as_of_day
from macros.publishing.snapshots import add_to, past_site
from macros.publishing.theme_fixes import theme_fixes
from macros.render.historical import is_snapshot, with_banner
from macros.render.paths import Paths
from macros.render.pages import errors_page
from macros.render.text import title

ERRORS_PAGE = "handbook-errors.md"


def on_startup(*, command: str, dirty: bool) -> None:
    # Hooks are re-imported on every serve reload; the pipeline module keeps the mode.
    pipeline.mode = command


# Under `make serve`, MkDocs re-reads this hook on every change but Python keeps the package it
# imported; reload it (in import order) when one of its files changed, so code edits show too.
_RELOAD_ORDER = ["core", "model", "history", "publishing", "core.values", "core.dates",
                 "core.diagnostics", "core.tiers", "core.cache", "core.editor_schema",
                 "core.content", "core.codeowners", "core.support", "core.faq_check",
                 "core.baseline", "model.staleness", "model.faq", "render.sentences",
                 "render.chart_text", "history.diff_judgement", "history.listdiff",
                 "render.page_sandbox", "render.page_expressions", "core.yaml_strict",
                 "history.history", "history.as_of", "render.text", "render.diagram", "render.page",
                 "core.yaml_hints", "core.yaml_walk", "core.load", "core.measurements",
                 "core.plans_folder", "core.definitions", "core.definition_records", "core.drift",
                 "core.rules.base", "core.rules.references", "core.rules.tier_rules",
                 "core.rules.support", "core.rules.stages", "core.rules.uses",
                 "core.rules.monitoring", "core.rules.content", "core.rules.definitions",
                 "core.rules", "core.rule_runner", "model.parts", "model.plan_access",
                 "model.plan_evidence", "model.model", "model.tier_gaps", "model.readiness",
                 "render.charts", "render.examples", "render.redirects", "render.validate_pages",
                 "render.labels", "render.paths", "render.search", "render.access_fragments",
                 "render.site_fragments", "render.stage_fragments", "render.fragments",
                 "render.help", "render.messages", "render.faq", "render.front",
                 "render.print_view", "render.drift_words", "render.definitions", "render.plan",
                 "render.historical", "core.schemas", "core.schema_errors", "core.validate",
                 "core.schema_export", "core.schema_limits", "render.pages", "render",
                 "history.change_words", "history.leaves", "history.sides",
                 "history.change_sentences", "history.diff_approval", "history.diff",
                 "history.definition_changes", "history.definition_history",
                 "history.policy_changes", "history.last_change", "publishing.pipeline",
                 "publishing.snapshots", "publishing.theme_fixes", "publishing.page_macros",
                 "publishing.hook"]


def _reload_changed_code() -> None:
    import importlib
    import sys

    modules = [sys.modules.get(f"macros.{name}") for name in _RELOAD_ORDER]
    stamps = {m.__name__: Path(m.__file__).stat().st_mtime_ns for m in modules if m}
    seen = pipeline.code_stamps  # outlives this hook module, which MkDocs re-imports
    changed = any(seen.get(name, stamp) != stamp for name, stamp in stamps.items())
    seen.update(stamps)
    if changed:
        for module in modules:
            if module:
                importlib.reload(module)


def _today() -> dt.date:
    # HANDBOOK_TODAY: the day `handbook build` checked on, or one frozen for a rebuild.
    try:
        return resolve_today()
    except DateError as error:
        raise PluginError(f"handbook: {error}") from None


def on_config(config):
    if pipeline.mode == "serve":
        _reload_changed_code()
    plans_dir = Path(config.config_file_path).parent / "plans"
    site = _site(plans_dir, config)
    if not site.ok:
        errors = [d for d in site.diagnostics if d.is_error]
        if pipeline.mode != "serve":
            raise PluginError(f"{len(errors)} error(s) in the plans or pages; nothing was "
                              "published.\n"
                              + format_text(errors))
        config.extra["handbook_errors"] = len(errors)
    shown = site if site.ok else pipeline.last_good()
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


def _site(plans_dir: Path, config) -> pipeline.Site:
    """Today's site with its dated snapshots; under `handbook build --as-of D`, the plans as
    they stood on D, every page bannered (on_page_markdown)."""
    day = as_of_day()
    if day is None:
        site = pipeline.run(plans_dir, _today(), Path(config.docs_dir))
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
    plans = (Path(config.config_file_path).parent / "plans").resolve()
    for file in list(files):
        if file.abs_src_path and Path(file.abs_src_path).resolve().is_relative_to(plans):
            files.remove(file)
    return files


def on_files(files, config):
    files = without_plans_folder(files, config)
    site = pipeline.current()
    shown = site if site and site.ok else pipeline.last_good()
    pages = {**shown.pages, **shown.redirects, **shown.assets} if shown else {}
    if site and not site.ok:
        pages[ERRORS_PAGE] = errors_page(site.diagnostics, _today())
    for src, text in pages.items():
        if files.get_file_from_path(src) is not None:
            raise PluginError(f"docs/{src} has the same path as a generated page; rename it.")
        # A print view is reached from its plan page, not the nav (omitted_files would warn).
        inclusion = InclusionLevel.NOT_IN_NAV if Paths.is_print(src) or is_snapshot(src) \
            else InclusionLevel.UNDEFINED
        files.append(File.generated(config, src, content=text, inclusion=inclusion))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    # `handbook build --as-of`: every page, generated or hand-written, says it is a past policy.
    note = config.extra.get("handbook_as_of_note")
    return with_banner(markdown, note) if note else markdown


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
