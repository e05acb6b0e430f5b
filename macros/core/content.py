"""Training content: the one plan field written in Markdown, turned into safe HTML.

Python-Markdown turns the editor's Markdown into HTML (raw HTML in the source is not
interpreted: it is shown as text), then nh3 (Ammonia) keeps only an allowlist of tags, attributes
and link schemes. The sanitiser, not anything that reads the Markdown source, is what stands
between plan text and the reader's browser. The check runs this same function and reports every
link or image the sanitiser removed, so a plan that checks clean is published exactly as written.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

import markdown as python_markdown
import nh3
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

# The site's own Markdown extensions that make sense inside a module's text. Not attr_list (it
# writes arbitrary attributes), not toc (content headings would take ids the page uses).
EXTENSIONS = ["tables", "fenced_code", "admonition"]
SCHEMES = {"https", "http", "mailto"}  # and relative links, which Ammonia keeps as they are
ADMONITIONS = {"note", "abstract", "info", "tip", "success", "question", "warning", "failure",
               "danger", "bug", "example", "quote"}
# No img, iframe, media, style or form elements: nothing in content can load from elsewhere.
TAGS = {"h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
        "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "div"}
_MARK = "data-handbook-mark"  # numbers each link between the two sanitiser passes
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
CLASSES = {"div": {"admonition", *ADMONITIONS}, "p": {"admonition-title"}}
WRAPPER = "handbook-content"
_LINE_NOT_A_TAG = re.compile(r"\n(?!<)")
# Python-Markdown scans from every '[' (and from a link's '(') to its closer or to the end of
# the paragraph: its time grows with the size times the brackets left open in a paragraph.
# Content beyond these limits never reaches it, so a small plan cannot make a long build.
MAX_CHARS = 30_000
MAX_OPEN_BRACKETS = 16


@dataclass(frozen=True)
class Finding:
    """A link or image the sanitiser removed or changed: what the editor wrote, and why."""

    kind: str  # "link" or "image"
    target: str  # as written in the plan
    reason: str
    published: str | None = None  # the target that is published instead, if any
    hint: str | None = None  # what to do, when the kind's usual advice does not fit


class _Links(Treeprocessor):
    """Demotes headings below the page's own sections; numbers links and records images."""

    def __init__(self, md: python_markdown.Markdown):
        super().__init__(md)
        self.targets: list[tuple[str, str]] = []  # (kind, target as written), in page order

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag in ("h1", "h2"):
                element.tag = "h3"
            elif element.tag == "a":
                element.set(_MARK, str(len(self.targets)))
                href = element.get("href", "")
                if AMP_SUBSTITUTE in href:  # an e-mail autolink, each character a reference
                    href = html.unescape(href.replace(AMP_SUBSTITUTE, "&"))
                self.targets.append(("link", href))
            elif element.tag == "img":
                self.targets.append(("image", element.get("src", "")))


class _Anchors(HTMLParser):
    """href of each numbered link in an HTML fragment (None when it has none)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.hrefs: dict[str, str | None] = {}
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get(_MARK) is not None:
            self.hrefs.setdefault(found[_MARK], found.get("href"))


def _clean(fragment: str, *, marked: bool) -> str:
    attributes = {tag: set(names) for tag, names in ATTRIBUTES.items()}
    if marked:
        attributes["a"].add(_MARK)
    return nh3.clean(fragment, tags=TAGS, attributes=attributes, url_schemes=SCHEMES,
                     allowed_classes=CLASSES, strip_comments=True,
                     link_rel="noopener noreferrer")


def scheme_of(target: str) -> str:
    """The scheme a browser would read in `target` ("" for a relative link), for messages:
    character references decoded, tabs and newlines dropped, case folded."""
    url = html.unescape(target).strip("".join(map(chr, range(0x21))))  # C0 controls, space
    url = "".join(c for c in url if c not in "\t\n\r").lower()
    head, colon, _ = url.partition(":")
    if colon and head[:1].isalpha() and all(c.isalnum() or c in "+.-" for c in head):
        return head
    return ""


def _link_reason(target: str) -> str:
    scheme = scheme_of(target)
    if scheme and scheme not in SCHEMES:
        return f"{scheme}: links are not allowed"
    return "it is not a valid address"


_IN_HEADING = "Move the link out of the heading, into the text under it."


def _image_reason(target: str) -> str:
    outside = scheme_of(target) in ("http", "https") or html.unescape(target).startswith("//")
    return ("images from outside the handbook are not shown" if outside
            else "images are not shown in training content")


def _converter() -> tuple[python_markdown.Markdown, _Links]:
    md = python_markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    # Raw HTML in the source is text to show ("use the <ticket-id> format"), not markup.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    links = _Links(md)
    md.treeprocessors.register(links, "handbook-links", 5)  # after inline patterns made links
    return md, links


def unsanitised(text: str) -> str:
    """What Markdown alone makes of the content, before the sanitiser (for tests to compare)."""
    return _converter()[0].convert(text.replace("\r\n", "\n"))


def over_limit(text: str) -> tuple[int, str, str] | None:
    """Why Markdown must not see this content, if it must not: (the content's line, 0-based;
    message; hint). Linear in the text; the check reports it as an error."""
    if len(text) > MAX_CHARS:
        return (0, (f"the content has {len(text)} characters; training content may have at "
                    f"most {MAX_CHARS}"),
                "Split it into several modules, or link to a longer guide.")
    brackets = parentheses = 0
    for number, line in enumerate(text.split("\n")):
        if not line.strip():  # a blank line ends the paragraph, and with it every scan
            brackets = parentheses = 0
            continue
        for char in line:
            if char == "[":
                brackets += 1
            elif char == "]":
                brackets = max(brackets - 1, 0)
            elif char == "(":
                parentheses += 1
            elif char == ")":
                parentheses = max(parentheses - 1, 0)
            if brackets + parentheses > MAX_OPEN_BRACKETS:
                return (number, (f"more than {MAX_OPEN_BRACKETS} brackets '[' or parentheses "
                                 "'(' are open at once in one paragraph"),
                        ("Close each '[' and '(' where it belongs, or write the text as plain "
                         "sentences; a blank line also ends a paragraph."))
    return None


def _plain(text: str) -> str:
    """Content over the limits, shown as the text it is (the check refuses it)."""
    return "".join(f"<p>{html.escape(part)}</p>" for part in text.split("\n\n") if part.strip())


def render(text: str) -> tuple[str, list[Finding]]:
    """Sanitised HTML for a module's Markdown, and what the sanitiser removed or changed."""
    html_text, findings = _rendered(text)
    return html_text, list(findings)


# Each module's text is rendered for its page, its plan's pages and the check; a serve rebuild
# after an edit renders them all again. The result depends on the text alone.
@lru_cache(maxsize=4096)
def _rendered(text: str) -> tuple[str, tuple[Finding, ...]]:
    if over_limit(text) is not None:
        return _plain(text), ()
    md, links = _converter()
    raw = md.convert(text.replace("\r\n", "\n"))
    marked = _clean(raw, marked=True)
    written, kept = _Anchors(raw).hrefs, _Anchors(marked).hrefs
    # A heading that stands on its own becomes a page heading, as plain text (see `sections`).
    in_headings = {mark for *_, marks in _TopHeadings(marked).found for mark in marks}
    findings = []
    for number, (kind, target) in enumerate(links.targets):
        if kind == "image":  # no image is ever kept: TAGS has no img
            findings.append(Finding("image", target, _image_reason(target)))
            continue
        before, after = written.get(str(number)), kept.get(str(number))
        if after is None and before:
            findings.append(Finding("link", target, _link_reason(target)))
        elif str(number) in in_headings and after is not None:
            findings.append(Finding("link", target, "a heading is shown as plain text, so a "
                                                    "link in it is not kept", hint=_IN_HEADING))
        elif after != before and before is not None:
            findings.append(Finding("link", target, "the sanitiser changed its address", after))
    return _unwrap_hrefless(_clean(marked, marked=False)), tuple(findings)


class _Located(HTMLParser):
    """An HTML parser that knows the offset in the fragment of the tag it is at."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [i + 1 for i, c in enumerate(fragment) if c == "\n"]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column


class _TopHeadings(_Located):
    """Where each heading outside any other element starts and ends, its text, and the marks
    of the links in it (see `_MARK`)."""

    VOID = {"br", "hr"}

    def __init__(self, fragment: str):
        super().__init__(fragment)
        self.depth = 0
        self.found: list[tuple[int, int, int, str, list[str]]] = []  # start, end, level, text…
        self.open: tuple[int, str, list[str], list[str]] | None = None
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth == 0 and tag in ("h3", "h4", "h5", "h6"):
            self.open = (self._offset(), tag, [], [])
        elif self.open and tag == "a" and dict(attrs).get(_MARK) is not None:
            self.open[3].append(dict(attrs)[_MARK])
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1
        if self.depth == 0 and self.open and tag == self.open[1]:
            start, _, words, marks = self.open
            end = self._offset() + len(f"</{tag}>")
            shown = " ".join("".join(words).split())
            if shown:  # a heading left empty (its image removed) stays where it is
                self.found.append((start, end, int(tag[1]), shown, marks))
            self.open = None

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[2].append(data)


class _Hrefless(_Located):
    """Where the tags of each link without an address are (the sanitiser removed it)."""

    def __init__(self, fragment: str):
        super().__init__(fragment)
        self.text, self.tags, self.links = fragment, [], []  # tags: (start, end)
        self.feed(fragment)
        self.close()

    def _tag_here(self) -> tuple[int, int]:
        start = self._offset()
        return start, self.text.index(">", start) + 1

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            hrefless = dict(attrs).get("href") is None
            self.links.append(hrefless)
            if hrefless:
                self.tags.append(self._tag_here())

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links and self.links.pop():
            self.tags.append(self._tag_here())


def _unwrap_hrefless(fragment: str) -> str:
    """A link whose address the sanitiser removed becomes its text: an <a> without href is no
    link to a reader and an error to an HTML checker."""
    out, done = [], 0
    for start, end in sorted(_Hrefless(fragment).tags):
        out.append(fragment[done:start])
        done = end
    return "".join(out) + fragment[done:]


def sections(text: str) -> list[tuple[int, str]]:
    """The sanitised content in page order: (level, text) for each heading that stands on its
    own, so the page can make it a heading of its own table of contents, and (0, HTML) for
    what lies between."""
    body, _ = render(text)
    out: list[tuple[int, str]] = []
    done = 0
    for start, end, level, words, _ in _TopHeadings(body).found:
        out += [(0, body[done:start]), (level, words)]
        done = end
    out.append((0, body[done:]))
    return [(level, value) for level, value in out if level or value.strip()]


def embed(fragment: str) -> str:
    """Sanitised HTML as one block that the page's Markdown passes through untouched.

    Character references (the same characters to a browser) keep the page's Markdown and any
    template engine away: braces, so nothing sees `{{`; tabs, which Markdown would expand; and
    every line break not followed by a tag, so that no line of the block can start a fenced
    code block (which Markdown finds before raw HTML) and no line is blank or only spaces."""
    body = fragment.strip("\n").translate({ord("{"): "&#123;", ord("}"): "&#125;",
                                             ord("\t"): "&#9;"})
    body = _LINE_NOT_A_TAG.sub("&#10;", body)
    return f'<div class="{WRAPPER}">\n{body}\n</div>' if body else ""
