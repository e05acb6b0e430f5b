"""Sentences: the one place that joins text for pages.

Every sentence a page shows is put together here or from these helpers: lists joined with
"and", counts with their nouns, one full stop at the end and never two. The parts are already
escaped Markdown (see `text.inline`); plan text that is to end a sentence passes through
`plain_end` before it is escaped, so an editor's own full stop is not doubled.
"""
from __future__ import annotations

import re
from typing import Iterable

# What may already end a sentence (after any closing emphasis, code or parenthesis).
_TERMINAL = re.compile(r"[.!?…](?:\*\*|_|`|\)|\])*$")
# Scanned from the right, not matched by a pattern: `[...]+$` tries every start and is quadratic
# in a long run of these characters that does not reach the end (", , , … x").
_TRAILING = ".,;:!?…"


def and_list(items: Iterable[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'; empty items are dropped, so no clause is ever empty."""
    parts = [i for i in items if i]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {conjunction} " + parts[-1]


def plain_end(text: object) -> str:
    """Plan text that will be followed by our own punctuation: its trailing full stop,
    comma or colon is dropped (the text itself is shown as written otherwise)."""
    value = "" if text is None else str(text)
    end = len(value)
    while end and (value[end - 1] in _TRAILING or value[end - 1].isspace()):
        end -= 1
    return value[:end]


def sentence(*parts: str) -> str:
    """Non-empty parts joined by spaces, ending in exactly one full stop."""
    body = " ".join(p.strip() for p in parts if p and p.strip())
    if not body:
        return ""
    return body if _TERMINAL.search(body) else body + "."


def sentences(*items: str) -> str:
    """Several sentences in one paragraph; empty ones are left out."""
    return " ".join(s for s in (sentence(i) for i in items) if s)


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 stage', '3 stages' (a noun given as 'criterion'/'criteria' when irregular)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def tally(counts: Iterable[tuple[int, str]]) -> str:
    """'2 met, 1 not met, 1 with no data yet': the non-zero counts, in the order given."""
    return ", ".join(f"{n} {label}" for n, label in counts if n)


def capitalised(text: str) -> str:
    """The first letter upper case (a sentence made from a lower-case phrase)."""
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1:]
        if char not in "*_":
            return text
    return text


def amount(value: float, unit: str | None) -> str:
    """A measured value with its unit as plain text: '28 %', '75 minutes'. A unit is the
    editor's word and is never inflected, so after 1 a plural-looking unit is put in brackets
    ('1 (questions)') rather than read as '1 questions'."""
    if not unit:
        return f"{value:g}"
    if value == 1 and unit[:1].isalpha() and unit.endswith("s"):
        return f"{value:g} ({unit})"
    return f"{value:g} {unit}"


def bound(value: float | None, better: str | None, unit: str | None) -> str | None:
    """A target in words, in its metric's direction: 'at most 30 %', 'at least 4.2 out of 5';
    None when the plan gives no number or no direction (its own words are shown instead)."""
    if value is None or better not in ("higher", "lower"):
        return None
    if value == 0 and better == "lower":  # 'at most 0 incidents' says 'none' the long way
        return amount(value, unit)
    return f"{'at least' if better == 'higher' else 'at most'} {amount(value, unit)}"


def pause_bound(value: float | None, better: str | None, unit: str | None) -> str | None:
    """Where use pauses, the far side of the target: '50 % or more' when lower is better."""
    if value is None or better not in ("higher", "lower"):
        return None
    return f"{amount(value, unit)} or {'less' if better == 'higher' else 'more'}"
