"""The staff search: one short entry per answer, built from the generated pages.

Material's lunr search joins the words of a query with OR, so a whole-sentence question ranks
the pages richest in domain words first (the format reference, the macro guide). The handbook
ships its own entries instead (`search/handbook.json`) and its own ranking
(docs/javascripts/search-worker.js, run by Material's search box as its worker): every heading is
an entry, and so is every table row that carries an anchor (a use, a prohibited use, a tool, a
person), each weighted by what it is for staff. Editors' pages are left out of it, and carry
`search: {exclude: true}` so an engine's own search leaves them out too.

The entries are plain text; the worker escapes them before they reach the page.
"""
from __future__ import annotations

import functools
import html
import json
import re
from typing import Any

from markdown.extensions.toc import slugify, unique

from ..model.model import Handbook
from .chart_cache import NOTE
from .paths import Paths

INDEX_PATH = "search/handbook.json"

# Editors' and governance pages: not what staff search for. (governance.md and a plan's
# evidence.md come with the summary-first plan pages, issue 21.)
_EDITORS = (Paths.reference, Paths.reviews, Paths.changes, "governance.md", Paths.definitions)
_EVIDENCE = "/evidence.md"  # readings, decisions, risks: searched, but far below


def excluded(src: str) -> bool:
    """Whether a generated page stays out of the staff search."""
    return (src in _EDITORS or src.endswith(("/readiness.md", "/print.md"))
            or src.startswith("as-of/"))  # past policies (snapshots): today's is searched


# Material's lunr (and any engine that reads `search.boost`) ranks these staff pages higher.
_STAFF_PAGES = {Paths.uses: 3, Paths.tools: 3}


def _search_setting(page: str) -> str | None:
    """The `search:` line of a generated page's front matter, if it has one."""
    front = page.split("---\n", 2)[1]
    return next((line for line in front.splitlines() if line.startswith("search:")), None)


def _with_search(page: str, setting: str) -> str:
    if _search_setting(page) is not None:
        return page  # the page says already (the print view)
    _, front, body = page.split("---\n", 2)
    return f"---\n{front}search: {setting}\n---\n{body}"


def left_out(page: str) -> str:
    """A generated page (front matter first) that every engine's search leaves out."""
    return _with_search(page, '{"exclude": true}')


def never_searched(page: str) -> str:
    """A generated page every engine's search leaves out, whatever it said before (a staff
    page's boost, in a snapshot of a past policy)."""
    _, front, body = page.split("---\n", 2)
    kept = "".join(line for line in front.splitlines(keepends=True)
                   if not line.startswith("search:"))
    return left_out(f"---\n{kept}---\n{body}")


def searched(src: str, page: str) -> str:
    """A generated page with what every engine's search should do with it: leave an editors'
    page out, rank a staff page up."""
    if excluded(src):
        return left_out(page)
    boost = _STAFF_PAGES.get(src, 2 if src.startswith("teams/") and src != Paths.teams else 0)
    return _with_search(page, f'{{"boost": {boost}}}') if boost else page


# The sections of a plan page that answer what staff ask: what may I do, what must I never
# enter, who checks, who helps, where to report, who pauses. The rest is for governance.
_STAFF_SECTIONS = {"now", "data-rules", "review", "training", "support", "issue-reporting",
                   "escalation", "pause"}


def _weight(src: str, anchor: str, row: bool, under: str = "") -> float:
    """How strongly an entry answers a staff question, by what it is. Uses, prohibited uses,
    tools and the rules for everyone are the answers; indexes and stage detail are context."""
    if src in (Paths.uses, Paths.tools):
        return 3.0 if row else 1.2
    if src.endswith(_EVIDENCE):
        return 0.3
    if anchor.startswith("faq-"):  # a question staff asked, answered: one heading each, on
        # /faq/; the copy on a team page steps back (its answer's words match widely)
        return 2.0 if src == Paths.faq else 0.4
    if anchor.startswith("everyone"):
        return 2.5
    if anchor in _STAFF_SECTIONS and src.startswith("plans/") and "/stages/" not in src:
        return 2.0
    if under in _STAFF_SECTIONS and src.startswith("plans/") and "/stages/" not in src:
        return 1.6  # one escalation path, one review rule: "what do I do if …"
    if src.startswith("teams/") and src != Paths.teams:
        return 1.5
    if src in (Paths.plans, Paths.teams, Paths.training):
        return 0.5
    if "/stages/" in src:
        return 0.7
    return 1.6 if row else 1.0


def _kind(src: str) -> str:
    """What staff call the page an entry is on: a section of a plan page is about "the
    rollout" although it never says so."""
    if src.startswith("plans/") and src != Paths.plans:
        return "rollout plan"
    if src.startswith("training/"):
        return "training"
    return ""


def url_of(src: str) -> str:
    """The URL of a page source path, relative to the site root (directory URLs)."""
    if src == "index.md":
        return ""
    stem = src[:-len("index.md")] if src.endswith("/index.md") else src[:-len(".md")] + "/"
    return stem


_HEADING = re.compile(r"^(#{1,6}) (.*?)(?: \{#([^}\s]+)\})?\s*$")
_ROW_ANCHOR = re.compile(r'^\s*<span id="([^"]+)"></span>')
_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")
_TAG = re.compile(r"<[^>]+>")
# A diagram repeats the table beside it; a note stands where a chart is being drawn.
_DRAWING = re.compile(r"<svg\b.*?</svg>|" + NOTE.pattern, re.S)
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EMPHASIS = re.compile(r"(?<![\w&#])_(.+?)_(?!\w)")
_ADMONITION = re.compile(r'^!!! \w+(?: "(.*)")?$')


def plain(markdown: str) -> str:
    """The text a reader sees in a line of generated Markdown: links, tags and emphasis gone,
    character references decoded, cells and line breaks kept apart."""
    text = markdown.replace("<br>", " · ")
    # Most cells are plain words: run only the patterns that can match (a build's time).
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "**" in text:
        text = _STRONG.sub(r"\1", text)
    if "_" in text:
        text = _EMPHASIS.sub(r"\1", text)
    return " ".join((html.unescape(text) if "&" in text else text).split())


def _cells(line: str) -> list[str]:
    # Plan text escapes `|` (text.py), so every `|` left in a table row separates cells.
    return [c.strip() for c in line.strip().strip("|").split("|")]


class _Page:
    """Entries of one generated page, section by section."""

    def __init__(self, src: str, title: str):
        self.src, self.url = src, url_of(src)
        self.used: set[str] = set()
        self.entries: list[dict[str, Any]] = []
        self.section: dict[str, Any] | None = None
        self.parent = ""  # the h2 an h3 or deeper heading belongs to ("Never", "Help")
        self.parent_anchor = ""
        self.header: list[str] = []
        self.page_title = title
        self.in_status = False  # inside an FAQ entry's list of what it links

    def open(self, level: int, heading: str, anchor: str | None) -> None:
        shown = plain(heading)
        self.header = []  # a table under a new heading has its own header row
        if level > 1:
            anchor = anchor or unique(slugify(shown, "-"), self.used)
            self.used.add(anchor)
        location = self.url + (f"#{anchor}" if level > 1 and anchor else "")
        if level == 2:
            self.parent, self.parent_anchor = "", ""
        self.section = self._entry(location, shown, anchor or "", row=False)
        if level == 2:
            self.parent, self.parent_anchor = shown, anchor or ""
        elif level > 2 and self.parent:
            self.section["section"] = self.parent

    def _entry(self, location: str, title: str, anchor: str, row: bool) -> dict[str, Any]:
        entry = {"location": location, "title": title,
                 "context": f"{self.page_title} {_kind(self.src)}".strip(), "text": [],
                 "boost": _weight(self.src, anchor, row, self.parent_anchor)
                 * (0.8 if "#" not in location else 1)}
        self.entries.append(entry)
        return entry

    def line(self, line: str) -> None:
        if line.startswith("|"):
            self.row(line)
            return
        self.header = []
        if self.section is not None and "#faq-" in self.section["location"] and self._faq_aside(
                line):
            return
        admonition = _ADMONITION.match(line)
        text = plain(admonition.group(1) or "" if admonition else line.lstrip("- "))
        if text and self.section is not None:
            self.section["text"].append(text)

    def row(self, line: str) -> None:
        cells = _cells(line)
        if all(c and set(c) <= {"-", ":"} for c in cells):  # the |---|---| line; an empty
            return  # header row (a fact table's) is a header, not this line
        if not self.header:
            self.header = [plain(c) for c in cells]
            return
        anchored = _ROW_ANCHOR.match(cells[0])
        shown = [plain(c) for c in cells]
        labelled = "; ".join(f"{h}: {c}" if h else c
                             for h, c in zip(self.header[1:], shown[1:]) if c != "—")
        if anchored:
            entry = self._entry(f"{self.url}#{anchored.group(1)}", shown[0], anchored.group(1),
                                row=True)
            entry["text"].append(labelled)
            entry["labels"] = self.header[1:]  # a column's name: searched, lightly
            if self.section is not None:  # the section and column say what the row is
                entry["section"] = f"{self.section['title']} · {self.header[0]}"
        elif self.section is not None:
            self.section["text"].append(f"{shown[0]}: {labelled}" if labelled else shown[0])


    def _faq_aside(self, line: str) -> bool:
        """Whether a line of an FAQ entry is its frame, not its question or answer: the date
        added, the status today of what it links (each linked use or tool by name — an answer
        about pasting e-mails must not answer "how do I get the chat assistant"), see also."""
        if line.startswith("**What this is about, today:**"):
            self.in_status = True
            return True
        if self.in_status and line.startswith("- "):
            return True
        self.in_status = False
        return line.startswith(("**See also:**", "_Added ", "_**New**"))


def page_entries(src: str, page: str) -> list[dict[str, Any]]:
    """The search entries of one generated page (front matter, then Markdown): copies, as
    search_index changes them, of what the page's text gave before (under serve, an edit
    changes a few pages of hundreds)."""
    return [dict(entry) for entry in _page_entries(src, page)]


@functools.lru_cache(maxsize=4096)
def _page_entries(src: str, page: str) -> tuple[dict[str, Any], ...]:
    body = page.split("---\n", 2)[2] if page.startswith("---\n") else page
    body = _DRAWING.sub(" ", body)
    reader: _Page | None = None
    for raw in body.splitlines():
        heading = _HEADING.match(raw)
        if heading:
            if reader is None:
                reader = _Page(src, plain(heading.group(2)))
            reader.open(len(heading.group(1)), heading.group(2), heading.group(3))
        elif reader is None or raw.startswith("As of "):
            continue
        elif raw.strip():
            reader.line(raw.strip())
        else:
            reader.header = []  # a blank line ends a table; the next one has its own header
    return tuple(reader.entries) if reader else ()


def synonyms(org: dict) -> list[list[str]]:
    """`search_synonyms` of _org.yaml as groups of words or phrases that mean the same."""
    groups = []
    for word, others in (org.get("search_synonyms") or {}).items():
        groups.append([str(word), *(str(o) for o in others or [])])
    return groups


def _tools_of_plans(hb: Handbook) -> dict[str, str]:
    """The names of the tools each plan uses, by plan id: staff name a plan by its tool ("the
    helpdesk assistant", "Copilot"), so every entry of a plan's pages carries them."""
    return {plan.id: " ".join(hb.tools[t].name for t in plan.get("scope", "tools", default=[])
                              if isinstance(t, str) and t in hb.tools)
            for plan in hb.plans.values()}


def search_index(hb: Handbook, pages: dict[str, str]) -> str:
    """`search/handbook.json`: every entry of the staff pages, each answer once."""
    entries: list[dict[str, Any]] = []
    first: dict[tuple[str, str], dict[str, Any]] = {}
    tools = _tools_of_plans(hb)
    for src, page in pages.items():
        if excluded(src) or '"exclude": true' in (_search_setting(page) or ""):
            continue  # a page left out of every search, by its path or by its own word
        plan_id = src.split("/")[1] if src.startswith("plans/") and src.count("/") > 1 else ""
        for entry in page_entries(src, page):
            if tools.get(plan_id):
                entry["context"] = f"{entry['context']} {tools[plan_id]}"
            entry["text"] = " · ".join(entry["text"])
            entry["boost"] = round(entry["boost"], 2)
            key = (entry["title"], entry["text"])
            if key in first:
                # The rules for everyone stand on every team page: one entry answers, and
                # the name of the team it happens to stand on first is no word of it.
                shared = set(entry["context"].split())
                kept = first[key]["context"].split()
                first[key]["context"] = " ".join(w for w in kept if w in shared)
                continue
            first[key] = entry
            entries.append(entry)
    return json.dumps({"synonyms": synonyms(hb.org), "entries": entries},
                      ensure_ascii=False, separators=(",", ":"))
