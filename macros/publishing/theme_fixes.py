"""Two defects of Material's own markup, fixed in its output. The MkDocs hook applies them to
every page it writes; `handbook build --engine` to every HTML file the engine wrote (a stock
engine runs no hook). No MkDocs here, so both paths share one definition.
"""
from __future__ import annotations

import re
from pathlib import Path

_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*type="checkbox"[^>]*?)\s+autocomplete="off"')
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog"'


def theme_fixes(html: str) -> str:
    """- autocomplete="off" on checkbox toggles (drawer, search): HTML allows the attribute only
    on text-like inputs, so the Nu HTML Checker reports two errors on every page;
    - the search dialog has no accessible name (axe: aria-dialog-name, serious)."""
    html = _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)
    return html.replace(_SEARCH_DIALOG, _SEARCH_DIALOG + ' aria-label="Search"', 1)


def fix_site(site: Path) -> int:
    """Apply theme_fixes to every HTML file under `site`; returns how many files changed."""
    changed = 0
    for path in sorted(site.rglob("*.html")):
        before = path.read_text(encoding="utf-8")
        after = theme_fixes(before)
        if after != before:
            path.write_text(after, encoding="utf-8")
            changed += 1
    return changed
