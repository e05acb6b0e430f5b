"""What you will hear, and when (issue 22, item 4): the plans' planned messages on one timeline
page, and on each team page what the team will be told next; timing from `date`, `before` and
`at_each_gate` only, read against the page's day."""
from __future__ import annotations

import datetime as dt

from macros.render import all_pages
from macros.render import navigation

from .conftest import ROOT, TODAY, changed_handbook

EXAMPLES = ROOT / "plans"


def _pages(change=None, day: dt.date = TODAY, org_changed=None) -> dict[str, str]:
    return all_pages(changed_handbook("support-replies", plan_changed=change, day=day,
                                      folder=EXAMPLES, org_changed=org_changed))


def _section(page: str, anchor_id: str) -> str:
    return page.split("{#" + anchor_id + "}", 1)[1].split("\n## ", 1)[0]


def test_the_timeline_page_is_in_the_nav_and_lists_what_comes_soonest_first():
    hb = changed_handbook("support-replies", folder=EXAMPLES)
    assert {"What you will hear": "communications.md"} in navigation(hb)
    page = all_pages(hb)["communications.md"]
    coming = _section(page, "coming")
    # support-replies' wave 4 (7 Dec 2026) before hr-policy-answers' last stage (1 Feb 2027)
    assert coming.index("Results so far and what changes for everyone") < coming.index(
        "Results so far and the rules that stay")
    assert "planned from Mon 7 Dec 2026" in coming
    sent = _section(page, "sent")
    assert "What the pilot showed and who joins next" in sent  # wave-2 is reached
    # marketing-drafts says when only in words: shown, never read
    assert "What the assistant is for" in _section(page, "not-timed")


def test_a_dated_message_moves_to_already_out_once_its_day_has_passed():
    def dated(plan):
        plan["communications"].append({"when": "Mid-December update", "date": "2026-12-15",
                                       "audience": ["support"], "channel": "Newsletter",
                                       "message": "How wave 3 went"})
    before = _pages(dated)["communications.md"]
    assert "Tue 15 Dec 2026<br>_Mid-December update_" in _section(before, "coming")
    after = _pages(dated, day=dt.date(2026, 12, 16))["communications.md"]
    assert "How wave 3 went" in _section(after, "sent")
    assert "How wave 3 went" not in _section(after, "coming")


def test_each_team_page_says_what_the_team_will_be_told_next():
    pages = _pages()
    nxt = _section(pages["teams/support.md"], "next")
    assert ("**You will be told next:** Results so far and what changes for everyone — before "
            "[Wave 4 — everyone (100 %)](../plans/support-replies/stages/wave-4.md), planned "
            "from Mon 7 Dec 2026 (All-hands).") in nxt
    # finance is in no plan, but in the audience of the all-hands
    finance = _section(pages["teams/finance.md"], "next")
    assert "_No rollout plan includes your team yet._" in finance
    assert "**You will be told next** (from [Drafting customer support replies]" in finance
    assert "told next" not in _section(pages["teams/operations.md"], "next")


def test_the_soonest_message_for_the_team_is_the_one_shown():
    def sooner(plan):
        plan["communications"].append({"when": "Next week", "date": "2026-11-30",
                                       "channel": "Stand-up", "message": "Champion rota"})
    nxt = _section(_pages(sooner)["teams/support.md"], "next")
    # no audience: every team the plan names
    assert "**You will be told next:** Champion rota — Mon 30 Nov 2026 (Stand-up)." in nxt


def test_a_message_at_each_gate_names_the_next_gate():
    def gates(plan):
        plan["communications"] = [{"when": "After every gate", "at_each_gate": True,
                                   "audience": ["support"], "message": "The gate's outcome"}]
    page = _pages(gates)
    assert "at each gate decision (next: [Wave 3 (50 %)]" in _section(
        page["communications.md"], "coming")
    assert "The gate&#39;s outcome — at each gate decision" in page["teams/support.md"]


def test_message_text_is_escaped():
    def hostile(plan):
        plan["communications"][2]["message"] = "<script>alert(1)</script> {{ config }}"
    pages = _pages(hostile)
    for src in ("communications.md", "teams/support.md"):
        assert "<script>" not in pages[src] and "{{ config" not in pages[src]


def test_a_stopped_rollout_announces_nothing_more():
    def stopped(plan):
        plan["decisions"].append({"stage": "wave-3", "date": "2026-11-20", "outcome": "stop",
                                  "by": "dana-okafor", "rationale": "Quality fell"})
    pages = _pages(stopped)
    assert "what changes for everyone" not in _section(pages["communications.md"], "coming")
    assert "told next" not in _section(pages["teams/support.md"], "next")
    assert "told next" not in _section(pages["teams/finance.md"], "next")
