"""`handbook render DIR`: a project a stock engine builds as it is (issue 23 item 1).

The example plans are rendered, DIR is built by plain `mkdocs build --strict` (no hook, no
macros plugin) and, when installed, by Zensical; each site has the pages of the normal
`handbook build` site with the same main text, sends no request off its origin, and DIR holds
nothing private. A second render removes what the first wrote and no longer writes, never a
file the user added or edited.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from macros import build_session, main
from macros.render_site import MANIFEST, THEME_SETTINGS, render_site

from .conftest import (ROOT, TODAY, every_page, make_project, mkdocs_build, serve,
                       watched_page, zensical)
from .test_page_truth import article
from .test_site import Page

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
# Pages of the normal build whose main text differs on purpose, with the reason. None today:
# the tool's pages are rendered with the same macros and the generated pages are the hook's.
DIFFERENT_TEXT: dict[str, str] = {}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rendered") / "handbook"
    assert render_site(ROOT / "plans", out, TODAY) == 0
    return out


@pytest.fixture(scope="module")
def plain_site(rendered: Path) -> Path:
    """DIR built by plain MkDocs: no hook, no macros, `--strict`."""
    site = rendered.parent / "plain-site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                           str(rendered / "mkdocs.yml"), "--site-dir", str(site)],
                          env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return site


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_the_project_is_a_config_and_a_docs_folder_with_nothing_private(rendered: Path):
    written = {p.relative_to(rendered).as_posix() for p in rendered.rglob("*") if p.is_file()}
    assert "mkdocs.yml" in written and MANIFEST in written
    assert {"docs/index.md", "docs/about.md", "docs/macros.md", "docs/stylesheets/handbook.css",
            "docs/javascripts/handbook.js", "docs/javascripts/search-worker.js",
            "docs/search/handbook.json", "overrides/main.html"} <= written
    assert not [p for p in written if p.endswith((".yaml", ".yml", ".csv"))
                and p != "mkdocs.yml"], "no plan, measurement, _org.yaml or nav.yml"
    private = {p.read_bytes() for p in (ROOT / "plans").iterdir() if p.is_file()}
    assert not [p for p in written if (rendered / p).read_bytes() in private]
    docs_text = "".join((rendered / p).read_text(encoding="utf-8") for p in written
                        if p.startswith("docs/"))
    assert "schema_version:" not in docs_text


def test_the_config_has_no_hook_no_plugin_but_search_and_the_repository_theme(rendered: Path):
    config = yaml.safe_load((rendered / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Northwind Traders AI handbook"
    assert "hooks" not in config and config["plugins"] == ["search"]
    assert config["theme"]["font"] is False
    ours = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["theme"]
    assert {k: v for k, v in THEME_SETTINGS.items() if k != "custom_dir"} == {
        k: v for k, v in ours.items() if k != "custom_dir"}
    assert config["nav"][0] == {"Home": "index.md"}
    assert config["nav"][-1] == {"About this handbook": [
        {"How to read this handbook": "about.md"}, {"Macros for your own pages": "macros.md"}]}


def test_tool_pages_have_their_macros_rendered(rendered: Path):
    home = (rendered / "docs" / "index.md").read_text(encoding="utf-8")
    assert "{{" not in home and "render_macros" not in home
    assert "## Rules for everyone {#everyone}" in home
    assert home.startswith("---\nhide:\n  - navigation\n---\n")


def test_plain_mkdocs_builds_the_same_pages_with_the_same_main_text(plain_site: Path,
                                                                      example_site: Path):
    assert pages(plain_site) == pages(example_site)
    for path in sorted(p for p in pages(example_site) if p.endswith("index.html")):
        if path in DIFFERENT_TEXT:
            continue
        assert article(plain_site, path) == article(example_site, path), path


def test_no_request_leaves_the_origin(plain_site: Path):
    """Every stylesheet, script, image and font is the site's own (links may point out)."""
    for path in sorted(plain_site.rglob("*.html")):
        for tag, attrs in Page(path.read_text(encoding="utf-8")).tags:
            loads = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
            assert not loads or not re.match(r"(https?:)?//", loads), (path, tag, attrs)
    for path in plain_site.rglob("*.css"):
        assert "fonts.googleapis" not in path.read_text(encoding="utf-8"), path


def test_a_deleted_plan_leaves_no_page_and_user_files_survive(tmp_path: Path):
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    out = tmp_path / "out"
    assert render_site(plans, out, TODAY) == 0
    stale = out / "docs" / "plans" / "marketing-drafts" / "index.md"
    assert stale.is_file()
    (out / "docs" / "notes.md").write_text("# Our notes\n", encoding="utf-8")
    edited = out / "docs" / "plans" / "marketing-drafts" / "evidence.md"
    edited.write_text("# Kept: a user edited this page\n", encoding="utf-8")
    (plans / "marketing-drafts.yaml").unlink()
    (plans / "marketing-drafts.measurements.csv").unlink()
    assert render_site(plans, out, TODAY) == 0
    assert not stale.exists() and not (out / "docs" / "plans" / "marketing-drafts" /
                                       "stages").exists()
    assert (out / "docs" / "notes.md").read_text(encoding="utf-8") == "# Our notes\n"
    assert edited.read_text(encoding="utf-8") == "# Kept: a user edited this page\n"
    left = [p.relative_to(out).as_posix() for p in (out / "docs").rglob("*")
            if "marketing-draft" in p.as_posix() and p.is_file()]
    assert left == ["docs/plans/marketing-drafts/evidence.md"]  # only the user's edit


def test_render_says_what_it_removed_and_what_it_kept(tmp_path: Path, capsys):
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    out = tmp_path / "out"
    assert render_site(plans, out, TODAY) == 0
    (out / "docs" / "plans" / "marketing-drafts" / "readiness.md").write_text("mine\n")
    (plans / "marketing-drafts.yaml").unlink()
    (plans / "marketing-drafts.measurements.csv").unlink()
    capsys.readouterr()
    assert render_site(plans, out, TODAY) == 0
    said = capsys.readouterr().err
    assert f"Removed {out}/docs/plans/marketing-drafts/index.md (no longer generated)" in said
    assert f"Kept {out}/docs/plans/marketing-drafts/readiness.md: edited since" in said


def test_render_never_overwrites_a_file_the_user_wrote(tmp_path: Path, capsys):
    out = tmp_path / "out"
    (out / "docs").mkdir(parents=True)
    (out / "docs" / "about.md").write_text("# Our own about page\n", encoding="utf-8")
    assert render_site(ROOT / "plans", out, TODAY) == 1
    said = capsys.readouterr().err
    assert f"{out}/docs/about.md: error: not written by `handbook render`" in said
    assert "hint: move the file" in said
    assert (out / "docs" / "about.md").read_text(encoding="utf-8") == "# Our own about page\n"
    assert not (out / "mkdocs.yml").exists() and not (out / MANIFEST).exists()


def test_a_macro_without_a_pipeline_run_aborts_instead_of_saying_the_plans_have_errors(
        monkeypatch):
    monkeypatch.setattr(build_session, "_active", [])
    macros = main.handbook_macros(lambda: main.page_fragments("index.md"))
    with pytest.raises(main.PipelineNotRun, match="plans were never read"):
        macros["plans_table"]()


def test_a_build_without_the_hook_fails_with_the_clear_error(tmp_path: Path):
    """The macros plugin without the hook (what Zensical does with `hooks:`): the build fails
    and says why; it never publishes the broken-plans notice for valid plans."""
    project = make_project(ROOT / "plans", tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "hooks:\n  - macros/publish.py\n", ""), encoding="utf-8")
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode != 0
    assert "the plans were never read" in done.stdout + done.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_macros_find_their_page_without_page_file():
    """Zensical's Page has `path` (the source path, checked with 0.0.73) and no `file`."""
    class ZensicalPage:
        url, path = "training/notes/", "training/notes.md"

    class MkDocsPage:
        class file:
            src_uri = "training/notes.md"

    assert main._page_path(ZensicalPage()) == main._page_path(MkDocsPage()) == \
        "training/notes.md"


@pytest.fixture(scope="module")
def zensical_site(rendered: Path) -> Path:
    """DIR built by Zensical (optional extra `zensical`: 0.0.73, the newest the package index
    installs), in a copy: Zensical writes DIR/site/ and a cache beside the config."""
    command = zensical()
    project = rendered.parent / "zensical"
    shutil.copytree(rendered, project)
    done = subprocess.run([command, "build", "-f", str(project / "mkdocs.yml")], env=ENV,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return project / "site"


def test_zensical_builds_the_same_pages(zensical_site: Path, plain_site: Path):
    site = zensical_site
    ours = {p for p in pages(plain_site) if p.endswith("index.html")}
    assert {p for p in pages(site) if p.endswith("index.html")} == ours
    for path in sorted(ours):
        assert article(site, path) == article(plain_site, path), path


@pytest.mark.browser
@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_every_page_of_the_rendered_site_stays_on_its_origin(engine: str, browser,
                                                             request):
    """Each page opened in Chromium: no request leaves the origin, no dialog opens."""
    site = request.getfixturevalue("plain_site" if engine == "mkdocs" else "zensical_site")
    with serve(site) as site_origin:
        page, dialogs, foreign = watched_page(browser, site_origin)
        assert len(list(every_page(page, site_origin, site))) > 10
        page.context.close()
    assert dialogs == [] and foreign == []
