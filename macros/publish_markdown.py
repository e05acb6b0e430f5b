"""`handbook render FOLDER`: the generated pages as plain Markdown files, so another
MkDocs-compatible engine (ProperDocs, Zensical) can build the same handbook.

That engine runs its stock theme, not docs/overrides/: it outputs titles as HTML, unescaped.
So the titles written here (front matter and nav.yml) are escaped once (stock_theme_title);
the hook and the plugin keep them plain, and the overrides escape them."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import format_text
from .pipeline import run
from .render.text import front_matter, stock_theme_title


def for_stock_theme(page: str) -> str:
    """A generated page (front matter, then Markdown) with its title escaped for a stock
    theme; the Markdown itself is escaped already (render/text.py)."""
    _, head, body = page.split("---\n", 2)
    meta = yaml.safe_load(head)
    meta.pop("render_macros", None)
    return front_matter(meta.pop("title"), stock_theme=True, **meta) + body


def nav_for_stock_theme(nav: Any) -> Any:
    """The hook's nav with every title escaped for a stock theme; page paths unchanged."""
    if isinstance(nav, list):
        return [nav_for_stock_theme(item) for item in nav]
    if isinstance(nav, dict):
        return {stock_theme_title(key): nav_for_stock_theme(value) for key, value in nav.items()}
    return nav


def write_markdown(plans_dir: Path, out: Path, today: dt.date) -> int:
    site = run(plans_dir, today)
    if not site.ok:
        print(format_text(site.diagnostics), file=sys.stderr)
        return 1
    pages = {src: for_stock_theme(text) for src, text in site.pages.items()}
    for src, text in {**pages, **site.redirects, **site.assets}.items():
        target = out / src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    # The nav the hook would set: another engine's config can include it as its `nav:`.
    nav = nav_for_stock_theme(site.nav)
    (out / "nav.yml").write_text(yaml.safe_dump(nav, sort_keys=False, allow_unicode=True),
                                 encoding="utf-8")
    print(f"Wrote {len(site.pages)} page(s) to {out}/", file=sys.stderr)
    return 0
