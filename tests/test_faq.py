"""The FAQ (issue 22, item 1): answers show the status of what they link from the plan on the
page's day, entries of the last 7 days are marked New, and a change to questions only reads as
"FAQ only — no policy change" in `handbook diff`."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from macros.history.diff import diff, read_side
from macros.history.diff_text import render
from macros.history.last_change import summary
from macros.publishing.pipeline import run
from macros.render import navigation
from macros.core.validate import check

from .conftest import FIXTURES, TODAY, built_site

USE_LINE = "- Draft a menu description ([Drafting menu descriptions]"


def minimum(tmp_path: Path) -> Path:
    plans = tmp_path / "plans"
    shutil.copytree(FIXTURES / "valid" / "minimum", plans)
    return plans


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def line_of(page: str, start: str) -> str:
    return next(line for line in page.splitlines() if line.startswith(start))


def prohibit_draft_menu(plan: dict) -> None:
    use = plan["uses"]["allowed"].pop(0)
    plan["uses"]["allowed"].append({"id": "draft-notice", "text": "Draft a notice"})
    plan["uses"]["prohibited"].append({"id": use["id"], "text": use["text"],
                                       "reason": "Menus are written by hand again"})


def test_a_linked_use_shows_its_status_on_the_sites_day_and_follows_the_plan(tmp_path: Path):
    plans = minimum(tmp_path)
    site = run(plans, TODAY)
    assert site.ok, site.diagnostics
    faq, team = site.pages["faq.md"], site.pages["teams/shop.md"]
    assert "**Allowed today** for [Shop staff](teams/shop.md), since [Trial]" in line_of(
        faq, USE_LINE)
    assert "**Allowed for your team**, since [Trial]" in line_of(team, USE_LINE)
    # Before the trial starts (the plan was approved on 2026-09-01), the same answer says so.
    edit(plans / "menu-drafts.yaml", lambda plan: plan["faq"][0].update(added="2026-08-20"))
    before = run(plans, dt.date(2026, 9, 2))
    assert before.ok, before.diagnostics
    assert "**Not yet allowed**: from [Trial]" in line_of(before.pages["faq.md"], USE_LINE)
    # The use becomes prohibited: the answer's words are unchanged, its status is not.
    edit(plans / "menu-drafts.yaml", prohibit_draft_menu)
    after = run(plans, TODAY)
    assert after.ok, after.diagnostics
    assert line_of(after.pages["faq.md"], USE_LINE).endswith("#draft-menu)): **Prohibited**")
    assert line_of(after.pages["teams/shop.md"], USE_LINE).endswith("**Prohibited**")
    assert "Allowed" not in line_of(after.pages["teams/shop.md"], USE_LINE)


def test_a_linked_tool_shows_the_inventorys_status(tmp_path: Path):
    plans = minimum(tmp_path)
    page = run(plans, TODAY).pages["faq.md"]
    assert "- [Free chatbot](tools.md#free-bot): **Prohibited**: must not be used" in page
    edit(plans / "_org.yaml", lambda org: org["tools"][1].update(status="restricted"))
    page = run(plans, TODAY).pages["faq.md"]
    assert "- [Free chatbot](tools.md#free-bot): **Restricted**: only on its conditions" in page


def test_entries_of_the_last_seven_days_are_new(tmp_path: Path):
    plans = minimum(tmp_path)
    heading = "### Can the assistant write the description for a new scone?"

    def marker(day: dt.date) -> str | None:
        page = run(plans, day).pages["faq.md"]
        if heading not in page:
            return None
        return page.split(heading, 1)[1].split("\n\n")[1]

    # Added 2026-11-20: new that day and the six after, not on the seventh; not there before.
    assert marker(dt.date(2026, 11, 20)).startswith("_**New** · Added Fri 20 Nov 2026")
    assert marker(dt.date(2026, 11, 26)).startswith("_**New** ·")
    assert marker(dt.date(2026, 11, 27)).startswith("_Added Fri 20 Nov 2026")
    assert marker(dt.date(2026, 11, 19)) is None


def test_each_question_has_its_own_heading_and_stable_anchor(tmp_path: Path):
    site = run(minimum(tmp_path), TODAY)
    page = site.pages["faq.md"]
    assert "### Can I use a free chatbot on my phone for work? {#faq-free-bot}" in page
    assert ("### Can the assistant write the description for a new scone? "
            "{#faq-menu-drafts--scone-names}") in page
    # The same anchor on the page of the team in its audience; the plan page lists the
    # question, linked to its answer on /faq/.
    assert "{#faq-menu-drafts--scone-names}" in site.pages["teams/shop.md"]
    plan_page = site.pages["plans/menu-drafts/index.md"]
    assert "](../../faq.md#faq-menu-drafts--scone-names)" in plan_page
    assert "{#faq}" in site.pages["teams/shop.md"]
    assert "{#faq}" not in site.pages["teams/bakery.md"]  # no question names the bakers
    titles = [next(iter(item)) for item in navigation(site.handbook)]
    assert titles[titles.index("Can I use AI for this?") + 1] == "Questions and answers"


def test_review_age_is_configurable_and_needs_a_dated_change(tmp_path: Path, monkeypatch):
    plans = minimum(tmp_path)
    shutil.copyfile(FIXTURES / "invalid" / "faq-review" / "menu-drafts.yaml",
                    plans / "menu-drafts.yaml")

    def review_warnings() -> list[str]:
        monkeypatch.chdir(tmp_path)
        return [d.message for d in check([Path("plans")], today=TODAY).diagnostics
                if d.rule == "faq-review"]

    assert len(review_warnings()) == 1  # 84 days old, the trial started after it was added
    edit(plans / "_org.yaml", lambda org: org.update(faq_review_days=90))
    assert review_warnings() == []
    edit(plans / "_org.yaml", lambda org: org.update(faq_review_days=30))
    # Linking only a tool: its status has no date in _org.yaml, so nothing says it changed.
    edit(plans / "menu-drafts.yaml", lambda plan: plan["faq"][0].pop("uses"))
    assert review_warnings() == []


def test_faq_file_is_read_not_refused(tmp_path: Path, monkeypatch):
    plans = minimum(tmp_path)
    monkeypatch.chdir(tmp_path)
    found = check([Path("plans")], today=TODAY)
    assert found.faq is not None and found.diagnostics == []
    (plans / "_notes.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    assert [d.rule for d in check([Path("plans")], today=TODAY).diagnostics] == ["plans-file"]


def changed_questions(tmp_path: Path) -> tuple[Path, Path]:
    old = minimum(tmp_path / "old")
    new = minimum(tmp_path / "new")
    edit(new / "_faq.yaml", lambda f: f["faq"][0].update(question="Can I use ChatGPT at work?"))
    edit(new / "menu-drafts.yaml", lambda p: p["faq"][1].update(added="2026-11-24"))
    edit(new / "_faq.yaml", lambda f: f["faq"].append({
        "id": "cake-photos", "question": "May I post AI pictures of cakes?", "answer": "No.",
        "added": "2026-11-24"}))
    return old, new


def test_a_change_to_questions_only_reads_faq_only(tmp_path: Path):
    old, new = changed_questions(tmp_path)
    a, b = read_side(old.as_posix()), read_side(new.as_posix())
    changes = diff(a, b)
    assert [(c.plan, c.section, c.needs_approval) for c in changes] == [
        ("menu-drafts", "FAQ", False), ("_faq.yaml", "FAQ", False), ("_faq.yaml", "FAQ", False)]
    text = render("text", changes, a, b)
    assert text.splitlines()[0] == f"FAQ only — no policy change: {a.label} → {b.label}"
    assert "Questions for everyone (_faq.yaml)" in text
    assert "no policy effect  Question added: “May I post AI pictures of cakes?”" in text
    assert render("markdown", changes, a, b).startswith("### FAQ only — no policy change: ")
    # The plan page's "Last changed" counts it in words staff read.
    assert summary(c for c in changes if c.plan == "menu-drafts") == "1 question changed"
    done = subprocess.run([sys.executable, "-m", "macros", "diff", "--exit-code", "--format",
                           "text", old.as_posix(), new.as_posix()], capture_output=True,
                          text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("FAQ only — no policy change")


def test_a_policy_change_beside_questions_still_reads_as_policy(tmp_path: Path):
    old, new = changed_questions(tmp_path)
    edit(new / "menu-drafts.yaml", prohibit_draft_menu)
    a, b = read_side(old.as_posix()), read_side(new.as_posix())
    changes = diff(a, b)
    text = render("text", changes, a, b)
    assert text.startswith("Policy changes: ")
    assert any(c.needs_approval for c in changes)
    assert all(not c.needs_approval for c in changes if c.section == "FAQ")


def test_a_strangers_questions_read_as_their_plans_do():
    """tests/fixtures/stranger-2 (an outside council): a linked use of a paused plan reads as
    /uses/ reads it, and a team whose access ended is told so, not 'allowed'."""
    site = run(FIXTURES / "stranger-2" / "plans", dt.date(2026, 12, 5))
    assert site.ok, [d.message for d in site.diagnostics if d.is_error]
    paused = line_of(site.pages["teams/building-control.md"].split("{#faq}", 1)[1],
                     "- Turn typed site notes")
    assert "**Paused since Fri 27 Nov 2026: only on the conditions its [Paused notice]" in paused
    ended = line_of(site.pages["teams/validation.md"].split("{#faq}", 1)[1], "- Validation")
    assert ended.endswith("**Not for your team today**: your team's access ended at "
                          "[Every development management and policy officer]"
                          "(../plans/consultation-summaries/stages/all-officers.md)")
    assert "Allowed" not in ended


def test_each_question_is_its_own_search_entry_titled_by_the_question(tmp_path_factory):
    """Material's index holds one entry per heading: a question is found by its own words and
    leads to its own anchor, on /faq/ and on the team page of its audience."""
    site = built_site(tmp_path_factory, "minimum")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = {(d["location"], d["title"]) for d in index["docs"]}
    question = "Can the assistant write the description for a new scone?"
    assert ("faq/#faq-menu-drafts--scone-names", question) in found
    assert ("teams/shop/#faq-menu-drafts--scone-names", question) in found
    assert ("faq/#faq-free-bot", "Can I use a free chatbot on my phone for work?") in found
    html = (site / "faq" / "index.html").read_text(encoding="utf-8")
    assert 'id="faq-menu-drafts--scone-names"' in html
