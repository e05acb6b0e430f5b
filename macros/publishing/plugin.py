"""The `handbook` MkDocs plugin: the tool in an organisation's own repository.

An organisation's repository holds only what is its own — mkdocs.yml, plans/, optionally docs/ —
and a pinned dependency on this package; `plugins: [handbook]` supplies the rest from the
installed package: the theme overrides, stylesheet and script, the hand-written pages the tool
provides (home, how to read, macro guide; a page of the same path in the organisation's docs/
wins), and the Markdown settings the generated pages need. Everything else is the same pipeline
the hook runs: each event delegates to macros/publish.py, so a plan is checked and rendered
exactly as under this repository's own `hooks:` form (and as `handbook render` does).
"""
from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from macros.publishing import hook as publish
from macros.publishing.tool_site import (MARKDOWN, OVERRIDES, SCRIPT, SEARCH_WORKER,
                                         SITE_DATA, STYLESHEET, TOOL_PAGES, with_tool_pages)


class HandbookPlugin(BasePlugin):
    """`plugins: [handbook]` — see the module docstring and README "A repository of your own"."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        publish.on_startup(command=command, dirty=dirty)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        theme_dirs = config.theme.dirs
        if str(OVERRIDES) not in theme_dirs:
            # After the organisation's own custom_dir, so its templates win; before the theme.
            theme_dirs.insert(1 if config.theme.custom_dir else 0, str(OVERRIDES))
        config.theme["font"] = False  # no Google Fonts: the site makes no request off its origin
        for name, options in MARKDOWN.items():
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
            config.mdx_configs.setdefault(name, options)  # the organisation's settings win
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if SCRIPT not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(SCRIPT)
        config.nav = with_tool_pages(config.nav)
        plans = str(Path(config.config_file_path).parent / "plans")
        if plans not in config.watch:
            config.watch.append(plans)  # `mkdocs serve` rebuilds when a plan changes
        return publish.on_config(config)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        # `docs_dir: plans` (a repository with no pages of its own): nothing of plans/ is
        # published, so no file there takes the place of the tool's pages, stylesheet or
        # script below; only a page of the organisation's docs/ may.
        files = publish.without_plans_folder(files, config)
        for src in [*TOOL_PAGES, STYLESHEET, SCRIPT, SEARCH_WORKER]:
            if files.get_file_from_path(src) is None:
                files.append(File(src, str(SITE_DATA), config.site_dir,
                                  config.use_directory_urls))
        return publish.on_files(files, config)

    def on_page_markdown(self, markdown: str, page, config: MkDocsConfig, files) -> str:
        return publish.on_page_markdown(markdown, page, config, files)

    def on_env(self, env, config: MkDocsConfig, files: Files):
        return publish.on_env(env, config, files)

    def on_serve(self, server, config: MkDocsConfig, builder):
        return publish.on_serve(server, config, builder)

    @event_priority(50)  # before the search plugin reads the page
    def on_page_context(self, context, page, config: MkDocsConfig, nav):
        return publish.on_page_context(context, page, config, nav)

    def on_page_content(self, html: str, page, config: MkDocsConfig, files) -> str:
        return publish.on_page_content(html, page, config, files)

    def on_post_build(self, config: MkDocsConfig) -> None:
        publish.on_post_build(config)

    def on_post_page(self, output: str, page, config: MkDocsConfig) -> str:
        return publish.on_post_page(output, page, config)

    def on_post_template(self, output_content: str, template_name: str,
                         config: MkDocsConfig) -> str:
        return publish.on_post_template(output_content, template_name, config)
