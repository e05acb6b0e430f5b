"""`handbook diff` in the format asked for: plain text for a terminal (one change a line, its
judgement first), a pull-request comment (diff.to_markdown) or JSON (diff.to_json); each with a
note when the new side fails `handbook check`.

Plain text is not Markdown: no syntax, no escapes. Plan values are shown as written, in quotes,
except characters that would act on a terminal instead of being read (control codes, escape
sequences, bidi overrides, line breaks): those are shown as visible symbols.
"""
from __future__ import annotations

import re

from ..core.diagnostics import Diagnostic
from .change_words import code_span, plain
from .diff import FAQ_ONLY, SECTIONS, Change, faq_only, json_text, to_json, to_markdown
from .sides import FAQ_FILE, ORG_FILE, Side
from .diff_judgement import NEEDS_APPROVAL, NO_EFFECT, NOT_JUDGED, TIGHTENS
from ..render.text import visible as shown_visible

FORMATS = ("text", "markdown", "json")
_LABELS = {NEEDS_APPROVAL: "needs approval", TIGHTENS: "tightens", NO_EFFECT: "no policy effect",
           NOT_JUDGED: "not judged"}
_WIDTH = max(len(label) for label in _LABELS.values()) + 2
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def visible(text: str) -> str:
    """`text` on one line with nothing a terminal would act on: a line break reads ⏎, a tab ␉,
    any other invisible character its code point ([U+001B]), as everywhere in the tool."""
    return shown_visible(_LINE_BREAK.sub("⏎", text).replace("\t", "␉"))


def _errors_note(errors: int) -> str:
    return f"the new version has {errors} error{'s' if errors != 1 else ''}; run handbook check"


def to_text(changes: list[Change], old: Side, new: Side, errors: int = 0) -> str:
    """For a terminal: per plan and section, one line per change, its judgement first."""
    head = FAQ_ONLY if faq_only(changes) else "Policy changes"
    lines = [f"{head}: {old.label} → {new.label}"] if changes else [
        f"No policy changes between {old.label} and {new.label}."]
    if errors:
        lines.append(f"Note: {_errors_note(errors)}.")
    for plan_id in dict.fromkeys(c.plan for c in changes):
        mine = [c for c in changes if c.plan == plan_id]
        plan = new.plans.get(plan_id) or old.plans.get(plan_id) or {}
        title = {ORG_FILE: "Organisation", FAQ_FILE: "Questions for everyone"}.get(
            plan_id, str(plan.get("title", plan_id)))
        lines += ["", f"{title} ({plan_id})"]
        approvers = list(dict.fromkeys(c.approver for c in mine if c.needs_approval))
        if approvers:
            count = sum(c.needs_approval for c in mine)
            lines.append(f"  Needs approval by {' and '.join(approvers)}: {count} "
                         f"change{'s' if count != 1 else ''} cannot be proved to tighten control.")
        for section in SECTIONS:
            in_section = [c for c in mine if c.section == section]
            lines += [f"  {section}"] if in_section else []
            for c in in_section:
                line = f"    {_LABELS[c.judgement]:<{_WIDTH}}{plain(c.sentence)}"
                if c.needs_approval:
                    line += f" (by {c.approver}: {plain(c.reason)})"
                elif c.judgement == NOT_JUDGED:
                    line += " (review by hand)"
                lines.append(line)
    return "\n".join(visible(line) for line in lines) + "\n"


def render(fmt: str, changes: list[Change], old: Side, new: Side, errors: int = 0,
           unrecorded: list[Diagnostic] | tuple = ()) -> str:
    """The diff in `fmt` (one of FORMATS), with the note on the new side's check errors and,
    first, the definitions of good changed without a record (`definition-record`)."""
    if fmt == "text":  # the records' errors go to stderr, as every diagnostic does
        return to_text(changes, old, new, errors)
    if fmt == "json":
        # Each note is one more object of the same shape, so readers of the list keep working.
        notes = [_note(f"{d.file}:{d.line}", d.message, "Definitions") for d in unrecorded]
        if errors:
            notes.append({**_note("", _errors_note(errors), "Check"), "errors": errors})
        return json_text([*notes, *(c.as_json() for c in changes)]) if notes \
            else to_json(changes)
    note = (f"> ⚠️ **Note: {_errors_note(errors).replace('handbook check', '`handbook check`')}"
            ".** The changes below compare with plans that fail the check.\n\n") if errors else ""
    if unrecorded:  # a pull request that cannot merge says why first
        note = (f"> ❌ **{len(unrecorded)} definition(s) of good changed without a record** in "
                "`definition_changes` (`definitions_recorded_since` in `plans/_org.yaml`):\n"
                + "".join(f">\n> - {code_span(f'{d.file}:{d.line}')} {code_span(d.message)}\n"
                          for d in unrecorded) + "\n" + note)
    return note + to_markdown(changes, old, new)


def _note(path: str, text: str, section: str) -> dict:
    return {"plan": None, "section": section, "path": path, "old": None, "new": None,
            "text": text, "judgement": NOT_JUDGED, "needs_approval": False, "reason": None,
            "approver": None}
