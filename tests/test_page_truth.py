"""Every sentence a reader sees is true, and well formed: the state matrix.

tests/fixtures/states/ holds one plan per state a rollout can be in (approved and not started,
in progress with no data / data met / data not met, paused, stopped, complete, limited on
purpose, a stage that adds a team, a team that joins later, headcounts below a team's size).
The site is built from them with MkDocs; the tests read the TEXT of the built HTML, as a
reader does:

- golden statements per state (tests/golden/states.txt): the overview's stage and status, what
  each team may do now, readiness and the stage states; regenerate with UPDATE_GOLDEN=1 and
  review the diff like code;
- no sentence has doubled punctuation, an empty clause, a dangling word or a visible entity;
- a future date never follows "since";
- in a browser, a team that joins later sees no allowed use and the sentence saying when it
  joins.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from macros.core.validate import check

from .conftest import FIXTURES, TODAY, make_project, mkdocs_build, serve

STATES = FIXTURES / "states"
GOLDEN = Path(__file__).resolve().parent / "golden" / "states.txt"
BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "tr",
          "summary", "figcaption", "caption"}
SKIPPED = {"svg", "script", "style", "template"}


class ArticleText(HTMLParser):
    """The visible text of a page's article, one line per block (a table row is one line,
    its cells joined by ' | '); headings are written '#<level> <text> {<id>}'."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.depth = 0  # inside <article>
        self.skip = 0
        self.heading: tuple[int, str] | None = None
        self.cells: list[str] | None = None
        self.header_row = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if tag in SKIPPED or "headerlink" in (attrs.get("class") or ""):
            self.skip += 1
            return
        if tag == "tr":
            self._flush()
            self.cells = []
            self.header_row = True
        elif tag in ("td", "th"):
            self.current = []
            self.header_row &= tag == "th"
        elif tag in BLOCKS:
            self._flush()
            if tag[0] == "h" and tag[1:].isdigit():
                self.heading = (int(tag[1]), attrs.get("id") or "")
        elif tag == "br":
            self.current.append(" ")

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in SKIPPED or (self.skip and tag == "a"):
            self.skip = max(0, self.skip - 1)
            return
        if tag == "article":
            self._flush()
            self.depth -= 1
        elif tag in ("td", "th") and self.cells is not None:
            self.cells.append(_squeeze("".join(self.current)))
            self.current = []
        elif tag == "tr" and self.cells is not None:
            # Header rows are labels, not sentences: marked so that checks can skip them.
            self.lines.append(("th: " if self.header_row else "") + " | ".join(self.cells))
            self.cells = None
        elif tag in BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.current.append(data)

    def _flush(self) -> None:
        text = _squeeze("".join(self.current))
        self.current = []
        if self.cells is not None:
            return
        if self.heading:
            level, anchor = self.heading
            self.heading = None
            text = f"{'#' * level} {text} {{{anchor}}}"
        if text:
            self.lines.append(text)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def article(site: Path, path: str) -> list[str]:
    parser = ArticleText()
    parser.feed((site / path).read_text(encoding="utf-8"))
    return parser.lines


def section(lines: list[str], anchor: str, level: int | None = None) -> list[str]:
    """The lines under the heading with `anchor` (or text `anchor`), up to the next heading of
    the same level or above."""
    for i, line in enumerate(lines):
        match = re.match(r"(#+) (.*) \{(.*)\}$", line)
        if match and anchor in (match.group(3), match.group(2)) and (
                level is None or len(match.group(1)) == level):
            depth = len(match.group(1))
            out = []
            for later in lines[i + 1:]:
                head = re.match(r"(#+) ", later)
                if head and len(head.group(1)) <= depth:
                    break
                out.append(later)
            return out
    raise AssertionError(f"no section {anchor}")


ONBOARDING = """---
render_macros: true
---
# Onboarding

## Kitchen

{{ allowed_now('joins-later', team='kitchen') }}

## Shop

{{ allowed_now('joins-later', team='shop') }}

## Everyone

{{ allowed_now('headcount-below') }}
"""


@pytest.fixture(scope="session")
def states_site(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("states")
    project = make_project(STATES, where)
    # A hand-written page that reads the same fact through the allowed_now macro.
    (project / "docs" / "onboarding.md").write_text(ONBOARDING, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      - How to read this handbook: about.md",
        "      - How to read this handbook: about.md\n      - Onboarding: onboarding.md"),
        encoding="utf-8")
    done = mkdocs_build(project, where / "site")
    assert done.returncode == 0, done.stderr
    return where / "site"


def plans(folder: Path = STATES) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob("[!_]*.yaml"))]


def team_names(folder: Path = STATES) -> dict[str, str]:
    org = yaml.safe_load((folder / "_org.yaml").read_text(encoding="utf-8"))
    return {t["id"]: t["name"] for t in org["teams"]}


def statements(site: Path, folder: Path = STATES) -> str:
    """The golden statements: per state, what a reader is told."""
    out = []
    names = team_names(folder)
    for plan in plans(folder):
        pid = plan["id"]
        overview = article(site, f"plans/{pid}/index.html")
        evidence = article(site, f"plans/{pid}/evidence/index.html")
        out.append(f"== {pid}")
        out += [f"overview: {line}" for line in evidence
                if line.startswith(("Current stage |", "Next gate |"))]
        out += [f"status: {line}" for line in section(overview, "stages")
                if " | " not in line]
        out += [f"now: {line}" for line in section(overview, "now")]
        for team in plan["scope"]["users"]:
            # A team page's block #may has one part per plan, with the plan's id: this plan's.
            page = article(site, f"teams/{team}/index.html")
            lines = section(section(page, "may", level=2), pid, level=3)
            out += [f"team {names[team]}: {line}" for line in lines]
        for line in article(site, f"plans/{pid}/readiness/index.html"):
            if " | " in line and not line.startswith("th: "):
                out.append(f"readiness: {line}")
        for line in section(overview, "stages"):
            if " | " in line and not line.startswith("th: "):
                cells = line.split(" | ")
                out.append(f"stage: {cells[0]} | {cells[1]} | {cells[2]} | {cells[-1]}")
        out.append("")
    return "\n".join(out)


def test_the_state_fixtures_check_without_errors(monkeypatch):
    monkeypatch.chdir(STATES)
    result = check([Path(".")], today=TODAY)
    assert [d for d in result.diagnostics if d.is_error] == []


def test_states_read_as_the_golden_statements(states_site: Path):
    text = statements(states_site)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


STRANGER = FIXTURES / "stranger-2" / "plans"  # a council written from the reference alone
STRANGER_DAY = dt.date(2026, 12, 5)


def test_a_strangers_council_reads_as_its_golden_statements(tmp_path: Path):
    """The same statements for the organisation a stranger wrote (FINDINGS.md beside it)."""
    project = make_project(STRANGER, tmp_path)
    done = mkdocs_build(project, tmp_path / "site", STRANGER_DAY)
    assert done.returncode == 0, done.stderr
    text = statements(tmp_path / "site", STRANGER)
    golden = GOLDEN.with_name("stranger-2.txt")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


# What a well-formed sentence never has. Each pattern is (name, regex) over one line of text.
MALFORMED = [
    ("doubled full stop", re.compile(r"(?<!\.)\.\s*\.(?!\.)")),
    ("doubled punctuation", re.compile(r"[,;:]\s*[.,;:]|\.\s*[,;:]")),
    ("space before punctuation", re.compile(r"\s[.,;:](?:\s|$)")),
    ("empty parentheses", re.compile(r"\(\s*\)")),
    ("empty clause", re.compile(r"(?:—|–)\s*(?:[.,;:]|$)|:\s*$")),
    # A clause may end in "for" or "at" ("what it is for", "Required at"); these never do.
    ("dangling word", re.compile(r"(?<![-\w])(?:and|or|the|of|to|with|by|from|since|than)"
                                 r"\s*(?:[.)]|$)", re.I)),
    ("dangling word", re.compile(r"\b(?:allowed|given|decided|joins) (?:for|by|at)\s*$")),
    ("visible entity", re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.I)),
    ("visible markup", re.compile(r"\*\*|(?<![\w`])_[A-Za-z][^_]*_(?!\w)|\]\(|<[a-z/]")),
    ("None shown", re.compile(r"\bNone\b(?! (?:required|listed|yet))")),
]


def lines_of_every_page(site: Path):
    for page in sorted(site.rglob("*.html")):
        # The format reference describes fields; the macro guide shows template syntax.
        if page.name == "404.html" or {"assets", "reference", "macros"} & set(page.parts):
            continue
        rel = page.relative_to(site).as_posix()
        for line in article(site, rel):
            yield rel, line


def malformed(site: Path) -> list[str]:
    found = []
    for rel, line in lines_of_every_page(site):
        if line.startswith("th: "):
            continue
        cells = line.split(" | ")
        for n, cell in enumerate(cells):
            if cell == "—":  # an empty table cell, by design
                continue
            # A line that introduces a list or a table ends in a colon: that is the one place
            # a colon may end a block.
            text = cell.removesuffix(":") if cell.endswith(":") else cell
            for name, pattern in MALFORMED:
                label = n == 0 and len(cells) == 2  # "Review by | 2027-06-01"
                if pattern.search(text) and not (label and name == "dangling word"):
                    found.append(f"{rel}: {name}: {cell}")
    return found


def test_no_sentence_is_malformed(states_site: Path):
    assert malformed(states_site) == []


def test_no_sentence_of_the_example_plans_is_malformed(example_site: Path):
    assert malformed(example_site) == []


def test_a_future_date_never_follows_since(states_site: Path):
    wrong = [f"{rel}: {line}" for rel, line in lines_of_every_page(states_site)
             for date in re.findall(r"\bsince (\d{4}-\d\d-\d\d)", line)
             if dt.date.fromisoformat(date) > TODAY]
    assert wrong == []


def test_the_checker_of_sentences_can_fail():
    bad = ["Proceed on 2026-10-01 — Edit rate 22 %..", "decided by .", "Holds: ()",
           "Owner: &#8212;", "Met — ", "these uses are allowed for", "**Nothing**", "None",
           "Stop using it , now", "the gate of."]
    for text in bad:
        assert any(p.search(text) for _name, p in MALFORMED), text


def test_a_row_dated_after_today_never_counts():
    """The check refuses such a row (measurement-date); the model ignores one all the same,
    so no page can judge from evidence that does not exist yet."""
    from macros.core.measurements import Measurement
    from macros.model.build import build_handbook

    checked = check([FIXTURES / "states"], today=TODAY)
    assert checked.ok, checked.diagnostics
    rows = {plan_id: m.rows for plan_id, m in checked.measurements.items()}
    future = Measurement(TODAY + dt.timedelta(days=7), "edits", 95.0, "not yet taken", 99)
    rows["data-met"] = (*rows["data-met"], future)
    handbook = build_handbook(checked.org.data, [(d.data, d.file) for d in checked.plans],
                              TODAY, rows)
    plan = handbook.plans["data-met"]
    assert plan.latest("edits").value == 28
    assert plan.breaches == ()
    stage = plan.stages[0]
    assert [plan.evidence(c, stage).verdict for c in stage.gate.criteria
            if c.metric == "edits"] == ["met"]


@pytest.mark.browser
def test_a_team_that_joins_later_sees_nothing_allowed(browser, states_site: Path):
    with serve(states_site) as origin:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{origin}/teams/kitchen/")
        now = "xpath=//h3[@id='joins-later']"  # the plan's part of the block #may
        said = page.locator(now + "/following-sibling::*[1]")
        after = page.locator(now + "/following-sibling::*[2]")
        assert said.is_visible()
        assert said.inner_text() == (
            "Nothing yet: your team joins at Everyone (planned from Mon 11 Jan 2027).")
        assert said.get_by_role("link", name="Everyone").get_attribute("href") == \
            "../../plans/joins-later/stages/everyone/"
        # Nothing between the sentence and the next heading: no list of uses.
        assert after.evaluate("e => e.tagName") in ("H2", "H3")
        # The same page does list the uses of the plan in which the kitchen has access.
        other = page.locator("xpath=//h3[@id='headcount-below']/following-sibling::ul[1]")
        assert other.get_by_text("Draft a menu description").is_visible()
        context.close()


def test_the_allowed_now_macro_reads_the_same_fact(states_site: Path):
    page = article(states_site, "onboarding/index.html")
    assert section(page, "kitchen") == [
        "Nothing yet: your team joins at Everyone (planned from Mon 11 Jan 2027)."]
    assert section(page, "shop") == [
        "At the current stage, Wave, these uses are allowed for Shop staff:",
        "Draft a menu description (details)", "Draft a notice for the board (details)"]
    assert section(page, "everyone")[0] == (
        "At the current stage, Wave, these uses are allowed for Kitchen (5 of the team's 14) "
        "and 5 people across Kitchen and Finance:")


def test_contacts_name_every_role_in_words(states_site: Path):
    rows = [line.split(" | ") for line in article(states_site, "contacts/index.html")
            if " | " in line and not line.startswith("th: ")]
    assert rows and all(row[-1][:1].isupper() for row in rows), rows
    assert any(row[-1].startswith("Trainee (organisation-wide training)") for row in rows)


def test_a_done_stage_shows_when_its_checklist_was_done(states_site: Path):
    page = article(states_site, "plans/complete/stages/pilot/index.html")
    assert section(page, "checklist") == [
        "th: Done | Item | Owner | Evidence",
        "✔ Fri 29 May 2026 | Everyone completed AI basics | Ben Cho | Sign-off sheet",
        "Not recorded | Data protection check of the prompt template | Ana Silva | —"]
    current = article(states_site, "plans/data-met/stages/pilot/index.html")
    assert section(current, "checklist")[2].startswith("☐ Not yet | Data protection check")
