"""Plan titles are text wherever the theme prints them, in every layout.

A plan, stage, module, team and organisation name holding markup (`<img src=x onerror=…>`),
`&` and quotes is built three ways: this repository's hook with every theme feature Material
has on; the installed wheel in an organisation's own repository (`plugins: [handbook]`); and
the project `handbook render` writes, built with no hook by plain MkDocs, ProperDocs and
Zensical.
Each time, the visible text of the nav, header, breadcrumbs, `<title>` and h1 is the literal
title: no markup from it, and no double-escaped `&lt;` either.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import material
import pytest
import yaml

from macros.cli.init import MINIMAL_MKDOCS
from macros.publishing.render_site import render_site
from macros.render import text

from .conftest import (FIXTURES, TODAY, every_page, make_project, mkdocs_build, require_engine,
                       serve, watched_page, zensical)
from .test_package import outside_env, run
from .test_site import Page, Tree

MARKUP = "<img src=x onerror=alert(1)>"
PLAN = f'Q&A & R&D {MARKUP} "x"'
STAGE, TEAM, MODULE = f"{PLAN} stage", f"{PLAN} team", f"{PLAN} module"
SITE_NAME = f"{PLAN} org AI handbook"
NOTES = f"{PLAN} notes"  # a hand-written page
# The title-bearing pages, by their folder in the built site: the title each page shows, and
# its entry in the nav.
PAGES = {"plans/menu-drafts": (PLAN, PLAN),
         "plans/menu-drafts/stages/trial": (f"Stage 1: {STAGE}", f"1. {STAGE}"),
         "teams/shop": (TEAM, TEAM), "training/ai-basics": (MODULE, MODULE)}
# The pages whose breadcrumbs (navigation.path) name the plan.
UNDER_PLAN = ("plans/menu-drafts", "plans/menu-drafts/stages/trial")


def hostile_plans(where: Path) -> Path:
    """The hostile-titles fixture with `<b>` made an image with an event handler."""
    shutil.copytree(FIXTURES / "valid" / "hostile-titles", where)
    for path in where.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("<b>", MARKUP),
                        encoding="utf-8")
    return where


def material_features() -> list[str]:
    """Every theme feature the installed Material reads: the names its templates test
    (`"x" in features`) and the names its script asks for (one minified function, found by a
    feature it surely has)."""
    templates = Path(material.__file__).parent / "templates"
    names = set()
    for template in templates.rglob("*.html"):
        names |= set(re.findall(r'"([a-z]+(?:\.[a-z]+)+)" in features',
                                template.read_text(encoding="utf-8")))
    bundle = next((templates / "assets" / "javascripts").glob("bundle.*.min.js")).read_text(
        encoding="utf-8")
    feature = re.search(r'([\w$]+)\("navigation\.instant"\)', bundle).group(1)
    names |= set(re.findall(rf'(?<![\w$.]){re.escape(feature)}\("([a-z]+(?:\.[a-z]+)+)"\)',
                            bundle))
    assert {"navigation.path", "navigation.tabs", "navigation.sections", "navigation.indexes",
            "navigation.footer", "toc.integrate", "content.tabs.link"} <= names, names
    return sorted(names)


def with_features(config: str, features: list[str]) -> str:
    """A mkdocs.yml text with its theme's `features:` list replaced by `features`."""
    listed = "".join(f"\n    - {name}" for name in features)
    if "  features:\n" in config:
        return re.sub(r"  features:\n(    - .*\n)+", f"  features:{listed}\n", config)
    return re.sub(r"(  name: material.*)\n", rf"\1\n  features:{listed}\n", config, count=1)


def assert_titles_are_text(site: Path, site_name: str, *, permalink: str = "¶",
                           attributes_once: bool = True) -> None:
    """No page carries markup from a title, and each title-bearing page shows its title, the
    site name and the breadcrumbs as written. `attributes_once`: attribute values hold the
    titles escaped exactly once too (the stock theme's own `| e` doubles them in the footer's
    aria-label, which is not visible text)."""
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "<img src=x" not in index and "&amp;lt;" not in index
    for path in sorted(site.rglob("*.html")):
        raw = path.read_text(encoding="utf-8")
        assert "<img src=x" not in raw, path
        page = Page(raw)
        for tag, attrs in page.tags:
            assert tag != "img" and not [a for a in attrs if a.startswith("on")], (path, tag)
            if attributes_once:
                assert not [v for v in attrs.values() if v and "&lt;" in v], (path, tag, attrs)
        assert "&lt;" not in page.visible and "&amp;" not in page.visible, path
    for folder, (title, in_nav) in PAGES.items():
        page = Tree((site / folder / "index.html").read_text(encoding="utf-8"))
        assert page.texts("title")[0] == f"{title} - {site_name}", folder
        assert page.texts("div", "md-header__topic") == [site_name, title], folder
        assert page.texts("h1") == [title + permalink], folder
        nav = page.texts("a", "md-nav__link") + page.texts("label", "md-nav__link")
        assert in_nav in nav, (folder, nav)
        if folder in UNDER_PLAN:
            assert PLAN in page.texts("a", "md-path__link"), folder


# --- this repository's hook, every theme feature ----------------------------------------------


@pytest.mark.parametrize("pruned", [True, False], ids=["every-feature", "all-but-prune"])
def test_every_theme_feature_prints_titles_as_text(tmp_path: Path, pruned: bool):
    """navigation.prune renders only the open part of the nav; without it every section is
    rendered, through other branches of the nav partial. Tabs show top-level entries and the
    tags plugin lists tagged pages: neither ever holds a plan title, so a hand-written page at
    the top level, tagged, whose title (from its heading) is as hostile, stands in for one."""
    features = [f for f in material_features() if pruned or f != "navigation.prune"]
    project = make_project(hostile_plans(tmp_path / "plans"), tmp_path)
    docs = project / "docs"
    (docs / "notes.md").write_text(f"---\ntags: [rollout]\n---\n\n# {text.inline(NOTES)}\n",
                                   encoding="utf-8")
    (docs / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(with_features(config.read_text(encoding="utf-8"), features).replace(
        "  - Home: index.md\n", "  - Home: index.md\n  - notes.md\n  - tags.md\n").replace(
        "plugins:\n  - search\n", "plugins:\n  - search\n  - tags\n"), encoding="utf-8")
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert_titles_are_text(tmp_path / "site", SITE_NAME)
    home = Tree((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    assert NOTES in home.texts("a", "md-tabs__link")
    listing = Tree((tmp_path / "site" / "tags" / "index.html").read_text(encoding="utf-8"))
    assert NOTES in listing.texts("a")


# --- `handbook render`: the project as written, built by plain MkDocs and by Zensical --------


def _rendered_hostile(tmp_path: Path) -> Path:
    """The project render writes for the hostile titles, with every theme feature on
    (breadcrumbs, tabs, sections… print titles through more templates)."""
    out = tmp_path / "out"
    assert render_site(hostile_plans(tmp_path / "plans"), out, TODAY) == 0
    return every_feature_on(out)


def every_feature_on(out: Path) -> Path:
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["features"] = material_features()
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                    encoding="utf-8")
    return out


def _assert_built_titles_are_text(tmp_path: Path, engine: str) -> None:
    """The rendered hostile project built --strict by `engine` (a MkDocs-compatible command):
    every title is text, escaped exactly once."""
    out = _rendered_hostile(tmp_path)
    built = subprocess.run([sys.executable, "-m", engine, "build", "--strict", "-f",
                            str(out / "mkdocs.yml")], capture_output=True, text=True,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stderr[-3000:]
    assert_titles_are_text(out / "site", SITE_NAME)


def test_render_builds_titles_as_text_with_plain_mkdocs(tmp_path: Path):
    """DIR/mkdocs.yml as render wrote it (its overrides escape the plain titles), every
    feature on, built by MkDocs with no hook: every title is text, escaped exactly once."""
    _assert_built_titles_are_text(tmp_path, "mkdocs")


def test_render_builds_titles_as_text_with_properdocs(tmp_path: Path):
    """The same project under ProperDocs (optional extra `properdocs`), Material as its theme:
    every title is text, escaped exactly once, as under MkDocs."""
    require_engine("properdocs")
    _assert_built_titles_are_text(tmp_path, "properdocs")


def test_render_builds_titles_as_text_with_zensical(tmp_path: Path):
    """The same project under Zensical (optional extra `zensical`): no markup from a title,
    and no title shown escaped twice."""
    command = zensical()
    out = _rendered_hostile(tmp_path)
    built = subprocess.run([command, "build", "-f", str(out / "mkdocs.yml")],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    for path in sorted((out / "site").rglob("*.html")):
        page = Page(path.read_text(encoding="utf-8"))
        for tag, attrs in page.tags:
            assert tag != "img" and not [a for a in attrs if a.startswith("on")], (path, tag)
        assert "&lt;" not in page.visible and "&amp;" not in page.visible, path
    plan = Tree((out / "site" / "plans" / "menu-drafts" / "index.html").read_text(
        encoding="utf-8"))
    assert plan.texts("title")[0] == f"{PLAN} - {SITE_NAME}"
    assert PLAN in plan.texts("h1")[0]


# --- the installed wheel: an organisation's own repository, and render + plain MkDocs -------


@pytest.fixture(scope="module")
def wheel_site(venv: Path, tmp_path_factory) -> Path:
    """The organisation's repository (mkdocs.yml as `handbook init` writes it, with the
    breadcrumbs, tabs, sections, indexes and footer on) built by the installed `handbook`."""
    org = tmp_path_factory.mktemp("own-repository")
    hostile_plans(org / "plans")
    features = ["navigation.path", "navigation.tabs", "navigation.sections",
                "navigation.indexes", "navigation.footer", "toc.integrate"]
    (org / "mkdocs.yml").write_text(with_features(MINIMAL_MKDOCS, features), encoding="utf-8")
    (org / "docs").mkdir()
    built = run(venv, "build", cwd=org, env=outside_env(org))
    assert built.returncode == 0, built.stderr[-3000:]
    return org / "site"


def test_installed_wheel_prints_titles_as_text_in_an_own_repository(wheel_site: Path):
    assert_titles_are_text(wheel_site, SITE_NAME)


def test_render_from_the_installed_wheel_builds_with_plain_mkdocs(venv: Path, tmp_path: Path):
    """`handbook render out` from the wheel, then plain MkDocs on out/mkdocs.yml (every theme
    feature on): no hook, no plugin but search, the overrides render wrote beside the pages."""
    org = tmp_path / "org"
    hostile_plans(org / "plans")
    env = outside_env(tmp_path)
    rendered = run(venv, "render", "out", cwd=org, env=env)
    assert rendered.returncode == 0, rendered.stderr
    every_feature_on(org / "out")
    built = subprocess.run([str(venv / "bin" / "mkdocs"), "build", "--strict", "-f",
                            "out/mkdocs.yml"], cwd=org, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    assert_titles_are_text(org / "out" / "site", SITE_NAME)


@pytest.mark.browser
def test_installed_wheel_site_opens_no_dialog(browser, wheel_site: Path):
    """The dialog canary: every page of the wheel-built site, opened in Chromium; the
    document title is the literal plan title, and `onerror=alert(1)` never fires."""
    with serve(wheel_site) as site_origin:
        page, dialogs, foreign = watched_page(browser, site_origin)
        for url in every_page(page, site_origin, wheel_site):
            if url == "plans/menu-drafts":
                assert page.title() == f"{PLAN} - {SITE_NAME}"
                assert page.locator(".md-header__topic").last.inner_text() == PLAN
        page.context.close()
    assert dialogs == [] and foreign == []
