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
import os
import shutil
import tempfile
from pathlib import Path


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


def always_modified() -> bool:
    return True


def remove_output(site_dir: Path, dest_path: str) -> None:
    """Remove the output of a page that is no longer generated, and its folder if now empty."""
    output = site_dir / dest_path
    output.unlink(missing_ok=True)
    if output.parent != site_dir and output.parent.is_dir() and not any(output.parent.iterdir()):
        output.parent.rmdir()
