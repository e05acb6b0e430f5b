"""Sentences of the diff: the tool's words with plan values kept apart (Value, Key), and the
three ways out of them, each escaping plan values once: plain text for JSON, inert code spans
for GitHub comments, the handbook's escaping for the site.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..render.text import code, inline, visible


@dataclass(frozen=True)
class Value:
    """A value from a plan or the org file, shown as written. `quoted` text reads “so” in plain
    text; ids, numbers and dates read bare."""

    value: Any
    quoted: bool = True


@dataclass(frozen=True)
class Key(Value):
    """A key the plan format does not define, from a plan no check has seen (a past commit):
    data like any value, shown as code, never as the tool's own words."""

    quoted: bool = False


Sentence = tuple  # of str (the tool's words) and Value (plan data)


def _shown(value: Any) -> str:
    """The value as text, invisible characters made visible: a revision's plans were never
    checked, and the text goes to terminals as well as pages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dict, list)):
        return visible(json.dumps(value, ensure_ascii=False, default=str))
    return "none" if value is None else visible(value)


def plain(sentence: Sentence) -> str:
    """Plain text: no Markdown, no HTML entities (JSON, terminals)."""
    out = []
    for part in sentence:
        if isinstance(part, Value):
            text = _shown(part.value)
            out.append(f"“{text}”" if part.quoted else text)
        else:
            out.append(part)
    return "".join(out)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def code_span(value: Any) -> str:
    """A GitHub-flavoured Markdown code span that shows `value` exactly and does nothing else.

    Inside a code span CommonMark interprets nothing (no links, images, HTML, emphasis), and
    GitHub turns neither @mentions, #references, commit hashes nor bare URLs in it into links
    or notifications — unlike backslash escapes, which GitHub's autolinker and mention
    processing ignore, or zero-width characters, which change what a reader copies. The fence
    is one backtick longer than any run inside, so a backtick in the value cannot close it; a
    value that starts or ends with a backtick, or with spaces at both ends, is padded with one
    space on each side (CommonMark strips exactly one). A line break would end the paragraph
    and let the next line start a block, so it is shown as ⏎; a tab, as in the terminal, ␉."""
    text = _LINE_BREAK.sub("⏎", _shown(value)).replace("\t", "␉")
    if not text:
        return "“”"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    if text[0] == "`" or text[-1] == "`" or (text[0] == text[-1] == " " and text.strip()):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def gfm(sentence: Sentence) -> str:
    """GitHub-flavoured Markdown for pull-request comments: every value a code span."""
    return "".join(code_span(p.value) if isinstance(p, Value) else p for p in sentence)


def site(sentence: Sentence) -> str:
    """Markdown for the handbook's own pages, escaped by render.text like all plan text."""
    out = []
    for part in sentence:
        if isinstance(part, Key):
            out.append(code(part.value))
        elif isinstance(part, Value):
            text = inline(_shown(part.value))
            out.append(f"“{text}”" if part.quoted else text)
        else:
            out.append(part)
    return "".join(out)
