"""Redirects: renamed plans, stages and training modules keep their old URLs working.

For every former id, a small static page at the old address sends the reader (and any
`#anchor` they followed) to the new one. Addresses are built from ids, which are slugs, so
nothing from plan text reaches this HTML.
"""
from __future__ import annotations

import json
import posixpath

from ..model.model import Handbook


def _page(target: str) -> str:
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>This page has moved</title>\n"
        f"<link rel=\"canonical\" href=\"{target}\">\n"
        f"<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n"
        f"<script>location.replace({json.dumps(target)} + location.hash)</script>\n"
        "</head>\n<body>\n"
        f"<p>This page has moved to <a href=\"{target}\">its new address</a>.</p>\n"
        "</body>\n</html>\n"
    )


def moved_page(target: str) -> str:
    """A page that sends the reader on to `target` (a relative address built from ids)."""
    return _page(target)


def redirects(hb: Handbook, pages: dict[str, str]) -> dict[str, str]:
    """Redirect pages by output path (e.g. plans/old-id/index.html)."""
    moves: dict[str, str] = {}  # old URL folder -> new URL folder

    def move(old: str, new: str) -> None:
        moves.setdefault(old, new)

    for plan in hb.plans.values():
        for old_plan in (plan.id, *plan.former_ids):
            for stage in plan.stages:
                for old_stage in (stage.id, *stage.former_ids):
                    move(f"plans/{old_plan}/stages/{old_stage}/",
                         f"plans/{plan.id}/stages/{stage.id}/")
            if old_plan != plan.id:
                move(f"plans/{old_plan}/", f"plans/{plan.id}/")
                move(f"plans/{old_plan}/readiness/", f"plans/{plan.id}/readiness/")
                move(f"plans/{old_plan}/print/", f"plans/{plan.id}/print/")
    for module in hb.modules.values():
        for old in module.former_ids:
            move(f"training/{old}/", f"training/{module.id}/")
    live = {_url_folder(src) for src in pages}
    return {old + "index.html": _page(posixpath.relpath(new, old) + "/")
            for old, new in moves.items() if old != new and old not in live}


def _url_folder(src: str) -> str:
    """plans/x/index.md -> plans/x/ ; plans/x/stages/y.md -> plans/x/stages/y/"""
    stem = src.removesuffix(".md")
    return (stem.removesuffix("index") if stem.endswith("index") else stem + "/")
