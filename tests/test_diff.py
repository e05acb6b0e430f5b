"""`handbook diff`: fixture pairs with the exact expected Markdown; git revisions; JSON;
`--exit-code`; and what needs approval, case by case."""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from macros.history.diff import diff, read_side, to_json
from macros.history.sides import Side
from macros.core.tiers import relaxed

from .conftest import FIXTURES, ROOT, git, repository_of

CASES = sorted(p for p in (FIXTURES / "diff").iterdir() if p.is_dir())


def handbook(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", *args], cwd=cwd, capture_output=True,
                          text=True)


def old_side(case: Path) -> str:
    """A case's old/ folder (a frozen copy, so that edits to plans/ do not leak into the
    expected text), else the valid/ base named in base.txt (default minimum)."""
    if (case / "old").is_dir():
        return (case / "old").relative_to(ROOT).as_posix()
    base = (case / "base.txt").read_text().strip() if (case / "base.txt").exists() else "minimum"
    return (FIXTURES / "valid" / base).relative_to(ROOT).as_posix()


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_diff_reads_as_expected(case: Path):
    """Each case: new/ is compared with its old side; the Markdown is compared exactly."""
    old = old_side(case)
    done = handbook("diff", old, (case / "new").relative_to(ROOT).as_posix())
    assert done.returncode == 0, done.stderr
    assert done.stdout == (case / "expected.md").read_text(encoding="utf-8")


def test_diff_between_git_revisions(tmp_path: Path):
    plans = repository_of(FIXTURES / "diff" / "loosening" / "old", tmp_path)
    shutil.copyfile(FIXTURES / "diff" / "loosening" / "new" / "menu-drafts.yaml",
                    plans / "menu-drafts.yaml")
    git("commit", "-q", "-am", "second", cwd=tmp_path)
    done = handbook("diff", "HEAD~1", "HEAD", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    changes = json.loads(done.stdout)
    assert [(c["section"], c["path"], c["judgement"]) for c in changes] == [
        ("Plan", "owner", "not-judged"),
        ("Uses", "uses.allowed[no-allergens]", "needs-approval"),
        ("Uses", "uses.prohibited[no-prices]", "tightens"),
        ("Data rules", "data_rules.never_enter[0]", "needs-approval"),
        ("Human review", "review[owner-check].mode", "needs-approval"),
        ("Pause", "pause.authority[1]", "tightens")]
    assert [c["needs_approval"] for c in changes] == [
        c["judgement"] == "needs-approval" for c in changes]
    assert set(changes[0]) == {"plan", "section", "path", "old", "new", "text", "judgement",
                               "needs_approval", "reason", "approver"}
    assert changes[1]["approver"] == "Ana Silva"
    assert changes[1]["reason"] == "moves a prohibited use to allowed"
    # NEW defaults to the working tree's plans/: no change against HEAD.
    same = handbook("diff", "HEAD", cwd=tmp_path)
    assert same.stdout.startswith("**No policy changes**")


def test_an_unknown_side_is_a_usage_error(tmp_path: Path):
    done = handbook("diff", "no-such-revision", "plans", cwd=tmp_path)
    assert done.returncode == 2
    assert "is not a file, a folder or a git revision" in done.stderr


def test_exit_code_says_whether_approval_is_needed(tmp_path: Path):
    loosening = (FIXTURES / "diff" / "loosening" / "new").relative_to(ROOT).as_posix()
    minimum = (FIXTURES / "valid" / "minimum").relative_to(ROOT).as_posix()
    assert handbook("diff", minimum, loosening, "--exit-code").returncode == 1
    assert handbook("diff", minimum, loosening).returncode == 0  # without the flag: report only
    assert handbook("diff", minimum, minimum, "--exit-code").returncode == 0
    # A change that only tightens (a new prohibited use, a stricter review) needs no approval.
    shutil.copytree(FIXTURES / "valid" / "minimum", tmp_path / "plans")
    plan = tmp_path / "plans" / "menu-drafts.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("mode: review_before_use", "mode: approval_first").replace(
        "  prohibited:\n", "  prohibited:\n    - {id: no-prices, text: Invent prices}\n"),
        encoding="utf-8")
    done = handbook("diff", minimum, str(tmp_path / "plans"), "--exit-code", "--format", "json")
    assert done.returncode == 0, done.stdout
    assert [c["path"] for c in json.loads(done.stdout)] == [
        "uses.prohibited[no-prices]", "review[owner-check].mode"]
    assert handbook("diff", "--exit-code").returncode == 2  # OLD is required: a usage error


def test_json_is_plain_text():
    case = FIXTURES / "diff" / "gates-and-pause"
    done = handbook("diff", old_side(case), (case / "new").relative_to(ROOT).as_posix(),
                    "--format", "json")
    changes = json.loads(done.stdout)
    moved = next(c for c in changes if c["path"] == "uses.prohibited[translate-reply]")
    assert moved["text"] == ("“Translate your own reply into the customer's language for review "
                             "by a fluent colleague” moved from allowed to prohibited (reason: "
                             "“Translation quality was not good enough in wave 3.”)")
    for change in changes:
        for field in ("text", "reason"):
            value = change[field] or ""
            assert "&#" not in value and "&amp;" not in value and "`" not in value, value
            assert "\\" not in value


# --- what needs approval --------------------------------------------------------------------

EXAMPLES = read_side((ROOT / "plans").as_posix())


def changed(plan_id: str, edit, before=None) -> list:
    """The changes from the example plan (first edited by `before`) to a copy edited by
    `edit`, as JSON objects."""
    old = copy.deepcopy(EXAMPLES.plans[plan_id])
    if before:
        before(old)
    new = copy.deepcopy(old)
    edit(new)
    return json.loads(to_json(diff(Side("old", {plan_id: old}, EXAMPLES.org),
                                   Side("new", {plan_id: new}, EXAMPLES.org))))


def metric(plan: dict, metric_id: str) -> dict:
    return next(m for m in plan["monitoring"] if m["id"] == metric_id)


def test_a_reworded_pause_threshold_needs_approval():
    def threshold(text):
        return lambda plan: metric(plan, "edit-rate").update(pause_threshold=text)
    [change] = changed("support-replies", threshold("more than 1 in 3"),
                       before=threshold("more than 1 in 4"))
    assert change["path"] == "monitoring[edit-rate].pause_threshold"
    assert change["needs_approval"] is True
    assert change["reason"] == "wording changed; cannot be judged automatically"
    assert change["approver"] == "Maria Lopez"
    assert change["text"] == ("Pause threshold of “Share of drafts heavily edited before sending”:"
                              " “more than 1 in 4” → “more than 1 in 3”")


def test_a_rewritten_pause_trigger_is_listed_and_needs_approval():
    def edit(plan):
        plan["pause"]["triggers"][0]["text"] = "Edit rate high"
    [change] = changed("support-replies", edit)
    assert change["path"] == "pause.triggers[quality-drop].text"
    assert change["text"] == ("Pause trigger reworded: “Edit rate above its pause threshold” → "
                              "“Edit rate high”")
    assert change["reason"] == "wording changed; cannot be judged automatically"


@pytest.mark.parametrize("old, new, approval", [
    (0.05, 0.1, "pause value raised from 0.05 to 0.1 (better: lower)"),
    (0.1, 0.05, None),
])
def test_numbers_are_judged_with_better(old, new, approval):
    def pause_value(value):
        return lambda plan: metric(plan, "edit-rate").update(pause_value=value)
    [change] = changed("support-replies", pause_value(new), before=pause_value(old))
    assert change["reason"] == approval
    assert change["needs_approval"] is (approval is not None)


def test_a_criterion_value_is_judged_by_its_metrics_better():
    def value(number):  # weekly-active is better higher: a lower bar is looser
        return lambda plan: plan["stages"][2]["gate"]["criteria"][2].update(value=number)
    [lowered] = changed("support-replies", value(30), before=value(40))
    assert lowered["path"] == "stages[wave-3].gate.criteria[2].value"
    assert lowered["reason"] == "criterion value lowered from 40 to 30 (better: higher)"
    [raised] = changed("support-replies", value(50), before=value(40))
    assert raised["needs_approval"] is False


def test_a_lowered_tier_lists_what_it_no_longer_requires():
    [change] = changed("hr-policy-answers", lambda plan: plan.update(risk_tier="medium"))
    assert change["needs_approval"] and change["approver"] == "Priya Nair"
    assert relaxed("high", "medium")  # the table does relax something
    for phrase in relaxed("high", "medium"):
        assert phrase in change["reason"]
    [raised] = changed("marketing-drafts", lambda plan: plan.update(risk_tier="high"))
    assert raised["needs_approval"] is False


def test_approval_comes_from_the_definition_owner_before_the_change():
    def edit(plan):
        plan["governance"]["definition_owner"] = "sam-lee"
        plan["pause"]["authority"] = []
    changes = changed("support-replies", edit)
    assert {c["approver"] for c in changes} == {"Maria Lopez"}
    assert [c["text"] for c in changes] == [
        "“Dana Okafor” can no longer pause the rollout",
        "“Maria Lopez” can no longer pause the rollout",
        "Owner of the definitions of good: “Maria Lopez” → “Sam Lee”"]


def test_a_stage_rename_reads_as_a_rename():
    def edit(plan):
        plan["stages"][1]["id"] = "second-wave"
        plan["stages"][1]["former_ids"] = ["wave-2"]
        plan["stages"][1]["headcount"] = 7
    changes = changed("support-replies", edit)
    assert [(c["path"], c["text"], c["needs_approval"]) for c in changes] == [
        ("stages[second-wave].id", "Stage “Wave 2 (25 %)” renamed from wave-2 — old links redirect",
         False),
        ("stages[second-wave].headcount", "People given access at “Wave 2 (25 %)”: 6 → 7", True)]
    assert changes[1]["reason"] == "people given access raised from 6 to 7"


def test_stage_access_fields_need_approval_when_they_widen_access():
    def widen(plan):
        plan["stages"][0]["teams"].append("finance")
        plan["stages"][0]["people"] = ["li-wei"]
        plan["stages"][0]["leave"] = ["support"]
    changes = changed("support-replies", widen)
    assert [(c["text"], c["needs_approval"]) for c in changes] == [
        ("“Finance” gets access at “Wave 1 — pilot (10 %)”", True),
        ("“Li Wei” gets access at “Wave 1 — pilot (10 %)”", True),
        ("Access of “Customer Support” ends when “Wave 1 — pilot (10 %)” starts", False)]


def test_org_changes_are_reported():
    org = copy.deepcopy(EXAMPLES.org)
    next(t for t in org["tools"] if t["id"] == "helpdesk-drafts")["status"] = "restricted"
    next(t for t in org["tools"] if t["id"] == "free-chatbot")["status"] = "restricted"
    org["teams"][0]["name"] = "Support"
    new = Side("new", EXAMPLES.plans, org, faq=EXAMPLES.faq)
    changes = json.loads(to_json(diff(EXAMPLES, new)))
    assert [(c["plan"], c["path"], c["needs_approval"], c["approver"]) for c in changes] == [
        ("_org.yaml", "teams[support].name", False, None),
        ("_org.yaml", "tools[helpdesk-drafts].status", False, None),
        ("_org.yaml", "tools[free-chatbot].status", True, "Dana Okafor")]
    assert changes[2]["text"] == "Tool “Free consumer chatbots (any)”: status “prohibited” → " \
        "“restricted”"


def test_a_leaf_without_a_sentence_of_its_own_reads_generically():
    def edit(plan):
        plan["support"]["tiers"][1]["response_time"] = "2 days"
    [change] = changed("support-replies", edit)
    assert change["path"] == "support.tiers[1].response_time"
    assert change["text"] == "Support › tiers › “Champions” › response time: “24 hours” → “2 days”"
    assert change["needs_approval"] is False


def test_a_plan_rename_reads_as_a_rename():
    old = EXAMPLES.plans["marketing-drafts"]
    new = dict(copy.deepcopy(old), id="campaign-drafts", former_ids=["marketing-drafts"])
    changes = diff(Side("a", {"marketing-drafts": old}, EXAMPLES.org),
                   Side("b", {"campaign-drafts": new}, EXAMPLES.org))
    assert [(c.plan, c.path, c.needs_approval) for c in changes] == [
        ("campaign-drafts", "id", False)]
    assert json.loads(to_json(changes))[0]["text"] == (
        "Plan “Drafting marketing copy” renamed from marketing-drafts — old links redirect")


def test_a_shared_module_that_requires_less_goes_to_every_plan_that_requires_it():
    org = copy.deepcopy(EXAMPLES.org)
    org["training"][0]["required_before_access"] = False
    org["training"][0]["topics"].remove("data_rules")
    new = Side("new", EXAMPLES.plans, org, faq=EXAMPLES.faq)
    changes = json.loads(to_json(diff(EXAMPLES, new)))
    assert [(c["path"], c["reason"]) for c in changes] == [
        ("training[ai-basics].topics[2]", "removes a training topic"),
        ("training[ai-basics].required_before_access",
         "module no longer required before access")]
    assert {c["approver"] for c in changes} == {"Priya Nair, Tom Becker, Maria Lopez"}


def test_a_number_without_better_cannot_be_judged():
    def drop_better(plan):
        del metric(plan, "edit-rate")["better"]
    changes = changed("support-replies", lambda plan: metric(plan, "edit-rate").update(
        pause_value=45), before=drop_better)
    assert [c["reason"] for c in changes] == [
        "pause value changed from 50 to 45; whether higher or lower is better is not given (or "
        "it changed), so it cannot be judged"]


# --- the pull-request comment's size ----------------------------------------------------------


def test_a_long_comment_is_cut_at_a_whole_change_and_keeps_what_needs_approval():
    """GitHub refuses a comment over 65,536 characters (the workflow step then fails and posts
    nothing). The comment is cut after a whole change; what needs approval, which comes last
    here, is summed up first; the end says how many changes are left out and how to see all."""
    from macros.history.change_words import Value
    from macros.history.diff import COMMENT_LIMIT, Change, to_markdown

    many = [Change("big-plan", "Data rules", f"data_rules.never_enter[{n}]", None, "x",
                   ("Added to never enter: ", Value(f"Item {n} " + "x" * 80)))
            for n in range(2_000)]
    loosened = Change("zz-plan", "Uses", "uses.prohibited[x]", "x", None,
                      ("Removed the prohibition ", Value("x")), ("it loosens a rule",), "dana")
    old, new = Side("origin/main", {}, {}), Side("plans", {}, {})
    full = to_markdown(many[:10] + [loosened], old, new)
    assert "⚠️ **Needs approval by `dana`:**" in full and "not shown" not in full
    comment = to_markdown(many + [loosened], old, new)
    assert len(comment) <= COMMENT_LIMIT < 65_536
    lines = comment.splitlines()
    assert lines[0].startswith("### Policy changes")
    assert "**Needs approval:** 1 change(s) in 1 plan(s)" in comment.split("big-plan")[0]
    assert "- `zz-plan` needs approval by `dana`: 1 change(s)" in comment.split("big-plan")[0]
    shown = [line for line in lines if line.startswith("- Added to never enter")]
    assert 0 < len(shown) < 2_000 and all("x` — **" in line for line in shown)
    assert lines[-1] == (f"{2_001 - len(shown)} of 2001 changes are not shown here, because "
                         "GitHub refuses a comment longer than 65,536 characters. To see every "
                         "change, run `handbook diff --format json origin/main plans`.")
