"""Rules from the tier table (macros/core/tiers.py): what each risk tier requires of approval,
review, stages, training, escalation, pausing, communications, risks and governance, and the
tier an impact implies (support's and monitoring's tier rules are in support.py and
monitoring.py).
"""
from __future__ import annotations

from typing import Any, Iterator

from ..diagnostics import ERROR, WARNING, Diagnostic
from ..load import Document
from ..yaml_strict import display_path
from ..tiers import (
    ALWAYS_REQUIRED,
    APPROVAL_FIRST,
    APPROVAL_STATUSES,
    HIGH_IMPACTS,
    PER_OUTPUT,
    TIERS,
    implied_tier,
)
from ..values import gives_access, parse_date
from .base import (
    AUDIENCE,
    PERSON,
    Scope,
    _modules_of,
    _required,
    _stages,
    _suggest,
    emits,
    entries,
    get,
    reads,
    select,
    texts,
)


NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}


@reads('status', 'approval', 'review_by')
def rule_approval(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 9 and the tier table: approved and active plans carry approval and review_by."""
    for doc in scope.plans:
        status = doc.data.get("status")
        if status not in APPROVAL_STATUSES:
            continue
        for key in ("approval", "review_by"):
            if key not in doc.data:
                yield scope.report(doc, ("status",), ERROR, "approval",
                                   f"a plan that is {status} needs '{key}'",
                                   "Add approval: {by: <person>, date: YYYY-MM-DD} and "
                                   "review_by: YYYY-MM-DD." if key == "approval" else
                                   "Add review_by: YYYY-MM-DD, the date of the next review.")


@reads('review_by', 'status', 'owner')
def rule_review_overdue(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 9: review_by in the past is a warning; the page shows the plan as overdue."""
    for doc in scope.plans:
        due = parse_date(doc.data.get("review_by"))
        if due and due < scope.today and doc.data.get("status") != "retired":
            owner = doc.data.get("owner")
            name = get(scope.people.get(owner), "name", default=owner or "the owner")
            yield scope.report(doc, ("review_by",), WARNING, "review-overdue",
                               f"the review was due on {due.isoformat()}; {name} owns the plan",
                               "Review the plan, then set a new review_by date.")


@reads('risk_tier', 'owner', 'scope.tools', 'uses.allowed', 'uses.prohibited',
       'data_rules.never_enter')
def rule_tier_required(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table, first row: required at every tier."""
    what = {("owner",): "a business owner", ("scope", "tools"): "the tools used",
            ("uses", "allowed"): "the allowed uses", ("uses", "prohibited"): "the prohibited uses",
            ("data_rules", "never_enter"): "the data that must never be entered"}
    for doc in scope.plans:
        for path in ALWAYS_REQUIRED:
            value = get(doc.data, *path)
            if value in (None, [], ""):
                yield scope.report(doc, path, ERROR, "tier-required",
                                   f"is required at every tier ({what[path]})",
                                   f"Add {display_path(path)} to the plan.")


def _normalised(text: str) -> str:
    """Text compared as an id: case, runs of spaces and a final full stop do not count."""
    return " ".join(text.casefold().split()).rstrip(".;:!")


@emits("tier-review", "review-output", "review-covers")
@reads('risk_tier', 'review[].covers', 'review[].output (compared with scope.outputs as exact '
       'text)', 'review[].mode', 'scope.outputs', 'stages[0].pattern')
def rule_tier_review(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: low >= 1 review rule; medium one per output; high approval-first or a
    read-only first stage. A review rule names the outputs it covers in `covers` (a list of
    scope.outputs entries, or `all`); without it, its `output` text is compared with
    scope.outputs (case, spacing and a final full stop aside): a text that names none is a
    warning, never an error, as it was valid before `covers` existed."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        rules = entries(plan.get("review"))
        if not rules:
            yield scope.report(doc, ("review",), ERROR, "tier-review",
                               "at least one human review rule is required",
                               "Add review: [{id, output, reviewer, mode}].")
            continue
        outputs = {_normalised(o): o for _, o in select(plan, ("scope", "outputs", "*"))
                   if isinstance(o, str)}
        covered: set[str] = set()
        for i, rule in rules:
            if "covers" in rule:
                yield from _review_covers(scope, doc, i, rule.get("covers"), outputs, covered)
            else:
                yield from _review_output(scope, doc, i, rule.get("output"), outputs, covered)
        # A covers the schema refuses (`covers: everything`) leaves coverage unknown: its type
        # error is the one diagnostic, not an uncovered output as well.
        shapeless = any("covers" in r and r["covers"] != "all" and not texts(r["covers"])
                        for _, r in rules)
        if required.review in (PER_OUTPUT, APPROVAL_FIRST) and not shapeless:
            for path, output in select(plan, ("scope", "outputs", "*")):
                if isinstance(output, str) and _normalised(output) not in covered:
                    yield scope.report(doc, path, ERROR, "tier-review",
                                       f"the output '{output}' has no review rule (required "
                                       "at medium and high tier)",
                                       f"Add a review rule with covers: [{output}], or add it "
                                       "to the covers of a rule that reviews it.")
        if required.review == APPROVAL_FIRST:
            first_pattern = get(plan, "stages", 0, "pattern")
            if first_pattern != "read_only":
                for i, r in rules:
                    if r.get("mode") != "approval_first":
                        yield scope.report(doc, ("review", i, "mode"), ERROR, "tier-review",
                                           "at high tier every review is approval_first unless "
                                           "the first stage is read_only",
                                           "Set mode: approval_first, or start with a read_only "
                                           "stage.")


def _review_covers(scope: Scope, doc: Document, i: int, covers: Any, outputs: dict[str, str],
                   covered: set[str]) -> Iterator[Diagnostic]:
    """`covers: all` or `covers: [<output>, …]`: structured, so an entry that is not one of
    scope.outputs is an error (the schema reports a value of the wrong shape)."""
    if covers == "all":
        covered.update(outputs)
        return
    for j, named in enumerate(texts(covers)):
        key = _normalised(named)
        if key in outputs:
            covered.add(key)
        elif outputs:
            yield scope.report(doc, ("review", i, "covers", j), ERROR, "review-covers",
                               f"'{named}' is not one of scope.outputs"
                               + _suggest(named, outputs.values()),
                               "Name each output exactly as scope.outputs lists it: "
                               + "; ".join(outputs.values()) + "; or write covers: all.")
        else:
            yield scope.report(doc, ("review", i, "covers", j), ERROR, "review-covers",
                               f"'{named}' names an output, but scope.outputs lists none",
                               "Add the outputs to scope.outputs, or write covers: all.")


def _review_output(scope: Scope, doc: Document, i: int, named: Any, outputs: dict[str, str],
                   covered: set[str]) -> Iterator[Diagnostic]:
    """A review rule without `covers`: its `output` text, compared with scope.outputs."""
    if not isinstance(named, str) or not outputs:
        return
    key = _normalised(named)
    if key in outputs:
        covered.add(key)
        return
    # An older plan may abbreviate ("Draft reply" for "Draft reply text"): under 0.1.0 such a
    # rule covered every output it is a part of (or that is a part of it), so it still does,
    # but the link is made explicit before anything relies on it.
    partial = [o for k, o in outputs.items() if key and (key in k or k in key)]
    if partial:
        covered.update(_normalised(o) for o in partial)
        meant = " and ".join(f"'{o}'" for o in partial)
        yield scope.report(doc, ("review", i, "output"), WARNING, "review-output",
                           f"'{named}' is not one of scope.outputs; it is taken to "
                           f"{'mean' if len(partial) == 1 else 'cover'} {meant}",
                           f"Write covers: [{', '.join(partial)}] in this review rule.")
        return
    # Valid before 0.2.0 (a catch-all such as "All our drafts"): a warning naming the field
    # that says what the rule covers; at medium and high tier the uncovered outputs keep their
    # own tier-review error.
    yield scope.report(doc, ("review", i, "output"), WARNING, "review-output",
                       f"'{named}' is not one of scope.outputs, so which outputs this rule "
                       "covers is not known" + _suggest(named, outputs.values()),
                       "Add covers: all, or covers: [<output>, ...] naming entries of "
                       "scope.outputs: " + "; ".join(outputs.values()) + ".")


@reads('risk_tier', 'stages[].gate', 'stages[].gate.criteria[].blocking')
def rule_tier_stages(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: low >= 1 stage; medium >= 2, gates on all but the last; high >= 3 and every
    gate has a blocking criterion."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        stages = _stages(plan)
        if len(stages) < required.min_stages:
            yield scope.report(doc, ("stages",), ERROR, "tier-stages",
                               f"a {required.tier}-tier plan needs at least "
                               f"{required.min_stages} stage(s); it has {len(stages)}",
                               "Expand in controlled stages, each ending in a gate (seed 000).")
        for n, (i, stage) in enumerate(stages):
            gate = stage.get("gate")
            if (required.gate_on_every_stage_but_last and n < len(stages) - 1
                    and not isinstance(gate, dict)):
                yield scope.report(doc, ("stages", i), ERROR, "tier-stages",
                                   f"stage '{stage.get('id')}' has no gate; every stage but the "
                                   "last needs one at this tier",
                                   "Add gate: {decider, criteria, outcomes}.")
            elif required.blocking_criterion_on_every_gate and isinstance(gate, dict):
                if not any(c.get("blocking") is True for _, c in entries(gate.get("criteria"))):
                    yield scope.report(doc, ("stages", i, "gate"), ERROR, "tier-stages",
                                       "at high tier a gate needs at least one blocking criterion",
                                       "Mark the criterion that must be met with blocking: true.")


@reads('risk_tier', 'training.modules', 'stages[].training', 'stages[].headcount',
       'stages[].teams', 'stages[].people', 'review[].reviewer', "modules' audience")
def rule_tier_training(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: low >= 1 module; medium each stage that adds people requires a module; high
    also trains the reviewers."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        own = entries(get(plan, "training", "modules"))
        needed = {m for _, s in _stages(plan) for m in texts(s.get("training"))}
        if not own and not needed:
            yield scope.report(doc, ("training",), ERROR, "tier-training",
                               "at least one training module is required",
                               "Add training.modules, or require an organisation-wide module "
                               "in a stage's training list.")
        if required.training_per_stage_that_adds_people:
            for i, stage in _stages(plan):
                if gives_access(stage) and not texts(stage.get("training")):
                    yield scope.report(doc, ("stages", i), ERROR, "tier-training",
                                       f"stage '{stage.get('id')}' adds people but requires no "
                                       "training", "List the modules required before access in "
                                       "the stage's training.")
        if required.reviewers_trained:
            modules = _modules_of(scope, plan)
            trained = {a for m in needed for a in texts(get(modules.get(m), "audience"))}
            judged = needed <= set(modules)  # an unknown module is the ref rule's finding
            for i, rule in entries(plan.get("review")):
                reviewer = rule.get("reviewer")
                if (judged and isinstance(reviewer, str) and reviewer not in trained
                        and scope.known(AUDIENCE, reviewer)):
                    yield scope.report(doc, ("review", i, "reviewer"), ERROR, "tier-training",
                                       f"the reviewer '{reviewer}' is not in the audience of any "
                                       "module a stage requires (high tier)",
                                       "Add the reviewer to the audience of a required module.")


@reads('risk_tier', 'escalation[].steps[].contact', 'pause.authority')
def rule_tier_escalation(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: escalation is a warning at low, required at medium; at high every path ends
    with someone who has pause authority."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        paths = entries(plan.get("escalation"))
        if not paths:
            yield scope.report(doc, (), required.escalation, "tier-escalation",
                               "no escalation path: staff will not know who to call when "
                               "something goes wrong", "Add escalation: [{id, when, steps}].")
        if required.escalation_ends_with_pause_authority:
            authority = set(texts(get(plan, "pause", "authority")))
            if not all(scope.known(PERSON, p) for p in authority):
                continue  # a misspelt authority is the ref rule's finding, not every path's
            for i, path in paths:
                steps = entries(path.get("steps"))
                last = steps[-1][1].get("contact") if steps else None
                if steps and last not in authority and scope.known(PERSON, last):
                    yield scope.report(doc, ("escalation", i, "steps", steps[-1][0], "contact"),
                                       ERROR, "tier-escalation",
                                       f"the path '{path.get('id')}' ends at '{last}', who has no "
                                       "pause authority (high tier)",
                                       "End the path with someone listed in pause.authority.")


@reads('risk_tier', 'pause.authority', 'pause.triggers', 'pause.fallbacks',
       'pause.return_to_normal')
def rule_tier_pause(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: pause authority always; triggers, fallbacks and return_to_normal at medium;
    two people with authority at high."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        for key in required.pause_keys:
            if not get(plan, "pause", key):
                yield scope.report(doc, ("pause", key), ERROR, "tier-pause",
                                   f"is required at {required.tier} tier",
                                   "Say who can pause, when, what happens instead, and how use "
                                   "resumes.")
        authority = texts(get(plan, "pause", "authority"))
        if 0 < len(set(authority)) < required.min_pause_authority:
            yield scope.report(doc, ("pause", "authority"), ERROR, "tier-pause",
                               f"at {required.tier} tier at least "
                               f"{NUMBER_WORDS.get(required.min_pause_authority)} people must be "
                               "able to pause",
                               "Add a second person to pause.authority.")


@emits("tier-communications", "communication-timing")
@reads('risk_tier', 'communications[].before', 'communications[].date',
       'communications[].at_each_gate', 'stages[0].id', 'stages[0].start (never `when`)')
def rule_tier_communications(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: medium and high announce the rollout before the first stage. Only the
    structured timing counts (`before: <stage-id>`, or a `date` before the first stage starts);
    `when` is words for people and is never read."""
    for doc in scope.plans:
        plan = doc.data
        if not _required(plan).communication_before_first_stage:
            continue
        first = get(plan, "stages", 0, default={})
        first_id = first.get("id") if isinstance(first.get("id"), str) else None
        start = parse_date(first.get("start"))
        messages = entries(plan.get("communications"))
        timed = [(i, c) for i, c in messages if any(k in c for k in ("before", "date",
                                                                      "at_each_gate"))]
        stage_ids = {s.get("id") for _, s in _stages(plan)}
        if any("before" in c and c["before"] not in stage_ids for _, c in timed):
            continue  # the unknown stage is reported by rule_ref: one mistake, one diagnostic
        dates = [(i, parse_date(c.get("date"))) for i, c in timed if parse_date(c.get("date"))]
        if any(first_id and c.get("before") == first_id for _, c in timed) or any(
                start and date < start for _, date in dates):
            continue
        untimed = [i for i, c in messages if (i, c) not in timed]
        target = first_id or "<first-stage-id>"
        if dates and start is None:
            yield scope.report(doc, ("communications", dates[0][0], "date"), WARNING,
                               "communication-timing",
                               "the first stage has no start date, so this date cannot be "
                               "compared with it", f"Add before: {target}, or a start date to "
                               "the first stage.")
        elif untimed:
            # Older plans say it in words only: they stay valid, and learn the field to add.
            yield scope.report(doc, ("communications", untimed[0]), WARNING,
                               "communication-timing",
                               "no message is marked as going out before the first stage; "
                               "'when' is read by people, not by the check",
                               f"Add before: {target} to the message that announces the "
                               "rollout (or date: YYYY-MM-DD before the first stage starts).")
        else:
            yield scope.report(doc, ("communications",), ERROR, "tier-communications",
                               "no communication before the first stage",
                               f'Add communications: [{{when: "Two weeks before the start", '
                               f"before: {target}, audience, channel, message}}].")


@emits("tier-risks", "tier-governance")
@reads('risk_tier', 'risks', 'governance')
def rule_tier_risks_governance(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: risks and governance are warnings at medium, required at high."""
    for doc in scope.plans:
        severity = _required(doc.data).risks_and_governance
        if severity is None:
            continue
        for key, what in (("risks", "a risk register"), ("governance", "who may change the "
                                                          "definitions of good, and how")):
            if not doc.data.get(key):
                yield scope.report(doc, (), severity, f"tier-{key}",
                                   f"'{key}' is missing: {what}",
                                   f"Add {key} (required at high tier, recommended at medium).")


@reads('impact', 'risk_tier', 'whether tier_rationale is given (not what it says)')
def rule_impact_tier(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 6: high-stakes impact means high tier; any impact means at least medium, unless
    tier_rationale explains (then a warning)."""
    for doc in scope.plans:
        plan, tier = doc.data, _required(doc.data).rank
        impact = set(texts(plan.get("impact")))
        needed = TIERS.index(implied_tier(plan.get("impact")))
        if tier < needed:
            names = ", ".join(sorted(impact & HIGH_IMPACTS or impact))
            level = "high" if needed == 2 else "at least medium"
            explained = bool(plan.get("tier_rationale"))
            yield scope.report(doc, ("risk_tier",), WARNING if explained else ERROR,
                               "impact-tier", f"impact on {names} means the tier should be "
                               f"{level}", "tier_rationale explains the lower tier, and whoever "
                               "approves the plan reads it: raise risk_tier when it no longer "
                               "holds." if explained else
                               "Raise risk_tier, or explain in tier_rationale why not.")
