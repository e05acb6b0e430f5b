"""Escaping: the only place plan text is turned into Markdown or HTML.

Plan text is data. It is shown exactly as written and is never interpreted: not as HTML, not as
Markdown, not as a template. Characters that Markdown, its extensions (tables, attr_list) or HTML
would act on become numeric character references, which Markdown passes through untouched and
the browser shows as the original character.
"""
from __future__ import annotations

import html
import json
import re
from urllib.parse import urlsplit

# `|` splits table cells, `{` opens attr_list (which can set onclick=), `[`/`!` start links and
# images, `*`/`_`/`` ` ``/`~`/`^`/`=` emphasis and code, `<`/`&` HTML, `\` escapes, `$` maths.
_INLINE = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]<>&|~^=\"'$:"}
# At the start of a block, these make headings, lists, quotes or rules.
_BLOCK_START = re.compile(r"^(?:[#+\-]|\d+[.)])")


def inline(text: object) -> str:
    """Plain text for use inside a Markdown paragraph, list item, heading or table cell."""
    if text is None:
        return ""
    value = str(text).strip("\n").replace("\r\n", "\n")
    escaped = value.translate(_INLINE)
    if _BLOCK_START.match(escaped):
        escaped = f"&#{ord(escaped[0])};" + escaped[1:]
    lines = [line.strip() for line in escaped.split("\n")]
    # A newline would end a table row or split a paragraph: keep it as a visible line break.
    return "<br>".join(lines).replace("    ", " &#32;  ")


def attr(text: object) -> str:
    """Text for an HTML attribute value or SVG text node that we write ourselves."""
    return html.escape("" if text is None else str(text), quote=True)


def safe_url(url: object) -> str | None:
    """The URL if it is a web or mail link; None for javascript:, data: and anything else."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    # Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
    squeezed = re.sub(r"[\x00-\x20]", "", candidate).lower()
    scheme = urlsplit(squeezed).scheme
    if scheme in ("http", "https", "mailto") and " " not in candidate:
        return candidate
    return None


def link_or_text(label: object, url: object) -> str:
    """A link when `url` is a safe web address, else the text shown literally."""
    target = safe_url(url)
    if target is None:
        return inline(url if label is None else label)
    return f'<a href="{attr(target)}">{inline(label if label is not None else url)}</a>'


_HTML_TAG = re.compile(r"<(?=[A-Za-z/!?])")
# [label](target "title") with one level of parentheses in the target, and [ref]: target lines.
_INLINE_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?[^)\n]*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*<?(\S*?)>?(?:[ \t].*)?$", re.M)


_CODE = re.compile(r"(^```.*?^```[ \t]*$|^~~~.*?^~~~[ \t]*$|`[^`\n]+`)", re.M | re.S)


def markdown(text: object) -> str:
    """Markdown written by an editor (training content): formatting kept, everything active
    neutralised. Raw HTML is shown as text; links other than http(s)/mailto/relative lose their
    target; attribute lists and template tags are shown literally. Code is left to Markdown,
    which already shows its content literally."""
    if not text:
        return ""
    parts = _CODE.split(str(text).replace("\r\n", "\n"))
    # split() with one group: even indexes are prose, odd ones code.
    out = [part if i % 2 else _prose(part) for i, part in enumerate(parts)]
    return "".join(out).strip("\n")


def _safe_target(target: str) -> bool:
    # Relative links, anchors and web/mail addresses only: no javascript:, data:, vbscript:.
    scheme = urlsplit(re.sub(r"[\x00-\x20]", "", target).lower()).scheme
    return scheme in ("", "http", "https", "mailto")


def _prose(value: str) -> str:
    value = value.replace("&", "&amp;")
    value = _HTML_TAG.sub("&lt;", value)
    value = value.replace("{", "&#123;").replace("}", "&#125;")

    def inline_link(match: re.Match) -> str:
        return match.group(0) if _safe_target(match.group(3)) else (
            f"{match.group(2)} (link removed)")

    def reference(match: re.Match) -> str:
        return match.group(0) if _safe_target(match.group(1)) else ""

    value = _REFERENCE.sub(reference, _INLINE_LINK.sub(inline_link, value))
    # Headings inside content must not outrank the page's own sections.
    return re.sub(r"^(#{1,2})(?=\s)", "###", value, flags=re.M)


def cell(text: object) -> str:
    """A table cell: one cell whatever the text holds; an empty cell shows a dash."""
    out = inline(text)
    return out if out else "&#8212;"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table from already-escaped cells."""
    if not rows:
        return ""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def anchor(anchor_id: str) -> str:
    """An empty element carrying an id, for rows and items that Markdown cannot give one."""
    return f'<span id="{attr(anchor_id)}"></span>'


def title(text: object) -> str:
    """A page, nav or site title: plain text on one line, NOT escaped. MkDocs renders the theme
    without autoescape, and Material 9.8 escapes titles in some places (`| e`) but not in
    others; docs/overrides/ escapes every place that outputs a title, so plain text is shown
    exactly once-escaped everywhere (<title>, header, nav, footer labels, search index)."""
    return " ".join(str(text).split())


def front_matter(page_title: str, **extra: object) -> str:
    """YAML front matter; the title as a JSON string (valid YAML, no injection)."""
    lines = ["---", f"title: {json.dumps(title(page_title), ensure_ascii=False)}",
             "render_macros: false"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in extra.items()]
    return "\n".join(lines + ["---", ""])
