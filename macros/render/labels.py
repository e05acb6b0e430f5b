"""The tool's words for the plan format's enumerations (review modes, what to capture,
fallbacks, training topics and formats, stage patterns, statuses), and the small formatters
the fragments and pages share (a day as written, a share, a stage's period).
"""
from __future__ import annotations

import datetime as dt
import re

from ..core.dates import day_words, distance_if_near
from ..core.values import parse_date
from ..model.model import Plan
from ..model.parts import Stage
from .text import inline


MODES = {
    "spot_check": "Spot check after use",
    "review_before_use": "Review before use",
    "approval_first": "Approval before any action",
}
CAPTURE = {
    "what_happened": "What happened",
    "use_case": "Which use case it was",
    "output_used": "Whether the output was used",
    "anyone_affected": "Whether anyone was affected",
    "correction": "What was corrected",
}
# Fallbacks under which use goes on, restricted (seed 000); the others replace it.
CONTINUING_FALLBACKS = ("extra_review", "limit_to_trained", "remove_sensitive_data",
                        "pause_expansion")
FALLBACKS = {
    "manual_work": "Return to manual work",
    "extra_review": "Add extra review of every output",
    "limit_to_trained": "Limit use to trained staff",
    "remove_sensitive_data": "Remove sensitive data access",
    "pause_expansion": "Pause further expansion",
}
TOPICS = {
    "purpose": "Purpose", "limits": "Limits", "data_rules": "Data rules", "review": "Review",
    "escalation": "Escalation", "issue_reporting": "Issue reporting",
    "overreliance": "Overreliance", "ai_literacy": "AI literacy",
}
FORMATS = {"live": "Live session", "self_paced": "Self-paced", "peer_led": "Peer-led",
           "one_to_one": "One-to-one"}
PATTERNS = {
    "limited_pilot": "Limited pilot", "low_risk_task": "Low-risk task", "department": "Department",
    "read_only": "Read-only", "approval_first": "Approval-first", "wave": "Wave", "full": "Full",
}
STATUS = {"draft": "Draft", "approved": "Approved", "active": "Active", "paused": "Paused",
          "retired": "Retired"}


def continues_while_paused(plan: Plan) -> bool:
    """A pause whose fallbacks let use go on, on conditions (the Paused notice names them)."""
    return any(f in CONTINUING_FALLBACKS for f in plan.fallbacks_in_force)


_FIELD = re.compile(r"`([a-z_][a-z0-9_.]*(?:: [a-z_]+)?)`")


def fields_as_code(text: str) -> str:
    """Plain text in which our own field names are written between backticks ("add
    `pause_value`"): the names become code, everything else is escaped."""
    parts = _FIELD.split(text)
    # inline() trims each piece; the spaces around a field name belong to the sentence.
    return "".join(f"`{p}`" if i % 2 else
                   (" " if p[:1].isspace() else "") + inline(p)
                   + (" " if p[-1:].isspace() and p.strip() else "")
                   for i, p in enumerate(parts))


def written_day(value: object) -> str:
    """A day the plan writes as text (`approval.date`, a message's date), as staff read days;
    anything that is not a date is shown as written."""
    day = parse_date(value)
    return day_words(day) if day else inline(value)


def _planned(stage: Stage, today: dt.date) -> str:
    """' (planned from Mon 7 Dec 2026, in 13 days)': one pair of brackets, never two."""
    if not stage.start:
        return ""
    near = distance_if_near(stage.start, today)
    return f" (planned from {day_words(stage.start)}" + (f", {near})" if near else ")")


def _percent(value: float | None) -> str | None:
    return None if value is None else f"{value:g} %"


def _period(stage: Stage) -> str | None:
    if stage.start and stage.end:
        return f"{day_words(stage.start)} to {day_words(stage.end)}"
    if stage.start:
        return f"from {day_words(stage.start)}"
    return None
