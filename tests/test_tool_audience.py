"""A tool approved only for a plan's users (`available_to: plan-users` in _org.yaml) is never
offered to a team no plan reaches: the no-plan team page, the rules for everyone, the tools
table and the FAQ say who may use it; opening it to everyone is a loosening the diff routes."""
from __future__ import annotations

import copy
import json

from macros.history.sides import Side
from macros.history.diff import diff, read_side, to_json
from macros.model.build import build_handbook
from macros.render.fragments import Fragments
from macros.render.paths import Paths
from macros.render import all_pages
from macros.core.validate import check

from .conftest import ROOT, TODAY

EXAMPLES = read_side((ROOT / "plans").as_posix())


def examples(org_changed=None):
    checked = check([ROOT / "plans"], today=TODAY)
    assert checked.ok, checked.diagnostics
    org = copy.deepcopy(checked.org.data)
    if org_changed:
        org_changed(org)
    return build_handbook(org, [(d.data, d.file) for d in checked.plans], TODAY,
                          {pid: m.rows for pid, m in checked.measurements.items()},
                          faq=checked.faq.data if checked.faq else None)


def may_line(page: str) -> str:
    return next(line for line in page.splitlines() if "What you may do" in line)


def test_a_team_no_plan_reaches_is_offered_only_the_tools_for_everyone():
    pages = all_pages(examples())
    warehouse = may_line(pages["teams/operations.md"])
    assert "Enterprise chat assistant" in warehouse
    assert "Helpdesk reply drafting" not in warehouse
    assert "Policy search assistant" not in warehouse


def test_when_no_tool_is_for_everyone_the_no_plan_team_is_told_so():
    def plan_users_only(org):
        for tool in org["tools"]:
            tool["available_to"] = "plan-users"
    page = all_pages(examples(plan_users_only))["teams/operations.md"]
    assert "Nothing beyond the rules for everyone" in may_line(page)
    assert "No rollout plan gives your team any AI use yet" in page
    assert "Enterprise chat assistant" not in may_line(page)


def test_the_rules_for_everyone_say_which_plan_a_tool_is_for():
    f = Fragments(examples(), Paths.home)
    approved = f.rules_for_everyone().split("{#everyone-approved}")[1].split("###")[0]
    search = next(line for line in approved.splitlines() if "Policy search" in line)
    assert "only for the people a plan gives access to" in search
    assert "hr-policy-answers" in search  # the plan's link
    chat = next(line for line in approved.splitlines() if "chat assistant" in line)
    assert "only for the people" not in chat


def test_the_tools_table_marks_a_tool_for_plan_users():
    table = Fragments(examples(), Paths.tools).tools_table()
    row = next(line for line in table.splitlines() if "Helpdesk reply drafting" in line)
    assert "**Approved**: plan users only" in row
    row = next(line for line in table.splitlines() if "Enterprise chat assistant" in line)
    assert "plan users only" not in row


def test_opening_a_tool_to_everyone_needs_approval_and_closing_it_does_not():
    def changes(value):
        org = copy.deepcopy(EXAMPLES.org)
        tool = next(t for t in org["tools"] if t["id"] == "policy-search")
        if value is None:
            tool.pop("available_to")
        else:
            tool["available_to"] = value
        return json.loads(to_json(diff(EXAMPLES, Side("new", EXAMPLES.plans, org,
                                                      faq=EXAMPLES.faq))))
    opened = changes("everyone")
    assert [(c["path"], c["needs_approval"]) for c in opened] == [
        ("tools[policy-search].available_to", True)]
    assert [c["needs_approval"] for c in changes(None)] == [True]  # unset means everyone

    org = copy.deepcopy(EXAMPLES.org)
    tool = next(t for t in org["tools"] if t["id"] == "chat-assistant")
    tool["available_to"] = "plan-users"
    closed = json.loads(to_json(diff(EXAMPLES, Side("new", EXAMPLES.plans, org,
                                                    faq=EXAMPLES.faq))))
    assert [c["needs_approval"] for c in closed] == [False]
