"""`handbook render DIR`: a project a stock engine builds as it is (issue 23 item 1).

The example plans are rendered, DIR is built by plain `mkdocs build --strict` (no hook, no
macros plugin) and, when installed, by Zensical; each site has the pages of the normal
`handbook build` site with the same main text, sends no request off its origin, and DIR holds
nothing private. A second render removes what the first wrote and no longer writes, never a
file the user added or edited.
"""
from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from macros.publishing import build_session
from macros.publishing import page_macros as main
from macros.publishing.engines import ENGINES as ENGINE_NAMES
from macros.publishing.render_site import MANIFEST, THEME_SETTINGS, render_site

from .conftest import (ROOT, TODAY, every_page, make_project, mkdocs_build,
                       require_engine, serve, watched_page)
from .test_accessibility import HOSTILE_TITLE_PAGES, PAGE_KINDS, serious_violations
from .test_hostile_titles import PLAN, SITE_NAME, hostile_plans
from .test_page_truth import article
from .test_site import Page

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
ENGINES = ["mkdocs", "properdocs", "zensical"]
# How each engine's site may differ from the normal build, each with its reason.
DIFFERENCES = Path(__file__).parent / "engine_differences.yaml"
KINDS = {"page-list", "main-text", "axe"}


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
    # The variant is Zensical's alone (its classic look is Material's); MkDocs ignores it.
    assert config["theme"]["variant"] == "classic"
    own = ("custom_dir", "variant")
    assert {k: v for k, v in THEME_SETTINGS.items() if k not in own} == {
        k: v for k, v in ours.items() if k not in own}
    assert config["nav"][0] == {"Home": "index.md"}
    assert config["nav"][-1] == {"About this handbook": [
        {"How to read this handbook": "about.md"}, {"Macros for your own pages": "macros.md"}]}


def test_tool_pages_have_their_macros_rendered(rendered: Path):
    home = (rendered / "docs" / "index.md").read_text(encoding="utf-8")
    assert "{{" not in home and "render_macros" not in home
    assert "## Rules for everyone {#everyone}" in home
    assert home.startswith("---\nhide:\n  - navigation\n---\n")


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




# --- every engine: `handbook build --engine NAME` against the normal build -------------------


def engine_build(engine: str, where: Path, repository: Path = ROOT) -> Path:
    """`handbook build --engine` run in `repository` (its plans/), publishing `where`/site."""
    require_engine(engine)
    done = subprocess.run([sys.executable, "-m", "macros", "build", "--engine", engine,
                           "--site-dir", str(where / "site"), "--today", TODAY.isoformat()],
                          cwd=repository, env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return where / "site"


@pytest.fixture(scope="module", params=ENGINES)
def engine_site(request, tmp_path_factory) -> tuple[str, Path]:
    return request.param, engine_build(request.param, tmp_path_factory.mktemp(request.param))


def listed(engine: str) -> list[dict]:
    entries = yaml.safe_load(DIFFERENCES.read_text(encoding="utf-8"))["differences"]
    return [entry for entry in entries if entry["engine"] == engine]


def unexplained(found: set[tuple[str, str, str]], entries: list[dict], kinds: set[str]
                ) -> tuple[list[tuple[str, str, str]], list[dict]]:
    """The differences `found` (kind, page, axe rule or "") no entry lists, and the entries of
    those `kinds` that list no difference found."""
    def covers(entry: dict, difference: tuple[str, str, str]) -> bool:
        kind, page, rule = difference
        return (entry["kind"] == kind and fnmatch.fnmatchcase(page, entry["page"])
                and entry.get("rule", "") == rule)

    unlisted = sorted(d for d in found if not any(covers(e, d) for e in entries))
    stale = [e for e in entries if e["kind"] in kinds and not any(covers(e, d) for d in found)]
    return unlisted, stale


def site_differences(site: Path, normal: Path) -> set[tuple[str, str, str]]:
    ours, theirs = pages(site), pages(normal)
    found = {("page-list", path, "") for path in ours ^ theirs}
    return found | {("main-text", path, "") for path in sorted(ours & theirs)
                    if article(site, path) != article(normal, path)}


def test_the_differences_file_gives_every_entry_an_engine_a_kind_and_a_reason():
    entries = yaml.safe_load(DIFFERENCES.read_text(encoding="utf-8"))["differences"]
    for entry in entries:
        assert entry["engine"] in ENGINES and entry["kind"] in KINDS, entry
        assert entry["page"].strip() and entry["reason"].strip(), entry
        assert ("rule" in entry) == (entry["kind"] == "axe"), entry


def test_an_unlisted_difference_fails_and_so_does_a_listed_one_that_is_gone():
    found = {("main-text", "plans/a/index.html", ""), ("axe", "about/", "color-contrast")}
    entries = [{"kind": "main-text", "page": "plans/*/index.html", "reason": "r"},
               {"kind": "page-list", "page": "404.html", "reason": "r"},
               {"kind": "axe", "page": "about/", "rule": "aria-dialog-name", "reason": "r"}]
    assert unexplained(found, entries, {"main-text", "page-list"}) == (
        [("axe", "about/", "color-contrast")], [entries[1]])
    assert unexplained(found, entries[:1], KINDS) == ([("axe", "about/", "color-contrast")], [])


def test_every_engine_builds_the_normal_pages_with_the_same_main_text(
        engine_site: tuple[str, Path], example_site: Path):
    """MkDocs + Material, ProperDocs and Zensical on the rendered project: the page list and
    each page's main text are the normal build's, but for what engine_differences.yaml lists."""
    engine, site = engine_site
    assert len(pages(site)) > 40
    unlisted, stale = unexplained(site_differences(site, example_site), listed(engine),
                                  {"page-list", "main-text"})
    assert unlisted == [], f"{engine}: not in {DIFFERENCES.name}"
    assert stale == [], f"{engine}: listed in {DIFFERENCES.name} but no longer different"


def test_the_engine_build_makes_the_hooks_theme_fixes(engine_site: tuple[str, Path]):
    """No checkbox carries autocomplete (invalid HTML); a search dialog has a name (axe)."""
    engine, site = engine_site
    for path in sorted(site.rglob("*.html")):
        for tag, attrs in Page(path.read_text(encoding="utf-8")).tags:
            if tag == "input" and attrs.get("type") == "checkbox":
                assert "autocomplete" not in attrs, (engine, path)
            if attrs.get("role") == "dialog":
                assert attrs.get("aria-label"), (engine, path, attrs)


def test_no_request_leaves_the_origin_under_any_engine(engine_site: tuple[str, Path]):
    test_no_request_leaves_the_origin(engine_site[1])


@pytest.mark.browser
def test_every_page_of_every_engine_site_stays_on_its_origin(engine_site, browser):
    """Each page opened in Chromium: no request leaves the origin, no dialog opens."""
    engine, site = engine_site
    with serve(site) as site_origin:
        page, dialogs, foreign = watched_page(browser, site_origin)
        assert len(list(every_page(page, site_origin, site))) > 10
        page.context.close()
    assert dialogs == [] and foreign == [], engine


def axe_differences(browser, site: Path, paths: list[str], schemes: list[str]
                    ) -> set[tuple[str, str, str]]:
    with serve(site) as origin:
        return {("axe", path, violation.split(":")[0]) for scheme in schemes
                for path, violations in serious_violations(browser, origin, paths,
                                                           scheme).items()
                for violation in violations}


@pytest.mark.browser
@pytest.mark.parametrize("engine_site", ["zensical"], indirect=True)
def test_axe_finds_nothing_serious_on_the_zensical_site(engine_site, browser):
    engine, site = engine_site
    found = axe_differences(browser, site, PAGE_KINDS, ["light", "dark"])
    assert unexplained(found, listed(engine), {"axe"}) == ([], [])


@pytest.mark.browser
def test_hostile_titles_on_the_zensical_site_are_text_to_axe_and_open_no_dialog(
        browser, tmp_path: Path):
    """`handbook build --engine zensical` on plans titled `Q&A & R&D <img onerror=…> "x"`."""
    hostile_plans(tmp_path / "plans")
    site = engine_build("zensical", tmp_path, repository=tmp_path)
    assert not unexplained(axe_differences(browser, site, HOSTILE_TITLE_PAGES, ["light"]),
                           listed("zensical"), set())[0]
    with serve(site) as site_origin:
        page, dialogs, foreign = watched_page(browser, site_origin)
        for url in every_page(page, site_origin, site):
            if url == "plans/menu-drafts":
                assert page.title() == f"{PLAN} - {SITE_NAME}"
        page.context.close()
    assert dialogs == [] and foreign == []


def test_the_readme_moves_to_zensical_with_commands_that_exist():
    """README "Moving to Zensical": each `--engine` it names is one build takes, each extra it
    installs is one pyproject.toml defines, and the section points at the differences file."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    moving = readme.split("### Moving to Zensical", 1)[1].split("\n## ", 1)[0]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["optional-dependencies"]
    named = set(re.findall(r"rollout-handbook\[(\w+)\]", moving))
    assert named == {"zensical", "properdocs"} and named <= set(extras)
    assert set(re.findall(r"--engine (\w+)", moving)) == set(ENGINES) == set(ENGINE_NAMES)
    assert "handbook render out && cd out && zensical build" in moving
    assert DIFFERENCES.name in moving
    assert "docs_dir: plans" not in readme.split("## A repository of your own", 1)[1].split(
        "```yaml", 1)[1].split("```", 1)[0]
