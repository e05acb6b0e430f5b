"""The FAQ in the model: questions and answers from plans/_faq.yaml (for everyone) and from each
plan's `faq`, with what they link resolved to ids. The status of a linked use or tool is not
stored here: render/faq.py reads it from the plan model on the page's day, so an answer can
never show a status the plan does not give.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..core.faq_check import split_ref
from ..core.values import parse_date

NEW_DAYS = 7  # an entry added within this many days of the page's day is marked New


@dataclass(frozen=True)
class Entry:
    """One question. `plan_id` is None for plans/_faq.yaml; links are (plan id, item id)."""

    id: str
    question: str
    answer: str
    added: dt.date
    plan_id: str | None = None
    audience: tuple[str, ...] = ()
    stage: tuple[str, str] | None = None
    uses: tuple[tuple[str, str], ...] = ()
    tools: tuple[str, ...] = ()
    escalation: tuple[tuple[str, str], ...] = ()
    training: tuple[str, ...] = ()
    data_rules: bool = False

    @property
    def anchor(self) -> str:
        """Stable on every page that shows it; a plan's entries carry the plan id after two
        hyphens, which no id holds, so no two entries ever share one."""
        return f"faq-{self.id}" if self.plan_id is None else f"faq-{self.plan_id}--{self.id}"

    def is_new(self, day: dt.date) -> bool:
        """Added in the last NEW_DAYS days up to `day` (the day itself included)."""
        return 0 <= (day - self.added).days < NEW_DAYS

    def for_audience(self, ref: str) -> bool:
        return ref in self.audience


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _refs(value: Any, home: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((plan, item) for plan, item in (split_ref(r, home) for r in _texts(value))
                 if plan is not None)


def entries_of(data: Any, plan_id: str | None, today: dt.date) -> tuple[Entry, ...]:
    """The entries of a checked plan or _faq.yaml (`data`), in file order. An entry dated after
    `today` is not there yet on that day (as a measurement after it is not evidence yet)."""
    raw = data.get("faq") if isinstance(data, dict) else None
    found = []
    for e in raw if isinstance(raw, list) else []:
        added = parse_date(e.get("added"))
        if added is None or added > today:
            continue
        stage = split_ref(e["stage"], plan_id) if isinstance(e.get("stage"), str) else None
        found.append(Entry(
            id=e["id"], question=e["question"], answer=e["answer"], added=added,
            plan_id=plan_id, audience=_texts(e.get("audience")),
            stage=stage if stage and stage[0] else None, uses=_refs(e.get("uses"), plan_id),
            tools=_texts(e.get("tools")), escalation=_refs(e.get("escalation"), plan_id),
            training=_texts(e.get("training")), data_rules=e.get("data_rules") is True))
    return tuple(found)
