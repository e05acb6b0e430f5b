"""`handbook diff`: the tier is policy; every change carries exactly one judgement; a use moved
between allowed and prohibited is one line; plain text for terminals; a note when the new side
fails the check."""
from __future__ import annotations

import datetime as dt
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from macros.history.diff import diff
from macros.history.sides import Side
from macros.history.diff_judgement import JUDGEMENTS
from macros.history.diff_text import to_text
from macros.core.yaml_strict import HAZARDS
from macros.core.tiers import HIGH_IMPACTS, TIERS, implied_tier
from macros.core.validate import check

from .conftest import FIXTURES, ROOT, git, repository_of
from .test_diff import CASES, EXAMPLES, changed, handbook, old_side
from .test_diff_properties import hostile_sides

# --- the tier is policy -----------------------------------------------------------------------


def below_high(plan: dict) -> None:
    """support-replies (medium tier) now says it affects employees: high tier by rule 6."""
    plan["impact"] = ["customers", "employees"]


def test_adding_a_tier_rationale_that_keeps_the_tier_low_needs_approval():
    [change] = changed("support-replies", lambda p: p.update(tier_rationale="Sent by a person"),
                       before=below_high)
    assert change["path"] == "tier_rationale"
    assert (change["judgement"], change["needs_approval"]) == ("needs-approval", True)
    assert change["approver"] == "Maria Lopez"
    assert change["reason"] == ("keeps the plan at the “medium” tier, below the “high” tier its "
                                "impact calls for; a tier rationale is text and cannot be judged "
                                "automatically")


def test_rewording_the_rationale_of_a_plan_below_its_tier_needs_approval():
    def rationale(text):
        return lambda plan: (below_high(plan), plan.update(tier_rationale=text))
    [change] = changed("support-replies", rationale("Sent by a person"),
                       before=rationale("Every reply is sent by a person"))
    assert change["judgement"] == "needs-approval"


def test_a_rationale_on_a_plan_at_its_tier_has_no_policy_effect():
    [change] = changed("support-replies", lambda p: p.update(tier_rationale="Sent by a person"))
    assert (change["judgement"], change["needs_approval"]) == ("no-policy-effect", False)


def test_removing_the_rationale_of_a_plan_below_its_tier_tightens():
    def rationale(plan):
        below_high(plan)
        plan["tier_rationale"] = "Sent by a person"
    [change] = changed("support-replies", lambda p: p.pop("tier_rationale"), before=rationale)
    assert change["judgement"] == "tightens"  # the check now refuses the medium tier


def test_removing_an_impact_that_lowers_the_implied_tier_needs_approval():
    [change] = changed("hr-policy-answers", lambda p: p["impact"].remove("employees"))
    assert change["path"] == "impact[0]"
    assert change["judgement"] == "needs-approval" and change["approver"] == "Priya Nair"
    assert change["reason"] == "lowers the tier the impact calls for from “high” to “medium”"
    # Employees still call for the high tier: removing records changes nothing the rules read.
    [other] = changed("hr-policy-answers", lambda p: p["impact"].remove("records"))
    assert other["judgement"] == "no-policy-effect"


def test_adding_an_impact_while_the_tier_stays_needs_approval():
    def rationale(plan):
        plan["tier_rationale"] = "Replies are always sent by a person"
    [change] = changed("support-replies", lambda p: p["impact"].append("employees"),
                       before=rationale)
    assert change["judgement"] == "needs-approval"
    assert "below the “high” tier" in change["reason"]
    # Without a rationale too: the check then fails, and the diff still asks for approval.
    [bare] = changed("support-replies", lambda p: p["impact"].append("safety"))
    assert bare["judgement"] == "needs-approval"
    assert bare["reason"].endswith("; the check refuses this without a tier rationale")


def test_an_impact_the_tier_already_meets_tightens():
    changes = changed("marketing-drafts", lambda p: p.update(impact=["public_claims"],
                                                              risk_tier="medium"))
    assert [(c["path"], c["judgement"]) for c in changes] == [
        ("risk_tier", "tightens"), ("impact[0]", "tightens")]


def test_raising_the_tier_tightens():
    [change] = changed("marketing-drafts", lambda p: p.update(risk_tier="high"))
    assert (change["judgement"], change["needs_approval"]) == ("tightens", False)


def test_lowering_the_tier_needs_approval_and_says_what_it_relaxes():
    [change] = changed("hr-policy-answers", lambda p: p.update(risk_tier="medium"))
    assert change["judgement"] == "needs-approval"
    assert change["reason"].startswith("risk tier lowered from “high” to “medium”")


@pytest.mark.parametrize("impact", [[], ["records", "public_claims"],
                                    [min(HIGH_IMPACTS)], ["customers", "finances"]])
@pytest.mark.parametrize("tier", TIERS)
def test_the_diff_and_the_check_read_one_impact_rule(impact: list, tier: str, tmp_path: Path):
    """The impact-tier rule fires exactly when the tier is below the tier the diff computes."""
    plans = tmp_path / "plans"
    shutil.copytree(FIXTURES / "valid" / "minimum", plans)
    plan = plans / "menu-drafts.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("risk_tier: low", f"risk_tier: {tier}\nimpact: {impact}"),
                    encoding="utf-8")
    rules = {d.rule for d in check([plans]).diagnostics}
    below = TIERS.index(tier) < TIERS.index(implied_tier(impact))
    assert ("impact-tier" in rules) is below, (impact, tier)


# --- one judgement per change ---------------------------------------------------------------


def test_a_slower_support_response_time_is_not_judged():
    [change] = changed("support-replies", lambda p: p["support"]["tiers"][1].update(
        response_time="2 days"))
    assert (change["judgement"], change["needs_approval"]) == ("not-judged", False)


def test_a_stage_delayed_by_five_weeks_tightens_and_one_brought_forward_is_not_judged():
    def move(days):
        def edit(plan):
            stage = plan["stages"][3]
            for key in ("start", "end"):
                stage[key] = dt.date.fromisoformat(str(stage[key])) + dt.timedelta(days=days)
        return edit
    delayed = changed("support-replies", move(35))
    assert [(c["path"], c["judgement"]) for c in delayed] == [
        ("stages[wave-4].start", "tightens"), ("stages[wave-4].end", "tightens")]
    earlier = changed("support-replies", move(-3))
    assert {c["judgement"] for c in earlier} == {"not-judged"}


def test_renames_and_reorders_have_no_policy_effect():
    def edit(plan):
        plan["stages"][0]["id"] = "first-wave"
        plan["stages"][0]["former_ids"] = ["pilot"]
        plan["monitoring"].reverse()
    judged = {c["path"]: c["judgement"] for c in changed("support-replies", edit)}
    assert judged["stages[first-wave].id"] == "no-policy-effect"
    assert judged["monitoring"] == "no-policy-effect"
    assert "not-judged" not in {j for p, j in judged.items() if p.startswith("decisions")}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_every_change_carries_exactly_one_judgement(case: Path):
    done = handbook("diff", old_side(case), (case / "new").relative_to(ROOT).as_posix(),
                    "--format", "json")
    changes = [c for c in json.loads(done.stdout) if c["section"] != "Check"]
    assert changes
    for change in changes:
        assert change["judgement"] in JUDGEMENTS
        assert change["needs_approval"] is (change["judgement"] == "needs-approval")
        assert (change["reason"] is not None) is change["needs_approval"]
    markdown = handbook("diff", old_side(case), (case / "new").relative_to(ROOT).as_posix())
    lines = [line for line in markdown.stdout.splitlines() if line.startswith("- ")]
    assert len(lines) == len(changes)
    words = ("**needs approval by ", "— **tightens**", "— **no policy effect**",
             "— **not judged, review by hand**")
    for line in lines:
        assert sum(word in line for word in words) == 1, line


# --- a move is one line ---------------------------------------------------------------------


def test_a_use_moved_to_prohibited_is_one_line_with_its_reason():
    def edit(plan):
        use = plan["uses"]["allowed"].pop(2)
        plan["uses"]["prohibited"].append({"id": use["id"], "text": use["text"],
                                           "reason": "Not good enough"})
    [change] = changed("support-replies", edit)
    assert change["text"].endswith("moved from allowed to prohibited (reason: “Not good enough”)")
    assert change["judgement"] == "tightens"


def test_a_use_moved_to_allowed_is_one_line_and_needs_approval():
    def edit(plan):
        use = plan["uses"]["prohibited"].pop(0)
        plan["uses"]["allowed"].append({"id": use["id"], "text": use["text"],
                                        "from_stage": "wave-3"})
    [change] = changed("support-replies", edit)
    assert change["text"] == ("“Promise, decide or imply a refund or compensation” moved from "
                              "prohibited to allowed (from stage “Wave 3 (50 %)”)")
    assert change["judgement"] == "needs-approval"


def test_a_use_moved_and_reworded_shows_the_rewording_apart():
    def edit(plan):
        use = plan["uses"]["allowed"].pop(2)
        plan["uses"]["prohibited"].append({"id": use["id"], "text": "Translate replies"})
    changes = changed("support-replies", edit)
    assert [c["path"] for c in changes] == ["uses.prohibited[translate-reply]",
                                            "uses.prohibited[translate-reply].text"]


# --- plain text for terminals ---------------------------------------------------------------

HAZARDOUS = "Menu \x1b[31mred\x1b[0m\u202eevil\u202c\nnext\tline\x07"


def test_text_is_plain_one_judgement_a_line_and_shows_control_characters():
    old = EXAMPLES
    plans = dict(EXAMPLES.plans)
    plans["support-replies"] = dict(plans["support-replies"], title=HAZARDOUS,
                                    summary="New **summary** `x` <b>",
                                    risk_tier="low")
    new = Side("new\x1b]0;title\x07", plans, EXAMPLES.org, faq=EXAMPLES.faq)
    text = to_text(diff(old, new), old, new)
    assert all(ord(ch) >= 0x20 or ch == "\n" for ch in text), repr(text)
    assert "\u202e" not in text and "\x9b" not in text
    assert "Menu [U+001B][31mred[U+001B][0m[U+202E]evil[U+202C]⏎next␉line[U+0007]" in text
    assert "New **summary** `x` <b>" in text  # as written: no escapes, no entities
    assert "&#" not in text and "&amp;" not in text and "\\" not in text
    changes = [line for line in text.splitlines() if line.startswith("    ")]
    assert any(line.startswith("    needs approval    Risk tier: “medium” → “low” (by Maria "
                               "Lopez: risk tier lowered from “medium” to “low”")
               for line in changes)
    assert ("    not judged        Plan › title: “Drafting customer support replies” → “Menu "
            "[U+001B][31mred[U+001B][0m[U+202E]evil[U+202C]⏎next␉line[U+0007]” (review by hand)") in changes
    assert any(line.startswith("    not judged        Plan › summary: ") and
               line.endswith(" (review by hand)") for line in changes)
    assert "Needs approval by Maria Lopez: 1 change cannot be proved to tighten control." in text


def test_format_text_from_the_command_line():
    case = FIXTURES / "diff" / "gates-and-pause"
    done = handbook("diff", old_side(case), (case / "new").relative_to(ROOT).as_posix(),
                    "--format", "text")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Policy changes: tests/fixtures/diff/gates-and-pause/old → ")
    assert "`" not in done.stdout and "**" not in done.stdout and "#" not in done.stdout
    assert ("    tightens          “Translate your own reply into the customer's language for "
            "review by a fluent colleague” moved from allowed to prohibited (reason: “Translation "
            "quality was not good enough in wave 3.”)\n") in done.stdout


def on_a_terminal(*args: str) -> str:
    """`handbook diff` with its stdout on a pseudo-terminal, as a person runs it."""
    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "macros", "diff", *args], cwd=ROOT,
                               stdout=child, stderr=subprocess.DEVNULL)
    os.close(child)  # read while it writes: a full terminal buffer would block it
    out = b""
    try:
        while chunk := os.read(main, 65536):
            out += chunk
    except OSError:  # EIO: the command has exited and closed the terminal
        pass
    finally:
        os.close(main)
    assert process.wait(timeout=120) == 0
    return out.decode("utf-8").replace("\r\n", "\n")


def test_a_terminal_gets_text_unless_a_format_is_given():
    case = FIXTURES / "diff" / "loosening"
    sides = (old_side(case), (case / "new").relative_to(ROOT).as_posix())
    assert on_a_terminal(*sides).startswith("Policy changes: ")
    assert on_a_terminal(*sides, "--format", "markdown").startswith("### Policy changes: ")
    assert handbook("diff", *sides).stdout.startswith("### Policy changes: ")  # a pipe
    assert handbook("diff", *sides, "--format", "text").stdout.startswith("Policy changes: ")


# --- a note when the new side fails the check ------------------------------------------------


def test_a_new_side_that_fails_the_check_is_noted_in_every_format():
    case = FIXTURES / "diff" / "renames-and-rewording"
    sides = (old_side(case), (case / "new").relative_to(ROOT).as_posix())
    markdown = handbook("diff", *sides).stdout
    assert markdown.startswith("> ⚠️ **Note: the new version has 1 error; run `handbook check`.**")
    text = handbook("diff", *sides, "--format", "text").stdout
    assert "\nNote: the new version has 1 error; run handbook check.\n" in text
    note = json.loads(handbook("diff", *sides, "--format", "json").stdout)[0]
    assert (note["section"], note["errors"], note["text"]) == (
        "Check", 1, "the new version has 1 error; run handbook check")
    assert note["needs_approval"] is False and note["judgement"] == "not-judged"
    # The old side may fail the check: only the new one is noted.
    back = handbook("diff", *reversed(sides))
    assert "Note:" not in back.stdout


def test_a_git_revision_that_fails_the_check_is_noted(tmp_path: Path):
    plan = repository_of(FIXTURES / "valid" / "minimum", tmp_path) / "menu-drafts.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "risk_tier: low", "risk_tier: low\nimpact: [employees]"), encoding="utf-8")
    git("commit", "-q", "-am", "second", cwd=tmp_path)
    done = handbook("diff", "HEAD~1", "HEAD", "--format", "text", cwd=tmp_path)
    assert "Note: the new version has 1 error; run handbook check." in done.stdout
    assert "    needs approval    " in done.stdout
    clean = handbook("diff", "HEAD~1", "HEAD~1", "--format", "text", cwd=tmp_path)
    assert "Note:" not in clean.stdout


def with_hazards(data, counter: list[int]):
    """Every text leaf gains a terminal escape, a bidi override or a bell (ids kept)."""
    hazards = ["\x1b[2J\x1b]0;owned\x07", "\u202edesrever", "\x9b31m", "\r\x08\x00", "\u2028"]
    if isinstance(data, dict):
        return {k: v if k in ("id", "schema_version") else with_hazards(v, counter)
                for k, v in data.items()}
    if isinstance(data, list):
        return [with_hazards(v, counter) for v in data]
    if isinstance(data, str):
        counter[0] += 1
        return data + hazards[counter[0] % len(hazards)]
    return data


def test_hostile_plans_read_one_change_a_line_in_text():
    old, new = hostile_sides()
    old = Side(old.label + "\x1b[1m", with_hazards(old.plans, [0]), with_hazards(old.org, [0]))
    new = Side(new.label, with_hazards(new.plans, [1]), with_hazards(new.org, [1]))
    changes = diff(old, new)
    text = to_text(changes, old, new)
    assert not [ch for ch in text if ord(ch) in HAZARDS or ch in "\t\r"], repr(text)
    labels = ("needs approval    ", "tightens          ", "no policy effect  ",
              "not judged        ")
    lines = [line for line in text.splitlines() if line.startswith("    ")]
    assert len(lines) == len(changes) > 30
    for line, change in zip(lines, changes):
        assert sum(line[4:].startswith(label) for label in labels) == 1, line
        assert line[4:].startswith(labels[JUDGEMENTS.index(change.judgement)]), line
