"""`handbook render FOLDER`: the generated pages as plain Markdown files, so another
MkDocs-compatible engine (ProperDocs, Zensical) can build the same handbook."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import yaml

from .diagnostics import format_text
from .pipeline import run


def write_markdown(plans_dir: Path, out: Path, today: dt.date) -> int:
    site = run(plans_dir, today)
    if not site.ok:
        print(format_text(site.diagnostics), file=sys.stderr)
        return 1
    for src, text in {**site.pages, **site.redirects}.items():
        target = out / src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    # The nav the hook would set: another engine's config can include it as its `nav:`.
    (out / "nav.yml").write_text(yaml.safe_dump(site.nav, sort_keys=False, allow_unicode=True),
                                 encoding="utf-8")
    print(f"Wrote {len(site.pages)} page(s) to {out}/", file=sys.stderr)
    return 0
