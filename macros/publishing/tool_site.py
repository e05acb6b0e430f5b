"""What the tool itself adds to every handbook site, whichever way it is built: its own pages,
the stylesheet and scripts, the theme overrides, and the Markdown settings the generated pages
need. Shipped in the wheel as `macros.site` (this repository's docs/). No MkDocs here: the
plugin (plugin.py) and the engine-neutral project (render_site.py) both read it.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

SITE_DATA = Path(str(resources.files("macros.site")))
OVERRIDES = SITE_DATA / "overrides"
STYLESHEET, SCRIPT = "stylesheets/handbook.css", "javascripts/handbook.js"
SEARCH_WORKER = "javascripts/search-worker.js"  # the overrides' config names it for the box
TOOL_PAGES = {"index.md": "Home", "about.md": "How to read this handbook",
              "macros.md": "Macros for your own pages"}
ABOUT_SECTION = "About this handbook"
# The generated pages use admonitions and {#id} anchors; headings get permanent links.
MARKDOWN = {"admonition": {}, "attr_list": {},
            "toc": {"permalink": True, "permalink_title": "Link to this section"}}


def _nav_pages(nav: Any) -> set[str]:
    """Every page path a nav names, at any depth."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(_nav_pages(v) for v in nav.values()))
    if isinstance(nav, list):
        return set().union(*(_nav_pages(v) for v in nav))
    return set()


def with_tool_pages(nav: list | None) -> list:
    """The organisation's nav (or none) with the tool's pages it does not place itself."""
    nav = list(nav) if nav else []
    named = _nav_pages(nav)
    if "index.md" not in named:
        nav.insert(0, {TOOL_PAGES["index.md"]: "index.md"})
    about = [{TOOL_PAGES[p]: p} for p in ("about.md", "macros.md") if p not in named]
    if about:
        nav.append({ABOUT_SECTION: about})
    return nav
