"""End to end: the real MkDocs build of fixture plans, asserted on the HTML it writes."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from .conftest import FIXTURES, ROOT, TODAY, add_page, make_project

# The theme's bundle, and our own docs/javascripts/ (404.html uses absolute paths).
THEME_SCRIPT = re.compile(r"^/?(\.\./)*(assets/)?javascripts/")


class Page(HTMLParser):
    """Every tag with its attributes, every script's text, and the visible text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- plan text is data --------------------------------------------------------------------------


def test_plan_text_runs_nothing(hostile_site: Path):
    for path in html_files(hostile_site):
        page = Page(path.read_text(encoding="utf-8"))
        for tag, attrs in page.tags:
            assert tag not in ("iframe", "img", "object", "embed"), (path, tag, attrs)
            assert not [a for a in attrs if a.startswith("on")], (path, tag, attrs)
            for key in ("href", "src", "action", "formaction"):
                value = (attrs.get(key) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (path, attrs)
            if tag == "script" and attrs.get("src"):
                assert THEME_SCRIPT.match(attrs["src"]), (path, attrs)
        assert not [s for s in page.scripts if "alert" in s], path


def test_plan_text_is_shown_exactly_as_written(hostile_site: Path):
    page = Page((hostile_site / "plans/hostile-text/index.html").read_text(encoding="utf-8"))
    text = page.visible
    assert "<script>alert('title')</script> {{ config.site_name }} | *bold*" in text
    assert "Use the <ticket-id> format. {% include 'x' %} <img src=x onerror=alert(1)>" in text
    assert "Draft text {: onclick=\"alert(1)\" } and {{ 7*7 }}" in text
    assert "<iframe src=//evil></iframe>" in text
    assert "{{ lipsum() }}" in text and "مرحبا — right-to-left text" in text
    assert "Emoji 🚫🤖" in text
    assert "# Not a heading" in text


def test_table_cells_stay_one_cell(hostile_site: Path):
    html = (hostile_site / "plans/hostile-text/index.html").read_text(encoding="utf-8")
    row = re.search(r"<tr>\s*<td>Purpose</td>(.*?)</tr>", html, re.S).group(1)
    assert row.count("<td") == 1
    assert "Pipes | split | cells" in Page(row).visible


def test_training_markdown_keeps_formatting_and_drops_active_content(hostile_site: Path):
    html = (hostile_site / "training/hostile-training/index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert '<a href="https://example.com" rel="noopener noreferrer">good link</a>' in html
    assert '<a href="javascript:alert(8)">raw link</a>' in page.visible  # shown, not a link
    assert "<script>alert(4)</script>" in page.visible  # shown, not run
    assert "{{ config }}" in page.visible
    assert "<code>&lt;ticket-id&gt;</code>" in html


# --- the example handbook -------------------------------------------------------------------------


def example_plans() -> list[str]:
    return sorted(p.stem for p in (ROOT / "plans").glob("*.yaml") if not p.name.startswith("_"))


def test_every_page_kind_is_at_its_stable_url(example_site: Path):
    import yaml

    for plan_id in example_plans():
        plan = yaml.safe_load((ROOT / "plans" / f"{plan_id}.yaml").read_text(encoding="utf-8"))
        assert (example_site / "plans" / plan_id / "index.html").exists()
        for stage in plan["stages"]:
            assert (example_site / "plans" / plan_id / "stages" / stage["id"] / "index.html").exists()
        for module in plan.get("training", {}).get("modules", []):
            assert (example_site / "training" / module["id"] / "index.html").exists()
    org = yaml.safe_load((ROOT / "plans" / "_org.yaml").read_text(encoding="utf-8"))
    for team in org["teams"]:
        assert (example_site / "teams" / team["id"] / "index.html").exists()
    for page in ("uses", "tools", "contacts", "training", "teams", "plans"):
        assert (example_site / page / "index.html").exists()


def test_uses_page_has_an_anchor_per_use(example_site: Path):
    import yaml

    html = (example_site / "uses" / "index.html").read_text(encoding="utf-8")
    ids = {attrs.get("id") for _, attrs in Page(html).tags}
    for plan_id in example_plans():
        plan = yaml.safe_load((ROOT / "plans" / f"{plan_id}.yaml").read_text(encoding="utf-8"))
        for kind in ("allowed", "prohibited"):
            for use in plan["uses"][kind]:
                assert f"{plan_id}--{use['id']}" in ids


def test_the_home_page_opens_with_the_rules_for_everyone(example_site: Path):
    """Staff come for what they may and must never do: the rules for everyone are the first
    section of the home page, then "find your team", with their stable anchors."""
    page = Page((example_site / "index.html").read_text(encoding="utf-8"))
    main = [(tag, attrs.get("id")) for tag, attrs in page.tags if tag in ("h1", "h2")]
    h2 = [anchor for tag, anchor in main if tag == "h2"]
    assert h2[0] == "everyone" and h2.index("everyone") < h2.index("find-your-team")
    assert "rollout-plans" not in h2 and "readiness" not in h2  # governance's, on /governance/
    ids = {attrs.get("id") for _, attrs in page.tags}
    assert {"everyone-approved", "everyone-restricted", "everyone-prohibited", "everyone-never",
            "everyone-review", "everyone-report", "everyone-ask"} <= ids
    text = page.visible
    assert "Free consumer chatbots (any) — Why not: Do not use for work." in text
    assert "Passwords or security answers" in text


def test_no_macro_error_reaches_a_page(example_site: Path):
    for path in html_files(example_site):
        text = path.read_text(encoding="utf-8")
        assert "Macro Rendering Error" not in text and "Traceback" not in text, path


def test_nothing_is_loaded_from_another_origin(example_site: Path):
    external = re.compile(r"^(https?:)?//", re.I)
    for path in html_files(example_site):
        for tag, attrs in Page(path.read_text(encoding="utf-8")).tags:
            if tag in ("script", "img", "iframe", "source", "audio", "video"):
                assert not external.match(attrs.get("src", "")), (path, tag, attrs)
            if tag == "link" and attrs.get("rel") in ("stylesheet", "preconnect", "preload",
                                                       "icon", "modulepreload"):
                assert not external.match(attrs.get("href", "")), (path, attrs)
    for css in example_site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css
        assert "@import" not in css.read_text(encoding="utf-8") or "http" not in css.read_text(
            encoding="utf-8"), css


def test_escalation_paths_are_said_once_as_numbered_steps(example_site: Path):
    """On the plan page each path is its steps, in order, with how to reach each contact: once
    (a diagram beside a table of the same steps said everything twice)."""
    for plan_id in example_plans():
        html = (example_site / "plans" / plan_id / "index.html").read_text(encoding="utf-8")
        part = html.split('id="escalation"', 1)[1].split("<h2", 1)[0]
        assert "escalation-diagram" not in part, plan_id
        steps = re.findall(r"<ol>(.*?)</ol>", part, re.S)
        assert steps, plan_id
        for ordered in steps:
            assert "mailto:" in ordered and " — within " in ordered, plan_id


def test_the_escalation_macro_draws_a_diagram_with_text_alternatives(example_site: Path):
    html = (example_site / "macros" / "index.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg class=\"escalation-diagram\".*?</svg>", html, re.S)
    assert svgs
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg


# --- a failed build leaves the last good site -------------------------------------------------------


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_failed_build_keeps_the_last_good_site(tmp_path: Path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)

    def build() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "macros", "build", "--today",
                               TODAY.isoformat()], cwd=project, capture_output=True, text=True)

    assert build().returncode == 0
    good = tree_digest(project / "site")
    plan = project / "plans" / "menu-drafts.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("owner: ana-silva", "owner: nobody"),
                    encoding="utf-8")
    failed = build()
    assert failed.returncode == 1
    assert "menu-drafts.yaml:7:8: error: owner: 'nobody' is not a person" in failed.stderr
    assert tree_digest(project / "site") == good
    assert not [p for p in project.iterdir() if p.name.startswith((".site-new", ".site-old"))]
    live = (project / "site").resolve()
    assert [p for p in (project / ".site-builds").iterdir() if p.name != ".lock"] == [live]


def test_a_macro_error_fails_the_build(tmp_path: Path):
    from .conftest import mkdocs_build

    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    (project / "docs" / "onboarding.md").write_text(
        "---\nrender_macros: true\n---\n# Onboarding\n\n{{ allowed_uses('no-such-plan') }}\n",
        encoding="utf-8")
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode != 0
    assert ("docs/onboarding.md:6:17: error: allowed_uses: 'no-such-plan' is not a plan"
            in done.stderr)
    assert "Traceback" not in done.stderr


def test_pages_without_opt_in_are_not_templates(tmp_path: Path):
    from .conftest import mkdocs_build

    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    add_page(project, "notes.md", "# Notes\n\nWrite {{ config.site_name }} to show the site "
             "name.\n", nav_title="Notes")
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "site" / "notes" / "index.html").read_text(encoding="utf-8")
    assert "{{ config.site_name }}" in html


def test_every_macro_is_documented_with_an_example():
    from .conftest import defined_macros

    names = list(defined_macros())
    guide = (ROOT / "docs" / "macros.md").read_text(encoding="utf-8")
    assert len(names) >= 10
    for name in names:
        assert f"| `{name}(" in guide, f"{name} is missing from the table"
        assert f"\n{{{{ {name}(" in guide or f"\n{{% set ex = {name}(" in guide, (
            f"{name} has no live example")


def test_two_builds_of_the_same_plans_are_byte_identical(tmp_path: Path):
    """The date is an input (current stage, overdue banners, the timeline's 'today' line); with
    it fixed, nothing else may vary between builds: no timestamps, no random ids."""
    from .conftest import mkdocs_build

    project = make_project(ROOT / "plans", tmp_path)
    first, second = tmp_path / "one", tmp_path / "two"
    assert mkdocs_build(project, first).returncode == 0
    assert mkdocs_build(project, second).returncode == 0
    assert tree_digest(first) == tree_digest(second)
    assert sorted(p.relative_to(first) for p in first.rglob("*")) == sorted(
        p.relative_to(second) for p in second.rglob("*"))


# --- titles are escaped exactly once, wherever the theme shows them ----------------------------

HOSTILE_TITLE = 'Q&A & R&D <b> "x"'
HOSTILE_SITE_NAME = f"{HOSTILE_TITLE} org AI handbook"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Tree(HTMLParser):
    """Every element with its attributes and its text (descendants' text included), as the
    browser would read them: one level of escaping undone. Text still holding `&amp;` was
    escaped twice; a `<b>` parsed as a tag (so missing from the text) was not escaped at all."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, list[str]]] = []
        self._open: list[tuple[str, dict, list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = (tag, dict(attrs), [])
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element[2].append(data)

    def find(self, tag: str, css_class: str = "", **attrs: str) -> list[tuple[dict, str]]:
        return [(a, " ".join("".join(text).split())) for t, a, text in self.elements
                if t == tag and css_class in (a.get("class") or "").split() + [""]
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def texts(self, tag: str, css_class: str = "", **attrs: str) -> list[str]:
        return [text for _, text in self.find(tag, css_class, **attrs)]


def tree(site: Path, page: str) -> Tree:
    return Tree((site / page / "index.html").read_text(encoding="utf-8"))


def test_the_page_title_is_escaped_once_in_title_and_header(hostile_titles_site: Path):
    page = tree(hostile_titles_site, "plans/menu-drafts")
    assert page.texts("title")[0] == f"{HOSTILE_TITLE} - {HOSTILE_SITE_NAME}"  # then SVG titles
    assert page.texts("div", "md-header__topic") == [HOSTILE_SITE_NAME, HOSTILE_TITLE]
    logos = page.find("a", "md-logo")
    assert logos and all(a["aria-label"] == a["title"] == HOSTILE_SITE_NAME for a, _ in logos)
    assert page.texts("h1") == [HOSTILE_TITLE + "¶"]  # the heading and its permalink sign


def test_nav_titles_are_escaped_once(hostile_titles_site: Path):
    plan = tree(hostile_titles_site, "plans/menu-drafts")
    links = plan.texts("a", "md-nav__link") + plan.texts("label", "md-nav__link")
    assert HOSTILE_TITLE in links and f"1. {HOSTILE_TITLE} stage" in links
    assert HOSTILE_TITLE in plan.texts("label", "md-nav__title")  # the open section's heading
    assert HOSTILE_SITE_NAME in plan.texts("label", "md-nav__title")
    assert f"{HOSTILE_TITLE} team" in tree(hostile_titles_site, "teams/shop").texts(
        "a", "md-nav__link")
    assert f"{HOSTILE_TITLE} module" in tree(hostile_titles_site, "training/ai-basics").texts(
        "a", "md-nav__link")


def test_footer_links_are_labelled_with_the_title_escaped_once(hostile_titles_site: Path):
    stage = f"1. {HOSTILE_TITLE} stage"
    plan = tree(hostile_titles_site, "plans/menu-drafts")
    [(label, text)] = plan.find("a", "md-footer__link--next")
    assert label["aria-label"] == f"Next: {stage}" and text == f"Next {stage}"
    training = tree(hostile_titles_site, "training")
    [(label, text)] = training.find("a", "md-footer__link--prev")
    assert label["aria-label"] == f"Previous: {HOSTILE_TITLE} team"
    assert text == f"Previous {HOSTILE_TITLE} team"


def test_the_search_index_holds_titles_escaped_once(hostile_titles_site: Path):
    import html
    import json

    index = json.loads((hostile_titles_site / "search" / "search_index.json").read_text(
        encoding="utf-8"))
    titles = {doc["location"]: doc["title"] for doc in index["docs"]}
    # The theme shows index titles as HTML: once-escaped is `&amp;` and `&lt;`, never more.
    assert titles["plans/menu-drafts/"] == html.escape(HOSTILE_TITLE, quote=False)
    assert titles["training/ai-basics/"] == html.escape(f"{HOSTILE_TITLE} module", quote=False)
    assert titles["teams/shop/"] == html.escape(f"{HOSTILE_TITLE} team", quote=False)
    assert titles["plans/menu-drafts/stages/trial/"] == html.escape(
        f"Stage 1: {HOSTILE_TITLE} stage", quote=False)


def test_a_title_taken_from_the_first_heading_is_escaped_once(tmp_path: Path):
    """A nav entry without a title takes the page's first heading, which MkDocs keeps as HTML;
    the hook makes it plain text like every other title, so the theme escapes it once."""
    from .conftest import mkdocs_build

    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    add_page(project, "notes.md", "# Q&A & R&D\n\nNotes.\n")
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    notes = tree(tmp_path / "site", "notes")
    assert notes.texts("title")[0] == "Q&A & R&D - Fixture Bakery AI handbook"
    assert "Q&A & R&D" in notes.texts("a", "md-nav__link")
    [(label, _)] = tree(tmp_path / "site", "about").find("a", "md-footer__link--next")
    assert label["aria-label"] == "Next: Q&A & R&D"
