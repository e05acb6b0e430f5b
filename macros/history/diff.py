"""Diff: what a change to the plans does to the rules, in plain words.

Each side is a plan file, a folder of plans, or a git revision (its plans/ folder). Nothing is
ever hidden: the two sides are walked leaf by leaf (lists matched by `id`, renames followed
through `former_ids`, other lists by value and position) and every changed leaf becomes one
change. Common changes read as hand-written sentences; any other leaf reads "<section> ›
<path>: old → new".

A change to a policy (pause rules, thresholds, targets, uses, data rules, reviews, gates, tier,
authority, stage access, training requirements) needs the approval of the plan's owner of the
definitions of good unless structured values PROVE that it tightens control: numbers with
`better`, strength orders of enums, inclusion of list items. Free text is never parsed: a
reworded policy always needs approval. Every change carries exactly one judgement (needs
approval, tightens, no policy effect, not judged): see macros/history/diff_judgement.py, which also
holds the tier's part (the tier is policy).

A sentence keeps plan values apart from the tool's own words, so each output escapes them in
its own way, once: plain text for JSON, inert code spans for GitHub comments, the handbook's
escaping for the site.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.load import load_text
from ..core.yaml_strict import HAZARDS
from . import history
from .change_sentences import _generic, _org_sentence, _plan_sentence
from .change_words import Key, Sentence, Value, code_span, gfm, plain, site
from .diff_approval import _approver, _judgement, _org_approval, _org_approvers, _org_judgement
from .diff_judgement import NEEDS_APPROVAL, NO_EFFECT, NOT_JUDGED, WORDS
from .history import HistoryError
from .leaves import Leaf, _match, _moved_uses, _without_rename, path_text, walk
from .sides import (_ORG_SECTIONS, _PLAN_SECTIONS, FAQ_FILE, ORG_FILE, Side, SideError, _get,
                    _Names, _Plan)


FAQ_ONLY = "FAQ only — no policy change"
SECTIONS = ["Plan", "Scope", "Uses", "Data rules", "Human review", "Stages", "Gates", "Training",
            "Monitoring", "Pause", "Support", "Issue reporting", "Escalation", "Communications",
            "Decisions", "Risks", "Budget", "Governance", "FAQ", "Organisation", "People",
            "Teams", "Tools"]


@dataclass(frozen=True)
class Change:
    """One changed leaf of a plan or of the org file, in words."""

    plan: str  # the plan id, or "_org.yaml"
    section: str
    path: str
    old: Any
    new: Any
    sentence: Sentence
    reason: Sentence | None = None  # why it needs approval; None: it does not
    approver: str | None = None
    # One of diff_judgement's four; a change with a reason always needs approval.
    judgement: str = NOT_JUDGED
    # The changed leaf's path (keys and Items), for counting changes by section; not compared.
    steps: tuple = field(default=(), compare=False)
    kind: str = field(default="changed", compare=False)  # Leaf.kind: "moved" for a use

    def __post_init__(self) -> None:
        # needs_approval and judgement never disagree: approval comes with its reason (and one
        # no approver can give is not judged).
        if self.reason is not None:
            object.__setattr__(self, "judgement", NEEDS_APPROVAL)
        elif self.judgement == NEEDS_APPROVAL:
            object.__setattr__(self, "judgement", NOT_JUDGED)

    @property
    def needs_approval(self) -> bool:
        return self.reason is not None

    @property
    def judgement_text(self) -> str:
        return WORDS[self.judgement]

    @property
    def reason_text(self) -> str:
        """Why it needs approval, as Markdown for the handbook's pages."""
        return site(self.reason) if self.reason else ""

    @property
    def text(self) -> str:
        """Markdown for the handbook's pages (plan text escaped by render.text)."""
        return site(self.sentence)

    def as_json(self) -> dict:
        return {"plan": self.plan, "section": self.section, "path": self.path,
                "old": self.old, "new": self.new, "text": plain(self.sentence),
                "judgement": self.judgement, "needs_approval": self.needs_approval,
                "reason": plain(self.reason) if self.reason else None,
                "approver": self.approver}


def _section(path: tuple, org: bool) -> str:
    if not path:
        return "Organisation" if org else "Plan"
    if org:
        return _ORG_SECTIONS.get(path[0], "Organisation")
    if path[0] == "stages" and len(path) > 2 and path[2] in ("gate", "training"):
        return "Gates" if path[2] == "gate" else "Training"
    return _PLAN_SECTIONS.get(path[0], "Plan")


def _plan_changes(plan_id: str, old: dict, new: dict, names: _Names) -> list[Change]:
    ctx = _Plan(old, new, names)
    approver = _approver(old, names)
    changes = []
    for leaf in _moved_uses(list(walk(old, new))):
        section = _section(leaf.path, org=False)
        sentence = _plan_sentence(leaf, ctx) or _generic(leaf, ctx, section)
        judgement, reason = _judgement(leaf, ctx)
        changes.append(Change(plan_id, section, path_text(leaf.path), leaf.old, leaf.new,
                              sentence, reason, approver if reason else None, judgement,
                              leaf.path, leaf.kind))
    return changes


def _org_changes(old: Side, new: Side, names: _Names) -> list[Change]:
    if bool(old.org) != bool(new.org):  # the whole file came or went (a first commit)
        org = new.org or old.org
        title = _get(org, "organisation", "name") or ORG_FILE
        words = "New organisation file: " if new.org else "Organisation file removed: "
        return [Change(ORG_FILE, "Organisation", "", old.org or None, new.org or None,
                       (words, Value(title)))]
    ctx = _Plan(old.org, new.org, names)
    changes = []
    for leaf in walk(old.org, new.org):
        section = _section(leaf.path, org=True)
        sentence = _org_sentence(leaf, ctx) or _generic(leaf, ctx, section)
        reason = _org_approval(leaf, ctx)
        approvers = _org_approvers(leaf, old, names) if reason else []
        changes.append(Change(ORG_FILE, section, path_text(leaf.path), leaf.old, leaf.new,
                              sentence, reason if approvers else None,
                              ", ".join(approvers) or None,
                              _org_judgement(leaf, ctx, reason is not None)))
    return changes


def diff(old: Side, new: Side) -> list[Change]:
    """Every change from `old` to `new`: plans in id order, then the org file; within a plan,
    by section, in the order of the file."""
    names = _Names(old, new)
    changes: list[Change] = []
    old_plans, new_plans = list(old.plans.values()), list(new.plans.values())
    matched, a_ids, b_ids = _match(old_plans, new_plans)
    for plan_id, i in a_ids.items():
        if plan_id not in matched:
            plan = old_plans[i]
            changes.append(Change(plan_id, "Plan", "", plan, None, (
                "Plan removed: ", Value(plan.get("title", plan_id))),
                ("removes the plan and every rule in it",), _approver(plan, names)))
    renamed_to = set(matched.values())
    for plan_id, j in b_ids.items():
        if plan_id not in renamed_to:
            # A new plan has no approver from before: it carries its own `approval`.
            plan = new_plans[j]
            changes.append(Change(plan_id, "Plan", "", None, plan, (
                "New plan: ", Value(plan.get("title", plan_id)))))
    for a_id, b_id in matched.items():
        a, b = old_plans[a_ids[a_id]], new_plans[b_ids[b_id]]
        if a_id != b_id:
            leaf = Leaf(("id",), a_id, b_id, "renamed")
            changes.append(Change(b_id, "Plan", "id", a_id, b_id,
                                  _plan_sentence(leaf, _Plan(a, b, names)) or (),
                                  judgement=NO_EFFECT))
            a, b = _without_rename(a, b, a_id)
        changes += _plan_changes(b_id, a, b, names)
    changes += _org_changes(old, new, names)
    faq = _Plan(old.faq, new.faq, names)
    changes += [Change(FAQ_FILE, "FAQ", path_text(leaf.path), leaf.old, leaf.new,
                       _plan_sentence(leaf, faq) or _generic(leaf, faq, "FAQ"),
                       judgement=NO_EFFECT, steps=leaf.path)
                for leaf in walk(old.faq, new.faq)]
    plans = sorted({c.plan for c in changes if c.plan not in (ORG_FILE, FAQ_FILE)}) + [
        ORG_FILE, FAQ_FILE]
    rank = {plan: i for i, plan in enumerate(plans)}
    return sorted(changes, key=lambda c: (rank[c.plan], SECTIONS.index(c.section)))


def _load(files: dict[str, bytes], label: str, skipped: tuple = ()) -> Side:
    plans, org, faq = {}, {}, {}
    for name, raw in sorted(files.items()):
        doc, problems = load_text(name, raw)
        if doc is None or any(p.is_error for p in problems) or not isinstance(doc.data, dict):
            raise SideError(f"{label}: {name} cannot be read as YAML; run `handbook check` "
                            "first", name)
        if name == ORG_FILE:
            org = doc.data
        elif name == FAQ_FILE:
            faq = doc.data
        elif not name.startswith("_") and isinstance(doc.data.get("id"), str):
            plans[doc.data["id"]] = doc.data
    return Side(label, plans, org, tuple(skipped), faq)


def read_side(spec: str, repo: Path = Path("."), folder: str = "plans") -> Side:
    """A file, a folder, or a git revision (whose `folder` is read, from the repository root)."""
    path = Path(spec)
    if path.is_file():
        files = {path.name: path.read_bytes()}
        org = path.parent / ORG_FILE
        if org.exists() and path.name != ORG_FILE:
            files[ORG_FILE] = org.read_bytes()
        return _load(files, spec)
    if path.is_dir():
        files, skipped = {}, []
        for file in sorted(p for p in path.iterdir() if history.yaml_like(p.name)):
            why = history.unread(file.name, file.is_symlink(), file.is_file())
            if why:
                skipped.append((file.name, why))
            else:
                files[file.name] = file.read_bytes()
        return _load(files, spec, tuple(skipped))
    try:  # what git holds is read as the check would read the folder: see history.tree_files
        files, skipped = history.tree_files(history.resolve(spec, repo), repo, folder)
    except HistoryError:
        raise SideError(f"'{spec}' is not a file, a folder or a git revision with plans/") \
            from None
    return _load(files, spec, tuple(skipped))


def to_markdown(changes: list[Change], old: Side, new: Side) -> str:
    """A pull-request comment. Only the tool's own words make structure: every value from a
    plan, the org file or the command line is an inert code span (see `code_span`)."""
    if not changes:
        return (f"**No policy changes** between {code_span(old.label)} and "
                f"{code_span(new.label)}.\n")
    head = FAQ_ONLY if faq_only(changes) else "Policy changes"
    lines = [f"### {head}: {code_span(old.label)} → {code_span(new.label)}", ""]
    for plan_id in dict.fromkeys(c.plan for c in changes):
        mine = [c for c in changes if c.plan == plan_id]
        if plan_id in (ORG_FILE, FAQ_FILE):
            what = "Organisation" if plan_id == ORG_FILE else "Questions for everyone"
            lines += [f"#### {what} ({code_span(plan_id)})", ""]
        else:
            plan = new.plans.get(plan_id) or old.plans.get(plan_id) or {}
            lines += [f"#### {code_span(plan.get('title', plan_id))} ({code_span(plan_id)})", ""]
        approvers = list(dict.fromkeys(c.approver for c in mine if c.needs_approval))
        if approvers:
            count = sum(c.needs_approval for c in mine)
            who = " and ".join(code_span(a) for a in approvers)
            lines += [f"> ⚠️ **Needs approval by {who}:** {count} change(s) below cannot be "
                      "proved to tighten control.", ""]
        for section in SECTIONS:
            in_section = [c for c in mine if c.section == section]
            if not in_section:
                continue
            lines.append(f"**{section}**")
            for c in in_section:
                if c.needs_approval:
                    lines.append(f"- ⚠️ {gfm(c.sentence)} — **needs approval by "
                                 f"{code_span(c.approver)}:** {gfm(c.reason)}")
                else:
                    lines.append(f"- {gfm(c.sentence)} — **{c.judgement_text}**")
            lines.append("")
    return _bounded(lines, changes, old, new)


def faq_only(changes: list[Change]) -> bool:
    """Whether every change is to questions and answers: a quick review, no approval."""
    return bool(changes) and all(c.section == "FAQ" for c in changes)


COMMENT_LIMIT = 60_000  # GitHub refuses a comment body over 65,536 characters


def _bounded(lines: list[str], changes: list[Change], old: Side, new: Side) -> str:
    """The comment, cut after a whole change line when it is longer than COMMENT_LIMIT. Then
    what needs approval comes first, so that no cut can hide it, and the last sentence says how
    many changes were left out and how to see them all."""
    text = "\n".join(lines)
    if len(text) <= COMMENT_LIMIT:
        return text
    approvals = [c for c in changes if c.needs_approval]
    by_plan: dict[str, list[Change]] = {}
    for change in approvals:
        by_plan.setdefault(change.plan, []).append(change)
    summary = [f"- {code_span(plan)} needs approval by "
               + " and ".join(code_span(a) for a in dict.fromkeys(c.approver for c in mine))
               + f": {len(mine)} change(s)" for plan, mine in by_plan.items()]
    head = [lines[0], ""]
    if approvals:
        head += [(f"> ⚠️ **Needs approval:** {len(approvals)} change(s) in {len(by_plan)} "
                  "plan(s) cannot be proved to tighten control."), ""]
        if len("\n".join(summary)) <= COMMENT_LIMIT // 2:
            head += summary + [""]
    command = code_span(f"handbook diff --format json {old.label} {new.label}")
    total = sum(line.startswith("- ") for line in lines)
    room = COMMENT_LIMIT - len("\n".join(head)) - 400 - len(command)
    body: list[str] = []
    shown = 0
    for line in lines[2:]:
        room -= len(line) + 1
        if room < 0:
            break
        body.append(line)
        shown += line.startswith("- ")
    while body and not body[-1].startswith("- "):  # no heading left without its changes
        body.pop()
    left_out = (f"{total - shown} of {total} changes are not shown here, because GitHub refuses "
                f"a comment longer than 65,536 characters. To see every change, run {command}.")
    return "\n".join([*head, *body, "", left_out])


_JSON_HAZARD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(HAZARDS)
                                       if c >= 0x20) + "]")


def to_json(changes: list[Change]) -> str:
    """Plain text throughout: no Markdown, no HTML entities. Invisible characters (JSON itself
    escapes only C0 controls) are written as \\u escapes: the values stay exact, and a terminal
    that shows the output is sent no control sequence."""
    return json_text([c.as_json() for c in changes])


def json_text(items: list[dict]) -> str:
    """The JSON output of a list of changes (and notes), invisible characters as escapes."""
    text = json.dumps(items, indent=2, ensure_ascii=False, default=str)
    return _JSON_HAZARD.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def notes(side: Side) -> list[Sentence]:
    """The files of a side that were not compared, and why."""
    return [("Not compared: ", Key(name), f" ({why})") for name, why in side.skipped]
