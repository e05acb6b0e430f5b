"""The shape every generated page shares: front matter, one h1, the day it describes, sections
with stable ids. Plan text reaches these only through the text.py helpers."""
from __future__ import annotations

import datetime as dt

from ..core.dates import day_words
from .text import front_matter, inline


def page(title: str, *blocks: str, **meta) -> str:
    body = "\n\n".join(b for b in blocks if b)
    return front_matter(title, **meta) + f"\n# {inline(title)}\n\n{body}\n"


def dated(text: str, day: dt.date) -> str:
    """A page as `page` writes it, with the day it describes right under its h1: the build's
    day, the one every verdict on it was judged on."""
    head, h1, rest = text.partition("\n# ")
    title_line, _, body = rest.partition("\n\n")
    return f"{head}{h1}{title_line}\n\nAs of {day_words(day)}.\n\n{body}"


def section(title: str, anchor_id: str, *blocks: str) -> str:
    body = "\n\n".join(b for b in blocks if b)
    return f"## {title} {{#{anchor_id}}}\n\n{body or '_Not specified in this plan._'}"


def bullets(items, label=lambda x: inline(x)) -> str:
    return "\n".join(f"- {label(i)}" for i in items)
