"""What you will hear, and when: the plans' planned messages on one timeline, and the message a
team will be told next.

Timing comes from the structured fields only (`date`, `before: <stage>`, `at_each_gate`), read
against the page's as-of day and the stages the rollout has reached; the `when` text is shown
beside it, never read. A message without an audience goes to every team the plan names.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.dates import day_words
from ..model.model import Handbook, Plan
from ..model.parts import Stage
from ..core.values import parse_date
from .fragments import Fragments
from .sentences import plain_end, sentence
from .text import cell, inline, table


@dataclass(frozen=True)
class Message:
    """One planned message of a plan, with the day it goes out by (None: not known yet)."""

    plan: Plan
    raw: dict
    day: dt.date | None  # its date; before a stage: the stage's planned start
    stage: Stage | None = None  # the stage it goes out before
    at_gates: bool = False
    timed: bool = True  # False: only the `when` text says when

    @property
    def sent(self) -> bool:
        """Whether its time has passed on the plan's as-of day (sent, as far as the plan says)."""
        if self.stage is not None:
            return self.plan.reached_index() >= self.stage.index
        if self.at_gates:
            return self.plan.next_gate is None
        return self.day is not None and self.day < self.plan.today

    def reaches(self, team: str) -> bool:
        audience = [a for a in self.raw.get("audience", []) if isinstance(a, str)]
        return team in audience if audience else team in self.plan.teams_named


def sends(plan: Plan) -> bool:
    """Whether the plan's messages are still to go out: not a draft, retired or stopped."""
    return plan.status not in ("draft", "retired") and plan.position.state != "stopped"


def messages_of(plan: Plan) -> list[Message]:
    found = []
    for raw in plan.get("communications", default=[]):
        if not isinstance(raw, dict):
            continue
        if raw.get("date"):
            found.append(Message(plan, raw, parse_date(str(raw["date"]))))
        elif raw.get("before"):
            stage = plan.stage(raw["before"])
            found.append(Message(plan, raw, stage.start if stage else None, stage))
        elif raw.get("at_each_gate"):
            gate = plan.next_gate
            found.append(Message(plan, raw, gate[0].end if gate else None, at_gates=True))
        else:
            found.append(Message(plan, raw, None, timed=False))
    return found


def _order(message: Message) -> tuple:
    return (message.day or dt.date.max, message.plan.id)


def when_words(f: Fragments, message: Message) -> str:
    """'Mon 7 Dec 2026', 'before Wave 4, planned from Mon 7 Dec 2026', 'at each gate
    decision (next: Wave 3)'."""
    plan = message.plan
    if message.stage is not None:
        planned = f", planned from {day_words(message.stage.start)}" if message.stage.start \
            else ""
        return f"before {f.stage_link(plan, message.stage)}{planned}"
    if message.at_gates:
        gate = plan.next_gate
        return "at each gate decision" + (f" (next: {f.stage_link(plan, gate[0])})"
                                          if gate else "")
    if message.day is not None:
        return day_words(message.day)
    return "not scheduled"


def _row(f: Fragments, message: Message) -> list[str]:
    raw = message.raw
    when = when_words(f, message)
    said = inline(raw.get("when"))
    return [when + (f"<br>_{said}_" if said else ""), f.plan_link(message.plan, "communications"),
            f.people(raw.get("audience", [])) if raw.get("audience") else "Everyone in the plan",
            cell(raw.get("channel")), cell(raw.get("message"))]


def timeline(hb: Handbook, f: Fragments) -> list[str]:
    """The blocks of the communications page: coming, already out, not timed."""
    every = [m for plan in hb.plans.values() if plan.status not in ("draft", "retired")
             for m in messages_of(plan)]
    headers = ["When", "Plan", "To", "Channel", "Message"]
    coming = sorted((m for m in every if m.timed and not m.sent and sends(m.plan)), key=_order)
    past = sorted((m for m in every if m.timed and m.sent), key=_order, reverse=True)
    untimed = [m for m in every if not m.timed]
    return [
        "## Coming {#coming}\n\n" + (table(headers, [_row(f, m) for m in coming])
                                     or "_No message is planned from today on._"),
        ("## Already out {#sent}\n\n" + table(headers, [_row(f, m) for m in past]))
        if past else "",
        ("## Not timed yet {#not-timed}\n\nThese messages say when only in words: the plan "
         "gives them no date, stage or gate yet.\n\n"
         + table(headers, [_row(f, m) for m in untimed])) if untimed else "",
    ]


def told_next(f: Fragments, plan: Plan, team: str, label: str = "") -> str:
    """What `team` will be told next under `plan`: the soonest message to come that reaches
    it, with when and how; empty when none is planned. `label` follows the bold lead."""
    coming = sorted((m for m in messages_of(plan)
                     if m.timed and not m.sent and m.reaches(team)), key=_order)
    if not coming or not sends(plan):
        return ""
    message = coming[0]
    what = inline(plain_end(message.raw.get("message") or message.raw.get("when")))
    channel = inline(message.raw.get("channel"))
    lead = f"**You will be told next**{label}:" if label else "**You will be told next:**"
    return sentence(f"{lead} {what} — {when_words(f, message)}"
                    + (f" ({channel})" if channel else ""))


def told_from_other_plans(f: Fragments, hb: Handbook, team: str, involved: list[Plan]) -> str:
    """Messages to `team` from plans that give it nothing (an all-hands for everyone): each
    such plan's next one, so the team page still says what the team will hear."""
    return "\n\n".join(line for plan in hb.plans.values()
                       if plan not in involved
                       and (line := told_next(f, plan, team, f" (from {f.plan_link(plan)})")))
