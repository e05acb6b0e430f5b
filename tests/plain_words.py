"""What the tool itself writes on staff pages, and the jargon it must not contain.

Staff pages show plan text as written, so a finding inside an editor's own words is not the
tool's: each finding is kept only when no string of the plans folder (a YAML value, a CSV cell,
a line of training Markdown) covers it where it stands on the page.
"""
from __future__ import annotations

import csv
import functools
import re
from collections.abc import Collection
from html.parser import HTMLParser
from pathlib import Path

import yaml

from .conftest import FIXTURES

# Editors' pages keep their keys, paths and rule ids: the reference, the macro guide, reviews,
# changes, readiness and the redirect stubs; every other page of a built site is a staff page.
EDITORS = re.compile(r"^(reference|macros|reviews|changes|404|plans/[^/]+/readiness)(/|\.html)")


def rule_ids() -> set[str]:
    """Every rule id a negative fixture expects (each id the check emits has one), those of
    two words or more: 'format' or 'ref' alone are English too."""
    found: set[str] = set()
    for case in (FIXTURES / "invalid").glob("*/case.yaml"):
        found |= set(re.findall(r"\[([a-z0-9-]+)\]'?\s*$", case.read_text(encoding="utf-8"),
                                re.M))
    return {rule for rule in found if "-" in rule}


@functools.cache
def schema_keys() -> frozenset[str]:
    """Every field name of the plan format (`value`, `target_value`, `data_rules`)."""
    root = Path(__file__).resolve().parent.parent / "schema"
    words = set()
    for path in root.rglob("*.yaml"):
        words |= set(re.findall(r"^\s*([a-z]+(?:_[a-z]+)*):", path.read_text(encoding="utf-8"),
                                re.M))
    return frozenset(words)


def is_key(code_text: str) -> bool:
    """Code on a page that names a field: `value`, `pause.authority`, `stages[1].gate`."""
    first = re.split(r"[.\[]", code_text.strip(), maxsplit=1)[0]
    return first in schema_keys()


def plan_ids(plans: Path) -> set[str]:
    """The ids a plans folder gives its plans, stages, uses, metrics…: the editors' handles,
    never words for staff. Those of one word ('pilot') are English too, so only the others."""
    found = {path.stem for path in plans.glob("*.yaml") if "-" in path.stem}

    def walk(node) -> None:
        if isinstance(node, dict):
            found.update(v for k, v in node.items() if k == "id" and "-" in str(v))
            node = list(node.values())
        if isinstance(node, list):
            for value in node:
                walk(value)

    for path in plans.glob("*.yaml"):
        walk(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader))
    return found


def jargon(ids: Collection[str] = ()) -> re.Pattern:
    handles = sorted(rule_ids() | set(ids), key=len, reverse=True)
    # Outside code only keys that no reader takes for an English word: those with an underscore.
    keys = sorted((k for k in schema_keys() if "_" in k), key=len, reverse=True)
    return re.compile("|".join([
        r"\bplans/", r"_org\.yaml", r"\.ya?ml\b", r"\bseeds? \d{3}", r"<=|>=|==|[<>]",
        r"\bYAML\b", r"\bids?\b", r"\bcommits?\b", r"\bgit\b",  # the editors' workshop
        r"\b\d{4}-\d{2}-\d{2}\b",  # a bare ISO date: staff read 'Tue 24 Nov 2026'
        r"(?<![\w-])(?:" + "|".join(map(re.escape, handles)) + r")(?![\w-])",  # rule and plan ids
        r"\b(?:" + "|".join(map(re.escape, keys)) + r")\b"]))


# Elements inside a line of text: their text joins their neighbours' without a space, so plan
# text with emphasis or a link in it reads on the page as it does in the plan.
_INLINE = {"a", "abbr", "b", "code", "em", "i", "kbd", "mark", "small", "span", "strong", "sub",
           "sup"}


class _Text(HTMLParser):
    """The text a reader sees (and a screen reader hears: SVG titles and descriptions are text
    nodes too), in document order; scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.code: list[str] = []
        self._skip = 0
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag not in _INLINE:
            self.parts.append(" ")
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "code":
            self._in_code += 1
            self.code.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _INLINE:
            self.parts.append(" ")
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "code":
            self._in_code -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)
            if self._in_code:
                self.code[-1] += data


def page_text(html: str) -> tuple[str, list[str]]:
    """The page's text, whitespace made single spaces, and the text of each code element."""
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts)), parser.code


def plan_strings(plans: Path) -> list[str]:
    """Every piece of editor text in a plans folder, as it can appear on a page: YAML values and
    CSV cells, multi-line ones line by line, without Markdown's emphasis marks. A bare date is
    a value the tool formats, never text shown as written, so it is left out."""
    found: set[str] = set()

    def add(value: str) -> None:
        found.update(f"`{c}`" for c in re.findall(r"`([^`]+)`", value))
        for line in value.splitlines() + [" ".join(value.split())]:
            line = re.sub(r"^\s*(?:[-*+]|\d+\.|#+)\s+", "", line).replace("**", "")
            line = " ".join(line.replace("`", "").split())
            if line and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", line):
                found.add(line)

    def walk(node) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            add(node)

    for path in plans.glob("*.yaml"):
        walk(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader))
    for path in plans.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as rows:
            for row in csv.reader(rows):
                for value in row:
                    add(value)
    return sorted(found, key=len, reverse=True)


def findings(site: Path, plans: Path) -> list[str]:
    """"page: 'jargon' in …context…" for each piece of jargon the tool wrote on a staff page."""
    ids = plan_ids(plans)
    pattern = jargon(ids)
    # An id alone is a value in the YAML, but not text shown as written: it does not excuse.
    strings = [s for s in plan_strings(plans) if s not in ids]
    out = []
    for path in sorted(site.rglob("*.html")):
        page = path.relative_to(site).as_posix()
        html = path.read_text(encoding="utf-8")
        if EDITORS.search(page) or 'http-equiv="refresh"' in html:
            continue
        text, code = page_text(html)
        out += [f"{page}: '`{c}`' in code" for c in code
                if is_key(c) and f"`{c}`" not in strings]
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(_covers(text, s, start, end) for s in strings if match.group() in s):
                context = text[max(0, start - 50):end + 30]
                out.append(f"{page}: {match.group()!r} in …{context}…")
    return out


def _covers(text: str, plan_text: str, start: int, end: int) -> bool:
    """Whether an occurrence of `plan_text` in `text` spans [start, end)."""
    at = text.find(plan_text, max(0, end - len(plan_text)))
    return at != -1 and at <= start and at + len(plan_text) >= end
