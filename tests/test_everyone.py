"""The rules for everyone (`baseline:` of _org.yaml with the tool inventory): first on every
team page, the answer for a team with no plan, and /uses/' answer for a task it does not list."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from macros.publishing.pipeline import run

from .conftest import FIXTURES, TODAY

BLOCK = "## Rules for everyone {#everyone}"


def pages(tmp_path: Path, case: str = "minimum", org_change=None) -> dict[str, str]:
    plans = tmp_path / "plans"
    shutil.copytree(FIXTURES / "valid" / case, plans)
    if org_change:
        org = yaml.safe_load((plans / "_org.yaml").read_text(encoding="utf-8"))
        org_change(org)
        (plans / "_org.yaml").write_text(yaml.safe_dump(org, sort_keys=False), encoding="utf-8")
    site = run(plans, TODAY)
    assert site.ok, site.diagnostics
    return site.pages


def test_the_baseline_reaches_the_model_as_data(tmp_path: Path):
    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    baseline = run(tmp_path / "plans", TODAY).handbook.baseline
    assert baseline.never_enter == ("Customer names", "Card numbers")
    assert baseline.report_contact == "ben-cho" and baseline.report_channel == "#ai-incidents"
    assert baseline.ask_contacts == ("ana-silva", "ben-cho")
    assert baseline.ask_channels == ("#ai-questions",)


def test_a_team_with_no_plan_reads_the_rules_that_apply_to_it(tmp_path: Path):
    page = pages(tmp_path)["teams/bakery.md"]
    assert "No plan involves this team yet" not in page
    sentence = "_No rollout plan gives your team more yet; these rules apply to you._"
    assert sentence in page and page.index(sentence) < page.index(BLOCK)
    block = page[page.index(BLOCK):]
    for part in ("{#everyone-approved}", "[Chat assistant](../tools.md#chat)",
                 "<a href=\"https://intranet.example.com/ai\">How to get it</a>",
                 "{#everyone-prohibited}", "[Free chatbot](../tools.md#free-bot)",
                 "{#everyone-never}", "- Customer names\n- Card numbers",
                 "{#everyone-review}", "Read every draft before it is printed or posted.",
                 "{#everyone-report}", "- **Where:** &#35;ai-incidents",
                 "{#everyone-ask}", "[Ana Silva](../contacts.md#ana-silva) (Owner)"):
        assert part in block, part


def test_the_rules_come_first_on_a_team_page_with_a_plan(tmp_path: Path):
    page = pages(tmp_path)["teams/shop.md"]
    assert BLOCK in page
    assert page.index(BLOCK) < page.index("{#menu-drafts}")
    assert page.index(BLOCK) == page.index("\n## ") + 1  # the first section of the page


def test_uses_answers_a_task_it_does_not_list(tmp_path: Path):
    page = pages(tmp_path)["uses.md"]
    answer = ("**Not listed? Then it is not approved**: ask [Ana Silva](contacts.md#ana-silva), "
              "[Ben Cho](contacts.md#ben-cho) or &#35;ai-questions; never with Customer names "
              "or Card numbers.")
    assert answer in page
    assert page.index("{#not-listed}") < page.index("{#prohibited}")
    assert "[rules for everyone](index.md#everyone)" in page


def test_without_a_baseline_the_tools_still_apply_and_nothing_is_empty(tmp_path: Path):
    built = pages(tmp_path, org_change=lambda org: org.pop("baseline"))
    page = built["teams/bakery.md"]
    assert "{#everyone-approved}" in page and "{#everyone-prohibited}" in page
    for absent in ("{#everyone-never}", "{#everyone-review}", "{#everyone-report}",
                   "{#everyone-ask}", "{#everyone-restricted}"):
        assert absent not in page
    assert "**Not listed? Then it is not approved**. The [rules" in built["uses.md"]


def test_baseline_text_is_shown_as_written_and_escaped(tmp_path: Path):
    page = pages(tmp_path, "hostile")["teams/shop.md"]
    assert "- &#60;script&#62;alert(&#39;never&#39;)&#60;/script&#62;" in page
    assert "&#91;click&#93;(javascript&#58;alert(12))" in page
    assert "<script>" not in page and "{{ config }}" not in page
