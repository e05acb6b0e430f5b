"""Escaping: the only place plan text is turned into Markdown or HTML (training content, the
one Markdown field, goes through macros/core/content.py from `markdown()` here).

Plan text is data. It is shown exactly as written and is never interpreted: not as HTML, not as
Markdown, not as a template. Characters that Markdown, its extensions (tables, attr_list) or HTML
would act on become numeric character references, which Markdown passes through untouched and
the browser shows as the original character.
"""
from __future__ import annotations

import functools
import html
import json
import re
from urllib.parse import urlsplit

from ..core.content import embed, sections
from ..core.content import render as render_content
from ..core.yaml_strict import HAZARDS

# `|` splits table cells, `{` opens attr_list (which can set onclick=), `[`/`!` start links and
# images, `*`/`_`/`` ` ``/`~`/`^`/`=` emphasis and code, `<`/`&` HTML, `\` escapes, `$` maths.
_INLINE = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]<>&|~^=\"'$:"}
# At the start of a block, these make headings, lists, quotes or rules.
_BLOCK_START = re.compile(r"^(?:[#+\-]|\d+[.)])")


def inline(text: object) -> str:
    """Plain text for use inside a Markdown paragraph, list item, heading or table cell."""
    if text is None:
        return ""
    return _inline(str(text))


@functools.lru_cache(maxsize=1 << 16)  # the same names and titles stand on hundreds of pages
def _inline(value: str) -> str:
    value = value.strip("\n").replace("\r\n", "\n")
    escaped = value.translate(_INLINE)
    if _BLOCK_START.match(escaped):
        escaped = f"&#{ord(escaped[0])};" + escaped[1:]
    lines = [line.strip() for line in escaped.split("\n")]
    # A newline would end a table row or split a paragraph: keep it as a visible line break.
    return "<br>".join(lines).replace("    ", " &#32;  ")


_HAZARD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(HAZARDS)) + "]")


def visible(text: object) -> str:
    """Text no check has seen (the git history, a revision's plans) with each invisible
    character written as its code point: `[U+001B]`. The check refuses them in the plans; from
    elsewhere they must neither reach a terminal nor hide or reorder what a page says."""
    value = "" if text is None else str(text).replace("\r\n", "\n")
    return _HAZARD.sub(lambda m: f"[U+{ord(m.group()):04X}]", value)


def code(text: object) -> str:
    """Data shown as code (an id, a key the plan format does not define): inert like all plan
    text. A Markdown code span would show the escapes literally, and a backtick in the text
    could end one; an HTML element around escaped text can be ended by nothing inside it."""
    return f"<code>{inline(visible(text))}</code>"


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


def markdown(text: object) -> str:
    """Markdown written by an editor (training content), sanitised (see macros/core/content.py):
    formatting kept; raw HTML, template tags and attribute lists shown literally; links other
    than http(s), mailto and relative ones lose their target; no images. Headings that stand
    on their own become the page's headings (in its table of contents, at least level 3), as
    plain text; everything between them is embedded as HTML that Markdown leaves alone."""
    if not text:
        return ""
    return "\n\n".join("#" * level + " " + inline(value) if level else embed(value)
                        for level, value in sections(str(text)))


def markdown_block(text: object) -> str:
    """Markdown written by an editor (an FAQ answer), through the same sanitiser as training
    content, as one embedded block: its headings stay inside it, so they never become the
    page's (the question is the heading)."""
    return embed(render_content(str(text))[0]) if text else ""


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
    """YAML front matter; the title as a JSON string (valid YAML, no injection), plain for
    the handbook's own theme (its overrides escape it; `handbook render` ships them too)."""
    lines = ["---", f"title: {json.dumps(title(page_title), ensure_ascii=False)}",
             "render_macros: false"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in extra.items()]
    return "\n".join(lines + ["---", ""])
