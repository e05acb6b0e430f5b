"""Generated pages as files, for `handbook serve`, so that MkDocs rebuilds only what changed.

`handbook serve` runs `mkdocs serve --dirty`: MkDocs then skips a page whose source is older
than its output (mkdocs/commands/build.py, `page.file.is_modified()`). A page handed over as
content is always modified, so the generated pages are written to a private folder instead,
each rewritten only when its text changed: after an edit to one plan, MkDocs rebuilds that
plan's pages and the pages that list it, not the whole site. A `build` never comes here: it is
always complete.

What a dirty rebuild cannot know is handled here too: a page no longer generated (the errors
page once the plans are fixed, the pages of a deleted plan) has its output removed; and when
something every page shows changes (errors appear or go), every page is rebuilt. The nav of an
unchanged page may show an old title until the next full rebuild (the preview's only lag).
"""
from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

import jinja2
import jinja2.bccache


class Staging:
    """A private folder of generated pages, each written only when its text changed."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="handbook-serve-"))
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        self.written: dict[str, str] = {}  # the text of each staged page, by its path
        self.removed: set[str] = set()  # pages no longer generated since the last stage()
        self.look = None  # what every page shows (errors or not): all are rebuilt when it changes

    def stage(self, pages: dict[str, str]) -> set[str]:
        """Write the pages whose text changed (returned); remove those no longer generated."""
        self.removed = set(self.written) - set(pages)
        for src in self.removed:
            (self.folder / src).unlink(missing_ok=True)
            del self.written[src]
        rewritten = set()
        for src, text in pages.items():
            if self.written.get(src) == text:
                continue
            rewritten.add(src)
            path = self.folder / src
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.tmp")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, path)
            self.written[src] = text
        return rewritten

    def touch_all(self) -> None:
        """Make every staged page newer than its output: the next build rebuilds them all."""
        for src in self.written:
            os.utime(self.folder / src)

    def everything_changed(self, look: object) -> bool:
        """True when what every page shows differs from the last build's (or on the first)."""
        changed, self.look = look != self.look, look
        return changed


class Signal:
    """A folder `mkdocs serve` watches (hook.on_serve): writing to it makes serve rebuild, so that
    work left for later shows without an edit: charts drawn in the background
    (render/chart_cache.py), the pages that list an edited plan (render/incremental.py). Not
    the staging folder: serve would rebuild after each rebuild's own writes."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="handbook-serve-signal-"))
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        self._count = 0

    def rebuild(self) -> None:
        self._count += 1
        (self.folder / "rebuild").write_text(str(self._count), encoding="utf-8")


class Compiled(jinja2.BytecodeCache):
    """The theme's templates, compiled once per serve process: MkDocs makes a new Jinja
    environment on every rebuild, which would compile each template again (a few tenths of a
    second). Jinja checks each entry against its template's source, so an edited override is
    compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class ListedOnce:
    """The theme's files as MkDocs lists them, once per serve process while the theme's own
    folder (`custom_dir`) holds the same files. Each build lists every file of the theme to
    find the static ones and matches each name against its patterns: Material's 14,000 icons
    made that a quarter of a second of every rebuild. The other theme folders are installed
    packages, which change only with the code (and a code edit restarts serve)."""

    def __init__(self) -> None:
        self._listed: dict[tuple, list[str]] = {}

    def wrap(self, theme) -> None:
        """Make `theme.get_env()` give Jinja environments whose listing is remembered."""
        if getattr(theme.get_env, "listed_once", False):
            return
        make = theme.get_env

        def get_env():
            env = make()
            env.list_templates = functools.partial(self._list, env.list_templates, theme)
            return env

        get_env.listed_once = True  # type: ignore[attr-defined]
        theme.get_env = get_env

    def _list(self, list_templates, theme, extensions=None, filter_func=None) -> list[str]:
        # MkDocs' filter is a function made on each build from the theme's static templates:
        # the same code and the same templates filter alike.
        own = sorted(str(Path(folder, name)) for folder, _, names in
                     os.walk(theme.custom_dir) for name in names) if theme.custom_dir else []
        key = (tuple(own), tuple(extensions or ()), getattr(filter_func, "__code__", filter_func),
               tuple(theme.static_templates), tuple(theme.dirs))
        if key not in self._listed:
            self._listed[key] = list_templates(extensions, filter_func)
        return list(self._listed[key])


def always_modified() -> bool:
    return True


def remove_output(site_dir: Path, dest_path: str) -> None:
    """Remove the output of a page that is no longer generated, and its folder if now empty."""
    output = site_dir / dest_path
    output.unlink(missing_ok=True)
    if output.parent != site_dir and output.parent.is_dir() and not any(output.parent.iterdir()):
        output.parent.rmdir()
