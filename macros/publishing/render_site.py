"""`handbook render DIR`: a whole handbook project that a stock engine builds as it is.

DIR/mkdocs.yml (no hooks, no plugins but search) and DIR/docs/ holding every generated page,
the tool's own pages with their macros already rendered (in the sandbox the build uses), the
stylesheet and scripts, the search entries and redirect pages; DIR/overrides/ holds the theme
overrides (outside docs/, so never published) that escape titles and run the handbook's search.
Nothing private is written: no plan file, measurement or _org.yaml reaches DIR.

DIR/.handbook-render.json lists what the last render wrote, with hashes: the next render removes
those files (so a deleted plan leaves no page) but never a file the user added or edited.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

from ..core.diagnostics import format_text
from .page_macros import render_page
from ..model.model import Handbook
from .pipeline import run
from ..render.text import title
from .snapshots import add_to
from .tool_site import (MARKDOWN, OVERRIDES, SCRIPT, SITE_DATA, STYLESHEET, TOOL_PAGES,
                        with_tool_pages)

MANIFEST = ".handbook-render.json"
DOCS, THEME = "docs", "overrides"
ASSET_FOLDERS = ("stylesheets", "javascripts")
# The theme of this repository's mkdocs.yml (tests/test_render_site.py keeps them in step).
_SCHEMES = [("(prefers-color-scheme: light)", "default", "weather-night", "dark"),
            ("(prefers-color-scheme: dark)", "slate", "weather-sunny", "light")]
THEME_SETTINGS = {
    "name": "material", "custom_dir": THEME, "language": "en",
    # Zensical's look closest to Material's (its default "modern" one puts the footer text,
    # coloured for Material's dark footer, on a light ground: axe color-contrast); MkDocs and
    # ProperDocs ignore the setting.
    "variant": "classic",
    "font": False,  # no Google Fonts: the site makes no request outside its origin
    "icon": {"logo": "material/book-open-variant"},
    "palette": [{"media": media, "scheme": scheme, "primary": "indigo", "accent": "indigo",
                 "toggle": {"icon": f"material/{icon}", "name": f"Switch to {mode} mode"}}
                for media, scheme, icon, mode in _SCHEMES],
    "features": ["navigation.prune", "navigation.top", "navigation.footer",
                 "search.highlight", "toc.follow"],
}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


class RenderConflict(Exception):
    """A file render would write is one the user added or edited."""


def config(handbook: Handbook, nav: list) -> dict:
    """DIR/mkdocs.yml: the hook's site settings, with nothing the stock engine lacks."""
    return {
        "site_name": title(f"{handbook.name} AI handbook"),
        "site_description": "How we roll out AI — what you may do today, what you must never "
                            "do, who to call.",
        "docs_dir": DOCS, "use_directory_urls": True,
        "theme": THEME_SETTINGS,
        "plugins": ["search"],
        "markdown_extensions": [{name: options} if options else name
                                for name, options in MARKDOWN.items()],
        "extra_css": [STYLESHEET], "extra_javascript": [SCRIPT],
        # A print view is reached from its plan page, not the nav (the hook says the same).
        "not_in_nav": "plans/*/print.md\n/as-of/*/",  # and the snapshots (their list is in)
        "validation": {"omitted_files": "warn", "absolute_links": "warn",
                       "unrecognized_links": "warn", "anchors": "warn"},
        "nav": nav,
    }


def tool_page(name: str, handbook: Handbook) -> str:
    """A page the tool ships (home, how to read, macro guide) with its macros rendered, its
    front matter kept but for `render_macros` (the engine runs no macros)."""
    text = (SITE_DATA / name).read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        return text
    meta = [line for line in match.group(1).splitlines(keepends=True)
            if not line.startswith("render_macros:")]
    body = text[match.end():]
    if "render_macros: true" in match.group(1):
        body = render_page(body, name, handbook)
    return ("---\n" + "".join(meta) + "---\n" if meta else "") + body


def project_files(plans_dir: Path, today: dt.date) -> tuple[dict[str, bytes], int] | None:
    """Every file of the project by its path in DIR, and the number of pages; None (with the
    diagnostics printed) when the plans have errors."""
    site = run(plans_dir, today)
    if not site.ok:
        print(format_text(site.diagnostics), file=sys.stderr)
        return None
    add_to(site, plans_dir)  # dated snapshots, when _org.yaml asks for them
    docs = {**site.pages, **site.redirects, **site.assets}
    docs |= {name: tool_page(name, site.handbook) for name in TOOL_PAGES}
    for folder in ASSET_FOLDERS:
        for path in sorted((SITE_DATA / folder).iterdir()):
            if path.is_file() and path.suffix in (".css", ".js"):
                docs[f"{folder}/{path.name}"] = path.read_text(encoding="utf-8")
    files = {f"{DOCS}/{src}": text.encode("utf-8") for src, text in docs.items()}
    for path in sorted(OVERRIDES.rglob("*.html")):
        files[f"{THEME}/{path.relative_to(OVERRIDES).as_posix()}"] = path.read_bytes()
    nav = with_tool_pages(site.nav)
    files["mkdocs.yml"] = yaml.safe_dump(config(site.handbook, nav), sort_keys=False,
                                         allow_unicode=True).encode("utf-8")
    return files, len(site.pages) + len(TOOL_PAGES)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _previous(out: Path) -> dict[str, str]:
    """What the last render wrote (path in DIR -> SHA-256); paths outside DIR are ignored."""
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        return {}
    root = out.resolve()
    return {path: digest for path, digest in listed.items() if isinstance(path, str)
            and isinstance(digest, str) and (root / path).resolve().is_relative_to(root)}


def _ours(target: Path, digest: str | None) -> bool:
    """Whether `target` is missing or exactly as the last render wrote it."""
    return not target.exists() or (digest is not None and
                                   _digest(target.read_bytes()) == digest)


def write_project(out: Path, files: dict[str, bytes]) -> list[str]:
    """Write `files` into `out`, first removing what the last render wrote and no longer
    writes; returns the lines that say what was removed or kept. RenderConflict, before
    anything is written, when a file to write is one the user added or edited."""
    before = _previous(out)
    conflicts = [path for path, data in files.items()
                 if not _ours(out / path, before.get(path))
                 and _digest((out / path).read_bytes()) != _digest(data)]
    if conflicts:
        raise RenderConflict(conflicts)
    report = []
    for path, digest in sorted(before.items()):
        target = out / path
        if path in files or not target.exists():
            continue
        if _ours(target, digest):
            target.unlink()
            report.append(f"Removed {target} (no longer generated)")
            _prune_empty(target.parent, out)
        else:
            report.append(f"Kept {target}: edited since the last render")
    for path, data in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    listing = {"files": {path: _digest(data) for path, data in sorted(files.items())}}
    (out / MANIFEST).write_text(json.dumps(listing, indent=1) + "\n", encoding="utf-8")
    return report


def _prune_empty(folder: Path, out: Path) -> None:
    """Remove the folders a removed page leaves empty, up to (not including) `out`."""
    while folder != out and folder.is_relative_to(out) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def render_site(plans_dir: Path, out: Path, today: dt.date) -> int:
    made = project_files(plans_dir, today)
    if made is None:
        return 1
    files, pages = made
    try:
        report = write_project(out, files)
    except RenderConflict as conflict:
        for path in conflict.args[0]:
            print(f"{out / path}: error: not written by `handbook render`, or edited since; "
                  "nothing was written\n  hint: move the file out of "
                  f"{out}/ (render owns the paths it writes)", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"handbook render: cannot write {out}/: {error.strerror}", file=sys.stderr)
        return 1
    for line in report:
        print(line, file=sys.stderr)
    print(f"Wrote {len(files)} file(s), {pages} page(s), to {out}/. Build it with "
          f"`mkdocs build -f {out / 'mkdocs.yml'}` (or zensical build -f the same file).",
          file=sys.stderr)
    return 0
